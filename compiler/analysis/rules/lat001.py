"""LAT001: the synchronous chain below a component is slower than its latency objective.

**What it checks.** For each component with a p99 latency objective (its SLO, and for entrypoints the
system's `requirements { latency p99 ... }`), the sum of the declared p99 latencies along the worst
synchronous chain below it, each hop capped by the caller's timeout x attempts, found by dynamic programming
over the graph (never by enumerating paths). Above the objective, the objective is missed on a normal day.
A service that states `call_order sequential` makes its calls one after another, so their chains add up (a
gateway that authenticates in 150 ms and then routes to a 700 ms service takes 850 ms); otherwise its calls are
taken to run in parallel (the slowest counts), and where a component makes several calls without stating the
order the figure is a lower bound, which the finding and the report say. LAT002 checks the same chain against
the timeouts.

**Per flow.** When the design states flows, an entrypoint they enter at is judged per flow instead, against the
entrypoint's objective: the sum of the p99 latencies of the components the flow's caller waits for (its route's
synchronous steps, one after another as the route states them; work behind a publish is not waited for), and,
at each of them, the hard calls it makes on every request that no flow's route takes, each worth its callee's
worst chain as above (capped by the call's timeout x attempts). Those calls add up under `call_order
sequential`; otherwise they run beside the routed steps and the slowest counts. A flow above the objective is a
finding that names the flow and its slowest step (a component, or a call no route names).

**A lower bound is enough.** Components that state no latency count as zero, so the figure is then a lower
bound (and so is one where calls were taken as parallel because no `call_order` is stated): when even that is
above the objective, the objective is missed, and the finding says "at least".

**After an automatic failover into another region.** A single-writer store that promotes a replica in another
region automatically (as DR004 reads `failover` and `cross_region_failover`) moves its writer without its
callers. For each such store and each region it can be promoted into, the chain below every component with an
objective is worked out again, region by region: a call stays in the caller's region where the callee is placed
there, and every call that writes the store (`writes` or `calls`; a `reads` is served by the local copy) from
another region pays the round trip between the two regions (`network { rtt ... }`; an unknown round trip is not
guessed). Under `call_order sequential` an edge's `fanout` counts that many times, so a request that makes ten
queries one after another pays ten round trips. When the chain meets the objective on a normal day (or states
no latency) and the failover puts it above, the finding is on the caller's edge that leads to the crossings; a
flow's entrypoint is judged per flow on a normal day and is not weighed here.

**Why it matters.** Latencies along a synchronous chain add up, and a caller that waits longer than its own
budget turns a slow dependency into its own outage (AWS REL05-BP05; Brooker, "Timeouts, retries, and backoff
with jitter", Amazon Builders' Library).

**Example.**

    service gateway {
      call_order sequential
      calls auth { timeout 200ms }
      calls orders { timeout 800ms }
      slo { latency p99 800ms }
    }
    service auth { latency p99 150ms }
    service orders { latency p99 700ms }

After a failover: keep the writer in its region (`cross_region_failover manual`) and fail the callers over
with it, make fewer round trips per request (batch, call in parallel, cache), or state the objective the
failover can meet.

**Fix.** Shrink timeouts down the chain so they fit the caller's budget, call in parallel or asynchronously,
cache, or state the objective the chain can meet. Components without a declared `latency` count as zero;
declare their p99 to make the sum honest.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ...diagnostics import Severity
from ...model import Edge
from ..graph import WRITER_KINDS, Graph, duration, p99, us, worst_wait
from ..rule import Finding, Rule, rule
from .dr004 import promotes_across_regions


@dataclass(slots=True)
class Moved:
    """A component's chain, run in one region, after a store's writer moved into another."""

    latency: float  # the p99 along its worst chain, round trips included (known figures only)
    trips: float = 0.0  # round trips across regions to the moved writer on that chain (fanout included)
    added: float = 0.0  # the time they add
    via: Edge | None = None  # its edge that leads to them
    unknown: bool = False  # a round trip on it has no figure


def moved_chains(g: Graph, store: str, target: str) -> dict[tuple[str, str], Moved]:
    """Every component's chain in each region it is placed in, once `store`'s writer is in `target`: the chains'
    dynamic programme (callees first; a cycle cut where it closes), with each call placed in the caller's region
    where the callee runs there (else the callee's first region), and each call that writes the store from
    another region paying the round trip."""
    comp_of, sccs = g._sync_scc
    chains, placement, home, rtt_between = g.chains, g.placement, g.home, g.rtt_between
    out: dict[tuple[str, str], Moved] = {}
    for members in sccs:
        for m in members:
            c = g.comps[m]
            own = (p99(c.latency) if c.latency else None) or 0.0
            seq = chains[m].sequential
            regions = [*placement[m], target] if m == store and target not in placement[m] else list(placement[m])
            for p in regions:
                lat = trips = added = 0.0
                via: Edge | None = None
                unknown = False
                best: Moved | None = None
                for e in g.sync_out[m]:
                    t = e.target
                    if comp_of[t] == comp_of[m] or e.when == "connect":
                        continue  # a cycle closing; or a call made when a client connects, which no request waits on
                    cost = 0.0
                    crossing = t == store and e.kind in WRITER_KINDS and p != target
                    q = target if t == store and e.kind in WRITER_KINDS else p if p in placement[t] else home[t]
                    child = out.get((t, q or "")) or Moved(chains[t].latency)
                    if crossing:
                        rtt = rtt_between(p, target)
                        cost = rtt or 0.0
                    here = Moved(
                        child.latency + cost,
                        child.trips + (1 if crossing else 0),
                        child.added + cost,
                        e,
                        child.unknown or (crossing and rtt_between(p, target) is None),
                    )
                    if e.timeout is not None and here.latency > (cap := worst_wait(e)):
                        here.latency = cap  # it gives up there: the call fails at p99
                    if seq:
                        n = e.fanout or 1
                        lat += here.latency * n
                        if here.trips * n > trips:
                            via = e
                        trips, added = trips + here.trips * n, added + here.added * n
                        unknown = unknown or here.unknown
                    elif best is None or here.latency > best.latency:
                        best = here
                if not seq and best is not None:
                    lat, trips, added, via, unknown = best.latency, best.trips, best.added, best.via, best.unknown
                out[(m, p)] = Moved(own + lat, trips, added, via, unknown)
    return out


def bound_chains(g: Graph, stores: set[str], rtt: float) -> dict[str, float]:
    """An upper bound on every component's chain after any of `stores` moves its writer into any region: the
    chains' dynamic programme with every call that writes one of them paying the longest stated round trip, each
    call still capped by its worst wait. No move can make a chain slower than this, so a component whose bound
    meets its objective needs no move worked out (one pass instead of one per move)."""
    comp_of, sccs = g._sync_scc
    chains, sync_out, comps = g.chains, g.sync_out, g.comps
    out: dict[str, float] = {}
    for members in sccs:
        for m in members:
            c = comps[m]
            own = (p99(c.latency) if c.latency else None) or 0.0
            seq = chains[m].sequential
            total = 0.0
            here = comp_of[m]
            for e in sync_out[m]:
                t = e.target
                if comp_of[t] == here or e.when == "connect":
                    continue
                v = out[t] + (rtt if t in stores and e.kind in WRITER_KINDS else 0.0)
                if e.timeout is not None and v > (cap := worst_wait(e)):
                    v = cap  # the bound must follow `worst_wait` exactly: it is called, not copied
                if seq:
                    total += v * (e.fanout or 1)
                elif v > total:
                    total = v
            out[m] = own + total
    return out


def _moves(g: Graph) -> list[tuple[str, str]]:
    """Each store that promotes its writer into another region automatically, with each region it may move into.
    A crossing into a region no round trip is stated for has no figure, and a chain with such a crossing is not
    judged (`Moved.unknown`): a move into a region with no `network { rtt ... }` to any other region can find
    nothing, and its chains (a pass over every component and edge per store) are not worked out."""
    kind = g.kind  # only a data component has a replication to promote
    moves = [
        (store, t)
        for store in g.comps
        if kind[store] in ("store", "queue", "cache") and (found := promotes_across_regions(g, store))
        for t in found[1]
    ]
    timed = {r for pair in g.rtt if pair[0] != pair[1] for r in pair}
    return [(store, t) for store, t in moves if t in timed]


def _longest(g: Graph) -> float:
    """The longest round trip stated between two regions (what `bound_chains` charges every crossing)."""
    return max(v for pair, v in g.rtt.items() if pair[0] != pair[1])


def _below(g: Graph, names: list[str]) -> set[str]:
    """Every component a request to one of `names` may wait on, through synchronous calls (not `on connect`)."""
    seen = set(names)
    stack = list(names)
    while stack:
        for e in g.sync_out[stack.pop()]:
            if e.when != "connect" and e.target not in seen:
                seen.add(e.target)
                stack.append(e.target)
    return seen


@rule
class LatencyChain(Rule):
    code = "LAT001"
    name = "latency-chain-exceeds-objective"
    severity = Severity.ERROR
    summary = "the synchronous chain is slower than the latency objective"
    practices = ("REL05-BP05", "RE:04")

    def check(self, g: Graph) -> Iterator[Finding]:
        moves = _moves(g)
        # the bound after a failover, worked out in the chains' own pass when it is the first to ask for them
        bound = g.chains_and_bound({store for store, _ in moves}, _longest(g)) if moves else None
        yield from self._flows(g)
        for name in g.comps:
            if name in g.flow_entrypoints:
                continue  # judged per flow
            goal = g.latency_objective(name)
            if goal is None:
                continue
            target, whose = goal
            chain = g.chains[name]
            if us(chain.latency) > us(target):
                hops = g.chain_path(name)
                path = g.chain_text(hops)
                unknown = [h for h in hops if g.chains[h].own_unknown]
                least = "at least " if unknown or chain.assumed_parallel else ""
                yield Finding(
                    message=f"the p99 latency along `{path}` is {least}{duration(chain.latency)}, "
                    f"above {whose} of {duration(target)}",
                    at=g.comps[name].span,
                    path=g.comp_path(name),
                    label=f"{duration(chain.latency)} > {duration(target)}",
                    hints=[
                        "cut the chain: call in parallel or asynchronously, cache, or relax the objective",
                        *(
                            [f"{len(unknown)} component(s) on it declare no latency and count as 0ms"]
                            if unknown
                            else []
                        ),
                        *([note] if (note := g.parallel_note(name)) else []),
                    ],
                )

        if bound is not None:
            yield from self._after_failover(g, moves, bound)

    def _after_failover(self, g: Graph, moves: list[tuple[str, str]], bound: dict[str, float]) -> Iterator[Finding]:
        # a chain that misses its objective on a normal day is LAT001's own finding, which comes first
        judged = [
            n
            for n in g.comps
            if n not in g.flow_entrypoints
            and g.latency_objective(n) is not None
            and g.latency_verdict(n).met is not False
        ]
        # one pass bounds what any move can do (`bound`, from `bound_chains`); only the components whose bound
        # misses their objective, and the moves of stores they reach, are worked out move by move
        judged = [n for n in judged if us(bound[n]) > us(g.latency_objective(n)[0])]
        if not judged:
            return
        reached = _below(g, judged)
        moves = [(store, t) for store, t in moves if store in reached]
        worst: dict[str, tuple[Moved, str, str, str]] = {}
        for store, t in moves:
            moved = moved_chains(g, store, t)
            for name in judged:
                target = g.latency_objective(name)[0]
                for p in g.placement[name]:
                    m = moved.get((name, p))
                    if m is None or not m.trips or m.unknown or m.via is None or us(m.latency) <= us(target):
                        continue
                    if name not in worst or m.latency > worst[name][0].latency:
                        worst[name] = (m, store, t, p)
        for name, (m, store, t, p) in worst.items():
            target, whose = g.latency_objective(name)
            e = m.via
            trips = f"{m.trips:g} round trip{'s' if m.trips != 1 else ''}"
            unknown = g.chain_unknown(name)
            yield Finding(
                message=f"when `{store}` fails over automatically into `{t}`, `{name}` in `{p}` reaches the writer "
                f"across regions: {trips} per request add {duration(m.added)}, and its p99 becomes "
                f"{'at least ' if unknown else ''}{duration(m.latency)}, above {whose} of {duration(target)}",
                at=e.span,
                path=g.edge_path(e),
                label=f"{trips} after failover",
                notes=[(g.comps[store].span, f"`{store}` promotes a replica in `{t}` automatically")],
                hints=[
                    f"keep `{store}`'s writer in `{p}`: `cross_region_failover manual` in its `replication`, and "
                    "fail its callers over with it",
                    *(
                        ["or make fewer round trips per request: batch the queries, run them in parallel, or cache"]
                        if m.trips > 1
                        else []
                    ),
                    f"or state the objective the failover can meet (at least {duration(m.latency)})",
                    *([f"{len(unknown)} component(s) on it declare no latency and count as 0ms"] if unknown else []),
                ],
            )

    def _flows(self, g: Graph) -> Iterator[Finding]:
        flows = {f.name: f for f in g.system.flows} if g.system is not None else {}
        for b in g.flow_budgets:
            entry = b.entrypoint
            goal = g.latency_objective(entry) if entry is not None else None
            if goal is None or b.p99 is None or us(b.p99) <= us(goal[0]):
                continue
            target, whose = goal
            terms = b.latency_terms
            slowest = max(terms, key=lambda x: x[1])
            unrouted = [label for label, _ in terms if " -> " in label]
            step = slowest[0].split(" (")[0]
            what = (
                f"`{step}` ({duration(slowest[1])}, a call every request makes that no route names)"
                if " -> " in slowest[0]
                else f"`{step}` ({duration(slowest[1])})"
            )
            shown = " + ".join(f"{n} {duration(v)}" for n, v in terms[:8]) + (" + ..." if len(terms) > 8 else "")
            hints = [
                *([f"the p99s of {shown} add up to {duration(b.p99)}"] if len(terms) > 1 else []),
                f"the slowest step is {what}: make it faster, take it off the request (asynchronous, cached), or "
                "relax the objective",
            ]
            if unrouted and unrouted != [slowest[0]]:
                hints.append(
                    "counted because each request through the route makes these hard calls and no flow's route "
                    "takes them: " + ", ".join(f"`{u.split(' (')[0]}`" for u in unrouted[:6])
                )
            least = b.unknown_latency or b.assumed_parallel
            if b.unknown_latency:
                hints.append(
                    f"{len(b.unknown_latency)} component(s) on it declare no latency and count as 0ms, so "
                    f"{duration(b.p99)} is a lower bound: " + ", ".join(f"`{u}`" for u in b.unknown_latency[:6])
                )
            if b.assumed_parallel:
                hints.append(
                    f"`{b.assumed_parallel}` states no `call_order`: its calls are taken as parallel (the slowest "
                    "counts), so this is a lower bound"
                )
            yield Finding(
                message=f"flow `{b.name}` through `{entry}` takes {'at least ' if least else ''}{duration(b.p99)} "
                f"at p99, above {whose} of {duration(target)}: its slowest step is {what}",
                at=flows[b.name].span,
                path=f"flow:{b.name}",
                label=f"{duration(b.p99)} > {duration(target)}",
                hints=hints,
            )
