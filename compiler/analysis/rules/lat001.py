"""LAT001: the synchronous chain below a component is slower than its latency objective.

**What it checks.** For each component with a p99 latency objective (its SLO, and for entrypoints the
system's `requirements { latency p99 ... }`), the sum of the declared p99 latencies along the worst
synchronous chain below it, each hop capped by the caller's timeout x attempts, found by dynamic programming
over the graph (never by enumerating paths). Above the objective, the objective is missed on a normal day.
A component's calls are taken to run in parallel (the worst one counts), so for calls made one after another
the figure is a lower bound. LAT002 checks the same chain against the timeouts.

**Why it matters.** Latencies along a synchronous chain add up, and a caller that waits longer than its own
budget turns a slow dependency into its own outage (AWS REL05-BP05; Brooker, "Timeouts, retries, and backoff
with jitter", Amazon Builders' Library).

**Example.**

    service api { calls pay { timeout 2s; retries 2 }; slo { latency p99 300ms } }

**Fix.** Shrink timeouts down the chain so they fit the caller's budget, call in parallel or asynchronously,
cache, or state the objective the chain can meet. Components without a declared `latency` count as zero;
declare their p99 to make the sum honest.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ..graph import Graph, duration, us
from ..rule import Finding, Rule, rule


@rule
class LatencyChain(Rule):
    code = "LAT001"
    name = "latency-chain-exceeds-objective"
    severity = Severity.ERROR
    summary = "the synchronous chain is slower than the latency objective"
    practices = ("REL05-BP05", "RE:04")

    def check(self, g: Graph) -> Iterator[Finding]:
        for name in g.comps:
            goal = g.latency_objective(name)
            if goal is None:
                continue
            target, whose = goal
            chain = g.chains[name]
            hops = g.chain_path(name) if us(chain.latency) > us(target) else []
            path = " -> ".join(hops if len(hops) <= 6 else [*hops[:3], "...", *hops[-2:]])
            if us(chain.latency) > us(target):
                yield Finding(
                    message=f"the p99 latency along `{path}` is {duration(chain.latency)}, "
                    f"above {whose} of {duration(target)}",
                    at=g.comps[name].span,
                    path=g.comp_path(name),
                    label=f"{duration(chain.latency)} > {duration(target)}",
                    hints=[
                        "cut the chain: call in parallel or asynchronously, cache, or relax the objective",
                        *(
                            [f"{len(unknown)} component(s) on it declare no latency and count as 0ms"]
                            if (unknown := [h for h in hops if g.chains[h].own_unknown])
                            else []
                        ),
                    ],
                )
