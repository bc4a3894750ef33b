"""TMO003: a call's timeout is below its callee's p99 latency.

**What it checks.** A synchronous call whose timeout (the caller's, per attempt) is shorter than the callee's
own p99 latency including its chain (the declared `latency p99` figures along its worst synchronous chain).

**Why it matters.** At the callee's p99, one request in a hundred takes longer than the caller waits: that
call does not meet a budget, it fails, and is retried (adding load to a callee that is already slow). A latency
budget that looks met only because the timeout cuts the slow calls short hides an error rate. Timeouts belong
above the callee's p99 (Brooker, "Timeouts, retries, and backoff with jitter", Amazon Builders' Library: pick
them from the latency distribution, at p99.9 or so, not below it).

**Example.**

    service api { calls search { timeout 100ms } }
    service search { latency p99 250ms }

**Fix.** Raise the timeout above the callee's p99 where the caller's own latency objective leaves room for it
(as LAT002 judges; the hint says how much); where it does not, make the callee faster, or take the call off the
request (asynchronous, or soft with a fallback).
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ..graph import Graph, duration, us
from ..rule import Finding, Rule, rule


@rule
class TimeoutBelowCalleeP99(Rule):
    code = "TMO003"
    name = "timeout-below-callee-p99"
    severity = Severity.WARNING
    summary = "a call's timeout is below its callee's p99 latency, so the call fails at p99"
    practices = ("REL05-BP05",)

    def check(self, g: Graph) -> Iterator[Finding]:
        chains = g.chains
        # each callee's p99 in whole microseconds, once per component rather than once per call into it; None when
        # nothing is declared below it: nothing to compare with
        p99_us = {n: None if c.own_unknown and c.latency == 0 else us(c.latency) for n, c in chains.items()}
        targets, timeouts = g.sync_targets, g.sync_timeouts
        for name, edges in g.sync_out.items():
            # each call judged by its timeout and its target's name, read in the graph's first pass: only a call
            # reported is reached
            for i, (target, timeout) in enumerate(zip(targets[name], timeouts[name], strict=True)):
                if timeout is None:
                    continue
                limit = p99_us[target]
                if limit is None:
                    continue
                if round(timeout * 1_000_000) < limit:  # `us(timeout)`, inline
                    e = edges[i]
                    callee = chains[e.target]
                    room = g.timeout_room(e)
                    if room is None or us(callee.latency) <= us(room[0]):
                        hint = f"raise the timeout above {duration(callee.latency)} (from the callee's p99.9)" + (
                            f"; up to {duration(room[0])} per attempt fits {room[2]}" if room else ""
                        )
                    else:  # raising it would break the caller's objective (LAT002): the callee must change
                        hint = (
                            f"`{e.target}`'s p99 of {duration(callee.latency)} does not fit {room[2]} of "
                            f"{duration(room[1])} (at most {duration(room[0])} per attempt): make `{e.target}` faster, "
                            "or take the call off the request (asynchronous, or soft with a fallback)"
                        )
                    yield Finding(
                        message=f"`{name}` gives `{e.target}` {duration(e.timeout)}, below its p99 of "
                        f"{duration(callee.latency)}: one call in a hundred times out and "
                        + ("is retried" if e.retries else "fails"),
                        at=e.span,
                        path=g.edge_path(e),
                        label=f"{duration(e.timeout)} < p99 {duration(callee.latency)}",
                        hints=[hint],
                    )
