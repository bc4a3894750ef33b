"""SEC006: a public entrypoint reaches a data store directly.

**What it checks.** An edge from a component outside callers reach first (a client, a component with
`exposure public`, or one a client calls) straight to a store, cache, stream or queue.

**Why it matters.** The public tier is the part most likely to be compromised. When it holds credentials for a
datastore, one injection or remote-code bug there is a direct path to the data, with no service in between to
authorise each request, validate input and limit what can be read (AWS Well-Architected SEC05-BP02 "Control
traffic flow within your network layers"; Azure SE:04 "segmentation"; Threagile
unguarded-direct-datastore-access).

**Example.**

    service web { exposure public; reads customers { timeout 50ms } }
    store customers { engine postgres; data [pii] }

**Fix.** Put an internal service between them that owns the data and exposes only the operations the public
tier needs: `web calls customers_api`, `customers_api reads customers`.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ..graph import DATA_KINDS, Graph
from ..rule import Finding, Rule, rule


@rule
class PublicDirectDatastoreAccess(Rule):
    code = "SEC006"
    name = "public-direct-datastore-access"
    severity = Severity.WARNING
    summary = "a public entrypoint reaches a store, cache, stream or queue directly"
    practices = ("SEC05-BP02", "SEC05-BP01", "SE:04", "threagile:unguarded-direct-datastore-access")

    def check(self, g: Graph) -> Iterator[Finding]:
        entrypoints = set(g.entrypoints)
        for name, c in g.comps.items():
            if c.kind == "client":
                why = "a client"
            elif c.exposure == "public":
                why = "public"
            elif name in entrypoints:
                why = "called by clients"
            else:
                continue
            for e in g.out[name]:
                t = g.comps[e.target]
                if t.kind not in DATA_KINDS:
                    continue
                yield Finding(
                    message=f"{c.kind} `{name}` is {why} and {e.kind} {t.kind} `{e.target}` directly: a compromise "
                    f"of `{name}` reaches the data with nothing in between",
                    at=e.span,
                    path=g.edge_path(e),
                    label=f"{why} to {t.kind}",
                    hints=[
                        f"put an internal service in front of `{e.target}` that owns its data, and have `{name}` "
                        "call that service instead",
                    ],
                )
