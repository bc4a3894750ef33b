"""TMO001: a synchronous call has no timeout; a connection held open is not a request."""

from __future__ import annotations

from conftest import findings

DESIGN = """\
system s {
  region r { zones [a, b, c] }
  service gw { exposure public; replicas 3; calls feed { EDGE } }
  service feed { replicas 3 }
}
"""


def test_a_request_without_a_timeout_is_flagged(check_design):
    (d,) = findings(check_design(DESIGN.replace("EDGE", "protocol grpc")), "TMO001")
    assert d.message == "`gw` calls `feed` synchronously with no timeout"


def test_a_persistent_connection_needs_no_request_timeout(check_design):
    for edge in ["connection persistent", "protocol websocket", "protocol sse"]:
        assert findings(check_design(DESIGN.replace("EDGE", edge)), "TMO001") == [], edge


def test_connection_request_wins_over_the_protocol(check_design):
    r = check_design(DESIGN.replace("EDGE", "protocol websocket; connection request"))
    assert len(findings(r, "TMO001")) == 1
