"""Rules that close the best-practice coverage: SCL003, SCL004, DR003, OPS004, OPS005, SEC011, SEC012."""

from __future__ import annotations

from conftest import findings


def design(body: str, requirements: str = "") -> str:
    return f"system s {{\n  requirements {{ {requirements} }}\n  region r {{ zones [a, b, c] }}\n{body}}}\n"


def test_scl003_range_without_autoscale(check_design):
    body = "  service api { exposure public; replicas 3..30 }\n"
    (d,) = findings(check_design(design(body)), "SCL003")
    assert d.message == "service `api` does not scale automatically: its replicas range 3..30 has no scaling signal"
    assert d.span.line == 4 and d.fingerprint == "SCL003:s/service:api"
    assert findings(check_design(design(body.replace("}", "; autoscale cpu 65% }", 1))), "SCL003") == []


def test_scl003_variable_load(check_design):
    body = "  service api { exposure public; replicas 4 }\n"
    r = check_design(design(body, "peak_load 5000 rps; sustained_load 1000 rps"))
    (d,) = findings(r, "SCL003")
    assert "peak load (5000 rps) is above sustained load (1000 rps)" in d.message
    assert findings(check_design(design(body, "peak_load 5000 rps; sustained_load 5000 rps")), "SCL003") == []


def test_scl003_gives_a_services_own_load_where_flows_say_it(check_design):
    body = """\
  client u { calls api { timeout 1s } }
  service api { exposure public; replicas 4; calls orders { timeout 100ms } }
  service orders { replicas 2 }
  flow browse { rate 4500 rps; route [u, api] }
  flow order { rate 500 rps; route [u, api, orders] }
"""
    r = check_design(design(body, "peak_load 5000 rps; sustained_load 1000 rps"))
    by = {d.fingerprint: d.message for d in findings(r, "SCL003")}
    assert by["SCL003:s/service:api"].endswith("peak load (5000 rps) is above sustained load (1000 rps)")
    assert by["SCL003:s/service:orders"].endswith(
        "its load varies with the system's, from about 100 rps sustained to 500 rps at peak (its flows)"
    )


def test_scl004_external_quota_below_peak(check_design):
    body = """\
  service api { exposure public; calls bank { timeout 1s } }
  external bank { rate_limit 2000 rps }
"""
    (d,) = findings(check_design(design(body, "peak_load 5000 rps")), "SCL004")
    assert (
        d.message
        == "`bank` accepts at most 2000 rps, below the peak load of 5000 rps that reaches it through entrypoint `api`"
    )
    assert d.fingerprint == "SCL004:s/external:bank"
    assert findings(check_design(design(body, "peak_load 1500 rps")), "SCL004") == []
    soft = body.replace("timeout 1s", "timeout 1s; fallback queue")
    assert findings(check_design(design(soft, "peak_load 5000 rps")), "SCL004") == []


def test_dr003_data_without_objectives(check_design):
    body = "  store db { engine postgres }\n"
    (d,) = findings(check_design(design(body)), "DR003")
    assert d.message == "system `s` keeps data (in `db`) but states no rpo or rto"
    assert d.span.line == 1
    assert findings(check_design(design(body, "rpo 5m; rto 1h")), "DR003") == []
    (d,) = findings(check_design(design(body, "rpo 5m")), "DR003")
    assert d.message.endswith("states no rto")


def test_ops004_no_health_check(check_design):
    body = "  service api { exposure public; replicas 3 }\n"
    (d,) = findings(check_design(design(body)), "OPS004")
    assert d.message == (
        "service `api` runs 3 replicas but declares no health check, so an impaired replica keeps its share of traffic"
    )
    fixed = body.replace("replicas 3", 'replicas 3; health_check http "/ready"')
    assert findings(check_design(design(fixed)), "OPS004") == []
    assert findings(check_design(design(body.replace("replicas 3", "replicas 1"))), "OPS004") == []


def test_ops005_deployment(check_design):
    body = "  service api { exposure public; deploy recreate }\n"
    (d,) = findings(check_design(design(body)), "OPS005")
    assert d.message == "service `api` deploys by `recreate`: every release takes it down"
    canary = body.replace("deploy recreate", "deploy canary [5%, 100%]")
    (d,) = findings(check_design(design(canary)), "OPS005")
    assert d.message == "service `api` deploys by canary without automatic rollback"
    fixed = body.replace("deploy recreate", "deploy canary [5%, 100%] { rollback automatic }")
    assert findings(check_design(design(fixed)), "OPS005") == []
    (d,) = findings(check_design(design("  service api { exposure public }\n")), "OPS005")
    assert d.message == "service `api` states no deployment strategy"


def test_sec011_keys(check_design):
    body = "  store db { data [pci]; encryption_at_rest on }\n"
    (d,) = findings(check_design(design(body)), "SEC011")
    assert d.message == "store `db` encrypts pci data at rest but states no key management"
    assert findings(check_design(design(body.replace("on }", "on; kms aws_kms }"))), "SEC011") == []


def test_sec012_retention(check_design):
    body = "  store db { data [pii] }\n"
    (d,) = findings(check_design(design(body)), "SEC012")
    assert d.message == "store `db` holds pii data with no retention stated"
    assert findings(check_design(design(body.replace("}", "; retention 730d }"))), "SEC012") == []


def test_scl004_rate_limited_calls_bound_what_arrives(check_design):
    body = """\
  service api { exposure public; calls bank { timeout 1s; rate_limit 50 rps } }
  external bank { rate_limit 100 rps }
"""
    assert findings(check_design(design(body, "peak_load 1000 rps")), "SCL004") == []
