"""RTY001: retries multiply along a chain.

**What it checks.** The largest product of attempts (1 + retries) along any synchronous chain that starts at a
component (computed by dynamic programming over the graph), above a limit: {limit} unless the configuration says
otherwise (`[tool.designc.options] retry-limit = 20`). An edge with a `retry_budget` (retries allowed as a share
of requests, as a token bucket keeps them) multiplies by 1 + that share at most instead: `retries 3` with
`retry_budget 10%` is 1.1, not 4.

**Why it matters.** Retries at every layer multiply: five layers with three attempts each send 3^5 = 243 calls
to the bottom for one failing request, a retry storm that keeps an overloaded dependency down (Brooker,
"Timeouts, retries, and backoff with jitter", Amazon Builders' Library; Google SRE book, "Handling
Overload": retry at one layer only). AWS REL05-BP03.

**Example.**

    service a { calls b { retries 3 } }
    service b { calls c { retries 3 } }

**Fix.** Retry at a single layer (usually the one nearest the failure), set `retries 0` elsewhere, and bound
retries with a `retry_budget`.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ..config import OPTIONS
from ..graph import Graph
from ..rule import Finding, Rule, rule

LIMIT = int(OPTIONS["retry-limit"][0])  # the one place the default is written: the configuration's options
__doc__ = (__doc__ or "").replace("{limit}", str(LIMIT))


@rule
class RetryAmplification(Rule):
    code = "RTY001"
    name = "retry-amplification"
    severity = Severity.WARNING
    summary = f"retries multiply along a synchronous chain beyond {LIMIT}x"
    practices = ("REL05-BP03", "RE:07")

    def check(self, g: Graph) -> Iterator[Finding]:
        chains = g.chains
        limit = g.options.get("retry-limit", LIMIT)  # the configuration's, else its default
        for name in g.comps:
            amp = chains[name].amplification
            if amp <= limit:
                continue
            # report at the top of each chain only: a caller whose own amplification is not larger adds nothing
            if any(chains[e.source].amplification >= amp for e in g.inc[name] if e.mode == "sync"):
                continue  # a caller carries the same chain: report it there, once
            shown = f"{amp:.3g}" if amp < 10**6 else "more than a million"
            yield Finding(
                message=f"one request from `{name}` can reach the bottom of its chain {shown} times when it fails "
                f"there (attempts multiply along the chain; limit {limit:g})",
                at=g.comps[name].span,
                path=g.comp_path(name),
                label=f"{shown}x attempts",
                hints=["retry at one layer only (`retries 0` elsewhere), and cap retries with `retry_budget 10%`"],
            )
