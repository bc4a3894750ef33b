"""SEC001: a data store exposed publicly."""

from __future__ import annotations

from conftest import findings


def assert_clean(checked, code):
    """No finding of `code`, in a design the front end accepted (so a typo cannot make a test pass)."""
    front = [d.message for d in checked.diagnostics if d.code[:3] in ("DEF", "IMP", "INT", "REF", "SYN", "VAL")]
    assert not front, front
    assert findings(checked, code) == []


FAILING = """\
system s {
  region r { zones [a, b, c] }
  service api { exposure public; rate_limit 100 rps; waf on; reads customers { encryption tls; auth iam } }
  store customers { engine postgres; exposure public; data [pii]; encryption_at_rest on }
}
"""

FIXED = FAILING.replace("engine postgres; exposure public;", "engine postgres; exposure internal;")


def test_flags_public_store(check_design):
    (d,) = findings(check_design(FAILING), "SEC001")
    assert d.message == (
        "store `customers` is exposed publicly and holds pii data: anyone who reaches it needs no service in front "
        "to get at its data"
    )
    assert d.span.line == 4
    assert d.fingerprint == "SEC001:s/store:customers"
    assert d.severity == "error"


def test_fixed_design_is_clean(check_design):
    assert_clean(check_design(FIXED), "SEC001")


def test_private_store_is_clean(check_design):
    assert_clean(check_design(FAILING.replace("exposure public; data", "exposure private; data")), "SEC001")


def test_every_data_kind_is_checked(check_design):
    text = """\
system s {
  region r { zones [a, b, c] }
  cache c1 { engine redis; exposure public }
  stream s1 { engine kafka; exposure public }
  queue q1 { engine sqs; exposure public }
  service api { exposure public; waf on; rate_limit 10 rps }
}
"""
    found = findings(check_design(text), "SEC001")
    assert [d.fingerprint for d in found] == ["SEC001:s/cache:c1", "SEC001:s/stream:s1", "SEC001:s/queue:q1"]
    assert found[0].message == (
        "cache `c1` is exposed publicly: anyone who reaches it needs no service in front to get at its data"
    )


def test_public_service_is_not_a_data_store(check_design):
    text = "system s {\n  region r { zones [a] }\n  service api { exposure public }\n}\n"
    assert_clean(check_design(text), "SEC001")


def test_store_declaring_only_public_data_may_be_public(check_design):
    text = "system s {\n  region r { zones [a] }\n  store site { engine s3; exposure public; data [public] }\n}\n"
    assert_clean(check_design(text), "SEC001")
