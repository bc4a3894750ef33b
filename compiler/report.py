"""`designc report`: each entrypoint's availability budget, error budget, latency chain and retry amplification.

Reads only the model, through the analysis graph: the same arithmetic the rules use, laid out for a reviewer.
"""

from __future__ import annotations

from typing import Any

from .analysis.graph import Graph, duration, minutes_per_30_days, pct


def entrypoint_report(g: Graph, name: str) -> dict[str, Any]:
    allowed, unknown_bits = g.composite(name)
    unknown = g.members(unknown_bits)
    deps = []
    for d in [name, *g.members(g.closure[name])]:
        a = g.own_availability(d)
        deps.append({"component": d, "availability": a.value, "from": a.how, "detail": a.detail})
    goal = g.availability_objective(name)
    target = goal[0] if goal is not None else None
    chain = g.chains[name]
    lat_goal = g.latency_objective(name)
    return {
        "entrypoint": name,
        "availability": {
            "dependencies": deps,
            "composite": allowed,
            "objective": target,
            "meets_objective": None if target is None else allowed >= target,
            "unknown": unknown,
            "downtime_minutes_per_30_days": minutes_per_30_days(allowed),
            "error_budget_minutes_per_30_days": None if target is None else minutes_per_30_days(target),
        },
        "latency": {
            "chain": g.chain_path(name),
            "p99": chain.latency,
            "worst_case_wait": chain.timeouts,
            "objective_p99": None if lat_goal is None else lat_goal[0],
            "meets_objective": None if lat_goal is None else chain.latency <= lat_goal[0],
            "unknown": g.chain_unknown(name),
        },
        "retry_amplification": chain.amplification,
    }


def build(model: Any) -> dict[str, Any]:
    g = Graph(model)
    return {
        "system": model.system.name if model.system else None,
        "entrypoints": [entrypoint_report(g, ep) for ep in g.entrypoints],
    }


def _fmt_a(a: float | None) -> str:
    return "unknown" if a is None else pct(a)


def human(report: dict[str, Any]) -> str:
    lines = [f"system {report['system']}", ""]
    if not report["entrypoints"]:
        lines.append("no entrypoints: mark a component `exposure public`, or add a `client` that calls it")
    for ep in report["entrypoints"]:
        av, lat = ep["availability"], ep["latency"]
        lines.append(f"entrypoint {ep['entrypoint']}")
        lines.append("  availability budget (hard synchronous dependencies, each counted once)")
        width = max(len(d["component"]) for d in av["dependencies"])
        for d in av["dependencies"]:
            how = {"declared": d["detail"], "instances": d["detail"], "unknown": "not declared: counted as 100%"}[
                d["from"]
            ]
            lines.append(f"    {d['component']:<{width}}  {_fmt_a(d['availability']):>11}  {how}")
        verdict = ""
        if av["objective"] is not None:
            verdict = "  meets" if av["meets_objective"] else "  BELOW"
            verdict += f" the objective of {pct(av['objective'])}"
        lines.append(f"    {'product':<{width}}  {pct(av['composite']):>11}{verdict}")
        budget = av["error_budget_minutes_per_30_days"]
        lines.append(
            f"  downtime the dependencies allow: {av['downtime_minutes_per_30_days']:.1f} min per 30 days"
            + (f"; error budget {budget:.1f} min" if budget is not None else "")
        )
        objective = lat["objective_p99"]
        lat_line = f"  latency chain: {' -> '.join(lat['chain'])}: p99 {duration(lat['p99'])}"
        if objective is not None:
            lat_line += f" against {duration(objective)} ({'meets' if lat['meets_objective'] else 'ABOVE'})"
        lines.append(lat_line)
        lines.append(f"  worst-case wait before timeouts fire: {duration(lat['worst_case_wait'])}")
        if lat["unknown"]:
            lines.append(f"  no latency declared for: {', '.join(lat['unknown'])} (counted as 0)")
        lines.append(f"  retry amplification: {ep['retry_amplification']}x")
        lines.append("")
    return "\n".join(lines)
