"""SCL003: load varies, but a service on a request path does not scale automatically.

**What it checks.** A service on an entrypoint's hard path with no `autoscale`, when the load varies: the
requirements state a `peak_load` above the `sustained_load`, or the service's own `replicas` is a range
(`3..30`) that nothing moves within.

**Why it matters.** Capacity fixed for the average is overwhelmed at peak; capacity fixed for the peak is paid
for all day. A replica range without a scaling signal stays at whatever someone last set (AWS REL07-BP01
"use automation when obtaining or scaling resources"; Azure RE:06).

**Example.**

    requirements { peak_load 5000 rps; sustained_load 1200 rps }
    service api { exposure public; replicas 3..30 }

**Fix.** State the signal and target: `autoscale cpu 65%` (or `rps`, `queue_lag`, `latency`), with the range
in `replicas`.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ...model import Service
from ..graph import Graph, rate
from ..rule import Finding, Rule, rule


@rule
class NoAutoscaling(Rule):
    code = "SCL003"
    name = "variable-load-without-autoscaling"
    severity = Severity.WARNING
    summary = "load varies but a service on a request path does not scale automatically"
    gap_phrase = "no autoscaling"
    practices = ("REL07-BP01", "REL07-BP03", "RE:06")

    def check(self, g: Graph) -> Iterator[Finding]:
        req = g.requirements
        varies = bool(req and req.peak_load and req.sustained_load and req.peak_load > req.sustained_load)
        needed = g.needed_by
        for name, bits in needed.items():
            c = g.comps[name]
            if not isinstance(c, Service) or c.autoscale is not None or c.managed is not None:
                continue  # a managed service (a load balancer, a CDN) scales as its provider does
            if c.scaling in ("vertical", "none"):
                continue  # the design says it grows by bigger machines, or not at all: no autoscaler to ask for
            ranged = c.replicas is not None and c.replicas.max > c.replicas.min
            if not (ranged or varies):
                continue
            d = g.demand.get(name)
            if ranged and c.replicas is not None:
                why = f"its replicas range {c.replicas.min}..{c.replicas.max} has no scaling signal"
            elif (
                d is not None
                and req is not None
                and req.peak_load
                and req.sustained_load
                and rate(d.rate) != rate(req.peak_load)
            ):
                # its own load, from the flows that reach it, varying as the system's does
                low = d.rate * req.sustained_load / req.peak_load
                why = (
                    f"its load varies with the system's, from about {rate(low)} sustained to {rate(d.rate)} at peak "
                    "(its flows)"
                )
            else:
                why = f"peak load ({rate(req.peak_load)}) is above sustained load ({rate(req.sustained_load)})"  # type: ignore[union-attr]
            yield Finding(
                message=f"service `{name}` does not scale automatically: {why}",
                at=c.span,
                path=g.comp_path(name),
                label="no autoscale",
                gap="-",
                hints=[
                    "state the signal and target, e.g. `autoscale cpu 65%` with `replicas 3..30`",
                    f"it is on the path of {g.entrypoint_phrase(bits)}",
                ],
            )
