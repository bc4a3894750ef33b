"""SCL007: one key's load lands on one shard or one replica."""

from __future__ import annotations

from conftest import findings

FAILING = """\
system s {
  requirements { peak_load 50000 rps }
  region r { zones [a, b, c] }
  service api { exposure public; replicas 3; writes messages { timeout 50ms } }
  store messages { capacity 72000 rps; sharding hash(channel_id) 72 { hot_key 5% } }
}
"""


def test_flags_a_hot_key_above_one_shard(check_design):
    (d,) = findings(check_design(FAILING), "SCL007")
    assert d.message == (
        "store `messages` keeps each `channel_id` on one of its 72 shards: its busiest key takes 5% of 50000 rps,"
        " 2500 rps, above the 1000 rps that one shard carries (its capacity of 72000 rps over 72 shards); more"
        " shards do not help that key"
    )
    assert d.gap is None
    assert d.fingerprint == "SCL007:s/store:messages"


def test_a_hot_key_within_one_shard_is_fine(check_design):
    assert findings(check_design(FAILING.replace("hot_key 5%", "hot_key 2%")), "SCL007") == []


def test_the_boundary_is_allowed(check_design):
    # 2% of 50,000 rps is exactly the 1,000 rps one shard carries
    assert findings(check_design(FAILING.replace("hot_key 5%", "hot_key 2%")), "SCL007") == []
    assert len(findings(check_design(FAILING.replace("hot_key 5%", "hot_key 2.1%")), "SCL007")) == 1


def test_no_share_stated_is_a_gap(check_design):
    (d,) = findings(check_design(FAILING.replace(" { hot_key 5% }", "")), "SCL007")
    assert d.gap is not None
    assert "states no share for its busiest `channel_id`" in d.message
    assert "`hot_key 2%` in the `sharding` block of `messages`" in d.hints[0]


def test_a_compound_key_is_named_whole(check_design):
    text = FAILING.replace("hash(channel_id) 72 { hot_key 5% }", "hash(channel_id, bucket) 72")
    (d,) = findings(check_design(text), "SCL007")
    assert "keeps each (`channel_id`, `bucket`) on one of its 72 shards" in d.message


def test_a_service_routed_by_key(check_design):
    text = """\
system s {
  requirements { peak_load 10000 rps }
  region r { zones [a, b, c] }
  service api { exposure public; replicas 3; calls boards { timeout 50ms } }
  service boards { replicas 10..20; capacity 1000 rps per replica; affinity board_id { owners 2; hot_key 25% } }
}
"""
    (d,) = findings(check_design(text), "SCL007")
    assert d.message == (
        "service `boards` routes each `board_id` to its 2 owning replicas: its busiest key takes 25% of 10000 rps,"
        " 2500 rps, above the 2000 rps that its 2 owning replicas carry (2 x 1000 rps per replica); more replicas"
        " do not help that key"
    )
    assert findings(check_design(text.replace("owners 2", "owners 3")), "SCL007") == []


def test_unsharded_and_unreached_components_are_left_alone(check_design):
    assert findings(check_design(FAILING.replace("hash(channel_id) 72", "hash(channel_id) 1")), "SCL007") == []
    assert findings(check_design(FAILING.replace("exposure public; ", "")), "SCL007") == []


def test_without_a_capacity_nothing_is_compared(check_design):
    assert findings(check_design(FAILING.replace("capacity 72000 rps; ", "")), "SCL007") == []
