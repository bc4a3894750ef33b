"""Regenerate the README's language reference from the schema: `python tests/update_readme.py`."""

from __future__ import annotations

from pathlib import Path

START, END = "<!-- reference:start -->", "<!-- reference:end -->"
README = Path(__file__).resolve().parent.parent / "README.md"


def with_reference(readme: str, reference: str) -> str:
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{reference}{END}{tail}"


if __name__ == "__main__":
    from designc.reference import markdown

    README.write_text(with_reference(README.read_text(encoding="utf-8"), markdown()), encoding="utf-8")
