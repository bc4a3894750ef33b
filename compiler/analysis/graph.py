"""The dependency graph of a design, and the indexes every rule reads.

Built once from the resolved model. Nodes are components; edges are the model's edges (calls, reads, writes,
publishes, consumes). Everything a rule needs that is not a plain field of the model is computed here, once,
in time linear (or near-linear) in components plus edges:

* placement: the regions and zones each component runs in;
* entrypoints: public components and those that clients call;
* hard synchronous dependencies, their transitive closure per component as a bitset over the condensed graph
  (strongly connected components collapsed), and from it the composite availability;
* the longest synchronous chain (p99 latencies and timeouts) and retry amplification, by dynamic programming
  over the condensed graph, never by enumerating paths.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from dataclasses import dataclass
from functools import cached_property
from itertools import compress
from typing import Any

from ..model import Backup, Cache, Component, Design, Edge, External, Queue, Replication, Service, Store, Stream

SYNC_KINDS = ("calls", "reads", "writes")
DATA_KINDS = ("store", "stream", "queue", "cache")  # components that hold data rather than serve requests
STRONG = ("linearizable", "strong", "sequential")  # consistency models that promise one order for everyone
# what `Graph.edges_marked` finds: synchronous edges with no timeout, edges with a `fallback_via`, a `delivery`,
# made `on connect`, with `data`, and the `consumes` and `writes` edges
MARKS = ("untimed", "fallback_via", "delivery", "connect", "data", "consumes", "writes")
WRITER_KINDS = ("writes", "calls")  # what goes to a store's primary; a `reads` is served by a local copy
_DIGITS = bytes.maketrans(b"01", b"\x00\x01")  # binary digits to the 0/1 bytes `itertools.compress` reads


# --- typed reads of the fields only some kinds of component have ------------------------------------------------
# A rule that reads `c.replication` off a service would fail, and a `getattr` with a misspelt name would silently
# read None: these read each field from the kinds that have it, by type, and None (or empty) from the others.


def replication_of(c: Component) -> Replication | None:
    return c.replication if isinstance(c, Store | Queue | Cache) else None


def replica_feed(c: Component) -> str | None:
    """How a store stated as another's read replicas (`replica_of`) gets its writes: "sync" when its own
    `replication` says so, else "async" (the language's default: readers see the writes late); None for a
    component that is no store's replicas. CAP001, the document and the diagrams read it from here."""
    if not isinstance(c, Store) or c.replica_of is None:
        return None
    return "sync" if c.replication is not None and c.replication.mode == "sync" else "async"


def single_writer(c: Component) -> bool:
    """A store whose writes all land on one node: `writers single`, or a relational store (one primary) that does
    not say `writers multi`; never one sharded over several shards. SCL001 (will one node carry the writes) and
    SPOF001 (what stops the writes when it fails) share this reading."""
    if not isinstance(c, Store):
        return False
    if c.sharding is not None and (c.sharding.shards or 2) > 1:
        return False
    rep = c.replication
    if rep is not None and rep.writers is not None:
        return rep.writers == "single"
    return c.model == "relational"


def replication_factor_of(c: Component) -> int | None:
    return c.replication_factor if isinstance(c, Stream) else None


def backup_of(c: Component) -> Backup | None:
    return c.backup if isinstance(c, Store | Stream | Queue) else None


def consistency_of(c: Component) -> str | None:
    return c.consistency if isinstance(c, Store | Cache) else None


def capacity_of(c: Component) -> float | None:
    return c.capacity if isinstance(c, Service | Store | Stream | Queue | Cache) else None


def retention_of(c: Component) -> float | None:
    return c.retention if isinstance(c, Store | Stream | Queue) else None


def rate_limits_of(c: Component) -> list[Any]:
    return c.rate_limit if isinstance(c, Service | External) else []


def reproducible(c: Component) -> bool:
    return isinstance(c, Store) and bool(c.reproducible)


# protocols of connections held open for a session: a WebSocket, a server-sent event stream
PERSISTENT_PROTOCOLS = ("websocket", "ws", "wss", "sse")


def persistent(e: Edge) -> bool:
    """An edge held open for a session (a WebSocket, a subscription, a stream), not a request: `connection
    persistent`, or a WebSocket or event-stream protocol unless `connection request` says otherwise."""
    if e.connection is not None:
        return e.connection == "persistent"
    return (e.protocol or "").lower() in PERSISTENT_PROTOCOLS


def us(seconds: float) -> int:
    """A duration in whole microseconds: limits are compared in these, never in floating point (20 ms + 70 ms is
    exactly 90 ms here, and 90.00000000000001 ms in binary floating point)."""
    return round(seconds * 1_000_000)


AT_LEAST_SLACK = 1e-12


def at_least(value: float, target: float) -> bool:
    """A fraction (an availability) at least its target, to twelve decimals: products of fractions carry
    floating-point dust that must not turn "99.99% against 99.99%" into a finding."""
    return value >= target - AT_LEAST_SLACK


def attempts(e: Edge) -> int:
    """Tries of one request over an edge: the first and its retries (what the caller may wait for)."""
    return 1 + (e.retries or 0)


def backoff_wait(e: Edge, retries: int | None = None) -> float:
    """The longest an edge's retries pause between attempts, from its stated `backoff` (base..max): the sum of
    its pauses before each retry (constant: base each; linear: base, 2 x base, ...; exponential: base, 2 x base,
    4 x base, ...; each at most max). Jitter only shortens a pause, so it does not count. 0 when no backoff range
    is stated or nothing retries. ``retries``: as if the edge stated that many (a hint that proposes fewer)."""
    if retries is None:
        retries = e.retries or 0
    base = e.backoff_base
    if not retries or base is None or e.backoff in (None, "none"):
        return 0.0
    cap = e.backoff_max
    total = 0.0
    for i in range(retries):
        step = base if e.backoff == "constant" else base * (i + 1) if e.backoff == "linear" else base * 2.0**i
        total += step if cap is None or step <= cap else cap
    return total


def worst_wait(e: Edge) -> float:
    """How long a caller may wait on one request over an edge before it gives up: timeout x attempts, plus the
    backoff between attempts (`backoff_wait`). Only for an edge with a timeout."""
    timeout = e.timeout or 0.0
    wait = timeout * attempts(e)
    return wait + backoff_wait(e) if e.backoff_base is not None else wait


def wait_phrase(e: Edge) -> str:
    """How `worst_wait` was worked out, for a message: "3 x 100ms + 150ms of backoff"."""
    n = attempts(e)
    text = duration(e.timeout or 0.0) if n == 1 else f"{n} x {duration(e.timeout or 0.0)}"
    if b := backoff_wait(e):
        text += f" + {duration(b)} of backoff"
    return text


def load_factor(e: Edge) -> float:
    """What an edge's retries multiply its callee's load by when the callee keeps failing: 1 + retries, or,
    with a `retry_budget` (retries allowed as a share of requests), 1 + that share at most."""
    retries = e.retries or 0
    if e.retry_budget is not None:
        return 1 + min(retries, e.retry_budget)
    return 1 + retries


_AT_LEAST_P99 = ("p99", "p999", "max")


def p99(items: list[Any]) -> float | None:
    """The p99 (or the next higher percentile stated) of a list of Latency."""
    if len(items) == 1:  # the usual case (one `latency p99`), read without building the index below
        x = items[0]
        return x.value if x.percentile in _AT_LEAST_P99 else None
    order = ["p99", "p999", "max"]
    by = {x.percentile: x.value for x in items}
    for p in order:
        if p in by:
            return by[p]
    return None


@dataclass
class Availability:
    """A component's own availability and where the figure came from."""

    value: float | None
    how: str  # "declared", "instances", "unknown"
    detail: str = ""


@dataclass(slots=True)
class Chain:
    """The longest synchronous chain below a component. The chain itself is kept as a pointer to the next hop
    (`Graph.chain_path` follows it), so that deep graphs do not copy a path per component."""

    latency: float  # sum of p99 latencies along the worst chain (known figures only)
    timeouts: float  # its own p99 plus the longest wait its timeouts allow
    amplification: float  # product of each edge's load factor along the worst chain (retry budgets cap it)
    next: str | None = None  # the next component on the worst latency chain
    own_unknown: bool = False  # this component declares no latency
    sequential: bool = False  # its calls run one after another (`call_order sequential`): their figures add up
    # a component on or below it makes several synchronous calls and states no `call_order`: they are taken as
    # parallel (the slowest counts), so `latency` and `timeouts` are lower bounds
    assumed_parallel: str | None = None
    # a synchronous call on or below it that states no timeout ("a -> b"): a callee that hangs holds the caller
    # for as long as it hangs, so no wait bounds it (`timeouts` counts only what the stated timeouts allow)
    untimed: str | None = None


@dataclass(frozen=True)
class FlowVerdict:
    """One flow's figure against the objective of the component it enters at."""

    flow: str
    figure: float | None  # its availability, or its p99 (None: no latency stated on its path)
    met: bool | None  # None: no figure to judge by
    # the figure is a bound: an availability at most (some need states no figure), a p99 at least (some component
    # it waits for states no latency, or calls with no `call_order` were taken as parallel)
    bound: bool = False


@dataclass(frozen=True)
class Verdict:
    """What the rules conclude of a component's availability or latency objective (AVL001, LAT001), for every
    output to say the same thing: `met` is False exactly when the rule reports it.

    When flows enter at the component, it is judged per flow (`flows`): `met` is False when a flow misses the
    objective, and `figure` (the product over every hard dependency, or the worst chain) is then only a bound
    that nobody is judged by. Otherwise `figure` is what is judged."""

    objective: float | None
    whose: str  # "its SLO", "the system's requirement"; "" without an objective
    figure: float  # the composite availability, or the worst chain's p99 (known figures only)
    met: bool | None  # None: no objective, or no figure to judge by
    flows: tuple[FlowVerdict, ...] = ()

    @property
    def per_flow(self) -> bool:
        return bool(self.flows)


class Graph:
    def __init__(self, design: Design, options: dict[str, float] | None = None) -> None:
        self.design = design
        self.options = options or {}  # rule options from the configuration (`[tool.designc.options]`)
        self.system = design.system
        self.requirements = design.system.requirements if design.system else None
        self.regions = {r.name: r for r in design.regions}
        self.comps: dict[str, Component] = {c.name: c for c in design.components}
        self.kind: dict[str, str] = {name: c.kind for name, c in self.comps.items()}  # read in every edge loop
        # indexes a rule's helpers build once per design (by name), kept here so every rule shares them
        self.memo: dict[str, Any] = {}
        comps = self.comps
        out: dict[str, list[Edge]] = {n: [] for n in comps}
        inc: dict[str, list[Edge]] = {n: [] for n in comps}
        # the targets of `out`, by name (`out_targets`): a rule that judges an edge by its target first reads the
        # names, and reaches only the edges whose target it must look at (each edge reached costs a cache miss)
        out_succ: dict[str, list[str]] = {n: [] for n in comps}
        # `sync_out`, `hard_out` and their targets (`_sync_and_hard`) in the same pass: on a large design, reaching
        # each edge again costs more than what is read from it (about 0.02 s over 76,000 edges)
        sync_out: dict[str, list[Edge]] = {n: [] for n in comps}
        hard_out: dict[str, list[Edge]] = {n: [] for n in comps}
        sync_succ: dict[str, list[str]] = {n: [] for n in comps}
        hard_succ: dict[str, list[str]] = {n: [] for n in comps}
        sync_wait: dict[str, list[float | None]] = {n: [] for n in comps}  # `sync_timeouts`
        # `is_hard` asks what each cache `caches`; a call to such a cache depends on the caller's other edges (does
        # it reach the store behind?), so its caller is classified again once all of its edges are known
        caches = self._caches
        aside: set[str] = set()
        scaled = False
        # the edges that state what few edges state, by caller, read in the same pass (`edges_marked`): a rule that
        # looks only at those need not reach every edge again (each pass over 76,000 edges cost 0.03 s)
        marked: dict[str, dict[str, list[Edge]]] = {mark: {} for mark in MARKS}
        untimed, via, delivery, connect, data, consumes, writes = (marked[mark] for mark in MARKS)
        for e in design.edges:
            s, t = e.source, e.target
            if e.share is not None or e.fanout:
                scaled = True
            if s in out and t in inc:
                out[s].append(e)
                inc[t].append(e)
                out_succ[s].append(t)
                kind = e.kind
                if kind == "consumes":
                    consumes.setdefault(s, []).append(e)
                elif kind == "writes":
                    writes.setdefault(s, []).append(e)
                if e.fallback_via is not None:
                    via.setdefault(s, []).append(e)
                if e.delivery is not None:
                    delivery.setdefault(s, []).append(e)
                if e.when == "connect":
                    connect.setdefault(s, []).append(e)
                if e.data:
                    data.setdefault(s, []).append(e)
                if e.mode != "sync":
                    continue
                sync_out[s].append(e)
                sync_succ[s].append(t)
                timeout = e.timeout
                sync_wait[s].append(timeout)
                if timeout is None:
                    untimed.setdefault(s, []).append(e)
                # hard as `is_hard` judges, inline (the hottest loop of the analysis); a caller of a cache that
                # caches a store waits for `_classify`. tests/test_analysis.py holds both to `is_hard`.
                crit = e.criticality
                if crit == "soft":
                    continue
                if crit != "hard":
                    if e.fallback is not None:
                        continue
                    if t in caches:
                        aside.add(s)
                        continue
                    if s in caches and caches[s] == t and e.kind == "reads":
                        continue
                hard_out[s].append(e)
                hard_succ[s].append(t)
        for s in aside:
            sync_out[s], hard_out[s], sync_succ[s], hard_succ[s] = self._classify(s, out[s])
        self.out, self.inc, self.out_targets = out, inc, out_succ
        self._sync_and_hard = sync_out, hard_out, sync_succ, hard_succ
        # whether some edge states a `share` or a `fanout`: without one, `share_scale` has nothing but 1.0 to say
        self.scaled = scaled
        # the timeouts of `sync_out`, by caller (None: no timeout), for a rule that judges a call by its timeout
        # and its target before it reaches the edge
        self.sync_timeouts = sync_wait
        self._marked = marked
        self.rtt = {tuple(sorted((r.a, r.b))): r.rtt for r in design.network}

    def edges_marked(self, mark: str) -> list[tuple[str, list[Edge]]]:
        """The edges of `out` with a mark (`MARKS`): each caller that has some, in the order of `comps`, with those
        of its edges, in the order of `out`. A loop over `out` that skips every other edge reads the same edges in
        the same order."""
        by = self._marked[mark]
        return [(n, by[n]) for n in self.comps if n in by] if by else []

    def release(self) -> None:
        """Drop every index worked out (`cached_property` values and `memo`): some refer back to the graph."""
        memo = self.memo
        self.__dict__.clear()
        memo.clear()

    @cached_property
    def survive(self) -> tuple[str | None, str]:
        """The largest failure the system must ride through, and what says so: `survive` as stated, else `region`
        when a recovery strategy fails over automatically between two regions or more (an active-active design,
        or an automatic failover, promises to survive a region whether or not it says `survive region`)."""
        req = self.requirements
        if req is not None and req.survive is not None:
            return req.survive, f"the requirements say `survive {req.survive}`"
        dr = self.system.disaster_recovery if self.system is not None else None
        automatic = dr is not None and (
            dr.strategy == "active_active" or (dr.strategy is not None and dr.failover == "automatic")
        )
        if dr is not None and automatic and len(self.design.regions) >= 2:
            how = "active-active" if dr.strategy == "active_active" else f"`{dr.strategy}` with automatic failover"
            return "region", f"the {how} recovery promises to survive a region"
        return None, ""

    # --- flows and load -----------------------------------------------------------------------------------------

    @cached_property
    def flows(self) -> list[Any]:
        """The design's flows walked along their routes (`load.FlowLoad`)."""
        from .load import flow_loads

        return flow_loads(self)

    @cached_property
    def demand(self) -> dict[str, Any]:
        """What the flows bring to each component at peak (`load.Demand`); empty without flows."""
        from .load import demand

        return demand(self)

    @cached_property
    def flow_budgets(self) -> list[Any]:
        """Each flow's availability and p99 along what it needs (`load.FlowBudget`); empty without flows."""
        from .load import flow_budgets

        return flow_budgets(self)

    @cached_property
    def flow_entrypoints(self) -> frozenset[str]:
        """The components flows enter at (entrypoints, or a job's own): their objectives are judged per flow (a
        read needs the read path, not the write path), not over every hard dependency at once."""
        return frozenset(b.entrypoint for b in self.flow_budgets if b.entrypoint is not None)

    @cached_property
    def share_scale(self) -> dict[str, float]:
        from .load import share_scale

        return share_scale(self)

    def load_at(self, name: str, peak: float, own_limit: bool = True) -> tuple[float, str]:
        """The load a component must carry at peak and what it comes from (see `load.load_at`)."""
        from .load import load_at

        return load_at(self, name, peak, own_limit)

    @cached_property
    def routed_calls(self) -> frozenset[tuple[str, str]]:
        """Every call (caller, callee) some flow's route takes (`load.routed_calls`): those belong to the
        requests of the flows whose routes take them."""
        from .load import routed_calls

        return routed_calls(self)

    @cached_property
    def unrouted_out(self) -> dict[str, list[Edge]]:
        """For each component, the calls every request it serves makes that no flow's route takes
        (`load.unrouted_calls`): a flow passing through it makes them too."""
        from .load import unrouted_calls

        return unrouted_calls(self)

    @property
    def _unrouted_scc(self) -> tuple[dict[str, int], list[list[str]]]:
        """The order `unrouted_out` is walked in, callees first: the hard edges' strongly connected components
        (`_scc`, worked out for the closure anyway). Unrouted calls are hard calls, so callees come first for them
        too; a hard cycle is one group, and a call inside it is not followed (the cycle rule reports it)."""
        return self._scc

    @cached_property
    def unrouted_closure(self) -> dict[str, int]:
        """For each component, the bitset of every component it reaches over `unrouted_out`, transitively (itself
        excluded unless it is in a cycle; a hard cycle counts whole): what a flow that reaches it over such a call
        needs besides it."""
        comp_of, sccs = self._unrouted_scc
        bit, succ = self.bit, self.unrouted_out
        # where no route takes a call below a component, its closure is the hard one (`closure`): that one object
        # is kept, not a copy (12 MiB at 10,000 services), and it is not worked out again
        hard, hard_out = self.closure, self.hard_out
        whole = [False] * len(sccs)
        scc_closure = [0] * len(sccs)
        for i, members in enumerate(sccs):  # callees first
            if all(
                len(succ[m]) == len(hard_out[m])
                and all(whole[comp_of[e.target]] or comp_of[e.target] == i for e in succ[m])
                for m in members
            ):
                whole[i] = True
                scc_closure[i] = hard[members[0]]
                continue
            own = 0
            for m in members:
                own |= bit[m]
            acc = 0
            for m in members:
                for e in succ[m]:
                    j = comp_of[e.target]
                    if j == i:
                        acc |= own
                    else:
                        acc |= scc_closure[j]
                        acc |= bit[e.target]
            scc_closure[i] = acc
        return {name: scc_closure[comp_of[name]] for name in self.comps}

    @cached_property
    def _flows_needing(self) -> dict[str, list[str]]:
        """For each component, the flows whose hard route (`load.hard_route`) it is on, in the flows' order."""
        from .load import hard_route

        # each flow's hard route, from its budget's needs when the budgets are worked out (one per flow, in order)
        budgets = self.__dict__.get("flow_budgets")
        routes = (
            [b.needed.route for b in budgets]
            if budgets is not None and all(b.needed is not None for b in budgets)
            else [hard_route(self, fl) for fl in self.flows]
        )
        out: dict[str, list[str]] = {}
        for fl, route in zip(self.flows, routes, strict=True):
            for n in route:
                out.setdefault(n, []).append(fl.flow.name)
        return out

    def flows_needing(self, name: str) -> list[str]:
        """The names of the flows whose hard route a component is on, in the flows' order (empty without flows)."""
        return self._flows_needing.get(name, [])

    def dependents_phrase(self, name: str, bits: int) -> str:
        """Who loses a component: the flows whose routes cannot do without it when the design states flows (and
        some do), else the entrypoints whose hard path it is on."""
        flows = self._flows_needing.get(name, [])
        if not flows:
            return self.entrypoint_phrase(bits)
        shown = ", ".join(f"`{f}`" for f in flows[:4]) + (f" and {len(flows) - 4} more" if len(flows) > 4 else "")
        return f"flow{'s' if len(flows) > 1 else ''} {shown}"

    def needed_notes(self, name: str, bits: int) -> list[tuple[Any, str]]:
        """Notes for a finding on a component many depend on: up to three entrypoints that need it, each at its
        declaration (the single-point-of-failure rules share them)."""
        return [
            (self.comps[ep].span, f"entrypoint `{ep}` needs `{name}` to answer")
            for ep in self.entrypoint_names(bits, 3)
            if ep != name
        ]

    def load_phrase(self, name: str, bits: int | None) -> str:
        """Why a component carries the peak, for a message: the entrypoints whose hard path it is on; empty when
        flows reach it (the load's own description names them)."""
        if name in self.demand:
            return ""
        return f"it is on the hard path of {self.entrypoint_phrase(bits or 0)}"

    # --- placement ----------------------------------------------------------------------------------------------

    @cached_property
    def placement(self) -> dict[str, dict[str, list[str]]]:
        """Region name to zone names, for every component. Without `placement`: every region that is not a
        standby, all its zones."""
        default = {r.name: list(r.zones) for r in self.design.regions if r.role != "standby"}
        out: dict[str, dict[str, list[str]]] = {}
        for name, c in self.comps.items():
            if c.placement:
                where: dict[str, list[str]] = {}
                for p in c.placement:
                    region = self.regions.get(p.region)
                    zones = list(p.zones) or (list(region.zones) if region else [])
                    where.setdefault(p.region, []).extend(z for z in zones if z not in where.get(p.region, []))
                out[name] = where
            else:
                out[name] = dict(default)
        return out

    def home_region(self, name: str) -> str | None:
        """The first region a component is placed in."""
        return self.home[name]

    @cached_property
    def home(self) -> dict[str, str | None]:
        """The first region each component is placed in."""
        return {name: next(iter(where), None) for name, where in self.placement.items()}

    def zone_count(self, name: str) -> int:
        return sum(len(z) for z in self.placement[name].values())

    def standby_regions(self) -> list[str]:
        return [r.name for r in self.design.regions if r.role == "standby"]

    # --- edges ----------------------------------------------------------------------------------------------------

    def is_sync(self, e: Edge) -> bool:
        return e.mode == "sync"

    def is_hard(self, e: Edge) -> bool:
        """A synchronous dependency the caller fails without. Soft instead: an edge that says `criticality soft`,
        one with a `fallback` (a breaker alone only fails faster), a read or a fill of a cache-aside cache (one
        that `caches` a store the caller also reaches), and a cache's own read of what it `caches` (read-through:
        its hits do not need it). `criticality hard` wins over all of these."""
        if e.mode != "sync" or e.criticality == "soft":
            return False
        if e.criticality == "hard":
            return True
        if e.fallback is not None:
            return False
        # cache-aside: a read of a cache that `caches` a store the caller also reaches falls through to the store
        # when the cache misses or is down, and the write that fills it after a miss is best effort (the answer
        # is already in hand), so the cache is not what the caller fails without
        source = self.comps.get(e.source)
        if isinstance(source, Cache) and e.kind == "reads" and source.caches == e.target:
            return False  # a read-through cache's fetch on a miss: it still answers its hits without the origin
        target = self.comps.get(e.target)
        behind = target.caches if isinstance(target, Cache) else None
        return not (behind and any(x.target == behind for x in self.out[e.source]))

    @cached_property
    def hard_out(self) -> dict[str, list[Edge]]:
        return self._sync_and_hard[1]

    @cached_property
    def sync_out(self) -> dict[str, list[Edge]]:
        return self._sync_and_hard[0]

    @cached_property
    def sync_targets(self) -> dict[str, list[str]]:
        """The targets of `sync_out`, by name: a loop that needs only the names reads them here rather than from
        each edge."""
        return self._sync_and_hard[2]

    @cached_property
    def hard_targets(self) -> dict[str, list[str]]:
        """The targets of `hard_out`, by name."""
        return self._sync_and_hard[3]

    @cached_property
    def _caches(self) -> dict[str, str]:
        """What each cache that `caches` something caches, by the cache's name."""
        return {name: c.caches for name, c in self.comps.items() if isinstance(c, Cache) and c.caches}

    def _classify(self, n: str, es: list[Edge]) -> tuple[list[Edge], list[Edge], list[str], list[str]]:
        """A component's synchronous and hard edges and their targets, from all of its edges (`is_hard`, with
        what it asks of the two ends worked out once): the graph's first pass leaves to this the callers of a
        cache that `caches` a store, whose other edges decide."""
        caches = self._caches
        sync, hard, sync_t, hard_t = [], [], [], []
        own = caches.get(n) if isinstance(self.comps[n], Cache) else None
        for e in es:
            if e.mode != "sync":
                continue
            t = e.target
            sync.append(e)
            sync_t.append(t)
            crit = e.criticality
            if crit == "soft":
                continue
            if crit != "hard":
                if e.fallback is not None:
                    continue
                if own is not None and own == t and e.kind == "reads":
                    continue
                behind = caches.get(t)
                if behind and any(x.target == behind for x in es):
                    continue
            hard.append(e)
            hard_t.append(t)
        return sync, hard, sync_t, hard_t

    @cached_property
    def entrypoints(self) -> list[str]:
        """Components outside callers reach first: public ones, and those clients call."""
        called = {e.target for name, c in self.comps.items() if c.kind == "client" for e in self.out[name]}
        return [
            name for name, c in self.comps.items() if c.kind != "client" and (c.exposure == "public" or name in called)
        ]

    @cached_property
    def needed_by(self) -> dict[str, int]:
        """For every component on the hard path of at least one entrypoint (entrypoints included), the bitset,
        over the indexes of `entrypoints`, of the entrypoints that need it.

        One pass over the condensed graph of hard edges, callers before callees, OR-ing each caller's set into
        its callees': O((components + edges) x entrypoints / 64)."""
        comp_of, sccs = self._scc
        reach = [0] * len(sccs)
        for i, name in enumerate(self.entrypoints):
            reach[comp_of[name]] |= 1 << i
        succ = self.hard_targets
        for i in range(len(sccs) - 1, -1, -1):  # sccs lists callees first: walk callers first
            bits = reach[i]
            if not bits:
                continue
            for m in sccs[i]:
                for t in succ[m]:
                    j = comp_of[t]
                    if j != i:
                        reach[j] |= bits
        return {name: bits for name in self.comps if (bits := reach[comp_of[name]])}

    def entrypoint_names(self, bits: int, limit: int = 4) -> list[str]:
        """At most ``limit`` entrypoint names from a `needed_by` bitset, without walking every bit."""
        eps = self.entrypoints
        names = []
        while bits and len(names) < limit:
            low = bits & -bits
            names.append(eps[low.bit_length() - 1])
            bits ^= low
        return names

    def entrypoint_phrase(self, bits: int, limit: int = 4) -> str:
        """`entrypoint `a``, `entrypoints `a`, `b` and `c``, `entrypoints `a`, ... and 3 more`."""
        total = bits.bit_count()
        names = [f"`{n}`" for n in self.entrypoint_names(bits, limit)]
        noun = "entrypoint" if total == 1 else "entrypoints"
        if total > len(names):
            return f"{noun} {', '.join(names)} and {total - len(names)} more"
        return f"{noun} {joined(names)}"

    @cached_property
    def serving(self) -> dict[str, str]:
        """Components that serve requests: reachable from an entrypoint through synchronous edges (hard or
        soft), each with an entrypoint that reaches it. One breadth-first search from every entrypoint at once."""
        origin = {ep: ep for ep in self.entrypoints}
        succ = self.sync_targets
        todo = deque(origin)
        while todo:
            n = todo.popleft()
            for t in succ[n]:
                if t not in origin:
                    origin[t] = origin[n]
                    todo.append(t)
        return origin

    @cached_property
    def entrypoint_set(self) -> frozenset[str]:
        """The entrypoints, for membership tests."""
        return frozenset(self.entrypoints)

    def edge_path(self, e: Edge) -> str:
        return f"{self.comps[e.source].kind}:{e.source}/{e.kind}:{e.target}"

    def comp_path(self, name: str) -> str:
        return f"{self.comps[name].kind}:{name}"

    # --- objectives ---------------------------------------------------------------------------------------------

    def availability_objective(self, name: str) -> tuple[float, str] | None:
        """The strictest availability a component is held to, and whose it is: its SLO, and for an entrypoint
        the system's requirement."""
        return self._availability_objectives[name]

    @cached_property
    def _availability_objectives(self) -> dict[str, tuple[float, str] | None]:
        return self._objectives[0]

    def latency_objective(self, name: str) -> tuple[float, str] | None:
        """The strictest p99 latency a component is held to, and whose it is (as for availability)."""
        return self._latency_objectives[name]

    @cached_property
    def _latency_objectives(self) -> dict[str, tuple[float, str] | None]:
        return self._objectives[1]

    @cached_property
    def _objectives(
        self,
    ) -> tuple[dict[str, tuple[float, str] | None], dict[str, tuple[float, str] | None]]:
        """`availability_objective` and `latency_objective` of every component, in one pass over the components and
        their SLOs (the requirement's goals read once): reaching 10,000 SLOs again cost about 0.01 s."""
        req = self.requirements
        required_a = None
        if req is not None and req.availability is not None:
            required_a = (req.availability, "the system's requirement")
        required_l = None
        if req is not None and req.latency and (v := p99(req.latency)) is not None:
            required_l = (v, "the system's requirement")
        eps = self.entrypoint_set
        avail: dict[str, tuple[float, str] | None] = {}
        latency: dict[str, tuple[float, str] | None] = {}
        for name, c in self.comps.items():
            slo = c.slo
            own_a = own_l = None
            if slo is not None:
                if slo.availability is not None:
                    own_a = (slo.availability, "its SLO")
                if slo.latency and (v := p99(slo.latency)) is not None:
                    own_l = (v, "its SLO")
            entry = name in eps
            if required_a is not None and entry:
                avail[name] = required_a if own_a is None else max(own_a, required_a)
            else:
                avail[name] = own_a
            if required_l is not None and entry:
                latency[name] = required_l if own_l is None else min(own_l, required_l)
            else:
                latency[name] = own_l
        return avail, latency

    # --- verdicts -----------------------------------------------------------------------------------------------

    def flows_entering(self, name: str) -> list[Any]:
        """The flows (`load.FlowBudget`) that enter the system at a component, in the design's order."""
        return self._flows_entering.get(name, [])

    @cached_property
    def _flows_entering(self) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {}
        for b in self.flow_budgets:
            if b.entrypoint is not None:
                out.setdefault(b.entrypoint, []).append(b)
        return out

    def availability_verdict(self, name: str) -> Verdict:
        """Whether a component meets its availability objective, as AVL001 judges it: per flow when flows enter
        at it, else by the product over every hard dependency (each once; those with no figure counted as up).
        With no figure at all on what it needs, nothing is judged (`met` None)."""
        allowed, unknown = self.composite(name)
        goal = self.availability_objective(name)
        target, whose = goal if goal is not None else (None, "")
        known = bool((self.closure[name] | self.bit[name]) & ~unknown)
        entering = self.flows_entering(name)
        if entering:
            flows = tuple(
                FlowVerdict(
                    b.name,
                    b.availability,
                    # nothing it needs states a figure: nothing to judge by, as for an entrypoint
                    None if target is None or len(b.unknown_availability) >= len(b.needs) else b.meets(target),
                    bool(b.unknown_availability),
                )
                for b in entering
            )
            judged = [f.met for f in flows if f.met is not None]
            met = None if target is None or not judged else all(judged)
            return Verdict(target, whose, allowed, met, flows)
        met = None if target is None or not known else at_least(allowed, target)
        return Verdict(target, whose, allowed, met)

    def latency_verdict(self, name: str) -> Verdict:
        """Whether a component meets its p99 latency objective, as LAT001 judges it (in whole microseconds): per
        flow when flows enter at it (`load.flow_latency`: the route's steps and the calls no route takes), else by
        the worst synchronous chain below it. A figure that is only a lower bound (a component on the way states
        no latency) already misses when it is above the objective. A chain, or a flow, with no latency stated on it
        is not judged (`met` None)."""
        chain = self.chains[name]
        goal = self.latency_objective(name)
        target, whose = goal if goal is not None else (None, "")
        entering = self.flows_entering(name)
        if entering:
            flows = tuple(
                FlowVerdict(
                    b.name,
                    b.p99,
                    None if target is None or b.p99 is None else us(b.p99) <= us(target),
                    bool(b.assumed_parallel) or any(b.unknown_latency_parts),
                )
                for b in entering
            )
            judged = [f.met for f in flows if f.met is not None]
            met = None if target is None or not judged else all(judged)
            return Verdict(target, whose, chain.latency, met, flows)
        met = None if target is None or not self._chain_known[name] else us(chain.latency) <= us(target)
        return Verdict(target, whose, chain.latency, met)

    # --- availability -------------------------------------------------------------------------------------------

    def own_availability(self, name: str) -> Availability:
        cached = self._own.get(name)
        if cached is None:
            cached = self._own[name] = self._own_availability(name)
        return cached

    @cached_property
    def _own(self) -> dict[str, Availability]:
        return {}

    def _own_availability(self, name: str) -> Availability:
        """The component's own availability, its dependencies apart: declared (an SLA), else its instances
        combined over the zones its replicas span, else unknown. (An SLO is a target that includes the
        dependencies, so it is not a figure for the component alone.)"""
        c = self.comps[name]
        if c.availability is not None:
            return Availability(c.availability, "declared", c.availability_source or "declared")
        if c.instance_availability is not None:
            n, declared = self.instances(name), self.zone_count(name)
            zones = declared or 1
            a = _instances_availability(c.instance_availability, n, zones)
            each = pct(c.instance_availability)
            if n == 1:
                how = f"one instance at {each}"
            elif (rep := replication_of(c)) is not None and not isinstance(rep, int) and rep.spread == "none":
                how = f"{n} instances kept together (`spread none`), which fail together: counted as one at {each}"
            elif not declared:
                how = f"{n} instances, no zones declared (they may share one): counted as one at {each}"
            elif zones == 1:
                how = f"{n} instances in one zone, which fail together: counted as one at {each}"
            elif n > zones:
                how = f"{n} instances over {zones} zones, counted as {zones} independent copies at {each} each"
            else:
                how = f"{n} instances in separate zones at {each} each"
            return Availability(a, "instances", how)
        return Availability(None, "unknown")

    def instances(self, name: str) -> int:
        """How many copies run at least: replicas (minimum), or the replication copies of a data component."""
        c = self.comps[name]
        n = c.replicas.min if c.replicas is not None else 0
        rep = replication_of(c)
        if rep is not None and not isinstance(rep, int):
            n = max(n, rep.replicas or rep.n or (1 if rep.mode == "none" else 0))
        rf = replication_factor_of(c)
        if rf:
            n = max(n, rf)
        return n or 1

    # --- the condensed graph of hard synchronous dependencies ------------------------------------------------------

    @cached_property
    def _scc(self) -> tuple[dict[str, int], list[list[str]]]:
        """The strongly connected components of the hard edges, callees first, from those of the synchronous
        edges (`_sync_scc`) rather than a second search over the whole graph: hard edges are synchronous ones, so
        a hard component lies within one synchronous component, and the synchronous components' order (callees
        first) is an order of the hard ones too. A lone component stays one; only a synchronous cycle is searched
        again over its own hard edges. Its readers (the closure, `needed_by`, the numbering of `bit`) depend on no
        other property of the order."""
        _, sync_sccs = self._sync_scc
        succ = self.hard_targets
        comp_of: dict[str, int] = {}
        sccs: list[list[str]] = []
        for members in sync_sccs:
            if len(members) == 1:
                comp_of[members[0]] = len(sccs)
                sccs.append(members)
                continue
            inside = set(members)
            sub_of, subs = tarjan(members, {m: [t for t in succ[m] if t in inside] for m in members})
            base = len(sccs)
            for m, i in sub_of.items():
                comp_of[m] = base + i
            sccs.extend(subs)
        return comp_of, sccs

    @cached_property
    def bit(self) -> dict[str, int]:
        """Each component's bit (``1 << its index``), worked out when asked: kept, they took 10 MiB at 10,000
        components. The indexes number the components callees first (`_scc`), not in the design's order: a
        component's closure then holds only bits below its own (a cycle's apart), and a bitset's size is that of its
        highest bit. In the design's order (callers declared before what they call) nearly every closure reached
        the last bits: the two closures at 10,000 services took 27 MiB, numbered callees first 14 MiB."""
        return _Bits({name: i for i, name in enumerate(self._names)})

    @cached_property
    def closure(self) -> dict[str, int]:
        """For each component, the bitset of every component it depends on, transitively and hard (itself
        excluded unless it is in a cycle)."""
        comp_of, sccs = self._scc
        bit, succ = self.bit, self.hard_targets
        scc_closure = [0] * len(sccs)
        for i, members in enumerate(sccs):  # dependencies first
            if len(members) == 1:
                # a lone component (most of them): its own bit only if it calls itself, and an edge to a component
                # it reached already ORs in nothing new (no set of those kept: the ORs are idempotent)
                m = members[0]
                acc = 0
                for t in succ[m]:
                    j = comp_of[t]
                    if j == i:
                        acc |= bit[m]
                    else:
                        acc |= scc_closure[j]
                        if len(sccs[j]) == 1:
                            acc |= bit[t]
                scc_closure[i] = acc
                continue
            own = 0
            for m in members:
                own |= bit[m]
            acc = own if len(members) > 1 else 0
            done = set()
            for m in members:
                for t in succ[m]:
                    j = comp_of[t]
                    if j in done:
                        continue  # an edge to the same component again: nothing new
                    done.add(j)
                    if j == i:
                        acc |= own
                    else:  # its closure with itself (a cycle's closure holds its members already)
                        acc |= scc_closure[j]
                        if len(sccs[j]) == 1:
                            acc |= bit[t]
            scc_closure[i] = acc
        return {name: scc_closure[comp_of[name]] for name in self.comps}

    def members(self, bits: int, limit: int | None = None) -> list[str]:
        """The names in a bitset, in declaration order (not the bits' order, `bit`); the first ``limit`` of them.
        A few names are taken bit by bit; many are picked out of the bitset's binary digits at once (taking bits
        one by one from a large set costs a pass over the whole number per bit)."""
        names = self._names
        if bits.bit_count() <= 8:
            picked = []
            while bits:
                low = bits & -bits
                picked.append(names[low.bit_length() - 1])
                bits ^= low
        else:
            picked = list(compress(names, f"{bits:b}"[::-1].encode("ascii").translate(_DIGITS)))
        declared = self._declared
        if limit is not None and limit < len(picked):
            return heapq.nsmallest(limit, picked, key=declared.__getitem__)
        picked.sort(key=declared.__getitem__)
        return picked

    @cached_property
    def client_bits(self) -> int:
        """The bitset of the clients (outside callers: never part of the system's own budget)."""
        b = 0
        for name, c in self.comps.items():
            if c.kind == "client":
                b |= self.bit[name]
        return b

    @cached_property
    def _names(self) -> list[str]:
        """The components in the order of their bits (`bit`): callees first."""
        return [n for members in self._scc[1] for n in members]

    @cached_property
    def _declared(self) -> dict[str, int]:
        """Each component's place in the design (the order `members` lists names in)."""
        return {name: i for i, name in enumerate(self.comps)}

    @cached_property
    def availability_value(self) -> dict[str, float | None]:
        """Each component's own availability figure (`own_availability`), None when unknown: the figure alone,
        without the words that say how it was worked out (few are ever printed)."""
        out: dict[str, float | None] = {}
        for name, c in self.comps.items():
            if c.availability is not None:
                out[name] = c.availability
            elif c.instance_availability is not None:
                zones = self.zone_count(name) or 1
                out[name] = _instances_availability(c.instance_availability, self.instances(name), zones)
            else:
                out[name] = None
        return out

    @cached_property
    def _availability_classes(self) -> tuple[dict[float, int], int]:
        """Components grouped by availability figure, as bitsets, so that the availability of any set is a few
        popcounts: prod(a_i) = prod over classes of a ** |set & class|."""
        classes: dict[float, int] = {}
        unknown = 0
        for name, a in self.availability_value.items():
            if a is None:
                unknown |= self.bit[name]
            else:
                classes[a] = classes.get(a, 0) | self.bit[name]
        return classes, unknown

    def composite(self, name: str) -> tuple[float, int]:
        """The availability the component's own figure and its hard dependencies allow (each dependency
        once), and the bitset of those whose figure is unknown (counted as 1). A few popcounts per availability
        class: linear in the number of classes, not in the size of the dependency set."""
        classes, unknown = self._availability_classes
        deps = self.closure[name] | self.bit[name]
        log = 0.0
        if len(classes) > 32:  # many distinct figures: walking the set is cheaper than a popcount per figure
            for member in self.members(deps & ~unknown):
                a = self.own_availability(member).value or 0.0
                if a <= 0:
                    return 0.0, deps & unknown
                log += math.log(a)
            return math.exp(log), deps & unknown
        for a, mask in classes.items():
            n = (deps & mask).bit_count()
            if n:
                if a <= 0:
                    return 0.0, deps & unknown
                log += n * math.log(a)
        return math.exp(log), deps & unknown

    # --- chains -------------------------------------------------------------------------------------------------

    @cached_property
    def chains(self) -> dict[str, Chain]:
        """The worst synchronous chain below each component, by dynamic programming over the condensed graph of
        synchronous edges (soft ones included: they still cost time), never enumerating paths:

        * latency: its own p99 plus, over its synchronous edges, the largest of the callee's chain latency
          (their sum when it states `call_order sequential`, an edge with `fanout N` counted N times), each capped
          by the edge's worst wait;
        * timeouts: its own p99 plus the largest wait an edge allows (their sum when sequential, `fanout` times
          each; timeout x
          attempts plus the stated backoff, `worst_wait`; an edge without a timeout waits for the callee's whole
          chain);
        * amplification: the largest product of load factors along any chain (attempts, or 1 + the retry
          budget where one caps them).

        A call made `on connect` counts in the amplification only: no request waits for it.

        A cycle is cut where it closes (the cycle rule reports it)."""
        return self._chains()[0]

    def chains_and_bound(self, stores: set[str], rtt: float) -> dict[str, float]:
        """LAT001's bound after a failover (`lat001.bound_chains`: the chains' latency with every call that writes
        one of ``stores`` paying ``rtt``, each call still capped by its worst wait), worked out in the same pass as
        `chains` when they are not worked out yet: the pass reaches every synchronous edge once for both (a second
        pass over 70,000 edges cost 0.11 s at 10,000 services). Else the bound's own pass."""
        if "chains" not in self.__dict__:
            chains, bound = self._chains((stores, rtt))
            self.__dict__["chains"] = chains
            if bound is not None:
                return bound
        from .rules.lat001 import bound_chains

        return bound_chains(self, stores, rtt)

    def _chains(self, moving: tuple[set[str], float] | None = None) -> tuple[dict[str, Chain], dict[str, float] | None]:
        """`chains`, and with ``moving`` (stores, a round trip) `chains_and_bound`'s bound in the same pass."""
        comp_of, sccs = self._sync_scc
        comps, sync_out = self.comps, self.sync_out
        ordered = {n: c.call_order for n, c in comps.items() if isinstance(c, Service) and c.call_order}
        result: dict[str, Chain] = {}
        worst_waits: dict[str, float] = {}
        bound: dict[str, float] | None = None
        stores: set[str] = set()
        rtt = 0.0
        if moving is not None:
            bound = {}
            stores, rtt = moving
        for members in sccs:
            for m in members:
                c = comps[m]
                own = p99(c.latency) if c.latency else None
                order = ordered.get(m)
                seq = order == "sequential"
                lat, to, amp = 0.0, 0.0, 1.0
                nxt: str | None = None
                best = 0.0  # the slowest callee's figure (the chain goes on through it)
                lower: str | None = None
                untimed: str | None = None
                calls = 0
                total = 0.0  # the bound's figure (`lat001.bound_chains`, the same arithmetic)
                here = comp_of[m]
                longest: float | None = None  # `worst_waits`: the largest wait of a timed call, or (seq) each one
                waits: list[float] = []
                for e in sync_out[m]:
                    # `load_factor` and `worst_wait`, read inline (the same arithmetic): a call per edge adds up
                    retries = e.retries or 0
                    timeout = e.timeout
                    if timeout is None:
                        cap = None
                    else:
                        cap = timeout * (1 + retries)
                        if e.backoff_base is not None:
                            cap = cap + backoff_wait(e)
                        # every timed call counts here, one that closes a cycle or is made on connect too
                        if seq:
                            waits.append(cap)
                        elif longest is None or cap > longest:
                            longest = cap
                    t = e.target
                    if comp_of[t] == here:
                        continue
                    child = result[t]
                    budget = e.retry_budget
                    factor = (1 + (retries if budget is None else min(retries, budget))) * child.amplification
                    if factor > amp:
                        amp = factor
                    if e.when == "connect":
                        continue  # made when a client connects: no request waits for it
                    calls += 1
                    if lower is None and child.assumed_parallel is not None:
                        lower = child.assumed_parallel
                    if cap is None and untimed is None:
                        untimed = f"{m} -> {t}"
                    child_lat = child.latency if cap is None or child.latency <= cap else cap  # min(), first if tied
                    if child_lat > best or nxt is None:
                        best, nxt = best if best > child_lat else child_lat, t  # max(child_lat, best)
                    wait = cap if cap is not None else child.timeouts
                    if bound is not None:
                        v = bound[t] + (rtt if t in stores and e.kind in WRITER_KINDS else 0.0)
                        if cap is not None and v > cap:
                            v = cap
                        if seq:
                            total += v * (e.fanout or 1)
                        elif v > total:
                            total = v
                    if seq:  # an edge's `fanout` calls run one after another too
                        lat += child_lat * (e.fanout or 1)
                        to += wait * (e.fanout or 1)
                    elif wait > to:
                        to = wait
                if bound is not None:
                    bound[m] = (own or 0.0) + total
                if waits:
                    worst_waits[m] = sum(waits)  # as TMO002 adds them (`sum`, in the calls' order)
                elif longest is not None:
                    worst_waits[m] = longest
                if not seq:
                    lat = best
                if order is None and calls > 1:
                    lower = m
                result[m] = Chain(
                    latency=(own or 0.0) + lat,
                    timeouts=(own or 0.0) + to,
                    amplification=amp,
                    next=nxt,
                    own_unknown=own is None,
                    sequential=seq,
                    assumed_parallel=lower,
                    untimed=untimed,
                )
        self._worst_waits = worst_waits
        return result, bound

    @property
    def worst_waits(self) -> dict[str, float]:
        """For each component with a timed synchronous call, the longest its timed calls may keep it waiting
        (`worst_wait` of each, every timed call counted: the largest, or their sum in order when it calls in
        sequence): what its caller's timeout must cover (TMO002). Worked out in the chains' pass, which reaches
        every synchronous edge anyway."""
        if "chains" not in self.__dict__:
            self.chains  # noqa: B018 - worked out with the chains
        return self._worst_waits

    def chain_path(self, name: str) -> list[str]:
        """The worst latency chain below a component, this one first."""
        out = [name]
        nxt = self.chains[name].next
        while nxt is not None:
            out.append(nxt)
            nxt = self.chains[nxt].next
        return out

    def in_sequence(self, name: str) -> list[str]:
        """What a component with `call_order sequential` calls one after another (its synchronous callees, in the
        order it states them), else []."""
        if not self.chains[name].sequential:
            return []
        comp_of, _ = self._sync_scc
        return list(dict.fromkeys(e.target for e in self.sync_out[name] if comp_of[e.target] != comp_of[name]))

    def chain_text(self, hops: list[str]) -> str:
        """A chain for a message: `a -> b -> c`, long ones shortened, and a hop that calls in sequence followed by
        what it calls ("gw (auth, then route)", "app (db x5)" for a fanout of 5)."""
        shown = hops if len(hops) <= 6 else [*hops[:3], "...", *hops[-2:]]
        out = []
        for h in shown:
            seq = self.in_sequence(h) if h != "..." else []
            # a fanout in sequence is that many calls one after another: "app (db x5)"
            fan = {e.target: e.fanout for e in self.sync_out[h] if e.fanout and e.fanout > 1} if seq else {}
            calls = [f"{t} x{fan[t]:g}" if t in fan else t for t in seq]
            out.append(f"{h} ({', then '.join(calls)})" if len(seq) > 1 or fan else h)
        return " -> ".join(out)

    def parallel_note(self, name: str) -> str | None:
        """Where a chain's figures are lower bounds: "`x` makes N synchronous calls and states no `call_order`:
        taken as parallel, so this is a lower bound", or None."""
        who = self.chains[name].assumed_parallel
        if who is None:
            return None
        n = len(set(self.sync_targets[who]))
        return (
            f"`{who}` makes {n} synchronous calls and states no `call_order`: taken as parallel (the slowest counts), "
            "so this figure is a lower bound; state `call_order sequential` where they run one after another"
        )

    def edge_wait(self, e: Edge) -> float:
        """How long a caller may wait on one edge: `worst_wait` with a timeout, else the callee's whole chain."""
        return worst_wait(e) if e.timeout is not None else self.chains[e.target].timeouts

    def timeout_room(self, e: Edge) -> tuple[float, float, str] | None:
        """The largest timeout per attempt on an edge that keeps its caller's worst wait within the caller's p99
        objective, as LAT002 judges it: the objective, less the caller's own p99, the stated backoff and (when it
        calls in sequence) its other calls' waits, over the edge's `fanout` calls (when in sequence) and the
        attempts. With the objective and whose it is; None
        when the caller has none. The one figure every timeout hint (TMO001, TMO002, TMO003, LAT002) keeps to, so
        that none proposes a timeout another finding would then report."""
        goal = self.latency_objective(e.source)
        if goal is None:
            return None
        target, whose = goal
        c = self.comps[e.source]
        left = target - ((p99(c.latency) if c.latency else None) or 0.0)
        calls = 1.0
        if self.chains[e.source].sequential:  # its other calls wait their turn; `fanout` calls one after another
            comp_of, _ = self._sync_scc
            here = comp_of[e.source]
            left -= sum(
                self.edge_wait(o) * (o.fanout or 1)
                for o in self.sync_out[e.source]
                if o is not e and comp_of[o.target] != here
            )
            calls = e.fanout or 1.0
        left = left / calls - backoff_wait(e)
        return max(left, 0.0) / attempts(e), target, whose

    @cached_property
    def _chain_known(self) -> dict[str, bool]:
        """Whether some component on each worst chain (`chain_path`) declares a latency: that chain is judged. One
        pass, callees first (a chain's next hop comes before it), rather than a walk of the chain per component."""
        known: dict[str, bool] = {}
        for name, chain in self.chains.items():
            known[name] = not chain.own_unknown or (chain.next is not None and known[chain.next])
        return known

    @cached_property
    def chain_has_unknown(self) -> dict[str, bool]:
        """Whether some component on each worst chain (`chain_path`) declares no latency (`chain_unknown` is not
        empty), in one pass as `_chain_known`."""
        out: dict[str, bool] = {}
        for name, chain in self.chains.items():
            out[name] = chain.own_unknown or (chain.next is not None and out[chain.next])
        return out

    def chain_unknown(self, name: str) -> list[str]:
        """The components on that chain that declare no latency (counted as 0)."""
        return [n for n in self.chain_path(name) if self.chains[n].own_unknown]

    @cached_property
    def sync_cycles(self) -> list[list[str]]:
        """Groups of components that call each other synchronously in a cycle."""
        _, sccs = self._sync_scc
        succ = self.sync_targets
        return [sorted(ms) for ms in sccs if len(ms) > 1 or ms[0] in succ[ms[0]]]

    @cached_property
    def _sync_scc(self) -> tuple[dict[str, int], list[list[str]]]:
        return tarjan(self.comps, self.sync_targets)

    def rtt_between(self, a: str, b: str) -> float | None:
        return self.rtt.get(tuple(sorted((a, b))))


def _instances_availability(each: float, n: int, zones: int) -> float:
    """The availability of ``n`` instances at ``each`` spread over ``zones`` zones: as many independent copies as
    zones they can span (`Graph.own_availability`)."""
    return 1 - (1 - each) ** max(1, min(n, zones))


class _Bits(dict[str, int]):
    """A component's name to its bit, from its index: ``bits[name]`` is ``1 << index[name]``."""

    __slots__ = ("index",)

    def __init__(self, index: dict[str, int]) -> None:
        super().__init__()
        self.index = index

    def __missing__(self, name: str) -> int:
        return 1 << self.index[name]

    def __contains__(self, name: object) -> bool:
        return name in self.index


def tarjan(nodes: Any, succ: dict[str, list[str]]) -> tuple[dict[str, int], list[list[str]]]:
    """Strongly connected components (Tarjan's algorithm, iterative, so deep graphs do not recurse), in reverse
    topological order: every component's successors come before it. Returns (node to component, components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    comp_of: dict[str, int] = {}
    sccs: list[list[str]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(succ[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, it = work[-1]
            advanced = False
            for t in it:
                if t not in index:
                    index[t] = low[t] = counter
                    counter += 1
                    stack.append(t)
                    on_stack.add(t)
                    work.append((t, iter(succ[t])))
                    advanced = True
                    break
                if t in on_stack:
                    low[node] = min(low[node], index[t])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                members = []
                while True:
                    m = stack.pop()
                    on_stack.discard(m)
                    comp_of[m] = len(sccs)
                    members.append(m)
                    if m == node:
                        break
                sccs.append(members)
    return comp_of, sccs


def pct(a: float) -> str:
    """A fraction as a percentage with the nines it has: 0.9995 -> 99.95%."""
    text = f"{a * 100:.6f}".rstrip("0").rstrip(".")
    return text + "%"


def joined(items: Any, conj: str = "and") -> str:
    """a, b and c (or another conjunction), as written."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conj} " + items[-1]


def listed(items: Any, conj: str = "and") -> str:
    """`a`, `b` and `c`: names, quoted."""
    return joined((f"`{x}`" for x in items), conj)


def size(n: float) -> str:
    """Bytes in the largest binary unit: `2 TiB`, `9.7 TiB`, `500 B`."""
    for unit, k in (("PiB", 2**50), ("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= k:
            v = n / k
            return f"{v:g} {unit}" if v == int(v) else f"{v:.1f} {unit}"
    return f"{n:.0f} B"


def rate(x: float) -> str:
    """A rate per second as a user would write it: 5000 rps, 12.5 rps."""
    return f"{round(x)} rps" if abs(x - round(x)) < 1e-6 else f"{x:.1f} rps"


def duration(seconds: float) -> str:
    """Seconds in the language's own units, as a user would write them: 0s, 250ms, 1.5s, 5m, 24h, 7d."""
    if seconds == 0:
        return "0s"
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    if seconds >= 1:
        return f"{round(seconds, 3):g}s"
    return f"{round(seconds * 1000, 3):g}ms"


def minutes_per_30_days(a: float) -> float:
    return (1 - a) * 30 * 24 * 60


def minutes(m: float) -> str:
    """A downtime or an error budget in minutes, as a reader wants it: `43.2 min`, and below a tenth of a minute
    in seconds (`0.3 s`), never a `0.0 min` that reads as no downtime at all."""
    if m <= 0:
        return "0 min"
    if m < 0.1:
        s = m * 60
        return f"{s:.1f} s" if s >= 0.1 else "under 0.1 s"
    return f"{m:.1f} min"
