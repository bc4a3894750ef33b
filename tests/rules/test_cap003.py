"""CAP003: the system's partition stance contradicts its data path."""

from __future__ import annotations

from conftest import findings


def clean(checked) -> bool:
    """The design resolved (so the rules ran) and CAP003 found nothing."""
    assert checked.model is not None, [d.message for d in checked.diagnostics]
    return findings(checked, "CAP003") == []


FAILING = """\
system s {
  requirements { partition prefer availability }
  region r { zones [a, b, c] }
  client web { calls api { timeout 1s } }
  service api { replicas 2; calls orders { timeout 200ms } }
  service orders { replicas 2; writes db { timeout 50ms } }
  store db { engine postgres; replication sync { replicas 2; spread zones } }
}
"""

FIXED = FAILING.replace("writes db { timeout 50ms }", "writes db { timeout 50ms; criticality soft; fallback queue }")


def test_flags_available_system_depending_on_a_consistent_store(check_design):
    (d,) = findings(check_design(FAILING), "CAP003")
    assert d.message == (
        "system `s` prefers availability under partition, but entrypoint `api` depends hard and synchronously "
        "on store `db`, which prefers consistency (the default of engine `postgres`, stdlib/prelude.design:16): "
        "api -> orders -> db"
    )
    assert d.span.line == 7
    assert d.fingerprint == "CAP003:s/store:db"
    assert d.severity == "error"
    assert [(n.span.line, n.message) for n in d.notes] == [
        (5, "entrypoint `api`"),
        (6, "`orders` depends on `db` here, hard and synchronously"),
    ]


def test_fixed_design_is_clean(check_design):
    assert clean(check_design(FIXED))


def test_a_store_that_stays_available_is_fine(check_design):
    text = FAILING.replace("engine postgres;", "engine postgres; partition prefer availability;")
    assert clean(check_design(text))


def test_a_store_off_every_entrypoints_path_is_fine(check_design):
    # Only a background consumer writes the store: no request waits for it.
    text = """\
system s {
  requirements { partition prefer availability }
  region r { zones [a, b, c] }
  service api { exposure public; replicas 2; publishes jobs { } }
  stream jobs { engine kafka; partitions 6 }
  service worker { replicas 2; consumes jobs { idempotent yes; dead_letter yes }; writes db { timeout 50ms } }
  store db { engine postgres }
}
"""
    assert clean(check_design(text))


def test_no_stance_no_finding(check_design):
    text = FAILING.replace("  requirements { partition prefer availability }\n", "")
    assert clean(check_design(text))


CP_FAILING = """\
system s {
  requirements { partition prefer consistency }
  region r { zones [a, b, c] }
  service api { exposure public; replicas 2; calls ledger { timeout 200ms } }
  service ledger { replicas 2; writes entries { timeout 50ms } }
  store entries { engine cassandra; replication quorum { n 3; r 1; w 1 } }
}
"""


def test_flags_consistent_system_with_eventual_system_of_record(check_design):
    (d,) = findings(check_design(CP_FAILING), "CAP003")
    assert d.message == (
        "system `s` prefers consistency under partition, but its system of record `entries` is eventually "
        "consistent: `ledger` writes it synchronously on the path from entrypoint `api`: api -> ledger -> entries"
    )
    assert d.span.line == 6
    assert d.fingerprint == "CAP003:s/store:entries"
    assert [n.span.line for n in d.notes] == [5, 4]


def test_consistent_system_of_record_is_fine(check_design):
    text = CP_FAILING.replace("engine cassandra;", "engine cassandra; consistency linearizable;").replace(
        "r 1; w 1", "r 2; w 2"
    )
    assert clean(check_design(text))


def test_asynchronous_or_soft_writes_do_not_make_a_system_of_record(check_design):
    for edge in ("writes entries { mode async }", "writes entries { timeout 50ms; criticality soft }"):
        text = CP_FAILING.replace("writes entries { timeout 50ms }", edge)
        assert clean(check_design(text)), edge


def test_entrypoint_writing_directly(check_design):
    text = CP_FAILING.replace("calls ledger { timeout 200ms }", "writes entries { timeout 50ms }")
    (d,) = findings(check_design(text), "CAP003")
    assert d.message.endswith("is eventually consistent: entrypoint `api` writes it synchronously: api -> entries")
