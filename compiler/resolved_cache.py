"""Each file's resolved components cached by content, so that checking a large design again after one file was
edited resolves only that file.

An entry holds what resolving one file's components produced: each component's model object, its edges, and the
references it makes (checked again on every run, as every name in the design may have changed). It is keyed by
the SHA-256 of the file's text and path together with everything else a component's resolution reads: every
definition, engine and region of the design (kind, name, file, line and text: a component takes statements from
its definitions and says where it took them from; a placement is checked against its region's zones), designc's
version and the source of the modules that resolve and build the model. A file is stored only when resolving it
gave no diagnostic at all, so a cached file never hides one.

The entries live in the parse cache's directory (`cache.py`: same safety under concurrent runs, same pruning,
same `--no-cache`), and only a design of many components uses them (`MIN_COMPONENTS`): for a small one, reading
them costs about what resolving does. They are written by a forked process while the check goes on
(`write_in_background`), so a cold run does not wait for them.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .ast import SourceFile
    from .cache import ParseCache

FORMAT = 1
KIND = "resolved"
MIN_COMPONENTS = 1000  # a design with fewer components is resolved afresh every time
_MODULES = ("ast.py", "model.py", "resolve.py", "resolved_cache.py", "schema.py", "values.py")
_prefix: bytes | None = None


def _code_prefix() -> bytes:
    """What every key starts with: the format, designc's and Python's versions, and the resolving code itself."""
    global _prefix
    if _prefix is None:
        import hashlib

        from . import __version__

        h = hashlib.sha256(f"designc-resolved {FORMAT} {__version__} {sys.version}".encode())
        here = Path(__file__).parent
        for name in _MODULES:
            h.update((here / name).read_bytes())
        _prefix = h.digest()
    return _prefix


class ResolvedCache:
    """One design's use of the cache: the entries found, and those to write once the design is resolved."""

    def __init__(self, cache: ParseCache) -> None:
        self.cache = cache
        self.hits = 0  # files whose components came from the cache
        self.pending: list[tuple[str, Any]] = []  # (key, what to pickle) for the files resolved in this run
        self.defaulted: list[Any] = []  # edges whose protocol the resolver filled in from their target's

    def key(self, context: bytes, f: SourceFile, model_path: str) -> str:
        import hashlib

        h = hashlib.sha256(_code_prefix())
        h.update(context)
        h.update(f"{f.path}\0{model_path}\0".encode("utf-8", "surrogatepass"))
        h.update(f.text.encode("utf-8", "surrogatepass"))
        return h.hexdigest()

    def get(self, key: str) -> Any:
        """An entry as stored, or None when there is none or it cannot be read (a damaged entry is a miss)."""
        data = self.cache.get_bytes(key, KIND)
        if data is None:
            return None
        import pickle

        try:
            entry = pickle.loads(data)
        except Exception:
            return None
        return entry if isinstance(entry, dict) else None

    def write(self) -> None:
        """Store the pending entries. Each edge is stored as resolved, before its protocol was filled in from its
        target's (the target may be in another file, which may change); the protocols are put back after."""
        import pickle

        filled = [(e, e.__dict__.pop("protocol")) for e in self.defaulted if "protocol" in e.__dict__]
        try:
            for key, payload in self.pending:
                try:
                    data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
                except (RecursionError, ValueError, TypeError, pickle.PicklingError):
                    continue
                self.cache.put_bytes(key, data, KIND)
        finally:
            for e, protocol in filled:
                e.__dict__["protocol"] = protocol


def write_in_background(rc: ResolvedCache) -> int | None:
    """Write ``rc``'s entries from a forked process, so that the check goes on meanwhile; returns its process id
    (to wait for before exiting), or None when they were written here (no fork on this platform)."""
    if not rc.pending:
        return None
    if not hasattr(os, "fork"):
        rc.write()
        return None
    try:
        pid = os.fork()
    except OSError:
        return None  # no process to spare: the next run resolves these files again
    if pid == 0:  # the child: write, and leave without running the parent's exit handlers or flushing its output
        code = 0
        try:
            rc.write()
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    return pid


def wait(pid: int | None) -> None:
    if pid is not None:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
