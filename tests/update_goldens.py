"""Write the golden files: `python tests/update_goldens.py`.

* the expected findings of examples/flawed/*.design (`.expected` beside each);
* what the document and diagram targets write for each example (tests/golden/targets/<example>/): the
  Markdown document, the Mermaid flowcharts and the Graphviz DOT sources; and for the examples (designs
  without rule errors) the infrastructure scaffolds: Kubernetes, Terraform and SLO files. (SVG and PNG depend
  on the installed Graphviz, and HTML embeds the layout, so they are checked by validators rather than byte for
  byte.)

Review the result by reading it (`git diff`): each line is something the design is meant to show.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLAWED = ROOT / "examples" / "flawed"
GOLDEN = ROOT / "tests" / "golden" / "targets"
GOLDEN_TARGETS = "markdown,mermaid,dot"
# the infrastructure scaffolds are built only from designs without rule errors: the examples, not the flawed one
SCAFFOLD_TARGETS = "kubernetes,terraform,slo"
GOLDEN_DESIGNS = [
    ROOT / "examples" / "payments.design",
    ROOT / "examples" / "url_shortener.design",
    ROOT / "examples" / "chat.design",
    FLAWED / "single_points.design",
]


def render(design: Path) -> str:
    from designc.driver import check

    result = check([design], profile="production")  # every planted flaw at its own line: full recall
    lines = [
        f"{d.code} {d.severity.value} {d.span.line}:{d.span.column} {d.message}"
        for d in result.diagnostics
        if d.span is not None
    ]
    return "\n".join(lines) + "\n"


def golden_targets(design: Path) -> str:
    return GOLDEN_TARGETS if design.parent == FLAWED else f"{GOLDEN_TARGETS},{SCAFFOLD_TARGETS}"


def build_targets(design: Path, out: Path) -> subprocess.CompletedProcess[str]:
    """`designc build` of the golden targets, run from the design's folder so that paths are relative."""
    return subprocess.run(
        [sys.executable, "-m", "designc", "build", design.name, "-t", golden_targets(design), "-o", str(out), "-q"],
        cwd=design.parent,
        capture_output=True,
        text=True,
        env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin", "PYTHONHASHSEED": "0"},
        check=False,
    )


def golden_files(out: Path) -> dict[str, bytes]:
    """The files of a build, by path below the system's folder, manifest left out."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name != ".designc-manifest"
    }


if __name__ == "__main__":
    for design in sorted(FLAWED.glob("*.design")):
        design.with_suffix(".expected").write_text(render(design), encoding="utf-8")
    shutil.rmtree(GOLDEN, ignore_errors=True)
    for design in GOLDEN_DESIGNS:
        with tempfile.TemporaryDirectory() as tmp:
            r = build_targets(design, Path(tmp))
            if r.returncode != 0:
                sys.exit(f"{design}: {r.stderr}")
            for rel, data in golden_files(Path(tmp)).items():
                dest = GOLDEN / design.stem / rel
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(data)
