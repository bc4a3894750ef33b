"""Text to syntax tree: a tokenizer derived from the grammar's terminals, feeding Lark's LALR parser.

The language is defined by `grammar/design.lark`, and Lark's LALR parser (its parse table and its parser state
machine) parses it. What feeds the parser is a tokenizer of our own: one regular expression made from the
grammar's own terminal definitions, in the order Lark's lexer tries them, producing syntax-tree nodes directly
(a name token *is* a `Name` node) that remember two offsets rather than a line and column object each. The
transformer is handed to the parser, so no intermediate Lark tree is built. `tests/test_parser.py` checks that
this tokenizer's tokens equal Lark's own lexer's on every example, the fuzz corpus and the benchmark design.
This is most of the speed of `designc check` on a large design (see BENCHMARKS.md).
"""

from __future__ import annotations

import gc
import io
import os
import re
from bisect import bisect_left
from sys import intern
from typing import Any

from . import processors
from .ast import Block, Call, List, Name, Node, Num, Range, Source, SourceFile, Span, Stmt, Str
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


def _num(raw: str, src: Source, start: int) -> Num:
    m = _NUMBER.match(raw)
    assert m is not None  # the tokenizer only produces matching text
    digits, unit = m.group(1), m.group(2)
    number: float = float(digits) if "." in digits else int(digits)
    return Num(number, intern(unit), raw, src, start)


def _unescape(raw: str) -> str:
    body = raw[1:-1]
    if "\\" not in body:
        return body
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)), body)


class Tok:
    """A punctuation or separator token (`{`, `,`, the end of a statement ...): its terminal and offsets."""

    __slots__ = ("end", "start", "type")

    def __init__(self, type: str, start: int, end: int) -> None:
        self.type = type
        self.start = start
        self.end = end


class _Builder:
    """Lark calls these as it reduces rules; each returns a syntax-tree node. Value tokens arrive as nodes."""

    def __init__(self) -> None:
        self.src = Source("", "")

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
            return children
        children[0].append(children[1])
        return children[0]

    items = values
    args = values

    def stmt(self, children: list[Any]) -> Stmt:
        key = children[0]
        n = len(children)
        if n == 1:
            return Stmt(key.text, self.src, key.start, [], None, key.end)
        last = children[-1]
        if n == 3:  # NAME values block
            return Stmt(key.text, self.src, key.start, children[1], last, last.end)
        if type(last) is list:  # NAME values
            return Stmt(key.text, self.src, key.start, last, None, last[-1].end)
        return Stmt(key.text, self.src, key.start, [], last, last.end)  # NAME block

    def block(self, children: list[Any]) -> Block:
        return Block(children[1] if len(children) == 3 else [], self.src, children[0].start, children[-1].end)

    def list(self, children: list[Any]) -> List:
        return List(children[1] if len(children) == 3 else [], self.src, children[0].start, children[-1].end)

    def call(self, children: list[Any]) -> Call:
        args = children[2] if len(children) == 4 else []
        return Call(children[0].text, args, self.src, children[0].start, children[-1].end)


_parser: Any = None
_builder = _Builder()
_token_re: re.Pattern[str] | None = None
_ignored: frozenset[str] = frozenset()


def _get_parser() -> Any:
    global _parser
    if _parser is None:
        from importlib.resources import files

        from lark import Lark

        grammar = files("designc.grammar").joinpath("design.lark").read_text(encoding="utf-8")
        _parser = Lark(
            grammar,
            parser="lalr",
            lexer="basic",
            transformer=_builder,
            cache=True,
            maybe_placeholders=False,
        )
    return _parser


def terminal_order(parser: Any) -> list[Any]:
    """The grammar's terminals in the order Lark's lexer tries them (its `BasicLexer` sorts them so)."""
    terminals = list(parser.terminals)
    terminals.sort(key=lambda t: (-t.priority, -t.pattern.max_width, -len(t.pattern.value), t.name))
    return terminals


def _get_tokenizer() -> tuple[re.Pattern[str], frozenset[str]]:
    """One regular expression with a named group per terminal of the grammar, in Lark's order."""
    global _token_re, _ignored
    if _token_re is None:
        parser = _get_parser()
        parts = []
        for t in terminal_order(parser):
            flags = "".join(t.pattern.flags)
            body = t.pattern.to_regexp()
            parts.append(f"(?P<{t.name}>(?{flags}:{body}))" if flags else f"(?P<{t.name}>{body})")
        _token_re = re.compile("|".join(parts))
        _ignored = frozenset(parser.lexer_conf.ignore)
    return _token_re, _ignored


_fast_re: re.Pattern[str] | None = None
_blanks: re.Pattern[str] | None = None


def _get_fast_tokenizer() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The tokenizer `parse` runs: the same terminals, with the blanks between tokens (the grammar's ignored `WS`)
    taken as an optional prefix of the next token's match instead of a match of their own, which saves a third
    of the loop's turns. Lark's lexer tries `_SEP` before `WS` at a token's start, so the prefix may not begin
    where a separator does (`\r\n` is a separator, not a blank and a line break). Also returns the blanks'
    own pattern, to step over them where no token follows."""
    global _fast_re, _blanks
    if _fast_re is None or _blanks is None:
        parser = _get_parser()
        by_name = {t.name: t for t in parser.terminals}
        parts = []
        for t in terminal_order(parser):
            if t.name == "WS":
                continue
            flags = "".join(t.pattern.flags)
            body = t.pattern.to_regexp()
            parts.append(f"(?P<{t.name}>(?{flags}:{body}))" if flags else f"(?P<{t.name}>{body})")
        blank = by_name["WS"].pattern.to_regexp()
        sep = by_name["_SEP"].pattern.to_regexp()
        _fast_re = re.compile(f"(?:(?!{sep}){blank})?(?:{'|'.join(parts)})")
        _blanks = re.compile(f"(?:{blank})?")
    return _fast_re, _blanks


def tokens(text: str, path: str = "") -> list[tuple[str, int, int]]:
    """The (terminal, start, end) of every token ``text`` holds, ignored ones left out, as the parser is fed
    them. Stops at the first character no terminal matches. For tests and tools; `parse` does not call it."""
    token_re, ignored = _get_tokenizer()
    out = []
    pos = 0
    for m in token_re.finditer(text):
        if m.start() != pos:
            break
        pos = m.end()
        kind = m.lastgroup
        assert kind is not None
        if kind not in ignored:
            out.append((kind, m.start(), pos))
    return out


class _Rule:
    """A grammar rule as the parser state machine uses it: Lark's own rules hash in Python on every reduction,
    these by identity."""

    __slots__ = ("expansion", "origin", "rule")

    def __init__(self, rule: Any) -> None:
        self.rule = rule
        self.origin = rule.origin
        self.expansion = rule.expansion


class _Table:
    __slots__ = ("end_states", "start_states", "states")


_conf: Any = None


def _get_parse_conf() -> Any:
    """Lark's parse table and callbacks for the grammar, with each rule swapped for a `_Rule` (same table, same
    actions; only the dictionary keys are cheaper)."""
    global _conf
    if _conf is None:
        from lark.parsers.lalr_analysis import Reduce
        from lark.parsers.lalr_parser_state import ParseConf

        lalr = _get_parser().parser.parser.parser
        table = lalr.parse_table
        lean: dict[Any, _Rule] = {}
        states = {}
        for state, actions in table.states.items():
            row = {}
            for symbol, (action, arg) in actions.items():
                if action is Reduce:
                    arg = lean.setdefault(arg, _Rule(arg))
                row[symbol] = (action, arg)
            states[state] = row
        t = _Table()
        t.states, t.start_states, t.end_states = states, table.start_states, table.end_states
        callbacks = {r: lalr.callbacks[rule] for rule, r in lean.items()}
        _conf = ParseConf(t, callbacks, "start")  # type: ignore[arg-type]
    return _conf


_OPENING = frozenset(("LBRACE", "LSQB", "LPAR"))
_CLOSING = frozenset(("RBRACE", "RSQB", "RPAR"))


class _TooDeep(Exception):
    def __init__(self, pos: int) -> None:
        self.pos = pos


class _BadCharacter(Exception):
    def __init__(self, pos: int) -> None:
        self.pos = pos


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


def _found(tok: Any, text: str) -> str:
    t = tok.type
    raw = text[tok.start : tok.end]
    if t == "$END":
        return "the end of the file"
    if t == "_SEP":
        return "the end of the statement"
    if t == "NAME":
        return f"name `{raw}`"
    if t == "STRING":
        return f"string {raw}"
    if t in ("QUANTITY", "RANGE"):
        return f"value `{raw}`"
    return _WORDS.get(t, f"`{raw}`")


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


class _Line:
    __slots__ = ("indent", "number", "start", "text")

    def __init__(self, number: int, start: int, text: str) -> None:
        self.number = number
        self.start = start
        self.text = text
        stripped = text.lstrip(" \t")
        self.indent = len(text) - len(stripped)


def _lines(text: str) -> list[_Line]:
    out = []
    start = 0
    for i, line in enumerate(text.split("\n"), 1):
        out.append(_Line(i, start, line.rstrip("\r")))
        start += len(line) + 1
    return out


def _code(line: _Line) -> str:
    """The line without surrounding blanks; empty for a blank or comment-only line."""
    s = line.text.strip()
    return "" if s.startswith("#") else s


def _braces(text: str) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """The `{`/`}` pairs (offsets) that match, the openers left open, and the closers that match nothing.
    Strings and comments are skipped; `[`/`(` are not counted."""
    pairs: list[tuple[int, int]] = []
    stack: list[int] = []
    stray: list[int] = []
    for m in _SCAN.finditer(text):
        ch = m.group()
        if ch == "{":
            stack.append(m.start())
        elif ch == "}":
            if stack:
                pairs.append((stack.pop(), m.start()))
            else:
                stray.append(m.start())
    return pairs, stack, stray


def _line_at(lines: list[_Line], offset: int) -> _Line:
    lo, hi = 0, len(lines) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if lines[mid].start <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lines[lo]


def _first_code_after(lines: list[_Line], line: _Line, until: int) -> _Line | None:
    for ln in lines[line.number : until - 1]:
        if _code(ln):
            return ln
    return None


def _misplaced_closer(src: Source) -> Diagnostic | None:
    """A block left open, found by indentation: the first line inside a `{ ... }` (as the braces pair up) that is
    indented no deeper than the line that opened it, in a file that indents its blocks. That line is where the
    block should have ended; the opener becomes a note. None when the indentation says nothing."""
    text, path = src.text, src.path
    lines = _lines(text)
    pairs, open_left, _ = _braces(text)
    blocks = []  # (opener offset, the line that opens it, the block's first line of code, where it ends)
    for opener, closer in [*pairs, *((o, len(text)) for o in open_left)]:
        head = _line_at(lines, opener)
        end_line = _line_at(lines, closer).number if closer < len(text) else len(lines) + 1
        first = _first_code_after(lines, head, end_line)
        if first is not None:  # not an empty block, nor one on a single line
            blocks.append((opener, head, first, end_line))
    if not any(first.indent > head.indent for _, head, first, _ in blocks):
        return None  # a file that does not indent its blocks: no evidence
    candidates: list[tuple[int, int, _Line, _Line]] = []  # (line it went wrong at, opener offset, ...)
    for opener, head, first, end_line in blocks:
        # the block's first line already back at its opener's indentation (`service a { calls b { ... }` left
        # open, then `service b`), or a later one
        for ln in lines[first.number - 1 : end_line - 1]:
            code = _code(ln)
            if code and ln.indent <= head.indent and not code.startswith("}"):
                candidates.append((ln.number, opener, head, ln))
                break
    if not candidates:
        return None
    candidates.sort(key=lambda c: (c[0], -c[1]))
    _, opener, head, wrong = candidates[0]
    line, col = src.position(opener)
    stmt = _code(head)
    stmt = stmt[: stmt.index("{")].strip() if "{" in stmt else stmt
    return diag(
        UNCLOSED,
        f"the block of `{stmt}` is not closed before line {wrong.number}",
        Span(path, wrong.number, wrong.indent + 1, wrong.number, len(wrong.text.rstrip()) + 1),
        label=f"indented like `{stmt}`, so its block must end before this line",
        hints=[f"add `}}` where the block of `{stmt}` ends, before line {wrong.number}"],
        notes=[Note(Span(path, line, col, line, col + 1), "the block opens here")],
    )


def _missing_opener(src: Source, stray: int) -> Diagnostic | None:
    """A `}` with no `{`, explained by indentation: the first `}` whose line is indented differently from the
    line of the `{` it pairs with closes a block that never opened; the statement above it at its indentation,
    followed by deeper lines, is missing its `{`."""
    text, path = src.text, src.path
    lines = _lines(text)
    pairs, _, strays = _braces(text)
    by_closer = sorted(pairs, key=lambda p: p[1])
    for opener, closer in [*by_closer, *((-1, s) for s in strays)]:
        cl = _line_at(lines, closer)
        if _code(cl) != "}" and not _code(cl).startswith("}"):
            continue
        if opener >= 0 and _line_at(lines, opener).indent == cl.indent:
            continue
        # the nearest statement above at the closer's indentation, with deeper lines under it and no `{`
        for ln in reversed(lines[: cl.number - 1]):
            code = _code(ln)
            if not code or ln.indent > cl.indent:
                continue
            if ln.indent < cl.indent or code.endswith("{") or code.startswith("}"):
                break
            nxt = _first_code_after(lines, ln, cl.number)
            if nxt is None or nxt.indent <= ln.indent:
                break
            head = code.split("#")[0].rstrip()
            return diag(
                SYNTAX,
                f"`{head}` has no `{{`, but the lines under it are indented as its block and the `}}` at line "
                f"{cl.number} closes it",
                Span(path, ln.number, ln.indent + 1, ln.number, ln.indent + len(head) + 1),
                label="a block would open here",
                hints=[f"add `{{` at the end of line {ln.number}: `{head} {{`"],
                notes=[Note(Span(path, cl.number, cl.indent + 1, cl.number, cl.indent + 2), "the block's `}`")],
            )
        return None
    return None


def _describe_char(ch: str) -> str:
    if ch.isprintable() and not ch.isspace():
        return f"`{ch}`"
    return f"U+{ord(ch):04X}"


def _parse(text: str, src: Source, parts: tuple[tuple[int, int], ...] = (), depth: int = 0) -> list[Stmt]:
    """Tokenize ``text`` and feed the tokens to Lark's LALR parser state machine. Raises `_BadCharacter` at a
    character no terminal matches, and Lark's `UnexpectedToken` at a token the grammar does not allow. With
    ``parts``, only those ranges of the text are read, one after another (`_parse_split`), the first starting
    ``depth`` brackets deep."""
    from lark.parsers.lalr_parser_state import ParserState

    fast, blanks = _get_fast_tokenizer()
    feed = ParserState(_get_parse_conf(), None).feed_token  # type: ignore[arg-type]
    # brackets open (`depth`): a file nested past MAX_DEPTH is refused at the bracket that goes too deep
    end = 0
    for lo, hi in parts or ((0, len(text)),):
        end, depth = _feed(text, src, lo, hi, feed, fast, blanks, depth)
    return feed(Tok("$END", end, end), True)  # type: ignore[no-any-return]


def _feed(
    text: str, src: Source, pos: int, stop: int, feed: Any, fast: re.Pattern[str], blanks: re.Pattern[str], depth: int
) -> tuple[int, int]:
    """Feed the tokens of ``text[pos:stop]`` to the parser; returns where they end (``stop``) and how many
    brackets are open there."""
    for m in fast.finditer(text, pos, stop):
        if m.start() != pos:
            raise _BadCharacter(blanks.match(text, pos, stop).end())  # type: ignore[union-attr]
        pos = m.end()
        kind = m.lastgroup
        if kind == "NAME":
            raw = m.group(kind)
            feed(Name(intern(raw), src, pos - len(raw)))
        elif kind == "COMMENT":
            continue
        elif kind == "QUANTITY":
            raw = m.group(kind)
            feed(_num(intern(raw), src, pos - len(raw)))
        elif kind == "STRING":
            raw = m.group(kind)
            feed(Str(_unescape(raw), raw, src, pos - len(raw)))
        elif kind == "RANGE":
            raw = m.group(kind)
            start = pos - len(raw)
            lo, hi = raw.split("..", 1)
            feed(Range(_num(lo, src, start), _num(hi, src, start + len(lo) + 2), raw, src, start))
        else:
            start = m.start(kind)
            if kind in _OPENING:
                depth += 1
                if depth > MAX_DEPTH:
                    raise _TooDeep(start)
            elif kind in _CLOSING and depth:
                depth -= 1
            feed(Tok(kind, start, pos))  # type: ignore[arg-type]
    end = blanks.match(text, pos, stop).end()  # type: ignore[union-attr]
    if end != stop:
        raise _BadCharacter(end)
    return end, depth


def parse(text: str, path: str) -> tuple[SourceFile | None, list[Diagnostic]]:
    """Parse one file's text. On a syntax error, returns no tree and one diagnostic (the first error)."""
    from lark.exceptions import UnexpectedToken

    src = Source(path, text)
    _builder.src = src
    enabled = gc.isenabled()
    gc.disable()
    try:
        stmts = (_parse_split(text, src) if len(text) >= SPLIT_BYTES else None) or _parse(text, src)
    except _BadCharacter as e:
        return None, [_char_error(src, e.pos)]
    except UnexpectedToken as e:
        return None, [_token_error(src, e)]
    except _TooDeep as e:
        return None, [
            diag(
                TOO_DEEP,
                f"blocks or lists are nested more than {MAX_DEPTH} deep",
                src.span(e.pos, e.pos + 1),
                label=f"the {MAX_DEPTH + 1}th bracket open at once",
                hints=["flatten the structure; no design needs this much nesting"],
            )
        ]
    finally:
        _builder.src = Source("", "")
        if enabled:
            gc.enable()
    return SourceFile(path, text, stmts, src), []


# A file this large is parsed on two cores when the machine has them: a forked process parses a run of whole
# statements from its middle while this one parses the rest (10,000 services in one 5 MB file: 2.3 -> 1.5 s; 1,000
# services, 0.5 MB: 7% of the whole check; at 200 KB forking and pickling cost what the second core saves)
SPLIT_BYTES = 300_000
_SHARE = 0.42  # of the text, for the forked process: it also pickles what it parsed, which costs about a third more


def _cut(text: str) -> tuple[int, int, int] | None:
    """Where to cut ``text`` for `_parse_split`: ``(a, b, depth)``, such that ``text[a:b]`` is a run of whole
    statements of one block (or of the file's top level), ``depth`` brackets deep, starting right after one
    statement's closing `}` and ending with another's. Found by following brackets outside strings and comments
    (the grammar's own STRING and COMMENT terminals); None when no such run holds a fair share of the text."""
    by_name = {t.name: t for t in _get_parser().terminals}
    scan = re.compile(
        rf"{by_name['STRING'].pattern.to_regexp()}|{by_name['COMMENT'].pattern.to_regexp()}|([{{}}\[\]()])"
    )
    closers = {"}": "{", "]": "[", ")": "("}
    stack: list[tuple[str, int]] = []  # the open brackets: (bracket, offset)
    runs: dict[int, list[int]] = {}  # the offset of a block's `{` (-1: the top level) -> where its statements end
    for m in scan.finditer(text):
        ch = m.group(1)
        if ch is None:
            continue  # a string or a comment
        if ch in "{[(":
            stack.append((ch, m.start()))
        elif not stack or stack[-1][0] != closers[ch]:
            return None  # unbalanced: the serial parse says where
        else:
            stack.pop()
            if ch == "}" and len(stack) <= 1 and (not stack or stack[-1][0] == "{"):
                runs.setdefault(stack[-1][1] if stack else -1, []).append(m.end())
    if stack or not runs:
        return None
    opener, ends = max(runs.items(), key=lambda kv: kv[1][-1] - kv[1][0])
    b = ends[-1]
    want = b - int(len(text) * _SHARE)
    a = min(ends, key=lambda e: abs(e - want))
    if b - a < len(text) // 5:
        return None
    return a, b, 0 if opener == -1 else 1


def _parse_split(text: str, src: Source) -> list[Stmt] | None:
    """Parse ``text`` on two cores: a forked process parses the run of statements `_cut` finds and sends it back
    pickled, while this process parses the rest; the run is then put back into its block. None when that cannot
    be done (one core, no fork, no place to cut) or when either part does not parse: the caller parses the whole
    text, which also gives the first error exactly where a serial parse finds it."""
    if not processors.core_to_spare():
        return None
    cut = _cut(text)
    if cut is None:
        return None
    import pickle

    from lark.parsers.lalr_parser_state import ParserState  # noqa: F401  (imported before forking)

    a, b, depth = cut
    _get_fast_tokenizer()
    _get_parse_conf()
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # the child: parse the run, send it, and leave without the parent's exit handlers
        os.close(read_end)
        code = 1
        try:
            stmts = _parse(text, src, ((a, b),), depth)
            buf = io.BytesIO()
            pickler = pickle.Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL)
            pickler.persistent_id = lambda obj: 0 if obj is src else None  # type: ignore[method-assign]
            pickler.dump(stmts)
            with os.fdopen(write_end, "wb") as out:
                out.write(buf.getbuffer())
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    try:
        try:
            rest: list[Stmt] | None = _parse(text, src, ((0, a), (b, len(text))))
        except Exception:
            rest = None
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
    finally:
        _, status = os.waitpid(pid, 0)
    if rest is None or status != 0 or not data:
        return None
    unpickler = pickle.Unpickler(io.BytesIO(data))
    unpickler.persistent_load = lambda pid: src  # type: ignore[method-assign,assignment]
    try:
        run: list[Stmt] = unpickler.load()
    except Exception:
        return None
    body = rest
    if depth == 1:
        holder = next((st for st in rest if st.start < a < st.end and st.block is not None), None)
        if holder is None or holder.block is None:
            return None
        body = holder.block.stmts
    i = bisect_left([st.start for st in body], a)
    body[i:i] = run
    return rest


def _char_error(src: Source, pos: int) -> Diagnostic:
    text, path = src.text, src.path
    line, col = src.position(pos)
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


def _token_error(src: Source, e: Any) -> Diagnostic:
    text, path = src.text, src.path
    tok = e.token
    expected = set(e.expected or ())
    if tok.type == "$END":
        opener = unclosed_opener(text)
        end_line, end_col = src.position(len(text))
        if opener is not None and opener[1] == "{":
            found = _misplaced_closer(src)
            if found is not None:
                return found
        if opener is not None:
            off, ch = opener
            line, col = src.position(off)
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
    line, col = src.position(tok.start)
    # a separator is pointed at where its line ends, not at the next line where its newline's span ends
    span = Span(path, line, col, line, col + 1) if tok.type == "_SEP" else src.span(tok.start, tok.end)
    found = _found(tok, text)
    opener = unclosed_opener(text[: tok.start])
    if tok.type == "RBRACE" and opener is None:
        explained = _missing_opener(src, tok.start)
        if explained is not None:
            return explained
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
