"""SPOF001: a single copy on the hard synchronous path of an entrypoint.

**What it checks.** Every component an entrypoint needs to answer (the entrypoint itself and everything it
depends on through hard synchronous edges, transitively) must run more than one copy:

* a service, cache or other component whose `replicas` can drop to one (`replicas 1`, or a range starting at 1);
* a store, queue or stream with no replication (`replication none`, or none declared, or one copy only).

A component with a declared `availability` (an SLA, usually a managed service) is left alone: its redundancy
is the provider's, and the availability rules weigh its figure. Externals are outside the design and left to
the availability rules too. A service that does not say how many replicas it runs is not guessed at. A
component every entrypoint needs, when there are two or more, is reported by SPOF003 instead (the whole system
goes down with it), so one problem gives one finding.

**A single writer.** A replicated store that takes every write on one copy (`writers single`, or a relational
store, one primary, that does not say `writers multi`; as SCL001 reads it) and whose
replication does not say `failover automatic` keeps its data when the writer fails, but not its writes: they
stop until a replica is promoted. With `failover manual` that is a problem (an operator must act first); with no
failover stated it is a gap, since how and how soon the takeover happens is what the design leaves out. Stores
that are replicas of another (`replica_of`), quorum replication and multiple writers are left alone.

When the design states flows, the finding names the flows whose route needs the component; when every one of
them says `criticality soft` (a feature the product can do without for a while, such as search), the finding is
a note.

**Why it matters.** One process, one disk, one machine: its loss, or merely its deployment, takes down every
request that needs it. AWS Well-Architected REL10-BP01 asks for workloads deployed to multiple locations, and
Azure's reliability checklist RE:05 for redundancy at every layer of a critical flow; Treynor et al., "The
Calculus of Service Availability" (ACM Queue 15(2), 2017) show that a service is only as available as its
critical dependencies.

**Example.**

    service api { exposure public; replicas 3; calls auth { timeout 50ms } }
    service auth { replicas 1 }

**Fix.** Run at least two replicas in separate zones (`replicas 2..10`, placed over two or more zones); give a
store replicas (`replication sync { replicas 3; spread zones; failover automatic }`) or use a managed store
with a published SLA; or make the dependency soft with a fallback so the entrypoint survives its loss. A cache
whose misses go to a store or service the caller also reaches is cache-aside: say so with `caches STORE`, and
its reads are no hard dependency (losing it shifts load, it does not fail the request). For a single writer,
promote a replica without an operator (`failover automatic`, with what does it: Patroni, a managed Multi-AZ
database).
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ...model import Cache, Component, Replication, Store
from ..graph import DATA_KINDS, Graph, replication_factor_of, replication_of, single_writer
from ..rule import Finding, Rule, rule


def _shared_by_all(g: Graph) -> int:
    """The bitset of components every entrypoint needs (itself or through hard edges), when there are two or
    more entrypoints; else 0. The AND of the entrypoints' closures: O(entrypoints x components / 64)."""
    eps = g.entrypoints
    if len(eps) < 2:
        return 0
    acc = -1
    for name in eps:
        acc &= g.closure[name] | g.bit[name]
        if not acc:
            return 0
    return acc


def _copies(c: Component) -> int | None:
    """How many copies of a component run at least: the minimum of `replicas`, the copies its replication
    keeps, its replication factor. None for a component that does not say (a data component that does not say
    has one copy: its data lives in one place)."""
    n: int | None = None
    replicas = c.replicas
    if replicas is not None:
        n = replicas.min
        if replicas.max <= 1:
            n = min(n, replicas.max)
    rep = replication_of(c)
    if rep is not None and not isinstance(rep, int) and rep.mode != "none":
        n = max(n or 0, rep.replicas or rep.n or 2)
    rf = replication_factor_of(c)
    if rf:
        n = max(n or 0, rf)
    if n is None and c.kind in DATA_KINDS:
        return 1
    return n


def _single_copy(c: Component) -> tuple[str, str] | None:
    """Why a component runs a single copy: ("data", why) for a data component whose data lives in one copy,
    ("replicas", why) for a component whose replicas can drop to one; None if it does not, or does not say."""
    kind = c.kind
    if kind in ("external", "client") or c.availability is not None:
        return None
    replicas = c.replicas
    if replicas is not None and replicas.max == 0:
        return None
    if kind in DATA_KINDS:
        if (_copies(c) or 1) > 1:
            return None
        rep = replication_of(c)
        rf = replication_factor_of(c)
        if kind == "stream":
            return "data", f"replication {rf}" if rf else "no replication declared"
        if rep is None or isinstance(rep, int):
            return "data", "no replication declared"
        if rep.mode == "none":
            return "data", "replication none"
        return "data", f"replication {rep.mode} with one copy"
    if replicas is None or (replicas.max > 1 and replicas.min != 1):
        return None
    if replicas.min == replicas.max:
        return "replicas", f"replicas {replicas.min}"
    return "replicas", f"replicas {replicas.min}..{replicas.max}"


@rule
class SingleCopyOnCriticalPath(Rule):
    code = "SPOF001"
    name = "single-copy-on-critical-path"
    severity = Severity.WARNING
    summary = "a single replica or an unreplicated store on an entrypoint's hard path"
    practices = ("REL10-BP01", "RE:03", "RE:05")
    subsumes = ("SPOF004",)
    gap_phrase = "no failover stated for its single writer"

    def check(self, g: Graph) -> Iterator[Finding]:
        reach = g.needed_by
        shared = _shared_by_all(g)
        for name, bits in reach.items():
            if shared & g.bit[name]:
                continue  # SPOF003's
            c = g.comps[name]
            single = _single_copy(c)
            if single is None:
                writer = _single_writer(g, c)
                if writer is not None:
                    yield self._writer(g, name, bits, writer)
                continue
            problem, why = single
            if problem == "data":
                what = f"{c.kind} `{name}` keeps a single copy of its data ({why})"
                hints = [
                    f"replicate it: `replication sync {{ replicas 3; spread zones; failover automatic }}` on `{name}`",
                    'or use a managed store and state its SLA: `availability 99.99% source "..."`',
                ]
                if isinstance(c, Cache) and c.caches is None and (behind := _behind(g, name)):
                    hints.append(
                        f"or, if it is a cache-aside cache whose misses go to `{behind}`, say so: `caches {behind}` "
                        f"on `{name}` (losing it then shifts load to `{behind}` instead of failing the request)"
                    )
            else:
                what = f"{c.kind} `{name}` can run a single replica ({why})"
                top = max(2, _max(c))
                wanted = "replicas 2" if top == 2 else f"replicas 2..{top}"
                hints = [f"run at least two replicas in separate zones: `{wanted}` on `{name}`"]
            hints.append(
                "or make the dependency soft (`criticality soft` with a `fallback`) so callers survive its loss"
            )
            notes = g.needed_notes(name, bits)
            soft = soft_only(g, name)
            yield Finding(
                message=f"{what}: a single point of failure for {g.dependents_phrase(name, bits)}"
                + (SOFT_ONLY if soft else ""),
                at=c.span,
                path=g.comp_path(name),
                label="single copy",
                hints=hints,
                notes=notes,
                severity=Severity.INFO if soft else None,
            )

    def _writer(self, g: Graph, name: str, bits: int, rep: Replication) -> Finding:
        """A replicated store whose writes all go to one copy and whose failover is not automatic: the copies keep
        the data, but when the writer fails the writes stop until someone promotes a replica. A gap when the
        failover is not stated at all (how the takeover happens is what the design leaves out)."""
        c = g.comps[name]
        copies = rep.replicas or rep.n or 2
        one = "`writers single`" if rep.writers == "single" else "one primary, as relational stores have"
        shape = f"`replication {rep.mode}` with {copies} copies, {one}"
        who = g.dependents_phrase(name, bits) + (SOFT_ONLY if soft_only(g, name) else "")
        notes = g.needed_notes(name, bits)
        auto = f"`failover automatic` in the `replication` block of `{name}`, with what promotes a replica"
        if rep.failover == "manual":
            return Finding(
                message=f"store `{name}` has a single writer ({shape}) and `failover manual`: when the writer fails,"
                f" writes stop until an operator promotes a replica; a single point of failure for the writes of {who}",
                at=c.span,
                path=g.comp_path(name),
                label="one writer, manual failover",
                hints=[f"promote a replica without an operator: {auto}", self._managed_hint],
                notes=notes,
                severity=Severity.INFO if soft_only(g, name) else None,
            )
        return Finding(
            message=f"store `{name}` has a single writer ({shape}) and states no failover: when the writer fails,"
            " writes stop until a replica is promoted, and the design does not say how or how soon; a single point"
            f" of failure for the writes of {who}",
            at=c.span,
            path=g.comp_path(name),
            label="one writer, failover unstated",
            hints=[
                f"state it: {auto}, or `failover manual` if an operator promotes one (writes stop until then)",
                self._managed_hint,
            ],
            notes=notes,
            gap="-",
        )

    _managed_hint = (
        'or use a managed store with automatic failover and state its SLA: `availability 99.95% source "..."`'
    )


SOFT_ONLY = ", which the design marks `criticality soft` (a feature it can do without for a while)"


def soft_only(g: Graph, name: str) -> bool:
    """Whether the design states flows, and every flow whose hard route a component is on says `criticality
    soft`: losing it degrades a feature, not the system, so its single point of failure is a note."""
    needing = g.flows_needing(name)
    if not needing:
        return False
    soft = {fl.flow.name for fl in g.flows if fl.flow.criticality == "soft"}
    return all(f in soft for f in needing)


def _single_writer(g: Graph, c: Component) -> Replication | None:
    """The replication of a store that keeps several copies but takes its writes on one of them (`writers single`),
    with no automatic failover, when something writes it; else None. Stores that are copies of another
    (`replica_of`), quorum replication, and stores with a declared availability are left alone."""
    if not isinstance(c, Store) or c.availability is not None or c.replica_of is not None:
        return None
    rep = c.replication
    if rep is None or rep.mode not in ("sync", "async", "semi_sync") or not single_writer(c):
        return None
    if rep.failover == "automatic" or (rep.replicas or 2) < 2:
        return None
    written = any(e.kind == "writes" for e in g.inc[c.name]) or any(c.name in fl.flow.writes for fl in g.flows)
    return rep if written else None


def _behind(g: Graph, cache: str) -> str | None:
    """What a cache's readers also reach synchronously, where its misses may go: the first store or service that
    every reader of the cache also calls or reads, if there is one."""
    readers = [e.source for e in g.inc[cache] if e.mode == "sync" and e.kind in ("reads", "calls")]
    common: list[str] | None = None
    for r in readers:
        targets = [
            e.target
            for e in g.sync_out[r]
            if e.target != cache and e.kind in ("reads", "calls") and g.comps[e.target].kind in ("store", "service")
        ]
        common = targets if common is None else [t for t in common if t in targets]
    return common[0] if common else None


def _max(c: Component) -> int:
    replicas = c.replicas
    return replicas.max if replicas is not None else 2
