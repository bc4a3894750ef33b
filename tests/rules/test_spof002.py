"""SPOF002: every copy of a critical component in one zone, or in one region when it must survive one."""

from __future__ import annotations

from conftest import findings

FAILING = """\
system s {
  region r { zones [a, b, c] }
  service api { exposure public; replicas 3; placement r [a, b, c]; calls db { timeout 50ms } }
  store db { engine postgres; replication sync { replicas 3 }; placement r [a] }
}
"""

FIXED = FAILING.replace("placement r [a] }", "placement r [a, b, c] }")


def test_flags_a_store_in_one_zone(check_design):
    (d,) = findings(check_design(FAILING), "SPOF002")
    assert d.message == (
        "every copy of store `db` is in one zone (zone `a` of `r`): losing that zone takes down entrypoint `api`"
    )
    assert d.span.line == 4
    assert d.fingerprint == "SPOF002:s/store:db"


def test_fixed_design_is_clean(check_design):
    assert findings(check_design(FIXED), "SPOF002") == []


def test_region_with_a_single_zone(check_design):
    text = FIXED.replace("zones [a, b, c]", "zones [a]").replace("[a, b, c]", "[a]")
    d = findings(check_design(text), "SPOF002")
    assert [x.message.split(":")[0] for x in d] == [
        "every copy of service `api` is in one zone (region `r` has only zone `a`)",
        "every copy of store `db` is in one zone (region `r` has only zone `a`)",
    ]


def test_spread_none_keeps_copies_together(check_design):
    r = check_design(FIXED.replace("replication sync { replicas 3 }", "replication sync { replicas 3; spread none }"))
    (d,) = findings(r, "SPOF002")
    assert "`spread none`" in d.message


def test_single_replica_is_left_to_spof001(check_design):
    text = FAILING.replace("replication sync { replicas 3 }; ", "")
    r = check_design(text)
    assert findings(r, "SPOF002") == []
    assert len(findings(r, "SPOF001")) == 1


REGIONS = """\
system s {
  requirements { survive region }
  region east { zones [a, b, c]; role active }
  region west { zones [a, b, c]; role active }
  service api { exposure public; replicas 3; calls db { timeout 50ms } }
  store db { engine postgres; replication sync { replicas 3; spread zones }; placement east }
}
"""


def test_survive_region_flags_a_store_in_one_region(check_design):
    (d,) = findings(check_design(REGIONS), "SPOF002")
    assert d.message == (
        "every copy of store `db` is in region `east`, but the requirements say `survive region`: losing `east` "
        "takes down entrypoint `api`"
    )
    assert d.span.line == 6
    assert d.fingerprint == "SPOF002:s/store:db"


def test_replication_into_a_second_region_is_enough(check_design):
    r = check_design(REGIONS.replace("spread zones }", "spread zones; regions [east, west] }"))
    assert findings(r, "SPOF002") == []


def test_one_region_is_fine_when_only_zones_must_survive(check_design):
    assert findings(check_design(REGIONS.replace("survive region", "survive zone")), "SPOF002") == []


def test_standby_gap_is_left_to_spof005(check_design):
    text = REGIONS.replace(
        "role active }\n  region west { zones [a, b, c]; role active }",
        "role primary }\n  region west { zones [a, b, c]; role standby }",
    ).replace("replicas 3; calls db", "replicas 3; placement east; placement west; calls db")
    r = check_design(text)
    assert findings(r, "SPOF002") == []
    assert len(findings(r, "SPOF005")) == 1


UNPLACED = """\
system s {
  requirements { survive region }
  region east { zones [a, b, c]; role primary }
  region west { zones [a, b, c]; role standby }
  service api { exposure public; replicas 3; calls orders { timeout 50ms }; reads users { timeout 50ms } }
  store orders { engine postgres; replication sync { replicas 2; spread zones } }
  store users { engine postgres; replication sync { replicas 2; spread zones } }
}
"""


def test_components_left_unplaced_beside_a_standby_are_one_finding(check_design):
    """Unplaced components run in every region but the standbys: with the other region a standby, they all sit in
    one region for one reason, reported once, with each component as a note (not three near-identical warnings)."""
    (d,) = findings(check_design(UNPLACED), "SPOF002")
    assert d.message == (
        "3 components state no `placement`, so every copy of them is in region `east` (unplaced components run in "
        "every region but the standby `west`), but the requirements say `survive region`: losing `east` takes down "
        "entrypoint `api`"
    )
    assert d.span.line == 4 and d.fingerprint == "SPOF002:s/region:east/unplaced"
    assert [n.message for n in d.notes] == [
        f"{k} `{n}`: no `placement`, so only in `east`"
        for k, n in (("service", "api"), ("store", "orders"), ("store", "users"))
    ]
    assert d.hints[0] == "place `api` in `west` too: `placement east` and `placement west` on each"
    assert d.hints[1] == "replicate `orders` and `users` to `west`: `replication async { regions [east, west] }`"


def test_placing_them_in_the_standby_region_too_clears_it(check_design):
    text = UNPLACED.replace("replicas 3;", "replicas 3; placement east; placement west;").replace(
        "spread zones }", "spread zones; regions [east, west] }"
    )
    assert findings(check_design(text), "SPOF002") == []


def test_one_unplaced_component_is_reported_as_itself(check_design):
    text = UNPLACED.replace("spread zones }", "spread zones; regions [east, west] }")
    (d,) = findings(check_design(text), "SPOF002")
    assert d.fingerprint == "SPOF002:s/service:api"
    assert d.message.startswith("every copy of service `api` is in region `east`")


ONE_ZONE = """\
system s {
  requirements { availability 99.9% }
  region dc1 { zones [ZONES] }
  client users { calls api { timeout 1s } }
  service api { replicas 3; placement dc1 [PLACED] }
}
"""


def test_the_zone_hint_names_zones_the_region_has_and_never_invents_them(check_design):
    (d,) = findings(check_design(ONE_ZONE.replace("ZONES", "hall").replace("PLACED", "hall")), "SPOF002")
    assert d.hints == [
        "region `dc1` has only zone `hall`: list a second zone in it (`zones [hall, b]`) and place `api` over both, "
        "or run it in a second region"
    ]
    (d,) = findings(check_design(ONE_ZONE.replace("ZONES", "x, y, z").replace("PLACED", "x")), "SPOF002")
    assert d.hints == ["place `api` over two or more zones: `placement dc1 [x, y, z]`"]


TWO_REGIONS = """\
system s {
  requirements { survive region }
  region east { zones [a, b, c]; role active }
  region west { zones [p, q]; role active }
  client users { calls api { timeout 1s } }
  service api { replicas 3; placement east [a, b, c]; placement west [p, q]; calls config { timeout 100ms } }
  service config { replicas 2; placement east [PLACED] }
}
"""


def test_the_region_hint_places_it_in_zones_the_other_region_has(check_design):
    (d,) = findings(check_design(TWO_REGIONS.replace("PLACED", "a, b")), "SPOF002")
    assert d.label == "one region"
    assert d.hints[0] == "place it in `west` as well: `placement west [p, q]`"


def test_one_zone_of_one_region_to_survive_says_both_fixes(check_design):
    # following the zone hint alone would leave the region finding; both are said at once
    (d,) = findings(check_design(TWO_REGIONS.replace("PLACED", "a")), "SPOF002")
    assert d.label == "one zone"
    assert d.hints == [
        "place `config` over two or more zones: `placement east [a, b, c]`",
        "and since the requirements say `survive region`, place it in `west` too: `placement west [p, q]`",
    ]
