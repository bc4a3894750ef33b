"""LAT002: a component may wait on its dependencies longer than its latency objective.

**What it checks.** For each component with a p99 latency objective (its SLO, and for entrypoints the
system's requirement), its own p99 plus the largest timeout x attempts among its synchronous calls, with the
backoff stated between attempts (their sum when it states `call_order sequential`; an edge without a timeout
waits for the callee's whole chain).

**Why it matters.** The timeouts decide how long requests wait when a dependency is slow rather than down. A
caller whose timeouts exceed its own budget misses its objective on every slow day before any timeout fires,
and holds resources all that time (AWS REL05-BP05; Brooker, "Timeouts, retries, and backoff with jitter").

**Example.**

    service api { calls pay { timeout 2s; retries 2 }; slo { latency p99 300ms } }

**Fix.** Lower the timeouts or retries of its synchronous calls so that timeout x attempts fits the
objective, or make the slow call asynchronous. The hint names, per call that does not fit, the timeout that
would, and never one below the callee's p99 (TMO003) or its own waits (TMO002): where no timeout fits, it says
the callee must change instead.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ..graph import Graph, duration, p99, us, wait_phrase
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
                    hints=self._hints(g, name, target),
                )

    @staticmethod
    def _hints(g: Graph, name: str, target: float) -> list[str]:
        """Per synchronous call that waits beyond what fits: the timeout per attempt that would fit, unless that is
        below the callee's p99 or its own worst wait (then the callee must change)."""
        out = []
        for e in g.sync_out[name]:
            room = g.timeout_room(e)
            if room is None or e.target == name:
                continue
            fits = room[0]
            if e.timeout is not None and us(e.timeout) <= us(fits):
                continue
            callee = g.chains[e.target]
            own = p99(g.comps[e.target].latency) or 0.0
            floor = max(callee.latency, callee.timeouts - own)  # its p99 (TMO003), its own waits (TMO002)
            wait = wait_phrase(e) if e.timeout is not None else "no timeout"
            if e.timeout is None or us(floor) <= us(fits):
                out.append(f"`{e.kind} {e.target}` ({wait}): at most {duration(fits)} per attempt fits")
            else:
                out.append(
                    f"`{e.kind} {e.target}` ({wait}): at most {duration(fits)} per attempt fits, but `{e.target}` "
                    f"may take {duration(floor)}: make it faster, retry less, or take the call off the request"
                )
        return out or [f"lower the timeouts (or retries) of its synchronous calls to fit within {duration(target)}"]
