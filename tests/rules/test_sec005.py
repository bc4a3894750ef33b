"""SEC005: classified data stored without encryption at rest."""

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
  service api { publishes events { encryption tls; auth sasl } }
  stream events { engine kafka; data [pii] }
  service worker { consumes events { encryption tls; auth sasl } }
}
"""

FIXED = FAILING.replace("data [pii] }", "data [pii]; encryption_at_rest on }")


def test_flags_unencrypted_classified_stream(check_design):
    (d,) = findings(check_design(FAILING), "SEC005")
    assert d.message == "stream `events` holds pii data and its encryption at rest is not stated"
    assert d.span.line == 4
    assert d.fingerprint == "SEC005:s/stream:events"
    assert d.severity == "warning"


def test_fixed_design_is_clean(check_design):
    assert_clean(check_design(FIXED), "SEC005")


def test_encryption_turned_off(check_design):
    (d,) = findings(check_design(FAILING.replace("data [pii] }", "data [pii]; encryption_at_rest off }")), "SEC005")
    assert d.message == "stream `events` holds pii data and its encryption at rest is off"


def test_unclassified_data_needs_no_encryption(check_design):
    assert_clean(check_design(FAILING.replace("data [pii]", "data [public]")), "SEC005")
    assert_clean(check_design(FAILING.replace("data [pii]", "tags [x]")), "SEC005")


def test_stdlib_kinds_that_encrypt_are_clean(check_design):
    text = """\
import "stdlib/aws"
system s {
  region r { zones [a, b, c] }
  store ledger is aurora_postgres { data [pci, pii] }
  queue jobs is sqs_queue { data [phi] }
  cache sessions { engine redis; data [secret] }
}
"""
    (d,) = findings(check_design(text), "SEC005")
    assert d.fingerprint == "SEC005:s/cache:sessions"
    assert d.message == "cache `sessions` holds secret data and its encryption at rest is not stated"


def test_services_are_not_storage(check_design):
    text = "system s {\n  region r { zones [a] }\n  service api { data [pii] }\n}\n"
    assert_clean(check_design(text), "SEC005")
