"""A view as Graphviz DOT, through the `graphviz` package, and its rendering by Graphviz's `dot` program.

Shapes follow the component's kind (a cylinder for stores, a queue shape for streams and queues, a dashed box for
externals, an oval for clients, a folder for a collapsed group); solid edges are synchronous calls and dashed
ones asynchronous; a component with findings is drawn in the colour of the worst, its codes in the tooltip.
"""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from designc.processors import cores

from ._views import View

FONT = "Helvetica"
KIND_STYLE: dict[str, dict[str, str]] = {
    "service": {"shape": "box", "style": "rounded,filled", "fillcolor": "#dbeafe", "color": "#1e40af"},
    "store": {"shape": "cylinder", "style": "filled", "fillcolor": "#dcfce7", "color": "#166534"},
    "stream": {"shape": "cds", "style": "filled", "fillcolor": "#fef3c7", "color": "#92400e"},
    "queue": {"shape": "cds", "style": "filled", "fillcolor": "#ffedd5", "color": "#9a3412"},
    "cache": {"shape": "box3d", "style": "filled", "fillcolor": "#f3e8ff", "color": "#6b21a8"},
    "external": {"shape": "box", "style": "rounded,dashed,filled", "fillcolor": "#f3f4f6", "color": "#4b5563"},
    "client": {"shape": "oval", "style": "filled", "fillcolor": "#e0f2fe", "color": "#075985"},
    "group": {"shape": "folder", "style": "filled", "fillcolor": "#f1f5f9", "color": "#334155"},
    "system": {"shape": "box", "style": "rounded,filled,bold", "fillcolor": "#dbeafe", "color": "#1e3a8a"},
}
KIND_NAME = {
    "service": "service",
    "store": "data store",
    "stream": "stream (a log)",
    "queue": "queue",
    "cache": "cache",
    "external": "external system (dashed)",
    "client": "client",
    "group": "group of components",
    "system": "the system",
}
SEVERITY_COLOR = {"error": "#dc2626", "warning": "#d97706", "info": "#2563eb"}
CLUSTER_STYLE = {
    "system": {"style": "rounded,dashed", "color": "#1e3a8a", "fontcolor": "#1e3a8a"},
    "region": {"style": "rounded", "color": "#475569", "fontcolor": "#334155"},
    "zones": {"style": "rounded,filled", "color": "#cbd5e1", "fillcolor": "#f8fafc", "fontcolor": "#475569"},
    "group": {"style": "rounded,dashed", "color": "#64748b", "fontcolor": "#334155"},
}
INSTALL_HINT = (
    "Graphviz's `dot` program is not installed; install Graphviz (Debian/Ubuntu: `apt-get install graphviz`, "
    "macOS: `brew install graphviz`, Windows: `winget install graphviz`)"
)


def html(text: str) -> str:
    """Text for a Graphviz HTML-like label."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _tooltip(text: str) -> str:
    # DOT escString: a backslash starts an escape, so write them doubled; newlines as \n
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def source(view: View) -> str:
    """The DOT text of a view: deterministic for the same view."""
    import graphviz

    g = graphviz.Digraph(name=view.id, format="svg")
    # the title, the view's figures and the legend, above the diagram
    rows = [f'<TR><TD ALIGN="LEFT"><B>{html(view.title)}</B></TD></TR>']
    rows += [f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="10">{html(fact)}</FONT></TD></TR>' for fact in view.facts]
    rows.append(f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="9">{_legend(view)}</FONT></TD></TR>')
    title = '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">' + "".join(rows) + "</TABLE>>"
    g.attr(
        rankdir="LR",
        label=title,
        labelloc="t",
        labeljust="l",
        fontname=FONT,
        fontsize="14",
        nodesep="0.35",
        ranksep="0.7",
        pad="0.3",
        newrank="true",
        id=f"view-{view.id}",
    )
    g.attr("node", fontname=FONT, fontsize="11", margin="0.15,0.08")
    g.attr("edge", fontname=FONT, fontsize="9", color="#475569", fontcolor="#334155", arrowsize="0.7")

    # DOT identifiers: a view's node ids as they are when plain (component names), else made plain and unique
    # (the graphviz package reads `a:b` in an edge as node `a`, port `b`)
    did: dict[str, str] = {}
    taken: set[str] = set()
    for n in view.nodes:
        base = "".join(ch if ch.isascii() and (ch.isalnum() or ch == "_") else "_" for ch in n.id) or "n"
        if base[0].isdigit():
            base = "n_" + base
        name, i = base, 2
        while name in taken:
            name, i = f"{base}_{i}", i + 1
        taken.add(name)
        did[n.id] = name

    children: dict[str | None, list[Any]] = {}
    for c in view.clusters:
        children.setdefault(c.parent, []).append(c)
    members: dict[str | None, list[Any]] = {}
    for n in view.nodes:
        members.setdefault(n.cluster if n.cluster in {c.id for c in view.clusters} else None, []).append(n)

    def add_nodes(graph: Any, cluster: str | None) -> None:
        for n in members.get(cluster, []):
            attrs = dict(KIND_STYLE.get(n.kind, KIND_STYLE["service"]))
            label = f"<<B>{html(n.label)}</B>"
            if n.detail:
                label += f'<BR/><FONT POINT-SIZE="9">{html(n.detail)}</FONT>'
            if n.badge:
                label += f'<BR/><FONT POINT-SIZE="9" COLOR="#1e3a8a">{html(n.badge)}</FONT>'
            if n.codes:
                shown = " ".join(n.codes[:4]) + (f" +{len(n.codes) - 4}" if len(n.codes) > 4 else "")
                label += f'<BR/><FONT POINT-SIZE="9" COLOR="{SEVERITY_COLOR.get(n.severity or "", "#334155")}">'
                label += f"{html(shown)}</FONT>"
            label += ">"
            if n.outside:
                attrs.update(style=attrs["style"].replace("filled", "dashed,filled"), fillcolor="#ffffff")
                attrs["fontcolor"] = "#64748b"
                attrs["color"] = "#94a3b8"
            if n.severity in SEVERITY_COLOR:
                attrs["color"] = SEVERITY_COLOR[n.severity]
                attrs["penwidth"] = "2.5" if n.severity == "error" else "1.8"
            classes = [f"kind-{n.kind}"] + ([f"severity-{n.severity}"] if n.severity else [])
            graph.node(
                did[n.id],
                label=label,
                tooltip=_tooltip(n.tooltip or n.label),
                id=f"node_{did[n.id]}",
                **{"class": " ".join(classes)},
                **attrs,
            )

    def add_cluster(graph: Any, c: Any) -> None:
        with graph.subgraph(name=f"cluster_{c.id}") as sub:
            style = CLUSTER_STYLE.get(c.kind, CLUSTER_STYLE["group"])
            sub.attr(label=_tooltip(c.label), fontname=FONT, fontsize="11", labeljust="l", **style)
            add_nodes(sub, c.id)
            for child in children.get(c.id, []):
                add_cluster(sub, child)

    add_nodes(g, None)
    for c in children.get(None, []):
        add_cluster(g, c)

    for e in view.edges:
        attrs = {}
        if e.mode == "async":
            attrs["style"] = "dashed"
        if e.soft:
            attrs["color"] = "#94a3b8"
            attrs["arrowhead"] = "empty"
        if e.bold:
            attrs["penwidth"] = "2.5"
            attrs["color"] = "#1e3a8a"
        if e.severity in SEVERITY_COLOR:
            attrs["color"] = SEVERITY_COLOR[e.severity]
        label = e.label + (f" ({e.count} dependencies)" if e.count > 1 and not e.label.endswith("dependencies") else "")
        g.edge(did[e.source], did[e.target], label=_tooltip(label), tooltip=_tooltip(e.tooltip or label), **attrs)

    return g.source


def _legend(view: View) -> str:
    """The legend as one row of an HTML-like table: a swatch and a word per kind and style the view uses."""
    cells = []
    for k in KIND_STYLE:
        if any(n.kind == k for n in view.nodes):
            s = KIND_STYLE[k]
            cells.append(
                f'<TD BGCOLOR="{s["fillcolor"]}" COLOR="{s["color"]}" BORDER="1" WIDTH="14"> </TD>'
                f'<TD ALIGN="LEFT">{html(KIND_NAME[k])}  </TD>'
            )
    cells.append('<TD>──▶</TD><TD ALIGN="LEFT">synchronous call  </TD>')
    if any(e.mode == "async" for e in view.edges):
        cells.append('<TD>- -▶</TD><TD ALIGN="LEFT">asynchronous, following the data  </TD>')
    if any(e.bold for e in view.edges):
        cells.append('<TD><B>━━▶</B></TD><TD ALIGN="LEFT">worst latency chain  </TD>')
    if any(e.soft for e in view.edges):
        cells.append('<TD><FONT COLOR="#94a3b8">──▷</FONT></TD><TD ALIGN="LEFT">soft: the caller degrades  </TD>')
    for sev, color in SEVERITY_COLOR.items():
        if any(n.severity == sev for n in view.nodes) or any(e.severity == sev for e in view.edges):
            cells.append(f'<TD><FONT COLOR="{color}">■</FONT></TD><TD ALIGN="LEFT">{sev} finding  </TD>')
    if any(n.outside for n in view.nodes):
        cells.append('<TD><FONT COLOR="#94a3b8">┄┄</FONT></TD><TD ALIGN="LEFT">shown for context  </TD>')
    return '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="1" CELLPADDING="1"><TR>' + "".join(cells) + "</TR></TABLE>"


def dot_program() -> str | None:
    return shutil.which("dot")


def render_all(sources: dict[str, str], fmt: str) -> dict[str, bytes]:
    """Render DOT sources (name -> text) with `dot -T<fmt>`, on every core. Raises TargetError when `dot` is
    missing or fails."""
    import subprocess

    from designc.targets_registry import TargetError

    program = dot_program()
    if program is None:
        raise TargetError(INSTALL_HINT)

    def one(item: tuple[str, str]) -> tuple[str, bytes]:
        name, text = item
        proc = subprocess.run([program, f"-T{fmt}"], input=text.encode("utf-8"), capture_output=True, check=False)
        if proc.returncode != 0:
            raise TargetError(f"dot could not render {name}: {proc.stderr.decode('utf-8', 'replace').strip()}")
        return name, proc.stdout

    with ThreadPoolExecutor(max_workers=cores()) as pool:
        return dict(pool.map(one, sorted(sources.items())))


def all_sources(build: Any) -> dict[str, str]:
    """The DOT text of every view, by view id; shared between the dot, svg and png targets of one build."""
    from ._views import views

    return build.shared("dot_sources", lambda: {v.id: source(v) for v in views(build)})


def rendered(build: Any, fmt: str) -> dict[str, bytes]:
    """Every view rendered to ``fmt`` by `dot` (the svg and png targets); without `dot`, the `.dot` sources and a
    problem saying how to install Graphviz."""
    from designc.targets_registry import TargetError

    sources = all_sources(build)
    try:
        out = render_all(sources, fmt)
    except TargetError as e:
        build.problems.append(f"{fmt} not rendered: {e}; wrote the .dot sources instead")
        return {f"diagrams/{name}.dot": text.encode("utf-8") for name, text in sources.items()}
    return {f"diagrams/{name}.{fmt}": data for name, data in out.items()}
