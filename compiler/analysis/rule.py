"""Rules: one module each under `designc.analysis.rules`, registered by a stable code.

A rule is a subclass of :class:`Rule` decorated with :func:`rule`. Its module docstring is its documentation,
in four parts (what it checks, why it matters with a source, a design that triggers it, the fix), printed by
`designc explain CODE`. Its `check` reads the graph (and through it the model) and yields findings; it never
parses, reads files or keeps state between designs.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from ..diagnostics import REGISTRY, Code, Severity

if TYPE_CHECKING:
    from ..model import Location
    from .graph import Graph


@dataclass
class Finding:
    """One problem a rule found.

    ``path`` names the element for the finding's fingerprint (`service:api/calls:auth`): a finding keeps its
    fingerprint when lines move, so baselines and code scanning follow it. ``at`` is where it is reported.
    """

    message: str
    at: Location
    path: str
    hints: list[str] = field(default_factory=list)
    notes: list[tuple[Location, str]] = field(default_factory=list)
    label: str = ""
    severity: Severity | None = None  # when a finding is milder than its rule's default ("declare this")
    # a gap: the design does not state something (a timeout, a deployment strategy), rather than contradicting
    # itself; the value names the item within its component for the grouped note ("`db`"), or "-" for the
    # component itself. Outside the production profile, a component's gaps are reported as one note.
    gap: str = ""


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]  # kebab-case, stable
    severity: ClassVar[Severity]
    summary: ClassVar[str]  # one line
    practices: ClassVar[tuple[str, ...]] = ()  # best-practice ids it enforces: REL05-BP05, RE:07, ...
    # how a component's gaps of this rule read in its grouped note: "no timeout on calls to {items}"
    gap_phrase: ClassVar[str] = ""
    # codes whose findings share this rule's root cause when they are on the same element (or on an edge leaving
    # it): reported once, as this rule's finding, with theirs as its notes (SPOF001 takes SPOF004's "no backup
    # either"). When this rule is off or does not fire there, theirs stand on their own.
    subsumes: ClassVar[tuple[str, ...]] = ()
    doc: ClassVar[str] = ""

    def check(self, g: Graph) -> Iterator[Finding]:  # pragma: no cover - abstract
        raise NotImplementedError


_RULES: dict[str, type[Rule]] = {}
_LOADED = False
BROKEN: list[tuple[str, str]] = []  # rule modules that failed to import: (module, error), reported as INT001


def rule(cls: type[Rule]) -> type[Rule]:
    """Register a rule class under its code, and its code with the diagnostics registry."""
    if cls.code in _RULES:
        raise ValueError(f"rule code {cls.code} registered twice")
    module = importlib.import_module(cls.__module__)
    cls.doc = (module.__doc__ or "").strip()
    _RULES[cls.code] = cls
    if cls.code not in REGISTRY:
        REGISTRY[cls.code] = Code(cls.code, cls.severity, cls.summary, cls.doc)
    return cls


def all_rules() -> dict[str, type[Rule]]:
    """Every rule, by code, in code order. Imports each module of the rules package once."""
    global _LOADED
    if not _LOADED:
        from . import rules as pkg

        for m in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
            if not m.name.startswith("_"):
                try:
                    importlib.import_module(f"{pkg.__name__}.{m.name}")
                except Exception as e:  # one broken rule must not take the others down
                    BROKEN.append((m.name, f"{type(e).__name__}: {e}"))
        _LOADED = True
    return dict(sorted(_RULES.items()))
