"""SEC003: classified data over an unencrypted edge."""

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
  service payments {
    writes ledger { timeout 100ms; auth iam }
  }
  store ledger { engine postgres; data [pci]; encryption_at_rest on }
}
"""

FIXED = FAILING.replace("auth iam }", "auth iam; encryption tls }")


def test_flags_unstated_encryption_to_a_classified_store(check_design):
    (d,) = findings(check_design(FAILING), "SEC003")
    assert d.message == (
        "`payments` writes `ledger` with pci data (`ledger` holds pci) unencrypted: the edge states no encryption "
        "and sql is plaintext unless TLS is turned on"
    )
    assert d.span.line == 4
    assert d.fingerprint == "SEC003:s/service:payments/writes:ledger"
    assert d.severity == "warning"  # unstated, within one region; `encryption none` or crossing regions is an error
    assert "`encryption tls`" in d.hints[0]


def test_fixed_design_is_clean(check_design):
    assert_clean(check_design(FIXED), "SEC003")


def test_mtls_is_encryption(check_design):
    assert_clean(check_design(FAILING.replace("auth iam }", "auth iam; encryption mtls }")), "SEC003")


def test_explicit_encryption_none(check_design):
    (d,) = findings(check_design(FAILING.replace("auth iam }", "auth iam; encryption none }")), "SEC003")
    assert d.message.endswith("unencrypted: the edge says `encryption none`")


def test_encrypted_protocol_needs_no_statement(check_design):
    text = """\
system s {
  region r { zones [a, b] }
  client app { calls api { protocol https; auth jwt; data [pii] } }
  service api { exposure public; calls crm { protocol http; auth mtls; data [pii] } }
  external crm { }
}
"""
    (d,) = findings(check_design(text), "SEC003")
    assert d.fingerprint == "SEC003:s/service:api/calls:crm"
    assert d.message == (
        "`api` calls `crm` with pii data unencrypted: the edge states no encryption and http is plaintext unless TLS "
        "is turned on"
    )


def test_unclassified_edges_are_left_alone(check_design):
    text = """\
system s {
  region r { zones [a, b] }
  service api { reads catalog { protocol sql }; calls search { protocol http; data [public] } }
  store catalog { engine postgres; data [public] }
  service search { }
}
"""
    assert_clean(check_design(text), "SEC003")


def test_call_to_a_service_holding_data_is_not_inferred(check_design):
    text = """\
system s {
  region r { zones [a, b] }
  service api { calls users { protocol grpc; auth mtls } }
  service users { data [pii] }
}
"""
    assert_clean(check_design(text), "SEC003")


def test_cross_region_edge_says_so(check_design):
    text = """\
system s {
  region east { zones [a, b] }
  region west { zones [a, b] }
  service api { placement west; calls scorer { protocol grpc; auth mtls; data [phi] } }
  service scorer { placement east }
}
"""
    (d,) = findings(check_design(text), "SEC003")
    assert d.message == (
        "`api` calls `scorer` with phi data unencrypted, across regions (from `west`): the edge states no encryption "
        "and grpc is plaintext unless TLS is turned on"
    )


def test_consuming_a_classified_stream(check_design):
    text = """\
system s {
  region r { zones [a, b] }
  service worker { consumes events { auth sasl } }
  stream events { engine kafka; data [pii, financial]; encryption_at_rest on }
}
"""
    (d,) = findings(check_design(text), "SEC003")
    assert d.fingerprint == "SEC003:s/service:worker/consumes:events"
    assert "with pii and financial data (`events` holds pii and financial)" in d.message


def test_explicit_encryption_none_is_an_error(check_design):
    (d,) = findings(check_design(FAILING.replace("auth iam }", "auth iam; encryption none }")), "SEC003")
    assert d.severity == "error" and "the edge says `encryption none`" in d.message
