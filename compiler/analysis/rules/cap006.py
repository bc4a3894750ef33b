"""CAP006: exactly-once expected where delivery is at least once and nothing deduplicates.

**What it checks.** An edge with `delivery exactly_once` (or `effectively_once`) where nothing makes a repeat
harmless:

* on a `consumes` edge, the consumer is not idempotent: the edge has neither `idempotent yes` nor
  `idempotency_key on`;
* on a `publishes` edge, some consumer of the target consumes it without `idempotent yes` or
  `idempotency_key on` (a consumer that itself claims exactly-once is reported on its own edge instead);
* on a `calls`, `reads` or `writes` edge, the request carries no idempotency key (`idempotency_key on`) and the
  callee is not declared idempotent (`idempotent yes`).

Every stream and queue is taken to deliver at least once (Kafka and SQS both do: a consumer that fails after
acting and before committing its offset, or deleting the message, gets it again), and so is a call that can
time out. The language has no statement for a transaction spanning the consumer's effect and its offset, so
idempotency is the only way the design can show how duplicates are absorbed.

**Why it matters.** Across a network, exactly-once delivery is impossible: a sender that hears no
acknowledgement cannot tell a lost message from a lost acknowledgement, so it either resends (at least once) or
does not (at most once). What systems offer as "exactly-once" is at-least-once delivery plus deduplication or a
transaction, that is, effectively-once processing. AWS Well-Architected REL04-BP04 ("Make mutating operations
idempotent") asks for exactly this; Kafka's exactly-once semantics cover only reads and writes within Kafka's
own transactions, not a consumer's side effects elsewhere.

**Example.**

    service billing { consumes orders { delivery exactly_once } }

**Fix.** Make the consumer idempotent and say so (`idempotent yes`, for instance by recording processed message
ids in the same transaction as the effect), or send an idempotency key (`idempotency_key on`); then
`delivery effectively_once` (or `at_least_once`) describes what the path really does.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ...model import Edge
from ..graph import Graph
from ..rule import Finding, Rule, rule

ONCE = ("exactly_once", "effectively_once")


@rule
class ExactlyOnceWithoutIdempotency(Rule):
    code = "CAP006"
    name = "exactly-once-without-idempotency"
    severity = Severity.ERROR
    summary = "exactly-once delivery expected over an at-least-once path with no idempotency"
    practices = ("REL04-BP04",)

    def check(self, g: Graph) -> Iterator[Finding]:
        non_dedup: dict[str, list] = {}  # per stream or queue, its consumers that do not deduplicate: once

        def duplicates(target: str) -> list:
            if target not in non_dedup:
                non_dedup[target] = [
                    c for c in g.inc[target] if c.kind == "consumes" and c.delivery not in ONCE and not _dedups(c)
                ]
            return non_dedup[target]

        for name, edges in g.edges_marked("delivery"):  # the edges that state a delivery
            for e in edges:
                if e.delivery not in ONCE:
                    continue
                said = e.delivery.replace("_", "-")
                target = g.comps[e.target]
                if e.kind == "consumes":
                    if _dedups(e):
                        continue
                    yield Finding(
                        message=(
                            f"`{name}` expects {said} delivery from {target.kind} `{e.target}`, which delivers at "
                            f"least once, but `{name}` is not idempotent"
                        ),
                        at=e.span,
                        path=g.edge_path(e),
                        label="not idempotent",
                        hints=[
                            f"make `{name}` idempotent and say so: `consumes {e.target} {{ idempotent yes }}` "
                            "(record processed message ids with the effect, in one transaction)",
                            "or state what the path does: `delivery at_least_once`",
                        ],
                    )
                elif e.kind == "publishes":
                    dups = duplicates(e.target)
                    if not dups:
                        continue
                    who = ", ".join(f"`{c.source}`" for c in dups[:4]) + (
                        f" and {len(dups) - 4} more" if len(dups) > 4 else ""
                    )
                    yield Finding(
                        message=(
                            f"`{name}` publishes to {target.kind} `{e.target}` expecting {said} delivery, but it "
                            f"delivers at least once and {who} {'does' if len(dups) == 1 else 'do'} not "
                            "deduplicate"
                        ),
                        at=e.span,
                        path=g.edge_path(e),
                        label="consumers not idempotent",
                        notes=[(c.span, f"`{c.source}` consumes `{e.target}` here, not idempotent") for c in dups[:3]],
                        hints=[
                            f"make every consumer of `{e.target}` idempotent (`idempotent yes` on its `consumes`)",
                            "or state what the path does: `delivery at_least_once`",
                        ],
                    )
                else:
                    if _dedups(e):
                        continue
                    yield Finding(
                        message=(
                            f"`{name}` expects {said} delivery when it {e.kind} `{e.target}`, but "
                            "a request that times out may or may not have happened, and the request carries no "
                            "idempotency key"
                        ),
                        at=e.span,
                        path=g.edge_path(e),
                        label="no idempotency key",
                        hints=[
                            f"send an idempotency key (`idempotency_key on` on the edge to `{e.target}`) that "
                            f"`{e.target}` deduplicates by",
                            "or state what the path does: `delivery at_least_once` or `at_most_once`",
                        ],
                    )


def _dedups(e: Edge) -> bool:
    return bool(e.idempotent or e.idempotency_key)
