"""The README and the pages under docs/: every design they show checks as they say, and every link resolves
inside the repository.

A fenced block whose info string is `design` is a design. The HTML comment on the line just above its fence
(invisible on GitHub) says how it is checked:

- no comment: a whole design. `designc check` (default profile) reports no error and no warning, and
  `designc fmt` leaves it as it is.
- `<!-- design: fragment -->`: statements that belong inside a `system` block (a flow, a view, a component or
  two). They are wrapped in `system snippet { ... }` (`import` lines stay at the top; unless the fragment states
  its own requirements, the system states `peak_load 1000 rps`, which flows take a share of) and checked for
  the language only: a name the fragment uses but does not declare (REF001) is allowed, nothing else is.
- `<!-- design: fails CODE [CODE ...] -->`: a whole design that is wrong on purpose: the codes of the errors
  and warnings `designc check` reports are exactly these.

A whole design's marker may end with `as NAME.design`: the file the page says it is. A `text` block marked
`<!-- output: designc ARGS -->` is what `designc ARGS` prints, run in a folder holding the page's named designs.

A `text` or unlabelled block that starts like a design (`system`, `service`, `import` ...) is an error: fence it
as `design`, so that it is checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from designc.driver import check
from designc.fmt import format_text

from conftest import ROOT, run_designc
from validators import _markdown_parser, markdown_problems

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
MARKER = re.compile(r"^<!--\s*design:\s*(?P<how>.*?)\s*-->\s*$")
OUTPUT = re.compile(r"^<!--\s*output:\s*designc\s+(?P<args>.*?)\s*-->\s*$")
CONTEXT = "  requirements { peak_load 1000 rps }"  # what a fragment's flows take a share of
LOOKS_LIKE_A_DESIGN = re.compile(
    r"^(system|service|store|stream|queue|cache|external|client|import|define|flow|view|region)\s+\S+.*[{\"]"
)


@dataclass
class Snippet:
    page: Path
    line: int  # of the fence, 1-based
    info: str
    how: str  # the marker's text, "" without one (`as NAME` left out)
    text: str
    name: str | None = None  # `as NAME.design`: the file the page says this is
    output: str | None = None  # `<!-- output: designc ARGS -->`: the arguments whose output this is

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def _snippets(page: Path) -> list[Snippet]:
    text = page.read_text(encoding="utf-8")
    lines = text.splitlines()
    out = []
    for token in _markdown_parser().parse(text):
        if token.type != "fence" or token.map is None:
            continue
        start = token.map[0]
        above = lines[start - 1].strip() if start > 0 else ""
        m = MARKER.match(above)
        how = m.group("how") if m else ""
        named = re.search(r"\s*\bas\s+(\S+\.design)$", how)
        o = OUTPUT.match(above)
        out.append(
            Snippet(
                page,
                start + 1,
                token.info.strip(),
                how[: named.start()] if named else how,
                token.content,
                name=named.group(1) if named else None,
                output=o.group("args") if o else None,
            )
        )
    return out


SNIPPETS = [s for page in PAGES for s in _snippets(page)]
DESIGNS = [s for s in SNIPPETS if s.info == "design"]


def test_the_pages_show_designs():
    assert len(DESIGNS) >= 5
    assert any(s.page.name == "README.md" for s in DESIGNS), "the README shows a design"
    assert any(s.page.name == "language.md" and not s.how for s in DESIGNS), "the tour is a whole design"


@pytest.mark.parametrize("snippet", [s for s in SNIPPETS if s.info != "design"], ids=lambda s: s.where)
def test_a_block_that_looks_like_a_design_is_fenced_as_one(snippet: Snippet):
    first = next((ln.strip() for ln in snippet.text.splitlines() if ln.strip() and not ln.startswith("#")), "")
    assert not LOOKS_LIKE_A_DESIGN.match(first), f"{snippet.where}: fence it as ```design so that it is checked"
    assert not snippet.how, f"{snippet.where}: a design marker on a block that is not fenced as ```design"


@pytest.mark.parametrize("snippet", DESIGNS, ids=lambda s: s.where)
def test_every_design_shown_checks_as_the_page_says(snippet: Snippet, tmp_path: Path):
    how = snippet.how.split()
    kind = how[0] if how else "whole"
    assert kind in ("whole", "fragment", "fails"), f"{snippet.where}: unknown marker `{snippet.how}`"
    path = tmp_path / "snippet.design"
    if kind == "fragment":
        body = snippet.text.splitlines()
        imports = [ln for ln in body if ln.startswith("import ")]
        rest = [ln for ln in body if not ln.startswith("import ")]
        context = [] if any(ln.strip().startswith("requirements") for ln in rest) else [CONTEXT]
        path.write_text("\n".join([*imports, "system snippet {", *context, *("  " + ln for ln in rest), "}", ""]))
        r = check([path], analysis=False)
        offset = len(imports) + 1 + len(context)
        bad = [f"{d.code} {d.span.line - offset}: {d.message}" for d in r.diagnostics if d.code != "REF001"]
        assert bad == [], f"{snippet.where}: the fragment does not check"
        return
    path.write_text(snippet.text)
    r = check([path])
    loud = sorted({d.code for d in r.diagnostics if d.severity.rank >= 2})
    if kind == "fails":
        assert how[1:], f"{snippet.where}: say which codes it fails with"
        assert loud == sorted(set(how[1:])), f"{snippet.where}: {[(d.code, d.message) for d in r.diagnostics]}"
        return
    assert loud == [], f"{snippet.where}: {[(d.code, d.span.line, d.message) for d in r.diagnostics]}"
    formatted, _ = format_text(snippet.text, "snippet.design")
    assert formatted == snippet.text, f"{snippet.where}: not in `designc fmt`'s layout"


OUTPUTS = [s for s in SNIPPETS if s.output is not None]


def test_the_readme_shows_a_real_diagnostic():
    assert any(s.page.name == "README.md" and "error[" in s.text for s in OUTPUTS)


@pytest.mark.parametrize("snippet", OUTPUTS, ids=lambda s: s.where)
def test_shown_output_is_what_designc_prints(snippet: Snippet, tmp_path: Path):
    import shlex

    for named in (s for s in DESIGNS if s.page == snippet.page and s.name):
        (tmp_path / named.name).write_text(named.text)
    r = run_designc(*shlex.split(snippet.output or ""), cwd=tmp_path)
    assert r.stdout == snippet.text, f"{snippet.where}: designc {snippet.output} prints something else"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_links_resolve_inside_the_repository(page: Path):
    text = page.read_text(encoding="utf-8")
    assert markdown_problems(text, folder=page.parent) == []
    outside = []
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            continue
        resolved = (page.parent / target.split("#")[0]).resolve()
        if not resolved.is_relative_to(ROOT):
            outside.append(target)
    assert outside == [], f"links that leave the repository (a clone does not have them): {outside}"


def test_reference_page_matches_the_language():
    from designc.reference import markdown

    from update_docs import REFERENCE, with_reference

    text = REFERENCE.read_text(encoding="utf-8")
    assert with_reference(text, markdown()) == text, "run `python tests/update_docs.py`"


def test_rules_page_matches_the_rules():
    from update_docs import RULES, RULES_END, RULES_START, rules_table, with_reference

    text = RULES.read_text(encoding="utf-8")
    assert with_reference(text, rules_table(), RULES_START, RULES_END) == text, "run `python tests/update_docs.py`"


def test_the_reference_lists_the_allowed_values_of_every_enumeration():
    from designc.reference import allowed
    from designc.schema import COMPONENTS, EDGE, SYSTEM_PROPS

    text = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    for spec, key in (
        (EDGE, "fallback"),
        (COMPONENTS["service"], "exposure"),
        (EDGE, "auth"),
        (SYSTEM_PROPS, "profile"),
    ):
        values = allowed(spec.props[key])
        assert "`" in values and f"| `{key}` |" in text
        assert any(
            line.startswith(f"| `{key}` |") and line.rstrip().endswith(f"| {values} |") for line in text.splitlines()
        )
    fallback = allowed(EDGE.props["fallback"])
    assert fallback == "`queue`, `cache`, `stale`, `static`, `default`, `degrade`, `failover`"
    # and every other statement with a fixed set of values, in every block the reference shows
    from designc.schema import NETWORK, REGION_SPEC, REQUIREMENTS

    rows = set(text.splitlines())
    seen: set[int] = set()
    todo = [SYSTEM_PROPS, REQUIREMENTS, NETWORK, REGION_SPEC, EDGE, *COMPONENTS.values()]
    missing = []
    while todo:
        spec = todo.pop()
        if id(spec) in seen or spec.free:
            continue
        seen.add(id(spec))
        for prop in spec.props.values():
            values = allowed(prop)
            if values and not any(r.startswith(f"| `{prop.key}` |") and r.endswith(f"| {values} |") for r in rows):
                missing.append(f"{spec.name}.{prop.key}")
            if prop.block is not None:
                todo.append(prop.block)
    assert missing == []


def test_the_tour_design_checks_clean(tmp_path: Path):
    blocks = re.findall(r"```design\n(.*?)```", (ROOT / "docs" / "language.md").read_text(encoding="utf-8"), flags=re.S)
    tour = next(b for b in blocks if b.startswith('import "stdlib/aws"'))
    p = tmp_path / "tour.design"
    p.write_text(tour)
    r = check([p])  # the language and the design rules: the page says it checks clean
    assert r.diagnostics == [], [(d.code, d.message) for d in r.diagnostics]


def test_the_docs_list_every_diagnostic_code():
    from designc.analysis.rule import all_rules
    from designc.diagnostics import REGISTRY

    all_rules()  # registers the rules' codes too
    text = "".join(p.read_text(encoding="utf-8") for p in PAGES)
    assert [c for c in REGISTRY if f"| `{c}` |" not in text] == []


def test_the_readme_is_a_front_page():
    """What a newcomer needs on one or two screens; the manual is in docs/, and the README links every page."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 80 and len(text) <= 6000
    linked = set(re.findall(r"\]\(docs/([a-z-]+\.md)\)", text))
    pages = {p.name for p in (ROOT / "docs").glob("*.md")} - {"design-review.md"}  # linked from review.md
    assert pages <= linked, pages - linked
