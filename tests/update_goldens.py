"""Write the expected findings of examples/flawed/*.design: `python tests/update_goldens.py`.

Review the result by reading it: each line is a finding the design is meant to show.
"""

from __future__ import annotations

from pathlib import Path

FLAWED = Path(__file__).resolve().parent.parent / "examples" / "flawed"


def render(design: Path) -> str:
    from designc.driver import check

    result = check([design])
    lines = [
        f"{d.code} {d.severity.value} {d.span.line}:{d.span.column} {d.message}"
        for d in result.diagnostics
        if d.span is not None
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    for design in sorted(FLAWED.glob("*.design")):
        design.with_suffix(".expected").write_text(render(design), encoding="utf-8")
