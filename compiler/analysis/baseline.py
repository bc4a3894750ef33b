"""Baselines: adopt designc on an existing design and fix its debt over time.

`designc check --write-baseline FILE` records the fingerprints of today's findings; `--baseline FILE` then
reports only findings that are not in it. A fingerprint is the rule code and the element's path (not a line
number), so editing the file around a finding does not resurface it.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..diagnostics import Diagnostic

VERSION = 1


def read(path: Path) -> set[str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("findings"), list):
        raise ValueError(f"{path} is not a designc baseline (version {VERSION})")
    return {f["fingerprint"] for f in data["findings"] if isinstance(f, dict) and "fingerprint" in f}


def render(diags: list[Diagnostic]) -> str:
    findings = sorted(
        {
            d.fingerprint: {"fingerprint": d.fingerprint, "code": d.code, "message": d.message}
            for d in diags
            if d.fingerprint
        }.values(),
        key=lambda f: f["fingerprint"],
    )
    return json.dumps({"version": VERSION, "findings": findings}, indent=2, ensure_ascii=False) + "\n"
