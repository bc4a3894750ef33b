"""The scaffolds' own YAML writer (`targets/_scaffold.py`): whatever it writes, a YAML reader reads back as the
same data, and it never writes what a YAML 1.1 reader would take for a boolean, a number or null."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from designc.targets._scaffold import yaml_documents, yaml_text

scalars = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        [
            "yes",
            "No",
            "on",
            "OFF",
            "y",
            "null",
            "~",
            "1.0",
            "0x1F",
            "12:30",
            "- a",
            "a: b",
            "#x",
            "'q'",
            "slo:ratio",
            "a:",
            "http://x",
        ]
    ),
    st.sampled_from(["line one\nline two\n", "a\n\nb", "trailing\n\n", " lead\nx", "x  \ny", "|", ">"]),
    st.integers(-(10**12), 10**12),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False, allow_infinity=False),
)
keys = st.one_of(st.text(min_size=1, max_size=12), st.sampled_from(["app.kubernetes.io/name", "on", "1"]))
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)),
    max_leaves=25,
)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(keys, values, max_size=6))
def test_what_is_written_reads_back_as_the_same_data(document: dict[str, Any]) -> None:
    assert yaml.safe_load(yaml_text(document)) == (document or None)


def test_words_yaml_reads_as_booleans_are_quoted() -> None:
    text = yaml_text({"a": "yes", "b": "on", "c": "true", "d": "null", "e": "8080", "f": "replace-me"})
    assert yaml.safe_load(text) == {"a": "yes", "b": "on", "c": "true", "d": "null", "e": "8080", "f": "replace-me"}
    assert "f: replace-me\n" in text  # plain where nothing else can be read


def test_documents_are_separated_and_multi_line_text_is_a_literal_block() -> None:
    text = yaml_documents([{"kind": "A", "expr": "sum(x)\n/\nsum(y)\n"}, {"kind": "B"}])
    assert list(yaml.safe_load_all(text)) == [{"kind": "A", "expr": "sum(x)\n/\nsum(y)\n"}, {"kind": "B"}]
    assert "expr: |\n  sum(x)\n" in text
