"""Regenerate the README's language reference from the schema: `python tests/update_readme.py`."""

from __future__ import annotations

from pathlib import Path

START, END = "<!-- reference:start -->", "<!-- reference:end -->"
RULES_START, RULES_END = "<!-- rules:start -->", "<!-- rules:end -->"
README = Path(__file__).resolve().parent.parent / "README.md"


def with_reference(readme: str, reference: str, start: str = START, end: str = END) -> str:
    head, rest = readme.split(start, 1)
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

    text = with_reference(README.read_text(encoding="utf-8"), markdown())
    text = with_reference(text, rules_table(), RULES_START, RULES_END)
    README.write_text(text, encoding="utf-8")
