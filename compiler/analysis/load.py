"""Request flows and the load they put on each component.

A design's `flow` blocks name kinds of request, their rate at peak and the route they take. Walking each route,
the rate at each step is the rate at the step before times the edge's `fanout` (one post delivered to many
timelines); a step from a cache to what it `caches` carries only the misses (`1 - hit_ratio`; a cache with no
`hit_ratio` is counted as missing every time, and said so). A flow's rate already says which requests take its
route, so an edge's `share` is not applied within a flow.

A design without flows keeps the meaning it has always had: every entrypoint is taken to carry the whole
`peak_load`, and each synchronous dependency the same, unless rate limits bound it. Edges that state a `share`
or a `fanout` scale that load as it travels (`share 10%`: one request in ten takes the edge).

Under failure a synchronous step with retries carries up to `1 + retries` times its rate: that is the demand a
component must survive when its callee fails slowly, and it is reported beside the normal demand.

The figures reviewers work out on a whiteboard come from here too: per store, the writes per second and the
storage they add per month and over its retention (from the store's `record` size, at the average rate: the
peak scaled by `sustained_load / peak_load`); per edge, the bandwidth (from a flow's `payload`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from ..model import Cache, Service, Store

# graph imports this module only inside its methods: no cycle
from .graph import (
    AT_LEAST_SLACK,
    at_least,
    backoff_wait,
    capacity_of,
    load_factor,
    p99,
    persistent,
    rate,
    rate_limits_of,
    retention_of,
)

if TYPE_CHECKING:
    from ..model import Edge, Flow
    from .graph import Graph

MONTH = 30 * 86400


@dataclass
class Step:
    """One step of a flow's route: from a component to the next, over an edge (None: a cache's miss)."""

    source: str
    target: str
    edge: Edge | None
    rate: float  # requests per second arriving at `target` from this flow, at peak
    retried: float  # the same under failure, with each synchronous step's retries
    note: str = ""  # how the rate was scaled: "x200 fan-out", "20% misses (hit ratio 80%)"
    cold: float | None = None  # a cache's miss: what reaches `target` when the cache is cold or lost (every read)


@dataclass
class FlowLoad:
    flow: Flow
    rate: float  # at its entry
    rate_source: str  # "4000 rps" or "20% of the peak load of 5000 rps"
    steps: list[Step] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)  # e.g. caches with no hit ratio

    @property
    def entry(self) -> str:
        return self.flow.routes[0][0]


@dataclass
class Demand:
    """What reaches a component at peak: the sum over flows, and each flow's part."""

    rate: float = 0.0
    retried: float = 0.0
    routed: dict[str, float] = field(default_factory=dict)  # flow name -> rate, over its routes' steps
    writes: float = 0.0  # of `rate`, what arrives over `writes` edges (for a store's growth)
    cold: float = 0.0  # `rate` with the caches in front of it cold or lost: every read they take reaches it
    caches: dict[str, float] = field(default_factory=dict)  # cache name -> what it passes on when cold
    unrouted: float = 0.0  # of `rate`, what arrives over calls no route takes (`unrouted_demand`)
    graph: Graph | None = field(default=None, repr=False, compare=False)  # to work out `parts` when asked
    name: str = ""

    @cached_property
    def parts(self) -> dict[str, float]:
        """Flow name -> rate: over its routes' steps, and over the calls no route takes (`unrouted_parts`)."""
        if not self.unrouted or self.graph is None:
            return self.routed
        out = dict(self.routed)
        for flow, r in unrouted_parts(self.graph, self.name).items():
            out[flow] = out.get(flow, 0.0) + r
        return out


def _step_edge(g: Graph, a: str, b: str, writing: bool) -> Edge | None:
    """The edge a route's step from `a` to `b` follows: a's edge to b (when there are several, its `writes` for
    a flow that writes `b`, else a read or call; a synchronous one first), or b's `consumes` of a."""

    def rank(e: Edge) -> tuple[bool, bool]:
        return ((e.kind in ("writes", "publishes")) == writing, e.mode == "sync")

    # the edges between the two found by their targets' names (`out_targets`): only those are reached
    out, targets = g.out.get(a, []), g.out_targets.get(a, [])
    candidates = [e for i, t in enumerate(targets) if t == b and (e := out[i]).kind != "consumes"]
    if candidates:
        return max(candidates, key=rank)
    out, targets = g.out.get(b, []), g.out_targets.get(b, [])
    for i, t in enumerate(targets):
        if t == a and (e := out[i]).kind == "consumes":
            return e
    return None


def flow_loads(g: Graph) -> list[FlowLoad]:
    """Each flow of the design walked along its route (flows with no rate or an unusable route are skipped:
    the resolver has reported them)."""
    if g.system is None:
        return []
    peak = g.requirements.peak_load if g.requirements is not None else None
    out: list[FlowLoad] = []
    for f in g.system.flows:
        if f.rate is not None:
            start, source = f.rate, rate(f.rate)
        elif f.share is not None and peak:
            start, source = f.share * peak, f"{f.share * 100:g}% of the peak load of {rate(peak)}"
        else:
            continue
        names = f.components()
        if not f.routes or any(len(r) < 2 for r in f.routes) or any(n not in g.comps for n in names):
            continue
        fl = FlowLoad(f, start, source)
        at: dict[str, tuple[float, float]] = {f.routes[0][0]: (start, start)}  # rate where each route may branch
        ok = True
        for route in f.routes:
            if route[0] not in at:
                ok = False
                break
            r, retried = at[route[0]]
            for i, (a, b) in enumerate(pairwise(route)):
                e = _step_edge(g, a, b, b in f.writes)
                note = ""
                cold = None
                src = g.comps[a]
                # a read-through cache's own read of what it `caches` is a miss too
                miss = isinstance(src, Cache) and src.caches == b and (e is None or e.kind == "reads")
                if e is not None and not miss:
                    if e.fanout:
                        r, retried = r * e.fanout, retried * e.fanout
                        note = f"x{e.fanout:g} fan-out"
                    if e.mode == "sync" and e.kind != "consumes" and e.retries:
                        retried *= load_factor(e)
                elif not miss:
                    ok = False
                    break
                else:
                    cold = r
                    hit = src.hit_ratio if isinstance(src, Cache) else None
                    if hit is None:
                        fl.assumptions.append(f"`{a}` states no `hit_ratio`: every read counted as a miss")
                        note = "every read a miss (no hit ratio stated)"
                    else:
                        r, retried = r * (1 - hit), retried * (1 - hit)
                        note = f"{(1 - hit) * 100:g}% misses (hit ratio {hit * 100:g}%)"
                    # a miss is the cache's caller reading the store itself: that call's retries apply
                    caller = _step_edge(g, route[i - 1], b, b in f.writes) if i > 0 else None
                    if caller is not None and caller.mode == "sync" and caller.retries:
                        retried *= load_factor(caller)
                    elif e is not None and e.mode == "sync" and e.retries:
                        retried *= load_factor(e)
                fl.steps.append(Step(a, b, e, r, retried, note, cold))
                at.setdefault(b, (r, retried))
            if not ok:
                break
        if ok:
            out.append(fl)
    return out


def _arrivals(g: Graph, fl: FlowLoad) -> dict[str, tuple[float, float]]:
    """What reaches each component a flow reaches (its entry, unless a client, and each step's target), at peak and
    under failure: the rates at which it makes its unrouted calls for that flow."""
    out: dict[str, tuple[float, float]] = {}
    if g.comps[fl.entry].kind != "client":
        out[fl.entry] = (fl.rate, fl.rate)
    for st in fl.steps:
        r, retried = out.get(st.target, (0.0, 0.0))
        out[st.target] = (r + st.rate, retried + st.retried)
    return out


def unrouted_demand(g: Graph) -> dict[str, tuple[float, float, float]]:
    """What the flows bring, at peak, to each component over the calls no flow's route takes (`Graph.unrouted_out`):
    every component a flow reaches makes them at the rate that reaches it, and their callees theirs in turn. As on
    a route's steps, the rate is multiplied by an edge's `fanout`, and under failure by the attempts of a call with
    retries (`load_factor`); a call that closes a cycle is not followed. Per component: (rate, under failure, of the
    rate what arrives over `writes` and `publishes`).

    Rates add up along calls, so every flow is carried at once, in one pass over the components their unrouted
    calls reach (callers first): a flow's own part of a component is worked out only when asked for
    (`unrouted_parts`)."""
    succ = g.unrouted_out
    arriving: dict[str, list[float]] = {}
    for fl in g.flows:
        for n, (r, retried) in _arrivals(g, fl).items():
            if succ[n]:
                a = arriving.setdefault(n, [0.0, 0.0])
                a[0] += r
                a[1] += retried
    if not arriving:
        return {}
    reached = set(arriving)
    stack = list(reached)
    while stack:
        for e in succ[stack.pop()]:
            if e.target not in reached:
                reached.add(e.target)
                stack.append(e.target)
    comp_of, _ = g._unrouted_scc
    out: dict[str, list[float]] = {}
    for n in sorted(reached, key=lambda x: -comp_of[x]):  # `_unrouted_scc` lists callees first
        a = arriving.get(n)
        u = out.get(n)
        r = (a[0] if a else 0.0) + (u[0] if u else 0.0)
        retried = (a[1] if a else 0.0) + (u[1] if u else 0.0)
        if not r and not retried:
            continue
        here = comp_of[n]
        for e in succ[n]:
            t = e.target
            if comp_of[t] == here:
                continue  # a cycle closing: the cycle rule reports it
            fan = e.fanout or 1.0
            v = out.setdefault(t, [0.0, 0.0, 0.0])
            v[0] += r * fan
            v[1] += retried * fan * (load_factor(e) if e.retries else 1.0)
            if e.kind in ("writes", "publishes"):
                v[2] += r * fan
    return {n: (v[0], v[1], v[2]) for n, v in out.items()}


def all_unrouted_parts(g: Graph) -> dict[str, dict[str, float]]:
    """`unrouted_parts` of every component at once (for the report, which lists them all): each flow's rates
    carried down the unrouted calls together, callers first, as `unrouted_demand` carries their sum. Kept in
    the graph's memo, where `unrouted_parts` finds them."""
    done = g.memo.get("unrouted_parts")
    if done is not None:
        return done
    succ = g.unrouted_out
    comp_of, _ = g._unrouted_scc
    carried: dict[str, dict[str, float]] = {}
    arriving: dict[str, dict[str, float]] = {}
    for fl in g.flows:
        for n, (r, _) in _arrivals(g, fl).items():
            if succ[n]:
                a = arriving.setdefault(n, {})
                a[fl.flow.name] = a.get(fl.flow.name, 0.0) + r
    for n in sorted(set(arriving) | set(unrouted_demand(g)), key=lambda x: -comp_of[x]):
        here: dict[str, float] = dict(arriving.get(n, {}))
        for f, r in carried.get(n, {}).items():
            here[f] = here.get(f, 0.0) + r
        for e in succ[n]:
            t = e.target
            if comp_of[t] == comp_of[n]:
                continue
            fan = e.fanout or 1.0
            to = carried.setdefault(t, {})
            for f, r in here.items():
                to[f] = to.get(f, 0.0) + r * fan
    order = {fl.flow.name: i for i, fl in enumerate(g.flows)}
    done = {n: {f: ps[f] for f in sorted(ps, key=order.__getitem__) if ps[f]} for n, ps in carried.items()}
    g.memo["unrouted_parts"] = done
    return done


def unrouted_parts(g: Graph, name: str) -> dict[str, float]:
    """Each flow's part of what reaches a component over unrouted calls (`unrouted_demand`): how much of a request
    at each component above it reaches it (the product of the `fanout`s, summed over the ways down), worked out
    backwards from it once, then each flow's arrivals weighed by that. From `all_unrouted_parts` when the report
    has worked them all out."""
    if (done := g.memo.get("unrouted_parts")) is not None:
        return done.get(name, {})
    comp_of, _ = g._unrouted_scc
    callers = g.memo.get("unrouted_in")
    if callers is None:
        callers = {}
        for n, es in g.unrouted_out.items():
            for e in es:
                if comp_of[e.target] != comp_of[n]:
                    callers.setdefault(e.target, []).append(e)
        g.memo["unrouted_in"] = callers
    # every component above it, callees first, each with the share of its request that reaches `name`
    above = {name}
    stack = [name]
    while stack:
        for e in callers.get(stack.pop(), ()):
            if e.source not in above:
                above.add(e.source)
                stack.append(e.source)
    arriving = g.memo.get("unrouted_arrivals")  # component -> (flow, rate) of each flow that reaches it
    if arriving is None:
        arriving = {}
        for fl in g.flows:
            for n, (r, _) in _arrivals(g, fl).items():
                arriving.setdefault(n, []).append((fl.flow.name, r))
        g.memo["unrouted_arrivals"] = arriving
    share: dict[str, float] = {name: 1.0}
    out: dict[str, float] = {}
    for n in sorted(above, key=lambda x: comp_of[x]):
        if n == name:
            continue
        v = 0.0
        for e in g.unrouted_out[n]:
            if (below := share.get(e.target)) is not None:
                v += (e.fanout or 1.0) * below
        share[n] = v
        for flow, r in arriving.get(n, ()):
            out[flow] = out.get(flow, 0.0) + r * v
    # in the flows' order, as the parts over routes are
    order = {fl.flow.name: i for i, fl in enumerate(g.flows)}
    return {f: out[f] for f in sorted(out, key=order.__getitem__) if out[f]}


def demand(g: Graph) -> dict[str, Demand]:
    """Each component some flow reaches, and what reaches it at peak. Empty when the design has no flows."""
    out: dict[str, Demand] = {}
    for fl in g.flows:
        entry = out.setdefault(fl.entry, Demand())
        entry.rate += fl.rate
        entry.retried += fl.rate
        entry.routed[fl.flow.name] = entry.routed.get(fl.flow.name, 0.0) + fl.rate
        entry.cold += fl.rate
        for s in fl.steps:
            d = out.setdefault(s.target, Demand())
            d.rate += s.rate
            d.retried += s.retried
            d.routed[fl.flow.name] = d.routed.get(fl.flow.name, 0.0) + s.rate
            if s.target in fl.flow.writes or (s.edge is not None and s.edge.kind in ("writes", "publishes")):
                d.writes += s.rate
            if s.cold is None:
                d.cold += s.rate
            else:
                d.cold += s.cold
                d.caches[s.source] = d.caches.get(s.source, 0.0) + s.cold
    for name, (r, retried, writes) in unrouted_demand(g).items():
        d = out.setdefault(name, Demand())
        d.rate += r
        d.retried += retried
        d.writes += writes
        d.cold += r
        d.unrouted = r
        d.graph, d.name = g, name
    return out


def load_at(g: Graph, name: str, peak: float, own_limit: bool = True) -> tuple[float, str]:
    """The load a component must carry at peak, and what it comes from ("" when it is the whole peak).

    With flows that reach it: their sum. Otherwise the whole peak, bounded by the component's own total
    `rate_limit` or by total rate limits on every synchronous edge into it, and scaled by the `share` and
    `fanout` of the edges that lead to it. ``own_limit`` False leaves out the component's own rate limit (when
    that limit is the quota being checked)."""
    d = g.demand.get(name)
    if d is not None:
        parts = sorted(d.parts.items(), key=lambda kv: -kv[1])
        shown = ", ".join(f"`{n}` {rate(v)}" for n, v in parts[:3])
        more = f" and {len(parts) - 3} more" if len(parts) > 3 else ""
        return d.rate, f"the flows through it: {shown}{more}"
    c = g.comps[name]
    load, why = peak, ""
    scale = g.share_scale.get(name) if g.scaled else None  # without a `share` or `fanout`, every share is 1.0
    if scale is not None and scale != 1.0:
        load, why = peak * scale, f"{scale * 100:.3g}% of the peak, from the `share` and `fanout` of the edges to it"
    own = [r.rate for r in rate_limits_of(c) if r.per == "total"] if own_limit else []
    if own and min(own) < load:
        load, why = min(own), f"its own rate limit of {rate(min(own))}"
    inc = [e for e in g.inc[name] if e.mode == "sync" and g.comps[e.source].kind != "client"]
    if inc and all(e.rate_limit is not None and e.rate_limit.per == "total" for e in inc):
        bound = sum(e.rate_limit.rate for e in inc if e.rate_limit is not None)
        if bound < load:
            load, why = bound, "the rate limits on the calls into it"
    return load, why


def share_scale(g: Graph) -> dict[str, float]:
    """Without flows: the largest share of the peak that reaches each component from an entrypoint, following
    edges and multiplying their `share` and `fanout` (1 for an edge that states neither). Components reached
    only through edges with neither are 1.0, as they always were."""
    scale: dict[str, float] = {}
    order = list(g.entrypoints)
    for n in order:
        scale[n] = 1.0
    # each edge as the direction load travels it, read from the model once for all the passes
    steps = []
    comps = g.comps
    plain = True  # no edge scales: every share reached is 1.0
    for e in g.design.edges:
        src, dst = (e.target, e.source) if e.kind == "consumes" else (e.source, e.target)
        if dst in comps:
            share, fanout = e.share if e.share is not None else 1.0, e.fanout or 1.0
            if share != 1.0 or fanout != 1.0:
                plain = False
            steps.append((src, dst, share, fanout))
    if plain:
        # the passes below with every factor 1.0: a component is set (to 1.0) the first time a pass reaches it
        for _ in range(3):
            changed = False
            for src, dst, _share, _fanout in steps:
                if src in scale and dst not in scale:
                    scale[dst] = 1.0
                    changed = True
            if not changed:
                break
        return scale
    # relax along edges, largest share wins; a cycle cannot raise a share above what its entry had unless a
    # fan-out multiplies it, so bound the passes
    for _ in range(3):
        changed = False
        for src, dst, share, fanout in steps:
            if src not in scale:
                continue
            s = scale[src] * share * fanout
            if s > scale.get(dst, -1.0) + 1e-12:
                scale[dst] = s
                changed = True
        if not changed:
            break
    return scale


@dataclass(frozen=True)
class Growth:
    """What a store's writes add: at peak, on average (what fills it, month after month), and the storage."""

    peak: float  # writes per second at peak (the flows' rates)
    average: float  # writes per second on average: the peak scaled by sustained_load / peak_load, else the peak
    averaged: bool  # whether the requirements state both loads (else the average is the peak, an upper bound)
    month: float  # bytes added per 30 days at the average
    kept: float | None  # bytes kept over its retention, or None without one


def store_growth(g: Graph) -> dict[str, Growth]:
    """Per store with flows writing to it and a `record` size, its growth. Storage fills at the average rate,
    not the peak: flows state their rate at peak, so with `sustained_load` and `peak_load` both stated the writes
    are scaled by their ratio; without them the peak is taken all day, an upper bound that says so."""
    req = g.requirements
    ratio = (
        req.sustained_load / req.peak_load
        if req is not None and req.sustained_load and req.peak_load and req.sustained_load < req.peak_load
        else None
    )
    out: dict[str, Growth] = {}
    for name, d in g.demand.items():
        c = g.comps[name]
        size = c.record_size if isinstance(c, Store) else None
        if c.kind != "store" or not d.writes or not size:
            continue
        average = d.writes * ratio if ratio is not None else d.writes
        retention = retention_of(c)
        out[name] = Growth(
            d.writes,
            average,
            ratio is not None,
            average * size * MONTH,
            average * size * retention if retention else None,
        )
    return out


def bandwidth(g: Graph) -> dict[tuple[str, str], float]:
    """Bytes per second on each step of a flow with a `payload`, summed per (source, target)."""
    out: dict[tuple[str, str], float] = {}
    for fl in g.flows:
        if not fl.flow.payload:
            continue
        for s in fl.steps:
            out[(s.source, s.target)] = out.get((s.source, s.target), 0.0) + s.rate * fl.flow.payload
    return out


def flows_through(g: Graph, name: str) -> list[str]:
    """The names of the flows whose route passes through a component."""
    return [fl.flow.name for fl in g.flows if name in fl.flow.components()]


def hard_route(g: Graph, fl: FlowLoad) -> list[str]:
    """The route's part of what a flow cannot do without: its entry, then each step over a hard synchronous edge
    from a component it cannot do without, and the store behind a cache on its route (the data lives there).
    `needs` adds what these components call hard on every request over calls no flow's route takes: a route need
    not name those."""
    out = [fl.entry]
    inside = {fl.entry}
    for s in fl.steps:
        e: Any = s.edge
        miss = e is None or s.cold is not None  # a cache's miss: the data lives behind it
        needed = miss or (s.source in inside and e.mode == "sync" and e.kind != "consumes" and g.is_hard(e))
        if needed and s.target not in inside:
            out.append(s.target)
            inside.add(s.target)
    return out


def routed_calls(g: Graph) -> frozenset[tuple[str, str]]:
    """Every call some flow's route takes, as (caller, callee): each step of each route, and for a step from a
    cache to what it `caches` (a miss), the cache's caller reading that store itself (cache-aside: the route's
    step before the cache)."""
    out: set[tuple[str, str]] = set()
    for fl in g.flows:
        for route in fl.flow.routes:
            for i, (a, b) in enumerate(pairwise(route)):
                out.add((a, b))
                src = g.comps.get(a)
                if i > 0 and isinstance(src, Cache) and src.caches == b:
                    out.add((route[i - 1], b))
    return frozenset(out)


def every_request(e: Edge) -> bool:
    """Whether a caller makes a call on every request it serves, and waits for it: synchronous, with no `share`
    (only some requests take it), not made `on connect` and not a connection held open (neither is a request)."""
    return e.mode == "sync" and e.share is None and e.when != "connect" and not persistent(e)


def unrouted_calls(g: Graph) -> dict[str, list[Edge]]:
    """For each component, its hard synchronous calls that every request makes (`every_request`, `Graph.is_hard`:
    no `criticality soft`, no `fallback`) and that no flow's route takes (`routed_calls`). A request that passes
    through the component makes them: the flows do not say they belong to other requests."""
    routed = g.routed_calls
    return {n: [e for e in es if every_request(e) and (n, e.target) not in routed] for n, es in g.hard_out.items()}


@dataclass
class Needs:
    """What a flow cannot do without (`flow_needs`), kept as sets rather than a list of names: its hard route,
    then each callee of the route's hard calls that no flow's route takes (`targets`), each followed by what it
    needs over such calls (`Graph.unrouted_closure`) not already needed (`deps` works those out again, in that
    order). ``bits`` is the whole set. A
    flow may need thousands of components and a design have thousands of flows: the names are listed only when
    asked for (`names`), and the availability is worked out per availability figure; the sets of each
    dependency are not kept (17 MiB at 10,000 services), as few flows are ever listed."""

    route: list[str]
    targets: list[str]
    bits: int
    graph: Graph = field(repr=False, compare=False)

    @property
    def deps(self) -> Iterator[tuple[str, int]]:
        """Each dependency in `targets`, and the bitset (`Graph.bit`) of what it needs over unrouted calls not
        already needed (`rest`), in order."""
        g = self.graph
        bit, closure = g.bit, g.unrouted_closure
        seen = 0
        for n in self.route:
            seen |= bit[n]
        for target in self.targets:
            own = bit[target]
            grown = seen | closure[target] | own
            yield target, grown ^ seen ^ own  # what it adds, itself apart
            seen = grown

    def names(self, g: Graph, skip: int = 0) -> list[str]:
        """The components in order (the hard route, then each dependency before its own), leaving out those in
        the ``skip`` bitset."""
        out = [n for n in self.route if not g.bit[n] & skip]
        for target, rest in self.deps:
            if not g.bit[target] & skip:
                out.append(target)
            out.extend(g.members(rest & ~skip))
        return out

    def first(self, g: Graph, skip: int = 0) -> str | None:
        """The first of `names`, without listing the others."""
        for n in self.route:
            if not g.bit[n] & skip:
                return n
        for target, rest in self.deps:
            if not g.bit[target] & skip:
                return target
            if rest & ~skip:
                return g.members(rest & ~skip, limit=1)[0]
        return None


def needs(g: Graph, fl: FlowLoad) -> Needs:
    """What a flow cannot do without: its hard route (`hard_route`), and what the components on it call hard on
    every request over calls no flow's route takes (`Graph.unrouted_out`), transitively (a session store every
    request reads, a database every request writes, though no route says so). A call some flow's route takes is
    that flow's: the flows say which requests make it. A call is judged by its two ends, not by its callee alone:
    a database another flow's route reaches from elsewhere is still needed by this flow's own writes to it."""
    route = hard_route(g, fl)
    bit, closure = g.bit, g.unrouted_closure
    seen = 0
    for n in route:
        seen |= bit[n]
    targets: list[str] = []
    succ = g.unrouted_out
    for n in route:
        if g.comps[n].kind == "client":
            continue  # a client's other calls (DNS, a CDN) are other requests
        for e in succ[n]:
            target = e.target
            own = bit[target]
            if seen & own:
                continue
            targets.append(target)
            seen |= closure[target] | own
    return Needs(route, targets, seen, g)


def flow_needs(g: Graph, fl: FlowLoad) -> list[str]:
    """What a flow cannot do without, as names in order: its hard route (`hard_route`), then each callee of a hard
    call its components make on every request that no flow's route takes, followed by what that callee needs over
    such calls (see `needs`). A call some route takes belongs to that route's flow; a component another route
    reaches from elsewhere is still counted when this flow's own components call it."""
    return needs(g, fl).names(g)


def request_path(g: Graph, fl: FlowLoad) -> list[str]:
    """The components a flow's caller waits for: its entry, then each step over a synchronous edge (or a cache's
    miss) from one of them. Work behind a publish or a consume is not in the request's latency."""
    return list(_waited(fl))


def _waited(fl: FlowLoad) -> dict[str, str | None]:
    """`request_path` with the step each component is waited for from: component -> its caller on the route
    (None for the entry), in the route's order."""
    out: dict[str, str | None] = {fl.entry: None}
    for s in fl.steps:
        e: Any = s.edge
        waited = e is None or s.cold is not None or (e.mode == "sync" and e.kind != "consumes")
        if s.source in out and s.target not in out and waited:
            out[s.target] = s.source
    return out


@dataclass
class FlowLatency:
    """A flow's p99 (`flow_latency`) and what it adds up."""

    p99: float | None  # None when nothing it waits for states a latency
    waits: list[str]  # the route's components its caller waits for (`request_path`, no clients)
    # those, and those on the chains of its unrouted calls, that state no latency: in parts, listed
    # (`unknown_names`) only when asked for, as they may be hundreds per flow for thousands of flows
    unknown_parts: list[list[str] | OnChains]
    terms: list[tuple[str, float]]  # what the p99 adds up: a component's own p99, or "a -> b" and what it adds
    parallel: str | None = None  # a component whose calls were taken as parallel with no `call_order`: a bound


def unknown_names(g: Graph, parts: list[list[str] | OnChains]) -> list[str]:
    """The components of a flow's `unknown_parts`, in order, each once: a callee's part is its chain's."""
    names: dict[str, None] = {}
    for part in parts:
        if isinstance(part, OnChains):
            for t in part:
                names.update(dict.fromkeys(g.chain_unknown(t)))
        else:
            names.update(dict.fromkeys(part))
    return list(names)


class OnChains(tuple[str, ...]):
    """Callees whose worst chains (`Graph.chain_path`) hold components that declare no latency: a part of a flow's
    `unknown_parts` that `unknown_names` lists (`Graph.chain_unknown`) only when asked for."""


def _unrouted_latency(g: Graph, n: str) -> tuple[list[tuple[str, float]], OnChains, bool, str | None]:
    """What a component's calls that no route takes (`Graph.unrouted_out`) add to a flow's p99 through it, the same
    for every flow (worked out once per component): each call's label and figure (its callee's worst chain, capped
    by its timeout x attempts; times its fanout when the component calls in sequence), the callees whose chains
    hold components that state no latency, whether any chain states one, and the first component whose calls a
    chain took as parallel with no `call_order`."""
    memo = g.memo.setdefault("unrouted_latency", {})
    got = memo.get(n)
    if got is not None:
        return got  # type: ignore[no-any-return]
    chains, known_chain, has_unknown = g.chains, g._chain_known, g.chain_has_unknown
    comp_of, _ = g._sync_scc
    sequential = chains[n].sequential
    calls: list[tuple[str, float]] = []
    unknown: list[str] = []
    known = False
    assumed: str | None = None
    for e in g.unrouted_out[n]:
        t = e.target
        if comp_of[t] == comp_of[n]:
            continue  # a cycle closing: the chains cut it too
        v = chains[t].latency
        if e.timeout is not None:
            v = min(v, e.timeout * (1 + (e.retries or 0)) + backoff_wait(e))
        if known_chain[t]:
            known = True
        if has_unknown[t]:
            unknown.append(t)
        if assumed is None:
            assumed = chains[t].assumed_parallel
        calls.append((f"{n} -> {t}", v * (e.fanout or 1) if sequential else v))
    memo[n] = got = (calls, OnChains(dict.fromkeys(unknown)), known, assumed)
    return got


def flow_latency(g: Graph, fl: FlowLoad) -> FlowLatency:
    """A flow's p99: the p99s of the route's components its caller waits for (`request_path`), one after another
    as the route states them, and at each of them the calls every request makes that no route takes
    (`Graph.unrouted_out`), each worth its callee's worst chain (`Graph.chains`, capped by the call's timeout x
    attempts, as without flows). Those calls add up when the component states `call_order sequential` (a call
    with `fanout N` N times); otherwise they run beside its routed steps and the slowest counts (a lower bound
    when no `call_order` is stated). A component with no latency counts as 0 and is listed in `unknown`."""
    parent = _waited(fl)
    order = list(parent)
    kids: dict[str, int] = {}  # how many routed steps each one waits for
    for p in parent.values():
        if p is not None:
            kids[p] = kids.get(p, 0) + 1
    comps, chains = g.comps, g.chains
    below: dict[str, float] = dict.fromkeys(order, 0.0)  # the figure of each one's routed steps
    fig: dict[str, float] = {}
    terms: dict[str, list[tuple[str, float]]] = {n: [] for n in order}
    # per component: itself if it states no latency, then those on its unrouted calls' chains (`_unrouted_latency`)
    unknown: list[list[str] | OnChains] = []
    known = False
    parallel: str | None = None
    for n in reversed(order):  # a component comes after the one it is waited for from
        c = comps[n]
        if c.kind == "client":
            fig[n] = below[n]
        else:
            own = p99(c.latency) if c.latency else None
            chain = chains[n]
            calls, on_chains, known_calls, assumed = _unrouted_latency(g, n)
            if on_chains:
                unknown.append(on_chains)
            if own is None:
                unknown.append([n])  # before its calls' once the list is turned round
            known = known or known_calls or own is not None
            if parallel is None:
                parallel = assumed
            routed = below[n]
            extra: list[tuple[str, float]] = []
            if chain.sequential:
                extra = [(label, v) for label, v in calls if v > 0]
                add = sum(v for _, v in calls)
            else:
                add = 0.0
                if calls:
                    label, v = max(calls, key=lambda x: x[1])
                    if v > routed:
                        add = v - routed
                        extra = [(label if not routed else f"{label} (beyond the routed steps beside it)", add)]
                    # several calls and no `call_order`: taken as parallel, as the chains take them
                    several = len(calls) + kids.get(n, 0) > 1
                    if parallel is None and several and not getattr(c, "call_order", None):
                        parallel = n
            fig[n] = (own or 0.0) + routed + add
            terms[n] = [*([(n, own)] if own is not None else []), *extra]
        p = parent[n]
        if p is not None:
            below[p] += fig[n]
    entry = order[0]
    waits = [n for n in order if comps[n].kind != "client"]
    unknown.reverse()  # gathered from the route's end: in the route's order, each component before its calls'
    # the terms in the route's order, each component's own p99 before what its unrouted calls add
    added = [t for n in order for t in terms[n]]
    return FlowLatency(fig[entry] if known else None, waits, unknown, added, parallel)


def capacity(g: Graph, name: str) -> tuple[float, str] | None:
    """What a component carries at most, and how that was worked out: a service's maximum replicas times its
    per-replica `capacity`, less its `headroom`; a data component's stated `capacity`. None when not stated."""
    c = g.comps[name]
    cap = capacity_of(c)
    if not cap or c.kind in ("external", "client"):
        return None
    if c.kind == "service":
        if c.replicas is None:
            return None
        headroom = (c.headroom if isinstance(c, Service) else None) or 0.0
        total = c.replicas.max * cap * (1 - headroom)
        how = f"{c.replicas.max} replicas x {rate(cap)}" + (f", less {headroom * 100:g}% headroom" if headroom else "")
        return total, how
    return cap, "its stated capacity"


@dataclass
class FlowBudget:
    """A flow's figures for the report: availability and p99 along the components it cannot do without, and its
    bottleneck (the component with the least headroom over its demand). What it cannot do without is kept as
    sets (`Needs`): `needs`, `unknown_availability` and the exact `availability` are worked out when asked for,
    and `meets` answers from an estimate when the estimate settles it."""

    name: str
    rate: float
    rate_source: str
    routes: list[list[str]]
    p99: float | None  # None when no component on its path states a latency
    unknown_latency_parts: list[list[str] | OnChains]  # `FlowLatency.unknown_parts`: `unknown_latency` lists them
    assumptions: list[str]
    entrypoint: str | None  # the first component of the system it reaches (its route's first, unless a client)
    waits: list[str] = field(default_factory=list)  # the route's components it waits for (`request_path`, no clients)
    # what its p99 adds up (`flow_latency`): a component's own p99, or an unrouted call "a -> b" and what it adds
    latency_terms: list[tuple[str, float]] = field(default_factory=list)
    assumed_parallel: str | None = None  # calls taken as parallel with no `call_order` stated: p99 is a bound
    needed: Needs | None = field(default=None, repr=False)
    load: FlowLoad | None = field(default=None, repr=False)
    graph: Graph | None = field(default=None, repr=False, compare=False)
    # the availability as a power per availability figure, and a bound on its distance from `availability` (the
    # product taken in order, a rounding per factor): a flow may need thousands of components
    estimate: float = 1.0
    error: float = 0.0

    @cached_property
    def unknown_latency(self) -> list[str]:
        """The components on its path that state no latency (counted as 0 ms: its p99 is a lower bound), in the
        route's order, each once."""
        return unknown_names(self.graph, self.unknown_latency_parts) if self.graph is not None else []

    @cached_property
    def _capacities(self) -> tuple[tuple[float, str] | None, list[tuple[str, float]]]:
        """Its bottleneck (the least headroom, and whose) and the components it reaches that state no capacity, with
        their demand, the busiest first: what "what breaks first" cannot count on. The components it reaches are its
        routes', then those its unrouted calls reach (`Graph.unrouted_closure`), in declaration order. Worked out
        when the report asks: a flow may reach thousands."""
        g, fl = self.graph, self.load
        if g is None or fl is None:
            return None, []
        closure, succ = g.unrouted_closure, g.unrouted_out
        route = list(fl.flow.components())
        seen = 0
        for n in route:
            seen |= g.bit[n]
        reach = 0
        for n in route:
            if succ[n] and g.comps[n].kind != "client":
                reach |= closure[n]
        worst: tuple[float, str] | None = None
        unsized: list[tuple[str, float]] = []
        for n in [*route, *g.members(reach & ~seen)]:
            d = g.demand.get(n)
            if d is None or d.rate <= 0 or g.comps[n].kind in ("client", "external"):
                continue
            cap = capacity(g, n)
            if cap is None:
                unsized.append((n, d.rate))
                continue
            headroom = cap[0] / d.rate - 1
            if worst is None or headroom < worst[0]:
                worst = (headroom, n)
        return worst, sorted(unsized, key=lambda x: -x[1])

    @property
    def bottleneck(self) -> str | None:
        return worst[1] if (worst := self._capacities[0]) is not None else None

    @property
    def bottleneck_headroom(self) -> float | None:
        """The bottleneck's capacity / demand - 1."""
        return worst[0] if (worst := self._capacities[0]) is not None else None

    @property
    def unsized(self) -> list[tuple[str, float]]:
        return self._capacities[1]

    @cached_property
    def needs(self) -> list[str]:
        """What its availability multiplies (`flow_needs`), clients left out: they are not the system's budget."""
        if self.needed is None or self.graph is None:
            return []
        return self.needed.names(self.graph, skip=self.graph.client_bits)

    @cached_property
    def unknown_availability(self) -> list[str]:
        """Those of `needs` that state no availability (counted as always up), in the same order."""
        if self.needed is None or self.graph is None:
            return []
        _, unknown = self.graph._availability_classes
        return self.needed.names(self.graph, skip=self.graph.client_bits | ~unknown)

    @cached_property
    def availability(self) -> float:
        """The product of the availability figures of `needs`, in their order."""
        avail = 1.0
        if self.graph is not None:
            for n in self.needs:
                a = self.graph.own_availability(n).value
                if a is not None:
                    avail *= a
        return avail

    def meets(self, target: float) -> bool:
        """`at_least(self.availability, target)`, from the estimate when it is clear of the target by more than
        its error bound."""
        if self.estimate - self.error >= target - AT_LEAST_SLACK:
            return True
        return at_least(self.availability, target)


def flow_budgets(g: Graph) -> list[FlowBudget]:
    out = []
    classes, _ = g._availability_classes
    clients = g.client_bits
    for fl in g.flows:
        needed = needs(g, fl)
        bits = needed.bits & ~clients  # clients: not the system's budget
        # the product of the figures of what it needs, a power per figure: a flow may need thousands of components.
        # Taken in order, each of its m factors rounds by at most one unit in the last place (2**-53 of the value),
        # each power and product here by as much: the two differ by less than (m + 3 x figures) x 2**-52.
        estimate, factors = 1.0, 0
        for a, mask in classes.items():
            if k := (bits & mask).bit_count():
                estimate *= a**k
                factors += k + 3
        lat = flow_latency(g, fl)
        out.append(
            FlowBudget(
                name=fl.flow.name,
                rate=fl.rate,
                rate_source=fl.rate_source,
                routes=fl.flow.routes,
                p99=lat.p99,
                unknown_latency_parts=lat.unknown_parts,
                assumptions=list(dict.fromkeys(fl.assumptions)),
                entrypoint=needed.first(g, skip=clients),
                waits=lat.waits,
                latency_terms=lat.terms,
                assumed_parallel=lat.parallel,
                needed=needed,
                load=fl,
                graph=g,
                estimate=estimate,
                error=factors * 2.0**-52,
            )
        )
    return out
