"""STR003: a store write and an event about it, sent as two separate steps (a dual write)."""

from __future__ import annotations

from conftest import findings

FAILING = """\
system s {
  region r { zones [a, b, c] }
  service orders {
    replicas 2
    writes order_db { timeout 50ms }
    publishes order_events
  }
  store order_db { engine postgres }
  stream order_events { engine kafka; replication 3; min_insync 2 }
}
"""


def test_flags_a_write_and_a_publish_with_no_outbox(check_design):
    (d,) = findings(check_design(FAILING), "STR003")
    assert d.message == (
        "service `orders` writes `order_db` and publishes to `order_events` as two separate steps: a failure "
        "between them loses the event, or announces a write that did not happen"
    )
    assert d.span.line == 6
    assert (
        d.hints[0]
        == "publish from a transactional outbox written with the state: `publishes order_events { outbox on }`"
    )


def test_an_outbox_or_the_stores_own_change_stream_is_fine(check_design):
    outbox = check_design(FAILING.replace("publishes order_events\n", "publishes order_events { outbox on }\n"))
    assert outbox.model is not None and findings(outbox, "STR003") == []
    cdc = check_design(
        FAILING.replace(
            "store order_db { engine postgres }", "store order_db { engine postgres; publishes order_events }"
        )
    )
    assert cdc.model is not None and findings(cdc, "STR003") == []


def test_a_call_to_a_store_is_not_taken_for_a_write(check_design):
    calls = check_design(FAILING.replace("writes order_db", "calls order_db"))
    assert calls.model is not None and findings(calls, "STR003") == []


def test_under_the_default_profile_it_is_part_of_the_components_note(check_design):
    checked = check_design(FAILING, profile=None)
    assert findings(checked, "STR003") == []
    gaps = [d for d in checked.diagnostics if d.code == "GAP001" and "`orders`" in d.message]
    assert gaps and "STR003" in " ".join([gaps[0].message, *gaps[0].hints, *(n.message for n in gaps[0].notes)])


def test_the_message_counts_every_step_it_names(check_design):
    """Two writes and a publish are three steps (it said "two separate steps" while naming three)."""
    text = FAILING.replace(
        "    publishes order_events\n", "    writes audit_db { timeout 50ms }\n    publishes order_events\n"
    ).replace(
        "  store order_db { engine postgres }",
        "  store order_db { engine postgres }\n  store audit_db { engine postgres }",
    )
    (d,) = findings(check_design(text), "STR003")
    assert d.message.startswith(
        "service `orders` writes `order_db` and `audit_db`, and publishes to `order_events`, as three separate steps:"
    )
