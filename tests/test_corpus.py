"""The corpus: real designs transcribed from public write-ups and postmortems (examples/real/), each with the
findings an experienced reviewer judged by hand (`NAME.judged.yaml`: what designc must find, and the misfires it
must not produce).

The aim (issue 9), under the default profile: at most ten warnings and errors per design; every "must find"
reported (as a finding of its code, or in the component's GAP001 note when it is a gap); and no warning or
error on the "must not find" list (a gap's note on such an element is information, not a misfire). Where
designc does not meet it yet, the test is an expected failure that names what is missing, and fails as soon as
it unexpectedly passes (strict), so that the mark is removed with the fix.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import EXAMPLES

CORPUS = sorted((EXAMPLES / "real").glob("*.design"))
EDGE_KINDS = {"calls", "reads", "writes", "publishes", "consumes"}
COMPONENT_KINDS = {"service", "store", "stream", "queue", "cache", "external", "client"}

# What designc does not do yet, per design (issue 9's remaining work). A design not listed meets the aim.
TOO_LOUD: dict[str, str] = {}
MISSES: dict[str, str] = {
    "writeup_github_2018": "LAT001 on the application's serial queries against a primary 60 ms away: the"
    " failover check exists (each query pays the round trip, `fanout` times in sequence), but the post states"
    " no latency objective and no count of queries per request",
}
MISFIRES: dict[str, str] = {
    "writeup_aws_scaling": "AVL001 on flow `write`, entered at the ELB: every write is charged S3 (99.9%) and"
    " DynamoDB, which `app_write` reaches and no route names; the write-up says neither which writes upload a file"
    ' nor which touch DynamoDB ("to consider"), so no flow can leave them out without an invented share',
}


def _judged(design: Path) -> dict[str, Any]:
    return yaml.safe_load(design.with_suffix(".judged.yaml").read_text(encoding="utf-8"))


def _check(design: Path) -> list[Any]:
    from designc.driver import check

    result = check([design])
    return result.diagnostics


def _matches(d: Any, code: str, element: str) -> bool:
    """A finding of `code` on `element` (a component name, or `a->b` for an edge), or a GAP001 note that
    gathers that rule's gap on it."""
    path = (d.fingerprint or "").split("/", 1)[-1]
    segments = [s.split(":", 1)[-1] for s in path.split("/")]
    if "->" in element:
        a, b = element.split("->", 1)
        on = len(segments) >= 2 and segments[0] == a and segments[1] == b
        in_note = f"`{a}`" in d.message and f"`{b}`" in d.message
    else:
        # a finding on an edge is on its caller (the edge's target is named by `a->b`); one on no component (a
        # flow, the requirements) is on what its message names
        kinds = [s.split(":", 1)[0] for s in path.split("/")]
        if len(segments) >= 2 and kinds[1] in EDGE_KINDS:
            on = segments[0] == element
        elif any(k in COMPONENT_KINDS for k in kinds):
            on = element in segments
        else:
            on = f"`{element}`" in d.message
        in_note = f"`{element}`" in d.message
    if d.code == code:
        return on
    return d.code == "GAP001" and f"({code})" in d.message and in_note


def _xfail(table: dict[str, str], design: Path) -> list[Any]:
    reason = table.get(design.stem)
    return [pytest.mark.xfail(reason=f"issue 9: {reason}", strict=True)] if reason else []


def _params(table: dict[str, str]) -> list[Any]:
    return [pytest.param(p, id=p.stem, marks=_xfail(table, p)) for p in CORPUS]


def test_the_corpus_has_at_least_eight_designs():
    assert len(CORPUS) >= 8


@pytest.mark.parametrize("design", CORPUS, ids=lambda p: p.stem)
def test_each_design_says_where_it_comes_from_and_checks_without_language_errors(design: Path):
    head = design.read_text(encoding="utf-8").split("\nsystem ", 1)[0].lower()
    assert "http" in head and ("licen" in head), "the header comment names the source and its licence"
    judged = _judged(design)
    assert judged["source"].startswith("http") and judged["licence"]
    assert 2 <= len(judged["must_find"]) <= 6
    for item in [*judged["must_find"], *(judged.get("must_not_find") or [])]:
        assert item["code"] and item["element"] and len(item["why"]) > 20, item
    language = [d for d in _check(design) if d.code[:3] in ("SYN", "IMP", "REF", "DEF", "VAL", "INT")]
    assert language == [], [(d.code, d.message) for d in language]


@pytest.mark.parametrize("design", _params(TOO_LOUD))
def test_at_most_ten_warnings_and_errors_under_the_default_profile(design: Path):
    loud = [d for d in _check(design) if d.severity in ("warning", "error")]
    assert len(loud) <= 10, [f"{d.code} {d.message}" for d in loud]


@pytest.mark.parametrize("design", _params(MISSES))
def test_every_must_find_is_reported(design: Path):
    diags = _check(design)
    missing = [
        f"{m['code']} on {m['element']}"
        for m in _judged(design)["must_find"]
        if not any(_matches(d, m["code"], m["element"]) for d in diags)
    ]
    assert missing == []


@pytest.mark.parametrize("design", _params(MISFIRES))
def test_nothing_on_the_must_not_find_list(design: Path):
    diags = _check(design)
    misfires = [
        f"{m['code']} on {m['element']}"
        for m in _judged(design).get("must_not_find") or []
        if any(_matches(d, m["code"], m["element"]) for d in diags if d.severity in ("warning", "error"))
    ]
    assert misfires == []
