"""The tokenizer that feeds Lark's LALR parser is ours (for speed); the language stays defined by the Lark grammar.

These tests hold the two together. On every example, the standard library, a benchmark design and fuzzed text:
- the tokens (terminal, start, end) equal those of Lark's own lexer for the same grammar, up to the first
  character no terminal matches, which both stop at;
- the parse accepts exactly what Lark's parser with its contextual lexer (how the grammar was parsed before)
  accepts, and a syntax error is reported at the same place.
"""

from __future__ import annotations

import subprocess
import sys
from functools import cache
from importlib.resources import files
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from designc.parser import parse, tokens

from conftest import EXAMPLES, ROOT
from test_bad_input import INTERESTING, SETTINGS, mutated_example

TEXTS = sorted([*EXAMPLES.rglob("*.design"), *(ROOT / "stdlib").glob("*.design"), *(ROOT / "tests").rglob("*.design")])


@cache
def _grammar() -> str:
    return files("designc.grammar").joinpath("design.lark").read_text(encoding="utf-8")


@cache
def _lark(lexer: str) -> Any:
    from lark import Lark

    return Lark(_grammar(), parser="lalr", lexer=lexer, maybe_placeholders=False)


@cache
def _benchmark_design() -> str:
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "generate.py"), "--services", "2000"],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout


def lark_tokens(text: str) -> tuple[list[tuple[str, int, int]], int | None]:
    """Lark's own lexer's tokens, and the offset it stopped at when a character matched no terminal."""
    from lark.exceptions import UnexpectedCharacters

    out = []
    try:
        for t in _lark("basic").lex(text):
            out.append((t.type, t.start_pos, t.end_pos))
    except UnexpectedCharacters as e:
        return out, e.pos_in_stream
    return out, None


def lark_verdict(text: str) -> tuple[int, int] | None:
    """Where Lark's parser (contextual lexer) finds the first syntax error, as a line and column; None if none."""
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

    try:
        _lark("contextual").parse(text)
    except UnexpectedCharacters as e:
        return e.line, e.column
    except UnexpectedToken as e:
        if e.token.type == "$END":
            return -1, -1
        return e.token.line, e.token.column
    except UnexpectedEOF:
        return -1, -1
    return None


def assert_same_tokens(text: str) -> None:
    ours = tokens(text)
    theirs, stopped = lark_tokens(text)
    assert ours == theirs
    if stopped is None:
        assert not ours or ours[-1][2] <= len(text)


def assert_same_verdict(text: str) -> None:
    """Our parse fails exactly when Lark's does, with the same position (unclosed blocks and the end of the file
    are both reported at the end; our message then points at the opener, which Lark does not know)."""
    theirs = lark_verdict(text)
    sf, diags = parse(text, "t.design")
    if theirs is None:
        assert sf is not None and not diags, [d.message for d in diags]
        return
    assert sf is None and len(diags) == 1
    if theirs == (-1, -1):
        return
    d = diags[0]
    assert d.span is not None
    if "has no `{`" in d.message:  # a stray `}` explained by indentation: reported at the statement it belongs to
        line, column = theirs
        assert text.split("\n")[line - 1][column - 1] == "}"
        return
    assert (d.span.line, d.span.column) == theirs, d.message


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_tokens_and_parse_match_lark_on_every_design_in_the_repository(path):
    text = path.read_text(encoding="utf-8")
    assert_same_tokens(text)
    assert_same_verdict(text)


def test_tokens_and_parse_match_lark_on_the_benchmark_design():
    text = _benchmark_design()
    ours = tokens(text)
    assert len(ours) > 100_000
    assert_same_tokens(text)
    assert parse(text, "bench.design")[0] is not None


def test_tokens_carry_crlf_comments_and_rates_as_lark_does():
    text = 'a 5000 rps; b 3..30 # c\r\n\r\n  d "x\\"y" [e, f(g)] -1.5ms\n'
    assert_same_tokens(text)
    assert [t[0] for t in tokens(text)][:6] == ["NAME", "QUANTITY", "_SEP", "NAME", "RANGE", "_SEP"]


@SETTINGS
@given(mutated_example())
def test_tokens_and_parse_match_lark_on_mutated_examples(text: str):
    assert_same_tokens(text)
    assert_same_verdict(text)


@SETTINGS
@given(st.lists(st.sampled_from([*INTERESTING, *"abcxyz0123456789 "]), max_size=120).map("".join))
def test_tokens_and_parse_match_lark_on_random_text(text: str):
    assert_same_tokens(text)
    assert_same_verdict(text)
