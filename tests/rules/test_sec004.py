"""SEC004: a public entrypoint with no rate limit."""

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
  client app { calls api { protocol https; auth jwt } }
  service api {
    exposure public
    waf on
  }
}
"""

FIXED = FAILING.replace("waf on", "waf on\n    rate_limit 100 rps per client")


def test_flags_public_service_without_rate_limit(check_design):
    (d,) = findings(check_design(FAILING), "SEC004")
    assert d.message == "service `api` is public but has no rate limit: one caller can take all of its capacity"
    assert d.span.line == 4
    assert d.fingerprint == "SEC004:s/service:api"
    assert d.severity == "warning"


def test_fixed_design_is_clean(check_design):
    assert_clean(check_design(FIXED), "SEC004")


def test_internal_service_called_by_a_client_is_an_entrypoint(check_design):
    (d,) = findings(check_design(FAILING.replace("exposure public", "exposure internal")), "SEC004")
    assert d.message == (
        "service `api` is called by client `app` but has no rate limit: one caller can take all of its capacity"
    )


def test_a_limit_on_the_clients_edge_does_not_count(check_design):
    text = FAILING.replace("auth jwt }", "auth jwt; rate_limit 10 rps }")
    assert len(findings(check_design(text), "SEC004")) == 1


def test_internal_services_need_no_limit(check_design):
    text = """\
system s {
  region r { zones [a, b] }
  service api { exposure public; waf on; rate_limit 50 rps; calls orders { auth mtls } }
  service orders { }
}
"""
    assert_clean(check_design(text), "SEC004")


MANAGED = """\
system s {
  region r { zones [a, b, c] }
  client user { calls cdn { protocol https }; calls lb { protocol https } }
  service cdn { exposure public; managed aws; reads assets { protocol https } }
  store assets { engine s3 }
  service lb { exposure public; managed aws; calls web { protocol http } }
  service web { replicas 2..6 }
}
"""


def test_a_managed_edge_is_reported_for_what_it_passes_on_to(check_design):
    # a managed CDN over a managed bucket: nothing of the team's to protect; a managed load balancer in front of
    # the team's web tier: the flood reaches `web`, and the message says so
    (d,) = findings(check_design(MANAGED), "SEC004")
    assert d.fingerprint == "SEC004:s/service:lb"
    assert d.message == (
        "managed service `lb` is public and scales itself, but passes every request on to `web` with no rate limit"
        " on the way: one caller can take all of its capacity"
    )
    assert_clean(
        check_design(MANAGED.replace("service web { ", "service web { rate_limit 50 rps per client; ")), "SEC004"
    )
