"""`designc init`: a starter design that checks clean, is formatted, and is never written over a file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import run_designc


def test_init_writes_a_starter_that_checks_clean_and_is_formatted(tmp_path: Path):
    project = tmp_path / "my-shop"
    project.mkdir()
    r = run_designc("init", cwd=project)
    assert r.returncode == 0, r.stderr
    design = project / "system.design"
    assert "wrote system.design: a starter design for system `my_shop`" in r.stderr
    text = design.read_text()
    assert 'system my_shop "My shop" {' in text
    r = run_designc("check", cwd=project)
    assert r.returncode == 0 and r.stdout == "ok: 1 design (1 file) checked, no problems found\n", r.stdout
    r = run_designc("fmt", "--check", "system.design", cwd=project)
    assert r.returncode == 0, r.stderr
    assert run_designc("report", cwd=project).returncode == 0
    assert sorted(p.name for p in project.iterdir()) == ["system.design"]  # no temporary file left


def test_the_starter_shows_the_main_statements_with_comments(tmp_path: Path):
    assert run_designc("init", "shop", cwd=tmp_path).returncode == 0
    text = (tmp_path / "shop.design").read_text()
    statements = {line.split()[0] for line in text.splitlines() if line.strip() and not line.strip().startswith("#")}
    statements |= {line.strip().split()[0] for line in text.splitlines() if line.strip()}
    wanted = {"system", "requirements", "region", "zones", "service", "replicas", "health_check", "store", "cache"}
    wanted |= {"stream", "slo", "flow", "replication", "backup", "publishes", "consumes"}
    assert wanted <= statements, wanted - statements
    assert "timeout" in text and "retries" in text
    assert sum(1 for line in text.splitlines() if line.strip().startswith("#")) >= 10


def test_init_never_overwrites(tmp_path: Path):
    existing = tmp_path / "system.design"
    existing.write_text("mine\n")
    os.utime(existing, ns=(10**18, 10**18))
    r = run_designc("init", cwd=tmp_path)
    assert r.returncode == 1
    assert "system.design already exists" in r.stderr and "Traceback" not in r.stderr
    assert existing.read_text() == "mine\n" and existing.stat().st_mtime_ns == 10**18
    assert sorted(p.name for p in tmp_path.iterdir()) == ["system.design"]
    (tmp_path / "shop.design").mkdir()
    assert run_designc("init", "shop", cwd=tmp_path).returncode == 1


@pytest.mark.parametrize(
    ("arg", "file", "system"),
    [
        ("payments", "payments.design", "payments"),
        ("designs/order-flow.design", "designs/order-flow.design", "order_flow"),
    ],
)
def test_init_name(tmp_path: Path, arg: str, file: str, system: str):
    r = run_designc("init", arg, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert f"system {system} " in (tmp_path / file).read_text()
    assert run_designc("check", file, cwd=tmp_path).returncode == 0
