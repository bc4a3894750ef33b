"""CAP001: a store promises strong consistency but replicates asynchronously.

**What it checks.** A store whose `consistency` is `linearizable`, `strong` or `sequential` and whose
`replication` is `async` (or `semi_sync`) with more than one copy.

**Why it matters.** Asynchronous replication acknowledges a write before the replicas have it. After a failover
the new primary lacks the latest acknowledged writes, and reads from replicas see stale data: the promise of
strong consistency is broken exactly when it matters (Abadi, "Consistency Tradeoffs in Modern Distributed
Database System Design", IEEE Computer 2012; the GitHub MySQL failover incident of 2018-10-21 lost and
reordered writes this way).

**Read-your-writes on asynchronous replicas.** A store that is the read replicas of another (`replica_of`),
fed asynchronously (unless its own `replication` is `sync`), read synchronously by a component while the
primary is written: a read right after a write can miss it (a new link that 404s, a saved setting that comes
back old), and nothing in the design promises otherwise. A warning when the read states no `consistency`, an
error when it needs more than the replicas give (`read_your_writes`, `session`, `causal` or stronger); a read
that states `consistency eventual` (or `bounded_staleness`) has accepted it.

**Example.**

    store accounts { consistency linearizable; replication async { replicas 3 } }

    service api { writes orders; reads orders_replicas }
    store orders_replicas { replica_of orders }

**Fix.** Replicate synchronously (`replication sync { replicas 3; spread zones }`), use a quorum with
R + W > N, or state the consistency the store really offers (`consistency eventual`) and let readers that need
more say so. For replicas: read what a user has just written from the primary (route reads after a write there,
or pin a session to it for a while), or state `consistency eventual` on a read that can be stale.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ..graph import STRONG, Graph, consistency_of, joined, replica_feed, replication_of
from ..rule import Finding, Rule, rule

# what a read that accepts replicas' lag states
ACCEPTS_STALE = ("eventual", "bounded_staleness")


@rule
class StrongConsistencyAsyncReplication(Rule):
    code = "CAP001"
    name = "strong-consistency-async-replication"
    severity = Severity.ERROR
    summary = "strong consistency promised over asynchronous replication"
    practices = ("REL13-BP02",)

    def check(self, g: Graph) -> Iterator[Finding]:
        yield from self._replicas(g)
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

    def _replicas(self, g: Graph) -> Iterator[Finding]:
        for name, c in g.comps.items():
            if replica_feed(c) != "async" or c.replica_of not in g.comps:
                continue  # not replicas; or synchronous ones, which have every acknowledged write
            primary = c.replica_of
            writers = list(dict.fromkeys(e.source for e in g.inc[primary] if e.kind == "writes"))
            if not writers:
                continue
            for e in g.inc[name]:
                if e.kind not in ("reads", "calls") or not g.is_sync(e) or e.consistency in ACCEPTS_STALE:
                    continue
                names = joined([f"`{w}`" for w in writers[:3]])
                who = "it writes" if e.source in writers else f"{names} write" + ("s" if len(writers) == 1 else "")
                needs = e.consistency is not None  # read_your_writes, session, causal or stronger
                yield Finding(
                    message=f"`{e.source}` reads `{name}`, asynchronous replicas of `{primary}` that {who}"
                    + (
                        f", but needs {e.consistency} consistency: the replicas lag behind the writes"
                        if needs
                        else ": a read right after a write can miss it (read-your-writes is not promised)"
                    ),
                    at=e.span,
                    path=g.edge_path(e),
                    label="stale reads after writes",
                    severity=None if needs else Severity.WARNING,
                    hints=[
                        f"read what a user has just written from `{primary}` (route reads after a write there, or pin "
                        "the session to it for a while)",
                        f"or, if a stale read is acceptable, say so: `{e.kind} {name} {{ consistency eventual }}`",
                    ],
                )
