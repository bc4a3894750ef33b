"""SEC002: residency-bound data outside the allowed regions."""

from __future__ import annotations

from conftest import findings


def assert_clean(checked, code):
    """No finding of `code`, in a design the front end accepted (so a typo cannot make a test pass)."""
    front = [d.message for d in checked.diagnostics if d.code[:3] in ("DEF", "IMP", "INT", "REF", "SYN", "VAL")]
    assert not front, front
    assert findings(checked, code) == []


FAILING = """\
system s {
  requirements { residency pii [eu] }
  region eu { zones [a, b, c] }
  region us { zones [a, b, c] }
  service api {
    placement eu
    writes profiles { encryption tls; auth iam }
  }
  store profiles { engine postgres; data [pii]; encryption_at_rest on }
}
"""

FIXED = FAILING.replace("data [pii]; encryption_at_rest on }", "data [pii]; encryption_at_rest on; placement eu }")


def test_flags_store_placed_outside_allowed_regions(check_design):
    (d,) = findings(check_design(FAILING), "SEC002")
    assert d.message == "store `profiles` holds pii data in region `us`, but residency allows pii only in `eu`"
    assert d.span.line == 9
    assert d.fingerprint == "SEC002:s/store:profiles/residency:pii"
    assert d.severity == "error"
    assert "without `placement` it runs in every non-standby region" in d.hints[0]


def test_fixed_design_is_clean(check_design):
    assert_clean(check_design(FIXED), "SEC002")


def test_standby_region_is_not_a_default_placement(check_design):
    text = FAILING.replace("region us { zones [a, b, c] }", "region us { zones [a, b, c]; role standby }")
    assert_clean(check_design(text), "SEC002")


def test_flags_a_component_receiving_the_class_on_an_edge(check_design):
    text = """\
system s {
  requirements { residency pci [eu] }
  region eu { zones [a, b] }
  region us { zones [a, b] }
  service api { placement eu; calls scorer { encryption tls; auth mtls; data [pci] } }
  service scorer { placement us }
}
"""
    (d,) = findings(check_design(text), "SEC002")
    assert (
        d.message
        == "service `scorer` receives pci data from `api` in region `us`, but residency allows pci only in `eu`"
    )
    assert d.fingerprint == "SEC002:s/service:scorer/residency:pci"
    assert d.notes[0].span.line == 5


def test_flags_a_reader_of_a_store_that_holds_the_class(check_design):
    text = """\
system s {
  requirements { residency pii [eu] }
  region eu { zones [a, b] }
  region us { zones [a, b] }
  service reporting { placement us; reads profiles { encryption tls; auth iam } }
  store profiles { engine postgres; data [pii]; placement eu }
}
"""
    (d,) = findings(check_design(text), "SEC002")
    assert d.message == (
        "service `reporting` receives pii data from `profiles` in region `us`, but residency allows pii only in `eu`"
    )


def test_replica_regions_count(check_design):
    text = """\
system s {
  requirements { residency pii [eu] }
  region eu { zones [a, b] }
  region us { zones [a, b]; role standby }
  store profiles { engine postgres; data [pii]; placement eu; replication async { replicas 2; regions [eu, us] } }
}
"""
    (d,) = findings(check_design(text), "SEC002")
    assert d.message == "store `profiles` holds pii data in region `us`, but residency allows pii only in `eu`"


def test_external_receiving_the_class_has_an_unknown_region(check_design):
    text = """\
system s {
  requirements { residency pci [eu, eu2] }
  region eu { zones [a, b] }
  region eu2 { zones [a, b] }
  service api { calls psp { encryption tls; auth mtls; data [pci] } }
  external psp { }
}
"""
    (d,) = findings(check_design(text), "SEC002")
    assert d.message == (
        "external `psp` receives pci data from `api`, but its region is unknown: residency allows pci only in "
        "`eu` or `eu2`"
    )
    assert d.fingerprint == "SEC002:s/external:psp/residency:pci"
    fixed = text.replace("external psp { }", "external psp { placement eu }")
    assert_clean(check_design(fixed), "SEC002")


def test_clients_and_unbound_classes_are_not_checked(check_design):
    text = """\
system s {
  requirements { residency pci [eu] }
  region eu { zones [a, b] }
  region us { zones [a, b] }
  client app { calls api { protocol https; auth jwt; data [pci, pii] } }
  service api { placement eu; exposure public; calls mailer { encryption tls; auth mtls; data [pii] } }
  service mailer { placement us }
}
"""
    assert_clean(check_design(text), "SEC002")


def test_no_residency_no_findings(check_design):
    assert_clean(check_design(FAILING.replace("requirements { residency pii [eu] }", "")), "SEC002")


EXTERNAL = """\
system s {
  requirements { residency pii [eu] }
  region eu { zones [a, b, c]; jurisdiction eu }
  service api {
    placement eu
    calls kyc { timeout 1s; data [pii]; encryption tls; auth api_key }
  }
  external kyc { jurisdiction us }
}
"""


def test_an_external_under_another_law_is_an_error_and_under_the_allowed_one_is_fine(check_design):
    (d,) = findings(check_design(EXTERNAL), "SEC002")
    assert d.message == (
        "external `kyc` receives pii data from `api` and processes it under us law, but residency allows pii only "
        "in `eu` (`eu` law)"
    )
    assert d.severity == "error"
    assert_clean(check_design(EXTERNAL.replace("jurisdiction us", "jurisdiction eu")), "SEC002")


def test_an_externals_law_that_cannot_be_compared_is_a_warning(check_design):
    (d,) = findings(check_design(EXTERNAL.replace("; jurisdiction eu }", " }")), "SEC002")
    assert d.severity == "warning" and "whose jurisdiction is not stated" in d.message
    assert d.hints == [
        "state each allowed region's `jurisdiction` (`jurisdiction eu` in `region eu`), so that `kyc`'s can be "
        "compared with it"
    ]
