"""Writing generated files: atomically, and only inside the output folder."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


class OutputError(Exception):
    pass


def write_file(path: Path, content: bytes) -> None:
    """Replace ``path`` with ``content`` atomically: readers see the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content)
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_tree(out: Path, files: dict[str, bytes]) -> list[str]:
    """Write ``files`` (relative POSIX paths to contents) below ``out``. Every path is checked before any is
    written, so a bad path leaves the folder as it was. Returns the paths written, in order."""
    base = out.resolve()
    targets: list[tuple[Path, bytes, str]] = []
    for rel in sorted(files):
        p = Path(rel)
        if p.is_absolute() or ".." in p.parts:
            raise OutputError(f"refusing to write {rel}: outside the output folder")
        dest = (base / p).resolve()
        try:
            dest.relative_to(base)
        except ValueError:
            raise OutputError(f"refusing to write {rel}: outside the output folder") from None
        targets.append((dest, files[rel], (out / p).as_posix()))
    try:
        for dest, content, _ in targets:
            write_file(dest, content)
    except OSError as e:
        raise OutputError(f"cannot write to {out}: {e.strerror or e}") from e
    return [shown for _, _, shown in targets]
