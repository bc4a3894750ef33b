"""Files to designs: which files form a design, reading them safely, and following imports.

A design is a set of files resolved together into one model:

* a directory whose `*.design` files declare one `system` between them is one design: all its files;
* a directory with several `system` files holds several designs: each system file with what it imports;
* files that declare no system (and are imported by none) are checked as libraries of definitions.

`import "path"` is relative to the importing file and may not leave the design's root (the directory given on
the command line, a file's own directory, or `--root`). `import "stdlib/NAME"` reads the packaged standard
library. Every design also sees `stdlib/prelude` (the engines) without importing it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .ast import SourceFile, Span, Stmt, Str
from .cache import ParseCache, dumps, loads, touch
from .diagnostics import (
    EMPTY_FILE,
    IMPORT_CYCLE,
    IMPORT_ESCAPES,
    IMPORT_NOT_FOUND,
    INTERNAL,
    NOT_TEXT,
    TOO_LARGE,
    UNREADABLE,
    WRONG_ARITY,
    Diagnostic,
    diag,
)
from .parser import parse
from .processors import cores
from .values import suggest

MAX_BYTES = 64 * 2**20
# below this much text to parse, worker processes cost more than they save
PARALLEL_BYTES = 1_000_000
# a file parsed in this process is stored in the parse cache only below this size: storing costs about a quarter
# of parsing, which a run should not pay for a large file that will likely be edited before it is read again
# (files parsed by worker processes are stored by them, at no cost to the run)
SERIAL_CACHE_BYTES = 1_000_000
STDLIB_PREFIX = "<stdlib>/"
SKIP_DIRS = {"node_modules", "__pycache__", "venv", ".venv", "build", "dist", "site-packages"}


class UsageError(Exception):
    """A problem with the command line itself (a missing path): exit code 2."""


@dataclass
class Unit:
    """One design: its root folder and the files that start it."""

    root: Path
    entries: list[Path]


@dataclass
class LoadedDesign:
    unit: Unit
    files: list[SourceFile] = field(default_factory=list)
    stdlib: list[SourceFile] = field(default_factory=list)
    failed: bool = False
    _paths: dict[str, str] = field(default_factory=dict, repr=False)

    def model_path(self, display: str) -> str:
        """A file's name in the model: relative to the design's root, so the model does not depend on where
        designc runs."""
        cached = self._paths.get(display)
        if cached is not None:
            return cached
        if display.startswith(STDLIB_PREFIX):
            out = "stdlib/" + display[len(STDLIB_PREFIX) :]
        else:
            try:
                out = Path(os.path.abspath(display)).relative_to(self.unit.root.resolve()).as_posix()
            except ValueError:
                out = Path(display).as_posix()
        self._paths[display] = out
        return out


def display_path(p: Path) -> str:
    """How a file is named in messages: relative to the working directory when it lies below it."""
    a = Path(os.path.abspath(p))
    try:
        return a.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return a.as_posix()


def _zero_span(path: str) -> Span:
    return Span(path, 1, 1, 1, 1)


def decode(data: bytes, path: str) -> tuple[str | None, Diagnostic | None]:
    """Bytes to text, or a diagnostic saying where the bytes stop being UTF-8 text."""
    if len(data) > MAX_BYTES:
        return None, diag(
            TOO_LARGE,
            f"the file is {len(data) / 2**20:.0f} MiB; designc reads at most 64 MiB",
            _zero_span(path),
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        prefix = data[: e.start].decode("utf-8", errors="replace")
        line = prefix.count("\n") + 1
        col = len(prefix) - (prefix.rfind("\n") + 1) + 1
        return None, diag(
            NOT_TEXT,
            f"the file is not UTF-8 text: byte 0x{data[e.start]:02X} cannot start a character",
            Span(path, line, col, line, col + 1),
            label="invalid byte",
            hints=["design files are UTF-8 text; is this a binary file, or saved in another encoding?"],
        )
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        col = nul - (text.rfind("\n", 0, nul) + 1) + 1
        return None, diag(
            NOT_TEXT,
            "the file contains a NUL byte: it looks like a binary file",
            Span(path, line, col, line, col + 1),
            label="NUL byte",
        )
    return text, None


class Loader:
    """Reads and parses each file once, however many designs include it."""

    def __init__(self, cache: ParseCache | None = None, stdin: tuple[Path, bytes] | None = None) -> None:
        # standard input and the path it stands for (`designc check --stdin-filename PATH -`): that path is read
        # from these bytes, whether or not a file of that name exists
        self.stdin = (str(Path(os.path.abspath(stdin[0]))), stdin[1]) if stdin is not None else None
        self.parsed: dict[str, SourceFile | None] = {}
        self.texts: dict[str, str] = {}
        self.diagnostics: list[Diagnostic] = []
        self._reported: set[str] = set()
        self.cache = cache
        # files parsed ahead (by `prefetch`, on every core), waiting for `read` to take them
        self._ready: dict[str, tuple[bytes, SourceFile | None, list[Diagnostic]]] = {}

    # --- reading ------------------------------------------------------------------------------------------------

    def read(self, path: Path) -> SourceFile | None:
        key = str(Path(os.path.abspath(path)))
        if key in self.parsed:
            return self.parsed[key]
        shown = display_path(path)
        sf: SourceFile | None = None
        try:
            data = self.stdin[1] if self.stdin is not None and key == self.stdin[0] else path.read_bytes()
        except OSError as e:
            self._report(diag(UNREADABLE, f"cannot read the file: {e.strerror or e}", _zero_span(shown)))
        else:
            ready = self._ready.pop(key, None)
            if ready is not None and ready[0] == data:
                self.texts[shown] = ready[1].text if ready[1] is not None else data.decode("utf-8", "replace")
                sf = self._accept(ready[1], ready[2], shown)
            else:
                sf = self._parse_bytes(data, shown)
        self.parsed[key] = sf
        return sf

    def prefetch(self, paths: list[Path]) -> None:
        """Parse many files ahead, on every core, when there is enough text to be worth it (a large design split
        over many files). `read` then takes the results; what it would report is unchanged."""
        todo: list[tuple[str, str, bytes, str, str]] = []
        size = 0
        for path in paths:
            key = str(Path(os.path.abspath(path)))
            if key in self.parsed or key in self._ready:
                continue
            try:
                data = path.read_bytes()
            except OSError:
                continue
            shown = display_path(path)
            text, problem = decode(data, shown)
            if text is None or problem is not None:
                continue
            ckey = ""
            if self.cache is not None:
                ckey = self.cache.key(text)
                cached = self.cache.get(ckey, text, shown)
                if cached is not None:  # cheaper than parsing anywhere
                    touch(self.cache, ckey)
                    src = cached[0].src if cached else None
                    self._ready[key] = (data, SourceFile(shown, text, cached, src), [])
                    continue
            todo.append((key, shown, data, text, ckey))
            size += len(data)
        workers = min(cores(), len(todo))
        if workers < 2 or size < PARALLEL_BYTES:
            return
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        try:
            context = multiprocessing.get_context("fork")
        except ValueError:  # no fork on this platform: parse in this process as files are read
            return
        todo.sort(key=lambda t: -len(t[2]))  # largest first, so that no worker is left with a big file at the end
        root = str(self.cache.root) if self.cache is not None else None
        try:
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                results = list(pool.map(_parse_worker, [(t[3], t[1], root, t[4]) for t in todo]))
        except Exception:  # a pool that cannot start (no /dev/shm, a sandbox): parse as files are read
            return
        for (key, shown, data, text, _), (pickled, diags) in zip(todo, results, strict=True):
            sf = None
            if pickled is not None:
                stmts = loads(pickled, text, shown)
                if stmts is None:
                    continue
                sf = SourceFile(shown, text, stmts, stmts[0].src if stmts else None)
            self._ready[key] = (data, sf, diags)

    def read_stdlib(self, name: str) -> SourceFile | None:
        key = STDLIB_PREFIX + name
        if key in self.parsed:
            return self.parsed[key]
        from importlib.resources import files

        data = files("designc.stdlib").joinpath(name).read_bytes()
        sf = self._parse_bytes(data, key)
        self.parsed[key] = sf
        return sf

    def _parse_bytes(self, data: bytes, shown: str) -> SourceFile | None:
        text, problem = decode(data, shown)
        if problem is not None:
            self._report(problem)
            return None
        assert text is not None
        self.texts[shown] = text
        cache, key = self.cache, ""
        if cache is not None:
            key = cache.key(text)
            cached = cache.get(key, text, shown)
            if cached is not None:
                touch(cache, key)
                return self._accept(SourceFile(shown, text, cached, cached[0].src if cached else None), [], shown)
        try:
            sf, diags = parse(text, shown)
        except Exception as e:  # a bug in designc: report it as one, at the file, and carry on
            self._report(
                diag(
                    INTERNAL,
                    f"designc failed while parsing this file: {type(e).__name__}: {e}",
                    _zero_span(shown),
                    hints=["this is a bug in designc; please report it with the file that triggers it"],
                )
            )
            return None
        if sf is not None and cache is not None and len(text) < SERIAL_CACHE_BYTES:
            cache.put(key, sf.source, sf.stmts)
        return self._accept(sf, diags, shown)

    def _accept(self, sf: SourceFile | None, diags: list[Diagnostic], shown: str) -> SourceFile | None:
        """Report a parsed file's diagnostics; an empty file is one too."""
        for d in diags:
            self._report(d)
        if sf is not None and not sf.stmts:
            self._report(
                diag(
                    EMPTY_FILE,
                    "the file has no statements",
                    _zero_span(shown),
                    hints=["a design file holds declarations such as `system`, `service` or `define`"],
                )
            )
            return None
        return sf

    def _report(self, d: Diagnostic) -> None:
        self.diagnostics.append(d)

    # --- grouping files into designs ----------------------------------------------------------------------------

    def units(self, paths: list[Path], root: Path | None, skip: Skip | None = None) -> list[Unit]:
        """Group the command line's paths into designs: a file is a design with what it imports; a folder is
        searched (leaving out what ``skip`` excludes), and each folder below it grouped as the module docstring
        says."""
        units: list[Unit] = []
        seen: set[tuple[Path, ...]] = set()
        self.prefetch([p for p in paths if p.is_file()])
        for p in paths:
            from_stdin = self.stdin is not None and str(Path(os.path.abspath(p))) == self.stdin[0]
            if not from_stdin and not p.exists():
                raise UsageError(f"no such file or directory: {p}")
            if p.is_dir() and not from_stdin:
                found = _walk(p, skip)
                self.prefetch(found)
                by_dir: dict[Path, list[Path]] = {}
                for f in found:
                    by_dir.setdefault(f.parent, []).append(f)
                found_units = [u for d in sorted(by_dir) for u in self._dir_units(by_dir[d], root or p)]
            else:
                found_units = [Unit(root or p.parent, [p])]
            for u in found_units:
                key = tuple(e.resolve() for e in u.entries)
                if key not in seen:
                    seen.add(key)
                    units.append(u)
        return units

    def _dir_units(self, files: list[Path], root: Path) -> list[Unit]:
        systems = [f for f in files if _declares_system(self.read(f))]
        if len(systems) <= 1:
            return [Unit(root, files)] if systems else [Unit(root, [f]) for f in files]
        units = [Unit(root, [f]) for f in systems]
        imported: set[Path] = set()
        for u in units:
            imported |= self._closure(u.entries[0], root)
        units += [Unit(root, [f]) for f in files if f not in systems and f.resolve() not in imported]
        return units

    def _closure(self, entry: Path, root: Path) -> set[Path]:
        loaded = LoadedDesign(Unit(root, [entry]))
        self._follow(loaded, report=False)
        out = set()
        for f in loaded.files:
            if not f.path.startswith(STDLIB_PREFIX):
                out.add(Path(os.path.abspath(f.path)).resolve())
        return out

    # --- loading a design ------------------------------------------------------------------------------------------

    def load(self, unit: Unit) -> LoadedDesign:
        loaded = LoadedDesign(unit)
        self._follow(loaded, report=True)
        return loaded

    def _follow(self, loaded: LoadedDesign, report: bool) -> None:
        unit = loaded.unit
        root = unit.root.resolve()
        order: list[str] = []
        files: dict[str, SourceFile] = {}
        stdlib: dict[str, SourceFile] = {}
        state: dict[str, int] = {}  # 1: being visited, 2: done
        problems: list[Diagnostic] = []
        failed = False

        def visit(key: str, sf: SourceFile, stack: list[str]) -> None:
            nonlocal failed
            state[key] = 1
            for stmt in sf.stmts:
                if stmt.key != "import":
                    continue
                target = self._import_target(stmt, sf, root, problems)
                if target is None or target[1] is None:
                    failed = True
                    continue
                tkey, tsf = target
                if state.get(tkey) == 1:
                    chain = [*stack, key, tkey]
                    names = " → ".join(loaded.model_path(k) for k in chain[chain.index(tkey) :])
                    problems.append(
                        diag(
                            IMPORT_CYCLE,
                            f"import cycle: {names}",
                            stmt.span,
                            label="this import closes the cycle",
                            hints=["move what both files need into a third file that each imports"],
                        )
                    )
                    continue
                if state.get(tkey) != 2:
                    visit(tkey, tsf, [*stack, key])
            state[key] = 2
            if key.startswith(STDLIB_PREFIX):
                stdlib[key] = sf
            else:
                files[key] = sf
                order.append(key)

        prelude = self.read_stdlib("prelude.design")
        if prelude is not None:
            visit(STDLIB_PREFIX + "prelude.design", prelude, [])
        for e in unit.entries:
            sf = self.read(e)
            if sf is None:
                failed = True
            elif state.get(sf.path) is None:
                visit(sf.path, sf, [])
        loaded.files = [files[k] for k in order]
        loaded.stdlib = list(stdlib.values())
        # a file that failed to read, parse or import makes the design incomplete: it is not resolved
        loaded.failed = failed or bool(problems)
        if report:
            for d in problems:
                self._report(d)

    def _import_target(
        self, stmt: Stmt, sf: SourceFile, root: Path, problems: list[Diagnostic]
    ) -> tuple[str, SourceFile | None] | None:
        """The file an import names, read and parsed; None (with a diagnostic) if it cannot be had."""
        if len(stmt.values) != 1 or not isinstance(stmt.values[0], Str) or stmt.block is not None:
            problems.append(
                diag(
                    WRONG_ARITY,
                    "`import` takes one path in quotes",
                    stmt.span,
                    hints=['write it as `import "stdlib/aws"` or `import "common/regions.design"`'],
                )
            )
            return None
        lit = stmt.values[0]
        text = lit.text
        if text.startswith("stdlib/"):
            name = text[len("stdlib/") :]
            if not name.endswith(".design"):
                name += ".design"
            available = _stdlib_names()
            if name not in available:
                close = suggest(name.removesuffix(".design"), [n.removesuffix(".design") for n in available])
                hints = [f'did you mean `"stdlib/{close}"`?'] if close else []
                hints.append("the standard library has " + ", ".join(n.removesuffix(".design") for n in available))
                problems.append(
                    diag(
                        IMPORT_NOT_FOUND,
                        f"the standard library has no `{text}`",
                        lit.span,
                        label="not in the standard library",
                        hints=hints,
                    )
                )
                return None
            return STDLIB_PREFIX + name, self.read_stdlib(name)
        if sf.path.startswith(STDLIB_PREFIX):
            problems.append(
                diag(IMPORT_ESCAPES, "a standard-library file may only import the standard library", lit.span)
            )
            return None
        cand = Path(os.path.abspath(sf.path)).parent / text
        if not cand.exists() and cand.suffix != ".design":
            cand = cand.with_name(cand.name + ".design")
        resolved = Path(os.path.normpath(cand))
        try:
            resolved.resolve().relative_to(root)
        except ValueError:
            problems.append(
                diag(
                    IMPORT_ESCAPES,
                    f"`{text}` lies outside the design's root folder, so it is refused",
                    lit.span,
                    label="leaves the root",
                    hints=[f"the root is {display_path(root)}; move the file inside it, or pass a wider --root"],
                )
            )
            return None
        if not resolved.is_file():
            folder = cand.with_suffix("") if cand.suffix == ".design" and not text.endswith(".design") else cand
            if folder.is_dir():
                inside = sorted(x.name for x in folder.glob("*.design"))
                first = (Path(text) / inside[0]).as_posix() if inside else ""
                hints = [f'name each file: `import "{first}"`'] if inside else ["it holds no `.design` file"]
                problems.append(
                    diag(
                        IMPORT_NOT_FOUND,
                        f"`{text}` is a folder: an import names one file",
                        lit.span,
                        label="a folder",
                        hints=hints,
                    )
                )
                return None
            siblings = [x.name for x in resolved.parent.glob("*.design")] if resolved.parent.is_dir() else []
            close = suggest(resolved.name, siblings)
            hints = [f'did you mean `"{(Path(text).parent / close).as_posix()}"`?'] if close else []
            problems.append(
                diag(
                    IMPORT_NOT_FOUND,
                    f"cannot find `{text}`",
                    lit.span,
                    label="no such file",
                    hints=[*hints, "import paths are relative to this file"],
                )
            )
            return None
        tsf = self.read(resolved)
        return (tsf.path if tsf is not None else display_path(resolved)), tsf


def _parse_worker(job: tuple[str, str, str | None, str]) -> tuple[bytes | None, list[Diagnostic]]:
    """Parse one file in a worker process. Returns its statements pickled (the parent has the text), and stores
    the same bytes in the parse cache when there is one."""
    text, shown, cache_root, key = job
    sf, diags = parse(text, shown)
    if sf is None:
        return None, diags
    data = dumps(sf.source, sf.stmts)
    if cache_root is not None:
        ParseCache(Path(cache_root)).put_bytes(key, data)
    return data, diags


def _stdlib_names() -> list[str]:
    from importlib.resources import files

    return sorted(
        p.name for p in files("designc.stdlib").iterdir() if p.name.endswith(".design") and p.name != "prelude.design"
    )


def _declares_system(sf: SourceFile | None) -> bool:
    return sf is not None and any(s.key == "system" for s in sf.stmts)


Skip = Callable[[Path], bool]  # the configuration's `exclude`: files and folders a walk leaves out


def _walk(top: Path, skip: Skip | None = None) -> list[Path]:
    """The design files below ``top`` (never ``top`` itself excluded: a path named on the command line is
    checked). Raises UsageError when there are none."""
    out: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(top):
        here = Path(dirpath)
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not d.startswith(".") and d not in SKIP_DIRS and not (skip is not None and skip(here / d))
        )
        out.extend(
            here / f for f in sorted(filenames) if f.endswith(".design") and not (skip is not None and skip(here / f))
        )
    if not out:
        left_out = skip is not None and _walk(top)
        raise UsageError(
            f"no *.design files under {top}"
            + (" that the configuration's `exclude` leaves in (a path named here is checked)" if left_out else "")
        )
    return out


def walk_designs(paths: list[Path], skip: Skip | None = None) -> list[Path]:
    """Every design file named or found below ``paths`` (less what ``skip`` excludes from a walk), once each, in
    a stable order."""
    out: list[Path] = []
    seen: set[Path] = set()
    for p in paths:
        if not p.exists():
            raise UsageError(f"no such file or directory: {p}")
        found = _walk(p, skip) if p.is_dir() else [p]
        for f in found:
            r = f.resolve()
            if r not in seen:
                seen.add(r)
                out.append(f)
    return out
