"""Diagnostics: every problem designc reports, with a stable code, a severity, a span and words for a person."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from .ast import Span


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.ERROR: 3, Severity.WARNING: 2, Severity.INFO: 1}


@dataclass(frozen=True, slots=True)
class Code:
    """A diagnostic code's fixed facts: what it is called, how bad it is by default, and what it means."""

    code: str
    severity: Severity
    title: str
    explanation: str


@dataclass(slots=True)
class Note:
    """A secondary location: "first defined here", "the block opened here"."""

    span: Span
    message: str


@dataclass(slots=True)
class Gap:
    """What a gap finding needs to be gathered with its component's others: the component (its name, kind and
    where it is declared), the item within it ("`db`", or "-" for the component itself), and the rule's phrase
    ("no timeout on calls to {items}")."""

    owner: str
    kind: str
    item: str
    phrase: str
    at: Span


@dataclass(slots=True)
class Diagnostic:
    code: str
    severity: Severity
    message: str
    span: Span | None
    label: str = ""
    hints: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    fingerprint: str | None = None  # analysis findings: the rule code and the element's path, not its line
    gap: Gap | None = None  # a finding about something the design does not state (see the profiles)

    def sort_key(self) -> tuple[str, int, int, str, str]:
        s = self.span
        if s is None:
            return ("", 0, 0, self.code, self.message)
        return (s.file, s.line, s.column, self.code, self.message)


REGISTRY: dict[str, Code] = {}


def register(code: str, severity: Severity, title: str, explanation: str) -> Code:
    if code in REGISTRY:
        raise ValueError(f"diagnostic code {code} registered twice")
    c = Code(code, severity, title, explanation.strip())
    REGISTRY[code] = c
    return c


def diag(
    code: Code,
    message: str,
    span: Span | None,
    *,
    label: str = "",
    hints: list[str] | None = None,
    notes: list[Note] | None = None,
) -> Diagnostic:
    return Diagnostic(code.code, code.severity, message, span, label, hints or [], notes or [])


E, W = Severity.ERROR, Severity.WARNING

# --- syntax and files ---------------------------------------------------------------------------------------
SYNTAX = register(
    "SYN001",
    E,
    "syntax error",
    """
The text is not a well-formed statement. Every statement is `KEY VALUE* [{ ... }]` and ends at the end of its
line or at `;`; lists are `[a, b]`, strings are double-quoted, numbers carry their unit (`250ms`, `99.9%`).
""",
)
UNTERMINATED_STRING = register(
    "SYN002",
    E,
    "unterminated string",
    'A string opened with `"` is not closed on the same line. Strings cannot span lines; close it with `"`.',
)
UNCLOSED = register(
    "SYN003",
    E,
    "unclosed block or list",
    "A `{`, `[` or `(` is never closed: the file ends first. Add the missing closing bracket.",
)
BAD_CHARACTER = register(
    "SYN004",
    E,
    "unexpected character",
    "A character that cannot start any token: names, numbers, strings, brackets, `,`, `;` and `#` comments.",
)
TOO_DEEP = register(
    "SYN005",
    E,
    "nesting too deep",
    "Blocks and lists are nested deeper than designc accepts (64 levels). No design needs that; flatten it.",
)
NOT_TEXT = register(
    "SYN006",
    E,
    "not a text file",
    "The file is not UTF-8 text (or contains NUL bytes). Design files are UTF-8; re-save it as such.",
)
EMPTY_FILE = register(
    "SYN007",
    E,
    "empty file",
    "The file has no statements. Remove it, or give it content: a design file holds at least one statement.",
)
TOO_LARGE = register(
    "SYN008",
    E,
    "file too large",
    "The file is larger than designc reads (64 MiB). Split the design across several files.",
)
IMPORT_NOT_FOUND = register(
    "IMP001",
    E,
    "import not found",
    'An `import "path"` names a file that does not exist. Paths are relative to the importing file; '
    "`stdlib/...` names a file of the standard library.",
)
IMPORT_CYCLE = register(
    "IMP002",
    E,
    "import cycle",
    "Files import each other in a cycle. Move what both need into a third file that each imports.",
)
IMPORT_ESCAPES = register(
    "IMP003",
    E,
    "import outside the design's root",
    "An import leaves the design's root folder (the folder you checked, or `--root`). designc refuses it so a "
    "design cannot read arbitrary files; move the file inside the root or widen `--root`.",
)
UNREADABLE = register(
    "IMP004",
    E,
    "file cannot be read",
    "The file exists but could not be read (permissions, or it is not a regular file).",
)

# --- names and structure ---------------------------------------------------------------------------------------
UNKNOWN_REFERENCE = register(
    "REF001",
    E,
    "unknown reference",
    "A name is used that nothing in the design (or the standard library it imports) defines. Check the "
    "spelling, define it, or import the file that defines it.",
)
DUPLICATE = register(
    "REF002",
    E,
    "duplicate definition",
    "Two definitions share a name in the same scope. Names of components, regions and definitions are unique "
    "in a design; rename one.",
)
WRONG_KIND = register(
    "REF003",
    E,
    "reference to the wrong kind of thing",
    "A name refers to something of the wrong kind, such as `consumes` naming a service instead of a stream or "
    "queue, or `engine` naming a component.",
)
DEFINITION_CYCLE = register(
    "REF004",
    E,
    "definition extends itself",
    "A `define ... is BASE` chain loops back on itself. Break the loop.",
)
ROUTE_WITHOUT_EDGE = register(
    "REF005",
    E,
    "a flow's route takes a step no edge allows",
    "Each step of a flow's `route` follows something the design declares: an edge from one component to the"
    " next (`calls`, `reads`, `writes`, `publishes`), a consumer taking from a stream or queue it `consumes`, or"
    " a cache's miss reaching what it `caches`. Add the edge, or correct the route.",
)
UNKNOWN_STATEMENT = register(
    "DEF001",
    E,
    "unknown statement",
    "The statement's key is not one this block accepts. `designc explain DEF001` lists nothing more; the "
    "README's language reference lists every key each block takes.",
)
DUPLICATE_PROPERTY = register(
    "DEF002",
    E,
    "property set twice",
    "A property that takes one value is set twice in the same block. Keep one.",
)
MISSING = register(
    "DEF003",
    E,
    "required statement missing",
    "A block lacks something it must have, such as a region without `zones` or a design without `system`.",
)
MULTIPLE_SYSTEMS = register(
    "DEF004",
    E,
    "more than one system",
    "A design describes one system. Put other systems in their own folder or file.",
)
BAD_VALUE = register(
    "VAL001",
    E,
    "wrong kind of value",
    "A value has the wrong type or unit, like `timeout 5%` (a duration is needed: `5s`, `250ms`).",
)
OUT_OF_RANGE = register(
    "VAL002",
    E,
    "value out of range",
    "A value is outside what makes sense, like `availability 120%` or `replicas -1`.",
)
WRONG_ARITY = register(
    "VAL003",
    E,
    "wrong number of values",
    "A statement has too many or too few values for its key.",
)
INCONSISTENT = register(
    "VAL004",
    E,
    "values contradict each other",
    "Two values of the same element cannot both hold, like a range whose low end is above its high end.",
)
GAPS = register(
    "GAP001",
    Severity.INFO,
    "facts a component does not state",
    "Under the `review` profile (the default), what a component leaves unstated (a call's timeout, a deployment"
    " strategy, autoscaling, encryption, ...) is gathered into one note per component instead of a warning each."
    " `--profile production` (or `profile production` in the design or the configuration) reports each as its"
    " rule's warning at its own line; `sketch` leaves them out.",
)
INTERNAL = register(
    "INT001",
    E,
    "internal error",
    "designc itself failed while processing this input. This is a bug in designc, not in the design: please "
    "report it with the file that triggers it.",
)
