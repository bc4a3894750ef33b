"""What the infrastructure scaffolds (`kubernetes`, `terraform`, `slo`) share: the documented defaults for what a
design leaves out, names every ecosystem accepts, the header each generated file starts with, and YAML output.

The defaults live here, once, so that the Kubernetes manifests and the Terraform agree on a service's ports or a
store's disk, and the README documents the same figures (`designc reference` shows them on each statement).
"""

from __future__ import annotations

import functools
import re
from typing import Any

GIB = 1024**3
MIB = 1024**2

DEFAULT_CPU = (0.25, 1.0)  # cores: request, limit
DEFAULT_MEMORY = (256 * MIB, 512 * MIB)  # bytes: request, limit
DEFAULT_SIZE_CLASS = "small"
MIN_STORAGE = 20 * GIB
DEFAULT_BROKER_STORAGE = 100 * GIB


@functools.lru_cache(maxsize=65536)
def dns_name(name: str, limit: int = 63) -> str:
    """A DNS-1123 label (Kubernetes names, hostnames): lower case, `-` for `_`, at most ``limit`` characters."""
    out = re.sub(r"[^a-z0-9-]+", "-", name.lower().replace("_", "-")).strip("-") or "x"
    if len(out) > limit:
        import hashlib

        digest = hashlib.sha256(name.encode()).hexdigest()[:6]
        out = out[: limit - 7].rstrip("-") + "-" + digest
    return out


def ports(service: Any, inbound: list[str | None] | None = None) -> list[tuple[str, int, str]]:
    """(name, number, protocol) of each port a service listens on; `http 8080`, or `grpc 9090` for a gRPC
    service (its `protocol`, else the protocol every call to it names: ``inbound``), when the design states
    none."""
    if service.ports:
        return [(p.name, p.number, p.protocol) for p in service.ports]
    if speaks_grpc(service, inbound):
        return [("grpc", 9090, "tcp")]
    return [("http", 8080, "tcp")]


def speaks_grpc(service: Any, inbound: list[str | None] | None = None) -> bool:
    """A service callers reach over gRPC: its `protocol`, else every port it states is named `grpc`, else every
    call to it says grpc."""
    if service.protocol:
        return service.protocol.lower() == "grpc"
    named = [p for p in service.ports if p.name not in ("metrics", "admin", "health", "debug")]
    if named:
        return all(p.name == "grpc" for p in named)
    return bool(inbound) and len(set(inbound or [])) == 1 and (inbound or [""])[0] == "grpc"


def split_image(image: str) -> tuple[str, str | None, str | None]:
    """An image reference as (name, tag, digest): `ghcr.io/a/b:1.2` is (`ghcr.io/a/b`, `1.2`, None)."""
    name, digest = image.split("@", 1) if "@" in image else (image, None)
    tag = None
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        name, tag = name.rsplit(":", 1)
    return name, tag, digest


# what a self-hosted engine gets per size class: (cpu request, limit in cores), (memory request, limit in bytes)
ENGINE_RESOURCES: dict[str, tuple[tuple[float, float], tuple[int, int]]] = {
    "small": ((0.5, 1.0), (1 * GIB, 2 * GIB)),
    "medium": ((1.0, 2.0), (4 * GIB, 8 * GIB)),
    "large": ((2.0, 4.0), (8 * GIB, 16 * GIB)),
    "xlarge": ((4.0, 8.0), (16 * GIB, 32 * GIB)),
    "xxlarge": ((8.0, 16.0), (32 * GIB, 64 * GIB)),
}


def engine_resources(component: Any) -> tuple[tuple[float, float], tuple[int, int]]:
    """A self-hosted store's resources: from its size class, with room for a cache's `max_memory` (its limit
    a quarter above it)."""
    cpu, (mem_req, mem_lim) = ENGINE_RESOURCES[size_class(component)]
    most = getattr(component, "max_memory", None)
    if most:
        need = int(most * 1.25)
        mem_req, mem_lim = max(mem_req, int(most)), max(mem_lim, need)
    return cpu, (mem_req, mem_lim)


def resources(service: Any) -> tuple[tuple[float, float], tuple[int, int]]:
    """((cpu request, limit) in cores, (memory request, limit) in bytes), defaults filled in."""
    r = service.resources
    cpu = (r.cpu.request, r.cpu.limit) if r is not None and r.cpu is not None else DEFAULT_CPU
    mem = (r.memory.request, r.memory.limit) if r is not None and r.memory is not None else DEFAULT_MEMORY
    return cpu, mem


def size_class(component: Any) -> str:
    return getattr(component, "size_class", None) or DEFAULT_SIZE_CLASS


def storage(component: Any) -> int:
    """Provisioned disk per copy in bytes: `storage`, else twice `size` (at least 20GiB), else 20GiB; a stream's
    broker 100GiB."""
    stated = getattr(component, "storage", None)
    if stated:
        return int(stated)
    if component.kind == "stream":
        return DEFAULT_BROKER_STORAGE
    size = getattr(component, "size", None)
    return max(MIN_STORAGE, 2 * int(size)) if size else MIN_STORAGE


def gib(n: int) -> int:
    """Whole GiB, rounded up."""
    return max(1, -(-int(n) // GIB))


def cpu_quantity(cores: float) -> str:
    """A Kubernetes CPU quantity: `250m`, `2`."""
    milli = round(cores * 1000)
    return str(milli // 1000) if milli % 1000 == 0 else f"{milli}m"


def memory_quantity(n: int) -> str:
    """A Kubernetes memory quantity in the largest binary unit that divides it: `512Mi`, `1Gi`."""
    for unit, size in (("Ti", 1024**4), ("Gi", GIB), ("Mi", MIB), ("Ki", 1024)):
        if n and n % size == 0:
            return f"{n // size}{unit}"
    return str(int(n))


def source_file(build: Any, element: Any) -> str:
    """The design file an element is written in (no line: a line moved by an edit elsewhere would change every
    generated file)."""
    span = getattr(element, "span", None)
    if span is None:
        return (build.model.files or ["the design"])[0]
    return span.file


def header(build: Any, element: Any | None, what: str, comment: str = "#") -> str:
    """The comment each generated file starts with: which design and element it comes from, and that the design,
    not the file, is where changes go. ``comment`` is the line comment (`#`), or `<!--` for Markdown."""
    system = build.model.system
    where = source_file(build, element if element is not None else system)
    lines = [
        f"Generated by designc from {where} ({what}).",
        "Edit the design and run `designc build` again; changes made here are overwritten.",
    ]
    if comment == "<!--":
        return "<!-- " + " ".join(lines) + " -->\n"
    return "".join(f"{comment} {line}\n" for line in lines)


def rate(per_second: float) -> str:
    """`100 rps`, `0.5 rps`."""
    return f"{per_second:g} rps"


_PLAIN = re.compile(r"[A-Za-z_/][A-Za-z0-9_./:-]*(?<!:)\Z")  # a `:` is plain unless a space or the end follows
# words YAML 1.1 readers (PyYAML, kubectl's, Prometheus') take for booleans or null when unquoted
_RESERVED = frozenset(["y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"])
# what YAML does not allow raw, or reads as a line break: escaped even in a quoted string
_UNPRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]")
_TEXTS: dict[str, str] = {}  # a large design repeats the same keys and labels a million times


def _text(text: str) -> str:
    out = _TEXTS.get(text)
    if out is None:
        if _PLAIN.match(text) and text.lower() not in _RESERVED:
            out = text
        elif text.isprintable() and not _UNPRINTABLE.search(text):
            out = "'" + text.replace("'", "''") + "'"  # single quotes: nothing is escaped but the quote itself
        else:
            import json

            out = _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False))
        if len(_TEXTS) < 200_000:
            _TEXTS[text] = out
    return out


def _scalar(value: Any) -> str:
    if type(value) is str:
        return _text(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = repr(value)  # `1e+16` has no dot, and YAML 1.1 reads that as a string
        return text if "." in text or "e" not in text else text.replace("e", ".0e", 1)
    return _text(str(value))


def _block_text(text: str, indent: str) -> str | None:
    """A multi-line string as a literal block (`|`), when it can be one exactly."""
    lines = text.split("\n")
    if (
        text.startswith((" ", "\t"))
        or _UNPRINTABLE.search(text)
        or any(line != line.rstrip() or not line.isprintable() for line in lines)
    ):
        return None
    if text.endswith("\n"):
        lines, head = lines[:-1], "|"
        if lines and lines[-1] == "":
            return None  # several trailing line ends need `|+`; quote instead
    else:
        head = "|-"
    return head + "".join(f"\n{indent}{line}" if line else "\n" for line in lines)


def _emit(value: Any, indent: str, out: list[str], first: str | None = None) -> None:
    """Append ``value`` (a non-empty mapping or list) in block style at ``indent``; its first line starts with
    ``first`` instead (`- ` of the list holding it)."""
    lead = indent if first is None else first
    deeper = indent + "  "
    if type(value) is dict:
        for key, item in value.items():
            k = _scalar(key)
            t = type(item)
            if t is dict and item:
                out.append(f"{lead}{k}:\n")
                _emit(item, deeper, out)
            elif (t is list or t is tuple) and item:
                out.append(f"{lead}{k}:\n")
                _emit(item, indent, out)
            else:
                out.append(f"{lead}{k}: {_leaf(item, deeper)}\n")
            lead = indent
    else:
        for item in value:
            t = type(item)
            if (t is dict or t is list or t is tuple) and item:
                _emit(item, deeper, out, f"{lead}- ")
            else:
                out.append(f"{lead}- {_leaf(item, deeper)}\n")
            lead = indent


def _leaf(value: Any, indent: str) -> str:
    t = type(value)
    if t is str:
        if "\n" in value:
            block = _block_text(value, indent)
            if block is not None:
                return block
        return _text(value)
    if t is dict:
        return "{}"
    if t is list or t is tuple:
        return "[]"
    return _scalar(value)


def yaml_text(document: dict[str, Any]) -> str:
    """One YAML document in block style, keys in the order given: deterministic, and about twenty times faster
    than PyYAML's emitter on a large design. Strings are plain only when no YAML reader can take them for
    anything else; otherwise single-quoted (PromQL reads as written), or double-quoted with JSON's escapes (which
    are YAML's) when they hold a line end or a character YAML does not take raw."""
    out: list[str] = []
    _emit(document, "", out)
    return "".join(out)


def yaml_documents(docs: list[dict[str, Any]]) -> str:
    """YAML documents separated by `---`, keys in the order given, deterministic."""
    return "---\n".join(yaml_text(d) for d in docs)


# Self-hosted engines (run on Kubernetes as a StatefulSet): the image a scaffold starts from, the port clients use,
# and where the data lives in the container. A design names the engine (`engine cassandra`); the image can be
# changed in the kustomization like any other.
ENGINES: dict[str, tuple[str, int, str]] = {
    "postgres": ("postgres:17", 5432, "/var/lib/postgresql/data"),
    "mysql": ("mysql:8.4", 3306, "/var/lib/mysql"),
    "cassandra": ("cassandra:5.0", 9042, "/var/lib/cassandra"),
    "mongodb": ("mongo:8.0", 27017, "/data/db"),
    "redis": ("redis:7.4", 6379, "/data"),
    "memcached": ("memcached:1.6", 11211, "/data"),
    "kafka": ("apache/kafka:3.9.0", 9092, "/var/lib/kafka/data"),
    "rabbitmq": ("rabbitmq:4.0", 5672, "/var/lib/rabbitmq"),
    "elasticsearch": ("elasticsearch:8.15.0", 9200, "/usr/share/elasticsearch/data"),
}
GENERIC_ENGINE = ("", 8080, "/data")

# The port a protocol usually listens on, for a dependency outside the cluster.
PROTOCOL_PORTS = {
    "https": 443,
    "http": 80,
    "grpc": 443,
    "sql": 5432,
    "postgres": 5432,
    "mysql": 3306,
    "resp": 6379,
    "redis": 6379,
    "kafka": 9094,
    "amqp": 5671,
    "cql": 9042,
}
ENGINE_PORTS = {"dynamodb": 443, "s3": 443, "sqs": 443, "kinesis": 443, **{k: v[1] for k, v in ENGINES.items()}}


def self_hosted(component: Any) -> bool:
    """A store, stream, queue or cache that no provider runs for the team: it runs on Kubernetes (a StatefulSet);
    a managed one (`managed aws`) is the `terraform` target's."""
    return component.kind in ("store", "stream", "queue", "cache") and not component.managed


def duration(seconds: float) -> str:
    """`200ms`, `5s`, `10m`: the shortest exact form."""
    ms = round(seconds * 1000)
    if ms % 1000:
        return f"{ms}ms"
    s = ms // 1000
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if s and s % size == 0:
            return f"{s // size}{unit}"
    return f"{s}s"


def zone_name(region: str, zone: str, provider: str | None = None) -> str:
    """A design's zone as the cloud names it: on AWS (the default) `us_east_1` and `a` give `us-east-1a`; on GCP
    and Azure `europe_west1` and `b` give `europe-west1-b`; a zone that is already a full name is kept."""
    r = region.replace("_", "-")
    if zone.startswith(r):
        return zone
    if len(zone) == 1 and (provider or "aws") == "aws":
        return f"{r}{zone}"
    return f"{r}-{zone}"
