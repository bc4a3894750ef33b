"""Diagnostics out: a code frame for people, JSON, SARIF 2.1.0 for code scanning, GitHub annotations."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from typing import Any

from . import __version__
from .diagnostics import REGISTRY, Diagnostic, Severity

FORMATS = ("human", "json", "sarif", "github")
INFORMATION_URI = "https://github.com/designc/designc"


class Style:
    def __init__(self, color: bool) -> None:
        self.color = color

    def _c(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color and text else text

    def bold(self, t: str) -> str:
        return self._c("1", t)

    def severity(self, sev: Severity, t: str) -> str:
        return self._c({"error": "1;31", "warning": "1;33", "info": "1;36"}[sev.value], t)

    def blue(self, t: str) -> str:
        return self._c("1;34", t)

    def green(self, t: str) -> str:
        return self._c("1;32", t)


def use_color(stream: Any, force: bool | None = None) -> bool:
    if force is not None:
        return force
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


def _frame(
    lines: list[str],
    d_line: int,
    col: int,
    end_line: int,
    end_col: int,
    label: str,
    style: Style,
    sev: Severity,
    gutter: int,
) -> list[str]:
    out: list[str] = []
    if not 1 <= d_line <= len(lines):
        return out
    src = lines[d_line - 1].rstrip("\n").replace("\t", " ")
    out.append(style.blue(f"{d_line:>{gutter}} |") + " " + src)
    start = max(col, 1)
    stop = end_col if end_line == d_line else len(src) + 1
    width = max(1, min(stop, len(src) + 1) - start)
    caret = " " * (start - 1) + "^" * width
    out.append(style.blue(" " * gutter + " |") + " " + style.severity(sev, caret + (" " + label if label else "")))
    return out


def human(diags: Sequence[Diagnostic], texts: Mapping[str, str], color: bool = False) -> str:
    style = Style(color)
    blocks: list[str] = []
    split: dict[str, list[str]] = {}

    def lines_of(path: str) -> list[str] | None:
        """The file's lines, split once however many diagnostics point into it."""
        if path not in split:
            text = texts.get(path)
            if text is None:
                return None
            split[path] = text.splitlines()
        return split[path]

    for d in diags:
        head = style.severity(d.severity, f"{d.severity.value}[{d.code}]") + style.bold(": " + d.message)
        lines = [head]
        if d.span is not None:
            s = d.span
            gutter = len(str(max([s.line, *(n.span.line for n in d.notes)])))
            lines.append(" " * gutter + style.blue("--> ") + f"{s.file}:{s.line}:{s.column}")
            src = lines_of(s.file)
            if src is not None:
                lines.append(style.blue(" " * gutter + " |"))
                lines += _frame(src, s.line, s.column, s.end_line, s.end_column, d.label, style, d.severity, gutter)
                for n in d.notes:
                    nsrc = lines_of(n.span.file)
                    if nsrc is None:
                        continue
                    if n.span.file != s.file:
                        lines.append(" " * gutter + style.blue("::: ") + f"{n.span.file}:{n.span.line}:{n.span.column}")
                    lines += _frame(
                        nsrc,
                        n.span.line,
                        n.span.column,
                        n.span.end_line,
                        n.span.end_column,
                        n.message,
                        Style(False) if not color else style,
                        Severity.INFO,
                        gutter,
                    )
                lines.append(style.blue(" " * gutter + " |"))
            for n in d.notes:
                if texts.get(n.span.file) is None:
                    lines.append(" " * gutter + style.blue(" = ") + f"note: {n.message} at {n.span}")
            for h in d.hints:
                lines.append(" " * gutter + style.blue(" = ") + style.bold("help") + f": {h}")
        else:
            for h in d.hints:
                lines.append(style.blue("  = ") + style.bold("help") + f": {h}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def summary(diags: Sequence[Diagnostic], designs: int, files: int, color: bool = False) -> str:
    style = Style(color)
    counts = {sev: sum(1 for d in diags if d.severity is sev) for sev in Severity}
    parts = []
    for sev, word in ((Severity.ERROR, "error"), (Severity.WARNING, "warning"), (Severity.INFO, "note")):
        n = counts[sev]
        if n:
            parts.append(style.severity(sev, f"{n} {word}{'s' if n != 1 else ''}"))
    where = f"{designs} design{'s' if designs != 1 else ''} ({files} file{'s' if files != 1 else ''})"
    if not parts:
        return style.green("ok") + f": {where} checked, no problems found\n"
    return ", ".join(parts) + f" in {where}\n"


def _loc(d: Diagnostic) -> dict[str, Any]:
    s = d.span
    if s is None:
        return {"file": None, "line": None, "column": None, "end_line": None, "end_column": None}
    return {
        "file": s.file,
        "line": s.line,
        "column": s.column,
        "end_line": s.end_line,
        "end_column": s.end_column,
    }


def as_json(diags: Sequence[Diagnostic]) -> str:
    out = []
    for d in diags:
        item: dict[str, Any] = {"code": d.code, "severity": d.severity.value, "message": d.message, **_loc(d)}
        item["label"] = d.label
        item["hints"] = list(d.hints)
        item["notes"] = [{"message": n.message, **_loc_span(n.span)} for n in d.notes]
        out.append(item)
    return json.dumps({"version": __version__, "diagnostics": out}, indent=2, ensure_ascii=False) + "\n"


def _loc_span(s: Any) -> dict[str, Any]:
    return {
        "file": s.file,
        "line": s.line,
        "column": s.column,
        "end_line": s.end_line,
        "end_column": s.end_column,
    }


_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _uri(path: str) -> str:
    return path.replace(os.sep, "/")


def sarif(diags: Sequence[Diagnostic]) -> str:
    codes = sorted({d.code for d in diags})
    rules = []
    for c in codes:
        info = REGISTRY.get(c)
        rule: dict[str, Any] = {"id": c}
        if info is not None:
            rule["name"] = "".join(w.capitalize() for w in info.title.replace("'", "").split())
            rule["shortDescription"] = {"text": info.title}
            rule["fullDescription"] = {"text": info.explanation}
            rule["help"] = {"text": info.explanation}
            rule["defaultConfiguration"] = {"level": _SARIF_LEVEL[info.severity]}
        rules.append(rule)
    index = {c: i for i, c in enumerate(codes)}
    results = []
    for d in diags:
        text = d.message
        if d.hints:
            text += "\n" + "\n".join(f"help: {h}" for h in d.hints)
        res: dict[str, Any] = {
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": _SARIF_LEVEL[d.severity],
            "message": {"text": text},
        }
        if d.fingerprint:
            res["partialFingerprints"] = {"designcFingerprint/v1": d.fingerprint}
        if d.span is not None:
            s = d.span
            res["locations"] = [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(s.file), "uriBaseId": "%SRCROOT%"},
                        "region": {
                            "startLine": s.line,
                            "startColumn": s.column,
                            "endLine": s.end_line,
                            "endColumn": max(s.end_column, s.column + 1) if s.end_line == s.line else s.end_column,
                        },
                    }
                }
            ]
            if d.notes:
                res["relatedLocations"] = [
                    {
                        "id": i,
                        "message": {"text": n.message},
                        "physicalLocation": {
                            "artifactLocation": {"uri": _uri(n.span.file), "uriBaseId": "%SRCROOT%"},
                            "region": {"startLine": n.span.line, "startColumn": n.span.column},
                        },
                    }
                    for i, n in enumerate(d.notes)
                ]
        results.append(res)
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "designc",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": _srcroot()}},
                "results": results,
            }
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _srcroot() -> str:
    cwd = os.getcwd().replace(os.sep, "/")
    return "file://" + (cwd if cwd.startswith("/") else "/" + cwd) + "/"


def _gh_escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_escape_prop(s: str) -> str:
    return _gh_escape_data(s).replace(":", "%3A").replace(",", "%2C")


def github(diags: Sequence[Diagnostic]) -> str:
    lines = []
    for d in diags:
        cmd = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}[d.severity]
        props = []
        if d.span is not None:
            s = d.span
            props += [f"file={_gh_escape_prop(s.file)}", f"line={s.line}", f"col={s.column}"]
            if s.end_line != s.line:
                props.append(f"endLine={s.end_line}")
            else:
                props.append(f"endColumn={s.end_column}")
        props.append(f"title={_gh_escape_prop(d.code)}")
        msg = d.message + ("".join(f"\nhelp: {h}" for h in d.hints))
        lines.append(f"::{cmd} {','.join(props)}::{_gh_escape_data(msg)}")
    return "\n".join(lines) + ("\n" if lines else "")
