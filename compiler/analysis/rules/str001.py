"""STR001: a stream with fewer partitions than a consumer group can run consumers.

**What it checks.** For every `stream` with `partitions` stated, its `consumes` edges grouped by `group` (an
edge without a group is a group of its own). A group can run as many consumers as the sum, over the distinct
components consuming in it, of their largest replica count (`replicas 2..12` counts 12; a component that
states no replicas counts 1). If that is more than the partitions, the rule reports it, once per group.

**Why it matters.** Kafka assigns each partition to at most one consumer of a group (Kinesis leases a shard to
one worker of an application the same way), so consumers beyond the partition count sit idle: the group's
throughput stops growing at the partition count, and autoscaling up to the stated maximum buys nothing. Azure's
reliability checklist (RE:06, scaling strategy) and AWS Well-Architected REL07-BP03 ("Obtain resources upon
detection that more resources are needed") both need the scaling unit to be able to use what it scales to.

**Example.**

    service worker { replicas 2..24; consumes orders { group fulfil } }
    stream orders { engine kafka; partitions 12 }

**Fix.** Give the stream at least as many partitions as the largest group can run (`partitions 24`, or a
multiple of it for headroom; adding partitions later moves keys between partitions, so choose early), or cap
the consumers' replicas at the partition count.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ...model import Edge, Stream
from ..graph import Graph
from ..rule import Finding, Rule, rule


@rule
class PartitionsBelowConsumers(Rule):
    code = "STR001"
    name = "partitions-below-consumer-group"
    severity = Severity.WARNING
    summary = "a stream has fewer partitions than a consumer group can run consumers"
    practices = ("RE:06", "REL07-BP03")

    def check(self, g: Graph) -> Iterator[Finding]:
        for name, c in g.comps.items():
            partitions = c.partitions if isinstance(c, Stream) else None
            if c.kind != "stream" or partitions is None:
                continue
            groups: dict[tuple[str, str], dict[str, Edge]] = {}
            for e in g.inc[name]:
                if e.kind != "consumes":
                    continue
                key = ("group", e.group) if e.group is not None else ("consumer", e.source)
                groups.setdefault(key, {}).setdefault(e.source, e)
            for (kind, label), members in groups.items():
                size = {m: _max_replicas(g, m) for m in members}
                total = sum(size.values())
                if total <= partitions:
                    continue
                who = ", ".join(f"`{m}` up to {n}" for m, n in size.items())
                what = f"consumer group `{label}`" if kind == "group" else f"consumer `{label}` (no group)"
                yield Finding(
                    message=(
                        f"stream `{name}` has {partitions} partitions but {what} can run {total} consumers "
                        f"({who}): {total - partitions} would sit idle"
                    ),
                    at=c.span,
                    path=f"{g.comp_path(name)}/{kind}:{label}",
                    label=f"{partitions} partitions < {total} consumers",
                    notes=[(e.span, f"`{m}` consumes `{name}` here") for m, e in members.items()],
                    hints=[
                        f"give `{name}` at least {total} partitions (`partitions {total}`), or cap the group's "
                        f"replicas so that together they run at most {partitions}",
                    ],
                )


def _max_replicas(g: Graph, name: str) -> int:
    r = g.comps[name].replicas
    return r.max if r is not None else 1
