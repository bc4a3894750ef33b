"""SCL004: the peak load exceeds a dependency's rate limit (a quota), or work the system starts itself calls an
external with nothing to limit it.

**What it checks.** An `external` with a total `rate_limit` (the provider's quota) on an entrypoint's hard
synchronous path, when the load that reaches it at peak is above that limit: with flows, the demand they bring
it (over their routes, and over the calls every request makes that no route names, at the flow's rate at that
step); without flows, the system's `peak_load`, scaled by the `share` and `fanout` of the edges on the way. (A
`rate_limit` the design puts on its own edges is a bound it chose, which SCL001 takes into account, not a
quota.)

**Work nobody asked for.** A service that starts its own work (`trigger continuous`, or a `trigger schedule` a
flow gives a rate) sets its own pace against an external: no user's request bounds it. Its synchronous call to an
external with no `rate_limit` on the call, and none stated by the external, is reported with the rate its flows
bring (a crawler against the web, a poller against a partner's API). A limit counted per key (`rate_limit 1 rps
per host`: politeness towards each site; `per account`, `per key`) is compared key for key: a call allowed more
per key than the external accepts per that key is reported, and so is a self-started call with no limit per a
key the external counts by.

**Why it matters.** Quotas and rate limits are capacity you do not control. At peak the provider throttles, and
every request beyond the quota fails or waits, whatever your own capacity (AWS REL01-BP01 "be aware of service
quotas and constraints", REL01-BP03).

**Example.**

    requirements { peak_load 5000 rps }
    external card_network { rate_limit 2000 rps }

    service crawler { trigger continuous; calls web { timeout 10s } }  # no rate_limit: as fast as it loops
    external web "The web"

**Fix.** Raise the quota (and state it), put a queue in front of the dependency so the peak is smoothed, or
make the call asynchronous or soft so the excess degrades instead of failing. For self-started work, limit the
call where the other side needs it (`calls web { rate_limit 1 rps per host }`), and state the other side's limit
on the external when it has one.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ...model import Edge, Service
from ..graph import Graph, rate, rate_limits_of
from ..rule import Finding, Rule, rule


@rule
class QuotaBelowPeak(Rule):
    code = "SCL004"
    name = "peak-above-rate-limit"
    severity = Severity.WARNING
    summary = "the peak load exceeds a dependency's rate limit, or nothing limits self-started calls to an external"
    practices = ("REL01-BP01", "REL01-BP03")

    def check(self, g: Graph) -> Iterator[Finding]:
        yield from self._self_started(g)
        req = g.requirements
        if req is None or not req.peak_load:
            return
        peak = req.peak_load
        needed = g.needed_by
        for name, bits in needed.items():
            c = g.comps[name]
            limits = [r for r in rate_limits_of(c) if r.per == "total"]
            if c.kind != "external" or not limits:
                continue
            limit = min(r.rate for r in limits)
            load, bounded = g.load_at(name, peak, own_limit=False)
            if limit < load:
                arriving = f"{rate(load)} ({bounded})" if bounded else f"the peak load of {rate(peak)}"
                yield Finding(
                    message=f"`{name}` accepts at most {rate(limit)}, below {arriving} that reaches it through "
                    f"{g.entrypoint_phrase(bits)}",
                    at=c.span,
                    path=g.comp_path(name),
                    label=f"limit {rate(limit)}",
                    hints=["raise and state the quota, queue in front of it, or make the call soft or asynchronous"],
                )

    def _self_started(self, g: Graph) -> Iterator[Finding]:
        # the calls into externals, found from the externals (a design has few)
        for ext_name, ext in g.comps.items():
            if ext.kind != "external":
                continue
            for e in g.inc[ext_name]:
                if e.mode != "sync" or e.kind not in ("calls", "reads", "writes"):
                    continue
                c = g.comps[e.source]
                own = e.rate_limit
                theirs = {r.per: r.rate for r in rate_limits_of(ext) if r.per != "total"}
                if own is not None and own.per in theirs and own.rate > theirs[own.per]:
                    yield self._keyed(g, e, own.per, own.rate, theirs[own.per])
                    continue
                if not _self_started(g, c):
                    continue
                sent = _flow_rate(g, e)
                if own is None and not rate_limits_of(ext):
                    if sent is None and c.trigger is not None and c.trigger.kind != "continuous":
                        continue  # a scheduled job with no rate: its schedule bounds it
                    yield self._unbounded(g, e, sent)
                elif theirs and (own is None or own.per not in theirs):
                    per, limit = next(iter(sorted(theirs.items())))
                    yield self._keyed(g, e, per, None, limit)

    @staticmethod
    def _unbounded(g: Graph, e: Edge, sent: tuple[float, str] | None) -> Finding:
        c = g.comps[e.source]
        how = f"`trigger {c.trigger.kind}`" if isinstance(c, Service) and c.trigger is not None else "its own work"
        at = f" at {rate(sent[0])} at peak ({sent[1]})" if sent else ""
        return Finding(
            message=f"`{e.source}` starts its own work ({how}) and calls external `{e.target}`{at} with no "
            f"`rate_limit` on the call, and `{e.target}` states none: nothing keeps it within what the other side "
            "accepts",
            at=e.span,
            path=g.edge_path(e),
            label="no rate limit",
            hints=[
                "limit the call where the other side needs it: `rate_limit N rps`, or per site when the external is "
                "many (`rate_limit 1 rps per host`: politeness, robots.txt crawl-delay)",
                f"state the other side's limit on `{e.target}` when it has one (`rate_limit N rps`)",
            ],
        )

    @staticmethod
    def _keyed(g: Graph, e: Edge, per: str, own: float | None, limit: float) -> Finding:
        allowed = f"allows {rate(own)} per {per}" if own is not None else f"states no limit per {per}"
        return Finding(
            message=f"`{e.target}` accepts at most {rate(limit)} per {per}, but `{e.source}`'s call to it {allowed}",
            at=e.span,
            path=g.edge_path(e),
            label=f"limit {rate(limit)} per {per}",
            hints=[f"limit the call to what `{e.target}` accepts: `rate_limit {rate(limit)} per {per}`"],
        )


def _self_started(g: Graph, c: object) -> bool:
    """A service whose work no caller starts: a `trigger` other than requests, and no caller of its own."""
    if not isinstance(c, Service) or c.trigger is None or c.trigger.kind == "request":
        return False
    return not any(x.kind != "consumes" for x in g.inc[c.name])


def _flow_rate(g: Graph, e: Edge) -> tuple[float, str] | None:
    """The rate the flows send over an edge at peak, and which flows: None when no flow takes it."""
    parts: dict[str, float] = {}
    for fl in g.flows:
        for s in fl.steps:
            if s.edge is e:
                parts[fl.flow.name] = parts.get(fl.flow.name, 0.0) + s.rate
    if not parts:
        return None
    names = sorted(parts, key=lambda n: -parts[n])
    return sum(parts.values()), ("flow " if len(names) == 1 else "flows ") + ", ".join(f"`{n}`" for n in names)
