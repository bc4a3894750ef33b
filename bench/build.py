"""Time `designc build` as a whole process and record the figures in BENCHMARKS.md.

    python bench/build.py              # payments and the 1,000-service design
    python bench/build.py --no-write   # print the table only
    python bench/build.py --only scaffold   # the cases whose name holds the text, printed only

Cases: every view of payments rendered to SVG; the document, Mermaid and HTML of payments and of the
1,000-service benchmark design (`bench/generate.py --services 1000`); every view of that design rendered to SVG,
with the slowest single view timed on its own with `dot -Tsvg`; the infrastructure scaffolds (kubernetes,
terraform, slo) of both. Timing belongs here, never in the tests.
"""

from __future__ import annotations

import argparse
import shutil
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
from run import machine, run_once, write_block  # noqa: E402

SCAFFOLDS = "kubernetes,terraform,slo"


def measure(label: str, args: list[str], repeat: int) -> dict[str, object]:
    run_once(args)  # warm caches
    walls, rss = [], []
    code = 0
    for _ in range(repeat):
        wall, peak, code = run_once(args)
        walls.append(wall)
        rss.append(peak)
    return {"case": label, "median": statistics.median(walls), "min": min(walls), "rss": max(rss) / 1024, "exit": code}


def slowest_view(folder: Path) -> tuple[str, float, int]:
    """The view whose DOT takes `dot -Tsvg` longest on its own: (name, seconds, views)."""
    dot = shutil.which("dot")
    files = sorted(folder.rglob("*.dot"))
    worst = ("", 0.0)
    for f in files:
        start = time.perf_counter()
        subprocess.run([dot or "dot", "-Tsvg", str(f), "-o", "/dev/null"], check=True)
        took = time.perf_counter() - start
        if took > worst[1]:
            worst = (f.stem, took)
    return worst[0], worst[1], len(files)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--only", default=None, help="run only the cases whose name holds this text (writes nothing)")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    rows = []
    notes = []
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "services_1000.design"
        with big.open("w") as f:
            for line in generate.services(1000):
                f.write(line + "\n")
        payments = str(ROOT / "examples" / "payments.design")
        out = str(Path(tmp) / "out")
        for label, args in [
            ("payments: svg, every view", ["build", payments, "-t", "svg", "-o", out, "-q"]),
            ("payments: markdown, mermaid, html", ["build", payments, "-t", "markdown,mermaid,html", "-o", out, "-q"]),
            (
                "1,000 services: markdown, mermaid, html",
                ["build", str(big), "-t", "markdown,mermaid,html", "-o", out, "-q"],
            ),
            ("1,000 services: svg, every view", ["build", str(big), "-t", "svg", "-o", out, "-q"]),
            ("payments: kubernetes, terraform, slo", ["build", payments, "-t", SCAFFOLDS, "-o", out, "-q"]),
            (
                # the benchmark design has rule findings, which stop a scaffold unless allowed
                "1,000 services: kubernetes, terraform, slo",
                ["build", str(big), "-t", SCAFFOLDS, "-o", out, "-q", "--allow-findings"],
            ),
        ]:
            if a.only is not None and a.only not in label:
                continue
            rows.append(measure(label, args, a.repeat))
        if a.only is not None:
            a.no_write = True
        else:
            dots = Path(tmp) / "dots"
            subprocess.run(
                [sys.executable, "-m", "designc", "build", str(big), "-t", "dot", "-o", str(dots), "-q"],
                check=False,
                capture_output=True,
            )
            name, took, count = slowest_view(dots)
            notes.append(f"1,000 services: {count} views; the slowest alone (`{name}`) renders in {took:.2f} s.")
    lines = [
        "| case | median wall | fastest | peak memory | exit |",
        "|---|---|---|---|---|",
        *(f"| {r['case']} | {r['median']:.2f} s | {r['min']:.2f} s | {r['rss']:.0f} MiB | {r['exit']} |" for r in rows),
    ]
    text = "\n".join(lines) + "\n\n" + "\n".join(notes)
    print(machine())
    print(text)
    if not a.no_write:
        write_block(
            "build", text, "## designc build\n\n`python bench/build.py` times `designc build` the same way.\n\n"
        )


if __name__ == "__main__":
    main()
