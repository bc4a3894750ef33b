"""STR002: Kafka-style durability settings that stop writes or lose acknowledged ones."""

from __future__ import annotations

from conftest import findings


def clean(checked) -> bool:
    """The design resolved (so the rules ran) and STR002 found nothing."""
    assert checked.model is not None, [d.message for d in checked.diagnostics]
    return findings(checked, "STR002") == []


FAILING = """\
system s {
  region r { zones [a, b, c] }
  service shop { exposure public; replicas 2; publishes orders { } }
  stream orders { engine kafka; partitions 12; replication 3; min_insync 3; acks all }
}
"""

FIXED = FAILING.replace("min_insync 3", "min_insync 2")


def test_flags_min_insync_equal_to_the_replication_factor(check_design):
    (d,) = findings(check_design(FAILING), "STR002")
    assert d.message == (
        "stream `orders` needs every one of its 3 replicas in sync for a write (replication 3, min_insync 3): "
        "losing one broker stops every write"
    )
    assert d.span.line == 4
    assert d.fingerprint == "STR002:s/stream:orders/min_insync"
    assert d.severity == "warning"
    assert d.hints == ["set `min_insync 2` (at most the replication factor minus one)"]


def test_fixed_design_is_clean(check_design):
    assert clean(check_design(FIXED))


def test_min_insync_above_the_replication_factor(check_design):
    (d,) = findings(check_design(FAILING.replace("min_insync 3", "min_insync 4")), "STR002")
    assert d.message.endswith("(replication 3, min_insync 4): no write with acks all can succeed")


def test_flags_min_insync_one_with_three_replicas(check_design):
    (d,) = findings(check_design(FAILING.replace("min_insync 3", "min_insync 1")), "STR002")
    assert d.message == (
        "stream `orders` has replication 3 but min_insync 1: a write is acknowledged when only the leader has it, "
        "and lost if that broker fails"
    )
    assert d.fingerprint == "STR002:s/stream:orders/min_insync"


def test_kafka_default_min_insync_is_one(check_design):
    (d,) = findings(check_design(FAILING.replace("min_insync 3; ", "")), "STR002")
    assert "no min_insync, so Kafka's broker default of 1 applies" in d.message


def test_min_insync_does_not_apply_to_leader_acks(check_design):
    # acks leader makes min_insync moot; what is wrong then is the acks, on a stream a request path produces.
    (d,) = findings(check_design(FAILING.replace("acks all", "acks leader")), "STR002")
    assert d.fingerprint == "STR002:s/stream:orders/acks"
    assert d.message == (
        "stream `orders` records requests already answered (`shop` publishes to it) but is produced with acks "
        "leader: a write acknowledged by the leader alone is lost if the leader fails"
    )


def test_flags_short_replication_on_a_request_path(check_design):
    text = FAILING.replace("replication 3; min_insync 3", "replication 2; min_insync 1")
    (d,) = findings(check_design(text), "STR002")
    assert d.message == (
        "stream `orders` records requests already answered (`shop` publishes to it) but has replication 2: fewer "
        "than 3 copies cannot both survive a broker's loss and keep accepting acknowledged writes"
    )
    assert d.fingerprint == "STR002:s/stream:orders/replication"


def test_flags_short_replication_of_classified_data(check_design):
    text = """\
system s {
  region r { zones [a, b, c] }
  service etl { replicas 2; publishes cards { } }
  stream cards { engine kafka; partitions 6; replication 1; min_insync 1; data [pci] }
}
"""
    (d,) = findings(check_design(text), "STR002")
    assert d.message.startswith("stream `cards` holds pci data but has replication 1:")
    assert d.span.line == 4


def test_short_replication_of_a_background_stream_is_a_choice(check_design):
    text = """\
system s {
  region r { zones [a, b, c] }
  service etl { replicas 2; publishes scratch { } }
  stream scratch { engine kafka; partitions 6; replication 2; min_insync 1 }
}
"""
    assert clean(check_design(text))


def test_names_the_entrypoint_behind_the_publisher(check_design):
    text = """\
system s {
  region r { zones [a, b, c] }
  service api { exposure public; replicas 2; calls orders_svc { timeout 100ms } }
  service orders_svc { replicas 2; publishes orders { } }
  stream orders { engine kafka; partitions 6 }
}
"""
    ds = {d.fingerprint: d for d in findings(check_design(text), "STR002")}
    d = ds["STR002:s/stream:orders/replication"]
    assert d.message == (
        "stream `orders` records requests already answered (`orders_svc` publishes to it, on the path from "
        "entrypoint `api`) but has no replication factor (Kafka's default is 1): fewer than 3 copies cannot both "
        "survive a broker's loss and keep accepting acknowledged writes"
    )


def test_a_stream_stating_nothing_is_not_guessed_about(check_design):
    text = FAILING.replace("engine kafka; partitions 12; replication 3; min_insync 3; acks all", "partitions 12")
    assert clean(check_design(text))
