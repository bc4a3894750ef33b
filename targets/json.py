"""The resolved model as JSON: `model.json`, valid against `designc schema`."""

from __future__ import annotations

import json
from typing import Any

DESCRIPTION = "the resolved model as JSON (model.json), valid against `designc schema`"
INDEPENDENT = True  # shares no work with other targets: a large build runs it in a process of its own


def generate(build: Any) -> dict[str, bytes]:
    data = build.model.model_dump(mode="json", exclude_none=False)
    text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    return {"model.json": text.encode("utf-8")}
