"""STR002: Kafka-style durability settings that stop writes or lose acknowledged ones.

**What it checks.** The replication settings of every `stream` (`replication` is the replication factor,
`min_insync` the in-sync replicas a write with `acks all` needs):

* `min_insync` equal to the replication factor (of 2 or more): losing one broker stops every write; above the
  replication factor, no write can ever succeed. (Checked when `acks` is `all` or unstated; Kafka producers
  default to `acks all`.)
* `min_insync 1` with a replication factor of 3 or more: a write is acknowledged when only the leader has it.
  A Kafka stream (`engine kafka`) that states no `min_insync` gets the broker default, which is 1.
* a durable stream with a replication factor below 3 (or, on `engine kafka`, none stated: the broker default
  is 1), or produced with `acks leader` or `acks none`. A stream is durable when it holds classified data
  (`data [...]`), or when a component that serves requests publishes to it (one reachable from an entrypoint
  through synchronous edges): those events are the record of requests already answered, and exist nowhere
  else to be replayed from.

Each problem is its own finding (suffixes `/min_insync`, `/replication`, `/acks`). Streams that state none of
these (Kinesis, which replicates across three zones by itself) are only checked for what they state.

**Why it matters.** Apache Kafka's topic configuration documentation (`min.insync.replicas`): "A typical
scenario would be to create a topic with a replication factor of 3, set min.insync.replicas to 2, and produce
with acks of 'all'. This will ensure that the producer raises an exception if a majority of replicas do not
receive a write." With min.insync equal to the replication factor, one broker's restart (every rolling upgrade)
makes producers fail; with min.insync 1 an acknowledged write lives on one broker and is lost with it (the
leader's crash elects a replica that never had it). A replication factor of 2 cannot have both: it either
blocks on one broker's loss or risks acknowledged writes.

**Example.**

    stream payments_events { engine kafka; replication 3; min_insync 1; data [pci] }

**Fix.** `replication 3; min_insync 2; acks all`, with the brokers spread over three zones.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ...model import Stream
from ..graph import Graph, joined, replication_factor_of
from ..rule import Finding, Rule, rule
from ._security import classified


@rule
class StreamDurability(Rule):
    code = "STR002"
    name = "stream-durability-settings"
    severity = Severity.WARNING
    summary = "stream replication, min_insync or acks that stop writes or lose acknowledged ones"
    practices = ("REL10-BP01", "RE:05")

    def check(self, g: Graph) -> Iterator[Finding]:
        for name, c in g.comps.items():
            if not isinstance(c, Stream):
                continue
            rf = replication_factor_of(c)
            isr = c.min_insync
            acks = c.acks
            kafka = c.engine == "kafka"
            path = g.comp_path(name)
            acks_all = acks in (None, "all")
            if rf is not None and isr is not None and acks_all and (isr > rf or (isr == rf and rf >= 2)):
                if isr > rf:
                    message = (
                        f"stream `{name}` needs {isr} in-sync replicas for a write but has only {rf} "
                        f"(replication {rf}, min_insync {isr}): no write with acks all can succeed"
                    )
                else:
                    message = (
                        f"stream `{name}` needs every one of its {rf} replicas in sync for a write "
                        f"(replication {rf}, min_insync {isr}): losing one broker stops every write"
                    )
                yield Finding(
                    message=message,
                    at=c.span,
                    path=f"{path}/min_insync",
                    label=f"min_insync {isr} >= replication {rf}",
                    hints=[f"set `min_insync {max(1, rf - 1)}` (at most the replication factor minus one)"],
                )
            elif rf is not None and rf >= 3 and acks_all and (isr == 1 or (isr is None and kafka)):
                said = "min_insync 1" if isr == 1 else "no min_insync, so Kafka's broker default of 1 applies"
                yield Finding(
                    message=(
                        f"stream `{name}` has replication {rf} but {said}: a write is acknowledged when only the "
                        "leader has it, and lost if that broker fails"
                    ),
                    at=c.span,
                    path=f"{path}/min_insync",
                    label="min_insync 1",
                    hints=[f"set `min_insync 2` with `acks all` (replication {rf} still survives a broker's loss)"],
                )
            short_rf = (rf is not None and rf < 3) or (rf is None and kafka)
            weak_acks = acks in ("leader", "none")
            if not (short_rf or weak_acks):
                continue
            if classified(c.data):
                why = f"holds {joined(classified(c.data))} data"
            else:
                publisher = next(
                    (e for e in g.inc[name] if e.kind == "publishes" and e.source in g.serving),
                    None,
                )
                if publisher is None:
                    continue
                entry = g.serving[publisher.source]
                via = "" if entry == publisher.source else f", on the path from entrypoint `{entry}`"
                why = f"records requests already answered (`{publisher.source}` publishes to it{via})"
            if short_rf:
                has = f"replication {rf}" if rf is not None else "no replication factor (Kafka's default is 1)"
                yield Finding(
                    message=(
                        f"stream `{name}` {why} but has {has}: fewer than 3 copies cannot both survive a "
                        "broker's loss and keep accepting acknowledged writes"
                    ),
                    at=c.span,
                    path=f"{path}/replication",
                    label=f"replication {rf if rf is not None else 'unstated'}",
                    hints=["set `replication 3; min_insync 2; acks all`, with brokers in three zones"],
                )
            if weak_acks:
                yield Finding(
                    message=(
                        f"stream `{name}` {why} but is produced with acks {acks}: a write acknowledged "
                        f"{'by the leader alone' if acks == 'leader' else 'before any broker has it'} is lost "
                        "if the leader fails"
                    ),
                    at=c.span,
                    path=f"{path}/acks",
                    label=f"acks {acks}",
                    hints=["produce with `acks all` and `min_insync 2`"],
                )
