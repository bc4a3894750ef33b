"""CAP001: strong consistency over asynchronous replication."""

from __future__ import annotations

import pytest

from conftest import findings

FAILING = """\
system s {
  region r { zones [a, b, c] }
  store accounts { engine postgres; consistency linearizable; replication async { replicas 3 } }
}
"""

FIXED = """\
system s {
  region r { zones [a, b, c] }
  store accounts { engine postgres; consistency linearizable; replication sync { replicas 3; spread zones } }
}
"""


def test_flags_async_replication_under_strong_consistency(check_design):
    (d,) = findings(check_design(FAILING), "CAP001")
    assert d.message == "store `accounts` promises linearizable consistency but replicates asynchronously"
    assert d.span.line == 3
    assert d.fingerprint == "CAP001:s/store:accounts"


def test_fixed_design_is_clean(check_design):
    assert findings(check_design(FIXED), "CAP001") == []


def test_eventual_consistency_over_async_replication_is_fine(check_design):
    r = check_design(FAILING.replace("consistency linearizable", "consistency eventual"))
    assert findings(r, "CAP001") == []


# --- read-your-writes on asynchronous replicas ----------------------------------------------------------------------

REPLICAS = """\
system s {
  region r { zones [a, b] }
  service write_api { replicas 2; writes orders { timeout 100ms } }
  service read_api { replicas 2; reads orders_replicas { timeout 100ms READ } }
  store orders { model relational; replication sync { replicas 2; spread zones } }
  store orders_replicas { model relational; replica_of orders; replication REPLICATION { replicas 2; spread zones } }
}
"""


@pytest.mark.parametrize(
    ("read", "replication", "severity"),
    [
        ("", "async", "warning"),
        ("; consistency read_your_writes", "async", "error"),
        ("; consistency eventual", "async", None),  # stale reads accepted
        ("", "sync", None),  # synchronous replicas have every acknowledged write
    ],
)
def test_reads_from_asynchronous_replicas_of_a_written_store(check_design, read, replication, severity):
    text = REPLICAS.replace("READ", read).replace("REPLICATION", replication)
    found = [d for d in findings(check_design(text), "CAP001") if "replicas of" in d.message]
    assert [d.severity for d in found] == ([severity] if severity else [])
    if severity == "warning":
        assert found[0].message == (
            "`read_api` reads `orders_replicas`, asynchronous replicas of `orders` that `write_api` writes: a read"
            " right after a write can miss it (read-your-writes is not promised)"
        )


def test_replicas_of_a_store_nobody_writes_are_not_reported(check_design):
    text = REPLICAS.replace("READ", "").replace("REPLICATION", "async").replace("writes orders", "reads orders")
    assert [d for d in findings(check_design(text), "CAP001") if "replicas of" in d.message] == []
