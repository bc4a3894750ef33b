"""SCL001: the peak load is more than a critical component can carry at its largest.

**What it checks.** With `requirements { peak_load ... }`, every component on the hard synchronous path of an
entrypoint (the entrypoint itself included) that states a `capacity`:

* a service carries at most `replicas` (the maximum) x `capacity` (per replica), less its `headroom` if it
  keeps one;
* a store, stream, queue or cache carries its `capacity` (the component's total).

Each request to an entrypoint is assumed to reach each of its hard dependencies once, so each must carry the
whole peak, unless the traffic into it is bounded: by its own total `rate_limit`, or by total `rate_limit`s on
every synchronous edge into it (their sum). The design has no way to say which share of the traffic takes which
path, so a rate limit is how to say "only this much reaches it".

Components without `capacity`, and services without `replicas`, are skipped: nothing to compute from, and the
rules that ask for declarations say what is missing, once. Caching in front (a soft read with a fallback) is
not credited.

**A single writer.** A relational store with one writer (`writers single`, or a replicated relational store
that does not say `writers multi`) and no sharding takes every write on one node, however many replicas it has.
When it states no `capacity` and the load reaching it at peak (its flows' writes, else the peak that reaches it)
is above the `single-writer-rps` option (500 by default), that is reported too: "will the single write master
carry the writes" is the first question of a capacity review, and the design gives nothing to answer it with.

**Why it matters.** An autoscaler cannot go above its maximum: at peak the excess queues, times out and is
retried, and the overload spreads to callers. AWS Well-Architected REL07-BP03 (obtain resources upon detecting
that more are needed) and Azure RE:06 (a scaling strategy sized for peak) both start from the arithmetic
`max replicas x per-replica capacity >= peak load`.

**Example.**

    system s { requirements { peak_load 5000 rps } ... }
    service api { exposure public; replicas 2..4; capacity 500 rps per replica }

**Fix.** Raise the maximum (`replicas 2..10`), the per-replica capacity (and measure it), or, if only part of
the peak reaches the component, bound it with a `rate_limit` on the calls into it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from ...diagnostics import Severity
from ...model import Store
from ..graph import Graph, rate, replication_of
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
            if not isinstance(c, Store) or c.capacity is not None or not _single_writer(c):
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


def _single_writer(c: Store) -> bool:
    """A relational store whose writes all land on one node: `writers single`, or replicated (or not) without
    `writers multi`, and not sharded over several shards."""
    if c.sharding is not None and (c.sharding.shards or 2) > 1:
        return False
    rep = replication_of(c)
    if rep is not None and rep.writers is not None:
        return rep.writers == "single"
    return c.model == "relational"
