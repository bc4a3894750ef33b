"""CAP003: the system's stance under partition contradicts its data path.

**What it checks.** The system's `requirements { partition prefer ... }` against the stores its requests depend
on:

* `partition prefer availability`, while an entrypoint (a public component, or one a client calls) depends
  through a chain of hard synchronous edges on a store that prefers consistency under partition (its
  `partition prefer consistency`, which engines such as postgres and mysql state). Under a partition that store
  refuses service on the minority side, and so does every request that cannot do without it.
* `partition prefer consistency`, while a store whose `consistency` is `eventual` is a system of record: a
  component on an entrypoint's hard synchronous path writes it synchronously and hard (a `writes` or `calls`
  edge, `mode sync`, not soft). Such a store accepts writes on both sides of a partition and reconciles later,
  which is what the stance rules out.

A soft edge (or one with a fallback) is one the request survives without, so it does not carry the stance.
Only stores count (a cache is not a system of record). One finding per store, naming the entrypoint and one
shortest path to it; reachability is a single breadth-first search from every entrypoint at once.

**Why it matters.** Under a partition a system chooses between consistency and availability (Brewer's CAP
theorem; Abadi, "Consistency Tradeoffs in Modern Distributed Database System Design: CAP is Only Part of the
Story", IEEE Computer 2012, whose first rule is that a CP requirement over an eventually consistent store is a
mismatch). A design that states one choice and builds the other fails in the way nobody planned for: the
"available" system goes down with its database's minority side, the "consistent" one serves diverged data.

**Example.**

    requirements { partition prefer availability }
    service api { exposure public; calls db { timeout 50ms } }
    store db { engine postgres }

**Fix.** Make the dependency soft with a fallback (`calls db { criticality soft; fallback cache via db_cache }`),
choose a store whose stance matches the system's, or state the stance the system really has. For a consistent
system, give the system of record a strong consistency model (`consistency linearizable` with synchronous or
quorum replication), or write it asynchronously from a store that has one.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

from ...diagnostics import Severity
from ...model import Edge, Store
from ..graph import Graph, consistency_of
from ..rule import Finding, Rule, rule

WRITE_KINDS = ("writes", "calls")


@rule
class PartitionStanceContradiction(Rule):
    code = "CAP003"
    name = "partition-stance-contradicts-data-path"
    severity = Severity.ERROR
    summary = "the system's partition stance is contradicted by a store on an entrypoint's hard path"
    practices = ()

    def check(self, g: Graph) -> Iterator[Finding]:
        if g.system is None or g.requirements is None:
            return
        stance = g.requirements.partition.prefer
        if stance is None:
            return
        parent = _reach(g)
        sysname = g.system.name
        if stance == "availability":
            for name, c in g.comps.items():
                if c.kind != "store" or name not in parent:
                    continue
                partition = c.partition if isinstance(c, Store) else None
                if partition is None or partition.prefer != "consistency":
                    continue
                whence = c.inherited.get("partition_prefer")
                if whence is None:
                    continue  # the design states this store's own stance: a deliberate exception to the system's
                path = _path_to(parent, name)
                entry = path[0]
                notes = [(g.comps[entry].span, f"entrypoint `{entry}`")]
                last = parent[name]
                if last is not None:
                    notes.append((last.span, f"`{last.source}` depends on `{name}` here, hard and synchronously"))
                yield Finding(
                    message=(
                        f"system `{sysname}` prefers availability under partition, but entrypoint `{entry}` depends "
                        f"hard and synchronously on store `{name}`, which prefers consistency (the default of "
                        f"{whence}): {' -> '.join(path)}"
                    ),
                    at=c.span,
                    path=g.comp_path(name),
                    label="prefers consistency under partition",
                    notes=notes,
                    hints=[
                        "make a dependency on the path soft with a fallback "
                        "(`criticality soft; fallback cache via ...`), so the request survives the partition",
                        f"or choose a store that stays available (`partition prefer availability` on `{name}`), "
                        "or state the system's real stance: `partition prefer consistency`",
                    ],
                )
        elif stance == "consistency":
            for name, c in g.comps.items():
                if c.kind != "store" or consistency_of(c) != "eventual":
                    continue
                write = next(
                    (
                        e
                        for e in g.inc[name]
                        if e.kind in WRITE_KINDS and e.mode == "sync" and g.is_hard(e) and e.source in parent
                    ),
                    None,
                )
                if write is None:
                    continue
                path = [*_path_to(parent, write.source), name]
                entry = path[0]
                if entry == write.source:
                    who = f"entrypoint `{entry}` {write.kind} it synchronously"
                else:
                    who = f"`{write.source}` {write.kind} it synchronously on the path from entrypoint `{entry}`"
                yield Finding(
                    message=(
                        f"system `{sysname}` prefers consistency under partition, but its system of record "
                        f"`{name}` is eventually consistent: {who}: {' -> '.join(path)}"
                    ),
                    at=c.span,
                    path=g.comp_path(name),
                    label="eventually consistent system of record",
                    notes=[
                        (write.span, f"`{write.source}` writes `{name}` here, hard and synchronously"),
                        (g.comps[entry].span, f"entrypoint `{entry}`"),
                    ],
                    hints=[
                        f"give `{name}` a strong consistency model (`consistency linearizable` with synchronous "
                        "or quorum replication where R + W > N)",
                        f"or write `{name}` asynchronously (`mode async`) from a store that is strongly consistent, "
                        "or state the system's real stance: `partition prefer availability`",
                    ],
                )


def _reach(g: Graph) -> dict[str, Edge | None]:
    """Every component reachable from an entrypoint through hard synchronous edges (entrypoints included), with
    the edge it was first reached by (None for an entrypoint): one breadth-first search from all entrypoints."""
    parent: dict[str, Edge | None] = {}
    todo: deque[str] = deque()
    for ep in g.entrypoints:
        if ep not in parent:
            parent[ep] = None
            todo.append(ep)
    hard_out, hard_targets = g.hard_out, g.hard_targets
    while todo:
        n = todo.popleft()
        # by the targets' names: only the edge that first reaches a component is reached itself
        for i, t in enumerate(hard_targets[n]):
            if t not in parent:
                parent[t] = hard_out[n][i]
                todo.append(t)
    return parent


def _path_to(parent: dict[str, Edge | None], name: str) -> list[str]:
    path = [name]
    e = parent[name]
    while e is not None:
        src = e.source
        path.append(src)
        e = parent[src]
    path.reverse()
    return path
