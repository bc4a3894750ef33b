"""SCL008: losing a connection holder sends every one of its clients' reconnects to a service at once.

**What it checks.** A service that holds its callers' connections open (an edge into it with `connection
persistent`, or `protocol websocket` or `sse`) and calls another when each of them connects (`on connect`: a
gateway loading the user's state). When one of its replicas is lost or drained, all the connections it held
reconnect together, and each makes that call again: a thundering herd at the callee. The herd is bounded when
the reconnects are spread (`jitter on` on the held connection or on the clients' call that leads to it) or when
the callee sheds what it cannot take (a total `rate_limit`, `backpressure` with an `overflow`, or
`load_shedding`); otherwise it is reported on the `on connect` call.

**Why it matters.** Reconnect storms are a classic way for a small failure to become a large one: a gateway
restart, a deployment or a drained region turns thousands of idle connections into thousands of simultaneous
boots against the service that serves them, which then fails, so the clients retry and reconnect again. Slack's
gateways load each user's channels from the webapp when a client connects, and a drained region reconnects to
the next ("Real-time Messaging", Slack Engineering 2023); AWS's Builders' Library ("Timeouts, retries, and
backoff with jitter") and Google's SRE book (ch. 22, "Addressing Cascading Failures") prescribe jittered
reconnects and load shedding for exactly this.

**Example.**

    client app { calls gateway { protocol websocket } }
    service gateway { exposure public; replicas 3..30; calls boot { timeout 1s; on connect } }
    service boot { replicas 3 }

**Fix.** Spread the reconnects: `backoff exponential from 1s..60s; jitter on` on the clients' connection; and
make the callee shed what it cannot take (`rate_limit 2000 rps`, or `backpressure { max_in_flight 500; queue
1000; overflow reject }`), or serve what a connecting client needs from a cache.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ...model import Edge, Service
from ..graph import Graph, joined, persistent
from ..rule import Finding, Rule, rule


@rule
class ReconnectStorm(Rule):
    code = "SCL008"
    name = "reconnect-storm"
    severity = Severity.WARNING
    summary = "a lost connection holder sends all its clients' reconnects to a service at once"
    practices = ("REL05-BP03", "RE:07")

    def check(self, g: Graph) -> Iterator[Finding]:
        for name, boots in g.edges_marked("connect"):  # the edges made `on connect`
            c = g.comps[name]
            if not isinstance(c, Service):
                continue
            held = [e for e in g.inc[name] if persistent(e) and e.kind != "consumes"]
            if not held:
                continue
            upstream = [e for h in held for e in g.inc[h.source] if g.comps[e.source].kind == "client"]
            if any(e.jitter for e in held + upstream):
                continue  # the reconnects are spread
            for e in boots:
                target = g.comps.get(e.target)
                if target is None or _sheds(target):
                    continue
                yield self._finding(g, name, e, held, upstream)

    @staticmethod
    def _finding(g: Graph, name: str, e: Edge, held: list[Edge], upstream: list[Edge]) -> Finding:
        holders = joined([f"`{h.source}`" for h in held])
        regions = list(g.placement[name])
        lost = "losing or draining one of its replicas"
        if len(regions) > 1:
            lost += f" (or draining one of its {len(regions)} regions)"
        # the clients' own call is where a reconnect's backoff and jitter are stated, else the held connection
        first = upstream[0] if upstream else held[0]
        return Finding(
            message=f"`{name}` holds its clients' persistent connections (from {holders}) and calls `{e.target}` each"
            f" time one connects (`on connect`): {lost} reconnects all its clients at once, each calling"
            f" `{e.target}` again, and nothing bounds that herd (no jitter on the reconnects, and `{e.target}` sheds"
            " no load)",
            at=e.span,
            path=g.edge_path(e),
            label="reconnect storm",
            hints=[
                f"spread the reconnects: `backoff exponential from 1s..60s; jitter on` on `{first.source}`'s call"
                f" to `{first.target}`",
                f"and let `{e.target}` shed what it cannot take: a total `rate_limit`, `backpressure {{ ... overflow"
                " reject }`, or `load_shedding`",
            ],
            notes=[(h.span, f"`{h.source}` holds a connection to `{name}` open") for h in held[:3]],
        )


def _sheds(c: object) -> bool:
    """Whether a service bounds what reaches it: a total rate limit, a bounded queue that overflows, or load
    shedding."""
    if not isinstance(c, Service):
        return False
    if any(r.per == "total" for r in c.rate_limit):
        return True
    bp = c.backpressure
    return bool(c.load_shedding) or (bp is not None and bp.overflow is not None)
