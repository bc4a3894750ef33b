"""SEC005: classified data is stored unencrypted.

**What it checks.** A store, cache, stream or queue that holds classified data (`data [pci]`, or any class other
than public/internal) and whose `encryption_at_rest` is off or not stated. Many stdlib kinds (`aurora_postgres`,
`msk`, `sqs_queue`, ...) state it already; self-run engines (`kafka_durable`, `redis_ha`, a bare `engine`) do not.

**Why it matters.** Disks, snapshots and decommissioned hardware outlive access controls: data that is not
encrypted at rest is readable by whoever gets the media or a copy of the volume (AWS Well-Architected SEC08-BP02
"Enforce encryption at rest"; Azure SE:07 "encrypt data"; Threagile unencrypted-asset; OWASP pytm DR01
"Unprotected Sensitive Data").

**Example.**

    stream events { engine kafka; data [pii] }

**Fix.** Encrypt it and say so: `encryption_at_rest on` (with `kms aws_kms`, or whichever key service holds the
keys).
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ..graph import DATA_KINDS, Graph, joined
from ..rule import Finding, Rule, rule
from ._security import classified


@rule
class UnencryptedClassifiedStorage(Rule):
    code = "SEC005"
    name = "unencrypted-classified-storage"
    severity = Severity.WARNING
    summary = "a store, cache, stream or queue holds classified data without encryption at rest"
    gap_phrase = "no encryption at rest stated for the classified data it holds"
    practices = ("SEC08-BP02", "SE:07", "threagile:unencrypted-asset", "pytm:DR01")

    def check(self, g: Graph) -> Iterator[Finding]:
        for name, c in g.comps.items():
            if c.kind not in DATA_KINDS or c.encryption_at_rest:
                continue
            holds = classified(c.data)
            if not holds:
                continue
            how = "is off" if c.encryption_at_rest is False else "is not stated"
            yield Finding(
                message=f"{c.kind} `{name}` holds {joined(holds)} data and its encryption at rest {how}",
                at=c.span,
                path=g.comp_path(name),
                label="encryption_at_rest " + ("off" if c.encryption_at_rest is False else "not stated"),
                gap="-" if c.encryption_at_rest is None else "",
                hints=[f"encrypt it and say so: `encryption_at_rest on` on `{name}` (and `kms ...` for its keys)"],
            )
