"""Jinja2 templates for the targets: the packaged ones in `targets/templates/<target>/`, each overridable by a file
at the same path below `designc build --templates DIR` (e.g. `DIR/markdown/document.md.j2`)."""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Any

PACKAGED = Path(__file__).resolve().parent / "templates"


def environment(build: Any, autoescape: bool = False, trim: bool = False) -> Any:
    """A Jinja2 environment that reads `--templates DIR` first, then the packaged templates; names are paths
    below either, such as `markdown/document.md.j2`."""
    import jinja2

    loaders: list[jinja2.BaseLoader] = []
    if build.templates is not None:
        loaders.append(jinja2.FileSystemLoader(str(build.templates)))
    loaders.append(jinja2.FileSystemLoader(str(PACKAGED)))
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=trim,
        lstrip_blocks=trim,
    )


def render(env: Any, name: str, **context: Any) -> str:
    """Render a template; a mistake in a (user's) template is reported with its file and line, not a traceback."""
    import jinja2

    from designc.targets_registry import TargetError

    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as e:
        raise TargetError(f"template {e.filename or name}:{e.lineno}: {e.message}") from None
    except jinja2.TemplateNotFound as e:
        raise TargetError(f"template `{e.name}` not found") from None
    except jinja2.TemplateError as e:
        where = name
        for frame in reversed(traceback.extract_tb(e.__traceback__)):
            if frame.filename.endswith((".j2", ".html")):
                where = f"{frame.filename}:{frame.lineno}"
                break
        raise TargetError(f"template {where}: {e}") from None
