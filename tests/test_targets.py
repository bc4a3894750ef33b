"""The document and diagram targets as a user meets them: `designc build -t markdown,dot,svg,png,mermaid`.

Golden files (tests/golden/targets, written by `python tests/update_goldens.py` and reviewed by reading them)
pin the Markdown, Mermaid and DOT of every example; the ecosystem's own tools check the rest: CommonMark with
no broken links (markdown-it-py), well-formed SVG (rendered by Graphviz), Mermaid's own parser under Node.
"""

from __future__ import annotations

import itertools
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, MINIMAL, ROOT, run_designc
from update_goldens import GOLDEN, GOLDEN_DESIGNS, build_targets, golden_files
from validators import dot_available, markdown_problems, mermaid_errors, require, svg_problems

EXAMPLE_DESIGNS = [EXAMPLES / "payments.design", EXAMPLES / "url_shortener.design", EXAMPLES / "chat.design"]


@pytest.mark.parametrize("design", GOLDEN_DESIGNS, ids=lambda p: p.stem)
def test_markdown_mermaid_and_dot_match_the_reviewed_goldens(design: Path, tmp_path: Path):
    r = build_targets(design, tmp_path)
    assert r.returncode == 0, r.stderr
    got = golden_files(tmp_path)
    want = {
        p.relative_to(GOLDEN / design.stem).as_posix(): p.read_bytes()
        for p in sorted((GOLDEN / design.stem).rglob("*"))
        if p.is_file()
    }
    assert sorted(got) == sorted(want)
    for rel in want:
        assert got[rel] == want[rel], f"{rel} differs from its golden; run tests/update_goldens.py and read the diff"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every example built with every document and diagram target."""
    if not dot_available():
        require("dot", "the svg and png targets render with Graphviz's dot")
    out = tmp_path_factory.mktemp("built")
    r = run_designc("build", *map(str, EXAMPLE_DESIGNS), "-t", "markdown,dot,svg,png,mermaid", "-o", str(out))
    assert r.returncode == 0, r.stderr
    return out


def test_every_view_is_written_by_every_diagram_target(built: Path):
    for system in ("payments", "shortener", "chat"):
        diagrams = built / system / "diagrams"
        stems = {p.stem for p in diagrams.glob("*.dot")}
        assert {"context", "container"} <= stems
        assert any(s.startswith("deployment-") for s in stems)
        assert any(s.startswith("entrypoint-") for s in stems)
        for ext in ("svg", "png", "mmd"):
            assert {p.stem for p in diagrams.glob(f"*.{ext}")} == stems, (system, ext)
    assert (built / "payments" / "diagrams" / "view-checkout.svg").is_file()  # the design's own view


def test_markdown_is_commonmark_with_no_broken_links(built: Path):
    for system in ("payments", "shortener", "chat"):
        doc = built / system / "design.md"
        problems = markdown_problems(doc.read_text(encoding="utf-8"), folder=doc.parent)
        assert problems == [], (system, problems)


def test_document_follows_the_review_order_and_says_what_is_not_stated(built: Path):
    text = (built / "payments" / "design.md").read_text(encoding="utf-8")
    order = [
        "## Overview and requirements",
        "## Architecture",
        "## Components",
        "## Data architecture",
        "## Data flow and communication",
        "## Scaling and reliability",
        "## Technology choices",
        "## Open findings",
    ]
    positions = [text.index(h) for h in order]
    assert positions == sorted(positions)
    assert "```mermaid" in text and "(diagrams/container.svg)" in text
    # what the payments design leaves out is said, not skipped: no degradation is declared for `auth`
    auth = text[text.index("### auth: Merchant authentication") :]
    assert "**Degrades to**: not stated" in auth[: auth.index("\n### ")]
    assert "| Durability | 99.999999999% |" in text  # every nine the design wrote
    assert "mature L7 proxy with native circuit breaking" in text.split("## Technology choices")[1]


def test_svgs_are_well_formed_and_mark_findings(tmp_path: Path):
    if not dot_available():
        require("dot", "the svg target renders with Graphviz's dot")
    design = EXAMPLES / "flawed" / "single_points.design"
    r = run_designc("build", str(design), "-t", "svg", "-o", str(tmp_path))
    assert r.returncode == 0, r.stderr
    svgs = sorted((tmp_path / "shop" / "diagrams").glob("*.svg"))
    assert svgs
    for svg in svgs:
        assert svg_problems(svg.read_bytes()) == [], svg.name
    import xml.etree.ElementTree as ET

    root = ET.parse(tmp_path / "shop" / "diagrams" / "container.svg").getroot()
    node = next(g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("id") == "node_products")
    # the store that loses its data with its region is drawn in the error colour, its code in the tooltip
    assert any(el.get("stroke") == "#dc2626" for el in node.iter())
    titles = [v for el in node.iter() for k, v in el.attrib.items() if k.endswith("title")]
    assert any("DR001" in t for t in titles)
    assert "severity-error" in (node.get("class") or "")


def test_mermaid_parses_with_mermaids_own_parser(built: Path):
    files = sorted(built.rglob("*.mmd"))
    assert len(files) >= 15
    assert mermaid_errors(files) == {}


def test_mermaid_escapes_labels_and_keyword_names(tmp_path: Path):
    design = tmp_path / "odd.design"
    design.write_text(
        'system odd "Quotes \\" and #hash; <b>tags</b> & [brackets] | pipes" {\n'
        "  region eu { zones [a, b] }\n"
        '  service end "end; graph TD" { replicas 2; exposure public; calls graph { timeout 100ms } }\n'
        '  service graph "style" { replicas 2; calls subgraph { timeout 50ms } }\n'
        '  store subgraph "class \\"x\\"" { engine postgres }\n'
        "}\n",
        encoding="utf-8",
    )
    r = run_designc("build", str(design), "-t", "mermaid,markdown", "-o", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    files = sorted((tmp_path / "out").rglob("*.mmd"))
    text = (tmp_path / "out" / "odd" / "diagrams" / "container.mmd").read_text(encoding="utf-8")
    assert "n_end" in text and "#34;" in text
    assert mermaid_errors(files) == {}
    doc = (tmp_path / "out" / "odd" / "design.md").read_text(encoding="utf-8")
    assert markdown_problems(doc, folder=tmp_path / "out" / "odd") == []


def test_builds_are_byte_identical_whatever_the_hash_seed(tmp_path: Path):
    targets = "markdown,dot,mermaid,json" + (",svg" if dot_available() else "")
    outs = []
    for seed in ("1", "4242"):
        out = tmp_path / seed
        r = run_designc(
            "build", *map(str, EXAMPLE_DESIGNS), "-t", targets, "-o", str(out), env={"PYTHONHASHSEED": seed}
        )
        assert r.returncode == 0, r.stderr
        outs.append(golden_files(out))
    assert sorted(outs[0]) == sorted(outs[1])
    for rel in outs[0]:
        assert outs[0][rel] == outs[1][rel], rel


def test_check_writes_nothing_and_says_what_would_change(tmp_path: Path):
    design = tmp_path / "src" / "shop.design"
    design.parent.mkdir()
    design.write_text(MINIMAL, encoding="utf-8")
    out = tmp_path / "docs"
    r = run_designc("build", str(design), "-t", "markdown,mermaid", "-o", str(out), "--check")
    assert r.returncode == 1 and "would create" in r.stderr and not out.exists()
    assert run_designc("build", str(design), "-t", "markdown,mermaid", "-o", str(out)).returncode == 0
    r = run_designc("build", str(design), "-t", "markdown,mermaid", "-o", str(out), "--check")
    assert r.returncode == 0 and "up to date" in r.stderr
    before = golden_files(out)
    design.write_text(MINIMAL.replace("replicas 2", "replicas 3"), encoding="utf-8")
    r = run_designc("build", str(design), "-t", "markdown,mermaid", "-o", str(out), "--check")
    assert r.returncode == 1
    assert f"would change {(out / 'shop' / 'design.md').as_posix()}" in r.stderr
    assert golden_files(out) == before  # nothing written


def test_files_a_build_no_longer_makes_are_removed_and_nothing_else(tmp_path: Path):
    design = tmp_path / "shop.design"
    with_view = MINIMAL.replace("  store db", "  view data { include kind store }\n  store db")
    design.write_text(with_view, encoding="utf-8")
    out = tmp_path / "out"
    assert run_designc("build", str(design), "-t", "mermaid", "-o", str(out)).returncode == 0
    assert run_designc("build", str(design), "-t", "json", "-o", str(out)).returncode == 0
    mine = out / "shop" / "diagrams" / "notes.mmd"
    mine.write_text("flowchart LR\n  a --> b\n", encoding="utf-8")  # the user's own file
    assert (out / "shop" / "diagrams" / "view-data.mmd").is_file()
    design.write_text(MINIMAL, encoding="utf-8")
    r = run_designc("build", str(design), "-t", "mermaid", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "removed" in r.stderr and not (out / "shop" / "diagrams" / "view-data.mmd").exists()
    assert mine.is_file() and (out / "shop" / "model.json").is_file()  # not made by this target: kept


def test_language_errors_build_nothing(tmp_path: Path):
    design = tmp_path / "shop.design"
    design.write_text(MINIMAL.replace("calls db", "calls dbx"), encoding="utf-8")
    r = run_designc("build", str(design), "-t", "markdown,mermaid", "-o", str(tmp_path / "out"))
    assert r.returncode == 1 and "nothing was written" in r.stderr and "REF001" in r.stderr
    assert not (tmp_path / "out").exists()


def test_findings_are_documented_but_stop_json_unless_allowed(tmp_path: Path):
    design = EXAMPLES / "flawed" / "single_points.design"
    r = run_designc("build", str(design), "-t", "markdown", "-o", str(tmp_path / "a"))
    assert r.returncode == 0, r.stderr
    assert "open findings (2 errors)" in r.stderr
    assert "\r" not in r.stderr and "\x1b" not in r.stderr  # piped: no progress line, no colour
    r = run_designc("build", str(design), "-t", "mermaid", "-o", str(tmp_path / "d"))
    assert "`designc check` lists them" in r.stderr and "end of the document" not in r.stderr  # no document here
    doc = (tmp_path / "a" / "shop" / "design.md").read_text(encoding="utf-8")
    assert "| `SPOF005` | error |" in doc
    r = run_designc("build", str(design), "-t", "markdown,json", "-o", str(tmp_path / "b"))
    assert r.returncode == 1 and "--allow-findings" in r.stderr and not (tmp_path / "b").exists()
    r = run_designc("build", str(design), "-t", "json", "-o", str(tmp_path / "c"), "--allow-findings")
    assert r.returncode == 0 and (tmp_path / "c" / "shop" / "model.json").is_file()


def test_the_document_never_gives_an_availability_nothing_states(tmp_path: Path):
    """An entrypoint whose path states no figure is "unknown", not 100%; one with some figures missing is a
    bound ("at most"), as `designc report` says."""
    design = tmp_path / "s.design"
    design.write_text(
        "system s {\n  region r { zones [a, b] }\n  client u { calls dns; calls api { timeout 1s } }\n"
        "  external dns\n  service api { replicas 2; reads db { timeout 50ms } }\n"
        "  store db { engine postgres; replication sync { replicas 2 }; placement r [a, b] }\n}\n",
        encoding="utf-8",
    )
    r = run_designc("build", str(design), "-t", "markdown", "-o", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    doc = (tmp_path / "out" / "s" / "design.md").read_text(encoding="utf-8")
    rows = [line for line in doc.splitlines() if line.startswith("| Availability its hard dependencies allow")]
    assert rows == [
        "| Availability its hard dependencies allow | unknown: no component on the path states a figure |",
        "| Availability its hard dependencies allow | at most 99.9975% (at least 1.1 min of downtime per 30 days; "
        "1 state no figure) |",
    ]


def test_the_document_gives_asynchronous_read_replicas_as_eventual_not_their_engines_default(tmp_path: Path):
    design = tmp_path / "s.design"
    design.write_text(
        "system s {\n  region r { zones [a, b] }\n  client u { calls api { timeout 1s } }\n"
        "  service api { replicas 2; writes db { timeout 50ms }; reads db_ro { timeout 50ms } }\n"
        "  store db { engine mysql; replication async { replicas 2 } }\n"
        "  store db_ro { engine mysql; replica_of db; replicas 2 }\n}\n",
        encoding="utf-8",
    )
    r = run_designc("build", str(design), "-t", "markdown", "-o", str(tmp_path / "out"), "--allow-findings")
    assert r.returncode == 0, r.stderr
    doc = (tmp_path / "out" / "s" / "design.md").read_text(encoding="utf-8")
    row = next(line for line in doc.splitlines() if line.startswith("| [`db_ro`]") and "| store | MySQL |" in line)
    assert "| eventual (asynchronous read replicas of db) | async from db, 2 copies |" in row
    assert "- **Consistency**: eventual (asynchronous read replicas of db)" in doc
    primary = next(line for line in doc.splitlines() if line.startswith("| [`db`]") and "| store | MySQL |" in line)
    assert "| linearizable | async, 2 copies |" in primary  # the primary keeps its engine's stance


def test_the_document_says_a_single_copy_and_the_owner_components_inherit(tmp_path: Path):
    """A store with `replicas 1` and no replication is "a single copy" (it said "not stated (1 copies)"); a
    component that states no owner is the system's (it said "not stated" under a system's `owner`): said once
    when none states its own, and per component, marked inherited, when some do."""
    design = tmp_path / "s.design"
    text = (
        'system s {\n  owner "media-platform"\n  region r { zones [a, b] }\n'
        "  client u { calls api { timeout 1s } }\n"
        "  service api { replicas 2; OWNER writes db { timeout 50ms } }\n"
        '  store db { engine postgres; replicas 1 }\n  external moderation { provider "ModerateCo" }\n}\n'
    )
    design.write_text(text.replace("OWNER ", ""), encoding="utf-8")
    r = run_designc("build", str(design), "-t", "markdown", "-o", str(tmp_path / "out"), "--allow-findings")
    assert r.returncode == 0, r.stderr
    doc = (tmp_path / "out" / "s" / "design.md").read_text(encoding="utf-8")
    assert "copies)" not in doc and "- **Replication**: none: a single copy (replicas 1)" in doc
    assert "| Component | Kind | Responsibility | Technology |\n" in doc and "- **Owner**: not stated" not in doc
    assert "Every component inside the system is owned by the system's owner, media-platform" in doc
    design.write_text(text.replace("OWNER ", 'owner "api-team"; '), encoding="utf-8")
    r = run_designc("build", str(design), "-t", "markdown", "-o", str(tmp_path / "out"), "--allow-findings")
    assert r.returncode == 0, r.stderr
    doc = (tmp_path / "out" / "s" / "design.md").read_text(encoding="utf-8")
    lines = doc.splitlines()
    start = lines.index("| Component | Kind | Responsibility | Technology | Owner |") + 2
    table = itertools.takewhile(lambda line: line.startswith("|"), lines[start:])
    rows = {line.split("`")[1]: line.rsplit("|", 2)[1].strip() for line in table}
    assert rows["api"] == "api-team" and rows["db"] == "media-platform (the system's)"
    assert rows["u"] == "not stated" and rows["moderation"] == "ModerateCo (its provider)"


def test_the_document_places_fewer_copies_than_zones_in_some_of_them(tmp_path: Path):
    """A single-instance store in a region of three zones was placed "(zones a, b, c)", as if it spread over
    them; a component whose replicas (at most) are fewer than its zones says so; one with more, or none stated,
    keeps the zones alone."""
    design = tmp_path / "s.design"
    design.write_text(
        "system s {\n  region r { zones [a, b, c] }\n"
        "  service api { replicas 3..6; writes db { timeout 50ms }; calls worker { timeout 1s } }\n"
        "  service worker { replicas 2 }\n  store db { engine postgres; replicas 1 }\n}\n",
        encoding="utf-8",
    )
    r = run_designc("build", str(design), "-t", "markdown", "-o", str(tmp_path / "out"), "--allow-findings")
    assert r.returncode == 0, r.stderr
    doc = (tmp_path / "out" / "s" / "design.md").read_text(encoding="utf-8")
    placement = {
        head.split(":")[0]: next(line for line in body.splitlines() if line.startswith("- **Placement**"))
        for head, body in (part.split("\n", 1) for part in doc.split("\n### ")[1:])
        if "- **Placement**" in body
    }
    assert placement["db"].startswith("- **Placement**: r (one instance, in one of zones a, b, c)")
    assert placement["worker"].startswith("- **Placement**: r (2 instances, in 2 of zones a, b, c)")
    assert placement["api"].startswith("- **Placement**: r (zones a, b, c)")


def test_suppressed_findings_are_listed_with_their_reasons(tmp_path: Path):
    design = tmp_path / "shop.design"
    text = MINIMAL.replace("replicas 2", "replicas 1; exposure public").replace(
        "  service api {", "  service api {  # designc: ignore[SPOF001] a demo shop; an outage is fine"
    )
    design.write_text(text, encoding="utf-8")
    r = run_designc("build", str(design), "-t", "markdown", "-o", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    doc = (tmp_path / "out" / "shop" / "design.md").read_text(encoding="utf-8")
    section = doc[doc.index("### Suppressed findings") :]
    assert "`SPOF001`" in section and "a demo shop; an outage is fine" in section


def _build_without_dot(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`designc build` on a PATH where Graphviz's `dot` cannot be found. The interpreter is named by its full
    path (a copy or link of it elsewhere would leave a virtual environment and import another designc)."""
    bindir = tmp_path / "bin"
    bindir.mkdir(exist_ok=True)
    return subprocess.run(
        [sys.executable, "-m", "designc", "build", *args],
        env={"PATH": str(bindir), "NO_COLOR": "1", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )


def test_without_dot_svg_says_how_to_install_it_and_writes_the_dot_files(tmp_path: Path):
    out = tmp_path / "out"
    r = _build_without_dot(tmp_path, str(EXAMPLES / "payments.design"), "-t", "svg,markdown", "-o", str(out))
    assert r.returncode == 1
    assert "apt-get install graphviz" in r.stderr and "Traceback" not in r.stderr
    assert (out / "payments" / "diagrams" / "container.dot").is_file()
    assert not list(out.rglob("*.svg"))
    assert "diagrams/container.svg" not in (out / "payments" / "design.md").read_text(encoding="utf-8")


def test_a_build_without_dot_keeps_the_svgs_an_earlier_build_made(tmp_path: Path):
    if not dot_available():
        require("dot", "the first build renders the SVGs")
    out = tmp_path / "out"
    assert run_designc("build", str(EXAMPLES / "payments.design"), "-t", "svg", "-o", str(out)).returncode == 0
    before = {p.name: p.read_bytes() for p in out.rglob("*.svg")}
    assert before
    r = _build_without_dot(tmp_path, str(EXAMPLES / "payments.design"), "-t", "svg", "-o", str(out))
    assert r.returncode == 1 and "removed" not in r.stderr
    assert {p.name: p.read_bytes() for p in out.rglob("*.svg")} == before


def test_pruning_spares_what_another_target_still_claims(tmp_path: Path):
    out = tmp_path / "out"
    design = str(EXAMPLES / "payments.design")
    assert _build_without_dot(tmp_path, design, "-t", "dot,svg", "-o", str(out)).returncode == 1
    dots = sorted(p.name for p in out.rglob("*.dot"))
    assert dots
    if dot_available():
        assert run_designc("build", design, "-t", "svg", "-o", str(out)).returncode == 0
    assert sorted(p.name for p in out.rglob("*.dot")) == dots  # still the dot target's
    assert run_designc("build", design, "-t", "dot", "-o", str(out), "--check").returncode == 0


def test_views_whose_names_differ_only_in_case_get_their_own_files(tmp_path: Path):
    design = tmp_path / "shop.design"
    design.write_text(
        MINIMAL.replace(
            "  store db", '  view Data { include kind store }\n  view data "Also data" { include all }\n  store db'
        ),
        encoding="utf-8",
    )
    r = run_designc("build", str(design), "-t", "mermaid", "-o", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    names = sorted(p.name for p in (tmp_path / "out" / "shop" / "diagrams").glob("view-*.mmd"))
    assert names == ["view-data-2.mmd", "view-data.mmd"]


def test_two_designs_of_one_system_are_not_built_over_each_other(tmp_path: Path):
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "shop.design").write_text(MINIMAL, encoding="utf-8")
    r = run_designc("build", str(tmp_path / "a"), str(tmp_path / "b"), "-t", "markdown", "-o", str(tmp_path / "out"))
    assert r.returncode == 2 and "two designs declare system `shop`" in r.stderr
    assert not (tmp_path / "out").exists()


def test_templates_can_be_overridden_and_their_mistakes_are_located(tmp_path: Path):
    tdir = tmp_path / "templates" / "markdown"
    tdir.mkdir(parents=True)
    out = tmp_path / "out"

    def build(template: str) -> subprocess.CompletedProcess[str]:
        (tdir / "document.md.j2").write_text(template, encoding="utf-8")
        args = [str(EXAMPLES / "payments.design"), "-t", "markdown", "-o", str(out)]
        return run_designc("build", *args, "--templates", str(tmp_path / "templates"))

    r = build("# {{ doc.title }}\n{% for s in doc.sections %}- {{ s.title }}\n{% endfor %}")
    assert r.returncode == 0, r.stderr
    text = (out / "payments" / "design.md").read_text(encoding="utf-8")
    assert text.startswith("# Card payment processing: design\n- Overview and requirements\n")
    before = golden_files(out)
    r = build("# {{ doc.title }}\n\n{% for s in doc.sections %}\n")
    assert r.returncode == 1 and "document.md.j2:3" in r.stderr and "Traceback" not in r.stderr
    assert golden_files(out) == before  # a failed build leaves earlier output intact
    r = build("{{ doc.no_such_field }}")
    assert r.returncode == 1 and "no_such_field" in r.stderr and "Traceback" not in r.stderr


def test_targets_command_lists_every_target():
    r = run_designc("targets")
    assert r.returncode == 0
    names = [line.split()[0] for line in r.stdout.splitlines()]
    assert {"markdown", "dot", "svg", "png", "mermaid", "json"} <= set(names)


def test_unknown_target_in_a_comma_list(tmp_path: Path):
    r = run_designc("build", "examples/payments.design", "-t", "markdown,mermad", "-o", str(tmp_path / "never"))
    assert r.returncode == 2 and "did you mean `mermaid`?" in r.stderr
    assert not (tmp_path / "never").exists()


def test_dot_sources_render_with_graphviz(built: Path):
    dot = shutil.which("dot")
    assert dot is not None
    for src in sorted((built / "payments" / "diagrams").glob("*.dot")):
        proc = subprocess.run([dot, "-Tsvg", str(src)], capture_output=True, check=False)
        assert proc.returncode == 0, (src.name, proc.stderr)
        assert svg_problems(proc.stdout) == []


def test_readme_links_and_pictures_resolve():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert markdown_problems(text, folder=ROOT) == []
    assert "](docs/payments-container.svg)" in text and "](docs/payments-html.png)" in text
    assert svg_problems((ROOT / "docs" / "payments-container.svg").read_bytes()) == []


def test_large_views_group_edges_the_same_with_and_without_numpy(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Large views of large designs group their edges with numpy, others in pure Python: both ways give the same
    views."""
    sys.path.insert(0, str(ROOT / "bench"))
    import generate

    from designc.driver import check
    from designc.targets import _views
    from designc.targets_registry import Build

    design = tmp_path / "big.design"
    design.write_text("\n".join(generate.services(300)) + "\n", encoding="utf-8")
    d = check([design]).designs[0]
    made = []
    for vector_from in (10**9, 0):
        monkeypatch.setattr(_views, "VECTOR_FROM", vector_from)
        monkeypatch.setattr(_views, "VECTOR_EDGES", vector_from)
        made.append(_views.views(Build(d.model, findings=[x for x in d.diagnostics if x.fingerprint])))
    python_views, numpy_views = made
    assert len(python_views) > 20 and any(v.collapsed for v in python_views)
    assert any(len(v.edges) == _views.MAX_EDGES for v in python_views)  # the heaviest links only
    assert python_views == numpy_views
    # every component of the design is in exactly one group view
    grouped = [n.component for v in python_views if v.kind == "group" for n in v.nodes if not n.outside]
    assert sorted(grouped) == sorted(c.name for c in d.model.components if c.kind in _views.INTERNAL)


def test_targets_built_side_by_side_write_what_they_write_one_by_one(monkeypatch: pytest.MonkeyPatch):
    """A large design builds its targets in forked processes: the files and the problems must be the same."""
    from designc import targets_registry as reg
    from designc.driver import check

    d = check([EXAMPLES / "payments.design"]).designs[0]

    def build() -> Any:
        return reg.Build(d.model, findings=[x for x in d.diagnostics if x.fingerprint], targets=("dot",))

    names = ["kubernetes", "slo", "mermaid", "markdown", "json"]
    one_by_one = reg.generate_many(names, build())
    monkeypatch.setattr(reg, "PARALLEL_FROM", 0)
    side_by_side = reg.generate_many(names, build())
    assert [n for n, _, _ in side_by_side] == names
    assert side_by_side == one_by_one


def test_an_entrypoint_with_many_dependencies_draws_its_chain_and_direct_ones(tmp_path: Path):
    """An entrypoint that waits on more than MAX_NODES components draws itself, its worst latency chain (bold,
    every link) and its direct dependencies; each box says how many of its own dependencies are left out, and
    the budgets still count every dependency."""
    sys.path.insert(0, str(ROOT / "bench"))
    import generate

    from designc.driver import check
    from designc.targets import _views
    from designc.targets_registry import Build

    design = tmp_path / "big.design"
    design.write_text("\n".join(generate.services(300)) + "\n", encoding="utf-8")
    d = check([design]).designs[0]
    build = Build(d.model, findings=[x for x in d.diagnostics if x.fingerprint])
    g = build.graph
    focused = 0
    for v in _views.views(build):
        if v.kind != "entrypoint":
            continue
        ep = v.chain[0]
        assert not v.collapsed and all(n.kind != "group" for n in v.nodes)
        drawn = {n.component for n in v.nodes}
        if not any(f.startswith("Drawn:") for f in v.facts):
            continue
        focused += 1
        direct = {e.target for e in g.sync_out[ep]}
        assert set(v.chain) <= drawn and (direct <= drawn or len(direct) > _views.MAX_NODES // 2)
        bold = {(e.source, e.target) for e in v.edges if e.bold}
        assert bold == set(zip(v.chain, v.chain[1:], strict=False))
        kinds = {c.name: c.kind for c in d.model.components}
        assert all(e.source == ep or e.bold or kinds[e.source] == "client" for e in v.edges)
        for n in v.nodes:
            hidden = {e.target for e in g.sync_out.get(n.component or "", [])} - drawn
            assert (f"+{len(hidden)} not drawn" in n.badge) == bool(hidden), (v.id, n.id, n.badge)
        assert any("hard dependencies allow" in f for f in v.facts)
    assert focused > 5
