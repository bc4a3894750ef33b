"""SCL007: one key's load lands on one shard or one replica.

**What it checks.** A component that puts each key in one place: a store or cache partitioned by a key
(`sharding hash(channel_id) 72`), or a service that routes each request by a key to the replica owning it
(`affinity channel_id`), on the path of a request (an entrypoint's synchronous path, or a flow's route).

* With the busiest key's share stated (`hot_key 2%`, in the `sharding` or `affinity` block), a capacity and a
  load: that share of the load against what one shard (the store's `capacity` over its shards) or the key's
  owners (`owners` x the per-replica `capacity`) carry. Above it is a problem: adding shards or replicas does not
  help that key.
* Without a `hot_key` share, it is a gap: the design cannot say whether its busiest key fits in one shard.

**Why it matters.** Partitioning spreads keys, not load: every read and write of one key goes to the one
partition (and its replicas) that holds it, so the busiest key is bounded by one node's capacity, not the
cluster's. Discord's messages cluster was partitioned by (channel_id, time bucket), and one busy channel's
partition slowed every quorum query touching its nodes ("How Discord Stores Trillions of Messages", 2023); a
celebrity's timeline and a viral short link are the same problem. Amazon's DynamoDB guidance ("Designing
partition keys to distribute your workload") and Kleppmann, *Designing Data-Intensive Applications*, ch. 6
("Skewed workloads and relieving hot spots") both start from the hottest key's share.

**Example.**

    system s { requirements { peak_load 50000 rps } ... }
    store messages { capacity 72000 rps; sharding hash(channel_id) 72 { hot_key 5% } }

(5% of 50,000 rps is 2,500 rps on one shard, which carries 72,000 / 72 = 1,000 rps.)

**Fix.** Spread the hot key: add a suffix to it (`hash(channel_id, bucket)` with smaller buckets, or a random
suffix for writes read back by scatter-gather), cache or coalesce its reads in front of the partition, or keep
more copies of it (`owners 2`, read replicas); then state the share the busiest key takes (`hot_key 2%`), so
the check can be made.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ...model import Cache, Service, Store
from ..graph import Graph, capacity_of, rate
from ..rule import Finding, Rule, rule


def _key_phrase(keys: list[str]) -> str:
    """`channel_id`, or (`channel_id`, `bucket`) for a compound key."""
    names = [f"`{k}`" for k in keys]
    return names[0] if len(names) == 1 else f"({', '.join(names)})"


@rule
class HotKey(Rule):
    code = "SCL007"
    name = "hot-key"
    severity = Severity.WARNING
    summary = "one key's load lands on one shard or one replica"
    gap_phrase = "no `hot_key` share stated for its busiest {items}"
    practices = ("REL07-BP03", "RE:06")

    def check(self, g: Graph) -> Iterator[Finding]:
        peak = g.requirements.peak_load if g.requirements is not None else None
        serving = g.serving
        demand = g.demand
        for name, c in g.comps.items():
            if name not in serving and name not in demand:
                continue
            if isinstance(c, Service) and c.affinity is not None:
                keys, share, owners = [c.affinity.key], c.affinity.hot_key, c.affinity.owners
                one = "one replica" if owners == 1 else f"its {owners} owning replicas"
                where = f"routes each {_key_phrase(keys)} to {one}"
                cap = c.capacity * owners if c.capacity is not None else None
                cap_how = f"{owners} x {rate(c.capacity)} per replica" if c.capacity is not None and owners > 1 else ""
                block, spread = "affinity", "replicas"
            elif isinstance(c, Store | Cache) and c.sharding is not None and c.sharding.key:
                sh = c.sharding
                keys, share = list(sh.key), sh.hot_key
                shards = sh.shards or 1
                if shards < 2:
                    continue
                one = "one shard"
                where = f"keeps each {_key_phrase(keys)} on one of its {shards} shards"
                total = capacity_of(c)
                cap = total / shards if total else None
                cap_how = f"its capacity of {rate(total)} over {shards} shards" if total else ""
                block, spread = "sharding", "shards"
            else:
                continue
            key = _key_phrase(keys)
            if share is None:
                yield Finding(
                    message=f"{c.kind} `{name}` {where}: all of the busiest key's load lands on {one}, bounded by"
                    f" its capacity rather than the whole {c.kind}'s, and the design states no share for its busiest"
                    f" {key} to check that against",
                    at=c.span,
                    path=g.comp_path(name),
                    label="hot key unstated",
                    hints=[
                        f"state the busiest key's share of the load: `hot_key 2%` in the `{block}` block of `{name}`",
                        f"if one key can take more than {one} carries, spread it: a finer key, or a cache or"
                        " coalescing of its reads in front",
                    ],
                    gap=key,
                )
                continue
            if not peak and name not in demand:
                continue
            load, why = g.load_at(name, peak or 0.0)
            if cap is None or not load:
                continue
            hot = share * load
            if hot <= cap:
                continue
            whence = f" ({why})" if why else ""
            yield Finding(
                message=f"{c.kind} `{name}` {where}: its busiest key takes {share * 100:g}% of {rate(load)}{whence},"
                f" {rate(hot)}, above the {rate(cap)} that {one} {'carries' if one.startswith('one') else 'carry'}"
                f"{f' ({cap_how})' if cap_how else ''}; more"
                f" {spread} do not help that key",
                at=c.span,
                path=g.comp_path(name),
                label=f"hot key: {rate(hot)} on {one}",
                hints=[
                    f"spread the busiest {key}: a finer key (a time bucket or a suffix), a cache or coalescing of its"
                    " reads in front, or more copies of it",
                    f"or raise what {one} carries to at least {rate(hot)}",
                ],
            )
