"""SEC004: a public entrypoint has no rate limit.

**What it checks.** A service that callers outside the system reach first (it is `exposure public`, or a client
calls it) and that declares no `rate_limit`. A limit stated on a client's edge does not count: it is what the
caller promises, and an attacker makes no promises.

**Why it matters.** Without a limit, one client (or one botnet) can take all of the entrypoint's capacity and
everything behind it: a flood, a scraper or a retry storm becomes an outage for everyone. Throttling requests at
the edge is a reliability and security control (AWS Well-Architected REL05-BP02 "Throttle requests"; Threagile
dos-risky-access-across-trust-boundary; OWASP pytm DO01 "Flooding").

**Example.**

    client app { calls api { protocol https; encryption tls; auth jwt } }
    service api { exposure public; waf on }

**Fix.** Limit per caller and in total: `rate_limit 100 rps per client` and `rate_limit 5000 rps` on `api`.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ..graph import Graph
from ..rule import Finding, Rule, rule


@rule
class EntrypointWithoutRateLimit(Rule):
    code = "SEC004"
    name = "entrypoint-without-rate-limit"
    severity = Severity.WARNING
    summary = "a public entrypoint has no rate limit"
    practices = ("REL05-BP02", "SE:06", "threagile:dos-risky-access-across-trust-boundary", "pytm:DO01")

    def check(self, g: Graph) -> Iterator[Finding]:
        for name in g.entrypoints:
            c = g.comps[name]
            if c.kind != "service" or c.rate_limit:
                continue
            if c.exposure == "public":
                why = "is public"
            else:
                clients = sorted({e.source for e in g.inc[name] if g.comps[e.source].kind == "client"})
                why = f"is called by client {', '.join(f'`{x}`' for x in clients)}"
            yield Finding(
                message=f"service `{name}` {why} but has no rate limit: one caller can take all of its capacity",
                at=c.span,
                path=g.comp_path(name),
                label="no rate_limit",
                hints=[
                    f"limit each caller and the total: `rate_limit 100 rps per client` and `rate_limit 5000 rps` "
                    f"on `{name}` (with your own figures)",
                ],
            )
