"""Availability and latency budgets, timeouts, retries, breakers, cycles: AVL, LAT, TMO, RTY, CBR, CYC."""

from __future__ import annotations

import pytest

from conftest import findings


def design(body: str, requirements: str = "") -> str:
    return f"system s {{\n  requirements {{ {requirements} }}\n  region r {{ zones [a, b, c] }}\n{body}}}\n"


# --- AVL001 ---------------------------------------------------------------------------------------------------

DIAMOND = """\
  service api {
    exposure public
    calls left { timeout 100ms }
    calls right { timeout 100ms }
    slo { availability 99.9% }
  }
  service left { calls db { timeout 50ms } }
  service right { calls db { timeout 50ms } }
  store db { availability 99.95% source "test" }
"""


def test_avl001_counts_a_shared_dependency_once(check_design):
    # a diamond reaches db twice; db counts once, so 99.95% meets 99.9% and there is no finding
    assert findings(check_design(design(DIAMOND)), "AVL001") == []


def test_avl001_flags_a_product_below_the_objective(check_design):
    body = DIAMOND.replace("service right { calls db", "service right { calls db2").replace(
        'store db { availability 99.95% source "test" }',
        'store db { availability 99.95% source "test" }\n  store db2 { availability 99.95% source "test" }',
    )
    r = check_design(design(body, "availability 99.95%"))
    (d,) = findings(r, "AVL001")
    assert d.message == "`api` can be at most 99.900025% available, below the system's requirement of 99.95%"
    assert d.span.line == 4
    assert any("the product of 2 x 99.95% (db, db2) is 99.900025%" in h for h in d.hints)
    assert any("`left`" in h and "`right`" in h and "always up" in h for h in d.hints)
    assert d.fingerprint == "AVL001:s/service:api"


def test_avl001_soft_dependencies_do_not_count(check_design):
    body = """\
  service api { exposure public; calls db { timeout 50ms; fallback cache }; slo { availability 99.99% } }
  store db { availability 99.5% source "test" }
"""
    assert findings(check_design(design(body)), "AVL001") == []
    hard = body.replace("; fallback cache", "")
    (d,) = findings(check_design(design(hard)), "AVL001")
    assert "at most 99.5% available, below its SLO of 99.99%" in d.message


def test_avl001_instances_combine_over_zones(check_design):
    body = """\
  service api { exposure public; calls db { timeout 50ms }; slo { availability 99.99% } }
  store db { instance_availability 99%; replicas 3; placement r [a, b, c] }
"""
    # 1 - 0.01^3 = 99.9999%: enough
    assert findings(check_design(design(body)), "AVL001") == []
    one_zone = body.replace("placement r [a, b, c]", "placement r [a]")
    (d,) = findings(check_design(design(one_zone)), "AVL001")
    assert "at most 99% available" in d.message


# --- AVL002 ---------------------------------------------------------------------------------------------------


def test_avl002_extra_nine(check_design):
    body = """\
  service api { calls db { timeout 50ms }; slo { availability 99.99% } }
  store db { availability 99.99% source "Aurora SLA" }
"""
    (d,) = findings(check_design(design(body)), "AVL002")
    assert d.message == (
        "`db` (99.99%) is a hard dependency of `api`, whose objective is 99.99%: it should be at least 99.999%"
    )
    assert d.span.line == 4
    assert d.fingerprint == "AVL002:s/service:api"
    assert d.severity == "warning"  # the team runs `db`: it can be made more available
    fixed = body.replace("availability 99.99% source", "availability 99.999% source")
    assert findings(check_design(design(fixed)), "AVL002") == []


MANAGED_DEPENDENCIES = """  service api {
    reads orders { timeout 50ms }
    reads users { timeout 50ms }
    calls stripe { timeout 500ms }
    calls ledger { timeout 50ms }
    slo { availability 99.95% }
  }
  store orders { managed aws; availability 99.99% source "Aurora SLA" }
  store users { managed aws; availability 99.99% source "Aurora SLA" }
  store ledger { managed aws; availability 99.995% source "DSQL SLA" }
  external stripe { availability 99.99% source "Stripe SLA" }
"""


def test_avl002_one_finding_per_dependent_and_a_note_at_a_providers_sla(check_design):
    """Dependencies a provider runs at its stated SLA cannot be made more available by the team: one note for the
    dependent, saying what they cost together (AVL001 judges whether the objective still holds)."""
    (d,) = findings(check_design(design(MANAGED_DEPENDENCIES)), "AVL002")
    assert d.severity == "info"
    assert d.message == (
        "3 hard dependencies of `api`, whose objective is 99.95%, lack the extra nine (each should be at least "
        "99.995%): `orders`, `users` and `stripe` at 99.99%"
    )
    assert d.fingerprint == "AVL002:s/service:api" and d.span.line == 4
    assert [n.message for n in d.notes] == [
        f"`{n}` 99.99%: 20% of the error budget" for n in ("orders", "users", "stripe")
    ]
    assert d.hints[0] == "together they use 60% of `api`'s error budget (its SLO: 99.95%)"
    assert d.hints[1].startswith("`orders`, `users` and `stripe` are at their provider's SLA, which the team cannot")
    assert len(d.hints) == 2
    # one the team runs among them: a warning, with both fixes
    own = MANAGED_DEPENDENCIES.replace("store users { managed aws; ", "store users { ")
    (d,) = findings(check_design(design(own)), "AVL002")
    assert d.severity == "warning" and len(d.hints) == 3


# --- LAT001, LAT002 ---------------------------------------------------------------------------------------------


def test_lat001_p99_chain_above_objective(check_design):
    body = """\
  service api { exposure public; calls pay { timeout 1s }; slo { latency p99 300ms } }
  service pay { calls bank { timeout 900ms } }
  external bank { latency p99 400ms }
"""
    (d,) = findings(check_design(design(body)), "LAT001")
    # `api` and `pay` state no latency: 400ms is a lower bound, and already a miss
    assert d.message == "the p99 latency along `api -> pay -> bank` is at least 400ms, above its SLO of 300ms"
    assert d.fingerprint == "LAT001:s/service:api"
    known = body.replace("service api {", "service api { latency p99 10ms;").replace(
        "service pay {", "service pay { latency p99 10ms;"
    )
    (d,) = findings(check_design(design(known)), "LAT001")
    assert d.message == "the p99 latency along `api -> pay -> bank` is 420ms, above its SLO of 300ms"
    fixed = body.replace("latency p99 400ms", "latency p99 200ms")
    r = check_design(design(fixed))
    assert findings(r, "LAT001") == []
    # the timeouts still let api wait 1 s, above its 300 ms objective
    (w,) = findings(r, "LAT002")
    assert w.message == "`api` may wait 1s on its dependencies before a timeout fires, above its SLO of 300ms"
    assert findings(check_design(design(fixed.replace("timeout 1s", "timeout 250ms"))), "LAT002") == []


def test_lat001_timeout_caps_a_slow_callee(check_design):
    body = """\
  service api { exposure public; calls bank { timeout 100ms }; slo { latency p99 300ms } }
  external bank { latency p99 2s }
"""
    assert findings(check_design(design(body)), "LAT001") == []


def test_lat001_uses_the_system_requirement_for_entrypoints(check_design):
    body = """\
  service api { exposure public; calls bank { timeout 900ms } }
  external bank { latency p99 500ms }
"""
    (d,) = findings(check_design(design(body, "latency p99 200ms")), "LAT001")
    assert "above the system's requirement of 200ms" in d.message


# --- TMO001, TMO002 ---------------------------------------------------------------------------------------------


def test_tmo001_missing_timeout(check_design):
    body = "  service api { calls db }\n  store db { engine postgres }\n"
    (d,) = findings(check_design(design(body)), "TMO001")
    assert d.message == "`api` calls `db` synchronously with no timeout"
    assert d.span.line == 4 and d.fingerprint == "TMO001:s/service:api/calls:db"
    assert findings(check_design(design(body.replace("calls db", "calls db { timeout 1s }"))), "TMO001") == []
    # asynchronous edges need none
    assert findings(check_design(design(body.replace("calls db", "calls db { mode async }"))), "TMO001") == []


def test_tmo002_caller_gives_up_first(check_design):
    body = """\
  service api { calls pay { timeout 500ms } }
  service pay { calls bank { timeout 2s; retries 1 } }
  external bank {}
"""
    (d,) = findings(check_design(design(body)), "TMO002")
    assert d.message == "`api` waits 500ms for `pay`, which may itself wait 4s on `bank`"
    assert d.notes and d.notes[0].span.line == 5
    fixed = body.replace("timeout 500ms", "timeout 5s")
    assert findings(check_design(design(fixed)), "TMO002") == []


# --- RTY001 -------------------------------------------------------------------------------------------------------


def test_rty001_retry_amplification(check_design):
    body = """\
  service a { calls b { timeout 9s; retries 2 } }
  service b { calls c { timeout 3s; retries 2 } }
  service c { calls d { timeout 1s; retries 1 } }
  service d {}
"""
    r = check_design(design(body))
    (d,) = findings(r, "RTY001")  # reported once, at the top of the chain
    assert d.message == (
        "one request from `a` can reach the bottom of its chain 18 times when it fails there "
        "(attempts multiply along the chain; limit 10)"
    )
    fixed = body.replace("retries 2 } }\n  service b", "retries 0 } }\n  service b")
    assert findings(check_design(design(fixed)), "RTY001") == []


# --- CBR001 -------------------------------------------------------------------------------------------------------


def test_cbr001_external_and_cross_region_calls(check_design):
    body = """\
  region r2 { zones [a] }
  service api { placement r; calls bank { timeout 2s }; calls far { timeout 1s } }
  service far { placement r2 }
  external bank {}
"""
    r = check_design(design(body))
    msgs = sorted(d.message for d in findings(r, "CBR001"))
    assert msgs == [
        "`api` calls `bank` synchronously with no circuit breaker: `bank` is an external dependency",
        "`api` calls `far` synchronously with no circuit breaker: `far` lives in r2, `api` in r",
    ]
    fixed = body.replace("timeout 2s", "timeout 2s; circuit_breaker on").replace(
        "timeout 1s", "timeout 1s; circuit_breaker on"
    )
    assert findings(check_design(design(fixed)), "CBR001") == []


# --- CYC001 -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("asynchronous", [False, True])
def test_cyc001_sync_cycle(check_design, asynchronous):
    mode = "; mode async" if asynchronous else ""
    body = f"""\
  service a {{ calls b {{ timeout 1s }} }}
  service b {{ calls c {{ timeout 1s }} }}
  service c {{ calls a {{ timeout 1s{mode} }} }}
"""
    found = findings(check_design(design(body)), "CYC001")
    if asynchronous:
        assert found == []
    else:
        (d,) = found
        assert d.message == "synchronous call cycle among `a`, `b`, `c`"
        assert d.fingerprint == "CYC001:s/service:a/cycle"
        assert len(d.notes) == 3


def test_rty001_reported_once_at_the_top_of_a_chain(check_design):
    body = """\
  service gw { calls a { timeout 10s } }
  service a { calls b { timeout 1s; retries 3 } }
  service b { calls c { timeout 100ms; retries 3 } }
  service c {}
"""
    (d,) = findings(check_design(design(body)), "RTY001")
    assert "from `gw`" in d.message and "16 times" in d.message


def test_avl002_with_a_100_percent_objective_does_not_crash(check_design):
    body = """\
  service api { calls db { timeout 50ms }; slo { availability 100% } }
  store db { availability 99.9% source "test" }
"""
    r = check_design(design(body))
    assert "INT001" not in r.codes
    # one root cause: AVL001 on `api` carries AVL002's finding on its edge as a note, and its hints
    assert findings(r, "AVL002") == []
    (d,) = findings(r, "AVL001")
    assert any(n.message.startswith("AVL002: `db` (99.9%) is a hard dependency of `api`") for n in d.notes)
    assert any("leaves no error budget" in h for h in d.hints)


def test_a_deep_chain_is_summarised_not_listed(check_design):
    n = 60
    body = "".join(
        f"  service s{i} {{ calls s{i + 1} {{ timeout {2000 - i}ms }}; slo {{ latency p99 1ms }} }}\n" for i in range(n)
    )
    body += f"  external s{n} {{ latency p99 50ms }}\n"
    r = check_design(design(body))
    d = next(x for x in findings(r, "LAT001") if "`s0 ->" in x.message)
    assert "-> ... ->" in d.message and len(d.message) < 200


def test_a_read_through_cache_answers_its_hits_without_its_origin(check_design):
    """A CDN in front of an object store: the origin fails only the misses, so it is not a hard dependency of the
    cache (AVL001, AVL002); with `criticality hard` on the fetch it is."""
    text = """\
system s {
  requirements { availability 99.9% }
  region r { zones [a, b, c] }
  client users { calls cdn { protocol https } }
  cache cdn {
    exposure public
    data [public]
    availability 99.9%
    caches origin
    reads origin { timeout 1s }
  }
  store origin { availability 99.9% }
}
"""
    assert findings(check_design(text), "AVL001") == [] and findings(check_design(text), "AVL002") == []
    hard = text.replace("reads origin { timeout 1s }", "reads origin { timeout 1s; criticality hard }")
    (d,) = findings(check_design(hard), "AVL001")
    assert d.message.startswith("`cdn` can be at most 99.8001% available")
