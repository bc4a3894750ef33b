"""The syntax tree: statements and values, each with its source span.

The language has one statement form, ``KEY VALUE* [{ STATEMENT* }]``, so the tree has one statement node and a
handful of value nodes. Nodes are plain slotted classes, not pydantic models: the parser makes hundreds of
thousands of them for a large design and they must be cheap.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True, unsafe_hash=True)
class Span:
    """A region of a source file. Lines and columns are 1-based; ``end_column`` is one past the last character.

    Treated as immutable (it is hashed); not declared frozen because a frozen dataclass's constructor costs
    twice as much, and the parser makes one span per token.
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


class Node:
    __slots__ = ("span",)
    span: Span

    kind: str = "value"

    def describe(self) -> str:
        return self.kind


class Name(Node):
    """An identifier: ``ledger``, ``on``, ``us_east_1.a``."""

    __slots__ = ("text",)
    kind = "name"

    def __init__(self, text: str, span: Span) -> None:
        self.text = text
        self.span = span

    def describe(self) -> str:
        return f"the name `{self.text}`"


class Str(Node):
    """A double-quoted string; ``text`` is unescaped, ``raw`` is as written."""

    __slots__ = ("raw", "text")
    kind = "string"

    def __init__(self, text: str, raw: str, span: Span) -> None:
        self.text = text
        self.raw = raw
        self.span = span

    def describe(self) -> str:
        return f"the string {self.raw}"


class Num(Node):
    """A number with an optional unit as written: ``3``, ``250ms``, ``99.95%``, ``5000 rps``."""

    __slots__ = ("number", "raw", "unit")
    kind = "number"

    def __init__(self, number: float, unit: str, raw: str, span: Span) -> None:
        self.number = number
        self.unit = unit
        self.raw = raw
        self.span = span

    def describe(self) -> str:
        return f"`{self.raw}`"


class Range(Node):
    """``low..high``, both ends numbers: ``3..30``, ``50ms..2s``."""

    __slots__ = ("high", "low", "raw")
    kind = "range"

    def __init__(self, low: Num, high: Num, raw: str, span: Span) -> None:
        self.low = low
        self.high = high
        self.raw = raw
        self.span = span

    def describe(self) -> str:
        return f"the range `{self.raw}`"


class List(Node):
    """``[a, b, c]``."""

    __slots__ = ("depth", "items")
    kind = "list"

    def __init__(self, items: list[Node], span: Span, depth: int) -> None:
        self.items = items
        self.span = span
        self.depth = depth

    def describe(self) -> str:
        return "a list"


class Call(Node):
    """``name(args)``, as in ``sharding hash(account_id) 16``."""

    __slots__ = ("args", "depth", "name")
    kind = "call"

    def __init__(self, name: str, args: list[Node], span: Span, depth: int) -> None:
        self.name = name
        self.args = args
        self.span = span
        self.depth = depth

    def describe(self) -> str:
        return f"`{self.name}(...)`"


Value = Name | Str | Num | Range | List | Call


class Block:
    """``{ statements }``: ``span`` runs from the opening to the closing brace."""

    __slots__ = ("depth", "span", "stmts")

    def __init__(self, stmts: list[Stmt], span: Span, depth: int) -> None:
        self.stmts = stmts
        self.span = span
        self.depth = depth


class Stmt:
    """``KEY VALUE* [{ ... }]``. ``key_span`` covers the key alone, ``span`` the whole statement."""

    __slots__ = ("block", "key", "key_span", "span", "values")

    def __init__(self, key: str, key_span: Span, values: list[Node], block: Block | None, span: Span) -> None:
        self.key = key
        self.key_span = key_span
        self.values = values
        self.block = block
        self.span = span

    @property
    def depth(self) -> int:
        d = self.block.depth if self.block is not None else 0
        for v in self.values:
            if isinstance(v, List | Call):
                d = max(d, v.depth)
        return d


class SourceFile:
    """A parsed file: its statements and the text they came from."""

    __slots__ = ("path", "stmts", "text")

    def __init__(self, path: str, text: str, stmts: list[Stmt]) -> None:
        self.path = path
        self.text = text
        self.stmts = stmts
