"""The `slo` target: `designc build -t slo` writes OpenSLO documents and Prometheus rules under `slo/`.

Prometheus's own `promtool` checks the rules files and runs unit tests against them (synthetic series that burn
the error budget must page, healthy ones must not); the OpenSLO documents are compared with the model the design
resolves to, so the counts and targets come from the design rather than from literals.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import EXAMPLES, MINIMAL, run_designc
from validators import markdown_problems, require

EXAMPLE_DESIGNS = {"payments": "payments", "url_shortener": "shortener", "chat": "chat"}  # file stem -> system

# a public service with the default metrics: 10% failed requests burn a 99.9% budget 100x too fast
SHOP = """\
system shop "A shop" {
  region eu { zones [a, b] }
  service api {
    exposure public
    replicas 2
    slo { availability 99.9%; latency p99 250ms }
  }
}
"""

# the design's own alerts and SLI queries
CUSTOM = """\
system shop "A shop" {
  region eu { zones [a, b] }
  service api {
    exposure public
    replicas 2
    slo {
      availability 99.9%
      errors "sum(rate(requests_failed_total{job=\\"api\\"}[$window]))"
      total "sum(rate(requests_total{job=\\"api\\"}[$window]))"
      alert fast { burn_rate 10; long 1h; short 5m; severity page }
      alert slow { burn_rate 2; long 1d; severity ticket }
    }
  }
}
"""


# --- helpers ------------------------------------------------------------------------------------------------------


def promtool() -> str:
    path = shutil.which("promtool")
    if path is None:
        require("promtool", "Prometheus rules are checked with promtool (Debian: apt-get install prometheus)")
    return path


def build(design: Path, out: Path, env: dict[str, str] | None = None) -> Path:
    r = run_designc("build", str(design), "-t", "slo", "-o", str(out), env=env)
    assert r.returncode == 0, r.stderr
    return out


def build_text(text: str, tmp_path: Path) -> Path:
    """Build a design written by the test; return the system's `slo` folder."""
    design = tmp_path / "main.design"
    design.write_text(text, encoding="utf-8")
    out = build(design, tmp_path / "out")
    system = next(p for p in (out).iterdir() if p.is_dir())
    return system / "slo"


def model_of(design: Path) -> Any:
    from designc.driver import check

    result = check([design])
    models = [d.model for d in result.designs if d.model is not None]
    assert len(models) == 1
    return models[0]


def load_all(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d is not None]


def rule_groups(slo: Path) -> list[dict[str, Any]]:
    return yaml.safe_load((slo / "prometheus" / "rules.yaml").read_text(encoding="utf-8"))["groups"]


def group_of(slo: Path, name: str) -> dict[str, Any]:
    return next(g for g in rule_groups(slo) if g["name"] == name)


def alerts_of(group: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in group["rules"] if "alert" in r]


def expected_alert(group: dict[str, Any], rule: dict[str, Any], value: str) -> dict[str, Any]:
    """What promtool reports for a firing alert: the recorded series' labels, the rule's labels, the annotations
    with `$value` rendered."""
    recorded = next(r for r in group["rules"] if "record" in r)["labels"]
    annotations = {
        k: v.replace("{{ $value | humanizePercentage }}", value) for k, v in rule.get("annotations", {}).items()
    }
    assert all("{{" not in v for v in annotations.values()), annotations
    return {"exp_labels": {**recorded, **rule["labels"]}, "exp_annotations": annotations}


def run_promtool_test(tmp_path: Path, rules: Path, tests: list[dict[str, Any]]) -> None:
    test_file = tmp_path / "slo_test.yaml"
    test_file.write_text(
        yaml.safe_dump({"rule_files": [str(rules)], "evaluation_interval": "1m", "tests": tests}, sort_keys=False),
        encoding="utf-8",
    )
    done = subprocess.run([promtool(), "test", "rules", str(test_file)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def slo_count(model: Any) -> dict[str, int]:
    """Component name -> how many SLOs its `slo` block states: its availability and each latency percentile."""
    out = {}
    for c in model.components:
        if c.slo is not None:
            out[c.name] = (c.slo.availability is not None) + sum(lat.percentile != "max" for lat in c.slo.latency)
    return out


# --- the examples -------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("slo")
    designs = [str(EXAMPLES / f"{stem}.design") for stem in EXAMPLE_DESIGNS]
    r = run_designc("build", *designs, "-t", "slo", "-o", str(out))
    assert r.returncode == 0, r.stderr
    return out


def test_every_file_starts_with_the_generated_from_header(built: Path):
    files = sorted(p for p in built.rglob("*") if p.is_file() and not p.name.startswith("."))
    assert len(files) >= 3 * 4
    for f in files:
        first = f.read_text(encoding="utf-8").splitlines()[0]
        prefix = "<!-- Generated by designc from " if f.suffix == ".md" else "# Generated by designc from "
        assert first.startswith(prefix), f


@pytest.mark.parametrize("stem", list(EXAMPLE_DESIGNS))
def test_promtool_accepts_the_rules_and_the_prometheusrule_has_the_same_groups(built: Path, stem: str):
    slo = built / EXAMPLE_DESIGNS[stem] / "slo"
    rules = slo / "prometheus" / "rules.yaml"
    done = subprocess.run([promtool(), "check", "rules", str(rules)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS" in done.stdout

    (operator,) = load_all(slo / "prometheus" / "prometheusrule.yaml")
    assert operator["apiVersion"] == "monitoring.coreos.com/v1"
    assert operator["kind"] == "PrometheusRule"
    meta = operator["metadata"]
    assert meta["namespace"] == EXAMPLE_DESIGNS[stem]
    assert meta["labels"]["app.kubernetes.io/managed-by"] == "designc"
    assert meta["labels"]["app.kubernetes.io/part-of"] == EXAMPLE_DESIGNS[stem]
    assert operator["spec"]["groups"] == rule_groups(slo)


@pytest.mark.parametrize("stem", list(EXAMPLE_DESIGNS))
def test_each_slo_of_the_design_is_one_openslo_document(built: Path, stem: str):
    model = model_of(EXAMPLES / f"{stem}.design")
    slo = built / EXAMPLE_DESIGNS[stem] / "slo"
    counts = slo_count(model)
    assert counts, "every example states SLOs"
    comps = {c.name: c for c in model.components}
    ids: set[str] = set()
    for name, count in counts.items():
        docs = load_all(slo / "openslo" / f"{name}.yaml")
        assert all(d["apiVersion"] == "openslo/v1" for d in docs)
        services = [d for d in docs if d["kind"] == "Service"]
        slos = [d for d in docs if d["kind"] == "SLO"]
        assert len(services) == 1 and len(slos) == count, name
        c = comps[name]
        want = {}
        if c.slo.availability is not None:
            want["availability"] = c.slo.availability
        for lat in c.slo.latency:
            percentiles = {"p50": 0.5, "p90": 0.9, "p95": 0.95, "p99": 0.99, "p999": 0.999}
            want[f"latency-{lat.percentile}"] = percentiles[lat.percentile]
        days = c.slo.window / 86400
        for d in slos:
            spec = d["spec"]
            assert spec["service"] == services[0]["metadata"]["name"]
            assert spec["budgetingMethod"] == "Occurrences"
            assert spec["timeWindow"] == [{"duration": f"{days:g}d", "isRolling": True}]
            kind = d["metadata"]["name"].removeprefix(name.replace("_", "-") + "-")
            assert spec["objectives"][0]["target"] == pytest.approx(want[kind]), (name, kind)
            ratio = spec["indicator"]["spec"]["ratioMetric"]
            assert set(ratio) in ({"counter", "bad", "total"}, {"counter", "good", "total"})
            for part in ("bad", "good", "total"):
                if part in ratio:
                    source = ratio[part]["metricSource"]
                    assert source["type"] == "Prometheus"
                    assert "$window" not in source["spec"]["query"] and "[5m]" in source["spec"]["query"]
            if kind == "availability" and c.slo.error_query:  # the design's own SLI, at the OpenSLO range
                assert ratio["bad"]["metricSource"]["spec"]["query"] == c.slo.error_query.replace("$window", "5m")
            if kind == "availability" and c.slo.total_query:
                assert ratio["total"]["metricSource"]["spec"]["query"] == c.slo.total_query.replace("$window", "5m")
            ids.add(d["metadata"]["name"])
    assert len(ids) == sum(counts.values())


def test_openslo_targets_and_windows_are_the_ones_the_payments_design_states(built: Path):
    docs = {
        d["metadata"]["name"]: d for f in (built / "payments" / "slo" / "openslo").glob("*.yaml") for d in load_all(f)
    }
    # examples/payments.design: api_gateway `availability 99.99%` and `latency p99 1500ms`
    gateway = docs["api-gateway-availability"]["spec"]
    assert gateway["objectives"][0]["target"] == 0.9999
    assert gateway["timeWindow"][0]["duration"] == "30d"
    latency = docs["api-gateway-latency-p99"]["spec"]
    assert latency["objectives"][0]["target"] == 0.99
    assert 'le="1.5"' in latency["indicator"]["spec"]["ratioMetric"]["good"]["metricSource"]["spec"]["query"]
    # notifier: `slo { availability 99.9%; latency p99 5s; window 28d }`
    assert docs["notifier-availability"]["spec"]["timeWindow"][0]["duration"] == "28d"
    assert docs["notifier-availability"]["spec"]["objectives"][0]["target"] == 0.999
    # auth is `protocol grpc`: the gRPC metrics
    assert "grpc_server_handled_total" in str(docs["auth-availability"]["spec"]["indicator"])
    # the system's `latency p50 400ms` is stated by no entrypoint's SLO: a system SLO at api_gateway; its
    # `availability 99.99%` and `latency p99 1500ms` are api_gateway's own, so not repeated
    system = docs["system-latency-p50"]["spec"]
    assert system["objectives"][0]["target"] == 0.5
    assert 'service="api-gateway",le="0.4"' in str(system["indicator"])
    assert "system-availability" not in docs and "system-latency-p99" not in docs


def test_the_payments_alerts_are_the_designs_and_the_workbooks(built: Path):
    slo = built / "payments" / "slo"
    # api_gateway states `alert fast { burn_rate 14.4; long 1h; short 5m; severity page }` and `alert slow` 6x 6h/30m
    gateway = alerts_of(group_of(slo, "api-gateway-availability"))
    assert [(a["labels"]["burn"], a["labels"]["long_window"], a["labels"]["short_window"]) for a in gateway] == [
        ("fast", "1h", "5m"),
        ("slow", "6h", "30m"),
    ]
    fast = gateway[0]
    assert fast["alert"] == "ApiGatewayAvailabilityErrorBudgetBurn"
    assert fast["expr"] == (
        '(slo:sli_error:ratio_rate1h{system="payments",slo="api-gateway-availability"} > (14.4 * (1 - 0.9999)))'
        ' and (slo:sli_error:ratio_rate5m{system="payments",slo="api-gateway-availability"} > (14.4 * (1 - 0.9999)))'
    )
    assert fast["labels"]["severity"] == "page" and fast["labels"]["service"] == "api-gateway"
    summary = fast["annotations"]["summary"]
    assert summary == "api_gateway is burning its 30-day 99.99% availability error budget 14.4x too fast"
    assert "gone in 2 days" in fast["annotations"]["description"]
    # the system's `properties { runbook "..." }` is what the alerts point at
    assert fast["annotations"]["runbook_url"] == "https://wiki.example.com/payments/runbook"
    # auth states no alert: the SRE workbook's four
    auth = alerts_of(group_of(slo, "auth-availability"))
    assert [(a["labels"]["severity"], a["labels"]["long_window"], a["labels"]["short_window"]) for a in auth] == [
        ("page", "1h", "5m"),
        ("page", "6h", "30m"),
        ("ticket", "1d", "2h"),
        ("ticket", "3d", "6h"),
    ]
    assert [a["expr"].split(" > (")[1].split(" *")[0] for a in auth] == ["14.4", "6", "3", "1"]
    # the system's p50 has a 50% budget: only the 1x alert can ever fire, the others are left out and said so
    assert [a["labels"]["burn"] for a in alerts_of(group_of(slo, "system-latency-p50"))] == ["ticket_3d"]
    assert "could never fire" in (slo / "README.md").read_text(encoding="utf-8")
    # each group records the ratio over every window its alerts read
    for g in rule_groups(slo):
        recorded = {r["record"] for r in g["rules"] if "record" in r}
        for a in alerts_of(g):
            for w in (a["labels"]["long_window"], a["labels"]["short_window"]):
                assert f"slo:sli_error:ratio_rate{w}" in recorded


@pytest.mark.parametrize("stem", list(EXAMPLE_DESIGNS))
def test_the_readme_is_commonmark_with_working_links(built: Path, stem: str):
    readme = built / EXAMPLE_DESIGNS[stem] / "slo" / "README.md"
    text = readme.read_text(encoding="utf-8")
    assert markdown_problems(text, folder=readme.parent) == []
    assert "http_requests_total" in text  # the default metric names are documented where they are used


# --- designs written by the tests ---------------------------------------------------------------------------------


def test_a_fast_burn_pages_and_a_healthy_service_fires_nothing(tmp_path: Path):
    slo = build_text(SHOP, tmp_path)
    rules = slo / "prometheus" / "rules.yaml"
    availability = group_of(slo, "api-availability")
    latency = group_of(slo, "api-latency-p99")
    names = sorted({a["alert"] for g in (availability, latency) for a in alerts_of(g)})
    assert names == ["ApiAvailabilityErrorBudgetBurn", "ApiLatencyP99ErrorBudgetBurn"]

    # the page alert the design calls for: 14.4x over 1h and 5m against 99.9%, on service `api` of system `shop`
    page = next(a for a in alerts_of(availability) if a["labels"]["long_window"] == "1h")
    assert page["labels"]["severity"] == "page"
    assert page["labels"]["service"] == "api" and page["labels"]["system"] == "shop"
    assert page["labels"]["slo"] == "api-availability" and page["labels"]["short_window"] == "5m"
    assert "(14.4 * (1 - 0.999))" in page["expr"]

    def every(groups: list[dict[str, Any]], value: str) -> list[dict[str, Any]]:
        return [expected_alert(g, a, value) for g in groups for a in alerts_of(g)]

    burning = {  # 10% of requests fail for two hours: every availability alert's threshold is below that
        "interval": "1m",
        "input_series": [
            {"series": 'http_requests_total{service="api",code="200"}', "values": "0+900x120"},
            {"series": 'http_requests_total{service="api",code="500"}', "values": "0+100x120"},
        ],
        "alert_rule_test": [
            {
                "eval_time": "2h",
                "alertname": "ApiAvailabilityErrorBudgetBurn",
                "exp_alerts": every([availability], "10%"),
            },
            {"eval_time": "2h", "alertname": "ApiLatencyP99ErrorBudgetBurn", "exp_alerts": []},
        ],
    }
    assert any(e["exp_labels"]["severity"] == "page" for e in burning["alert_rule_test"][0]["exp_alerts"])
    slow = {  # half the requests take longer than 250ms: every latency alert fires, no availability alert
        "interval": "1m",
        "input_series": [
            {"series": 'http_requests_total{service="api",code="200"}', "values": "0+1000x120"},
            {"series": 'http_request_duration_seconds_bucket{service="api",le="0.25"}', "values": "0+500x120"},
            {"series": 'http_request_duration_seconds_count{service="api"}', "values": "0+1000x120"},
        ],
        "alert_rule_test": [
            {"eval_time": "2h", "alertname": "ApiLatencyP99ErrorBudgetBurn", "exp_alerts": every([latency], "50%")},
            {"eval_time": "2h", "alertname": "ApiAvailabilityErrorBudgetBurn", "exp_alerts": []},
        ],
        # no 5xx series at all is no errors, not no data
        "promql_expr_test": [
            {
                "expr": 'slo:sli_error:ratio_rate5m{slo="api-availability"}',
                "eval_time": "1h",
                "exp_samples": [
                    {
                        "labels": 'slo:sli_error:ratio_rate5m{system="shop",service="api",slo="api-availability"}',
                        "value": 0,
                    }
                ],
            }
        ],
    }
    healthy = {  # 0.01% of requests fail and all are fast: a tenth of the budget, nothing fires
        "interval": "1m",
        "input_series": [
            {"series": 'http_requests_total{service="api",code="200"}', "values": "0+9999x240"},
            {"series": 'http_requests_total{service="api",code="500"}', "values": "0+1x240"},
            {"series": 'http_request_duration_seconds_bucket{service="api",le="0.25"}', "values": "0+10000x240"},
            {"series": 'http_request_duration_seconds_count{service="api"}', "values": "0+10000x240"},
        ],
        "alert_rule_test": [
            {"eval_time": t, "alertname": name, "exp_alerts": []} for t in ("10m", "1h", "4h") for name in names
        ],
    }
    run_promtool_test(tmp_path, rules, [burning, slow, healthy])


def test_the_designs_alert_blocks_and_queries_are_used(tmp_path: Path):
    slo = build_text(CUSTOM, tmp_path)
    group = group_of(slo, "api-availability")
    alerts = alerts_of(group)
    assert [a["labels"]["burn"] for a in alerts] == ["fast", "slow"]  # the design's, not the workbook's four
    fast, slow = alerts
    assert fast["expr"] == (
        '(slo:sli_error:ratio_rate1h{system="shop",slo="api-availability"} > (10 * (1 - 0.999)))'
        ' and (slo:sli_error:ratio_rate5m{system="shop",slo="api-availability"} > (10 * (1 - 0.999)))'
    )
    assert fast["labels"]["severity"] == "page"
    # `alert slow` states no short window: 1/12 of its long one, 1d / 12 = 2h
    assert (slow["labels"]["long_window"], slow["labels"]["short_window"]) == ("1d", "2h")
    assert slow["labels"]["severity"] == "ticket" and "(2 * (1 - 0.999))" in slow["expr"]
    assert "runbook_url" not in fast["annotations"]  # the design names no runbook: none is invented
    records = {r["record"]: r["expr"] for r in group["rules"] if "record" in r}
    assert records["slo:sli_error:ratio_rate1h"] == (
        '(sum(rate(requests_failed_total{job="api"}[1h]))) / (sum(rate(requests_total{job="api"}[1h])))'
    )
    assert set(records) >= {f"slo:sli_error:ratio_rate{w}" for w in ("5m", "1h", "2h", "1d")}
    text = (slo / "prometheus" / "rules.yaml").read_text(encoding="utf-8")
    assert "$window" not in text and "http_requests_total" not in text
    (_, doc) = load_all(slo / "openslo" / "api.yaml")
    ratio = doc["spec"]["indicator"]["spec"]["ratioMetric"]
    assert ratio["bad"]["metricSource"]["spec"]["query"] == 'sum(rate(requests_failed_total{job="api"}[5m]))'
    assert ratio["total"]["metricSource"]["spec"]["query"] == 'sum(rate(requests_total{job="api"}[5m]))'
    done = subprocess.run(
        [promtool(), "check", "rules", str(slo / "prometheus" / "rules.yaml")], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_design_without_slos_gets_only_a_note(tmp_path: Path):
    slo = build_text(MINIMAL, tmp_path)
    assert sorted(p.relative_to(slo).as_posix() for p in slo.rglob("*") if p.is_file()) == ["README.md"]
    text = (slo / "README.md").read_text(encoding="utf-8")
    assert text.startswith("<!-- Generated by designc from ")
    assert "states no SLO" in text and "slo { availability 99.9%" in text


def test_two_builds_are_byte_identical(tmp_path: Path):
    design = EXAMPLES / "payments.design"
    a = build(design, tmp_path / "a", env={"PYTHONHASHSEED": "1"})
    b = build(design, tmp_path / "b", env={"PYTHONHASHSEED": "2"})

    def files(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    assert files(a) == files(b)
    assert len(files(a)) > 3
