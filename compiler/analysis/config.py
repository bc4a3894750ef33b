"""The `[tool.designc]` table of pyproject.toml, or a designc.toml: which rules run, how severe, when to fail.

    [tool.designc]
    select = ["CAP", "SPOF", "AVL001"]      # codes or prefixes; default: every rule
    ignore = ["SEC008"]
    fail-on = "warning"                     # error (default), warning, info, never
    profile = "production"                  # sketch, review (default), production: how gaps are reported
    exclude = ["examples/flawed", "*.wip.design"]   # skipped when designc walks a folder
    [tool.designc.severity]
    SPOF003 = "warning"
    [tool.designc.options]
    retry-limit = 10                        # RTY001

The file is looked for in the folder checked and in each folder above it; `--config FILE` names one.

`exclude` holds glob patterns of designs that are wrong on purpose (examples of mistakes, test fixtures): files
and folders designc skips when it walks a folder. A pattern with a `/` is matched against the path relative to
the configuration file's folder (`examples/flawed`, `designs/*/drafts`); one without against each file or
folder name (`fixtures`, `*.wip.design`). `*` matches across `/`. A file or folder named on the command line is
checked even when a pattern matches it.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from ..ast import Span
from ..diagnostics import Diagnostic, Severity, diag, register

CONFIG_ERROR = register(
    "CFG001",
    Severity.ERROR,
    "bad configuration",
    "The `[tool.designc]` table (or designc.toml) has a key, a code or a value designc does not know. Codes are "
    "rule codes (`designc rules`) or their prefixes; severities are error, warning or info.",
)

KEYS = {"select", "ignore", "severity", "fail-on", "options", "profile", "exclude"}
PROFILES = ("sketch", "review", "production")

# Rule options: name -> (default, what it is). Rules read them from the graph (`g.options`).
OPTIONS: dict[str, tuple[float, str]] = {
    "retry-limit": (10, "RTY001: the largest product of attempts along a chain"),
    "single-writer-rps": (
        500,
        "SCL001: the writes per second above which a single writer that states no `capacity` is reported",
    ),
    "unsized-rps": (
        10000,
        "SCL001: the load above which a component that states no `capacity` is reported when a cold cache or a "
        "fan-out brings it that load",
    ),
}


@dataclass
class Config:
    path: Path | None = None
    select: list[str] | None = None
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, Severity] = field(default_factory=dict)
    fail_on: str | None = None
    profile: str | None = None  # sketch, review (the default) or production; a design's own `profile` wins
    options: dict[str, float] = field(default_factory=lambda: {k: v for k, (v, _) in OPTIONS.items()})
    exclude: list[str] = field(default_factory=list)  # glob patterns skipped when walking folders
    problems: list[Diagnostic] = field(default_factory=list)

    def enabled(self, code: str) -> bool:
        if any(code.startswith(p) for p in self.ignore):
            return False
        return self.select is None or any(code.startswith(p) for p in self.select)

    def severity_of(self, code: str, default: Severity) -> Severity:
        return self.severity.get(code, default)


def find(start: Path) -> Path | None:
    here = start.resolve()
    if here.is_file():
        here = here.parent
    for folder in [here, *here.parents]:
        d = folder / "designc.toml"
        if d.is_file():
            return d
        p = folder / "pyproject.toml"
        if p.is_file():
            try:
                if "designc" in tomllib.loads(p.read_text(encoding="utf-8")).get("tool", {}):
                    return p
            except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError):
                continue
    return None


def _table(path: Path) -> Any:
    """The designc table of a configuration file (raises OSError, UnicodeDecodeError, TOMLDecodeError)."""
    data: Any = tomllib.loads(path.read_text(encoding="utf-8"))
    return data.get("tool", {}).get("designc", {}) if path.name == "pyproject.toml" else data


def _patterns(value: Any) -> list[str] | None:
    """The `exclude` patterns, trailing slashes and `./` dropped; None unless it is a list of strings."""
    if not isinstance(value, list) or not all(isinstance(x, str) and x.strip() for x in value):
        return None
    return [x.strip().removeprefix("./").rstrip("/") for x in value]


def excluder(path: Path | None) -> Callable[[Path], bool] | None:
    """A test for the files and folders a walk should skip, from the `exclude` of the configuration at ``path``
    (None when there is nothing to skip). A configuration that cannot be read excludes nothing here: `load`
    reports what is wrong with it."""
    if path is None:
        return None
    try:
        table = _table(path)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    patterns = _patterns(table.get("exclude")) if isinstance(table, dict) else None
    if not patterns:
        return None
    base = Path(os.path.abspath(path.parent))
    by_path = [p for p in patterns if "/" in p]
    by_name = [p for p in patterns if "/" not in p]

    def excluded(candidate: Path) -> bool:
        if any(fnmatchcase(candidate.name, p) for p in by_name):
            return True
        if not by_path:
            return False
        try:
            rel = Path(os.path.abspath(candidate)).relative_to(base).as_posix()
        except ValueError:
            return False
        return any(fnmatchcase(rel, p) for p in by_path)

    return excluded


def _span_of(text: str, needle: str, path: str) -> Span:
    for i, line in enumerate(text.splitlines(), 1):
        col = line.find(needle)
        if col >= 0:
            return Span(path, i, col + 1, i, col + 1 + len(needle))
    return Span(path, 1, 1, 1, 1)


def load(path: Path | None, known_codes: list[str]) -> Config:
    cfg = Config(path=path)
    if path is None:
        return cfg
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
        data: Any = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as e:
        cfg.problems.append(diag(CONFIG_ERROR, f"cannot read the configuration: {e}", Span(shown, 1, 1, 1, 1)))
        return cfg
    except tomllib.TOMLDecodeError as e:
        line = getattr(e, "lineno", 1) or 1
        col = getattr(e, "colno", 1) or 1
        cfg.problems.append(
            diag(CONFIG_ERROR, f"the configuration is not valid TOML: {e}", Span(shown, line, col, line, col + 1))
        )
        return cfg
    table = data.get("tool", {}).get("designc", {}) if path.name == "pyproject.toml" else data
    if not isinstance(table, dict):
        return cfg

    def bad(msg: str, needle: str, hints: list[str] | None = None) -> None:
        cfg.problems.append(diag(CONFIG_ERROR, msg, _span_of(text, needle, shown), hints=hints))

    def codes(key: str) -> list[str]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
            bad(f"`{key}` must be a list of rule codes or prefixes", key)
            return []
        out = []
        for c in value:
            c = c.strip().upper()
            if not any(k.startswith(c) for k in known_codes):
                from ..values import suggest

                close = suggest(c, known_codes)
                bad(
                    f"`{key}` names `{c}`, which is no rule code or prefix",
                    c,
                    [f"did you mean `{close}`?"] if close else ["`designc rules` lists the codes"],
                )
                continue
            out.append(c)
        return out

    for k in table:
        if k not in KEYS:
            bad(f"unknown key `{k}` in the designc configuration", k, [f"the keys are {', '.join(sorted(KEYS))}"])
    if "select" in table:
        cfg.select = codes("select")
    cfg.ignore = codes("ignore")
    sev = table.get("severity", {})
    if isinstance(sev, dict):
        for code, level in sev.items():
            if code.upper() not in known_codes:
                bad(f"`severity` names `{code}`, which is no rule code", code)
            elif level not in ("error", "warning", "info"):
                bad(f"severity `{level}` for {code} is not error, warning or info", str(level))
            else:
                cfg.severity[code.upper()] = Severity(level)
    else:
        bad('`severity` must be a table of CODE = "error" | "warning" | "info"', "severity")
    opts = table.get("options", {})
    if isinstance(opts, dict):
        for key, value in opts.items():
            if key not in OPTIONS:
                bad(f"unknown option `{key}`", key, [f"the options are {', '.join(sorted(OPTIONS))}"])
            elif isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                bad(f"option `{key}` must be a positive number", key)
            else:
                cfg.options[key] = value
    else:
        bad("`options` must be a table", "options")
    profile = table.get("profile")
    if profile is not None:
        if profile in PROFILES:
            cfg.profile = profile
        else:
            bad(f"`profile` is `{profile}`; it is one of {', '.join(PROFILES)}", "profile")
    if "exclude" in table:
        patterns = _patterns(table["exclude"])
        if patterns is None:
            bad(
                "`exclude` must be a list of glob patterns",
                "exclude",
                ['for example `exclude = ["examples/flawed", "*.wip.design"]`'],
            )
        else:
            cfg.exclude = patterns
    fail_on = table.get("fail-on")
    if fail_on is not None:
        if fail_on in ("error", "warning", "info", "never"):
            cfg.fail_on = fail_on
        else:
            bad(f"`fail-on` is `{fail_on}`; it is one of error, warning, info, never", "fail-on")
    return cfg
