"""Text to syntax tree: Lark's LALR parser with its contextual lexer, building the tree during the parse.

The transformer is handed to the parser, so no intermediate Lark tree is built; this is most of the speed of
`designc check` on a large design (see BENCHMARKS.md).
"""

from __future__ import annotations

import gc
import re
from typing import Any

from .ast import Block, Call, List, Name, Node, Num, Range, SourceFile, Span, Stmt, Str
from .diagnostics import (
    BAD_CHARACTER,
    SYNTAX,
    TOO_DEEP,
    UNCLOSED,
    UNTERMINATED_STRING,
    Diagnostic,
    Note,
    diag,
)

MAX_DEPTH = 64

_NUMBER = re.compile(r"(-?[0-9]+(?:\.[0-9]+)?)[ \t]*(.*)")
_ESCAPE = re.compile(r"\\(.)")
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _num(raw: str, span: Span) -> Num:
    m = _NUMBER.match(raw)
    assert m is not None  # the lexer only produces matching text
    digits, unit = m.group(1), m.group(2)
    number: float = float(digits) if "." in digits else int(digits)
    return Num(number, unit, raw, span)


def _unescape(raw: str) -> str:
    body = raw[1:-1]
    if "\\" not in body:
        return body
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)), body)


class _Builder:
    """Lark calls these as it reduces rules; each returns a syntax-tree node."""

    def __init__(self) -> None:
        self.file = ""

    def _span(self, tok: Any) -> Span:
        return Span(self.file, tok.line, tok.column, tok.end_line, tok.end_column)

    def _conv(self, item: Any) -> Node:
        if isinstance(item, Node):
            return item
        t = item.type
        span = Span(self.file, item.line, item.column, item.end_line, item.end_column)
        if t == "NAME":
            return Name(str(item), span)
        if t == "QUANTITY":
            return _num(str(item), span)
        if t == "STRING":
            raw = str(item)
            return Str(_unescape(raw), raw, span)
        # RANGE
        raw = str(item)
        lo, hi = raw.split("..", 1)
        return Range(_num(lo, span), _num(hi, span), raw, span)

    # The grammar's list rules are left-recursive: `body: stmt | body _SEP stmt | body _SEP`. Each callback
    # gets the list built so far and appends to it.

    def start(self, children: list[Any]) -> list[Stmt]:
        return children[0] if children else []

    def body(self, children: list[Any]) -> list[Stmt]:
        first = children[0]
        if type(first) is not list:
            return [first]
        if len(children) == 2:
            first.append(children[1])
        return first

    def values(self, children: list[Any]) -> list[Node]:
        if len(children) == 1:
            return [self._conv(children[0])]
        children[0].append(self._conv(children[1]))
        return children[0]

    items = values

    def args(self, children: list[Any]) -> list[Node]:
        return self.values(children)

    def stmt(self, children: list[Any]) -> Stmt:
        key_tok = children[0]
        key_span = Span(self.file, key_tok.line, key_tok.column, key_tok.end_line, key_tok.end_column)
        values: list[Node] = []
        block: Block | None = None
        for c in children[1:]:
            if type(c) is list:
                values = c
            else:
                block = c
        if block is not None:
            end = block.span
        elif values:
            end = values[-1].span
        else:
            end = key_span
        return Stmt(str(key_tok), key_span, values, block, key_span.to(end))

    def block(self, children: list[Any]) -> Block:
        stmts = children[1] if len(children) == 3 else []
        depth = 1
        for s in stmts:
            d = s.depth + 1
            if d > depth:
                depth = d
        return Block(stmts, self._span(children[0]).to(self._span(children[-1])), depth)

    def list(self, children: list[Any]) -> List:
        items = children[1] if len(children) == 3 else []
        depth = 1
        for i in items:
            if isinstance(i, List | Call) and i.depth + 1 > depth:
                depth = i.depth + 1
        return List(items, self._span(children[0]).to(self._span(children[-1])), depth)

    def call(self, children: list[Any]) -> Call:
        args = children[2] if len(children) == 4 else []
        depth = 1
        for a in args:
            if isinstance(a, List | Call) and a.depth + 1 > depth:
                depth = a.depth + 1
        return Call(str(children[0]), args, self._span(children[0]).to(self._span(children[-1])), depth)


_parser: Any = None
_builder = _Builder()


def _get_parser() -> Any:
    global _parser
    if _parser is None:
        from importlib.resources import files

        from lark import Lark

        grammar = files("designc.grammar").joinpath("design.lark").read_text(encoding="utf-8")
        _parser = Lark(
            grammar,
            parser="lalr",
            lexer="contextual",
            transformer=_builder,
            cache=True,
            maybe_placeholders=False,
        )
    return _parser


# What a terminal is called in an error message: words, not token names.
_WORDS = {
    "NAME": "a name",
    "STRING": "a string",
    "QUANTITY": "a number",
    "RANGE": "a range",
    "_COMMA": "`,`",
    "LBRACE": "`{`",
    "RBRACE": "`}`",
    "LSQB": "`[`",
    "RSQB": "`]`",
    "LPAR": "`(`",
    "RPAR": "`)`",
    "_SEP": "the end of the statement",
    "$END": "the end of the file",
}
_WORD_ORDER = list(_WORDS)


def _expected(names: set[str]) -> str:
    words = [_WORDS[n] for n in _WORD_ORDER if n in names]
    words += sorted(n for n in names if n not in _WORDS)
    if not words:
        return "something else"
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


def _found(tok: Any) -> str:
    t = tok.type
    if t == "$END":
        return "the end of the file"
    if t == "_SEP":
        return "the end of the statement"
    if t == "NAME":
        return f"name `{tok}`"
    if t == "STRING":
        return f"string {tok}"
    if t in ("QUANTITY", "RANGE"):
        return f"value `{tok}`"
    return _WORDS.get(t, f"`{tok}`")


_OPENERS = {"{": "}", "[": "]", "(": ")"}
_SCAN = re.compile(r'"(?:[^"\\\n]|\\.)*"?|#[^\n]*|[{}\[\]()]')


def unclosed_opener(text: str) -> tuple[int, str] | None:
    """The offset and character of the innermost bracket still open at the end of ``text``, if any."""
    stack: list[tuple[int, str]] = []
    for m in _SCAN.finditer(text):
        ch = m.group()
        if ch in _OPENERS:
            stack.append((m.start(), ch))
        elif stack and _OPENERS[stack[-1][1]] == ch:
            stack.pop()
    return stack[-1] if stack else None


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def _describe_char(ch: str) -> str:
    if ch.isprintable() and not ch.isspace():
        return f"`{ch}`"
    return f"U+{ord(ch):04X}"


def parse(text: str, path: str) -> tuple[SourceFile | None, list[Diagnostic]]:
    """Parse one file's text. On a syntax error, returns no tree and one diagnostic (the first error)."""
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

    parser = _get_parser()
    _builder.file = path
    enabled = gc.isenabled()
    gc.disable()
    try:
        stmts = parser.parse(text)
    except UnexpectedCharacters as e:
        return None, [_char_error(text, path, e.pos_in_stream, e.line, e.column)]
    except (UnexpectedToken, UnexpectedEOF) as e:
        return None, [_token_error(text, path, e)]
    except UnexpectedInput as e:  # pragma: no cover - other lark input errors
        line, col = getattr(e, "line", 1) or 1, getattr(e, "column", 1) or 1
        return None, [diag(SYNTAX, "this text cannot be parsed", Span(path, line, col, line, col + 1))]
    finally:
        if enabled:
            gc.enable()
    for s in stmts:
        if s.depth > MAX_DEPTH:
            return None, [
                diag(
                    TOO_DEEP,
                    f"blocks or lists are nested more than {MAX_DEPTH} deep",
                    s.key_span,
                    label="this statement nests too deeply",
                    hints=["flatten the structure; no design needs this much nesting"],
                )
            ]
    return SourceFile(path, text, stmts), []


def _char_error(text: str, path: str, pos: int, line: int, col: int) -> Diagnostic:
    ch = text[pos] if pos < len(text) else ""
    if ch == '"':
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        width = max(1, end - pos)
        return diag(
            UNTERMINATED_STRING,
            "this string is never closed",
            Span(path, line, col, line, col + width),
            label="the string starts here and runs to the end of the line",
            hints=['close it with `"` on the same line; strings cannot span lines'],
        )
    return diag(
        BAD_CHARACTER,
        f"unexpected character {_describe_char(ch)}",
        Span(path, line, col, line, col + 1),
        label="no statement or value can contain this",
        hints=["names are letters, digits and `_`; strings are double-quoted; comments start with `#`"],
    )


def _token_error(text: str, path: str, e: Any) -> Diagnostic:
    tok = getattr(e, "token", None)
    expected = set(getattr(e, "expected", None) or getattr(e, "accepts", None) or ())
    at_end = tok is None or tok.type == "$END"
    if at_end:
        opener = unclosed_opener(text)
        end_line, end_col = _position(text, len(text))
        if opener is not None:
            off, ch = opener
            line, col = _position(text, off)
            closer = _OPENERS[ch]
            return diag(
                UNCLOSED,
                f"`{ch}` is never closed: the file ends first",
                Span(path, line, col, line, col + 1),
                label=f"this `{ch}` needs a matching `{closer}`",
                hints=[f"add `{closer}` where the {'block' if ch == '{' else 'list'} should end"],
                notes=[Note(Span(path, end_line, end_col, end_line, end_col), "the file ends here")],
            )
        return diag(
            SYNTAX,
            f"the file ends too early; expected {_expected(expected)}",
            Span(path, end_line, end_col, end_line, end_col),
        )
    span = Span(path, tok.line, tok.column, tok.end_line or tok.line, tok.end_column or tok.column + 1)
    if tok.type == "_SEP":
        # point at the end of the line rather than at the newline's own (next-line) position
        span = Span(path, tok.line, tok.column, tok.line, tok.column + 1)
    found = _found(tok)
    opener = unclosed_opener(text[: tok.start_pos])
    if tok.type != "RBRACE" and opener is None:
        expected.discard("RBRACE")  # at the top level, `}` cannot be what is missing
    if opener is not None and opener[1] in "[(":
        expected.discard("_SEP")  # inside a list a line break is allowed, but it is never what is missing
    hints: list[str] = []
    if tok.type in ("QUANTITY", "STRING", "RANGE", "LSQB", "LPAR") and "NAME" in expected and len(expected) <= 4:
        hints.append("every statement starts with a name, such as `timeout 250ms` or `service api { ... }`")
    elif tok.type == "RBRACE":
        hints.append("this `}` has no matching `{`")
    elif tok.type == "LBRACE":
        hints.append("a block belongs at the end of a statement: `calls api { timeout 1s }`")
    return diag(
        SYNTAX,
        f"unexpected {found}; expected {_expected(expected)}",
        span,
        label="not allowed here",
        hints=hints,
    )
