"""AVL001: the hard dependencies allow less availability than the objective.

**What it checks.** For each entrypoint and each component with an availability SLO, the availability its own
figure and its hard synchronous dependencies allow: the product of the figures of the component and of every
component it depends on, transitively, each counted once (a database two paths reach is one dependency, not
two). A dependency is hard when it is synchronous and not softened (`criticality soft`, or a `fallback`).
Figures come from `availability` (an SLA, as the standard library states for managed services) or from
`instance_availability` combined over the zones the replicas span as 1 - (1 - a)^k. The result is compared
with the component's SLO, and for entrypoints with the system's `requirements { availability }`.

**Per flow.** When the design states flows, an entrypoint they enter at is judged per flow instead: the product
over what the flow cannot do without, against the entrypoint's objective. That is its route's hard steps, and
every hard call the components on them make on every request (no `share`, not `criticality soft`, no
`fallback`, not `on connect`) that no flow's route takes, with what those callees need in turn: a request
through `api` makes `api`'s calls whether or not the route lists them. A call a route takes (the step `a -> b`)
belongs to that route's flow, so the read path is not charged for the write path's database; a database
another route reaches from elsewhere is still charged to this flow when its own components call it. A flow
below the objective is a finding that names the flow and its weakest step.

**Why it matters.** "A service is only as available as its critical dependencies": serial dependencies
multiply (Treynor, Dahlin, Rau and Beyer, "The Calculus of Service Availability", ACM Queue 15(2), 2017). A
target the chain cannot reach will be missed however well each team runs its own part (AWS REL11-BP07, Azure
RE:04).

**Example.**

    service api { exposure public; calls db; slo { availability 99.99% } }
    store db { availability 99.95% source "RDS Multi-AZ SLA" }

**Fix.** Make the dependency softer (cache it with a fallback, make the call asynchronous), more available
(multi-AZ, multi-region, a managed service with a stronger SLA), or state the objective the design can meet.
Components whose figure is unknown are counted as always up, and the finding lists them: declare their
`availability` or `instance_availability` to make the sum honest.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ..graph import Graph, at_least, minutes_per_30_days, pct
from ..rule import Finding, Rule, rule


def _terms(g: Graph, bits: int) -> tuple[str, list[tuple[str, float]]]:
    """The factors of the product in words, and the weakest few dependencies, without listing thousands:
    "ledger 99.99% x 40 x 99.95%"."""
    classes, _ = g._availability_classes
    parts = []
    weakest: list[tuple[str, float]] = []
    for a, mask in sorted(classes.items()):
        members = bits & mask
        n = members.bit_count()
        if not n:
            continue
        names = g.members(members, limit=3)
        weakest += [(x, a) for x in names]
        parts.append(
            f"{names[0]} {pct(a)}" if n == 1 else f"{n} x {pct(a)} ({', '.join(names)}{', ...' if n > 3 else ''})"
        )
    return " x ".join(parts[:8]) + (" x ..." if len(parts) > 8 else "") or "none", weakest


@rule
class CompositeAvailability(Rule):
    code = "AVL001"
    name = "composite-availability-below-objective"
    severity = Severity.ERROR
    summary = "hard dependencies allow less availability than the objective"
    practices = ("REL11-BP07", "RE:04", "REL04-BP01")
    subsumes = ("AVL002",)

    def check(self, g: Graph) -> Iterator[Finding]:
        yield from self._flows(g)
        for name in g.comps:
            if name in g.flow_entrypoints:
                continue  # judged per flow
            goal = g.availability_objective(name)
            if goal is None:
                continue
            target, whose = goal
            allowed, unknown_bits = g.composite(name)
            if at_least(allowed, target):
                continue
            known_bits = (g.closure[name] | g.bit[name]) & ~unknown_bits
            terms, known = _terms(g, known_bits)
            downtime = f"{minutes_per_30_days(allowed):.1f} vs {minutes_per_30_days(target):.1f} minutes per 30 days"
            hints = [f"the product of {terms} is {pct(allowed)}; {whose} is {pct(target)} ({downtime})"]
            weakest = known[0][0] if known else None
            if weakest:
                hints.append(
                    f"the weakest link is `{weakest}`: make it more available, or soften the dependency "
                    "(a fallback, a cache, an asynchronous call)"
                )
            if unknown_bits:
                shown = g.members(unknown_bits, limit=6)
                more = unknown_bits.bit_count() - len(shown)
                hints.append(
                    "counted as always up because no figure is declared: "
                    + ", ".join(f"`{u}`" for u in shown)
                    + (f" and {more} more" if more else "")
                    + " (declare `availability` or `instance_availability`)"
                )
            yield Finding(
                message=f"`{name}` can be at most {pct(allowed)} available, below {whose} of {pct(target)}",
                at=g.comps[name].span,
                path=g.comp_path(name),
                label=f"at most {pct(allowed)}",
                hints=hints,
                notes=[(g.comps[d].span, f"`{d}` {pct(a)}") for d, a in known[:3] if d != name],
            )

    def _flows(self, g: Graph) -> Iterator[Finding]:
        flows = {f.name: f for f in g.system.flows} if g.system is not None else {}
        for b in g.flow_budgets:
            entry = b.entrypoint
            goal = g.availability_objective(entry) if entry is not None else None
            if goal is None or b.meets(goal[0]):
                continue
            target, whose = goal
            known = sorted(
                ((n, a) for n in b.needs if (a := g.own_availability(n).value) is not None), key=lambda x: x[1]
            )
            weakest = known[0] if known else None
            flow = flows[b.name]
            downtime = (
                f"{minutes_per_30_days(b.availability):.1f} vs {minutes_per_30_days(target):.1f} minutes per 30 days"
            )
            terms = " x ".join(f"{n} {pct(a)}" for n, a in known[:8]) + (" x ..." if len(known) > 8 else "")
            hints = [f"the product of {terms} is {pct(b.availability)}; {whose} is {pct(target)} ({downtime})"]
            if weakest is not None:
                hints.append(
                    f"the weakest step is `{weakest[0]}` ({pct(weakest[1])}): make it more available, or soften the "
                    "flow's dependency on it (a fallback, a cache, an asynchronous step)"
                )
            if b.unknown_availability:
                hints.append(
                    "counted as always up because no figure is declared: "
                    + ", ".join(f"`{u}`" for u in b.unknown_availability[:6])
                    + (f" and {len(b.unknown_availability) - 6} more" if len(b.unknown_availability) > 6 else "")
                )
            step = f": its weakest step is `{weakest[0]}` ({pct(weakest[1])})" if weakest is not None else ""
            yield Finding(
                message=f"flow `{b.name}` through `{entry}` can be at most {pct(b.availability)} available, below "
                f"{whose} of {pct(target)}{step}",
                at=flow.span,
                path=f"flow:{b.name}",
                label=f"at most {pct(b.availability)}",
                hints=hints,
                notes=[(g.comps[n].span, f"`{n}` {pct(a)}") for n, a in known[:3]],
            )
