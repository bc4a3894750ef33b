"""Regenerate the generated parts of docs/: `python tests/update_docs.py`.

docs/reference.md holds `designc reference` (the language reference, from the schema) and docs/rules.md the
rule catalogue (from the rules' registry), each between its markers; tests/test_docs.py fails when either
drifts.
"""

from __future__ import annotations

from pathlib import Path

START, END = "<!-- reference:start -->", "<!-- reference:end -->"
RULES_START, RULES_END = "<!-- rules:start -->", "<!-- rules:end -->"
DOCS = Path(__file__).resolve().parent.parent / "docs"
REFERENCE = DOCS / "reference.md"
RULES = DOCS / "rules.md"


def with_reference(page: str, reference: str, start: str = START, end: str = END) -> str:
    head, rest = page.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n{reference}{end}{tail}"


def rules_table() -> str:
    from designc.analysis.rule import all_rules

    lines = ["| code | severity | name | what it finds | enforces |", "|---|---|---|---|---|"]
    for code, r in all_rules().items():
        lines.append(f"| `{code}` | {r.severity.value} | `{r.name}` | {r.summary} | {', '.join(r.practices)} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    from designc.reference import markdown

    REFERENCE.write_text(with_reference(REFERENCE.read_text(encoding="utf-8"), markdown()), encoding="utf-8")
    RULES.write_text(
        with_reference(RULES.read_text(encoding="utf-8"), rules_table(), RULES_START, RULES_END), encoding="utf-8"
    )
