"""TMO001: a synchronous call has no timeout.

**What it checks.** Every synchronous edge (`calls`, `reads`, `writes`, and any edge with `mode sync`) from a
service that does not state a `timeout`. A connection held open for a session (`connection persistent`, or
`protocol websocket` or `sse`) is not a request, and has no request timeout to state.

**Why it matters.** Without a timeout, a caller waits as long as the callee hangs, holding a thread, a
connection and its own caller's request; one slow dependency then exhausts every caller's resources (AWS
REL05-BP05, "set client timeouts"; Brooker, "Timeouts, retries, and backoff with jitter").

**Example.**

    service api { calls pay }

A call that leaves its timeout unstated is a gap (under the default profile it is listed in the component's
`GAP001` note); one that states `retries N` but no timeout is not: its author thought about failure and chose
to retry, and every attempt may wait as long as the callee hangs. That one is a warning at its own line in every
profile.

**Fix.** State it: `calls pay { timeout 300ms }`, chosen from the callee's p99.9 and the caller's budget.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ..graph import Graph, duration, persistent, us
from ..rule import Finding, Rule, rule


@rule
class MissingTimeout(Rule):
    code = "TMO001"
    name = "sync-call-without-timeout"
    severity = Severity.WARNING
    summary = "a synchronous call has no timeout"
    gap_phrase = "no timeout on calls to {items}"
    practices = ("REL05-BP05", "RE:07", "REL03-BP03")

    def check(self, g: Graph) -> Iterator[Finding]:
        for name, edges in g.edges_marked("untimed"):  # the synchronous edges with no timeout
            if g.comps[name].kind == "client":
                continue  # a client's own timeout is outside the design
            for e in edges:
                if persistent(e):
                    continue
                if e.retries:  # retried with no timeout: a wait chosen, not a fact left out
                    times = "once" if e.retries == 1 else f"{e.retries} times"
                    yield Finding(
                        message=f"`{name}` {e.kind} `{e.target}` synchronously with no timeout and retries it "
                        f"{times}: each attempt waits as long as `{e.target}` hangs, so the wait has no bound",
                        at=e.span,
                        path=g.edge_path(e),
                        label=f"retries {e.retries}, no timeout",
                        hints=[self._hint(g, e)],
                    )
                    continue
                yield Finding(
                    message=f"`{name}` {e.kind} `{e.target}` synchronously with no timeout",
                    at=e.span,
                    path=g.edge_path(e),
                    label="no timeout",
                    gap=f"`{e.target}`",
                    hints=[self._hint(g, e)],
                )

    @staticmethod
    def _hint(g: Graph, e: object) -> str:
        """A timeout above the callee's p99 and within what the caller's objective leaves (`Graph.timeout_room`),
        the two bounds TMO003 and LAT002 judge it by, as far as the design states them."""
        callee = g.chains[e.target]  # type: ignore[attr-defined]
        low = callee.latency if callee.latency > 0 else None
        room = g.timeout_room(e)  # type: ignore[arg-type]
        state = f"state one: `{e.kind} {e.target} {{ timeout ... }}`"  # type: ignore[attr-defined]
        if low is not None and room is not None and us(low) <= us(room[0]):
            return f"{state}, above its p99 of {duration(low)} and at most {duration(room[0])} per attempt ({room[2]})"
        if low is not None:
            return f"{state}, above its p99 of {duration(low)} (from its p99.9)"
        if room is not None:
            return f"{state}, from the callee's p99.9, at most {duration(room[0])} per attempt ({room[2]})"
        return f"state one: `{e.kind} {e.target} {{ timeout 200ms }}`, from the callee's p99.9"  # type: ignore[attr-defined]
