"""SCL005: the flows add up to more than the system's peak load.

**What it checks.** With `requirements { peak_load ... }` and flows: the rates of the flows that requests start
(every flow but those a scheduled or continuous job starts), each a `rate` or a `share` of the peak, added
together, against the peak. Above it, the design states two peaks at once, and every figure worked out from
the flows (each component's demand, SCL001's capacity, the store growth) is computed from a load that the
requirements say never comes, or the requirements understate it.

**Why it matters.** Capacity planning starts from one agreed peak, broken down by the kinds of request that make
it up; the parts must add up to the whole (AWS Well-Architected REL07-BP03 and PERF, "understand your workload's
peak"; Azure RE:06, "a scaling strategy sized for peak"). A breakdown that adds up to 130% of the peak is a typo
or a stale figure, and the reviewer cannot tell which number to trust.

**Example.**

    requirements { peak_load 3000 rps }
    flow browse { share 70%; route [web, api, catalog] }
    flow search { rate 300 rps; route [web, api, search] }
    flow checkout { rate 1500 rps; route [web, api, orders] }

**Fix.** Make the parts add up: correct the flows' rates or shares, or, if the flows are right, raise
`peak_load` to their sum. Flows that a job starts (`trigger schedule`, `trigger continuous`) are not requests and
do not count.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ...model import Service
from ..graph import Graph, rate
from ..rule import Finding, Rule, rule


@rule
class FlowsAbovePeak(Rule):
    code = "SCL005"
    name = "flows-above-peak-load"
    severity = Severity.WARNING
    summary = "the flows add up to more than the system's peak load"
    practices = ("REL07-BP03", "RE:06")

    def check(self, g: Graph) -> Iterator[Finding]:
        req = g.requirements
        if req is None or not req.peak_load or g.system is None:
            return
        peak = req.peak_load
        counted = []
        for fl in g.flows:
            entry = next((n for n in fl.flow.components() if g.kind.get(n) != "client"), None)
            c = g.comps.get(entry) if entry is not None else None
            if isinstance(c, Service) and c.trigger is not None:
                continue  # a job's own work: not a request
            counted.append(fl)
        total = sum(fl.rate for fl in counted)
        if total <= peak * (1 + 1e-9):
            return
        shares = sum(fl.flow.share for fl in counted if fl.flow.share is not None)
        parts = ", ".join(
            f"`{fl.flow.name}` {rate(fl.rate)}" + (f" ({fl.flow.share * 100:g}%)" if fl.flow.share is not None else "")
            for fl in counted
        )
        hints = [f"the flows: {parts}"]
        if shares > 1 + 1e-9:
            hints.append(f"their shares alone add up to {shares * 100:g}% of the peak")
        hints.append(
            f"make the parts add up to the peak (correct the flows' `rate` or `share`), or, if the flows are right, "
            f"raise the peak: `peak_load {rate(total)}`"
        )
        first = counted[0].flow
        yield Finding(
            message=f"the flows add up to {rate(total)} at peak, more than the system's peak load of {rate(peak)} "
            f"({total / peak * 100:.0f}%): "
            + ", ".join(f"`{fl.flow.name}`" for fl in counted[:6])
            + (f" and {len(counted) - 6} more" if len(counted) > 6 else ""),
            at=first.span,
            path="flows",
            label=f"{rate(total)} > {rate(peak)}",
            hints=hints,
            notes=[(fl.flow.span, f"`{fl.flow.name}`: {fl.rate_source}") for fl in counted[1:6]],
        )
