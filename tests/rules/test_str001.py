"""STR001: a stream with fewer partitions than a consumer group can run consumers."""

from __future__ import annotations

from conftest import findings


def clean(checked) -> bool:
    """The design resolved (so the rules ran) and STR001 found nothing."""
    assert checked.model is not None, [d.message for d in checked.diagnostics]
    return findings(checked, "STR001") == []


FAILING = """\
system s {
  region r { zones [a, b, c] }
  service shop { exposure public; replicas 2; publishes orders { } }
  stream orders { engine kafka; partitions 12; replication 3; min_insync 2 }
  service worker {
    replicas 2..24
    consumes orders { group fulfil; idempotent yes; dead_letter yes }
  }
}
"""

FIXED = FAILING.replace("partitions 12", "partitions 24")


def test_flags_group_larger_than_the_partitions(check_design):
    (d,) = findings(check_design(FAILING), "STR001")
    assert d.message == (
        "stream `orders` has 12 partitions but consumer group `fulfil` can run 24 consumers (`worker` up to 24): "
        "12 would sit idle"
    )
    assert d.span.line == 4
    assert d.fingerprint == "STR001:s/stream:orders/group:fulfil"
    assert d.severity == "warning"
    assert [n.span.line for n in d.notes] == [7]


def test_fixed_design_is_clean(check_design):
    assert clean(check_design(FIXED))


def test_a_group_sums_its_services(check_design):
    text = FAILING.replace("replicas 2..24", "replicas 2..8") + (
        "service auditor { replicas 6; consumes orders { group fulfil; idempotent yes; dead_letter yes } }\n"
    )
    (d,) = findings(check_design(text), "STR001")
    assert "can run 14 consumers (`worker` up to 8, `auditor` up to 6): 2 would sit idle" in d.message


def test_groups_are_counted_apart(check_design):
    text = FAILING.replace("replicas 2..24", "replicas 2..8") + (
        "service auditor { replicas 6; consumes orders { group audit; idempotent yes; dead_letter yes } }\n"
    )
    assert clean(check_design(text))


def test_a_consumer_without_a_group_is_its_own_group(check_design):
    text = FAILING.replace("group fulfil; ", "")
    (d,) = findings(check_design(text), "STR001")
    assert d.message.startswith("stream `orders` has 12 partitions but consumer `worker` (no group) can run 24")
    assert d.fingerprint == "STR001:s/stream:orders/consumer:worker"


def test_unknown_partitions_are_not_guessed(check_design):
    assert clean(check_design(FAILING.replace("partitions 12; ", "")))
