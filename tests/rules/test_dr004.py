"""DR004: a single writer promoted automatically into another region over asynchronous replication."""

from __future__ import annotations

from conftest import findings

FAILING = """\
system s {
  network { rtt east west 60ms }
  region east { zones [a, b] }
  region west { zones [a, b] }
  service app { placement east; writes ledger { timeout 1s } }
  store ledger {
    engine mysql
    replication semi_sync { replicas 4; regions [east, west]; failover automatic; writers single; cross_region async }
    placement east
    placement west
  }
}
"""


def test_flags_automatic_promotion_across_regions_over_async_replication(check_design):
    (d,) = findings(check_design(FAILING), "DR004")
    assert d.message == (
        "store `ledger` has one writer in `east` and promotes a replica in `west` automatically (`failover "
        "automatic`) over asynchronous replication (`cross_region async`), without fencing the old primary: a "
        "partition between the regions can promote it while the primary still takes writes, so both sides accept "
        "writes (split brain) and the writes not yet copied are stranded"
    )
    assert d.span.line == 6
    assert d.fingerprint == "DR004:s/store:ledger"
    assert d.hints[0].startswith("promote across regions only by hand: `cross_region_failover manual`")
    assert d.hints[2] == (
        "or replicate synchronously to the replicas that can be promoted: `cross_region sync` (every write pays "
        "the round trip of 60ms)"
    )


def test_each_fix_the_hints_name_clears_it(check_design):
    for fix in ("cross_region_failover manual", "fencing on", "cross_region sync"):
        text = FAILING.replace("cross_region async", "cross_region async; " + fix).replace(
            "cross_region async; cross_region sync", "cross_region sync"
        )
        assert findings(check_design(text), "DR004") == [], fix


def test_fencing_off_is_not_fencing(check_design):
    assert len(findings(check_design(FAILING.replace("writers single;", "writers single; fencing off;")), "DR004")) == 1


def test_semi_sync_without_cross_region_is_lossy_across_regions(check_design):
    (d,) = findings(check_design(FAILING.replace("; cross_region async", "")), "DR004")
    assert "over semi-synchronous replication (asynchronous when a replica lags)" in d.message


def test_automatic_only_across_regions_is_flagged(check_design):
    text = FAILING.replace("failover automatic", "failover manual; cross_region_failover automatic")
    (d,) = findings(check_design(text), "DR004")
    assert "automatically (`cross_region_failover automatic`)" in d.message


def test_what_it_leaves_alone(check_design):
    cases = {
        "manual failover": FAILING.replace("failover automatic", "failover manual"),
        "no failover stated": FAILING.replace("failover automatic; ", ""),
        "several writers": FAILING.replace("writers single", "writers multi"),
        "one region": FAILING.replace("regions [east, west]", "regions [east]").replace("    placement west\n", ""),
        "a quorum store": FAILING.replace("replication semi_sync", "replication quorum").replace(
            "replicas 4", "n 3; r 2; w 2"
        ),
        "stateless": FAILING.replace("engine mysql", "engine mysql; state stateless"),
    }
    for why, text in cases.items():
        assert findings(check_design(text), "DR004") == [], why


def test_a_cache_is_not_held_to_it(check_design):
    text = FAILING.replace("store ledger", "cache ledger").replace("engine mysql", "engine redis")
    assert findings(check_design(text), "DR004") == []


def test_unknown_round_trip_is_not_guessed(check_design):
    (d,) = findings(check_design(FAILING.replace("  network { rtt east west 60ms }\n", "")), "DR004")
    assert d.hints[2].endswith("(every write pays the round trip)")
