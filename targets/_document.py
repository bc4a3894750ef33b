"""The design document as a small tree of sections, tables and lists, built once from the model, the analysis
graph and the findings, and rendered by the `markdown` and `html` targets through their templates.

Inline text in every block uses a small, safe subset of Markdown that both renderers understand: `code`,
**bold**, and [links](#anchor) to the document's own anchors or to relative files. Nothing else is markup;
renderers escape everything else.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from designc.analysis.graph import replica_feed


@dataclass
class Para:
    text: str
    kind: str = "para"


@dataclass
class Bullets:
    items: list[str]
    kind: str = "bullets"


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    kind: str = "table"


@dataclass
class Diagram:
    view: str  # a view id from targets/_views.py: context, container, deployment-REGION, entrypoint-NAME, ...
    caption: str
    kind: str = "diagram"


@dataclass
class Section:
    title: str
    anchor: str  # GitHub-style heading anchor, unique in the document
    level: int  # 2 for the top sections, 3 and 4 below
    blocks: list[Para | Bullets | Table | Diagram | Section] = field(default_factory=list)
    kind: str = "section"


@dataclass
class Document:
    title: str
    subtitle: str
    sections: list[Section] = field(default_factory=list)


# --- building the document ---------------------------------------------------------------------------------------

NOT_STATED = "not stated"
_REF = "\x00"  # brackets a component name in a link until the anchors are known


def github_anchor(title: str) -> str:
    """The anchor GitHub and GitLab give a heading: lower case, punctuation other than `-` and `_` dropped,
    spaces to hyphens (inline code counts as its text)."""
    text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", title.replace("**", "").replace("`", ""))  # as rendered
    text = text.strip().lower()
    return "".join(ch for ch in text if ch.isalnum() or ch in " -_").replace(" ", "-")


def code(x: Any) -> str:
    """Inline code, safe for any text: a backtick inside is written with a longer fence."""
    s = str(x)
    if "`" not in s:
        return f"`{s}`"
    return f"`` {s} ``"


def plain(x: Any) -> str:
    """designc's own text (a finding's message, with `names` as code) for a table cell or a line: no line
    breaks, and `|` escaped."""
    return str(x).replace("\r", " ").replace("\n", " ").replace("|", "\\|")


_ALWAYS = set("\\`*[]<|~")
_LEADING = re.compile(r"^(>|[#+=-](?=\s|$)|\d+[.)](?=\s|$))")  # what would start a block: a list, a heading


def cell(x: Any) -> str:
    """Text the design wrote (a title, a description, a reason) for a line or a table cell, shown as text:
    every character Markdown gives a meaning to is escaped, so that `**`, `[..](..)`, `<tags>`, `|` or a
    leading `#` stay what they are."""
    return _cell(str(x))


_PLAIN = re.compile(r"[^\\`*\[\]<|~_&]*")  # text with none of the characters `cell` may escape


@functools.lru_cache(maxsize=65536)
def _cell(s: str) -> str:
    s = s.replace("\r", " ").replace("\n", " ")
    if _PLAIN.fullmatch(s):
        return _LEADING.sub(lambda m: m.group(0)[:-1] + "\\" + m.group(0)[-1], s, count=1)
    out = []
    for i, ch in enumerate(s):
        if ch in _ALWAYS:
            out.append("\\" + ch)
        elif ch == "_" and not (0 < i < len(s) - 1 and s[i - 1].isalnum() and s[i + 1].isalnum()):
            out.append("\\_")  # an underscore inside a word (`api_gateway`) is plain already
        elif ch == "&" and re.match(r"&(#\d+|#x[0-9a-fA-F]+|\w+);", s[i:]):
            out.append("\\&")
        else:
            out.append(ch)
    text = "".join(out)
    return _LEADING.sub(lambda m: m.group(0)[:-1] + "\\" + m.group(0)[-1], text, count=1)


def size(n: int | None) -> str:
    from designc.analysis.graph import size as size_text

    return NOT_STATED if n is None else size_text(n)


def yes(x: bool | None, on: str = "yes", off: str = "no") -> str:
    return NOT_STATED if x is None else (on if x else off)


def words(x: str | None) -> str:
    return NOT_STATED if x is None else x.replace("_", " ")


CAP_WORDS = {
    "consistency": "refuses what it cannot serve consistently (CP): during a network partition callers get errors "
    "rather than divergent data; the cost is availability while the partition lasts",
    "availability": "keeps answering (AP): during a network partition replicas may diverge and must be reconciled "
    "afterwards; the cost is stale or conflicting data",
}
PACELC_WORDS = {
    "consistency": "waits for replicas to agree (PACELC: else consistency): every write pays the replication round "
    "trip in latency",
    "latency": "answers without waiting for every replica (PACELC: else latency): faster, but reads may be stale",
}


class _Doc:
    def __init__(self, build: Any) -> None:
        from ._views import INTERNAL, findings_by_element, views

        self.build = build
        self.model = build.model
        self.system = self.model.system
        self.req = self.system.requirements
        self.g = build.graph
        self.views = views(build)
        self.comps = {c.name: c for c in self.model.components}
        self.internal = [c for c in self.model.components if c.kind in INTERNAL]
        self.on_comp, _ = findings_by_element(build)
        self.section_of: dict[int, str] = {}  # id(section) -> the component it describes

    # --- helpers ----------------------------------------------------------------------------------------------

    def section(self, title: str, level: int) -> Section:
        """A section; its anchor is given once the whole document exists, in document order, as GitHub does."""
        return Section(title, "", level)

    def link(self, name: str) -> str:
        """A link to a component's section (resolved by `anchor_all` once the anchors are known)."""
        return f"[{code(name)}](#{_REF}{name}{_REF})" if name in self.comps else code(name)

    def anchor_all(self, doc: Document) -> None:
        """Give every section its GitHub-style anchor in document order (duplicates get -1, -2, ...), then point
        the component links at their sections."""
        seen: dict[str, int] = {}
        targets: dict[str, str] = {}

        def walk(sec: Section) -> None:
            base = github_anchor(sec.title)
            n = seen.get(base, 0)
            seen[base] = n + 1
            sec.anchor = base if n == 0 else f"{base}-{n}"
            comp = self.section_of.get(id(sec))
            if comp is not None:
                targets[comp] = sec.anchor
            for b in sec.blocks:
                if isinstance(b, Section):
                    walk(b)

        for sec in doc.sections:
            walk(sec)

        def fix(text: str) -> str:
            if _REF not in text:
                return text
            parts = text.split(_REF)
            return "".join(targets.get(p, p) if i % 2 else p for i, p in enumerate(parts))

        def fix_blocks(sec: Section) -> None:
            for b in sec.blocks:
                if isinstance(b, Section):
                    fix_blocks(b)
                elif isinstance(b, Para):
                    b.text = fix(b.text)
                elif isinstance(b, Bullets):
                    b.items = [fix(x) for x in b.items]
                elif isinstance(b, Table):
                    b.rows = [[fix(x) for x in row] for row in b.rows]

        for sec in doc.sections:
            fix_blocks(sec)

    def dur(self, s: float | None) -> str:
        from designc.analysis.graph import duration

        return NOT_STATED if s is None else duration(s)

    def pct(self, a: float | None, computed: bool = False) -> str:
        """A percentage the design wrote, with every nine it wrote (99.999999999% stays that, not 100%); a
        ``computed`` one (a product of availabilities) to six decimals, which say enough."""
        if a is None:
            return NOT_STATED
        from decimal import Decimal

        if computed:
            from designc.analysis.graph import pct

            return pct(a)
        text = format(Decimal(repr(a)) * 100, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text + "%"

    def rate(self, r: float | None) -> str:
        from designc.analysis.graph import rate

        return NOT_STATED if r is None else rate(r)

    def latencies(self, items: list[Any]) -> str:
        return ", ".join(f"{x.percentile} {self.dur(x.value)}" for x in items) if items else NOT_STATED

    def runs_as(self, c: Any) -> str:
        """What the scaffolds deploy, when the design says it: image, ports, resources per replica."""
        parts = []
        if c.image:
            parts.append(f"image {code(c.image)}")
        if c.ports:
            parts.append(
                "ports "
                + ", ".join(
                    f"{cell(p.name)} {p.number}" + (f"/{p.protocol}" if p.protocol != "tcp" else "") for p in c.ports
                )
            )
        r = c.resources
        if r is not None and r.cpu is not None:
            parts.append(f"cpu {r.cpu.request:g}..{r.cpu.limit:g} cores (request..limit)")
        if r is not None and r.memory is not None:
            parts.append(f"memory {size(r.memory.request)}..{size(r.memory.limit)}")
        return "; ".join(parts)

    def provisioned(self, c: Any) -> str:
        parts = []
        if getattr(c, "size_class", None):
            parts.append(f"size class {c.size_class}")
        if getattr(c, "storage", None):
            parts.append(f"{size(c.storage)} of disk per copy")
        return f"; **provisioned**: {', '.join(parts)}" if parts else ""

    def replicas(self, c: Any) -> str:
        r = c.replicas
        if r is None:
            return NOT_STATED
        return str(r.min) if r.min == r.max else f"{r.min} to {r.max}"

    def placement(self, name: str) -> str:
        where = self.g.placement[name]
        if not where:
            return NOT_STATED
        explicit = bool(self.comps[name].placement)
        c = self.comps[name]
        # how many copies it runs at most, where the design says: fewer than its zones means not in every one
        stated = c.replicas is not None or getattr(c, "replication", None) is not None
        n = max(self.g.instances(name), c.replicas.max if c.replicas is not None else 0) if stated else 0

        def region(r: str, z: list[str]) -> str:
            if not z:
                return r
            if len(where) == 1 and 0 < n < len(z):
                copies = "one instance" if n == 1 else f"{n} instances"
                return f"{r} ({copies}, in {'one' if n == 1 else n} of zones {', '.join(z)})"
            return f"{r} (zones {', '.join(z)})"

        text = "; ".join(region(r, list(z)) for r, z in where.items())
        return text if explicit else f"{text}: every region that is not a standby (no placement stated)"

    # --- the document -----------------------------------------------------------------------------------------

    def document(self) -> Document:
        s = self.system
        doc = Document(
            title=f"{cell(s.title or s.name)}: design",
            subtitle=f"System `{s.name}`, generated by designc from {', '.join(code(f) for f in self.model.files)}. "
            "Edit the design, not this file.",
        )
        doc.sections = [
            self.overview(),
            self.architecture(),
            self.components(),
            self.data(),
            self.flows(),
            self.scaling(),
            self.technology(),
            self.findings(),
        ]
        self.anchor_all(doc)
        return doc

    def overview(self) -> Section:
        s, req = self.system, self.req
        sec = self.section("Overview and requirements", 2)
        sec.blocks.append(Para(cell(s.description) if s.description else f"Purpose: {NOT_STATED}."))
        facts = [
            f"**Owner**: {cell(s.owner or NOT_STATED)}",
            f"**Components**: {len(self.internal)} inside the system, "
            + _count(sum(1 for c in self.model.components if c.kind == "client"), "client")
            + ", "
            + _count(sum(1 for c in self.model.components if c.kind == "external"), "external dependency")
            + "; "
            + _count(len(self.model.regions), "region"),
        ]
        if s.tags:
            facts.append(f"**Tags**: {cell(', '.join(s.tags))}")
        if s.technology is not None:
            facts.append(
                f"**Platform**: {cell(s.technology.name)}"
                + (f" (because {cell(s.technology.reason)})" if s.technology.reason else "")
            )
        for k, v in s.properties.items():
            facts.append(f"**{k.replace('_', ' ')}**: {cell(v)}")
        sec.blocks.append(Bullets(facts))
        from designc.analysis.graph import minutes as fmt_minutes
        from designc.analysis.graph import minutes_per_30_days

        rows = [
            ["Peak load", self.rate(req.peak_load)],
            ["Sustained load", self.rate(req.sustained_load)],
            ["Latency", self.latencies(req.latency)],
            [
                "Availability",
                NOT_STATED
                if req.availability is None
                else f"{self.pct(req.availability)} ({fmt_minutes(minutes_per_30_days(req.availability))} of downtime "
                "per 30 days)",
            ],
            ["Durability", self.pct(req.durability)],
            ["RPO (data that may be lost)", self.dur(req.rpo)],
            ["RTO (time to recover)", self.dur(req.rto)],
            ["Largest failure to ride through", words(req.survive)],
            ["Compliance", ", ".join(x.upper().replace("_", " ") for x in req.compliance) or NOT_STATED],
            [
                "Data residency",
                "; ".join(f"{r.data} only in {', '.join(r.regions)}" for r in req.residency) or NOT_STATED,
            ],
        ]
        sub = self.section("Requirements", 3)
        sub.blocks.append(Table(["Requirement", "Target"], [[a, cell(b)] for a, b in rows]))
        sec.blocks.append(sub)
        stance = self.section("Consistency under partition and in normal operation", 3)
        p = req.partition
        stance.blocks.append(
            Para(
                (
                    f"Under a network partition (CAP) the system {CAP_WORDS[p.prefer]}."
                    if p.prefer
                    else f"What the system does under a network partition (CAP): {NOT_STATED}."
                )
                + (
                    f" In normal operation it {PACELC_WORDS[p.normal]}."
                    if p.normal
                    else f" Whether it trades latency for consistency in normal operation (PACELC): {NOT_STATED}."
                )
            )
        )
        overrides = [
            c
            for c in self.model.components
            if getattr(c, "partition", None) is not None and (c.partition.prefer or c.partition.normal)
        ]
        if overrides:
            stance.blocks.append(Para("Stores that state their own stance:"))
            stance.blocks.append(Bullets([f"{self.link(c.name)}: {stance_words(c.partition)}" for c in overrides]))
        sec.blocks.append(stance)
        return sec

    def architecture(self) -> Section:
        sec = self.section("Architecture", 2)
        by_id = {v.id: v for v in self.views}
        from ._dot import dot_program

        svg = "svg" in self.build.targets and dot_program() is not None  # without `dot`, no SVG is written
        for vid, caption in (
            ("context", "Context: who calls the system and what it calls outside."),
            ("container", "Containers: every component and how they call each other."),
        ):
            v = by_id.get(vid)
            if v is None:
                continue
            sec.blocks.append(Diagram(vid, caption))
            if svg:
                sec.blocks.append(Para(f"[{cell(v.title)} as SVG](diagrams/{vid}.svg)"))
            for fact in v.facts:
                sec.blocks.append(Para(fact))
        rest = [v for v in self.views if v.id not in ("context", "container")]
        if rest:
            ext = "svg" if svg else ("mmd" if "mermaid" in self.build.targets else None)
            items = []
            for v in rest:
                name = f"[{cell(v.title)}](diagrams/{v.id}.{ext})" if ext else f"{cell(v.title)} ({code(v.id)})"
                items.append(f"{name}: {cell(v.description)}")
            sub = self.section("Other views", 3)
            sub.blocks.append(Bullets(items))
            sec.blocks.append(sub)
        return sec

    def components(self) -> Section:
        sec = self.section("Components", 2)
        subs = []
        for c in self.model.components:
            sub = self.section(f"{c.name}" + (f": {cell(c.title)}" if c.title else ""), 3)
            self.section_of[id(sub)] = c.name
            subs.append((c, sub))
        rows = []
        inherited = self.owners_inherited()
        for c, _ in subs:
            tech = c.technology.name if c.technology else (c.engine or getattr(c, "provider", None) or "")
            row = [self.link(c.name), c.kind, cell(c.description or NOT_STATED), cell(tech or NOT_STATED)]
            rows.append(row if inherited else [*row, cell(self.owner(c))])
        headers = ["Component", "Kind", "Responsibility", "Technology"]
        sec.blocks.append(Table(headers if inherited else [*headers, "Owner"], rows))
        if inherited:
            sec.blocks.append(
                Para(
                    f"Every component inside the system is owned by the system's owner, {cell(self.system.owner)}, as "
                    "none states its own."
                )
            )
        for c, sub in subs:
            sub.blocks.append(Para(cell(c.description) if c.description else f"Responsibility: {NOT_STATED}."))
            sub.blocks.append(Bullets(self.component_facts(c)))
            sec.blocks.append(sub)
        return sec

    def owners_inherited(self) -> bool:
        """Whether the system states an owner and no component states one: then every component inside the system
        is the system's, and the document says so once rather than per component."""
        return bool(self.system.owner) and not any(c.owner for c in self.model.components)

    def owner(self, c: Any) -> str:
        """Who owns a component: its own `owner`; else, inside the system, the system's (a component inherits
        it); else for an external its provider. A client (merchants' terminals, a partner's app) may be anyone's."""
        if c.owner:
            return c.owner
        if c.kind == "external":
            provider = getattr(c, "provider", None)
            return f"{provider} (its provider)" if provider else NOT_STATED
        if c.kind != "client" and self.system.owner:
            return f"{self.system.owner} (the system's)"
        return NOT_STATED

    def component_facts(self, c: Any) -> list[str]:
        facts = [f"**Kind**: {c.kind}" + (f", based on {', '.join(code(b) for b in c.based_on)}" if c.based_on else "")]
        if c.technology is not None:
            facts.append(
                f"**Technology**: {cell(c.technology.name)}"
                + (f", because {cell(c.technology.reason)}" if c.technology.reason else " (no reason given)")
            )
        elif c.kind == "external" and getattr(c, "provider", None):
            facts.append(f"**Provider**: {cell(c.provider)}")
        elif c.kind != "client":
            facts.append(f"**Technology**: {NOT_STATED}")
        if c.kind == "external":
            where = ", ".join(
                x
                for x in (
                    cell(c.location) if c.location else "",
                    f"under {code(c.jurisdiction)} law" if c.jurisdiction else "",
                )
                if x
            )
            facts.append(f"**Where it processes data**: {where or NOT_STATED}")
        if c.engine:
            facts.append(f"**Engine**: {code(c.engine)}" + (f", managed by {c.managed}" if c.managed else ""))
        if c.kind == "service":
            rep = f"**Replicas**: {self.replicas(c)}"
            auto = getattr(c, "autoscale", None)
            if auto is not None:
                rep += f", autoscaled on {auto.signal} at {self.autoscale_target(auto)}"
            facts.append(rep)
            runs = self.runs_as(c)
            if runs:
                facts.append(f"**Runs as**: {runs}")
            order = {
                "sequential": "one after another (their latencies and timeouts add up)",
                "parallel": "side by side (the slowest counts)",
            }
            said = order.get(c.call_order or "", f"{NOT_STATED} (taken as side by side)")
            facts.append(f"**Its calls for one request**: {said}")
        elif c.kind not in ("client", "external"):
            facts.append(f"**Copies**: {self.g.instances(c.name)} (see [its data section](#{_REF}data:{c.name}{_REF}))")
        if c.kind not in ("client", "external"):
            facts.append(f"**State**: {words(c.state)}")
            facts.append(f"**Placement**: {cell(self.placement(c.name))}")
        if c.kind in ("external", "client"):  # outside the system: who may reach it is not its to say
            if c.trust_boundary:
                facts.append(f"**Trust boundary**: {code(c.trust_boundary)}")
        else:
            facts.append(
                f"**Exposure**: {c.exposure}"
                + (f", trust boundary {code(c.trust_boundary)}" if c.trust_boundary else "")
                + (
                    f"; only {', '.join(self.link(x) for x in c.allowed_callers)} may call it"
                    if c.allowed_callers
                    else ""
                )
            )
        if not self.owners_inherited():  # else the components' section says it once
            facts.append(f"**Owner**: {cell(self.owner(c))}")
        a = self.g.own_availability(c.name)
        if a.value is not None:
            facts.append(f"**Own availability**: {self.pct(a.value, a.how != 'declared')} ({cell(a.detail)})")
        if c.latency:
            facts.append(f"**Own latency**: {self.latencies(c.latency)}")
        if c.slo is not None:
            facts.append(f"**SLO**: {self.slo_text(c.slo)}")
        elif c.kind == "service":
            facts.append(f"**SLO**: {NOT_STATED}")
        if c.kind == "service":
            facts.append(f"**Degrades to**: {cell(c.degrades or NOT_STATED)}")
            if c.api:
                facts.append(
                    "**API**: "
                    + "; ".join(
                        f"{a.version}"
                        + (f" (compatible with {', '.join(a.compatible)})" if a.compatible else "")
                        + (f", {cell(a.style)}" if a.style else "")
                        + (f", contract {code(a.spec)}" if a.spec else "")
                        for a in c.api
                    )
                )
        if c.data:
            facts.append(f"**Data held**: {', '.join(c.data)}")
        calls = self.g.out[c.name]
        called = self.g.inc[c.name]
        if calls:
            facts.append("**Depends on**: " + few([f"{self.link(e.target)} ({e.kind}, {e.mode})" for e in calls]))
        if called:
            facts.append("**Used by**: " + few([f"{self.link(e.source)} ({e.kind})" for e in called]))
        for k, v in c.properties.items():
            facts.append(f"**{k.replace('_', ' ')}**: {cell(v)}")
        found = self.on_comp.get(c.name, [])
        if found:
            counted: dict[tuple[str, str], int] = {}
            for f in sorted(found, key=lambda f: (-f.severity.rank, f.code)):
                counted[(f.code, f.severity.value)] = counted.get((f.code, f.severity.value), 0) + 1
            facts.append(
                "**Findings** (see [Open findings](#open-findings)): "
                + ", ".join(f"{code(k)} {sev}" + (f" ×{n}" if n > 1 else "") for (k, sev), n in counted.items())
            )
        return facts

    def autoscale_target(self, a: Any) -> str:
        if a.signal in ("cpu", "memory"):
            return self.pct(a.target)
        if a.signal == "rps":
            return self.rate(a.target) + " per replica"
        if a.signal == "latency":
            return self.dur(a.target)
        return f"{a.target:g}"

    def slo_parts(self, slo: Any) -> tuple[str, str | None, str | None]:
        """An SLO in words: its objective, its error budget over its window, and its burn-rate alerts."""
        from designc.analysis.graph import minutes as fmt_minutes
        from designc.analysis.graph import minutes_per_30_days

        objective = []
        if slo.availability is not None:
            objective.append(f"availability {self.pct(slo.availability)}")
        if slo.latency:
            objective.append(f"latency {self.latencies(slo.latency)}")
        budget = None
        if slo.availability is not None:
            minutes = minutes_per_30_days(slo.availability) * slo.window / (30 * 86400)
            budget = f"{fmt_minutes(minutes)} per {self.dur(slo.window)}"
        alerts = ", ".join(
            f"{a.name} at {a.burn_rate:g}x burn over {self.dur(a.long_window)}"
            + (f"/{self.dur(a.short_window)}" if a.short_window else "")
            + f" ({a.severity})"
            for a in slo.alerts
        )
        return ", ".join(objective) or NOT_STATED, budget, alerts or None

    def slo_text(self, slo: Any) -> str:
        objective, budget, alerts = self.slo_parts(slo)
        parts = [objective]
        if budget:
            parts.append(f"error budget {budget}")
        if slo.sli:
            parts.append(f"measured as {cell(slo.sli)}")
        if alerts:
            parts.append(f"alerts {alerts}")
        return "; ".join(parts)

    def data(self) -> Section:
        sec = self.section("Data architecture", 2)
        held = [c for c in self.model.components if c.kind in ("store", "stream", "queue", "cache")]
        if not held:
            sec.blocks.append(Para(f"Stores, streams, queues and caches: {NOT_STATED} (the design has none)."))
            return sec
        rows = []
        for c in held:
            rows.append(
                [
                    self.link(c.name),
                    c.kind,
                    cell(c.technology.name if c.technology else (c.engine or NOT_STATED)),
                    cell(self.consistency(c)),
                    cell(self.replication(c)),
                    cell(", ".join(c.data) or NOT_STATED),
                ]
            )
        sec.blocks.append(Table(["Data", "Kind", "Technology", "Consistency", "Replication", "Data classes"], rows))
        for c in held:
            sub = self.section(f"Data: {c.name}", 3)
            self.section_of[id(sub)] = f"data:{c.name}"
            facts = []
            if c.kind == "store":
                facts.append(f"**Data model**: {words(c.model)}")
            if c.kind in ("store", "cache"):
                facts.append(f"**Consistency**: {self.consistency(c)}")
            if c.kind == "store":
                p = c.partition
                if p.prefer or p.normal:
                    facts.append(f"**Stance**: {stance_words(p)}")
            if c.kind != "stream":
                facts.append(f"**Replication**: {cell(self.replication(c))}")
            if c.kind == "store" and c.replica_of:
                facts.append(
                    f"**Read replicas of**: {self.link(c.replica_of)} (its writes arrive here "
                    + ("synchronously)" if replica_feed(c) == "sync" else "late)")
                )
            if c.kind == "store":
                sh = c.sharding
                facts.append(
                    "**Sharding**: "
                    + (
                        NOT_STATED
                        if sh is None
                        else f"{sh.strategy.replace('_', ' ')} on {', '.join(sh.key) or 'an unstated key'}"
                        + (f", {sh.shards} shards" if sh.shards else "")
                        + (f", routed by {sh.routing}" if sh.routing else "")
                    )
                )
                facts.append(f"**Size**: {size(c.size)}" + self.provisioned(c))
            if c.kind == "stream":
                facts.append(
                    f"**Partitions**: {c.partitions or NOT_STATED}; **replication factor**: "
                    f"{c.replication_factor or NOT_STATED}; **min in-sync**: {c.min_insync or NOT_STATED}; "
                    f"**acks**: {c.acks or NOT_STATED}; **ordering**: {c.ordering or NOT_STATED}" + self.provisioned(c)
                )
            if c.kind == "queue":
                facts.append(
                    f"**FIFO**: {yes(c.fifo)}; **max length**: {c.max_length or NOT_STATED}; "
                    f"**overflow**: {words(c.overflow)}; **visibility timeout**: {self.dur(c.visibility_timeout)}; "
                    f"**dead letters**: {yes(c.dead_letter)}"
                )
            if c.kind == "cache":
                facts.append(f"**Holds**: {cell(c.holds or NOT_STATED)}")
                facts.append(
                    f"**TTL**: {self.dur(c.ttl)}; **invalidation**: {words(c.invalidation)}; "
                    f"**eviction**: {words(c.eviction)}; **stampede protection**: {words(c.stampede_protection)}; "
                    f"**memory**: {size(c.max_memory)}" + self.provisioned(c)
                )
                readers = [e for e in self.g.inc[c.name] if e.kind in ("reads", "calls")]
                writers = [e for e in self.g.inc[c.name] if e.kind in ("writes", "publishes")]
                miss = [
                    f"{self.link(e.source)} (on a miss or outage: {e.fallback})" if e.fallback else self.link(e.source)
                    for e in readers
                ]
                facts.append(f"**Read by**: {few(miss) or 'nothing'}")
                if writers:
                    facts.append(f"**Written by**: {few([self.link(e.source) for e in writers])}")
            if c.kind != "cache":
                facts.append(f"**Backup**: {cell(self.backup(c))}")
                facts.append(f"**Retention**: {self.dur(getattr(c, 'retention', None))}")
            sv = getattr(c, "schema_version", None)
            if c.kind in ("store", "stream"):
                facts.append(
                    "**Schema**: "
                    + (
                        NOT_STATED
                        if sv is None
                        else f"{sv.version}"
                        + (f", {sv.compatibility} compatible" if sv.compatibility else "")
                        + (f", registry {sv.registry}" if sv.registry else "")
                        + (f", migrations {words(sv.migrations)}" if sv.migrations else "")
                    )
                )
            facts.append(
                f"**Data classes**: {', '.join(c.data) or NOT_STATED}; **encrypted at rest**: "
                f"{yes(c.encryption_at_rest)}" + (f" (keys in {c.kms})" if c.kms else "")
            )
            sub.blocks.append(Bullets(facts))
            sec.blocks.append(sub)
        return sec

    def consistency(self, c: Any) -> str:
        """What a reader gets: as stated, except that asynchronous read replicas never offer their engine's
        default (a single primary's linearizable): they are behind it."""
        value = getattr(c, "consistency", None)
        if replica_feed(c) == "async" and (value is None or "consistency" in c.inherited):
            return f"eventual (asynchronous read replicas of {c.replica_of})"
        return words(value)

    def replication(self, c: Any) -> str:
        if c.kind == "stream":
            return f"replication factor {c.replication_factor}" if c.replication_factor else NOT_STATED
        r = getattr(c, "replication", None)
        if r is None and replica_feed(c) == "async":
            return f"async from {c.replica_of}" + (f", {_count(c.replicas.min, 'copy')}" if c.replicas else "")
        if r is None:
            n = c.replicas.min if getattr(c, "replicas", None) else None
            if n is None:
                return NOT_STATED
            if n == 1:
                return "none: a single copy (replicas 1)"
            return f"{n} copies (replicas {n}), how they replicate not stated"
        mode = r.mode.replace("_", " ")
        if r.cross_region is not None and r.cross_region != r.mode:
            # replication in tiers: say which copies are which, never let "sync" read as across regions too
            mode = f"{mode} within a region, {r.cross_region} across regions"
        parts = [mode]
        if r.mode == "quorum" and r.n:
            parts.append(f"N={r.n}, R={r.r or '?'}, W={r.w or '?'}")
        if r.replicas:
            parts.append(_count(r.replicas, "copy"))
        if r.spread:
            parts.append(f"spread over {r.spread}")
        if r.regions:
            parts.append(f"in {', '.join(r.regions)}")
        if r.failover:
            parts.append(f"{r.failover} failover")
        if r.cross_region_failover is not None and r.cross_region_failover != r.failover:
            parts.append(f"{r.cross_region_failover} failover across regions")
        if r.fencing is not None:
            parts.append("the old primary fenced" if r.fencing else "no fencing")
        if r.writers:
            parts.append(f"{r.writers} writer{'s' if r.writers == 'multi' else ''}")
        return ", ".join(parts)

    def backup(self, c: Any) -> str:
        b = getattr(c, "backup", None)
        if b is None:
            if getattr(c, "reproducible", None):
                return "none needed: it can be rebuilt from other data"
            return NOT_STATED
        parts = []
        if b.pitr:
            parts.append("point-in-time recovery")
        if b.interval is not None:
            parts.append(f"every {self.dur(b.interval)}")
        if b.rpo is not None:
            parts.append(f"RPO {self.dur(b.rpo)}")
        if b.retention is not None:
            parts.append(f"kept {self.dur(b.retention)}")
        if b.cross_region:
            parts.append("copied to another region")
        if b.encrypted:
            parts.append("encrypted")
        parts.append(f"restores tested {b.tested}" if b.tested else "restore testing not stated")
        return ", ".join(parts)

    def chain_p99(self, ep: str) -> str:
        """A chain's p99: unknown when no step states a latency, a lower bound when some do not (unknown is not
        zero)."""
        g = self.g
        unknown, path = g.chain_unknown(ep), g.chain_path(ep)
        if len(unknown) >= len(path):
            return f"{NOT_STATED} (no step states a latency)"
        figure = self.dur(g.chains[ep].latency)
        return f"at least {figure}" if unknown else figure

    def verdict(self, v: Any, latency: bool = False) -> str:
        """What the rules conclude of an objective (the graph's verdict, as AVL001 and LAT001 judge it): per flow
        where flows enter, else by the figure above; nothing where there is nothing to judge by."""
        word = {True: "met", False: "**not met**", None: "not judged (no figures)"}
        if not v.per_flow:
            return word[v.met]
        each = "; ".join(
            f"flow {code(f.flow)} "
            + (("at least " if f.bound else "") + self.dur(f.figure) if latency else self.pct(f.figure, computed=True))
            + (f" {word[f.met]}" if f.met is not None else " (no figures)")
            if f.figure is not None and f.met is not None
            else f"flow {code(f.flow)} (no figures)"
            for f in v.flows
        )
        return f"judged per flow: {each}"

    def request_flows(self) -> Section:
        """The design's flows as `designc report` works them out: each flow's rate, route, budgets and what breaks
        first at what load; each component's demand against its capacity; what the stores grow by."""
        from designc.analysis.graph import rate
        from designc.report import growth_text, load_report

        load = load_report(self.g)
        sub = self.section("Request flows and load", 3)
        sub.blocks.append(
            Para(
                "Each flow's rate is at peak; its availability is what the components it needs allow (at most, where "
                "some state no figure) and its p99 the sum along its route, with the calls every request makes that "
                "no route names. The first to break is the component with the least headroom, at the multiple of "
                "today's peak where it saturates, every flow growing together."
            )
        )
        rows = []
        for f in load["flows"]:
            routes = "; ".join(" → ".join(self.link(n) for n in r) for r in f["routes"])
            if not f["availability_known"]:
                avail = "unknown"
            else:
                avail = ("at most " if f["availability_unknown"] else "") + self.pct(f["availability"], computed=True)
            # no figure, or none declared on its route: unknown; some missing: a lower bound
            least = f["p99_unknown"] or f["p99_assumed_parallel"]
            p99 = ("at least " if least else "") + self.dur(f["p99"]) if f["p99"] else "unknown"
            if f["bottleneck"] is None:
                breaks = "nothing on it states a capacity"
            elif f["saturates_at_peak_times"] is not None and f["saturates_at_peak_times"] <= 1:
                breaks = f"{self.link(f['bottleneck'])}, already over its capacity at the peak"
            else:
                breaks = (
                    f"{self.link(f['bottleneck'])}, at {f['saturates_at_peak_times']:.3g}x the peak "
                    f"(this flow at {rate(f['saturates_at_rate'])})"
                )
            if f["unsized"]:
                breaks += "; not sized: " + few([self.link(u["component"]) for u in f["unsized"]])
            rows.append([code(f["flow"]), rate(f["rate"]), routes, avail, p99, breaks])
        sub.blocks.append(Table(["Flow", "Rate at peak", "Route", "Availability", "p99", "Breaks first"], rows))
        demand = []
        for c in load["components"]:
            cold = rate(c["demand_cold_cache"]) if c["demand_cold_cache"] else ""
            cap = NOT_STATED if c["capacity"] is None else f"{rate(c['capacity'])} ({cell(c['capacity_from'])})"
            head = "" if c["headroom"] is None else f"{c['headroom'] * 100:.0f}%"
            demand.append(
                [self.link(c["component"]), rate(c["demand"]), rate(c["demand_under_failure"]), cold, cap, head]
            )
        if demand:
            sub.blocks.append(
                Table(
                    ["Component", "Demand at peak", "When callers retry", "With a cold cache", "Capacity", "Headroom"],
                    demand,
                )
            )
        if load["stores"]:
            sub.blocks.append(Bullets([f"{self.link(st['store'])}: {growth_text(st)}" for st in load["stores"]]))
        return sub

    def flows(self) -> Section:
        from designc.analysis.graph import minutes as fmt_minutes
        from designc.analysis.graph import minutes_per_30_days

        g = self.g
        sec = self.section("Data flow and communication", 2)
        sec.blocks.append(Para(f"Service discovery: {cell(self.system.discovery or NOT_STATED)}."))
        if not g.entrypoints:
            sec.blocks.append(
                Para(f"Entrypoints: {NOT_STATED} (no component is public and no client calls one), so no request path.")
            )
        if g.flows:
            sec.blocks.append(self.request_flows())
        for ep in g.entrypoints:
            sub = self.section(f"Entrypoint {ep}", 3)
            allowed, unknown_bits = g.composite(ep)
            goal = g.availability_objective(ep)
            chain = g.chains[ep]
            lat_goal = g.latency_objective(ep)
            av, lv = g.availability_verdict(ep), g.latency_verdict(ep)
            if unknown_bits == g.closure[ep] | g.bit[ep]:
                allows = "unknown: no component on the path states a figure"
            elif unknown_bits:
                allows = (
                    f"at most {self.pct(allowed, computed=True)} (at least "
                    f"{fmt_minutes(minutes_per_30_days(allowed))} of downtime per 30 days; "
                    f"{unknown_bits.bit_count()} state no figure)"
                )
            else:
                allows = (
                    f"{self.pct(allowed, computed=True)} "
                    f"({fmt_minutes(minutes_per_30_days(allowed))} of downtime per 30 days)"
                )
            rows = [
                [
                    "Availability its hard dependencies allow"
                    + (" (a bound: each flow is judged)" if av.per_flow else ""),
                    allows,
                ],
                [
                    "Availability objective",
                    NOT_STATED if goal is None else f"{self.pct(goal[0])} ({goal[1]}): " + self.verdict(av),
                ],
                ["Worst latency chain", " → ".join(self.link(n) for n in g.chain_path(ep))],
                ["Its p99", self.chain_p99(ep)],
                [
                    "Latency objective (p99)",
                    NOT_STATED
                    if lat_goal is None
                    else f"{self.dur(lat_goal[0])} ({lat_goal[1]}): " + self.verdict(lv, latency=True),
                ],
                [
                    "Longest wait the timeouts allow",
                    f"unbounded: {code(chain.untimed.split(' -> ')[0])} calls {code(chain.untimed.split(' -> ')[1])} "
                    "with no timeout"
                    if chain.untimed
                    else self.dur(chain.timeouts),
                ],
                ["Retry amplification (attempts multiplied down the chain from here)", f"{chain.amplification}x"],
            ]
            unknown = g.members(unknown_bits, limit=FEW)
            if unknown:
                rows.append(
                    [
                        "No availability figure (left out, so the figure above is a bound)",
                        few([self.link(n) for n in unknown], unknown_bits.bit_count()),
                    ]
                )
            lat_unknown = g.chain_unknown(ep)
            if lat_unknown:
                rows.append(
                    [
                        "No latency figure (left out, so the p99 above is a lower bound)",
                        few([self.link(n) for n in lat_unknown]),
                    ]
                )
            sub.blocks.append(Table(["Budget", "Figure"], rows))
            closure = g.closure[ep]
            deps = [self.link(n) for n in g.members(closure, limit=FEW)]
            sub.blocks.append(
                Para(f"Hard synchronous dependencies: {few(deps, closure.bit_count()) if deps else 'none'}.")
            )
            sec.blocks.append(sub)
        sync = [e for e in self.model.edges if e.mode == "sync"]
        asyn = [e for e in self.model.edges if e.mode == "async"]
        sub = self.section("Synchronous calls", 3)
        if sync:
            sub.blocks.append(
                Table(
                    ["From", "To", "Protocol", "Timeout and retries", "Resilience", "Security", "Limits"],
                    [
                        [
                            self.link(e.source),
                            f"{e.kind} {self.link(e.target)}",
                            cell(e.protocol or NOT_STATED),
                            cell(self.retries(e)),
                            cell(self.resilience(e)),
                            cell(self.security(e)),
                            cell(self.limits(e)),
                        ]
                        for e in sync
                    ],
                )
            )
        else:
            sub.blocks.append(Para("None."))
        sec.blocks.append(sub)
        sub = self.section("Asynchronous messages", 3)
        if asyn:
            sub.blocks.append(
                Table(
                    ["From", "To", "Delivery", "Idempotency", "Failures", "Ordering and schema", "Security"],
                    [self.async_row(e) for e in asyn],
                )
            )
        else:
            sub.blocks.append(Para("None."))
        sec.blocks.append(sub)
        why = [e for e in self.model.edges if e.reason or e.description]
        if why:
            sub = self.section("What the design says about its edges", 3)
            sub.blocks.append(
                Bullets(
                    [
                        f"{self.link(e.source)} {e.kind} {self.link(e.target)} ({e.mode})"
                        + (f": {cell(e.description)}" if e.description else "")
                        + (f"; because {cell(e.reason)}" if e.reason else "")
                        for e in why
                    ]
                )
            )
            sec.blocks.append(sub)
        return sec

    def async_row(self, e: Any) -> list[str]:
        """A row of the asynchronous messages table. Delivery, idempotency and dead letters belong to the
        consumer; a producer's row says what it asks of the log (acks) instead, and ordering and schema fall back
        to the stream's own."""
        target = self.comps.get(e.target)
        ordering = e.ordering or getattr(target, "ordering", None)
        schema = e.schema_version or (getattr(getattr(target, "schema_version", None), "version", None))
        order = ", ".join(
            x for x in (f"ordered by {ordering}" if ordering else "", f"schema {schema}" if schema else "") if x
        )
        if e.kind == "consumes":
            delivery = words(e.delivery)
            idem = self.idempotency(e)
            failures = f"dead letters {yes(e.dead_letter)}" + (
                f"; retries {e.retries}" if e.retries is not None else ""
            )
        else:
            acks = getattr(target, "acks", None)
            delivery = words(e.delivery) if e.delivery else (f"acks {acks}" if acks else "—")
            if e.outbox:
                delivery += "; from a transactional outbox"
            idem = "idempotency key" if e.idempotency_key else "—"
            failures = f"retries {e.retries}" if e.retries is not None else "—"
        return [
            self.link(e.source),
            f"{e.kind} {self.link(e.target)}" + (f" (group {code(e.group)})" if e.group else ""),
            cell(delivery),
            cell(idem),
            cell(failures),
            cell(order or NOT_STATED),
            cell(self.security(e)),
        ]

    def retries(self, e: Any) -> str:
        parts = [f"timeout {self.dur(e.timeout)}"]
        if e.retries is None:
            parts.append(f"retries {NOT_STATED}")
        elif e.retries == 0:
            parts.append("no retries")
        else:
            r = f"{e.retries} retr{'y' if e.retries == 1 else 'ies'}"
            if e.backoff:
                r += f", {e.backoff} backoff"
                if e.backoff_base is not None:
                    r += f" {self.dur(e.backoff_base)}"
                    if e.backoff_max is not None:
                        r += f"..{self.dur(e.backoff_max)}"
            if e.jitter:
                r += " with jitter"
            if e.retry_budget is not None:
                r += f", budget {self.pct(e.retry_budget)}"
            parts.append(r)
        return "; ".join(parts)

    def resilience(self, e: Any) -> str:
        parts = []
        if e.circuit_breaker:
            parts.append("circuit breaker")
        if e.fallback:
            parts.append(f"fallback {e.fallback}" + (f" via {e.fallback_via}" if e.fallback_via else ""))
        if e.bulkhead:
            parts.append(f"bulkhead {e.bulkhead}")
        if e.criticality:
            parts.append(e.criticality)
        elif e.mode == "sync":
            parts.append("hard" if self.g.is_hard(e) else "soft")
        if e.idempotency_key:
            parts.append("idempotency key")
        return ", ".join(parts) or NOT_STATED

    def security(self, e: Any) -> str:
        parts = [f"auth {e.auth}" if e.auth else f"auth {NOT_STATED}"]
        parts.append(f"encryption {e.encryption}" if e.encryption else f"encryption {NOT_STATED}")
        if e.data:
            parts.append(f"carries {', '.join(e.data)}")
        return ", ".join(parts)

    def limits(self, e: Any) -> str:
        parts = []
        if e.rate_limit is not None:
            parts.append(self.rate_limit(e.rate_limit))
        t = self.comps.get(e.target)
        api = getattr(t, "api", None) if t is not None else None
        if api:
            parts.append("API " + ", ".join(a.version for a in api))
        return ", ".join(parts) or "none"

    def rate_limit(self, r: Any) -> str:
        return f"{self.rate(r.rate)} " + ("in total" if r.per == "total" else f"per {r.per}")

    def idempotency(self, e: Any) -> str:
        if e.idempotent is None and e.idempotency_key is None:
            return NOT_STATED
        parts = []
        if e.idempotent is not None:
            parts.append("idempotent consumer" if e.idempotent else "not idempotent")
        if e.idempotency_key:
            parts.append("idempotency key")
        return ", ".join(parts)

    def scaling(self) -> Section:
        sec = self.section("Scaling and reliability", 2)
        services = [c for c in self.model.components if c.kind == "service"]
        sub = self.section("Capacity and autoscaling", 3)
        peak = self.req.peak_load
        rows = []
        for c in services:
            cap = c.capacity
            top = None
            if cap is not None and c.replicas is not None:
                top = cap * c.replicas.max
            rows.append(
                [
                    self.link(c.name),
                    self.replicas(c),
                    cell(
                        f"{c.autoscale.signal} at {self.autoscale_target(c.autoscale)}" if c.autoscale else NOT_STATED
                    ),
                    self.rate(cap) + (" per replica" if cap is not None else ""),
                    NOT_STATED if top is None else self.rate(top),
                    self.pct(c.headroom),
                    words(c.scaling),
                ]
            )
        if rows:
            sub.blocks.append(
                Table(
                    ["Service", "Replicas", "Autoscaling", "Capacity", "At the most replicas", "Headroom", "Scaling"],
                    rows,
                )
            )
            sub.blocks.append(
                Para(
                    f"The system's peak is {self.rate(peak)}."
                    if peak is not None
                    else f"The system's peak load: {NOT_STATED}."
                )
            )
        else:
            sub.blocks.append(Para("No services."))
        sec.blocks.append(sub)

        sub = self.section("Backpressure, load shedding and rate limits", 3)
        items = []
        for c in services:
            parts = []
            if c.backpressure is not None:
                b = c.backpressure
                parts.append(
                    "backpressure "
                    + ", ".join(
                        x
                        for x in (
                            f"at most {b.max_in_flight} in flight" if b.max_in_flight else "",
                            f"queue {b.queue}" if b.queue is not None else "",
                            f"overflow {b.overflow}" if b.overflow else "",
                        )
                        if x
                    )
                )
            if c.load_shedding:
                parts.append(f"sheds {', '.join(c.load_shedding)} first")
            if c.rate_limit:
                parts.append("rate limits " + ", ".join(self.rate_limit(r) for r in c.rate_limit))
            if parts:
                items.append(f"{self.link(c.name)}: {cell('; '.join(parts))}")
        sub.blocks.append(Bullets(items) if items else Para(f"Backpressure and load shedding: {NOT_STATED}."))
        sec.blocks.append(sub)

        sub = self.section("Fault isolation: zones, regions and cells", 3)
        rows = [
            [
                code(r.name),
                r.role,
                ", ".join(r.zones),
                cell(r.location or NOT_STATED),
                cell(r.jurisdiction or NOT_STATED),
                cell(r.provider or NOT_STATED),
            ]
            for r in self.model.regions
        ]
        sub.blocks.append(Table(["Region", "Role", "Zones", "Location", "Jurisdiction", "Provider"], rows))
        cells = [c for c in services if c.cells is not None or c.cell]
        if cells:
            sub.blocks.append(
                Bullets(
                    [
                        f"{self.link(c.name)}: "
                        + (
                            f"{c.cells.count} cells" + (f" by {c.cells.key}" if c.cells.key else "")
                            if c.cells
                            else f"in cell {c.cell}"
                        )
                        for c in cells
                    ]
                )
            )
        else:
            sub.blocks.append(Para(f"Cells: {NOT_STATED}."))
        sec.blocks.append(sub)

        sub = self.section("Deployment and rollback", 3)
        items = []
        for c in services:
            d = c.deploy
            if d is None:
                items.append(f"{self.link(c.name)}: {NOT_STATED}")
                continue
            text = d.strategy.replace("_", "-")
            if d.steps:
                text += " " + " → ".join(self.pct(x) for x in d.steps)
            if d.bake_time is not None:
                text += f", {self.dur(d.bake_time)} bake time"
            text += f", rollback {d.rollback}" if d.rollback else ", rollback not stated"
            items.append(f"{self.link(c.name)}: {text}")
        sub.blocks.append(Bullets(items) if items else Para("No services."))
        sec.blocks.append(sub)

        sub = self.section("Disaster recovery", 3)
        dr, routing = self.system.disaster_recovery, self.system.routing
        strategy = dr.strategy if dr else None
        facts = [
            f"**Strategy**: {words(strategy.replace('active_active', 'active-active') if strategy else None)}",
            f"**Failover**: {words(dr.failover if dr else None)}",
            f"**Tested**: {cell((dr.tested if dr else None) or NOT_STATED)}",
            f"**Runbook**: {cell((dr.runbook if dr else None) or NOT_STATED)}",
            f"**RPO / RTO**: {self.dur(self.req.rpo)} / {self.dur(self.req.rto)}",
            "**Traffic between regions**: "
            + (
                NOT_STATED
                if routing is None
                else ", ".join(
                    x
                    for x in (
                        f"policy {routing.policy}" if routing.policy else "",
                        ", ".join(f"{r} {self.pct(w)}" for r, w in routing.weights.items()),
                        f"through {cell(routing.ingress)}" if routing.ingress else "",
                    )
                    if x
                )
            ),
        ]
        sub.blocks.append(Bullets(facts))
        sec.blocks.append(sub)

        sub = self.section("Observability, error budgets and alerts", 3)
        o = self.system.observability
        facts = [
            f"**{k.capitalize()}**: {cell(getattr(o, k) or NOT_STATED) if o else NOT_STATED}"
            for k in ("metrics", "tracing", "logs", "dashboards", "alerting")
        ]
        sub.blocks.append(Bullets(facts))
        with_slo = [c for c in self.model.components if c.slo is not None]
        if with_slo:
            sub.blocks.append(
                Table(
                    ["Component", "Objective", "Error budget", "Burn-rate alerts"],
                    [[self.link(c.name), *self.slo_row(c.slo)] for c in with_slo],
                )
            )
        else:
            sub.blocks.append(Para(f"SLOs: {NOT_STATED}."))
        health = [c for c in services if c.health_check is not None]
        missing = [c for c in services if c.health_check is None]
        items = [
            f"{self.link(c.name)}: {c.health_check.kind}"
            + (f" {code(c.health_check.path)}" if c.health_check.path else "")
            + (f" every {self.dur(c.health_check.interval)}" if c.health_check.interval is not None else "")
            for c in health
        ]
        items += [f"{self.link(c.name)}: health check {NOT_STATED}" for c in missing]
        if items:
            sub.blocks.append(Para("Health checks:"))
            sub.blocks.append(Bullets(items))
        sec.blocks.append(sub)
        return sec

    def slo_row(self, slo: Any) -> list[str]:
        objective, budget, alerts = self.slo_parts(slo)
        return [cell(objective), cell(budget or "none (no availability objective)"), cell(alerts or NOT_STATED)]

    def technology(self) -> Section:
        sec = self.section("Technology choices", 2)
        rows = []
        s = self.system
        if s.technology is not None:
            rows.append([f"the system ({code(s.name)})", cell(s.technology.name), cell(s.technology.reason or "")])
        for c in self.model.components:
            if c.technology is not None:
                rows.append([self.link(c.name), cell(c.technology.name), cell(c.technology.reason or "")])
        for e in self.model.edges:
            if e.reason:
                rows.append(
                    [
                        f"{self.link(e.source)} {e.kind} {self.link(e.target)}",
                        f"{e.mode}hronous",
                        cell(e.reason),
                    ]
                )
        if rows:
            for r in rows:
                if not r[2]:
                    r[2] = "no reason given"
            sec.blocks.append(Table(["Where", "Choice", "Because"], rows))
        without = [c for c in self.internal if c.technology is None and not c.engine]
        if without:
            sec.blocks.append(Para(f"Technology {NOT_STATED} for {', '.join(self.link(c.name) for c in without)}."))
        if not rows and not without:
            sec.blocks.append(Para(f"Technology choices: {NOT_STATED}."))
        return sec

    def findings(self) -> Section:
        sec = self.section("Open findings", 2)
        found = sorted(
            self.build.findings,
            key=lambda f: (-f.severity.rank, f.code, f.span.file if f.span else "", f.span.line if f.span else 0),
        )
        if found:
            counts = {}
            for f in found:
                counts[f.severity.value] = counts.get(f.severity.value, 0) + 1
            sec.blocks.append(
                Para(
                    "What `designc check` reports for this design: "
                    + ", ".join(
                        f"{n} {'note' if sev == 'info' else sev}{'s' if n != 1 else ''}" for sev, n in counts.items()
                    )
                    + ". `designc explain CODE` says what each rule checks and how to fix it."
                )
            )
            sec.blocks.append(
                Table(["Code", "Severity", "Where", "Finding", "Fix"], [self.finding_row(f) for f in found])
            )
        else:
            sec.blocks.append(Para("None: `designc check` reports nothing for this design."))
        if self.build.suppressed:
            sub = self.section("Suppressed findings", 3)
            sub.blocks.append(
                Table(
                    ["Code", "Where", "Finding", "Suppressed because"],
                    [
                        [code(f.code), self.where(f), plain(f.message), cell(reason)]
                        for f, reason in sorted(
                            self.build.suppressed, key=lambda x: (x[0].code, x[0].span.line if x[0].span else 0)
                        )
                    ],
                )
            )
            sec.blocks.append(sub)
        return sec

    def where(self, f: Any) -> str:
        path = (f.fingerprint or "").partition("/")[2]
        name = path.split("/")[0].partition(":")[2]
        at = f"{f.span.file}:{f.span.line}" if f.span else ""
        if name in self.comps:
            return f"{self.link(name)} ({at})" if at else self.link(name)
        return code(at) if at else "the system"

    def finding_row(self, f: Any) -> list[str]:
        return [code(f.code), f.severity.value, self.where(f), plain(f.message), plain("; ".join(f.hints) or "")]


FEW = 12  # lists of names in the document stop here and say how many more


def few(items: list[str], total: int | None = None) -> str:
    """At most FEW items, joined, then "and N more"."""
    total = len(items) if total is None else total
    shown = items[:FEW]
    more = total - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def stance_words(p: Any) -> str:
    """A store's CAP and PACELC stance in a few words."""
    cap = f"prefers {p.prefer} under a partition" if p.prefer else "partition stance not stated"
    pacelc = {
        "consistency": "waits for replicas in normal operation",
        "latency": "answers without waiting for replicas",
    }
    return f"{cap}; {pacelc.get(p.normal or '', 'normal-operation stance not stated')}"


def _count(n: int, noun: str) -> str:
    if n == 1:
        return f"1 {noun}"
    return f"{n} {noun[:-1]}ies" if noun.endswith("y") else f"{n} {noun}s"


def document(build: Any) -> Document:
    """The design document of one design; shared between the markdown and html targets of one build."""
    return build.shared("document", lambda: _Doc(build).document())
