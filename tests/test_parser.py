"""The grammar and the syntax tree: statements, values, spans, and syntax errors in words."""

from __future__ import annotations

import pytest

from designc.ast import Call, List, Name, Num, Range, Str
from designc.parser import MAX_DEPTH, parse


def one(text: str):
    sf, diags = parse(text, "t.design")
    assert not diags, [d.message for d in diags]
    assert sf is not None
    return sf.stmts


def error(text: str):
    sf, diags = parse(text, "t.design")
    assert sf is None
    assert len(diags) == 1
    return diags[0]


def test_statement_form_and_spans():
    (s,) = one('service api "Public API" {\n  replicas 3..30\n  calls auth { timeout 50ms; retries 1 }\n}\n')
    assert s.key == "service"
    assert [type(v) for v in s.values] == [Name, Str]
    assert (s.span.line, s.span.column, s.span.end_line, s.span.end_column) == (1, 1, 4, 2)
    replicas, calls = s.block.stmts
    assert replicas.key_span.line == 2 and replicas.key_span.column == 3
    r = replicas.values[0]
    assert isinstance(r, Range) and (r.low.number, r.high.number) == (3, 30)
    timeout, retries = calls.block.stmts
    assert timeout.values[0].raw == "50ms" and timeout.values[0].unit == "ms"
    assert (retries.span.line, retries.span.column) == (3, 30)


@pytest.mark.parametrize(
    ("raw", "number", "unit"),
    [
        ("250ms", 250, "ms"),
        ("99.95%", 99.95, "%"),
        ("5000 rps", 5000, "rps"),
        ("20GiB", 20, "GiB"),
        ("7d", 7, "d"),
        ("-1", -1, ""),
        ("0", 0, ""),
        ("100/s", 100, "/s"),
    ],
)
def test_quantities_keep_number_and_unit(raw, number, unit):
    (s,) = one(f"x {raw}\n")
    v = s.values[0]
    assert isinstance(v, Num)
    assert v.number == number and v.unit == unit


def test_lists_calls_strings_and_comments():
    (s,) = one('k [a, "b",\n   3ms, # note\n   [c]\n] hash(account_id, 2) "say \\"hi\\""  # trailing\n')
    lst, call, text = s.values
    assert isinstance(lst, List) and len(lst.items) == 4 and isinstance(lst.items[3], List)
    assert isinstance(call, Call) and call.name == "hash" and [a.text for a in call.args[:1]] == ["account_id"]
    assert isinstance(text, Str) and text.text == 'say "hi"'


def test_semicolons_and_newlines_separate_statements():
    stmts = one("a 1; b 2\n\n;c 3;\n")
    assert [s.key for s in stmts] == ["a", "b", "c"]


def test_dotted_names():
    (s,) = one("placement us_east_1.a\n")
    assert s.values[0].text == "us_east_1.a"


def test_crlf_line_endings():
    stmts = one("a 1\r\nb { c 2 }\r\n")
    assert [s.key for s in stmts] == ["a", "b"]
    assert stmts[1].span.line == 2


@pytest.mark.parametrize(
    ("text", "code", "line", "col", "words"),
    [
        ('a "open\n', "SYN002", 1, 3, "never closed"),
        ("a {\n  b 1\n", "SYN003", 1, 3, "`{` is never closed"),
        ("a [1, 2\n", "SYN003", 1, 3, "`[` is never closed"),
        ("a 1 @\n", "SYN004", 1, 5, "unexpected character `@`"),
        ("a }\n", "SYN001", 1, 3, "unexpected `}`"),
        ("a\n 5 x\n", "SYN001", 2, 2, "expected a name"),
        ("a [1 2]\n", "SYN001", 1, 6, "expected `,`"),
        ("a b c { d } e\n", "SYN001", 1, 13, "unexpected name `e`"),
        ("x \x07\n", "SYN004", 1, 3, "U+0007"),
    ],
)
def test_syntax_errors_are_located_and_worded(text, code, line, col, words):
    d = error(text)
    assert d.code == code
    assert (d.span.line, d.span.column) == (line, col)
    assert words in d.message
    for token_name in ("NAME", "QUANTITY", "_SEP", "LBRACE", "$END"):
        assert token_name not in d.message


def test_top_level_error_does_not_offer_a_closing_brace():
    d = error("a b\n 5\n")
    assert "`}`" not in d.message


def test_nesting_limit():
    deep = "a " + "{ b " * (MAX_DEPTH + 5) + "}" * (MAX_DEPTH + 5) + "\n"
    d = error(deep)
    assert d.code == "SYN005"
    assert (d.span.line, d.span.column) == (1, 3 + 4 * MAX_DEPTH), "at the bracket that goes too deep"
    assert one("a " + "{ b " * (MAX_DEPTH - 1) + "{ }" + "}" * (MAX_DEPTH - 1) + "\n"), "exactly the limit is fine"
    fine = "a " + "{ b " * 10 + "}" * 10 + "\n"
    assert one(fine)


def test_deep_lists_do_not_recurse():
    d = error("a " + "[" * 5000 + "]" * 5000 + "\n")
    assert d.code == "SYN005"


def test_long_input_is_linear_and_parses():
    text = "".join(f"service s{i} {{ replicas 3; calls s{i + 1} {{ timeout 1s }} }}\n" for i in range(3000))
    stmts = one(text)
    assert len(stmts) == 3000 and stmts[-1].span.line == 3000


def test_empty_text_parses_to_nothing():
    sf, diags = parse("  \n# only a comment\n", "t.design")
    assert sf is not None and sf.stmts == [] and diags == []


def test_very_long_lines_and_strings():
    long_string = "x" * 1_000_000
    (s,) = one(f'description "{long_string}"\n')
    assert s.values[0].text == long_string
    many = " ".join(f"v{i}" for i in range(100_000))
    (s,) = one(f"tags [{', '.join(f'v{i}' for i in range(50_000))}] {many}\n")
    assert len(s.values[0].items) == 50_000 and len(s.values) == 100_001


def test_an_unclosed_block_is_reported_where_the_indentation_shows_it_ended():
    d = error("system s {\n  service a {\n    replicas 2\n\n  service b {\n    replicas 3\n  }\n}\n")
    assert d.code == "SYN003"
    assert (d.span.line, d.span.column) == (5, 3)
    assert "`service a`" in d.message and "line 5" in d.message
    assert [(n.span.line, n.span.column, n.message) for n in d.notes] == [(2, 13, "the block opens here")]


def test_an_unclosed_block_whose_first_line_is_on_its_header_is_reported_at_the_next_statement():
    """`service a { calls b { ... }` left open: the next line, indented like `service a`, shows where it ended."""
    d = error("system s {\n  region r { zones [a] }\n  service a { calls b { timeout 1s }\n  service b { }\n}\n")
    assert d.code == "SYN003"
    assert (d.span.line, d.span.column) == (4, 3)
    assert "`service a`" in d.message and "line 4" in d.message
    assert [(n.span.line, n.span.column, n.message) for n in d.notes] == [(3, 13, "the block opens here")]
    # a file that indents nothing gives no such evidence: the opener that is left is reported
    d = error("system s { region r { zones [a] }\nservice a { replicas 2\nservice b { replicas 3 }\n}\n")
    assert d.message == "`{` is never closed: the file ends first" and d.span.line == 1


def test_a_missing_open_brace_is_reported_at_the_statement_whose_block_it_is():
    d = error('system s {\n  service a\n    replicas 2\n    owner "x"\n  }\n  service b {\n    replicas 3\n  }\n}\n')
    assert d.code == "SYN001"
    assert (d.span.line, d.span.column, d.span.end_column) == (2, 3, 12)
    assert "`service a` has no `{`" in d.message
    assert d.hints == ["add `{` at the end of line 2: `service a {`"]
    assert [(n.span.line, n.message) for n in d.notes] == [(5, "the block's `}`")]


def test_without_indentation_an_unclosed_block_is_reported_at_its_opener():
    d = error("system s {\nservice a {\nreplicas 2\nservice b {\nreplicas 3\n}\n}\n")
    assert d.code == "SYN003" and "never closed" in d.message
    assert (d.span.line, d.span.column) == (1, 10)
    d = error("system s {\nservice a\nreplicas 2\n}\n}\n")
    assert d.code == "SYN001" and (d.span.line, d.span.column) == (5, 1)
