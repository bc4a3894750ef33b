"""SEC006: a public entrypoint reaching a data store directly."""

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
  service web {
    exposure public
    reads customers { encryption tls; auth iam }
  }
  store customers { engine postgres; data [pii]; encryption_at_rest on }
}
"""

FIXED = """\
system s {
  region r { zones [a, b, c] }
  service web {
    exposure public
    calls customers_api { encryption tls; auth mtls }
  }
  service customers_api { reads customers { encryption tls; auth iam } }
  store customers { engine postgres; data [pii]; encryption_at_rest on }
}
"""


def test_flags_public_service_reading_a_store(check_design):
    (d,) = findings(check_design(FAILING), "SEC006")
    assert d.message == (
        "service `web` is public and reads store `customers` directly: a compromise of `web` reaches the pii data "
        "with nothing in between"
    )
    assert d.span.line == 5
    assert d.fingerprint == "SEC006:s/service:web/reads:customers"
    assert d.severity == "warning"


def test_fixed_design_is_clean(check_design):
    assert_clean(check_design(FIXED), "SEC006")


def test_client_writing_a_store_directly(check_design):
    text = """\
system s {
  region r { zones [a, b] }
  client app { writes uploads { protocol https; auth iam } }
  store uploads { engine s3 }
}
"""
    (d,) = findings(check_design(text), "SEC006")
    assert d.fingerprint == "SEC006:s/client:app/writes:uploads"
    assert d.message.startswith("client `app` is a client and writes store `uploads` directly")


def test_service_called_by_a_client_is_an_entrypoint(check_design):
    text = """\
system s {
  region r { zones [a, b] }
  client app { calls bff { protocol https; auth jwt } }
  service bff { publishes events { auth sasl }; writes sessions { auth iam } }
  stream events { engine kafka }
  cache sessions { engine redis }
}
"""
    found = findings(check_design(text), "SEC006")
    assert [d.fingerprint for d in found] == [
        "SEC006:s/service:bff/publishes:events",
        "SEC006:s/service:bff/writes:sessions",
    ]
    assert found[0].message.startswith("service `bff` is called by clients and publishes stream `events` directly")


def test_unclassified_data_is_a_gap_not_a_problem(check_design):
    # nothing says the store holds anything sensitive: whether the direct path matters cannot be judged
    text = FAILING.replace("data [pii]; ", "")
    (d,) = findings(check_design(text), "SEC006")
    assert d.gap is not None and "declares no data class" in d.message
    assert any("`data [public]`" in h for h in d.hints)
    assert findings(check_design(text, profile="review"), "SEC006") == []
    assert_clean(check_design(FAILING.replace("data [pii]", "data [public]")), "SEC006")


def test_a_managed_or_external_edge_reading_its_origin_is_the_providers_integration(check_design):
    text = """\
system s {
  region r { zones [a, b, c] }
  client user { calls cdn { protocol https } }
  KIND cdn { ATTRS reads assets { protocol https } }
  store assets { engine s3; data [pii] }
}
"""
    failing = check_design(text.replace("KIND", "service").replace("ATTRS", "exposure public;"))
    assert [d.fingerprint for d in findings(failing, "SEC006")] == ["SEC006:s/service:cdn/reads:assets"]
    for kind, attrs in (("service", "exposure public; managed aws;"), ("external", "")):
        fixed = check_design(text.replace("KIND", kind).replace("ATTRS", attrs))
        assert_clean(fixed, "SEC006")
