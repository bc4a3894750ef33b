"""Inline suppressions: `# designc: ignore[CODE, ...] reason` on an element or edge, or on the line above it.

A suppression covers the statement it sits on (or the one right below it) and everything inside that
statement's block. It needs a reason; one without is not honoured and is reported, and so is a suppression
that names an unknown code or suppresses nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..ast import SourceFile, Span, Stmt
from ..diagnostics import Diagnostic, Severity, diag, register
from ..fmt import scan_comments

NO_REASON = register(
    "SUP001",
    Severity.WARNING,
    "suppression without a reason",
    "`# designc: ignore[CODE]` needs a reason after it, so the next reader knows why the finding does not apply: "
    "`# designc: ignore[SPOF001] batch job; a rerun is fine`. Without one it is not honoured.",
)
UNKNOWN_CODE = register(
    "SUP002",
    Severity.WARNING,
    "suppression of an unknown code",
    "The suppression names a code that no rule has. `designc rules` lists them.",
)
UNUSED = register(
    "SUP003",
    Severity.WARNING,
    "unused suppression",
    "The suppression silences nothing: the finding it was for is gone. Remove it.",
)

PATTERN = re.compile(r"#\s*designc:\s*ignore\[([^\]]*)\]\s*(.*)$")


@dataclass
class Suppression:
    file: str
    first: int
    last: int
    codes: list[str]
    span: Span
    reason: str = ""
    used: set[str] = field(default_factory=set)

    def covers(self, code: str, file: str, line: int) -> bool:
        return file == self.file and self.first <= line <= self.last and code in self.codes


def _statements_at(stmts: list[Stmt], line: int) -> Stmt | None:
    """The innermost statement that starts on ``line``."""
    for s in stmts:
        if s.span.line == line:
            inner = _statements_at(s.block.stmts, line) if s.block is not None else None
            return inner if inner is not None and inner.span.end_line == line else s
        if s.block is not None and s.span.line < line <= s.span.end_line:
            return _statements_at(s.block.stmts, line)
    return None


def _next_statement(stmts: list[Stmt], line: int) -> Stmt | None:
    for s in stmts:
        if s.span.line > line:
            return s
        if s.block is not None and s.span.line <= line < s.span.end_line:
            found = _next_statement(s.block.stmts, line)
            if found is not None:
                return found
    return None


def collect(files: list[SourceFile], known: set[str]) -> tuple[list[Suppression], list[Diagnostic]]:
    found: list[Suppression] = []
    problems: list[Diagnostic] = []
    for f in files:
        if "designc:" not in f.text:
            continue
        lines = f.text.split("\n")
        for line, col, body in scan_comments(f.text):
            m = PATTERN.search(body)
            if m is None:
                continue
            span = Span(f.path, line, col, line, col + len(body))
            codes = [c.strip().upper() for c in m.group(1).split(",") if c.strip()]
            reason = m.group(2).strip()
            unknown = [c for c in codes if c not in known]
            for c in unknown:
                problems.append(diag(UNKNOWN_CODE, f"`{c}` is not a rule code", span, label="unknown code"))
            if not reason:
                problems.append(
                    diag(
                        NO_REASON,
                        "this suppression gives no reason, so it is not honoured",
                        span,
                        label="reason missing",
                        hints=[f"write why: `# designc: ignore[{', '.join(codes)}] because ...`"],
                    )
                )
                continue
            own_line = not lines[line - 1][: col - 1].strip()
            target = _next_statement(f.stmts, line) if own_line else _statements_at(f.stmts, line)
            if target is None:
                continue
            found.append(
                Suppression(
                    f.path, target.span.line, target.span.end_line, [c for c in codes if c in known], span, reason
                )
            )
    return found, problems


def unused(sups: list[Suppression]) -> list[Diagnostic]:
    out = []
    for s in sups:
        for c in s.codes:
            if c not in s.used:
                out.append(
                    diag(
                        UNUSED,
                        f"the suppression of {c} silences nothing here",
                        s.span,
                        label="unused",
                        hints=["remove it"],
                    )
                )
    return out
