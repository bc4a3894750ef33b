"""SEC012: classified data is kept with no retention stated.

**What it checks.** A store, stream or queue holding classified data (pci, pii, phi, ...) with no `retention`.

**Why it matters.** Data kept forever is data exposed forever, and regulations bound it: GDPR's storage
limitation (article 5(1)(e)), PCI DSS requirement 3.1 (keep cardholder data only as long as needed). AWS
SEC07-BP04 "define data lifecycle management".

**Example.**

    store users { data [pii] }

**Fix.** `retention 730d` (and a reason in the description when the law sets it).
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ..graph import Graph, retention_of
from ..rule import Finding, Rule, rule
from ._security import classified


@rule
class RetentionUnstated(Rule):
    code = "SEC012"
    name = "classified-data-without-retention"
    severity = Severity.INFO
    summary = "classified data is kept with no retention stated"
    practices = ("SEC07-BP04",)

    def check(self, g: Graph) -> Iterator[Finding]:
        for name, c in g.comps.items():
            if c.kind not in ("store", "stream", "queue") or retention_of(c) is not None:
                continue
            held = classified(c.data)
            if held:
                yield Finding(
                    message=f"{c.kind} `{name}` holds {', '.join(held)} data with no retention stated",
                    at=c.span,
                    path=g.comp_path(name),
                    label="no retention",
                    hints=["state how long it is kept: `retention 730d`"],
                )
