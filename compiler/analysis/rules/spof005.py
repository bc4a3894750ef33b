"""SPOF005: a component in a standby region depends on one that lives only outside it.

**What it checks.** Every hard synchronous edge (`calls`, `reads`, `writes` the caller fails without) from a
component placed in a standby region (`region NAME { role standby }`) to a component that is not there: it is
placed only in other regions (a component without `placement` runs in every region that is *not* a standby),
and, for a store, queue, stream or cache, its replication does not reach the standby region either (no
`regions [...]` naming it, no `spread regions`). Components without placement never run in a standby region, so
only explicitly placed ones are checked; externals without placement are outside the design's regions and
left alone. One finding per edge, naming every standby region it breaks.

**Why it matters.** A standby region exists to take over when the primary is gone. If what runs there calls back
into the primary for a database, an identity service or a configuration store, the failover brings up a copy
that cannot serve: the disaster-recovery plan fails exactly when it is needed. AWS Well-Architected REL11-BP02
(fail over to healthy resources) and REL13-BP04 (avoid configuration drift at the recovery site) ask for the
recovery site to hold everything the workload needs, and the AWS whitepaper "Disaster Recovery of Workloads on
AWS" requires the data to be replicated into the recovery region for pilot light and warm standby.

**Example.**

    region east { zones [a, b, c]; role primary }
    region west { zones [a, b, c]; role standby }
    service api { exposure public; replicas 3; placement east; placement west; calls db { timeout 50ms } }
    store db { engine postgres; replication sync { replicas 3 }; placement east }

**Fix.** Place the dependency in the standby region too (`placement west`), and replicate data into it
(`replication async { regions [east, west] }`); or make the edge soft with a fallback that works without the
primary.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ...model import Component, Edge, Replication
from ..graph import DATA_KINDS, Graph, replication_of
from ..rule import Finding, Rule, rule


def _replication(c: Component) -> Replication | None:
    rep = replication_of(c)
    if rep is None or isinstance(rep, int) or rep.mode == "none":
        return None
    return rep


def _data_regions(g: Graph, name: str) -> set[str] | None:
    """The regions holding a component or copies of its data; None when its replication spreads over regions
    without naming them (as many as there are)."""
    c = g.comps[name]
    regions = set(g.placement[name])
    rep = _replication(c)
    if rep is not None:
        if rep.spread == "regions" and len(rep.regions) < 2:
            return None
        regions |= set(rep.regions)
    return regions


def _standby_gaps(g: Graph) -> list[tuple[Edge, list[str], set[str]]]:
    """Every hard edge from a component placed in a standby region to one that is not there (nor, for data,
    replicated there): the edge, the standby regions it breaks and the regions the target is in. Linear in the
    edges."""
    standby = set(g.standby_regions())
    if not standby:
        return []
    out = []
    for name, c in g.comps.items():
        if not c.placement:
            continue
        here = standby.intersection(g.placement[name])
        if not here:
            continue
        for e in g.hard_out[name]:
            t = g.comps[e.target]
            if t.kind == "external" and not t.placement:
                continue
            present = set(g.placement[e.target])
            if t.kind in DATA_KINDS:
                data = _data_regions(g, e.target)
                if data is None:
                    continue  # replicated over every region
                present |= data
            missing = sorted(r for r in here if r not in present)
            if missing:
                out.append((e, missing, present))
    return out


@rule
class StandbyDependsOnPrimary(Rule):
    code = "SPOF005"
    name = "standby-depends-on-primary"
    severity = Severity.ERROR
    summary = "a component in a standby region depends on one that is only in another region"
    practices = ("REL11-BP02", "REL13-BP04")

    def check(self, g: Graph) -> Iterator[Finding]:
        for e, missing, present in _standby_gaps(g):
            name, c, t = e.source, g.comps[e.source], g.comps[e.target]
            where = ", ".join(f"`{r}`" for r in sorted(present)) or "no region"
            lost = " and ".join(f"`{r}`" for r in missing)
            region_word = "region" if len(missing) == 1 else "regions"
            if t.kind in DATA_KINDS:
                replicated = _replication(t) is not None
                what = f"whose data lives only in {where}" + (
                    f" (its replication does not reach {lost})" if replicated else ""
                )
                fix = (
                    f"replicate `{e.target}` into {lost}: `replication async {{ regions "
                    f"[{', '.join([*sorted(present), *missing])}] }}` and place it there"
                )
            else:
                what = f"which runs only in {where}"
                fix = f"place `{e.target}` in {lost} as well: `placement {missing[0]}`"
            yield Finding(
                message=f"{c.kind} `{name}` in standby {region_word} {lost} {e.kind} {t.kind} `{e.target}` "
                f"{what}: when {where} is lost, failing over to {lost} leaves `{name}` without it",
                at=e.span,
                path=g.edge_path(e),
                label=f"hard dependency outside {lost}",
                hints=[
                    fix,
                    f"or make the dependency soft (`criticality soft` with a `fallback`) so `{name}` serves without it",
                ],
                notes=[(t.span, f"`{e.target}` is only in {where}")],
            )
