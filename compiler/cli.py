"""The command line: `designc check | fmt | init | build | report | schema | explain ...`.

Exit codes: 0 clean, 1 findings at or above `--fail-on` (default: error), 2 a usage or I/O error.
"""

from __future__ import annotations

import functools
import os
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


def _cache_option(f: Any) -> Any:
    """`--no-cache`: neither read nor write parsed files in the user's cache directory (as DESIGNC_NO_CACHE=1)."""

    @functools.wraps(f)
    def run(*args: Any, no_cache: bool = False, **kwargs: Any) -> Any:
        if no_cache:
            os.environ["DESIGNC_NO_CACHE"] = "1"
        return f(*args, **kwargs)

    return click.option(
        "--no-cache",
        is_flag=True,
        help="Parse every file again: neither read nor write the parse cache (also DESIGNC_NO_CACHE=1).",
    )(run)


def _run_check(
    paths: tuple[str, ...],
    root: str | None,
    config: str | None = None,
    baseline: str | None = None,
    analysis: bool = True,
    profile: str | None = None,
    stdin: tuple[Path, bytes] | None = None,
    progress: bool = False,
) -> Any:
    """Run the front end and the rules; on a terminal (and unless ``progress`` is off), a status line shows once
    it has taken a second."""
    from .cache import enabled_by_default
    from .driver import check
    from .loader import UsageError

    fingerprints = None
    if baseline is not None:
        from .analysis import baseline as baseline_module

        try:
            fingerprints = baseline_module.read(Path(baseline))
        except (OSError, ValueError) as e:
            _fail(f"cannot use the baseline {baseline}: {e}")
    shown = None
    if progress and sys.stderr.isatty():
        from .progress import Progress

        shown = Progress(True)
    try:
        return check(
            _paths(paths),
            Path(root) if root else None,
            analysis=analysis,
            config_path=Path(config) if config else None,
            baseline=fingerprints,
            profile=profile,
            cache=enabled_by_default(),
            stdin=stdin,
            progress=shown,
        )
    except UsageError as e:
        _fail(str(e))
    finally:
        if shown is not None:
            shown.done()


STDIN = "<stdin>"  # how standard input is named in messages when --stdin-filename does not name it


def _stdin(paths: tuple[str, ...], stdin_filename: str | None) -> tuple[tuple[str, ...], tuple[Path, bytes] | None]:
    """`-` among the paths: standard input, read once, and the path it stands for (which then replaces `-`)."""
    if "-" not in paths:
        if stdin_filename is not None:
            _fail("--stdin-filename names the file standard input stands for: use it with `-` as the path")
        return paths, None
    if len(paths) > 1:
        _fail("`-` (standard input) is read alone: name no other path with it")
    name = Path(stdin_filename) if stdin_filename else Path(STDIN)
    try:
        data = sys.stdin.buffer.read()
    except OSError as e:
        _fail(f"cannot read standard input: {e.strerror or e}")
    return (str(name),), (name, data)


_stdin_filename_opt = click.option(
    "--stdin-filename",
    type=click.Path(dir_okay=False),
    default=None,
    help="With `-` as the path: the file standard input stands for. Messages name it, imports are relative to"
    " it, and the configuration is looked for from its folder (the file need not exist).",
)


def _report(result: Any, fmt: str, output: str | None, color: bool | None, quiet: bool = False) -> None:
    from . import render

    diags = result.diagnostics
    if fmt == "human":
        use = render.use_color(sys.stdout if output is None else None, color)
        text = render.human(diags, result.texts, use)
        if not quiet or diags:
            text += ("\n" if diags else "") + render.summary(diags, len(result.designs), result.file_count, use)
            if result.baselined:
                text += f"{_plural(result.baselined, 'finding')} not shown: the baseline has them\n"
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
    default=None,
    help="Exit 1 when a finding is at least this severe (default: the configuration's, else error).",
)
_profile_opt = click.option(
    "--profile",
    type=click.Choice(["sketch", "review", "production"]),
    default=None,
    help="How unstated facts are reported: sketch leaves them out, review (default) one note per component,"
    " production a warning each (default: the design's `profile`, else the configuration's, else review).",
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
@_profile_opt
@_root_opt
@_color_opt
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report to a file.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing when there is nothing to report.")
@click.option("--config", type=click.Path(dir_okay=False, exists=True), help="designc.toml or pyproject.toml to use.")
@click.option("--baseline", type=click.Path(dir_okay=False), help="Report only findings not in this baseline.")
@click.option("--write-baseline", type=click.Path(dir_okay=False), help="Record today's findings as the baseline.")
@click.option("--no-analysis", is_flag=True, help="Check the language only; run no design rules.")
@_stdin_filename_opt
@_cache_option
def check_cmd(
    paths: tuple[str, ...],
    fmt: str,
    fail_on: str | None,
    profile: str | None,
    root: str | None,
    color: bool | None,
    output: str | None,
    quiet: bool,
    config: str | None,
    baseline: str | None,
    write_baseline: str | None,
    no_analysis: bool,
    stdin_filename: str | None,
) -> None:
    """Check designs: the language (syntax, references, values, units), then the design rules.

    PATHS are *.design files or folders (searched recursively; the configuration's `exclude` is left out of a
    search); the default is the current folder. `-` reads one design from standard input.
    """
    paths, stdin = _stdin(paths, stdin_filename)
    # A baseline being written records every finding of today, whatever an older baseline holds.
    in_force = None if write_baseline is not None else baseline
    result = _run_check(
        paths, root, config, in_force, analysis=not no_analysis, profile=profile, stdin=stdin, progress=not quiet
    )
    if write_baseline is not None:
        from .analysis import baseline as baseline_module
        from .output import write_file

        try:
            write_file(Path(write_baseline), baseline_module.render(result.diagnostics).encode("utf-8"))
        except OSError as e:
            _fail(f"cannot write {write_baseline}: {e.strerror or e}")
        recorded = [d for d in result.diagnostics if d.fingerprint]
        n = len({d.fingerprint for d in recorded})
        _echo(
            f"wrote {write_baseline}: {_plural(n, 'finding')} recorded"
            + (f" ({_counts(recorded)})" if recorded else "")
            + f"; `--baseline {write_baseline}` reports only findings not in it\n",
            err=True,
        )
        # from now on the check is the one the new baseline gives: only what it cannot hold is reported
        result.diagnostics = [d for d in result.diagnostics if not d.fingerprint]
        result.baselined = len(recorded)
    _report(result, fmt, output, color, quiet)
    if fail_on is None:
        fail_on = (result.config.fail_on if result.config is not None else None) or "error"
    sys.exit(_exit_code(result.diagnostics, fail_on))


@main.command("fmt")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--check", "check_only", is_flag=True, help="Change nothing; exit 1 if a file is not formatted.")
@click.option(
    "--diff",
    "show_diff",
    is_flag=True,
    help="Change nothing; print what would change, as a unified diff, and exit 1 if a file is not formatted.",
)
@_color_opt
@_stdin_filename_opt
def fmt_cmd(
    paths: tuple[str, ...], check_only: bool, show_diff: bool, color: bool | None, stdin_filename: str | None
) -> None:
    """Format designs canonically, keeping comments.

    Formatting is idempotent, so formatted designs diff cleanly in review. With --check or --diff no file is
    written. `-` formats standard input to standard output (nothing is printed there if it does not parse).
    """
    import difflib

    from . import render
    from .analysis.config import excluder, find
    from .fmt import format_text
    from .loader import UsageError, decode, display_path, walk_designs
    from .output import write_file

    check_only = check_only or show_diff  # --diff only shows: it never writes
    paths, stdin = _stdin(paths, stdin_filename)
    if stdin is not None:
        name, data = stdin
        shown = STDIN if str(name) == STDIN else display_path(name)
        text, problem = decode(data, shown)
        out, diags = format_text(text, shown) if text is not None else (None, [problem])
        if out is None or text is None:
            _echo(
                render.human(
                    [d for d in diags if d is not None], {shown: text or ""}, render.use_color(sys.stderr, color)
                ),
                err=True,
            )
            sys.exit(1)
        if not check_only:
            sys.stdout.flush()
            sys.stdout.buffer.write(out.encode("utf-8"))  # the bytes the file would hold, whatever the locale
            sys.stdout.flush()
            sys.exit(0)
        if out != text:
            if show_diff:
                _echo("".join(difflib.unified_diff(text.splitlines(True), out.splitlines(True), shown, shown)))
            _echo(f"would reformat {shown}\n", err=True)
        sys.exit(1 if out != text else 0)

    try:
        files = walk_designs(_paths(paths), excluder(find(_paths(paths)[0])))
    except UsageError as e:
        _fail(str(e))
    problems: list[Any] = []
    texts: dict[str, str] = {}
    changed: list[str] = []
    failed: list[str] = []  # files that could not be read, decoded or parsed: neither formatted nor unchanged
    for f in files:
        shown = display_path(f)
        try:
            data = f.read_bytes()
        except OSError as e:
            from .ast import Span
            from .diagnostics import UNREADABLE, diag

            problems.append(diag(UNREADABLE, f"cannot read the file: {e.strerror or e}", Span(shown, 1, 1, 1, 1)))
            failed.append(shown)
            continue
        text, problem = decode(data, shown)
        if problem is not None or text is None:
            problems.append(problem)
            failed.append(shown)
            continue
        texts[shown] = text
        out, diags = format_text(text, shown)
        if out is None:
            problems += diags
            failed.append(shown)
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
    unchanged = len(files) - len(changed) - len(failed)
    counts = [
        (len(changed), "would be reformatted" if check_only else "reformatted"),
        (unchanged, "already formatted" if check_only else "left unchanged"),
        (len(failed), "could not be formatted"),
    ]
    _echo(", ".join(f"{_plural(n, 'file')} {what}" for n, what in counts if n) + "\n", err=True)
    sys.exit(1 if failed or (check_only and changed) else 0)


@main.command("init")
@click.argument("name", required=False)
def init_cmd(name: str | None) -> None:
    """Write a starter design: NAME.design, or system.design (its system named after the current folder).

    The design checks clean and shows the language's main statements, with comments: requirements, a region
    and its zones, services with replicas, health checks, timeouts, retries and SLOs, stores with replication
    and backups, a cache, an asynchronous stream, and flows. An existing file is never overwritten.
    """
    from .loader import display_path
    from .output import create_file
    from .starter import DEFAULT_FILE, starter, system_name

    if name is None:
        path = Path(DEFAULT_FILE)
        system = system_name(Path.cwd().name)
    else:
        path = Path(name if name.endswith(".design") else name + ".design")
        system = system_name(path.name.removesuffix(".design"))
    shown = display_path(path)
    if path.exists() or path.is_symlink():
        _echo(
            f"designc: error: {shown} already exists; `designc init` writes only a new file"
            " (name another: `designc init NAME`)\n",
            err=True,
        )
        sys.exit(1)
    try:
        create_file(path, starter(system).encode("utf-8"))
    except FileExistsError:
        _echo(f"designc: error: {shown} already exists; `designc init` writes only a new file\n", err=True)
        sys.exit(1)
    except OSError as e:
        _fail(f"cannot write {shown}: {e.strerror or e}")
    _echo(
        f"wrote {shown}: a starter design for system `{system}`\n"
        f"next: make it yours, then `designc check {shown}`; `designc reference` lists every statement\n",
        err=True,
    )


@main.command("schema")
def schema_cmd() -> None:
    """Print the JSON Schema of the resolved model (what `build -t json` writes)."""
    import json

    from .model import Design

    _echo(json.dumps(Design.model_json_schema(), indent=2, sort_keys=False) + "\n")


class _Progress:
    """One status line on a terminal, shown only once a build has run for a second; silent when piped."""

    def __init__(self, enabled: bool) -> None:
        import time

        self.enabled = enabled and sys.stderr.isatty()
        self.start = time.monotonic()
        self.shown = False

    def step(self, message: str) -> None:
        import time

        if self.enabled and time.monotonic() - self.start > 1.0:
            sys.stderr.write(f"\r\x1b[K{message}")
            sys.stderr.flush()
            self.shown = True

    def done(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


def _split_targets(targets: tuple[str, ...]) -> list[str]:
    from .targets_registry import available
    from .values import suggest

    names = available()
    chosen: list[str] = []
    for item in targets:
        for t in (x.strip() for x in item.split(",")):
            if not t:
                continue
            if t not in names:
                close = suggest(t, names)
                _fail(
                    f"unknown target `{t}`"
                    + (f"; did you mean `{close}`?" if close else "")
                    + f" (targets: {', '.join(names)}; `designc targets` describes them)"
                )
            if t not in chosen:
                chosen.append(t)
    return chosen


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _counts(diags: list[Any]) -> str:
    """`3 errors, 7 warnings, 2 notes`: how many of each severity, the zeros left out."""
    parts = []
    for rank, word in ((3, "error"), (2, "warning"), (1, "note")):
        n = sum(1 for d in diags if d.severity.rank == rank)
        if n:
            parts.append(_plural(n, word))
    return ", ".join(parts) or "nothing"


@main.command("build")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--target",
    "-t",
    "targets",
    multiple=True,
    required=True,
    help="What to generate, comma-separated or repeated: markdown, dot, svg, png, mermaid, html, json,"
    " kubernetes, terraform, slo (`designc targets` describes each).",
)
@click.option("--out", "-o", "out", type=click.Path(file_okay=False), required=True, help="Output folder.")
@click.option("--check", "check_only", is_flag=True, help="Write nothing; exit 1 if OUT is not what the build makes.")
@click.option(
    "--allow-findings",
    is_flag=True,
    help="Build json (and other non-document targets) even when design rules report errors.",
)
@click.option(
    "--templates",
    type=click.Path(file_okay=False, exists=True),
    default=None,
    help="A folder of templates that override the packaged ones (see docs/documents.md).",
)
@click.option("--quiet", "-q", is_flag=True, help="Print only problems.")
@_root_opt
@_color_opt
@click.option("--config", type=click.Path(dir_okay=False, exists=True), help="designc.toml or pyproject.toml to use.")
@_cache_option
def build_cmd(
    paths: tuple[str, ...],
    targets: tuple[str, ...],
    out: str,
    check_only: bool,
    allow_findings: bool,
    templates: str | None,
    quiet: bool,
    root: str | None,
    color: bool | None,
    config: str | None,
) -> None:
    """Generate documents, diagrams and models from designs into OUT/<system>/.

    A design with language errors builds nothing. Design-rule findings do not stop the document and the
    diagrams (they are the document's last section), but stop `json` unless --allow-findings is given.
    Files are replaced atomically and only inside OUT; files an earlier build of the same target wrote and this
    one does not are removed. With --check nothing is written: the exit code says whether OUT is up to date.
    """
    from . import render
    from .output import OutputError, apply, plan
    from .targets_registry import Build, TargetError, accepts_findings, generate_many

    chosen = _split_targets(targets)
    result = _run_check(paths, root, config, progress=not quiet)
    use = render.use_color(sys.stderr, color)
    language = [d for d in result.diagnostics if d.fingerprint is None and d.severity.rank >= 3]
    findings = [d for d in result.diagnostics if d.fingerprint is not None]
    strict = [t for t in chosen if not accepts_findings(t)]
    blocking = [d for d in findings if d.severity.rank >= 3] if strict and not allow_findings else []
    if language or blocking:
        shown = [d for d in result.diagnostics if d.fingerprint is None or d in blocking]
        _echo(render.human(shown, result.texts, use), err=True)
        if language:
            _echo(f"build stopped: {_plural(len(language), 'error')}; nothing was written\n", err=True)
        else:
            _echo(
                f"build stopped: the design rules report {_plural(len(blocking), 'error')}, and "
                f"{', '.join(strict)} builds only a design without errors; nothing was written\n"
                "  = help: fix them, or pass --allow-findings to build anyway\n",
                err=True,
            )
        sys.exit(1)
    others = [d for d in result.diagnostics if d.fingerprint is None]
    if others and not quiet:
        _echo(render.human(others, result.texts, use), err=True)
    progress = _Progress(not quiet)
    tree: dict[str, bytes] = {}
    owners: dict[str, list[str]] = {}
    problems: list[str] = []  # a target did less than asked (no `dot`: .dot files instead); the build exits 1
    failed: list[str] = []  # a target could not run (a broken template): nothing is written
    systems: list[str] = []
    for d in result.designs:
        if d.model is None or d.model.system is None:
            continue
        system = d.model.system.name
        if system in systems:
            _fail(
                f"two designs declare system `{system}`, and both would be written to {Path(out) / system}; "
                "build them into separate output folders"
            )
        systems.append(system)
        build = Build(
            d.model,
            findings=[x for x in d.diagnostics if x.fingerprint is not None],
            suppressed=d.suppressed,
            targets=tuple(chosen),
            templates=Path(templates) if templates else None,
        )
        progress.step(f"building {', '.join(chosen)} for {system} ...")
        for t, files, added in generate_many(list(chosen), build):
            if isinstance(files, TargetError):
                failed.append(f"{system}: {t}: {files}")
                continue
            if not added:  # a target that did only part of its work (svg without `dot`) prunes nothing
                owners[f"{system}/{t}"] = [f"{system}/{rel}" for rel in files]
            for rel, content in files.items():
                tree[f"{system}/{rel}"] = content
        problems += [f"{system}: {p}" for p in build.problems]
    progress.done()
    if failed:
        for f in failed:
            _echo(f"designc: error: {f}\n", err=True)
        _echo("build stopped; nothing was written\n", err=True)
        sys.exit(1)
    if not systems:
        _echo("nothing to build: no design here declares a system\n", err=True)
        sys.exit(1)
    out_dir = Path(out)
    p = plan(out_dir, tree, owners)
    if check_only:
        for rel in p.create:
            _echo(f"would create {(out_dir / rel).as_posix()}\n", err=True)
        for rel in p.change:
            _echo(f"would change {(out_dir / rel).as_posix()}\n", err=True)
        for rel in p.remove:
            _echo(f"would remove {(out_dir / rel).as_posix()}\n", err=True)
        for prob in problems:
            _echo(f"designc: error: {prob}\n", err=True)
        if p.dirty:
            _echo(
                f"{out_dir.as_posix()} is out of date: {len(p.create) + len(p.change) + len(p.remove)} of "
                f"{_plural(len(tree), 'file')} would change; run the same command without --check\n",
                err=True,
            )
        elif not quiet:
            _echo(f"{out_dir.as_posix()} is up to date ({_plural(len(tree), 'file')})\n", err=True)
        sys.exit(1 if p.dirty or problems else 0)
    try:
        apply(out_dir, tree, owners, p)
    except OutputError as e:
        _fail(str(e))
    if not quiet:
        for rel in [*p.create, *p.change]:
            _echo(f"wrote {(out_dir / rel).as_posix()}\n", err=True)
        for rel in p.remove:
            _echo(f"removed {(out_dir / rel).as_posix()}\n", err=True)
        summary = f"{_plural(len(p.create) + len(p.change), 'file')} written"
        if p.same:
            summary += f", {len(p.same)} unchanged"
        if p.remove:
            summary += f", {len(p.remove)} removed"
        if findings:
            errs = sum(1 for x in findings if x.severity.rank >= 3)
            whose = "the design has" if len(systems) == 1 else f"the {len(systems)} designs have"
            summary += f"; {whose} {_plural(len(findings), 'open finding')}"
            summary += f" ({errs} error{'s' if errs != 1 else ''})" if errs else ""
            if {"markdown", "html"} & set(chosen):
                summary += ", listed at the end of the document"
            else:
                summary += "; `designc check` lists them"
        _echo(f"{summary}\n", err=True)
    for prob in problems:
        _echo(f"designc: error: {prob}\n", err=True)
    sys.exit(1 if problems else 0)


@main.command("targets")
def targets_cmd() -> None:
    """List what `designc build -t` can generate."""
    from .targets_registry import describe

    rows = describe()
    width = max(len(n) for n, _ in rows)
    _echo("".join(f"{n:<{width}}  {d}\n" for n, d in rows))


@main.command("reference")
def reference_cmd() -> None:
    """Print the language reference (Markdown), generated from the language's schema."""
    from .reference import markdown

    _echo(markdown())


@main.command("report")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "-f", "fmt", type=click.Choice(("human", "json")), default="human", show_default=True)
@_fail_on_opt
@_root_opt
@_color_opt
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report to a file.")
@click.option("--config", type=click.Path(dir_okay=False, exists=True), help="designc.toml or pyproject.toml to use.")
@_cache_option
def report_cmd(
    paths: tuple[str, ...],
    fmt: str,
    fail_on: str | None,
    root: str | None,
    color: bool | None,
    output: str | None,
    config: str | None,
) -> None:
    """Per entrypoint: the availability budget, the error budget, the latency chain and retry amplification.

    Then the flows, each component's demand against its capacity, store growth and bandwidth. The report is
    printed whatever the design rules find; like `check`, the exit code is 1 when they find something at or above
    --fail-on (`designc check` lists what).
    """
    import json

    from . import render
    from .report import build, human

    result = _run_check(paths, root, config, progress=True)
    use = render.use_color(sys.stderr, color)
    errors = [d for d in result.diagnostics if d.fingerprint is None and d.severity.rank >= 3]
    if errors:
        _echo(render.human(errors, result.texts, use), err=True)
        _echo("no report: the design has errors\n", err=True)
        sys.exit(1)
    reports = [build(d.model) for d in result.designs if d.model is not None and d.model.system is not None]
    if fmt == "json":
        text = json.dumps(reports if len(reports) != 1 else reports[0], indent=2) + "\n"
    else:
        text = "\n".join(human(r) for r in reports)
    if output is None:
        _echo(text)
    else:
        from .output import write_file

        try:
            write_file(Path(output), text.encode("utf-8"))
        except OSError as e:
            _fail(f"cannot write {output}: {e.strerror or e}")
    if fail_on is None:
        fail_on = (result.config.fail_on if result.config is not None else None) or "error"
    code = _exit_code(result.diagnostics, fail_on)
    if code:
        threshold = {"error": 3, "warning": 2, "info": 1}[fail_on]
        failing = [d for d in result.diagnostics if d.severity.rank >= threshold]
        counts = render.summary(failing, len(result.designs), result.file_count).rstrip("\n")
        _echo(
            f"the design rules report {counts}, at or above --fail-on {fail_on}; `designc check` lists them\n", err=True
        )
    sys.exit(code)


@main.command("rules")
@click.option("--coverage", is_flag=True, help="Show which published best practices the rules cover.")
@click.option("--format", "-f", "fmt", type=click.Choice(("text", "markdown", "json")), default="text")
def rules_cmd(coverage: bool, fmt: str) -> None:
    """List the design rules, or (with --coverage) the best practices they enforce."""
    import json

    from .analysis.practices import coverage as practice_coverage
    from .analysis.rule import all_rules

    rules = all_rules()
    if not coverage:
        rows = [(code, r.severity.value, r.name, r.summary) for code, r in rules.items()]
        if fmt == "json":
            _echo(
                json.dumps([dict(zip(("code", "severity", "name", "summary"), x, strict=True)) for x in rows], indent=2)
                + "\n"
            )
        elif fmt == "markdown":
            lines = ["| code | severity | name | what it finds |", "|---|---|---|---|"]
            lines += [f"| `{c}` | {sev} | `{n}` | {summ} |" for c, sev, n, summ in rows]
            _echo("\n".join(lines) + "\n")
        else:
            width = max(len(n) for _, _, n, _ in rows)
            _echo("".join(f"{c}  {sev:<7}  {n:<{width}}  {summ}\n" for c, sev, n, summ in rows))
        return
    table = practice_coverage(rules)
    if fmt == "json":
        _echo(
            json.dumps(
                [
                    {"practice": p.id, "title": p.title, "class": p.cls, "source": p.source, "rules": codes}
                    for p, codes in table
                ],
                indent=2,
            )
            + "\n"
        )
        return
    lines = []
    if fmt == "markdown":
        lines += ["| practice | class | source | rules |", "|---|---|---|---|"]
        lines += [f"| {p.id} {p.title} | {p.cls} | {p.source} | {', '.join(codes) or '-'} |" for p, codes in table]
    else:
        for p, codes in table:
            lines.append(f"{p.id:<16} {p.cls}  {(p.title)[:44]:<44}  {', '.join(codes) or '-'}")
    summary = []
    for source in dict.fromkeys(p.source for p, _ in table):
        for cls in ("C", "P"):
            items = [(p, c) for p, c in table if p.source == source and p.cls == cls]
            if items:
                covered = sum(1 for _, c in items if c)
                summary.append(
                    f"{source}: {covered} of {len(items)} {'checkable' if cls == 'C' else 'partly checkable'}"
                )
    _echo("\n".join(lines) + "\n\n" + "\n".join(summary) + "\n")


@main.command("explain")
@click.argument("code")
def explain_cmd(code: str) -> None:
    """Explain a diagnostic code or a rule, e.g. `designc explain SPOF001`."""
    from .analysis.rule import all_rules
    from .diagnostics import REGISTRY
    from .values import suggest

    rules = all_rules()
    r = rules.get(code.upper())
    if r is not None:
        practices = f"\nEnforces: {', '.join(r.practices)}\n" if r.practices else ""
        _echo(f"{r.code} ({r.name}, {r.severity.value} by default)\n\n{r.doc}\n{practices}")
        return

    info = REGISTRY.get(code.upper())
    if info is None:
        close = suggest(code.upper(), list(REGISTRY))
        _fail(f"no diagnostic has the code {code}" + (f"; did you mean {close}?" if close else ""))
    assert info is not None
    _echo(f"{info.code}: {info.title} ({info.severity.value} by default)\n\n{info.explanation}\n")


if __name__ == "__main__":  # pragma: no cover
    main()
