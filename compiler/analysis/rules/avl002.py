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

**Fix.** Use a dependency with an extra nine (multi-region, or a managed tier with a stronger SLA), soften the
dependency with a fallback or a cache, or lower the objective.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ..graph import Graph, pct
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
            for e, callee in zip(g.hard_out[name], g.hard_targets[name], strict=True):
                a = values[callee]
                if a is None or a >= need:
                    continue
                yield Finding(
                    message=f"`{e.target}` ({pct(a)}) is a hard dependency of `{name}`, whose objective is "
                    f"{pct(target)}: it should be at least {pct(need)}",
                    at=e.span,
                    path=g.edge_path(e),
                    label=f"{pct(a)} < {pct(need)}",
                    hints=[
                        (
                            f"one dependency at {pct(a)} uses {min(100, (1 - a) / (1 - target) * 100):.0f}% of "
                            f"`{name}`'s error budget ({whose})"
                        )
                        if target < 1
                        else f"an objective of 100% leaves no error budget at all ({whose})",
                        "use a more available dependency, or soften it: `fallback cache`, `criticality soft`, "
                        "or make the edge asynchronous",
                    ],
                )
