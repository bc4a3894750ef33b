"""DR001: a store cannot meet the required recovery point objective.

**What it checks.** With `requirements { rpo ... }`, every store that keeps state (not `state stateless`, not
`reproducible yes`), against the data it can lose:

* losing a node or a zone: with `rpo 0s`, only synchronous replication (`sync`, or a `quorum` whose write quorum
  is a majority, w > n / 2) loses nothing; `async` or `semi_sync` replication (which falls back to asynchronous
  under load) loses what it had not yet copied, and backups alone lose everything since the last one. With a
  larger RPO, a store with no replication must have a backup whose `rpo` (or, failing that, `interval`) is
  within it; asynchronous replication is taken to lag by seconds and pass;
* losing a region, when the requirements say `survive region` or the system declares a `disaster_recovery`
  strategy over two or more regions: a store whose copies are all in one region keeps only what its
  `cross_region` backup holds, which must be within the RPO (never, for `rpo 0s`); without a cross-region
  backup the data goes with the region.

One finding per store, the first failure in that order. A store with neither replication nor backup is
SPOF004's. Streams and queues carry data in transit and caches copies, so only stores are held to the RPO; a
backup that states neither `rpo` nor `interval` is not guessed at (`pitr on` alone has no figure).

**Why it matters.** The RPO is a promise about data loss; the replication mode and the backup schedule decide
whether it can be kept. AWS Well-Architected REL13-BP02 asks for recovery strategies that meet the recovery
objectives (asynchronous replication implies an RPO above zero), and REL09-BP03 for automatic backups taken at
least as often as the RPO. The GitHub incident of 2018-10-21 is the classic case: a 43-second cross-coast
partition and an asynchronous failover left writes in one data centre that the other had never seen.

**Example.**

    system s { requirements { rpo 0s } ... }
    store ledger { engine postgres; replication async { replicas 3 }; backup { rpo 5m } }

**Fix.** Replicate synchronously (`replication sync { replicas 3; spread zones }`), across regions when the
system must survive one; back up at least as often as the RPO (`backup { rpo 1m }`, point-in-time recovery);
or relax the requirement to what the design really delivers.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ...model import Backup, Store
from ..graph import Graph, backup_of, duration, replication_of, reproducible
from ..rule import Finding, Rule, rule
from .spof005 import _data_regions


def _backup_rpo(backup: Backup | None) -> tuple[float | None, str]:
    """The data a backup can lose and how the design says so: its `rpo`, else its `interval`."""
    if backup is None:
        return None, ""
    if backup.rpo is not None:
        return backup.rpo, f"backup rpo {duration(backup.rpo)}"
    if backup.interval is not None:
        return backup.interval, f"backup every {duration(backup.interval)}"
    return None, "its rpo not stated"


def _local(c: object, rpo: float) -> tuple[str, list[str]] | None:
    """Why a store loses more than the RPO when a node or a zone fails, with hints; None if it does not."""
    rep = replication_of(c)
    live = rep is not None and rep.mode != "none"
    backup = backup_of(c)
    b_rpo, b_how = _backup_rpo(backup)
    if not live:
        if rpo == 0:
            return (
                f"relies on backups alone ({b_how}), losing the writes since the last one",
                ["replicate it synchronously: `replication sync { replicas 3; spread zones; failover automatic }`"],
            )
        if b_rpo is not None and b_rpo > rpo:
            return (
                f"is not replicated and can lose up to {duration(b_rpo)} of writes ({b_how})",
                [
                    f"back it up at least every {duration(rpo)} (`backup {{ pitr on; rpo {duration(rpo)} }}`)",
                    "or replicate it",
                ],
            )
        return None
    if rpo > 0:
        return None
    if rep.mode in ("async", "semi_sync"):
        how = "asynchronously" if rep.mode == "async" else "semi-synchronously (asynchronously when a replica lags)"
        return (
            f"replicates {how}, so a failover loses the writes it acknowledged but had not copied",
            ["replicate synchronously: `replication sync { ... }`, or a quorum with w > n / 2"],
        )
    if rep.mode == "quorum" and rep.w is not None and rep.n is not None and 2 * rep.w <= rep.n:
        return (
            f"acknowledges a write on w={rep.w} of n={rep.n} copies, so losing those loses it",
            [f"write to a majority: `w {rep.n // 2 + 1}`"],
        )
    return None


@rule
class RpoNotMet(Rule):
    code = "DR001"
    name = "rpo-not-met"
    severity = Severity.ERROR
    summary = "a store's replication and backups cannot meet the required RPO"
    practices = ("REL13-BP02", "REL09-BP03")

    def check(self, g: Graph) -> Iterator[Finding]:
        req = g.requirements
        if req is None or (
            req.rpo is None and not any(isinstance(c, Store) and c.rpo is not None for c in g.comps.values())
        ):
            return
        system_rpo = req.rpo
        dr = g.system.disaster_recovery if g.system is not None else None
        region_scope = req.survive == "region" or (
            dr is not None and dr.strategy is not None and len(g.design.regions) >= 2
        )
        context = (
            " and `survive region`"
            if req.survive == "region"
            else f" with {'an' if dr.strategy[0] in 'aeiou' else 'a'} `{dr.strategy}` recovery to another region"
            if dr is not None
            else ""
        )
        for name, c in g.comps.items():
            if c.kind != "store" or c.state == "stateless" or reproducible(c):
                continue
            rep = replication_of(c)
            live = rep is not None and rep.mode != "none"
            backup = backup_of(c)
            if not live and backup is None:
                continue  # SPOF004's
            rpo = c.rpo if c.rpo is not None else system_rpo  # a store's own rpo wins over the system's
            if rpo is None:
                continue
            found = _local(c, rpo)
            suffix = ""
            if found is None and region_scope and rpo == 0 and live and rep.cross_region == "async":
                regions = _data_regions(g, name) or set()
                if len(regions) > 1:
                    found = (
                        f"replicates {'synchronously' if rep.mode == 'sync' else rep.mode} within a region but "
                        f"asynchronously to the others ({', '.join(f'`{r}`' for r in sorted(regions))}), so losing "
                        "a region loses the writes not yet copied",
                        [
                            "commit across regions before acknowledging (`cross_region sync`; every write pays the "
                            "round trip), or accept the loss: `rpo` of the lag you can bound",
                        ],
                    )
                    suffix = context
            if found is None and region_scope:
                regions = _data_regions(g, name)
                if regions is not None and len(regions) == 1:
                    region = next(iter(regions))
                    b_rpo, b_how = _backup_rpo(backup)
                    fix = [
                        f"replicate it to a second region (`replication sync {{ regions [{region}, ...] }}`)"
                        if rpo == 0
                        else f"replicate it to a second region, synchronously within each and asynchronously across "
                        f"(`replication sync {{ regions [{region}, ...]; cross_region async }}`)",
                    ]
                    suffix = context
                    if backup is None or not backup.cross_region:
                        found = (
                            f"has every copy in `{region}` and no cross-region backup, so losing `{region}` loses "
                            "its data",
                            [
                                *fix,
                                f"or back it up out of the region: `backup {{ cross_region on; rpo {duration(rpo)} }}`",
                            ],
                        )
                    elif rpo == 0 or (b_rpo is not None and b_rpo > rpo):
                        found = (
                            f"has every live copy in `{region}`, so after losing it only the cross-region backup "
                            f"remains ({b_how})",
                            fix if rpo == 0 else [*fix, f"or back up across regions at least every {duration(rpo)}"],
                        )
            if found is None:
                continue
            why, hints = found
            yield Finding(
                message=f"store `{name}` {why}, but "
                + (
                    f"it states rpo {duration(rpo)}"
                    if c.rpo is not None
                    else f"the requirements ask rpo {duration(rpo)}"
                )
                + suffix,
                at=c.span,
                path=g.comp_path(name),
                label=f"cannot meet rpo {duration(rpo)}",
                hints=[
                    *hints,
                    "or relax `rpo` to what the design delivers"
                    + ("" if c.rpo is not None else f" (for `{name}` alone: `rpo ...` on it)"),
                ],
            )
