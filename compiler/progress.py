"""A status line for long runs: shown on a terminal once a run has taken a second, never when piped or quiet.

The work runs in the main thread; a daemon thread redraws the line (the current stage and the time so far) four
times a second, so that a single long stage (parsing 10,000 services) still shows that designc is working. The
line is erased before anything else is printed.
"""

from __future__ import annotations

import os
import sys
import threading
import time


class Progress:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.after = float(os.environ.get("DESIGNC_PROGRESS_AFTER", "1.0"))
        self.start = time.monotonic()
        self.message = ""
        self.shown = False
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        if self.enabled:
            self._thread = threading.Thread(target=self._run, name="designc-progress", daemon=True)
            self._thread.start()

    def stage(self, message: str) -> None:
        """What is being done now: "parsing 100 files", "resolving", "analysing"."""
        with self._lock:
            self.message = message

    def _run(self) -> None:
        if self._stop.wait(self.after):
            return
        last = ""
        while True:
            with self._lock:
                if self._stop.is_set():
                    return
                if self.message:
                    line = f"designc: {self.message} ... {time.monotonic() - self.start:.0f} s"
                    if line != last:  # drawn again only when it changes
                        sys.stderr.write(f"\r\x1b[K{line}")
                        sys.stderr.flush()
                        self.shown = True
                        last = line
            if self._stop.wait(0.25 if self.shown else 0.02):
                return

    def done(self) -> None:
        """Stop and erase the line (call before printing the results)."""
        self._stop.set()
        with self._lock:
            if self.shown:
                sys.stderr.write("\r\x1b[K")
                sys.stderr.flush()
                self.shown = False
