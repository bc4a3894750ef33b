"""Profiles: problems (the design contradicts itself, or will fail as outages are known to fail) are reported
whatever the profile; gaps (facts it does not state) are one note per component under `review` (the default),
a warning each under `production`, and left out under `sketch`."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import findings, run_designc

SKETCHY = """\
system s {
  requirements { availability 99.9% }
  region r { zones [a, b, c] }
  client web { calls api { timeout 2s; auth jwt; encryption tls } }
  service api {
    exposure public
    waf on
    rate_limit 100 rps per client
    replicas 3..9
    slo { availability 99.9% }
    health_check http "/ready"
    calls auth
    calls db
    reads cache { encryption none; data [pii] }
  }
  service auth { replicas 3; deploy rolling; health_check grpc }
  store db { engine postgres; replication sync { replicas 3; spread zones }; backup { pitr on; encrypted on } }
  cache cache { engine redis; replication async { replicas 2; spread zones } }
}
"""


def test_review_gathers_a_components_gaps_into_one_note(check_design):
    r = check_design(SKETCHY, profile="review")
    assert findings(r, "TMO001") == [] and findings(r, "OPS005") == [] and findings(r, "SCL003") == []
    notes = {d.message.split("`")[1]: d for d in findings(r, "GAP001")}
    api = notes["api"]
    assert api.severity == "info"
    assert "no timeout on calls to `auth`, `db`, `cache` (TMO001)" in api.message
    assert "no deployment strategy (OPS005)" in api.message and "no autoscaling (SCL003)" in api.message
    # 3 timeouts, 3 authentications, a deployment strategy, autoscaling and what `db` holds: each counted once
    assert api.message.startswith("service `api` leaves 9 things unstated, of 5 kinds: ")
    assert "reaches `db` directly from the public tier, and they declare no data class (SEC006)" in api.message
    assert api.span.line == SKETCHY.splitlines().index("  service api {") + 1


def test_a_stated_contradiction_stays_a_problem_whatever_the_profile(check_design):
    for profile in ("sketch", "review", "production"):
        r = check_design(SKETCHY, profile=profile)
        sec = findings(r, "SEC003")
        assert len(sec) == 1 and "`encryption none`" in sec[0].message and sec[0].severity == "error", profile


def test_production_reports_each_gap_at_its_own_line(check_design):
    r = check_design(SKETCHY, profile="production")
    assert {d.message.split("`")[3] for d in findings(r, "TMO001")} == {"auth", "db", "cache"}
    assert findings(r, "GAP001") == []
    assert all(d.severity == "warning" for d in findings(r, "TMO001"))


def test_sketch_leaves_gaps_out(check_design):
    r = check_design(SKETCHY, profile="sketch")
    assert findings(r, "GAP001") == [] and findings(r, "TMO001") == [] and findings(r, "OPS005") == []
    assert findings(r, "SEC003")


def test_the_design_sets_its_profile_and_the_command_line_wins(tmp_path: Path):
    design = tmp_path / "s.design"
    design.write_text(SKETCHY.replace("system s {\n", "system s {\n  profile production\n"), encoding="utf-8")
    (tmp_path / "designc.toml").write_text('profile = "sketch"\n', encoding="utf-8")

    def codes(*extra: str) -> set[str]:
        r = run_designc("check", "-f", "json", *extra, str(design))
        return {d["code"] for d in json.loads(r.stdout)["diagnostics"]}

    assert "TMO001" in codes()  # the design's own profile beats the configuration's
    assert "TMO001" not in codes("--profile", "review") and "GAP001" in codes("--profile", "review")
    design.write_text(SKETCHY, encoding="utf-8")
    assert "TMO001" not in codes() and "GAP001" not in codes()  # the configuration's sketch


def test_a_bad_profile_in_the_configuration_is_reported(tmp_path: Path):
    design = tmp_path / "s.design"
    design.write_text(SKETCHY, encoding="utf-8")
    (tmp_path / "designc.toml").write_text('profile = "strict"\n', encoding="utf-8")
    r = run_designc("check", str(design))
    assert "CFG001" in r.stdout + r.stderr and "sketch, review, production" in r.stdout + r.stderr


def test_a_suppressed_gap_stays_out_of_the_note(check_design):
    text = SKETCHY.replace(
        "    calls auth\n", "    calls auth  # designc: ignore[TMO001] the client library's deadline applies\n"
    )
    r = check_design(text, profile="review")
    api = next(d for d in findings(r, "GAP001") if "`api`" in d.message)
    assert "no timeout on calls to `db`, `cache` (TMO001)" in api.message
    assert "SUP003" not in r.codes  # the suppression was used


RETRIED = """\
system vidup {
  region r { zones [a, b, c] }
  service upload_api {
    exposure public
    replicas 3
    calls moderation { RETRIES }
    slo { latency p99 300ms }
  }
  external moderation { latency p99 800ms }
}
"""


def test_a_call_retried_with_no_timeout_is_a_warning_in_every_profile(check_design):
    """An edge that states `retries 3` and no timeout is an unbounded wait its author chose, not a fact left out."""
    for profile in ("sketch", "review", "production"):
        r = check_design(RETRIED.replace("RETRIES", "retries 3"), profile=profile)
        (d,) = findings(r, "TMO001")
        assert d.severity == "warning", profile
        assert "with no timeout and retries it 3 times" in d.message
        assert not any("TMO001" in n.message for n in findings(r, "GAP001")), profile
    # a call that states neither stays a gap: in the component's note under `review`, left out under `sketch`
    plain = RETRIED.replace("RETRIES", "retries 0")
    assert findings(check_design(plain, profile="sketch"), "TMO001") == []
    (note,) = findings(check_design(plain, profile="review"), "GAP001")
    assert "no timeout on calls to `moderation` (TMO001)" in note.message


def test_the_gap_note_counts_what_it_lists(check_design):
    """Two targets in one phrase are two things, in one kind (a new user read "leaves 4 things unstated" over
    three phrases); two calls to one component are one thing, as the note names it once."""
    text = SKETCHY.replace("    calls auth\n", "    calls auth\n    writes db\n")
    (api,) = [d for d in findings(check_design(text, profile="review"), "GAP001") if "`api`" in d.message]
    assert "no timeout on calls to `auth`, `db`, `cache` (TMO001)" in api.message
    assert api.message.startswith("service `api` leaves 9 things unstated, of 5 kinds: ")
