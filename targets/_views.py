"""Views of a design: which components, groups and edges each diagram shows.

Every diagram target (dot, svg, png, mermaid, html) draws the same views, computed here once per build from the
model, the analysis graph and the findings:

* ``context``: the system as one box, with the clients that call it and the externals it calls;
* ``container``: every component inside the system boundary, clients and externals outside it;
* ``deployment-REGION``: one per region, with its zones as clusters;
* ``entrypoint-NAME``: one per entrypoint, its synchronous dependency chain with availability and latency
  budgets, the worst latency chain drawn bold;
* ``view-NAME``: the design's own `view` statements.

A view with more components than ``MAX_NODES`` is collapsed: one node per owner (else first tag, else kind),
and one more view per group showing its members and their neighbours (``container-group-KEY``).

Everything here is ordered by the design's declaration order or by name, never by hashing, so that the same
design always gives the same views.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

MAX_NODES = 40  # a view with more components than this is collapsed into groups

SEVERITY_RANK = {"info": 1, "warning": 2, "error": 3}


@dataclass
class Node:
    """One box in a diagram."""

    id: str  # unique in the view; safe as a DOT/Mermaid/HTML identifier after escaping (a component's name)
    label: str  # the first line: the component's title or name
    kind: str  # service, store, stream, queue, cache, external, client; or system, group
    detail: str = ""  # the second line: technology, engine or a summary ("12 components")
    component: str | None = None  # the model component it stands for, if one
    cluster: str | None = None  # the id of the cluster it sits in
    outside: bool = False  # a neighbour shown for context, not part of the view's subject (drawn faded)
    severity: str | None = None  # the worst finding on it: error, warning, info
    codes: list[str] = field(default_factory=list)  # the finding codes on it, sorted, unique
    tooltip: str = ""  # plain text: what hovering shows
    badge: str = ""  # a short figure drawn under the label in entrypoint views: "99.95% · p99 120ms"


@dataclass
class Edge:
    """One arrow. Parallel model edges between the same two nodes are merged (``count``)."""

    source: str  # a node id
    target: str  # a node id
    mode: str  # sync or async
    kind: str  # calls, reads, writes, publishes, consumes; or "mixed" when merged edges differ
    label: str = ""  # protocol and timeout: "grpc 50ms"
    count: int = 1
    bold: bool = False  # on the worst latency chain of an entrypoint view
    soft: bool = False  # a soft dependency (the caller degrades without it)
    severity: str | None = None  # the worst finding on the edge
    codes: list[str] = field(default_factory=list)
    tooltip: str = ""


@dataclass
class Cluster:
    """A box around nodes: the system boundary, a region, a zone set, a group."""

    id: str
    label: str
    kind: str  # system, region, zones, group
    parent: str | None = None  # the enclosing cluster's id


@dataclass
class View:
    id: str  # the file stem: context, container, deployment-us_east_1, entrypoint-api_gateway, view-checkout
    title: str
    kind: str  # context, container, deployment, entrypoint, custom, group
    description: str = ""  # a sentence saying what the view shows
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)  # figures printed with the view (budgets, what was collapsed)
    collapsed: bool = False  # the view shows groups, each with a view of its own

    def node(self, node_id: str) -> Node | None:
        for n in self.nodes:
            if n.id == node_id:
                return n
        return None


# --- building the views ------------------------------------------------------------------------------------------

INTERNAL = ("service", "store", "stream", "queue", "cache")


def views(build: Any) -> list[View]:
    """Every view of the design, computed once per build and shared by the diagram targets."""
    return build.shared("views", lambda: _Builder(build).all())


def findings_by_element(build: Any) -> tuple[dict[str, list[Any]], dict[tuple[str, str, str], list[Any]]]:
    """The findings on each component, and on each edge (source, kind, target), from their fingerprints
    (`CODE:system/kind:name[/edgekind:target[/...]]`, the rules' element paths)."""

    def make() -> tuple[dict[str, list[Any]], dict[tuple[str, str, str], list[Any]]]:
        comps: dict[str, list[Any]] = {}
        edges: dict[tuple[str, str, str], list[Any]] = {}
        names = {c.name for c in build.model.components}
        for f in build.findings:
            path = (f.fingerprint or "").partition("/")[2]
            parts = path.split("/")
            kind, _, name = parts[0].partition(":")
            if name not in names or kind not in (*INTERNAL, "external", "client"):
                continue
            comps.setdefault(name, []).append(f)
            if len(parts) > 1:
                ekind, _, target = parts[1].partition(":")
                if target in names:
                    edges.setdefault((name, ekind, target), []).append(f)
        return comps, edges

    return build.shared("findings_by_element", make)


def worst(findings: list[Any]) -> str | None:
    best = None
    for f in findings:
        sev = f.severity.value
        if best is None or SEVERITY_RANK.get(sev, 0) > SEVERITY_RANK.get(best, 0):
            best = sev
    return best


def codes_of(findings: list[Any]) -> list[str]:
    return sorted({f.code for f in findings})


def slug(text: str) -> str:
    """A file-name-safe form of a name: letters, digits, `_` and `-`."""
    out = "".join(ch if ch.isalnum() or ch in "_-" else "-" for ch in text.strip().lower())
    return "-".join(p for p in out.split("-") if p) or "x"


class _Builder:
    def __init__(self, build: Any) -> None:
        self.build = build
        self.model = build.model
        self.g = build.graph
        self.comps = {c.name: c for c in self.model.components}
        self.order = {c.name: i for i, c in enumerate(self.model.components)}
        self.on_comp, self.on_edge = findings_by_element(build)
        self.system = self.model.system

    # --- pieces -----------------------------------------------------------------------------------------------

    def node(self, name: str, cluster: str | None = None, outside: bool = False, note: str = "") -> Node:
        from designc.analysis.graph import duration, pct

        c = self.comps[name]
        detail = ""
        if c.technology is not None:
            detail = c.technology.name
        elif c.engine:
            detail = c.engine
        elif c.kind == "external" and getattr(c, "provider", None):
            detail = c.provider or ""
        if note:
            detail = f"{detail} · {note}" if detail else note
        found = self.on_comp.get(name, [])
        tip = [f"{c.kind} {name}" + (f": {c.title}" if c.title else "")]
        if c.description:
            tip.append(c.description)
        if c.replicas is not None:
            r = c.replicas
            tip.append(f"replicas {r.min}" + (f"..{r.max}" if r.max != r.min else ""))
        a = self.g.own_availability(name)
        if a.value is not None:
            tip.append(f"availability {pct(a.value)} ({a.detail})")
        p = _p99(c.latency)
        if p is not None:
            tip.append(f"latency p99 {duration(p)}")
        for f in sorted(found, key=lambda f: (f.code, f.message)):
            tip.append(f"{f.code} {f.severity.value}: {f.message}")
        return Node(
            id=name,
            label=c.title or name,
            kind=c.kind,
            detail=detail,
            component=name,
            cluster=cluster,
            outside=outside,
            severity=worst(found),
            codes=codes_of(found),
            tooltip="\n".join(tip),
        )

    def edge(self, e: Any, ids: dict[str, str]) -> Edge | None:
        """A model edge between two nodes of the view (by the map from component to node id), arrows following
        the data for `consumes` (stream -> consumer). None when either end is not in the view."""
        from designc.analysis.graph import duration

        src, dst = ids.get(e.source), ids.get(e.target)
        if src is None or dst is None:
            return None
        if e.kind == "consumes":
            src, dst = dst, src
        parts = []
        if e.mode == "sync":
            parts.append(e.protocol or e.kind)
            if e.timeout is not None:
                parts.append(duration(e.timeout))
        else:
            parts.append(e.kind if not e.protocol or e.kind in ("publishes", "consumes") else e.protocol)
            if e.delivery:
                parts.append(e.delivery.replace("_", " "))
        found = self.on_edge.get((e.source, e.kind, e.target), [])
        tip = [f"{e.source} {e.kind} {e.target} ({e.mode})"]
        for k, v in (
            ("protocol", e.protocol),
            ("timeout", duration(e.timeout) if e.timeout is not None else None),
            ("retries", e.retries),
            ("circuit breaker", "on" if e.circuit_breaker else None),
            ("fallback", e.fallback),
            ("delivery", e.delivery),
        ):
            if v is not None:
                tip.append(f"{k} {v}")
        for f in sorted(found, key=lambda f: (f.code, f.message)):
            tip.append(f"{f.code} {f.severity.value}: {f.message}")
        return Edge(
            source=src,
            target=dst,
            mode=e.mode,
            kind=e.kind,
            label=" ".join(parts),
            soft=e.mode == "sync" and not self.g.is_hard(e),
            severity=worst(found),
            codes=codes_of(found),
            tooltip="\n".join(tip),
        )

    def edges_among(self, ids: dict[str, str]) -> list[Edge]:
        """The model's edges between nodes of a view, parallel ones merged, in declaration order."""
        merged: dict[tuple[str, str], Edge] = {}
        for e in self.model.edges:
            v = self.edge(e, ids)
            if v is None or (v.source == v.target and ids.get(e.source) != e.source):
                continue  # an edge inside a collapsed group is not drawn
            key = (v.source, v.target)
            have = merged.get(key)
            if have is None:
                merged[key] = v
                continue
            have.count += 1
            if have.kind != v.kind:
                have.kind = "mixed"
            if have.mode != v.mode:
                have.mode = "sync" if "sync" in (have.mode, v.mode) else have.mode
            if v.label and v.label not in have.label.split(", "):
                have.label = f"{have.label}, {v.label}" if have.label else v.label
            have.soft = have.soft and v.soft
            have.codes = sorted({*have.codes, *v.codes})
            if SEVERITY_RANK.get(v.severity or "", 0) > SEVERITY_RANK.get(have.severity or "", 0):
                have.severity = v.severity
            have.tooltip = f"{have.tooltip}\n{v.tooltip}"
        for v in merged.values():
            if v.count > 1 and len(v.label) > 40:
                v.label = f"{v.count} dependencies"
        return list(merged.values())

    def internal(self) -> list[str]:
        return [c.name for c in self.model.components if c.kind in INTERNAL]

    def system_cluster(self) -> Cluster:
        s = self.system
        return Cluster(id="system", label=s.title or s.name, kind="system")

    # --- views ------------------------------------------------------------------------------------------------

    def all(self) -> list[View]:
        out = [self.context()]
        container = self.container()
        out.append(container)
        groups: list[View] = []
        if len([n for n in container.nodes if n.component and n.kind in INTERNAL]) > MAX_NODES:
            container, groups = self.collapse(container, "container")
            out[-1] = container
        for r in self.model.regions:
            out.extend(self.maybe_collapse(self.deployment(r.name)))
        for ep in self.g.entrypoints:
            out.extend(self.maybe_collapse(self.entrypoint(ep)))
        for v in getattr(self.system, "views", None) or []:
            out.extend(self.maybe_collapse(self.custom(v)))
        return out + groups

    def maybe_collapse(self, view: View) -> list[View]:
        if len([n for n in view.nodes if n.component and not n.outside]) <= MAX_NODES:
            return [view]
        collapsed, groups = self.collapse(view, view.id)
        return [collapsed, *groups]

    def context(self) -> View:
        s = self.system
        internal = self.internal()
        v = View(
            id="context",
            title=f"Context: {s.title or s.name}",
            kind="context",
            description="The system as one box, with who calls it and what it depends on outside.",
        )
        found = [f for n in internal for f in self.on_comp.get(n, [])]
        v.nodes.append(
            Node(
                id="system",
                label=s.title or s.name,
                kind="system",
                detail=f"{len(internal)} components",
                severity=worst(found),
                codes=codes_of(found),
                tooltip=(s.description or s.name) + (f"\nowner {s.owner}" if s.owner else ""),
            )
        )
        ids = {n: "system" for n in internal}
        for c in self.model.components:
            if c.kind in ("client", "external"):
                v.nodes.append(self.node(c.name))
                ids[c.name] = c.name
        v.edges = self.edges_among(ids)
        return v

    def container(self) -> View:
        s = self.system
        v = View(
            id="container",
            title=f"Containers: {s.title or s.name}",
            kind="container",
            description="Every component of the system, its clients and the external services it calls.",
            clusters=[self.system_cluster()],
        )
        ids = {}
        for c in self.model.components:
            inside = c.kind in INTERNAL
            v.nodes.append(self.node(c.name, cluster="system" if inside else None))
            ids[c.name] = c.name
        v.edges = self.edges_among(ids)
        return v

    def deployment(self, region: str) -> View:
        r = next(x for x in self.model.regions if x.name == region)
        role = f" ({r.role})" if r.role != "primary" else ""
        v = View(
            id=f"deployment-{slug(region)}",
            title=f"Deployment: {region}{role}",
            kind="deployment",
            description=f"What runs in {region}"
            + (f" ({r.location})" if r.location else "")
            + ", by the zones each component spans; faded boxes run elsewhere.",
        )
        v.clusters.append(Cluster(id=f"region:{region}", label=f"region {region}{role}", kind="region"))
        here: dict[str, list[str]] = {}
        for c in self.model.components:
            if c.kind in ("client", "external"):
                continue
            zones = self.g.placement[c.name].get(region)
            if zones is not None:
                here[c.name] = zones
        zone_sets: dict[tuple[str, ...], str] = {}
        for name, zones in here.items():
            key = tuple(z for z in r.zones if z in zones) or tuple(zones)
            if key not in zone_sets:
                cid = f"zones:{region}:{'-'.join(key)}"
                zone_sets[key] = cid
                label = f"zone {key[0]}" if len(key) == 1 else f"zones {', '.join(key)}"
                v.clusters.append(Cluster(id=cid, label=label, kind="zones", parent=f"region:{region}"))
            v.nodes.append(self.node(name, cluster=zone_sets[key]))
        ids = {n: n for n in here}
        # what in-region components depend on or are used by outside the region, faded
        near: list[str] = []
        for e in self.model.edges:
            for a, b in ((e.source, e.target), (e.target, e.source)):
                if a in here and b not in here and b not in near:
                    near.append(b)
        for name in sorted(near, key=self.order.__getitem__):
            c = self.comps[name]
            where = ", ".join(self.g.placement[name]) if c.kind in INTERNAL else ""
            v.nodes.append(self.node(name, outside=c.kind in INTERNAL, note=f"in {where}" if where else ""))
            ids[name] = name
        v.edges = self.edges_among(ids)
        if not here:
            v.facts.append(f"Nothing is placed in {region}.")
        return v

    def entrypoint(self, ep: str) -> View:
        from designc.analysis.graph import duration, minutes_per_30_days, pct

        g = self.g
        c = self.comps[ep]
        reach = [ep]
        seen = {ep}
        i = 0
        while i < len(reach):
            for e in g.sync_out[reach[i]]:
                if e.target not in seen:
                    seen.add(e.target)
                    reach.append(e.target)
            i += 1
        reach.sort(key=self.order.__getitem__)
        chain = g.chain_path(ep)
        on_chain = set(itertools.pairwise(chain))
        v = View(
            id=f"entrypoint-{slug(ep)}",
            title=f"Entrypoint: {c.title or ep}",
            kind="entrypoint",
            description=f"What a request to `{ep}` waits on: its synchronous dependencies, with each one's "
            "availability and p99 latency; the worst latency chain is bold, soft dependencies are grey.",
            clusters=[self.system_cluster()],
        )
        ids = {}
        callers = [x.source for x in g.inc[ep] if self.comps[x.source].kind == "client" and x.source not in seen]
        for name in [*dict.fromkeys(callers), *reach]:
            n = self.node(name, cluster="system" if self.comps[name].kind in INTERNAL else None)
            a = g.own_availability(name).value
            p = _p99(self.comps[name].latency)
            if name not in callers:
                n.badge = " · ".join(
                    x for x in (pct(a) if a is not None else "", f"p99 {duration(p)}" if p is not None else "") if x
                )
            v.nodes.append(n)
            ids[name] = name
        v.edges = [x for x in self.edges_among(ids) if x.mode == "sync"]
        for x in v.edges:
            x.bold = (x.source, x.target) in on_chain
        allowed, unknown_bits = g.composite(ep)
        goal = g.availability_objective(ep)
        line = f"Availability its hard dependencies allow: {pct(allowed)}"
        line += f" ({minutes_per_30_days(allowed):.1f} min of downtime per 30 days)"
        if goal is not None:
            line += f"; objective {pct(goal[0])} ({goal[1]}): {'met' if allowed >= goal[0] else 'NOT met'}"
        v.facts.append(line)
        unknown = g.members(unknown_bits)
        if unknown:
            v.facts.append(f"No availability figure for {', '.join(unknown)} (counted as 100%).")
        ch = g.chains[ep]
        lat = f"Worst p99 latency chain: {' → '.join(chain)}: {duration(ch.latency)}"
        lg = g.latency_objective(ep)
        if lg is not None:
            lat += f"; objective {duration(lg[0])} ({lg[1]}): {'met' if ch.latency <= lg[0] else 'NOT met'}"
        v.facts.append(lat)
        v.facts.append(
            f"Longest wait the timeouts allow: {duration(ch.timeouts)}; retry amplification {ch.amplification}x."
        )
        return v

    def custom(self, spec: Any) -> View:
        names = self.select(spec)
        v = View(
            id=f"view-{slug(spec.name)}",
            title=spec.title or spec.name,
            kind="custom",
            description=spec.description or f"The design's own view `{spec.name}`.",
            clusters=[self.system_cluster()],
        )
        chosen = set(names)
        ids = {}
        for name in names:
            v.nodes.append(self.node(name, cluster="system" if self.comps[name].kind in INTERNAL else None))
            ids[name] = name
        if getattr(spec, "neighbours", False):
            excluded = set().union(*(self.matches(sel) for sel in spec.exclude)) if spec.exclude else set()
            near: list[str] = []
            for e in self.model.edges:
                for a, b in ((e.source, e.target), (e.target, e.source)):
                    if a in chosen and b not in chosen and b not in near and b not in excluded:
                        near.append(b)
            for name in sorted(near, key=self.order.__getitem__):
                v.nodes.append(self.node(name, outside=True))
                ids[name] = name
        v.edges = self.edges_among(ids)
        if not names:
            v.facts.append("The view's selectors match no component.")
        return v

    def matches(self, sel: Any) -> set[str]:
        """The components a `view` selector picks."""
        by, values = sel.by, set(sel.values)
        out = set()
        for c in self.model.components:
            if (
                by == "all"
                or (by == "names" and c.name in values)
                or (by == "tag" and values & set(c.tags))
                or (by == "kind" and c.kind in values)
                or (by == "owner" and c.owner in values)
            ):
                out.add(c.name)
        return out

    def select(self, spec: Any) -> list[str]:
        """What a `view` shows: what its includes pick (everything without one), less what its excludes pick."""
        chosen: set[str] = set()
        if spec.include:
            for sel in spec.include:
                chosen |= self.matches(sel)
        else:
            chosen = set(self.comps)
        for sel in spec.exclude:
            chosen -= self.matches(sel)
        return sorted(chosen, key=self.order.__getitem__)

    # --- large views --------------------------------------------------------------------------------------------

    def group_key(self, name: str) -> tuple[str, str]:
        """What a component is grouped under when a view is collapsed: its owner, else its first tag, else its
        kind. Returns (key, label)."""
        c = self.comps[name]
        if c.owner:
            return f"owner-{c.owner}", f"owner {c.owner}"
        if c.tags:
            return f"tag-{c.tags[0]}", f"tag {c.tags[0]}"
        return f"kind-{c.kind}", f"{c.kind}s"

    def collapse(self, view: View, stem: str) -> tuple[View, list[View]]:
        """The view with its components replaced by one node per group (per cluster), and one view per group
        (split into parts when a group alone is over the limit)."""
        groups: dict[str, list[str]] = {}
        labels: dict[str, str] = {}
        ids: dict[str, str] = {}
        out = View(
            id=view.id,
            title=view.title,
            kind=view.kind,
            description=view.description,
            clusters=list(view.clusters),
            facts=list(view.facts),
            collapsed=True,
        )
        kept_outside: list[Node] = []
        for n in view.nodes:
            if n.component is None or n.kind not in INTERNAL or n.outside:
                ids[n.component or n.id] = n.id
                kept_outside.append(n)
                continue
            key, label = self.group_key(n.component)
            gid = f"group:{n.cluster or ''}:{key}"
            if gid not in groups:
                groups[gid] = []
                labels[gid] = label
            groups[gid].append(n.component)
            ids[n.component] = gid
        parts: list[View] = []
        node_of = {n.id: n for n in view.nodes}
        for gid, members in groups.items():
            found = [f for m in members for f in self.on_comp.get(m, [])]
            key = gid.rsplit(":", 1)[1]
            cluster = node_of[members[0]].cluster
            sub_id = f"{stem}-group-{slug(key)}" + (
                f"-{slug(cluster.split(':', 1)[1])}" if cluster and ":" in cluster else ""
            )
            chunks = [members[i : i + MAX_NODES] for i in range(0, len(members), MAX_NODES)]
            part_ids = [sub_id if len(chunks) == 1 else f"{sub_id}-{i + 1}" for i in range(len(chunks))]
            out.nodes.append(
                Node(
                    id=gid,
                    label=labels[gid],
                    kind="group",
                    detail=f"{len(members)} components",
                    cluster=cluster,
                    severity=worst(found),
                    codes=codes_of(found),
                    tooltip=f"{labels[gid]}: {', '.join(members[:12])}"
                    + (f" and {len(members) - 12} more" if len(members) > 12 else "")
                    + f"\nsee the view {part_ids[0]}",
                )
            )
            for i, chunk in enumerate(chunks):
                title = f"{view.title}: {labels[gid]}"
                if len(chunks) > 1:
                    title += f" (part {i + 1} of {len(chunks)})"
                parts.append(self.group_view(part_ids[i], title, chunk, view))
        out.nodes.extend(kept_outside)
        out.edges = self.edges_among(ids)
        out.facts.append(
            f"{sum(len(m) for m in groups.values())} components are shown as {len(groups)} groups (by owner, else "
            f"tag, else kind), because a readable diagram holds at most {MAX_NODES}; each group has a view of its own."
        )
        return out, parts

    def group_view(self, view_id: str, title: str, members: list[str], parent: View) -> View:
        v = View(
            id=view_id,
            title=title,
            kind="group",
            description=f"Part of the view `{parent.id}`: these components, with what they call and what calls them "
            "faded.",
            clusters=[self.system_cluster()],
        )
        chosen = set(members)
        ids = {}
        for name in members:
            v.nodes.append(self.node(name, cluster="system"))
            ids[name] = name
        near: list[str] = []
        for e in self.model.edges:
            for a, b in ((e.source, e.target), (e.target, e.source)):
                if a in chosen and b not in chosen and b not in ids and b not in near:
                    near.append(b)
        if len(near) > MAX_NODES:
            v.facts.append(f"{len(near) - MAX_NODES} more neighbours are not drawn.")
            near = near[:MAX_NODES]
        for name in sorted(near, key=self.order.__getitem__):
            v.nodes.append(self.node(name, outside=True))
            ids[name] = name
        v.edges = self.edges_among(ids)
        return v


def _p99(items: list[Any]) -> float | None:
    from designc.analysis.graph import p99

    return p99(items) if items else None
