"""The syntax tree: statements and values, each knowing where it was written.

The language has one statement form, ``KEY VALUE* [{ STATEMENT* }]``, so the tree has one statement node and a
handful of value nodes. Nodes are plain slotted classes, not pydantic models: the parser makes hundreds of
thousands of them for a large design and they must be cheap. A node keeps where it was written as two character
offsets into its file's text (``start``, ``end``) and a reference to the file's `Source`; the line and column
``span`` is worked out only when something asks for it (a diagnostic, a location in the model).
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from dataclasses import dataclass
from typing import Any


@dataclass(slots=True, unsafe_hash=True)
class Span:
    """A region of a source file. Lines and columns are 1-based; ``end_column`` is one past the last character.

    Treated as immutable (it is hashed); not declared frozen because a frozen dataclass's constructor costs
    twice as much.
    """

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    def to(self, other: Span) -> Span:
        """The span from the start of this one to the end of ``other``."""
        return Span(self.file, self.line, self.column, other.end_line, other.end_column)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class Source:
    """A file's name and text, and the offsets its lines start at (worked out on first use)."""

    __slots__ = ("_starts", "path", "text")

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self._starts: array[int] | None = None

    def __getstate__(self) -> str:
        # pickled (the parse cache, parsing in worker processes) without its text: whoever loads it has the text
        return self.path

    def __setstate__(self, state: str) -> None:
        self.path = state
        self.text = ""
        self._starts = None

    def position(self, offset: int) -> tuple[int, int]:
        """The 1-based line and column of a character offset."""
        starts = self._starts
        if starts is None:
            text = self.text
            starts = array("q", [0])  # not a list: a number object per line was 5 MiB at 10,000 services
            find = text.find
            i = find("\n")
            while i >= 0:
                starts.append(i + 1)
                i = find("\n", i + 1)
            self._starts = starts
        line = bisect_right(starts, offset)
        return line, offset - starts[line - 1] + 1

    def span(self, start: int, end: int) -> Span:
        line, column = self.position(start)
        if self.text.find("\n", start, end) < 0:  # on one line (most are): the end needs no second search
            return Span(self.path, line, column, line, column + end - start)
        end_line, end_column = self.position(end)
        return Span(self.path, line, column, end_line, end_column)


class Node:
    """A value. ``type`` is the grammar's terminal for the node a token becomes (the parser feeds value nodes
    straight to Lark's LALR tables), ``kind`` the word messages use."""

    __slots__ = ("src", "start")
    src: Source
    start: int

    kind: str = "value"
    type: str = ""

    @property
    def end(self) -> int:
        """One past the node's last character. A token's is where its text ends; lists and calls store it."""
        return self.start + len(self.raw)  # type: ignore[attr-defined]

    @property
    def span(self) -> Span:
        return self.src.span(self.start, self.end)

    def describe(self) -> str:
        return self.kind


class Name(Node):
    """An identifier: ``ledger``, ``on``, ``us_east_1.a``."""

    __slots__ = ("text",)
    kind = "name"
    type = "NAME"

    def __init__(self, text: str, src: Source, start: int) -> None:
        self.text = text
        self.src = src
        self.start = start

    def __reduce__(self) -> tuple[Any, ...]:  # pickled compactly (the parse cache, parsing in worker processes)
        return Name, (self.text, self.src, self.start)

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    def describe(self) -> str:
        return f"the name `{self.text}`"


class Str(Node):
    """A double-quoted string; ``text`` is unescaped, ``raw`` is as written."""

    __slots__ = ("raw", "text")
    kind = "string"
    type = "STRING"

    def __init__(self, text: str, raw: str, src: Source, start: int) -> None:
        self.text = text
        self.raw = raw
        self.src = src
        self.start = start

    def __reduce__(self) -> tuple[Any, ...]:
        return Str, (self.text, self.raw, self.src, self.start)

    def describe(self) -> str:
        return f"the string {self.raw}"


class Num(Node):
    """A number with an optional unit as written: ``3``, ``250ms``, ``99.95%``, ``5000 rps``."""

    __slots__ = ("number", "raw", "unit")
    kind = "number"
    type = "QUANTITY"

    def __init__(self, number: float, unit: str, raw: str, src: Source, start: int) -> None:
        self.number = number
        self.unit = unit
        self.raw = raw
        self.src = src
        self.start = start

    def __reduce__(self) -> tuple[Any, ...]:
        return Num, (self.number, self.unit, self.raw, self.src, self.start)

    def describe(self) -> str:
        return f"`{self.raw}`"


class Range(Node):
    """``low..high``, both ends numbers: ``3..30``, ``50ms..2s``."""

    __slots__ = ("high", "low", "raw")
    kind = "range"
    type = "RANGE"

    def __init__(self, low: Num, high: Num, raw: str, src: Source, start: int) -> None:
        self.low = low
        self.high = high
        self.raw = raw
        self.src = src
        self.start = start

    def __reduce__(self) -> tuple[Any, ...]:
        return Range, (self.low, self.high, self.raw, self.src, self.start)

    def describe(self) -> str:
        return f"the range `{self.raw}`"


class List(Node):
    """``[a, b, c]``."""

    __slots__ = ("end", "items")
    kind = "list"

    def __init__(self, items: list[Node], src: Source, start: int, end: int) -> None:
        self.items = items
        self.src = src
        self.start = start
        self.end = end

    def __reduce__(self) -> tuple[Any, ...]:
        return List, (self.items, self.src, self.start, self.end)

    def describe(self) -> str:
        return "a list"


class Call(Node):
    """``name(args)``, as in ``sharding hash(account_id) 16``."""

    __slots__ = ("args", "end", "name")
    kind = "call"

    def __init__(self, name: str, args: list[Node], src: Source, start: int, end: int) -> None:
        self.name = name
        self.args = args
        self.src = src
        self.start = start
        self.end = end

    def __reduce__(self) -> tuple[Any, ...]:
        return Call, (self.name, self.args, self.src, self.start, self.end)

    def describe(self) -> str:
        return f"`{self.name}(...)`"


Value = Name | Str | Num | Range | List | Call


class Block:
    """``{ statements }``: from the opening to the closing brace."""

    __slots__ = ("end", "src", "start", "stmts")

    def __init__(self, stmts: list[Stmt], src: Source, start: int, end: int) -> None:
        self.stmts = stmts
        self.src = src
        self.start = start
        self.end = end

    def __reduce__(self) -> tuple[Any, ...]:
        return Block, (self.stmts, self.src, self.start, self.end)

    @property
    def span(self) -> Span:
        return self.src.span(self.start, self.end)


class Stmt:
    """``KEY VALUE* [{ ... }]``. ``key_span`` covers the key alone, ``span`` the whole statement."""

    __slots__ = ("block", "end", "key", "key_start", "src", "values")

    def __init__(
        self, key: str, src: Source, key_start: int, values: list[Node], block: Block | None, end: int
    ) -> None:
        self.key = key
        self.src = src
        self.key_start = key_start
        self.values = values
        self.block = block
        self.end = end

    def __reduce__(self) -> tuple[Any, ...]:
        return Stmt, (self.key, self.src, self.key_start, self.values, self.block, self.end)

    @property
    def key_end(self) -> int:
        return self.key_start + len(self.key)

    @property
    def start(self) -> int:
        return self.key_start

    @property
    def key_span(self) -> Span:
        return self.src.span(self.key_start, self.key_end)

    @property
    def span(self) -> Span:
        return self.src.span(self.key_start, self.end)


class SourceFile:
    """A parsed file: its statements and the text they came from."""

    __slots__ = ("path", "source", "stmts", "text")

    def __init__(self, path: str, text: str, stmts: list[Stmt], source: Source | None = None) -> None:
        self.path = path
        self.text = text
        self.stmts = stmts
        self.source = source if source is not None else Source(path, text)
