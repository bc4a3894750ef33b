"""CAP005: a cache invalidated only by its TTL on a read path that needs strong consistency."""

from __future__ import annotations

import pytest

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


NEVER_EXPIRING = """\
system s {
  region r { zones [a, b, c] }
  service read_api { reads memory_cache { timeout 5ms }; reads pastes { timeout 50ms } }
  service expiry_job { trigger schedule "hourly"; writes pastes { timeout 1s } }
  cache memory_cache { engine redis; caches pastes; holds "popular pastes" }
  store pastes { engine postgres }
}
"""


def test_a_cache_with_neither_ttl_nor_invalidation_is_a_gap(check_design):
    """Pastes expire and a job deletes them, but the cache of popular pastes never lets an entry go: expired and
    deleted pastes keep being served. Unstated rather than contradicted (the data may be immutable): a gap."""
    (d,) = findings(check_design(NEVER_EXPIRING), "CAP005")
    assert d.message == (
        "cache `memory_cache` (it caches `pastes`) states neither a `ttl` nor an `invalidation`: an entry never "
        "changes once cached, so updates, deletions and expired data are served to `read_api` for as long as the "
        "entry stays"
    )
    assert d.fingerprint == "CAP005:s/cache:memory_cache" and d.span.line == 5
    assert d.gap is not None and d.gap.owner == "memory_cache"
    review = check_design(NEVER_EXPIRING, profile="review")
    (note,) = [x for x in review.diagnostics if x.code == "GAP001" and "(CAP005)" in x.message]
    assert note.message.startswith("cache `memory_cache` leaves 1 thing unstated: neither a `ttl` nor")


@pytest.mark.parametrize("stated", ["ttl 1h", "invalidation event", "invalidation explicit"])
def test_a_ttl_or_an_invalidation_clears_it(check_design, stated):
    text = NEVER_EXPIRING.replace('holds "popular pastes"', f'holds "popular pastes"; {stated}')
    assert findings(check_design(text), "CAP005") == []
