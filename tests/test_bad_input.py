"""Bad input never crashes or hangs designc: mutated examples and random bytes get a clean model or located
diagnostics. Property-based, with hypothesis."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from designc.driver import check
from designc.fmt import format_text

from conftest import EXAMPLES

EXAMPLE_TEXTS = [p.read_text() for p in sorted(EXAMPLES.glob("*.design"))]
INTERESTING = [*list('{}[]();,"#\n\r\t %.-_=@\\'), "..", "ms", "rps", "\x00", "é", "\u2028", "99.9%", "-1", "calls"]


def _inside(text: str, line: int, col: int) -> bool:
    lines = text.split("\n")
    if not 1 <= line <= len(lines) + 1:
        return False
    length = len(lines[line - 1]) if line <= len(lines) else 0
    return 1 <= col <= length + 2


def assert_sane(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "fuzz.design"
        p.write_bytes(data)
        result = check([p])  # must not raise
        texts = result.texts
        if not result.diagnostics:
            assert all(x.model is not None for x in result.designs)
            return
        language_errors = [d for d in result.diagnostics if d.severity.value == "error" and d.fingerprint is None]
        if language_errors:  # a design the language rejects has no model (the rules' findings come with one)
            assert all(x.model is None for x in result.designs if x.diagnostics)
        for diag in result.diagnostics:
            assert diag.code != "INT001", diag.message
            assert diag.message
            s = diag.span
            assert s is not None
            text = texts.get(s.file)
            if text is None:  # the file could not be decoded: judge positions against a lenient decoding
                text = data.decode("utf-8", errors="replace")
            assert _inside(text, s.line, s.column), (diag.code, diag.message, s)
            assert (s.end_line, s.end_column) >= (s.line, s.column), (diag.code, s)


@st.composite
def mutated_example(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(EXAMPLE_TEXTS))
    for _ in range(draw(st.integers(1, 4))):
        if not text:
            break
        i = draw(st.integers(0, len(text) - 1))
        j = draw(st.integers(i, min(len(text), i + 40)))
        op = draw(st.sampled_from(["delete", "duplicate", "insert", "replace"]))
        if op == "delete":
            text = text[:i] + text[j:]
        elif op == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        else:
            piece = "".join(draw(st.lists(st.sampled_from(INTERESTING), min_size=1, max_size=4)))
            text = text[:i] + piece + (text[i:] if op == "insert" else text[j:])
    return text


# DESIGNC_FUZZ_EXAMPLES=3000 runs a longer search locally
SETTINGS = settings(
    max_examples=int(os.environ.get("DESIGNC_FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@SETTINGS
@given(mutated_example())
def test_mutated_examples_give_a_model_or_located_diagnostics(text: str):
    assert_sane(text.encode("utf-8"))


@SETTINGS
@given(st.binary(max_size=400))
def test_random_bytes_give_located_diagnostics(data: bytes):
    assert_sane(data)


@SETTINGS
@given(st.lists(st.sampled_from([*INTERESTING, *"abcxyz0123456789 "]), max_size=120).map("".join))
def test_random_text_from_the_language_alphabet(text: str):
    assert_sane(text.encode("utf-8"))


@SETTINGS
@given(mutated_example())
def test_fmt_is_idempotent_on_anything_that_parses(text: str):
    once, diags = format_text(text, "f.design")
    if once is None:
        assert diags and diags[0].span is not None
        return
    twice, _ = format_text(once, "f.design")
    assert twice == once
