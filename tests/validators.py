"""Check generated artefacts with the validators their ecosystems trust (see /work/shared/validators.md).

Helpers for the target tests; this module is not a test file itself.

- `require(tool, why)`: a missing validator skips the test, but fails it when `DESIGNC_CI` is set.
- `mermaid_errors(paths)`: Mermaid's own parser (npm `mermaid` under Node, DOM from `jsdom`).
- `markdown_problems(text, folder)`: markdown-it-py (CommonMark + GFM tables): anchors, links, tables, fences.
- `svg_problems(data)`: well-formed XML with an SVG root.
- `browser_page()`: Debian's chromium through playwright, offline, with console and page errors collected.
- `dot_available()`: Graphviz's `dot` on PATH.

Mermaid, as installed here (mermaid 11.17.2, jsdom 29.1.1, Node 20): `npm install` takes about 13 s the first
time (then cached; pytest workers wait on a lock), and one node process parsing a batch of files about 1.5-2 s,
nearly all of it start-up.
What `mermaid.parse` says about flowchart syntax:

- accepted: `flowchart LR` (and `graph LR`), `subgraph id["title"] ... end`, `direction TB` inside a subgraph,
  `A["label"]`, `A[("db")]`, `A{"x"}`, `-->`, `-.->`, `==>`, `A -- "text" --> B`, `A -->|"text"| B`,
  `classDef name fill:#eef,stroke:#333`, `class A,B name`, `A:::name`, `style A fill:#f9f`, `linkStyle 0 ...`,
  `click A "#anchor" "tooltip"`, `click A href "https://..." _blank`, `click A call cb()`, `%% comments`,
  `%%{init: ...}%%`, YAML front matter, `A@{ shape: cyl, label: "db" }`, CRLF line ends.
- quoted labels may hold `[ ] ( ) { } | ; # & < >` and backticks; unquoted labels may not hold brackets or
  parentheses (`A[list[0]]`, `A[a (b)]` and `-->|retry[3]|` are parse errors).
- a `"` inside a quoted label is NOT an error, it is silently dropped (`A["say "hi""]` gives the label `say hi`):
  write `#quot;` (or `#34;`) instead. Mermaid's entity codes are `#name;` / `#NN;`, so `#word;` in a label is an
  entity (`A["a #b; c"]` becomes `a &b; c`): write `#35;` for such a `#`.
  A plain `#` (`A["item #1"]`, even unquoted) is fine.
- in a click tooltip, `\\"` is a parse error; `#quot;` is accepted.
- `A[""]` (empty label) is a parse error; `A[" "]` is accepted.
- reserved node ids (parse errors): `end`, `graph`, `flowchart`, `subgraph`, `style`, `class`, `classDef`,
  `linkStyle` (also as an edge target: `A --> end`). Accepted: `End`, `END`, `endpoint`, `end_x`, `style_x`,
  `class1`, `graph1`, `click`, `call`, `href`, `default`, `direction`, digits only (`1`), `my-api`, `my.api`,
  `a:b`, non-ASCII letters. `subgraph end["x"]` is (oddly) accepted.
- `A---oB` is an edge to `B` with a circle end, and `A---xray` an edge to `ray` with a cross end: keep spaces
  around arrows when an id starts with `o` or `x`.
- parse does not check references: `class A nosuch` (an undefined class) and edges to undeclared nodes pass.
- an empty text fails with "No diagram type detected".
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import unquote, urlsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

HERE = Path(__file__).resolve().parent

# ---------------------------------------------------------------------------------------------- missing tools


def in_ci() -> bool:
    """CI sets DESIGNC_CI (see .ci/run): there every validator must be present."""
    return bool(os.environ.get("DESIGNC_CI"))


def require(tool: str, why: str) -> NoReturn:
    """Give up on a test because `tool` is missing: a skip on a developer's machine, a failure in CI."""
    reason = f"{tool} is not available: {why}"
    if in_ci():
        pytest.fail(f"{reason} (DESIGNC_CI is set: a missing validator is a failure; .ci/run installs it)")
    pytest.skip(reason)


def dot_available() -> bool:
    """Graphviz's `dot` is on PATH."""
    return shutil.which("dot") is not None


# ---------------------------------------------------------------------------------------------- Mermaid

MERMAID_PACKAGES = ("mermaid@11.17.2", "jsdom@29.1.1")
MERMAID_SCRIPT = HERE / "mermaid_parse.mjs"
MIN_NODE = (20, 19)  # jsdom 29 needs Node ^20.19 || ^22.13 || >=24


def cache_dir() -> Path:
    """Where the tests keep what they download: $DESIGNC_TEST_CACHE, else ~/.cache/designc-tests."""
    if os.environ.get("DESIGNC_TEST_CACHE"):
        return Path(os.environ["DESIGNC_TEST_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "designc-tests"


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock between processes (pytest-xdist workers); a no-op where fcntl does not exist."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _node_version(node: str) -> tuple[int, ...]:
    out = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=60).stdout.strip()
    return tuple(int(part) for part in re.findall(r"\d+", out)[:3])


def _package_names() -> list[str]:
    return [spec.rsplit("@", 1)[0] for spec in MERMAID_PACKAGES]


def mermaid_node_dir() -> Path:
    """The folder holding `node_modules/{mermaid,jsdom}`: installed once, under a lock, redone if incomplete."""
    npm = shutil.which("npm")
    if npm is None:
        require("npm", "Mermaid files are checked with the npm package `mermaid`")
    folder = cache_dir() / "node"
    marker = folder / "designc-installed.json"
    wanted = json.dumps(list(MERMAID_PACKAGES))
    with _file_lock(cache_dir() / "node.lock"):
        complete = (
            marker.is_file()
            and marker.read_text(encoding="utf-8") == wanted
            and all((folder / "node_modules" / name / "package.json").is_file() for name in _package_names())
        )
        if not complete:
            # start again from nothing: a half-done install (interrupted, or other versions) is not trusted
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            (folder / "package.json").write_text('{"private": true}\n', encoding="utf-8")
            try:
                done = subprocess.run(
                    [npm, "install", "--no-audit", "--no-fund", "--loglevel=error", *MERMAID_PACKAGES],
                    cwd=folder,
                    capture_output=True,
                    text=True,
                    timeout=900,
                )
            except subprocess.TimeoutExpired:
                require("mermaid (npm)", f"`npm install {' '.join(MERMAID_PACKAGES)}` timed out in {folder}")
            if done.returncode != 0:
                require(
                    "mermaid (npm)",
                    f"`npm install {' '.join(MERMAID_PACKAGES)}` failed in {folder}:\n{done.stderr[-3000:]}",
                )
            marker.write_text(wanted, encoding="utf-8")
    return folder


def mermaid_errors(paths: list[Path]) -> dict[str, str]:
    """Parse `.mmd` files with `mermaid.parse`, all in one node process; return {file: error} for those that fail.

    The keys are `str(path)` of the paths given. A missing node or npm is `require`d (skip, or failure in CI).
    """
    if not paths:
        return {}
    node = shutil.which("node")
    if node is None:
        require("node", "Mermaid files are checked with Mermaid's own parser under Node")
    if _node_version(node) < MIN_NODE:
        require(f"node >= {'.'.join(map(str, MIN_NODE))}", f"{MERMAID_PACKAGES[1]} needs it; found {node}")
    folder = mermaid_node_dir()
    names = [str(p) for p in paths]
    done = subprocess.run(
        [node, str(MERMAID_SCRIPT), str(folder)],
        input=json.dumps([str(Path(p).resolve()) for p in paths]),
        capture_output=True,
        text=True,
        timeout=600,
    )
    try:
        results: dict[str, str | None] = json.loads(done.stdout)
    except json.JSONDecodeError:
        raise AssertionError(
            f"{MERMAID_SCRIPT.name} did not answer with JSON (exit {done.returncode}):\n"
            f"stdout: {done.stdout[-2000:]}\nstderr: {done.stderr[-3000:]}"
        ) from None
    errors: dict[str, str] = {}
    for name, path in zip(names, paths, strict=True):
        error = results.get(str(Path(path).resolve()), "not parsed")
        if error is not None:
            errors[name] = error
    return errors


# ---------------------------------------------------------------------------------------------- Markdown


def github_slug(text: str) -> str:
    """A heading's anchor as GitHub makes it (github-slugger), before de-duplication."""
    text = text.lower()
    text = re.sub(r"[^\w\- ]", "", text)  # drop punctuation; letters, digits, `_`, `-` and spaces stay
    return text.replace(" ", "-")


class _Slugger:
    """github-slugger: a repeated anchor gets -1, -2 ... (skipping any already taken)."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def slug(self, text: str) -> str:
        base = result = github_slug(text)
        while result in self.seen:
            self.seen[base] += 1
            result = f"{base}-{self.seen[base]}"
        self.seen[result] = 0
        return result


def _markdown_parser() -> Any:
    try:
        from markdown_it import MarkdownIt
    except ImportError:
        require("markdown-it-py", "Markdown is checked with markdown-it-py (pip, in the test extra)")
    return MarkdownIt("commonmark").enable("table")


def _walk(tokens: list[Any]) -> Iterator[Any]:
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


def _heading_text(inline: Any) -> str:
    """The text GitHub slugs: text and inline code content; no markup, no raw HTML, no image alt text."""
    parts: list[str] = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


_HTML_ID = re.compile(r"""<a\s[^>]*?\b(?:id|name)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


def markdown_anchors(text: str) -> set[str]:
    """Every anchor a `#fragment` link may target: GitHub-style heading anchors and `<a id|name="...">`."""
    tokens = _markdown_parser().parse(text)
    slugger = _Slugger()
    anchors: set[str] = set()
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            anchors.add(slugger.slug(_heading_text(tokens[i + 1])))
    for token in _walk(tokens):
        if token.type in ("html_inline", "html_block"):
            anchors.update(_HTML_ID.findall(token.content))
    return anchors


def _cells(line: str) -> int:
    """How many cells a GFM table row has: split on unescaped pipes, not counting a leading or trailing one."""
    row = _strip_container(line).strip()
    parts = re.split(r"(?<!\\)\|", row)
    if parts and parts[0].strip() == "":
        parts = parts[1:]
    if parts and parts[-1].strip() == "" and re.search(r"(?<!\\)\|$", row):
        parts = parts[:-1]
    return len(parts)


def _is_table_looking(line: str) -> bool:
    return _strip_container(line).startswith("|")


def markdown_problems(text: str, folder: Path | None = None) -> list[str]:
    """What is wrong with a Markdown document, as readable sentences (empty when nothing is).

    Parsed with markdown-it-py (CommonMark, plus GFM tables). Reports:
    - `#anchor` links that match no heading anchor (GitHub style: lowercase, punctuation but `-`/`_` dropped,
      spaces to `-`, repeats get `-1`, `-2` ...; inline code text counts) nor an `<a id|name="...">`;
    - relative links and images to files missing under `folder` (when given), and `file.md#anchor` links whose
      anchor that Markdown file lacks; absolute paths (`/x`) and empty links; http(s), mailto and other
      `scheme:` links are not checked;
    - table rows whose cell count differs from their header's (GFM pads or cuts them silently);
    - lines starting with `|` outside code that did not become part of a table (a table that failed to parse,
      e.g. a header and delimiter row with different cell counts);
    - a fenced code block that is never closed (it swallows the rest of the document).
    """
    tokens = _markdown_parser().parse(text)
    lines = text.splitlines()
    problems: list[str] = []
    anchors = markdown_anchors(text)

    def line_of(token: Any) -> str:
        return f"line {token.map[0] + 1}" if token.map else "somewhere"

    # links and images; inline tokens carry the block's line, their children have no map of their own
    for block in tokens:
        if block.type != "inline":
            continue
        for child in _walk(block.children or []):
            if child.type == "link_open":
                target = str(child.attrGet("href") or "")
                kind = "link"
            elif child.type == "image":
                target = str(child.attrGet("src") or "")
                kind = "image"
            else:
                continue
            problem = _link_problem(target, kind, anchors, folder)
            if problem:
                problems.append(f"{line_of(block)}: {problem}")

    # tables: each parsed table's rows against its header; table-looking lines outside any table
    covered: set[int] = set()
    for token in tokens:
        if token.map is None:
            continue
        if token.type in ("fence", "code_block", "html_block"):
            covered.update(range(*token.map))
        if token.type == "table_open":
            start, end = token.map
            covered.update(range(start, end))
            header = _cells(lines[start])
            for n in range(start + 2, end):
                if lines[n].strip() and _cells(lines[n]) != header:
                    problems.append(
                        f"line {n + 1}: table row has {_cells(lines[n])} cells, its header has {header}: {lines[n]!r}"
                    )
            delimiter = _cells(lines[start + 1]) if start + 1 < end else header
            if delimiter != header:  # pragma: no cover - GFM does not make a table of these
                problems.append(f"line {start + 2}: table delimiter row has {delimiter} cells, header {header}")
    for n, line in enumerate(lines):
        if n not in covered and _is_table_looking(line):
            problems.append(f"line {n + 1}: looks like a table row but is not part of a table: {line!r}")

    # fences that run to the end of their container: markdown-it ends the token's map on the closing line
    for token in tokens:
        if token.type == "fence" and token.map:
            start, end = token.map
            last = _strip_container(lines[end - 1]).strip() if end - 1 > start else ""
            if not (len(last) >= len(token.markup) and set(last) == {token.markup[0]}):
                problems.append(f"{line_of(token)}: code fence {token.markup!r} is never closed")
    return problems


def _strip_container(line: str) -> str:
    """A line without its indentation and blockquote markers."""
    return re.sub(r"^\s*(?:>\s?)*", "", line)


def _link_problem(target: str, kind: str, anchors: set[str], folder: Path | None) -> str | None:
    if not target:
        return f"empty {kind} target"
    parts = urlsplit(target)
    if parts.scheme:  # http, https, mailto and any other scheme: not checked here
        return None
    if target.startswith("#"):
        fragment = unquote(target[1:])
        if fragment not in anchors:
            return f"{kind} to #{fragment}: no heading has that anchor (anchors: {sorted(anchors)})"
        return None
    path = unquote(parts.path)
    if path.startswith("/"):
        return f"{kind} to {target}: an absolute path, not relative to the document"
    if folder is None:
        return None
    file = folder / path
    if not file.exists():
        return f"{kind} to {target}: {path} does not exist under {folder}"
    if parts.fragment and file.is_file() and file.suffix.lower() in (".md", ".markdown"):
        fragment = unquote(parts.fragment)
        if fragment not in markdown_anchors(file.read_text(encoding="utf-8")):
            return f"{kind} to {target}: {path} has no heading with the anchor #{fragment}"
    return None


# ---------------------------------------------------------------------------------------------- SVG

SVG_NAMESPACE = "http://www.w3.org/2000/svg"


def svg_problems(data: bytes) -> list[str]:
    """What is wrong with an SVG file: not well-formed XML, or a root that is not `<svg>` in the SVG namespace."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as err:
        return [f"not well-formed XML: {err}"]
    if root.tag == f"{{{SVG_NAMESPACE}}}svg":
        return []
    if root.tag == "svg":
        return [f"<svg> root without xmlns={SVG_NAMESPACE!r}: browsers will not render the file as SVG"]
    return [f"the root element is {root.tag!r}, not <svg>"]


# ---------------------------------------------------------------------------------------------- browser

CHROMIUM = os.environ.get("DESIGNC_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
LOCAL_SCHEMES = ("file:", "data:")


@contextlib.contextmanager
def browser_page() -> Iterator[Page]:
    """A playwright page in Debian's chromium that may not touch the network.

    The page gets two list attributes the test asserts on:
    - `page.errors`: console messages of type error (`console: ...`) and uncaught exceptions (`pageerror: ...`);
      a blocked request also shows up here, as chromium logs its failed load as a console error;
    - `page.blocked`: URLs of requests (and web sockets) that were aborted because they were not file:// or data:.
    Service workers are blocked. Missing playwright or chromium is `require`d (skip, or failure in CI).
    """
    if importlib.util.find_spec("playwright") is None:
        require("playwright", "HTML is checked in a real browser through playwright (pip, in the test extra)")
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        require("chromium", f"HTML is checked in Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(service_workers="block")
            errors: list[str] = []
            blocked: list[str] = []

            def route(route: Any) -> None:
                url = route.request.url
                if url.startswith(LOCAL_SCHEMES):
                    route.continue_()
                else:
                    blocked.append(url)
                    route.abort("blockedbyclient")

            def web_socket(ws: Any) -> None:
                blocked.append(ws.url)
                ws.close()

            context.route(_always, route)
            if hasattr(context, "route_web_socket"):
                context.route_web_socket(_always, web_socket)
            page = context.new_page()
            page.on("console", lambda msg: errors.append(f"console: {msg.text}") if msg.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
            page.errors = errors  # type: ignore[attr-defined]
            page.blocked = blocked  # type: ignore[attr-defined]
            yield page
        finally:
            browser.close()


def _always(url: str) -> bool:
    return True


# ---------------------------------------------------------------------------------------------- scaffolds

KUBERNETES_VERSION = "1.34.0"  # a current release (kubernetes-validate 1.37 ships schemas up to 1.37)
SKIPS_FILE = HERE / "checkov-skips.yaml"


def kubernetes_problems(paths: list[Path]) -> list[str]:
    """`kubernetes-validate --strict` on each file: the lines that are not a pass, empty when all pass."""
    exe = shutil.which("kubernetes-validate")
    if exe is None:
        require("kubernetes-validate", "Kubernetes manifests are checked against the API's schemas (test extras)")
    r = subprocess.run(
        [exe, "--strict", "--quiet", "-k", KUBERNETES_VERSION, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    lines = [line for line in (r.stdout + r.stderr).splitlines() if line.strip()]
    if r.returncode != 0 and not lines:
        lines = [f"kubernetes-validate exited {r.returncode}"]
    return lines


def checkov_binary() -> str:
    """checkov lives in its own virtual environment (it pins its own dependencies): $DESIGNC_CHECKOV, else the
    one `.ci/run` installs under the test cache, else /opt/checkov-venv, else `checkov` on PATH."""
    candidates = [
        os.environ.get("DESIGNC_CHECKOV", ""),
        str(cache_dir() / "checkov" / "bin" / "checkov"),
        "/opt/checkov-venv/bin/checkov",
        shutil.which("checkov") or "",
    ]
    for c in candidates:
        if c and os.access(c, os.X_OK):
            return c
    require("checkov", "scaffolds are checked with checkov, in its own venv (.ci/run installs it)")


def checkov_skips(framework: str) -> dict[str, str]:
    """The checks a scaffold cannot pass, each with its reason, from tests/checkov-skips.yaml."""
    import yaml

    data = yaml.safe_load(SKIPS_FILE.read_text(encoding="utf-8")) if SKIPS_FILE.is_file() else {}
    return {entry["id"]: entry["reason"] for entry in (data or {}).get(framework, [])}


def checkov_failures(folder: Path, framework: str) -> tuple[list[str], dict[str, Any]]:
    """checkov's failed checks on a folder (skips from tests/checkov-skips.yaml applied), as readable lines, and
    its summary."""
    cmd = [checkov_binary(), "-d", str(folder), "--framework", framework, "--compact", "--quiet"]
    cmd += ["--skip-download", "-o", "json"]
    skips = checkov_skips(framework)
    if skips:
        cmd += ["--skip-check", ",".join(sorted(skips))]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=900, env={**os.environ, "LOG_LEVEL": "ERROR"})
    try:
        data = json.loads(r.stdout)
    except json.JSONDecodeError:
        return [f"checkov gave no JSON (exit {r.returncode}): {r.stderr[-2000:]}"], {}
    reports = data if isinstance(data, list) else [data]
    failures: list[str] = []
    summary: dict[str, Any] = {}
    for report in reports:
        if "results" not in report:  # an empty folder: {"passed": 0, ...}
            continue
        summary = report.get("summary", {})
        for f in report["results"].get("failed_checks", []):
            failures.append(f"{f['check_id']} {f['check_name']}: {f.get('resource')} in {f.get('file_path')}")
    if summary.get("parsing_errors"):
        failures.append(f"checkov could not parse {summary['parsing_errors']} file(s)")
    return sorted(failures), summary
