"""SPOF006: each key of a stateful service lives on one replica only."""

from __future__ import annotations

from conftest import findings

FAILING = """\
system s {
  region r { zones [a, b, c] }
  service gateway { exposure public; replicas 3; calls channels { timeout 200ms } }
  service channels { replicas 12; state stateful; affinity channel_id { takeover 20s } }
}
"""


def test_flags_a_stateful_service_with_one_owner_per_key(check_design):
    (d,) = findings(check_design(FAILING), "SPOF006")
    assert d.message == (
        "each `channel_id` lives on one replica of `channels` (`affinity channel_id`, `state stateful`): losing that"
        " replica stops the requests for its keys until another takes it over (`takeover 20s`) and loses the state"
        " it held for them; more replicas do not help a given key. A single point of failure, per key, for"
        " entrypoint `gateway`"
    )
    assert d.span.line == 4
    assert d.fingerprint == "SPOF006:s/service:channels"
    assert "`owners 2`" in d.hints[0]


def test_without_a_takeover_time_it_says_so(check_design):
    (d,) = findings(check_design(FAILING.replace(" { takeover 20s }", "")), "SPOF006")
    assert "until another takes it over, and the design does not say how soon" in d.message
    assert "`takeover 5s`" in d.hints[1]


def test_a_standby_per_key_is_fine(check_design):
    assert findings(check_design(FAILING.replace("takeover 20s", "owners 2; takeover 20s")), "SPOF006") == []


def test_a_stateless_service_routed_by_key_is_fine(check_design):
    # losing an instance moves its keys to the next one on the ring, with nothing to rebuild
    assert findings(check_design(FAILING.replace("state stateful", "state stateless")), "SPOF006") == []


def test_off_the_hard_path_it_is_not_reported(check_design):
    text = FAILING.replace("calls channels { timeout 200ms }", "calls channels { timeout 200ms; criticality soft }")
    assert findings(check_design(text), "SPOF006") == []


def test_one_replica_in_all_is_spof001s(check_design):
    r = check_design(FAILING.replace("replicas 12", "replicas 1"))
    assert findings(r, "SPOF006") == []
    assert len(findings(r, "SPOF001")) == 1
