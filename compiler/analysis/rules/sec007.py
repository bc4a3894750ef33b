"""SEC007: an edge crosses a trust boundary without authentication.

**What it checks.** Every edge (calls, reads, writes, publishes, consumes) that crosses a trust boundary and
whose `auth` is `none` or not stated. An edge crosses a boundary when:

* its ends sit in different trust boundaries. A component without `trust_boundary` sits in the system's own
  internal network, one boundary shared by every such component; a client or an external without one sits
  outside the system, each on its own (the internet, a third party); or
* its source is a client or an external (traffic from outside), or is `exposure public` and its target is not
  (the public tier reaching inward).

An edge from a client with an explicit `auth none` that carries no classified data is a deliberately anonymous
public endpoint (a redirect, a landing page) and is left alone; the same `auth none` anywhere else is a finding.
A managed public service (`managed aws`: a load balancer, an API gateway) forwarding to a service of the same
boundary with no `auth` stated is left alone too: the caller's credentials travel with the request and are
judged on the edge into it.

**Why it matters.** A boundary is where the trust of the network ends: without authentication, anything that
can reach the target, such as a compromised neighbour or a forged request from the internet, is served as if it
were the intended caller (AWS Well-Architected SEC09-BP03 "Authenticate network communications"; Azure SE:05
"identity and access management"; Threagile missing-authentication; OWASP pytm AA01 "Authentication Bypass").

**Example.**

    service web { exposure public; trust_boundary dmz; calls orders { protocol grpc; encryption tls } }
    service orders { }

**Fix.** Authenticate the caller and say how: `auth mtls` between services, `auth jwt` or `auth oauth2` for
users, `auth iam` for managed data services, `auth sasl` for Kafka.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ..graph import Graph
from ..rule import Finding, Rule, rule
from ._security import carried

OUTSIDE = ("client", "external")


def _boundary(g: Graph, name: str) -> str:
    c = g.comps[name]
    if c.trust_boundary:
        return c.trust_boundary
    if c.kind in OUTSIDE:
        return f"outside ({c.kind} `{name}`)"
    return "the internal network"


def _describe(g: Graph, name: str) -> str:
    c = g.comps[name]
    if c.trust_boundary:
        return f"trust boundary `{c.trust_boundary}`"
    if c.kind in OUTSIDE:
        return "outside the system"
    if c.exposure == "public":
        return "the system's public tier"
    return "the internal network"


@rule
class UnauthenticatedBoundaryCrossing(Rule):
    code = "SEC007"
    name = "unauthenticated-boundary-crossing"
    severity = Severity.WARNING
    summary = "an edge crosses a trust boundary without authentication"
    gap_phrase = "no authentication stated on calls across a trust boundary to {items}"
    practices = ("SEC09-BP03", "SE:05", "threagile:missing-authentication", "pytm:AA01")

    def check(self, g: Graph) -> Iterator[Finding]:
        boundary = {name: _boundary(g, name) for name in g.comps}
        described: dict[str, str] = {}  # `_describe`, once per component (a finding asks up to four times)

        def describe(name: str) -> str:
            text = described.get(name)
            if text is None:
                text = described[name] = _describe(g, name)
            return text

        kind, comps, targets = g.kind, g.comps, g.out_targets
        for source, edges in g.out.items():
            # whether an edge crosses depends on its two ends only: judged by the target's name first, so that only
            # the edges that cross are reached (most calls stay inside one boundary)
            here = boundary[source]
            outside = kind[source] in OUTSIDE
            public = comps[source].exposure == "public"
            for i, target in enumerate(targets[source]):
                if outside and kind[target] in OUTSIDE:
                    continue  # a user reaching DNS or a CDN: both ends are outside the system, no boundary of its own
                crosses = here != boundary[target]
                if not crosses and (outside or (public and comps[target].exposure != "public")):
                    crosses = True
                if not crosses:
                    continue
                e = edges[i]
                if e.auth not in (None, "none"):
                    continue
                s, t = comps[e.source], comps[e.target]
                if e.auth == "none" and s.kind == "client" and not any(carried(g, e)):
                    continue  # a deliberately anonymous public endpoint
                if (
                    e.auth is None
                    and s.managed
                    and s.exposure == "public"
                    and s.kind == "service"
                    and t.kind == "service"
                    and boundary[e.source] == boundary[e.target]
                ):
                    # a managed proxy (a load balancer, an API gateway) forwarding to its own backends: the caller's
                    # credentials travel with the request and are judged on the edge into the proxy
                    continue
                if boundary[e.source] == boundary[e.target] and s.exposure == "public" and t.exposure != "public":
                    where = f"from public `{e.source}` to {t.exposure} `{e.target}`"
                elif describe(e.source) != describe(e.target):
                    where = f"from {describe(e.source)} to {describe(e.target)}"
                else:
                    where = f"from {describe(e.source)} into the system"
                stated = "says `auth none`" if e.auth == "none" else "states no authentication"
                yield Finding(
                    message=f"`{e.source}` {e.kind} `{e.target}` across a trust boundary ({where}) and the edge "
                    f"{stated}",
                    at=e.span,
                    path=g.edge_path(e),
                    label="no authentication",
                    gap=f"`{e.target}`" if e.auth is None else "",
                    hints=[
                        "authenticate the caller and say how on the edge: `auth mtls` between services, `auth jwt` or "
                        "`auth oauth2` for users, `auth iam` for managed data services, `auth sasl` for Kafka",
                        *(
                            [
                                "or, if it is anonymous on purpose (static content, a landing page) and carries no "
                                "classified data, say so: `auth none`"
                            ]
                            if s.kind == "client" and e.auth is None
                            else []
                        ),
                    ],
                )
