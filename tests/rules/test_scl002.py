"""SCL002: after losing one zone, the minimum replicas cannot carry the peak load."""

from __future__ import annotations

from conftest import findings

FAILING = """\
system s {
  requirements { peak_load 3000 rps }
  region r { zones [a, b, c] }
  service api { exposure public; replicas 3..30; capacity 1000 rps per replica; placement r [a, b, c] }
}
"""

FIXED = FAILING.replace("replicas 3..30", "replicas 5..30")


def test_flags_a_minimum_that_does_not_survive_a_zone(check_design):
    (d,) = findings(check_design(FAILING), "SCL002")
    assert d.message == (
        "service `api` runs at least 3 replicas over 3 zones; losing one zone leaves 2 (3 - 1), which carry "
        "2000 rps (2 x 1000 rps), less than the peak load of 3000 rps, on the hard path of entrypoint `api`"
    )
    assert d.span.line == 4
    assert d.fingerprint == "SCL002:s/service:api"
    assert d.hints[0] == "raise the minimum to 5: `replicas 5..30`"


def test_fixed_design_is_clean(check_design):
    # 5 replicas over 3 zones: losing one zone takes 2, and 3 x 1000 rps carry the peak
    assert findings(check_design(FIXED), "SCL002") == []


def test_two_zones(check_design):
    (d,) = findings(check_design(FIXED.replace("[a, b, c] }\n}", "[a, b] }\n}")), "SCL002")
    assert "runs at least 5 replicas over 2 zones; losing one zone leaves 2 (5 - 3)" in d.message
    assert d.hints[0] == "raise the minimum to 6: `replicas 6..30`"


def test_single_zone_is_spof002s(check_design):
    r = check_design(FAILING.replace("placement r [a, b, c]", "placement r [a]"))
    assert findings(r, "SCL002") == []
    assert len(findings(r, "SPOF002")) == 1


def test_maximum_below_peak_is_scl001s(check_design):
    r = check_design(FAILING.replace("replicas 3..30", "replicas 2..2"))
    assert findings(r, "SCL002") == []
    assert len(findings(r, "SCL001")) == 1


def test_standby_zones_do_not_serve(check_design):
    text = """\
system s {
  requirements { peak_load 3000 rps }
  region r { zones [a, b, c]; role primary }
  region w { zones [a, b, c]; role standby }
  service api { exposure public; replicas 5..30; capacity 1000 rps per replica; placement r; placement w }
}
"""
    # counted over the 3 serving zones, as the fixed design: no finding
    assert findings(check_design(text), "SCL002") == []
