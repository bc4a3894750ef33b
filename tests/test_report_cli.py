"""`designc report` as a user meets it: figures rounded to what they mean, and the options `check` has."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, MINIMAL, run_designc

REPORTED = sorted([*EXAMPLES.glob("*.design"), *(EXAMPLES / "real").glob("*.design")])


def _floats(data: Any, where: str = "") -> list[tuple[str, float]]:
    if isinstance(data, float):
        return [(where, data)]
    if isinstance(data, dict):
        return [x for k, v in data.items() for x in _floats(v, f"{where}.{k}")]
    if isinstance(data, list):
        return [x for i, v in enumerate(data) for x in _floats(v, f"{where}[{i}]")]
    return []


def _digits(x: float) -> int:
    """Significant digits in the shortest repr of x: 0.99998 has 5, 129.47044319999998 has 17."""
    mantissa = repr(x).lower().split("e")[0].replace("-", "").replace(".", "").lstrip("0")
    return len(mantissa.rstrip("0")) or 1


@pytest.mark.parametrize("path", REPORTED, ids=lambda p: p.name)
def test_report_json_has_no_float_noise(path: Path):
    r = run_designc("report", "-f", "json", "--fail-on", "never", str(path))
    assert r.returncode == 0, r.stderr
    noisy = [(k, v) for k, v in _floats(json.loads(r.stdout)) if _digits(v) > 9]
    assert noisy == []


def test_report_json_rounds_each_figure_to_what_it_means():
    r = run_designc("report", "-f", "json", "examples/payments.design")
    av = json.loads(r.stdout)["entrypoints"][0]["availability"]
    assert av["composite"] == 0.99998  # as the analysis prints it: 99.998%
    assert av["downtime_minutes_per_30_days"] == 0.864  # minutes, to the tenth of a second
    assert av["error_budget_minutes_per_30_days"] == 4.32
    chat = json.loads(run_designc("report", "-f", "json", "examples/chat.design").stdout)
    rates = [c["demand"] for c in chat["components"]] + [f["rate"] for f in chat["flows"]]
    assert rates and all(_digits(x) <= 6 for x in rates)
    assert all(isinstance(b["bytes_per_second"], int) for b in chat["bandwidth"])  # whole bytes


def test_report_output_writes_the_report_to_a_file(tmp_path: Path):
    out = tmp_path / "sub" / "report.json"
    r = run_designc("report", "-f", "json", "-o", str(out), "examples/payments.design")
    assert r.returncode == 0 and r.stdout == ""
    assert out.read_text() == run_designc("report", "-f", "json", "examples/payments.design").stdout
    assert sorted(p.name for p in out.parent.iterdir()) == ["report.json"]  # no temporary file left
    r = run_designc("report", "--output", str(tmp_path / "report.txt"), "examples/payments.design")
    assert r.returncode == 0 and "entrypoint api_gateway" in (tmp_path / "report.txt").read_text()


def test_report_fail_on_and_config_mean_what_they_mean_for_check(tmp_path: Path):
    flawed = str(EXAMPLES / "flawed" / "budgets.design")  # rule errors, no language error
    r = run_designc("report", flawed)
    assert r.returncode == 1, "like check: errors from the design rules fail by default"
    assert "entrypoint api" in r.stdout  # the report is still printed
    assert "3 errors" in r.stderr and "designc check" in r.stderr
    assert run_designc("report", "--fail-on", "never", flawed).returncode == 0
    config = tmp_path / "designc.toml"
    config.write_text('fail-on = "never"\n')
    assert run_designc("report", "--config", str(config), flawed).returncode == 0
    assert run_designc("report", "--config", str(config), "--fail-on", "error", flawed).returncode == 1
    (tmp_path / "shop.design").write_text(MINIMAL)  # a warning (SPOF004), no error
    config.write_text('fail-on = "warning"\n')
    r = run_designc("report", str(tmp_path / "shop.design"))  # the configuration found beside the design
    assert r.returncode == 1 and "1 warning" in r.stderr
    config.write_text('ignore = ["SPOF004"]\nfail-on = "warning"\n')
    assert run_designc("report", str(tmp_path / "shop.design")).returncode == 0
    assert run_designc("report", "--config", str(tmp_path / "nope.toml"), flawed).returncode == 2


def test_write_baseline_exits_0_and_says_what_it_wrote(tmp_path: Path):
    flawed = tmp_path / "budgets.design"
    flawed.write_text((EXAMPLES / "flawed" / "budgets.design").read_text())
    base = tmp_path / "baseline.json"
    r = run_designc("check", "--write-baseline", str(base), str(flawed))
    assert r.returncode == 0, r.stdout + r.stderr
    recorded = json.loads(base.read_text())["findings"]
    assert f"wrote {base}: {len(recorded)} findings recorded" in r.stderr
    assert "3 errors" in r.stderr  # what they are
    assert run_designc("check", "--baseline", str(base), str(flawed)).returncode == 0
    # rewriting a baseline with an older one in force records every finding of today, not only the new ones
    r = run_designc("check", "--baseline", str(base), "--write-baseline", str(base), str(flawed))
    assert r.returncode == 0 and json.loads(base.read_text())["findings"] == recorded
    # a language error is not a finding a baseline can hold: it still fails
    flawed.write_text(MINIMAL.replace("calls db", "calls dbx"))
    r = run_designc("check", "--write-baseline", str(base), str(flawed))
    assert r.returncode == 1 and "error[REF001]" in r.stdout


def test_a_call_with_no_timeout_makes_the_wait_unbounded_not_zero(tmp_path: Path):
    """With a call that states no timeout on the way, no figure bounds the wait: the report names the call
    instead of printing a wait of "0s" (or of only the timeouts stated elsewhere)."""
    design = tmp_path / "s.design"
    design.write_text(
        "system s {\n  client u { calls api { timeout 2s } }\n"
        "  service api { replicas 2; calls auth { timeout 100ms }; reads db }\n"
        "  service auth { replicas 2 }\n  store db { engine postgres }\n}\n",
        encoding="utf-8",
    )
    r = run_designc("report", "--fail-on", "never", str(design))
    assert (
        "worst-case wait before timeouts fire: unbounded: `api` calls `db` with no timeout, so a callee that hangs "
        "holds the request"
    ) in r.stdout
    lat = json.loads(run_designc("report", "-f", "json", "--fail-on", "never", str(design)).stdout)
    lat = lat["entrypoints"][0]["latency"]
    assert lat["worst_case_wait"] is None and lat["wait_unbounded_by"] == "api -> db"
    design.write_text(design.read_text().replace("reads db }", "reads db { timeout 50ms } }"), encoding="utf-8")
    lat = json.loads(run_designc("report", "-f", "json", "--fail-on", "never", str(design)).stdout)
    lat = lat["entrypoints"][0]["latency"]
    assert lat["worst_case_wait"] == 0.1 and lat["wait_unbounded_by"] is None
