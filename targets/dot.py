"""Graphviz DOT sources of every view: `diagrams/<view>.dot`."""

from __future__ import annotations

from typing import Any

DESCRIPTION = "architecture diagrams as Graphviz DOT sources (diagrams/*.dot): context, container, deployment, ..."
ACCEPTS_FINDINGS = True


def generate(build: Any) -> dict[str, bytes]:
    from ._dot import all_sources

    return {f"diagrams/{name}.dot": text.encode("utf-8") for name, text in all_sources(build).items()}
