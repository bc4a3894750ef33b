"""CAP005: a cache invalidated only by its TTL on a read path that needs strong consistency."""

from __future__ import annotations

from conftest import findings


def clean(checked) -> bool:
    """The design resolved (so the rules ran) and CAP005 found nothing."""
    assert checked.model is not None, [d.message for d in checked.diagnostics]
    return findings(checked, "CAP005") == []


FAILING = """\
system s {
  region r { zones [a, b, c] }
  service api {
    exposure public
    replicas 2
    reads balances_cache { timeout 5ms; criticality soft; fallback default }
    reads ledger { timeout 50ms; consistency linearizable }
  }
  cache balances_cache { engine redis; ttl 5m; invalidation ttl }
  store ledger { engine postgres; replication sync { replicas 2; spread zones } }
}
"""

FIXED = FAILING.replace("invalidation ttl", "invalidation write_through")


def test_flags_ttl_cache_beside_a_strong_read(check_design):
    (d,) = findings(check_design(FAILING), "CAP005")
    assert d.message == (
        "`api` reads cache `balances_cache` beside store `ledger`, from which it needs linearizable reads, "
        "but it is invalidated only by its TTL of 5m"
    )
    assert d.span.line == 6
    assert d.fingerprint == "CAP005:s/service:api/reads:balances_cache"
    assert d.severity == "warning"
    assert [n.span.line for n in d.notes] == [9, 7]


def test_fixed_design_is_clean(check_design):
    assert clean(check_design(FIXED))


def test_event_or_explicit_invalidation_is_enough(check_design):
    for how in ("event", "explicit", "write_behind"):
        assert clean(check_design(FAILING.replace("invalidation ttl", f"invalidation {how}"))), how


def test_write_around_is_no_better_than_a_ttl(check_design):
    (d,) = findings(check_design(FAILING.replace("invalidation ttl", "invalidation write_around")), "CAP005")
    assert d.message.endswith("but writes go around it, so entries change only when they expire after 5m")


def test_the_stores_own_promise_is_not_a_readers_need(check_design):
    # postgres promises linearizable consistency, but a reader that states no need is a plain cache-aside.
    text = FAILING.replace("reads ledger { timeout 50ms; consistency linearizable }", "reads ledger { timeout 50ms }")
    assert clean(check_design(text))


def test_a_reader_that_states_a_weaker_need_is_fine(check_design):
    text = FAILING.replace("consistency linearizable }", "consistency read_your_writes }")
    assert clean(check_design(text))
    text = FAILING.replace(
        "criticality soft; fallback default }", "criticality soft; fallback default; consistency eventual }"
    )
    assert clean(check_design(text))


def test_the_edge_into_the_cache_asks_for_strong_reads(check_design):
    text = """\
system s {
  region r { zones [a, b, c] }
  service api { exposure public; replicas 2; reads perms { timeout 5ms; consistency strong } }
  cache perms { engine redis }
}
"""
    (d,) = findings(check_design(text), "CAP005")
    assert d.message == (
        "`api` needs strong reads from cache `perms`, but it states neither invalidation nor a TTL, "
        "so entries may never change"
    )
    assert d.span.line == 3
    assert d.fingerprint == "CAP005:s/service:api/reads:perms"
