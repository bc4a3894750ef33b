"""Every view rendered to PNG by Graphviz's `dot` program: `diagrams/<view>.png`.

When `dot` is missing, the build says how to install it and writes the `.dot` sources instead.
"""

from __future__ import annotations

from typing import Any

DESCRIPTION = "architecture diagrams rendered to PNG by Graphviz (diagrams/*.png); needs Graphviz's `dot`"
ACCEPTS_FINDINGS = True


def generate(build: Any) -> dict[str, bytes]:
    from ._dot import rendered

    return rendered(build, "png")
