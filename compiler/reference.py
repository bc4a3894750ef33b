"""The language reference, generated from the schema so that docs/reference.md cannot drift from the language.

Every statement's row lists the values it allows where they are a fixed set (`exposure`: `public`, `internal`,
`private`), read from the same enumerations the checker uses.
"""

from __future__ import annotations

from typing import Any

from .schema import COMPONENTS, EDGE, NETWORK, REGION_SPEC, REQUIREMENTS, SYSTEM_PROPS, BlockSpec, Prop
from .values import DURATION_UNITS, RATE_UNITS, SIZE_UNITS, AnyOf, Between, CallOf, Choice, Enum, ListOf, Opt


def _choices(slot: Any, after: str | None, out: list[str]) -> None:
    """The fixed sets of values a statement's slot allows, each as `a`, `b`, `c` (after its leading word)."""
    if isinstance(slot, Enum | CallOf):
        names = slot.choices if isinstance(slot, Enum) else [f"{n}(key)" for n in slot.names]
        if len(names) > 1:  # one choice is a fixed word of the statement (`per replica`), not a value
            listed = ", ".join(f"`{n}`" for n in names)
            out.append(f"after `{after}`: {listed}" if after else listed)
    elif isinstance(slot, ListOf | Between):
        _choices(slot.item, after, out)
    elif isinstance(slot, AnyOf):
        for t in slot.types:
            _choices(t, after, out)
    elif isinstance(slot, Opt):
        for t in slot.types:
            _choices(t, slot.word or after, out)
    elif isinstance(slot, Choice):
        if None not in slot.forms:  # each form has its own leading word: the forms are the choices
            out.append(", ".join(f"`{form.example}`" for form in slot.forms.values()))
        for form in slot.forms.values():
            for t in form.types:
                _choices(t, form.word or after, out)


def allowed(p: Prop) -> str:
    """The values a statement allows where they are a fixed set, or "" (a number, a name, free text)."""
    out: list[str] = []
    for slot in p.sig:
        _choices(slot, None, out)
    return "; ".join(out)


def _row(p: Prop) -> str:
    return f"| `{p.key}` | `{p.example}` | {p.doc} | {allowed(p)} |"


def _table(spec: BlockSpec, skip: set[str] | None = None) -> list[str]:
    rows = ["| statement | example | meaning | allowed values |", "|---|---|---|---|"]
    rows += [_row(p) for p in spec.props.values() if not skip or p.key not in skip]
    return rows


def _nested(spec: BlockSpec, seen: set[str]) -> list[str]:
    out: list[str] = []
    for p in spec.props.values():
        b = p.block
        if b is None or b.free or b.name in seen or b is EDGE:
            continue
        seen.add(b.name)
        out += ["", f"**`{p.key} {{ ... }}`** takes:", "", *_table(b)]
        out += _nested(b, seen)
    return out


def markdown() -> str:
    common = set(COMPONENTS["client"].props)
    out = [
        "## Values",
        "",
        "| kind | written | model value |",
        "|---|---|---|",
        f"| duration | `250ms`, `5m` ({', '.join(DURATION_UNITS)}) | seconds |",
        "| percentage | `99.95%` | a fraction (0.9995) |",
        f"| rate | `5000 rps` ({', '.join(RATE_UNITS)}) | per second |",
        f"| size | `20GiB` ({', '.join(SIZE_UNITS)}) | bytes |",
        "| number | `3`, `14.4` | as written |",
        "| range | `3..30`, `50ms..2s` | low and high |",
        "| switch | `on` `off` `yes` `no` `true` `false` | true or false |",
        '| string | `"text"` | text; `\\"` and `\\\\` escape |',
        "| list | `[a, b, c]` (may span lines) | a list; one value alone is a list of one |",
        "| name | `ledger`, `us_east_1` | checked against what the design defines |",
        "",
        '## `system NAME "Title" { ... }`',
        "",
        "Holds `region`s and components (which may also sit at the top level of any file of the design), and:",
        "",
        *_table(SYSTEM_PROPS),
        *_nested(SYSTEM_PROPS, {"requirements"}),
        "",
        "**`requirements { ... }`** takes:",
        "",
        *_table(REQUIREMENTS),
        "",
        "## `network { ... }`",
        "",
        NETWORK.doc,
        "",
        *_table(NETWORK),
        "",
        "## `region NAME { ... }`",
        "",
        *_table(REGION_SPEC),
        "",
        "## Every component: `service`, `store`, `stream`, `queue`, `cache`, `external`, `client`",
        "",
        '`KIND NAME ["Title"] [is DEFINITION] { ... }`. Every kind takes these statements:',
        "",
        *_table(COMPONENTS["client"]),
        *_nested(COMPONENTS["client"], set()),
        "",
        "## Edges: `calls`, `reads`, `writes`, `publishes`, `consumes`",
        "",
        "`calls TARGET { ... }`; `calls`, `reads` and `writes` are synchronous unless `mode async`, `publishes`"
        " and `consumes` asynchronous. An edge without `protocol` takes its target's (or its engine's).",
        "",
        *_table(EDGE),
    ]
    for kind in ("service", "store", "stream", "queue", "cache", "external"):
        spec = COMPONENTS[kind]
        out += ["", f"## `{kind}`", "", spec.doc, "", "Besides the statements every component takes:", ""]
        out += _table(spec, common)
        out += _nested(
            BlockSpec(kind, [p for p in spec.props.values() if p.key not in common]), {"slo", "health_check"}
        )
    return "\n".join(out) + "\n"
