"""`designc fmt`: one canonical layout for a design, with every comment kept.

The layout: two-space indentation, one statement per line, single spaces between values, `[a, b]` lists, at
most one blank line in a row (where the author left one). A block written on one line stays on one line if it
still fits in 100 columns and holds no comments; otherwise each statement gets its own line. Formatting twice
gives the same text as formatting once.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from .ast import Call, List, Name, Node, Num, Range, Stmt, Str
from .diagnostics import Diagnostic
from .parser import parse

WIDTH = 100
INDENT = "  "
_COMMENTS = re.compile(r'"(?:[^"\\\n]|\\.)*"?|#[^\n]*')
_SPACES = re.compile(r"[ \t]+")


def scan_comments(text: str) -> list[tuple[int, int, str]]:
    """Every `#` comment as (line, column, text), skipping `#` inside strings."""
    out = []
    line_starts = [0]
    for m in re.finditer(r"\n", text):
        line_starts.append(m.end())
    for m in _COMMENTS.finditer(text):
        if m.group().startswith("#"):
            line = bisect_right(line_starts, m.start())
            col = m.start() - line_starts[line - 1] + 1
            out.append((line, col, m.group().rstrip()))
    return out


def value(v: Node) -> str:
    if isinstance(v, Name):
        return v.text
    if isinstance(v, Str):
        return v.raw
    if isinstance(v, Num):
        return _SPACES.sub(" ", v.raw)
    if isinstance(v, Range):
        return v.raw
    if isinstance(v, List):
        return "[" + ", ".join(value(i) for i in v.items) + "]"
    if isinstance(v, Call):
        return f"{v.name}(" + ", ".join(value(a) for a in v.args) + ")"
    raise TypeError(type(v).__name__)


class _Comments:
    """Where each comment goes: before a statement, after it on its line, after a `{`, or before a `}`."""

    def __init__(self) -> None:
        self.leading: dict[int, list[tuple[int, str]]] = {}
        self.trailing: dict[int, str] = {}
        self.header: dict[int, str] = {}
        self.tail: dict[int, list[tuple[int, str]]] = {}  # id(block stmts list) or 0 for the file


def _place(stmts: list[Stmt], comments: list[tuple[int, int, str]], text_lines: list[str]) -> _Comments:
    placed = _Comments()
    for line, col, body in comments:
        before = text_lines[line - 1][: col - 1] if line - 1 < len(text_lines) else ""
        if before.strip():
            _place_trailing(stmts, line, col, body, placed)
        else:
            _place_own_line(stmts, 0, line, body, placed)
    return placed


def _place_trailing(stmts: list[Stmt], line: int, col: int, body: str, placed: _Comments) -> None:
    best: Stmt | None = None
    opener: Stmt | None = None
    todo = list(stmts)
    while todo:
        s = todo.pop()
        if s.span.line > line or s.span.end_line < line:
            continue
        ends_before = s.span.end_line == line and s.span.end_column <= col
        if ends_before and (best is None or s.span.end_column > best.span.end_column):
            best = s
        if s.block is not None:
            if s.block.span.line == line and s.block.span.column < col:
                opener = s
            todo.extend(s.block.stmts)
    if best is not None and (opener is None or best.span.end_column > opener.block.span.column):  # type: ignore[union-attr]
        prev = placed.trailing.get(id(best))
        placed.trailing[id(best)] = body if prev is None else prev + " " + body
    elif opener is not None:
        placed.header[id(opener)] = body
    else:
        # inside a multi-line list or call: keep it before the statement that holds it
        holder = _holder(stmts, line)
        if holder is not None:
            placed.leading.setdefault(id(holder), []).append((line, body))
        else:
            placed.tail.setdefault(0, []).append((line, body))


def _holder(stmts: list[Stmt], line: int) -> Stmt | None:
    for s in stmts:
        if s.span.line <= line <= s.span.end_line:
            if s.block is not None and s.block.span.line < line < s.block.span.end_line:
                inner = _holder(s.block.stmts, line)
                if inner is not None:
                    return inner
            return s
    return None


def _place_own_line(stmts: list[Stmt], block_key: int, line: int, body: str, placed: _Comments) -> None:
    starts = [s.span.line for s in stmts]
    i = bisect_right(starts, line)
    # a statement before the comment may contain it (the comment is inside its block)
    if i > 0:
        s = stmts[i - 1]
        if s.block is not None and s.block.span.line < line < s.block.span.end_line:
            _place_own_line(s.block.stmts, id(s.block.stmts), line, body, placed)
            return
        if s.span.line < line <= s.span.end_line:  # inside a multi-line list of s
            placed.leading.setdefault(id(s), []).append((line, body))
            return
    if i < len(stmts):
        placed.leading.setdefault(id(stmts[i]), []).append((line, body))
    else:
        placed.tail.setdefault(block_key, []).append((line, body))


class _Printer:
    def __init__(self, text: str, placed: _Comments) -> None:
        lines = text.split("\n")
        self.blank = {i + 1 for i, ln in enumerate(lines) if not ln.strip()}
        self.placed = placed
        self.out: list[str] = []

    def _blank_before(self, line: int, first: bool) -> None:
        if not first and (line - 1) in self.blank and self.out and self.out[-1] != "":
            self.out.append("")

    def stmts(self, stmts: list[Stmt], depth: int, block_key: int) -> None:
        pad = INDENT * depth
        first = True
        for s in stmts:
            for line, body in self.placed.leading.get(id(s), []):
                self._blank_before(line, first)
                self.out.append(pad + body)
                first = False
            self._blank_before(s.span.line, first)
            self.stmt(s, depth)
            first = False
        for line, body in self.placed.tail.get(block_key, []):
            self._blank_before(line, first)
            self.out.append(pad + body)
            first = False

    def _head(self, s: Stmt) -> str:
        return " ".join([s.key, *(value(v) for v in s.values)])

    def _inline(self, s: Stmt) -> str | None:
        """The statement on one line, if it may stay there."""
        if s.block is None:
            return self._head(s)
        b = s.block
        if b.span.line != b.span.end_line or id(s) in self.placed.header:
            return None
        parts = []
        for c in b.stmts:
            if id(c) in self.placed.trailing or id(c) in self.placed.leading:
                return None
            inner = self._inline(c)
            if inner is None:
                return None
            parts.append(inner)
        if id(b.stmts) in self.placed.tail:
            return None
        return self._head(s) + (" { " + "; ".join(parts) + " }" if parts else " {}")

    def stmt(self, s: Stmt, depth: int) -> None:
        pad = INDENT * depth
        trailing = self.placed.trailing.get(id(s))
        one = self._inline(s)
        if one is not None and (s.block is None or len(pad) + len(one) <= WIDTH):
            self.out.append(pad + one + (f"  {trailing}" if trailing else ""))
            return
        assert s.block is not None
        header = self.placed.header.get(id(s))
        self.out.append(pad + self._head(s) + " {" + (f"  {header}" if header else ""))
        self.stmts(s.block.stmts, depth + 1, id(s.block.stmts))
        self.out.append(pad + "}" + (f"  {trailing}" if trailing else ""))


def format_text(text: str, path: str) -> tuple[str | None, list[Diagnostic]]:
    """The canonical form of ``text``, or None and the syntax error that prevents formatting."""
    sf, diags = parse(text, path)
    if sf is None:
        return None, diags
    comments = scan_comments(text)
    placed = _place(sf.stmts, comments, text.split("\n"))
    p = _Printer(text, placed)
    p.stmts(sf.stmts, 0, 0)
    while p.out and p.out[-1] == "":
        p.out.pop()
    return "\n".join(p.out) + "\n" if p.out else "", []
