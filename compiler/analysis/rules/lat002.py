"""LAT002: a component may wait on its dependencies longer than its latency objective.

**What it checks.** For each component with a p99 latency objective (its SLO, and for entrypoints the
system's requirement), its own p99 plus the largest timeout x attempts among its synchronous calls (an edge
without a timeout waits for the callee's whole chain).

**Why it matters.** The timeouts decide how long requests wait when a dependency is slow rather than down. A
caller whose timeouts exceed its own budget misses its objective on every slow day before any timeout fires,
and holds resources all that time (AWS REL05-BP05; Brooker, "Timeouts, retries, and backoff with jitter").

**Example.**

    service api { calls pay { timeout 2s; retries 2 }; slo { latency p99 300ms } }

**Fix.** Lower the timeouts or retries of its synchronous calls so that timeout x attempts fits the
objective, or make the slow call asynchronous.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ..graph import Graph, duration, us
from ..rule import Finding, Rule, rule


@rule
class TimeoutChain(Rule):
    code = "LAT002"
    name = "timeouts-exceed-latency-objective"
    severity = Severity.WARNING
    summary = "timeouts let a component wait longer than its latency objective"
    practices = ("REL05-BP05",)

    def check(self, g: Graph) -> Iterator[Finding]:
        for name in g.comps:
            goal = g.latency_objective(name)
            if goal is None:
                continue
            target, whose = goal
            chain = g.chains[name]
            # reported whether or not the p99 chain already misses the objective (LAT001): a slow chain must not
            # hide the timeouts, which are a separate fix; only when the wait is the chain itself is it one finding
            if us(target) < us(chain.timeouts) and us(chain.timeouts) > us(chain.latency):
                yield Finding(
                    message=f"`{name}` may wait {duration(chain.timeouts)} on its dependencies before a timeout fires, "
                    f"above {whose} of {duration(target)}",
                    at=g.comps[name].span,
                    path=g.comp_path(name),
                    label=f"waits up to {duration(chain.timeouts)}",
                    hints=[
                        "lower the timeouts (or retries) of its synchronous calls so that timeout x attempts fits "
                        f"within {duration(target)}",
                    ],
                )
