"""Output targets: one module per target in `designc.targets`, found by name, imported only when used.

A target module defines ``DESCRIPTION`` and ``generate(build: Build) -> dict[str, bytes]`` (paths relative to
the system's output folder, to file contents). It reads the resolved model, the analysis graph and the findings
from the :class:`Build`, never the parser. Modules whose names start with ``_`` are shared helpers, not targets.

Optional module attributes:

* ``ACCEPTS_FINDINGS`` (default False): the target documents a design whatever its findings say (the design
  document, the diagrams). Other targets build only a design without design-rule errors, unless
  ``--allow-findings`` is given.

Adding a target is adding a module; nothing here changes.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any


class TargetError(Exception):
    """A target cannot produce its output (a missing program, a bad template): reported without a traceback."""


@dataclass
class Build:
    """What a target reads: one design's model, its findings, and the build's options."""

    model: Any  # designc.model.Design
    findings: list[Any] = field(default_factory=list)  # designc.diagnostics.Diagnostic, rule findings only
    suppressed: list[tuple[Any, str]] = field(default_factory=list)  # (finding, the suppression's reason)
    targets: tuple[str, ...] = ()  # every target of this build, so a document can link to what else is written
    templates: Path | None = None  # a folder whose templates override the packaged ones
    problems: list[str] = field(default_factory=list)  # what a target could not do; the build exits 1
    cache: dict[str, Any] = field(default_factory=dict)  # shared between targets of one build (views, renders)

    @cached_property
    def graph(self) -> Any:
        from .analysis.graph import Graph

        return Graph(self.model)

    def shared(self, key: str, make: Any) -> Any:
        """A value computed once per build and shared by the targets that need it (``make()`` builds it)."""
        if key not in self.cache:
            self.cache[key] = make()
        return self.cache[key]


def available() -> list[str]:
    import designc.targets as pkg

    return sorted(m.name for m in pkgutil.iter_modules(pkg.__path__) if not m.name.startswith("_"))


def module(name: str) -> Any:
    return importlib.import_module(f"designc.targets.{name}")


def describe() -> list[tuple[str, str]]:
    """(name, description) of every target."""
    return [(n, getattr(module(n), "DESCRIPTION", "")) for n in available()]


def accepts_findings(name: str) -> bool:
    return bool(getattr(module(name), "ACCEPTS_FINDINGS", False))


def generate(name: str, build: Build) -> dict[str, bytes]:
    return module(name).generate(build)
