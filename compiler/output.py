"""Writing generated files: atomically, and only inside the output folder."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


class OutputError(Exception):
    pass


def write_file(path: Path, content: bytes, folders: set[Path] | None = None) -> None:
    """Replace ``path`` with ``content`` atomically: readers see the old file or the new one, never half.
    ``folders`` remembers the folders already made, so that a build of thousands of files makes each once."""
    if folders is None or path.parent not in folders:
        path.parent.mkdir(parents=True, exist_ok=True)
        if folders is not None:
            folders.add(path.parent)
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


def create_file(path: Path, content: bytes) -> None:
    """Write a new file atomically, never replacing one: raises FileExistsError if ``path`` exists, even if it
    appears while the content is written (the temporary file is linked into place, which fails if it does)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content)
        os.chmod(tmp, 0o644)
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links: create it exclusively instead
            with open(path, "xb") as f:
                f.write(content)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


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
    folders: set[Path] = set()
    try:
        for dest, content, _ in targets:
            write_file(dest, content, folders)
    except OSError as e:
        raise OutputError(f"cannot write to {out}: {e.strerror or e}") from e
    return [shown for _, _, shown in targets]


MANIFEST = ".designc-manifest"


@dataclass
class Plan:
    """What a build would do to the output folder: files to create, to change, to leave, to remove."""

    create: list[str] = field(default_factory=list)
    change: list[str] = field(default_factory=list)
    same: list[str] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)

    @property
    def dirty(self) -> bool:
        return bool(self.create or self.change or self.remove)


def _manifest(out: Path) -> dict[str, list[str]]:
    """Which files each target wrote last time, by target (the manifest at the output folder's top)."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: [x for x in v if isinstance(x, str)] for k, v in data.items() if isinstance(v, list)}


def plan(out: Path, files: dict[str, bytes], owners: dict[str, list[str]]) -> Plan:
    """Compare the files a build makes with the output folder. ``owners`` maps each target of the build to the
    files it makes; a file an earlier build of the same target made and this one does not is to be removed."""
    p = Plan()
    for rel in sorted(files):
        dest = out / rel
        try:
            old = dest.read_bytes()
        except FileNotFoundError:
            p.create.append(rel)
            continue
        except OSError:
            p.change.append(rel)
            continue
        (p.same if old == files[rel] else p.change).append(rel)
    before = _manifest(out)
    stale: set[str] = set()
    for target in owners:
        stale |= set(before.get(target, [])) - set(files)
    for target, made in before.items():  # a file another target still claims is not stale
        if target not in owners:
            stale -= set(made)
    p.remove = sorted(x for x in stale if _inside(out, x) and (out / x).is_file())
    return p


def _inside(out: Path, rel: str) -> bool:
    p = Path(rel)
    if p.is_absolute() or ".." in p.parts:
        return False
    try:
        (out.resolve() / p).resolve().relative_to(out.resolve())
    except ValueError:
        return False
    return True


def apply(out: Path, files: dict[str, bytes], owners: dict[str, list[str]], p: Plan) -> None:
    """Carry out a plan: write new and changed files atomically, remove stale ones, and record which target made
    which files. Unchanged files are left alone (their times too)."""
    write_tree(out, {rel: files[rel] for rel in [*p.create, *p.change]})
    for rel in p.remove:
        with contextlib.suppress(FileNotFoundError):
            (out / rel).unlink()
        parent = (out / rel).parent
        while parent != out and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
    manifest = _manifest(out)
    for target, made in owners.items():
        manifest[target] = sorted(made)
    try:
        write_file(out / MANIFEST, (json.dumps(dict(sorted(manifest.items())), indent=1) + "\n").encode("utf-8"))
    except OSError as e:
        raise OutputError(f"cannot write to {out}: {e.strerror or e}") from e
