"""SCL001: the peak load is more than a critical component can carry at its largest."""

from __future__ import annotations

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
