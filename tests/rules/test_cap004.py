"""CAP004: strong consistency across regions inside a latency budget shorter than the round trip."""

from __future__ import annotations

from conftest import findings


def clean(checked) -> bool:
    """The design resolved (so the rules ran) and CAP004 found nothing."""
    assert checked.model is not None, [d.message for d in checked.diagnostics]
    return findings(checked, "CAP004") == []


FAILING = """\
import "stdlib/aws"
system s {
  region us_east_1 { zones [a, b, c] }
  region us_west_2 { zones [a, b, c] }
  service api {
    exposure public
    replicas 2
    placement us_east_1
    writes accounts { timeout 40ms }
    slo { latency p99 50ms }
  }
  store accounts {
    engine postgres
    consistency linearizable
    replication sync { replicas 2; regions [us_east_1, us_west_2] }
  }
}
"""

FIXED = FAILING.replace("regions [us_east_1, us_west_2]", "spread zones")


def test_flags_a_budget_below_the_inter_region_round_trip(check_design):
    (d,) = findings(check_design(FAILING), "CAP004")
    assert d.message == (
        "`api` has a p99 budget of 50ms (its SLO) but writes store `accounts` synchronously, which keeps "
        "linearizable copies in us_east_1 and us_west_2: a write waits for every other region, at least the "
        "round trip us_east_1 - us_west_2 of 62ms"
    )
    assert d.span.line == 9
    assert d.fingerprint == "CAP004:s/service:api/writes:accounts"
    assert d.severity == "warning"
    assert d.notes[0].span.line == 12


def test_fixed_design_is_clean(check_design):
    assert clean(check_design(FIXED))


def test_a_budget_above_the_round_trip_is_fine(check_design):
    assert clean(check_design(FAILING.replace("p99 50ms", "p99 150ms")))


def test_the_designs_own_round_trip_wins(check_design):
    text = FAILING.replace("system s {", "system s {\n  network { rtt us_east_1 us_west_2 40ms }")
    assert clean(check_design(text))


def test_unknown_round_trip_says_what_to_declare(check_design):
    text = FAILING.replace('import "stdlib/aws"\n', "")
    (d,) = findings(check_design(text), "CAP004")
    assert d.message == (
        "`api` writes store `accounts` synchronously, which keeps linearizable copies in us_east_1 and "
        "us_west_2, but no round-trip time is known between us_east_1 and us_west_2 to weigh against its p99 "
        "budget of 50ms (its SLO)"
    )
    assert d.span.line == 8
    assert d.fingerprint == "CAP004:s/service:api/writes:accounts"
    assert d.hints[0].startswith("declare it: `network { rtt us_east_1 us_west_2 62ms }`")


def test_the_system_requirement_is_the_budget_of_request_serving_writers(check_design):
    text = FAILING.replace("    slo { latency p99 50ms }\n", "").replace(
        "system s {", "system s {\n  requirements { latency p99 60ms }"
    )
    (d,) = findings(check_design(text), "CAP004")
    assert d.message.startswith("`api` has a p99 budget of 60ms (the system's requirement) but writes")


def test_background_writers_are_not_held_to_the_request_budget(check_design):
    text = FAILING.replace("    slo { latency p99 50ms }\n", "").replace("exposure public", "exposure internal")
    text = text.replace("system s {", "system s {\n  requirements { latency p99 60ms }")
    assert clean(check_design(text))


def test_quorum_across_regions_waits_for_the_nearest_region(check_design):
    text = """\
import "stdlib/aws"
system s {
  region us_east_1 { zones [a, b, c] }
  region us_west_2 { zones [a, b, c] }
  region eu_west_1 { zones [a, b, c] }
  service api { exposure public; placement us_east_1; writes t { timeout 40ms }; slo { latency p99 70ms } }
  store t { engine cassandra; consistency strong; replication quorum { n 3; r 2; w 2; spread regions } }
}
"""
    # The nearest other region is us_west_2 at 62ms (eu_west_1 is 81ms): 70ms is above it.
    assert clean(check_design(text))
    (d,) = findings(check_design(text.replace("p99 70ms", "p99 60ms")), "CAP004")
    assert "a write waits for at least one other region, at least the round trip us_east_1 - us_west_2 of 62ms" in (
        d.message
    )
    assert "copies in us_east_1, us_west_2 and eu_west_1" in d.message


def test_multi_writer_placed_in_several_regions(check_design):
    text = FAILING.replace(
        "replication sync { replicas 2; regions [us_east_1, us_west_2] }",
        "replication sync { replicas 2; writers multi }",
    )
    (d,) = findings(check_design(text), "CAP004")
    assert "at least one other region" in d.message


def test_asynchronous_or_eventual_replication_across_regions_is_not_checked(check_design):
    assert clean(check_design(FAILING.replace("replication sync", "replication async")))
    assert clean(check_design(FAILING.replace("consistency linearizable", "consistency eventual")))
