"""Every view as a Mermaid flowchart: `diagrams/<view>.mmd`, which renders on GitHub and GitLab.

Identifiers are derived from component names (prefixed, so that Mermaid's keywords such as `end` or `graph`
cannot clash); labels are quoted, with the characters Mermaid gives a meaning to written as entities.
"""

from __future__ import annotations

import json
from typing import Any

from ._views import View

DESCRIPTION = "architecture diagrams as Mermaid flowcharts (diagrams/*.mmd), the same views as the Graphviz ones"
ACCEPTS_FINDINGS = True

# opening and closing brackets per kind: Mermaid's flowchart node shapes
SHAPES = {
    "service": ("[", "]"),
    "store": ("[(", ")]"),
    "stream": (">", "]"),
    "queue": (">", "]"),
    "cache": ("{{", "}}"),
    "external": ("[/", "/]"),
    "client": ("([", "])"),
    "group": ("[[", "]]"),
    "system": ("[", "]"),
}
CLASSES = {
    "service": "fill:#dbeafe,stroke:#1e40af,color:#0f172a",
    "store": "fill:#dcfce7,stroke:#166534,color:#0f172a",
    "stream": "fill:#fef3c7,stroke:#92400e,color:#0f172a",
    "queue": "fill:#ffedd5,stroke:#9a3412,color:#0f172a",
    "cache": "fill:#f3e8ff,stroke:#6b21a8,color:#0f172a",
    "external": "fill:#f3f4f6,stroke:#4b5563,stroke-dasharray:4 3,color:#0f172a",
    "client": "fill:#e0f2fe,stroke:#075985,color:#0f172a",
    "group": "fill:#f1f5f9,stroke:#334155,color:#0f172a",
    "system": "fill:#dbeafe,stroke:#1e3a8a,stroke-width:2px,color:#0f172a",
    "outside": "fill:#ffffff,stroke:#94a3b8,stroke-dasharray:3 3,color:#64748b",
    "error": "stroke:#dc2626,stroke-width:3px",
    "warning": "stroke:#d97706,stroke-width:2px",
    "info": "stroke:#2563eb,stroke-width:2px",
}


def text(s: str) -> str:
    """A label for inside double quotes: Mermaid reads `#...;` as an entity and `"` ends the label, and the
    characters of its own markup are safest as entities too."""
    out = []
    for ch in s:
        if ch in '"#<>&`|':
            out.append(f"#{ord(ch)};")
        elif ch == "\n":
            out.append("<br>")
        else:
            out.append(ch)
    return "".join(out)


class _Ids:
    """Mermaid identifiers: `n_` plus the name's letters, digits and `_`, made unique."""

    def __init__(self) -> None:
        self.ids: dict[str, str] = {}
        self.used: set[str] = set()

    def __call__(self, key: str) -> str:
        found = self.ids.get(key)
        if found is None:
            base = "n_" + "".join(ch if ch.isascii() and (ch.isalnum() or ch == "_") else "_" for ch in key)
            found, i = base, 2
            while found in self.used:
                found, i = f"{base}_{i}", i + 1
            self.ids[key] = found
            self.used.add(found)
        return found


def render(view: View, title: bool = True) -> str:
    """A view as a Mermaid flowchart, deterministic for the same view."""
    ids = _Ids()
    lines = []
    if title:
        lines += ["---", f"title: {json.dumps(view.title, ensure_ascii=False)}", "---"]
    lines.append("flowchart LR")
    children: dict[str | None, list[Any]] = {}
    for c in view.clusters:
        children.setdefault(c.parent, []).append(c)
    cluster_ids = {c.id for c in view.clusters}
    members: dict[str | None, list[Any]] = {}
    for n in view.nodes:
        members.setdefault(n.cluster if n.cluster in cluster_ids else None, []).append(n)
    used: dict[str, list[str]] = {}

    def add_nodes(cluster: str | None, indent: str) -> None:
        for n in members.get(cluster, []):
            o, c = SHAPES.get(n.kind, SHAPES["service"])
            label = f"<b>{text(n.label)}</b>"
            codes = " ".join(n.codes[:4]) + (f" +{len(n.codes) - 4}" if len(n.codes) > 4 else "")
            for extra in (n.detail, n.badge, codes):
                if extra:
                    label += f"<br><small>{text(extra)}</small>"
            nid = ids(n.id)
            lines.append(f'{indent}{nid}{o}"{label}"{c}')
            used.setdefault("outside" if n.outside else n.kind, []).append(nid)
            if n.severity:
                used.setdefault(n.severity, []).append(nid)

    def add_cluster(c: Any, indent: str) -> None:
        lines.append(f'{indent}subgraph {ids("cluster:" + c.id)}["{text(c.label)}"]')
        add_nodes(c.id, indent + "  ")
        for child in children.get(c.id, []):
            add_cluster(child, indent + "  ")
        lines.append(f"{indent}end")

    add_nodes(None, "  ")
    for c in children.get(None, []):
        add_cluster(c, "  ")
    for e in view.edges:
        arrow = "==>" if e.bold else ("-.->" if e.mode == "async" else "-->")
        label = e.label + (f" ({e.count} dependencies)" if e.count > 1 and not e.label.endswith("dependencies") else "")
        lines.append(f"  {ids(e.source)} {arrow}" + (f'|"{text(label)}"|' if label else "") + f" {ids(e.target)}")
    for name, style in CLASSES.items():
        if name in used:
            lines.append(f"  classDef {name} {style}")
    for name in CLASSES:
        if name in used:
            lines.append(f"  class {','.join(used[name])} {name}")
    return "\n".join(lines) + "\n"


def generate(build: Any) -> dict[str, bytes]:
    from ._views import views

    return {f"diagrams/{v.id}.mmd": render(v).encode("utf-8") for v in views(build)}
