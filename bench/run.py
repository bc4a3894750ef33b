"""Time `designc check` as a whole process, cold and warm, and record the figures in BENCHMARKS.md.

    python bench/run.py              # 100, 1,000 and 10,000 services, the 30x30 layers, the payments example,
                                     # and 10,000 services over 100 files, cold and with one file edited
    python bench/run.py --quick      # smaller sizes, for a smoke run
    python bench/run.py --no-write   # print the table only
    python bench/run.py --only split # the cases whose name holds the text, printed only
    python bench/run.py --python ENV/bin/python   # designc as that interpreter has it installed

The figures in BENCHMARKS.md are those of designc as the README installs it (`pip install .` into a fresh
virtual environment), not of a development install: an editable install's import hook costs every start
about 10 ms, and whatever the base interpreter's site-packages runs at start-up (a `.pth` file) is counted too:

    python -m venv /tmp/designc-bench && /tmp/designc-bench/bin/pip install -q . \
        && python bench/run.py --python /tmp/designc-bench/bin/python

The installed copy must be this checkout's code: the run refuses one whose files differ (install it again).

Each case is run several times in fresh processes; the table gives the median wall time and the peak resident
memory of the process. On Linux one more run, not timed, samples the memory of every process of the run together
(designc forks a second one for a large file's parse or a large design's rules, when a core is idle): the most
they held at once, each page shared between them counted once (the sum of their proportional set sizes).

*Cold* runs use no parse cache (`DESIGNC_NO_CACHE=1`), as on a machine's first run; the *warm* case is the one a
large organisation lives in: the design's files are in the cache, one file has been edited since, and `designc
check` runs again. Timing belongs here, never in the tests.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

PYTHON = sys.executable  # the interpreter whose designc is timed (`--python`)

# the installed package's folders and the checkout's folders they are installed from (pyproject.toml)
_PACKAGE_DIRS = {"": "compiler", "targets": "targets", "grammar": "grammar", "stdlib": "stdlib"}


def stale_files(python: str) -> list[str]:
    """The files of ``python``'s installed designc that differ from this checkout's (none for an editable
    install of this checkout)."""
    out = subprocess.run(
        [python, "-c", "import designc, os; print(os.path.dirname(designc.__file__))"],
        capture_output=True,
        text=True,
        check=True,
    )
    installed = Path(out.stdout.strip())
    if installed.resolve() == (ROOT / "compiler").resolve():
        return []
    differ = []
    for sub, source in _PACKAGE_DIRS.items():
        for f in sorted((ROOT / source).rglob("*")):
            if f.is_dir() or "__pycache__" in f.parts or f.suffix not in (".py", ".lark", ".design", ".j2", ".html"):
                continue
            rel = f.relative_to(ROOT / source)
            if source == "compiler" and rel.parts[0] in _PACKAGE_DIRS.values():
                continue
            twin = installed / sub / rel
            if not twin.exists() or twin.read_bytes() != f.read_bytes():
                differ.append(str(Path(source) / rel))
    return differ


def run_once(args: list[str], cache: Path | None = None) -> tuple[float, int, int]:
    """Wall seconds, peak RSS in KiB, and exit code of one fresh `designc` process; with no parse cache unless
    ``cache`` names the folder to use."""
    # as an installed package runs: with its bytecode cached (pip compiles it at install; a source checkout
    # under PYTHONDONTWRITEBYTECODE would compile every module on every start instead)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "DESIGNC_NO_CACHE")}
    if cache is None:
        env["DESIGNC_NO_CACHE"] = "1"
    else:
        env["DESIGNC_CACHE_DIR"] = str(cache)
    start = time.perf_counter()
    proc = subprocess.Popen(
        [PYTHON, "-m", "designc", *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    return wall, usage.ru_maxrss, os.waitstatus_to_exitcode(status)


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (Linux)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        with contextlib.suppress(OSError, ValueError):  # ended meanwhile
            todo += [int(c) for c in Path(f"/proc/{p}/task/{p}/children").read_text().split()]
    return out


def _pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def tree_peak(args: list[str], cache: Path | None = None) -> float | None:
    """The most memory, in MiB, that one `designc` run's processes held at once (sampled; Linux only; not timed,
    since sampling takes a little of the machine). designc forks only when no other process is running at that
    moment, so up to three runs are sampled, until one of them is seen running as two processes."""
    if not Path("/proc/self/smaps_rollup").exists():
        return None
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "DESIGNC_NO_CACHE")}
    if cache is None:
        env["DESIGNC_NO_CACHE"] = "1"
    else:
        env["DESIGNC_CACHE_DIR"] = str(cache)
    peaks = []
    for _ in range(3):
        proc = subprocess.Popen(
            [PYTHON, "-m", "designc", *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
        )
        peak, most = 0, 1
        while proc.poll() is None:
            pids = _tree(proc.pid)
            peak, most = max(peak, sum(_pss_kib(p) for p in pids)), max(most, len(pids))
            time.sleep(0.02)  # mostly asleep, so as not to keep designc from forking
        peaks.append(peak)
        if most > 1:
            return peak / 1024
    return max(peaks) / 1024


def _size(path: Path) -> tuple[int, int]:
    files = sorted(path.glob("*.design")) if path.is_dir() else [path]
    return sum(f.stat().st_size for f in files), sum(f.read_text().count("\n") for f in files)


def measure(label: str, path: Path, repeat: int, warm_edit: bool = False) -> dict[str, object]:
    """Time `designc check -q PATH`. With ``warm_edit`` (a folder), the parse cache holds every file and one
    file is edited before each run (a comment line added), as after a one-file change in a large repository."""
    cache = None
    if warm_edit:
        cache = Path(tempfile.mkdtemp(prefix="designc-bench-cache-"))
        run_once(["check", "-q", str(path)], cache)  # fill the cache
    run_once(["check", "-q", str(path)], cache)  # warm the OS file cache, Lark's parse-table cache, the bytecode
    walls, rss = [], []
    code = 0
    edited = sorted(path.glob("team_*.design"))[-1] if warm_edit else None
    for i in range(repeat):
        if edited is not None:
            with edited.open("a") as f:
                f.write(f"# edit {i}\n")
        wall, peak, code = run_once(["check", "-q", str(path)], cache)
        walls.append(wall)
        rss.append(peak)
    if edited is not None:
        with edited.open("a") as f:
            f.write("# edit, sampled\n")
    together = tree_peak(["check", "-q", str(path)], cache)
    size, lines = _size(path)
    return {
        "case": label,
        "size": f"{size / 1e6:.2f} MB, {lines:,} lines",
        "median": statistics.median(walls),
        "min": min(walls),
        "rss": max(rss) / 1024,
        "together": together,
        "exit": code,
        "runs": repeat,
    }


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    probe = (
        "import platform, os, designc, lark, pydantic; "
        "print(platform.python_version(), lark.__version__, pydantic.VERSION, designc.__version__, "
        "os.path.dirname(designc.__file__))"
    )
    out = subprocess.run([PYTHON, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    python, lark, pydantic, version, where = out
    how = "a development install" if Path(where).resolve() == (ROOT / "compiler").resolve() else "installed by pip"
    return (
        f"{cpu}, {os.cpu_count()} cores; Python {python}; lark {lark}, pydantic {pydantic}; designc {version} "
        f"({how}); {datetime.date.today().isoformat()}"
    )


def table(rows: list[dict[str, object]]) -> str:
    out = [
        "| case | input | median wall | fastest | peak memory | all processes | exit |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        together = "-" if r["together"] is None else f"{r['together']:.0f} MiB"
        out.append(
            f"| {r['case']} | {r['size']} | {r['median']:.2f} s | {r['min']:.2f} s | {r['rss']:.0f} MiB | {together} "
            f"| {r['exit']} |"
        )
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--only", help="run only the cases whose name holds this text (printed, not written)")
    ap.add_argument("--python", default=sys.executable, help="the interpreter whose installed designc is timed")
    a = ap.parse_args()
    global PYTHON
    PYTHON = a.python
    stale = stale_files(PYTHON)
    if stale:
        sys.exit(
            f"{PYTHON}'s designc is not this checkout's code ({len(stale)} files differ, such as {stale[0]}): "
            "install it again (`pip install .`)"
        )
    sizes = [100, 1000] if a.quick else [100, 1000, 10000]
    split_size = 1000 if a.quick else 10000
    rows = []

    def wanted(label: str) -> bool:
        return a.only is None or a.only in label

    with tempfile.TemporaryDirectory() as tmp:
        if wanted("examples/payments.design"):
            rows.append(measure("examples/payments.design", ROOT / "examples" / "payments.design", a.repeat))
        for n in sizes:
            label = f"{n:,} services"
            if not wanted(label):
                continue
            p = Path(tmp) / f"services_{n}.design"
            with p.open("w") as f:
                for line in generate.services(n):
                    f.write(line + "\n")
            rows.append(measure(label, p, a.repeat if n < 10000 else max(3, a.repeat // 2)))
        if not a.quick and wanted("30 layers x 30 services, all-to-all"):
            p = Path(tmp) / "layers.design"
            with p.open("w") as f:
                for line in generate.layers(30, 30):
                    f.write(line + "\n")
            rows.append(measure("30 layers x 30 services, all-to-all", p, 3))
        cold = f"{split_size:,} services in 100 files (split), cold"
        warm = f"{split_size:,} services in 100 files (split), warm: one file edited"
        if wanted(cold) or wanted(warm):
            folder = Path(tmp) / "split"
            folder.mkdir()
            for name, body in generate.split(split_size, 100).items():
                (folder / name).write_text("\n".join(body) + "\n")
            repeat = a.repeat if split_size < 10000 else max(3, a.repeat // 2)
            if wanted(cold):
                rows.append(measure(cold, folder, repeat))
            if wanted(warm):
                rows.append(measure(warm, folder, repeat, warm_edit=True))
    text = table(rows)
    print(machine())
    print(text)
    if not a.no_write and a.only is None:
        write_block("bench", text)


def write_block(name: str, text: str, heading: str = "") -> None:
    """Replace the block between `<!-- NAME:start -->` and `<!-- NAME:end -->` in BENCHMARKS.md with the
    machine line and ``text`` (appended, after ``heading``, when the file has no such block yet)."""
    bench = ROOT / "BENCHMARKS.md"
    current = bench.read_text() if bench.exists() else ""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\nMachine: {machine()}\n\n{text}\n{end}"
    if start in current:
        head, rest = current.split(start, 1)
        current = head + block + rest.split(end, 1)[1]
    else:
        current = current + "\n" + heading + block + "\n"
    bench.write_text(current)


if __name__ == "__main__":
    main()
