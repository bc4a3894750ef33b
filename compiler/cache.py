"""Parsed files cached by content, so that checking a large design again re-parses only what changed.

A file's syntax tree is stored under the SHA-256 of its text together with what the tree depends on (the
grammar, the parser and syntax-tree modules, designc's version, Python's version), in the user's cache
directory: ``$DESIGNC_CACHE_DIR``, else ``$XDG_CACHE_HOME/designc``, ``~/Library/Caches/designc`` on macOS,
``%LOCALAPPDATA%\\designc\\Cache`` on Windows, ``~/.cache/designc`` elsewhere. Only trees that parsed cleanly are
stored; a syntax error is found again each time (it is cheap, and its message may improve).

Safe under concurrent runs (each entry is written to a temporary file and renamed into place, and an entry that
cannot be read is treated as missing) and across versions (the key changes with them). Entries unused for 30 days
are removed, looked for at most once a day. ``designc check --no-cache`` (or ``DESIGNC_NO_CACHE=1``) neither reads
nor writes it. The entries are Python pickles: the directory is the user's own, like Python's ``__pycache__``.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path

from .ast import Source, Stmt

FORMAT = 1
KINDS = ("parsed", "resolved")  # the cache's namespaces: syntax trees, and files' resolved components (resolve.py)
MAX_AGE = 30 * 86400
_key_prefix: bytes | None = None


def directory() -> Path:
    explicit = os.environ.get("DESIGNC_CACHE_DIR")
    if explicit:
        return Path(explicit)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        if base:
            return Path(base) / "designc" / "Cache"
    elif sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "designc"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "designc"


def enabled_by_default() -> bool:
    return os.environ.get("DESIGNC_NO_CACHE", "") in ("", "0")


def _prefix() -> bytes:
    """What every key starts with: whatever a cached tree depends on besides the file's text."""
    global _key_prefix
    if _key_prefix is None:
        import hashlib
        from importlib.resources import files

        from . import __version__

        h = hashlib.sha256(f"designc-parse {FORMAT} {__version__} {sys.version}".encode())
        here = Path(__file__).parent
        for name in ("ast.py", "parser.py"):
            h.update((here / name).read_bytes())
        h.update(files("designc.grammar").joinpath("design.lark").read_bytes())
        _key_prefix = h.digest()
    return _key_prefix


class ParseCache:
    def __init__(self, root: Path | None = None) -> None:
        self.root = root or directory()
        self.hits = 0
        self.writes = 0
        self._broken = False

    def key(self, text: str) -> str:
        import hashlib

        return hashlib.sha256(_prefix() + text.encode("utf-8", "surrogatepass")).hexdigest()

    def _path(self, key: str, kind: str = "parsed") -> Path:
        return self.root / kind / key[:2] / key[2:]

    def get_bytes(self, key: str, kind: str) -> bytes | None:
        """An entry's bytes, its use recorded (for pruning); None when there is none or it cannot be read."""
        path = self._path(key, kind)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        with contextlib.suppress(OSError):
            os.utime(path)
        return data

    def get(self, key: str, text: str, path: str) -> list[Stmt] | None:
        """The cached statements of ``text``, bound to ``path``; None when not cached or unreadable."""
        try:
            data = self._path(key).read_bytes()
        except OSError:
            return None
        stmts = loads(data, text, path)
        if stmts is not None:
            self.hits += 1
        return stmts

    def put(self, key: str, src: Source, stmts: list[Stmt]) -> None:
        """Store a parsed file's statements. Failing to write (a read-only home, a full disk) is not an error."""
        if not self._broken:
            try:
                data = dumps(src, stmts)
            except (RecursionError, ValueError):
                return
            self.put_bytes(key, data)

    def put_bytes(self, key: str, data: bytes, kind: str = "parsed") -> None:
        if self._broken:
            return
        import tempfile

        target = self._path(key, kind)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            self._broken = True
            return
        self.writes += 1

    def prune(self, now: float | None = None) -> int:
        """Remove entries not used for 30 days, at most once a day. Returns how many were removed."""
        now = time.time() if now is None else now
        stamp = self.root / "parsed" / ".pruned"
        try:
            if now - stamp.stat().st_mtime < 86400:
                return 0
        except OSError:
            pass
        removed = 0
        try:
            stamp.parent.mkdir(parents=True, exist_ok=True)
            stamp.touch()
            for kind in KINDS:
                if not (self.root / kind).is_dir():
                    continue
                for sub in (self.root / kind).iterdir():
                    if not sub.is_dir():
                        continue
                    for entry in sub.iterdir():
                        try:
                            if now - entry.stat().st_mtime > MAX_AGE:
                                entry.unlink()
                                removed += 1
                        except OSError:
                            continue
        except OSError:
            return removed
        return removed


def dumps(src: Source, stmts: list[Stmt]) -> bytes:
    import pickle

    return pickle.dumps((src, stmts), protocol=pickle.HIGHEST_PROTOCOL)


def loads(data: bytes, text: str, path: str) -> list[Stmt] | None:
    """Statements from `dumps`, bound to the file's text and name; None for anything else."""
    import gc
    import pickle

    enabled = gc.isenabled()
    gc.disable()  # a tree is many small objects and no cycles: collecting while loading them only costs (10x)
    try:
        src, stmts = pickle.loads(data)
    except Exception:  # a damaged or foreign entry is a miss, never an error
        return None
    finally:
        if enabled:
            gc.enable()
    if not isinstance(src, Source) or not isinstance(stmts, list):
        return None
    src.path = path
    src.text = text
    return stmts


def touch(cache: ParseCache, key: str) -> None:
    """Mark an entry as used (its modification time), so pruning keeps it."""
    with contextlib.suppress(OSError):
        os.utime(cache._path(key))
