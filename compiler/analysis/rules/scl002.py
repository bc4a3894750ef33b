"""SCL002: after losing one zone, the minimum replicas cannot carry the peak load.

**What it checks.** With `requirements { peak_load ... }`, every service on the hard synchronous path of an
entrypoint that states `capacity` (per replica) and `replicas` with a minimum above one, spread over k >= 2
zones. Its `min` replicas are taken as spread evenly over the zones of the regions that serve traffic (its
standby regions' zones do not count, unless it is placed only there); losing one zone removes `ceil(min / k)`
of them, and the `min - ceil(min / k)` left, times `capacity`, must carry the peak (or the bound SCL001 takes
from rate limits). Headroom is not deducted: surviving a zone loss is what it is for.

A single replica is SPOF001's, a single zone SPOF002's; a maximum that cannot carry the peak is SCL001's.

**Why it matters.** Static stability: a workload should survive the loss of a zone with the capacity it already
runs, without waiting for the autoscaler, which reacts in minutes, may be throttled by the very control plane the
event impairs, and competes for the same capacity as every other tenant in the region (AWS Well-Architected
REL11-BP05, "Use static stability to prevent bimodal behavior"; the Amazon Builders' Library, "Static stability
using Availability Zones"). The minimum of an autoscaling range is the capacity that is always there.

**Example.**

    system s { requirements { peak_load 3000 rps } ... }
    service api { exposure public; replicas 3..30; capacity 1000 rps per replica; placement r [a, b, c] }

**Fix.** Raise the minimum so that the replicas left after losing a zone carry the peak: the smallest `min`
with `(min - ceil(min / k)) x capacity >= peak`, i.e. `min >= ceil(peak / capacity) x k / (k - 1)`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from ...diagnostics import Severity
from ...model import Service
from ..graph import Graph, capacity_of, rate
from ..rule import Finding, Rule, rule


def _serving_zones(g: Graph, name: str) -> int:
    """The zones a component's replicas serve from: those of its non-standby regions, or all if it is placed
    only in standby regions."""
    standby = set(g.standby_regions())
    where = g.placement[name]
    serving = sum(len(z) for r, z in where.items() if r not in standby)
    return serving or sum(len(z) for z in where.values())


@rule
class ZoneLossBelowPeak(Rule):
    code = "SCL002"
    name = "zone-loss-below-peak"
    severity = Severity.WARNING
    summary = "the minimum replicas left after losing one zone cannot carry the peak load"
    practices = ("REL11-BP05", "RE:06")

    def check(self, g: Graph) -> Iterator[Finding]:
        peak = g.requirements.peak_load if g.requirements is not None else None
        if not peak:
            return
        reach = g.needed_by
        for name, bits in reach.items():
            c = g.comps[name]
            cap = capacity_of(c)
            if c.kind != "service" or not cap or c.replicas is None or c.replicas.min <= 1:
                continue
            k = _serving_zones(g, name)
            if k < 2:
                continue
            lo = c.replicas.min
            lost = math.ceil(lo / k)
            left = lo - lost
            carried = left * cap
            load, bounded = g.load_at(name, peak)
            headroom = (c.headroom if isinstance(c, Service) else None) or 0.0
            if carried >= load or c.replicas.max * cap * (1 - headroom) < load:
                continue  # enough, or SCL001's: not even the maximum (less headroom, as SCL001 counts) carries it
            per_replica = math.ceil(load / cap)
            want = math.ceil(per_replica * k / (k - 1))
            need = f"{rate(load)} ({bounded})" if bounded else f"the peak load of {rate(peak)}"
            hint = f"raise the minimum to {want}: `replicas {want}..{max(want, c.replicas.max)}`"
            if want > c.replicas.max:
                hint += f" (the maximum {c.replicas.max} must grow too)"
            yield Finding(
                message=f"service `{name}` runs at least {lo} replicas over {k} zones; losing one zone leaves "
                f"{left} ({lo} - {lost}), which carry {rate(carried)} ({left} x {rate(cap)}), less than {need}"
                + (f", on the hard path of {g.entrypoint_phrase(bits)}" if name not in g.demand else ""),
                at=c.span,
                path=g.comp_path(name),
                label=f"{rate(carried)} after a zone loss < {rate(load)}",
                hints=[
                    hint,
                    "or carry more per replica (and measure it), so the capacity already running survives a zone",
                ],
            )
