"""SCL008: losing a connection holder sends every one of its clients' reconnects to a service at once."""

from __future__ import annotations

from conftest import findings

FAILING = """\
system s {
  region r { zones [a, b, c] }
  client app { calls gateway { protocol websocket } }
  service gateway { exposure public; replicas 3..30; calls boot { timeout 1s; on connect } }
  service boot { replicas 3 }
}
"""


def test_flags_an_unbounded_reconnect_storm(check_design):
    (d,) = findings(check_design(FAILING), "SCL008")
    assert d.message == (
        "`gateway` holds its clients' persistent connections (from `app`) and calls `boot` each time one connects"
        " (`on connect`): losing or draining one of its replicas reconnects all its clients at once, each calling"
        " `boot` again, and nothing bounds that herd (no jitter on the reconnects, and `boot` sheds no load)"
    )
    assert d.span.line == 4
    assert d.fingerprint == "SCL008:s/service:gateway/calls:boot"
    assert "`backoff exponential from 1s..60s; jitter on` on `app`'s call to `gateway`" in d.hints[0]


def test_jittered_reconnects_bound_it(check_design):
    text = FAILING.replace("protocol websocket", "protocol websocket; backoff exponential from 1s..60s; jitter on")
    assert findings(check_design(text), "SCL008") == []


def test_a_callee_that_sheds_load_bounds_it(check_design):
    for shed in ["rate_limit 2000 rps", "load_shedding [boot]", "backpressure { max_in_flight 50; overflow reject }"]:
        text = FAILING.replace("service boot { replicas 3 }", f"service boot {{ replicas 3; {shed} }}")
        assert findings(check_design(text), "SCL008") == [], shed


def test_a_per_request_call_is_not_a_reconnect(check_design):
    assert findings(check_design(FAILING.replace("; on connect", "")), "SCL008") == []


def test_requests_alone_are_no_held_connections(check_design):
    assert findings(check_design(FAILING.replace("protocol websocket", "protocol https")), "SCL008") == []


def test_a_subscription_through_a_proxy_names_the_clients_call(check_design):
    text = """\
system s {
  region r { zones [a, b, c] }
  client app { calls edge { protocol https } }
  service edge { exposure public; replicas 3; calls gateway { connection persistent } }
  service gateway { replicas 3..30; calls boot { timeout 1s; on connect } }
  service boot { replicas 3 }
}
"""
    (d,) = findings(check_design(text), "SCL008")
    assert "(from `edge`)" in d.message
    assert "on `app`'s call to `edge`" in d.hints[0]
    jittered = text.replace("protocol https", "protocol https; jitter on")
    assert findings(check_design(jittered), "SCL008") == []


def test_no_request_waits_for_a_call_made_on_connect(check_design):
    # the boot call's 1s timeout is above the 300ms objective, but requests do not wait for it
    text = FAILING.replace(
        "service gateway { exposure public; replicas 3..30;",
        "service gateway { exposure public; replicas 3..30; slo { latency p99 300ms };",
    )
    r = check_design(text)
    assert findings(r, "LAT002") == []
    (d,) = findings(check_design(text.replace("; on connect", "")), "LAT002")
    assert "`gateway` may wait 1s" in d.message
