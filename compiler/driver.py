"""The front end as one call: paths in, models and diagnostics out."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostic, Severity
from .loader import LoadedDesign, Loader


@dataclass
class CheckedDesign:
    loaded: LoadedDesign
    model: Any | None  # designc.model.Design, imported lazily
    diagnostics: list[Diagnostic]
    # findings an inline suppression silenced, each with the suppression's reason (for the design document)
    suppressed: list[tuple[Diagnostic, str]] = field(default_factory=list)


@dataclass
class Result:
    designs: list[CheckedDesign] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    config: Any = None  # designc.analysis.config.Config, when analysis ran
    baselined: int = 0  # findings left out because the baseline has them
    resolved_from_cache: int = 0  # files whose components came from the cache of resolved files

    @property
    def file_count(self) -> int:
        return len(
            {f.path for d in self.designs for f in d.loaded.files}
            | {d.span.file for d in self.diagnostics if d.span is not None and not d.span.file.startswith("<stdlib>")}
        )


def check(
    paths: list[Path],
    root: Path | None = None,
    *,
    analysis: bool = True,
    config_path: Path | None = None,
    baseline: set[str] | None = None,
    profile: str | None = None,
    cache: bool = False,
    stdin: tuple[Path, bytes] | None = None,
    progress: Any = None,
) -> Result:
    """Load, parse, resolve and analyse every design under ``paths``. Raises loader.UsageError for a missing
    path. ``baseline`` is a set of finding fingerprints not to report. ``cache`` reads and writes parsed files in
    the user's cache directory (`designc.cache`). ``stdin`` is standard input and the path it stands for, which
    ``paths`` then names. ``progress`` (a `designc.progress.Progress`) is told each stage."""
    import gc
    import os
    import time

    from .resolve import resolve

    writer: int | None = None  # the process writing resolved files to the cache

    timing = bool(os.environ.get("DESIGNC_TIMING"))
    t0 = time.perf_counter()
    from .analysis import config as config_module

    parse_cache = None
    if cache:
        from .cache import ParseCache

        parse_cache = ParseCache()
    loader = Loader(parse_cache, stdin)
    result = Result()
    found_config = config_path or config_module.find(paths[0] if paths else Path("."))
    # Syntax trees are many small objects and no cycles: the collector only costs while they are built or loaded
    # (it is enabled again, with the trees frozen out of its reach, once each design is resolved)
    stage = progress.stage if progress is not None else (lambda message: None)
    stage("reading and parsing")
    gc_enabled = gc.isenabled()
    gc.disable()
    try:
        units = loader.units(paths, root, config_module.excluder(found_config))
    finally:
        gc.freeze()
        if gc_enabled:
            gc.enable()
    cfg = None
    if analysis:
        from .analysis.rule import all_rules

        codes = list(all_rules())
        cfg = config_module.load(found_config, codes)
        result.config = cfg
    per_design: list[list[Diagnostic]] = []
    for unit in units:
        enabled = gc.isenabled()
        gc.disable()
        try:
            loaded = loader.load(unit)
            t1 = time.perf_counter()
            diags: list[Diagnostic] = []
            model = None
            sups: tuple[list[Any], list[Diagnostic]] = ([], [])
            if not loaded.failed:
                if cfg is not None:  # suppressions are found by statement, so before the tree is let go
                    sups = _suppressions(loaded)
                stage(f"resolving {_files(len(loaded.files))}")
                # the only design of the run lets its syntax tree go as the model is built (a fifth of the peak
                # memory at 10,000 services); a file shared by several designs is needed again
                rcache = None
                if parse_cache is not None:
                    from .resolved_cache import ResolvedCache

                    rcache = ResolvedCache(parse_cache)
                model, diags = resolve(
                    loaded.files, loaded.stdlib, loaded.model_path, release=len(units) == 1, cache=rcache
                )
                if rcache is not None:
                    result.resolved_from_cache += rcache.hits
                if rcache is not None and rcache.pending:
                    # written by a forked process while this one analyses (the next design waits for it)
                    from .resolved_cache import wait, write_in_background

                    wait(writer)
                    writer = write_in_background(rcache)
        finally:
            # The syntax trees and the model live until the process ends: move them out of the collector's
            # reach, so that neither later collections nor the interpreter's exit walk millions of objects
            # (3 s of a 10 s run at 10,000 services).
            gc.freeze()
            if enabled:
                gc.enable()
        if any(d.severity is Severity.ERROR for d in diags):
            model = None
        t2 = time.perf_counter()
        suppressed: list[tuple[Diagnostic, str]] = []
        if model is not None and cfg is not None:
            stage(f"analysing {len(model.components):,} components")
            diags = diags + _analyse(loaded, model, cfg, suppressed, sups, profile)
            gc.freeze()  # the findings live to the end too: no later collection walks them again (0.05 s at 10,000)
        if timing:
            t3 = time.perf_counter()
            print(
                f"designc timing: load+parse {t1 - t0:.3f}s resolve {t2 - t1:.3f}s analysis {t3 - t2:.3f}s",
                file=sys.stderr,
            )
            t0 = t3
        per_design.append(diags)
        result.designs.append(CheckedDesign(loaded, model, diags, suppressed))
    seen: set[tuple[Any, ...]] = set()
    extra = cfg.problems if cfg is not None else []
    for d in [*extra, *loader.diagnostics, *(x for ds in per_design for x in ds)]:
        key = (d.code, d.span, d.message)
        if key in seen:
            continue
        seen.add(key)
        if baseline and d.fingerprint in baseline:
            result.baselined += 1
            continue
        result.diagnostics.append(d)
    result.diagnostics.sort(key=Diagnostic.sort_key)
    result.texts = loader.texts
    if writer is not None:
        from .resolved_cache import wait

        wait(writer)
    if parse_cache is not None and (parse_cache.writes or writer is not None):
        parse_cache.prune()
    return result


def _files(n: int) -> str:
    return "1 file" if n == 1 else f"{n:,} files"


def _suppressions(loaded: LoadedDesign) -> tuple[list[Any], list[Diagnostic]]:
    """The design's inline suppressions (`# designc: ignore[CODE] reason`), and problems with them."""
    from .analysis.rule import all_rules
    from .analysis.suppress import collect

    return collect(loaded.files, set(all_rules()))


def _analyse(
    loaded: LoadedDesign,
    model: Any,
    cfg: Any,
    suppressed: list[tuple[Diagnostic, str]],
    found: tuple[list[Any], list[Diagnostic]],
    profile: str | None = None,
) -> list[Diagnostic]:
    """Run the rules over one design, then honour its inline suppressions (``found``, by `_suppressions`),
    collecting what they silenced, with their reasons, into ``suppressed``."""
    import re
    from array import array

    from .analysis import analyze, apply_profile, profile_of
    from .analysis.suppress import unused
    from .ast import Span

    sources = [*loaded.files, *loaded.stdlib]
    display = {loaded.model_path(f.path): f.path for f in sources}
    texts = {f.path: f.text for f in sources}
    starts: dict[str, array[int]] = {}

    def to_span(loc: Any) -> Span:
        """A finding points at its element's first line: a block's header, not the whole block."""
        path = display.get(loc.file, loc.file)
        if loc.end_line == loc.line:
            return Span(path, loc.line, loc.column, loc.end_line, loc.end_column)
        text = texts.get(path, "")
        # where each line starts (an array of offsets: the file split into lines took 13 MiB at 10,000 services)
        at = starts.get(path)
        if at is None:
            at = starts[path] = array("q", [0])
            at.extend(m.end() for m in re.finditer("\n", text))
        if loc.line <= len(at):
            begin = at[loc.line - 1]
            end = text.find("\n", begin)
            line = text[begin : end if end >= 0 else len(text)].rstrip()
        else:
            line = ""
        return Span(path, loc.line, loc.column, loc.line, max(loc.column + 1, len(line) + 1))

    import gc

    # The collector stays off until the findings are frozen out of its reach (as `check` does right after): turned
    # on between the rules and the freeze, its first collections walked every finding and diagnostic the analysis
    # made (about 0.03 s at 10,000 services)
    enabled = gc.isenabled()
    gc.disable()
    try:
        sups, problems = found
        # The syntax trees are not needed past this point: let them go before the analysis builds its graph, so the
        # two never take memory together (a fifth of the peak at 10,000 services).
        for f in loaded.files:
            f.stmts = []
        findings = analyze(model, cfg, to_span)
        kept = findings  # with no inline suppression, every finding (19,000 at 10,000 services) without a search
        if sups:
            kept = []
            for f in findings:
                hit = next((s for s in sups if f.span and s.covers(f.code, f.span.file, f.span.line)), None)
                if hit is None:
                    kept.append(f)
                else:
                    hit.used.add(f.code)
                    suppressed.append((f, hit.reason))
        for s in sups:
            s.codes = [c for c in s.codes if cfg.enabled(c)]
        kept = apply_profile(kept, profile_of(model, cfg, profile), model.system.name if model.system else "")
        return kept + problems + unused(sups)
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
