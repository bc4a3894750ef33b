"""`designc fmt`: canonical, comment-preserving, idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest

from designc.fmt import format_text, scan_comments
from designc.parser import parse

from conftest import EXAMPLES, ROOT, run_designc

DESIGN_FILES = sorted([*EXAMPLES.rglob("*.design"), *(ROOT / "stdlib").glob("*.design")])


def fmt(text: str) -> str:
    out, diags = format_text(text, "t.design")
    assert out is not None, [d.message for d in diags]
    return out


def shape(text: str):
    """The statements as a comparable structure, ignoring layout."""
    sf, _ = parse(text, "t")

    def walk(stmts):
        return [
            (
                s.key,
                [getattr(v, "raw", getattr(v, "text", None)) for v in s.values],
                walk(s.block.stmts) if s.block else None,
            )
            for s in stmts
        ]

    return walk(sf.stmts)


@pytest.mark.parametrize("path", DESIGN_FILES, ids=lambda p: p.name)
def test_shipped_designs_are_formatted(path: Path):
    text = path.read_text()
    assert fmt(text) == text


def test_layout_is_canonical():
    src = 'system   s   "T"{\n    service a {replicas 3;calls b { timeout   5ms }\n  }\n\n\n\n  store b {}\n}'
    assert fmt(src) == (
        'system s "T" {\n  service a {\n    replicas 3\n    calls b { timeout 5ms }\n  }\n\n  store b {}\n}\n'
    )


def test_one_line_blocks_stay_unless_too_long():
    short = "service a { replicas 3; exposure public }\n"
    assert fmt(short) == short
    long_block = "service a { " + "; ".join(f"tag{i} {i}" for i in range(30)) + " }\n"
    out = fmt(long_block)
    assert out.startswith("service a {\n  tag0 0\n  tag1 1\n") and out.endswith("}\n")
    assert max(len(x) for x in out.splitlines()) <= 100


def test_comments_are_kept_in_place():
    src = (
        "# head comment\n"
        "system s {  # after brace\n"
        "  # before a\n"
        "  service a { replicas 3 }  # trailing a\n"
        "  service b {\n"
        "    replicas 2 # trailing replicas\n"
        "    # before the closing brace\n"
        "  } # after b\n"
        "  zones [x, # in list\n"
        "         y]\n"
        "}\n"
        "# at the end\n"
    )
    out = fmt(src)
    assert [c[2] for c in scan_comments(out)] == [c[2] for c in scan_comments(src)]
    assert "system s {  # after brace\n" in out
    assert "  service a { replicas 3 }  # trailing a\n" in out
    assert "    replicas 2  # trailing replicas\n    # before the closing brace\n  }  # after b\n" in out
    assert out.endswith("}\n# at the end\n")
    assert shape(out) == shape(src)


def test_hash_inside_a_string_is_not_a_comment():
    src = 'service a { description "uses # signs"; owner "x" }\n'
    assert scan_comments(src) == []
    assert fmt(src) == src


@pytest.mark.parametrize("path", DESIGN_FILES, ids=lambda p: p.name)
def test_idempotent_and_meaning_preserving_on_a_scrambled_layout(path: Path):
    text = path.read_text()
    # scramble the layout: remove indentation and collapse statements onto fewer lines where safe
    scrambled = "\n".join(line.strip() for line in text.splitlines()) + "\n"
    once = fmt(scrambled)
    assert fmt(once) == once
    assert shape(once) == shape(text)


def test_fmt_check_and_write(tmp_path: Path):
    p = tmp_path / "a.design"
    p.write_text("system s {\nservice a {replicas 3}\n}\n")
    r = run_designc("fmt", "--check", str(p))
    assert r.returncode == 1 and "would reformat" in r.stderr
    assert p.read_text() == "system s {\nservice a {replicas 3}\n}\n"
    r = run_designc("fmt", "--diff", "--check", str(p))
    assert "-service a {replicas 3}" in r.stdout and "+  service a { replicas 3 }" in r.stdout
    r = run_designc("fmt", str(p))
    assert r.returncode == 0 and "1 file reformatted" in r.stderr
    assert p.read_text() == "system s {\n  service a { replicas 3 }\n}\n"
    assert run_designc("fmt", "--check", str(p)).returncode == 0


def test_fmt_refuses_broken_files(tmp_path: Path):
    p = tmp_path / "a.design"
    p.write_text("system s {\n")
    r = run_designc("fmt", str(p))
    assert r.returncode == 1 and "SYN003" in r.stderr
    assert p.read_text() == "system s {\n"


def test_fmt_diff_never_writes(tmp_path: Path):
    """`--diff` prints what would change and changes nothing: not the bytes, not the time, no stray files."""
    p = tmp_path / "a.design"
    original = b"system s {\nservice a {replicas 3}\n}\n"
    p.write_bytes(original)
    import os

    os.utime(p, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    before = p.stat().st_mtime_ns
    r = run_designc("fmt", "--diff", str(p))
    assert "-service a {replicas 3}" in r.stdout and "+  service a { replicas 3 }" in r.stdout
    assert p.read_bytes() == original
    assert p.stat().st_mtime_ns == before
    assert sorted(x.name for x in tmp_path.iterdir()) == ["a.design"]
    assert r.returncode == 1, "like `--check`, `--diff` exits 1 when a file would change"
    assert "would reformat" in r.stderr and "reformatted," not in r.stderr
    # a formatted file: no diff, exit 0
    p.write_text("system s {\n  service a { replicas 3 }\n}\n")
    r = run_designc("fmt", "--diff", str(p))
    assert r.returncode == 0 and r.stdout == ""


@pytest.fixture
def three(tmp_path: Path) -> Path:
    """A folder with a formatted file, one to reformat, and one that does not parse."""
    (tmp_path / "broken.design").write_text("system s {\n  service a {}\n")
    (tmp_path / "ok.design").write_text("system s {\n  service a { replicas 3 }\n}\n")
    (tmp_path / "ugly.design").write_text("system s {\nservice a {replicas 3}\n}\n")
    return tmp_path


def test_fmt_check_reports_a_file_that_does_not_parse(three: Path):
    r = run_designc("fmt", "--check", ".", cwd=three)
    assert r.returncode == 1
    assert "error[SYN003]" in r.stderr and "--> broken.design:1:10" in r.stderr
    assert "would reformat ugly.design" in r.stderr
    last = r.stderr.strip().splitlines()[-1]
    assert last == "1 file would be reformatted, 1 file already formatted, 1 file could not be formatted", last
    # alone, it is not "already formatted"
    r = run_designc("fmt", "--check", "broken.design", cwd=three)
    assert r.returncode == 1 and "already formatted" not in r.stderr
    assert r.stderr.strip().splitlines()[-1] == "1 file could not be formatted"


def test_fmt_reports_a_file_that_does_not_parse_and_formats_the_others(three: Path):
    before = (three / "broken.design").read_bytes()
    r = run_designc("fmt", ".", cwd=three)
    assert r.returncode == 1
    assert "error[SYN003]" in r.stderr and "--> broken.design:1:10" in r.stderr
    assert (
        r.stderr.strip().splitlines()[-1] == "1 file reformatted, 1 file left unchanged, 1 file could not be formatted"
    )
    assert (three / "broken.design").read_bytes() == before
    assert (three / "ugly.design").read_text() == "system s {\n  service a { replicas 3 }\n}\n"
    # one file with several errors is still one file
    (three / "broken.design").write_text("system s {\n  service a { replicas 3 ]\n  store b { x ]\n}\n")
    r = run_designc("fmt", ".", cwd=three)
    assert r.returncode == 1
    assert r.stderr.strip().splitlines()[-1] == "2 files left unchanged, 1 file could not be formatted"


def test_fmt_reports_a_file_that_is_not_text(tmp_path: Path):
    (tmp_path / "bin.design").write_bytes(b"system s {\xff}\n")
    r = run_designc("fmt", "--check", "bin.design", cwd=tmp_path)
    assert r.returncode == 1 and "--> bin.design:1:11" in r.stderr and "not UTF-8" in r.stderr
    assert r.stderr.strip().splitlines()[-1] == "1 file could not be formatted"
