"""The design document as a small tree of sections, tables and lists, built once from the model, the analysis
graph and the findings, and rendered by the `markdown` and `html` targets through their templates.

Inline text in every block uses a small, safe subset of Markdown that both renderers understand: `code`,
**bold**, and [links](#anchor) to the document's own anchors or to relative files. Nothing else is markup;
renderers escape everything else.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Para:
    text: str
    kind: str = "para"


@dataclass
class Bullets:
    items: list[str]
    kind: str = "bullets"


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    kind: str = "table"


@dataclass
class Diagram:
    view: str  # a view id from targets/_views.py: context, container, deployment-REGION, entrypoint-NAME, ...
    caption: str
    kind: str = "diagram"


@dataclass
class Section:
    title: str
    anchor: str  # GitHub-style heading anchor, unique in the document
    level: int  # 2 for the top sections, 3 and 4 below
    blocks: list[Para | Bullets | Table | Diagram | Section] = field(default_factory=list)
    kind: str = "section"


@dataclass
class Document:
    title: str
    subtitle: str
    sections: list[Section] = field(default_factory=list)
