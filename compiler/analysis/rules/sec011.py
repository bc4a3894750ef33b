"""SEC011: classified data is encrypted at rest with no stated key management.

**What it checks.** A store, cache, stream or queue holding classified data (pci, pii, phi, secret,
confidential, financial) with `encryption_at_rest on` but no `kms` and no `managed` provider.

**Why it matters.** Encryption is only as good as the custody of its keys: keys kept beside the data, never
rotated, or readable by every service protect nothing (AWS SEC08-BP01 "implement secure key management"; Azure
SE:09). Stating the key service makes the custody reviewable.

**Example.**

    store ledger { data [pci]; encryption_at_rest on }

**Fix.** `kms aws_kms` (or the vault or HSM that holds the keys).
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ..graph import DATA_KINDS, Graph
from ..rule import Finding, Rule, rule
from ._security import classified


@rule
class KeyManagementUnstated(Rule):
    code = "SEC011"
    name = "key-management-unstated"
    severity = Severity.INFO
    summary = "classified data is encrypted at rest with no stated key management"
    practices = ("SEC08-BP01", "SE:09", "threagile:missing-vault")

    def check(self, g: Graph) -> Iterator[Finding]:
        for name, c in g.comps.items():
            if c.kind not in DATA_KINDS or not c.encryption_at_rest or c.kms or c.managed:
                continue
            held = classified(c.data)
            if not held:
                continue
            yield Finding(
                message=f"{c.kind} `{name}` encrypts {', '.join(held)} data at rest but states no key management",
                at=c.span,
                path=g.comp_path(name),
                label="no kms",
                hints=["state who holds the keys: `kms aws_kms`, or a vault or HSM"],
            )
