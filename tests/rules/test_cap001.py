"""CAP001: strong consistency over asynchronous replication."""

from __future__ import annotations

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
