"""Output targets: one module per target in `designc.targets`, found by name, imported only when used.

A target module defines ``DESCRIPTION`` and ``generate(design) -> dict[str, bytes]`` (relative paths to file
contents). Adding a target is adding a module; nothing here changes.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any


def available() -> list[str]:
    import designc.targets as pkg

    return sorted(m.name for m in pkgutil.iter_modules(pkg.__path__) if not m.name.startswith("_"))


def generate(name: str, design: Any) -> dict[str, bytes]:
    module = importlib.import_module(f"designc.targets.{name}")
    return module.generate(design)
