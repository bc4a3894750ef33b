"""SPOF004: stateful data in one copy with no backup."""

from __future__ import annotations

from conftest import findings

FAILING = """\
system s {
  region r { zones [a, b, c] }
  store orders { engine postgres }
}
"""

FIXED = """\
system s {
  region r { zones [a, b, c] }
  store orders { engine postgres; backup { pitr on; rpo 5m } }
}
"""


def test_flags_a_store_with_one_copy_and_no_backup(check_design):
    (d,) = findings(check_design(FAILING), "SPOF004")
    assert d.message == (
        "store `orders` keeps state but declares no replication and has no backup: losing its one copy loses the "
        "data for good"
    )
    assert d.span.line == 3
    assert d.fingerprint == "SPOF004:s/store:orders"


def test_fixed_design_is_clean(check_design):
    assert findings(check_design(FIXED), "SPOF004") == []


def test_replication_is_enough(check_design):
    r = check_design(FAILING.replace("engine postgres", "engine postgres; replication async { replicas 2 }"))
    assert findings(r, "SPOF004") == []


def test_replication_none_is_one_copy(check_design):
    (d,) = findings(check_design(FAILING.replace("engine postgres", "engine postgres; replication none")), "SPOF004")
    assert "says `replication none`" in d.message


def test_reproducible_store_is_exempt(check_design):
    assert (
        findings(check_design(FAILING.replace("engine postgres", "engine postgres; reproducible yes")), "SPOF004") == []
    )


def test_caches_are_exempt(check_design):
    text = FAILING.replace("store orders { engine postgres }", "cache sessions { engine redis }")
    assert findings(check_design(text), "SPOF004") == []


def test_managed_component_with_an_sla_is_exempt(check_design):
    text = FAILING.replace(
        "store orders { engine postgres }", 'queue jobs { engine sqs; availability 99.9% source "sla" }'
    )
    assert findings(check_design(text), "SPOF004") == []


def test_stream_with_replication_factor_one(check_design):
    text = FAILING.replace("store orders { engine postgres }", "stream events { engine kafka; replication 1 }")
    (d,) = findings(check_design(text), "SPOF004")
    assert d.message.startswith("stream `events` keeps state but has replication factor 1")


def test_stateful_service_with_one_replica(check_design):
    text = FAILING.replace("store orders { engine postgres }", "service game { state stateful; replicas 1 }")
    (d,) = findings(check_design(text), "SPOF004")
    assert d.message.startswith("service `game` keeps state but runs 1 replica")
    assert findings(check_design(text.replace("replicas 1", "replicas 3")), "SPOF004") == []


def test_stateless_service_is_fine(check_design):
    text = FAILING.replace("store orders { engine postgres }", "service web { state stateless; replicas 1 }")
    assert findings(check_design(text), "SPOF004") == []
