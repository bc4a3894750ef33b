"""SPOF002: every copy of a critical component in one zone, or in one region when the system must survive one.

**What it checks.** For each component on the hard synchronous path of an entrypoint (the entrypoint itself
included):

* all its replicas, or all its data's copies, sit in a single availability zone: it is placed in one zone (or
  in a region that has only one), or its replication says `spread none`;
* with `requirements { survive region }`, all of them sit in a single region: its placement names one region
  and its replication (`regions [...]`, `spread regions`) does not reach another.

A component that runs one copy at all is SPOF001's (one copy is always in one zone), a component every
entrypoint needs is SPOF003's, a component that a standby region needs but does not hold is SPOF005's (it names
the edge that breaks the failover), and an external, unless placed, is outside the design's zones.

Components that state no `placement` run in every region but the standbys. When the other regions are standbys,
every unplaced component sits in one region for that one reason: they are reported once, at the standby region,
with each component as a note, rather than as a finding each.

**Why it matters.** Zones fail as a unit (power, cooling, networking) and regions do too, more rarely: on
2011-04-21 an EBS re-mirroring storm in one us-east-1 zone took down the single-zone databases of many
well-known sites, while multi-zone ones kept serving. AWS Well-Architected REL10-BP01 (deploy to multiple
locations) and REL10-BP02 (automate recovery of components constrained to a single location), and Azure's RE:05
(zone and region redundancy), ask for the copies of every critical component to span the failure domain the
workload must survive.

**Example.**

    region r { zones [a, b, c] }
    service api { exposure public; replicas 3; placement r [a] }

**Fix.** Place it over two or more zones (`placement r [a, b, c]`), replicate data with `spread zones`, and when
the system must survive a region, place it, or replicate its data, in a second region
(`replication async { regions [us_east_1, us_west_2] }`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...diagnostics import Severity
from ..graph import DATA_KINDS, Graph, listed
from ..rule import Finding, Rule, rule
from .spof001 import _shared_by_all, _single_copy
from .spof005 import _data_regions, _replication, _standby_gaps


def _single_zone(g: Graph, name: str) -> str | None:
    """Where every copy of a component sits when that is one zone, in words; None otherwise."""
    c = g.comps[name]
    where = g.placement[name]
    if c.kind == "external" and not c.placement:
        return None
    rep = _replication(c)
    if c.kind in DATA_KINDS and rep is not None and rep.spread == "none":
        return "its replication says `spread none`, so every copy sits together"
    if g.zone_count(name) == 1:
        region, zones = next((r, z) for r, z in where.items() if z)
        reg = g.regions.get(region)
        if reg is not None and len(reg.zones) == 1:
            return f"region `{region}` has only zone `{zones[0]}`"
        return f"zone `{zones[0]}` of `{region}`"
    return None


def _single_region(g: Graph, name: str) -> str | None:
    """The one region holding every copy of a component, or None."""
    c = g.comps[name]
    if c.kind == "external" and not c.placement:
        return None
    regions = _data_regions(g, name)
    if regions is not None and len(regions) == 1:
        return next(iter(regions))
    return None


@rule
class SingleFailureDomain(Rule):
    code = "SPOF002"
    name = "single-failure-domain"
    severity = Severity.WARNING
    summary = "every copy of a critical component in one zone, or in one region when it must survive a region"
    practices = ("REL10-BP01", "REL10-BP02", "REL02-BP01", "RE:05")

    def check(self, g: Graph) -> Iterator[Finding]:
        reach = g.needed_by
        shared = _shared_by_all(g)
        scope, why_region = g.survive
        survive_region = scope == "region"
        # a component the standby region needs but lacks is SPOF005's (it names the edge that breaks failover)
        standby_gap = {e.target for e, _, _ in _standby_gaps(g)} if survive_region else set()
        unplaced: dict[str, list[tuple[str, int]]] = {}
        for name, bits in reach.items():
            if shared & g.bit[name] or _single_copy(g.comps[name]) is not None:
                continue  # SPOF003's or SPOF001's
            c = g.comps[name]
            zone = _single_zone(g, name)
            if zone is not None:
                notes = g.needed_notes(name, bits)  # worked out for a finding only (10,000 components at 10,000)
                yield Finding(
                    message=f"every copy of {c.kind} `{name}` is in one zone ({zone}): "
                    f"losing that zone takes down {g.dependents_phrase(name, bits)}",
                    at=c.span,
                    path=g.comp_path(name),
                    label="one zone",
                    hints=[
                        _zone_hint(g, name, c.kind in DATA_KINDS),
                        *_region_too(g, name, survive_region, why_region),
                    ],
                    notes=notes,
                )
                continue
            region = _single_region(g, name) if survive_region and name not in standby_gap else None
            if region is None:
                continue
            if not c.placement and g.standby_regions():
                unplaced.setdefault(region, []).append((name, bits))  # one cause: the default placement
                continue
            yield self._one_region(g, name, bits, region, why_region, g.needed_notes(name, bits))
        for region, members in unplaced.items():
            if len(members) == 1:
                name, bits = members[0]
                notes = g.needed_notes(name, bits)
                yield self._one_region(g, name, bits, region, why_region, notes)
            else:
                yield self._unplaced(g, region, members, why_region)

    @staticmethod
    def _one_region(
        g: Graph, name: str, bits: int, region: str, why_region: str, notes: list[tuple[Any, str]]
    ) -> Finding:
        c = g.comps[name]
        others = [r for r in g.regions if r != region]
        there = f"`{others[0]}`" if others else "a second region"
        hint = (
            f"replicate its data to {there}: `replication ... {{ regions [{region}, "
            f"{others[0] if others else 'other'}] }}`"
            if c.kind in DATA_KINDS
            else f"place it in {there} as well: `{_placement(g, others[0])}`"
            if others
            else "place it in a second region as well"
        )
        return Finding(
            message=f"every copy of {c.kind} `{name}` is in region `{region}`, but {why_region}: losing "
            f"`{region}` takes down {g.dependents_phrase(name, bits)}",
            at=c.span,
            path=g.comp_path(name),
            label="one region",
            hints=[hint, "or relax the requirement to `survive zone` if a region outage may stop the system"],
            notes=notes,
        )

    @staticmethod
    def _unplaced(g: Graph, region: str, members: list[tuple[str, int]], why_region: str) -> Finding:
        """One root cause, one finding: components that state no `placement` run in every region but the
        standbys, so with the other regions standbys they all sit in one region."""
        standby = g.standby_regions()
        names = [n for n, _ in members]
        flows: dict[str, None] = {}
        bits = 0
        for n, b in members:
            bits |= b
            flows.update(dict.fromkeys(g._flows_needing.get(n, [])))
        if flows:
            shown = list(flows)
            who = f"flow{'s' if len(shown) > 1 else ''} " + ", ".join(f"`{f}`" for f in shown[:4])
            who += f" and {len(shown) - 4} more" if len(shown) > 4 else ""
        else:
            who = g.entrypoint_phrase(bits)
        services = [n for n in names if g.kind[n] not in DATA_KINDS]
        data = [n for n in names if g.kind[n] in DATA_KINDS]
        to = standby[0]
        hints = []
        if services:
            hints.append(
                f"place {listed(services[:6])}{' and the others' if len(services) > 6 else ''} in `{to}` "
                f"too: `placement {region}` and `placement {to}` on each"
            )
        if data:
            hints.append(
                f"replicate {listed(data[:6])}{' and the others' if len(data) > 6 else ''} to `{to}`: "
                f"`replication async {{ regions [{region}, {to}] }}`"
            )
        hints.append("or relax the requirement to `survive zone` if a region outage may stop the system")
        standbys = listed(standby)
        return Finding(
            message=f"{len(names)} components state no `placement`, so every copy of them is in region `{region}` "
            f"(unplaced components run in every region but the standby {standbys}), but {why_region}: losing "
            f"`{region}` takes down {who}",
            at=g.regions[standby[0]].span,
            path=f"region:{region}/unplaced",
            label="standby: nothing placed here by default",
            hints=hints,
            notes=[(g.comps[n].span, f"{g.kind[n]} `{n}`: no `placement`, so only in `{region}`") for n in names],
        )


def _placement(g: Graph, region: str) -> str:
    """`placement REGION [zones]` with zones the region has (up to three), never invented ones."""
    zones = list(g.regions[region].zones) if region in g.regions else []
    return f"placement {region} [{', '.join(zones[:3])}]" if zones else f"placement {region}"


def _region_too(g: Graph, name: str, survive_region: bool, why_region: str) -> list[str]:
    """With a region to survive, a component in one zone of one region needs a second region as well: say so
    beside the zone hint, so that following it does not leave the next finding."""
    if not survive_region or _single_region(g, name) is None:
        return []
    others = [r for r in g.regions if r not in g.placement[name]]
    if not others:
        return []
    if g.comps[name].kind in DATA_KINDS:
        return [f"and since {why_region}, replicate it to `{others[0]}` too"]
    return [f"and since {why_region}, place it in `{others[0]}` too: `{_placement(g, others[0])}`"]


def _zone_hint(g: Graph, name: str, data: bool) -> str:
    """How to spread a component over zones, in zones its region has; a region of one zone needs more first (a
    hint never proposes what the design cannot contain)."""
    region = next(iter(g.placement[name]), None)
    zones = list(g.regions[region].zones) if region in g.regions else []
    spread = " and replicate with `spread zones`" if data else ""
    if len(zones) >= 2:
        return f"place `{name}` over two or more zones: `placement {region} [{', '.join(zones[:3])}]`{spread}"
    have = f"only zone `{zones[0]}`" if zones else "no zones listed"
    return (
        f"region `{region}` has {have}: list a second zone in it (`zones [{', '.join([*zones, 'b'][:2])}]`) and place "
        f"`{name}` over both{spread}, or run it in a second region"
    )
