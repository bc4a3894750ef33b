"""SEC008: a public web entrypoint has no web application firewall.

**What it checks.** A service that callers outside the system reach over the web and whose `waf` is not on: it
is `exposure public` and its callers use a web protocol (http, https, websocket, graphql, ...) or state none, or a
client calls it over a web protocol. A public service reached only over other protocols (grpc, mqtt, a database
wire protocol) is left alone: a WAF inspects HTTP.

**Why it matters.** A web entrypoint takes requests from anyone; a WAF in front of it filters the common attacks
(injection, cross-site scripting, known-bad bots, request floods) before they reach code that may have a bug
(AWS Well-Architected SEC05-BP03 "Implement inspection-based protection"; Azure SE:06 "isolate, filter and
control network traffic"; Threagile missing-waf).

**Example.**

    client browser { calls web { protocol https; encryption tls } }
    service web { exposure public; rate_limit 50 rps per ip }

**Fix.** Put a WAF in front and say so: `waf on` on `web` (AWS WAF, Cloudflare, ModSecurity, ...).
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ..graph import Graph
from ..rule import Finding, Rule, rule
from ._security import WEB_PROTOCOLS


@rule
class MissingWaf(Rule):
    code = "SEC008"
    name = "missing-waf"
    severity = Severity.WARNING
    summary = "a public web entrypoint has no web application firewall"
    gap_phrase = "no web application firewall in front"
    practices = ("SEC05-BP03", "SE:06", "threagile:missing-waf")

    def check(self, g: Graph) -> Iterator[Finding]:
        for name in g.entrypoints:
            c = g.comps[name]
            if c.kind != "service" or c.waf:
                continue
            from_clients = [e for e in g.inc[name] if g.comps[e.source].kind == "client"]
            web_clients = [e for e in from_clients if (e.protocol or "").lower() in WEB_PROTOCOLS]
            if c.exposure == "public":
                protocols = {(e.protocol or c.protocol or "").lower() for e in g.inc[name]} or {
                    (c.protocol or "").lower()
                }
                if not any(p in WEB_PROTOCOLS or p == "" for p in protocols):
                    continue
                why = "is public"
            elif web_clients:
                why = f"is called by client `{web_clients[0].source}` over {web_clients[0].protocol}"
            else:
                continue
            yield Finding(
                message=f"service `{name}` {why} but has no web application firewall in front",
                at=c.span,
                path=g.comp_path(name),
                label="no waf",
                gap="-",
                hints=[f"put a WAF in front of `{name}` and say so: `waf on`"],
            )
