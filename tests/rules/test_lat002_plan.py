"""LAT002 on a wait with no bound, and the timeouts its hints propose: the hints share the objective among the
calls, never go below a callee's p99, and say which callee or how many retries must change where no timeout
fits (a new user found `check` saying "may wait 6.9s" where the report said unbounded, and every hint saying
"at most 0s per attempt fits")."""

from __future__ import annotations

import re

from conftest import findings

UPLOAD = """\
system vidup {
  region r { zones [a, b, c] }
  service upload_api {
    exposure public
    replicas 3
    call_order sequential
    calls moderation { retries 3 }
    writes video_meta { timeout 50ms; retries 1 }
    writes raw_videos { timeout 2s; retries 2 }
    slo { latency p99 300ms }
  }
  store video_meta { engine postgres; replicas 1 }
  store raw_videos { engine s3 }
  external moderation { latency p99 800ms }
}
"""

GATEWAY = """\
system s {
  region r { zones [a, b] }
  service gateway {
    exposure public
    replicas 2
    call_order sequential
    calls auth { timeout 700ms }
    calls orders { timeout 900ms }
    slo { latency p99 800ms }
  }
  service auth { replicas 2; latency p99 50ms }
  service orders { replicas 2; latency p99 400ms }
}
"""

RETRIED = """\
system s {
  region r { zones [a, b] }
  service api { exposure public; replicas 2; calls pay { timeout 100ms; retries 3 }; slo { latency p99 200ms } }
  service pay { replicas 2; latency p99 80ms }
}
"""

_TIMEOUT = re.compile(r"^`(\w+) (\w+)` \([^)]*\): a timeout of at most (\S+) per attempt fits")
_RETRIES = re.compile(r"^`(\w+) (\w+)` \([^)]*\): .*\(`retries (\d+)`\), with a timeout of at most (\S+) per attempt")
_CHANGE = re.compile(r"^`(\w+) (\w+)` \([^)]*\): `\2` (?:alone )?may take .*: make it faster, or take the call off")


def _apply(text: str, hints: list[str]) -> str:
    """The design with what the hints say done: each proposed timeout (and retries) stated on its call, and each
    call whose callee must change taken off the request."""
    lines = text.splitlines()
    for h in hints:
        if m := _CHANGE.match(h):
            lines = [x for x in lines if not x.strip().startswith(f"{m[1]} {m[2]} {{")]
            continue
        if m := _RETRIES.match(h):
            kind, target, retries, timeout = m[1], m[2], m[3], m[4]
        elif m := _TIMEOUT.match(h):
            kind, target, retries, timeout = m[1], m[2], None, m[3]
        else:
            raise AssertionError(f"a hint that proposes nothing to do: {h}")
        (i,) = [k for k, x in enumerate(lines) if f"{kind} {target} {{" in x]
        line = re.sub(r"timeout [^;}]+", f"timeout {timeout}", lines[i])
        if "timeout" not in line:
            line = line.replace(f"{kind} {target} {{", f"{kind} {target} {{ timeout {timeout};")
        if retries is not None:
            line = re.sub(r"retries \d+", f"retries {retries}", line)
        lines[i] = line
    return "\n".join(lines) + "\n"


def test_a_call_with_no_timeout_makes_the_wait_unbounded_as_the_report_says(check_design):
    from designc.report import build

    checked = check_design(UPLOAD)
    (d,) = findings(checked, "LAT002")
    assert d.message == (
        "`upload_api` may wait without bound on its dependencies, above its SLO of 300ms: `calls moderation` states "
        "no timeout, so a callee that hangs holds the request"
    )
    (ep,) = build(checked.model)["entrypoints"]
    assert ep["latency"]["worst_case_wait"] is None and ep["latency"]["wait_unbounded_by"] == "upload_api -> moderation"
    # with a timeout on every call, the figure is back
    (d,) = findings(
        check_design(UPLOAD.replace("calls moderation { retries 3 }", "calls moderation { timeout 1s }")), "LAT002"
    )
    assert d.message.startswith("`upload_api` may wait 7.1s on its dependencies before a timeout fires")


def test_the_hints_name_the_callee_that_must_change_and_timeouts_that_fit_the_rest(check_design):
    (d,) = findings(check_design(UPLOAD), "LAT002")
    assert not any("at most 0s" in h for h in d.hints)
    assert d.hints[0].startswith(
        "`calls moderation` (no timeout, 4 attempts): `moderation` alone may take 800ms (its p99), more than its SLO"
    )
    fixed = check_design(_apply(UPLOAD, d.hints))
    assert findings(fixed, "LAT002") == [] and findings(fixed, "TMO003") == [] and findings(fixed, "LAT001") == []


def test_calls_in_sequence_share_the_objective(check_design):
    """700 + 900 ms of waits against 800 ms: each call gets its p99 and an equal share of what is left (175 ms),
    so auth 225 ms and orders 575 ms (before, each was given what the other's stated wait left: 0 s for auth)."""
    (d,) = findings(check_design(GATEWAY), "LAT002")
    assert d.hints == [
        "`calls auth` (700ms): a timeout of at most 225ms per attempt fits, above its p99 of 50ms",
        "`calls orders` (900ms): a timeout of at most 575ms per attempt fits, above its p99 of 400ms",
    ]
    fixed = check_design(_apply(GATEWAY, d.hints))
    assert findings(fixed, "LAT002") == [] and findings(fixed, "TMO003") == []


def test_where_no_timeout_fits_every_attempt_the_hint_says_how_many_retries_to_keep(check_design):
    """4 attempts of pay's 80 ms p99 are 320 ms, above 200 ms; two are 160 ms."""
    (d,) = findings(check_design(RETRIED), "LAT002")
    assert d.hints == [
        "`calls pay` (4 x 100ms): 3 retries do not fit its SLO of 200ms: retry once (`retries 1`), with a timeout of "
        "at most 100ms per attempt, above its p99 of 80ms"
    ]
    fixed = check_design(_apply(RETRIED, d.hints))
    assert findings(fixed, "LAT002") == [] and findings(fixed, "TMO003") == []


def test_a_callee_slower_than_the_whole_objective_must_change(check_design):
    text = RETRIED.replace("timeout 100ms; retries 3", "timeout 300ms").replace("p99 80ms", "p99 250ms")
    (d,) = findings(check_design(text), "LAT002")
    assert d.hints == [
        "`calls pay` (300ms): `pay` alone may take 250ms (its p99), more than its SLO of 200ms leaves: make it "
        "faster, or take the call off the request (asynchronous, or soft with a fallback)"
    ]
