"""SCL004: work the system starts itself against an external, with nothing to limit it; limits counted per key.
(The quota below the peak is tested with the coverage rules.)"""

from __future__ import annotations

import pytest

from conftest import findings

CRAWLER = """\
system s {
  region r { zones [a, b, c] }
  service crawler {
    trigger continuous
    calls web { timeout 10s }
    writes pages { timeout 100ms }
  }
  store pages { engine postgres }
  external web "The web"
  flow crawl { rate 4800 rps; route [crawler, web]; route [crawler, pages] }
}
"""


def test_a_self_started_loop_against_an_external_with_no_rate_limit(check_design):
    (d,) = findings(check_design(CRAWLER), "SCL004")
    assert d.message == (
        "`crawler` starts its own work (`trigger continuous`) and calls external `web` at 4800 rps at peak (flow "
        "`crawl`) with no `rate_limit` on the call, and `web` states none: nothing keeps it within what the other "
        "side accepts"
    )
    assert d.fingerprint == "SCL004:s/service:crawler/calls:web" and d.span.line == 5
    assert "`rate_limit 1 rps per host`" in d.hints[0]


def test_without_flows_the_loop_is_reported_without_a_rate(check_design):
    text = CRAWLER.replace("  flow crawl { rate 4800 rps; route [crawler, web]; route [crawler, pages] }\n", "")
    (d,) = findings(check_design(text), "SCL004")
    assert "calls external `web` with no `rate_limit` on the call" in d.message


def test_a_limit_per_key_is_compared_key_for_key(check_design):
    text = CRAWLER.replace('external web "The web"', 'external web "The web" { rate_limit 1 rps per host }')
    (d,) = findings(check_design(text), "SCL004")
    assert d.message == "`web` accepts at most 1 rps per host, but `crawler`'s call to it states no limit per host"
    text = text.replace("calls web { timeout 10s }", "calls web { timeout 10s; rate_limit 2 rps per host }")
    (d,) = findings(check_design(text), "SCL004")
    assert d.message == "`web` accepts at most 1 rps per host, but `crawler`'s call to it allows 2 rps per host"
    assert d.hints == ["limit the call to what `web` accepts: `rate_limit 1 rps per host`"]


@pytest.mark.parametrize(
    "fixed",
    [
        CRAWLER.replace("calls web { timeout 10s }", "calls web { timeout 10s; rate_limit 1 rps per host }"),
        CRAWLER.replace("calls web { timeout 10s }", "calls web { timeout 10s; rate_limit 500 rps }"),
        CRAWLER.replace('external web "The web"', 'external web "The web" { rate_limit 10000 rps }'),
        CRAWLER.replace("trigger continuous", "exposure public"),  # requests bound it
        # a scheduled job no flow gives a rate: its schedule bounds it
        CRAWLER.replace("trigger continuous", 'trigger schedule "daily"').replace(
            "  flow crawl { rate 4800 rps; route [crawler, web]; route [crawler, pages] }\n", ""
        ),
        CRAWLER.replace("calls web { timeout 10s }", "calls web { mode async }"),
    ],
)
def test_a_limited_request_driven_scheduled_or_asynchronous_call_is_not_reported(check_design, fixed):
    assert findings(check_design(fixed), "SCL004") == []
