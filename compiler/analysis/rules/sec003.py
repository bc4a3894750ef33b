"""SEC003: classified data crosses an unencrypted edge.

**What it checks.** Every edge that carries classified data (pci, pii, phi, secret, confidential, financial, or
any class other than public/internal): the classes in the edge's own `data`, and the classified data its target
holds when the edge reads, writes, publishes or consumes, or reaches a store, cache, stream or queue. Such an edge
must be encrypted: `encryption tls` or `mtls`, or a protocol encrypted by definition (https, grpcs, wss, ...).

It is a finding when the edge says `encryption none`, and also when it states no encryption over a protocol
that is plaintext unless TLS is turned on (http, grpc, sql, cql, resp, kafka, amqp, websocket, or no protocol at
all): a design that does not say the data is encrypted cannot be shown to protect it. The message says when the
edge also crosses regions (the caller runs in a region its target does not), where the traffic leaves the
provider's private network.

**Why it matters.** Plaintext traffic can be read and altered by anyone on the path: a compromised host, a
misrouted peering link, a mirror port (AWS Well-Architected SEC09-BP02 "Enforce encryption in transit"; Azure
SE:07 "encrypt data"; Threagile unencrypted-communication; OWASP pytm DE01 "Interception" and DE03 "Sniffing").

**Example.**

    service payments { writes ledger { protocol sql } }
    store ledger { engine postgres; data [pci] }

**Fix.** Turn TLS on for the connection and say so: `writes ledger { protocol sql; encryption tls }` (or `mtls`,
which also authenticates both ends).
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ..graph import Graph, joined, listed
from ..rule import Finding, Rule, rule
from ._security import carried, is_encrypted
from ._security import held as held_data


def _crossing(g: Graph, source: str, target: str) -> list[str]:
    """The caller's regions where the target does not run (so the traffic leaves the region), when both are known."""
    for end in (source, target):
        c = g.comps[end]
        if c.kind == "client" or (c.kind == "external" and not c.placement):
            return []
    there = g.placement[target]
    return [r for r in g.placement[source] if r not in there]


@rule
class UnencryptedClassifiedEdge(Rule):
    code = "SEC003"
    name = "unencrypted-classified-edge"
    severity = Severity.ERROR
    summary = "classified data crosses an edge that is not encrypted"
    gap_phrase = "no encryption stated on calls carrying classified data to {items}"
    practices = ("SEC09-BP02", "SE:07", "threagile:unencrypted-communication", "pytm:DE01", "pytm:DE03")

    def check(self, g: Graph) -> Iterator[Finding]:
        holds = held_data(g)
        # when nothing holds classified data, only an edge that states its own `data` can carry any
        pairs = g.out.items() if any(holds.values()) else g.edges_marked("data")
        for _name, edges in pairs:
            for e in edges:
                if not e.data and not holds[e.target]:
                    continue  # it carries nothing classified (`carried` would say so, a call per edge later)
                stated, inferred = carried(g, e)
                classes = stated + inferred
                if not classes or is_encrypted(e):
                    continue
                held = f" (`{e.target}` holds {joined(inferred)})" if inferred else ""
                if e.encryption == "none":
                    how = "the edge says `encryption none`"
                elif e.protocol:
                    how = f"the edge states no encryption and {e.protocol} is plaintext unless TLS is turned on"
                else:
                    how = "the edge states neither encryption nor protocol"
                away = _crossing(g, e.source, e.target)
                across = f", across regions (from {listed(away)})" if away else ""
                # an explicit `encryption none`, or classified data crossing regions, is an error; an edge that
                # only leaves encryption unstated is a warning
                severity = None if e.encryption == "none" or away else Severity.WARNING
                yield Finding(
                    severity=severity,
                    message=f"`{e.source}` {e.kind} `{e.target}` with {joined(classes)} data{held} unencrypted"
                    f"{across}: {how}",
                    at=e.span,
                    path=g.edge_path(e),
                    label=f"{joined(classes)} in plaintext",
                    gap=f"`{e.target}`" if e.encryption is None and not away else "",
                    hints=[
                        "encrypt the connection and say so: `encryption tls` on the edge (or `encryption mtls`, which "
                        "also authenticates both ends)",
                    ],
                )
