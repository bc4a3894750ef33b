"""Terraform: a root module per system under `terraform/`, for the cloud its regions name.

The cloud-specific part (which resource each engine becomes, instance types per size class, engine versions and
ports, the network) lives in one module per cloud, `designc.targets._cloud_<provider>`; this module picks it from
the regions' `provider` (default `aws`), writes what it returns as HCL with a small emitter of its own (no
templates: every string is escaped here, once), and writes the README.

A cloud module defines ``NAME`` (for messages), ``plan(build) -> Plan`` and may read the helpers below. Only
`aws` exists yet; a design whose regions name another provider gets a :class:`TargetError`, nothing written.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Union

from designc.targets_registry import TargetError

from . import _scaffold

DESCRIPTION = "a Terraform root module per system (terraform/): network, data stores, streams, queues, caches"
INDEPENDENT = True  # shares no work with other targets: a large build runs it in a process of its own

FOLDER = "terraform"
DEFAULT_PROVIDER = "aws"

# --------------------------------------------------------------------------------------------- the HCL emitter


@dataclass(frozen=True)
class Expr:
    """An HCL expression written as it is: a reference (`aws_vpc.main.id`), a function call, `null`."""

    text: str


@dataclass(frozen=True)
class Heredoc:
    """A multi-line string, written as an indented heredoc (`<<-EOT`); interpolation markers are escaped."""

    text: str


@dataclass(frozen=True)
class Call:
    """A function call whose arguments are values (so an object passed to `jsonencode` is laid out properly)."""

    name: str
    args: tuple[Any, ...]


@dataclass
class Comment:
    text: str


@dataclass
class Block:
    """`TYPE "LABEL" ... { BODY }`; the body holds (name, value) pairs, nested blocks and comments, in order."""

    type: str
    labels: tuple[str, ...] = ()
    body: list[Item] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)  # written above the block

    def attr(self, name: str, value: Any) -> Block:
        if value is not None:
            self.body.append((name, value))
        return self

    def block(self, child: Block) -> Block:
        self.body.append(child)
        return self


Item = Union[tuple[str, Any], Block, Comment]  # noqa: UP007 - a runtime alias


def block(type_: str, *labels: str, body: dict[str, Any] | None = None, blocks: Iterable[Block] = ()) -> Block:
    """A block from a dict of attributes (None values dropped) and nested blocks after them."""
    b = Block(type_, tuple(labels))
    for k, v in (body or {}).items():
        b.attr(k, v)
    for child in blocks:
        b.block(child)
    return b


def interp(*parts: str | Expr) -> Expr:
    """A template string: literal parts escaped, expressions interpolated with `${...}`."""
    out = []
    for p in parts:
        out.append(f"${{{p.text}}}" if isinstance(p, Expr) else _escape(p))
    return Expr('"' + "".join(out) + '"')


def fn(name: str, *args: Any) -> Call:
    return Call(name, tuple(args))


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _escape(text: str) -> str:
    """The inside of an HCL quoted string: backslash escapes, and `${`/`%{` doubled so they stay literal."""
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out).replace("${", "$${").replace("%{", "%%{")


def quote(text: str) -> str:
    return '"' + _escape(text) + '"'


def _key(name: str) -> str:
    return name if _IDENT.match(name) else quote(name)


def _number(v: int | float) -> str:
    if isinstance(v, bool):  # pragma: no cover - bools are handled before
        return "true" if v else "false"
    if isinstance(v, int) or float(v).is_integer():
        return str(int(v))
    text = repr(float(v))
    if "e" in text or "E" in text:
        text = f"{v:.12f}".rstrip("0").rstrip(".")
    return text


def _scalar(v: Any) -> str | None:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return _number(v)
    if isinstance(v, str):
        return quote(v)
    if isinstance(v, Expr):
        return v.text
    return None


def value(v: Any, indent: int = 0) -> str:
    """A value as HCL text; nested lines are indented for a value that starts at ``indent``."""
    s = _scalar(v)
    if s is not None:
        return s
    pad = "  " * (indent + 1)
    end = "  " * indent
    if isinstance(v, Heredoc):
        body = _heredoc_text(v.text)
        lines = "".join(f"{pad}{line}\n" if line else "\n" for line in body.split("\n"))
        return f"<<-EOT\n{lines}{pad}EOT"
    if isinstance(v, Call):
        args = [value(a, indent) for a in v.args]
        return f"{v.name}({', '.join(args)})"
    if isinstance(v, list | tuple):
        if not v:
            return "[]"
        items = [value(x, indent + 1) for x in v]
        flat = f"[{', '.join(items)}]"
        if all("\n" not in i for i in items) and len(flat) <= 100 and not any(isinstance(x, dict) for x in v):
            return flat
        return "[\n" + "".join(f"{pad}{i},\n" for i in items) + f"{end}]"
    if isinstance(v, dict):
        if not v:
            return "{}"
        return "{\n" + _attributes([(str(k), x) for k, x in v.items() if x is not None], indent + 1) + f"{end}}}"
    raise TypeError(f"cannot write {type(v).__name__} as HCL: {v!r}")


def _heredoc_text(text: str) -> str:
    return text.rstrip("\n").replace("${", "$${").replace("%{", "%%{")


def _attributes(pairs: list[tuple[str, Any]], indent: int) -> str:
    """`name = value` lines, the `=` aligned over each run of one-line values, as `terraform fmt` does."""
    pad = "  " * indent
    rendered = [(_key(k), value(v, indent)) for k, v in pairs]
    out: list[str] = []
    run: list[tuple[str, str]] = []

    def flush() -> None:
        width = max((len(k) for k, _ in run), default=0)
        out.extend(f"{pad}{k.ljust(width)} = {v}\n" for k, v in run)
        run.clear()

    for k, v in rendered:
        if "\n" in v and not v.startswith("<<"):  # a heredoc aligns with its neighbours, as `terraform fmt` does
            flush()
            out.append(f"{pad}{k} = {v}\n")
        else:
            run.append((k, v))
    flush()
    return "".join(out)


def render_block(b: Block, indent: int = 0) -> str:
    pad = "  " * indent
    out = [f"{pad}# {line}\n" if line else f"{pad}#\n" for c in b.comments for line in c.split("\n")]
    head = " ".join([b.type, *(quote(label) for label in b.labels)])
    if not b.body:
        out.append(f"{pad}{head} {{}}\n")
        return "".join(out)
    out.append(f"{pad}{head} {{\n")
    run: list[tuple[str, Any]] = []
    previous: str | None = None
    for item in b.body:
        if isinstance(item, tuple):
            run.append(item)
            continue
        if run:
            out.append(_attributes(run, indent + 1))
            run = []
            previous = "attr"
        if isinstance(item, Comment):
            out.extend(f"{pad}  # {line}\n" if line else f"{pad}  #\n" for line in item.text.split("\n"))
            previous = "comment"
        else:
            if previous in ("attr", "block"):
                out.append("\n")
            out.append(render_block(item, indent + 1))
            previous = "block"
    if run:
        if previous == "block":
            out.append("\n")
        out.append(_attributes(run, indent + 1))
    out.append(f"{pad}}}\n")
    return "".join(out)


def render_file(blocks: list[Block]) -> str:
    return "\n".join(render_block(b) for b in blocks)


# --------------------------------------------------------------------------------------------- what a cloud returns


@dataclass
class TfFile:
    """One `.tf` file: the design element it comes from (for the header), what it is, and its blocks."""

    element: Any | None
    what: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class ComponentPlan:
    """How one component was mapped: its resources (`type.name`), the regions, and notes for the README."""

    name: str
    kind: str
    engine: str | None
    mapped: bool
    resources: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    summary: str = ""  # one line: "RDS for PostgreSQL, Multi-AZ, a cross-region read replica in us-west-2"
    notes: list[str] = field(default_factory=list)


@dataclass
class Plan:
    files: dict[str, TfFile] = field(default_factory=dict)  # file name (no folder) -> its content
    components: list[ComponentPlan] = field(default_factory=list)
    fill_in: list[str] = field(default_factory=list)  # README: what to set by hand (variables, IAM roles...)
    notes: list[str] = field(default_factory=list)  # README: how the design maps, in general
    cloud: str = ""


# --------------------------------------------------------------------------------------------- the target


def cloud_module(model: Any) -> Any:
    """The cloud module for the design's regions' provider; a TargetError for a provider without one."""
    providers = sorted({(r.provider or DEFAULT_PROVIDER).lower() for r in model.regions} or {DEFAULT_PROVIDER})
    if len(providers) > 1:
        named = ", ".join(f"`{r.name}` ({r.provider or DEFAULT_PROVIDER})" for r in model.regions)
        raise TargetError(
            f"the regions name more than one cloud provider ({named}); the terraform target writes one "
            "cloud's root module per system, and supports only aws yet"
        )
    provider = providers[0]
    if not re.fullmatch(r"[a-z][a-z0-9_]*", provider):
        provider = "?"
    try:
        return importlib.import_module(f"designc.targets._cloud_{provider}")
    except ModuleNotFoundError:
        named = [f"`{r.name}`" for r in model.regions if (r.provider or DEFAULT_PROVIDER) == providers[0]]
        regions = f"region {named[0]} names" if len(named) == 1 else f"regions {', '.join(named)} name"
        raise TargetError(
            f"{regions} provider `{providers[0]}`, but the terraform target supports only "
            "aws yet; set `provider aws` on the regions, or build the other targets without `-t terraform`"
        ) from None


def generate(build: Any) -> dict[str, bytes]:
    model = build.model
    if model.system is None:  # pragma: no cover - the build skips libraries
        return {}
    if not model.regions:
        raise TargetError(
            "the design declares no `region`; the scaffold needs at least one, with its zones "
            "(`region us_east_1 { zones [a, b, c] }`)"
        )
    cloud = cloud_module(model)
    plan: Plan = cloud.plan(build)
    out: dict[str, bytes] = {}
    for name in sorted(plan.files):
        f = plan.files[name]
        text = _scaffold.header(build, f.element, f.what, comment="#") + "\n" + render_file(f.blocks)
        out[f"{FOLDER}/{name}"] = text.encode("utf-8")
    out[f"{FOLDER}/README.md"] = readme(build, plan).encode("utf-8")
    return out


# --------------------------------------------------------------------------------------------- README


def _md(text: str) -> str:
    """Text for a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def readme(build: Any, plan: Plan) -> str:
    model = build.model
    system = model.system
    head = _scaffold.header(build, None, f"Terraform README, {plan.cloud}", comment="").strip("\n")
    lines = ["<!--", *(line.strip() for line in head.split("\n")), "-->", ""]
    lines += [f"# Terraform for `{system.name}`" + (f": {system.title}" if system.title else ""), ""]
    lines += [
        f"A Terraform root module for {plan.cloud}, scaffolded from the design: the network of each region, the "
        "data stores, streams, queues and caches, and security groups and IAM policies that admit only the "
        "callers the design declares. It is a starting point to review, not a finished environment.",
        "",
        "```sh",
        "terraform init",
        "terraform plan   # variables without a default are asked for; or write them in a terraform.tfvars",
        "```",
        "",
        "## Files",
        "",
        "| file | what it holds |",
        "| --- | --- |",
    ]
    for name in sorted(plan.files):
        lines.append(f"| `{name}` | {_md(plan.files[name].what)} |")
    lines += ["", "## Components", "", "| component | kind | engine | generated | regions |"]
    lines.append("| --- | --- | --- | --- | --- |")
    for c in plan.components:
        regions = ", ".join(f"`{r}`" for r in c.regions) or "-"
        lines.append(f"| `{c.name}` | {c.kind} | {_md(c.engine or '-')} | {_md(c.summary)} | {regions} |")
    detailed = [c for c in plan.components if c.mapped and (c.resources or c.notes)]
    if detailed:
        lines += ["", "## How each component is mapped", ""]
        lines += [
            "The main resources of each (besides security group rules, parameter, subnet and log groups, users "
            "and bucket settings), and what to know about the mapping.",
            "",
        ]
        for c in detailed:
            lines += [f"### `{c.name}`", ""]
            if c.resources:
                lines.append("Resources: " + ", ".join(f"`{r}`" for r in c.resources) + ".")
                lines.append("")
            notes = list(dict.fromkeys(c.notes))
            lines += [f"- {n}" for n in notes]
            if notes:
                lines.append("")
        lines.pop()
    not_generated = [c for c in plan.components if not c.mapped]
    if not_generated:
        lines += ["", "## Not generated here", ""]
        lines += [f"- `{c.name}` ({c.kind}): {c.summary}" for c in not_generated]
    if plan.fill_in:
        lines += ["", "## To fill in by hand", ""]
        lines += [f"- {x}" for x in plan.fill_in]
    if plan.notes:
        lines += ["", "## Notes", ""]
        lines += [f"- {x}" for x in plan.notes]
    lines += [
        "",
        "## Checks",
        "",
        "Every `.tf` file parses with python-hcl2, and the module passes checkov's Terraform checks except the "
        "few the designc project skips with a reason (its `tests/checkov-skips.yaml`); checks skipped for one "
        "resource carry a `checkov:skip` comment with the design's reason next to it.",
        "",
    ]
    return "\n".join(lines)
