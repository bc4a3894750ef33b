"""CAP001: a store promises strong consistency but replicates asynchronously.

**What it checks.** A store whose `consistency` is `linearizable`, `strong` or `sequential` and whose
`replication` is `async` (or `semi_sync`) with more than one copy.

**Why it matters.** Asynchronous replication acknowledges a write before the replicas have it. After a failover
the new primary lacks the latest acknowledged writes, and reads from replicas see stale data: the promise of
strong consistency is broken exactly when it matters (Abadi, "Consistency Tradeoffs in Modern Distributed
Database System Design", IEEE Computer 2012; the GitHub MySQL failover incident of 2018-10-21 lost and
reordered writes this way).

**Example.**

    store accounts { consistency linearizable; replication async { replicas 3 } }

**Fix.** Replicate synchronously (`replication sync { replicas 3; spread zones }`), use a quorum with
R + W > N, or state the consistency the store really offers (`consistency eventual`) and let readers that need
more say so.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ..graph import STRONG, Graph, consistency_of, replication_of
from ..rule import Finding, Rule, rule


@rule
class StrongConsistencyAsyncReplication(Rule):
    code = "CAP001"
    name = "strong-consistency-async-replication"
    severity = Severity.ERROR
    summary = "strong consistency promised over asynchronous replication"
    practices = ("REL13-BP02",)

    def check(self, g: Graph) -> Iterator[Finding]:
        for name, c in g.comps.items():
            consistency = consistency_of(c)
            rep = replication_of(c)
            if consistency not in STRONG or rep is None or isinstance(rep, int):
                continue
            if rep.mode in ("async", "semi_sync") and (rep.replicas or 2) > 1:
                source = c.inherited.get("consistency")
                if source is not None and "replication" not in c.inherited:
                    # the design states the replication itself and leaves the consistency to its engine's
                    # generic default (a single primary's): no promise of the design's own to contradict
                    continue
                how = "asynchronously" if rep.mode == "async" else "semi-synchronously"
                whence = (
                    f" (the default of {source}: state `consistency ...` on `{name}` to change it)" if source else ""
                )
                yield Finding(
                    message=f"store `{name}` promises {consistency} consistency{whence} but replicates {how}",
                    at=c.span,
                    path=g.comp_path(name),
                    label=f"{consistency}, {rep.mode} replication",
                    hints=[
                        "replicate synchronously (`replication sync { ... }`) or with a quorum where R + W > N",
                        f"or state what it offers: `consistency eventual` (or `read_your_writes`) on `{name}`",
                    ],
                )
