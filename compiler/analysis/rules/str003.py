"""STR003: a write to a store and an event about it, sent as two separate steps (a dual write).

**What it checks.** Each component that `writes` a store and also `publishes` to a stream or queue, where the
publish is not stated to come from a transactional outbox (`outbox on`) and the store does not publish to that
stream itself (change data capture: `publishes STREAM` on the store). Only `writes` edges count: a `calls` edge
to a store may read or write, and the design does not say which.

The design does not say how the two stay consistent, so this is a gap: under the default profile it is part of
the component's note of unstated things, under `production` a warning at the publish.

**Why it matters.** A database commit and a message broker's acknowledgement cannot be made atomic by the
service between them: a crash, a timeout or a failed publish after the commit loses the event (consumers never
learn of the write), and publishing first announces a write that may then fail. Retries make it at-least-once at
best, never consistent. The transactional outbox (Chris Richardson, "Pattern: Transactional outbox",
microservices.io; Debezium's outbox event router) writes the event in the same database transaction as the
state and relays it afterwards; change data capture publishes from the database's own log (AWS prescriptive
guidance, "Transactional outbox pattern").

**Example.**

    service orders { writes order_db { timeout 50ms }; publishes order_events }
    store order_db { engine postgres }
    stream order_events { engine kafka }

**Fix.** Publish from an outbox table written in the same transaction (`publishes order_events { outbox on }`),
or let the store's change stream publish the event (`publishes order_events` on `order_db`). Consumers still
need to be idempotent: the relay delivers at least once.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ..graph import Graph
from ..rule import Finding, Rule, rule

_STEPS = ("", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


@rule
class DualWrite(Rule):
    code = "STR003"
    name = "dual-write-without-outbox"
    severity = Severity.WARNING
    summary = "a store write and an event about it are sent as two separate steps, with no outbox"
    gap_phrase = "writes a store and publishes events about it in two steps, with no outbox stated: {items}"
    practices = ()

    def check(self, g: Graph) -> Iterator[Finding]:
        for name, writes in g.edges_marked("writes"):
            c = g.comps[name]
            out = g.out[name]
            stores = [e.target for e in writes if g.comps[e.target].kind == "store"]
            if not stores:
                continue
            for e in out:
                if e.kind != "publishes" or e.outbox:
                    continue
                if any(x.kind == "publishes" and x.target == e.target for s in stores for x in g.out[s]):
                    continue  # the store's own change stream publishes it
                named = [f"`{s}`" for s in stores]
                if len(named) == 1:
                    written = f"writes {named[0]} and"
                else:  # each write is a step of its own too: "writes `a` and `b`, and publishes ..., as three"
                    written = f"writes {', '.join(named[:-1])} and {named[-1]}, and"
                steps = _STEPS[len(stores) + 1] if len(stores) + 1 < len(_STEPS) else str(len(stores) + 1)
                yield Finding(
                    message=(
                        f"{c.kind} `{name}` {written} publishes to `{e.target}`{',' if len(named) > 1 else ''} as "
                        f"{steps} separate steps: a failure between them loses the event, or announces a write that "
                        "did not happen"
                    ),
                    at=e.span,
                    path=g.edge_path(e),
                    label="no outbox",
                    hints=[
                        f"publish from a transactional outbox written with the state: `publishes {e.target} "
                        "{ outbox on }`",
                        f"or let the store's change stream publish it: `publishes {e.target}` on `{stores[0]}`",
                    ],
                    gap=f"`{e.target}`",
                )
