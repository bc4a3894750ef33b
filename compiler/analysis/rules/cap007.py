"""CAP007: an at-least-once consumer that is not idempotent, or has no dead letter.

**What it checks.** Every `consumes` edge that delivers at least once: `delivery at_least_once`, or no
`delivery` at all on a consumer of a `stream` or `queue` (Kafka consumers that commit after processing, and SQS,
deliver at least once unless told otherwise, so that is what an unstated delivery means). Two problems, one
finding each:

* the consumer is not idempotent: the edge has neither `idempotent yes` nor `idempotency_key on`;
* a message it cannot process has nowhere to go: the edge has no `dead_letter yes` and the queue it consumes has
  no `dead_letter on`.

`at_most_once` consumers are not checked (nothing is redelivered), nor `exactly_once` and `effectively_once`
ones, whose idempotency CAP006 checks.

**Why it matters.** At-least-once delivery redelivers a message whenever the consumer fails between acting
and acknowledging; a consumer that is not idempotent then charges, e-mails or counts twice (AWS
Well-Architected REL04-BP04, "Make mutating operations idempotent"). A message that always fails (a poison
message) is redelivered forever: it blocks its Kafka partition or burns an SQS consumer until its retention
expires, and the backlog behind it grows. A dead-letter queue moves it aside after a bounded number of attempts,
which is the self-preservation Azure's reliability checklist asks for (RE:07).

**Example.**

    service mailer { consumes signups { group mail } }
    stream signups { engine kafka; partitions 12 }

**Fix.** `consumes signups { group mail; delivery at_least_once; idempotent yes; dead_letter yes }`, with the
consumer deduplicating by message id, and failed messages going to a dead-letter queue after a few attempts
(or `dead_letter on` on the queue).
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ...model import Queue
from ..graph import Graph
from ..rule import Finding, Rule, rule


@rule
class AtLeastOnceConsumerUnsafe(Rule):
    code = "CAP007"
    name = "at-least-once-consumer-unsafe"
    severity = Severity.WARNING
    summary = "an at-least-once consumer that is not idempotent or has no dead letter"
    gap_phrase = "no idempotency or dead letter stated for what it consumes from {items}"
    practices = ("REL04-BP04", "RE:07")

    def check(self, g: Graph) -> Iterator[Finding]:
        for name, edges in g.edges_marked("consumes"):
            for e in edges:
                target = g.comps[e.target]
                if e.delivery is None:
                    if target.kind not in ("stream", "queue"):
                        continue
                    how = f"consumes {target.kind} `{e.target}`, which delivers at least once unless told otherwise,"
                elif e.delivery == "at_least_once":
                    how = f"consumes {target.kind} `{e.target}` at least once"
                else:
                    continue
                if not (e.idempotent or e.idempotency_key):
                    yield Finding(
                        message=f"`{name}` {how} but is not idempotent: a redelivered message is processed twice",
                        at=e.span,
                        path=f"{g.edge_path(e)}/idempotent",
                        label="not idempotent",
                        gap=f"`{e.target}`" if e.idempotent is None and e.idempotency_key is None else "",
                        hints=[
                            f"make `{name}` deduplicate (by message id, recorded with the effect) and say so: "
                            f"`consumes {e.target} {{ idempotent yes }}`",
                        ],
                    )
                if not (e.dead_letter or (isinstance(target, Queue) and target.dead_letter)):
                    on_queue = " (or `dead_letter on` on the queue)" if target.kind == "queue" else ""
                    yield Finding(
                        message=(
                            f"`{name}` {how} but has no dead letter: a message it cannot process is redelivered "
                            "without end"
                        ),
                        at=e.span,
                        path=f"{g.edge_path(e)}/dead-letter",
                        label="no dead letter",
                        gap=f"`{e.target}`"
                        if e.dead_letter is None and not (isinstance(target, Queue) and target.dead_letter is not None)
                        else "",
                        hints=[
                            f"send messages that keep failing to a dead-letter queue after a few attempts: "
                            f"`consumes {e.target} {{ dead_letter yes }}`{on_queue}",
                        ],
                    )
