"""SEC008: a public web entrypoint with no WAF."""

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
  client browser { calls web { protocol https; encryption tls; auth jwt } }
  service web {
    exposure public
    rate_limit 50 rps per ip
  }
}
"""

FIXED = FAILING.replace("rate_limit 50 rps per ip", "rate_limit 50 rps per ip\n    waf on")


def test_flags_public_web_service_without_waf(check_design):
    (d,) = findings(check_design(FAILING), "SEC008")
    assert d.message == "service `web` is public but has no web application firewall in front"
    assert d.span.line == 4
    assert d.fingerprint == "SEC008:s/service:web"
    assert d.severity == "warning"


def test_fixed_design_is_clean(check_design):
    assert_clean(check_design(FIXED), "SEC008")


def test_waf_off_is_flagged(check_design):
    assert len(findings(check_design(FAILING.replace("per ip", "per ip\n    waf off")), "SEC008")) == 1


def test_internal_service_called_by_a_client_over_http(check_design):
    (d,) = findings(check_design(FAILING.replace("exposure public", "exposure internal")), "SEC008")
    assert (
        d.message
        == "service `web` is called by client `browser` over https but has no web application firewall in front"
    )


def test_public_service_without_web_protocols_is_left_alone(check_design):
    text = """\
system s {
  region r { zones [a, b] }
  client device { calls broker { protocol mqtts; auth mtls } }
  service broker { exposure public; rate_limit 10 rps per client }
}
"""
    assert_clean(check_design(text), "SEC008")


def test_public_service_with_unknown_protocol_is_assumed_web(check_design):
    text = "system s {\n  region r { zones [a] }\n  service web { exposure public }\n}\n"
    (d,) = findings(check_design(text), "SEC008")
    assert d.fingerprint == "SEC008:s/service:web"
