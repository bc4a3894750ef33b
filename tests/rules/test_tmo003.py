"""TMO003: a timeout below the callee's p99 is a call that fails at p99."""

from __future__ import annotations

import pytest

from conftest import findings

TEXT = """\
system s {
  region r { zones [a, b] }
  service api { exposure public; replicas 2; calls search { timeout TIMEOUT } }
  service search { replicas 2; latency p99 250ms }
}
"""


@pytest.mark.parametrize(("timeout", "reported"), [("100ms", True), ("249ms", True), ("250ms", False), ("1s", False)])
def test_a_timeout_below_the_callees_p99(check_design, timeout: str, reported: bool):
    found = findings(check_design(TEXT.replace("TIMEOUT", timeout)), "TMO003")
    assert bool(found) is reported
    if reported:
        assert found[0].message == (
            f"`api` gives `search` {timeout}, below its p99 of 250ms: one call in a hundred times out and fails"
        )


def test_nothing_is_compared_when_the_callee_states_no_latency(check_design):
    text = TEXT.replace("TIMEOUT", "10ms").replace("; latency p99 250ms", "")
    assert findings(check_design(text), "TMO003") == []
