"""CBR001: a synchronous call across regions, from any region a multi-region caller is placed in."""

from __future__ import annotations

import pytest

from conftest import findings

TEXT = """\
system s {
  region east { zones [a, b] }
  region west { zones [a, b] }
  service gateway { replicas 2; GATEWAY; calls channels { timeout 100ms BREAKER } }
  service channels { replicas 2; CHANNELS }
}
"""


@pytest.mark.parametrize(
    ("gateway", "channels", "breaker", "why"),
    [
        # placed in both regions, the callee in one: the west replicas call east
        (
            "placement east; placement west",
            "placement east",
            "",
            "`channels` lives only in east, so `gateway`'s replicas in west call it across regions",
        ),
        ("placement west", "placement east", "", "`channels` lives in east, `gateway` in west"),
        ("placement east; placement west", "placement east; placement west", "", None),  # each region calls its own
        ("placement east; placement west", "placement east", "; circuit_breaker on", None),
    ],
)
def test_a_multi_region_caller_calls_across_regions_from_each_region_the_callee_is_not_in(
    check_design, gateway, channels, breaker, why
):
    text = TEXT.replace("GATEWAY", gateway).replace("CHANNELS", channels).replace("BREAKER", breaker)
    found = findings(check_design(text), "CBR001")
    assert [d.message.split(": ", 1)[1] for d in found] == ([why] if why else [])
