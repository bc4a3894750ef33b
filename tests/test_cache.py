"""Parsed files cached by content, and many files parsed on every core: neither may change what a check reports."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import designc.loader as loader_module
from designc.cache import ParseCache
from designc.driver import check

from conftest import EXAMPLES, ROOT


def _report(result) -> list[tuple]:
    return [(d.code, str(d.span), d.span.end_line, d.span.end_column, d.message) for d in result.diagnostics]


def _split(tmp_path: Path, services: int = 300, files: int = 12) -> Path:
    out = tmp_path / "split"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "generate.py"),
            "--services",
            str(services),
            "--files",
            str(files),
            "--out",
            str(out),
        ],
        check=True,
    )
    return out


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "cache"
    monkeypatch.setenv("DESIGNC_CACHE_DIR", str(d))
    return d


def test_a_cached_parse_reports_exactly_what_a_fresh_one_does(cache_dir: Path):
    paths = [EXAMPLES / "payments.design", EXAMPLES / "chat.design", EXAMPLES / "flawed" / "budgets.design"]
    fresh = [_report(check([p])) for p in paths]
    first = [_report(check([p], cache=True)) for p in paths]
    entries = list((cache_dir / "parsed").rglob("*"))
    assert any(e.is_file() for e in entries), "the first run stores what it parsed"
    second = [_report(check([p], cache=True)) for p in paths]
    assert first == fresh and second == fresh


def test_a_cache_hit_skips_the_parser(cache_dir: Path, monkeypatch: pytest.MonkeyPatch):
    path = EXAMPLES / "payments.design"
    check([path], cache=True)
    calls = []
    real = loader_module.parse
    monkeypatch.setattr(loader_module, "parse", lambda *a: calls.append(a[1]) or real(*a))
    again = check([path], cache=True)
    assert calls == [] and again.designs[0].model is not None


def test_the_same_text_under_another_name_is_reported_under_its_own_name(cache_dir: Path, tmp_path: Path):
    text = (EXAMPLES / "flawed" / "budgets.design").read_text()
    a, b = tmp_path / "a.design", tmp_path / "b.design"
    a.write_text(text)
    b.write_text(text)
    check([a], cache=True)
    result = check([b], cache=True)
    assert result.diagnostics and all(d.span.file.endswith("b.design") for d in result.diagnostics)


def test_a_damaged_or_foreign_entry_is_a_miss_not_an_error(cache_dir: Path):
    path = EXAMPLES / "payments.design"
    expected = _report(check([path]))
    check([path], cache=True)
    for entry in (cache_dir / "parsed").rglob("*"):
        if entry.is_file() and not entry.name.startswith("."):
            entry.write_bytes(b"not a pickle at all")
    assert _report(check([path], cache=True)) == expected


def test_an_unwritable_cache_is_not_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder would go")
    monkeypatch.setenv("DESIGNC_CACHE_DIR", str(blocker))
    path = EXAMPLES / "payments.design"
    assert _report(check([path], cache=True)) == _report(check([path]))


def test_syntax_errors_are_not_cached(cache_dir: Path, tmp_path: Path):
    def entries() -> set[Path]:
        return {e for e in (cache_dir / "parsed").rglob("*") if e.is_file() and not e.name.startswith(".")}

    check([EXAMPLES / "payments.design"], cache=True)  # the standard library's files are cached now
    before = entries()
    bad = tmp_path / "bad.design"
    bad.write_text("system s {\n  service a {\n")
    first = check([bad], cache=True)
    assert first.diagnostics and first.diagnostics[0].code.startswith("SYN")
    assert entries() == before


def test_old_entries_are_pruned_and_used_ones_kept(tmp_path: Path):
    cache = ParseCache(tmp_path)
    cache.put_bytes("ab" + "0" * 62, b"old")
    cache.put_bytes("cd" + "0" * 62, b"new")
    old = cache._path("ab" + "0" * 62)
    day = 86400
    now = os.path.getmtime(old) + 40 * day
    os.utime(old, (now - 40 * day, now - 40 * day))
    os.utime(cache._path("cd" + "0" * 62), (now - day, now - day))
    assert cache.prune(now) == 1
    assert not old.exists() and cache._path("cd" + "0" * 62).exists()
    assert cache.prune(now) == 0, "pruning looks at most once a day"


def test_parsing_on_every_core_reports_exactly_what_one_process_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    folder = _split(tmp_path)
    monkeypatch.setattr(loader_module, "PARALLEL_BYTES", 10**12)
    serial = _report(check([folder]))
    monkeypatch.setattr(loader_module, "PARALLEL_BYTES", 1)
    monkeypatch.setattr(loader_module, "cores", lambda: 2)
    parallel = check([folder])
    assert _report(parallel) == serial
    assert parallel.designs[0].model is not None and len(parallel.designs[0].loaded.files) == 12


def test_the_command_line_uses_the_cache_and_no_cache_turns_it_off(tmp_path: Path):
    folder = _split(tmp_path, services=60, files=4)
    env = {**os.environ, "DESIGNC_CACHE_DIR": str(tmp_path / "c1"), "NO_COLOR": "1"}
    run = [sys.executable, "-m", "designc", "check", str(folder)]
    first = subprocess.run(run, capture_output=True, text=True, env=env)
    second = subprocess.run(run, capture_output=True, text=True, env=env)
    assert first.stdout == second.stdout and first.returncode == second.returncode
    assert any((tmp_path / "c1" / "parsed").rglob("*"))
    off = {**env, "DESIGNC_CACHE_DIR": str(tmp_path / "c2"), "DESIGNC_NO_CACHE": "1"}
    third = subprocess.run(run, capture_output=True, text=True, env=off)
    assert third.stdout == first.stdout
    assert not (tmp_path / "c2").exists()
    flag = subprocess.run([*run, "--no-cache"], capture_output=True, text=True, env={**off, "DESIGNC_NO_CACHE": ""})
    assert flag.stdout == first.stdout
    assert not (tmp_path / "c2").exists()


def _run_on_a_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run designc with standard error on a pseudo-terminal; its exit code and what it wrote there."""
    import pty

    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "designc", *args], stdout=subprocess.DEVNULL, stderr=follower, env=env
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    return proc.wait(), b"".join(chunks).decode("utf-8", "replace")


def test_a_long_check_shows_its_progress_on_a_terminal_and_erases_it(tmp_path: Path):
    env = {**os.environ, "DESIGNC_PROGRESS_AFTER": "0", "DESIGNC_NO_CACHE": "1", "NO_COLOR": "1"}
    design = str(EXAMPLES / "payments.design")
    code, shown = _run_on_a_terminal(["check", "--no-analysis", design], env)
    assert code == 0
    assert "designc: reading and parsing ... 0 s" in shown or "designc: resolving 1 file ... 0 s" in shown, shown
    assert shown.endswith("\r\x1b[K"), "the status line is erased at the end"
    quiet_code, quiet = _run_on_a_terminal(["check", "-q", design], env)
    assert quiet_code == 0 and "designc:" not in quiet
    piped = subprocess.run([sys.executable, "-m", "designc", "check", design], capture_output=True, text=True, env=env)
    assert "designc:" not in piped.stderr and "\x1b" not in piped.stderr
