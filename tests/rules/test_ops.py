"""Operations: OPS001 (burn-rate alerting), OPS002 (entrypoint SLO), OPS003 (fallback failure domain)."""

from __future__ import annotations

from conftest import findings


def design(body: str) -> str:
    return f"system s {{\n  region r {{ zones [a, b, c] }}\n{body}}}\n"


def test_ops001_slo_too_low_for_a_page(check_design):
    body = "  service batch { slo { availability 90% } }\n"
    (d,) = findings(check_design(design(body)), "OPS001")
    assert d.message == (
        "`batch`'s availability SLO of 90% leaves a 10% error budget: a 14.4x burn-rate page would need an error "
        "rate of 144%, so it can never fire"
    )
    assert d.span.line == 3 and d.fingerprint == "OPS001:s/service:batch"
    assert findings(check_design(design(body.replace("90%", "99%"))), "OPS001") == []


def test_ops001_declared_alert_that_cannot_fire(check_design):
    body = "  service api { slo { availability 95%; alert fast { burn_rate 20; long 1h; short 5m } } }\n"
    (d,) = findings(check_design(design(body)), "OPS001")
    assert (
        d.message
        == "alert `fast` of `api` needs an error rate of 100% to fire (burn rate 20 x budget 5%), so it never fires"
    )
    assert d.fingerprint == "OPS001:s/service:api/alert:fast"
    assert findings(check_design(design(body.replace("burn_rate 20", "burn_rate 6"))), "OPS001") == []


def test_ops002_entrypoint_without_slo(check_design):
    body = "  service api { exposure public }\n  client web { calls site { timeout 1s } }\n  service site {}\n"
    r = check_design(design(body))
    assert sorted(d.message for d in findings(r, "OPS002")) == [
        "entrypoint `api` has no SLO",
        "entrypoint `site` has no SLO",
    ]
    fixed = body.replace("exposure public }", "exposure public; slo { availability 99.9% } }").replace(
        "service site {}", "service site { slo { latency p99 200ms } }"
    )
    assert findings(check_design(design(fixed)), "OPS002") == []


def test_ops003_fallback_that_shares_a_database(check_design):
    body = """\
  service api { calls quotes { timeout 200ms; circuit_breaker on; fallback cache via quote_cache } }
  service quotes { calls db { timeout 50ms } }
  cache quote_cache { calls db { timeout 50ms } }
  store db { engine postgres }
"""
    (d,) = findings(check_design(design(body)), "OPS003")
    assert d.message == (
        "the fallback of `api` calls `quotes` fails with it: `quote_cache` and `quotes` both depend on `db`"
    )
    assert d.fingerprint == "OPS003:s/service:api/calls:quotes"
    fixed = body.replace("cache quote_cache { calls db { timeout 50ms } }", "cache quote_cache { ttl 5m }")
    assert findings(check_design(design(fixed)), "OPS003") == []


def test_ops003_fallback_to_itself(check_design):
    body = "  service api { calls q { timeout 1s; fallback failover via q } }\n  service q {}\n"
    (d,) = findings(check_design(design(body)), "OPS003")
    assert "the fallback is `q` itself" in d.message
