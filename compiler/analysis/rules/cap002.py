"""CAP002: a quorum too small for the strong consistency the store promises.

**What it checks.** A store (or cache) whose `consistency` is `linearizable`, `strong` or `sequential` and whose
`replication` is `quorum`:

* R + W must be more than N, or a read can miss the latest acknowledged write;
* W must be more than N / 2, or two concurrent writes can both be acknowledged by disjoint sets of replicas;
* N, R and W must be declared: without them the promise cannot be checked. designc does not guess them; it
  reports what to declare (with this rule's severity: a finding cannot carry a severity of its own). N is `n`,
  or `replicas` when `n` is absent (both count the copies of the data).

Each problem is its own finding, so that fixing one does not move the other's fingerprint.

**Why it matters.** "Setting R and W such that R + W > N yields a quorum-like system": only then does every read
quorum overlap every write quorum (DeCandia et al., "Dynamo: Amazon's Highly Available Key-value Store",
SOSP 2007, section 4.5). With R + W <= N a read can be served entirely by replicas that missed the last write;
with W <= N / 2 two writers can each reach a write quorum without seeing the other, and the copies diverge.
The common configuration is (N, R, W) = (3, 2, 2). Sloppy quorums with hinted handoff weaken even that.

**Example.**

    store history { engine cassandra; consistency strong; replication quorum { n 3; r 1; w 1 } }

**Fix.** Choose R and W so that R + W > N and W > N / 2 (`replication quorum { n 3; r 2; w 2 }`), or state the
consistency the store really offers (`consistency eventual`).
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ..graph import STRONG, Graph, consistency_of, joined, replication_of
from ..rule import Finding, Rule, rule


@rule
class QuorumTooSmall(Rule):
    code = "CAP002"
    name = "quorum-too-small-for-consistency"
    severity = Severity.ERROR
    summary = "strong consistency promised over a quorum where R + W <= N or W <= N/2"
    practices = ("REL13-BP02",)

    def check(self, g: Graph) -> Iterator[Finding]:
        for name, c in g.comps.items():
            consistency = consistency_of(c)
            rep = replication_of(c)
            if consistency not in STRONG or rep is None or isinstance(rep, int) or rep.mode != "quorum":
                continue
            n = rep.n if rep.n is not None else rep.replicas
            what = f"{c.kind} `{name}`"
            missing = [k for k, v in (("n", n), ("r", rep.r), ("w", rep.w)) if v is None]
            if missing:
                size = n or 3
                suggest = {"n": size, "r": rep.r or size // 2 + 1, "w": rep.w or size // 2 + 1}
                declare = "; ".join(f"{k} {suggest[k]}" for k in ("n", "r", "w"))
                yield Finding(
                    message=(
                        f"{what} promises {consistency} consistency over a quorum but does not declare "
                        f"{joined(missing, 'or')}, so the promise cannot be checked"
                    ),
                    at=c.span,
                    path=f"{g.comp_path(name)}/quorum:undeclared",
                    label=f"{consistency}, quorum without {joined(missing, 'or')}",
                    severity=Severity.INFO,  # a gap in what the design says, not a contradiction
                    hints=[
                        f"declare the quorum: `replication quorum {{ {declare} }}` (R + W > N and W > N/2)",
                    ],
                )
                continue
            r, w = rep.r or 0, rep.w or 0
            n = n or 0
            if r + w <= n:
                yield Finding(
                    message=(
                        f"{what} promises {consistency} consistency but its read and write quorums need not "
                        f"overlap: R + W = {r + w} is not more than N = {n}"
                    ),
                    at=c.span,
                    path=f"{g.comp_path(name)}/quorum:read-write",
                    label=f"N = {n}, R = {r}, W = {w}",
                    hints=[
                        f"raise R or W so that R + W > {n}: `replication quorum {{ n {n}; r {n // 2 + 1}; "
                        f"w {n // 2 + 1} }}`",
                        f"or state what it offers: `consistency eventual` on `{name}`",
                    ],
                )
            if 2 * w <= n:
                yield Finding(
                    message=(
                        f"{what} promises {consistency} consistency but two concurrent writes can both succeed: "
                        f"W = {w} is not more than half of N = {n}"
                    ),
                    at=c.span,
                    path=f"{g.comp_path(name)}/quorum:write-write",
                    label=f"N = {n}, W = {w}",
                    hints=[
                        f"raise W to a majority: `w {n // 2 + 1}` with `n {n}`",
                        f"or state what it offers: `consistency eventual` on `{name}`",
                    ],
                )
