"""Every view rendered to SVG by Graphviz's `dot` program: `diagrams/<view>.svg`.

When `dot` is missing, the build says how to install it and writes the `.dot` sources instead.
"""

from __future__ import annotations

from typing import Any

DESCRIPTION = "architecture diagrams rendered to SVG by Graphviz (diagrams/*.svg); needs Graphviz's `dot`"
ACCEPTS_FINDINGS = True


def generate(build: Any) -> dict[str, bytes]:
    from ._dot import rendered

    return rendered(build, "svg")
