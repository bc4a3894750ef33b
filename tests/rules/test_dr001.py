"""DR001: a store cannot meet the required RPO."""

from __future__ import annotations

from conftest import findings

FAILING = """\
system s {
  requirements { rpo 0s }
  region r { zones [a, b, c] }
  store ledger { engine postgres; replication async { replicas 3; spread zones }; backup { rpo 5m } }
}
"""

FIXED = FAILING.replace("replication async", "replication sync")


def test_flags_async_replication_under_rpo_zero(check_design):
    (d,) = findings(check_design(FAILING), "DR001")
    assert d.message == (
        "store `ledger` replicates asynchronously, so a failover loses the writes it acknowledged but had not "
        "copied, but the requirements ask rpo 0s"
    )
    assert d.span.line == 4
    assert d.fingerprint == "DR001:s/store:ledger"


def test_fixed_design_is_clean(check_design):
    assert findings(check_design(FIXED), "DR001") == []


def test_backups_alone_under_rpo_zero(check_design):
    text = FAILING.replace("replication async { replicas 3; spread zones }; ", "")
    (d,) = findings(check_design(text), "DR001")
    assert d.message.startswith("store `ledger` relies on backups alone (backup rpo 5m)")


def test_backup_interval_above_the_rpo(check_design):
    text = FAILING.replace("rpo 0s", "rpo 1h").replace(
        "replication async { replicas 3; spread zones }; backup { rpo 5m }", "backup { interval 24h }"
    )
    (d,) = findings(check_design(text), "DR001")
    assert d.message == (
        "store `ledger` is not replicated and can lose up to 1d of writes (backup every 1d), but the requirements "
        "ask rpo 1h"
    )
    assert findings(check_design(text.replace("interval 24h", "interval 30m")), "DR001") == []


def test_async_replication_meets_a_nonzero_rpo(check_design):
    assert findings(check_design(FAILING.replace("rpo 0s", "rpo 1m")), "DR001") == []


def test_minority_write_quorum(check_design):
    text = FAILING.replace("replication async { replicas 3; spread zones }", "replication quorum { n 3; r 1; w 1 }")
    (d,) = findings(check_design(text), "DR001")
    assert "acknowledges a write on w=1 of n=3 copies" in d.message
    assert findings(check_design(text.replace("w 1", "w 2")), "DR001") == []


def test_reproducible_store_is_exempt(check_design):
    assert (
        findings(check_design(FAILING.replace("engine postgres;", "engine postgres; reproducible yes;")), "DR001") == []
    )


def test_no_rpo_nothing_to_check(check_design):
    assert findings(check_design(FAILING.replace("requirements { rpo 0s }", "")), "DR001") == []


REGION = """\
system s {
  requirements { rpo 5m; survive region }
  region east { zones [a, b, c]; role active }
  region west { zones [a, b, c]; role active }
  store links { engine postgres; replication sync { replicas 3; spread zones }; placement east; backup { pitr on } }
}
"""


def test_region_loss_without_cross_region_backup(check_design):
    (d,) = findings(check_design(REGION), "DR001")
    assert d.message == (
        "store `links` has every copy in `east` and no cross-region backup, so losing `east` loses its data, but "
        "the requirements ask rpo 5m and `survive region`"
    )


def test_region_loss_with_a_cross_region_backup_within_the_rpo(check_design):
    assert findings(check_design(REGION.replace("pitr on", "pitr on; cross_region on; rpo 1m")), "DR001") == []
    (d,) = findings(check_design(REGION.replace("pitr on", "pitr on; cross_region on; rpo 15m")), "DR001")
    assert "only the cross-region backup remains (backup rpo 15m)" in d.message


def test_region_loss_with_replication_to_another_region(check_design):
    text = REGION.replace("spread zones }", "regions [east, west] }")
    assert findings(check_design(text), "DR001") == []
