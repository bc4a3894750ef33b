"""Helpers shared by the security rules (SEC001-SEC010). Private: not a rule module.

Terms the security rules use, decided once here so that every rule reads a design the same way:

* **data component**: a store, cache, stream or queue: something that keeps data.
* **classified data**: any data class a component or edge declares in `data [...]`, except the markers that say
  the data needs no protection (`public`, `internal`, `unclassified`, `open`, `none`). The usual classes are pci,
  pii, phi, secret, confidential and financial; a class the design invents (`credentials`, `tokens`) counts too,
  since declaring it says the data matters.
* **data an edge carries**: the classes in the edge's own `data`, and, when the edge reaches a data component, or
  reads, writes, publishes or consumes anything, the classified data its target holds (reading or writing a store
  that holds pii moves pii, whether or not the edge says so).
* **encrypted edge**: `encryption tls` or `mtls`, or a protocol that is encrypted by definition (https, grpcs,
  wss, ...). Every other protocol (http, grpc, sql, cql, resp, kafka, amqp, websocket, ...) is plaintext unless
  the design says otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable

from ...model import Edge
from ..graph import DATA_KINDS, Graph, replication_of

MESSAGING_KINDS = frozenset({"stream", "queue"})
NOT_SENSITIVE = frozenset({"public", "internal", "unclassified", "open", "none"})
DATA_EDGE_KINDS = frozenset({"reads", "writes", "publishes", "consumes"})
ENCRYPTED_PROTOCOLS = frozenset(
    {
        "https",
        "grpcs",
        "wss",
        "tls",
        "mtls",
        "ssl",
        "sftp",
        "ssh",
        "ftps",
        "smtps",
        "imaps",
        "ldaps",
        "amqps",
        "mqtts",
        "rediss",
        "h2",
        "http3",
        "quic",
    }
)
WEB_PROTOCOLS = frozenset(
    {"http", "https", "http2", "h2", "http3", "websocket", "ws", "wss", "rest", "graphql", "grpc_web", "soap"}
)


def classified(classes: Iterable[str]) -> list[str]:
    """The classified classes among these, each once, in order."""
    out: list[str] = []
    for c in classes:
        if c not in NOT_SENSITIVE and c not in out:
            out.append(c)
    return out


def is_data(g: Graph, name: str) -> bool:
    return g.comps[name].kind in DATA_KINDS


def held(g: Graph) -> dict[str, list[str]]:
    """The classified data each component holds (`classified` of its `data`), worked out once per design."""
    out = g.memo.get("classified")
    if out is None:
        out = g.memo["classified"] = {name: classified(c.data) for name, c in g.comps.items()}
    return out


def carried(g: Graph, e: Edge) -> tuple[list[str], list[str]]:
    """The classified data an edge carries: (stated on the edge, inferred from what its target holds and the
    edge does not state)."""
    data = e.data
    stated = classified(data) if data else []
    inferred: list[str] = []
    there = held(g)[e.target]
    if there and (g.kind[e.target] in DATA_KINDS or e.kind in DATA_EDGE_KINDS):
        inferred = [c for c in there if c not in stated]
    return stated, inferred


def is_encrypted(e: Edge) -> bool:
    if e.encryption in ("tls", "mtls"):
        return True
    if e.encryption == "none":
        return False
    return (e.protocol or "").lower() in ENCRYPTED_PROTOCOLS


def regions_of(g: Graph, name: str) -> list[str]:
    """The regions a component runs in or keeps copies in: its placement, and the regions its replication names."""
    out = list(g.placement[name])
    rep = replication_of(g.comps[name])
    if rep is not None and not isinstance(rep, int):
        out.extend(r for r in rep.regions if r not in out)
    return out
