"""A deterministic layered layout of a diagram view, and its rendering to SVG, in pure Python.

Used by the `html` target, which must lay out every view of a design in well under a second, without Graphviz.

The layout (a simplified Sugiyama layout, left to right):

1. Cycles are broken by a depth-first search over the nodes in declaration order (sources first): an edge that
   closes a cycle is laid out reversed.
2. Layers by longest path from the sources; a source is then pulled right next to its nearest successor.
3. The order within each layer by a few barycenter sweeps (down then up), sorting each layer by cluster first
   (a cluster's key is the mean barycenter of its members in that layer) so that clusters stay contiguous;
   ties are broken by declaration index.
4. Vertical placement per cluster, bottom up: a cluster's children (sub-clusters and loose nodes) are packed
   top to bottom in rank order on a skyline over the layers they span, so that two siblings that share a layer
   never overlap; a layer holding only loose nodes is then aligned with their neighbours.
5. Edges are cubic curves from the right side of their source to the left side of their target (the other
   way round for a reversed edge), their ports spread along the side in the order of the other ends.

Cost: linear in nodes plus edges per sweep, plus a sort per layer; a few milliseconds for 40 nodes.
Everything is ordered by declaration index, never by hashing: the same view always gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape as _xml_escape

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

FONT = "Inter, 'Segoe UI', system-ui, -apple-system, Roboto, 'Helvetica Neue', Arial, sans-serif"

# fill, stroke per kind
PALETTE: dict[str, tuple[str, str]] = {
    "service": ("#eef3ff", "#4c6ef5"),
    "store": ("#f3f0ff", "#7048e8"),
    "cache": ("#fff4e6", "#e8590c"),
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
    points: list[tuple[float, float]]  # start, control 1, control 2, end (a cubic curve)
    label_at: tuple[float, float]
    reversed: bool = False


@dataclass
class Layout:
    width: float
    height: float
    nodes: dict[str, PlacedNode] = field(default_factory=dict)
    clusters: list[PlacedCluster] = field(default_factory=list)
    edges: list[PlacedEdge] = field(default_factory=list)


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


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
    sinks = [v for v in layer if by_id[v].kind == "external" and not dsucc[v] and not npath[v]]
    if sinks and len(sinks) < len(layer):
        last = max(layer[v] for v in layer if v not in sinks) + 1
        for v in sinks:
            layer[v] = last
    nlayers = max(layer.values()) + 1
    layers: list[list[str]] = [[] for _ in range(nlayers)]
    for n in nodes:
        layers[layer[n.id]].append(n.id)

    # 3. order within layers: barycenter sweeps, clusters kept together
    pos: dict[str, float] = {}

    def renumber(ids: list[str]) -> None:
        k = len(ids)
        for i, v in enumerate(ids):
            pos[v] = (i + 0.5) / k

    for ids in layers:
        renumber(ids)

    def sort_layer(ids: list[str], neigh: dict[str, list[str]]) -> list[str]:
        bary: dict[str, float] = {}
        for v in ids:
            ns = neigh[v]
            bary[v] = sum(pos[u] for u in ns) / len(ns) if ns else pos[v]
        ckey: dict[str, list[float]] = {}
        for v in ids:
            for c in npath[v]:
                ckey.setdefault(c, []).append(bary[v])
        cmean = {c: sum(vs) / len(vs) for c, vs in ckey.items()}

        def key(v: str) -> tuple[Any, ...]:
            parts: list[Any] = []
            for c in npath[v]:
                parts.append((cmean[c], 0, corder[c]))
            parts.append((bary[v], 1, index[v]))
            return tuple(parts)

        return sorted(ids, key=key)

    for _ in range(SWEEPS):
        for i in range(1, nlayers):
            layers[i] = sort_layer(layers[i], dpred)
            renumber(layers[i])
        for i in range(nlayers - 2, -1, -1):
            layers[i] = sort_layer(layers[i], dsucc)
            renumber(layers[i])

    # neighbours in both directions, for alignment
    neighbours: dict[str, list[str]] = {n.id: [] for n in nodes}
    for s, t in dag:
        neighbours[s].append(t)
        neighbours[t].append(s)

    # 4. vertical placement, cluster by cluster, bottom up
    children_clusters: dict[str | None, list[str]] = {}
    for c in view.clusters:
        if c.id in paths or any(c.id in p for p in npath.values()):
            parent = parent_of(c.id)
            children_clusters.setdefault(parent, [])
            if c.id not in children_clusters[parent]:
                children_clusters[parent].append(c.id)
    used = {c for p in npath.values() for c in p}
    loose: dict[str | None, list[str]] = {}
    for n in nodes:
        p = npath[n.id]
        loose.setdefault(p[-1] if p else None, []).append(n.id)

    @dataclass
    class Block:
        height: float
        y: dict[str, float]  # node id -> top, relative to the block's content top
        cy: dict[str, tuple[float, float]]  # cluster id -> (top, height), relative
        span: tuple[int, int]
        rank: float
        first: int

    def pack(cid: str | None) -> Block:
        items: list[tuple[float, int, str, Any]] = []  # (rank, first index, kind, payload)
        for child in children_clusters.get(cid, []):
            if child not in used:
                continue
            b = pack(child)
            items.append((b.rank, b.first, "c", (child, b)))
        for v in loose.get(cid, []):
            items.append((pos[v], index[v], "n", v))
        items.sort(key=lambda it: (it[0], it[1]))
        bottom: dict[int, float] = {}
        ys: dict[str, float] = {}
        cys: dict[str, tuple[float, float]] = {}
        blocked: set[int] = set()  # layers a child cluster covers
        lo, hi = nlayers, -1
        for _, _, kind, payload in items:
            if kind == "c":
                child, b = payload
                a, z = b.span
                h = b.height + CLUSTER_HEAD + CLUSTER_PAD
                y = max((bottom.get(i, 0.0) for i in range(a, z + 1)), default=0.0)
                cys[child] = (y, h)
                for k, v in b.y.items():
                    ys[k] = y + CLUSTER_HEAD + v
                for k, (cy, ch) in b.cy.items():
                    cys[k] = (y + CLUSTER_HEAD + cy, ch)
                for i in range(a, z + 1):
                    bottom[i] = y + h + NODE_GAP
                    blocked.add(i)
            else:
                v = payload
                a = z = layer[v]
                y = bottom.get(a, 0.0)
                ys[v] = y
                bottom[a] = y + sizes[v][1] + NODE_GAP
            lo, hi = min(lo, a), max(hi, z)
        # align layers that hold only loose nodes with their neighbours inside this block
        free_layers = sorted({layer[v] for v in loose.get(cid, [])} - blocked)
        if free_layers:
            for order in (free_layers, list(reversed(free_layers))):
                for lay in order:
                    col = sorted((v for v in loose.get(cid, []) if layer[v] == lay), key=lambda v: ys[v])
                    want = []
                    for v in col:
                        ns = [u for u in neighbours[v] if u in ys and layer[u] != lay]
                        if ns:
                            c = sum(ys[u] + sizes[u][1] / 2 for u in ns) / len(ns)
                            want.append(c - sizes[v][1] / 2)
                        else:
                            want.append(ys[v])
                    prev = 0.0
                    for v, w in zip(col, want, strict=True):
                        y = max(w, prev)
                        ys[v] = y
                        prev = y + sizes[v][1] + NODE_GAP
        height = 0.0
        for v in ys:
            height = max(height, ys[v] + sizes[v][1])
        for cy, ch in cys.values():
            height = max(height, cy + ch)
        members = [v for v in ys]
        rank = sum(pos[v] for v in members) / len(members) if members else 0.0
        first = min((index[v] for v in members), default=0)
        return Block(height, ys, cys, (lo, hi), rank, first)

    root = pack(None)

    # 5. horizontal placement: layer columns, wide enough for the deepest cluster padding
    depth = max((len(p) for p in npath.values()), default=0)
    gap = LAYER_GAP + 2 * CLUSTER_PAD * depth
    col_w = [max(sizes[v][0] for v in ids) if ids else 0 for ids in layers]
    left = MARGIN + CLUSTER_PAD * depth
    col_x: list[float] = []
    for w in col_w:
        col_x.append(left)
        left += w + gap
    top = MARGIN
    placed: dict[str, PlacedNode] = {}
    for n in nodes:
        w, h = sizes[n.id]
        lay = layer[n.id]
        x = col_x[lay] + (col_w[lay] - w) / 2
        placed[n.id] = PlacedNode(n, round(x, 1), round(top + root.y[n.id], 1), w, h, lay, index[n.id])

    # cluster rectangles: around their nodes and sub-clusters, bottom up
    rects: dict[str, tuple[float, float, float, float]] = {}

    def rect_of(cid: str) -> tuple[float, float, float, float] | None:
        if cid in rects:
            return rects[cid]
        xs0: list[float] = []
        xs1: list[float] = []
        for v in loose.get(cid, []):
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

    # 6. edges: ports spread along the sides in the order of the other ends
    ends: dict[tuple[str, str], list[tuple[float, int, int]]] = {}  # (node, side) -> (other y, edge index, role)
    geometry: list[tuple[Any, str, str, bool]] = []
    for i, e in enumerate(view.edges):
        if e.source not in placed or e.target not in placed:
            continue
        s, t = placed[e.source], placed[e.target]
        if e.source == e.target:
            geometry.append((e, "loop", "loop", False))
            continue
        back = t.layer < s.layer or (t.layer == s.layer and t.index < s.index)
        if t.layer == s.layer:
            sside, tside = "right", "right"
        elif back:
            sside, tside = "left", "right"
        else:
            sside, tside = "right", "left"
        ends.setdefault((e.source, sside), []).append((t.y + t.h / 2, t.index, i))
        ends.setdefault((e.target, tside), []).append((s.y + s.h / 2, s.index, i))
        geometry.append((e, sside, tside, back))
    port: dict[tuple[str, str, int], float] = {}
    for (nid, side), lst in ends.items():
        p = placed[nid]
        lst.sort()
        k = len(lst)
        inset = 10.0 if p.h > 30 else 4.0
        for j, (_, _, ei) in enumerate(lst):
            port[(nid, side, ei)] = round(p.y + inset + (p.h - 2 * inset) * (j + 1) / (k + 1), 1)
    placed_edges: list[PlacedEdge] = []
    for i, e in enumerate(view.edges):
        if e.source not in placed or e.target not in placed:
            continue
        g = next(x for x in geometry if x[0] is e)
        _, sside, tside, back = g
        s, t = placed[e.source], placed[e.target]
        if sside == "loop":
            x0, y0 = s.x + s.w, s.y + s.h * 0.3
            x1, y1 = s.x + s.w, s.y + s.h * 0.7
            pts = [(x0, y0), (x0 + 40, y0 - 10), (x1 + 40, y1 + 10), (x1, y1)]
            placed_edges.append(PlacedEdge(e, _r(pts), (round(x0 + 34, 1), round((y0 + y1) / 2, 1)), False))
            continue
        sy = port[(e.source, sside, i)]
        ty = port[(e.target, tside, i)]
        sx = s.x + s.w if sside == "right" else s.x
        tx = t.x + t.w if tside == "right" else t.x
        dx = max(36.0, abs(tx - sx) / 2)
        c1 = (sx + dx, sy) if sside == "right" else (sx - dx, sy)
        c2 = (tx + dx, ty) if tside == "right" else (tx - dx, ty)
        pts = _r([(sx, sy), c1, c2, (tx, ty)])
        mid = (
            round((pts[0][0] + 3 * pts[1][0] + 3 * pts[2][0] + pts[3][0]) / 8, 1),
            round((pts[0][1] + 3 * pts[1][1] + 3 * pts[2][1] + pts[3][1]) / 8, 1),
        )
        placed_edges.append(PlacedEdge(e, pts, mid, back))

    width = max([p.x + p.w for p in placed.values()] + [c.x + c.w for c in placed_clusters]) + MARGIN
    for pe in placed_edges:  # loops and back edges may bulge past the last column
        width = max(width, max(x for x, _ in pe.points) + MARGIN)
    height = top + root.height + MARGIN
    return Layout(round(width, 1), round(height, 1), placed, placed_clusters, placed_edges)


def _r(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    return [(round(x, 1), round(y, 1)) for x, y in points]


# --- SVG -------------------------------------------------------------------------------------------------------


def esc(text: Any) -> str:
    return _xml_escape(str(text), {'"': "&quot;"})


def num(x: float) -> str:
    """A coordinate: at most one decimal, no trailing zero (deterministic text for the same float)."""
    text = f"{x:.1f}"
    return text[:-2] if text.endswith(".0") else text


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
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = pe.points
    d = f"M{num(x0)},{num(y0)} C{num(x1)},{num(y1)} {num(x2)},{num(y2)} {num(x3)},{num(y3)}"
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
    label = e.label + (f" ×{e.count}" if e.count > 1 else "")
    if label:
        lx, ly = pe.label_at
        out.append(
            f'<text class="edge-label" x="{num(lx)}" y="{num(ly - 4)}" text-anchor="middle" font-size="10.5" '
            f'fill="#495057" stroke="#ffffff" stroke-width="3.5" paint-order="stroke" '
            f'stroke-linejoin="round">{esc(cut(label, 36))}</text>'
        )
    out.append("</g>")
    return "".join(out)


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
