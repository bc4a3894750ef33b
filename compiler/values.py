"""Value types of the language: how a written value (`250ms`, `99.9%`, `[a, b]`) becomes a model value.

Each type converts one syntax node or raises :class:`Bad` with a diagnostic that says, in words, what was
expected and what was found. Units are normalised here: durations to seconds, percentages to fractions, rates
to per second, sizes to bytes.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from typing import Any

from .ast import Call, List, Name, Node, Num, Range, Span, Str
from .diagnostics import BAD_VALUE, OUT_OF_RANGE, Diagnostic, diag


class Bad(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


class Pending:
    """A reference to check once every name in the design is known."""

    __slots__ = ("kinds", "name", "node", "role")

    def __init__(self, name: str, node: Node, kinds: tuple[str, ...], role: str) -> None:
        self.name = name
        self.node = node
        self.kinds = kinds
        self.role = role

    @property
    def span(self) -> Span:  # worked out only for a reference that is reported
        return self.node.span


class Ctx:
    """What converting values needs: somewhere to put references to check later."""

    __slots__ = ("refs",)

    def __init__(self) -> None:
        self.refs: list[Pending] = []


def suggest(word: str, choices: Sequence[str]) -> str | None:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.7)
    return close[0] if close else None


def one_of(choices: Sequence[str]) -> str:
    quoted = [f"`{c}`" for c in choices]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " or " + quoted[-1]


_EXPONENT = re.compile(r"[eE][0-9]+")


class Ty:
    """A value type. ``what`` names it for messages: "a duration like `250ms`"."""

    what = "a value"

    def conv(self, node: Node, ctx: Ctx) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def bad(self, node: Node, extra: str = "", hints: list[str] | None = None) -> Bad:
        msg = f"expected {self.what}, found {node.describe()}"
        if extra:
            msg += f" ({extra})"
        if isinstance(node, Num) and _EXPONENT.fullmatch(node.unit):
            hints = [*(hints or []), f"designc does not read exponents: write `{node.raw}` as a plain number"]
        return Bad(diag(BAD_VALUE, msg, node.span, label=f"should be {self.what}", hints=hints))


def _range_error(node: Node, message: str) -> Bad:
    return Bad(diag(OUT_OF_RANGE, message, node.span, label="out of range"))


def _unit_hint(node: Node, want: Ty) -> list[str]:
    if isinstance(node, Num):
        for unit, ty in _UNIT_KIND.items():
            if node.unit == unit:
                return [f"`{node.raw}` is {ty}; this statement takes {want.what}"]
    return []


DURATION_UNITS = {
    "us": 1e-6,
    "ms": 1e-3,
    "s": 1.0,
    "m": 60.0,
    "min": 60.0,
    "h": 3600.0,
    "d": 86400.0,
    "w": 604800.0,
}
RATE_UNITS = {
    "rps": 1.0,
    "qps": 1.0,
    "tps": 1.0,
    "ops": 1.0,
    "eps": 1.0,
    "mps": 1.0,
    "/s": 1.0,
    "rpm": 1 / 60,
    "/min": 1 / 60,
}
SIZE_UNITS = {
    "B": 1,
    "KB": 10**3,
    "MB": 10**6,
    "GB": 10**9,
    "TB": 10**12,
    "KiB": 2**10,
    "MiB": 2**20,
    "GiB": 2**30,
    "TiB": 2**40,
}
_UNIT_KIND: dict[str, str] = {"%": "a percentage"}
_UNIT_KIND.update(dict.fromkeys(DURATION_UNITS, "a duration"))
_UNIT_KIND.update(dict.fromkeys(RATE_UNITS, "a rate"))
_UNIT_KIND.update(dict.fromkeys(SIZE_UNITS, "a size"))


def _rate_unit(unit: str) -> float | None:
    return RATE_UNITS.get(unit.split()[-1] if unit else unit)


class Duration(Ty):
    what = "a duration like `250ms` or `5m`"

    def conv(self, node: Node, ctx: Ctx) -> float:
        if isinstance(node, Num):
            factor = DURATION_UNITS.get(node.unit)
            if factor is None and node.unit == "" and node.number == 0:
                factor = 1.0
            if factor is not None:
                if node.number < 0:
                    raise _range_error(node, f"a duration cannot be negative: `{node.raw}`")
                return node.number * factor
            if node.unit and node.unit not in _UNIT_KIND:
                raise self.bad(node, hints=[f"duration units are {one_of(list(DURATION_UNITS))}"])
            if not node.unit:
                raise self.bad(node, hints=[f"give the unit: `{node.raw}ms` or `{node.raw}s`"])
        raise self.bad(node, hints=_unit_hint(node, self))


class Percent(Ty):
    what = "a percentage like `99.9%`"

    def __init__(self, low: float = 0.0, high: float = 100.0) -> None:
        self.low, self.high = low, high

    def conv(self, node: Node, ctx: Ctx) -> float:
        if isinstance(node, Num) and node.unit == "%":
            if not self.low <= node.number <= self.high:
                raise _range_error(
                    node,
                    f"`{node.raw}` is out of range: a percentage here lies between {self.low:g}% and {self.high:g}%",
                )
            return round(node.number / 100, 12)
        hints = _unit_hint(node, self)
        if isinstance(node, Num) and node.unit == "" and 0 < node.number <= 1:
            hints = [f"write it as a percentage: `{node.number * 100:g}%`"]
        elif isinstance(node, Num) and node.unit == "" and self.low <= node.number <= self.high:
            hints = [f"add the percent sign: `{node.raw}%`"]
        raise self.bad(node, hints=hints)


class Rate(Ty):
    what = "a rate like `5000 rps`"

    def conv(self, node: Node, ctx: Ctx) -> float:
        if isinstance(node, Num):
            factor = _rate_unit(node.unit)
            if factor is not None:
                if node.number < 0:
                    raise _range_error(node, f"a rate cannot be negative: `{node.raw}`")
                return node.number * factor
            if not node.unit:
                raise self.bad(node, hints=[f"give the unit: `{node.raw} rps`"])
        raise self.bad(node, hints=_unit_hint(node, self))


class Size(Ty):
    what = "a size like `20GiB`"

    def conv(self, node: Node, ctx: Ctx) -> int:
        if isinstance(node, Num) and node.unit in SIZE_UNITS:
            if node.number < 0:
                raise _range_error(node, f"a size cannot be negative: `{node.raw}`")
            return int(node.number * SIZE_UNITS[node.unit])
        raise self.bad(node, hints=_unit_hint(node, self) or [f"size units are {one_of(list(SIZE_UNITS))}"])


class Int(Ty):
    def __init__(self, low: int = 0, high: int = 10**9, what: str = "a whole number") -> None:
        self.low, self.high = low, high
        self.what = what

    def conv(self, node: Node, ctx: Ctx) -> int:
        if isinstance(node, Num) and node.unit == "" and isinstance(node.number, int):
            if not self.low <= node.number <= self.high:
                bound = f"at least {self.low}" if node.number < self.low else f"at most {self.high}"
                raise _range_error(node, f"`{node.raw}` is out of range: it must be {bound}")
            return node.number
        hints = _unit_hint(node, self)
        if not hints and isinstance(node, Num) and node.unit and not _EXPONENT.fullmatch(node.unit):
            hints = [f"write the count alone: `{node.number}`"]
        raise self.bad(node, hints=hints)


class Number(Ty):
    def __init__(self, low: float = 0.0, high: float = 1e12, what: str = "a number") -> None:
        self.low, self.high = low, high
        self.what = what

    def conv(self, node: Node, ctx: Ctx) -> float:
        if isinstance(node, Num) and node.unit == "":
            if not self.low <= node.number <= self.high:
                raise _range_error(
                    node, f"`{node.raw}` is out of range: it lies between {self.low:g} and {self.high:g}"
                )
            return float(node.number)
        raise self.bad(node, hints=_unit_hint(node, self))


BOOLS = {"on": True, "yes": True, "true": True, "off": False, "no": False, "false": False}


class Bool(Ty):
    what = "`on` or `off`"

    def conv(self, node: Node, ctx: Ctx) -> bool:
        if isinstance(node, Name) and node.text in BOOLS:
            return BOOLS[node.text]
        raise self.bad(node, hints=["`on`, `yes` and `true` mean yes; `off`, `no` and `false` mean no"])


class Text(Ty):
    """A string, or (when ``names`` is set) a bare name standing for itself."""

    def __init__(self, names: bool = False) -> None:
        self.names = names
        self.what = "a name or a string" if names else 'a string like `"..."`'

    def conv(self, node: Node, ctx: Ctx) -> str:
        if isinstance(node, Str):
            return node.text
        if self.names and isinstance(node, Name):
            return node.text
        hints = [f'quote it: `"{node.text}"`'] if isinstance(node, Name) else None
        raise self.bad(node, hints=hints)


class Word(Ty):
    what = "a name"

    def __init__(self, what: str | None = None) -> None:
        if what is not None:
            self.what = what

    def conv(self, node: Node, ctx: Ctx) -> str:
        if isinstance(node, Name):
            return node.text
        raise self.bad(node)


class Enum(Ty):
    def __init__(self, *choices: str, what: str | None = None) -> None:
        self.choices = choices
        self.what = what or f"one of {one_of(choices)}"

    def conv(self, node: Node, ctx: Ctx) -> str:
        if isinstance(node, Name) and node.text in self.choices:
            return node.text
        hints: list[str] = []
        if isinstance(node, Name):
            close = suggest(node.text, self.choices)
            if close:
                hints.append(f"did you mean `{close}`?")
            if self.what != f"one of {one_of(self.choices)}":
                hints.append(f"choose one of {one_of(self.choices)}")
        raise self.bad(node, hints=hints)


class Ref(Ty):
    """A name of something defined elsewhere in the design, checked once all names are known."""

    def __init__(self, *kinds: str, role: str = "", what: str | None = None) -> None:
        self.kinds = kinds
        self.role = role
        self.what = what or f"the name of a {' or '.join(kinds)}"

    def conv(self, node: Node, ctx: Ctx) -> str:
        if isinstance(node, Name):
            ctx.refs.append(Pending(node.text, node, self.kinds, self.role))
            return node.text
        raise self.bad(node)


class ListOf(Ty):
    """``[a, b]``; a single value is taken as a list of one."""

    def __init__(self, item: Ty, min_len: int = 0) -> None:
        self.item = item
        self.min_len = min_len
        self.what = f"a list of {item.what.removeprefix('a ').removeprefix('an ')}s, like `[a, b]`"

    def conv(self, node: Node, ctx: Ctx) -> list[Any]:
        if isinstance(node, List):
            if len(node.items) < self.min_len:
                raise _range_error(node, f"this list needs at least {self.min_len} item(s)")
            return [self.item.conv(i, ctx) for i in node.items]
        return [self.item.conv(node, ctx)]


class Between(Ty):
    """A single value or a range of them: ``replicas 3`` or ``replicas 3..30``."""

    def __init__(self, item: Ty) -> None:
        self.item = item
        self.what = f"{item.what} or a range like `3..30`"

    def conv(self, node: Node, ctx: Ctx) -> tuple[Any, Any]:
        if isinstance(node, Range):
            low, high = self.item.conv(node.low, ctx), self.item.conv(node.high, ctx)
            if low > high:
                raise _range_error(node, f"the range `{node.raw}` runs backwards: its low end is above its high end")
            return low, high
        v = self.item.conv(node, ctx)
        return v, v


class CallOf(Ty):
    """``name(arg, ...)`` with the name from a fixed set and names as arguments."""

    def __init__(self, *names: str) -> None:
        self.names = names
        self.what = f"one of {one_of([n + '(key)' for n in names])}"

    def conv(self, node: Node, ctx: Ctx) -> tuple[str, list[str]]:
        if isinstance(node, Call) and node.name in self.names:
            return node.name, [Word().conv(a, ctx) for a in node.args]
        if isinstance(node, Name) and node.text in self.names:
            return node.text, []
        hints = []
        name = node.name if isinstance(node, Call) else node.text if isinstance(node, Name) else None
        if name:
            close = suggest(name, self.names)
            if close:
                hints.append(f"did you mean `{close}`?")
        raise self.bad(node, hints=hints)


class AnyOf(Ty):
    """The first of several types that accepts the value."""

    def __init__(self, *types: Ty) -> None:
        self.types = types
        self.what = " or ".join(t.what for t in types)

    def conv(self, node: Node, ctx: Ctx) -> Any:
        for t in self.types:
            try:
                return t.conv(node, ctx)
            except Bad as e:
                if e.diagnostic.code == OUT_OF_RANGE.code:
                    raise  # the value has the right form, only out of range: say that, not every other form
        raise self.bad(node)


class Scalar(Ty):
    """A free property value: a string, a number (with its unit, as written), or a name."""

    what = "a string, a number or a name"

    def conv(self, node: Node, ctx: Ctx) -> str | float | bool:
        if isinstance(node, Str):
            return node.text
        if isinstance(node, Num):
            return node.number if not node.unit else node.raw
        if isinstance(node, Name):
            return BOOLS.get(node.text, node.text)  # type: ignore[return-value]
        if isinstance(node, Range):
            return node.raw
        raise self.bad(node)


class Kw:
    """A fixed word inside a statement: the `because` of `technology "Envoy" because "..."`."""

    def __init__(self, word: str) -> None:
        self.word = word


class Opt:
    """An optional group that starts with a fixed word: ``Opt("per", Word())`` matches ``per client``.

    With ``word=None`` the group is simply the rest of the statement, if there is any.
    """

    def __init__(self, word: str | None, *types: Ty) -> None:
        self.word = word
        self.types = types


class Form:
    """One form of a :class:`Choice`: a leading word (None for the form without one), the values after it, and
    an example of the form without the statement's key (``tag pci``)."""

    def __init__(self, word: str | None, *types: Ty, example: str) -> None:
        self.word = word
        self.types = types
        self.example = example


class Choice:
    """Alternative forms of the rest of a statement, told apart by their first word.

    ``Choice(Form(None, ListOf(Ref(...))), Form("all"), Form("tag", Word()))`` takes ``[a, b]``, ``all`` or
    ``tag pci``. The form without a word takes the values when no form's word leads them. The converted value
    is ``(word, [values])``, with ``word`` None for that form.
    """

    def __init__(self, *forms: Form, what: str) -> None:
        self.forms = {f.word: f for f in forms}
        self.what = what


Slot = Ty | Kw | Opt | Choice
Builder = Callable[..., Any]
