"""The validator helpers of tests/validators.py can fail: each one is shown a bad artefact and a good one."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from validators import browser_page, dot_available, markdown_problems, mermaid_errors, require, svg_problems

# ---------------------------------------------------------------------------------------------- require


def test_require_skips_a_missing_tool_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DESIGNC_CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="frobnicate is not available: it checks frobs"):
        require("frobnicate", "it checks frobs")


def test_require_fails_a_missing_tool_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESIGNC_CI", "1")
    with pytest.raises(pytest.fail.Exception, match="frobnicate is not available: it checks frobs"):
        require("frobnicate", "it checks frobs")


# ---------------------------------------------------------------------------------------------- Mermaid

VALID_FLOWCHART = """\
flowchart LR
  subgraph eu["Region eu"]
    direction TB
    api["api service #1"]
    db[("orders db")]
  end
  api -.-> db
  api -- "calls, 100ms" --> db
  api -->|"retry[3] (x) {y} | z"| cache["say #quot;hi#quot;"]
  End["End"] --> endpoint
  classDef store fill:#eef,stroke:#333
  class db,cache store
  click api "#api-service" "go to the api section"
"""


def test_mermaid_reports_only_the_invalid_flowcharts(tmp_path: Path) -> None:
    files = {
        "valid.mmd": VALID_FLOWCHART,
        "unclosed.mmd": "flowchart LR\n  A[unclosed --> B\n",
        "reserved.mmd": 'flowchart LR\n  A --> end["the end"]\n',
        "brackets.mmd": "flowchart LR\n  A[list[0]] --> B\n",
        "empty.mmd": "",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    paths = [tmp_path / name for name in files]

    errors = mermaid_errors(paths)

    assert set(errors) == {str(tmp_path / n) for n in ("unclosed.mmd", "reserved.mmd", "brackets.mmd", "empty.mmd")}
    assert "Parse error" in errors[str(tmp_path / "unclosed.mmd")]
    assert "No diagram type detected" in errors[str(tmp_path / "empty.mmd")]


def test_mermaid_with_no_files_runs_nothing() -> None:
    assert mermaid_errors([]) == {}


# ---------------------------------------------------------------------------------------------- Markdown

CLEAN_MARKDOWN = """\
# Shop design

See [the api](#the-api-service-v2), [the second overview](#overview-1), [the store](#café--co),
[the notes](notes.md#notes), the [diagram](diagrams/shop.svg), [the web](https://example.com) and
[mail](mailto:ops@example.com).

## The `api` service (v2)!

## Overview

## Overview

## Café & Co.

| service | replicas | note |
|---------|---------:|------|
| api     | 2        | `a\\|b` |
| db      | 1        |      |

```text
| not | a table, code |
```
"""


def test_clean_markdown_has_no_problems(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("# Notes\n", encoding="utf-8")
    (tmp_path / "diagrams").mkdir()
    (tmp_path / "diagrams" / "shop.svg").write_text("<svg/>", encoding="utf-8")

    assert markdown_problems(CLEAN_MARKDOWN, tmp_path) == []


def test_markdown_reports_a_broken_anchor_and_a_malformed_table() -> None:
    text = """\
# Shop design

See [the api](#api-services).

## API service

| service | replicas |
|---------|----------|
| api     | 2        | extra |
"""
    problems = markdown_problems(text)

    assert len(problems) == 2, problems
    assert "#api-services: no heading has that anchor" in problems[0]
    assert "3 cells, its header has 2" in problems[1]


def test_markdown_reports_a_table_that_did_not_parse() -> None:
    text = "# T\n\n| a | b |\n|---|\n| 1 | 2 |\n"

    problems = markdown_problems(text)

    assert len(problems) == 3, problems
    assert all("not part of a table" in p for p in problems)


def test_markdown_reports_missing_files_and_anchors_in_them(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("# Notes\n", encoding="utf-8")
    text = "# A\n\n[gone](gone.md) ![pic](pic.png) [anchor](notes.md#nope) [abs](/etc/hosts) [empty]()\n"

    problems = markdown_problems(text, tmp_path)

    assert len(problems) == 5, problems
    assert "gone.md does not exist" in problems[0]
    assert "pic.png does not exist" in problems[1]
    assert "notes.md has no heading with the anchor #nope" in problems[2]
    assert "absolute path" in problems[3]
    assert "empty link" in problems[4]


def test_markdown_reports_an_unclosed_fence() -> None:
    assert markdown_problems("# A\n\n```python\nx = 1\n") == ["line 3: code fence '```' is never closed"]


# ---------------------------------------------------------------------------------------------- SVG


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'><g>", "not well-formed XML"),
        (b"<html xmlns='http://www.w3.org/1999/xhtml'/>", "not <svg>"),
        (b"<svg><rect/></svg>", "without xmlns"),
        (b"", "not well-formed XML"),
    ],
)
def test_svg_problems_reports_invalid_svg(data: bytes, expected: str) -> None:
    problems = svg_problems(data)

    assert len(problems) == 1
    assert expected in problems[0]


def test_svg_rendered_by_dot_has_no_problems() -> None:
    if not dot_available():
        require("dot", "Graphviz renders the diagrams (apt-get install graphviz)")

    svg = subprocess.run(
        ["dot", "-Tsvg"], input=b'digraph { api -> db [label="calls"] }', capture_output=True, check=True, timeout=60
    ).stdout

    assert svg_problems(svg) == []


# ---------------------------------------------------------------------------------------------- browser


def test_browser_page_runs_scripts_and_collects_console_errors(tmp_path: Path) -> None:
    page_file = tmp_path / "page.html"
    page_file.write_text(
        """<!doctype html>
<html><head><meta charset="utf-8"><title>t</title></head>
<body>
  <p id="out">before</p>
  <button id="go" onclick="document.getElementById('out').textContent = 'after'; console.error('clicked');">go</button>
</body></html>
""",
        encoding="utf-8",
    )
    with browser_page() as page:
        page.goto(page_file.as_uri())
        assert page.errors == []  # type: ignore[attr-defined]

        page.click("#go")

        assert page.text_content("#out") == "after"
        assert page.errors == ["console: clicked"]  # type: ignore[attr-defined]
        assert page.blocked == []  # type: ignore[attr-defined]


def test_browser_page_blocks_and_records_network_requests(tmp_path: Path) -> None:
    page_file = tmp_path / "page.html"
    page_file.write_text(
        """<!doctype html>
<html><body>
  <p id="out">waiting</p>
  <script>
    fetch('https://example.com/data.json')
      .then(() => { document.getElementById('out').textContent = 'fetched'; })
      .catch(() => { document.getElementById('out').textContent = 'blocked'; });
    window.undefinedFunction();
  </script>
</body></html>
""",
        encoding="utf-8",
    )
    with browser_page() as page:
        page.goto(page_file.as_uri())
        page.wait_for_function("document.getElementById('out').textContent !== 'waiting'", timeout=10_000)

        assert page.text_content("#out") == "blocked"
        assert page.blocked == ["https://example.com/data.json"]  # type: ignore[attr-defined]
        errors = page.errors  # type: ignore[attr-defined]
        assert any(e.startswith("pageerror:") and "undefinedFunction" in e for e in errors), errors
        assert any("ERR_BLOCKED_BY_CLIENT" in e for e in errors), errors
