"""SEC007: an edge crossing a trust boundary without authentication."""

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
    trust_boundary dmz
    calls orders { protocol grpc; encryption tls }
  }
  service orders { trust_boundary core }
}
"""

FIXED = FAILING.replace("encryption tls }", "encryption tls; auth mtls }")


def test_flags_unauthenticated_call_between_boundaries(check_design):
    (d,) = findings(check_design(FAILING), "SEC007")
    assert d.message == (
        "`web` calls `orders` across a trust boundary (from trust boundary `dmz` to trust boundary `core`) and the "
        "edge states no authentication"
    )
    assert d.span.line == 6
    assert d.fingerprint == "SEC007:s/service:web/calls:orders"
    assert d.severity == "warning"


def test_fixed_design_is_clean(check_design):
    assert_clean(check_design(FIXED), "SEC007")


def test_explicit_auth_none_between_services_is_flagged(check_design):
    (d,) = findings(check_design(FAILING.replace("encryption tls }", "encryption tls; auth none }")), "SEC007")
    assert d.message.endswith("and the edge says `auth none`")


def test_unset_boundaries_are_one_internal_network(check_design):
    text = FAILING.replace("    trust_boundary dmz\n", "").replace(" trust_boundary core ", " ")
    text = text.replace("exposure public", "exposure internal")
    assert_clean(check_design(text), "SEC007")


def test_unset_boundary_vs_named_boundary_crosses(check_design):
    (d,) = findings(check_design(FAILING.replace(" trust_boundary core ", " ")), "SEC007")
    assert "(from trust boundary `dmz` to the internal network)" in d.message


def test_public_tier_reaching_inward_crosses(check_design):
    text = FAILING.replace("    trust_boundary dmz\n", "").replace(" trust_boundary core ", " ")
    (d,) = findings(check_design(text), "SEC007")
    assert "(from public `web` to internal `orders`)" in d.message


def test_calls_to_externals_cross(check_design):
    text = """\
system s {
  region r { zones [a, b] }
  service push { calls apns { encryption tls } }
  external apns { }
}
"""
    (d,) = findings(check_design(text), "SEC007")
    assert d.message == (
        "`push` calls `apns` across a trust boundary (from the internal network to outside the system) and the edge "
        "states no authentication"
    )


def test_anonymous_public_endpoint_is_allowed_when_declared(check_design):
    text = """\
system s {
  region r { zones [a, b] }
  client browser { calls web { protocol https; auth none } }
  service web { exposure public; waf on; rate_limit 50 rps per ip }
}
"""
    assert_clean(check_design(text), "SEC007")
    (d,) = findings(check_design(text.replace("; auth none }", " }")), "SEC007")
    assert d.fingerprint == "SEC007:s/client:browser/calls:web"
    assert d.message == (
        "`browser` calls `web` across a trust boundary (from outside the system to the system's public tier) and the "
        "edge states no authentication"
    )
    assert d.hints[-1] == (
        "or, if it is anonymous on purpose (static content, a landing page) and carries no classified data, say so: "
        "`auth none`"
    )
    (d,) = findings(check_design(text.replace("auth none }", "auth none; data [pii] }")), "SEC007")
    assert d.message.endswith("and the edge says `auth none`")


def test_a_managed_proxy_forwarding_to_its_backends_is_left_alone(check_design):
    text = """\
system s {
  region r { zones [a, b] }
  client browser { calls lb { protocol https; auth jwt } }
  service lb { exposure public; managed aws; waf on; rate_limit 50 rps per ip; calls web { protocol http } }
  service web { replicas 2; reads db { auth iam } }
  store db { engine postgres }
}
"""
    assert_clean(check_design(text), "SEC007")
    # a proxy of the team's own is judged as any public service reaching inward
    (d,) = findings(check_design(text.replace("managed aws; ", "")), "SEC007")
    assert d.message == (
        "`lb` calls `web` across a trust boundary (from public `lb` to internal `web`) and the edge states no "
        "authentication"
    )
    assert len(d.hints) == 1  # not a client: no `auth none` hint
