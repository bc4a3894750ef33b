"""The processors designc may use, and whether one is idle: for the work split between two processes (a large
file's parse, a large design's rules) and the parse of many files on every core."""

from __future__ import annotations

import os


def cores() -> int:
    """The processors this process may run on (the loader parses many files on as many)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def core_to_spare() -> bool:
    """Whether a second process would have a processor to itself now: this process may run on two or more, and
    fewer other processes are running than that. On a busy machine a second process only takes turns with the
    others, and the work of splitting (forking, pickling, and each process working out what both need) makes the
    whole slower than doing it here: 10,000 services' rules took 3.4 s instead of 2.0 s on two cores while
    another process kept one busy. Linux says how many are running at this moment (`/proc/loadavg`, this one
    included); elsewhere the load of the last minute stands in."""
    n = cores()
    if n < 2 or not hasattr(os, "fork"):
        return False
    try:
        with open("/proc/loadavg", "rb") as f:
            running = int(f.read().split()[3].split(b"/")[0]) - 1
    except (OSError, ValueError, IndexError):
        try:
            running = int(os.getloadavg()[0] + 0.5)
        except (AttributeError, OSError):
            return True
    return running < n - 1
