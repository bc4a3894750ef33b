"""The command line: `designc check | fmt | build | schema | explain`.

Exit codes: 0 clean, 1 findings at or above `--fail-on` (default: error), 2 a usage or I/O error.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from . import __version__

FAIL_ON = ("error", "warning", "info", "never")


def _echo(text: str, err: bool = False) -> None:
    stream = sys.stderr if err else sys.stdout
    stream.write(text)
    stream.flush()


def _fail(message: str) -> None:
    _echo(f"designc: error: {message}\n", err=True)
    sys.exit(2)


def _paths(paths: tuple[str, ...]) -> list[Path]:
    return [Path(p) for p in paths] if paths else [Path(".")]


def _exit_code(diags: list[Any], fail_on: str) -> int:
    if fail_on == "never":
        return 0
    threshold = {"error": 3, "warning": 2, "info": 1}[fail_on]
    return 1 if any(d.severity.rank >= threshold for d in diags) else 0


def _run_check(paths: tuple[str, ...], root: str | None) -> Any:
    from .driver import check
    from .loader import UsageError

    try:
        return check(_paths(paths), Path(root) if root else None)
    except UsageError as e:
        _fail(str(e))


def _report(result: Any, fmt: str, output: str | None, color: bool | None, quiet: bool = False) -> None:
    from . import render

    diags = result.diagnostics
    if fmt == "human":
        use = render.use_color(sys.stdout if output is None else None, color)
        text = render.human(diags, result.texts, use)
        if not quiet or diags:
            text += ("\n" if diags else "") + render.summary(diags, len(result.designs), result.file_count, use)
    elif fmt == "json":
        text = render.as_json(diags)
    elif fmt == "sarif":
        text = render.sarif(diags)
    else:
        text = render.github(diags)
    if output is None:
        _echo(text)
        return
    from .output import write_file

    try:
        write_file(Path(output), text.encode("utf-8"))
    except OSError as e:
        _fail(f"cannot write {output}: {e.strerror or e}")


class _Group(click.Group):
    """Turns an unexpected exception into one line that says it is designc's bug, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            sys.exit(1)
        except Exception as e:
            _echo(
                f"designc: internal error: {type(e).__name__}: {e}\n"
                "This is a bug in designc, not in your design; please report it with the command and files.\n",
                err=True,
            )
            sys.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="designc", message="%(prog)s %(version)s")
def main() -> None:
    """designc: a compiler for distributed-system designs.

    Check designs like code, and generate documents and scaffolds from them.
    """


_format_opt = click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(("human", "json", "sarif", "github")),
    default="human",
    show_default=True,
    help="How to print diagnostics.",
)
_fail_on_opt = click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    default="error",
    show_default=True,
    help="Exit 1 when a finding is at least this severe.",
)
_root_opt = click.option(
    "--root",
    type=click.Path(file_okay=False),
    default=None,
    help="Folder imports may not leave (default: the folder given, or a file's own folder).",
)
_color_opt = click.option(
    "--color/--no-color", default=None, help="Colour the output (default: when printing to a terminal)."
)


@main.command("check")
@click.argument("paths", nargs=-1, type=click.Path())
@_format_opt
@_fail_on_opt
@_root_opt
@_color_opt
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report to a file.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing when there is nothing to report.")
def check_cmd(
    paths: tuple[str, ...],
    fmt: str,
    fail_on: str,
    root: str | None,
    color: bool | None,
    output: str | None,
    quiet: bool,
) -> None:
    """Check designs: syntax, references, values and units.

    PATHS are *.design files or folders (searched recursively); the default is the current folder.
    """
    result = _run_check(paths, root)
    _report(result, fmt, output, color, quiet)
    sys.exit(_exit_code(result.diagnostics, fail_on))


@main.command("fmt")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--check", "check_only", is_flag=True, help="Change nothing; exit 1 if a file is not formatted.")
@click.option("--diff", "show_diff", is_flag=True, help="Print what would change, as a unified diff.")
@_color_opt
def fmt_cmd(paths: tuple[str, ...], check_only: bool, show_diff: bool, color: bool | None) -> None:
    """Format designs canonically, keeping comments.

    Formatting is idempotent, so formatted designs diff cleanly in review.
    """
    import difflib

    from . import render
    from .fmt import format_text
    from .loader import UsageError, decode, display_path, walk_designs
    from .output import write_file

    try:
        files = walk_designs(_paths(paths))
    except UsageError as e:
        _fail(str(e))
    problems = []
    texts: dict[str, str] = {}
    changed: list[str] = []
    for f in files:
        shown = display_path(f)
        try:
            data = f.read_bytes()
        except OSError as e:
            _fail(f"cannot read {shown}: {e.strerror or e}")
        text, problem = decode(data, shown)
        if problem is not None or text is None:
            problems.append(problem)
            continue
        texts[shown] = text
        out, diags = format_text(text, shown)
        if out is None:
            problems += diags
            continue
        if out == text:
            continue
        changed.append(shown)
        if show_diff:
            _echo("".join(difflib.unified_diff(text.splitlines(True), out.splitlines(True), shown, shown)))
        if not check_only:
            try:
                write_file(f, out.encode("utf-8"))
            except OSError as e:
                _fail(f"cannot write {shown}: {e.strerror or e}")
    use = render.use_color(sys.stderr, color)
    if problems:
        _echo(render.human([p for p in problems if p is not None], texts, use), err=True)
    for c in changed:
        _echo(f"{'would reformat' if check_only else 'reformatted'} {c}\n", err=True)
    n = len(files)
    if check_only:
        _echo(
            f"{len(changed)} of {n} file{'s' if n != 1 else ''} would be reformatted\n"
            if changed
            else f"{n} file{'s' if n != 1 else ''} already formatted\n",
            err=True,
        )
    else:
        _echo(
            f"{len(changed)} file{'s' if len(changed) != 1 else ''} reformatted, "
            f"{n - len(changed) - len(problems)} unchanged\n",
            err=True,
        )
    sys.exit(1 if problems or (check_only and changed) else 0)


@main.command("schema")
def schema_cmd() -> None:
    """Print the JSON Schema of the resolved model (what `build -t json` writes)."""
    import json

    from .model import Design

    _echo(json.dumps(Design.model_json_schema(), indent=2, sort_keys=False) + "\n")


@main.command("build")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--target", "-t", "targets", multiple=True, required=True, help="What to generate (repeatable).")
@click.option("--out", "-o", "out", type=click.Path(file_okay=False), required=True, help="Output folder.")
@_root_opt
@_color_opt
def build_cmd(paths: tuple[str, ...], targets: tuple[str, ...], out: str, root: str | None, color: bool | None) -> None:
    """Generate files from designs into OUT/<system>/.

    Nothing is written unless every design checks without errors; files are replaced atomically.
    """
    from . import render
    from .output import OutputError, write_tree
    from .targets_registry import available, generate

    names = available()
    for t in targets:
        if t not in names:
            from .values import suggest

            close = suggest(t, names)
            _fail(
                f"unknown target `{t}`"
                + (f"; did you mean `{close}`?" if close else "")
                + f" (targets: {', '.join(names)})"
            )
    result = _run_check(paths, root)
    use = render.use_color(sys.stderr, color)
    errors = [d for d in result.diagnostics if d.severity.rank >= 3]
    if result.diagnostics:
        _echo(render.human(result.diagnostics, result.texts, use), err=True)
    if errors:
        _echo(
            f"build stopped: {len(errors)} error{'s' if len(errors) != 1 else ''}; nothing was written\n",
            err=True,
        )
        sys.exit(1)
    tree: dict[str, bytes] = {}
    for d in result.designs:
        if d.model is None or d.model.system is None:
            continue
        for t in targets:
            for rel, content in generate(t, d.model).items():
                tree[f"{d.model.system.name}/{rel}"] = content
    if not tree:
        _echo("nothing to build: no design here declares a system\n", err=True)
        sys.exit(1)
    try:
        written = write_tree(Path(out), tree)
    except OutputError as e:
        _fail(str(e))
    for w in written:
        _echo(f"wrote {w}\n", err=True)


@main.command("reference")
def reference_cmd() -> None:
    """Print the language reference (Markdown), generated from the language's schema."""
    from .reference import markdown

    _echo(markdown())


@main.command("explain")
@click.argument("code")
def explain_cmd(code: str) -> None:
    """Explain a diagnostic code, e.g. `designc explain REF001`."""
    from .diagnostics import REGISTRY
    from .values import suggest

    info = REGISTRY.get(code.upper())
    if info is None:
        close = suggest(code.upper(), list(REGISTRY))
        _fail(f"no diagnostic has the code {code}" + (f"; did you mean {close}?" if close else ""))
    assert info is not None
    _echo(f"{info.code}: {info.title} ({info.severity.value} by default)\n\n{info.explanation}\n")


if __name__ == "__main__":  # pragma: no cover
    main()
