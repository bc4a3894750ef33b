"""OPS003: a fallback shares the failure domain of what it replaces.

**What it checks.** An edge with `fallback ... via X` where X fails together with the edge's target: X is the
target itself, X depends (hard, transitively) on the target, X and the target share a hard dependency, or both
run in the same single zone.

**Why it matters.** A fallback is there for when the primary is down. One that goes down with it protects
nothing, and because fallbacks run rarely, nobody notices until the outage (Gabrielson, "Avoiding fallback in
distributed systems", Amazon Builders' Library: fallback paths are hard to test and often fail when needed).

**Example.**

    service pay { calls quotes { timeout 200ms; fallback cache via quotes_cache } }
    cache quotes_cache { ... }   # and quotes_cache is filled by reading the same database quotes needs

**Fix.** Put the fallback in another failure domain (another zone or region, no shared database), or replace
it with failover to a replica.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ..graph import Graph
from ..rule import Finding, Rule, rule


@rule
class FallbackSharesFailureDomain(Rule):
    code = "OPS003"
    name = "fallback-shares-failure-domain"
    severity = Severity.WARNING
    summary = "a fallback fails together with what it replaces"
    practices = ("REL05-BP01", "RE:07")

    def check(self, g: Graph) -> Iterator[Finding]:
        for name, edges in g.edges_marked("fallback_via"):  # the edges that state one
            for e in edges:
                via = e.fallback_via
                if via is None or via not in g.comps or e.target not in g.comps:
                    continue
                why = None
                if via == e.target:
                    why = f"the fallback is `{via}` itself"
                elif g.closure[via] & g.bit[e.target]:
                    why = f"`{via}` depends on `{e.target}`"
                else:
                    shared = g.closure[via] & g.closure[e.target]
                    if shared:
                        common = g.members(shared, limit=1)[0]
                        why = f"`{via}` and `{e.target}` both depend on `{common}`"
                    else:
                        zones_a, zones_b = g.placement[via], g.placement[e.target]
                        one_a = [(r, z) for r, zs in zones_a.items() for z in zs]
                        one_b = [(r, z) for r, zs in zones_b.items() for z in zs]
                        if len(one_a) == 1 and one_a == one_b:
                            why = f"`{via}` and `{e.target}` both run only in zone {one_a[0][0]}.{one_a[0][1]}"
                if why is None:
                    continue
                yield Finding(
                    message=f"the fallback of `{name}` {e.kind} `{e.target}` fails with it: {why}",
                    at=e.span,
                    path=g.edge_path(e),
                    label="fallback in the same failure domain",
                    hints=["move the fallback to another failure domain, or use failover to a replica instead"],
                )
