"""Design analysis: rules that know distributed systems, run over the resolved model's dependency graph."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..ast import Span
from ..diagnostics import INTERNAL, Diagnostic, Note, diag
from .config import Config
from .graph import Graph
from .rule import BROKEN, all_rules


def analyze(model: Any, config: Config, to_span: Callable[[Any], Span]) -> list[Diagnostic]:
    """Run every enabled rule over one design. ``to_span`` turns a model location into a diagnostic span."""
    if model.system is None:
        return []
    g = Graph(model, config.options)
    out: list[Diagnostic] = [
        diag(
            INTERNAL,
            f"rule module {module} failed to load: {error}",
            to_span(model.system.span),
            hints=["this is a bug in designc; the other rules ran"],
        )
        for module, error in BROKEN
    ]
    for code, cls in all_rules().items():
        if not config.enabled(code):
            continue
        r = cls()
        configured = config.severity.get(code)
        try:
            findings = list(r.check(g))
        except Exception as e:  # a bug in a rule must not hide the others' findings
            out.append(
                diag(
                    INTERNAL,
                    f"rule {code} failed: {type(e).__name__}: {e}",
                    to_span(model.system.span),
                    hints=["this is a bug in designc; please report it with the design that triggers it"],
                )
            )
            continue
        for f in findings:
            out.append(
                Diagnostic(
                    code=code,
                    severity=configured or f.severity or cls.severity,
                    message=f.message,
                    span=to_span(f.at),
                    label=f.label,
                    hints=list(f.hints),
                    notes=[Note(to_span(loc), msg) for loc, msg in f.notes],
                    fingerprint=f"{code}:{model.system.name}/{f.path}",
                )
            )
    return out
