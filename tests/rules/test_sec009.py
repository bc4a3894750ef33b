"""SEC009: a component nothing uses, or a stream or queue with no producer or no consumer."""

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
  client app { calls api { protocol https; auth jwt } }
  service api { exposure public; publishes order_events { auth sasl } }
  stream order_events { engine kafka }
}
"""

FIXED = FAILING.replace(
    "  stream order_events", "  service billing { consumes order_events { auth sasl } }\n  stream order_events"
)


def test_flags_stream_nobody_consumes(check_design):
    (d,) = findings(check_design(FAILING), "SEC009")
    assert d.message == "stream `order_events` is published to by `api` but nothing consumes it"
    assert d.span.line == 5
    assert d.fingerprint == "SEC009:s/stream:order_events"
    assert d.severity == "info"


def test_fixed_design_is_clean(check_design):
    assert_clean(check_design(FIXED), "SEC009")


def test_queue_consumed_but_never_published(check_design):
    text = """\
system s {
  region r { zones [a, b] }
  service worker { consumes jobs { auth iam } }
  queue jobs { engine sqs }
}
"""
    (d,) = findings(check_design(text), "SEC009")
    assert d.message == "queue `jobs` is consumed by `worker` but nothing publishes to it"
    assert d.fingerprint == "SEC009:s/queue:jobs"


def test_a_fallback_via_feeds_a_queue(check_design):
    text = """\
system s {
  region r { zones [a, b] }
  client app { calls api { protocol https; auth jwt } }
  service api { exposure public; calls psp { timeout 1s; fallback queue via retries; auth mtls } }
  external psp { }
  queue retries { engine sqs }
  service retrier { consumes retries { auth iam }; calls psp { timeout 1s; auth mtls } }
}
"""
    assert_clean(check_design(text), "SEC009")


def test_unused_store_service_external_and_client(check_design):
    text = """\
system s {
  region r { zones [a, b] }
  client kiosk { }
  service orphan { writes archive { auth iam } }
  store archive { engine postgres }
  store forgotten { engine postgres }
  external partner { }
}
"""
    found = findings(check_design(text), "SEC009")
    assert [d.fingerprint for d in found] == [
        "SEC009:s/client:kiosk",
        "SEC009:s/service:orphan",
        "SEC009:s/store:forgotten",
        "SEC009:s/external:partner",
    ]
    assert [d.message for d in found] == [
        "client `kiosk` calls nothing",
        "service `orphan` calls out but is called by nothing, consumes nothing and is not public: nothing starts "
        "its work",
        "store `forgotten` is neither read nor written by anything",
        "external `partner` is not connected to anything",
    ]


def test_workers_entrypoints_and_origins_are_used(check_design):
    text = """\
system s {
  region r { zones [a, b] }
  client app { calls api { protocol https; auth jwt } }
  service api { calls orders { auth mtls } }
  service orders { publishes events { auth sasl } }
  stream events { engine kafka }
  service worker { consumes events { auth sasl }; writes ledger { auth iam } }
  store ledger { engine postgres }
  service public_api { exposure public }
  external webhook_sender { calls orders { auth mtls } }
}
"""
    assert_clean(check_design(text), "SEC009")


def test_stream_with_no_edges(check_design):
    text = "system s {\n  region r { zones [a] }\n  stream lonely { engine kafka }\n}\n"
    (d,) = findings(check_design(text), "SEC009")
    assert d.message == "stream `lonely` is neither published to nor consumed"
