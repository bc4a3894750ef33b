"""Limits compared at their boundary: the rules' own texts allow equality, and floating point must not turn
"exactly at the limit" into a finding (20 ms + 70 ms is 90 ms, 0.1 s x 3 is 0.3 s)."""

from __future__ import annotations

import pytest

from conftest import findings

CHAIN = """\
system s {
  requirements { latency p99 90ms }
  region r { zones [a, b] }
  service api { exposure public; replicas 2; latency p99 20ms; calls db { timeout 80ms } }
  store db { engine postgres; replication sync { replicas 2; spread zones }; latency p99 DBms }
}
"""


@pytest.mark.parametrize(("db", "reported"), [("70", False), ("71", True)])
def test_a_chain_exactly_at_its_objective_meets_it(check_design, db: str, reported: bool):
    r = check_design(CHAIN.replace("DB", db))
    assert bool(findings(r, "LAT001")) is reported


TIMEOUTS = """\
system s {
  region r { zones [a, b] }
  service api { exposure public; replicas 2; calls pay { timeout CALLER } }
  service pay { replicas 2; calls bank { timeout 100ms; retries 2 } }
  external bank { }
}
"""


@pytest.mark.parametrize(("caller", "reported"), [("300ms", False), ("299ms", True)])
def test_a_caller_waiting_exactly_the_callees_worst_case_is_not_inverted(check_design, caller: str, reported: bool):
    r = check_design(TIMEOUTS.replace("CALLER", caller))
    assert bool(findings(r, "TMO002")) is reported


AVAILABILITY = """\
system s {
  requirements { availability 99.99% }
  region r { zones [a, b] }
  service api { exposure public; replicas 2; availability 99.995%; calls db { timeout 50ms } }
  store db { engine postgres; replication sync { replicas 2; spread zones }; availability DB% }
}
"""


@pytest.mark.parametrize(("db", "reported"), [("99.995", False), ("99.99", True)])
def test_availability_at_the_requirement_to_the_last_digit_meets_it(check_design, db: str, reported: bool):
    # 0.99995 x 0.99995 = 0.9999000025 >= 0.9999; 0.99995 x 0.9999 = 0.999850005 < 0.9999
    assert bool(findings(check_design(AVAILABILITY.replace("DB", db)), "AVL001")) is reported


RETRIES = """\
system s {
  region r { zones [a, b] }
  service a { exposure public; replicas 2; calls b { timeout 2s; retries 3 BUDGET } }
  service b { replicas 2; calls c { timeout 400ms; retries 3 BUDGET } }
  service c { replicas 2; calls d { timeout 90ms; retries 3 BUDGET } }
  external d { }
}
"""


def test_a_retry_budget_caps_amplification(check_design):
    # 4 x 4 x 4 = 64 attempts at the bottom without budgets; with `retry_budget 10%` on each edge, 1.1^3 = 1.331
    r = check_design(RETRIES.replace(" BUDGET", ""))
    (d,) = findings(r, "RTY001")
    assert "64 times" in d.message
    r = check_design(RETRIES.replace(" BUDGET", "; retry_budget 10%"))
    assert findings(r, "RTY001") == []
    from designc.analysis.graph import Graph

    assert Graph(r.model).chains["a"].amplification == pytest.approx(1.1**3)


def test_a_chain_over_its_objective_does_not_hide_timeouts_that_are_too_long(check_design):
    # p99 20 ms + 71 ms is over 90 ms (LAT001); the timeout lets it wait 20 ms + 320 ms (LAT002): both reported
    text = CHAIN.replace("DB", "71").replace("calls db { timeout 80ms }", "calls db { timeout 160ms; retries 1 }")
    r = check_design(text)
    assert findings(r, "LAT001") and findings(r, "LAT002")
    assert "may wait 340ms" in findings(r, "LAT002")[0].message
