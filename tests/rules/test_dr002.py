"""DR002: a required RTO with nothing to meet it."""

from __future__ import annotations

from conftest import findings

FAILING = """\
system s {
  requirements { rto 15m }
  disaster_recovery { strategy warm_standby; failover manual }
  region east { zones [a, b, c]; role primary }
  region west { zones [a, b, c]; role standby }
  service api { exposure public; replicas 3; placement east; placement west }
}
"""

FIXED = FAILING.replace("failover manual", "failover automatic")


def test_flags_manual_failover_under_a_short_rto(check_design):
    (d,) = findings(check_design(FAILING), "DR002")
    assert d.message == (
        "the requirements ask rto 15m, but failover is manual: paging, diagnosis, the decision and the runbook "
        "take about 1h or more"
    )
    assert d.span.line == 1
    assert d.fingerprint == "DR002:s/requirements/rto#manual-failover"


def test_fixed_design_is_clean(check_design):
    assert findings(check_design(FIXED), "DR002") == []


def test_manual_failover_with_an_hour_is_fine(check_design):
    assert findings(check_design(FAILING.replace("rto 15m", "rto 1h")), "DR002") == []


def test_single_region_without_a_strategy(check_design):
    text = """\
system s {
  requirements { rto 30m }
  region east { zones [a, b, c] }
  service api { exposure public; replicas 3 }
}
"""
    (d,) = findings(check_design(text), "DR002")
    assert d.message == (
        "the requirements ask rto 30m, but the design has one region (`east`) and no disaster-recovery strategy: "
        "losing the region leaves nothing to recover to"
    )
    assert d.fingerprint == "DR002:s/requirements/rto#single-region"


def test_strategy_too_slow_for_the_rto(check_design):
    (d,) = findings(check_design(FIXED.replace("warm_standby", "pilot_light").replace("rto 15m", "rto 5m")), "DR002")
    assert d.message == (
        "the requirements ask rto 5m, but a `pilot_light` strategy usually recovers in tens of minutes (below 10m "
        "is not to be expected)"
    )
    assert d.fingerprint == "DR002:s/requirements/rto#strategy"
    assert findings(check_design(FIXED.replace("warm_standby", "pilot_light")), "DR002") == []


def test_backup_restore_needs_hours(check_design):
    (d,) = findings(check_design(FIXED.replace("warm_standby", "backup_restore")), "DR002")
    assert "`backup_restore` strategy usually recovers in hours" in d.message


def test_manual_and_too_slow_are_two_findings(check_design):
    r = check_design(FAILING.replace("warm_standby", "backup_restore"))
    assert sorted(d.fingerprint for d in findings(r, "DR002")) == [
        "DR002:s/requirements/rto#manual-failover",
        "DR002:s/requirements/rto#strategy",
    ]


def test_empty_standby_region(check_design):
    text = FIXED.replace("placement east; placement west", "placement east")
    (d,) = findings(check_design(text), "DR002")
    assert d.message == (
        "the `warm_standby` strategy fails over to standby region `west`, but nothing is placed in it and no data "
        "is replicated into it"
    )
    assert d.span.line == 5
    assert d.fingerprint == "DR002:s/region:west"


def test_no_rto_nothing_to_check(check_design):
    assert findings(check_design(FAILING.replace("requirements { rto 15m }", "")), "DR002") == []
