"""CAP006: exactly-once expected over at-least-once delivery without idempotency."""

from __future__ import annotations

from conftest import findings


def clean(checked) -> bool:
    """The design resolved (so the rules ran) and CAP006 found nothing."""
    assert checked.model is not None, [d.message for d in checked.diagnostics]
    return findings(checked, "CAP006") == []


FAILING = """\
system s {
  region r { zones [a, b, c] }
  service shop { exposure public; replicas 2; publishes orders { } }
  stream orders { engine kafka; partitions 12; replication 3; min_insync 2 }
  service billing {
    replicas 2
    consumes orders { group billing; delivery exactly_once; dead_letter yes }
  }
}
"""

FIXED = FAILING.replace("delivery exactly_once;", "delivery exactly_once; idempotent yes;")


def test_flags_exactly_once_consumer_that_is_not_idempotent(check_design):
    (d,) = findings(check_design(FAILING), "CAP006")
    assert d.message == (
        "`billing` expects exactly-once delivery from stream `orders`, which delivers at least once, "
        "but `billing` is not idempotent"
    )
    assert d.span.line == 7
    assert d.fingerprint == "CAP006:s/service:billing/consumes:orders"
    assert d.severity == "error"


def test_fixed_design_is_clean(check_design):
    assert clean(check_design(FIXED))


def test_an_idempotency_key_deduplicates_too(check_design):
    assert clean(check_design(FAILING.replace("delivery exactly_once;", "delivery exactly_once; idempotency_key on;")))


def test_effectively_once_needs_idempotency_as_well(check_design):
    (d,) = findings(check_design(FAILING.replace("exactly_once", "effectively_once")), "CAP006")
    assert d.message.startswith("`billing` expects effectively-once delivery from stream `orders`")


def test_at_least_once_is_not_this_rules_business(check_design):
    assert clean(check_design(FAILING.replace("exactly_once", "at_least_once")))


PUBLISH = """\
system s {
  region r { zones [a, b, c] }
  service shop { exposure public; replicas 2; publishes orders { delivery exactly_once } }
  queue orders { engine sqs; dead_letter on }
  service billing { replicas 2; consumes orders { delivery at_least_once } }
  service audit { replicas 2; consumes orders { delivery at_least_once; idempotent yes } }
}
"""


def test_flags_exactly_once_publisher_whose_consumers_do_not_deduplicate(check_design):
    (d,) = findings(check_design(PUBLISH), "CAP006")
    assert d.message == (
        "`shop` publishes to queue `orders` expecting exactly-once delivery, but it delivers at least once "
        "and `billing` does not deduplicate"
    )
    assert d.span.line == 3
    assert d.fingerprint == "CAP006:s/service:shop/publishes:orders"
    assert [(n.span.line, n.message) for n in d.notes] == [(5, "`billing` consumes `orders` here, not idempotent")]


def test_publisher_with_idempotent_consumers_is_fine(check_design):
    assert clean(
        check_design(
            PUBLISH.replace("consumes orders { delivery at_least_once }", "consumes orders { idempotent yes }")
        )
    )


def test_a_consumer_claiming_exactly_once_is_reported_on_its_own_edge(check_design):
    text = PUBLISH.replace("consumes orders { delivery at_least_once }", "consumes orders { delivery exactly_once }")
    (d,) = findings(check_design(text), "CAP006")
    assert d.fingerprint == "CAP006:s/service:billing/consumes:orders"


def test_flags_exactly_once_call_without_idempotency_key(check_design):
    text = """\
system s {
  region r { zones [a, b, c] }
  service shop { exposure public; replicas 2; calls payments { timeout 2s; retries 2; delivery exactly_once } }
  external payments { availability 99.9% }
}
"""
    (d,) = findings(check_design(text), "CAP006")
    assert d.message == (
        "`shop` expects exactly-once delivery when it calls `payments`, but a request that times out may or may "
        "not have happened, and the request carries no idempotency key"
    )
    assert d.fingerprint == "CAP006:s/service:shop/calls:payments"
    assert clean(check_design(text.replace("delivery exactly_once", "delivery exactly_once; idempotency_key on")))
