"""SEC010: backups of classified data are not encrypted.

**What it checks.** A store, stream or queue that holds classified data (`data [pci]`, or any class other than
public/internal) and has a `backup { ... }` whose `encrypted` is off or not stated.

**Why it matters.** Backups are copies of all the data, kept for weeks, often in another account or region and
read by other tools and people: an unencrypted backup undoes the encryption of the store itself (AWS
Well-Architected REL09-BP02 "Secure and encrypt backups" and SEC08-BP02 "Enforce encryption at rest"; Azure
SE:07 "encrypt data"; Threagile unencrypted-asset).

**Example.**

    store ledger { engine postgres; encryption_at_rest on; data [pci]; backup { pitr on; retention 35d } }

**Fix.** Encrypt the backups and say so: `backup { ...; encrypted on }`.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ..graph import Graph, backup_of, joined
from ..rule import Finding, Rule, rule
from ._security import classified


@rule
class UnencryptedClassifiedBackup(Rule):
    code = "SEC010"
    name = "unencrypted-classified-backup"
    severity = Severity.WARNING
    summary = "backups of classified data are not encrypted"
    gap_phrase = "no encryption stated for the backups of classified data"
    practices = ("REL09-BP02", "SEC08-BP02", "SE:07", "threagile:unencrypted-asset")

    def check(self, g: Graph) -> Iterator[Finding]:
        for name, c in g.comps.items():
            backup = backup_of(c)
            if backup is None or backup.encrypted:
                continue
            holds = classified(c.data)
            if not holds:
                continue
            how = "are not encrypted (`encrypted off`)" if backup.encrypted is False else "state no encryption"
            yield Finding(
                message=f"{c.kind} `{name}` holds {joined(holds)} data and its backups {how}",
                at=c.span,
                path=g.comp_path(name) + "/backup",
                label="backup not encrypted",
                gap="-" if backup.encrypted is None else "",
                hints=[f"encrypt the backups and say so: `encrypted on` in the `backup {{ ... }}` of `{name}`"],
            )
