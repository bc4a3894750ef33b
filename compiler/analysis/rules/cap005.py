"""CAP005: a cache invalidated only by its TTL on a read path that needs strong consistency.

**What it checks.** A component that reads a cache (a `reads` or `calls` edge to a `cache`) whose
`invalidation` is `ttl`, `write_around` or not stated: entries change only when they expire, since writes go
around the cache. The read path needs strong consistency when either

* the edge into the cache itself asks for it (`consistency linearizable`, `strong` or `sequential`), or
* the same component also reads a store synchronously (`reads` or `calls`, `mode sync`) and says on that edge
  that it needs strong consistency from it (`consistency linearizable`, `strong` or `sequential`), while the edge
  to the cache states no consistency of its own (a cache edge that states a weaker one says the reader takes
  stale data from the cache).

Only what the reader states on its edges counts, not what the store offers: a store's promise (postgres is
linearizable) is not a reader's need, and counting it would flag every cache-aside with a TTL in front of a
relational database, the most common and usually deliberate use of a cache.

The second case is a risk, not a certainty: designc cannot tell whether the cache holds that store's data (the
cache's `holds` is free text), so the finding names both and says how to clear it. `write_through`,
`write_behind`, `explicit` and `event` invalidation count as invalidation beyond a TTL. One finding per edge
into a cache.

**Why it matters.** A TTL cache serves whatever it stored until the entry expires: for up to the TTL after a
write, readers see the old value, and across cache nodes they can see old and new values alternately. The TTL
is the length of what Vogels calls the inconsistency window ("Eventually Consistent", Communications of the
ACM 52(1), 2009): the read path is eventually consistent, whatever the store behind the cache promises, so a
strong promise on the store (PACELC's "else consistency", Abadi, IEEE Computer 2012) does not reach the reader.
Reads that must see the latest write (balances, permissions, stock) then act on stale data.

**Example.**

    service api { reads balances_cache { timeout 5ms }; reads ledger { timeout 50ms; consistency linearizable } }
    cache balances_cache { engine redis; ttl 5m; invalidation ttl }

**Fix.** Invalidate on write (`invalidation write_through`, `event` or `explicit`), read the store directly for
the reads that need the latest value, or state the weaker need the reader really has (`consistency eventual` on
the edge to the store, or on the edge to the cache).
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ...model import Cache
from ..graph import STRONG, Graph, duration
from ..rule import Finding, Rule, rule

READ_KINDS = ("reads", "calls")
TTL_ONLY = (None, "ttl", "write_around")


@rule
class TtlCacheOnStrongReadPath(Rule):
    code = "CAP005"
    name = "ttl-cache-on-strong-read-path"
    severity = Severity.WARNING
    summary = "a cache invalidated only by its TTL on a read path that needs strong consistency"
    practices = ()
    gap_phrase = (
        "neither a `ttl` nor an `invalidation`: what it caches never changes in it, expired or deleted data included"
    )

    def check(self, g: Graph) -> Iterator[Finding]:
        reported: set[str] = set()
        for f in self._strong(g):
            reported.add(f.path.split("/", 1)[-1].split(":", 1)[-1])
            yield f
        yield from self._never_expiring(g, reported)

    def _never_expiring(self, g: Graph, reported: set[str]) -> Iterator[Finding]:
        """A cache something reads that states neither a TTL nor an invalidation: its entries never change, so the
        data's updates, deletions and expiry never reach its readers. A gap: it may be meant (immutable data)."""
        for name, c in g.comps.items():
            if not isinstance(c, Cache) or c.ttl is not None or c.invalidation is not None or name in reported:
                continue
            readers = [e.source for e in g.inc[name] if e.kind in READ_KINDS]
            if not readers:
                continue
            behind = f" (it caches `{c.caches}`)" if c.caches else ""
            yield Finding(
                message=f"cache `{name}`{behind} states neither a `ttl` nor an `invalidation`: an entry never "
                "changes once cached, so updates, deletions and expired data are served to "
                + ", ".join(f"`{r}`" for r in dict.fromkeys(readers))
                + " for as long as the entry stays",
                at=c.span,
                path=g.comp_path(name),
                label="no ttl, no invalidation",
                hints=[
                    "give it a TTL no longer than the staleness its readers accept (`ttl 5m`), and invalidate on "
                    "write or delete where that is too long (`invalidation event`, `explicit`, `write_through`)",
                    "if what it holds never changes (immutable, content-addressed), say so: `invalidation explicit`",
                ],
                gap="-",
            )

    def _strong(self, g: Graph) -> Iterator[Finding]:
        kind, targets = g.kind, g.out_targets
        # the caches invalidated only by their TTL: a component that reads none of them has nothing to report, and
        # its edges are not reached (judged by their targets' names first)
        ttl_only = {
            n for n, c in g.comps.items() if kind[n] == "cache" and isinstance(c, Cache) and c.invalidation in TTL_ONLY
        }
        for name, out in g.out.items():
            cache_edges = [out[i] for i, t in enumerate(targets[name]) if t in ttl_only and out[i].kind in READ_KINDS]
            if not cache_edges:
                continue
            strong_store = None
            looked = False  # for a store it needs strong reads from: looked for once, when a cache edge asks
            for e in cache_edges:
                if e.consistency not in STRONG:
                    if e.consistency is not None:
                        continue
                    if not looked:
                        looked = True
                        for i, t in enumerate(targets[name]):
                            if kind[t] != "store":
                                continue
                            x = out[i]
                            if x.kind in READ_KINDS and x.mode == "sync" and x.consistency in STRONG:
                                strong_store = x
                                break
                    if strong_store is None:
                        continue
                cache = g.comps[e.target]
                assert isinstance(cache, Cache)
                ttl = cache.ttl
                inval = cache.invalidation
                if inval == "write_around":
                    stale = "writes go around it, so entries change only when they expire"
                    stale += f" after {duration(ttl)}" if ttl is not None else ""
                elif ttl is not None:
                    stale = f"it is invalidated only by its TTL of {duration(ttl)}"
                else:
                    stale = "it states neither invalidation nor a TTL, so entries may never change"
                notes = [(cache.span, f"cache `{e.target}`")]
                if e.consistency in STRONG:
                    message = f"`{name}` needs {e.consistency} reads from cache `{e.target}`, but {stale}"
                elif strong_store is not None and e.consistency is None:
                    need = strong_store.consistency
                    message = (
                        f"`{name}` reads cache `{e.target}` beside store `{strong_store.target}`, from which it "
                        f"needs {need} reads, but {stale}"
                    )
                    notes.append((strong_store.span, f"`{name}` needs {need} reads from `{strong_store.target}` here"))
                else:
                    continue
                yield Finding(
                    message=message,
                    at=e.span,
                    path=g.edge_path(e),
                    label=f"invalidation {inval or 'unstated'}",
                    notes=notes,
                    hints=[
                        f"invalidate `{e.target}` on write (`invalidation write_through`, `event` or `explicit`), "
                        "or read the store directly where the latest value matters",
                        f"or state the weaker need: `consistency eventual` on the edge that reads `{e.target}`",
                    ],
                )
