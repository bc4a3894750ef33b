"""CYC001: components call each other synchronously in a cycle.

**What it checks.** Strongly connected groups of the synchronous call graph: A calls B calls ... calls A.

**Why it matters.** A synchronous cycle can deadlock under load (every component waiting on a thread pool the
other has exhausted), amplifies retries without bound, and makes it impossible to start or recover the
components one at a time (AWS REL04-BP02, loose coupling; the 2015 DynamoDB metadata-service outage was made
worse by such circular dependencies during recovery).

**Example.**

    service a { calls b { timeout 1s } }
    service b { calls a { timeout 1s } }

**Fix.** Break the cycle: make one direction asynchronous (`publishes`/`consumes`), or move what both need
into a third component.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ..graph import Graph
from ..rule import Finding, Rule, rule


@rule
class SyncCycle(Rule):
    code = "CYC001"
    name = "synchronous-call-cycle"
    severity = Severity.ERROR
    summary = "components call each other synchronously in a cycle"
    practices = ("REL04-BP02",)

    def check(self, g: Graph) -> Iterator[Finding]:
        for members in g.sync_cycles:
            first = members[0]
            inside = set(members)
            closing = [e for m in members for e in g.sync_out[m] if e.target in inside]
            shown = ", ".join(f"`{m}`" for m in members) if len(members) > 1 else f"`{first}` calls itself"
            yield Finding(
                message=f"synchronous call cycle among {shown}"
                if len(members) > 1
                else f"synchronous call cycle: {shown}",
                at=g.comps[first].span,
                path=f"{g.comp_path(first)}/cycle",
                label="part of a cycle",
                hints=["make one edge of the cycle asynchronous, or move what both need into a third component"],
                notes=[(e.span, f"`{e.source}` {e.kind} `{e.target}`") for e in closing[:4]],
            )
