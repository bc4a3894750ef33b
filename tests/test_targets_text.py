"""Every target with hostile text: titles, descriptions, reasons and tags full of the characters that Markdown,
Mermaid, DOT, SVG and HTML give a meaning to. Each output must still pass its ecosystem's own validator and
show the text as text."""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

import pytest

from conftest import run_designc
from validators import dot_available, markdown_problems, mermaid_errors, require, svg_problems

NASTY = [
    '"quoted"',
    "it's",
    "a | pipe",
    "`tick`",
    "**stars**",
    "[link](javascript:alert(1))",
    "<script>alert(1)</script>",
    "&amp; &",
    "#hash;",
    "end",
    "graph TD",
    "{brace}",
    "(paren)",
    "back\\\\slash",
    "ünïcødé ✓",
    "> quote",
    "- dash",
    "100%",
    "-->",
    "%% comment",
]


def text(rnd: random.Random) -> str:
    return " ".join(rnd.sample(NASTY, 3)).replace('"', '\\"')


def design(seed: int) -> str:
    rnd = random.Random(seed)
    n = rnd.randint(3, 9)
    names = [f"svc_{i}" for i in range(n)]
    lines = [f'system odd_{seed} "{text(rnd)}" {{', f'  description "{text(rnd)}"', "  region eu { zones [a, b] }"]
    lines.append(f'  client user "{text(rnd)}" {{ calls svc_0 {{ protocol https }} }}')
    for i, name in enumerate(names):
        lines.append(f'  service {name} "{text(rnd)}" {{')
        lines.append(f'    description "{text(rnd)}"')
        lines.append(f'    technology "{text(rnd)}" because "{text(rnd)}"')
        lines.append(f'    owner "{text(rnd)}"')
        lines.append("    replicas 2")
        for j in rnd.sample(range(i + 1, n), k=min(2, n - i - 1)):
            lines.append(f'    calls svc_{j} {{ timeout {rnd.randint(10, 300)}ms; description "{text(rnd)}" }}')
        if rnd.random() < 0.5:
            lines.append(f'    writes db {{ timeout 20ms; because "{text(rnd)}" }}')
        lines.append("  }")
    lines.append(f'  store db "{text(rnd)}" {{ engine postgres; description "{text(rnd)}" }}')
    lines.append(f'  view odd "{text(rnd)}" {{ description "{text(rnd)}"; include [svc_0, db]; neighbours on }}')
    lines.append("}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("odd")
    for seed in range(6):
        (root / f"odd_{seed}").mkdir()
        (root / f"odd_{seed}" / "odd.design").write_text(design(seed), encoding="utf-8")
    out = root / "out"
    targets = "markdown,mermaid,dot,html" + (",svg" if dot_available() else "")
    paths = [str(root / f"odd_{seed}" / "odd.design") for seed in range(6)]
    r = run_designc("build", *paths, "-t", targets, "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    return out


def test_markdown_stays_well_formed(built: Path):
    docs = sorted(built.rglob("design.md"))
    assert len(docs) == 6
    for doc in docs:
        text = doc.read_text(encoding="utf-8")
        assert markdown_problems(text, folder=doc.parent) == [], doc
        from markdown_it import MarkdownIt

        html = MarkdownIt("commonmark").enable("table").render(text)
        assert "<script>" not in html and 'href="javascript' not in html
        assert "**stars**" in html or "**stars**" not in "".join(NASTY)  # the design's stars stay stars


def test_mermaid_parses(built: Path):
    assert mermaid_errors(sorted(built.rglob("*.mmd"))) == {}


def test_dot_renders_and_svg_is_well_formed(built: Path):
    if not dot_available():
        require("dot", "DOT is checked by rendering it with Graphviz")
    for src in sorted(built.rglob("*.dot")):
        proc = subprocess.run(["dot", "-Tsvg", str(src)], capture_output=True, check=False)
        assert proc.returncode == 0, (src, proc.stderr)
        assert svg_problems(proc.stdout) == [], src
    for svg in sorted(built.rglob("*.svg")):
        assert svg_problems(svg.read_bytes()) == [], svg


def test_html_shows_text_as_text(built: Path):
    for page in sorted(built.rglob("design.html")):
        html = page.read_text(encoding="utf-8")
        assert "<script>alert(1)</script>" not in html
        assert 'href="javascript' not in html
        assert html.count("<script") == 2  # the page's data and its own code, nothing injected
        assert "<!--" not in html.split('id="ui-data">', 1)[1].split("</script>", 1)[0]


@pytest.mark.parametrize(
    "design", ["real/writeup_aws_scaling.design", "url_shortener.design", "chat.design", "flawed/budgets.design"]
)
def test_the_document_and_the_page_give_the_rules_verdict_on_every_objective(design):
    """One verdict everywhere: what `check` concludes of an entrypoint's objectives (per flow where flows enter)
    is what the document and the page say, never the all-dependencies figure's own comparison."""
    from designc.analysis.graph import Graph
    from designc.driver import check
    from designc.targets import html

    from conftest import EXAMPLES

    result = check([EXAMPLES / design])
    model = result.designs[0].model
    g = Graph(model)
    for ep in g.entrypoints:
        av, lv = g.availability_verdict(ep), g.latency_verdict(ep)
        b = html.budget(g, ep)
        assert b is not None and b["availability_meets"] is av.met and b["latency_meets"] is lv.met
        named = [d for d in result.diagnostics if d.code in ("AVL001", "LAT001") and f"`{ep}`" in d.message]
        assert (av.met is False or lv.met is False) == bool(named), (ep, [d.message for d in named])
