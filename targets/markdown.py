"""The design document as Markdown: `design.md`, in the order a design review reads it.

Overview and requirements, the architecture (Mermaid diagrams inline, which GitHub and GitLab render), each
component, the data architecture, data flow and communication with each entrypoint's budgets, scaling and
reliability, technology choices with their reasons, and the open findings. What the design does not say is
written as "not stated" rather than left out.

The text comes from `templates/markdown/document.md.j2`; `designc build --templates DIR` uses
`DIR/markdown/document.md.j2` instead when it exists.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

DESCRIPTION = "the design document (design.md): requirements, architecture, components, data, flows, findings"
ACCEPTS_FINDINGS = True
TEMPLATE = "document.md.j2"


def environment(build: Any, folder: str, autoescape: bool = False) -> Any:
    """A Jinja2 environment reading `DIR/<folder>/` of `--templates DIR` first, then the packaged templates."""
    import jinja2

    paths = []
    if build.templates is not None:
        paths.append(str(Path(build.templates) / folder))
    paths.append(str(Path(__file__).resolve().parent / "templates" / folder))
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(paths),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=False,
        lstrip_blocks=False,
    )


def render_template(env: Any, name: str, **context: Any) -> str:
    """Render a template; a mistake in a (user's) template is reported with its file and line, not a traceback."""
    import traceback

    import jinja2

    from designc.targets_registry import TargetError

    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as e:
        raise TargetError(f"template {e.filename or name}:{e.lineno}: {e.message}") from None
    except jinja2.TemplateError as e:
        where = name
        for frame in reversed(traceback.extract_tb(e.__traceback__)):
            if frame.filename.endswith(".j2") or frame.filename.endswith(".html"):
                where = f"{frame.filename}:{frame.lineno}"
                break
        raise TargetError(f"template {where}: {e}") from None


def generate(build: Any) -> dict[str, bytes]:
    from ._document import document
    from ._views import views
    from .mermaid import render

    by_id = {v.id: v for v in views(build)}
    env = environment(build, "markdown")
    text = render_template(env, TEMPLATE, doc=document(build), mermaid=lambda vid: render(by_id[vid], title=False))
    lines = [line.rstrip() for line in text.split("\n")]
    while len(lines) > 1 and not lines[-1] and not lines[-2]:
        lines.pop()
    out = "\n".join(lines)
    while "\n\n\n" in out:
        out = out.replace("\n\n\n", "\n\n")
    return {"design.md": (out.rstrip("\n") + "\n").encode("utf-8")}
