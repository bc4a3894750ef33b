"""LAT001 after an automatic failover into another region: every call that writes the moved store from the old
region pays the round trip, `fanout` times under `call_order sequential` (exact, in whole microseconds)."""

from __future__ import annotations

from conftest import findings

DESIGN = """\
system s {
  network { rtt east west 60ms }
  region east { zones [a] }
  region west { zones [a] }
  service app {
    latency p99 1ms
    placement east
    call_order sequential
    calls proxy { timeout 1s; fanout 5 }
    slo { latency p99 SLO }
  }
  service proxy {
    placement east
    placement west
    latency p99 1ms
    calls db { timeout 500ms }
  }
  store db {
    engine mysql
    latency p99 9ms
    replication semi_sync { replicas 4; regions [east, west]; failover automatic; writers single; cross_region async }
    placement east
    placement west
  }
}
"""


def _lat(check_design, text: str) -> list:
    return findings(check_design(text), "LAT001")


def test_five_sequential_queries_each_pay_the_round_trip(check_design):
    """1 ms + 5 x (1 + 60 + 9) ms = 351 ms after the failover, against 51 ms on a normal day."""
    (d,) = _lat(check_design, DESIGN.replace("SLO", "350ms"))
    assert d.message == (
        "when `db` fails over automatically into `west`, `app` in `east` reaches the writer across regions: 5 "
        "round trips per request add 300ms, and its p99 becomes 351ms, above its SLO of 350ms"
    )
    assert d.fingerprint == "LAT001:s/service:app/calls:proxy"
    assert d.span.line == 9
    assert d.hints[0] == (
        "keep `db`'s writer in `east`: `cross_region_failover manual` in its `replication`, and fail its callers "
        "over with it"
    )
    assert d.hints[2] == "or state the objective the failover can meet (at least 351ms)"


def test_an_objective_equal_to_the_figure_is_met(check_design):
    assert _lat(check_design, DESIGN.replace("SLO", "351ms")) == []


def test_in_parallel_the_fanout_does_not_add_up(check_design):
    """call_order parallel: 1 + 70 ms, met by 72 ms; 71 ms misses it by nothing, 70 ms by one."""
    text = DESIGN.replace("call_order sequential", "call_order parallel")
    assert _lat(check_design, text.replace("SLO", "71ms")) == []
    (d,) = _lat(check_design, text.replace("SLO", "70ms"))
    assert "1 round trip per request add 60ms, and its p99 becomes 71ms" in d.message
    assert not any("fewer round trips" in h for h in d.hints)


def test_what_keeps_the_writer_or_the_round_trip_out(check_design):
    cases = {
        "promoted across regions by hand": DESIGN.replace(
            "writers single;", "writers single; cross_region_failover manual;"
        ),
        "failover manual": DESIGN.replace("failover automatic", "failover manual"),
        "no round trip stated": DESIGN.replace("  network { rtt east west 60ms }\n", ""),
        "reads stay local": DESIGN.replace("calls db { timeout 500ms }", "reads db { timeout 500ms }"),
        "several writers": DESIGN.replace("writers single", "writers multi"),
    }
    for why, text in cases.items():
        assert _lat(check_design, text.replace("SLO", "100ms")) == [], why


def test_a_caller_that_already_misses_on_a_normal_day_is_reported_once(check_design):
    """Normal day: 1 + 5 x (1 + 9) = 51 ms above 50 ms: the chain's own finding, not the failover's."""
    (d,) = _lat(check_design, DESIGN.replace("SLO", "50ms"))
    assert d.message.startswith("the p99 latency along `app (proxy x5) -> proxy -> db` is 51ms")


def test_a_timeout_caps_each_crossing_call(check_design):
    """proxy gives up on db after 20 ms: 1 + 5 x (1 + 20) = 106 ms."""
    text = DESIGN.replace("calls db { timeout 500ms }", "calls db { timeout 20ms }")
    assert _lat(check_design, text.replace("SLO", "106ms")) == []
    (d,) = _lat(check_design, text.replace("SLO", "105ms"))
    assert "its p99 becomes 106ms" in d.message


def test_a_call_made_on_connect_is_no_part_of_the_chain_after_a_failover_either(check_design):
    """As on a normal day (`Graph.chains`), no request waits for a call made when a client connects: its round
    trips to the moved writer are not counted."""
    on_connect = DESIGN.replace(
        "calls proxy { timeout 1s; fanout 5 }", "calls proxy { timeout 1s; fanout 5; on connect }"
    )
    assert _lat(check_design, on_connect.replace("SLO", "350ms")) == []
    assert _lat(check_design, DESIGN.replace("SLO", "350ms")) != []


def test_the_one_pass_bound_is_never_below_a_moved_chain(check_design):
    """The rule skips a move for every component whose bound (`bound_chains`) meets its objective: that is sound
    only if no move can make a chain slower than the bound, on this design and on every example that fails over."""
    from pathlib import Path

    from designc.analysis.graph import Graph
    from designc.analysis.rules.dr004 import promotes_across_regions
    from designc.analysis.rules.lat001 import bound_chains, moved_chains

    root = Path(__file__).resolve().parents[2] / "examples"
    texts = [DESIGN.replace("SLO", "350ms"), *(p.read_text() for p in sorted(root.rglob("*.design")))]
    moves_seen = 0
    for text in texts:
        g = Graph(check_design(text, analysis=False).model)
        moves = [(s, t) for s in g.comps if (found := promotes_across_regions(g, s)) for t in found[1]]
        if not moves or not g.rtt:
            continue
        longest = max(g.rtt.values())
        bound = bound_chains(g, {s for s, _ in moves}, longest)
        for store, t in moves:
            moves_seen += 1
            for (name, _region), m in moved_chains(g, store, t).items():
                assert m.latency <= bound[name] + 1e-9, (store, t, name)
    assert moves_seen >= 1


def test_the_bound_worked_out_with_the_chains_is_the_bounds_own_pass(check_design):
    """LAT001 takes the bound from the chains' pass (`Graph.chains_and_bound`) when it is the first to ask for the
    chains: the same figures, to the bit, as `bound_chains` works out on its own, and the same chains."""
    from pathlib import Path

    from designc.analysis.graph import Graph
    from designc.analysis.rules.dr004 import promotes_across_regions
    from designc.analysis.rules.lat001 import bound_chains

    root = Path(__file__).resolve().parents[2] / "examples"
    texts = [DESIGN.replace("SLO", "350ms"), *(p.read_text() for p in sorted(root.rglob("*.design")))]
    for text in texts:
        model = check_design(text, analysis=False).model
        g = Graph(model)
        stores = {s for s in g.comps if promotes_across_regions(g, s)} or set(g.comps)
        fused = g.chains_and_bound(stores, 0.07)
        alone = Graph(model)
        assert fused == bound_chains(alone, stores, 0.07)
        assert g.chains == alone.chains
        assert g.chains_and_bound(stores, 0.07) == fused  # the chains already worked out: the bound's own pass
