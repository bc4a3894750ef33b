"""Views of a design: which components, groups and edges each diagram shows.

Every diagram target (dot, svg, png, mermaid, html) draws the same views, computed here once per build from the
model, the analysis graph and the findings:

* ``context``: the system as one box, with the clients that call it and the externals it calls;
* ``container``: every component inside the system boundary, clients and externals outside it;
* ``deployment-REGION``: one per region, with its zones as clusters;
* ``entrypoint-NAME``: one per entrypoint, its synchronous dependencies with availability and latency
  budgets, the worst latency chain drawn bold; when they are more than ``MAX_NODES``, only the chain and the
  direct dependencies are drawn (`_Builder.focus`), each box saying how many of its own are left out;
* ``view-NAME``: the design's own `view` statements.

A view with more components than ``MAX_NODES`` is collapsed: one node per owner (else first tag, else kind),
and one more view per group showing its members and their neighbours (``container-group-KEY``).

Everything here is ordered by the design's declaration order or by name, never by hashing, so that the same
design always gives the same views.
"""

from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

MAX_NODES = 40  # a view with more components than this is collapsed into groups
MAX_EDGES = 120  # a collapsed view draws at most this many links between groups: the heaviest
MERGE_DETAIL = 16  # a link standing for more model edges than this is described from its first ones
VECTOR_FROM = 120  # views of this many components group their edges with numpy, in designs of ...
VECTOR_EDGES = 20_000  # ... this many edges: below it, the few large views do not repay importing numpy

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
    link: str | None = None  # the id of the view that shows what this node stands for (a group's own view)


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
    chain: list[str] = field(default_factory=list)  # an entrypoint view's worst latency chain, first to last

    def node(self, node_id: str) -> Node | None:
        for n in self.nodes:
            if n.id == node_id:
                return n
        return None


@dataclass
class _Pair:
    """The model edges between two nodes of a view: the first MERGE_DETAIL of them (indexes), how many, the
    worst severity's rank, every finding code (a bitmask), and whether any is synchronous."""

    a: str
    b: str
    shown: list[int]
    count: int
    rank: int
    codes: int
    sync: bool


# --- building the views ------------------------------------------------------------------------------------------

INTERNAL = ("service", "store", "stream", "queue", "cache")
COMPONENT_KINDS = (*INTERNAL, "external", "client")


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
            name = component_of(f.fingerprint, names)
            if name is None:
                continue
            comps.setdefault(name, []).append(f)
            parts = (f.fingerprint or "").partition("/")[2].split("/")
            if len(parts) > 1:
                ekind, _, target = parts[1].partition(":")
                if target in names:
                    edges.setdefault((name, ekind, target), []).append(f)
        return comps, edges

    return build.shared("findings_by_element", make)


def component_of(fingerprint: str | None, names: Any) -> str | None:
    """The component a finding is about, from its fingerprint (`CODE:system/kind:name[/...]`, the rules' element
    paths), if it names one of ``names``."""
    path = (fingerprint or "").partition("/")[2]
    kind, _, name = path.split("/")[0].partition(":")
    return name if kind in COMPONENT_KINDS and name in names else None


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
        ordered = sorted(found, key=lambda f: (-f.severity.rank, f.code, f.message))
        for f in ordered[:3]:
            tip.append(f"{f.code} {f.severity.value}: {f.message}")
        if len(ordered) > 3:
            tip.append(f"and {len(ordered) - 3} more: {', '.join(codes_of(ordered[3:]))}")
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

    def edge_facts(self) -> list[tuple[str, str, Edge]]:
        """Per model edge, in declaration order: its (source, target) components in drawing order (arrows follow
        the data for `consumes`: stream -> consumer) and the drawn edge with its label, tooltip and findings.
        Computed once; views copy them."""
        cached = self.build.cache.get("edge_facts")
        if cached is not None:
            return cached
        from designc.analysis.graph import duration

        out = []
        for e in self.model.edges:
            src, dst = (e.target, e.source) if e.kind == "consumes" else (e.source, e.target)
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
            drawn = Edge(
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
            out.append((src, dst, drawn))
        self.build.cache["edge_facts"] = out
        return out

    @property
    def edges_by_comp(self) -> dict[str, list[int]]:
        """The indexes of the model edges that touch each component."""
        cached = self.build.cache.get("edges_by_comp")
        if cached is None:
            cached = {}
            for i, e in enumerate(self.model.edges):
                cached.setdefault(e.source, []).append(i)
                if e.target != e.source:
                    cached.setdefault(e.target, []).append(i)
            self.build.cache["edges_by_comp"] = cached
        return cached

    def edges_among(self, ids: dict[str, str], sync_only: bool = False) -> list[Edge]:
        """The model's edges between nodes of a view (``ids`` maps a component to its node: itself, or the group
        that stands for it), parallel ones merged, in declaration order. An edge inside a group is not drawn.

        On large views the grouping is done with numpy (`_pairs_numpy`), in pure Python otherwise; both give the
        same pairs in the same order (a test compares them)."""
        return self.materialize(self.pairs_among(ids, sync_only)[0])

    def pairs_among(
        self,
        ids: dict[str, str],
        sync_only: bool = False,
        limit: int | None = None,
    ) -> tuple[list[_Pair], int, int]:
        """The node pairs of `edges_among`, before they are drawn, in order; with a ``limit``, only that many:
        the heaviest. Returns the pairs, how many there were in all, and how many model edges the left-out ones
        stand for."""
        if len(ids) > VECTOR_FROM and len(self.model.edges) > VECTOR_EDGES and len(self._codes()[0]) < 63:
            return self._pairs_numpy(ids, sync_only, limit)
        pairs = self._pairs_python(ids, sync_only)
        if limit is None or len(pairs) <= limit:
            return pairs, len(pairs), 0
        keep = set(heapq.nsmallest(limit, range(len(pairs)), key=lambda i: (-pairs[i].count, i)))
        dropped = sum(p.count for i, p in enumerate(pairs) if i not in keep)
        return [p for i, p in enumerate(pairs) if i in keep], len(pairs), dropped

    def materialize(self, pairs: list[_Pair]) -> list[Edge]:
        facts = self.edge_facts()
        return [self._merged(p, [facts[i][2] for i in p.shown]) for p in pairs]

    def _codes(self) -> tuple[dict[str, int], list[int], list[int]]:
        """Every finding code on an edge, numbered; and per model edge, its codes as a bitmask and the rank of
        its worst severity."""
        cached = self.build.cache.get("edge_codes")
        if cached is None:
            facts = self.edge_facts()
            numbered: dict[str, int] = {}
            for _, _, f in facts:
                for c in f.codes:
                    numbered.setdefault(c, len(numbered))
            masks = [sum(1 << numbered[c] for c in f.codes) for _, _, f in facts]
            ranks = [SEVERITY_RANK.get(f.severity or "", 0) for _, _, f in facts]
            cached = self.build.cache["edge_codes"] = (numbered, masks, ranks)
        return cached

    def _pairs_python(self, ids: dict[str, str], sync_only: bool) -> list[_Pair]:
        facts = self.edge_facts()
        _, masks, ranks = self._codes()
        if len(ids) * 4 > len(self.comps):  # most of the design: walking every edge is cheaper than picking
            chosen: Any = range(len(facts))
        else:
            by_comp = self.edges_by_comp
            picked: set[int] = set()
            for name in ids:
                picked.update(by_comp.get(name, ()))
            chosen = sorted(picked)
        merged: dict[tuple[str, str], _Pair] = {}
        get = ids.get
        for i in chosen:
            src, dst, drawn = facts[i]
            if sync_only and drawn.mode != "sync":
                continue
            a = get(src)
            if a is None:
                continue
            b = get(dst)
            if b is None or (a == b and a != src):
                continue
            key = (a, b)
            p = merged.get(key)
            if p is None:
                merged[key] = _Pair(a, b, [i], 1, ranks[i], masks[i], drawn.mode == "sync")
                continue
            p.count += 1
            if len(p.shown) < MERGE_DETAIL:
                p.shown.append(i)
            p.rank = max(p.rank, ranks[i])
            p.codes |= masks[i]
            p.sync = p.sync or drawn.mode == "sync"
        return list(merged.values())

    def _pairs_numpy(
        self,
        ids: dict[str, str],
        sync_only: bool,
        limit: int | None,
    ) -> tuple[list[_Pair], int, int]:
        import numpy as np

        src, dst, sync, masks, ranks = self._edge_arrays()
        index = self.order
        node_ids = list(dict.fromkeys(ids.values()))
        node_at = {n: k for k, n in enumerate(node_ids)}
        node_of = np.full(len(index) + 1, -1, dtype=np.int64)  # the last slot stays -1 for edges to nowhere
        grouped = np.zeros(len(node_ids), dtype=bool)
        for comp, nid in ids.items():
            ci = index.get(comp)
            if ci is not None:
                node_of[ci] = node_at[nid]
                if nid != comp:
                    grouped[node_at[nid]] = True
        a, b = node_of[src], node_of[dst]
        keep = (a >= 0) & (b >= 0)
        if sync_only:
            keep &= sync
        same = keep & (a == b)
        keep[same] = ~grouped[a[same]]
        edges = np.nonzero(keep)[0]
        if not len(edges):
            return [], 0, 0
        width = len(node_ids)
        key = a[edges] * width + b[edges]
        uniq, first, inverse, counts = np.unique(key, return_index=True, return_inverse=True, return_counts=True)
        order = np.argsort(inverse, kind="stable")
        grouped_edges = edges[order]  # the edges of each pair together, each pair's in declaration order
        starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
        chosen = np.argsort(first, kind="stable")  # pairs in the order their first edge is declared
        total = len(uniq)
        dropped = 0
        if limit is not None and total > limit:
            best = np.lexsort((first, -counts))[:limit]
            dropped = int(counts.sum() - counts[best].sum())
            chosen = best[np.argsort(first[best], kind="stable")]
        out = []
        for k in chosen.tolist():
            lo = int(starts[k])
            n = int(counts[k])
            shown = grouped_edges[lo : lo + min(n, MERGE_DETAIL)]
            out.append(
                _Pair(
                    node_ids[int(uniq[k] // width)],
                    node_ids[int(uniq[k] % width)],
                    shown.tolist(),
                    n,
                    int(ranks[grouped_edges[lo : lo + n]].max()),
                    int(np.bitwise_or.reduce(masks[grouped_edges[lo : lo + n]])),
                    bool(sync[grouped_edges[lo : lo + n]].any()),
                )
            )
        return out, total, dropped

    def _edge_arrays(self) -> Any:
        cached = self.build.cache.get("edge_arrays")
        if cached is None:
            import numpy as np

            index = self.order
            facts = self.edge_facts()
            _, masks, ranks = self._codes()
            nowhere = len(index)
            cached = (
                np.array([index.get(s, nowhere) for s, _, _ in facts], dtype=np.int64),
                np.array([index.get(d, nowhere) for _, d, _ in facts], dtype=np.int64),
                np.array([f.mode == "sync" for _, _, f in facts], dtype=bool),
                np.array(masks, dtype=np.int64),
                np.array(ranks, dtype=np.int64),
            )
            self.build.cache["edge_arrays"] = cached
        return cached

    def _merged(self, p: _Pair, known: list[Edge]) -> Edge:
        """One drawn edge for the model edges between two nodes: ``known`` are the first MERGE_DETAIL of them;
        the pair carries the count, the worst severity and every finding code of all of them."""
        first = known[0]
        if p.count == 1:
            return Edge(**{**first.__dict__, "source": p.a, "target": p.b, "codes": list(first.codes)})
        numbered = self._codes()[0]
        codes = sorted(c for c, bit in numbered.items() if p.codes >> bit & 1)
        kinds = {x.kind for x in known}
        labels = list(dict.fromkeys(x.label for x in known if x.label))
        label = ", ".join(labels)
        if len(label) > 40 or p.count > len(known):
            label = f"{p.count} dependencies"
        tips = [f"{p.count} dependencies:"] + [x.tooltip.split("\n", 1)[0] for x in known[:6]]
        if p.count > 6:
            tips.append(f"... and {p.count - 6} more")
        if codes:
            tips.append(f"findings: {', '.join(codes)}")
        return Edge(
            source=p.a,
            target=p.b,
            mode="sync" if p.sync else "async",
            kind=first.kind if len(kinds) == 1 and p.count == len(known) else "mixed",
            label=label,
            count=p.count,
            soft=all(x.soft for x in known),
            severity={v: k for k, v in SEVERITY_RANK.items()}.get(p.rank),
            codes=codes,
            tooltip="\n".join(tips),
        )

    def internal(self) -> list[str]:
        return [c.name for c in self.model.components if c.kind in INTERNAL]

    def system_cluster(self) -> Cluster:
        s = self.system
        return Cluster(id="system", label=s.title or s.name, kind="system")

    # --- views ------------------------------------------------------------------------------------------------

    def all(self) -> list[View]:
        """Context, container, deployments, entrypoints, the design's own views, then the group views. Only a
        design of more than MAX_NODES components has group views: one set, made with the container view, that
        every collapsed view's group nodes link to."""
        out = [self.context(), self.container()]
        for r in self.model.regions:
            out.append(self.deployment(r.name))
        for ep in self.g.entrypoints:
            out.append(self.entrypoint(ep))
        for v in getattr(self.system, "views", None) or []:
            out.append(self.custom(v))
        out += self.groups() if out[1].collapsed else []
        # ids are file names: names that differ only in case or punctuation (`Api`, `api`) must not collide
        taken: set[str] = set()
        for v in out:
            base, i = v.id, 2
            while v.id in taken:
                v.id, i = f"{base}-{i}", i + 1
            taken.add(v.id)
        return out

    def finish(
        self,
        v: View,
        entries: list[tuple[str, str | None, bool, str]],
        sync_only: bool = False,
        decorate: Any = None,
    ) -> View:
        """Fill a view with its components ((name, cluster, outside, note) each, in order) and the edges between
        them; a view of more than MAX_NODES components shows groups instead (see `collapse`)."""
        inside = sum(1 for name, _, outside, _ in entries if not outside and self.comps[name].kind in INTERNAL)
        if inside > MAX_NODES:
            return self.collapse(v, entries, sync_only, decorate)
        ids = {}
        for name, cluster, outside, note in entries:
            n = self.node(name, cluster=cluster, outside=outside, note=note)
            if decorate is not None:
                decorate(n)
            v.nodes.append(n)
            ids[name] = name
        faded = {name for name, _, outside, _ in entries if outside}
        v.edges = [e for e in self.edges_among(ids, sync_only) if not (e.source in faded and e.target in faded)]
        if not sync_only:
            v.edges += self.replication_edges(ids, faded)
        return v

    def replication_edges(self, ids: dict[str, str], faded: set[str]) -> list[Edge]:
        """Read replicas stated as another store's (`replica_of`), drawn from the primary to them as the data
        flows: no call joins them, so without this the replicas would float apart from what feeds them."""
        from designc.analysis.graph import replica_feed

        out = []
        for c in self.model.components:
            mode = replica_feed(c)
            if mode is None or c.replica_of not in ids or c.name not in ids:
                continue
            if c.name in faded and c.replica_of in faded:
                continue
            out.append(
                Edge(
                    source=ids[c.replica_of],
                    target=ids[c.name],
                    mode=mode,
                    kind="replicates",
                    label=f"replicates ({mode})",
                    tooltip=f"{c.name}: read replicas of {c.replica_of} (replica_of), fed {mode}hronously",
                )
            )
        return out

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
                detail=_count(len(internal), "component"),
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
        entries = [(c.name, "system" if c.kind in INTERNAL else None, False, "") for c in self.model.components]
        return self.finish(v, entries)

    def neighbours(self, chosen: set[str], skip: set[str] | frozenset[str] = frozenset()) -> list[str]:
        """The components outside ``chosen`` that an edge joins to one inside it, in declaration order."""
        near: set[str] = set()
        by_comp = self.edges_by_comp
        edges = self.model.edges
        for name in chosen:
            for i in by_comp.get(name, ()):
                e = edges[i]
                other = e.target if e.source == name else e.source
                if other not in chosen and other not in skip:
                    near.add(other)
        return sorted(near, key=self.order.__getitem__)

    def deployment(self, region: str) -> View:
        from designc.model import Cache, Queue, Store

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
        entries: list[tuple[str, str | None, bool, str]] = []
        for name, zones in here.items():
            key = tuple(z for z in r.zones if z in zones) or tuple(zones)
            if key not in zone_sets:
                cid = f"zones:{region}:{'-'.join(key)}"
                zone_sets[key] = cid
                label = f"zone {key[0]}" if len(key) == 1 else f"zones {', '.join(key)}"
                v.clusters.append(Cluster(id=cid, label=label, kind="zones", parent=f"region:{region}"))
            entries.append((name, zone_sets[key], False, ""))
        # what in-region components depend on or are used by outside the region, faded
        for name in self.neighbours(set(here)):
            c = self.comps[name]
            where = ", ".join(self.g.placement[name]) if c.kind in INTERNAL else ""
            entries.append((name, None, c.kind in INTERNAL, f"in {where}" if where else ""))
        if not here:
            v.facts.append(f"Nothing is placed in {region}.")

        def role(n: Node) -> None:
            """Where a replicated store takes its writes: here, or a replica of another region's writer."""
            if n.component not in here:
                return
            c = self.comps[n.component]
            rep = c.replication if isinstance(c, (Store, Queue, Cache)) else None
            regions = list(self.g.placement[n.component])
            if rep is None or len(regions) < 2:
                return
            if isinstance(c, Cache) and rep.spread != "regions" and not rep.regions and rep.cross_region is None:
                # replicated within each region (zones): each region's copy is a cache of its own, filled by
                # its own misses, not a copy of another region's
                n.badge = "one per region"
            elif rep.writers != "single":  # multi-writer, or not stated: no claim about where writes go
                n.badge = "takes writes here (multi-writer)" if rep.writers == "multi" else f"{rep.mode} copy"
            elif regions[0] == region:
                n.badge = "the writer"
            else:
                n.badge = f"{rep.mode.replace('_', '-')} replica of {regions[0]}"

        return self.finish(v, entries, decorate=role)

    def entrypoint(self, ep: str) -> View:
        from designc.analysis.graph import duration, minutes_per_30_days, pct
        from designc.analysis.graph import minutes as fmt_minutes

        g = self.g
        c = self.comps[ep]
        reach, internal = self.sync_reach()
        bits = reach[ep]
        chain = g.chain_path(ep)
        on_chain = set(itertools.pairwise(chain))
        v = View(
            id=f"entrypoint-{slug(ep)}",
            title=f"Entrypoint: {c.title or ep}",
            kind="entrypoint",
            description=f"What a request to {ep} waits on: its synchronous dependencies, with each one's "
            "availability and p99 latency; the worst latency chain is bold, soft dependencies are grey.",
            clusters=[self.system_cluster()],
        )
        callers = list(
            dict.fromkeys(
                x.source for x in g.inc[ep] if self.comps[x.source].kind == "client" and not bits & g.bit[x.source]
            )
        )
        caller_set = set(callers)

        def badge(n: Node) -> None:
            if n.id in caller_set:
                return
            a = g.own_availability(n.id).value
            p = _p99(self.comps[n.id].latency)
            n.badge = " · ".join(
                x for x in (pct(a) if a is not None else "", f"p99 {duration(p)}" if p is not None else "") if x
            )

        v.chain = chain
        if (bits & internal).bit_count() > MAX_NODES:
            self.focus(v, ep, callers, bits, badge)
        else:
            entries = [(name, None, False, "") for name in callers]
            entries += [
                (name, "system" if self.comps[name].kind in INTERNAL else None, False, "") for name in g.members(bits)
            ]
            self.finish(v, entries, sync_only=True, decorate=badge)
        for x in v.edges:
            x.bold = (x.source, x.target) in on_chain
        allowed, unknown_bits = g.composite(ep)
        goal = g.availability_objective(ep)
        if unknown_bits == g.closure[ep] | g.bit[ep]:
            line = "Availability its hard dependencies allow: unknown (no component on the path states a figure)"
        else:
            least = "at least " if unknown_bits else ""
            line = f"Availability its hard dependencies allow: {'at most ' if unknown_bits else ''}{pct(allowed)}"
            line += f" ({least}{fmt_minutes(minutes_per_30_days(allowed))} of downtime per 30 days)"
        av = g.availability_verdict(ep)
        if goal is not None:
            line += f"; objective {pct(goal[0])} ({goal[1]}): {_verdict(av)}"
        v.facts.insert(0, line)
        unknown = g.members(unknown_bits, limit=8)
        if unknown:
            more = unknown_bits.bit_count() - len(unknown)
            v.facts.insert(
                1,
                f"No availability figure for {', '.join(unknown)}"
                + (f" and {more} more" if more > 0 else "")
                + " (left out, so the figure is a bound).",
            )
        ch = g.chains[ep]
        shown = chain if len(chain) <= 8 else [*chain[:4], "…", *chain[-3:]]
        unknown_steps = g.chain_unknown(ep)
        if len(unknown_steps) >= len(g.chain_path(ep)):
            p99 = "unknown (no step states a latency)"
        else:
            p99 = ("at least " if unknown_steps else "") + duration(ch.latency)
        lat = f"Worst p99 latency chain: {' → '.join(shown)}: {p99}"
        lg = g.latency_objective(ep)
        if lg is not None:
            lat += f"; objective {duration(lg[0])} ({lg[1]}): {_verdict(g.latency_verdict(ep))}"
        at = 2 if unknown else 1
        v.facts.insert(at, lat)
        v.facts.insert(
            at + 1,
            "Longest wait the timeouts allow: "
            + (f"unbounded ({ch.untimed} states no timeout)" if ch.untimed else duration(ch.timeouts))
            + f"; retry amplification {ch.amplification}x.",
        )
        return v

    def sync_reach(self) -> tuple[dict[str, int], int]:
        """Per component, the bitset (the graph's `bit`) of itself and every component it reaches by synchronous
        edges, worked out once over the strongly connected components; and the bitset of the components inside
        the system."""

        def make() -> tuple[dict[str, int], int]:
            from designc.analysis.graph import tarjan

            g = self.g
            bit = g.bit
            comp_of, sccs = tarjan(g.comps, {n: [e.target for e in es] for n, es in g.sync_out.items()})
            reach = [0] * len(sccs)
            for i, members in enumerate(sccs):  # every component's successors come before it
                acc = 0
                for m in members:
                    acc |= bit[m]
                    for e in g.sync_out[m]:
                        j = comp_of[e.target]
                        if j != i:
                            acc |= reach[j]
                reach[i] = acc
            internal = 0
            for name, c in g.comps.items():
                if c.kind in INTERNAL:
                    internal |= bit[name]
            return {n: reach[comp_of[n]] for n in g.comps}, internal

        return self.build.shared("sync_reach", make)

    @cached_property
    def flagged(self) -> int:
        """The bitset of the components with findings."""
        bits = 0
        for name in self.on_comp:
            bits |= self.g.bit[name]
        return bits

    def focus(self, v: View, ep: str, callers: list[str], reach: int, decorate: Any) -> None:
        """An entrypoint view whose dependencies are too many to draw: the entrypoint, its worst latency chain
        and its direct synchronous dependencies (at most MAX_NODES / 2 of those off the chain), with the calls
        along the chain and from the entrypoint. Each drawn component says how many of its own
        dependencies are not drawn; the budgets in the view's facts still count every dependency."""
        g = self.g
        direct = sorted({e.target for e in g.sync_out[ep]}, key=self.order.__getitem__)
        on_chain = set(v.chain)
        off = [d for d in direct if d not in on_chain]
        shown = list(dict.fromkeys([ep, *v.chain, *off[: MAX_NODES // 2]]))
        drawn = set(shown)
        for name in callers:
            v.nodes.append(self.node(name))
        for name in sorted(shown, key=self.order.__getitem__):
            n = self.node(name, cluster="system" if self.comps[name].kind in INTERNAL else None)
            decorate(n)
            hidden = list(dict.fromkeys(e.target for e in g.sync_out[name] if e.target not in drawn))
            if hidden:
                n.badge = " · ".join(x for x in (n.badge, f"+{len(hidden)} not drawn") if x)
                n.tooltip += f"\nits dependencies not drawn here: {', '.join(hidden[:12])}" + (
                    f" and {len(hidden) - 12} more" if len(hidden) > 12 else ""
                )
            v.nodes.append(n)
        ids = {name: name for name in [*callers, *shown]}
        pairs = self._pairs_python(ids, sync_only=True)
        chain = set(itertools.pairwise(v.chain))
        starts = {ep, *callers}
        kept = [p for p in pairs if p.a in starts or (p.a, p.b) in chain]
        v.edges = self.materialize(kept)
        rest = reach
        for name in drawn:
            rest &= ~g.bit[name]
        found = [f for name in g.members(rest & self.flagged) for f in self.on_comp[name]]
        which = "its direct dependencies"
        if len(off) > MAX_NODES // 2:
            which = f"{MAX_NODES // 2} of its {len(off)} direct dependencies off the chain"
        v.facts.append(
            f"Drawn: {ep}, its worst latency chain and {which}, with the calls along the chain and "
            f"from {ep}; the other {rest.bit_count()} components it waits on are not drawn (the figures above count "
            'them all, and a box\'s "+N not drawn" says how many of its own dependencies are left out).'
            + (f" Findings on them: {', '.join(codes_of(found))}." if found else "")
        )
        left = sum(p.count for p in pairs if p.a not in starts and (p.a, p.b) not in chain)
        if left:
            v.facts.append(
                f"Not drawn either: {left} {'dependency' if left == 1 else 'dependencies'} between drawn "
                "components off the chain; the document lists them all."
            )

    def custom(self, spec: Any) -> View:
        names = self.select(spec)
        v = View(
            id=f"view-{slug(spec.name)}",
            title=spec.title or spec.name,
            kind="custom",
            description=spec.description or f"The design's view {spec.name}: " + self.describe_selectors(spec),
            clusters=[self.system_cluster()],
        )
        entries = [(name, "system" if self.comps[name].kind in INTERNAL else None, False, "") for name in names]
        if getattr(spec, "neighbours", False):
            excluded = set().union(*(self.matches(sel) for sel in spec.exclude)) if spec.exclude else set()
            entries += [
                (name, "system" if self.comps[name].kind in INTERNAL else None, True, "")
                for name in self.neighbours(set(names), excluded)
            ]
        if not names:
            v.facts.append("The view's selectors match no component.")
        return self.finish(v, entries)

    def describe_selectors(self, spec: Any) -> str:
        def one(sel: Any) -> str:
            if sel.by == "all":
                return "every component"
            if sel.by == "names":
                return ", ".join(sel.values)
            return f"{sel.by} {', '.join(sel.values)}"

        text = "; ".join(one(x) for x in spec.include) or "every component"
        if spec.exclude:
            text += ", less " + "; ".join(one(x) for x in spec.exclude)
        return text + (", with their neighbours faded." if getattr(spec, "neighbours", False) else ".")

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

    def group_view_ids(self) -> dict[str, list[str]]:
        """The ids of each group's view (parts when a group is over the limit), by group key, and its members."""

        def make() -> dict[str, tuple[str, list[list[str]], list[str]]]:
            members: dict[str, list[str]] = {}
            for name in self.internal():
                members.setdefault(self.group_key(name)[0], []).append(name)
            out = {}
            stems: set[str] = set()
            for key, names in members.items():
                chunks = [names[i : i + MAX_NODES] for i in range(0, len(names), MAX_NODES)]
                stem, n = f"container-group-{slug(key)}", 2
                while stem in stems:  # owners that differ only in case or punctuation
                    stem, n = f"container-group-{slug(key)}-{n}", n + 1
                stems.add(stem)
                ids = [stem if len(chunks) == 1 else f"{stem}-{i + 1}" for i in range(len(chunks))]
                out[key] = (ids, chunks, names)
            return out

        return self.build.shared("group_views", make)

    def collapse(
        self,
        v: View,
        entries: list[tuple[str, str | None, bool, str]],
        sync_only: bool = False,
        decorate: Any = None,
    ) -> View:
        """The view with its components shown as one node per group (per cluster), each linking to the group's
        own view; clients, externals and faded neighbours stay as they are. Of the links between groups, the
        MAX_EDGES heaviest are drawn."""
        groups: dict[str, list[str]] = {}
        where: dict[str, tuple[str, str, str | None]] = {}
        ids: dict[str, str] = {}
        kept: list[Node] = []
        for name, cluster, outside, note in entries:
            if outside or self.comps[name].kind not in INTERNAL:
                n = self.node(name, cluster=cluster, outside=outside, note=note)
                if decorate is not None:
                    decorate(n)
                kept.append(n)
                ids[name] = name
                continue
            key, label = self.group_key(name)
            gid = f"group:{cluster or ''}:{key}"
            if gid not in groups:
                groups[gid] = []
                where[gid] = (key, label, cluster)
            groups[gid].append(name)
            ids[name] = gid
        views = self.group_view_ids()
        for gid, members in groups.items():
            key, label, cluster = where[gid]
            found = [f for m in members for f in self.on_comp.get(m, [])]
            part_ids = views[key][0]
            v.nodes.append(
                Node(
                    id=gid,
                    label=label,
                    kind="group",
                    detail=_count(len(members), "component"),
                    cluster=cluster,
                    severity=worst(found),
                    codes=codes_of(found),
                    tooltip=f"{label}: {', '.join(members[:12])}"
                    + (f" and {len(members) - 12} more" if len(members) > 12 else "")
                    + f"\nsee the view {part_ids[0]}",
                    link=part_ids[0],
                )
            )
        v.nodes.extend(kept)
        pairs, total, dropped = self.pairs_among(ids, sync_only, MAX_EDGES)
        v.collapsed = True
        v.facts.append(
            f"{sum(len(m) for m in groups.values())} components are shown as {len(groups)} groups (by owner, else "
            f"tag, else kind), because a readable diagram holds at most {MAX_NODES}; each group has a view of its own."
        )
        if total > len(pairs):
            v.facts.append(
                f"{total - len(pairs)} of the {total} links between groups ({dropped} dependencies) are not drawn: "
                "the heaviest are; each group's own view has them all."
            )
        faded = {name for name, _, outside, _ in entries if outside}
        v.edges = [e for e in self.materialize(pairs) if not (e.source in faded and e.target in faded)]
        return v

    def groups(self) -> list[View]:
        """One view per group of components (in parts when a group alone is over the limit)."""
        out = []
        title = f"Containers: {self.system.title or self.system.name}"
        for part_ids, chunks, names in self.group_view_ids().values():
            label = self.group_key(names[0])[1]
            for i, chunk in enumerate(chunks):
                t = f"{title}: {label}" + (f" (part {i + 1} of {len(chunks)})" if len(chunks) > 1 else "")
                out.append(self.group_view(part_ids[i], t, chunk))
        return out

    def group_view(self, view_id: str, title: str, members: list[str]) -> View:
        v = View(
            id=view_id,
            title=title,
            kind="group",
            description="Part of the container view: these components, with what they call and what calls them faded.",
            clusters=[self.system_cluster()],
        )
        near = self.neighbours(set(members))
        if len(near) > MAX_NODES:
            v.facts.append(f"{len(near) - MAX_NODES} more neighbours are not drawn.")
            near = near[:MAX_NODES]
        entries = [(name, "system", False, "") for name in members] + [
            (name, "system" if self.comps[name].kind in INTERNAL else None, True, "") for name in near
        ]
        return self.finish(v, entries)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _p99(items: list[Any]) -> float | None:
    from designc.analysis.graph import p99

    return p99(items) if items else None


def _verdict(v: Any) -> str:
    """The rules' verdict on an objective (as AVL001 and LAT001 judge it), in a diagram's facts."""
    if v.per_flow:
        missed = [f.flow for f in v.flows if f.met is False]
        if missed:
            return f"NOT met by flow{'s' if len(missed) > 1 else ''} {', '.join(missed)} (judged per flow)"
        if v.met is None:
            return "not judged (its flows have no figures)"
        return "met by every flow (judged per flow)"
    return {True: "met", False: "NOT met", None: "not judged (no figures)"}[v.met]
