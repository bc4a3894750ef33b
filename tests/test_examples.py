"""The examples and the README: clean, realistic, and covering the whole language."""

from __future__ import annotations

from pathlib import Path

import pytest

from designc.ast import Stmt
from designc.driver import check
from designc.parser import parse
from designc.schema import COMPONENTS, NETWORK, REGION_SPEC, REQUIREMENTS, SYSTEM_PROPS, BlockSpec

from conftest import EXAMPLES, ROOT

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.design"))


def test_the_three_examples_exist():
    assert {p.stem for p in EXAMPLE_FILES} >= {"payments", "url_shortener", "chat"}


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_example_is_clean_and_realistic(path: Path):
    r = check([path])
    assert r.diagnostics == [], [d.message for d in r.diagnostics]
    m = r.designs[0].model
    assert len(m.components) >= 8
    assert len(m.regions) >= 2
    assert m.system.requirements.availability is not None
    assert sum(1 for c in m.components if c.slo is not None) >= 3
    from designc.model import Design

    assert Design.model_validate(m.model_dump()) == m  # the constructed model is a valid model


def _used(stmts: list[Stmt], spec: BlockSpec, out: set[tuple[str, str]]) -> None:
    for s in stmts:
        if spec.free:
            continue
        if s.key in COMPONENTS and spec is SYSTEM_PROPS:
            kind_spec = COMPONENTS[s.key]
            out.add(("component", s.key))
            _used(s.block.stmts if s.block else [], kind_spec, out)
            continue
        if s.key == "region" and spec is SYSTEM_PROPS:
            _used(s.block.stmts if s.block else [], REGION_SPEC, out)
            continue
        if s.key == "network" and spec is SYSTEM_PROPS:
            _used(s.block.stmts if s.block else [], NETWORK, out)
            continue
        prop = spec.props.get(s.key)
        if prop is None:
            continue
        out.add((spec.name, s.key))
        if prop.block is not None and s.block is not None:
            _used(s.block.stmts, prop.block, out)


def test_every_statement_of_the_language_is_used_by_an_example():
    used: set[tuple[str, str]] = set()
    for path in EXAMPLE_FILES:
        sf, _ = parse(path.read_text(), str(path))
        for top in sf.stmts:
            if top.key == "system":
                _used(top.block.stmts, SYSTEM_PROPS, used)
    wanted: set[tuple[str, str]] = set()

    def collect(spec: BlockSpec) -> None:
        for p in spec.props.values():
            if (spec.name, p.key) in wanted:
                continue
            wanted.add((spec.name, p.key))
            if p.block is not None and not p.block.free:
                collect(p.block)

    for spec in (SYSTEM_PROPS, REQUIREMENTS, REGION_SPEC, NETWORK, *COMPONENTS.values()):
        collect(spec)
    wanted |= {("component", k) for k in COMPONENTS}
    # a statement of components counts as used when any kind of component uses it
    used_on_components = {k for (b, k) in used if b in COMPONENTS}
    missing = sorted(f"{b}.{k}" for (b, k) in wanted - used if not (b in COMPONENTS and k in used_on_components))
    assert missing == [], f"statements no example uses: {missing}"


def _readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_quick_start_commands_are_the_ci_commands():
    text = _readme()
    ci = (ROOT / ".ci" / "run").read_text()
    test_cmd = "python -m pip install -e '.[test]' && python -m pytest"
    assert test_cmd in text and test_cmd in ci
    assert "python -m pip install . && designc check examples/payments.design" in text


FLAWED = sorted((EXAMPLES / "flawed").glob("*.design"))


@pytest.mark.parametrize("path", FLAWED, ids=lambda p: p.name)
def test_flawed_example_shows_its_expected_findings(path: Path):
    from update_goldens import render

    expected = path.with_suffix(".expected").read_text(encoding="utf-8")
    assert render(path) == expected, "if the change is intended, run `python tests/update_goldens.py` and read it"
    assert expected.strip(), "a flawed example must show at least one finding"


def test_flawed_examples_cover_every_family():
    families = set()
    for path in FLAWED:
        families |= {
            line.split()[0].rstrip("0123456789") for line in path.with_suffix(".expected").read_text().splitlines()
        }
    assert {"CAP", "SPOF", "AVL", "LAT", "TMO", "RTY", "CBR", "CYC", "SEC", "DR", "SCL", "OPS", "STR"} <= families
