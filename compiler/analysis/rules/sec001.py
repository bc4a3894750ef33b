"""SEC001: a data store is exposed publicly.

**What it checks.** A store, cache, stream or queue with `exposure public`. A data component that declares only
public data (`data [public]`, e.g. the bucket behind a static web site) is left alone.

**Why it matters.** A database, cache or broker reachable from the internet is one leaked credential, default
password or unpatched listener away from a breach of everything it holds; public access belongs only on the
declared ingress, never on a datastore (AWS Well-Architected SEC03-BP07 "Analyze public and cross-account
access"; Azure SE:06 "isolate, filter and control network traffic"; Threagile's unguarded-access-from-internet).

**Example.**

    store customers { engine postgres; exposure public; data [pii] }

**Fix.** Make it `exposure internal` (or `private`) and let a service in front of it authenticate and authorise
callers: `service customers_api { exposure public; reads customers { ... } }`.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ..graph import DATA_KINDS, Graph, joined
from ..rule import Finding, Rule, rule
from ._security import classified


@rule
class PublicDataStore(Rule):
    code = "SEC001"
    name = "public-data-store"
    severity = Severity.ERROR
    summary = "a store, cache, stream or queue is exposed publicly"
    practices = ("SEC03-BP07", "SEC05-BP01", "SE:06", "threagile:unguarded-access-from-internet")

    def check(self, g: Graph) -> Iterator[Finding]:
        for name, c in g.comps.items():
            if c.kind not in DATA_KINDS or c.exposure != "public":
                continue
            if c.data and not classified(c.data):
                continue  # it declares only public data: a static-site bucket, a public dataset
            holds = classified(c.data)
            what = f" and holds {joined(holds)} data" if holds else ""
            yield Finding(
                message=f"{c.kind} `{name}` is exposed publicly{what}: anyone who reaches it needs no service "
                "in front to get at its data",
                at=c.span,
                path=g.comp_path(name),
                label="exposure public",
                hints=[
                    f"make `{name}` `exposure internal` (or `private`) and serve its data through a service that "
                    "authenticates and authorises callers",
                    f"if it only ever holds public data, say so: `data [public]` on `{name}`",
                ],
            )
