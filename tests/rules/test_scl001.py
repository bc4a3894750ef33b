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
