"""`designc report` as a user meets it: figures rounded to what they mean, and the options `check` has."""

from __future__ import annotations

import itertools
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


# a new user's playback path, reduced: flows judged one by one, a chain with no latency declared on it
WATCH = """\
system vidup {
  requirements { peak_load 2000 rps; availability 99.95%; latency p99 300ms }
  region r { zones [a, b, c] }
  client viewer { calls playback_api { timeout 1s } }
  service playback_api {
    exposure public
    replicas 3
    reads meta_cache { timeout 5ms; criticality soft; fallback default }
    reads video_meta { timeout 40ms }
    slo { latency p99 150ms }
  }
  store video_meta { engine postgres; replicas 1 }
  cache meta_cache { engine redis; caches video_meta; hit_ratio 95% }
  flow watch { share 90%; route [viewer, playback_api, meta_cache, video_meta] }
}
"""

# no flows, and nothing on the path declares a figure
BARE = """\
system s {
  requirements { availability 99.9%; latency p99 200ms }
  region r { zones [a, b] }
  service api { exposure public; replicas 2; calls pay { timeout 100ms } }
  service pay { replicas 2 }
}
"""


def _says_as_the_text_does(text: str, report: dict[str, Any]) -> None:
    """Every figure the text calls unknown is null in the JSON, and every verdict the text gives (or does not) is
    the JSON's `meets_objective`."""
    blocks = text.split("\nentrypoint ")[1:]
    assert len(blocks) == len(report["entrypoints"])
    for block, ep in zip(blocks, report["entrypoints"], strict=True):
        lines = block.splitlines()
        assert lines[0] == ep["entrypoint"]
        together = next(x for x in lines if x.startswith("  all hard dependencies together"))
        av = ep["availability"]
        assert ("together: unknown" in together) == (av["composite"] is None), together
        verdict = "meets" if ": meets" in together else "BELOW" if ": BELOW" in together else None
        assert av["meets_objective"] == {None: None, "meets": True, "BELOW": False}[verdict], together
        assert (av["not_judged"] is None) == (verdict is not None), together
        if "not judged" in together:
            assert "each flow is judged" in av["not_judged"]
        chain = next(x for x in lines if x.startswith(("  slowest chain over every call", "  latency chain")))
        lat = ep["latency"]
        assert ("p99 unknown" in chain) == (lat["p99"] is None), chain
        verdict = "meets" if "(meets)" in chain else "ABOVE" if "(ABOVE)" in chain else None
        assert lat["meets_objective"] == {None: None, "meets": True, "ABOVE": False}[verdict], chain
        if "not judged" in chain:
            assert lat["not_judged"] == "each flow is judged in judged_per_flow"
    lines = text.splitlines()
    for f in report["flows"]:
        start = lines.index(next(x for x in lines if x.startswith(f"  {f['flow']}: ")))
        body = list(itertools.takewhile(lambda x: x.startswith("    "), lines[start + 1 :]))
        assert ("    availability unknown" in [x.split(" (")[0] for x in body]) == (f["availability"] is None)
        assert any(x.startswith("    p99 unknown") for x in body) == (f["p99"] is None)


@pytest.mark.parametrize("name", ["WATCH", "BARE", *(p.name for p in REPORTED)])
def test_report_json_says_what_the_text_says(name: str, tmp_path: Path):
    if name in ("WATCH", "BARE"):
        path = tmp_path / "d.design"
        path.write_text(globals()[name], encoding="utf-8")
    else:
        (path,) = [p for p in REPORTED if p.name == name]
    text = run_designc("report", "--fail-on", "never", str(path)).stdout
    report = json.loads(run_designc("report", "-f", "json", "--fail-on", "never", str(path)).stdout)
    _says_as_the_text_does(text, report)


def test_an_unknown_chain_has_no_p99_and_flows_judged_one_by_one_leave_the_entrypoint_unjudged(tmp_path: Path):
    path = tmp_path / "d.design"
    path.write_text(WATCH, encoding="utf-8")
    (ep,) = json.loads(run_designc("report", "-f", "json", "--fail-on", "never", str(path)).stdout)["entrypoints"]
    assert ep["latency"]["p99"] is None and ep["latency"]["unknown"] == ["playback_api", "meta_cache"]
    assert ep["availability"]["meets_objective"] is None
    assert [(f["flow"], f["meets_objective"]) for f in ep["availability"]["judged_per_flow"]] == [("watch", False)]
    path.write_text(BARE, encoding="utf-8")
    (ep,) = json.loads(run_designc("report", "-f", "json", "--fail-on", "never", str(path)).stdout)["entrypoints"]
    assert ep["availability"]["composite"] is None and ep["availability"]["downtime_minutes_per_30_days"] is None
    assert ep["availability"]["not_judged"] == "no component on the path declares a figure"
