"""The rules of a large design run on two cores.

The rules are independent of one another: each reads the graph and its indexes (worked out when first asked
for, and kept) and yields findings. For a large design this process forks once, after the graph is built; both
processes then take rules from one queue (a pipe holding one record per rule: a read takes a whole record, so
each rule is taken exactly once) until it is empty. The forked process sends its diagnostics back pickled, by
rule; the caller puts every rule's diagnostics in code order, so the output is the same byte for byte whichever
process ran which rule, and whether the fork happened at all.

Each process works out the indexes its own rules ask for. Working them out in this process before forking was
tried and is slower: both processes then touch the same objects' reference counts, and the copying of every
touched page costs more than the second core saves. Nothing is forked on a machine with no processor to spare
(`designc.processors`), and if the forked process fails in any way (the fork refused, the process killed, a
result that does not pickle), the rules it did not report are run here: a failure costs time, never a finding.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from typing import TypeVar

from .. import processors

T = TypeVar("T")

# Below this many components a design's rules take a tenth of a second: forking and sending the findings back
# would cost what the second core saves.
MIN_COMPONENTS = 2_000

# The order the rules are taken in: an order only (the results never depend on it; a rule missing here is taken
# after these, in code order). The longest first, so that neither process waits long for the other at the end,
# and grouped by the indexes they work out, so that each process works out few of them twice. LAT001 (0.8 s
# alone at 10,000 services) works out the flows' budgets, the closure and the chains; while one process runs it,
# the other takes the rules that need what depends on what (`needed_by`), then those that make many findings;
# the rules that need the chains or the budgets come last, when the process that ran LAT001 is likely free to
# take them. The rules of 10,000 services: 1.80 s in one process, 1.16 s in two (1.26 s longest first without
# the grouping; medians of 6 runs on an idle 2-core machine).
ORDER = (
    "LAT001",
    "SPOF002",
    "SPOF001",
    "SPOF003",
    "SCL001",
    "SCL004",
    "OPS004",
    "OPS005",
    "SCL002",
    "SCL003",
    "SPOF006",
    "AVL002",
    "CAP003",
    "SEC007",
    "SEC006",
    "CYC001",
    "CBR001",
    "TMO001",
    "SCL007",
    "SCL006",
    "TMO002",
    "TMO003",
    "AVL001",
    "LAT002",
    "RTY001",
)

_RECORD = 2  # bytes per rule in the queue


def run(jobs: list[str], work: Callable[[str], T], size: int) -> dict[str, T]:
    """Every job's result, by job: ``work(job)`` run in two processes when ``size`` (the design's components)
    is at least `MIN_COMPONENTS` and a second processor is idle (`processors.core_to_spare`), else here, one job
    after another."""
    results: dict[str, T] = {}
    if size >= MIN_COMPONENTS and len(jobs) > 1 and processors.core_to_spare():
        results = _forked(jobs, work)
    for job in jobs:
        if job not in results:
            results[job] = work(job)
    return results


def _forked(jobs: list[str], work: Callable[[str], T]) -> dict[str, T]:
    """The results of the jobs both processes ran, those of the forked one included when it reported them; a job
    it took and did not report is missing (the caller runs it)."""
    import pickle

    order = [j for j in ORDER if j in jobs] + [j for j in jobs if j not in ORDER]
    if len(order) >= 1 << (8 * _RECORD) or len(order) * _RECORD > 4096:  # the queue is written in one piece
        return {}
    queue_r, queue_w = os.pipe()
    os.write(queue_w, b"".join(i.to_bytes(_RECORD, "big") for i in range(len(order))))
    os.close(queue_w)
    back_r, back_w = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        for fd in (queue_r, back_r, back_w):
            os.close(fd)
        return {}
    if pid == 0:  # the forked process: take rules, send their results, leave without the parent's exit handlers
        code = 1
        try:
            os.close(back_r)
            done = _take(queue_r, order, work)
            with os.fdopen(back_w, "wb") as out:
                pickle.dump(done, out, protocol=pickle.HIGHEST_PROTOCOL)
            code = 0
        finally:
            os._exit(code)
    os.close(back_w)
    back = os.fdopen(back_r, "rb")
    theirs: object = None
    try:
        results = _take(queue_r, order, work)
        # read as it comes: the whole pickle held at once took 10 MiB more at the peak (17,493 findings)
        with contextlib.suppress(Exception):
            theirs = pickle.load(back)
    finally:
        back.close()  # first: a forked process still writing gets an error and ends, rather than wait forever
        os.close(queue_r)
        _, status = os.waitpid(pid, 0)
    if status == 0 and isinstance(theirs, dict):
        results.update((j, r) for j, r in theirs.items() if j in jobs and j not in results)
    return results


def _take(queue: int, order: list[str], work: Callable[[str], T]) -> dict[str, T]:
    """Run the jobs this process takes from the queue until it is empty."""
    done: dict[str, T] = {}
    while len(record := os.read(queue, _RECORD)) == _RECORD:
        job = order[int.from_bytes(record, "big")]
        done[job] = work(job)
    return done
