"""DR003: the design keeps data but states no recovery objectives.

**What it checks.** A system with stateful data components (stores, streams or queues) whose requirements do
not state an `rpo` or an `rto`.

**Why it matters.** Without a recovery point and a recovery time objective nobody can tell whether the backups,
replication and standby regions are enough, or too much (AWS REL13-BP01 "define recovery objectives for
downtime and data loss"; Azure RE:04). The rules that weigh replication and DR strategy against them (DR001,
DR002) have nothing to weigh against.

**Example.**

    system s { store ledger { engine postgres } }

**Fix.** `requirements { rpo 5m; rto 1h }`: the data loss and the downtime the business accepts.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ..graph import Graph, reproducible
from ..rule import Finding, Rule, rule

STATEFUL = ("store", "stream", "queue")


@rule
class RecoveryObjectivesMissing(Rule):
    code = "DR003"
    name = "recovery-objectives-missing"
    severity = Severity.INFO
    summary = "the design keeps data but states no RPO or RTO"
    practices = ("REL13-BP01", "RE:04")

    def check(self, g: Graph) -> Iterator[Finding]:
        if g.system is None:
            return
        holders = [n for n, c in g.comps.items() if c.kind in STATEFUL and not reproducible(c)]
        if not holders:
            return
        req = g.requirements
        missing = [k for k in ("rpo", "rto") if req is None or getattr(req, k) is None]
        if not missing:
            return
        yield Finding(
            message=f"system `{g.system.name}` keeps data (in {', '.join(f'`{n}`' for n in holders[:3])}"
            f"{' and more' if len(holders) > 3 else ''}) but states no {' or '.join(missing)}",
            at=g.system.span,
            path="requirements/recovery-objectives",
            label=f"no {' or '.join(missing)}",
            hints=["state them in `requirements { rpo 5m; rto 1h }`"],
        )
