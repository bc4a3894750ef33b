"""The order of a service's synchronous calls (`call_order`), and the backoff between attempts, in the latency
chain (LAT001), the worst wait (LAT002, TMO002) and the report; and the timeout hints (TMO001, TMO002, TMO003,
LAT002) that keep to one figure, so that no two findings ask for opposite changes to one edge."""

from __future__ import annotations

import pytest

from conftest import findings

GATEWAY = """\
system s {
  region r { zones [a, b] }
  service gateway {
    exposure public
    replicas 2
    ORDER
    calls auth { timeout 200ms }
    calls orders { timeout 800ms }
    slo { latency p99 800ms }
  }
  service auth { replicas 2; latency p99 150ms }
  service orders { replicas 2; latency p99 700ms }
}
"""


def _graph(checked):
    from designc.analysis.graph import Graph

    return Graph(checked.model)


def test_sequential_calls_add_up_and_parallel_ones_take_the_slowest(check_design):
    """Fails if the sum and the largest are swapped: 150 + 700 = 850 ms one after another, 700 ms side by side."""
    seq = _graph(check_design(GATEWAY.replace("ORDER", "call_order sequential"))).chains["gateway"]
    par = _graph(check_design(GATEWAY.replace("ORDER", "call_order parallel"))).chains["gateway"]
    assert (round(seq.latency, 6), round(par.latency, 6)) == (0.85, 0.7)
    assert (round(seq.timeouts, 6), round(par.timeouts, 6)) == (1.0, 0.8)  # 200 + 800 ms against the larger
    assert seq.assumed_parallel is None and par.assumed_parallel is None  # the order is stated both times


def test_authenticate_then_route_misses_the_objective(check_design):
    checked = check_design(GATEWAY.replace("ORDER", "call_order sequential"))
    (lat,) = findings(checked, "LAT001")
    assert lat.message == (
        "the p99 latency along `gateway (auth, then orders) -> orders` is at least 850ms, above its SLO of 800ms"
    )
    (wait,) = findings(checked, "LAT002")
    assert "may wait 1s on its dependencies" in wait.message


def test_unstated_order_is_parallel_and_a_lower_bound(check_design):
    checked = check_design(GATEWAY.replace("ORDER", ""))
    assert findings(checked, "LAT001") == [] and findings(checked, "LAT002") == []
    g = _graph(checked)
    assert g.chains["gateway"].assumed_parallel == "gateway"
    from designc.report import build, human

    text = human(build(checked.model))
    assert "p99 at least 700ms" in text and "worst-case wait before timeouts fire: at least 800ms" in text
    assert "lower bounds: `gateway` makes several synchronous calls and states no `call_order`" in text


def test_a_lower_bound_above_the_objective_says_so(check_design):
    slower = GATEWAY.replace("ORDER", "").replace("700ms", "900ms").replace("timeout 800ms", "timeout 1s")
    checked = check_design(slower)
    (lat,) = findings(checked, "LAT001")
    assert any("states no `call_order`: taken as parallel" in h for h in lat.hints)


# --- backoff ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("backoff", "expected"),
    [
        ("backoff exponential from 50ms..80ms", 0.13),  # 50 + 80 (100 capped)
        ("backoff exponential from 50ms..1s", 0.15),  # 50 + 100
        ("backoff linear from 20ms..1s", 0.06),  # 20 + 40
        ("backoff constant from 10ms", 0.02),
        ("backoff exponential", 0.0),  # no range stated: nothing to add
        ("backoff none", 0.0),
    ],
)
def test_the_backoff_between_attempts(check_design, backoff: str, expected: float):
    from designc.analysis.graph import backoff_wait, worst_wait

    text = f"""system s {{
  region r {{ zones [a, b] }}
  service api {{ replicas 2; calls pay {{ timeout 100ms; retries 2; {backoff} }} }}
  service pay {{ replicas 2 }}
}}
"""
    (e,) = [e for e in check_design(text).model.edges if e.source == "api"]
    assert round(backoff_wait(e), 6) == expected
    assert round(worst_wait(e), 6) == round(0.3 + expected, 6)


INVERSION = """\
system s {
  region r { zones [a, b] }
  service api { replicas 2; calls pay { timeout TIMEOUT } }
  service pay { replicas 2; calls bank { timeout 100ms; retries 2; backoff exponential from 50ms..80ms } }
  external bank {}
}
"""


@pytest.mark.parametrize(("timeout", "reported"), [("429ms", True), ("430ms", False)])
def test_the_backoff_counts_in_the_callees_worst_wait(check_design, timeout: str, reported: bool):
    found = findings(check_design(INVERSION.replace("TIMEOUT", timeout)), "TMO002")
    assert bool(found) is reported
    if reported:
        assert found[0].message == f"`api` waits {timeout} for `pay`, which may itself wait 430ms on `bank`"
        assert "3 x 100ms + 130ms of backoff" in found[0].notes[0].message


def test_the_backoff_counts_in_the_worst_wait_against_the_objective(check_design):
    text = INVERSION.replace("TIMEOUT", "500ms").replace(
        "service pay { replicas 2;", "service pay { replicas 2; slo { latency p99 400ms };"
    )
    (d,) = findings(check_design(text), "LAT002")
    assert "`pay` may wait 430ms" in d.message


# --- one figure for every timeout hint -----------------------------------------------------------------------------

TIGHT = """\
system s {
  region r { zones [a, b] }
  service api { exposure public; replicas 2; calls pay { timeout 100ms }; slo { latency p99 OBJECTIVE } }
  service pay { replicas 2; latency p99 250ms }
}
"""


def test_tmo003_asks_for_a_longer_timeout_only_where_the_callers_objective_has_room(check_design):
    (roomy,) = findings(check_design(TIGHT.replace("OBJECTIVE", "1s")), "TMO003")
    assert roomy.hints[0].startswith("raise the timeout above 250ms")
    checked = check_design(TIGHT.replace("OBJECTIVE", "200ms"))
    (tight,) = findings(checked, "TMO003")
    assert "raise" not in tight.hints[0]
    assert tight.hints[0].startswith("`pay`'s p99 of 250ms does not fit its SLO of 200ms (at most 200ms per attempt)")


CASCADE = """\
system s {
  region r { zones [a, b] }
  service api { exposure public; replicas 2; calls pay { timeout 300ms }; slo { latency p99 OBJECTIVE } }
  service pay { replicas 2; calls bank { timeout 200ms; retries 1 } }
  external bank {}
}
"""


def test_tmo002_and_lat002_never_ask_for_opposite_changes(check_design):
    (roomy,) = findings(check_design(CASCADE.replace("OBJECTIVE", "1s")), "TMO002")
    assert roomy.hints[0].startswith("raise this timeout to at least 400ms")
    checked = check_design(CASCADE.replace("OBJECTIVE", "350ms"))
    (tight,) = findings(checked, "TMO002")
    assert tight.hints[0].startswith("cut `pay`'s waits (2 x 200ms) below 300ms: raising this timeout")
    assert findings(checked, "LAT002") == []  # 300 ms fits the objective: nothing asks to lower it


def test_lat002_does_not_propose_a_timeout_below_the_callees_p99(check_design):
    text = TIGHT.replace("OBJECTIVE", "200ms").replace("timeout 100ms", "timeout 300ms")
    (d,) = findings(check_design(text), "LAT002")
    assert d.hints == [
        "`calls pay` (300ms): `pay` alone may take 250ms (its p99), more than its SLO of 200ms leaves: make it faster,"
        " or take the call off the request (asynchronous, or soft with a fallback)"
    ]


def test_a_fanout_in_sequence_counts_that_many_calls(check_design):
    """`fanout 3` on auth, one after another: 3 x 150 + 700 = 1150 ms and 3 x 200 + 800 = 1400 ms of waits; side
    by side the three calls still take the slowest (700 ms, 800 ms)."""
    text = GATEWAY.replace("calls auth { timeout 200ms }", "calls auth { timeout 200ms; fanout 3 }")
    seq = _graph(check_design(text.replace("ORDER", "call_order sequential"))).chains["gateway"]
    par = _graph(check_design(text.replace("ORDER", "call_order parallel"))).chains["gateway"]
    assert (round(seq.latency, 6), round(par.latency, 6)) == (1.15, 0.7)
    assert (round(seq.timeouts, 6), round(par.timeouts, 6)) == (1.4, 0.8)
    ok = text.replace("ORDER", "call_order sequential").replace("latency p99 800ms", "latency p99 1150ms")
    assert findings(check_design(ok), "LAT001") == []
    (d,) = findings(check_design(ok.replace("latency p99 1150ms", "latency p99 1149ms")), "LAT001")
    assert (
        d.message
        == "the p99 latency along `gateway (auth x3, then orders) -> orders` is at least 1.15s, above its SLO of 1.149s"
    )


def test_the_timeout_room_shares_the_objective_among_a_fanout_in_sequence(check_design):
    """800 ms less orders' 400 ms wait, over auth's 3 calls: 133.333 ms each; orders gets 800 - 3 x 100 ms."""
    from designc.analysis.graph import us

    text = (
        GATEWAY.replace("ORDER", "call_order sequential")
        .replace("calls auth { timeout 200ms }", "calls auth { timeout 100ms; fanout 3 }")
        .replace("calls orders { timeout 800ms }", "calls orders { timeout 400ms }")
    )
    g = _graph(check_design(text))
    auth, orders = g.sync_out["gateway"]
    assert (us(g.timeout_room(auth)[0]), us(g.timeout_room(orders)[0])) == (133333, 500000)
