"""OPS004: a service on a request path has no health check.

**What it checks.** A service on an entrypoint's hard path (the entrypoint included) with more than one
replica (or a replica range) and no `health_check`.

**Why it matters.** Load balancers and orchestrators replace or route around an impaired replica only if they
can tell it is impaired. Without a health check, a hung replica keeps receiving its share of traffic and fails
it (AWS REL07-BP02 "obtain resources upon detection of impairment", REL11-BP03 "automate healing"; Azure RE:07).

**Example.**

    service api { exposure public; replicas 3 }

**Fix.** `health_check http "/ready" { interval 5s; timeout 1s; failure_threshold 3; readiness on }`.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ..graph import Graph
from ..rule import Finding, Rule, rule


@rule
class MissingHealthCheck(Rule):
    code = "OPS004"
    name = "service-without-health-check"
    severity = Severity.INFO
    summary = "a replicated service on a request path has no health check"
    gap_phrase = "no health check"
    practices = ("REL07-BP02", "REL11-BP03", "RE:07")

    def check(self, g: Graph) -> Iterator[Finding]:
        needed = g.needed_by
        for name, bits in needed.items():
            c = g.comps[name]
            if c.kind != "service" or c.health_check is not None or c.managed is not None:
                continue
            if c.replicas is None or c.replicas.max <= 1:
                continue
            count = str(c.replicas.max) if c.replicas.max == c.replicas.min else f"{c.replicas.min}..{c.replicas.max}"
            yield Finding(
                message=f"service `{name}` runs {count} replicas but declares no health check, so an impaired "
                "replica keeps its share of traffic",
                at=c.span,
                path=g.comp_path(name),
                label="no health check",
                gap="-",
                hints=[
                    'declare one: `health_check http "/ready" { interval 5s; failure_threshold 3; readiness on }`',
                    f"it is on the path of {g.entrypoint_phrase(bits)}",
                ],
            )
