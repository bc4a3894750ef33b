"""OPS002: an entrypoint has no SLO.

**What it checks.** Every entrypoint (a public component, or one that clients call) without an `slo` that
states an availability or a latency objective.

**Why it matters.** What users reach first is what they judge the system by. Without an objective there is no
error budget, no burn-rate alert and no way to tell whether the design meets its requirements (AWS
REL06-BP02/03, Azure RE:10; Google SRE Workbook, "Implementing SLOs").

**Example.**

    service api { exposure public }

**Fix.** `slo { availability 99.9%; latency p99 300ms }`.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ..graph import Graph
from ..rule import Finding, Rule, rule


@rule
class EntrypointWithoutSlo(Rule):
    code = "OPS002"
    name = "entrypoint-without-slo"
    severity = Severity.WARNING
    summary = "an entrypoint has no SLO"
    gap_phrase = "no SLO"
    practices = ("REL06-BP02", "RE:10", "REL03-BP03")

    def check(self, g: Graph) -> Iterator[Finding]:
        for name in g.entrypoints:
            c = g.comps[name]
            if c.kind == "external":
                continue
            slo = c.slo
            if slo is None or (slo.availability is None and not slo.latency):
                yield Finding(
                    message=f"entrypoint `{name}` has no SLO",
                    at=c.span,
                    path=g.comp_path(name),
                    label="no SLO",
                    gap="-",
                    hints=["state one: `slo { availability 99.9%; latency p99 300ms }`"],
                )
