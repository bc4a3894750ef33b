"""OPS005: a service on a request path has no safe deployment strategy.

**What it checks.** A service on an entrypoint's hard path with no `deploy` statement, or with `deploy
recreate` (all replicas stopped before the new ones start), and a canary without automatic rollback.

**Why it matters.** Most outages start with a change. Rolling, canary and blue-green deployments limit how many
requests a bad release can hurt and make it quick to undo; `recreate` takes the service down on every release
(AWS REL08-BP04 "deploy using immutable infrastructure", REL08-BP05 "deploy changes with automation").

**Example.**

    service api { exposure public; deploy recreate }

**Fix.** `deploy canary [5%, 25%, 100%] { rollback automatic }`, or `deploy rolling`, or `deploy blue_green`.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ...model import Service
from ..graph import Graph
from ..rule import Finding, Rule, rule


@rule
class UnsafeDeployment(Rule):
    code = "OPS005"
    name = "unsafe-deployment"
    severity = Severity.INFO
    summary = "a service on a request path has no safe deployment strategy"
    gap_phrase = "no deployment strategy"
    practices = ("REL08-BP04/05",)

    def check(self, g: Graph) -> Iterator[Finding]:
        needed = g.needed_by
        for name in needed:
            c = g.comps[name]
            if not isinstance(c, Service) or c.managed is not None:
                continue
            deploy = c.deploy
            if deploy is None:
                msg, label = f"service `{name}` states no deployment strategy", "no deploy"
            elif deploy.strategy == "recreate":
                msg, label = f"service `{name}` deploys by `recreate`: every release takes it down", "recreate"
            elif deploy.strategy == "canary" and deploy.rollback != "automatic":
                msg, label = f"service `{name}` deploys by canary without automatic rollback", "manual rollback"
            else:
                continue
            yield Finding(
                message=msg,
                at=c.span,
                path=g.comp_path(name),
                label=label,
                gap="-" if deploy is None else "",
                hints=[
                    "`deploy canary [5%, 25%, 100%] { rollback automatic }`, `deploy rolling` or `deploy blue_green`"
                ],
            )
