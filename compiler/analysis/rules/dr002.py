"""DR002: the required recovery time objective has no recovery behind it.

**What it checks.** With `requirements { rto ... }`:

* **single region**: the design has one region and no `disaster_recovery { strategy ... }`: losing the region
  leaves nothing to recover to;
* **manual failover**: `disaster_recovery { failover manual }` with an RTO under one hour. A manual failover
  waits for an alert, a person paged and acknowledging, a diagnosis, a decision to fail over and the runbook's
  steps; designc takes one hour as the least such a chain can be counted on for (a judgement, not a published
  figure: paging acknowledgement targets alone are commonly 5 to 15 minutes);
* **strategy too slow**: the strategy's usual recovery time is above the RTO. designc uses the AWS whitepaper
  "Disaster Recovery of Workloads on AWS" order of magnitude for each strategy (hours for backup and restore,
  tens of minutes for pilot light, minutes for warm standby, near zero for hot standby and active-active; the
  mapping is marked unverified in the project's rule sources) and reports an RTO below 1 hour for
  `backup_restore`, below 10 minutes for `pilot_light`, below 1 minute for `warm_standby`;
* **empty standby**: a `pilot_light`, `warm_standby` or `hot_standby` strategy with a standby region in which
  nothing is placed and into which nothing is replicated: the strategy has nothing to start.

**Why it matters.** An RTO is met by the recovery mechanism, not by the wish. AWS Well-Architected REL13-BP02
asks for a DR strategy that meets the recovery objectives, REL13-BP05 for automated recovery, and REL11-BP02
for failover to healthy resources; Azure RE:09 for DR plans that match the targets.

**Example.**

    system s {
      requirements { rto 15m }
      disaster_recovery { strategy warm_standby; failover manual }
      ...
    }

**Fix.** Automate failover (`failover automatic`), choose a strategy that recovers within the RTO
(`warm_standby`, `hot_standby`, `active_active`), add the standby region and place in it what the strategy
needs (at least the replicated data for a pilot light), or relax the RTO.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ..graph import Graph, duration, replication_of
from ..rule import Finding, Rule, rule
from .spof005 import _data_regions

MANUAL_FAILOVER_FLOOR = 3600.0  # seconds: the least a manual failover can be counted on to take

# The RTO below which a strategy cannot be expected to recover, from its usual order of magnitude [unverified].
STRATEGY_FLOOR = {"backup_restore": 3600.0, "pilot_light": 600.0, "warm_standby": 60.0}
STRATEGY_TIME = {"backup_restore": "hours", "pilot_light": "tens of minutes", "warm_standby": "minutes"}
NEEDS_STANDBY = ("pilot_light", "warm_standby", "hot_standby")


@rule
class RtoNotBacked(Rule):
    code = "DR002"
    name = "rto-not-backed"
    severity = Severity.WARNING
    summary = "a required RTO with no second region, a manual failover or a strategy too slow for it"
    practices = ("REL13-BP02", "REL13-BP05", "REL11-BP02", "RE:09")

    def check(self, g: Graph) -> Iterator[Finding]:
        req, system = g.requirements, g.system
        if req is None or system is None or req.rto is None:
            return
        rto = req.rto
        dr = system.disaster_recovery
        strategy = dr.strategy if dr is not None else None
        if len(g.design.regions) < 2 and strategy is None:
            only = f"one region (`{g.design.regions[0].name}`)" if g.design.regions else "no region"
            yield Finding(
                message=f"the requirements ask rto {duration(rto)}, but the design has {only} and no disaster-recovery "
                "strategy: losing the region leaves nothing to recover to",
                at=system.span,
                path="requirements/rto#single-region",
                label=f"rto {duration(rto)}",
                hints=[
                    "add a second region (`region NAME { zones [a, b, c]; role standby }`) and "
                    "`disaster_recovery { strategy warm_standby; failover automatic }`",
                    "or, if the RTO covers zone failures only, say `survive zone` and declare the strategy "
                    "(`disaster_recovery { strategy backup_restore }`)",
                ],
            )
        if dr is not None and dr.failover == "manual" and rto < MANUAL_FAILOVER_FLOOR:
            yield Finding(
                message=f"the requirements ask rto {duration(rto)}, but failover is manual: paging, diagnosis, the "
                f"decision and the runbook take about {duration(MANUAL_FAILOVER_FLOOR)} or more",
                at=system.span,
                path="requirements/rto#manual-failover",
                label="manual failover",
                hints=[
                    "automate it: `disaster_recovery { failover automatic }` with health-checked routing",
                    f"or relax the RTO to at least {duration(MANUAL_FAILOVER_FLOOR)}",
                ],
            )
        floor = STRATEGY_FLOOR.get(strategy or "")
        if strategy is not None and floor is not None and rto < floor:
            yield Finding(
                message=f"the requirements ask rto {duration(rto)}, but a `{strategy}` strategy usually recovers in "
                f"{STRATEGY_TIME[strategy]} (below {duration(floor)} is not to be expected)",
                at=system.span,
                path="requirements/rto#strategy",
                label=f"{strategy} vs rto {duration(rto)}",
                hints=[
                    "choose a faster strategy: `warm_standby` (minutes), `hot_standby` or `active_active` (near zero)",
                    f"or relax the RTO to at least {duration(floor)}",
                ],
            )
        if strategy in NEEDS_STANDBY:
            yield from self._empty_standby(g, strategy)

    def _empty_standby(self, g: Graph, strategy: str) -> Iterator[Finding]:
        standby = g.standby_regions()
        if not standby:
            return
        used: set[str] = set()
        everywhere = False
        for name, c in g.comps.items():
            used.update(r for r in g.placement[name] if c.placement)
            rep = replication_of(c)
            if rep is not None and not isinstance(rep, int) and rep.mode != "none":
                regions = _data_regions(g, name)
                if regions is None:
                    everywhere = True
                else:
                    used |= regions
        if everywhere:
            return
        for region in standby:
            if region in used:
                continue
            r = g.regions[region]
            yield Finding(
                message=f"the `{strategy}` strategy fails over to standby region `{region}`, but nothing is placed "
                "in it and no data is replicated into it",
                at=r.span,
                path=f"region:{region}",
                label="empty standby region",
                hints=[
                    f"replicate the stores into `{region}` (`replication async {{ regions [..., {region}] }}`)",
                    f"and place there what the strategy keeps running (`placement {region}` on those components)",
                ],
            )
