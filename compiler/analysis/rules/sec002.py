"""SEC002: residency-bound data reaches a region the requirements do not allow.

**What it checks.** For each `residency CLASS [regions]` in the system's requirements, every component that
handles that class, and where it runs:

* a component handles a class when it holds it (`data [pci]`), when an edge into or out of it carries the class
  (`data [pci]` on the edge), or when it reads, writes, publishes to or consumes from a data component that holds
  the class;
* where it runs is its placement (a component without `placement` runs in every region that is not a standby)
  and any regions its `replication` names.

A component placed in a region outside the allowed list is a finding. An external that receives the class and
states no `placement` is a finding too: its region is unknown, so the design cannot show the data stays where it
must, unless it states its `jurisdiction` and that is the jurisdiction of an allowed region (`jurisdiction eu` on
the external and on `region eu_west_1`): an external under another law is an error, and one whose law cannot be
compared (the allowed regions state none) a warning. Clients are the data's origin (the user's own device) and
are not checked.

**Why it matters.** Residency rules (GDPR's limits on transfers, national data-localisation laws, PCI DSS scoping
agreements) bind every copy and every processor of the data, not only the database: a cache, a consumer or a
third party in another region is a transfer (AWS Well-Architected SEC07-BP02 "Apply data protection controls
based on data sensitivity"; Azure SE:03 "classify and label data"; Threagile wrong-trust-boundary-content).

**Example.**

    requirements { residency pii [eu_west_1] }
    region eu_west_1 { zones [a, b, c] }
    region us_east_1 { zones [a, b, c] }
    store profiles { data [pii] }    # no placement: it runs in both regions

**Fix.** Place the component only in allowed regions (`placement eu_west_1`), keep the class off the edge that
carries it out (tokenise or pseudonymise it first), or, for an external, state where it processes the data
(`placement eu_west_1`, or `jurisdiction eu` beside the region's own) once its contract says so.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ...model import Edge, External
from ..graph import Graph, listed
from ..rule import Finding, Rule, rule
from ._security import carried, regions_of


def _receives(g: Graph, e: Edge, name: str) -> bool:
    """Whether the data on the edge arrives at `name` (one of its ends)."""
    if e.kind in ("reads", "consumes"):
        return name == e.source
    return name == e.target


@rule
class DataResidency(Rule):
    code = "SEC002"
    name = "data-residency"
    severity = Severity.ERROR
    summary = "residency-bound data is held or processed outside the regions allowed for it"
    practices = ("RESIDENCY", "SEC07-BP02", "SEC07-BP01", "SE:03", "threagile:wrong-trust-boundary-content")

    def check(self, g: Graph) -> Iterator[Finding]:
        if g.requirements is None or not g.requirements.residency:
            return
        bound = {r.data: r.regions for r in g.requirements.residency}
        # for each component, each residency-bound class it handles and the first edge that brought it (None when
        # it holds the class itself)
        handles: dict[str, dict[str, Edge | None]] = {n: {} for n in g.comps}
        for name, c in g.comps.items():
            for cls in c.data:
                if cls in bound:
                    handles[name].setdefault(cls, None)
        for edges in g.out.values():
            for e in edges:
                stated, inferred = carried(g, e)
                for cls in stated + inferred:
                    if cls not in bound:
                        continue
                    for end in (e.source, e.target):
                        kind = g.comps[end].kind
                        if kind == "client" or (kind == "external" and not _receives(g, e, end)):
                            continue
                        handles[end].setdefault(cls, e)
        for name, classes in handles.items():
            c = g.comps[name]
            for cls, via in classes.items():
                allowed = bound[cls]
                if via is None:
                    how, notes = f"holds {cls} data", []
                else:
                    other = via.target if via.source == name else via.source
                    verb = f"receives {cls} data from" if _receives(g, via, name) else f"sends {cls} data to"
                    how, notes = f"{verb} `{other}`", [(via.span, f"{cls} data moves on this edge")]
                path = f"{g.comp_path(name)}/residency:{cls}"
                if isinstance(c, External) and not c.placement and c.jurisdiction:
                    lawful = {g.regions[r].jurisdiction: r for r in allowed if r in g.regions}
                    lawful.pop(None, None)
                    if c.jurisdiction in lawful:
                        continue  # processed under the law of a region the data may be in
                    laws = listed(sorted(lawful), "or") if lawful else ""
                    yield Finding(
                        message=f"external `{name}` {how} and processes it under {c.jurisdiction} law, but residency "
                        f"allows {cls} only in {listed(allowed, 'or')}"
                        + (f" ({laws} law)" if laws else ", whose jurisdiction is not stated"),
                        at=c.span,
                        path=path,
                        label=f"{c.jurisdiction} law",
                        severity=None if lawful else Severity.WARNING,
                        notes=notes,
                        hints=[
                            f"keep {cls} off the edge to `{name}` (tokenise or pseudonymise first), or use a provider "
                            f"that processes it under {laws or 'the allowed regions'} law"
                            if lawful
                            else f"state each allowed region's `jurisdiction` (`jurisdiction eu` in `region "
                            f"{allowed[0]}`), so that `{name}`'s can be compared with it",
                        ],
                    )
                    continue
                if c.kind == "external" and not c.placement:
                    yield Finding(
                        message=f"external `{name}` {how}, but its region is unknown: residency allows {cls} only "
                        f"in {listed(allowed, 'or')}",
                        at=c.span,
                        path=path,
                        label="region unknown",
                        severity=Severity.WARNING,  # unknown, not shown to be wrong
                        notes=notes,
                        hints=[
                            f"state where `{name}` processes the data, if its contract says: `placement REGION` "
                            f"with one of {listed(allowed, 'or')}",
                            f"or keep {cls} off the edge to it (tokenise or pseudonymise first)",
                        ],
                    )
                    continue
                outside = [r for r in regions_of(g, name) if r not in allowed]
                if not outside:
                    continue
                where = "region" if len(outside) == 1 else "regions"
                yield Finding(
                    message=f"{c.kind} `{name}` {how} in {where} {listed(outside)}, but residency allows {cls} only "
                    f"in {listed(allowed, 'or')}",
                    at=c.span,
                    path=path,
                    label=f"runs in {listed(outside)}",
                    notes=notes,
                    hints=[
                        f"place `{name}` only in allowed regions (`placement {allowed[0]}`)"
                        + (" (without `placement` it runs in every non-standby region)" if not c.placement else ""),
                        f"or keep {cls} away from `{name}` (tokenise or pseudonymise it first)",
                    ],
                )
