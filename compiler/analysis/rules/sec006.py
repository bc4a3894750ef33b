"""SEC006: a public entrypoint reaches a data store directly.

**What it checks.** An edge from a component outside callers reach first (a client, a component with
`exposure public`, or one a client calls) straight to a store, cache, stream or queue.

* When the edge carries classified data (its own `data`, or what the store holds: pii, pci, secret, ...), it is a
  finding: the data the design says needs protecting is one compromise away.
* When neither the edge nor the store declares a data class, whether the direct path matters cannot be judged: it
  is a gap (state what the store holds), reported in the component's note under the default profile.
* A managed component (`managed aws`: a CDN pulling from its origin bucket, a load balancer, an API gateway's
  direct integration) and an external one (a third-party CDN) are left alone: the code reaching the data is the
  provider's, not the team's, and a service in between would defeat the CDN. Their access is scoped by the
  provider's own controls (an origin access identity, an IAM role), which the authentication rule weighs.

**Why it matters.** The public tier is the part most likely to be compromised. When it holds credentials for a
datastore, one injection or remote-code bug there is a direct path to the data, with no service in between to
authorise each request, validate input and limit what can be read (AWS Well-Architected SEC05-BP02 "Control
traffic flow within your network layers"; Azure SE:04 "segmentation"). Threagile's
unguarded-direct-datastore-access weighs the same path by the data's confidentiality and integrity: a store of
nothing sensitive is not what the control protects.

**Example.**

    service web { exposure public; reads customers { timeout 50ms } }
    store customers { engine postgres; data [pii] }

**Fix.** Put an internal service between them that owns the data and exposes only the operations the public
tier needs: `web calls customers_api`, `customers_api reads customers`. If the store holds nothing sensitive,
say so: `data [public]`.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ..graph import DATA_KINDS, Graph
from ..rule import Finding, Rule, rule
from ._security import carried, classified


@rule
class PublicDirectDatastoreAccess(Rule):
    code = "SEC006"
    name = "public-direct-datastore-access"
    severity = Severity.WARNING
    summary = "a public entrypoint reaches a store, cache, stream or queue directly"
    gap_phrase = "reaches {items} directly from the public tier, and they declare no data class"
    practices = ("SEC05-BP02", "SEC05-BP01", "SE:04", "threagile:unguarded-direct-datastore-access")

    def check(self, g: Graph) -> Iterator[Finding]:
        entrypoints = set(g.entrypoints)
        for name, c in g.comps.items():
            if c.kind == "external" or c.managed:
                continue  # the provider's code reaching its origin, not the team's
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
                stated, inferred = carried(g, e)
                declared = stated or inferred or [x for x in t.data if x not in classified(t.data)]
                hints = [
                    f"put an internal service in front of `{e.target}` that owns its data, and have `{name}` "
                    "call that service instead",
                ]
                if stated or inferred:
                    message = (
                        f"{c.kind} `{name}` is {why} and {e.kind} {t.kind} `{e.target}` directly: a compromise of "
                        f"`{name}` reaches the {', '.join(stated + inferred)} data with nothing in between"
                    )
                    gap = ""
                elif declared:
                    continue  # the data is declared and none of it needs protecting (`data [public]`)
                else:
                    message = (
                        f"{c.kind} `{name}` is {why} and {e.kind} {t.kind} `{e.target}` directly, and `{e.target}` "
                        f"declares no data class: if it holds data that needs protecting, a compromise of `{name}` "
                        "reaches it with nothing in between"
                    )
                    gap = f"`{e.target}`"
                    hints.append(f"or, if it holds nothing sensitive, say so: `data [public]` on `{e.target}`")
                yield Finding(
                    message=message,
                    at=e.span,
                    path=g.edge_path(e),
                    label=f"{why} to {t.kind}",
                    hints=hints,
                    gap=gap,
                )
