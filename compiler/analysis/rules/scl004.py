"""SCL004: the peak load exceeds a dependency's rate limit (a quota).

**What it checks.** An `external` with a total `rate_limit` (the provider's quota) on an entrypoint's hard
synchronous path, when the system's `peak_load` is above that limit. (A `rate_limit` the design puts on its own
edges is a bound it chose, which SCL001 takes into account, not a quota.)

**Why it matters.** Quotas and rate limits are capacity you do not control. At peak the provider throttles, and
every request beyond the quota fails or waits, whatever your own capacity (AWS REL01-BP01 "be aware of service
quotas and constraints", REL01-BP03).

**Example.**

    requirements { peak_load 5000 rps }
    external card_network { rate_limit 2000 rps }

**Fix.** Raise the quota (and state it), put a queue in front of the dependency so the peak is smoothed, or
make the call asynchronous or soft so the excess degrades instead of failing.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ..graph import Graph, rate, rate_limits_of
from ..rule import Finding, Rule, rule


@rule
class QuotaBelowPeak(Rule):
    code = "SCL004"
    name = "peak-above-rate-limit"
    severity = Severity.WARNING
    summary = "the peak load exceeds a dependency's rate limit"
    practices = ("REL01-BP01", "REL01-BP03")

    def check(self, g: Graph) -> Iterator[Finding]:
        req = g.requirements
        if req is None or not req.peak_load:
            return
        peak = req.peak_load
        needed = g.needed_by
        for name, bits in needed.items():
            c = g.comps[name]
            limits = [r for r in rate_limits_of(c) if r.per == "total"]
            if c.kind != "external" or not limits:
                continue
            limit = min(r.rate for r in limits)
            load, bounded = g.load_at(name, peak, own_limit=False)
            if limit < load:
                arriving = f"{rate(load)} ({bounded})" if bounded else f"the peak load of {rate(peak)}"
                yield Finding(
                    message=f"`{name}` accepts at most {rate(limit)}, below {arriving} that reaches it through "
                    f"{g.entrypoint_phrase(bits)}",
                    at=c.span,
                    path=g.comp_path(name),
                    label=f"limit {rate(limit)}",
                    hints=["raise and state the quota, queue in front of it, or make the call soft or asynchronous"],
                )
