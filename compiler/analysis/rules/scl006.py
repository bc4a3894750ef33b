"""SCL006: the writes the flows bring fill a store beyond its stated size.

**What it checks.** A store that states how big its data is (`size`, else its provisioned `storage` per copy,
times its shards), a `record` size, and flows that write to it: the records those writes add over the store's
`retention` (over a year when it states none), against that size. The writes per second are the flows' own at
their average: flows state their rate at peak and a store fills at the average, so they are scaled by the
requirements' `sustained_load / peak_load` (without both, the peak is taken all day and the message says so);
the same figures `designc report` shows under "store growth". Growth within a tenth of the stated size is taken
as the same back-of-envelope figure (a month of 2.5 million seconds, rounded record sizes), not reported.

**Why it matters.** Storage is the capacity that runs out silently: a disk or a table that fills stops taking
writes, and resizing a large relational store takes hours or a migration. The back-of-envelope a reviewer does
first is writes per second x record size x how long records are kept (the System Design Primer's "back-of-the-
envelope calculations"; AWS Well-Architected REL07-BP03, obtain resources for the demand you expect; Azure
RE:06, a capacity plan that covers growth). A design that states 500 GiB while its own rates add 33 TiB has one
figure wrong.

**Example.**

    store orders_db { engine postgres; size 500GiB; record 2KiB; retention 730d }
    flow checkout { rate 280 rps; route [web, api, orders_db]; writes [orders_db] }

**Fix.** State the size the data will reach (and provision for it), keep records for less (`retention`), move
old records to cheaper storage, or correct the record size or the flows' rates if they are wrong.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from ...diagnostics import Severity
from ...model import Store
from ..graph import Graph, duration, rate, size
from ..load import store_growth
from ..rule import Finding, Rule, rule

YEAR = 365 * 86400


def _writable(n: float) -> str:
    """A size as the language writes it, rounded up to a whole unit: `36TiB`."""
    for unit, k in (("PiB", 2**50), ("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20)):
        if n >= k:
            return f"{math.ceil(n / k)}{unit}"
    return f"{math.ceil(n / 2**10)}KiB"


# within a tenth of the stated size is the same back-of-envelope figure (a month of 2.5 million seconds, a year of
# 360 days, a record size rounded): not a contradiction between two of the design's figures
MARGIN = 1.1


@rule
class GrowthAboveSize(Rule):
    code = "SCL006"
    name = "growth-above-stated-size"
    severity = Severity.WARNING
    summary = "the writes the flows bring fill a store beyond its stated size"
    practices = ("REL07-BP03", "RE:06")

    def check(self, g: Graph) -> Iterator[Finding]:
        if not g.demand:
            return
        for name, growth in store_growth(g).items():
            writes, month = growth.average, growth.month
            c = g.comps[name]
            assert isinstance(c, Store)
            if c.size:
                stated, what = float(c.size), f"its stated `size` of {size(c.size)}"
            elif c.storage:
                shards = c.sharding.shards if c.sharding is not None and c.sharding.shards else 1
                stated = float(c.storage) * shards
                what = f"its `storage` of {size(c.storage)}" + (f" x {shards} shards" if shards > 1 else "")
            else:
                continue
            kept = c.retention or YEAR
            over = f"its retention of {duration(c.retention)}" if c.retention else "a year (no `retention` stated)"
            grown = writes * (c.record_size or 0) * kept
            if grown <= stated * MARGIN:
                continue
            writers = [
                fl.flow.name
                for fl in g.flows
                if any(
                    st.target == name
                    and (name in fl.flow.writes or (st.edge is not None and st.edge.kind in ("writes", "publishes")))
                    for st in fl.steps
                )
            ]
            hints = []
            if month and stated / month < 24:
                months = stated / month
                days = math.ceil(months * 30)
                when = f"{months:.1f} months" if months >= 2 else f"about {days} day{'s' if days != 1 else ''}"
                hints.append(f"at that rate it fills {size(stated)} in {when}")
            hints.append(
                f"state the size the data reaches and provision for it (`size {_writable(grown)}`), keep records "
                "for less (`retention`), or move old records to cheaper storage"
            )
            if writers:
                shown = ", ".join(f"`{w}`" for w in writers[:4]) + (" and more" if len(writers) > 4 else "")
                hints.append(f"the writes come from flow{'s' if len(writers) > 1 else ''} {shown}")
            yield Finding(
                message=f"store `{name}` grows by {size(month)} a month ({rate(writes)} of writes"
                + (" on average" if growth.averaged else "")
                + f" x {size(c.record_size or 0)} records"
                + ("" if growth.averaged else ", the peak rate all day: no `sustained_load` stated")
                + f"), {size(grown)} over {over}: more than {what}",
                at=c.span,
                path=g.comp_path(name),
                label=f"{size(grown)} > {size(stated)}",
                hints=hints,
            )
