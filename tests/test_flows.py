"""Request flows: the language (`flow`, `share`, `fanout`, `caches`, `hit_ratio`, `record`), the resolver's checks
of a route, and the load the analysis works out from them."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import findings

PASTES = """\
system paste {
  requirements { peak_load 5000 rps }
  region r { zones [a, b, c] }
  client browser { calls api { timeout 1s } }
  service api {
    exposure public
    replicas 3..10
    capacity 800 rps per replica
    reads paste_cache { timeout 20ms }
    reads pastes { timeout 100ms; retries 2 }
    writes pastes { timeout 200ms }
    publishes views { mode async }
  }
  cache paste_cache { engine redis; caches pastes; hit_ratio 80% }
  store pastes { engine postgres; record 10KiB; retention 30d; capacity 2000 rps }
  stream views { engine kafka }
  service stats { consumes views { fanout 3 } }
FLOWS
}
"""

READ_AND_WRITE = """\
  flow read "Read a paste" { share 90%; route [browser, api, paste_cache, pastes]; payload 10KiB }
  flow write { rate 500 rps; route [browser, api, pastes]; route [api, views, stats]; writes [pastes] }
"""


def design(flows: str = READ_AND_WRITE) -> str:
    return PASTES.replace("FLOWS\n", flows)


def test_flows_resolve_into_the_model(check_language):
    r = check_language(design())
    assert r.codes == []
    read, write = r.model.system.flows
    assert (read.name, read.title, read.share, read.rate) == ("read", "Read a paste", pytest.approx(0.9), None)
    assert read.routes == [["browser", "api", "paste_cache", "pastes"]] and read.payload == 10 * 1024
    assert write.routes == [["browser", "api", "pastes"], ["api", "views", "stats"]]
    assert write.entry == "browser" and write.components() == ["browser", "api", "pastes", "views", "stats"]
    cache = next(c for c in r.model.components if c.name == "paste_cache")
    assert cache.caches == "pastes" and cache.hit_ratio == pytest.approx(0.8)
    stats_edge = next(e for e in r.model.edges if e.source == "stats")
    assert stats_edge.fanout == 3


def test_a_step_without_an_edge_is_reported_where_it_is_written(check_language):
    flow = "  flow f { rate 1 rps; route [browser, api, views, stats, pastes] }\n"
    r = check_language(design(flow))
    d = r.only("REF005")
    assert "from `stats` to `pastes`" in d.message
    line = design(flow).splitlines()[d.span.line - 1]
    assert line[d.span.column - 1 :].startswith("pastes]")
    assert any("add the edge to `stats`" in h for h in d.hints)


def test_a_step_against_the_edge_suggests_swapping(check_language):
    r = check_language(design("  flow f { rate 1 rps; route [browser, pastes, api] }\n"))
    messages = [d.message for d in findings(r, "REF005")]
    assert any("from `browser` to `pastes`" in m for m in messages)
    back = next(d for d in findings(r, "REF005") if "from `pastes` to `api`" in d.message)
    assert back.hints == ["the edge runs the other way, from `api` to `pastes`: swap them in the route"]


def test_a_branch_must_start_where_an_earlier_route_reached(check_language):
    r = check_language(design("  flow f { rate 1 rps; route [browser, api]; route [views, stats] }\n"))
    assert "which its earlier routes do not reach" in r.only("REF005").message


@pytest.mark.parametrize(
    ("flow", "message"),
    [
        ("flow f { route [browser, api] }", "states no rate"),
        ("flow f { rate 1 rps; share 5%; route [browser, api] }", "both a `rate` and a `share`"),
        ("flow f { rate 1 rps }", "has no `route`"),
    ],
)
def test_a_flow_needs_one_rate_and_a_route(check_language, flow: str, message: str):
    r = check_language(design(f"  {flow}\n"))
    assert any(message in d.message for d in r.diagnostics), [d.message for d in r.diagnostics]


def test_a_step_that_skips_the_stream_between_is_told_to_name_it(check_language):
    r = check_language(design("  flow f { rate 1 rps; route [browser, api, stats] }\n"))
    assert r.only("REF005").hints == [
        "`api` reaches `stats` through `views`: name it on the route, `route [browser, api, views, stats]`"
    ]


@pytest.mark.parametrize("stated", ["share 90", "rate 90"])
def test_a_rate_written_wrong_is_one_error_not_also_no_rate(check_language, stated: str):
    r = check_language(design(f"  flow f {{ {stated}; route [browser, api] }}\n"))
    assert r.codes == ["VAL001"], [d.message for d in r.diagnostics]


def test_a_share_needs_the_peak(check_language):
    text = design("  flow f { share 10%; route [browser, api] }\n").replace("requirements { peak_load 5000 rps }", "")
    r = check_language(text)
    assert "state no `peak_load`" in r.only("DEF003").message


def test_flows_at_the_top_level_belong_to_the_system(check_language):
    text = design("") + "flow outside { rate 7 rps; route [browser, api] }\n"
    r = check_language(text)
    assert r.codes == [] and [f.name for f in r.model.system.flows] == ["outside"]


def _graph(check_language, text: str):
    from designc.analysis.graph import Graph

    r = check_language(text)
    assert r.codes == [], [d.message for d in r.diagnostics]
    return Graph(r.model)


def test_demand_follows_routes_cache_misses_and_fan_out(check_language):
    g = _graph(check_language, design())
    d = g.demand
    assert d["api"].rate == pytest.approx(4500 + 500)
    assert d["api"].parts == {"read": pytest.approx(4500), "write": pytest.approx(500)}
    assert d["paste_cache"].rate == pytest.approx(4500)
    assert d["pastes"].rate == pytest.approx(4500 * 0.2 + 500)  # the misses, and the writes
    assert d["pastes"].writes == pytest.approx(500)
    assert d["views"].rate == pytest.approx(500)
    assert d["stats"].rate == pytest.approx(1500)  # each message consumed three times
    # under failure the read of the store may be tried three times (retries 2); the write path is not retried
    assert d["pastes"].retried == pytest.approx(4500 * 0.2 * 3 + 500)


def test_a_cache_without_a_hit_ratio_is_counted_as_missing_and_said_so(check_language):
    g = _graph(check_language, design().replace("hit_ratio 80%", ""))
    assert g.demand["pastes"].rate == pytest.approx(4500 + 500)
    read = next(fl for fl in g.flows if fl.flow.name == "read")
    assert read.assumptions == ["`paste_cache` states no `hit_ratio`: every read counted as a miss"]


def test_capacity_is_measured_against_the_demand_of_the_flows(check_design):
    with_flows = check_design(design())
    (cold,) = [d for d in findings(with_flows, "SCL001") if "`pastes`" in d.message]
    assert "less than" not in cold.message  # it carries the 1400 rps the flows bring; only a cold cache is too much
    assert cold.message == (
        "store `pastes` carries at most 2000 rps (its stated capacity): enough for the 1400 rps that reach it at "
        "peak past cache `paste_cache`, not for the 5000 rps when the cache is cold or lost (flows `read` and `write`)"
    )
    assert not findings(check_design(design().replace("capacity 2000 rps", "capacity 5000 rps")), "SCL001")
    without = check_design(design(""))
    scl = [d for d in findings(without, "SCL001") if "`pastes`" in d.message]
    assert len(scl) == 1 and "the peak load of 5000 rps" in scl[0].message
    # and a store the flows overload is reported with the flows named
    overloaded = check_design(design().replace("capacity 2000 rps", "capacity 1000 rps"))
    d = next(d for d in findings(overloaded, "SCL001") if "`pastes`" in d.message)
    assert "1400 rps (the flows through it: `read` 900 rps, `write` 500 rps)" in d.message


def test_without_flows_edge_shares_scale_the_peak(check_language, check_design):
    text = design("").replace("reads pastes { timeout 100ms; retries 2 }", "reads pastes { timeout 100ms; share 20% }")
    text = text.replace("writes pastes { timeout 200ms }", "writes pastes { timeout 200ms; share 10% }")
    g = _graph(check_language, text)
    assert g.share_scale["pastes"] == pytest.approx(0.2)
    load, why = g.load_at("pastes", 5000)
    assert load == pytest.approx(1000) and "`share`" in why
    assert not [d for d in findings(check_design(text), "SCL001") if "`pastes`" in d.message]


def test_store_growth_and_bandwidth(check_language):
    from designc.analysis.load import MONTH, bandwidth, store_growth

    g = _graph(check_language, design())
    growth = store_growth(g)["pastes"]
    assert growth.peak == pytest.approx(500) and growth.average == growth.peak and not growth.averaged
    assert growth.month == pytest.approx(500 * 10 * 1024 * MONTH)
    assert growth.kept == pytest.approx(500 * 10 * 1024 * 30 * 86400)
    # with a sustained load stated, storage fills at the average: the peak scaled by sustained / peak
    averaged = store_growth(
        _graph(check_language, design().replace("peak_load 5000 rps", "peak_load 5000 rps; sustained_load 1000 rps"))
    )["pastes"]
    assert averaged.averaged and averaged.average == pytest.approx(100)
    assert averaged.month == pytest.approx(100 * 10 * 1024 * MONTH)
    bw = bandwidth(g)
    assert bw[("api", "paste_cache")] == pytest.approx(4500 * 10 * 1024)
    assert ("api", "views") not in bw  # the write flow states no payload


def test_the_report_gives_each_flows_figures_and_each_components_demand(tmp_path):
    import json

    from conftest import run_designc

    text = design().replace("capacity 2000 rps", "capacity 1000 rps")
    text = text.replace("  service api {", "  service api {\n    latency p99 20ms")
    p = tmp_path / "d.design"
    p.write_text(text, encoding="utf-8")
    r = run_designc("report", "-f", "json", str(p))
    report = json.loads(r.stdout)
    read = next(f for f in report["flows"] if f["flow"] == "read")
    assert read["rate"] == pytest.approx(4500) and read["rate_source"] == "90% of the peak load of 5000 rps"
    # api: 10 x 800 rps against 5000 rps, 60% headroom; pastes: 1000 rps against 1400 rps, 29% short
    assert read["bottleneck"] == "pastes" and read["bottleneck_headroom"] == pytest.approx(1000 / 1400 - 1)
    assert read["p99"] == pytest.approx(0.02) and "pastes" in read["p99_unknown"]
    comps = {c["component"]: c for c in report["components"]}
    assert "browser" not in comps  # where requests come from is no component's load
    assert comps["pastes"]["demand"] == pytest.approx(1400) and comps["pastes"]["headroom"] == pytest.approx(
        1000 / 1400 - 1
    )
    (growth,) = report["stores"]
    assert growth["store"] == "pastes" and growth["writes_per_second"] == pytest.approx(500)
    human = run_designc("report", str(p)).stdout
    assert "p99 at least 20ms (no latency declared for" in human
    assert "bottleneck: pastes (OVER capacity by 29% at the peak)" in human
    assert "1400 rps (up to 3200 rps when callers retry) (5000 rps with a cold cache)  capacity 1000 rps" in human
    assert comps["pastes"]["demand_cold_cache"] == pytest.approx(5000)


def test_the_report_says_what_breaks_first_and_at_what_load(tmp_path):
    import json

    from conftest import run_designc

    p = tmp_path / "d.design"
    p.write_text(design(), "utf-8")
    report = json.loads(run_designc("report", "-f", "json", str(p)).stdout)
    read = next(f for f in report["flows"] if f["flow"] == "read")
    # pastes: 2000 rps for 1400 rps of demand (43% headroom) is less than api's 8000 for 5000 (60%)
    assert read["bottleneck"] == "pastes"
    assert read["saturates_at_peak_times"] == pytest.approx(2000 / 1400, rel=1e-5)
    assert read["saturates_at_rate"] == pytest.approx(4500 * 2000 / 1400, rel=1e-5)
    write = next(f for f in report["flows"] if f["flow"] == "write")
    assert write["unsized"] == [{"component": "stats", "demand": 1500}, {"component": "views", "demand": 500}]
    human = run_designc("report", str(p)).stdout
    assert "bottleneck: pastes (43% headroom: it saturates at 1.43x the peak, this flow at 6428.6 rps)" in human
    assert "not sized (no capacity stated), so it may break first: stats 1500 rps, views 500 rps" in human
    unsized = design().replace("capacity 800 rps per replica", "").replace("; capacity 2000 rps", "")
    p.write_text(unsized, "utf-8")
    human = run_designc("report", str(p)).stdout
    assert (
        "bottleneck unknown: nothing on its routes states a capacity; busiest: api 5000 rps, paste_cache 4500 rps, "
        "pastes 1400 rps"
    ) in human


def test_a_single_point_of_failure_names_the_flows_that_need_it(check_design):
    text = design().replace("store pastes { engine postgres;", "store pastes { engine postgres; replicas 1;")
    spof = [d for d in findings(check_design(text), "SPOF001") if "`pastes`" in d.message]
    assert spof and spof[0].message.endswith("a single point of failure for flows `read`, `write`")
    without = [d for d in findings(check_design(design("")), "SPOF001") if "`pastes`" in d.message]
    assert without and without[0].message.endswith("a single point of failure for entrypoint `api`")


def test_the_report_never_prints_unknown_figures_as_zero_or_perfect(tmp_path):
    from conftest import run_designc

    p = tmp_path / "d.design"
    p.write_text(design(""), encoding="utf-8")  # no latency anywhere, no availability on `api`
    text = run_designc("report", str(p)).stdout
    assert "p99 0s" not in text and "p99 unknown" in text
    assert "counted as 100%" not in text and "an upper bound (" in text
    assert "downtime the dependencies allow: at least" in text


def test_a_client_skipping_to_a_store_is_told_to_route_through_what_it_calls(check_language):
    r = check_language(design("  flow f { rate 1 rps; route [browser, pastes] }\n"))
    assert r.only("REF005").hints == ["`browser` calls `api`: route through it to `pastes`"]


PER_FLOW = """\
system s {
  requirements { peak_load 1000 rps; availability 99.9%; latency p99 100ms }
  region r { zones [a, b, c] }
  flow read { share 90%; route [api, replica] }
  flow write { share 10%; route [api, primary] }
  service api {
    exposure public; replicas 3; latency p99 10ms; availability 99.99% source "test"
    reads replica { timeout 200ms }
    writes primary { timeout 200ms }
    reads sessions { timeout 50ms }
  }
  store replica { availability 99.99% source "test"; latency p99 20ms }
  store primary { availability PRIMARY source "test"; latency p99 LATENCY }
  store sessions { availability 99.99% source "test" }
}
"""


def test_availability_is_judged_per_flow(check_design):
    failing = check_design(PER_FLOW.replace("PRIMARY", "99.5%").replace("LATENCY", "20ms"))
    (d,) = findings(failing, "AVL001")
    # the read path is not charged for the write path's database; `sessions`, which no route names, counts in both
    assert d.message == (
        "flow `write` through `api` can be at most 99.480101% available, below the system's requirement of 99.9%:"
        " its weakest step is `primary` (99.5%)"
    )
    assert d.fingerprint == "AVL001:s/flow:write"
    assert "sessions 99.99%" in d.hints[0]
    # without flows, the entrypoint multiplies both paths and is reported as a whole
    whole = check_design(
        PER_FLOW.replace("PRIMARY", "99.5%")
        .replace("LATENCY", "20ms")
        .replace("  flow read", "  # flow read")
        .replace("  flow write", "  # flow write")
    )
    assert [x.fingerprint for x in findings(whole, "AVL001")] == ["AVL001:s/service:api"]
    fixed = check_design(PER_FLOW.replace("PRIMARY", "99.99%").replace("LATENCY", "20ms"))
    assert findings(fixed, "AVL001") == []


def test_latency_is_judged_per_flow(check_design):
    failing = check_design(PER_FLOW.replace("PRIMARY", "99.99%").replace("LATENCY", "120ms"))
    (d,) = findings(failing, "LAT001")
    # `api` also reads `sessions` on every request (no route names it, no latency stated) and states no
    # `call_order`: the figure is a lower bound, and says so
    assert d.message == (
        "flow `write` through `api` takes at least 130ms at p99, above the system's requirement of 100ms: its slowest"
        " step is `primary` (120ms)"
    )
    assert d.fingerprint == "LAT001:s/flow:write"
    # at the boundary, exactly the objective is met
    assert findings(check_design(PER_FLOW.replace("PRIMARY", "99.99%").replace("LATENCY", "90ms")), "LAT001") == []


def test_what_a_flow_needs_is_listed_in_order_and_multiplied_in_order(check_language):
    """A flow's needs are kept as sets; listed, they are the hard route, then each unrouted hard dependency before
    its own (each once), and the availability is their product taken in that order. The estimate `meets` answers
    from agrees with it on either side of the figure."""
    from designc.analysis.graph import at_least
    from designc.analysis.load import flow_budgets

    figures = ["99.9%", "99.95%", "99.99%", "99.5%", "99.999%"]
    deps = "\n".join(
        f'  store d{i} {{ availability {figures[i % 5]} source "t" }}\n'
        f'  service w{i} {{ availability {figures[(i + 2) % 5]} source "t"; reads d{i} {{ timeout 1s }}'
        + (f"; calls w{i + 1} {{ timeout 1s }}" if i < 29 else "")
        + (f"; reads d{i - 3} {{ timeout 1s }}" if i >= 3 else "")
        + " }"
        for i in range(30)
    )
    text = f"""\
system s {{
  requirements {{ peak_load 1000 rps }}
  region r {{ zones [a, b, c] }}
  client web {{ calls api {{ timeout 1s }} }}
  flow f {{ share 100%; route [web, api, d0] }}
  service api {{
    exposure public; availability 99.99% source "t"
    reads d0 {{ timeout 1s }}
    calls w7 {{ timeout 1s }}
    calls w2 {{ timeout 1s }}
    calls x {{ timeout 1s }}
  }}
  service x {{ calls w9 {{ timeout 1s }} }}
{deps}
}}
"""
    g = _graph(check_language, text)
    (b,) = flow_budgets(g)
    order = ["api", "d0"]  # the hard route, the client left out
    for first in ["w7", "w2", "x"]:  # then each unrouted dependency, and what it needs in declaration order
        if first in order:
            continue
        order.append(first)
        order += [n for n in g.comps if g.bit[n] & g.closure[first] and n not in order]
    assert b.needs == order and b.entrypoint == "api" and len(order) > 40
    assert b.unknown_availability == ["x"]
    product = 1.0
    for n in order:
        if (a := g.own_availability(n).value) is not None:
            product *= a
    assert b.availability == product
    assert b.estimate == pytest.approx(product, rel=1e-12) and b.error < 1e-13
    for target in (product - 1e-6, product - 1e-12, product, product + 1e-13, product + 1e-6):
        assert b.meets(target) == at_least(product, target)


def _verdict_designs() -> list[Any]:
    from conftest import EXAMPLES

    return sorted(
        [*EXAMPLES.glob("*.design"), *(EXAMPLES / "real").glob("*.design"), *(EXAMPLES / "flawed").glob("*.design")]
    )


@pytest.mark.parametrize("path", _verdict_designs(), ids=lambda p: p.stem)
def test_the_graphs_verdicts_are_the_rules_own(path):
    """`Graph.availability_verdict` and `Graph.latency_verdict`, which the report (and the documents) read, say
    "not met" exactly where AVL001 and LAT001 report: on the component, or on a flow entering at it."""
    from designc.analysis.graph import Graph
    from designc.driver import check

    result = check([path], profile="production")
    (design,) = [d for d in result.designs if d.model is not None]
    g = Graph(design.model)
    for code, verdict in (("AVL001", g.availability_verdict), ("LAT001", g.latency_verdict)):
        reported = {(d.fingerprint or "").split("/", 1)[-1] for d in result.diagnostics if d.code == code}
        for name in g.comps:
            v = verdict(name)
            if v.per_flow:
                for f in v.flows:
                    assert (f.met is False) == (f"flow:{f.flow}" in reported), (code, name, f)
            else:
                assert (v.met is False) == (g.comp_path(name) in reported), (code, name, v)


def test_the_report_gives_one_verdict_per_flow_where_flows_are_judged(tmp_path):
    """Where flows enter, the report does not put its own "BELOW" on the product of every dependency, which no
    request needs all at once: it gives each flow's verdict, as AVL001 and LAT001 do (a new user found the report
    saying BELOW where `check` reported nothing)."""
    import json

    from conftest import run_designc

    # every dependency together: 99.92%, below 99.93%; the read flow 99.97%, the write flow 99.930011%: both meet
    text = PER_FLOW.replace("availability 99.9%", "availability 99.93%").replace("PRIMARY", "99.95%")
    p = tmp_path / "d.design"
    p.write_text(text.replace("LATENCY", "120ms"), encoding="utf-8")
    assert run_designc("check", "-q", str(p)).stdout.count("AVL001") == 0
    out = run_designc("report", str(p)).stdout
    whole = next(line for line in out.splitlines() if line.startswith("  all hard dependencies together"))
    assert "99.920018%" in whole and "BELOW" not in whole and "each flow is judged below" in whole
    assert "BELOW" not in out and "flow read    99.970003%  meets" in out and "flow write   99.930011%  meets" in out
    assert "flow write     130ms  ABOVE" in out and "flow read       30ms  meets" in out
    report = json.loads(run_designc("report", "-f", "json", str(p)).stdout)
    (ep,) = report["entrypoints"]
    # as the text says: no verdict on every dependency together, nor on the slowest chain over every call
    assert ep["availability"]["meets_objective"] is None and ep["latency"]["meets_objective"] is None
    assert "each flow is judged in judged_per_flow" in ep["availability"]["not_judged"]
    assert [f["meets_objective"] for f in ep["availability"]["judged_per_flow"]] == [True, True]
    assert [(f["flow"], f["meets_objective"]) for f in ep["latency"]["judged_per_flow"]] == [
        ("read", True),
        ("write", False),
    ]
    p.write_text(text.replace("LATENCY", "20ms").replace("99.95%", "99.9%"), encoding="utf-8")
    report = json.loads(run_designc("report", "-f", "json", str(p)).stdout)
    (ep,) = report["entrypoints"]
    assert False in [f["meets_objective"] for f in ep["availability"]["judged_per_flow"]]
    assert all(f["meets_objective"] for f in ep["latency"]["judged_per_flow"])


def test_without_flows_the_report_says_what_breaks_first_at_the_whole_peak(tmp_path):
    import json

    from conftest import run_designc

    p = tmp_path / "d.design"
    p.write_text(design(""), "utf-8")
    human = run_designc("report", str(p)).stdout
    assert "capacity at peak (no flows stated: each entrypoint is taken to carry the whole peak)" in human
    assert "breaks first: pastes, already OVER capacity at the peak" in human
    p.write_text(design("").replace("capacity 2000 rps", "capacity 9000 rps"), "utf-8")
    rows = json.loads(run_designc("report", "-f", "json", str(p)).stdout)["capacity_without_flows"]
    assert [r["component"] for r in rows] == ["api", "pastes"]
    assert rows[0]["saturates_at_peak_times"] == pytest.approx(1.6) and rows[0]["saturates_at_rate"] == 8000
    assert "breaks first: api, at 1.6x the peak (the system at 8000 rps)" in run_designc("report", str(p)).stdout
    p.write_text(design(), "utf-8")  # with flows, the flows' table says it
    assert json.loads(run_designc("report", "-f", "json", str(p)).stdout)["capacity_without_flows"] == []


def test_a_read_through_cache_passes_on_only_its_misses(check_language):
    text = """\
system s {
  requirements { peak_load 10000 rps }
  region r { zones [a, b, c] }
  client users { calls cdn { timeout 1s } }
  cache cdn { exposure public; data [public]; caches origin; hit_ratio 95%; reads origin { timeout 1s } }
  store origin { model object }
  flow media { rate 10000 rps; route [users, cdn, origin] }
}
"""
    g = _graph(check_language, text)
    assert g.demand["origin"].rate == pytest.approx(500)
    assert g.demand["origin"].cold == pytest.approx(10000) and g.demand["origin"].caches == {"cdn": 10000}
    (fl,) = g.flows
    assert fl.steps[-1].note == "5% misses (hit ratio 95%)"
    # the flow still needs the origin for its misses, though the cache itself does not
    from designc.analysis.load import flow_needs

    assert flow_needs(g, fl) == ["users", "cdn", "origin"]
    assert not any(g.is_hard(e) for e in g.out["cdn"])


def test_a_flow_nothing_of_which_declares_an_availability_is_unknown_not_perfect(tmp_path):
    import json

    from conftest import run_designc

    p = tmp_path / "d.design"
    p.write_text(
        "system s {\n  requirements { peak_load 100 rps }\n  region r { zones [a, b, c] }\n"
        "  client u { calls api { timeout 1s } }\n  service api { exposure public }\n"
        "  flow f { rate 10 rps; route [u, api] }\n}\n",
        "utf-8",
    )
    (f,) = json.loads(run_designc("report", "-f", "json", str(p)).stdout)["flows"]
    assert f["availability_known"] is False and f["availability_unknown"] == ["api"]
    human = run_designc("report", str(p)).stdout
    assert "availability unknown (no component it needs declares a figure)" in human
    assert "100%" not in human.split("flows", 1)[1]


def test_a_miss_from_a_cache_the_flow_cannot_do_without_reaches_the_store(check_language):
    """The caller reads only the cache (a read-through cache it fails without): the store behind it is needed too."""
    text = """\
system s {
  requirements { peak_load 1000 rps }
  region r { zones [a, b, c] }
  client u { calls api { timeout 1s } }
  service api { exposure public; reads hot { timeout 10ms } }
  cache hot { caches db; hit_ratio 90% }
  store db { engine postgres }
  flow f { rate 1000 rps; route [u, api, hot, db] }
}
"""
    from designc.analysis.load import flow_needs, hard_route

    g = _graph(check_language, text)
    (fl,) = g.flows
    assert hard_route(g, fl) == ["u", "api", "hot", "db"] and flow_needs(g, fl) == ["u", "api", "hot", "db"]
    assert g.demand["db"].rate == pytest.approx(100)


# --- the calls a route does not name (the new user's video design, session 8: problems 1 and 4) ------------------

VIDEO = """\
system vidup {
  requirements { peak_load 2000 rps; availability 99.95%; latency p99 300ms }
  region eu { zones [a, b, c] }
  client creator_app { calls upload_api }
  client viewer_web { calls playback_api }
  service upload_api {
    replicas 3
    call_order sequential
    calls moderation { retries 3 }
    writes video_meta { timeout 50ms; retries 1 }
    writes raw_videos { timeout 2s; retries 2 }
    publishes upload_events
  }
  service playback_api {
    replicas 3
    reads meta_cache { timeout 5ms; criticality soft; fallback default }
    reads video_meta { timeout 40ms; retries 1 }
    reads renditions { timeout 100ms }
  }
  service transcoder {
    replicas 2
    consumes upload_events { group transcode }
    writes renditions { timeout 10s }
    calls video_meta { timeout 100ms }
  }
  store video_meta { engine postgres; replicas 1; record 2KiB }
  store raw_videos { engine s3 }
  store renditions { engine s3 }
  cache meta_cache { engine redis; caches video_meta; hit_ratio 95% }
  stream upload_events { engine kafka }
  external moderation { availability 99.9% source "vendor SLA"; latency p99 800ms; rate_limit 500 rps }
  flow upload {
    rate 200 rps
    route [creator_app, upload_api, raw_videos]
    route [upload_api, upload_events, transcoder, renditions]
  }
  flow watch { share 90%; route [viewer_web, playback_api, meta_cache, video_meta]; route [playback_api, renditions] }
}
"""


def _no_flows(text: str) -> str:
    return text.split("  flow upload")[0] + "}\n"


def test_a_flow_counts_the_hard_calls_its_route_does_not_name(check_design):
    """Every `upload_api` request calls `moderation` and writes `video_meta` (hard, no `share`); no route takes
    either call, so the upload flow needs both, as the design without flows does. `video_meta` being on the watch
    route (reached from `playback_api`) does not take `upload_api`'s writes away from the upload flow."""
    with_flows = check_design(VIDEO)
    (upload,) = [d for d in findings(with_flows, "AVL001") if d.fingerprint == "AVL001:vidup/flow:upload"]
    (whole,) = [d for d in findings(check_design(_no_flows(VIDEO)), "AVL001") if "upload_api" in d.fingerprint]
    figure = whole.message.split("at most ")[1].split(" available")[0]
    assert f"can be at most {figure} available" in upload.message  # the same product: nothing left out
    assert "its weakest step is `video_meta`" in upload.message
    # the latency: `moderation`'s 800ms is on every upload request, and already above 300ms whatever the
    # components that state no latency add
    (lat,) = findings(with_flows, "LAT001")
    assert lat.fingerprint == "LAT001:vidup/flow:upload"
    assert lat.message.startswith("flow `upload` through `upload_api` takes at least 800ms at p99, above")
    assert "`upload_api -> moderation`" in lat.message
    assert any("lower bound" in h for h in lat.hints)


def test_a_call_belongs_to_another_flow_only_when_a_route_takes_it(check_design):
    """A route that takes the step `upload_api -> moderation` says those calls are its flow's requests: the upload
    flow is no longer charged for them, and the flow that routes them is judged by them."""
    text = VIDEO.replace(
        "  flow watch", "  flow moderate { rate 200 rps; route [creator_app, upload_api, moderation] }\n  flow watch"
    )
    checked = check_design(text)
    (lat,) = findings(checked, "LAT001")
    assert lat.fingerprint == "LAT001:vidup/flow:moderate"
    upload = [d for d in findings(checked, "AVL001") if d.fingerprint == "AVL001:vidup/flow:upload"]
    assert upload and "`moderation`" not in upload[0].message and "moderation" not in upload[0].hints[0]


def test_unrouted_calls_bring_the_flows_demand(check_design):
    """The demand a flow puts on what its unrouted calls reach: its rate at that step, times the attempts under
    failure. `moderation` gets the upload flow's 200 rps (800 rps when `upload_api` retries), below its 500 rps
    quota, so SCL004 no longer compares the quota with the whole 2000 rps peak."""
    from designc.analysis.graph import Graph

    checked = check_design(VIDEO)
    assert findings(checked, "SCL004") == []
    g = Graph(checked.model)
    mod = g.demand["moderation"]
    assert (mod.rate, mod.retried, mod.parts) == (200.0, 800.0, {"upload": 200.0})
    meta = g.demand["video_meta"]
    # the watch flow's cache misses (5% of 1800), the upload flow's writes from `upload_api` and `transcoder`'s call
    assert meta.parts == pytest.approx({"watch": 90.0, "upload": 400.0})
    assert meta.writes == pytest.approx(200.0)
    # without flows the quota is compared with the whole peak, as it always was
    assert [d.fingerprint for d in findings(check_design(_no_flows(VIDEO)), "SCL004")] == [
        "SCL004:vidup/external:moderation"
    ]


def test_the_report_says_what_check_says_of_unrouted_calls(tmp_path):
    import json

    from conftest import run_designc

    p = tmp_path / "video.design"
    p.write_text(VIDEO, encoding="utf-8")
    report = json.loads(run_designc("report", "-f", "json", str(p)).stdout)
    (upload,) = [f for f in report["flows"] if f["flow"] == "upload"]
    assert upload["p99"] == 0.8
    assert {"step": "upload_api -> moderation", "p99": 0.8} in upload["p99_terms"]
    (ep,) = [e for e in report["entrypoints"] if e["entrypoint"] == "upload_api"]
    (judged,) = ep["latency"]["judged_per_flow"]
    assert judged == {"flow": "upload", "p99": 0.8, "p99_lower_bound": True, "meets_objective": False}
    human = run_designc("report", str(p)).stdout
    assert "flow upload     800ms  ABOVE (at least)" in human
    assert "upload_api -> moderation 800ms" in human


CALL_KINDS = """\
system s {
  requirements { peak_load 1000 rps; availability 99%; latency p99 1s }
  region r { zones [a, b] }
  client web { calls api }
  service api {
    replicas 2
    ORDER
    reads db { timeout 1s }
    calls auth { timeout 1s }
    calls audit { timeout 1s; criticality soft }
    calls geo { timeout 1s; fallback default }
    calls sample { timeout 1s; share 10% }
    calls boot { timeout 1s; on connect }
  }
  store db { availability 99.9% source "t"; latency p99 100ms }
  service auth { replicas 2; availability 99.8% source "t"; latency p99 200ms }
  service audit { replicas 2; availability 90% source "t"; latency p99 900ms }
  service geo { replicas 2; availability 90% source "t"; latency p99 900ms }
  service sample { replicas 2; availability 90% source "t"; latency p99 900ms }
  service boot { replicas 2; availability 90% source "t"; latency p99 900ms }
  flow read { rate 100 rps; route [web, api, db] }
}
"""


def test_only_the_hard_calls_every_request_makes_are_charged(check_design):
    """Of `api`'s calls no route takes, only `auth` is made hard on every request: `audit` is soft, `geo` has a
    fallback, `sample` is made by one request in ten, `boot` when a client connects. In sequence the call adds to
    the route's step (100 + 200ms); in parallel the slowest of the two counts (200ms)."""
    from designc.analysis.graph import Graph

    g = Graph(check_design(CALL_KINDS.replace("ORDER", "call_order sequential")).model)
    (b,) = g.flow_budgets
    assert b.needs == ["api", "db", "auth"]
    assert round(b.availability, 9) == round(0.999 * 0.998, 9)
    assert round(b.p99, 6) == 0.3
    assert b.latency_terms == [("api -> auth", 0.2), ("db", 0.1)]
    assert g.demand["auth"].rate == 100.0 and "audit" not in g.demand and "sample" not in g.demand
    par = Graph(check_design(CALL_KINDS.replace("ORDER", "call_order parallel")).model)
    (b,) = par.flow_budgets
    assert round(b.p99, 6) == 0.2 and b.assumed_parallel is None
    # no `call_order`: taken as parallel, and the figure is a lower bound
    unstated = Graph(check_design(CALL_KINDS.replace("ORDER", "")).model)
    (b,) = unstated.flow_budgets
    assert round(b.p99, 6) == 0.2 and b.assumed_parallel == "api"


def test_a_flow_that_needs_nothing_with_a_figure_is_not_judged(tmp_path):
    """As an entrypoint with no figure on its path is not judged, a flow none of whose needs states an
    availability is not "100%, meets": report says so."""
    from conftest import run_designc

    text = """\
system s {
  requirements { peak_load 100 rps; availability 99.9% }
  region r { zones [a, b] }
  client web { calls api }
  service api { replicas 2; calls cache { timeout 1s; fallback default } }
  service cache { replicas 2; availability 99% source "t" }
  flow read { rate 100 rps; route [web, api, cache] }
}
"""
    p = tmp_path / "s.design"
    p.write_text(text, encoding="utf-8")
    human = run_designc("report", str(p)).stdout
    assert "flow read      unknown  not judged (nothing it needs states a figure)" in human


def test_the_document_says_what_check_says_of_unrouted_calls(tmp_path):
    from conftest import run_designc

    p = tmp_path / "video.design"
    p.write_text(VIDEO, encoding="utf-8")
    r = run_designc("build", str(p), "-t", "markdown", "--allow-findings", "-o", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    doc = (tmp_path / "out" / "vidup" / "design.md").read_text(encoding="utf-8")
    assert "judged per flow: flow `upload` at least 800ms **not met**" in doc
