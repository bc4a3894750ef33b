"""SPOF004: stateful data kept in one copy, with no backup.

**What it checks.** A component that keeps state (every store, stream and queue, unless it says
`state stateless`, and a service that says `state stateful`) with neither a second copy (a `replication` mode
other than `none`, a replication factor or replicas above one) nor a `backup`, and that is not `reproducible yes`.

Left alone:

* caches: a cache holds copies of data that lives elsewhere, so losing it costs a cold start, not data. A cache
  that is the only home of its data (sessions, say) should be declared as a `store`;
* managed components with a declared `availability` (SQS, S3, DynamoDB, ...): the provider keeps the copies;
* a stateful service that does not say how many replicas it runs (nothing to count).

**Why it matters.** With one copy and no backup, a failed disk, a deleted volume or an operator's mistake loses
the data for good; no amount of failover brings it back. AWS Well-Architected REL09-BP01 asks for all data to
be backed up (or to be reproducible from other sources), and Azure RE:05 for redundant data stores. GitLab's
2017-01-31 outage lost six hours of production data when an engineer deleted the primary's data directory and
none of the five backup mechanisms turned out to work.

**Example.**

    store orders { engine postgres }

**Fix.** Replicate it (`replication sync { replicas 3; spread zones }`), back it up
(`backup { pitr on; rpo 5m; retention 35d }`), or, if it can be rebuilt from other data, say so with
`reproducible yes`.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ..graph import Graph, backup_of, replication_factor_of, replication_of, reproducible
from ..rule import Finding, Rule, rule
from .spof001 import _copies

KEEPS_STATE = ("store", "stream", "queue")


@rule
class UnprotectedState(Rule):
    code = "SPOF004"
    name = "unprotected-state"
    severity = Severity.WARNING
    summary = "stateful data in one copy with no backup"
    practices = ("REL09-BP01", "RE:05")

    def check(self, g: Graph) -> Iterator[Finding]:
        for name, c in g.comps.items():
            if c.kind in KEEPS_STATE:
                if c.state == "stateless":
                    continue
            elif not (c.kind == "service" and c.state == "stateful" and c.replicas is not None):
                continue
            if reproducible(c) or backup_of(c) is not None:
                continue
            if c.managed and c.availability is not None:
                continue
            copies = _copies(c) or 1
            if copies > 1:
                continue
            if c.kind == "service":
                why = f"runs {copies} replica" if copies == 1 else f"runs {copies} replicas"
                hints = [
                    "run more replicas that share its state (`replicas 3`) or move the state to a replicated store",
                ]
            else:
                rep = replication_of(c)
                if c.kind == "stream":
                    rf = replication_factor_of(c)
                    why = f"has replication factor {rf}" if rf else "declares no replication"
                elif rep is not None and rep.mode == "none":
                    why = "says `replication none`"
                elif rep is not None:
                    why = f"keeps one copy (`replication {rep.mode}` with one replica)"
                else:
                    why = "declares no replication"
                hints = [
                    f"back it up: `backup {{ pitr on; rpo 5m; retention 35d }}` on `{name}`",
                    "or replicate it: `replication sync { replicas 3; spread zones }`"
                    if c.kind != "stream"
                    else "or replicate it: `replication 3` with `min_insync 2`",
                ]
                if c.kind == "store":
                    hints.append("or, if it can be rebuilt from other data, say so: `reproducible yes`")
            yield Finding(
                message=f"{c.kind} `{name}` keeps state but {why} and has no backup: losing its one copy loses the "
                "data for good",
                at=c.span,
                path=g.comp_path(name),
                label="one copy, no backup",
                hints=hints,
            )
