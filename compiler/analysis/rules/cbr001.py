"""CBR001: a synchronous call to an external dependency or across regions has no circuit breaker.

**What it checks.** Synchronous edges into an `external` component, or across regions, without
`circuit_breaker on`. A call is across regions when the callee is not placed in the caller's region: for a
caller placed in several regions, in any one of them (gateways in three regions calling a service that runs in
one make cross-region calls from the other two).

**Why it matters.** Remote and third-party dependencies fail slowly and in ways you cannot fix. Without a
breaker every request keeps paying the timeout while the dependency is down, tying up the caller's capacity
and its callers' (Nygard, "Release It!", the Circuit Breaker pattern; AWS REL05-BP04 "fail fast"; Azure RE:07).

**Example.**

    service pay { calls card_network { timeout 2s } }
    external card_network {}

**Fix.** `calls card_network { timeout 2s; circuit_breaker on; fallback queue }`.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ..graph import Graph, joined
from ..rule import Finding, Rule, rule


@rule
class MissingCircuitBreaker(Rule):
    code = "CBR001"
    name = "remote-call-without-circuit-breaker"
    severity = Severity.WARNING
    summary = "a synchronous call to an external dependency or across regions has no circuit breaker"
    gap_phrase = "no circuit breaker on remote calls to {items}"
    practices = ("REL05-BP04", "RE:07")

    def check(self, g: Graph) -> Iterator[Finding]:
        kind, homes = g.kind, g.home
        # callers placed in several regions by name (the others call from their home region only)
        placed = {n for n, c in g.comps.items() if len(c.placement) > 1}
        standby = set(g.standby_regions())
        targets = g.sync_targets
        for name, edges in g.sync_out.items():
            if kind[name] == "client":
                continue
            home = homes[name]
            several = name in placed
            for i, t in enumerate(targets[name]):
                # judged by the target's name first: a call to an external, or out of the caller's home region (or
                # from a caller placed in several), is the only kind reported, and only those edges are reached
                if kind[t] != "external" and (
                    home is None or (there := homes[t]) is None or (there == home and not several)
                ):
                    continue
                e = edges[i]
                if e.circuit_breaker:
                    continue
                if kind[e.target] == "external":
                    why = f"`{e.target}` is an external dependency"
                else:
                    there = homes[e.target]
                    if home is None or there is None:
                        continue
                    if there == home and name not in placed:
                        continue
                    theirs = g.placement[e.target]
                    # a caller placed in several regions calls across regions from each one the callee is not in
                    # (not from a standby region: it serves only once the other is lost, which SPOF005 judges)
                    remote = [
                        r
                        for r in (g.placement[name] if name in placed else [home])
                        if r not in theirs and r not in standby
                    ]
                    if not remote:
                        continue
                    if remote == [home]:
                        why = f"`{e.target}` lives in {there}, `{name}` in {home}"
                    else:
                        why = (
                            f"`{e.target}` lives only in {joined(list(theirs))}, so `{name}`'s replicas in "
                            f"{joined(remote)} call it across regions"
                        )
                yield Finding(
                    message=f"`{name}` {e.kind} `{e.target}` synchronously with no circuit breaker: {why}",
                    at=e.span,
                    path=g.edge_path(e),
                    label="no circuit breaker",
                    gap=f"`{e.target}`" if e.circuit_breaker is None else "",
                    hints=[f"add `circuit_breaker on` (and a `fallback`) to `{e.kind} {e.target}`"],
                )
