"""SPOF003: a shared component whose loss takes down every entrypoint.

**What it checks.** With two or more entrypoints, the components every one of them needs (each entrypoint
itself or through hard synchronous edges, transitively: the AND of their dependency closures) that are not
redundant: they run a single copy (as SPOF001 counts it), or every copy sits in one zone, or in one region when
the requirements say `survive region` (as SPOF002 counts it). Typically a lone authentication, configuration,
discovery or routing service in front of everything.

The choice: a shared component that *is* redundant over zones (and regions, when required) is not reported, as
nearly every system has a redundant database or gateway every request needs, and reporting it would be noise.
A shared component that is not redundant is reported here rather than by SPOF001 or SPOF002, because its loss
is a total outage, not a partial one. With one entrypoint there is nothing shared: its single copies are
SPOF001's and its single zones SPOF002's.

**Why it matters.** A failure mode analysis (Azure RE:03) looks first for the failures whose blast radius is the
whole workload. Shared dependencies turn independent entrypoints into one: the availability of every flow is
capped by the shared component's (Treynor et al., "The Calculus of Service Availability", ACM Queue 15(2),
2017), and AWS Well-Architected REL10-BP01 asks for every such component to span several locations.

**Example.**

    service web { exposure public; replicas 3; calls auth { timeout 50ms } }
    service api { exposure public; replicas 3; calls auth { timeout 50ms } }
    service auth { replicas 1 }

**Fix.** Make the shared component redundant (`replicas 3` over three zones, replicated data), or decouple the
entrypoints from it: a soft dependency with a fallback (cached tokens, last known configuration), or one
instance per cell so that its loss takes down one cell only.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ..graph import DATA_KINDS, Graph
from ..rule import Finding, Rule, rule
from .spof001 import _shared_by_all, _single_copy
from .spof002 import _single_region, _single_zone


@rule
class SharedSinglePointOfFailure(Rule):
    code = "SPOF003"
    name = "shared-single-point-of-failure"
    severity = Severity.WARNING
    summary = "a non-redundant component every entrypoint needs: its loss is a total outage"
    practices = ("RE:03", "REL10-BP01", "RE:05")
    subsumes = ("SPOF004",)

    def check(self, g: Graph) -> Iterator[Finding]:
        shared = _shared_by_all(g)
        if not shared:
            return
        reach = g.needed_by
        survive_region = g.requirements is not None and g.requirements.survive == "region"
        for name in g.members(shared):
            c = g.comps[name]
            single = _single_copy(c)
            if single is not None:
                problem, why = single
                how = (
                    f"keeps a single copy of its data ({why})" if problem == "data" else f"can run one replica ({why})"
                )
                fix = (
                    f"replicate `{name}`: `replication sync {{ replicas 3; spread zones; failover automatic }}`"
                    if c.kind in DATA_KINDS
                    else f"run `{name}` with at least two replicas in separate zones: `replicas 2..N`"
                )
            elif (zone := _single_zone(g, name)) is not None:
                how = f"has every copy in one zone ({zone})"
                fix = f"place `{name}` over two or more zones"
            elif survive_region and (region := _single_region(g, name)) is not None:
                how = f"has every copy in region `{region}` (the requirements say `survive region`)"
                fix = f"place `{name}`, or replicate its data, in a second region"
            else:
                continue
            bits = reach.get(name, 0)
            yield Finding(
                message=f"{c.kind} `{name}` {how}, and all {bits.bit_count()} entrypoints need it: its loss takes "
                f"down {g.entrypoint_phrase(bits)}",
                at=c.span,
                path=g.comp_path(name),
                label="shared by every entrypoint",
                hints=[
                    fix,
                    "or let the entrypoints survive without it: a soft dependency with a fallback "
                    "(`criticality soft; fallback ...`), or one instance per cell",
                ],
                notes=g.needed_notes(name, bits),
            )
