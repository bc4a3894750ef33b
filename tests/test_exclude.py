"""`exclude` in the configuration: designs that are wrong on purpose are skipped when designc walks folders, and
still checked when named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import MINIMAL, run_designc

BROKEN = MINIMAL.replace("calls db", "calls dbx")  # REF001
UGLY = "system s {\nservice a {replicas 3}\n}\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.designc]\nexclude = ["designs/flawed", "*.wip.design"]\n'
    )
    (tmp_path / "designs" / "flawed").mkdir(parents=True)
    (tmp_path / "designs" / "shop.design").write_text(MINIMAL)
    (tmp_path / "designs" / "flawed" / "broken.design").write_text(BROKEN)
    (tmp_path / "designs" / "draft.wip.design").write_text(BROKEN)
    return tmp_path


def test_the_repository_checks_clean_from_its_root():
    """`designc check` with no argument, at the root: examples/flawed and examples/real are excluded."""
    r = run_designc("check")
    assert r.returncode == 0, r.stdout + r.stderr
    r = run_designc("check", "-f", "json")
    files = {d["file"] for d in json.loads(r.stdout)["diagnostics"]}
    assert not any(f.startswith(("examples/flawed/", "examples/real/")) for f in files), files


def test_excluded_designs_are_skipped_when_walking(project: Path):
    r = run_designc("check", cwd=project)
    assert r.returncode == 0, r.stdout
    assert "1 design (1 file)" in r.stdout
    r = run_designc("check", "designs", cwd=project)
    assert r.returncode == 0 and "1 design (1 file)" in r.stdout
    # from below the configuration's folder, the patterns are still relative to it
    r = run_designc("check", ".", cwd=project / "designs")
    assert r.returncode == 0 and "1 design (1 file)" in r.stdout


def test_a_named_file_or_folder_is_checked_even_if_excluded(project: Path):
    r = run_designc("check", "designs/flawed/broken.design", cwd=project)
    assert r.returncode == 1 and "error[REF001]" in r.stdout
    r = run_designc("check", "designs/flawed", cwd=project)
    assert r.returncode == 1 and "error[REF001]" in r.stdout
    r = run_designc("check", "designs/draft.wip.design", cwd=project)
    assert r.returncode == 1


def test_fmt_build_and_report_skip_excluded_designs_too(project: Path):
    (project / "designs" / "flawed" / "ugly.design").write_text(UGLY)
    r = run_designc("fmt", "--check", ".", cwd=project)
    assert r.returncode == 0, r.stderr
    assert r.stderr.strip() == "1 file already formatted"
    assert run_designc("fmt", "--check", "designs/flawed/ugly.design", cwd=project).returncode == 1
    r = run_designc("build", "-t", "json", "-o", "out", cwd=project)
    assert r.returncode == 0, r.stderr
    assert run_designc("report", cwd=project).returncode == 0


def test_exclude_in_designc_toml(tmp_path: Path):
    (tmp_path / "designc.toml").write_text('exclude = ["fixtures"]\n')
    (tmp_path / "a" / "fixtures").mkdir(parents=True)
    (tmp_path / "a" / "shop.design").write_text(MINIMAL)
    (tmp_path / "a" / "fixtures" / "broken.design").write_text(BROKEN)
    r = run_designc("check", cwd=tmp_path)
    assert r.returncode == 0, r.stdout
    r = run_designc("check", "--no-analysis", cwd=tmp_path)
    assert r.returncode == 0, r.stdout


def test_a_bad_exclude_is_a_configuration_error(tmp_path: Path):
    (tmp_path / "designc.toml").write_text('exclude = "examples/flawed"\n')
    (tmp_path / "shop.design").write_text(MINIMAL)
    r = run_designc("check", cwd=tmp_path)
    assert r.returncode == 1 and "error[CFG001]" in r.stdout and "`exclude` must be a list" in r.stdout


def test_everything_excluded_is_said_plainly(tmp_path: Path):
    (tmp_path / "designc.toml").write_text('exclude = ["*.design"]\n')
    (tmp_path / "shop.design").write_text(MINIMAL)
    r = run_designc("check", cwd=tmp_path)
    assert r.returncode == 2 and "no *.design files under ." in r.stderr and "exclude" in r.stderr
