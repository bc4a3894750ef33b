"""LAT001: the synchronous chain below a component is slower than its latency objective.

**What it checks.** For each component with a p99 latency objective (its SLO, and for entrypoints the
system's `requirements { latency p99 ... }`), the sum of the declared p99 latencies along the worst
synchronous chain below it, each hop capped by the caller's timeout x attempts, found by dynamic programming
over the graph (never by enumerating paths). Above the objective, the objective is missed on a normal day.
A service that states `call_order sequential` makes its calls one after another, so their chains add up (a
gateway that authenticates in 150 ms and then routes to a 700 ms service takes 850 ms); otherwise its calls are
taken to run in parallel (the slowest counts), and where a component makes several calls without stating the
order the figure is a lower bound, which the finding and the report say. LAT002 checks the same chain against
the timeouts.

**Per flow.** When the design states flows, an entrypoint they enter at is judged per flow instead: the sum of the
p99 latencies of the components the flow's caller waits for (its route's synchronous steps, one after another as
the route states them; work behind a publish is not waited for), against the entrypoint's objective. A flow
above it is a finding that names the flow and its slowest step.

**Why it matters.** Latencies along a synchronous chain add up, and a caller that waits longer than its own
budget turns a slow dependency into its own outage (AWS REL05-BP05; Brooker, "Timeouts, retries, and backoff
with jitter", Amazon Builders' Library).

**Example.**

    service gateway {
      call_order sequential
      calls auth { timeout 200ms }
      calls orders { timeout 800ms }
      slo { latency p99 800ms }
    }
    service auth { latency p99 150ms }
    service orders { latency p99 700ms }

**Fix.** Shrink timeouts down the chain so they fit the caller's budget, call in parallel or asynchronously,
cache, or state the objective the chain can meet. Components without a declared `latency` count as zero;
declare their p99 to make the sum honest.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ..graph import Graph, duration, p99, us
from ..rule import Finding, Rule, rule


@rule
class LatencyChain(Rule):
    code = "LAT001"
    name = "latency-chain-exceeds-objective"
    severity = Severity.ERROR
    summary = "the synchronous chain is slower than the latency objective"
    practices = ("REL05-BP05", "RE:04")

    def check(self, g: Graph) -> Iterator[Finding]:
        yield from self._flows(g)
        for name in g.comps:
            if name in g.flow_entrypoints:
                continue  # judged per flow
            goal = g.latency_objective(name)
            if goal is None:
                continue
            target, whose = goal
            chain = g.chains[name]
            if us(chain.latency) > us(target):
                hops = g.chain_path(name)
                path = g.chain_text(hops)
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
                        *([note] if (note := g.parallel_note(name)) else []),
                    ],
                )

    def _flows(self, g: Graph) -> Iterator[Finding]:
        flows = {f.name: f for f in g.system.flows} if g.system is not None else {}
        for b in g.flow_budgets:
            entry = b.entrypoint
            goal = g.latency_objective(entry) if entry is not None else None
            if goal is None or b.p99 is None or us(b.p99) <= us(goal[0]):
                continue
            target, whose = goal
            own = [(n, v) for n in b.waits if (v := p99(g.comps[n].latency)) is not None]
            slowest = max(own, key=lambda x: x[1])
            hints = [
                f"the p99s of {' + '.join(f'{n} {duration(v)}' for n, v in own)} add up to {duration(b.p99)}",
                f"the slowest step is `{slowest[0]}` ({duration(slowest[1])}): make it faster, take it off the "
                "request (asynchronous, cached), or relax the objective",
            ]
            if b.unknown_latency:
                hints.append(
                    f"{len(b.unknown_latency)} component(s) on it declare no latency and count as 0ms: "
                    + ", ".join(f"`{u}`" for u in b.unknown_latency[:6])
                )
            yield Finding(
                message=f"flow `{b.name}` through `{entry}` takes {duration(b.p99)} at p99, above {whose} of "
                f"{duration(target)}: its slowest step is `{slowest[0]}` ({duration(slowest[1])})",
                at=flows[b.name].span,
                path=f"flow:{b.name}",
                label=f"{duration(b.p99)} > {duration(target)}",
                hints=hints,
            )
