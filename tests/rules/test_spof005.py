"""SPOF005: a component in a standby region depends on one that lives only outside it."""

from __future__ import annotations

from conftest import findings

FAILING = """\
system s {
  region east { zones [a, b, c]; role primary }
  region west { zones [a, b, c]; role standby }
  service api {
    exposure public
    replicas 3
    placement east
    placement west
    calls db { timeout 50ms }
  }
  store db { engine postgres; replication sync { replicas 3 }; placement east }
}
"""

FIXED = FAILING.replace(
    "replication sync { replicas 3 }; placement east }",
    "replication async { replicas 3; regions [east, west] }; placement east; placement west }",
)


def test_flags_a_standby_service_calling_a_primary_only_store(check_design):
    (d,) = findings(check_design(FAILING), "SPOF005")
    assert d.message == (
        "service `api` in standby region `west` calls store `db` whose data lives only in `east` (its replication "
        "does not reach `west`): when `east` is lost, failing over to `west` leaves `api` without it"
    )
    assert d.span.line == 9
    assert d.fingerprint == "SPOF005:s/service:api/calls:db"
    assert d.notes[0].message == "`db` is only in `east`"


def test_fixed_design_is_clean(check_design):
    assert findings(check_design(FIXED), "SPOF005") == []


def test_replication_into_the_standby_is_enough(check_design):
    text = FAILING.replace("replication sync { replicas 3 }", "replication async { replicas 3; regions [east, west] }")
    assert findings(check_design(text), "SPOF005") == []


def test_unplaced_service_does_not_run_in_the_standby_region(check_design):
    # without placement a component runs in the non-standby regions only: the callee's default placement
    text = FAILING.replace(
        "store db { engine postgres; replication sync { replicas 3 }; placement east }",
        "service db { replicas 3 }",
    )
    (d,) = findings(check_design(text), "SPOF005")
    assert "calls service `db` which runs only in `east`" in d.message


def test_soft_dependency_is_fine(check_design):
    text = FAILING.replace("calls db { timeout 50ms }", "calls db { timeout 50ms; criticality soft; fallback cache }")
    assert findings(check_design(text), "SPOF005") == []


def test_without_a_standby_region_nothing_to_check(check_design):
    assert findings(check_design(FAILING.replace("role standby", "role active")), "SPOF005") == []


def test_global_replication_reaches_every_region(check_design):
    text = FAILING.replace("replication sync { replicas 3 }", "replication async { spread regions }")
    assert findings(check_design(text), "SPOF005") == []


def test_external_without_placement_is_outside_the_regions(check_design):
    text = FAILING.replace(
        "store db { engine postgres; replication sync { replicas 3 }; placement east }",
        'external db { availability 99.9% source "contract" }',
    )
    assert findings(check_design(text), "SPOF005") == []
