"""A large file is parsed on two cores (`parser._parse_split`): a forked process parses a run of whole statements
from its middle while this one parses the rest. The tree, and any error, must be exactly what one process makes."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from test_tokenizer import TEXTS, _benchmark_design

import designc.parser as parser_module
import designc.processors as processors
from designc.ast import Source
from designc.parser import _cut, _parse, _parse_split, parse

from test_bad_input import SETTINGS, mutated_example


def shape(x: Any) -> Any:
    """A node and everything under it as plain values: every slot of every class it is made of."""
    if isinstance(x, list):
        return [shape(i) for i in x]
    if isinstance(x, Source):
        return ("Source", x.path, len(x.text))
    slots = [s for cls in type(x).__mro__ for s in getattr(cls, "__slots__", ())]
    if not slots:
        return x
    return (type(x).__name__, tuple((s, shape(getattr(x, s))) for s in slots if hasattr(x, s)))


@pytest.fixture
def split_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    """Split every file, however small, as if a second core were idle."""
    monkeypatch.setattr(parser_module, "SPLIT_BYTES", 0)
    monkeypatch.setattr(processors, "core_to_spare", lambda: True)


def _serial(text: str) -> tuple[Any, list[Any]]:
    sf, diags = parse(text, "t.design")
    return (shape(sf.stmts) if sf else None), [(d.code, str(d.span), d.message) for d in diags]


def test_the_benchmark_design_is_cut_in_its_system_block_and_parsed_the_same(split_everything):
    text = _benchmark_design()
    cut = _cut(text)
    assert cut is not None
    a, b, depth = cut
    assert depth == 1, "the benchmark design is one `system` block: the run is inside it"
    assert text[a - 1] == "}" and text[b - 1] == "}" and 0.3 < (b - a) / len(text) < 0.55
    src = Source("bench.design", text)
    parser_module._builder.src = src
    split = _parse_split(text, src)
    assert split is not None, "the split parse ran and succeeded"
    parser_module._builder.src = src
    assert shape(split) == shape(_parse(text, src))


def test_a_file_of_top_level_components_is_cut_at_the_top_level(split_everything):
    one = 'service s{0} "S {0}" {{\n  replicas 2\n  calls s{1} {{ timeout 1s }}\n}}\n\n'
    text = "".join(one.format(i, i + 1) for i in range(50))
    cut = _cut(text)
    assert cut is not None and cut[2] == 0
    src = Source("top.design", text)
    parser_module._builder.src = src
    split = _parse_split(text, src)
    assert split is not None and len(split) == 50
    assert [s.values[0].text for s in split] == [f"s{i}" for i in range(50)]


def test_the_run_goes_back_between_the_statements_around_it(split_everything):
    services = "".join(f"  service s{i} {{\n    replicas 2\n  }}\n" for i in range(40))
    text = f'system x {{\n  description "before"\n{services}  owner "after"\n  description2 "last"\n}}\n'
    src = Source("x.design", text)
    parser_module._builder.src = src
    split = _parse_split(text, src)
    assert split is not None
    keys = [s.key for s in split[0].block.stmts]
    assert keys == ["description", *["service"] * 40, "owner", "description2"]
    parser_module._builder.src = src
    assert shape(split) == shape(_parse(text, src))


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.name)
def test_every_design_in_the_repository_parses_the_same_split(path, monkeypatch: pytest.MonkeyPatch):
    text = path.read_text(encoding="utf-8")
    serial = _serial(text)
    monkeypatch.setattr(parser_module, "SPLIT_BYTES", 0)
    monkeypatch.setattr(processors, "core_to_spare", lambda: True)
    assert _serial(text) == serial


def test_an_error_in_either_part_is_reported_where_one_process_finds_it(monkeypatch: pytest.MonkeyPatch):
    text = _benchmark_design()
    a, b, _ = _cut(text)  # type: ignore[misc]
    broken_run = text[: (a + b) // 2] + " } " + text[(a + b) // 2 :]
    broken_rest = text[: a // 2] + ' "open' + text[a // 2 :]
    serial = [_serial(t) for t in (broken_run, broken_rest)]
    assert all(s[0] is None and len(s[1]) == 1 for s in serial)
    monkeypatch.setattr(parser_module, "SPLIT_BYTES", 0)
    monkeypatch.setattr(processors, "core_to_spare", lambda: True)
    assert [_serial(t) for t in (broken_run, broken_rest)] == serial


@SETTINGS
@given(mutated_example())
def test_mutated_examples_parse_the_same_split(text: str):
    serial = _serial(text)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(parser_module, "SPLIT_BYTES", 0)
        mp.setattr(processors, "core_to_spare", lambda: True)
        assert _serial(text) == serial
