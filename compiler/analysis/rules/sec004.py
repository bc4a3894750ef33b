"""SEC004: a public entrypoint has no rate limit.

**What it checks.** A service that callers outside the system reach first (it is `exposure public`, or a client
calls it) and that declares no `rate_limit`. A limit stated on a client's edge does not count: it is what the
caller promises, and an attacker makes no promises.

A managed entrypoint (`managed aws`: a CDN, a load balancer, an API gateway) scales itself: a flood does not take
its capacity, it passes through to what the team runs behind it. Such an entrypoint is reported only when it
forwards synchronously to a component of the team's own (neither managed nor external) that has no rate limit
either, and the message names that component. A CDN that reads only a managed origin bucket has nothing of the
team's to protect and is left alone.

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
from ...model import Service
from ..graph import Graph, listed
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
            if not isinstance(c, Service) or c.rate_limit:
                continue
            if c.exposure == "public":
                why = "is public"
            else:
                clients = sorted({e.source for e in g.inc[name] if g.comps[e.source].kind == "client"})
                why = f"is called by client {', '.join(f'`{x}`' for x in clients)}"
            hints = [
                f"limit each caller and the total: `rate_limit 100 rps per client` and `rate_limit 5000 rps` "
                f"on `{name}` (with your own figures)",
            ]
            if c.managed:
                behind = _own_behind(g, name)
                if not behind:
                    continue  # the provider's capacity absorbs a flood; nothing of the team's is behind it
                message = (
                    f"managed service `{name}` {why} and scales itself, but passes every request on to "
                    f"{listed(behind)} with no rate limit on the way: one caller can take all of "
                    f"{'its' if len(behind) == 1 else 'their'} capacity"
                )
                hints = [
                    f"limit each caller at the edge (a rate-based rule of the web application firewall on `{name}`: "
                    f"`rate_limit 100 rps per client`), or on {listed(behind)} (with your own figures)",
                ]
            else:
                message = f"service `{name}` {why} but has no rate limit: one caller can take all of its capacity"
            yield Finding(
                message=message,
                at=c.span,
                path=g.comp_path(name),
                label="no rate_limit",
                hints=hints,
            )


def _own_behind(g: Graph, name: str) -> list[str]:
    """The components of the team's own (not managed, not external) that a managed entrypoint passes requests
    to synchronously, looking through further managed hops, and that state no rate limit of their own."""
    out: list[str] = []
    seen = {name}
    todo = [name]
    while todo:
        n = todo.pop()
        for e in g.sync_out[n]:
            t = g.comps[e.target]
            if e.target in seen or t.kind == "external":
                continue
            seen.add(e.target)
            if t.managed:
                todo.append(e.target)
            elif isinstance(t, Service) and not t.rate_limit and e.target not in out:
                out.append(e.target)
    return out
