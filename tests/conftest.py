from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

# The command line caches parsed files in the user's cache directory: the tests (and the designc processes they
# start, which inherit this) use a folder of their own, removed at the end
_CACHE = tempfile.mkdtemp(prefix="designc-test-cache-")
os.environ["DESIGNC_CACHE_DIR"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)


class Checked:
    """What `designc check` found in a design written by a test."""

    def __init__(self, result: Any) -> None:
        self.result = result
        self.diagnostics = result.diagnostics
        self.codes = [d.code for d in result.diagnostics]
        models = [d.model for d in result.designs if d.model is not None]
        self.model = models[0] if models else None

    def only(self, code: str) -> Any:
        found = [d for d in self.diagnostics if d.code == code]
        assert len(found) == 1, f"expected one {code}, got {self.codes}: {[d.message for d in self.diagnostics]}"
        return found[0]


@pytest.fixture
def check_language(check_design: Callable[..., Checked]) -> Callable[..., Checked]:
    """`check_design` without the design rules: for tests of the language itself."""

    def run(*args: Any, **kwargs: Any) -> Checked:
        return check_design(*args, analysis=False, **kwargs)

    return run


@pytest.fixture
def check_design(tmp_path: Path) -> Callable[..., Checked]:
    """Write files (name -> text) into a fresh folder and check the first one, or the folder if asked, under the
    `production` profile unless told otherwise."""
    from designc.driver import check

    def run(
        text: str | None = None,
        files: dict[str, str] | None = None,
        folder: bool = False,
        analysis: bool = True,
        profile: str | None = "production",
    ) -> Checked:
        all_files = dict(files or {})
        if text is not None:
            all_files = {"main.design": text, **all_files}
        for name, body in all_files.items():
            p = tmp_path / name
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(body, encoding="utf-8")
        target = tmp_path if folder else tmp_path / next(iter(all_files))
        # rule tests see every finding at its own line (`production`); the profiles have tests of their own
        return Checked(check([target], analysis=analysis, profile=profile))

    return run


def run_designc(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run designc as a user would: a separate process, so exit codes and stray tracebacks are real."""
    import os

    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "designc", *args],
        cwd=cwd or ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
    )


MINIMAL = """\
system shop "A shop" {
  region eu { zones [a, b] }
  service api {
    replicas 2
    calls db { timeout 100ms }
  }
  store db { engine postgres }
}
"""


LANGUAGE_PREFIXES = ("SYN", "IMP", "REF", "DEF", "VAL", "CFG")


def findings(checked: Checked, code: str, *, must_run: bool = True) -> list[Any]:
    """The diagnostics of one rule code in a checked design.

    For a design rule's code it first makes sure the rules really ran: a design that did not resolve, or a rule
    that crashed (INT001), would otherwise pass every "no finding" assertion. (`must_run=False` for a test of
    that very failure.)"""
    from designc.analysis.rule import all_rules

    if must_run and code in all_rules():
        broken = [d.message for d in checked.diagnostics if d.code == "INT001" or d.code[:3] in LANGUAGE_PREFIXES]
        assert not broken, f"the rules did not run on this design: {broken}"
        assert checked.model is not None, "the design did not resolve"
    return [d for d in checked.diagnostics if d.code == code]
