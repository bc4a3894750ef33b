"""A deterministic layered layout of a diagram view, and its rendering to SVG, in pure Python.

Used by the `html` target, which must lay out every view of a design in well under a second, without Graphviz.

The layout (a simplified Sugiyama layout, left to right):

1. Cycles are broken by a depth-first search over the nodes in declaration order (sources first): an edge that
   closes a cycle is laid out reversed.
2. Layers by longest path from the sources; a source is then pulled right next to its nearest successor; empty
   layers are dropped.
3. Virtual nodes: the layers become the even ranks of twice as many, the odd ranks between them hold edge labels.
   An edge gets a virtual node in each node rank it crosses and one in the middle label rank for its label (as wide
   as the label), so that it is ordered and placed like a node and so routed around the boxes; an edge within one
   layer (or a loop) turns back in a virtual node in the next rank. A virtual node sits in the clusters of its
   nearer end while they reach its rank, else in the innermost cluster holding both ends, between its sub-clusters.
   A large view (its edges crossing more than LANES_FROM layers) gives a long edge one virtual node spanning all its
   ranks instead, a straight lane, and orders the nodes alone: the cost stays that of the nodes and edges.
4. The order within each rank by a few barycenter sweeps (down then up, stopping early at a fixed point), sorting
   each rank by cluster first (a cluster's key is the mean barycenter of its members in that rank) so that clusters
   stay contiguous; ties are broken by declaration index.
5. Vertical placement per cluster, bottom up: a cluster's children (sub-clusters, loose nodes, virtual nodes) are
   packed top to bottom in rank order on a skyline over the ranks they span, so that two siblings that share a rank
   never overlap (a virtual node takes a thin slot, or the label's height); a rank holding only loose nodes is then
   aligned with their neighbours.
6. Edges are paths of cubic pieces: from the source's side straight to its column's edge, then for each virtual
   node a curve with level ends across the gap to its column and a straight line across it, then into the target.
   Only gaps and label columns, which hold no box, see anything but straight lines: no edge crosses a box. Ports
   are spread along a side in the order of the next point on each edge; labels sit on their virtual nodes, in the
   space they reserved, so they overlap neither boxes nor each other.

Cost: linear in nodes plus virtual nodes per sweep, plus a sort per rank; a few milliseconds for 40 nodes and 120 edges.
Everything is ordered by declaration index, never by hashing: the same view always gives the same bytes.
"""

from __future__ import annotations

import gc
import re
from dataclasses import dataclass, field
from typing import Any

_XML = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})  # xml.sax.saxutils' escape, and `"`

# --- geometry --------------------------------------------------------------------------------------------------

MARGIN = 24
LAYER_GAP = 60  # horizontal space between layers, before cluster padding
NODE_GAP = 22  # vertical space between boxes in a layer
CLUSTER_PAD = 14  # inner padding of a cluster on the sides and at the bottom
CLUSTER_HEAD = 26  # the cluster's label band at the top
LABEL_CHAR = 7.6  # width of one character of a 13px semi-bold label
DETAIL_CHAR = 6.4  # width of one character of 11px detail text
MAX_LABEL = 34  # longer labels are cut with an ellipsis (the tooltip has them whole)
MAX_DETAIL = 40
SWEEPS = 4
LEGEND_H = 34
EDGE_LABEL_CHAR = 6.0  # width of one character of a 10.5px edge label
MAX_EDGE_LABEL = 36
LABEL_SLOT = 20  # the height an edge's label takes in its column: the text, then the line 16px down
EDGE_SLOT = 6  # the height an edge without a label takes in a column it crosses, its line in the middle
DUMMY_GAP = 8  # vertical space between an edge's slot and whatever is next to it in its column
LANES_FROM = 400  # a view whose edges cross more layers than this draws its long edges as straight lanes

FONT = "Inter, 'Segoe UI', system-ui, -apple-system, Roboto, 'Helvetica Neue', Arial, sans-serif"

# fill, stroke per kind
PALETTE: dict[str, tuple[str, str]] = {
    "service": ("#eef3ff", "#4c6ef5"),
    "store": ("#f3f0ff", "#7048e8"),
    "cache": ("#f4fce3", "#5c940d"),  # olive: not the warnings' orange, nor the stores' purple
    "stream": ("#e6fcf5", "#0c8599"),
    "queue": ("#e6fcf5", "#099268"),
    "external": ("#f8f9fa", "#868e96"),
    "client": ("#ffffff", "#495057"),
    "system": ("#e7f5ff", "#1864ab"),
    "group": ("#f1f3f5", "#495057"),
}
SEVERITY_COLOUR = {"error": "#e03131", "warning": "#f08c00", "info": "#1c7ed6"}
CLUSTER_STYLE = {  # fill, stroke, dash
    "system": ("#f8fbff", "#74c0fc", ""),
    "region": ("#fbfbfc", "#adb5bd", ""),
    "zones": ("#ffffff", "#ced4da", "4 3"),
    "group": ("#fcfcfd", "#adb5bd", "6 3"),
}
EDGE_COLOUR = "#6b7280"
KIND_NAMES = {
    "service": "service",
    "store": "store",
    "cache": "cache",
    "stream": "stream",
    "queue": "queue",
    "external": "external",
    "client": "client",
    "system": "system",
    "group": "group",
}


@dataclass
class PlacedNode:
    node: Any  # _views.Node
    x: float
    y: float
    w: float
    h: float
    layer: int
    index: int  # declaration index in the view


@dataclass
class PlacedCluster:
    cluster: Any  # _views.Cluster
    x: float
    y: float
    w: float
    h: float
    depth: int  # 0 for a top-level cluster


@dataclass
class PlacedEdge:
    edge: Any  # _views.Edge
    points: list[tuple[float, float]]  # a path of cubic pieces: the start, then control 1, control 2, end per piece
    label_at: tuple[float, float]  # the label's centre on the line: the text sits just above it
    reversed: bool = False
    label: str = ""  # the text drawn on the edge, if any
    label_w: float = 0.0  # its estimated width

    def label_box(self) -> tuple[float, float, float, float] | None:
        """The box the label's text (with its halo) takes: x, y, width, height."""
        if not self.label:
            return None
        x, y = self.label_at
        return (x - self.label_w / 2, y - 14, self.label_w, 13)


@dataclass
class _Route:
    index: int  # the edge's index in the view
    edge: Any
    chain: list[str]  # its virtual nodes, from source to target
    label_node: str | None  # the virtual node that holds its label
    text: str
    text_w: float


@dataclass
class _Block:
    height: float
    y: dict[str, float]  # node id -> top, relative to the block's content top
    cy: dict[str, tuple[float, float]]  # cluster id -> (top, height), relative
    span: tuple[int, int]  # the ranks it covers
    rank: float
    first: int


@dataclass
class Layout:
    width: float
    height: float
    nodes: dict[str, PlacedNode] = field(default_factory=dict)
    clusters: list[PlacedCluster] = field(default_factory=list)
    edges: list[PlacedEdge] = field(default_factory=list)


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def edge_text(edge: Any) -> str:
    """The label drawn on an edge: its text and how many edges it stands for (unless the text says so), cut."""
    many = edge.count > 1 and not edge.label.endswith("dependencies")
    return cut(edge.label + (f" ×{edge.count}" if many else ""), MAX_EDGE_LABEL)


def label_width(text: str) -> float:
    return round(len(text) * EDGE_LABEL_CHAR + 6)


def node_size(node: Any) -> tuple[float, float]:
    """A box's width and height, estimated from its text (no font metrics in pure Python)."""
    label = cut(node.label, MAX_LABEL)
    detail = cut(node.detail, MAX_DETAIL)
    badge = cut(getattr(node, "badge", "") or "", MAX_DETAIL)
    text_w = max(len(label) * LABEL_CHAR, len(detail) * DETAIL_CHAR, len(badge) * DETAIL_CHAR)
    extra = {"stream": 26, "queue": 26, "client": 24, "cache": 8, "group": 8}.get(node.kind, 0)
    w = max(116.0, text_w + 28 + extra)
    h = 38.0 + (16 if detail else 0) + (16 if badge else 0)
    if node.kind == "store":
        h += 10
    if node.kind == "group":
        h += 6
    if node.kind == "system":
        w, h = max(w + 40, 200.0), max(h + 30, 84.0)
    return round(w), round(h)


# --- layout ----------------------------------------------------------------------------------------------------


def layout(view: Any) -> Layout:
    """The view laid out. The cyclic garbage collector is paused meanwhile: the layout allocates many small
    short-lived containers (points, slots), none of them in a cycle, and in a large build the collector's passes over
    everything else alive took as long as the layout itself."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return _layout(view)
    finally:
        if paused:
            gc.enable()


def _layout(view: Any) -> Layout:
    nodes = list(view.nodes)
    if not nodes:
        return Layout(width=2 * MARGIN + 200, height=2 * MARGIN + 40)
    index = {n.id: i for i, n in enumerate(nodes)}
    by_id = {n.id: n for n in nodes}
    sizes = {n.id: node_size(n) for n in nodes}

    # clusters: parent chain, only clusters that exist; a cycle in parents is cut
    clusters = {c.id: c for c in view.clusters}
    corder = {c.id: i for i, c in enumerate(view.clusters)}

    def parent_of(cid: str) -> str | None:
        p = clusters[cid].parent
        return p if p in clusters and p != cid else None

    paths: dict[str, tuple[str, ...]] = {}

    def cluster_path(cid: str | None) -> tuple[str, ...]:
        if cid is None or cid not in clusters:
            return ()
        if cid in paths:
            return paths[cid]
        chain: list[str] = []
        seen: set[str] = set()
        cur: str | None = cid
        while cur is not None and cur not in seen:
            seen.add(cur)
            chain.append(cur)
            cur = parent_of(cur)
        paths[cid] = tuple(reversed(chain))
        return paths[cid]

    npath = {n.id: cluster_path(n.cluster) for n in nodes}

    # edges between known nodes, merged per (source, target) for the layout
    pairs: list[tuple[str, str]] = []
    seen_pairs: set[tuple[str, str]] = set()
    for e in view.edges:
        if e.source in index and e.target in index and e.source != e.target:
            p = (e.source, e.target)
            if p not in seen_pairs:
                seen_pairs.add(p)
                pairs.append(p)

    # 1. break cycles: DFS in declaration order, sources first
    succ: dict[str, list[str]] = {n.id: [] for n in nodes}
    has_pred: set[str] = set()
    for s, t in pairs:
        succ[s].append(t)
        has_pred.add(t)
    reversed_pairs: set[tuple[str, str]] = set()
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    roots = [n.id for n in nodes if n.id not in has_pred] + [n.id for n in nodes if n.id in has_pred]
    for root in roots:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(succ[root]))]
        while stack:
            v, it = stack[-1]
            for t in it:
                st = state.get(t)
                if st is None:
                    state[t] = 1
                    stack.append((t, iter(succ[t])))
                    break
                if st == 1:
                    reversed_pairs.add((v, t))
            else:
                state[v] = 2
                stack.pop()
    dag: list[tuple[str, str]] = []
    dag_seen: set[tuple[str, str]] = set()
    for s, t in pairs:
        p = (t, s) if (s, t) in reversed_pairs else (s, t)
        if p not in dag_seen:
            dag_seen.add(p)
            dag.append(p)
    dsucc: dict[str, list[str]] = {n.id: [] for n in nodes}
    dpred: dict[str, list[str]] = {n.id: [] for n in nodes}
    for s, t in dag:
        dsucc[s].append(t)
        dpred[t].append(s)

    # 2. longest-path layers (Kahn's order, declaration order among the ready)
    indeg = {n.id: len(dpred[n.id]) for n in nodes}
    ready = [n.id for n in nodes if indeg[n.id] == 0]
    topo: list[str] = []
    layer: dict[str, int] = {}
    import heapq

    heap = [(index[v], v) for v in ready]
    heapq.heapify(heap)
    while heap:
        _, v = heapq.heappop(heap)
        topo.append(v)
        layer[v] = max((layer[u] + 1 for u in dpred[v]), default=0)
        for t in dsucc[v]:
            indeg[t] -= 1
            if indeg[t] == 0:
                heapq.heappush(heap, (index[t], t))
    for v in reversed(topo):  # pull sources (not clients) next to their nearest successor
        if not dpred[v] and dsucc[v] and by_id[v].kind != "client":
            layer[v] = max(layer[v], min(layer[t] for t in dsucc[v]) - 1)
    # clients alone in the first layer, externals that call nothing in the last: the C4 reading order
    if any(by_id[v].kind == "client" for v in layer) and any(by_id[v].kind != "client" for v in layer):
        for v in layer:
            if by_id[v].kind != "client":
                layer[v] += 1
            elif not dpred[v]:
                layer[v] = 0
    # (an external only clients reach, such as DNS or a CDN, stays beside them: the system does not call it)
    sinks = [
        v
        for v in layer
        if by_id[v].kind == "external"
        and not dsucc[v]
        and not npath[v]
        and not all(by_id[u].kind == "client" for u in dpred[v])
    ]
    if sinks and len(sinks) < len(layer):
        last = max(layer[v] for v in layer if v not in sinks) + 1
        for v in sinks:
            layer[v] = last
    kept = sorted(set(layer.values()))  # no empty layers (moving clients and externals may leave some)
    if kept[-1] != len(kept) - 1:
        renum = {v: i for i, v in enumerate(kept)}
        layer = {v: renum[x] for v, x in layer.items()}

    # 3. virtual nodes: the layers are doubled (nodes on even ranks, edge labels on odd ones) and every edge gets one
    # virtual node per node rank it crosses and one for its label, so that it is ordered and placed like a node and
    # routed around the boxes; an edge within one layer (or a loop) gets one in the next rank, where it turns back.
    # In a large view a long edge gets one virtual node spanning all the ranks it crosses instead: a straight lane.
    rank: dict[Any, int] = {v: 2 * layer[v] for v in layer}
    ordinal: dict[Any, int] = dict(index)  # ties: declaration index; virtual nodes after the nodes, in creation order
    size: dict[Any, tuple[float, float]] = {v: (float(w), float(h)) for v, (w, h) in sizes.items()}
    anchor: dict[Any, float] = {v: h / 2 for v, (_, h) in size.items()}  # where edges meet it, from its top
    virtual: set[Any] = set()
    turns: set[int] = set()  # the virtual nodes where an edge within one layer turns back
    lanes: dict[int, tuple[int, int, int]] = {}  # a long edge's lane in a large view -> first rank, last, label rank
    gpred: dict[Any, list[Any]] = {n.id: [] for n in nodes}
    gsucc: dict[Any, list[Any]] = {n.id: [] for n in nodes}
    routes: list[_Route] = []
    drawn = [e for e in view.edges if e.source in index and e.target in index]
    lane_mode = sum(max(abs(layer[e.source] - layer[e.target]), 1) for e in drawn) > LANES_FROM
    n_ids = len(ordinal)
    label_slot = (LABEL_SLOT, LABEL_SLOT - 4.0)
    edge_slot = (EDGE_SLOT, EDGE_SLOT / 2)

    def dummy(r: int, path: tuple[str, ...], width: float, labelled: bool) -> int:
        d = len(ordinal) - n_ids
        rank[d] = r
        ordinal[d] = len(ordinal)
        h, a = label_slot if labelled else edge_slot
        size[d] = (width, h)
        anchor[d] = a
        npath[d] = path
        virtual.add(d)
        gpred[d] = []
        gsucc[d] = []
        return d

    cspan: dict[str, tuple[int, int]] = {}  # cluster -> the ranks of its nodes, first and last
    for n in nodes:
        r = rank[n.id]
        for c in npath[n.id]:
            a, z = cspan.get(c, (r, r))
            cspan[c] = (min(a, r), max(z, r))

    inside: dict[tuple[tuple[str, ...], int], tuple[str, ...]] = {}

    def within(p: tuple[str, ...], r: int) -> tuple[str, ...]:
        """The outer part of a cluster path whose clusters reach rank r."""
        got = inside.get((p, r))
        if got is None:
            k = 0
            while k < len(p) and cspan[p[k]][0] <= r <= cspan[p[k]][1]:
                k += 1
            got = inside[(p, r)] = p[:k]
        return got

    for e in drawn:
        i = len(routes)
        s, t = e.source, e.target
        text = edge_text(e)
        tw = label_width(text) if text else 0.0
        ps, pt = npath[s], npath[t]
        if ps == pt:
            path = ps  # the innermost cluster holding both ends
        else:
            k = 0
            while k < len(ps) and k < len(pt) and ps[k] == pt[k]:
                k += 1
            path = ps[:k]
        if rank[s] == rank[t]:
            d = dummy(rank[s] + 1, path, tw + 10 if text else 0.0, bool(text))
            turns.add(d)
            if not lane_mode:
                gpred[d].append(s)
                gsucc[s].append(d)
                if t != s:
                    gpred[d].append(t)
                    gsucc[t].append(d)
            routes.append(_Route(i, e, [d], d if text else None, text, tw))
            continue
        lo, hi = (s, t) if rank[s] < rank[t] else (t, s)
        between = rank[hi] - rank[lo] - 1
        lab = 2 * (((between + 1) // 2 - 1) // 2) if text else -1  # the middle label rank
        chain: list[Any] = []
        label_d = None
        if lane_mode and between > 1:
            d = dummy(rank[lo] + 1, path, 0.0, bool(text))
            lanes[d] = (rank[lo] + 1, rank[hi] - 1, rank[lo] + 1 + lab)
            chain.append(d)
            label_d = d if text else None
        else:
            plo, phi = npath[lo], npath[hi]
            for k in range(between):
                if k % 2 == 0 and k != lab:
                    continue  # a label rank holds no node: an edge without its label there just crosses it
                # a virtual node stays in the clusters of the nearer end while they reach its rank, else it sits in
                # the innermost cluster holding both ends, between their sub-clusters
                r = rank[lo] + 1 + k
                vp = path
                if plo != phi:  # (ends in the same cluster: it reaches every rank between them)
                    a_, z_ = within(plo, r), within(phi, r)
                    if len(a_) > len(path) and len(z_) > len(path):
                        vp = a_ if r - rank[lo] <= rank[hi] - r else z_
                    else:
                        vp = a_ if len(a_) >= len(z_) else z_
                d = dummy(r, vp, tw if k == lab else 0.0, k == lab)
                chain.append(d)
                if k == lab:
                    label_d = d
        if lane_mode:  # the order is found on the nodes alone; virtual nodes follow their ends
            gpred[hi].append(lo)
            gsucc[lo].append(hi)
        else:
            prev = lo
            for d in chain:
                gpred[d].append(prev)
                gsucc[prev].append(d)
                prev = d
            gpred[hi].append(prev)
            gsucc[prev].append(hi)
        if lo != s:
            chain.reverse()
        routes.append(_Route(i, e, chain, label_d, text, tw))

    nranks = max(rank.values()) + 1
    layers: list[list[Any]] = [[] for _ in range(nranks)]
    for v in rank:  # nodes in declaration order, then virtual nodes in creation order
        if not lane_mode or v not in virtual:
            layers[rank[v]].append(v)

    # 4. order within ranks: barycenter sweeps, clusters kept together
    pos: dict[str, float] = {}

    def renumber(ids: list[str]) -> None:
        k = len(ids)
        for i, v in enumerate(ids):
            pos[v] = (i + 0.5) / k

    for ids in layers:
        renumber(ids)

    clustered = any(npath[n.id] for n in nodes)

    def sort_layer(ids: list[str], neigh: dict[str, list[str]]) -> list[str]:
        bary: dict[str, float] = {}
        for v in ids:
            ns = neigh[v]
            if len(ns) == 1:
                bary[v] = pos[ns[0]]
            else:
                bary[v] = sum(map(pos.__getitem__, ns)) / len(ns) if ns else pos[v]
        if not clustered:
            return sorted(ids, key=lambda v: (bary[v], ordinal[v]))
        ckey: dict[str, list[float]] = {}
        for v in ids:
            for c in npath[v]:
                ckey.setdefault(c, []).append(bary[v])
        cmean = {c: sum(vs) / len(vs) for c, vs in ckey.items()}

        heads: dict[tuple[str, ...], tuple[Any, ...]] = {(): ()}

        def key(v: str) -> tuple[Any, ...]:
            p = npath[v]
            head = heads.get(p)
            if head is None:
                head = heads[p] = tuple((cmean[c], 0, corder[c]) for c in p)
            return (*head, (bary[v], 1, ordinal[v]))

        return sorted(ids, key=key)

    busy = [i for i in range(nranks) if len(layers[i]) > 1]

    def sweep(ranks: Any, towards: Any, skip: int) -> bool:
        """One barycenter pass over the ranks, each ordered by its neighbours in ``towards``; True if any moved."""
        moved = False
        for i in ranks:
            if i == skip:
                continue
            ids = sort_layer(layers[i], towards)
            if ids != layers[i]:
                layers[i] = ids
                renumber(ids)
                moved = True
        return moved

    for _ in range(SWEEPS):
        down = sweep(busy, gpred, 0)
        up = sweep(reversed(busy), gsucc, nranks - 1)
        if not (down or up):  # a fixed point: more sweeps would change nothing
            break

    # neighbours in both directions, for alignment
    neighbours: dict[Any, list[Any]] = {v: gpred[v] + gsucc[v] for v in rank}
    if lane_mode:  # virtual nodes sit between their ends
        for rt in routes:
            a, z = rt.edge.source, rt.edge.target
            p = (pos[a] + pos[z]) / 2
            for d in rt.chain:
                pos[d] = p
                neighbours[d] = [a, z]

    # 5. vertical placement, cluster by cluster, bottom up
    used = {c for n in nodes for c in npath[n.id]}  # (a virtual node's path is a part of a node's)
    children_clusters: dict[str | None, list[str]] = {}
    for c in view.clusters:
        if c.id in paths or c.id in used:
            parent = parent_of(c.id)
            children_clusters.setdefault(parent, [])
            if c.id not in children_clusters[parent]:
                children_clusters[parent].append(c.id)
    loose: dict[str | None, list[str]] = {}
    for v in rank:
        p = npath[v]
        loose.setdefault(p[-1] if p else None, []).append(v)

    def pack(cid: str | None) -> _Block:
        items: list[tuple[float, int, str, Any]] = []  # (rank, first index, kind, payload)
        for child in children_clusters.get(cid, []):
            if child not in used:
                continue
            b = pack(child)
            items.append((b.rank, b.first, "c", (child, b)))
        here = loose.get(cid, [])
        for v in here:
            items.append((pos[v], ordinal[v], "n", v))
        items.sort(key=lambda it: (it[0], it[1]))
        bottom: dict[int, float] = {}  # rank -> the bottom of its last item so far
        soft: dict[int, bool] = {}  # rank -> its last item is a virtual node
        ys: dict[str, float] = {}
        cys: dict[str, tuple[float, float]] = {}
        blocked: set[int] = set()  # ranks a child cluster covers
        lo, hi = nranks, -1
        for _, _, kind, payload in items:
            if kind == "c":
                child, b = payload
                a, z = b.span
                h = b.height + CLUSTER_HEAD + CLUSTER_PAD
                y = 0.0
                for i in range(a, z + 1):
                    if i in bottom:
                        y = max(y, bottom[i] + (DUMMY_GAP if soft[i] else NODE_GAP))
                cys[child] = (y, h)
                for k, v in b.y.items():
                    ys[k] = y + CLUSTER_HEAD + v
                for k, (cy, ch) in b.cy.items():
                    cys[k] = (y + CLUSTER_HEAD + cy, ch)
                for i in range(a, z + 1):
                    bottom[i] = y + h
                    soft[i] = False
                    blocked.add(i)
            elif payload in lanes:
                v = payload
                a, z, _ = lanes[v]
                y = 0.0
                for i in range(a, z + 1):
                    if i in bottom and bottom[i] + DUMMY_GAP > y:
                        y = bottom[i] + DUMMY_GAP
                ys[v] = y
                for i in range(a, z + 1):
                    bottom[i] = y + size[v][1]
                    soft[i] = True
                    blocked.add(i)
            else:
                v = payload
                a = z = rank[v]
                dv = v in virtual
                y = bottom[a] + (DUMMY_GAP if dv or soft[a] else NODE_GAP) if a in bottom else 0.0
                ys[v] = y
                bottom[a] = y + size[v][1]
                soft[a] = dv
            lo, hi = min(lo, a), max(hi, z)
        # align ranks that hold only loose items with their neighbours inside this block
        by_rank: dict[int, list[str]] = {}
        for v in here:
            if rank[v] not in blocked and v not in lanes:
                by_rank.setdefault(rank[v], []).append(v)
        free = sorted(by_rank)
        for order in (free, free[::-1]):
            for r in order:
                col = sorted(by_rank[r], key=lambda v: ys[v])
                prev = 0.0
                prev_soft: bool | None = None
                for v in col:
                    total = 0.0
                    count = 0
                    for u in neighbours[v]:
                        if u in ys and rank[u] != r:
                            total += ys[u] + anchor[u]
                            count += 1
                    want = total / count - anchor[v] if count else ys[v]
                    dv = v in virtual
                    if prev_soft is not None:
                        prev += DUMMY_GAP if dv or prev_soft else NODE_GAP
                    y = max(want, prev)
                    ys[v] = y
                    prev = y + size[v][1]
                    prev_soft = dv
        height = max([y + size[v][1] for v, y in ys.items()], default=0.0)
        for cy, ch in cys.values():
            height = max(height, cy + ch)
        rank_ = sum(pos[v] for v in ys) / len(ys) if ys else 0.0
        first = min((ordinal[v] for v in ys), default=0)
        return _Block(height, ys, cys, (lo, hi), rank_, first)

    root = pack(None)

    # 6. horizontal placement: rank columns, wide enough for the deepest cluster padding on either side
    depth = max((len(npath[n.id]) for n in nodes), default=0)
    gap = LAYER_GAP / 2 + CLUSTER_PAD * depth
    col_w = [0.0] * nranks
    for v, r in rank.items():
        if size[v][0] > col_w[r]:
            col_w[r] = size[v][0]
    for rt in routes:
        if rt.label_node in lanes:
            r = lanes[rt.label_node][2]
            col_w[r] = max(col_w[r], rt.text_w)
    left = MARGIN + CLUSTER_PAD * depth
    col_x: list[float] = []
    for w in col_w:
        col_x.append(left)
        left += w + gap
    top = MARGIN
    placed: dict[str, PlacedNode] = {}
    for n in nodes:
        w, h = sizes[n.id]
        r = rank[n.id]
        x = col_x[r] + (col_w[r] - w) / 2
        placed[n.id] = PlacedNode(n, round(x, 1), round(top + root.y[n.id], 1), w, h, layer[n.id], index[n.id])

    # cluster rectangles: around their nodes, virtual nodes and sub-clusters, bottom up
    rects: dict[str, tuple[float, float, float, float]] = {}

    def rect_of(cid: str) -> tuple[float, float, float, float] | None:
        if cid in rects:
            return rects[cid]
        xs0: list[float] = []
        xs1: list[float] = []
        for v in loose.get(cid, []):
            if v in virtual:  # a turn (the only kind that can reach past the cluster's nodes) and its label
                r = rank[v]
                xs0.append(col_x[r])
                xs1.append(col_x[r] + (col_w[r] + size[v][0]) / 2 if v not in turns else col_x[r] + size[v][0])
            else:
                p = placed[v]
                xs0.append(p.x)
                xs1.append(p.x + p.w)
        for child in children_clusters.get(cid, []):
            if child in used:
                r = rect_of(child)
                if r is not None:
                    xs0.append(r[0])
                    xs1.append(r[0] + r[2])
        if not xs0 or cid not in root.cy:
            return None
        cy, ch = root.cy[cid]
        x0 = min(xs0) - CLUSTER_PAD
        r = (round(x0, 1), round(top + cy, 1), round(max(xs1) + CLUSTER_PAD - x0, 1), round(ch, 1))
        rects[cid] = r
        return r

    placed_clusters: list[PlacedCluster] = []
    for c in view.clusters:
        if c.id in used:
            r = rect_of(c.id)
            if r is not None:
                placed_clusters.append(PlacedCluster(c, *r, depth=len(cluster_path(c.id)) - 1))
    placed_clusters.sort(key=lambda pc: (pc.depth, corder[pc.cluster.id]))

    # 7. edges: ports spread along the sides in the order of the next point on the edge, then a path through the
    # edge's virtual nodes: straight across each column, a curve with level ends across each gap between columns
    line = {d: top + root.y[d] + anchor[d] for d in virtual}
    ends: dict[tuple[str, str], list[tuple[float, int, int]]] = {}  # (node, side) -> (next point y, route, role)
    sides: list[tuple[str, str]] = []
    for ri, rt in enumerate(routes):
        s, t = rt.edge.source, rt.edge.target
        if rt.chain:
            first, last = line[rt.chain[0]], line[rt.chain[-1]]
        else:  # a short edge without a label: straight from one end to the other
            ps, pt = placed[s], placed[t]
            first, last = pt.y + pt.h / 2, ps.y + ps.h / 2
        if rank[s] == rank[t]:
            sside, tside = "right", "right"
            first, last = first - 0.5, last + 0.5
        elif rank[s] < rank[t]:
            sside, tside = "right", "left"
        else:
            sside, tside = "left", "right"
        ends.setdefault((s, sside), []).append((first, ri, 0))
        ends.setdefault((t, tside), []).append((last, ri, 1))
        sides.append((sside, tside))
    port: dict[tuple[int, int], float] = {}
    for (nid, _), lst in ends.items():
        p = placed[nid]
        lst.sort()
        k = len(lst)
        inset = 10.0 if p.h > 30 else 4.0
        for j, (_, ri, role) in enumerate(lst):
            port[(ri, role)] = p.y + inset + (p.h - 2 * inset) * (j + 1) / (k + 1)
    placed_edges: list[PlacedEdge] = []
    for ri, rt in enumerate(routes):
        e = rt.edge
        s, t = placed[e.source], placed[e.target]
        rs, rt_ = rank[e.source], rank[e.target]
        sside, tside = sides[ri]
        sy, ty = port[(ri, 0)], port[(ri, 1)]
        sx = s.x + s.w if sside == "right" else s.x
        tx = t.x + t.w if tside == "right" else t.x
        pts: list[tuple[float, float]] = [(sx, sy)]
        if rs == rt_:  # out to the right, a turn in the next column, back
            d = rt.chain[0]
            xe = col_x[rs] + col_w[rs]
            _straight(pts, xe)
            ax, ay = col_x[rs + 1], line[d]
            down = 1.0 if ty >= sy else -1.0
            k = max(6.0, abs(ty - sy) * 0.3)
            xm = xe + (ax - xe) * 0.6
            pts += [(xm, sy), (ax, ay - k * down), (ax, ay), (ax, ay + k * down), (xm, ty), (xe, ty)]
            _straight(pts, tx)
        else:
            fwd = rs < rt_
            _straight(pts, col_x[rs] + col_w[rs] if fwd else col_x[rs])
            for d in rt.chain:
                r0, r1, _ = lanes[d] if d in lanes else (rank[d], rank[d], 0)
                a, b = (col_x[r0], col_x[r1] + col_w[r1]) if fwd else (col_x[r1] + col_w[r1], col_x[r0])
                _curve(pts, a, line[d])
                _straight(pts, b)
            _curve(pts, col_x[rt_] if fwd else col_x[rt_] + col_w[rt_], ty)
            _straight(pts, tx)
        if rt.label_node in turns:  # just past the turn
            r = rank[rt.label_node]
            label_at = (round(col_x[r] + 5 + rt.text_w / 2, 1), round(line[rt.label_node], 1))
        elif rt.label_node is not None:
            r = lanes[rt.label_node][2] if rt.label_node in lanes else rank[rt.label_node]
            label_at = (round(col_x[r] + col_w[r] / 2, 1), round(line[rt.label_node], 1))
        else:
            label_at = (round((sx + tx) / 2, 1), round((sy + ty) / 2, 1))
        back = t.layer < s.layer or (t.layer == s.layer and t.index < s.index)
        placed_edges.append(PlacedEdge(e, pts, label_at, back, rt.text, rt.text_w))

    width = max([col_x[-1] + col_w[-1]] + [p.x + p.w for p in placed.values()] + [c.x + c.w for c in placed_clusters])
    height = top + root.height + MARGIN
    return Layout(round(width + MARGIN, 1), round(height, 1), placed, placed_clusters, placed_edges)


def _straight(pts: list[tuple[float, float]], x: float) -> None:
    """A level line from the path's last point to x (nothing if it is there already)."""
    x0, y0 = pts[-1]
    if abs(x - x0) > 0.05:
        if len(pts) >= 4 and pts[-4] == pts[-3] and pts[-2] == (x0, y0) and pts[-4][1] == y0:
            pts[-2:] = [(x, y0), (x, y0)]  # the last piece is a level line already: extend it
        else:
            pts += [(x0, y0), (x, y0), (x, y0)]


def _curve(pts: list[tuple[float, float]], x: float, y: float) -> None:
    """A cubic from the path's last point to (x, y), level at both ends: it stays between the two x."""
    x0, y0 = pts[-1]
    if abs(y - y0) < 0.05:
        if abs(x - x0) > 0.05:
            pts += [(x0, y0), (x, y), (x, y)]
        return
    dx = (x - x0) / 2
    pts += [(x0 + dx, y0), (x - dx, y), (x, y)]


def _r(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    return [(round(x, 1), round(y, 1)) for x, y in points]


# --- SVG -------------------------------------------------------------------------------------------------------


def esc(text: Any) -> str:
    text = str(text)
    if "&" in text or "<" in text or ">" in text or '"' in text:
        return text.translate(_XML)
    return text


def num(x: float) -> str:
    """A coordinate: at most one decimal, no trailing zero (deterministic text for the same float)."""
    return f"{x:.1f}".removesuffix(".0")


def _shape(kind: str, w: float, h: float, fill: str, stroke: str, sw: float, dash: str) -> str:
    d = f' stroke-dasharray="{dash}"' if dash else ""
    common = f'fill="{fill}" stroke="{stroke}" stroke-width="{num(sw)}"{d}'
    W, H = num(w), num(h)
    if kind == "store":
        e = 7
        rx = num(w / 2)
        body = (
            f'<path class="shape" {common} d="M0,{e} A{rx},{e} 0 0 1 {W},{e} V{num(h - e)} '
            f'A{rx},{e} 0 0 1 0,{num(h - e)} Z"/>'
        )
        return (
            body + f'<path fill="none" stroke="{stroke}" stroke-width="{num(sw)}" d="M0,{e} A{rx},{e} 0 0 0 {W},{e}"/>'
        )
    if kind in ("stream", "queue"):
        out = f'<rect class="shape" {common} width="{W}" height="{H}" rx="4"/>'
        x0 = w - 26
        if kind == "queue":
            bars = "".join(
                f'<rect x="{num(x0 + 4 + i * 6)}" y="{num(h / 2 - 8)}" width="4" height="16" rx="1" fill="{stroke}" '
                f'opacity="{0.45 + 0.25 * i:.2f}"/>'
                for i in range(3)
            )
            return out + bars
        cy = h / 2
        pipe = (
            f'<path fill="none" stroke="{stroke}" stroke-width="1.3" d="M{num(x0 + 2)},{num(cy - 6)} '
            f'H{num(x0 + 18)} M{num(x0 + 2)},{num(cy + 6)} H{num(x0 + 18)}"/>'
            f'<ellipse cx="{num(x0 + 18)}" cy="{num(cy)}" rx="3.5" ry="6" fill="{fill}" stroke="{stroke}" '
            f'stroke-width="1.3"/>'
            f'<path fill="none" stroke="{stroke}" stroke-width="1.3" '
            f'd="M{num(x0 + 5)},{num(cy)} h8 m-3,-3 l3,3 l-3,3"/>'
        )
        return out + pipe
    if kind == "external":
        dd = f' stroke-dasharray="{dash or "5 3"}"'
        return (
            f'<rect class="shape" fill="{fill}" stroke="{stroke}" stroke-width="{num(sw)}"{dd} width="{W}" '
            f'height="{H}" rx="6"/>'
            f'<rect fill="none" stroke="{stroke}" stroke-width="0.8" opacity="0.6" x="3" y="3" '
            f'width="{num(w - 6)}" height="{num(h - 6)}" rx="4"/>'
        )
    if kind == "client":
        cy = h / 2
        icon = (
            f'<circle cx="16" cy="{num(cy - 5)}" r="4" fill="none" stroke="{stroke}" stroke-width="1.4"/>'
            f'<path fill="none" stroke="{stroke}" stroke-width="1.4" d="M9,{num(cy + 9)} a7,7 0 0 1 14,0"/>'
        )
        return f'<rect class="shape" {common} width="{W}" height="{H}" rx="{num(min(18, h / 2))}"/>' + icon
    if kind == "group":
        return (
            f'<rect fill="{fill}" stroke="{stroke}" stroke-width="1" opacity="0.7" x="5" y="5" width="{W}" '
            f'height="{num(h - 6)}" rx="5"/>'
            f'<path class="shape" {common} d="M0,4 a4,4 0 0 1 4,-4 H{num(min(50, w / 3))} l6,6 H{num(w - 4)} '
            f'a4,4 0 0 1 4,4 V{num(h - 10)} a4,4 0 0 1 -4,4 H4 a4,4 0 0 1 -4,-4 Z"/>'
        )
    if kind == "system":
        return f'<rect class="shape" {common} width="{W}" height="{H}" rx="10"/>'
    if kind == "cache":
        return (
            f'<rect class="shape" {common} width="{W}" height="{H}" rx="6"/>'
            f'<rect x="0" y="0" width="6" height="{H}" rx="3" fill="{stroke}" opacity="0.8"/>'
        )
    return f'<rect class="shape" {common} width="{W}" height="{H}" rx="6"/>'


def _node_svg(p: PlacedNode) -> str:
    n = p.node
    kind = n.kind if n.kind in PALETTE else "service"
    fill, stroke = PALETTE[kind]
    sev = n.severity if n.severity in SEVERITY_COLOUR else None
    sw = 1.4 if kind != "system" else 2.0
    if sev:
        stroke, sw = SEVERITY_COLOUR[sev], 2.4
    dash = "5 3" if n.outside else ""
    classes = ["node", f"kind-{kind}"]
    if n.outside:
        classes.append("outside")
    if sev:
        classes.append(f"sev-{sev}")
    attrs = [f'class="{" ".join(classes)}"', f'data-node="{esc(n.id)}"']
    if n.component:
        attrs.append(f'data-component="{esc(n.component)}"')
    attrs.append(f'data-kind="{esc(n.kind)}"')
    if getattr(n, "link", None):
        attrs.append(f'data-link="{esc(n.link)}"')
    attrs.append(f'transform="translate({num(p.x)},{num(p.y)})"')
    if n.outside:
        attrs.append('opacity="0.6"')
    tip = [n.label + (f" ({n.component})" if n.component and n.component != n.label else ""), n.kind]
    if n.detail:
        tip.append(n.detail)
    if n.tooltip:
        tip.append(n.tooltip)
    if n.codes:
        tip.append(f"{sev or 'findings'}: {', '.join(n.codes)}")
    out = [f"<g {' '.join(attrs)}>", f"<title>{esc(chr(10).join(tip))}</title>"]
    out.append(_shape(kind, p.w, p.h, fill, stroke, sw, dash))
    label = cut(n.label, MAX_LABEL)
    detail = cut(n.detail, MAX_DETAIL)
    badge = cut(n.badge or "", MAX_DETAIL)
    shift = {"stream": -13, "queue": -13, "client": 10, "cache": 3}.get(kind, 0)
    cx = p.w / 2 + shift / 2
    lines = 1 + bool(detail) + bool(badge)
    y = p.h / 2 - (lines - 1) * 8 + 4.5 + (4 if kind == "store" else 0) + (2 if kind == "group" else 0)
    size = 15 if kind == "system" else 13
    out.append(
        f'<text class="label" x="{num(cx)}" y="{num(y)}" text-anchor="middle" font-size="{size}" '
        f'font-weight="600" fill="#1f2933">{esc(label)}</text>'
    )
    if detail:
        y += 16
        out.append(
            f'<text class="detail" x="{num(cx)}" y="{num(y)}" text-anchor="middle" font-size="11" '
            f'fill="#5f6b7a">{esc(detail)}</text>'
        )
    if badge:
        y += 16
        out.append(
            f'<text class="badge" x="{num(cx)}" y="{num(y)}" text-anchor="middle" font-size="11" '
            f'font-weight="600" fill="#0b7285">{esc(badge)}</text>'
        )
    if sev:
        mark = {"error": "!", "warning": "!", "info": "i"}[sev]
        out.append(
            f'<g class="sev-mark"><circle cx="{num(p.w - 2)}" cy="2" r="8" fill="{SEVERITY_COLOUR[sev]}"/>'
            f'<text x="{num(p.w - 2)}" y="6" text-anchor="middle" font-size="11" font-weight="700" '
            f'fill="#fff">{mark}</text></g>'
        )
    out.append("</g>")
    return "".join(out)


def _edge_svg(pe: PlacedEdge, marker: str) -> str:
    e = pe.edge
    sev = e.severity if e.severity in SEVERITY_COLOUR else None
    colour = SEVERITY_COLOUR[sev] if sev else ("#343a40" if e.bold else EDGE_COLOUR)
    width = 3.0 if e.bold else 1.4
    classes = ["edge", f"mode-{e.mode}", f"kind-{e.kind}"]
    if e.bold:
        classes.append("bold")
    if e.soft:
        classes.append("soft")
    if sev:
        classes.append(f"sev-{sev}")
    dash = ' stroke-dasharray="6 4"' if e.mode == "async" else (' stroke-dasharray="2 3"' if e.soft else "")
    d = _path_d(pe.points)
    tip = [f"{e.source} → {e.target}: {e.kind} ({e.mode})"]
    if e.label:
        tip.append(e.label)
    if e.count > 1:
        tip.append(f"{e.count} edges")
    if e.tooltip:
        tip.append(e.tooltip)
    if e.codes:
        tip.append(f"{sev or 'findings'}: {', '.join(e.codes)}")
    out = [
        f'<g class="{" ".join(classes)}" data-source="{esc(e.source)}" data-target="{esc(e.target)}">',
        f"<title>{esc(chr(10).join(tip))}</title>",
        f'<path d="{d}" fill="none" stroke="transparent" stroke-width="10"/>',
        f'<path class="line" d="{d}" fill="none" stroke="{colour}" stroke-width="{num(width)}"{dash} '
        f'marker-end="url(#{marker}-{sev or ("bold" if e.bold else "plain")})"/>',
    ]
    if pe.label:
        lx, ly = pe.label_at
        out.append(
            f'<text class="edge-label" x="{num(lx)}" y="{num(ly - 4)}" text-anchor="middle" font-size="10.5" '
            f'fill="#495057" stroke="#ffffff" stroke-width="3.5" paint-order="stroke" '
            f'stroke-linejoin="round">{esc(pe.label)}</text>'
        )
    out.append("</g>")
    return "".join(out)


_POINT_ZERO = re.compile(r"\.0(?![0-9])")


def _path_d(points: list[tuple[float, float]]) -> str:
    """SVG path data for a path of cubic pieces; a piece whose controls sit on its ends is a straight line.

    Numbers as `num` writes them: one decimal, no trailing zero (dropped in one pass at the end)."""
    x, y = points[0]
    out = [f"M{x:.1f},{y:.1f}"]
    for k in range(1, len(points) - 2, 3):
        (ax, ay), (bx, by), (cx, cy) = points[k], points[k + 1], points[k + 2]
        if ax == x and ay == y and bx == cx and by == cy:
            out.append(f"H{cx:.1f}" if cy == y else f"L{cx:.1f},{cy:.1f}")
        else:
            out.append(f"C{ax:.1f},{ay:.1f} {bx:.1f},{by:.1f} {cx:.1f},{cy:.1f}")
        x, y = cx, cy
    return _POINT_ZERO.sub("", " ".join(out))


def _legend(view: Any, y: float, marker: str) -> tuple[str, float]:
    kinds = []
    for n in view.nodes:
        k = n.kind if n.kind in PALETTE else "service"
        if k not in kinds:
            kinds.append(k)
    order = list(PALETTE)
    kinds.sort(key=order.index)
    out = [f'<g class="legend" transform="translate({MARGIN},{num(y)})" font-size="11" fill="#495057">']
    x = 0.0
    for k in kinds:
        fill, stroke = PALETTE[k]
        out.append(f'<g transform="translate({num(x)},0) scale(0.5)">{_shape(k, 40, 28, fill, stroke, 2.4, "")}</g>')
        out.append(f'<text x="{num(x + 25)}" y="11">{esc(KIND_NAMES[k])}</text>')
        x += 25 + len(KIND_NAMES[k]) * 6.4 + 14
    modes = {e.mode for e in view.edges}
    for mode in ("sync", "async"):
        if mode in modes:
            dash = ' stroke-dasharray="6 4"' if mode == "async" else ""
            out.append(
                f'<path d="M{num(x)},7 h26" stroke="{EDGE_COLOUR}" stroke-width="1.4"{dash} '
                f'marker-end="url(#{marker}-plain)"/><text x="{num(x + 32)}" y="11">{mode}</text>'
            )
            x += 32 + len(mode) * 6.4 + 14
    sevs = {n.severity for n in view.nodes} | {e.severity for e in view.edges}
    for sev in ("error", "warning", "info"):
        if sev in sevs:
            out.append(
                f'<circle cx="{num(x + 6)}" cy="7" r="5.5" fill="{SEVERITY_COLOUR[sev]}"/>'
                f'<text x="{num(x + 16)}" y="11">{sev}</text>'
            )
            x += 16 + len(sev) * 6.4 + 14
    out.append("</g>")
    return "".join(out), x


def safe_id(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in text)


def render_svg(view: Any, lay: Layout | None = None, id_prefix: str = "d") -> str:
    """The view as an SVG element (no XML declaration), ready to inline in HTML or to save as a file.

    ``id_prefix`` makes the arrowhead markers' ids unique when several SVGs share a page."""
    lay = lay or layout(view)
    marker = f"{safe_id(id_prefix)}-{safe_id(view.id)}-arrow"
    legend, legend_w = _legend(view, lay.height, marker)
    width = max(lay.width, legend_w + 2 * MARGIN)
    height = lay.height + LEGEND_H
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="diagram" data-view="{esc(view.id)}" '
        f'viewBox="0 0 {num(width)} {num(height)}" width="{num(width)}" height="{num(height)}" role="img" '
        f'aria-label="{esc(view.title)}" font-family="{esc(FONT)}">',
        f"<title>{esc(view.title)}</title>",
        "<defs>",
    ]
    for name, colour in (("plain", EDGE_COLOUR), ("bold", "#343a40"), *SEVERITY_COLOUR.items()):
        out.append(
            f'<marker id="{marker}-{name}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
            f'orient="auto-start-reverse" markerUnits="userSpaceOnUse"><path d="M0,0 L10,5 L0,10 z" '
            f'fill="{colour}"/></marker>'
        )
    out.append("</defs>")
    out.append('<g class="clusters">')
    for pc in lay.clusters:
        c = pc.cluster
        fill, stroke, dash = CLUSTER_STYLE.get(c.kind, CLUSTER_STYLE["group"])
        d = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<g class="cluster cluster-{esc(c.kind)}" data-cluster="{esc(c.id)}">'
            f'<rect x="{num(pc.x)}" y="{num(pc.y)}" width="{num(pc.w)}" height="{num(pc.h)}" rx="10" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="1.2"{d}/>'
            f'<text x="{num(pc.x + 12)}" y="{num(pc.y + 17)}" font-size="11.5" font-weight="600" '
            f'fill="#495057" letter-spacing="0.02em">{esc(cut(c.label, 60))}</text></g>'
        )
    out.append("</g>")
    out.append('<g class="edges">')
    for pe in lay.edges:
        out.append(_edge_svg(pe, marker))
    out.append("</g>")
    out.append('<g class="nodes">')
    for n in view.nodes:
        out.append(_node_svg(lay.nodes[n.id]))
    out.append("</g>")
    out.append(legend)
    out.append("</svg>")
    return "\n".join(out)
