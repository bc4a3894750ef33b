"""AVL002: a hard dependency is not an extra nine more available than its dependent.

**What it checks.** For each component held to an availability objective (its SLO, or the system's requirement
for an entrypoint), every direct hard synchronous dependency whose own figure leaves more than a tenth of the
dependent's error budget: 1 - A(dependency) > (1 - A(objective)) / 10.

**Why it matters.** "The rule of the extra 9": a critical dependency must offer one more nine than the service
that relies on it, because the dependent's whole error budget is shared among all its dependencies and its
own failures (Treynor et al., "The Calculus of Service Availability", ACM Queue 2017). A 99.99% service with a
99.99% database has spent its entire budget on the database.

**Example.**

    service api { calls db; slo { availability 99.99% } }
    store db { availability 99.99% source "Aurora SLA" }

**One finding per dependent.** The dependencies of one component that lack the extra nine are one finding, at
the component, each named in a note at its edge, with the share of the error budget they use together (five
databases at 99.99% under a 99.95% objective use all of it). When every one of them is a managed service or an
external at its provider's stated SLA (`managed`, or an `external`, with a declared `availability`), the finding
is a note: the team cannot raise a provider's SLA, AVL001 judges whether the objective still holds, and the note
says what they cost.

**Fix.** Use a dependency with an extra nine (multi-region, or a managed tier with a stronger SLA), soften the
dependency with a fallback or a cache, or lower the objective.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ...model import Component, Edge
from ..graph import Graph, listed, pct
from ..rule import Finding, Rule, rule


@rule
class ExtraNine(Rule):
    code = "AVL002"
    name = "dependency-without-extra-nine"
    severity = Severity.WARNING
    summary = "a hard dependency is not ten times more available than its dependent"
    practices = ("REL11-BP07", "RE:04")

    def check(self, g: Graph) -> Iterator[Finding]:
        for name in g.comps:
            goal = g.availability_objective(name)
            if goal is None:
                continue
            target, whose = goal
            need = 1 - (1 - target) / 10
            values = g.availability_value
            short: list[tuple[Edge, float]] = []
            seen: set[str] = set()
            for e, callee in zip(g.hard_out[name], g.hard_targets[name], strict=True):
                a = values[callee]
                if a is None or a >= need or callee in seen:
                    continue
                seen.add(callee)
                short.append((e, a))
            if short:
                yield self._finding(g, name, target, whose, need, short)

    @staticmethod
    def _finding(
        g: Graph, name: str, target: float, whose: str, need: float, short: list[tuple[Edge, float]]
    ) -> Finding:
        provider = [e.target for e, _ in short if _at_providers_sla(g.comps[e.target])]
        budget = 1 - target
        used = sum(1 - a for _, a in short) / budget * 100 if budget > 0 else None

        def share(a: float) -> str:
            return f"{min(100, (1 - a) / budget * 100):.0f}%" if budget > 0 else "all"

        if budget > 0:
            hints = [
                f"{'together they use' if len(short) > 1 else 'it uses'} {min(100.0, used or 0):.0f}% of `{name}`'s "
                f"error budget ({whose}: {pct(target)})"
            ]
        else:
            hints = [f"an objective of 100% leaves no error budget at all ({whose})"]
        if provider:
            at_sla = "is at its" if len(provider) == 1 else "are at their"
            hints.append(
                f"{listed(provider)} {at_sla} provider's SLA, which the team cannot raise: soften the dependency "
                "where the request can do without it (`fallback`, `criticality soft`, an asynchronous step), or "
                "accept what it costs"
            )
        if len(provider) < len(short):
            hints.append(
                "use a more available dependency, or soften it: `fallback cache`, `criticality soft`, "
                "or make the edge asynchronous"
            )
        if len(short) == 1:
            e, a = short[0]
            message = (
                f"`{e.target}` ({pct(a)}) is a hard dependency of `{name}`, whose objective is {pct(target)}: it "
                f"should be at least {pct(need)}"
            )
            at, notes = e.span, []
        else:
            figures: dict[float, list[str]] = {}
            for e, a in short:
                figures.setdefault(a, []).append(e.target)
            each = "; ".join(f"{listed(ns)} at {pct(a)}" for a, ns in sorted(figures.items()))
            message = (
                f"{len(short)} hard dependencies of `{name}`, whose objective is {pct(target)}, lack the extra nine "
                f"(each should be at least {pct(need)}): {each}"
            )
            at = g.comps[name].span
            notes = [(e.span, f"`{e.target}` {pct(a)}: {share(a)} of the error budget") for e, a in short]
        return Finding(
            message=message,
            at=at,
            path=g.comp_path(name),
            label=f"{pct(min(a for _, a in short))} < {pct(need)}",
            hints=hints,
            notes=notes,
            severity=Severity.INFO if len(provider) == len(short) else None,
        )


def _at_providers_sla(c: Component) -> bool:
    """A component whose availability is its provider's stated SLA: a managed service or an external with a
    declared figure (a team cannot make it more available, only depend on it less)."""
    return c.availability is not None and (c.kind == "external" or c.managed is not None)
