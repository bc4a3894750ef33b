"""Design analysis: rules that know distributed systems, run over the resolved model's dependency graph."""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

from ..ast import Span
from ..diagnostics import GAPS, INTERNAL, Diagnostic, Gap, Note, Severity, diag
from . import parallel
from .config import Config
from .graph import Graph
from .rule import BROKEN, Rule, all_rules


def profile_of(model: Any, config: Config, override: str | None = None) -> str:
    """The profile a design is checked under: the command line's, else the design's own, else the
    configuration's, else `review`."""
    return override or (model.system.profile if model.system is not None else None) or config.profile or "review"


def analyze(model: Any, config: Config, to_span: Callable[[Any], Span]) -> list[Diagnostic]:
    """Run every enabled rule over one design. ``to_span`` turns a model location into a diagnostic span.
    Findings a rule marks as gaps carry a `Gap`; `apply_profile` decides how they are reported."""
    if model.system is None:
        return []
    # The rules allocate hundreds of thousands of short-lived containers (edge lists, tuples, findings) and make no
    # cycles worth collecting: the cyclic garbage collector would walk every live object of the graph again and
    # again for nothing (a third of some rules' time at 10,000 services). It is turned back on as it was.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _analyze(model, config, to_span)
    finally:
        if enabled:
            gc.enable()


def _analyze(model: Any, config: Config, to_span: Callable[[Any], Span]) -> list[Diagnostic]:
    g = Graph(model, config.options)
    try:
        return _run(g, model, config, to_span)
    finally:
        # The graph's indexes refer back to it (a flow's budget keeps the graph it was worked out on): let them go
        # now, so that reference counting frees them, rather than leave the cycle for the collector, whose next
        # pass would walk every object the analysis made (0.25 s at 10,000 services)
        g.release()


def _run(g: Graph, model: Any, config: Config, to_span: Callable[[Any], Span]) -> list[Diagnostic]:
    out: list[Diagnostic] = [
        diag(
            INTERNAL,
            f"rule module {module} failed to load: {error}",
            to_span(model.system.span),
            hints=["this is a bug in designc; the other rules ran"],
        )
        for module, error in BROKEN
    ]
    owner_at: dict[str, Span] = {}  # a gap's component's span, once per component (many gaps share one)
    rules = all_rules()
    codes = [code for code in rules if config.enabled(code)]
    by_rule = parallel.run(
        codes, lambda code: _diagnostics(code, rules[code], g, model, config, to_span, owner_at), len(g.comps)
    )
    for code in codes:
        out.extend(by_rule[code])
    return merge_root_causes(out)


def _diagnostics(
    code: str,
    cls: type[Rule],
    g: Graph,
    model: Any,
    config: Config,
    to_span: Callable[[Any], Span],
    owner_at: dict[str, Span],
) -> list[Diagnostic]:
    """One rule's findings as diagnostics (an internal error if the rule fails: the others still run)."""
    out: list[Diagnostic] = []
    system = model.system.name
    configured = config.severity.get(code)
    try:
        findings = list(cls().check(g))
    except Exception as e:  # a bug in a rule must not hide the others' findings
        return [
            diag(
                INTERNAL,
                f"rule {code} failed: {type(e).__name__}: {e}",
                to_span(model.system.span),
                hints=["this is a bug in designc; please report it with the design that triggers it"],
            )
        ]
    for f in findings:
        gap = None
        if f.gap:
            owner = f.path.split("/", 1)[0].split(":", 1)[-1]
            c = g.comps.get(owner)
            if c is None:
                at = to_span(f.at)
            elif (at := owner_at.get(owner)) is None:
                at = owner_at[owner] = to_span(c.span)
            gap = Gap(
                owner=owner,
                kind=c.kind if c is not None else "component",
                item=f.gap,
                phrase=cls.gap_phrase or cls.summary,
                at=at,
            )
        out.append(
            Diagnostic(
                code=code,
                severity=configured or f.severity or cls.severity,
                message=f.message,
                span=to_span(f.at),
                label=f.label,
                hints=list(f.hints),
                notes=[Note(to_span(loc), msg) for loc, msg in f.notes] if f.notes else [],
                fingerprint=f"{code}:{system}/{f.path}",
                gap=gap,
            )
        )
    return out


def merge_root_causes(diags: list[Diagnostic]) -> list[Diagnostic]:
    """One root cause, one finding: a finding of a code another rule `subsumes`, on the element that rule's
    finding is on (or on an edge leaving it), becomes a note of that finding, its fixes added to the hints."""
    rules = all_rules()
    roots: dict[str, list[Diagnostic]] = {}  # element path -> findings that subsume others there
    for d in diags:
        if d.gap is None and d.fingerprint and rules.get(d.code) is not None and rules[d.code].subsumes:
            roots.setdefault(_element(d), []).append(d)
    if not roots:
        return diags
    out: list[Diagnostic] = []
    for d in diags:
        root = None
        if d.gap is None and d.fingerprint:
            path = _element(d)
            here = roots.get(path, []) + roots.get(path.split("/", 1)[0], [])
            root = next((r for r in here if r is not d and d.code in rules[r.code].subsumes), None)
        if root is None:
            out.append(d)
            continue
        span = d.span if d.span is not None else root.span
        if span is not None:
            root.notes.append(Note(span, f"{d.code}: {d.message}"))
        known = {_fix_key(h) for h in root.hints} - {""}
        root.hints.extend(f"{d.code}: {h}" for h in d.hints if h not in root.hints and _fix_key(h) not in known)
    return out


def _fix_key(hint: str) -> str:
    """The statement a hint proposes: the first word of its first `quoted` part (`replication`, `backup`), so
    that two rules' hints proposing the same statement are given once."""
    parts = hint.split("`")
    return parts[1].split(" ", 1)[0] if len(parts) > 2 else ""


def _element(d: Diagnostic) -> str:
    """The element a finding is on, from its fingerprint: `service:api` or `service:api/calls:db`."""
    return (d.fingerprint or "").split("/", 1)[-1]


def apply_profile(diags: list[Diagnostic], profile: str, system: str) -> list[Diagnostic]:
    """Report gap findings by the profile: each as it is under `production`; gathered into one `GAP001` note per
    component under `review`; left out under `sketch`. Other findings pass through."""
    if profile == "production":
        return diags
    out: list[Diagnostic] = []
    gaps: dict[str, list[Diagnostic]] = {}
    for d in diags:
        if d.gap is None:
            out.append(d)
        elif profile == "review":
            gaps.setdefault(d.gap.owner, []).append(d)
    for owner, items in gaps.items():
        out.append(_gap_note(owner, items, system))
    return out


def _gap_note(owner: str, items: list[Diagnostic], system: str) -> Diagnostic:
    """One note for what a component leaves unstated, rule by rule: "no timeout on calls to `a`, `b` (TMO001);
    no deployment strategy (OPS005)"."""
    by_code: dict[str, list[Diagnostic]] = {}
    for d in items:
        by_code.setdefault(d.code, []).append(d)
    parts = []
    count = 0  # what the note lists: each item a rule names (two calls to `db` are one), or the rule's one phrase
    for code, ds in by_code.items():
        gap = ds[0].gap
        assert gap is not None
        named = list(dict.fromkeys(d.gap.item for d in ds if d.gap is not None and d.gap.item != "-"))
        phrase = gap.phrase.format(items=", ".join(named)) if "{items}" in gap.phrase else gap.phrase
        parts.append(f"{phrase} ({code})")
        count += len(named) if named and "{items}" in gap.phrase else 1
    first = items[0].gap
    assert first is not None
    # a rule's phrase may name several items ("reaches `a`, `b` directly ..."): the count says how they group
    kinds = f", of {len(parts)} kinds" if len(parts) != count else ""
    return Diagnostic(
        code=GAPS.code,
        severity=Severity.INFO,
        message=f"{first.kind} `{owner}` leaves {count} thing{'s' if count != 1 else ''} unstated{kinds}: "
        + "; ".join(parts),
        span=first.at,
        label="unstated",
        hints=["`--profile production` reports each as a warning at its own line, with how to state it"],
        fingerprint=f"{GAPS.code}:{system}/{owner}",
    )
