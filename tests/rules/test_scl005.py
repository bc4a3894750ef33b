"""SCL005: the flows add up to more than the system's peak load."""

from __future__ import annotations

import pytest

from conftest import findings

FAILING = """\
system s {
  requirements { peak_load 3000 rps }
  region r { zones [a, b, c] }
  client web { calls api { timeout 1s } }
  service api {
    exposure public
    reads catalog { timeout 100ms }
    reads search { timeout 100ms }
    writes orders { timeout 100ms }
  }
  store catalog { engine postgres }
  store search { engine elasticsearch }
  store orders { engine postgres }
  service nightly { trigger schedule "daily"; reads orders { timeout 1s } }
  flow browse { share 70%; route [web, api, catalog] }
  flow search { rate 300 rps; route [web, api, search] }
  flow checkout { rate 1500 rps; route [web, api, orders] }
  flow report { rate 5000 rps; route [nightly, orders] }
}
"""

FIXED = FAILING.replace("rate 1500 rps", "rate 600 rps")


def test_flags_flows_that_add_up_to_more_than_the_peak(check_design):
    (d,) = findings(check_design(FAILING), "SCL005")
    # 2100 + 300 + 1500: the scheduled job's own work is not a request, and does not count
    assert d.message == (
        "the flows add up to 3900 rps at peak, more than the system's peak load of 3000 rps (130%): `browse`, "
        "`search`, `checkout`"
    )
    assert d.fingerprint == "SCL005:s/flows"
    assert d.span.line == 15
    assert d.hints[0] == "the flows: `browse` 2100 rps (70%), `search` 300 rps, `checkout` 1500 rps"
    assert d.hints[-1].endswith("raise the peak: `peak_load 3900 rps`")
    assert [n.message for n in d.notes] == ["`search`: 300 rps", "`checkout`: 1500 rps"]


def test_shares_above_the_whole(check_design):
    text = FAILING.replace("rate 300 rps", "share 60%").replace("rate 1500 rps", "share 10%")
    text = text.replace("share 70%", "share 80%")
    (d,) = findings(check_design(text), "SCL005")
    assert "add up to 4500 rps at peak" in d.message and "(150%)" in d.message
    assert "their shares alone add up to 150% of the peak" in d.hints


@pytest.mark.parametrize("text", [FIXED, FIXED.replace("rate 600 rps", "rate 599 rps")])
def test_flows_that_make_up_the_peak_or_less_are_clean(check_design, text):
    # exactly the peak (2100 + 300 + 600) is the peak, not above it
    assert findings(check_design(text), "SCL005") == []


def test_no_peak_no_finding(check_design):
    text = FAILING.replace("requirements { peak_load 3000 rps }", "").replace("share 70%", "rate 2100 rps")
    assert findings(check_design(text), "SCL005") == []
