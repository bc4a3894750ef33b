"""CAP004: strong consistency across regions inside a latency budget shorter than the round trip.

**What it checks.** A store (or cache) that promises `linearizable`, `strong` or `sequential` consistency and
replicates synchronously (`sync` or `quorum`) across regions: its `replication` says `spread regions`, lists
more than one region in `regions`, or has `writers multi` while placed in several regions. Its copies live in
the regions `replication.regions` names; else in the regions it is placed in; else, for `spread regions` in a
single placement, in every region of the design.

For every component that writes it synchronously (a `writes` or `calls` edge, `mode sync`), the rule takes the
writer's latency budget, its `slo { latency p99 ... }`, or else the system's `requirements { latency p99 ... }`
when the writer serves requests (it is reachable from an entrypoint through synchronous edges; a background
consumer is not held to the request budget). From each region the writer runs in, a write waits for the copies
in the other regions: with `sync` replication for all of them (the largest round trip), with `quorum` (or
several writers) for at least one (the smallest). If that round trip is not less than the budget, the budget
cannot be met by requests that write. Round-trip times come from the design's `network { rtt ... }`, or from
`stdlib/aws` when the design imports it. When a region pair has no figure, the finding says what to declare.

**Why it matters.** PACELC: else (no partition), a replicated system trades latency against consistency
(Abadi, "Consistency Tradeoffs in Modern Distributed Database System Design: CAP is Only Part of the Story",
IEEE Computer 2012). A strongly consistent write across regions cannot be acknowledged before another region
has it, so it costs at least one inter-region round trip: 62 ms between us-east-1 and us-west-2 at the median
(AWS Network Manager Infrastructure Performance, 2022), more at p99. A p99 objective below that is broken by
design for every request that writes.

**Example.**

    service api { slo { latency p99 50ms }; writes accounts { timeout 40ms } }
    store accounts { consistency linearizable; replication sync { regions [us_east_1, us_west_2] } }

**Fix.** Keep synchronous replication within a region (`spread zones`) and replicate across regions
asynchronously, accepting a recovery point above zero; or relax the promise (`consistency eventual` or
`read_your_writes`) for data that can take it; or give the writer a latency budget above the round trip.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ...model import Replication
from ..graph import STRONG, Graph, consistency_of, duration, joined, p99, replication_of
from ..rule import Finding, Rule, rule

WRITE_KINDS = ("writes", "calls")


@rule
class CrossRegionConsistencyLatency(Rule):
    code = "CAP004"
    name = "cross-region-consistency-exceeds-latency-budget"
    severity = Severity.WARNING
    summary = "strong consistency across regions with a writer's p99 budget below the inter-region round trip"
    practices = ()

    def check(self, g: Graph) -> Iterator[Finding]:
        system_p99 = p99(g.requirements.latency) if g.requirements is not None else None
        for name, c in g.comps.items():
            consistency = consistency_of(c)
            rep = replication_of(c)
            if consistency not in STRONG or rep is None or isinstance(rep, int) or rep.mode not in ("sync", "quorum"):
                continue
            regions = _copy_regions(g, name, rep)
            if len(regions) < 2:
                continue
            wait_all = rep.mode == "sync" and rep.writers != "multi"
            for e in g.inc[name]:
                if e.kind not in WRITE_KINDS or e.mode != "sync":
                    continue
                writer = g.comps[e.source]
                budget = p99(writer.slo.latency) if writer.slo is not None else None
                whose = "its SLO"
                if budget is None and system_p99 is not None and e.source in g.serving:
                    budget, whose = system_p99, "the system's requirement"
                if budget is None:
                    continue
                where = f"{consistency} copies in {joined(regions)}"
                unknown: list[tuple[str, str]] = []
                worst: tuple[float, str, str] | None = None
                for home in g.placement[e.source] or regions[:1]:
                    remote = [r for r in regions if r != home]
                    if not remote:
                        continue
                    known = []
                    for r in remote:
                        rtt = g.rtt_between(home, r)
                        if rtt is None:
                            pair = (home, r) if home < r else (r, home)
                            if pair not in unknown:
                                unknown.append(pair)
                        else:
                            known.append((rtt, home, r))
                    if len(known) < len(remote):
                        continue
                    cost = max(known) if wait_all else min(known)
                    if worst is None or cost[0] > worst[0]:
                        worst = cost
                if unknown:
                    a, b = unknown[0]
                    yield Finding(
                        message=(
                            f"`{e.source}` writes {c.kind} `{name}` synchronously, which keeps {where}, but no "
                            f"round-trip time is known between {a} and {b} to weigh against its p99 budget of "
                            f"{duration(budget)} ({whose})"
                        ),
                        at=e.span,
                        path=g.edge_path(e),
                        label="round trip unknown",
                        notes=[(c.span, f"`{name}` replicates {rep.mode} across regions")],
                        hints=[f"declare it: `network {{ rtt {a} {b} 62ms }}` (with the figure you measured)"]
                        + [f"and `rtt {x} {y} ...`" for x, y in unknown[1:]],
                    )
                    continue
                if worst is None or worst[0] < budget:
                    continue
                rtt, a, b = worst
                how = "every other region" if wait_all else "at least one other region"
                yield Finding(
                    message=(
                        f"`{e.source}` has a p99 budget of {duration(budget)} ({whose}) but writes {c.kind} `{name}` "
                        f"synchronously, which keeps {where}: a write waits for {how}, at least the round trip "
                        f"{a} - {b} of {duration(rtt)}"
                    ),
                    at=e.span,
                    path=g.edge_path(e),
                    label=f"round trip {duration(rtt)} >= p99 {duration(budget)}",
                    notes=[(c.span, f"`{name}` replicates {rep.mode} across {joined(regions)}")],
                    hints=[
                        f"replicate `{name}` synchronously within a region (`spread zones`) and asynchronously "
                        "across regions, accepting an RPO above zero",
                        f"or relax the promise (`consistency read_your_writes` or `eventual`) on `{name}`, or give "
                        f"`{e.source}` a p99 budget above {duration(rtt)}",
                    ],
                )


def _copy_regions(g: Graph, name: str, rep: Replication) -> list[str]:
    """The regions holding copies of a store's data, when it replicates across regions."""
    placed = list(g.placement[name])
    if rep.regions:
        return list(dict.fromkeys(rep.regions))
    if rep.spread == "regions":
        return placed if len(placed) > 1 else [r.name for r in g.design.regions]
    if rep.writers == "multi":
        return placed
    return []
