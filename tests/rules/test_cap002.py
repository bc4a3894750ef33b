"""CAP002: strong consistency over a quorum where R + W <= N or W <= N/2."""

from __future__ import annotations

from conftest import findings


def clean(checked) -> bool:
    """The design resolved (so the rules ran) and CAP002 found nothing."""
    assert checked.model is not None, [d.message for d in checked.diagnostics]
    return findings(checked, "CAP002") == []


FAILING = """\
system s {
  region r { zones [a, b, c] }
  service api { replicas 2; writes history { timeout 50ms } }
  store history { engine cassandra; consistency strong; replication quorum { n 3; r 1; w 1; spread zones } }
}
"""

FIXED = FAILING.replace("r 1; w 1", "r 2; w 2")


def test_flags_non_overlapping_read_and_write_quorums(check_design):
    ds = findings(check_design(FAILING), "CAP002")
    (d,) = [d for d in ds if d.fingerprint.endswith("read-write")]
    assert d.message == (
        "store `history` promises strong consistency but its read and write quorums need not overlap: "
        "R + W = 2 is not more than N = 3"
    )
    assert d.span.line == 4
    assert d.fingerprint == "CAP002:s/store:history/quorum:read-write"
    assert d.severity == "error"
    assert "`replication quorum { n 3; r 2; w 2 }`" in d.hints[0]


def test_flags_write_quorum_of_no_majority(check_design):
    ds = findings(check_design(FAILING), "CAP002")
    assert len(ds) == 2
    (d,) = [d for d in ds if d.fingerprint.endswith("write-write")]
    assert d.message == (
        "store `history` promises strong consistency but two concurrent writes can both succeed: "
        "W = 1 is not more than half of N = 3"
    )
    assert d.span.line == 4
    assert d.fingerprint == "CAP002:s/store:history/quorum:write-write"


def test_fixed_design_is_clean(check_design):
    assert clean(check_design(FIXED))


def test_write_majority_alone_is_not_enough_when_reads_miss_it(check_design):
    # W = 3 of N = 5 is a majority, but R + W = 4 <= 5: only the read-write finding.
    text = FAILING.replace("n 3; r 1; w 1", "n 5; r 1; w 3")
    (d,) = findings(check_design(text), "CAP002")
    assert d.fingerprint == "CAP002:s/store:history/quorum:read-write"
    assert "R + W = 4 is not more than N = 5" in d.message


def test_overlap_without_write_majority(check_design):
    # R + W = 5 > 4, but W = 2 is half of N = 4: two writers can both succeed.
    text = FAILING.replace("n 3; r 1; w 1", "n 4; r 3; w 2")
    (d,) = findings(check_design(text), "CAP002")
    assert d.fingerprint == "CAP002:s/store:history/quorum:write-write"
    assert d.hints[0] == "raise W to a majority: `w 3` with `n 4`"


def test_replicas_stand_for_n(check_design):
    text = FAILING.replace("n 3; r 1; w 1", "replicas 3; r 1; w 2")
    (d,) = findings(check_design(text), "CAP002")
    assert "R + W = 3 is not more than N = 3" in d.message


def test_missing_quorum_sizes_say_what_to_declare(check_design):
    text = FAILING.replace("n 3; r 1; w 1; spread zones", "n 5; r 3; spread zones")
    (d,) = findings(check_design(text), "CAP002")
    assert d.message == (
        "store `history` promises strong consistency over a quorum but does not declare w, "
        "so the promise cannot be checked"
    )
    assert d.fingerprint == "CAP002:s/store:history/quorum:undeclared"
    assert d.hints == ["declare the quorum: `replication quorum { n 5; r 3; w 3 }` (R + W > N and W > N/2)"]


def test_nothing_declared(check_design):
    text = FAILING.replace("n 3; r 1; w 1; spread zones", "spread zones")
    (d,) = findings(check_design(text), "CAP002")
    assert "does not declare n, r or w" in d.message


def test_eventual_consistency_may_use_any_quorum(check_design):
    text = FAILING.replace("consistency strong", "consistency eventual")
    assert clean(check_design(text))


def test_other_replication_modes_are_not_quorums(check_design):
    text = FAILING.replace("replication quorum { n 3; r 1; w 1; spread zones }", "replication sync { replicas 3 }")
    assert clean(check_design(text))


def test_a_cache_promising_strong_consistency_is_checked_too(check_design):
    text = """\
system s {
  region r { zones [a, b, c] }
  service api { replicas 2; reads sessions { timeout 5ms } }
  cache sessions { engine redis; consistency sequential; replication quorum { n 3; r 3; w 1 } }
}
"""
    (d,) = findings(check_design(text), "CAP002")
    assert d.message.startswith("cache `sessions` promises sequential consistency but two concurrent writes")
    assert d.fingerprint == "CAP002:s/cache:sessions/quorum:write-write"


def test_an_undeclared_quorum_is_information_not_an_error(check_design):
    text = """\
system s {
  region r { zones [a, b, c] }
  store db { engine cassandra; consistency strong; replication quorum { spread zones } }
}
"""
    (d,) = findings(check_design(text), "CAP002")
    assert d.severity == "info" and "does not declare" in d.message
