"""CAP007: an at-least-once consumer that is not idempotent, or has no dead letter."""

from __future__ import annotations

from conftest import findings


def clean(checked) -> bool:
    """The design resolved (so the rules ran) and CAP007 found nothing."""
    assert checked.model is not None, [d.message for d in checked.diagnostics]
    return findings(checked, "CAP007") == []


FAILING = """\
system s {
  region r { zones [a, b, c] }
  service signup { exposure public; replicas 2; publishes signups { } }
  stream signups { engine kafka; partitions 12; replication 3; min_insync 2 }
  service mailer {
    replicas 2
    consumes signups { group mail; delivery at_least_once }
  }
}
"""

FIXED = FAILING.replace("delivery at_least_once }", "delivery at_least_once; idempotent yes; dead_letter yes }")


def _by_suffix(checked):
    return {d.fingerprint.rsplit("/", 1)[1]: d for d in findings(checked, "CAP007")}


def test_flags_consumer_that_is_not_idempotent(check_design):
    d = _by_suffix(check_design(FAILING))["idempotent"]
    assert d.message == (
        "`mailer` consumes stream `signups` at least once but is not idempotent: a redelivered message is "
        "processed twice"
    )
    assert d.span.line == 7
    assert d.fingerprint == "CAP007:s/service:mailer/consumes:signups/idempotent"
    assert d.severity == "warning"


def test_flags_consumer_without_dead_letter(check_design):
    ds = _by_suffix(check_design(FAILING))
    assert set(ds) == {"idempotent", "dead-letter"}
    d = ds["dead-letter"]
    assert d.message == (
        "`mailer` consumes stream `signups` at least once but has no dead letter: a message it cannot process is "
        "redelivered without end"
    )
    assert d.span.line == 7
    assert d.fingerprint == "CAP007:s/service:mailer/consumes:signups/dead-letter"


def test_fixed_design_is_clean(check_design):
    assert clean(check_design(FIXED))


def test_unstated_delivery_from_a_stream_is_at_least_once(check_design):
    text = FAILING.replace("delivery at_least_once", "dead_letter yes")
    (d,) = findings(check_design(text), "CAP007")
    assert d.message == (
        "`mailer` consumes stream `signups`, which delivers at least once unless told otherwise, but is not "
        "idempotent: a redelivered message is processed twice"
    )


def test_at_most_once_and_exactly_once_are_not_checked_here(check_design):
    assert clean(check_design(FAILING.replace("at_least_once", "at_most_once")))
    assert clean(check_design(FAILING.replace("at_least_once", "exactly_once; idempotent yes")))


def test_a_queue_with_its_own_dead_letter_is_enough(check_design):
    text = """\
system s {
  region r { zones [a, b, c] }
  service api { exposure public; replicas 2; publishes jobs { } }
  queue jobs { engine sqs; dead_letter on }
  service worker { replicas 2; consumes jobs { idempotent yes } }
}
"""
    assert clean(check_design(text))
    (d,) = findings(check_design(text.replace("dead_letter on", "dead_letter off")), "CAP007")
    assert d.fingerprint == "CAP007:s/service:worker/consumes:jobs/dead-letter"
    assert d.hints[0].endswith("`consumes jobs { dead_letter yes }` (or `dead_letter on` on the queue)")
