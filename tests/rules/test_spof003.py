"""SPOF003: a non-redundant component every entrypoint needs."""

from __future__ import annotations

from conftest import findings

FAILING = """\
system s {
  region r { zones [a, b, c] }
  service web { exposure public; replicas 3; calls auth { timeout 50ms } }
  service api { exposure public; replicas 3; calls auth { timeout 50ms }; calls orders { timeout 50ms } }
  service orders { replicas 3; calls auth { timeout 50ms } }
  service auth { replicas 1 }
}
"""

FIXED = FAILING.replace("service auth { replicas 1 }", "service auth { replicas 3 }")


def test_flags_a_lone_component_every_entrypoint_needs(check_design):
    (d,) = findings(check_design(FAILING), "SPOF003")
    assert d.message == (
        "service `auth` can run one replica (replicas 1), and all 2 entrypoints need it: its loss takes down "
        "entrypoints `web` and `api`"
    )
    assert d.span.line == 6
    assert d.fingerprint == "SPOF003:s/service:auth"
    assert [n.message for n in d.notes] == [
        "entrypoint `web` needs `auth` to answer",
        "entrypoint `api` needs `auth` to answer",
    ]


def test_fixed_design_is_clean(check_design):
    assert findings(check_design(FIXED), "SPOF003") == []


def test_redundant_shared_component_is_not_reported(check_design):
    # a shared dependency with three replicas over three zones: shared, but not a single point of failure
    r = check_design(FIXED)
    assert findings(r, "SPOF003") == [] and findings(r, "SPOF001") == []


def test_shared_component_in_one_zone(check_design):
    (d,) = findings(
        check_design(FIXED.replace("service auth { replicas 3 }", "service auth { replicas 3; placement r [b] }")),
        "SPOF003",
    )
    assert d.message.startswith("service `auth` has every copy in one zone (zone `b` of `r`), and all 2 entrypoints")


def test_one_entrypoint_is_spof001s_business(check_design):
    text = FAILING.replace("service web { exposure public; replicas 3; calls auth { timeout 50ms } }\n", "")
    r = check_design(text)
    assert findings(r, "SPOF003") == []
    assert len(findings(r, "SPOF001")) == 1


def test_not_shared_when_one_entrypoint_avoids_it(check_design):
    r = check_design(
        FAILING.replace(
            "service web { exposure public; replicas 3; calls auth { timeout 50ms } }",
            "service web { exposure public; replicas 3 }",
        )
    )
    assert findings(r, "SPOF003") == []
    assert len(findings(r, "SPOF001")) == 1


def test_shared_entrypoint_itself(check_design):
    # `api` is an entrypoint that `web` also needs: its single replica takes both down
    text = """\
system s {
  region r { zones [a, b, c] }
  service web { exposure public; replicas 3; calls api { timeout 50ms } }
  service api { exposure public; replicas 1 }
}
"""
    (d,) = findings(check_design(text), "SPOF003")
    assert d.fingerprint == "SPOF003:s/service:api"
