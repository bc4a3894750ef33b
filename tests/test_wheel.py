"""The wheel a user installs: built from this tree, installed into a fresh virtual environment, run there."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT


@pytest.mark.slow
def test_wheel_installs_and_checks_the_examples(tmp_path: Path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (wheel,) = dist.glob("designc-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    # one import package, nothing called `compiler` or `targets` at the top level
    assert {n.split("/")[0] for n in names if not n.startswith("designc-")} == {"designc"}
    assert "designc/grammar/design.lark" in names
    assert "designc/stdlib/prelude.design" in names and "designc/stdlib/aws.design" in names
    assert "designc/targets/json.py" in names
    assert "designc/targets/templates/markdown/document.md.j2" in names

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "--quiet", str(wheel)], check=True, timeout=900)
    designc = env_dir / "bin" / "designc"
    # run from outside the source tree, so nothing is imported from it
    work = tmp_path / "work"
    work.mkdir()
    import json

    # walking examples/, the repository's configuration excludes flawed/ (wrong on purpose) and real/: clean
    r = subprocess.run(
        [str(designc), "check", "-f", "json", str(ROOT / "examples")],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert json.loads(r.stdout)["diagnostics"] == [] and r.returncode == 0, r.stdout[:2000] + r.stderr
    # named, they are checked: only the ones under flawed/ and real/ have findings
    named = [str(ROOT / "examples" / "flawed"), str(ROOT / "examples" / "real")]
    r = subprocess.run(
        [str(designc), "check", "-f", "json", *named], cwd=work, capture_output=True, text=True, timeout=120
    )
    files = {d["file"] for d in json.loads(r.stdout)["diagnostics"]}
    assert files and all(("/examples/flawed/" in f or "/examples/real/" in f) for f in files), (
        r.stdout[:2000] + r.stderr
    )
    clean = [str(ROOT / "examples" / f) for f in ("payments.design", "chat.design", "url_shortener.design")]
    r = subprocess.run([str(designc), "check", *clean], cwd=work, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "3 designs" in r.stdout
    where = subprocess.run(
        [str(py), "-c", "import designc, sys; print(designc.__file__)"], cwd=work, capture_output=True, text=True
    )
    assert str(env_dir) in where.stdout
    # the document targets find their packaged templates in the installed wheel
    targets = "markdown,mermaid" + (",html" if "designc/targets/html.py" in names else "")
    r = subprocess.run(
        [str(designc), "build", clean[0], "-t", targets, "-o", str(work / "out")],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert (work / "out" / "payments" / "design.md").read_text(encoding="utf-8").startswith("# Card payment")


def test_every_source_package_is_packaged():
    """Each folder of Python modules under compiler/ must be listed as a package, or the wheel lacks it."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {
        "designc" + "".join("." + part for part in p.parent.relative_to(ROOT / "compiler").parts)
        for p in (ROOT / "compiler").rglob("__init__.py")
    }
    assert found <= listed, found - listed
