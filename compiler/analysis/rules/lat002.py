"""LAT002: a component may wait on its dependencies longer than its latency objective.

**What it checks.** For each component with a p99 latency objective (its SLO, and for entrypoints the
system's requirement), its own p99 plus the largest timeout x attempts among its synchronous calls, with the
backoff stated between attempts (their sum when it states `call_order sequential`; an edge without a timeout
waits for the callee's whole chain). Where one of its synchronous calls states no timeout, the wait has no
bound at all (a callee that hangs holds the request), and the finding says so and names the call, as
`designc report` does.

**Why it matters.** The timeouts decide how long requests wait when a dependency is slow rather than down. A
caller whose timeouts exceed its own budget misses its objective on every slow day before any timeout fires,
and holds resources all that time (AWS REL05-BP05; Brooker, "Timeouts, retries, and backoff with jitter").

**Example.**

    service api { calls pay { timeout 2s; retries 2 }; slo { latency p99 300ms } }

**Fix.** Lower the timeouts or retries of its synchronous calls so that timeout x attempts fits the
objective, or make the slow call asynchronous. The hints share the objective (less the component's own p99)
among its calls (one after another under `call_order sequential`, each on its own otherwise), and never
propose a timeout below the callee's p99 (TMO003) or its own waits (TMO002). Per call: the timeout per attempt
that fits; where the calls fit only with fewer attempts, how many retries to keep; and where a callee is too
slow even on one attempt, that this callee must change (be made faster, or taken off the request), and the
timeouts that fit the rest once it has.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from ...diagnostics import Severity
from ...model import Edge
from ..graph import Graph, attempts, backoff_wait, duration, p99, us, wait_phrase
from ..rule import Finding, Rule, rule


@rule
class TimeoutChain(Rule):
    code = "LAT002"
    name = "timeouts-exceed-latency-objective"
    severity = Severity.WARNING
    summary = "timeouts let a component wait longer than its latency objective"
    practices = ("REL05-BP05",)

    def check(self, g: Graph) -> Iterator[Finding]:
        for name in g.comps:
            goal = g.latency_objective(name)
            if goal is None:
                continue
            target, whose = goal
            chain = g.chains[name]
            # reported whether or not the p99 chain already misses the objective (LAT001): a slow chain must not
            # hide the timeouts, which are a separate fix; only when the wait is the chain itself is it one finding
            if us(target) < us(chain.timeouts) and us(chain.timeouts) > us(chain.latency):
                untimed = [e for e in _calls(g, name) if e.timeout is None] if chain.untimed else []
                if untimed:  # no figure bounds the wait: say so, as the report does, and name the calls
                    calls = _and([f"`{e.kind} {e.target}`" for e in untimed])
                    message = (
                        f"`{name}` may wait without bound on its dependencies, above {whose} of {duration(target)}: "
                        f"{calls} {'states' if len(untimed) == 1 else 'state'} no timeout, so a callee that hangs "
                        "holds the request"
                    )
                    label = "no bound: " + ", ".join(f"`{e.target}`" for e in untimed) + " without a timeout"
                else:
                    message = (
                        f"`{name}` may wait {duration(chain.timeouts)} on its dependencies before a timeout fires, "
                        f"above {whose} of {duration(target)}"
                    )
                    label = f"waits up to {duration(chain.timeouts)}"
                yield Finding(
                    message=message,
                    at=g.comps[name].span,
                    path=g.comp_path(name),
                    label=label,
                    hints=_hints(g, name, target, whose),
                )


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" and {items[-1]}"


def _calls(g: Graph, name: str) -> list[Edge]:
    """The synchronous calls a request to ``name`` waits on, as the chains count them: not one made `on connect`,
    nor one back into its own cycle."""
    comp_of, _ = g._sync_scc
    here = comp_of[name]
    return [e for e in g.sync_out[name] if e.when != "connect" and comp_of[e.target] != here]


@dataclass
class _Call:
    """One synchronous call in LAT002's plan: the least it may be given per attempt (the callee's p99 along its
    chain, TMO003, or its own waits, TMO002), how many times it runs one after another (its `fanout` when the
    caller calls in sequence), and the attempts the plan keeps."""

    edge: Edge
    floor: float
    why: str
    times: float
    tries: int

    def need(self, tries: int | None = None) -> float:
        """The least this call may keep its caller waiting: the floor on every attempt, and the stated backoff."""
        n = self.tries if tries is None else tries
        return self.times * (self.floor * n + backoff_wait(self.edge, n - 1))

    def wait(self) -> float:
        """What it may keep its caller waiting as stated (infinite without a timeout: a hang holds it)."""
        if self.edge.timeout is None:
            return math.inf
        return self.times * (self.edge.timeout * attempts(self.edge) + backoff_wait(self.edge))


def _hints(g: Graph, name: str, target: float, whose: str) -> list[str]:
    """Timeouts that fit ``target`` together, none below what its callee needs: the plan the docstring describes.

    The budget is the objective less the component's own p99. Under `call_order sequential` the calls share it;
    otherwise each call has all of it to itself. Then, in turn: the callees too slow for it on one attempt must
    change (the slowest first, until the rest fit); the calls that fit only with fewer attempts keep as many
    retries as fit (the most retried first); the others are given, where their stated wait does not fit, an
    equal share of what the stated waits leave over their least."""
    c = g.comps[name]
    own = (p99(c.latency) if c.latency else None) or 0.0
    budget = target - own
    if us(budget) <= 0:
        return [
            f"`{name}`'s own p99 of {duration(own)} leaves nothing of {whose} of {duration(target)} to wait on its "
            "calls: make it faster, or take its calls off the request"
        ]
    seq = g.chains[name].sequential
    calls = []
    for e in _calls(g, name):
        callee = g.chains[e.target]
        own = p99(g.comps[e.target].latency) or 0.0
        waits = callee.timeouts - own  # its own waits (TMO002)
        floor, why = (callee.latency, "its p99") if callee.latency >= waits else (waits, "its own timeouts")
        calls.append(_Call(e, floor, why, float(e.fanout or 1) if seq else 1.0, attempts(e)))
    groups = [calls] if seq else [[x] for x in calls]
    out: list[str] = []
    for group in groups:
        out += _plan(group, budget, whose, target)
    return out or [f"lower the timeouts (or retries) of its synchronous calls to fit within {duration(target)}"]


def _label(x: _Call) -> str:
    e = x.edge
    stated = wait_phrase(e) if e.timeout is not None else "no timeout" + (f", {x.tries} attempts" if e.retries else "")
    return f"`{e.kind} {e.target}` ({stated})"


def _plan(group: list[_Call], budget: float, whose: str, target: float) -> list[str]:
    """The hints for calls that share ``budget`` (one call when the caller calls in parallel)."""
    hints: dict[int, str] = {}
    objective = f"{whose} of {duration(target)}"
    live = list(group)
    # 1. callees too slow even on one attempt each: the slowest must change, until the rest fit
    while live and us(sum(x.need(1) for x in live)) > us(budget):
        worst = max(live, key=lambda x: x.need(1))
        live.remove(worst)
        alone = "alone " if len(group) == 1 or us(worst.need(1)) > us(budget) else ""
        times = f" ({worst.times:g} calls one after another)" if worst.times > 1 else ""
        hints[id(worst)] = (
            f"{_label(worst)}: `{worst.edge.target}` {alone}may take {duration(worst.floor)} ({worst.why}){times}, "
            f"more than {objective} leaves{' to it' if len(group) > 1 else ''}: make it faster, or take the call off "
            "the request (asynchronous, or soft with a fallback)"
        )
    # 2. retries that do not fit: keep as many as fit, the most retried call first
    fewer: set[int] = set()
    for x in sorted(live, key=lambda x: -(x.need() - x.need(1))):
        over = sum(y.need() for y in live) - budget
        if us(over) <= 0:
            break
        if x.tries == 1:
            continue
        rest = sum(y.need() for y in live if y is not x)
        keep = max((n for n in range(1, x.tries) if us(rest + x.need(n)) <= us(budget)), default=1)
        x.tries = keep
        fewer.add(id(x))
    # 3. timeouts: the stated waits that fit are kept, the others share what is left over their least
    kept = [x for x in live if id(x) not in fewer and x.edge.timeout is not None]
    while kept and us(sum(x.wait() for x in kept) + sum(x.need() for x in live if x not in kept)) > us(budget):
        kept.remove(max(kept, key=lambda x: x.wait() - x.need()))
    free = [x for x in live if x not in kept]
    if free:
        share = (budget - sum(x.wait() for x in kept) - sum(x.need() for x in free)) / len(free)
        for x in free:
            t = ((x.need() + share) / x.times - backoff_wait(x.edge, x.tries - 1)) / x.tries
            if t >= 0.002:
                t = math.floor(t * 1000) / 1000  # whole milliseconds, as a user writes a timeout
            t = max(t, x.floor)
            above = f", above {x.why} of {duration(x.floor)}" if x.floor > 0 else ""
            if us(t) <= 0:
                hints[id(x)] = (
                    f"{_label(x)}: nothing of {objective} is left for it once the other calls wait their least: "
                    "make them faster, or take this call off the request"
                )
            elif id(x) in fewer:
                n = x.tries - 1
                retries = "do not retry" if n == 0 else "retry once" if n == 1 else f"retry at most {n} times"
                hints[id(x)] = (
                    f"{_label(x)}: {x.edge.retries} retries do not fit {objective}"
                    f"{' with the other calls' if len(group) > 1 else ''}: {retries} (`retries {n}`), with a timeout "
                    f"of at most {duration(t)} per attempt{above}"
                )
            else:
                hints[id(x)] = f"{_label(x)}: a timeout of at most {duration(t)} per attempt fits{above}"
    return [hints[id(x)] for x in group if id(x) in hints]
