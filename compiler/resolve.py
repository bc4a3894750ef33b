"""Syntax tree to model: declarations collected, definitions applied, values checked, references resolved."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from . import __version__
from .ast import List, Name, Node, Num, SourceFile, Span, Stmt, Str
from .diagnostics import (
    BAD_VALUE,
    DEFINITION_CYCLE,
    DUPLICATE,
    DUPLICATE_PROPERTY,
    INCONSISTENT,
    INTERNAL,
    MISSING,
    MULTIPLE_SYSTEMS,
    ROUTE_WITHOUT_EDGE,
    UNKNOWN_REFERENCE,
    UNKNOWN_STATEMENT,
    WRONG_ARITY,
    WRONG_KIND,
    Diagnostic,
    Note,
    diag,
)
from .schema import (
    COMPONENT_KINDS,
    COMPONENTS,
    DECLARATIONS,
    ENGINE_META,
    NETWORK,
    REGION_SPEC,
    SYSTEM_PROPS,
    BlockSpec,
    Prop,
    where_accepted,
)
from .values import (
    DURATION_UNITS,
    RATE_UNITS,
    SIZE_UNITS,
    Bad,
    Choice,
    Ctx,
    Duration,
    Form,
    Kw,
    Opt,
    Pending,
    Rate,
    Scalar,
    Size,
    Ty,
    one_of,
    suggest,
)

if TYPE_CHECKING:
    from .resolved_cache import ResolvedCache

_SCALAR = Scalar()
DEFINABLE = (*COMPONENT_KINDS, "engine")


def _usage(prop: Prop) -> str:
    return f"`{prop.example}`"


def _text(v: Node) -> str:
    if isinstance(v, Name):
        return v.text
    if isinstance(v, Str):
        return v.raw
    return getattr(v, "raw", v.kind)


def merge_key(stmt: Stmt, spec: BlockSpec) -> str | tuple[str, ...]:
    """Statements with equal keys override each other when definitions are layered: the key alone, or for a
    repeated statement the key and the values that tell its instances apart."""
    prop = spec.props.get(stmt.key)
    if prop is not None and prop.repeat:
        if prop.key_arity == 0:
            return (stmt.key, str(id(stmt)))
        return (stmt.key, *(_text(v) for v in stmt.values[: prop.key_arity]))
    return stmt.key


# the values that take a unit, their units, and how a unit follows the number (`250ms`, `400 rps`)
_UNITS: dict[type[Ty], tuple[str, dict[str, Any], str]] = {
    Duration: ("duration", DURATION_UNITS, ""),
    Rate: ("rate", RATE_UNITS, " "),
    Size: ("size", SIZE_UNITS, ""),
}


def _conv(t: Ty, values: list[Node], i: int, ctx: Ctx) -> Any:
    """``values[i]`` converted by ``t``. A bare number that needs a unit, followed by a word, reads as a unit
    written apart or a unit designc does not know (`timeout 50 s`, `timeout 50 parsecs`): said so, of both,
    rather than "give the unit" of the number alone."""
    try:
        return t.conv(values[i], ctx)
    except Bad as e:
        v, after = values[i], values[i + 1] if i + 1 < len(values) else None
        kind = _UNITS.get(type(t))
        if kind is None or e.diagnostic.code != BAD_VALUE.code or not isinstance(v, Num) or v.unit:
            raise
        if not isinstance(after, Name):
            raise
        noun, units, gap = kind
        word = after.text
        if word in units:
            hint = f"write the unit against the number: `{v.raw}{word}`"
        else:
            hint = f"`{word}` is not a {noun} unit: {noun} units are {one_of(list(units))}"
            close = suggest(word, list(units))
            if close:
                hint = f"did you mean `{v.raw}{gap}{close}`? " + hint
        raise Bad(
            diag(
                BAD_VALUE,
                f"expected {t.what}, found `{v.raw} {word}`",
                v.span.to(after.span),
                label=f"should be {t.what}",
                hints=[hint],
            )
        ) from None


def match(stmt: Stmt, prop: Prop, ctx: Ctx, spec: BlockSpec) -> list[Any]:
    """Convert a statement's values by the property's signature; raise Bad on the first problem."""
    values = stmt.values
    out: list[Any] = []
    i = 0
    n = len(values)
    chosen: Form | None = None
    for slot in prop.sig:
        if isinstance(slot, Choice):
            chosen, got, i = _choose(stmt, slot, values, i, ctx)
            out.append((chosen.word, got))
            continue
        if isinstance(slot, Kw):
            v = values[i] if i < n else None
            if isinstance(v, Name) and v.text == slot.word:
                i += 1
                continue
            where = v.span if v is not None else stmt.span
            raise Bad(
                diag(
                    WRONG_ARITY,
                    f"`{stmt.key}` expects the word `{slot.word}` here",
                    where,
                    label=f"expected `{slot.word}`",
                    hints=[f"write it as {_usage(prop)}"],
                )
            )
        if isinstance(slot, Opt):
            present = i < n and (
                slot.word is None or (isinstance(values[i], Name) and values[i].text == slot.word)  # type: ignore[union-attr]
            )
            if not present:
                out.extend([None] * len(slot.types))
                continue
            if slot.word is not None:
                i += 1
            for t in slot.types:
                if i >= n:
                    raise _missing(stmt, prop, t, after=values[i - 1])
                out.append(_conv(t, values, i, ctx))
                i += 1
            continue
        if i >= n:
            raise _missing(stmt, prop, slot, after=values[-1] if values else None)
        out.append(_conv(slot, values, i, ctx))
        i += 1
    if i < n:
        extra = values[i]
        hints = [f"write it as {_usage(prop)}"]
        head, takes = f"`{stmt.key}`", _count(prop)
        if chosen is not None:
            hints = [f"write it as `{stmt.key} {chosen.example}`"]
            if chosen.word is not None:
                head = f"`{stmt.key} {chosen.word}`"
            takes = _NUMBER_OF_VALUES.get(len(chosen.types), f"{len(chosen.types)} values")
            if chosen.word is not None and not chosen.types:
                takes = "no more values"
        if isinstance(extra, Name) and extra.text in spec.props:
            hints.insert(0, f"`{extra.text}` starts a new statement: put it on its own line or after `;`")
        raise Bad(
            diag(
                WRONG_ARITY,
                f"{head} takes {takes}; {extra.describe()} is one too many",
                extra.span.to(values[-1].span),
                label="unexpected value",
                hints=hints,
            )
        )
    return out


_NUMBER_OF_VALUES = {0: "no values", 1: "one value", 2: "two values", 3: "three values"}


def _count(prop: Prop) -> str:
    n = sum(1 for s in prop.sig if isinstance(s, Ty))
    opt = any(isinstance(s, Opt) for s in prop.sig)
    if n == 0 and not opt:
        return "no values"
    words = _NUMBER_OF_VALUES.get(n, f"{n} values")
    return words + (" and an optional part" if opt else "")


def _missing(stmt: Stmt, prop: Prop, t: Ty, after: Node | None) -> Bad:
    return _needs(f"`{stmt.key}`", t.what, stmt.key_span if after is None else after.span, _usage(prop))


def _needs(head: str, what: str, after: Span, usage: str) -> Bad:
    """``head`` needs ``what`` just past ``after``."""
    end = Span(after.file, after.end_line, after.end_column, after.end_line, after.end_column + 1)
    return Bad(
        diag(
            WRONG_ARITY,
            f"{head} needs {what}",
            end,
            label=f"{what} expected here",
            hints=[f"write it as {usage}"],
        )
    )


def _choose(stmt: Stmt, choice: Choice, values: list[Node], i: int, ctx: Ctx) -> tuple[Form, list[Any], int]:
    """Match one of ``choice``'s forms at ``values[i]``: the form its leading word names, else the form
    without a word. Returns the form, its converted values, and where the statement goes on."""
    n = len(values)
    if i >= n:
        after = values[i - 1].span if i else stmt.key_span
        raise _needs(f"`{stmt.key}`", choice.what, after, _forms(stmt, choice))
    first = values[i]
    form = choice.forms.get(first.text) if isinstance(first, Name) else None
    if form is None:
        form = choice.forms.get(None)
        # a name followed by more values reads as a misspelt form word, not as the form without one
        misspelt = isinstance(first, Name) and i + 1 < n
        if form is None or misspelt or not isinstance(first, (Name, List)):
            hints = []
            if isinstance(first, Name):
                close = suggest(first.text, [w for w in choice.forms if w is not None])
                if close:
                    hints.append(f"did you mean `{close}`?")
                elif misspelt and None in choice.forms and all(isinstance(v, Name) for v in values[i:]):
                    listed = ", ".join(v.text for v in values[i:] if isinstance(v, Name))
                    hints.append(f"several names go in a list: `{stmt.key} [{listed}]`")
            hints.append(f"write it as {_forms(stmt, choice)}")
            raise Bad(
                diag(
                    BAD_VALUE,
                    f"`{stmt.key}` expects {choice.what}, found {first.describe()}",
                    first.span,
                    label=f"should be {choice.what}",
                    hints=hints,
                )
            )
    else:
        i += 1
    head = f"`{stmt.key}`" if form.word is None else f"`{stmt.key} {form.word}`"
    got = []
    for t in form.types:
        if i >= n:
            raise _needs(head, t.what, values[i - 1].span, f"`{stmt.key} {form.example}`")
        got.append(_conv(t, values, i, ctx))
        i += 1
    return form, got, i


def _forms(stmt: Stmt, choice: Choice) -> str:
    return one_of([f"{stmt.key} {f.example}" for f in choice.forms.values()])


class Resolver:
    def __init__(self) -> None:
        self.diags: list[Diagnostic] = []
        self.ctx = Ctx()

    # --- generic blocks --------------------------------------------------------------------------------------

    def block(
        self, stmts: Iterable[Stmt], spec: BlockSpec, where: str, origins: dict[str, list[Stmt]] | None = None
    ) -> dict[str, Any]:
        """Check each statement against ``spec`` and collect the model fields it sets."""
        fields: dict[str, Any] = {}
        seen: dict[str | tuple[str, ...], Stmt] = {}
        for stmt in stmts:
            if spec.free:
                self._free(stmt, fields, seen)
                continue
            prop = spec.props.get(stmt.key)
            if prop is None:
                self._unknown(stmt, spec, where)
                continue
            mk = merge_key(stmt, spec)
            first = seen.get(mk)
            if first is not None:
                what = " ".join(mk) if isinstance(mk, tuple) else mk
                self.diags.append(
                    diag(
                        DUPLICATE_PROPERTY,
                        f"`{what}` is set twice in {where}",
                        stmt.key_span,
                        label="set again here",
                        hints=["keep one of them"],
                        notes=[Note(first.key_span, "first set here")],
                    )
                )
                continue
            seen[mk] = stmt
            try:
                values = match(stmt, prop, self.ctx, spec)
            except Bad as e:
                self.diags.append(e.diagnostic)
                continue
            sub: dict[str, Any] | None = None
            if stmt.block is not None:
                if prop.block is None:
                    self.diags.append(
                        diag(
                            WRONG_ARITY,
                            f"`{stmt.key}` takes no block",
                            stmt.block.span,
                            label="unexpected block",
                            hints=[f"write it as {_usage(prop)}"],
                        )
                    )
                    continue
                sub = self.block(stmt.block.stmts, prop.block, f"`{stmt.key}`")
            try:
                value = prop.build(*values, block=sub) if prop.build else (values[0] if values else sub)
            except Bad as e:
                self.diags.append(e.diagnostic)
                continue
            if prop.repeat:
                fields.setdefault(prop.field, []).append(value)
            else:
                fields[prop.field] = value
            if origins is not None:
                origins.setdefault(prop.field, []).append(stmt)
        return fields

    def _free(self, stmt: Stmt, fields: dict[str, Any], seen: dict[str | tuple[str, ...], Stmt]) -> None:
        if stmt.block is not None or len(stmt.values) != 1:
            self.diags.append(
                diag(
                    WRONG_ARITY,
                    f"a property takes exactly one value: `{stmt.key} VALUE`",
                    stmt.span,
                    label="expected one value and no block",
                )
            )
            return
        if (stmt.key,) in seen:
            self.diags.append(
                diag(
                    DUPLICATE_PROPERTY,
                    f"property `{stmt.key}` is set twice",
                    stmt.key_span,
                    notes=[Note(seen[(stmt.key,)].key_span, "first set here")],
                )
            )
            return
        seen[(stmt.key,)] = stmt
        try:
            fields[stmt.key] = _SCALAR.conv(stmt.values[0], self.ctx)
        except Bad as e:
            self.diags.append(e.diagnostic)

    def _unknown(self, stmt: Stmt, spec: BlockSpec, where: str, extra: Iterable[str] = ()) -> None:
        holds: tuple[str, ...] = ()
        if spec is SYSTEM_PROPS:  # a system also holds declarations: a misspelt kind is the likeliest slip
            holds = ("region", "network", "flow", "view", *COMPONENT_KINDS)
        keys = [*spec.props, *extra, *holds]
        close = suggest(stmt.key, keys)
        hints = [f"did you mean `{close}`?"] if close else []
        elsewhere = [name for name in where_accepted(stmt.key) if name != f"`{spec.name}`"]
        if holds and not close:
            hints.append(
                f"{where} holds components ({one_of(list(COMPONENT_KINDS))}), `region`, `flow` and `view` "
                "declarations, and properties such as `requirements` and `owner`; `designc reference` lists them all"
            )
        elif stmt.key in DECLARATIONS:
            hints.append(f"`{stmt.key}` declarations go at the top level of a file or directly in `system`")
        elif elsewhere:
            places = elsewhere[0] if len(elsewhere) == 1 else ", ".join(elsewhere[:-1]) + " and " + elsewhere[-1]
            hints.append(f"`{stmt.key}` belongs in {places} blocks, not in this one")
        elif len(keys) <= 12:
            hints.append(f"{where} accepts {one_of(sorted(keys))}")
        else:
            hints.append("`designc reference` lists every statement each block accepts")
        self.diags.append(
            diag(
                UNKNOWN_STATEMENT,
                f"unknown statement `{stmt.key}` in {where}",
                stmt.key_span,
                label="not a statement this block accepts",
                hints=hints,
            )
        )


class _Decl:
    """A declared name: a component, a region, a definition, or the system."""

    __slots__ = ("_declared", "base", "base_span", "file", "kind", "name", "stmt", "stmts", "title")

    def __init__(self, kind: str, name: str, stmt: Stmt, file: str) -> None:
        self.kind = kind
        self.name = name
        self.stmt = stmt
        self._declared = stmt  # the statement as declared (a definition's `stmt` becomes its `define` statement)
        self.stmts: list[Stmt] = stmt.block.stmts if stmt.block is not None else []
        self.base: str | None = None
        self.base_span: Span | None = None
        self.title: str | None = None
        self.file = file

    @property
    def span(self) -> Span:  # worked out when asked: a component taken from the cache never is
        return self._declared.span


def _header(stmt: Stmt, kind: str, allow_base: bool, allow_title: bool, diags: list[Diagnostic]) -> _Decl | None:
    """``KIND NAME [is BASE] ["Title"] { ... }``"""
    vals = stmt.values
    example = {
        "system": 'system payments "Card payments" { ... }',
        "region": "region us_east_1 { zones [a, b] }",
    }.get(
        kind, f'{kind} NAME "Title" is DEFINITION {{ ... }}' if kind != "define" else "define store postgres_ha { ... }"
    )
    if not vals or not isinstance(vals[0], Name) or "." in vals[0].text:
        where = vals[0].span if vals else stmt.key_span
        found = vals[0].describe() if vals else "nothing"
        diags.append(
            diag(
                WRONG_ARITY,
                f"`{kind}` needs a name, found {found}",
                where,
                label="a name like `api_gateway` goes here",
                hints=[f"write it as `{example}`"],
            )
        )
        return None
    d = _Decl(kind, vals[0].text, stmt, stmt.src.path)
    i = 1
    while i < len(vals):
        v = vals[i]
        if allow_base and d.base is None and isinstance(v, Name) and v.text == "is":
            nxt = vals[i + 1] if i + 1 < len(vals) else None
            if isinstance(nxt, Name):
                d.base, d.base_span = nxt.text, nxt.span
                i += 2
                continue
            diags.append(
                diag(
                    WRONG_ARITY,
                    "`is` needs the name of a definition",
                    v.span,
                    hints=[f"write it as `{kind} ledger is postgres_ha {{ ... }}`"],
                )
            )
            break
        if allow_title and d.title is None and isinstance(v, Str):
            d.title = v.text
            i += 1
            continue
        diags.append(
            diag(
                WRONG_ARITY,
                f"{v.describe()} is not expected after `{kind} {d.name}`",
                v.span.to(vals[-1].span),
                label="not expected here",
                hints=[f"write it as `{example}`"],
            )
        )
        break
    return d


class Design:
    """Everything gathered from a design's files before the model is built."""

    def __init__(self) -> None:
        self.systems: list[_Decl] = []
        self.system_stmts: list[Stmt] = []
        self.regions: dict[str, _Decl] = {}
        self.components: dict[str, _Decl] = {}
        self.definitions: dict[str, _Decl] = {}
        self.network: dict[tuple[str, ...], dict[str, Any]] = {}
        self.network_defaults: dict[tuple[str, ...], dict[str, Any]] = {}
        self.top_views: list[Stmt] = []  # `view` statements at a file's top level


def resolve(
    files: list[SourceFile],
    stdlib: list[SourceFile],
    model_path: Callable[[str], str] = lambda p: p,
    release: bool = False,
    cache: ResolvedCache | None = None,
) -> tuple[Any, list[Diagnostic]]:
    """Build the model of one design. Returns ``(Design model or None, diagnostics)``. With ``release``, each
    component's statements are let go once its part of the model is built, so that the syntax tree and the model
    never both hold the whole design (for a caller that needs neither the tree afterwards nor ``files`` for
    another design). With ``cache``, files unchanged since an earlier run take their components from it, and the
    files resolved here are queued in it to be stored (`resolved_cache.py`)."""
    r = _DesignResolver(model_path)
    r.release = release
    r.rcache = cache
    try:
        model = r.run(files, stdlib)
    except Exception as e:  # an internal error is reported as one, with the input's location
        where = files[0].stmts[0].span if files and files[0].stmts else None
        r.diags.append(
            diag(
                INTERNAL,
                f"designc failed on this design: {type(e).__name__}: {e}",
                where,
                hints=["this is a bug in designc; please report it with the design that triggers it"],
            )
        )
        model = None
    finally:
        from .model import forget_shared

        forget_shared()  # value objects are shared within one design's model only
    return model, _dedupe(r.diags)


def _dedupe(diags: list[Diagnostic]) -> list[Diagnostic]:
    seen: set[tuple[Any, ...]] = set()
    out = []
    for d in diags:
        k = (d.code, d.span, d.message)
        if k not in seen:
            seen.add(k)
            out.append(d)
    return out


class _DesignResolver(Resolver):
    def __init__(self, model_path: Callable[[str], str]) -> None:
        super().__init__()
        self.model_path = model_path
        self.d = Design()
        self.flow_stmts: list[tuple[dict[str, Any], Stmt]] = []  # each flow's fields, and where it is written
        self.release = False
        self.rcache: ResolvedCache | None = None
        self._sources: dict[str, Any] = {}  # each file's Source by path, for references taken from the cache
        self._keys: dict[str, str] = {}  # each file resolved in this run: its key in the cache

    def loc(self, span: Span) -> dict[str, Any]:
        line = span.line
        return {
            "file": self.model_path(span.file),
            "line": line,
            "column": span.column,
            "end_line": line if span.end_line == line else span.end_line,  # one number object, not two
            "end_column": span.end_column,
        }

    # --- collecting declarations ------------------------------------------------------------------------------

    def _declare(self, table: dict[str, _Decl], d: _Decl, what: str, stdlib: bool) -> None:
        prev = table.get(d.name)
        if prev is not None:
            if prev.file.startswith("<stdlib>") and not stdlib:
                table[d.name] = d  # a design may shadow a standard-library definition
                return
            self.diags.append(
                diag(
                    DUPLICATE,
                    f"{what} `{d.name}` is defined twice",
                    d.stmt.values[0].span,
                    label="defined again here",
                    hints=["names are unique within a design; rename one of them"],
                    notes=[Note(prev.stmt.values[0].span, "first defined here")],
                )
            )
            return
        table[d.name] = d

    def _element(self, stmt: Stmt, stdlib: bool) -> bool:
        """Collect a region or component declaration; False if the statement is not one."""
        if stmt.key == "region":
            d = _header(stmt, "region", False, True, self.diags)
            if d is not None:
                self._declare_element(d, "region", stdlib)
            return True
        if stmt.key in COMPONENTS:
            d = _header(stmt, stmt.key, True, True, self.diags)
            if d is not None:
                self._declare_element(d, stmt.key, stdlib)
            return True
        return False

    def _declare_element(self, d: _Decl, what: str, stdlib: bool) -> None:
        other = self.d.regions if what != "region" else self.d.components
        if d.name in other:
            prev = other[d.name]
            self.diags.append(
                diag(
                    DUPLICATE,
                    f"`{d.name}` is already the name of a {prev.kind}",
                    d.stmt.values[0].span,
                    label="defined again here",
                    hints=["regions and components share one namespace; rename one of them"],
                    notes=[Note(prev.stmt.values[0].span, "first defined here")],
                )
            )
            return
        self._declare(self.d.regions if what == "region" else self.d.components, d, what, stdlib)

    def _top(self, f: SourceFile, stdlib: bool) -> None:
        for stmt in f.stmts:
            k = stmt.key
            if k == "import":
                continue  # the loader has followed it
            if k == "system":
                d = _header(stmt, "system", False, True, self.diags)
                if d is not None:
                    self.d.systems.append(d)
                    for s in d.stmts:
                        if s.key == "network":
                            self._network(s, stdlib)
                        elif not self._element(s, stdlib):
                            self.d.system_stmts.append(s)
                continue
            if k == "define":
                self._define(stmt, stdlib)
                continue
            if k == "network":
                self._network(stmt, stdlib)
                continue
            if k in ("view", "flow"):
                # a view or flow at a file's top level belongs to the design's system, as if written inside it
                if not stdlib:
                    self.d.system_stmts.append(stmt)
                    self.d.top_views.append(stmt)
                continue
            if self._element(stmt, stdlib):
                continue
            close = suggest(k, DECLARATIONS) or suggest(k, list(SYSTEM_PROPS.props))
            hints = [f"did you mean `{close}`?"] if close else []
            if k in SYSTEM_PROPS.props:
                hints = [f"`{k}` belongs inside the `system` block"]
            hints.append(f"a file's top level holds {one_of(DECLARATIONS)}")
            self.diags.append(
                diag(
                    UNKNOWN_STATEMENT,
                    f"unknown statement `{k}` at the top level of a file",
                    stmt.key_span,
                    label="not a declaration",
                    hints=hints,
                )
            )

    def _network(self, stmt: Stmt, stdlib: bool) -> None:
        if stmt.values:
            self.diags.append(
                diag(
                    WRONG_ARITY,
                    "`network` takes a block and no values",
                    stmt.values[0].span,
                    hints=["write it as `network { rtt us_east_1 us_west_2 62ms }`"],
                )
            )
            return
        body = stmt.block.stmts if stmt.block is not None else []
        for rtt in self.block(body, NETWORK, "`network`").get("rtt", []):
            key = tuple(sorted((rtt["a"], rtt["b"])))
            if stdlib:
                self.d.network_defaults[key] = rtt
            else:
                self.d.network[key] = rtt

    def _define(self, stmt: Stmt, stdlib: bool) -> None:
        vals = stmt.values
        if not vals or not isinstance(vals[0], Name) or vals[0].text not in DEFINABLE:
            where = vals[0].span if vals else stmt.key_span
            found = vals[0].describe() if vals else "nothing"
            hints = []
            if vals and isinstance(vals[0], Name):
                close = suggest(vals[0].text, DEFINABLE)
                if close:
                    hints.append(f"did you mean `{close}`?")
            hints.append("write it as `define store postgres_ha { ... }`")
            self.diags.append(
                diag(
                    WRONG_ARITY,
                    f"`define` needs the kind it defines ({one_of(DEFINABLE)}), found {found}",
                    where,
                    hints=hints,
                )
            )
            return
        kind = vals[0].text  # type: ignore[union-attr]
        inner = Stmt(kind, stmt.src, vals[0].start, vals[1:], stmt.block, stmt.end)
        d = _header(inner, kind, kind != "engine", True, self.diags)
        if d is None:
            return
        d.stmt = stmt
        d.kind = kind
        # keep the name's span for duplicate reports: values[0] of the original is the kind word
        d.stmt = Stmt(stmt.key, stmt.src, stmt.key_start, vals[1:], stmt.block, stmt.end)
        self._declare(self.d.definitions, d, "definition", stdlib)

    # --- definitions --------------------------------------------------------------------------------------------

    def _chain(self, d: _Decl) -> list[_Decl]:
        """The definitions ``d`` builds on, nearest first, checked for existence, kind and cycles."""
        chain: list[_Decl] = []
        seen = {id(d)}
        cur = d
        while cur.base is not None:
            base = self.d.definitions.get(cur.base)
            span = cur.base_span or cur.span
            if base is None:
                cands = [n for n, x in self.d.definitions.items() if x.kind == d.kind]
                close = suggest(cur.base, cands)
                hints = [f"did you mean `{close}`?"] if close else []
                if not cands:
                    hints.append(f"no `define {d.kind}` is visible here; import the file that defines it")
                self.diags.append(
                    diag(
                        UNKNOWN_REFERENCE,
                        f"unknown definition `{cur.base}`",
                        span,
                        label=f"no `define {d.kind} {cur.base}`",
                        hints=hints,
                    )
                )
                break
            if base.kind != d.kind:
                self.diags.append(
                    diag(
                        WRONG_KIND,
                        f"`{cur.base}` defines a {base.kind}, not a {d.kind}",
                        span,
                        label=f"a {d.kind} cannot be built on a {base.kind}",
                        notes=[Note(base.stmt.values[0].span, "defined here")],
                    )
                )
                break
            if id(base) in seen:
                self.diags.append(
                    diag(
                        DEFINITION_CYCLE,
                        f"`{base.name}` builds on itself",
                        span,
                        label="this closes a loop of `is` definitions",
                    )
                )
                break
            seen.add(id(base))
            chain.append(base)
            cur = base
        return chain

    def _layers(self, d: _Decl, spec: BlockSpec) -> tuple[list[Stmt], list[str], str | None]:
        """The statements a component ends up with: engine defaults, then its definitions, then its own."""
        chain = self._chain(d)
        layers = [x.stmts for x in reversed(chain)] + [d.stmts]
        engine_name: str | None = None
        engine_span: Span | None = None
        for layer in layers:
            for s in layer:
                if s.key == "engine" and len(s.values) == 1 and isinstance(s.values[0], Name):
                    engine_name, engine_span = s.values[0].text, s.values[0].span
        if engine_name is not None and engine_span is not None:
            eng = self.d.definitions.get(engine_name)
            if eng is not None and eng.kind == "engine":
                kinds = self._engine_kinds(eng)
                if d.kind not in kinds:
                    self.diags.append(
                        diag(
                            WRONG_KIND,
                            f"engine `{engine_name}` is for {one_of(kinds)}, not a {d.kind}",
                            engine_span,
                            label="wrong kind of engine",
                            notes=[Note(eng.stmt.values[0].span, "the engine is defined here")],
                        )
                    )
                else:
                    layers.insert(0, [s for s in eng.stmts if s.key != "for"])
        if len(layers) == 1:
            return layers[0], [x.name for x in chain], engine_name
        merged: list[Stmt] = []
        for layer in layers:
            keys = {merge_key(s, spec) for s in layer}
            merged = [s for s in merged if merge_key(s, spec) not in keys] + layer
        return merged, [x.name for x in chain], engine_name

    def _inherited(self, d: _Decl, engine: str | None, origins: dict[str, list[Stmt]]) -> dict[str, str]:
        """The facts a component takes from its engine or its definitions rather than states itself: field name
        to where they are written ("engine `postgres`, stdlib/prelude.design:12"), so that a message can say
        where a fact came from and which line to change."""
        own = {id(s) for s in d.stmts}
        sources: dict[int, str] = {}
        for base in self._chain(d):
            for s in base.stmts:
                sources[id(s)] = f"`{base.name}`"
        eng = self.d.definitions.get(engine) if engine else None
        if eng is not None and eng.kind == "engine":
            for s in eng.stmts:
                sources[id(s)] = f"engine `{engine}`"
        out: dict[str, str] = {}
        for name, stmts in origins.items():
            if name == "edges" or not stmts or any(id(s) in own for s in stmts):
                continue
            s = stmts[-1]
            if id(s) in sources:
                out[name] = f"{sources[id(s)]}, {self.model_path(s.src.path)}:{s.src.position(s.start)[0]}"
        return out

    def _engine_kinds(self, eng: _Decl) -> list[str]:
        for s in eng.stmts:
            if s.key == "for":
                tmp = Resolver()
                fields = tmp.block([s], BlockSpec("engine", ENGINE_META), "an engine")
                return list(fields.get("for_kinds", []))
        return []

    def _check_definitions(self) -> None:
        """Check each definition's own statements once, so mistakes in unused definitions are reported too."""
        for d in self.d.definitions.values():
            scratch = Resolver()
            if d.kind == "engine":
                kinds = [s for s in d.stmts if s.key == "for"]
                if not kinds:
                    self.diags.append(
                        diag(
                            MISSING,
                            f"engine `{d.name}` does not say what it is for",
                            d.stmt.values[0].span,
                            hints=["add `for [store]` (or cache, stream, queue, service, external)"],
                        )
                    )
                    continue
                scratch.block(kinds, BlockSpec("engine", ENGINE_META), "an engine")
                body = [s for s in d.stmts if s.key != "for"]
                for kind in self._engine_kinds(d):
                    scratch.block(body, COMPONENTS[kind], f"engine `{d.name}`")
            else:
                self._chain(d)
                scratch.block(d.stmts, COMPONENTS[d.kind], f"definition `{d.name}`")
            self.diags.extend(scratch.diags)

    # --- the model -------------------------------------------------------------------------------------------

    def run(self, files: list[SourceFile], stdlib: list[SourceFile]) -> Any:
        for f in stdlib:
            self._top(f, True)
        for f in files:
            self._top(f, False)
        self._check_definitions()

        from . import model as m

        system = self._system()
        regions = [self._region(d) for d in self.d.regions.values()]
        comps: list[Any] = []
        edges: list[Any] = []
        hits, fresh = self._cached(files, stdlib) if self.rcache is not None else ({}, {})
        for d in self.d.components.values():
            hit = hits.get(d.file)
            if hit is not None:  # the file is unchanged since it was resolved, and so is all it depends on
                comp, comp_edges, refs = hit[d.name]
                comps.append(comp)
                edges.extend(comp_edges)
                self.ctx.refs.extend(refs)
                if self.release:
                    d.stmts.clear()
                continue
            n_refs, n_edges = len(self.ctx.refs), len(edges)
            spec = COMPONENTS[d.kind]
            stmts, based_on, engine = self._layers(d, spec)
            origins: dict[str, list[Stmt]] = {}
            fields = self.block(stmts, spec, f"{d.kind} `{d.name}`", origins)
            inherited = self._inherited(d, engine, origins)
            comp_edges = fields.pop("edges", [])
            for e, st in zip(comp_edges, origins.get("edges", []), strict=True):
                edges.append(m.construct(m.Edge, self._edge(d.name, e, st)))
            self._check_placement(fields.get("placement", []), origins.get("placement", []))
            self._check_ports(fields.get("ports", []), origins.get("ports", []))
            if fields.get("slo") and origins.get("slo"):
                self._check_slo_queries(fields["slo"], origins["slo"][0])
            self._component_fields(fields)
            fields.update(name=d.name, kind=d.kind, title=d.title, based_on=based_on, span=self.loc(d.span))
            if inherited:
                fields["inherited"] = inherited
            # built now, not at the end, so the plain dicts and the model never both hold the whole design
            comps.append(m.construct(m.COMPONENT_CLASSES[d.kind], fields))
            record = fresh.get(d.file)
            if record is not None:
                record.append((d.name, comps[-1], edges[n_edges:], self.ctx.refs[n_refs:]))
            if self.release:
                del stmts, origins, comp_edges, fields
                d.stmts.clear()  # the component's block (its statements are the block's own list)
        if comps and system is None and not self.d.systems:
            first = next(iter(self.d.components.values()))
            self.diags.append(
                diag(
                    MISSING,
                    "this design has components but no `system`",
                    first.stmt.values[0].span,
                    hints=['add `system NAME "Title" { ... }` to one file of the design'],
                )
            )
        if self.d.top_views and not self.d.systems:
            view = self.d.top_views[0]
            self.diags.append(
                diag(
                    MISSING,
                    f"this design has a `{view.key}` but no `system`",
                    view.values[0].span if view.values else view.key_span,
                    hints=['add `system NAME "Title" { ... }` to one file of the design'],
                )
            )
        self._check_refs()
        self._check_flows(system, comps, edges)
        self._default_protocols(comps, edges)
        self._check_regions(regions)
        if fresh:
            self._to_store(fresh)

        return m.construct(
            m.Design,
            {
                "designc_version": __version__,
                "system": system,
                "regions": [x for x in regions if x is not None],
                "components": comps,
                "edges": edges,
                "network": [
                    {**v, "a": k[0], "b": k[-1]}
                    for k, v in sorted({**self.d.network_defaults, **self.d.network}.items())
                ],
                "files": sorted({self.model_path(f.path) for f in files}),
            },
        )

    def _check_flows(self, system: dict[str, Any] | None, comps: list[Any], edges: list[Any]) -> None:
        """Each flow states its rate once, and each step of its route follows something the design declares."""
        if not self.flow_stmts:
            return
        by_name = {c.name: c for c in comps}
        steps = {(e.source, e.target) for e in edges if e.kind != "consumes"}
        steps |= {(e.target, e.source) for e in edges if e.kind == "consumes"}
        steps |= {(c.name, c.caches) for c in comps if getattr(c, "caches", None)}
        peak = ((system or {}).get("requirements") or {}).get("peak_load")
        for flow, stmt in self.flow_stmts:
            name = flow["name"]
            where = stmt.values[0].span if stmt.values else stmt.key_span
            # a `rate` or `share` written wrong has its own error already: "states no rate" would only repeat it
            stated = stmt.block is not None and any(s.key in ("rate", "share") for s in stmt.block.stmts)
            if flow.get("rate") is None and flow.get("share") is None and not stated:
                self.diags.append(
                    diag(
                        MISSING,
                        f"flow `{name}` states no rate",
                        where,
                        label="no rate",
                        hints=["state its rate at peak: `rate 1000 rps`, or its share of the peak: `share 20%`"],
                    )
                )
            elif flow.get("rate") is not None and flow.get("share") is not None:
                self.diags.append(
                    diag(
                        INCONSISTENT,
                        f"flow `{name}` states both a `rate` and a `share` of the peak",
                        where,
                        label="rate and share",
                        hints=["keep one"],
                    )
                )
            elif flow.get("share") is not None and not peak:
                self.diags.append(
                    diag(
                        MISSING,
                        f"flow `{name}` is a share of the peak load, but the requirements state no `peak_load`",
                        where,
                        label="a share of nothing",
                        hints=["state the peak: `requirements { peak_load 5000 rps }`, or give the flow a `rate`"],
                    )
                )
            routes = flow.get("routes") or []
            if not routes:
                self.diags.append(
                    diag(
                        MISSING,
                        f"flow `{name}` has no `route`",
                        where,
                        label="no route",
                        hints=["list the components it passes through, from where it enters: `route [web, api, db]`"],
                    )
                )
                continue
            reached: set[str] = set()
            for route, items in zip(routes, self._route_items(stmt), strict=False):
                if reached and route[0] not in reached:
                    self.diags.append(
                        diag(
                            ROUTE_WITHOUT_EDGE,
                            f"flow `{name}` has a second route from `{route[0]}`, which its earlier routes do not"
                            " reach",
                            items[0],
                            label="not reached",
                            hints=[
                                "a later `route` is a branch: start it at a component an earlier route passes through"
                            ],
                        )
                    )
                reached.update(route)
                for i, (a, b) in enumerate(pairwise(route)):
                    if a not in by_name or b not in by_name or (a, b) in steps:
                        continue
                    if (b, a) in steps:
                        hints = [f"the edge runs the other way, from `{b}` to `{a}`: swap them in the route"]
                    elif by_name[a].kind == "client" and (nexts := sorted(t for s_, t in steps if s_ == a)):
                        # a client reaches the system through what it calls, not the stores behind it
                        hints = [f"`{a}` calls {', '.join(f'`{t}`' for t in nexts)}: route through it to `{b}`"]
                    elif vias := sorted(m for s_, m in steps if s_ == a and (m, b) in steps):
                        # one step short: through a stream or queue (published, then consumed), or a service
                        rest = ", ".join(route[i + 1 :])
                        hints = [
                            f"`{a}` reaches `{b}` through `{vias[0]}`: name it on the route, "
                            f"`route [{', '.join(route[: i + 1])}, {vias[0]}, {rest}]`"
                        ]
                    else:
                        hints = [f"add the edge to `{a}`: `calls {b} {{ ... }}` (or `reads`, `writes`, `publishes`)"]
                    self.diags.append(
                        diag(
                            ROUTE_WITHOUT_EDGE,
                            f"flow `{name}` goes from `{a}` to `{b}`, but `{a}` has no edge to `{b}`",
                            items[i + 1],
                            label="no edge to here",
                            hints=hints,
                        )
                    )

    @staticmethod
    def _route_items(stmt: Stmt) -> list[list[Span]]:
        """The spans of the names in each of a flow's `route [..]` statements."""
        block = stmt.block
        return [
            [item.span for item in s.values[0].items]
            for s in (block.stmts if block is not None else [])
            if s.key == "route" and s.values and isinstance(s.values[0], List)
        ]

    def _system(self) -> dict[str, Any] | None:
        systems = self.d.systems
        if not systems:
            return None
        for extra in systems[1:]:
            self.diags.append(
                diag(
                    MULTIPLE_SYSTEMS,
                    f"a second system `{extra.name}`: a design describes one system",
                    extra.stmt.values[0].span,
                    label="second system",
                    hints=["put each system in its own folder, or merge them into one"],
                    notes=[Note(systems[0].stmt.values[0].span, "the design's system is declared here")],
                )
            )
        s = systems[0]
        origins: dict[str, list[Stmt]] = {}
        fields = self.block(self.d.system_stmts, SYSTEM_PROPS, f"system `{s.name}`", origins)
        for view, stmt in zip(fields.get("views", []), origins.get("views", []), strict=True):
            view["span"] = self.loc(stmt.span)
        for flow, stmt in zip(fields.get("flows", []), origins.get("flows", []), strict=True):
            flow["span"] = self.loc(stmt.span)
            self.flow_stmts.append((flow, stmt))
        req = fields.get("requirements")
        if req is not None:
            req["partition"] = {
                "prefer": req.pop("partition_prefer", None),
                "normal": req.pop("partition_normal", None),
            }
        routing = fields.get("routing")
        if routing is not None and "weights" in routing:
            routing["weights"] = dict(routing["weights"])
        fields.update(name=s.name, title=s.title, span=self.loc(s.span))
        return fields

    def _region(self, d: _Decl) -> dict[str, Any] | None:
        fields = self.block(d.stmts, REGION_SPEC, f"region `{d.name}`")
        if "zones" not in fields:
            self.diags.append(
                diag(
                    MISSING,
                    f"region `{d.name}` does not list its zones",
                    d.stmt.values[0].span,
                    label="zones missing",
                    hints=[f"add `zones [a, b, c]` inside `region {d.name} {{ ... }}`"],
                )
            )
            return None
        fields.update(name=d.name, span=self.loc(d.span))
        return fields

    def _component_fields(self, f: dict[str, Any]) -> None:
        if "availability" in f:
            f["availability"], f["availability_source"] = f["availability"]
        if "instance_availability" in f:
            f["instance_availability"], f["instance_availability_source"] = f["instance_availability"]
        if "partition_prefer" in f or "partition_normal" in f:
            f["partition"] = {
                "prefer": f.pop("partition_prefer", None),
                "normal": f.pop("partition_normal", None),
            }

    def _edge(self, source: str, e: dict[str, Any], stmt: Stmt) -> dict[str, Any]:
        e["source"] = source
        e.setdefault("mode", "async" if e["kind"] in ("publishes", "consumes") else "sync")
        if "backoff" in e:
            b = e.pop("backoff")
            e["backoff"] = b["backoff"]
            if b["range"] is not None:
                e["backoff_base"], e["backoff_max"] = b["range"]
        if "fallback" in e:
            fb = e.pop("fallback")
            e["fallback"] = fb["fallback"]
            e["fallback_via"] = fb["via"]
        e["span"] = self.loc(stmt.span)
        return e

    # --- the cache of resolved files (resolved_cache.py) --------------------------------------------------------

    def _cached(
        self, files: list[SourceFile], stdlib: list[SourceFile]
    ) -> tuple[dict[str, dict[str, Any]], dict[str, list[Any]]]:
        """The design's files found in the cache (path -> component name -> (component, edges, references)), and
        the others, to be stored once resolved (path -> what their components gave, filled in as they are)."""
        from .resolved_cache import MIN_COMPONENTS

        rc = self.rcache
        assert rc is not None
        if len(self.d.components) < MIN_COMPONENTS or len(files) < 2:
            return {}, {}
        declared: dict[str, list[str]] = {}
        for d in self.d.components.values():
            declared.setdefault(d.file, []).append(d.name)
        # everything besides a file's own text that resolving its components reads: the definitions (statements
        # taken from them, and where they are written) and the regions (the zones a placement may name)
        import hashlib

        h = hashlib.sha256()
        for d in [*self.d.definitions.values(), *self.d.regions.values()]:
            st = d.stmt
            line = st.src.position(st.start)[0]
            h.update(f"{d.kind}\0{d.name}\0{d.file}\0{self.model_path(d.file)}\0{line}\0".encode())
            h.update(st.src.text[st.start : st.end].encode("utf-8", "surrogatepass"))
            h.update(b"\0")
        context = h.digest()
        sources = self._sources = {f.path: f.source for f in [*files, *stdlib]}
        hits: dict[str, dict[str, Any]] = {}
        fresh: dict[str, list[Any]] = {}
        for f in files:
            names = declared.get(f.path)
            if not names:
                continue
            key = rc.key(context, f, self.model_path(f.path))
            entry = rc.get(key)
            found = self._entry(entry, names, sources) if entry is not None else None
            if found is not None:
                hits[f.path] = found
            else:
                fresh[f.path] = []
                self._keys[f.path] = key
        rc.hits = len(hits)
        return hits, fresh

    @staticmethod
    def _entry(entry: dict[str, Any], names: list[str], sources: dict[str, Any]) -> dict[str, Any] | None:
        """A stored entry's components (name -> (component, edges, references)) if it fits this run's files, else
        None (a miss). The references stay as stored, `(name, file, offset, kinds, role)`: `_check_refs` binds one
        to its file only to report it."""
        components = entry.get("components")
        if entry.get("names") != names or not isinstance(components, dict) or list(components) != names:
            return None  # not this file's components (an entry of another format, or a foreign one)
        if not all(type(v) is tuple and len(v) == 3 and type(v[1]) is list for v in components.values()):
            return None
        if not all(path in sources for path in entry.get("files", ())):
            return None  # a reference into a file this run does not have
        return components

    def _to_store(self, fresh: dict[str, list[Any]]) -> None:
        """Queue each file resolved in this run for the cache, unless a diagnostic points into it."""
        rc = self.rcache
        assert rc is not None
        marked = {d.span.file for d in self.diags if d.span is not None}
        marked |= {n.span.file for d in self.diags for n in d.notes if n.span is not None}
        for path, records in fresh.items():
            if path in marked or not records:
                continue
            components = {
                name: (comp, comp_edges, [(p.name, p.node.src.path, p.node.start, p.kinds, p.role) for p in refs])
                for name, comp, comp_edges, refs in records
            }
            files = sorted({ref[1] for _, _, refs in components.values() for ref in refs})
            payload = {"names": [r[0] for r in records], "files": files, "components": components}
            rc.pending.append((self._keys[path], payload))

    # --- references ---------------------------------------------------------------------------------------------

    def _check_refs(self) -> None:
        comps = self.d.components
        for p in self.ctx.refs:
            if type(p) is tuple:  # as the cache of resolved files stores it: bound to its file only if reported
                name, path, start, kinds, role = p
                if kinds == ("region",):
                    if name in self.d.regions:
                        continue
                elif kinds == ("engine",):
                    eng = self.d.definitions.get(name)
                    if eng is not None and eng.kind == "engine":
                        continue
                elif (c := comps.get(name)) is not None and c.kind in kinds:
                    continue
                p = Pending(name, Name(name, self._sources[path], start), kinds, role)
            if p.kinds == ("region",):
                if p.name not in self.d.regions:
                    self._unknown_ref(p.name, p.span, "region", list(self.d.regions))
                continue
            if p.kinds == ("engine",):
                eng = self.d.definitions.get(p.name)
                if eng is None or eng.kind != "engine":
                    cands = [n for n, x in self.d.definitions.items() if x.kind == "engine"]
                    self._unknown_ref(p.name, p.span, "engine", cands)
                continue
            c = comps.get(p.name)
            if c is None:
                if self._not_a_component(p):
                    continue
                cands = [n for n, x in comps.items() if x.kind in p.kinds]
                what = "component" if len(p.kinds) > 1 else p.kinds[0]
                self._unknown_ref(p.name, p.span, what, cands, p.kinds)
            elif c.kind not in p.kinds:
                self.diags.append(
                    diag(
                        WRONG_KIND,
                        f"`{p.role}` needs {one_of(p.kinds)}, but `{p.name}` is a {c.kind}",
                        p.span,
                        label=f"a {c.kind}",
                        notes=[Note(c.stmt.values[0].span, f"`{p.name}` is defined here")],
                    )
                )

    def _not_a_component(self, p: Pending) -> bool:
        """A reference to a component that names a region, a zone or a definition instead: say what it is
        (REF003) rather than that nothing has the name."""
        wanted = one_of(p.kinds) if len(p.kinds) <= 3 else "a component"
        region, _, zone = p.name.partition(".")
        r = self.d.regions.get(region)
        d = self.d.definitions.get(p.name)
        if r is not None:
            what = f"a zone of region `{region}`" if zone else "a region"
            hint = (
                f"a region or zone says where components run (`placement {region} [...]`); name the component "
                "that runs there"
            )
            at = r.stmt.values[0].span
        elif d is not None and d.kind != "engine":
            what = f"a definition ({d.kind})"
            hint = f"declare a component from it and name that: `{d.kind} NAME is {p.name}`"
            at = d.stmt.values[0].span
        else:
            return False
        self.diags.append(
            diag(
                WRONG_KIND,
                f"`{p.role or 'this reference'}` needs {wanted}, but `{p.name}` is {what}",
                p.span,
                label="not a component",
                hints=[hint],
                notes=[Note(at, f"`{region if r is not None else p.name}` is declared here")],
            )
        )
        return True

    def _unknown_ref(
        self, name: str, span: Span, what: str, candidates: list[str], kinds: tuple[str, ...] = ()
    ) -> None:
        close = suggest(name, candidates)
        hints = [f"did you mean `{close}`?"] if close else []
        if not candidates:
            # the candidates are the components of the kinds this place accepts, not every component
            needed = " or ".join(kinds) if 1 < len(kinds) <= 3 else what
            hints.append(f"this design defines no {needed} yet")
        elif not close and len(candidates) <= 8:
            hints.append(f"defined {what}s: {one_of(sorted(candidates))}")
        self.diags.append(
            diag(
                UNKNOWN_REFERENCE,
                f"unknown {what} `{name}`",
                span,
                label=f"no {what} has this name",
                hints=hints,
            )
        )

    def _check_ports(self, ports: list[dict[str, Any]], stmts: list[Stmt]) -> None:
        """Two ports of a service cannot share a number (a container and its Service would be invalid)."""
        seen: dict[int, Stmt] = {}
        for port, stmt in zip(ports, stmts, strict=True):
            first = seen.setdefault(port["number"], stmt)
            if first is not stmt:
                other = first.values[0].text if isinstance(first.values[0], Name) else "?"
                self.diags.append(
                    diag(
                        INCONSISTENT,
                        f"ports `{port['name']}` and `{other}` both listen on {port['number']}",
                        stmt.values[1].span if len(stmt.values) > 1 else stmt.key_span,
                        label="number already taken",
                        hints=["give each port its own number, or keep one of them"],
                        notes=[Note(first.span, "the first port with this number")],
                    )
                )

    def _check_slo_queries(self, slo: dict[str, Any], stmt: Stmt) -> None:
        """An SLO's `errors` and `total` queries come together, and each says where the window goes."""
        inner = {s.key: s for s in (stmt.block.stmts if stmt.block is not None else [])}
        have = [k for k in ("error_query", "total_query") if slo.get(k)]
        keys = {"error_query": "errors", "total_query": "total"}
        if len(have) == 1:
            given, missing = keys[have[0]], keys[next(k for k in keys if k not in have)]
            self.diags.append(
                diag(
                    MISSING,
                    f"the SLO states `{given}` but not `{missing}`: its error ratio needs both",
                    inner[given].key_span if given in inner else stmt.key_span,
                    label=f"no `{missing}`",
                    hints=[f'add `{missing} "sum(rate(...[$window]))"` beside it'],
                )
            )
        for k in have:
            if "$window" not in slo[k] and keys[k] in inner:
                at = inner[keys[k]]
                self.diags.append(
                    diag(
                        BAD_VALUE,
                        f"the SLO's `{keys[k]}` query has no `$window`: every alert window would read the same range",
                        at.values[0].span if at.values else at.key_span,
                        label="no `$window`",
                        hints=[
                            'write the range as `[$window]`: `sum(rate(http_requests_total{code=~"5.."}[$window]))`'
                        ],
                    )
                )

    def _check_placement(self, placements: list[dict[str, Any]], stmts: list[Stmt]) -> None:
        """Each zone named in a `placement` must be a zone of that region."""
        for p, stmt in zip(placements, stmts, strict=True):
            region = self.d.regions.get(p["region"])
            if region is None or len(stmt.values) < 2:
                continue
            zones: set[str] = set()
            for s in region.stmts:
                if s.key == "zones" and s.values and isinstance(s.values[0], List):
                    zones = {v.text for v in s.values[0].items if isinstance(v, Name)}
            if not zones:
                continue
            zone_nodes = stmt.values[1].items if isinstance(stmt.values[1], List) else [stmt.values[1]]
            for z in zone_nodes:
                if isinstance(z, Name) and z.text not in zones:
                    close = suggest(z.text, sorted(zones))
                    hints = [f"did you mean `{close}`?"] if close else []
                    hints.append(f"region `{p['region']}` has zones {one_of(sorted(zones))}")
                    self.diags.append(
                        diag(
                            UNKNOWN_REFERENCE,
                            f"region `{p['region']}` has no zone `{z.text}`",
                            z.span,
                            label="not a zone of this region",
                            hints=hints,
                        )
                    )

    def _default_protocols(self, comps: list[Any], edges: list[Any]) -> None:
        """An edge without a protocol takes its target's (stated, or its engine's)."""
        protocol = {c.name: c.protocol for c in comps if c.protocol}
        defaulted = self.rcache.defaulted if self.rcache is not None else None
        for e in edges:
            if e.protocol is None and e.target in protocol:
                e.__dict__["protocol"] = protocol[e.target]
                if defaulted is not None:
                    defaulted.append(e)

    def _check_regions(self, regions: list[dict[str, Any] | None]) -> None:
        for d in self.d.regions.values():
            for s in d.stmts:
                if s.key == "zones" and s.values and isinstance(s.values[0], List):
                    seen: dict[str, Node] = {}
                    for z in s.values[0].items:
                        if isinstance(z, Name):
                            if z.text in seen:
                                self.diags.append(
                                    diag(
                                        INCONSISTENT,
                                        f"zone `{z.text}` is listed twice in region `{d.name}`",
                                        z.span,
                                        notes=[Note(seen[z.text].span, "first listed here")],
                                    )
                                )
                            seen[z.text] = z
