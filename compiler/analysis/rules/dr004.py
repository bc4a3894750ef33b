"""DR004: a single writer promoted automatically into another region over asynchronous replication.

**What it checks.** A store that keeps state (not `state stateless`, not `reproducible yes`; a cache holds
copies, so its split brain loses nothing) with one writer (not `writers multi`, and a leader-based mode: `sync`,
`async` or `semi_sync`) whose copies are in two regions or more, that promotes a replica in another region
automatically (`cross_region_failover automatic`, or `failover automatic` when `cross_region_failover` is not
stated), while its replication to those regions is asynchronous or semi-synchronous (`cross_region async`, or
the block's mode when `cross_region` is not stated), and the old primary is not fenced (`fencing on`). The
primary's region is the first region the store is placed in. designc does not model where the failover's
quorum sits: it takes that the side without the primary can form it (a quorum spread over three sites, as
GitHub's Orchestrator's was). Where the quorum needs the primary's site, a partition promotes nothing, but
neither does the loss of that site: the automatic failover across regions is one in name only, and
`cross_region_failover manual` says what it is.

**Why it matters.** An automatic failover decides that the primary is gone because it cannot reach it; across
regions a partition looks exactly like that. When the side without the primary can promote (its failover
quorum forms without the primary's site), the replica in the other region becomes a primary while the old one
still takes writes: two primaries (split brain), each with writes the other lacks, and the writes the old
primary had acknowledged but not yet copied are stranded on it. Neither side can simply be made primary again;
the copies must be reconciled by hand. This is the GitHub incident of 2018-10-21: a 43-second partition between
the US East Coast hub and its data center let Orchestrator's nodes in the West and in a cloud region promote
West Coast replicas of every MySQL cluster; the East held seconds of writes the West never received, and the
West took 40 minutes of new writes, so the site ran degraded for 24 hours while the clusters were rebuilt.
GitHub's first fix was to stop Orchestrator promoting primaries across regional boundaries. AWS REL11-BP02
asks for failover to healthy resources, and REL13-BP02 for a recovery strategy that meets the recovery
point: an asynchronous copy meets neither on its own.

**Example.**

    store ledger {
      engine mysql
      replication semi_sync { regions [us_east, us_west]; failover automatic; writers single; cross_region async }
    }

**Fix.** Promote across regions only by hand (`cross_region_failover manual`: an automatic failover stays within
the primary's region, and a person decides a regional failover knowing what it loses), fence the old primary
before a promotion (`fencing on`: it stops taking writes when it loses the failover quorum), or replicate
synchronously to the replicas that can be promoted (`cross_region sync`; every write pays the round trip).
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ..graph import Graph, duration, joined, replication_of, reproducible
from ..rule import Finding, Rule, rule
from .spof005 import _data_regions

LEADER_MODES = ("sync", "async", "semi_sync")


def promotes_across_regions(g: Graph, name: str) -> tuple[str, list[str]] | None:
    """The primary's region and the other regions a single-writer component promotes a replica into
    automatically, or None when it does not (one writer, copies in two regions or more, and an automatic
    failover that `cross_region_failover manual` does not keep inside the primary's region)."""
    rep = replication_of(g.comps[name])
    if rep is None or isinstance(rep, int) or rep.mode not in LEADER_MODES or rep.writers == "multi":
        return None
    if (rep.cross_region_failover or rep.failover) != "automatic":
        return None
    regions = _data_regions(g, name)
    home = g.home[name]
    if regions is None or home is None or len(regions) < 2:
        return None
    return home, sorted(regions - {home})


@rule
class CrossRegionPromotion(Rule):
    code = "DR004"
    name = "automatic-cross-region-promotion"
    severity = Severity.ERROR
    summary = "a single writer promoted automatically into another region over asynchronous replication"
    practices = ("REL11-BP02", "REL13-BP02")

    def check(self, g: Graph) -> Iterator[Finding]:
        for name, c in g.comps.items():
            if c.kind != "store" or c.state == "stateless" or reproducible(c):
                continue
            rep = replication_of(c)
            if rep is None or isinstance(rep, int) or rep.fencing:
                continue
            across = rep.cross_region or rep.mode
            if across not in ("async", "semi_sync"):
                continue
            found = promotes_across_regions(g, name)
            if found is None:
                continue
            home, others = found
            remote = joined([f"`{r}`" for r in others], "or")
            how = (
                f"asynchronous replication (`{'cross_region' if rep.cross_region else 'replication'} async`)"
                if across == "async"
                else "semi-synchronous replication (asynchronous when a replica lags)"
            )
            stated = "`cross_region_failover automatic`" if rep.cross_region_failover else "`failover automatic`"
            rtts = [rtt for r in others if (rtt := g.rtt_between(home, r)) is not None]
            cost = f" of {duration(max(rtts))}" if len(rtts) == len(others) else ""
            yield Finding(
                message=f"store `{name}` has one writer in `{home}` and promotes a replica in {remote} "
                f"automatically ({stated}) over {how}, without fencing the old primary: a partition between the "
                "regions can promote it while the primary still takes writes, so both sides accept writes (split "
                "brain) and the writes not yet copied are stranded",
                at=c.span,
                path=g.comp_path(name),
                label="automatic cross-region promotion",
                hints=[
                    "promote across regions only by hand: `cross_region_failover manual` in its `replication` "
                    "(an automatic failover stays within the region)",
                    "or fence the old primary before a promotion: `fencing on` (it stops taking writes when it "
                    "loses the failover quorum)",
                    f"or replicate synchronously to the replicas that can be promoted: `cross_region sync` (every "
                    f"write pays the round trip{cost})",
                ],
            )
