"""The `html` target: one self-contained page per system, checked in a real browser (Debian's chromium through
playwright, offline), and the pure-Python layout it draws its diagrams with."""

from __future__ import annotations

import os
import random
import re
from pathlib import Path
from typing import Any

import pytest

from designc.targets import _layout
from designc.targets._document import Bullets, Diagram, Document, Para, Section, Table
from designc.targets._views import Cluster, Edge, Node, View

from conftest import EXAMPLES, ROOT, run_designc
from validators import browser_page

CLEAN = ["payments", "url_shortener", "chat"]
FLAWED = EXAMPLES / "flawed" / "single_points.design"


def build_html(design: Path, out: Path, *extra: str, env: dict[str, str] | None = None) -> Path:
    done = run_designc("build", str(design), "-t", "html", "-o", str(out), *extra, env=env)
    assert done.returncode == 0, done.stderr
    pages = sorted(out.glob("*/design.html"))
    assert len(pages) == 1, pages
    return pages[0]


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("html")
    built = {name: build_html(EXAMPLES / f"{name}.design", root / name) for name in CLEAN}
    built["flawed"] = build_html(FLAWED, root / "flawed")
    return built


# --- the page in a browser -------------------------------------------------------------------------------------------


def active_view(page: Any) -> str:
    return page.eval_on_selector(".view-pane.active", "el => el.dataset.view")


@pytest.mark.parametrize("name", CLEAN)
def test_page_works_offline_in_a_browser(name: str, pages: dict[str, Path], tmp_path: Path) -> None:
    with browser_page() as page:
        page.set_viewport_size({"width": 1440, "height": 900})
        page.goto(pages[name].as_uri())
        page.wait_for_selector(".view-pane.active svg")

        # clicking a component in the diagram shows its panel
        first = page.locator(".view-pane.active .node.kind-service[data-component]").first
        component = first.get_attribute("data-component")
        assert component
        first.click()
        panel = page.locator("#ui-panel-body")
        assert component in panel.inner_text() or (first.inner_text().split("\n")[0] in panel.inner_text())
        assert page.locator(f'.view-pane.active .node.selected[data-component="{component}"]').count() >= 1
        assert "Properties" in panel.inner_text() or "PROPERTIES" in panel.inner_text()

        # switching a view shows a different diagram
        before = active_view(page)
        other = page.locator(f'.view-link:not([data-view="{before}"])').first
        target = other.get_attribute("data-view")
        other.click()
        assert active_view(page) == target != before
        assert page.locator(f'.view-pane[data-view="{target}"] svg').is_visible()
        assert not page.locator(f'.view-pane[data-view="{before}"]').is_visible()
        assert page.inner_text("#ui-view-title") != ""

        # zoom buttons change the diagram's transform
        pan = page.locator(".view-pane.active .pan")
        was = pan.evaluate("el => el.style.transform")
        page.click('[data-zoom="in"]')
        assert pan.evaluate("el => el.style.transform") != was

        # searching a name lists it, and choosing it selects and centres it (switching views if needed)
        page.fill("#ui-search", component)
        results = page.locator("#ui-search-results li[data-component]")
        assert results.count() >= 1
        assert results.first.get_attribute("data-component") == component
        page.press("#ui-search", "Enter")
        assert page.locator(f'.view-pane.active .node.selected[data-component="{component}"]').count() >= 1
        assert component in page.inner_text("#ui-panel-body") or page.locator(".comp-title").count() == 1

        # the design document is on the page, its sections addressable by their anchors
        assert page.locator("#ui-document section.doc-section[id]").count() >= 3

        page.screenshot(path=str(tmp_path / f"{name}.png"))
        if name == "payments" and os.environ.get("DESIGNC_SCREENSHOT"):  # the README's picture
            page.set_viewport_size({"width": 1680, "height": 940})
            page.fill("#ui-search", "")
            page.click('.view-link[data-view="container"]')
            page.click('[data-zoom="fit"]')
            page.evaluate("window.designc.selectComponent('payments', true)")
            page.click('[data-zoom="in"]')
            page.evaluate("window.designc.selectComponent('payments', true)")  # centred again after the zoom
            page.mouse.move(0, 0)
            page.screenshot(path=os.environ["DESIGNC_SCREENSHOT"])
        assert page.errors == []  # type: ignore[attr-defined]
        assert page.blocked == []  # type: ignore[attr-defined]


# a view too wide for a first look at a readable zoom, its error at the far end: a chain of services, the last
# writing a store that prefers consistency in a system that prefers availability (CAP003, on the store)
WIDE = (
    "system wide {\n  region r { zones [a, b, c] }\n  requirements { partition prefer availability }\n"
    + "  service step_0 { replicas 3; exposure public; calls step_1 { timeout 900ms; protocol grpc } }\n"
    + "".join(
        f"  service step_{i} {{ replicas 3; calls step_{i + 1} {{ timeout {900 - 100 * i}ms; protocol grpc }} }}\n"
        for i in range(1, 7)
    )
    + "  service step_7 { replicas 3; writes ledger { timeout 50ms } }\n"
    + "  store ledger { engine postgres; replicas 1 }\n}\n"
)


def test_a_view_too_wide_to_show_whole_opens_with_its_flawed_components_in_sight(tmp_path: Path) -> None:
    src = tmp_path / "wide.design"
    src.write_text(WIDE, encoding="utf-8")
    page_path = build_html(src, tmp_path / "out", "--allow-findings")
    with browser_page() as page:
        page.set_viewport_size({"width": 1400, "height": 1000})
        page.goto(page_path.as_uri())
        page.wait_for_selector(".view-pane.active svg")
        canvas = page.locator(".view-pane.active").bounding_box()
        svg = page.locator(".view-pane.active svg").bounding_box()
        flawed = page.locator(".view-pane.active .node.sev-error")
        assert canvas is not None and svg is not None and flawed.count() >= 1
        assert svg["width"] > canvas["width"]  # the case: not all of it fits
        for i in range(flawed.count()):
            box = flawed.nth(i).bounding_box()
            assert box is not None
            assert canvas["x"] <= box["x"] and box["x"] + box["width"] <= canvas["x"] + canvas["width"]
        assert page.errors == []  # type: ignore[attr-defined]


def test_findings_filter_and_links(pages: dict[str, Path], tmp_path: Path) -> None:
    with browser_page() as page:
        page.set_viewport_size({"width": 1440, "height": 900})
        page.goto(pages["flawed"].as_uri())
        errors = page.locator("#ui-findings .finding[data-sev=error]")
        warnings = page.locator("#ui-findings .finding[data-sev=warning]")
        assert errors.count() >= 1 and warnings.count() >= 1
        assert errors.first.is_visible() and warnings.first.is_visible()

        page.click(".sev-toggle.sev-error")  # hide errors
        assert not errors.first.is_visible()
        assert warnings.first.is_visible()
        assert "of" in page.inner_text("#ui-findings-count")
        page.click(".sev-toggle.sev-warning")
        assert not warnings.first.is_visible()
        page.click(".sev-toggle.sev-error")
        assert errors.first.is_visible() and not warnings.first.is_visible()
        page.click(".sev-toggle.sev-warning")

        # a finding links to its component: the panel shows it, with the finding
        link = page.locator("#ui-findings .finding[data-sev=error] .comp-link").first
        name = link.get_attribute("data-component")
        code = page.locator("#ui-findings .finding[data-sev=error] .code").first.inner_text()
        link.click()
        panel = page.inner_text("#ui-panel-body")
        assert name in panel and code in panel
        assert page.locator(f'.view-pane.active .node.selected[data-component="{name}"]').count() >= 1
        # nodes with findings carry their severity
        assert page.locator(".view-pane .node.sev-error").count() >= 1
        page.screenshot(path=str(tmp_path / "flawed.png"))
        assert page.errors == []  # type: ignore[attr-defined]
        assert page.blocked == []  # type: ignore[attr-defined]


def test_entrypoint_panel_shows_budgets(pages: dict[str, Path]) -> None:
    with browser_page() as page:
        page.goto(pages["payments"].as_uri())
        page.evaluate("window.designc.selectComponent('api_gateway', true)")
        text = page.inner_text("#ui-panel-body")
        assert "Budgets" in text or "BUDGETS" in text
        assert "%" in text and "p99" in text
        assert page.errors == []  # type: ignore[attr-defined]


def test_page_is_self_contained(pages: dict[str, Path]) -> None:
    for page in pages.values():
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"""<(script|img|link|iframe)[^>]+(src|href)=["']?(https?:)?//""", html)
        assert "@import" not in html
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", html)
        # the JSON block cannot end the script early
        data = html.split('<script type="application/json" id="ui-data">', 1)[1].split("</script>", 1)[0]
        assert "</" not in data


def test_page_is_byte_identical_across_hash_seeds(tmp_path: Path) -> None:
    design = EXAMPLES / "payments.design"
    a = build_html(design, tmp_path / "a", env={"PYTHONHASHSEED": "1"}).read_bytes()
    b = build_html(design, tmp_path / "b", env={"PYTHONHASHSEED": "2"}).read_bytes()
    assert a == b


def test_templates_override_the_packaged_ones(tmp_path: Path) -> None:
    templates = tmp_path / "templates" / "html"
    templates.mkdir(parents=True)
    (templates / "style.css").write_text("/* house style */ body { background: #fafafa; }\n", encoding="utf-8")
    page = build_html(EXAMPLES / "url_shortener.design", tmp_path / "out", "--templates", str(tmp_path / "templates"))
    html = page.read_text(encoding="utf-8")
    assert "/* house style */" in html
    assert "designc design page" in html  # the packaged script is still there


def _build_of(path: Path) -> Any:
    from designc.driver import check
    from designc.targets_registry import Build

    result = check([path])
    design = result.designs[0]
    return Build(design.model, findings=[d for d in design.diagnostics if d.fingerprint], targets=("html",))


# --- rendering untrusted text ---------------------------------------------------------------------------------------


def nasty_view() -> View:
    nodes = [
        Node("a", 'Front <script>alert("x")</script>', "service", detail="a & b", component="a", cluster="sys"),
        Node("b", "Store 'q'", "store", component="b", cluster="sys", severity="error", codes=["X001"]),
        Node("c", "Partner ]]> <!--", "external", component="c", outside=True),
    ]
    edges = [Edge("a", "b", "sync", "calls", label="<grpc> 50ms"), Edge("a", "c", "async", "publishes", count=2)]
    return View(
        "container", "A <b>view</b>", "container", nodes=nodes, edges=edges, clusters=[Cluster("sys", "S&S", "system")]
    )


def test_svg_escapes_text_and_is_well_formed() -> None:
    import xml.etree.ElementTree as ET

    svg = _layout.render_svg(nasty_view())
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    texts = "".join(root.itertext())
    assert '<script>alert("x")</script>' in texts
    nodes = root.findall(".//{http://www.w3.org/2000/svg}g[@data-node]")
    assert [n.get("data-node") for n in nodes] == ["a", "b", "c"]
    assert nodes[0].get("data-component") == "a" and "kind-service" in nodes[0].get("class", "")
    assert "outside" in nodes[2].get("class", "") and "sev-error" in nodes[1].get("class", "")
    edges = root.findall(".//{http://www.w3.org/2000/svg}g[@data-source]")
    assert [(e.get("data-source"), e.get("data-target")) for e in edges] == [("a", "b"), ("a", "c")]


def test_document_inline_markup_is_safe() -> None:
    from designc.targets.html import inline, render_document

    html = str(inline("a <b>x</b> `<i>` **bold** [ok](#sec) [bad](javascript:alert(1)) [rel](diagrams/a.svg)"))
    assert "<b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
    assert "<code>&lt;i&gt;</code>" in html
    assert "<strong>bold</strong>" in html
    assert '<a href="#sec">ok</a>' in html
    assert '<a href="diagrams/a.svg">rel</a>' in html
    # a link whose text is code (every component link in the document)
    assert (
        str(inline("[`ledger`](#ledger-payments-ledger)"))
        == '<a href="#ledger-payments-ledger"><code>ledger</code></a>'
    )
    assert "javascript" not in html.split("[bad]")[0] and 'href="javascript' not in html
    doc = Document(
        "T",
        "sub",
        [
            Section(
                "One",
                "one",
                2,
                [
                    Para("p"),
                    Bullets(["x"]),
                    Table(["h"], [["<c>"]]),
                    Diagram("container", "cap"),
                    Section("Two", "two", 3, []),
                ],
            )
        ],
    )
    out = str(render_document(doc, lambda view: "<svg></svg>" if view == "container" else ""))
    assert 'id="one"' in out and 'id="two"' in out and "<h3>" in out
    assert "<td>&lt;c&gt;</td>" in out and "<svg></svg>" in out


# --- the layout -----------------------------------------------------------------------------------------------------


def random_view(n: int, seed: int, clusters: bool = True) -> View:
    rnd = random.Random(seed)
    cl = [
        Cluster("sys", "System", "system"),
        Cluster("r1", "region one", "region", parent="sys"),
        Cluster("z1", "zones a, b", "zones", parent="r1"),
        Cluster("r2", "region two", "region", parent="sys"),
        Cluster("g", "a group", "group"),
    ]
    kinds = ["service", "store", "stream", "queue", "cache", "external", "client", "group"]
    nodes = []
    for i in range(n):
        kind = rnd.choice(kinds)
        cluster = rnd.choice([None, "sys", "r1", "z1", "r2", "g"]) if clusters else None
        label = "node " + "x" * rnd.randrange(1, 40)
        nodes.append(Node(f"n{i}", label, kind, detail="d" * rnd.randrange(0, 30), component=f"n{i}", cluster=cluster))
    edges = []
    for _ in range(n * 2):
        a, b = rnd.randrange(n), rnd.randrange(n)
        edges.append(Edge(f"n{a}", f"n{b}", rnd.choice(["sync", "async"]), "calls", label="x", bold=rnd.random() < 0.1))
    return View(f"v{seed}", "random", "container", nodes=nodes, edges=edges, clusters=cl if clusters else [])


def overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah


def path_samples(points: list[tuple[float, float]], per_piece: int = 24) -> list[tuple[float, float]]:
    """Points along a path of cubic pieces (start, then control 1, control 2, end per piece)."""
    assert len(points) >= 4 and (len(points) - 1) % 3 == 0, points
    out = []
    for k in range(0, len(points) - 3, 3):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points[k : k + 4]
        for j in range(per_piece + 1):
            t = j / per_piece
            u = 1 - t
            a, b, c, d = u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t
            out.append((a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3))
    return out


def check_routing(view: View, lay: _layout.Layout) -> None:
    """No edge passes through a box (its own ends' included), no edge label overlaps another label or a box."""
    boxes = {k: (p.x, p.y, p.w, p.h) for k, p in lay.nodes.items()}
    eps = 0.5
    for pe in lay.edges:
        samples = path_samples(pe.points)
        xs = [x for x, _ in samples]
        ys = [y for _, y in samples]
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        for nid, (bx, by, bw, bh) in boxes.items():
            if x1 <= bx or x0 >= bx + bw or y1 <= by or y0 >= by + bh:
                continue  # not even near
            for x, y in samples:
                inside = bx + eps < x < bx + bw - eps and by + eps < y < by + bh - eps
                assert not inside, (pe.edge.source, pe.edge.target, "crosses", nid, (x, y), boxes[nid])
    labels = [(pe, pe.label_box()) for pe in lay.edges]
    labelled = [(pe, box) for pe, box in labels if box is not None]
    for pe, box in labelled:
        assert pe.label, pe
        for nid, b in boxes.items():
            assert not overlaps(box, b), (pe.edge.source, pe.edge.target, pe.label, "label on", nid, box, b)
    for i, (pa, a) in enumerate(labelled):
        for pb, b in labelled[i + 1 :]:
            assert not overlaps(a, b), ((pa.edge.source, pa.edge.target, pa.label), (pb.edge.source, pb.edge.target))
    assert all(lay.width >= b[0] + b[2] for _, b in labelled)
    assert all(b[1] >= 0 and b[1] + b[3] <= lay.height for _, b in labelled)


def check_layout(view: View) -> _layout.Layout:
    lay = _layout.layout(view)
    boxes = {k: (p.x, p.y, p.w, p.h) for k, p in lay.nodes.items()}
    ids = sorted(boxes)
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            assert not overlaps(boxes[a], boxes[b]), (a, b, boxes[a], boxes[b])
    rects = {c.cluster.id: (c.x, c.y, c.w, c.h) for c in lay.clusters}
    parents = {c.id: c.parent for c in view.clusters}

    def inside(inner: tuple[float, float, float, float], outer: tuple[float, float, float, float]) -> bool:
        return (
            inner[0] >= outer[0]
            and inner[1] >= outer[1]
            and inner[0] + inner[2] <= outer[0] + outer[2]
            and inner[1] + inner[3] <= outer[1] + outer[3]
        )

    for node in view.nodes:
        c = node.cluster
        while c is not None:
            assert inside(boxes[node.id], rects[c]), (node.id, c)
            c = parents[c]
        for cid, r in rects.items():  # a node is inside no cluster it does not belong to
            chain = []
            c = node.cluster
            while c is not None:
                chain.append(c)
                c = parents[c]
            if cid not in chain:
                assert not overlaps(boxes[node.id], r), (node.id, cid)
    for cid, r in rects.items():
        p = parents[cid]
        if p is not None:
            assert inside(r, rects[p]), (cid, p)
    siblings: dict[str | None, list[str]] = {}
    for cid in rects:
        siblings.setdefault(parents[cid], []).append(cid)
    for group in siblings.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                assert not overlaps(rects[a], rects[b]), (a, b)
    for pe in lay.edges:
        e = pe.edge
        for (x, y), nid in ((pe.points[0], e.source), (pe.points[-1], e.target)):
            bx, by, bw, bh = boxes[nid]
            assert x in (bx, bx + bw), (e, x, boxes[nid])
            assert by <= y <= by + bh, (e, y, boxes[nid])
    assert all(b[0] >= 0 and b[0] + b[2] <= lay.width for b in boxes.values())
    assert all(b[1] >= 0 and b[1] + b[3] <= lay.height for b in boxes.values())
    check_routing(view, lay)
    return lay


@pytest.mark.parametrize("seed", range(12))
def test_layout_random_views(seed: int) -> None:
    check_layout(random_view(6 + seed * 3, seed))
    check_layout(random_view(10 + seed, seed + 100, clusters=False))


@pytest.mark.parametrize("seed", range(4))
def test_layout_random_views_with_long_labels(seed: int) -> None:
    view = random_view(8 + seed * 8, seed + 200)
    rnd = random.Random(seed)
    for e in view.edges:
        e.label = rnd.choice(["", "grpc 50ms", "consumes at least once", "sql 100ms", "publishes"])
        e.count = rnd.choice([1, 1, 3])
    lay = check_layout(view)
    assert sum(1 for pe in lay.edges if pe.label) > len(lay.edges) / 2


@pytest.mark.parametrize("seed", range(4))
def test_layout_large_views_draw_long_edges_as_lanes(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    view = random_view(40, seed + 300)
    rnd = random.Random(seed)
    for _ in range(40):  # 120 edges, as a collapsed view may have
        a, b = rnd.randrange(40), rnd.randrange(40)
        view.edges.append(Edge(f"n{a}", f"n{b}", "sync", "calls", label="grpc 20ms"))
    monkeypatch.setattr(_layout, "LANES_FROM", 10**9)
    per_rank = check_layout(view)
    monkeypatch.setattr(_layout, "LANES_FROM", 0)
    lanes = check_layout(view)
    pieces = sum(len(pe.points) for pe in lanes.edges)
    assert pieces < sum(len(pe.points) for pe in per_rank.edges)  # one straight run per long edge


def test_layout_routes_long_edges_around_boxes() -> None:
    # a -> b -> c -> d and a -> d: the long edge must not cut through b or c, which sit in its way
    nodes = [Node(k, k.upper() * 8, "service") for k in "abcd"]
    edges = [Edge("a", "b", "sync", "calls"), Edge("b", "c", "sync", "calls"), Edge("c", "d", "sync", "calls")]
    edges.append(Edge("a", "d", "sync", "calls", label="sql 50ms"))
    view = View("v", "v", "custom", nodes=nodes, edges=edges)
    lay = check_layout(view)
    long = lay.edges[-1]
    assert len(long.points) > 4  # routed through its virtual nodes, not one curve
    assert long.label_box() is not None


def test_layout_of_the_examples() -> None:
    from designc.targets import _views

    for name in CLEAN:
        for view in _views.views(_build_of(EXAMPLES / f"{name}.design")):
            check_layout(view)
    for view in _views.views(_build_of(FLAWED)):
        check_layout(view)


def test_layout_is_deterministic() -> None:
    view = random_view(40, 7)
    first = _layout.render_svg(view)
    assert _layout.render_svg(random_view(40, 7)) == first
    # declaration order decides ties, so the same view built again (new objects) gives the same bytes
    again = View(view.id, view.title, view.kind, nodes=list(view.nodes), edges=list(view.edges), clusters=view.clusters)
    assert _layout.render_svg(again) == first


def test_layout_of_empty_and_tiny_views() -> None:
    assert "<svg" in _layout.render_svg(View("empty", "Empty", "custom"))
    one = View("one", "One", "custom", nodes=[Node("a", "A", "service")], edges=[Edge("a", "a", "sync", "calls")])
    lay = check_layout(one)
    assert len(lay.edges) == 1


def test_document_links_are_links_not_markdown(pages: dict[str, Path]) -> None:
    html = pages["payments"].read_text(encoding="utf-8")
    assert "](#" not in html and "`ledger`" not in html
    assert '<a href="#ledger-payments-ledger"><code>ledger</code></a>' in html
    ids = set(re.findall(r' id="([^"]+)"', html))
    for target in set(re.findall(r'href="#([^"]+)"', html)):
        assert target in ids, target  # every in-page link lands somewhere


def test_views_drawn_in_parallel_are_the_same(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A page of many views lays them out on every core; what comes back is what one process draws."""
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    import generate

    from designc.targets import html as html_target
    from designc.targets._views import views

    design = tmp_path / "big.design"
    design.write_text("\n".join(generate.services(300)) + "\n", encoding="utf-8")
    build = _build_of(design)
    vs = views(build)
    assert len(vs) >= html_target.PARALLEL_FROM
    monkeypatch.setattr(html_target, "PARALLEL_FROM", 10**9)
    alone = html_target._svgs(vs)
    monkeypatch.setattr(html_target, "PARALLEL_FROM", 1)
    assert html_target._svgs(vs) == alone
