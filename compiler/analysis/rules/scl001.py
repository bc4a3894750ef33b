"""SCL001: the peak load is more than a critical component can carry at its largest.

**What it checks.** With `requirements { peak_load ... }`, every component on the hard synchronous path of an
entrypoint (the entrypoint itself included) that states a `capacity`:

* a service carries at most `replicas` (the maximum) x `capacity` (per replica), less its `headroom` if it
  keeps one;
* a store, stream, queue or cache carries its `capacity` (the component's total).

With flows, the load a component must carry is its demand: what the flows' routes bring it at peak, with fan-out
and cache misses, and what the hard calls every request makes that no route names bring it (at the flow's rate
where the call is made, times its `fanout`). Without them, each request to an entrypoint is assumed to reach each
of its hard dependencies once, so each must carry the whole peak (scaled by the `share` and `fanout` of the edges
on the way), unless the traffic into it is bounded: by its own total `rate_limit`, or by total `rate_limit`s on
every synchronous edge into it (their sum).

Components without `capacity`, and services without `replicas`, are skipped by this comparison: nothing to
compute from. Three cases below ask for a capacity anyway, because the load a design states makes it the
question a reviewer asks first.

**A single writer.** A relational store with one writer (`writers single`, or a replicated relational store
that does not say `writers multi`) and no sharding takes every write on one node, however many replicas it has.
When it states no `capacity` and the load reaching it at peak (its flows' writes, else the peak that reaches it)
is above the `single-writer-rps` option (500 by default), that is reported too: "will the single write master
carry the writes" is the first question of a capacity review, and the design gives nothing to answer it with.

**A cold cache.** With flows, a component behind a cache (what a cache `caches`) takes the misses; when the
cache is cold or lost (a restart, a flush, a failover to an empty node) it takes every read the cache took, all
at once. A component whose stated capacity carries the misses but not that cold load is reported, and so is one
that states no capacity when the cold load is above the `unsized-rps` option (10,000 rps by default): "what
happens to the database when the cache misses" is the second question of a capacity review.

**Fan-out a caller waits on.** With flows, a component that turns each request into several (an edge's
`fanout`: one post written into the timelines of ten followers) on a path its caller waits on synchronously, and
states no capacity, is reported when the work it fans out to is above the `unsized-rps` option: a slow fan-out
holds every caller's request, and the average hides the widest requests.

**Why it matters.** An autoscaler cannot go above its maximum: at peak the excess queues, times out and is
retried, and the overload spreads to callers. AWS Well-Architected REL07-BP03 (obtain resources upon detecting
that more are needed) and Azure RE:06 (a scaling strategy sized for peak) both start from the arithmetic
`max replicas x per-replica capacity >= peak load`.

**Example.**

    system s { requirements { peak_load 5000 rps } ... }
    service api { exposure public; replicas 2..4; capacity 500 rps per replica }

**Fix.** Raise the maximum (`replicas 2..10`), the per-replica capacity (and measure it), or, if only part of
the peak reaches the component, bound it with a `rate_limit` on the calls into it. Behind a cache, size the store
for the cold load, or keep a cold cache from sending it everything (`stampede_protection`, warming, shedding).
For a fan-out, size the component for the work it fans out to, or take it off the caller's path (a queue).
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from ...diagnostics import Severity
from ...model import Cache, Component, Store
from ..graph import Graph, capacity_of, listed, rate, replication_of, single_writer
from ..load import capacity
from ..rule import Finding, Rule, rule


@rule
class PeakAboveCapacity(Rule):
    code = "SCL001"
    name = "peak-above-capacity"
    severity = Severity.WARNING
    summary = "a critical component cannot carry the peak load even at its maximum scale"
    practices = ("REL07-BP03", "RE:06")

    def check(self, g: Graph) -> Iterator[Finding]:
        peak = g.requirements.peak_load if g.requirements is not None else None
        if not peak:
            return
        yield from self._single_writers(g, peak)
        yield from self._behind_caches(g)
        yield from self._fanouts(g)
        reach = dict(g.needed_by)
        for name in g.demand:
            reach.setdefault(name, 0)
        for name, bits in reach.items():
            c = g.comps[name]
            carried = capacity(g, name)
            if carried is None:
                continue
            total, sums = carried
            load, bounded = g.load_at(name, peak)
            if total >= load:
                continue
            need = f"{rate(load)} ({bounded})" if bounded else f"the peak load of {rate(peak)}"
            hints = []
            if c.kind == "service" and c.replicas is not None:
                per = total / c.replicas.max  # what one replica carries, headroom kept
                want = math.ceil(load / per) if per > 0 else None
                if want is not None:
                    hints.append(
                        f"raise the maximum to at least {want} replicas (`replicas {c.replicas.min}..{want}`), "
                        "or the per-replica capacity"
                    )
            else:
                hints.append(f"scale `{name}` to at least {rate(load)} and state it: `capacity {rate(load)}`")
            hints.append(
                f"if only part of the peak reaches `{name}`, bound it: `rate_limit N rps` on the calls into it"
            )
            yield Finding(
                message=f"{c.kind} `{name}` carries at most {rate(total)} ({sums}), less than {need}"
                + (f", and {why}" if (why := g.load_phrase(name, bits)) else ""),
                at=c.span,
                path=g.comp_path(name),
                label=f"{rate(total)} < {rate(load)}",
                hints=hints,
            )

    def _single_writers(self, g: Graph, peak: float) -> Iterator[Finding]:
        limit = g.options.get("single-writer-rps", 500)
        for name, c in g.comps.items():
            if not isinstance(c, Store) or c.capacity is not None or not single_writer(c):
                continue
            writers = [e.source for e in g.inc[name] if e.kind == "writes"]
            if not writers:
                continue
            d = g.demand.get(name)
            if d is not None:
                load, why = d.writes, "its flows' writes"
            elif g.demand:
                continue  # flows are stated and none reaches it
            else:
                if name not in g.needed_by:
                    continue
                load, why = g.load_at(name, peak)
                why = why or "the whole peak: no flow says which requests write"
            if load <= limit:
                continue
            rep = replication_of(c)
            how = "`writers single`" if rep is not None and rep.writers == "single" else "one primary"
            copies = (
                f"; its {rep.replicas} copies replicate the writes, they do not share them"
                if (rep is not None and rep.replicas and rep.replicas > 1)
                else ""
            )
            yield Finding(
                message=f"store `{name}` takes all its writes on one writer ({how}), up to {rate(load)} at peak "
                f"({why}), and states no `capacity`: nothing shows one node carries them",
                at=c.span,
                path=g.comp_path(name),
                label=f"one writer, {rate(load)}",
                hints=[
                    "state what one writer carries, measured or from the engine's benchmarks: "
                    f"`capacity N rps`{copies}",
                    "if it cannot carry the writes, shard them (`sharding hash(key) N`), batch or queue them, or move "
                    "write-heavy data to a store that scales writes",
                    f"its writes come from {', '.join(f'`{w}`' for w in dict.fromkeys(writers))}",
                ],
            )

    def _behind_caches(self, g: Graph) -> Iterator[Finding]:
        """What a cache in front of a component passes on when it is cold or lost: every read (flows only)."""
        limit = g.options.get("unsized-rps", 10000)
        # per component behind a cache: flow -> what its caches pass on when cold, and what they pass on warm
        behind: dict[str, tuple[dict[str, float], list[float]]] = {}
        for fl in g.flows:
            for st in fl.steps:
                if st.cold is not None:
                    fed, warm = behind.setdefault(st.target, ({}, [0.0]))
                    fed[fl.flow.name] = fed.get(fl.flow.name, 0.0) + st.cold
                    warm[0] += st.rate
        for name, (fed, warm) in behind.items():
            c = g.comps[name]
            d = g.demand[name]
            if c.kind in ("external", "client"):
                continue
            missed = warm[0]  # what the caches pass on warm
            caches = sorted(d.caches, key=lambda n: -d.caches[n])
            which = f"cache {listed(caches)}" if len(caches) == 1 else f"caches {listed(caches)}"
            they = "the cache is" if len(caches) == 1 else "the caches are"
            unknown = [n for n in caches if isinstance(x := g.comps[n], Cache) and x.hit_ratio is None]
            if unknown:
                which += f", which state{'s' if len(unknown) == 1 else ''} no `hit_ratio`" if unknown == caches else ""
                misses = "the misses"
            else:
                misses = f"the misses, {rate(missed)} at peak,"
            through = sum(fed.values())
            # what else reaches it: other flows, or the calls to it that no route names (`load.unrouted_demand`)
            others = {k: v for k, v in d.parts.items() if k not in fed}
            rest = _flows_phrase(others) if others else "the calls to it that no route names"
            flows = _flows_phrase(fed) + (
                f"; {rate(d.cold)} in all with {rest}" if d.cold > through * (1 + 1e-9) else ""
            )
            carried = capacity(g, name)
            if carried is not None:
                total, sums = carried
                if total < d.rate or total >= d.cold:
                    continue  # the first is the peak check's finding; the second carries a cold cache
                message = (
                    f"{c.kind} `{name}` carries at most {rate(total)} ({sums}): enough for the {rate(d.rate)} that "
                    f"reach it at peak past {which}, not for the {rate(d.cold)} when {they} cold or lost "
                    f"({_flows_phrase(d.parts)})"
                )
                label = f"{rate(total)} < {rate(d.cold)} cold"
                size = f"scale `{name}` to carry a cold cache: `capacity {rate(d.cold)}`"
            else:
                if d.cold < limit:
                    continue
                unstated = _unstated(c)
                message = (
                    f"{c.kind} `{name}` is behind {which}: it takes {misses} and all {rate(through)} at peak when "
                    f"{they} cold or lost ({flows}); it states {unstated}, so nothing shows it carries that"
                )
                label = f"{rate(d.cold)} when the cache is cold"
                size = (
                    f"state what it carries: `replicas A..B; capacity N rps per replica`, at least {rate(d.cold)} "
                    "in all to survive a cold cache"
                    if c.kind == "service"
                    else f"state what it carries, measured: `capacity N rps` (at least {rate(d.cold)} to survive a "
                    "cold cache)"
                )
            guards = []
            for n in caches:
                x = g.comps[n]
                if isinstance(x, Cache) and (x.stampede_protection is None or x.stampede_protection == "none"):
                    guards.append(f"`stampede_protection coalesce` on `{n}`")
            guards.append("warm it before it takes traffic")
            guards.append(f"shed load at the door (`rate_limit` on the calls into `{name}`)")
            yield Finding(
                message=message,
                at=c.span,
                path=g.comp_path(name),
                label=label,
                hints=[size, "or keep a cold cache from sending it everything: " + ", ".join(guards)],
            )

    def _fanouts(self, g: Graph) -> Iterator[Finding]:
        """A component a caller waits on that multiplies each request by a stated `fanout`, with nothing sizing it
        (flows only)."""
        limit = g.options.get("unsized-rps", 10000)
        # name -> (target, fanout, edge kind) -> [rate in, rate out]
        found: dict[str, dict[tuple[str, float, str], list[float]]] = {}
        waiting: dict[str, list[str]] = {}  # name -> the callers that wait on it
        for fl in g.flows:
            for s in fl.steps:
                e = s.edge
                if e is None or s.cold is not None:
                    continue
                if e.mode == "sync" and e.kind in ("calls", "reads", "writes"):
                    waiting.setdefault(s.target, []).append(s.source)
                if e.fanout and e.fanout > 1:
                    key = (s.target, e.fanout, e.kind)
                    acc = found.setdefault(s.source, {}).setdefault(key, [0.0, 0.0])
                    acc[0] += s.rate / e.fanout
                    acc[1] += s.rate
        for name, steps in found.items():
            c = g.comps[name]
            callers = list(dict.fromkeys(waiting.get(name, [])))
            if not callers or c.kind in ("external", "client") or capacity(g, name) is not None:
                continue
            (target, fanout, kind), (into, out) = max(steps.items(), key=lambda kv: kv[1][1])
            if out < limit:
                continue
            flows = _flows_phrase(g.demand[name].parts)
            noun = {"calls": "calls", "reads": "reads", "writes": "writes"}.get(kind, "messages")
            unstated = _unstated(c)
            who = listed(callers)
            yield Finding(
                message=f"{c.kind} `{name}` turns each request into {fanout:g} {noun} to `{target}` "
                f"(`fanout {fanout:g}`): {rate(into)} at peak become {rate(out)} ({flows}), and {who} "
                f"wait{'s' if len(callers) == 1 else ''} for it; it states {unstated}, so nothing shows it keeps up",
                at=c.span,
                path=g.comp_path(name),
                label=f"x{fanout:g}: {rate(out)}",
                hints=[
                    f"size it for the fan-out, measured: `replicas A..B; capacity N rps per replica` for {rate(into)} "
                    f"of requests that do {rate(out)} of {noun}"
                    if c.kind == "service"
                    else f"size it for the fan-out, measured: `capacity N rps` for {rate(into)} of requests that do "
                    f"{rate(out)} of {noun}",
                    f"or take the fan-out off the callers' path: {who} publishes to a queue or stream that `{name}` "
                    "consumes, so a slow fan-out delays deliveries instead of failing requests",
                    f"`fanout {fanout:g}` is an average: the widest requests fan out far more; serve the widest "
                    "at read time instead of pushing them",
                ],
            )


def _unstated(c: Component) -> str:
    """What a component leaves out that would size it: `capacity`, and for a service its `replicas` too."""
    if c.kind == "service" and c.replicas is None:
        return "no `replicas` and no `capacity`" if capacity_of(c) is None else "no `replicas`"
    return "no `capacity`"


def _flows_phrase(parts: dict[str, float]) -> str:
    """`flow `read``, `flows `a`, `b` and `c``: the flows that bring a load, the largest first."""
    names = sorted(parts, key=lambda n: -parts[n])
    more = f" and {len(names) - 4} more" if len(names) > 4 else ""
    return ("flow " if len(names) == 1 else "flows ") + listed(names[:4]) + more
