"""SPOF001: a single copy on the hard synchronous path of an entrypoint."""

from __future__ import annotations

from conftest import findings

FAILING = """\
system s {
  region r { zones [a, b, c] }
  service api { exposure public; replicas 3; calls auth { timeout 50ms }; calls db { timeout 50ms } }
  service auth { replicas 1 }
  store db { engine postgres; replication sync { replicas 3; spread zones } }
}
"""

FIXED = """\
system s {
  region r { zones [a, b, c] }
  service api { exposure public; replicas 3; calls auth { timeout 50ms }; calls db { timeout 50ms } }
  service auth { replicas 2..6 }
  store db { engine postgres; replication sync { replicas 3; spread zones } }
}
"""


def test_flags_a_single_replica_on_the_entrypoint_path(check_design):
    (d,) = findings(check_design(FAILING), "SPOF001")
    assert (
        d.message
        == "service `auth` can run a single replica (replicas 1): a single point of failure for entrypoint `api`"
    )
    assert d.span.line == 4
    assert d.fingerprint == "SPOF001:s/service:auth"
    assert d.notes[0].message == "entrypoint `api` needs `auth` to answer"


def test_fixed_design_is_clean(check_design):
    assert findings(check_design(FIXED), "SPOF001") == []


def test_flags_an_unreplicated_store(check_design):
    r = check_design(FIXED.replace("replication sync { replicas 3; spread zones }", "backup { rpo 5m }"))
    (d,) = findings(r, "SPOF001")
    assert d.message == (
        "store `db` keeps a single copy of its data (no replication declared): a single point of failure for "
        "entrypoint `api`"
    )
    assert d.fingerprint == "SPOF001:s/store:db"


def test_replication_none_is_a_single_copy(check_design):
    r = check_design(FIXED.replace("replication sync { replicas 3; spread zones }", "replication none"))
    (d,) = findings(r, "SPOF001")
    assert "(replication none)" in d.message


def test_autoscaling_down_to_one_counts(check_design):
    (d,) = findings(check_design(FIXED.replace("replicas 2..6", "replicas 1..6")), "SPOF001")
    assert "(replicas 1..6)" in d.message


def test_the_entrypoint_itself(check_design):
    (d,) = findings(
        check_design(FIXED.replace("exposure public; replicas 3", "exposure public; replicas 1")), "SPOF001"
    )
    assert d.message.startswith("service `api` can run a single replica (replicas 1)")
    assert d.notes == []


def test_managed_component_with_an_sla_is_the_providers_redundancy(check_design):
    r = check_design(
        FIXED.replace(
            "store db { engine postgres; replication sync { replicas 3; spread zones } }",
            'store db { engine postgres; managed aws; availability 99.95% source "sla" }',
        )
    )
    assert findings(r, "SPOF001") == []


def test_soft_dependency_is_not_on_the_hard_path(check_design):
    r = check_design(
        FAILING.replace(
            "calls auth { timeout 50ms }", "calls auth { timeout 50ms; criticality soft; fallback default }"
        )
    )
    assert findings(r, "SPOF001") == []


def test_not_reached_from_an_entrypoint(check_design):
    r = check_design(FAILING.replace("exposure public; ", ""))
    assert findings(r, "SPOF001") == []


def test_service_without_replicas_is_not_guessed(check_design):
    assert findings(check_design(FAILING.replace("service auth { replicas 1 }", "service auth { }")), "SPOF001") == []


def test_transitive_dependency_and_several_entrypoints(check_design):
    text = """\
system s {
  region r { zones [a, b, c] }
  service web { exposure public; replicas 3; calls mid { timeout 50ms } }
  service api { exposure public; replicas 3; calls mid { timeout 50ms } }
  service admin { exposure public; replicas 3 }
  service mid { replicas 3; calls leaf { timeout 50ms } }
  service leaf { replicas 1 }
}
"""
    (d,) = findings(check_design(text), "SPOF001")
    assert d.message.endswith("a single point of failure for entrypoints `web` and `api`")
    assert d.fingerprint == "SPOF001:s/service:leaf"


def test_shared_by_every_entrypoint_is_left_to_spof003(check_design):
    text = """\
system s {
  region r { zones [a, b, c] }
  service web { exposure public; replicas 3; calls auth { timeout 50ms } }
  service api { exposure public; replicas 3; calls auth { timeout 50ms } }
  service auth { replicas 1 }
}
"""
    r = check_design(text)
    assert findings(r, "SPOF001") == []
    assert len(findings(r, "SPOF003")) == 1


WRITER = """\
system s {
  region r { zones [a, b, c] }
  service api { exposure public; replicas 3; writes db { timeout 50ms } }
  store db { engine postgres; replication async { replicas 2; writers single } }
}
"""


def test_a_single_writer_with_no_failover_stated_is_a_gap(check_design):
    (d,) = findings(check_design(WRITER), "SPOF001")
    assert d.message == (
        "store `db` has a single writer (`replication async` with 2 copies, `writers single`) and states no"
        " failover: when the writer fails, writes stop until a replica is promoted, and the design does not say how"
        " or how soon; a single point of failure for the writes of entrypoint `api`"
    )
    assert d.gap is not None
    assert d.fingerprint == "SPOF001:s/store:db"
    assert "`failover automatic`" in d.hints[0]
    # under the default profile it is one line of the store's grouped note
    notes = [x.message for x in check_design(WRITER, profile="review").diagnostics if x.code == "GAP001"]
    assert "store `db` leaves 1 thing unstated: no failover stated for its single writer (SPOF001)" in notes


def test_a_single_writer_with_manual_failover_is_a_problem(check_design):
    r = check_design(WRITER.replace("writers single", "writers single; failover manual"))
    (d,) = findings(r, "SPOF001")
    assert d.gap is None and d.severity.value == "warning"
    assert "`failover manual`: when the writer fails, writes stop until an operator promotes a replica" in d.message


def test_automatic_failover_multiple_writers_quorum_and_unwritten_stores_are_left_alone(check_design):
    for old, new in [
        ("writers single", "writers single; failover automatic"),
        ("writers single", "writers multi"),
        (
            "engine postgres; replication async { replicas 2; writers single }",
            "engine cassandra; replication async { replicas 2 }",
        ),  # not relational, not said: not guessed
        ("async { replicas 2; writers single }", "quorum { n 3; r 2; w 2 }"),
        ("writes db", "reads db"),
    ]:
        assert findings(check_design(WRITER.replace(old, new)), "SPOF001") == [], (old, new)


def test_a_relational_store_not_stated_multi_writer_has_one_primary(check_design):
    # as SCL001 reads it: postgres and mysql take their writes on one primary unless the design says otherwise
    (d,) = findings(check_design(WRITER.replace("; writers single", "")), "SPOF001")
    assert "(`replication async` with 2 copies, one primary, as relational stores have)" in d.message
    assert d.gap


def test_a_read_replica_store_is_not_the_writer(check_design):
    text = WRITER.replace(
        "store db {",
        "store copy { engine postgres; replica_of db; replication async { replicas 2; writers single } }\n  store db {",
    ).replace("writes db { timeout 50ms }", "writes db { timeout 50ms }; writes copy { timeout 50ms }")
    (d,) = findings(check_design(text), "SPOF001")
    assert d.fingerprint == "SPOF001:s/store:db"


SOFT_FLOW = """\
system s {
  requirements { peak_load 1000 rps }
  region r { zones [a, b, c] }
  flow browse { rate 900 rps; route [web, api, db] }
  flow search { rate 100 rps; criticality soft; route [web, api, index] }
  client web { calls api }
  service api { exposure public; replicas 3; reads db { timeout 50ms }; reads index { timeout 50ms } }
  store db { engine postgres; replication sync { replicas 3; spread zones; failover automatic } }
  store index { engine elasticsearch }
}
"""


def test_a_single_copy_only_soft_flows_need_is_a_note(check_design):
    (d,) = findings(check_design(SOFT_FLOW), "SPOF001")
    assert d.severity.value == "info"
    assert d.message == (
        "store `index` keeps a single copy of its data (no replication declared): a single point of failure for"
        " flow `search`, which the design marks `criticality soft` (a feature it can do without for a while)"
    )


def test_a_hard_flow_through_it_keeps_it_a_warning(check_design):
    (d,) = findings(check_design(SOFT_FLOW.replace("criticality soft; ", "")), "SPOF001")
    assert d.severity.value == "warning"
    assert d.message.endswith("a single point of failure for flow `search`")
