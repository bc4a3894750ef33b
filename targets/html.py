"""One self-contained interactive page per system: `design.html`.

The page shows every view of the design (`targets/_views.py`) as an inline SVG laid out by `targets/_layout.py`
(pure Python, no Graphviz), with pan and zoom, a view switcher, a component search, a side panel with each
component's properties, edges, budgets and findings, the findings list with a severity filter, and the design
document (`targets/_document.py`). Styles, script and data are inlined: the page fetches nothing and works
from ``file://``; printing shows the document, the current diagram and the findings without the controls.

Templates: the packaged ones live in ``designc/targets/templates/html/``:

* ``html/page.html.j2``: the page (Jinja2, autoescaped); it receives ``system``, ``views``, ``document``,
  ``findings``, ``suppressed``, ``counts``, ``data_json``, ``style``, ``script`` and ``generator``;
* ``html/style.css``: the styles, inlined into the page's ``<style>``;
* ``html/app.js``: the script, inlined into the page's ``<script>``.

When the build has a templates folder (``build.templates``), a file at the same relative path there (for
example ``TEMPLATES/html/style.css``) replaces the packaged one; the others stay packaged.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from pydantic import BaseModel

from designc.analysis.graph import duration, pct, rate

DESCRIPTION = "one self-contained interactive page per system (design.html): views, search, findings, document"
ACCEPTS_FINDINGS = True

PAGE = "html/page.html.j2"
STYLE = "html/style.css"
SCRIPT = "html/app.js"

VIEW_GROUPS = [
    ("context", "Context"),
    ("container", "Containers"),
    ("deployment", "Deployment"),
    ("entrypoint", "Entrypoints"),
    ("custom", "Views"),
    ("group", "Groups"),
]
SEVERITIES = ("error", "warning", "info")


def generate(build: Any) -> dict[str, bytes]:
    from . import _document, _views

    views = _views.views(build)
    document = _document.document(build)
    return {"design.html": render_page(build, views, document)}


# --- the page ----------------------------------------------------------------------------------------------------


def render_page(build: Any, views: list[Any], document: Any) -> bytes:
    """The page for one design, from its views and its document (the parts `generate` computes)."""
    import jinja2
    from markupsafe import Markup

    from designc.targets_registry import TargetError

    from . import _layout
    from ._templates import environment, render

    env = environment(build, autoescape=True, trim=True)

    env.filters["ticks"] = ticks

    def raw(name: str, closing: str) -> Markup:
        try:
            text = env.loader.get_source(env, name)[0]  # type: ignore[union-attr]
        except jinja2.TemplateNotFound as e:
            raise TargetError(f"html: template `{name}` not found") from e
        return Markup(re.sub(f"</({closing})", r"<\\/\1", text, flags=re.IGNORECASE))

    svgs = _svgs(views)
    rendered = []
    for v in views:
        rendered.append(
            {
                "id": v.id,
                "title": v.title,
                "kind": v.kind,
                "description": v.description,
                "facts": list(v.facts),
                "svg": Markup(svgs[v.id]),
            }
        )
    start = next((r["id"] for r in rendered if r["kind"] == "container"), rendered[0]["id"] if rendered else "")
    for r in rendered:
        r["start"] = r["id"] == start
    groups = []
    for kind, title in VIEW_GROUPS:
        members = [r for r in rendered if r["kind"] == kind]
        if members:
            groups.append({"kind": kind, "title": title, "views": members})
    known = {k for k, _ in VIEW_GROUPS}
    other = [r for r in rendered if r["kind"] not in known]
    if other:
        groups.append({"kind": "other", "title": "Other", "views": other})

    by_id = {v.id: v for v in views}

    def figure(view_id: str) -> Markup:
        v = by_id.get(view_id)
        if v is None:
            return Markup("")
        return Markup(_layout.render_svg(v, _layout.layout(v), id_prefix="doc"))

    findings = finding_rows(build)
    suppressed = suppressed_rows(build)
    counts = {s: sum(1 for f in findings if f["severity"] == s) for s in SEVERITIES}
    model = build.model
    system = model.system
    data = page_data(build, views, findings)
    # `<` as \u003c: the design's text can neither close the script nor open an HTML comment inside it
    data_json = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).replace("<", "\\u003c")
    html = render(
        env,
        PAGE,
        system={
            "name": system.name if system else "",
            "title": (system.title or system.name) if system else "",
            "description": (system.description or "") if system else "",
            "owner": (system.owner or "") if system else "",
        },
        view_groups=groups,
        views=rendered,
        start=next((r for r in rendered if r["start"]), None),
        document=render_document(document, figure),
        document_title=inline(document.title),
        document_subtitle=document.subtitle,
        toc=[{"title": inline(s.title), "anchor": s.anchor} for s in document.sections],
        findings=findings,
        suppressed=suppressed,
        counts=counts,
        data_json=Markup(data_json),
        style=raw(STYLE, "style"),
        script=raw(SCRIPT, "script"),
        generator=f"designc {getattr(model, 'designc_version', '')}".strip(),
    )
    return html.encode("utf-8")


_POOLED: list[Any] = []  # the views a forked worker lays out, by index
PARALLEL_FROM = 24  # pages with this many views lay them out on every core


def _svg_of(i: int) -> str:
    from . import _layout

    v = _POOLED[i]
    return _layout.render_svg(v, _layout.layout(v), id_prefix="v")


def _svgs(views: list[Any]) -> dict[str, str]:
    """Each view laid out and drawn, by id: on every core when there are many views, on Linux, by forked workers
    (they inherit the views; only the SVG text comes back, in the views' order, so the page is the same either
    way)."""
    import multiprocessing
    import sys

    from designc.processors import cores as processors

    cores = processors()

    if len(views) < PARALLEL_FROM or cores < 2 or not sys.platform.startswith("linux"):  # fork is safe on Linux
        _POOLED[:] = views
        try:
            return {v.id: _svg_of(i) for i, v in enumerate(views)}
        finally:
            _POOLED.clear()
    from concurrent.futures import ProcessPoolExecutor

    _POOLED[:] = views
    try:
        with ProcessPoolExecutor(max_workers=cores, mp_context=multiprocessing.get_context("fork")) as pool:
            out = list(pool.map(_svg_of, range(len(views)), chunksize=max(1, len(views) // (cores * 4))))
    finally:
        _POOLED.clear()
    return {v.id: svg for v, svg in zip(views, out, strict=True)}


# --- findings ----------------------------------------------------------------------------------------------------


def _finding(d: Any, names: Any) -> dict[str, Any]:
    from ._views import component_of

    span = d.span
    return {
        "code": d.code,
        "severity": d.severity.value,
        "message": d.message,
        "hints": list(d.hints),
        "file": span.file if span is not None else "",
        "line": span.line if span is not None else 0,
        "column": span.column if span is not None else 0,
        "component": component_of(d.fingerprint, names),
        "fingerprint": d.fingerprint or "",
    }


def finding_rows(build: Any) -> list[dict[str, Any]]:
    names = {c.name for c in build.model.components}
    rank = {"error": 0, "warning": 1, "info": 2}
    rows = [_finding(d, names) for d in build.findings]
    rows.sort(key=lambda f: (rank.get(f["severity"], 3), f["file"], f["line"], f["column"], f["code"], f["message"]))
    for i, f in enumerate(rows):
        f["id"] = f"ui-finding-{i + 1}"
    return rows


def suppressed_rows(build: Any) -> list[dict[str, Any]]:
    names = {c.name for c in build.model.components}
    rows = []
    for d, reason in build.suppressed:
        f = _finding(d, names)
        f["reason"] = reason
        rows.append(f)
    rows.sort(key=lambda f: (f["file"], f["line"], f["column"], f["code"]))
    return rows


# --- the data the script reads -------------------------------------------------------------------------------------


def page_data(build: Any, views: list[Any], findings: list[dict[str, Any]]) -> dict[str, Any]:
    model = build.model
    comps: dict[str, Any] = {}
    in_views: dict[str, list[str]] = {}  # component -> the views that draw it, in view order
    for v in views:
        for n in v.nodes:
            if n.component and (not in_views.get(n.component) or in_views[n.component][-1] != v.id):
                in_views.setdefault(n.component, []).append(v.id)
    on: dict[str, list[str]] = {}
    for f in findings:
        if f["component"]:
            on.setdefault(f["component"], []).append(f["id"])
    out_edges: dict[str, list[dict[str, Any]]] = {}
    in_edges: dict[str, list[dict[str, Any]]] = {}
    for e in model.edges:  # each edge's facts worked out once, shown from both ends
        row = edge_row(e, e.target)
        out_edges.setdefault(e.source, []).append(row)
        in_edges.setdefault(e.target, []).append({**row, "other": e.source})
    graph = None
    try:
        graph = build.graph
        entrypoints = set(graph.entrypoints)
    except Exception:  # a model the graph cannot read still gets its page, without budgets
        entrypoints = set()
    for c in model.components:
        comps[c.name] = {
            "name": c.name,
            "kind": c.kind,
            "title": c.title or "",
            "description": c.description or "",
            "props": component_props(c),
            "out": out_edges.get(c.name, []),
            "in": in_edges.get(c.name, []),
            "findings": on.get(c.name, []),
            "budget": budget(graph, c.name) if graph is not None and c.name in entrypoints else None,
            "views": in_views.get(c.name, []),
        }
    return {
        "components": comps,
        "findings": {f["id"]: f for f in findings},
        "start": next((v.id for v in views if v.kind == "container"), views[0].id if views else None),
        "views": [
            {
                "id": v.id,
                "title": v.title,
                "kind": v.kind,
                "description": v.description,
                "facts": list(v.facts),
                "nodes": {
                    n.id: {"label": n.label, "kind": n.kind, "detail": n.detail, "tooltip": n.tooltip}
                    for n in v.nodes
                    if not n.component
                },
            }
            for v in views
        ],
    }


def budget(graph: Any, name: str) -> dict[str, Any] | None:
    try:
        allowed, unknown_bits = graph.composite(name)
        goal = graph.availability_objective(name)
        chain = graph.chains[name]
        lat_goal = graph.latency_objective(name)
        path = graph.chain_path(name)
        unknown = graph.members(unknown_bits)
        chain_unknown = graph.chain_unknown(name)
        av, lv = graph.availability_verdict(name), graph.latency_verdict(name)
    except Exception:  # budgets are a help, never a reason for the page to fail
        return None
    return {
        # nothing on the path states a figure: unknown, never 100%; some do not: the product is a bound
        "availability": "unknown"
        if unknown_bits == graph.closure[name] | graph.bit[name]
        else ("at most " if unknown_bits else "") + pct(allowed),
        "availability_objective": pct(goal[0]) if goal else None,
        "availability_from": goal[1] if goal else None,
        "availability_meets": av.met,  # the rules' verdict (per flow where flows enter), as `check` reports
        "per_flow": av.per_flow,
        "availability_unknown": unknown,
        "latency": duration(chain.latency),
        "latency_objective": duration(lat_goal[0]) if lat_goal else None,
        "latency_from": lat_goal[1] if lat_goal else None,
        "latency_meets": lv.met,
        "latency_unknown": chain_unknown,
        "chain": path,
        "worst_wait": f"unbounded ({chain.untimed} states no timeout)" if chain.untimed else duration(chain.timeouts),
        "amplification": chain.amplification,
    }


# --- formatting model values for people ------------------------------------------------------------------------------

SECONDS = {
    "timeout",
    "retention",
    "ttl",
    "visibility_timeout",
    "bake_time",
    "rpo",
    "rto",
    "interval",
    "window",
    "long_window",
    "short_window",
    "backoff_base",
    "backoff_max",
    "value",
}
FRACTIONS = {"availability", "instance_availability", "headroom", "retry_budget", "durability", "steps", "weights"}
RATES = {"capacity", "rate", "peak_load", "sustained_load"}
BYTES = {"max_memory", "size"}
SKIP = {
    "name",
    "kind",
    "title",
    "description",
    "span",
    "based_on",
    "owner",
    "technology",
    "engine",
    "exposure",
    "replicas",
    "placement",
    "slo",
    "availability",
    "availability_source",
    "instance_availability",
    "instance_availability_source",
    "properties",
    "tags",
}
LABELS = {
    "based_on": "based on",
    "trust_boundary": "trust boundary",
    "instance_availability": "instance availability",
    "encryption_at_rest": "encryption at rest",
    "health_check": "health check",
    "allowed_callers": "allowed callers",
    "replication_factor": "replication factor",
    "min_insync": "min in-sync",
    "schema_version": "schema",
    "max_length": "max length",
    "visibility_timeout": "visibility timeout",
    "dead_letter": "dead letter",
    "stampede_protection": "stampede protection",
    "max_memory": "max memory",
    "rate_limit": "rate limit",
    "load_shedding": "load shedding",
    "sla_source": "SLA source",
    "identity_provider": "identity provider",
}


def _size(n: float) -> str:
    for unit, size in (("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size:
            return f"{n / size:g}{unit}"
    return f"{n:g}B"


def fmt(name: str, value: Any) -> str:
    """A model value in the language's own words: 250ms, 99.95%, 800 rps, yes."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        if name in SECONDS:
            return duration(float(value))
        if name in FRACTIONS:
            return pct(float(value))
        if name in RATES:
            return rate(float(value))
        if name in BYTES:
            return _size(float(value))
        return f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, BaseModel):
        cls = type(value).__name__
        if cls == "Latency":
            return f"{value.percentile} {duration(value.value)}"
        if cls == "RateLimit":
            return f"{rate(value.rate)}" + ("" if value.per == "total" else f" per {value.per}")
        if cls == "Replicas":
            return str(value.min) if value.min == value.max else f"{value.min}..{value.max}"
        if cls == "Placement":
            return value.region + (f" [{', '.join(value.zones)}]" if value.zones else "")
        if cls == "Autoscale":
            t = value.target
            target = {"cpu": pct, "memory": pct}.get(value.signal)
            shown = target(t) if target else (rate(t) if value.signal == "rps" else fmt("x", t))
            if value.signal == "latency":
                shown = duration(t)
            return f"{value.signal} {shown}"
        parts = []
        first = True
        for field in type(value).model_fields:
            v = getattr(value, field, None)
            if v is None or v == [] or v == {} or field == "span":
                continue
            text = fmt(field, v)
            if first and field in ("mode", "strategy", "version", "kind", "signal", "percentile"):
                parts.append(text)
            else:
                parts.append(f"{LABELS.get(field, field.replace('_', ' '))} {text}")
            first = False
        return "; ".join(parts)
    if isinstance(value, list):
        return ", ".join(fmt(name, v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} {fmt(name, v)}" for k, v in value.items())
    return str(value)


def component_props(c: Any) -> list[list[str]]:
    """The component's facts as (label, value) rows, most useful first, only what the design states."""
    rows: list[list[str]] = [["kind", c.kind + (f" (is {', '.join(c.based_on)})" if c.based_on else "")]]
    if c.owner:
        rows.append(["owner", c.owner])
    if c.technology is not None:
        rows.append(["technology", c.technology.name + (f": {c.technology.reason}" if c.technology.reason else "")])
    if c.engine:
        rows.append(["engine", c.engine])
    if c.kind not in ("external", "client"):
        rows.append(["exposure", c.exposure])
    if c.kind == "service" and getattr(c, "capacity", None) is not None:
        rows.append(["capacity", f"{rate(c.capacity)} per replica"])
    if c.replicas is not None:
        rows.append(["replicas", fmt("replicas", c.replicas)])
    if c.placement:
        rows.append(["placement", "; ".join(fmt("placement", p) for p in c.placement)])
    if c.availability is not None:
        rows.append(
            [
                "availability",
                fmt("availability", c.availability) + (f" ({c.availability_source})" if c.availability_source else ""),
            ]
        )
    if c.instance_availability is not None:
        src = c.instance_availability_source
        rows.append(
            ["instance availability", fmt("availability", c.instance_availability) + (f" ({src})" if src else "")]
        )
    if c.slo is not None:
        slo = []
        if c.slo.availability is not None:
            slo.append(f"availability {fmt('availability', c.slo.availability)}")
        slo.extend(fmt("latency", x) for x in c.slo.latency)
        slo.append(f"window {fmt('window', c.slo.window)}")
        if c.slo.alerts:
            slo.append("alerts " + ", ".join(a.name for a in c.slo.alerts))
        rows.append(["SLO", "; ".join(slo)])
    for field in type(c).model_fields:
        v = getattr(c, field, None)
        if field in SKIP or v is None or v == [] or v == {} or (field == "capacity" and c.kind == "service"):
            continue
        if field == "partition" and not (v.prefer or v.normal):
            continue
        rows.append([LABELS.get(field, field.replace("_", " ")), fmt(field, v)])
    if c.tags:
        rows.append(["tags", ", ".join(c.tags)])
    for k, v in c.properties.items():
        rows.append([k, fmt(k, v)])
    rows.append(["declared at", f"{c.span.file}:{c.span.line}"])
    return rows


EDGE_FACTS = (
    "protocol",
    "timeout",
    "retries",
    "backoff",
    "circuit_breaker",
    "bulkhead",
    "fallback",
    "criticality",
    "delivery",
    "group",
    "dead_letter",
    "idempotent",
    "idempotency_key",
    "ordering",
    "consistency",
    "auth",
    "encryption",
    "data",
)


def edge_row(e: Any, other: str) -> dict[str, Any]:
    facts = []
    for field in EDGE_FACTS:
        v = getattr(e, field)
        if v is None or v == []:
            continue
        if field == "retries" and v == 0:
            facts.append("no retries")
            continue
        if field == "backoff" and e.backoff_base is not None:
            v = f"{v} from {fmt('backoff_base', e.backoff_base)}" + (
                f"..{fmt('backoff_max', e.backoff_max)}" if e.backoff_max is not None else ""
            )
        label = {"circuit_breaker": "circuit breaker", "idempotency_key": "idempotency key"}.get(field, field)
        facts.append(f"{label} {fmt(field, v)}" if field not in ("protocol",) else str(v))
    return {
        "other": other,
        "kind": e.kind,
        "mode": e.mode,
        "facts": facts,
        "description": e.description or "",
        "reason": e.reason or "",
    }


# --- the design document -------------------------------------------------------------------------------------------

_CODE = re.compile(r"`([^`]+)`")
_SPAN = re.compile(r"(`+)(.+?)\1")  # a code span, fenced with one or more backticks
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_LINK = re.compile(r"\[((?:`[^`]*`|[^\]`])+)\]\(([^()\s]+)\)")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


_ESC = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;"})


def _esc(text: str) -> str:
    return text.translate(_ESC)


def _spans(text: str) -> str:
    """`code` and **bold** as HTML, everything else escaped."""
    if "`" not in text and "*" not in text:
        return text.translate(_ESC)
    out = []
    last = 0
    for m in _SPAN.finditer(text):
        out.append(_BOLD.sub(r"<strong>\1</strong>", text[last : m.start()].translate(_ESC)))
        out.append(f"<code>{(m.group(2).strip() if m.group(1) != '`' else m.group(2)).translate(_ESC)}</code>")
        last = m.end()
    out.append(_BOLD.sub(r"<strong>\1</strong>", text[last:].translate(_ESC)))
    return "".join(out)


@functools.lru_cache(maxsize=16384)
def _link(label: str, href: str) -> str:
    return f'<a href="{href.translate(_ESC)}">{_spans(label)}</a>'


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")  # CommonMark: a backslash before ASCII punctuation
_HOLD = 0xE000  # escaped characters wait in the private use area while the markup is converted


@functools.lru_cache(maxsize=65536)
def _inline(text: str) -> str:
    if "\\" in text:
        held = _ESCAPED.sub(lambda m: chr(_HOLD + ord(m.group(1))), text)
        out = _inline_markup(held)
        return re.sub("[\ue000-\ue07f]", lambda m: str(_escape_one(chr(ord(m.group(0)) - _HOLD))), out)
    return _inline_markup(text)


def _escape_one(ch: str) -> str:
    return ch.translate(_ESC)


def _inline_markup(text: str) -> str:
    if "[" not in text:
        return _spans(text)
    out = []
    last = 0
    for m in _LINK.finditer(text):
        out.append(_spans(text[last : m.start()]))
        href = m.group(2)
        if _SCHEME.match(href) or href.startswith("//"):
            out.append(_spans(m.group(0)))
        else:
            out.append(_link(m.group(1), href))
        last = m.end()
    out.append(_spans(text[last:]))
    return "".join(out)


def inline(text: str) -> Any:
    """The document's inline subset as HTML: escape everything, then `code`, **bold** and [text](link) (whose
    text may be code), where a link is an anchor in the page or a relative path (never a scheme: no
    javascript:, no network)."""
    from markupsafe import Markup

    return Markup(_inline(str(text)))


def ticks(text: str) -> Any:
    """Plain text (a finding's message or hint) with its `quoted` names as code, everything else escaped."""
    from markupsafe import Markup, escape

    pieces = _CODE.split(str(text))
    return Markup("".join(f"<code>{escape(p)}</code>" if i % 2 else str(escape(p)) for i, p in enumerate(pieces)))


def render_document(document: Any, figure: Any) -> Any:
    from markupsafe import Markup

    # plain strings, one Markup for the whole document rather than one per cell; `_esc` escapes the characters
    # markupsafe's `escape` does, as the same entities

    def escape(text: Any) -> str:
        return str(text).translate(_ESC)

    def inline(text: Any) -> str:
        return _inline(str(text))

    parts: list[str] = []

    def block(b: Any) -> None:
        kind = getattr(b, "kind", "")
        if kind == "section":
            level = min(max(int(b.level), 2), 6)
            parts.append(f'<section class="doc-section level-{level}" id="{escape(b.anchor)}">')
            parts.append(f'<h{level}><a class="anchor" href="#{escape(b.anchor)}">{inline(b.title)}</a></h{level}>')
            for child in b.blocks:
                block(child)
            parts.append("</section>")
        elif kind == "para":
            parts.append(f"<p>{inline(b.text)}</p>")
        elif kind == "bullets":
            parts.append("<ul>" + "".join([f"<li>{inline(x)}</li>" for x in b.items]) + "</ul>")
        elif kind == "table":
            head = "".join([f"<th>{inline(h)}</th>" for h in b.headers])
            rows = "".join(["<tr>" + "".join([f"<td>{inline(c)}</td>" for c in r]) + "</tr>" for r in b.rows])
            parts.append(
                f'<div class="table-wrap"><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>'
            )
        elif kind == "diagram":
            svg = figure(b.view)
            parts.append(
                f'<figure class="doc-diagram" data-view="{escape(b.view)}">'
                f'<div class="doc-svg">{svg}</div>'
                f'<figcaption>{inline(b.caption)} <button type="button" class="link open-view" '
                f'data-view="{escape(b.view)}">open in the viewer</button></figcaption></figure>'
            )

    for s in document.sections:
        block(s)
    return Markup("\n".join(parts))
