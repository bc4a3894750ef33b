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
from .graph import AT_LEAST_SLACK, at_least, capacity_of, load_factor, p99, rate, rate_limits_of, retention_of

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
    parts: dict[str, float] = field(default_factory=dict)  # flow name -> rate
    writes: float = 0.0  # of `rate`, what arrives over `writes` edges (for a store's growth)
    cold: float = 0.0  # `rate` with the caches in front of it cold or lost: every read they take reaches it
    caches: dict[str, float] = field(default_factory=dict)  # cache name -> what it passes on when cold


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


def demand(g: Graph) -> dict[str, Demand]:
    """Each component some flow reaches, and what reaches it at peak. Empty when the design has no flows."""
    out: dict[str, Demand] = {}
    for fl in g.flows:
        entry = out.setdefault(fl.entry, Demand())
        entry.rate += fl.rate
        entry.retried += fl.rate
        entry.parts[fl.flow.name] = entry.parts.get(fl.flow.name, 0.0) + fl.rate
        entry.cold += fl.rate
        for s in fl.steps:
            d = out.setdefault(s.target, Demand())
            d.rate += s.rate
            d.retried += s.retried
            d.parts[fl.flow.name] = d.parts.get(fl.flow.name, 0.0) + s.rate
            if s.target in fl.flow.writes or (s.edge is not None and s.edge.kind in ("writes", "publishes")):
                d.writes += s.rate
            if s.cold is None:
                d.cold += s.rate
            else:
                d.cold += s.cold
                d.caches[s.source] = d.caches.get(s.source, 0.0) + s.cold
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
    """The components a flow cannot do without: its entry, then each step over a hard synchronous edge from a
    component it cannot do without, and the store behind a cache on its route (the data lives there)."""
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


def routed(g: Graph) -> set[str]:
    """Every component some flow's route names."""
    return {n for fl in g.flows for n in fl.flow.components()}


@dataclass
class Needs:
    """What a flow cannot do without (`flow_needs`), kept as sets rather than a list of names: its hard route,
    then each hard dependency of the route that no flow's route names (`targets`), each followed by its own hard
    dependencies not already needed (`deps` works those out again, in that order). ``bits`` is the whole set. A
    flow may need thousands of components and a design have thousands of flows: the names are listed only when
    asked for (`names`), and the availability is worked out per availability figure; the sets of each
    dependency are not kept (17 MiB at 10,000 services), as few flows are ever listed."""

    route: list[str]
    targets: list[str]
    bits: int
    graph: Graph = field(repr=False, compare=False)

    @property
    def deps(self) -> Iterator[tuple[str, int]]:
        """Each dependency in `targets`, and the bitset (`Graph.bit`) of its own hard dependencies not already
        needed (`rest`), in order."""
        g = self.graph
        bit, closure = g.bit, g.closure
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
    """What a flow cannot do without: its hard route (`hard_route`), and the hard dependencies of those
    components that no flow's route names, with theirs (a session store every request reads, though no route
    says so). A dependency another flow's route names is that flow's: the flows say which requests go there."""
    route = hard_route(g, fl)
    on_routes = g.on_routes
    bit, closure = g.bit, g.closure
    seen = 0
    for n in route:
        seen |= bit[n]
    targets: list[str] = []
    succ = g.hard_targets
    for n in route:
        if g.comps[n].kind == "client":
            continue  # a client's other calls (DNS, a CDN) are other requests
        for target in succ[n]:
            if target in on_routes:
                continue
            own = bit[target]
            if seen & own:
                continue
            targets.append(target)
            seen |= closure[target] | own
    return Needs(route, targets, seen, g)


def flow_needs(g: Graph, fl: FlowLoad) -> list[str]:
    """What a flow cannot do without, as names in order (see `needs`)."""
    return needs(g, fl).names(g)


def request_path(g: Graph, fl: FlowLoad) -> list[str]:
    """The components a flow's caller waits for: its entry, then each step over a synchronous edge (or a cache's
    miss) from one of them. Work behind a publish or a consume is not in the request's latency."""
    out = [fl.entry]
    for s in fl.steps:
        e: Any = s.edge
        waited = e is None or s.cold is not None or (e.mode == "sync" and e.kind != "consumes")
        if s.source in out and s.target not in out and waited:
            out.append(s.target)
    return out


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
    unknown_latency: list[str]
    bottleneck: str | None
    bottleneck_headroom: float | None  # capacity / demand - 1
    assumptions: list[str]
    entrypoint: str | None  # the first component of the system it reaches (its route's first, unless a client)
    waits: list[str] = field(default_factory=list)  # what its p99 adds up (`request_path`, no clients)
    # the components on its routes that state no capacity, with their demand, the busiest first: what "what
    # breaks first" cannot count on
    unsized: list[tuple[str, float]] = field(default_factory=list)
    needed: Needs | None = field(default=None, repr=False)
    graph: Graph | None = field(default=None, repr=False, compare=False)
    # the availability as a power per availability figure, and a bound on its distance from `availability` (the
    # product taken in order, a rounding per factor): a flow may need thousands of components
    estimate: float = 1.0
    error: float = 0.0

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
        waits = [n for n in request_path(g, fl) if g.comps[n].kind != "client"]
        latency, unknown_l = 0.0, []
        for n in waits:
            lat = p99(g.comps[n].latency)
            if lat is None:
                unknown_l.append(n)
            else:
                latency += lat
        worst: tuple[float, str] | None = None
        unsized: list[tuple[str, float]] = []
        for n in fl.flow.components():
            cap = capacity(g, n)
            d = g.demand.get(n)
            if d is None or d.rate <= 0 or g.comps[n].kind in ("client", "external"):
                continue
            if cap is None:
                unsized.append((n, d.rate))
                continue
            headroom = cap[0] / d.rate - 1
            if worst is None or headroom < worst[0]:
                worst = (headroom, n)
        out.append(
            FlowBudget(
                name=fl.flow.name,
                rate=fl.rate,
                rate_source=fl.rate_source,
                routes=fl.flow.routes,
                p99=latency if len(unknown_l) < len(waits) else None,
                unknown_latency=unknown_l,
                bottleneck=worst[1] if worst else None,
                bottleneck_headroom=worst[0] if worst else None,
                assumptions=list(dict.fromkeys(fl.assumptions)),
                entrypoint=needed.first(g, skip=clients),
                waits=waits,
                unsized=sorted(unsized, key=lambda x: -x[1]),
                needed=needed,
                graph=g,
                estimate=estimate,
                error=factors * 2.0**-52,
            )
        )
    return out
