"""`designc check -` and `designc fmt -`: a design on standard input, for editors and pipes."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import EXAMPLES, MINIMAL, run_designc

BROKEN = MINIMAL.replace("calls db", "calls dbx")  # REF001 at 5:11


def test_check_reads_standard_input():
    r = run_designc("check", "-", stdin=(EXAMPLES / "payments.design").read_text())
    assert r.returncode == 0, r.stdout + r.stderr
    assert "ok: 1 design (1 file) checked" in r.stdout
    r = run_designc("check", "-", stdin=BROKEN)
    assert r.returncode == 1 and "error[REF001]" in r.stdout and "--> <stdin>:5:11" in r.stdout


def test_stdin_filename_names_positions_and_finds_the_configuration(tmp_path: Path):
    folder = tmp_path / "team"
    folder.mkdir()
    (tmp_path / "designc.toml").write_text('fail-on = "warning"\n')
    r = run_designc("check", "-f", "json", "--stdin-filename", "team/shop.design", "-", stdin=BROKEN, cwd=tmp_path)
    (d,) = [x for x in json.loads(r.stdout)["diagnostics"] if x["code"] == "REF001"]
    assert d["file"] == "team/shop.design" and (d["line"], d["column"]) == (5, 11)
    # the configuration is looked for from the named file's folder: fail-on warning fails on SPOF004
    r = run_designc("check", "--stdin-filename", "team/shop.design", "-", stdin=MINIMAL, cwd=tmp_path)
    assert r.returncode == 1 and "warning[SPOF004]" in r.stdout and "--> team/shop.design:" in r.stdout
    # the file need not exist; if it does, standard input stands for it (an editor's unsaved buffer)
    (folder / "shop.design").write_text(BROKEN)
    r = run_designc("check", "--stdin-filename", str(folder / "shop.design"), "-", stdin=MINIMAL, cwd=tmp_path)
    assert "REF001" not in r.stdout


def test_stdin_imports_are_relative_to_the_named_file(tmp_path: Path):
    (tmp_path / "common.design").write_text('define service base { owner "platform" }\n')
    text = 'import "common.design"\n' + MINIMAL.replace("service api {", "service api is base {")
    r = run_designc("check", "--no-analysis", "--stdin-filename", "shop.design", "-", stdin=text, cwd=tmp_path)
    assert r.returncode == 0, r.stdout


def test_stdin_usage_errors(tmp_path: Path):
    r = run_designc("check", "-", "examples/payments.design", stdin=MINIMAL)
    assert r.returncode == 2 and "standard input" in r.stderr and "Traceback" not in r.stderr
    r = run_designc("check", "--stdin-filename", "x.design", "examples/payments.design")
    assert r.returncode == 2 and "--stdin-filename" in r.stderr
    r = run_designc("check", "-", stdin="")
    assert r.returncode == 1 and "the file has no statements" in r.stdout and "--> <stdin>:1:1" in r.stdout


def test_stdin_that_is_not_text():
    import subprocess
    import sys

    from conftest import ROOT

    r = subprocess.run(
        [sys.executable, "-m", "designc", "check", "-"], input=b"system s {\xff}\n", capture_output=True, cwd=ROOT
    )
    assert r.returncode == 1 and b"not UTF-8" in r.stdout and b"Traceback" not in r.stderr


def test_fmt_reads_standard_input_and_writes_standard_output(tmp_path: Path):
    ugly = "system s {\nservice a {replicas 3}\n}\n"
    pretty = "system s {\n  service a { replicas 3 }\n}\n"
    r = run_designc("fmt", "-", stdin=ugly)
    assert r.returncode == 0 and r.stdout == pretty and r.stderr == ""
    r = run_designc("fmt", "-", stdin=pretty)
    assert r.returncode == 0 and r.stdout == pretty
    r = run_designc("fmt", "--check", "--stdin-filename", "a.design", "-", stdin=ugly)
    assert r.returncode == 1 and r.stdout == "" and "would reformat a.design" in r.stderr
    r = run_designc("fmt", "--diff", "--stdin-filename", "a.design", "-", stdin=ugly)
    assert r.returncode == 1 and "+  service a { replicas 3 }" in r.stdout
    r = run_designc("fmt", "--stdin-filename", "a.design", "-", stdin="system s {\n")
    assert r.returncode == 1 and r.stdout == "" and "--> a.design:1:10" in r.stderr
    assert not (tmp_path / "a.design").exists()
