"""SCL001: the peak load is more than a critical component can carry at its largest."""

from __future__ import annotations

import pytest

from conftest import findings

FAILING = """\
system s {
  requirements { peak_load 5000 rps }
  region r { zones [a, b, c] }
  service api { exposure public; replicas 3..20; capacity 800 rps per replica; calls orders { timeout 50ms } }
  service orders { replicas 2..8; capacity 500 rps per replica }
}
"""

FIXED = FAILING.replace("replicas 2..8", "replicas 2..12")


def test_flags_a_maximum_below_the_peak(check_design):
    (d,) = findings(check_design(FAILING), "SCL001")
    assert d.message == (
        "service `orders` carries at most 4000 rps (8 replicas x 500 rps), less than the peak load of 5000 rps, "
        "and it is on the hard path of entrypoint `api`"
    )
    assert d.span.line == 5
    assert d.fingerprint == "SCL001:s/service:orders"
    assert d.hints[0].startswith("raise the maximum to at least 10 replicas (`replicas 2..10`)")


def test_fixed_design_is_clean(check_design):
    assert findings(check_design(FIXED), "SCL001") == []


def test_headroom_is_kept_at_peak(check_design):
    (d,) = findings(check_design(FIXED.replace("replicas 2..12;", "replicas 2..12; headroom 30%;")), "SCL001")
    assert "(12 replicas x 500 rps, less 30% headroom)" in d.message


def test_without_capacity_nothing_to_compute(check_design):
    assert findings(check_design(FAILING.replace("; capacity 500 rps per replica", "")), "SCL001") == []


def test_without_peak_load_nothing_to_check(check_design):
    assert findings(check_design(FAILING.replace("requirements { peak_load 5000 rps }", "")), "SCL001") == []


def test_rate_limits_on_the_calls_bound_the_load(check_design):
    text = FAILING.replace("calls orders { timeout 50ms }", "calls orders { timeout 50ms; rate_limit 3000 rps }")
    assert findings(check_design(text), "SCL001") == []
    text = FAILING.replace("calls orders { timeout 50ms }", "calls orders { timeout 50ms; rate_limit 4500 rps }")
    (d,) = findings(check_design(text), "SCL001")
    assert "less than 4500 rps (the rate limits on the calls into it)" in d.message


def test_off_the_hard_path_is_fine(check_design):
    text = FAILING.replace(
        "calls orders { timeout 50ms }", "calls orders { timeout 50ms; criticality soft; fallback default }"
    )
    assert findings(check_design(text), "SCL001") == []


def test_store_capacity_is_a_total(check_design):
    text = FIXED.replace(
        "service orders { replicas 2..12; capacity 500 rps per replica }",
        "store orders { engine postgres; replication sync { replicas 3 }; capacity 2000 rps }",
    )
    (d,) = findings(check_design(text), "SCL001")
    assert d.message.startswith("store `orders` carries at most 2000 rps (its stated capacity)")


SINGLE_WRITER = """\
system s {
  requirements { peak_load 6600 rps }
  region r { zones [a, b, c] }
  service api { exposure public; reads master { timeout 50ms }; writes master { timeout 50ms } }
  store master { engine postgres; replication async { replicas 2; writers single } }
}
"""


def test_a_single_writer_with_no_capacity_under_a_heavy_write_load(check_design):
    (d,) = findings(check_design(SINGLE_WRITER), "SCL001")
    assert d.message == (
        "store `master` takes all its writes on one writer (`writers single`), up to 6600 rps at peak (the whole "
        "peak: no flow says which requests write), and states no `capacity`: nothing shows one node carries them"
    )
    assert d.fingerprint == "SCL001:s/store:master" and d.span.line == 5
    assert d.hints[0] == (
        "state what one writer carries, measured or from the engine's benchmarks: `capacity N rps`; its 2 copies "
        "replicate the writes, they do not share them"
    )
    assert d.hints[-1] == "its writes come from `api`"


@pytest.mark.parametrize(
    "fixed",
    [
        SINGLE_WRITER.replace("writers single }", "writers single }; capacity 8000 rps"),  # stated, and enough
        SINGLE_WRITER.replace("writers single", "writers multi"),
        SINGLE_WRITER.replace("engine postgres;", "engine postgres; sharding hash(id) 8;"),
        SINGLE_WRITER.replace("6600 rps", "400 rps"),  # below the `single-writer-rps` option
        SINGLE_WRITER.replace(" writes master { timeout 50ms }", ""),  # nothing writes it
    ],
)
def test_a_single_writer_that_is_sized_shared_out_light_or_unwritten_is_not_reported(check_design, fixed):
    assert findings(check_design(fixed), "SCL001") == []


def test_with_flows_a_single_writer_is_measured_against_its_writes(check_design):
    text = SINGLE_WRITER.replace(
        "  store master",
        "  client web { calls api { timeout 1s } }\n"
        "  flow read { share 90%; route [web, api, master] }\n"
        "  flow write { share 10%; route [web, api, master]; writes [master] }\n"
        "  store master",
    )
    (d,) = findings(check_design(text), "SCL001")
    assert "up to 660 rps at peak (its flows' writes)" in d.message
    assert (
        findings(check_design(text.replace("share 90%", "share 95%").replace("share 10%", "share 5%")), "SCL001") == []
    )


# --- a store behind a cache: what reaches it when the cache is cold or lost ---------------------------------------

BEHIND_A_CACHE = """\
system s {
  requirements { peak_load 50000 rps }
  region r { zones [a, b, c] }
  client web { calls api { timeout 1s } }
  service api { replicas 3..30; capacity 5000 rps per replica; reads hot { timeout 5ms }; reads db { timeout 50ms } }
  cache hot { engine redis; caches db; hit_ratio 95% }
  store db { engine postgres; model document }
  flow read { rate 40000 rps; route [web, api, hot, db] }
}
"""


def test_an_unsized_store_behind_a_cache_is_asked_what_a_cold_cache_sends_it(check_design):
    (d,) = findings(check_design(BEHIND_A_CACHE), "SCL001")
    assert d.message == (
        "store `db` is behind cache `hot`: it takes the misses, 2000 rps at peak, and all 40000 rps at peak when "
        "the cache is cold or lost (flow `read`); it states no `capacity`, so nothing shows it carries that"
    )
    assert d.fingerprint == "SCL001:s/store:db" and d.span.line == 7
    assert d.hints[0] == (
        "state what it carries, measured: `capacity N rps` (at least 40000 rps to survive a cold cache)"
    )
    assert "`stampede_protection coalesce` on `hot`" in d.hints[1]


def test_a_cache_without_a_hit_ratio_sends_every_read_and_says_so(check_design):
    (d,) = findings(check_design(BEHIND_A_CACHE.replace(" hit_ratio 95%", "")), "SCL001")
    assert d.message.startswith("store `db` is behind cache `hot`, which states no `hit_ratio`: it takes the misses")


def test_a_sized_store_that_cannot_carry_a_cold_cache(check_design):
    text = BEHIND_A_CACHE.replace("model document }", "model document; capacity 10000 rps }")
    (d,) = findings(check_design(text), "SCL001")
    assert d.message == (
        "store `db` carries at most 10000 rps (its stated capacity): enough for the 2000 rps that reach it at peak "
        "past cache `hot`, not for the 40000 rps when the cache is cold or lost (flow `read`)"
    )
    assert d.hints[0] == "scale `db` to carry a cold cache: `capacity 40000 rps`"


def test_a_service_behind_a_cache_is_asked_for_replicas_and_capacity(check_design):
    text = BEHIND_A_CACHE.replace("caches db;", "caches ranker;").replace(
        "reads db { timeout 50ms }", "calls ranker { timeout 50ms }"
    )
    text = text.replace("  store db { engine postgres; model document }\n", "  service ranker { }\n")
    text = text.replace("route [web, api, hot, db]", "route [web, api, hot, ranker]")
    (d,) = findings(check_design(text), "SCL001")
    assert d.message.startswith("service `ranker` is behind cache `hot`")
    assert "it states no `replicas` and no `capacity`" in d.message


@pytest.mark.parametrize(
    "fixed",
    [
        BEHIND_A_CACHE.replace("model document }", "model document; capacity 45000 rps }"),  # carries a cold cache
        BEHIND_A_CACHE.replace("rate 40000 rps", "rate 8000 rps"),  # below the `unsized-rps` option
        BEHIND_A_CACHE.replace("  flow read { rate 40000 rps; route [web, api, hot, db] }\n", ""),  # no flows
    ],
)
def test_a_store_that_carries_a_cold_cache_light_or_without_flows_is_not_reported(check_design, fixed):
    assert findings(check_design(fixed), "SCL001") == []


# --- fan-out a caller waits on -------------------------------------------------------------------------------------

FAN_OUT = """\
system s {
  requirements { peak_load 20000 rps }
  region r { zones [a, b, c] }
  client app { calls posts { timeout 1s } }
  service posts { replicas 3..10; capacity 4000 rps per replica; calls fanout { timeout 500ms } }
  service fanout { writes timelines { timeout 50ms; fanout 10 } }
  cache timelines { engine redis; capacity 500000 rps }
  flow post { rate 6000 rps; route [app, posts, fanout, timelines] }
}
"""


def test_an_unsized_fan_out_a_caller_waits_on(check_design):
    (d,) = findings(check_design(FAN_OUT), "SCL001")
    assert d.message == (
        "service `fanout` turns each request into 10 writes to `timelines` (`fanout 10`): 6000 rps at peak become "
        "60000 rps (flow `post`), and `posts` waits for it; it states no `replicas` and no `capacity`, so nothing "
        "shows it keeps up"
    )
    assert d.fingerprint == "SCL001:s/service:fanout" and d.span.line == 6
    assert d.hints[1].startswith("or take the fan-out off the callers' path: `posts` publishes to a queue")


@pytest.mark.parametrize(
    "fixed",
    [
        FAN_OUT.replace("service fanout {", "service fanout { replicas 2..8; capacity 2000 rps per replica;"),
        FAN_OUT.replace("rate 6000 rps", "rate 600 rps"),  # 6000 rps of work: below the `unsized-rps` option
        FAN_OUT.replace("calls fanout { timeout 500ms }", "publishes jobs { mode async }")
        .replace("  service fanout {", "  queue jobs { }\n  service fanout { consumes jobs;")
        .replace("route [app, posts, fanout, timelines]", "route [app, posts, jobs, fanout, timelines]"),
    ],
)
def test_a_fan_out_that_is_sized_light_or_off_the_callers_path_is_not_reported(check_design, fixed):
    assert findings(check_design(fixed), "SCL001") == []
