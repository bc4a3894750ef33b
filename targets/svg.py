"""Every view rendered to SVG by Graphviz's `dot` program: `diagrams/<view>.svg`.

When `dot` is missing, the build says how to install it and writes the `.dot` sources instead.
"""

from __future__ import annotations

from typing import Any

DESCRIPTION = "architecture diagrams rendered to SVG by Graphviz (diagrams/*.svg); needs Graphviz's `dot`"
ACCEPTS_FINDINGS = True


def generate(build: Any) -> dict[str, bytes]:
    from designc.targets_registry import TargetError

    from ._dot import all_sources, render_all

    sources = all_sources(build)
    try:
        rendered = render_all(sources, "svg")
    except TargetError as e:
        build.problems.append(f"svg not rendered: {e}; wrote the .dot sources instead")
        return {f"diagrams/{name}.dot": text.encode("utf-8") for name, text in sources.items()}
    return {f"diagrams/{name}.svg": data for name, data in rendered.items()}
