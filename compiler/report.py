"""`designc report`: each entrypoint's availability budget, error budget, latency chain and retry amplification.

Reads only the model, through the analysis graph: the same arithmetic the rules use, laid out for a reviewer.

Every figure is rounded to what it means, so that the JSON carries no float noise (`129.47044319999998`):
availabilities (fractions) to 8 decimals, as the analysis prints them (`99.999988%`); durations in seconds to
the microsecond, the language's finest unit; minutes per 30 days to 4 decimals; rates (per second), headroom (a
fraction: 0.25 is 25% spare) and retry amplification to 6 significant digits; bytes to whole bytes.
"""

from __future__ import annotations

from typing import Any

from .analysis.graph import Graph, duration, minutes, minutes_per_30_days, pct, rate, size


def _availability(a: float | None) -> float | None:
    return None if a is None else round(a, 8)


def _seconds(s: float | None) -> float | None:
    return None if s is None else round(s, 6)


def _minutes(m: float | None) -> float | None:
    return None if m is None else round(m, 4)


def _figure(x: float | None) -> float | None:
    """A rate, a headroom or a factor: 6 significant digits (4199.999999999999 -> 4200.0)."""
    return None if x is None else float(f"{x:.6g}")


def _bytes(n: float | None) -> int | None:
    return None if n is None else round(n)


def entrypoint_report(g: Graph, name: str) -> dict[str, Any]:
    """One entrypoint's budgets. The verdicts are the rules' own (`Graph.availability_verdict`,
    `Graph.latency_verdict`): when flows enter at the entrypoint, they are judged per flow, and the figures over
    every dependency are only bounds (`judged_per_flow` lists the flows' verdicts)."""
    allowed, unknown_bits = g.composite(name)
    unknown = g.members(unknown_bits)
    deps = []
    for d in [name, *g.members(g.closure[name])]:
        a = g.own_availability(d)
        deps.append({"component": d, "availability": _availability(a.value), "from": a.how, "detail": a.detail})
    av = g.availability_verdict(name)
    lv = g.latency_verdict(name)
    chain = g.chains[name]
    # as the text says it: no figure where nothing on the way declares one, and no verdict where the flows are
    # judged one by one (the product of every dependency, or the slowest chain over every call, is no one request's)
    known = any(d["availability"] is not None for d in deps)
    chain_known = any(h not in (lat_unknown := g.chain_unknown(name)) for h in g.chain_path(name))
    if av.flows:
        av_why: str | None = "no one request needs every dependency: each flow is judged in judged_per_flow"
    elif not known:
        av_why = "no component on the path declares a figure"
    else:
        av_why = None if av.objective is not None else "no objective"
    if lv.flows:
        lat_why: str | None = "each flow is judged in judged_per_flow"
    elif not chain_known:
        lat_why = "no latency declared on the chain"
    else:
        lat_why = None if lv.objective is not None else "no objective"
    return {
        "entrypoint": name,
        "availability": {
            "dependencies": deps,
            "composite": _availability(allowed) if known else None,
            "objective": _availability(av.objective),
            "objective_from": av.whose or None,
            "meets_objective": None if av_why else av.met,
            "not_judged": av_why,
            "judged_per_flow": [
                {
                    "flow": f.flow,
                    "availability": _availability(f.figure),
                    "unknown": b.unknown_availability,
                    "meets_objective": f.met,
                }
                for f, b in zip(av.flows, g.flows_entering(name), strict=True)
            ],
            "unknown": unknown,
            "downtime_minutes_per_30_days": _minutes(minutes_per_30_days(allowed)) if known else None,
            "error_budget_minutes_per_30_days": None
            if av.objective is None
            else _minutes(minutes_per_30_days(av.objective)),
        },
        "latency": {
            "chain": g.chain_path(name),
            "p99": _seconds(chain.latency) if chain_known else None,
            # a call on the way that states no timeout leaves the wait unbounded: no figure, and the call named
            "worst_case_wait": None if chain.untimed else _seconds(chain.timeouts),
            "wait_unbounded_by": chain.untimed,
            "objective_p99": _seconds(lv.objective),
            "objective_from": lv.whose or None,
            "meets_objective": None if lat_why else lv.met,
            "not_judged": lat_why,
            "judged_per_flow": [
                # p99_lower_bound: some step states no latency, or calls were taken as parallel: "at least"
                {"flow": f.flow, "p99": _seconds(f.figure), "p99_lower_bound": f.bound, "meets_objective": f.met}
                for f in lv.flows
            ],
            "unknown": lat_unknown,
            # calls one after another (`call_order sequential`) on the chain: component -> its callees in order
            "in_sequence": {h: seq for h in g.chain_path(name) if len(seq := g.in_sequence(h)) > 1},
            # a component on or below it that makes several calls and states no order: taken as parallel, so the
            # p99 and the worst-case wait are lower bounds
            "assumed_parallel": chain.assumed_parallel,
        },
        "retry_amplification": _figure(chain.amplification),
    }


def load_report(g: Graph) -> dict[str, Any]:
    """The flows (rate, availability, p99, bottleneck), each component's demand against its capacity, what the
    stores grow by, and the bandwidth of each step: empty lists without flows."""
    from .analysis.load import all_unrouted_parts, bandwidth, capacity, flow_budgets, store_growth

    all_unrouted_parts(g)  # each component's flows, all at once: the table below lists them all

    flows = [
        {
            "flow": b.name,
            "rate": _figure(b.rate),
            "rate_source": b.rate_source,
            "routes": b.routes,
            # null when nothing the flow needs declares a figure (`availability_known` false), as the text says
            "availability": _availability(b.availability) if len(b.unknown_availability) < len(b.needs) else None,
            "availability_unknown": b.unknown_availability,
            "availability_known": len(b.unknown_availability) < len(b.needs),
            "p99": _seconds(b.p99),
            "p99_unknown": b.unknown_latency,
            # what the p99 adds up: a component's own p99, or a call every request makes that no route takes
            # ("a -> b") and what it adds; and where calls with no `call_order` were taken as parallel (a bound)
            "p99_terms": [{"step": n, "p99": _seconds(v)} for n, v in b.latency_terms],
            "p99_assumed_parallel": b.assumed_parallel,
            "bottleneck": b.bottleneck,
            "bottleneck_headroom": _figure(b.bottleneck_headroom),
            # the system's load at which the bottleneck saturates, every flow growing together, as a multiple of
            # today's peak, and this flow's rate then
            "saturates_at_peak_times": None if b.bottleneck_headroom is None else _figure(1 + b.bottleneck_headroom),
            "saturates_at_rate": None
            if b.bottleneck_headroom is None
            else _figure(b.rate * (1 + b.bottleneck_headroom)),
            "unsized": [{"component": n, "demand": _figure(r)} for n, r in b.unsized],
            "assumptions": b.assumptions,
        }
        for b in flow_budgets(g)
    ]
    components = []
    for name, d in g.demand.items():
        if g.comps[name].kind == "client":
            continue
        cap = capacity(g, name)
        components.append(
            {
                "component": name,
                "demand": _figure(d.rate),
                "demand_under_failure": _figure(d.retried),
                # with the caches in front of it cold or lost: every read they took reaches it
                "demand_cold_cache": _figure(d.cold) if d.caches else None,
                "flows": {flow: _figure(r) for flow, r in d.parts.items()},
                "capacity": _figure(cap[0]) if cap else None,
                "capacity_from": cap[1] if cap else None,
                "headroom": _figure(cap[0] / d.rate - 1) if cap and d.rate > 0 else None,
            }
        )
    growth = [
        {
            "store": n,
            "writes_per_second": _figure(gr.peak),
            "average_writes_per_second": _figure(gr.average),
            "average_from_sustained_load": gr.averaged,
            "bytes_per_month": _bytes(gr.month),
            "bytes_over_retention": _bytes(gr.kept),
        }
        for n, gr in store_growth(g).items()
    ]
    links = [{"from": a, "to": b, "bytes_per_second": _bytes(v)} for (a, b), v in bandwidth(g).items()]
    return {
        "flows": flows,
        "components": components,
        "stores": growth,
        "bandwidth": links,
        "capacity_without_flows": _capacity_without_flows(g),
    }


def growth_text(s: dict[str, Any]) -> str:
    """A store's growth from `load_report`'s "stores", in words (the report and the design document say it
    alike): its writes at peak and on average, and what they add."""
    average = (
        f"{rate(s['average_writes_per_second'])} on average"
        if s["average_from_sustained_load"]
        else "taken all day: no sustained_load to average by"
    )
    kept = f", {size(s['bytes_over_retention'])} over its retention" if s["bytes_over_retention"] else ""
    return f"{rate(s['writes_per_second'])} of writes at peak ({average}), {size(s['bytes_per_month'])} a month{kept}"


def _capacity_without_flows(g: Graph) -> list[dict[str, Any]]:
    """Without flows: each component on an entrypoint's hard path that states a capacity, against the load the
    rules take it to carry at peak (the whole peak, scaled by edge shares and bounded by rate limits), least
    headroom first. Empty with flows (the flows' table says it per flow) or without a peak load."""
    from .analysis.load import capacity

    peak = g.requirements.peak_load if g.requirements is not None else None
    if g.flows or not peak:
        return []
    rows = []
    for name in g.needed_by:
        cap = capacity(g, name)
        if cap is None:
            continue
        load, why = g.load_at(name, peak)
        if load <= 0:
            continue
        rows.append(
            {
                "component": name,
                "load": _figure(load),
                "load_from": why or f"the whole peak of {rate(peak)}",
                "capacity": _figure(cap[0]),
                "capacity_from": cap[1],
                "headroom": _figure(cap[0] / load - 1),
                "saturates_at_peak_times": _figure(cap[0] / load),
                "saturates_at_rate": _figure(peak * cap[0] / load),  # the system's load then
            }
        )
    return sorted(rows, key=lambda r: (r["headroom"], r["component"]))


def build(model: Any) -> dict[str, Any]:
    g = Graph(model)
    return {
        "system": model.system.name if model.system else None,
        "entrypoints": [entrypoint_report(g, ep) for ep in g.entrypoints],
        **load_report(g),
    }


def _load_lines(report: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    if report.get("flows"):
        lines.append("flows")
        for f in report["flows"]:
            source = f" ({f['rate_source']})" if f["rate_source"] != rate(f["rate"]) else ""
            lines.append(f"  {f['flow']}: {rate(f['rate'])}{source}")
            for r in f["routes"]:
                lines.append(f"    route {' -> '.join(r)}")
            if not f.get("availability_known", True):
                a = "availability unknown (no component it needs declares a figure)"
            elif f["availability_unknown"]:
                unknown = ", ".join(f["availability_unknown"])
                a = f"availability at most {pct(f['availability'])} (no figure for {unknown})"
            else:
                a = f"availability {pct(f['availability'])}"
            if f["p99"] is None:
                p = "p99 unknown (no latency declared on its path)"
            elif f["p99_unknown"]:
                p = f"p99 at least {duration(f['p99'])} (no latency declared for {', '.join(f['p99_unknown'])})"
            elif f.get("p99_assumed_parallel"):
                p = f"p99 at least {duration(f['p99'])} (`{f['p99_assumed_parallel']}` states no `call_order`)"
            else:
                p = f"p99 {duration(f['p99'])}"
            calls = [t for t in f.get("p99_terms", []) if " -> " in t["step"]]
            if calls:
                p += "; with calls no route names: " + ", ".join(f"{t['step']} {duration(t['p99'])}" for t in calls[:4])
            lines.append(f"    {a}")
            lines.append(f"    {p}")
            unsized = f.get("unsized") or []
            busiest = ", ".join(f"{u['component']} {rate(u['demand'])}" for u in unsized[:4]) + (
                f" and {len(unsized) - 4} more" if len(unsized) > 4 else ""
            )
            if f["bottleneck"] is not None:
                h = f["bottleneck_headroom"]
                if h >= 0:
                    state = (
                        f"{h * 100:.0f}% headroom: it saturates at {f['saturates_at_peak_times']:.3g}x the peak, "
                        f"this flow at {rate(f['saturates_at_rate'])}"
                    )
                else:
                    state = f"OVER capacity by {-h * 100:.0f}% at the peak"
                lines.append(f"    bottleneck: {f['bottleneck']} ({state})")
                if unsized:
                    lines.append(f"    not sized (no capacity stated), so it may break first: {busiest}")
            elif unsized:
                lines.append(f"    bottleneck unknown: nothing on its routes states a capacity; busiest: {busiest}")
            for note in f["assumptions"]:
                lines.append(f"    assumed: {note}")
        lines.append("")
    if report.get("components"):
        lines.append("demand at peak")
        rows = sorted(report["components"], key=lambda c: (c["headroom"] is None, c["headroom"] or 0))
        width = max(len(c["component"]) for c in rows)
        for c in rows:
            cap = "capacity not stated" if c["capacity"] is None else f"capacity {rate(c['capacity'])}"
            head = "" if c["headroom"] is None else f", headroom {c['headroom'] * 100:.0f}%"
            failing = (
                f" (up to {rate(c['demand_under_failure'])} when callers retry)"
                if c["demand_under_failure"] > c["demand"] * 1.0001
                else ""
            )
            cold = c.get("demand_cold_cache")
            if cold is not None and cold > c["demand"] * 1.0001:
                failing += f" ({rate(cold)} with a cold cache)"
            lines.append(f"  {c['component']:<{width}}  {rate(c['demand']):>12}{failing}  {cap}{head}")
        lines.append("")
    if report.get("capacity_without_flows"):
        rows = report["capacity_without_flows"]
        lines.append("capacity at peak (no flows stated: each entrypoint is taken to carry the whole peak)")
        width = max(len(r["component"]) for r in rows)
        for r in rows:
            lines.append(
                f"  {r['component']:<{width}}  {rate(r['load']):>12}  capacity {rate(r['capacity'])} "
                f"({r['capacity_from']}), headroom {r['headroom'] * 100:.0f}%"
            )
        first = rows[0]
        if first["headroom"] >= 0:
            lines.append(
                f"  breaks first: {first['component']}, at {first['saturates_at_peak_times']:.3g}x the peak "
                f"(the system at {rate(first['saturates_at_rate'])})"
            )
        else:
            lines.append(f"  breaks first: {first['component']}, already OVER capacity at the peak")
        lines.append("")
    if report.get("stores"):
        lines.append("store growth")
        for s in report["stores"]:
            lines.append(f"  {s['store']}: {growth_text(s)}")
        lines.append("")
    if report.get("bandwidth"):
        lines.append("bandwidth (flows with a payload)")
        for b in sorted(report["bandwidth"], key=lambda b: -b["bytes_per_second"])[:10]:
            lines.append(f"  {b['from']} -> {b['to']}: {size(b['bytes_per_second'])}/s")
        lines.append("")
    return lines


def _fmt_a(a: float | None) -> str:
    return "unknown" if a is None else pct(a)


TOGETHER = "all hard dependencies together"  # the product row: not a component, and not one request's path


def _availability_lines(av: dict[str, Any]) -> list[str]:
    lines = ["  availability budget (hard synchronous dependencies, each counted once)"]
    width = max(len(d["component"]) for d in av["dependencies"])
    for d in av["dependencies"]:
        how = {"declared": d["detail"], "instances": d["detail"], "unknown": "not declared: not counted"}[d["from"]]
        lines.append(f"    {d['component']:<{width}}  {_fmt_a(d['availability']):>11}  {how}")
    partial = bool(av["unknown"])  # components with no figure: the product is an upper bound
    known = [d for d in av["dependencies"] if d["availability"] is not None]
    flows = av["judged_per_flow"]
    objective = f"the objective of {pct(av['objective'])}" if av["objective"] is not None else ""
    if not known:
        lines.append(f"  {TOGETHER}: unknown (no component on the path declares a figure)")
    else:
        bound = f", an upper bound ({len(av['unknown'])} declare no figure)" if partial else ""
        if flows:
            verdict = "; not judged: no one request needs them all, each flow is judged below"
        elif av["meets_objective"] is not None:
            verdict = f": {'meets' if av['meets_objective'] else 'BELOW'} {objective}"
        else:
            verdict = ""
        lines.append(f"  {TOGETHER}: {pct(av['composite'])}{bound}{verdict}")
    budget = av["error_budget_minutes_per_30_days"]
    budget_text = f"error budget {minutes(budget)} per 30 days" if budget is not None else ""
    if flows and av["objective"] is not None:
        lines.append(f"  judged per flow, against {objective} ({av['objective_from']}); {budget_text}")
        fw = max(len(f["flow"]) for f in flows)
        for f in flows:
            if f["meets_objective"] is None:
                lines.append(
                    f"    flow {f['flow']:<{fw}}  {'unknown':>11}  not judged (nothing it needs states a figure)"
                )
                continue
            state = "meets" if f["meets_objective"] else "BELOW"
            least = "at least " if f["unknown"] else ""
            down = f"allows {least}{minutes(minutes_per_30_days(f['availability']))} down per 30 days"
            bound = f"; an upper bound: no figure for {', '.join(f['unknown'][:4])}" if f["unknown"] else ""
            lines.append(f"    flow {f['flow']:<{fw}}  {pct(f['availability']):>11}  {state} ({down}{bound})")
        return lines
    if flows:
        return lines
    if known:
        least = "at least " if partial else ""
        down = minutes(av["downtime_minutes_per_30_days"])
        downtime = f"  downtime the dependencies allow: {least}{down} per 30 days"
    else:
        downtime = "  downtime the dependencies allow: unknown"
    lines.append(downtime + (f"; error budget {minutes(budget)}" if budget is not None else ""))
    return lines


def _chain(lat: dict[str, Any]) -> str:
    seq = lat.get("in_sequence") or {}
    return " -> ".join(f"{h} ({', then '.join(seq[h])})" if h in seq else h for h in lat["chain"])


def _latency_lines(lat: dict[str, Any]) -> list[str]:
    objective = lat["objective_p99"]
    flows = lat["judged_per_flow"]
    chain_known = [c for c in lat["chain"] if c not in lat["unknown"]]
    if not chain_known:
        p99 = "p99 unknown"
    elif lat["unknown"] or lat.get("assumed_parallel"):
        p99 = f"p99 at least {duration(lat['p99'])}"
    else:
        p99 = f"p99 {duration(lat['p99'])}"
    if flows:
        line = f"  slowest chain over every call: {_chain(lat)}: {p99}"
        lines = [line + ("; not judged: each flow is judged below" if objective is not None else "")]
        if objective is not None:
            lines.append(f"  judged per flow, against a p99 of {duration(objective)} ({lat['objective_from']})")
            fw = max(len(f["flow"]) for f in flows)
            for f in flows:
                if f["p99"] is None:
                    lines.append(f"    flow {f['flow']:<{fw}}  p99 unknown (no latency declared on its path)")
                else:
                    state = "meets" if f["meets_objective"] else "ABOVE"
                    least = " (at least)" if f.get("p99_lower_bound") else ""
                    lines.append(f"    flow {f['flow']:<{fw}}  {duration(f['p99']):>8}  {state}{least}")
        return lines
    line = f"  latency chain: {_chain(lat)}: {p99}"
    if objective is not None and lat["meets_objective"] is not None:
        line += f" against {duration(objective)} ({'meets' if lat['meets_objective'] else 'ABOVE'})"
    return [line]


def human(report: dict[str, Any]) -> str:
    lines = [f"system {report['system']}", ""]
    if not report["entrypoints"]:
        lines.append("no entrypoints: mark a component `exposure public`, or add a `client` that calls it")
    for ep in report["entrypoints"]:
        lat = ep["latency"]
        lines.append(f"entrypoint {ep['entrypoint']}")
        lines += _availability_lines(ep["availability"])
        lines += _latency_lines(lat)
        at_least = "at least " if lat.get("assumed_parallel") else ""
        if lat["wait_unbounded_by"]:
            a, b = lat["wait_unbounded_by"].split(" -> ")
            lines.append(
                f"  worst-case wait before timeouts fire: unbounded: `{a}` calls `{b}` with no timeout, so a callee "
                "that hangs holds the request"
            )
        else:
            lines.append(f"  worst-case wait before timeouts fire: {at_least}{duration(lat['worst_case_wait'])}")
        if lat.get("assumed_parallel"):
            lines.append(
                f"  lower bounds: `{lat['assumed_parallel']}` makes several synchronous calls and states no "
                "`call_order`, so they are taken as parallel"
            )
        if lat["unknown"]:
            lines.append(f"  no latency declared for: {', '.join(lat['unknown'])}")
        lines.append(f"  retry amplification: {ep['retry_amplification']:.3g}x")
        lines.append("")
    lines += _load_lines(report)
    return "\n".join(lines)
