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


@dataclass
class Result:
    designs: list[CheckedDesign] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)

    @property
    def file_count(self) -> int:
        return len(
            {f.path for d in self.designs for f in d.loaded.files}
            | {d.span.file for d in self.diagnostics if d.span is not None and not d.span.file.startswith("<stdlib>")}
        )

    def worst(self) -> Severity | None:
        if not self.diagnostics:
            return None
        return max((d.severity for d in self.diagnostics), key=lambda s: s.rank)


def check(paths: list[Path], root: Path | None = None) -> Result:
    """Load, parse and resolve every design under ``paths``. Raises loader.UsageError for a missing path."""
    import gc
    import os
    import time

    from .resolve import resolve

    timing = bool(os.environ.get("DESIGNC_TIMING"))
    t0 = time.perf_counter()
    loader = Loader()
    result = Result()
    units = loader.units(paths, root)
    per_design: list[list[Diagnostic]] = []
    for unit in units:
        loaded = loader.load(unit)
        t1 = time.perf_counter()
        diags: list[Diagnostic] = []
        model = None
        if not loaded.failed:
            enabled = gc.isenabled()
            gc.disable()
            try:
                model, diags = resolve(loaded.files, loaded.stdlib, loaded.model_path)
            finally:
                # The syntax trees and the model live until the process ends: move them out of the collector's
                # reach, so that neither later collections nor the interpreter's exit walk millions of objects
                # (3 s of a 10 s run at 10,000 services).
                gc.freeze()
                if enabled:
                    gc.enable()
            if any(d.severity is Severity.ERROR for d in diags):
                model = None
        if timing:
            t2 = time.perf_counter()
            print(f"designc timing: load+parse {t1 - t0:.3f}s resolve {t2 - t1:.3f}s", file=sys.stderr)
            t0 = t2
        per_design.append(diags)
        result.designs.append(CheckedDesign(loaded, model, diags))
    seen: set[tuple[Any, ...]] = set()
    for d in [*loader.diagnostics, *(x for ds in per_design for x in ds)]:
        key = (d.code, d.span, d.message)
        if key not in seen:
            seen.add(key)
            result.diagnostics.append(d)
    result.diagnostics.sort(key=Diagnostic.sort_key)
    result.texts = loader.texts
    return result
