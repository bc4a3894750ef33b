"""TMO002: a caller gives up before its callee does.

**What it checks.** A synchronous call whose timeout is shorter than the callee's own worst case: the largest
timeout x attempts among the callee's synchronous calls, with the stated backoff between attempts (their sum
when the callee states `call_order sequential`).

**Why it matters.** Timeouts must shrink down the chain. When the caller times out first, the callee goes on
working (and retrying) for a request nobody waits for any more, while the caller retries and adds a second
copy of that work: wasted capacity exactly when the system is under stress (AWS REL05-BP05: caller timeout >=
callee timeout x attempts).

**Example.**

    service api { calls pay { timeout 500ms } }
    service pay { calls bank { timeout 2s; retries 1 } }

**Fix.** Give the caller a longer timeout than the callee's worst case, or shorten the callee's timeouts and
retries. The hint proposes the first only where the caller's own latency objective leaves room for it (as
LAT002 judges), and otherwise the second, so that two findings never ask for opposite changes to one edge.
"""

from __future__ import annotations

from collections.abc import Iterator
from operator import itemgetter

from ...diagnostics import Severity
from ...model import Edge
from ..graph import Graph, duration, us, wait_phrase, worst_wait
from ..rule import Finding, Rule, rule


@rule
class TimeoutInversion(Rule):
    code = "TMO002"
    name = "caller-timeout-shorter-than-callee"
    severity = Severity.WARNING
    summary = "a caller's timeout is shorter than its callee's own worst case"
    practices = ("REL05-BP05",)

    def check(self, g: Graph) -> Iterator[Finding]:
        # each component's longest wait (`Graph.worst_waits`, worked out in the chains' pass), in whole microseconds
        worst = g.worst_waits
        worst_us = {name: us(w) for name, w in worst.items()}
        targets, timeouts = g.sync_targets, g.sync_timeouts
        in_us: dict[float, int] = {}  # `us` of each timeout (a few distinct values over 70,000 edges)
        for name, edges in g.sync_out.items():
            # each call judged by its timeout and its target's name: only a call reported is reached
            for k, (callee, timeout) in enumerate(zip(targets[name], timeouts[name], strict=True)):
                if timeout is None or (limit := worst_us.get(callee)) is None:
                    continue
                if (t_us := in_us.get(timeout)) is None:
                    t_us = in_us[timeout] = us(timeout)
                if t_us >= limit:
                    continue
                e = edges[k]
                callee_worst, inner = worst[callee], _waits_on(g, callee)
                on = ", then ".join(f"`{i.target}`" for i in inner)  # type: ignore[attr-defined]
                room = g.timeout_room(e)  # type: ignore[arg-type]
                if room is None or us(callee_worst) <= us(room[0]):
                    hint = (
                        f"raise this timeout to at least {duration(callee_worst)}"
                        + (f" (up to {duration(room[0])} per attempt fits {room[2]})" if room else "")
                        + f", or cut `{e.target}`'s waits below {duration(e.timeout)}"
                    )
                else:
                    hint = (
                        f"cut `{e.target}`'s waits ({', '.join(wait_phrase(i) for i in inner)}) below "  # type: ignore[arg-type]
                        f"{duration(e.timeout)}: raising this timeout to {duration(callee_worst)} would not fit "
                        f"{room[2]} of {duration(room[1])} (at most {duration(room[0])} per attempt)"
                    )
                yield Finding(
                    message=f"`{name}` waits {duration(e.timeout)} for `{e.target}`, which may itself wait "
                    f"{duration(callee_worst)} on {on}",
                    at=e.span,
                    path=g.edge_path(e),
                    label=f"{duration(e.timeout)} < {duration(callee_worst)}",
                    hints=[hint],
                    notes=[
                        (i.span, f"`{e.target}` waits up to {wait_phrase(i)} here")  # type: ignore[attr-defined]
                        for i in inner
                    ],
                )


def _waits_on(g: Graph, name: str) -> list[Edge]:
    """The calls whose waits make up `Graph.worst_waits` of a component: every timed call when it calls in sequence,
    else the first with the longest wait."""
    timed = [
        ((t * (1 + (e.retries or 0)) if e.backoff_base is None else worst_wait(e)), e)
        for e in g.sync_out[name]
        if (t := e.timeout) is not None
    ]
    if g.chains[name].sequential:
        return [e for _, e in timed]
    return [max(timed, key=itemgetter(0))[1]]
