"""TMO002: a caller gives up before its callee does.

**What it checks.** A synchronous call whose timeout is shorter than the callee's own worst case: the largest
timeout x attempts among the callee's synchronous calls.

**Why it matters.** Timeouts must shrink down the chain. When the caller times out first, the callee goes on
working (and retrying) for a request nobody waits for any more, while the caller retries and adds a second
copy of that work: wasted capacity exactly when the system is under stress (AWS REL05-BP05: caller timeout >=
callee timeout x attempts).

**Example.**

    service api { calls pay { timeout 500ms } }
    service pay { calls bank { timeout 2s; retries 1 } }

**Fix.** Give the caller a longer timeout than the callee's worst case, or shorten the callee's timeouts and
retries.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ..graph import Graph, attempts, duration, us
from ..rule import Finding, Rule, rule


@rule
class TimeoutInversion(Rule):
    code = "TMO002"
    name = "caller-timeout-shorter-than-callee"
    severity = Severity.WARNING
    summary = "a caller's timeout is shorter than its callee's own worst case"
    practices = ("REL05-BP05",)

    def check(self, g: Graph) -> Iterator[Finding]:
        worst: dict[str, tuple[float, object]] = {}
        worst_us: dict[str, int] = {}
        calls = []  # (caller, edge, timeout, callee): the timed edges, read from the model once
        for name, edges in g.sync_out.items():
            timed = [(timeout * attempts(e), e) for e in edges if (timeout := e.timeout) is not None]
            if timed:
                worst[name] = max(timed, key=lambda x: x[0])
                worst_us[name] = us(worst[name][0])
                calls += [(name, e, e.timeout, e.target) for _, e in timed]
        for name, e, timeout, callee in calls:
            if callee in worst and us(timeout) < worst_us[callee]:
                callee_worst, inner = worst[callee]
                yield Finding(
                    message=f"`{name}` waits {duration(e.timeout)} for `{e.target}`, which may itself wait "
                    f"{duration(callee_worst)} on `{inner.target}`",  # type: ignore[attr-defined]
                    at=e.span,
                    path=g.edge_path(e),
                    label=f"{duration(e.timeout)} < {duration(callee_worst)}",
                    hints=[
                        f"raise this timeout above {duration(callee_worst)}, or cut `{e.target}`'s "
                        f"timeout x attempts below {duration(e.timeout)}"
                    ],
                    notes=[(inner.span, f"`{e.target}` waits up to {duration(callee_worst)} here")],  # type: ignore[attr-defined]
                )
