"""Output targets: one module per target in `designc.targets`, found by name, imported only when used.

A target module defines ``DESCRIPTION`` and ``generate(build: Build) -> dict[str, bytes]`` (paths relative to
the system's output folder, to file contents). It reads the resolved model, the analysis graph and the findings
from the :class:`Build`, never the parser. Modules whose names start with ``_`` are shared helpers, not targets.

Optional module attributes:

* ``ACCEPTS_FINDINGS`` (default False): the target documents a design whatever its findings say (the design
  document, the diagrams). Other targets build only a design without design-rule errors, unless
  ``--allow-findings`` is given.
* ``INDEPENDENT`` (default False): the target shares no computed work with others (through ``Build.shared``),
  so a large build may run it in a process of its own (see `generate_many`).

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


PARALLEL_FROM = 200  # components: a design this large builds its targets side by side, one process each
_POOLED: list[Any] = []  # (names, build) inherited by forked workers


def _generate_in_worker(name: str) -> tuple[str, dict[str, bytes] | None, str | None, list[str]]:
    """One target in a forked worker: its files, or its TargetError's text, and the problems it added."""
    build: Build = _POOLED[0]
    before = len(build.problems)
    try:
        files = generate(name, build)
    except TargetError as e:
        return name, None, str(e), build.problems[before:]
    return name, files, None, build.problems[before:]


def generate_many(names: list[str], build: Build) -> list[tuple[str, dict[str, bytes] | TargetError, list[str]]]:
    """Each target's files (or its TargetError) and the problems it reported, in the order given.

    On Linux, with two cores or more and a design of `PARALLEL_FROM` components or more, the targets that share
    no work with others (`INDEPENDENT = True`: the scaffolds) run side by side in forked processes (they inherit
    the model; only their files come back), while the others run here meanwhile, one after another, sharing what
    they compute (the document targets share their views; forked apart they would each redo it, and the HTML
    page already lays its views out on every core). The files are the same either way."""
    import sys

    from .processors import cores as processors

    cores = processors()
    parallel = [n for n in names if getattr(module(n), "INDEPENDENT", False)]
    big = len(getattr(build.model, "components", [])) >= PARALLEL_FROM
    out: dict[str, tuple[str, dict[str, bytes] | TargetError, list[str]]] = {}

    def here(name: str) -> None:
        before = len(build.problems)
        try:
            result: dict[str, bytes] | TargetError = generate(name, build)
        except TargetError as e:
            result = e
        out[name] = (name, result, build.problems[before:])

    side_by_side = len(names) >= 2 and bool(parallel) and cores >= 2 and big
    if not side_by_side or not sys.platform.startswith("linux"):  # fork is safe on Linux only
        for n in names:
            here(n)
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        _POOLED[:] = [build]
        try:
            workers = min(cores, len(parallel))
            with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
                futures = [pool.submit(_generate_in_worker, n) for n in parallel]
                for n in names:
                    if n not in parallel:
                        here(n)
                for f in futures:
                    name, files, error, problems = f.result()
                    out[name] = (name, TargetError(error) if error is not None else files or {}, problems)
        finally:
            _POOLED.clear()
        # what the workers reported, as if they had run here
        for n in parallel:
            build.problems.extend(out[n][2])
    return [out[n] for n in names]
