"""The design document as Markdown: `design.md`, in the order a design review reads it.

Overview and requirements, the architecture (Mermaid diagrams inline, which GitHub and GitLab render), each
component, the data architecture, data flow and communication with each entrypoint's budgets, scaling and
reliability, technology choices with their reasons, and the open findings. What the design does not say is
written as "not stated" rather than left out.

The text comes from `templates/markdown/document.md.j2`; `designc build --templates DIR` uses
`DIR/markdown/document.md.j2` instead when it exists.
"""

from __future__ import annotations

from typing import Any

DESCRIPTION = "the design document (design.md): requirements, architecture, components, data, flows, findings"
ACCEPTS_FINDINGS = True
TEMPLATE = "markdown/document.md.j2"


def generate(build: Any) -> dict[str, bytes]:
    from ._document import document
    from ._templates import environment
    from ._templates import render as render_template
    from ._views import views
    from .mermaid import render

    by_id = {v.id: v for v in views(build)}
    text = render_template(
        environment(build), TEMPLATE, doc=document(build), mermaid=lambda vid: render(by_id[vid], title=False)
    )
    lines = [line.rstrip() for line in text.split("\n")]
    while len(lines) > 1 and not lines[-1] and not lines[-2]:
        lines.pop()
    out = "\n".join(lines)
    while "\n\n\n" in out:
        out = out.replace("\n\n\n", "\n\n")
    return {"design.md": (out.rstrip("\n") + "\n").encode("utf-8")}
