"""OPS001: an availability SLO that burn-rate alerting cannot serve.

**What it checks.** An availability objective of about 93.06% or less (with the standard 14.4x one-hour page,
14.4 x (1 - SLO) >= 1 means even a total outage burns the budget too slowly to page), and any declared `alert`
whose burn rate can never be reached: burn_rate x (1 - SLO) >= 1.

**Why it matters.** Multiwindow burn-rate alerts page when the error rate exceeds burn_rate x (1 - SLO). Above
an error rate of 100% nothing can fire, so the SLO is unmonitored (Google SRE Workbook, "Alerting on SLOs",
table 5-8: 14.4x over 1 h and 5 min, 6x over 6 h and 30 min, 1x over 3 d and 6 h).

**Example.**

    service batch { slo { availability 90% } }

**Fix.** Raise the objective to something the service means to keep, or alert on lower burn rates (a 1x
ticket over 3 days) and drop the page.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ..graph import Graph, pct
from ..rule import Finding, Rule, rule

PAGE_BURN = 14.4


@rule
class UnalertableSlo(Rule):
    code = "OPS001"
    name = "slo-burn-rate-cannot-fire"
    severity = Severity.WARNING
    summary = "a burn-rate alert can never fire at this availability objective"
    practices = ("REL06-BP02", "RE:10")

    def check(self, g: Graph) -> Iterator[Finding]:
        for name, c in g.comps.items():
            slo = c.slo
            if slo is None or slo.availability is None:
                continue
            budget = 1 - slo.availability
            if not slo.alerts and PAGE_BURN * budget >= 1:
                yield Finding(
                    message=f"`{name}`'s availability SLO of {pct(slo.availability)} leaves a {pct(budget)} error "
                    f"budget: a {PAGE_BURN}x burn-rate page would need an error rate of "
                    f"{PAGE_BURN * budget * 100:.0f}%, so it can never fire",
                    at=c.span,
                    path=g.comp_path(name),
                    label=f"SLO {pct(slo.availability)}",
                    hints=["raise the objective above 93.06%, or alert on a 1x burn over 3 days instead of paging"],
                )
            for alert in slo.alerts:
                if alert.burn_rate * budget >= 1:
                    yield Finding(
                        message=f"alert `{alert.name}` of `{name}` needs an error rate of "
                        f"{alert.burn_rate * budget * 100:.0f}% to fire (burn rate {alert.burn_rate:g} x "
                        f"budget {pct(budget)}), so it never fires",
                        at=c.span,
                        path=f"{g.comp_path(name)}/alert:{alert.name}",
                        label="alert cannot fire",
                        hints=[f"use a burn rate below {1 / budget:.1f}"],
                    )
