"""The language's vocabulary: which statements each block accepts, what values they take, and where they land
in the model.

The grammar knows only ``KEY VALUE* [{ ... }]``; this table gives each key its meaning. Adding a property to the
language means adding a line here (and a field to the model). The README's language reference is generated
from this table by ``designc reference``, so the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .values import (
    Between,
    Bool,
    CallOf,
    Choice,
    Duration,
    Enum,
    Form,
    Int,
    Kw,
    ListOf,
    Number,
    Opt,
    Percent,
    Rate,
    Ref,
    Size,
    Slot,
    Text,
    Word,
)

COMPONENT_KINDS = ("service", "store", "stream", "queue", "cache", "external", "client")
ANY_COMPONENT = COMPONENT_KINDS


class Prop:
    """One statement a block accepts.

    ``sig`` is the values it takes, in order; ``build`` turns the converted values (and the nested block's
    fields, as ``block=``) into the model value stored under ``field``. A ``repeat`` statement may appear several
    times and collects a list; ``key_arity`` values make its identity (``latency p99`` vs ``latency p50``).
    """

    __slots__ = ("block", "build", "doc", "example", "field", "key", "key_arity", "repeat", "sig")

    def __init__(
        self,
        key: str,
        sig: list[Slot],
        doc: str,
        *,
        example: str,
        field: str | None = None,
        build: Callable[..., Any] | None = None,
        repeat: bool = False,
        key_arity: int = 1,
        block: BlockSpec | None = None,
    ) -> None:
        self.key = key
        self.sig = sig
        self.doc = doc
        self.example = example
        self.field = field or key
        self.build = build
        self.repeat = repeat
        self.key_arity = key_arity
        self.block = block


class BlockSpec:
    """The statements a kind of block accepts. ``free`` blocks (``properties``) take any key and one value."""

    def __init__(self, name: str, props: list[Prop], doc: str = "", free: bool = False) -> None:
        self.name = name
        self.props = {p.key: p for p in props}
        self.doc = doc
        self.free = free

    def extend(self, name: str, props: list[Prop], doc: str = "") -> BlockSpec:
        return BlockSpec(name, [*self.props.values(), *props], doc)


def P(key: str, *sig: Slot, doc: str, ex: str, **kw: Any) -> Prop:
    return Prop(key, list(sig), doc, example=ex, **kw)


def _first(*v: Any, block: dict[str, Any] | None = None) -> Any:
    return v[0]


PERCENTILE = Enum("p50", "p90", "p95", "p99", "p999", "max", what="a percentile such as `p99`")
DATA_CLASSES = (
    "public",
    "internal",
    "confidential",
    "restricted",
    "pii",
    "pci",
    "phi",
    "financial",
    "secret",
)
DATA = ListOf(Enum(*DATA_CLASSES, what=f"a data class ({', '.join(DATA_CLASSES)})"))
COMPLIANCE = ("pci_dss", "gdpr", "hipaa", "soc2", "iso27001", "sox", "fedramp", "ccpa", "dora", "nis2")
CONSISTENCY = (
    "linearizable",
    "strong",
    "sequential",
    "causal",
    "read_your_writes",
    "bounded_staleness",
    "session",
    "eventual",
)
REGION = Ref("region")


def _latency(p: str, v: float, block: Any = None) -> dict[str, Any]:
    return {"percentile": p, "value": v}


def _prefer(v: str, block: Any = None) -> str:
    return v


def _rate_limit(rate: float, per: str | None, block: Any = None) -> dict[str, Any]:
    return {"rate": rate, "per": per or "total"}


def _technology(name: str, reason: str | None, block: Any = None) -> dict[str, Any]:
    return {"name": name, "reason": reason}


def _placement(region: str, zones: list[str] | None, block: Any = None) -> dict[str, Any]:
    return {"region": region, "zones": zones or []}


def _replicas(r: tuple[int, int], block: Any = None) -> dict[str, int]:
    return {"min": r[0], "max": r[1]}


def _with_block(*names: str) -> Callable[..., dict[str, Any]]:
    """A builder for ``key V1 V2 { ... }``: the values under ``names`` merged with the block's fields."""

    def build(*values: Any, block: dict[str, Any] | None = None) -> dict[str, Any]:
        out = dict(block or {})
        for n, v in zip(names, values, strict=False):
            if v is not None:
                out[n] = v
        return out

    return build


def _block_only(block: dict[str, Any] | None = None) -> dict[str, Any]:
    return dict(block or {})


def _availability(a: float, source: str | None, block: Any = None) -> tuple[float, str | None]:
    return a, source


# --- shared small blocks -----------------------------------------------------------------------------------------

PROPERTIES = BlockSpec("properties", [], 'Free key-value facts: `properties { cost_center "cc-42" }`.', free=True)

ALERT = BlockSpec(
    "alert",
    [
        P(
            "burn_rate",
            Number(0.01, 1000, "a burn rate like `14.4`"),
            doc="error-budget burn rate that fires it",
            ex="burn_rate 14.4",
        ),
        P("long", Duration(), field="long_window", doc="long window", ex="long 1h"),
        P(
            "short",
            Duration(),
            field="short_window",
            doc="short window (1/12 of the long one)",
            ex="short 5m",
        ),
        P("severity", Enum("page", "ticket"), doc="page or ticket", ex="severity page"),
    ],
)

SLO = BlockSpec(
    "slo",
    [
        P("availability", Percent(), doc="availability objective", ex="availability 99.9%"),
        P(
            "latency",
            PERCENTILE,
            Duration(),
            doc="latency objective at a percentile",
            ex="latency p99 250ms",
            build=_latency,
            repeat=True,
        ),
        P("window", Duration(), doc="the SLO window (default 30d)", ex="window 28d"),
        P(
            "sli",
            Text(),
            doc="how the indicator is measured",
            ex='sli "non-5xx responses at the load balancer"',
        ),
        P(
            "errors",
            Text(),
            field="error_query",
            doc="PromQL for failed requests per second, with `$window` where the range goes; it measures the"
            " availability objective (in a block with no availability and one latency objective, that one: slow"
            " requests count as failed). Default: `http_requests_total` with a 5xx `code`, by `service`",
            ex='errors "sum(rate(http_requests_total{service=\\"api\\",code=~\\"5..\\"}[$window]))"',
        ),
        P(
            "total",
            Text(),
            field="total_query",
            doc="PromQL for all requests per second, with `$window` where the range goes",
            ex='total "sum(rate(http_requests_total{service=\\"api\\"}[$window]))"',
        ),
        P(
            "alert",
            Word(),
            doc="a burn-rate alert",
            ex="alert fast { burn_rate 14.4; long 1h; short 5m }",
            field="alerts",
            repeat=True,
            block=ALERT,
            build=_with_block("name"),
        ),
    ],
)

HEALTH = BlockSpec(
    "health_check",
    [
        P("interval", Duration(), doc="probe interval", ex="interval 10s"),
        P("timeout", Duration(), doc="probe timeout", ex="timeout 1s"),
        P("failure_threshold", Int(1, 100), doc="failures before it is taken out", ex="failure_threshold 3"),
        P("readiness", Bool(), doc="a readiness probe gates traffic", ex="readiness on"),
    ],
)

BACKUP = BlockSpec(
    "backup",
    [
        P("pitr", Bool(), doc="point-in-time recovery", ex="pitr on"),
        P("rpo", Duration(), doc="data loss the backup allows", ex="rpo 5m"),
        P("interval", Duration(), doc="how often a backup is taken", ex="interval 1h"),
        P("retention", Duration(), doc="how long backups are kept", ex="retention 35d"),
        P("cross_region", Bool(), doc="copies leave the region", ex="cross_region on"),
        P("encrypted", Bool(), doc="backups are encrypted", ex="encrypted on"),
        P("tested", Text(names=True), doc="how restores are tested", ex="tested quarterly"),
    ],
)

REPLICATION = BlockSpec(
    "replication",
    [
        P("replicas", Int(1, 1000), doc="copies of the data, the primary included", ex="replicas 3"),
        P("spread", Enum("zones", "regions", "none"), doc="where the copies go", ex="spread zones"),
        P("regions", ListOf(REGION), doc="regions holding copies", ex="regions [us_east_1, us_west_2]"),
        P("n", Int(1, 100), doc="quorum: copies", ex="n 3"),
        P("r", Int(1, 100), doc="quorum: read quorum", ex="r 2"),
        P("w", Int(1, 100), doc="quorum: write quorum", ex="w 2"),
        P("failover", Enum("automatic", "manual"), doc="how a replica is promoted", ex="failover automatic"),
        P("writers", Enum("single", "multi"), doc="single leader or multi-writer", ex="writers single"),
        P(
            "cross_region",
            Enum("sync", "async"),
            doc="how copies reach the other `regions` when it differs from within a region: synchronous within"
            " and asynchronous across is the usual shape of a relational store",
            ex="cross_region async",
        ),
        P(
            "cross_region_failover",
            Enum("automatic", "manual"),
            doc="how a replica in another region is promoted when it differs from `failover` (which then holds"
            " within a region): `manual` keeps an automatic failover inside the primary's region",
            ex="cross_region_failover manual",
        ),
        P(
            "fencing",
            Bool(),
            doc="the old primary is fenced before a replica is promoted (it stops taking writes once it loses"
            " the failover quorum, or is cut off), so two primaries never take writes at once",
            ex="fencing on",
        ),
    ],
)

SCHEMA = BlockSpec(
    "schema",
    [
        P(
            "compatibility",
            Enum("backward", "forward", "full", "none"),
            doc="compatibility rule",
            ex="compatibility backward",
        ),
        P("registry", Text(names=True), doc="schema registry", ex="registry confluent"),
        P("migrations", Text(names=True), doc="how schemas change", ex="migrations expand_contract"),
    ],
)

PARTITION_DOC = "stance under a network partition (CAP)"

# --- edges -------------------------------------------------------------------------------------------------------

EDGE = BlockSpec(
    "edge",
    [
        P("mode", Enum("sync", "async"), doc="synchronous or asynchronous", ex="mode async"),
        P(
            "because",
            Text(),
            field="reason",
            doc="why this edge is what it is",
            ex='because "decouples capture"',
        ),
        P(
            "criticality",
            Enum("hard", "soft"),
            doc="hard: the caller fails without it",
            ex="criticality soft",
        ),
        P("protocol", Word(), doc="grpc, http, sql, kafka, amqp, resp, ...", ex="protocol grpc"),
        P("timeout", Duration(), doc="the caller's timeout", ex="timeout 200ms"),
        P("retries", Int(0, 100), doc="retries after the first attempt", ex="retries 2"),
        P(
            "backoff",
            Enum("none", "constant", "linear", "exponential"),
            Opt("from", Between(Duration())),
            doc="backoff between retries, optionally its base..cap",
            ex="backoff exponential from 50ms..2s",
            build=lambda s, r, block=None: {"backoff": s, "range": r},
        ),
        P("jitter", Bool(), doc="randomised backoff", ex="jitter on"),
        P("retry_budget", Percent(), doc="retries allowed as a share of requests", ex="retry_budget 10%"),
        P(
            "circuit_breaker",
            Bool(),
            doc="a breaker stops calls to a failing callee",
            ex="circuit_breaker on",
        ),
        P("bulkhead", Int(1, 10**6), doc="maximum concurrent calls on this edge", ex="bulkhead 64"),
        P(
            "fallback",
            Enum("queue", "cache", "stale", "static", "default", "degrade", "failover"),
            Opt("via", Ref(*ANY_COMPONENT, role="fallback")),
            doc="what happens when the callee fails, optionally through a component",
            ex="fallback cache via quotes_cache",
            build=lambda s, via, block=None: {"fallback": s, "via": via},
        ),
        P("idempotency_key", Bool(), doc="requests carry an idempotency key", ex="idempotency_key on"),
        P("idempotent", Bool(), doc="the consumer tolerates duplicates", ex="idempotent yes"),
        P(
            "delivery",
            Enum("at_most_once", "at_least_once", "exactly_once", "effectively_once"),
            doc="delivery guarantee",
            ex="delivery at_least_once",
        ),
        P(
            "outbox",
            Bool(),
            doc="a publish written in the producer's own database transaction and relayed from there (a "
            "transactional outbox), so the event and the state change happen together or not at all",
            ex="outbox on",
        ),
        P("group", Word(), doc="consumer group", ex="group notify"),
        P("dead_letter", Bool(), doc="failed messages go to a dead-letter queue", ex="dead_letter yes"),
        P("ordering", Word(), doc="ordering key or guarantee", ex="ordering account_id"),
        P(
            "consistency",
            Enum(*CONSISTENCY),
            doc="consistency this edge needs",
            ex="consistency linearizable",
        ),
        P(
            "auth",
            Enum("none", "mtls", "jwt", "oauth2", "api_key", "iam", "basic", "token", "sasl"),
            doc="how the caller authenticates",
            ex="auth mtls",
        ),
        P("encryption", Enum("none", "tls", "mtls"), doc="in transit", ex="encryption tls"),
        P(
            "identity_propagation",
            Bool(),
            doc="the end user's identity is passed on",
            ex="identity_propagation on",
        ),
        P(
            "rate_limit",
            Rate(),
            Opt("per", Word()),
            doc="limit on this edge, in total or per key (`per host`: each site a crawler fetches)",
            ex="rate_limit 50 rps",
            build=_rate_limit,
        ),
        P("data", DATA, doc="classes of data on this edge", ex="data [pci]"),
        P("schema", Word(), field="schema_version", doc="message or API schema version", ex="schema v2"),
        P("description", Text(), doc="what flows here", ex='description "card authorisations"'),
        P(
            "share",
            Percent(),
            doc="the share of the caller's requests that take this edge (default 100%); flows and demand use it",
            ex="share 20%",
        ),
        P(
            "connection",
            Enum("request", "persistent"),
            doc="`persistent`: held open for a session (a WebSocket, a subscription, a stream), not a request, so no"
            " request timeout applies; `protocol websocket` or `sse` says so too. Default `request`",
            ex="connection persistent",
        ),
        P(
            "on",
            Enum("request", "connect"),
            field="when",
            doc="`connect`: made each time a client of the caller (re)connects, as a gateway loads a user's state at"
            " connect; so every reconnect after losing one of the caller's replicas makes it again. Default `request`",
            ex="on connect",
        ),
        P(
            "fanout",
            Number(1, 10**9, "a count like `200`"),
            doc="calls or messages each request becomes (one tweet delivered to 200 timelines)",
            ex="fanout 200",
        ),
    ],
    "An edge: `calls`, `reads`, `writes`, `publishes` or `consumes` with an optional block.",
)


def _edge(kind: str) -> Callable[..., dict[str, Any]]:
    def build(target: str, block: dict[str, Any] | None = None) -> dict[str, Any]:
        out = dict(block or {})
        out["kind"] = kind
        out["target"] = target
        return out

    return build


_EDGE_TARGETS = {
    "calls": ("service", "store", "cache", "external", "queue", "stream"),
    "reads": ("store", "cache", "stream", "queue", "external", "service"),
    "writes": ("store", "cache", "stream", "queue", "external", "service"),
    "publishes": ("stream", "queue"),
    "consumes": ("stream", "queue"),
}
EDGE_KINDS = tuple(_EDGE_TARGETS)

EDGE_PROPS = [
    P(
        kind,
        Ref(*targets, role=kind),
        doc=f"an edge: this component {kind} the target",
        ex=f"{kind} target {{ ... }}",
        field="edges",
        repeat=True,
        block=EDGE,
        build=_edge(kind),
    )
    for kind, targets in _EDGE_TARGETS.items()
]

# --- components ----------------------------------------------------------------------------------------------


def _about(purpose: str, example: str, owner: str = "the owning team") -> list[Prop]:
    """The statements that say what any element is and who owns it: `description`, `owner`, `tags`,
    `properties`. Every element takes them; only their wording differs."""
    return [
        P("description", Text(), doc=purpose, ex=f'description "{example}"'),
        P("owner", Text(names=True), doc=owner, ex='owner "payments-team"'),
        P("tags", ListOf(Word()), doc="labels", ex="tags [tier1, pci]"),
        P(
            "properties",
            doc="free key-value facts",
            ex='properties { cost_center "cc-42" }',
            block=PROPERTIES,
            build=_block_only,
        ),
    ]


COMMON = [
    *_about("what it does", "Authorizes card payments."),
    P(
        "technology",
        Text(),
        Opt("because", Text()),
        doc="what it is built with, and why",
        build=_technology,
        ex='technology "Envoy" because "native circuit breaking"',
    ),
    P("engine", Ref("engine"), doc="a stdlib engine: postgres, kafka, redis, ...", ex="engine postgres"),
    P("protocol", Word(), doc="the protocol callers use unless an edge says otherwise", ex="protocol grpc"),
    P(
        "placement",
        REGION,
        Opt(None, ListOf(Word())),
        doc="a region, and optionally its zones; repeat per region",
        ex="placement us_east_1 [a, b, c]",
        build=_placement,
        repeat=True,
    ),
    P(
        "replicas",
        Between(Int(0, 10**6, "a replica count")),
        doc="replica count, or a min..max range",
        ex="replicas 3..30",
        build=_replicas,
    ),
    P("state", Enum("stateless", "stateful"), doc="whether it keeps state", ex="state stateless"),
    P("exposure", Enum("public", "internal", "private"), doc="who can reach it", ex="exposure public"),
    P("trust_boundary", Word(), doc="the trust boundary it sits in", ex="trust_boundary dmz"),
    P(
        "availability",
        Percent(),
        Opt("source", Text()),
        doc="its own availability (SLA), with a source",
        ex='availability 99.95% source "aws.amazon.com/rds/sla"',
        build=_availability,
    ),
    P(
        "instance_availability",
        Percent(),
        Opt("source", Text()),
        doc="availability of one instance; replicas in separate zones combine as 1 - (1 - a)^k",
        ex='instance_availability 99.5% source "designc default"',
        build=_availability,
    ),
    P(
        "latency",
        PERCENTILE,
        Duration(),
        doc="its own latency at a percentile",
        ex="latency p99 800ms",
        build=_latency,
        repeat=True,
    ),
    P(
        "slo",
        doc="service level objectives",
        ex="slo { availability 99.9%; latency p99 250ms }",
        block=SLO,
        build=_block_only,
    ),
    P(
        "health_check",
        Enum("http", "grpc", "tcp", "exec"),
        Opt(None, Text()),
        doc="how health is probed",
        ex='health_check http "/healthz" { interval 10s }',
        block=HEALTH,
        build=_with_block("kind", "path"),
    ),
    P("data", DATA, doc="classes of data it holds", ex="data [pci, pii]"),
    P("encryption_at_rest", Bool(), doc="stored data is encrypted", ex="encryption_at_rest on"),
    P("kms", Text(names=True), doc="the key management service", ex="kms aws_kms"),
    P("managed", Word(), doc="the provider operating it", ex="managed aws"),
    P("cell", Word(), doc="the cell or bulkhead it belongs to", ex="cell cell_1"),
    P(
        "allowed_callers",
        ListOf(Ref(*ANY_COMPONENT, role="caller")),
        doc="only these may call it",
        ex="allowed_callers [api_gateway]",
    ),
    *EDGE_PROPS,
]

# Each signal's target in its own unit: a target in the wrong one (`autoscale cpu 60`, meant as 60%) would
# otherwise reach the autoscaler as 6,000%, and it would never scale out.
AUTOSCALE_TARGET = Choice(
    Form("cpu", Percent(1, 100), example="cpu 65%"),
    Form("memory", Percent(1, 100), example="memory 75%"),
    Form("rps", Rate(), example="rps 400 rps"),
    Form("queue_lag", Int(1, what="a number of waiting messages like `1000`"), example="queue_lag 1000"),
    Form("latency", Duration(), example="latency 200ms"),
    Form("connections", Int(1, what="a number of connections like `500`"), example="connections 500"),
    Form("custom", Number(what="a number like `10`"), example="custom 10"),
    what="a signal and its target, like `cpu 65%`",
)

SERVICE = BlockSpec(
    "service",
    [
        *COMMON,
        P(
            "api",
            Word(),
            Opt("compatible", ListOf(Word())),
            doc="an API version served, and what it stays compatible with",
            ex="api v2 compatible v1",
            repeat=True,
            build=_with_block("version", "compatible"),
            block=BlockSpec(
                "api",
                [
                    P("style", Word(), doc="rest, grpc, graphql", ex="style grpc"),
                    P("spec", Text(), doc="where the contract lives", ex='spec "api/payments.proto"'),
                ],
            ),
        ),
        P(
            "autoscale",
            AUTOSCALE_TARGET,
            doc="the autoscaling signal and its target per replica",
            ex="autoscale cpu 65%",
            build=lambda sel, block=None: {"signal": sel[0], "target": sel[1][0]},
        ),
        P(
            "capacity",
            Rate(),
            Opt("per", Enum("replica")),
            doc="requests one replica carries",
            ex="capacity 800 rps per replica",
            build=lambda r, _per, block=None: r,
        ),
        P("headroom", Percent(), doc="spare capacity kept at peak", ex="headroom 30%"),
        P(
            "rate_limit",
            Rate(),
            Opt("per", Word()),
            doc="a rate limit, per client or in total",
            ex="rate_limit 100 rps per client",
            build=_rate_limit,
            repeat=True,
            key_arity=0,
        ),
        P(
            "deploy",
            Enum("rolling", "canary", "blue_green", "recreate"),
            Opt(None, ListOf(Percent())),
            doc="deployment strategy and canary steps",
            ex="deploy canary [5%, 25%, 100%] { rollback automatic }",
            build=_with_block("strategy", "steps"),
            block=BlockSpec(
                "deploy",
                [
                    P(
                        "rollback",
                        Enum("automatic", "manual"),
                        doc="how a bad release is undone",
                        ex="rollback automatic",
                    ),
                    P("bake_time", Duration(), doc="time each step runs before the next", ex="bake_time 10m"),
                ],
            ),
        ),
        P(
            "backpressure",
            doc="bounded queue and in-flight limit",
            ex="backpressure { max_in_flight 200; queue 1000; overflow reject }",
            build=_block_only,
            block=BlockSpec(
                "backpressure",
                [
                    P("max_in_flight", Int(1, 10**7), doc="concurrent requests", ex="max_in_flight 200"),
                    P("queue", Int(0, 10**9), doc="bounded queue length", ex="queue 1000"),
                    P(
                        "overflow",
                        Enum("reject", "drop_oldest", "block", "shed"),
                        doc="what a full queue does",
                        ex="overflow reject",
                    ),
                ],
            ),
        ),
        P(
            "cells",
            Int(1, 10**5),
            Opt("by", Word()),
            doc="cell-based isolation: how many cells, keyed by what",
            ex="cells 8 by merchant_id",
            build=lambda n, k, block=None: {"count": n, "key": k},
        ),
        P(
            "discovery",
            Text(names=True),
            doc="how callers find it: dns, consul, kubernetes, mesh",
            ex="discovery kubernetes",
        ),
        P("waf", Bool(), doc="a web application firewall sits in front", ex="waf on"),
        P(
            "load_shedding",
            ListOf(Word()),
            doc="what is shed first, in order",
            ex="load_shedding [analytics, batch]",
        ),
        P(
            "degrades",
            Text(),
            doc="what still works when dependencies fail",
            ex='degrades "serves cached quotes"',
        ),
        P("scaling", Enum("horizontal", "vertical", "none"), doc="how it scales", ex="scaling horizontal"),
        P("identity_provider", Bool(), doc="it is the identity provider", ex="identity_provider on"),
        P(
            "image",
            Text(),
            doc="its container image, without a tag (default: `SYSTEM/NAME`, a placeholder the scaffold's"
            " kustomization maps to the real one)",
            ex='image "ghcr.io/acme/payments"',
        ),
        P(
            "port",
            Word(),
            Int(1, 65535, "a port number (1-65535)"),
            Opt(None, Enum("tcp", "udp", "sctp")),
            doc="a port it listens on: a name (`http`, `grpc`, `metrics`), the number, and `udp` or `sctp` when not"
            " tcp; repeat per port (default: `http 8080`, or `grpc 9090` for a gRPC service)",
            ex="port grpc 9090",
            field="ports",
            repeat=True,
            build=lambda name, number, proto, block=None: {"name": name, "number": number, "protocol": proto or "tcp"},
        ),
        P(
            "resources",
            doc="CPU (cores) and memory per replica, each a request..limit range (default: cpu 0.25..1,"
            " memory 256MiB..512MiB)",
            ex="resources { cpu 0.5..2; memory 512MiB..1GiB }",
            build=_block_only,
            block=BlockSpec(
                "resources",
                [
                    P(
                        "cpu",
                        Between(Number(0.001, 1024, "CPU cores like `0.5`")),
                        doc="cores requested..limit",
                        ex="cpu 0.5..2",
                        build=lambda r, block=None: {"request": r[0], "limit": r[1]},
                    ),
                    P(
                        "memory",
                        Between(Size()),
                        doc="memory requested..limit",
                        ex="memory 512MiB..1GiB",
                        build=lambda r, block=None: {"request": r[0], "limit": r[1]},
                    ),
                ],
            ),
        ),
        P("vault", Bool(), doc="secrets come from a vault", ex="vault on"),
        P(
            "call_order",
            Enum("parallel", "sequential"),
            doc="how its synchronous calls for one request run: `sequential` (one after another, as a gateway"
            " authenticates and then routes: their latencies and their timeouts add up) or `parallel` (they overlap:"
            " the slowest counts); unset: taken as parallel, and the latency figures are then lower bounds",
            ex="call_order sequential",
        ),
        P(
            "affinity",
            Word(what="the routing key's name"),
            doc="requests are routed by a key to the replica that owns it (consistent hashing on `channel_id`): one"
            " key's load is bounded by its owners' capacity, not the fleet's; and when the service is `stateful`,"
            " losing an owner stops its keys until another takes over",
            ex="affinity channel_id { owners 1; takeover 20s; hot_key 2% }",
            build=_with_block("key"),
            block=BlockSpec(
                "affinity",
                [
                    P("owners", Int(1, 100), doc="replicas that hold each key (default 1)", ex="owners 2"),
                    P(
                        "takeover",
                        Duration(),
                        doc="how long a key waits for a new owner when its owner is lost",
                        ex="takeover 20s",
                    ),
                    P(
                        "hot_key",
                        Percent(),
                        doc="the busiest key's share of the service's load",
                        ex="hot_key 2%",
                    ),
                ],
            ),
        ),
        P(
            "trigger",
            Enum("request", "schedule", "continuous"),
            Opt(None, Text()),
            doc="what starts its work when no caller does: `schedule` (with when, in words or cron) or `continuous`"
            " (a crawler, a consumer of an external feed); default `request`",
            ex='trigger schedule "daily at 03:00 UTC"',
            build=lambda kind, when, block=None: {"kind": kind, "when": when},
        ),
    ],
    "A process that serves requests or does work.",
)

_PARTITION_PROPS = [
    P(
        "partition",
        Kw("prefer"),
        Enum("consistency", "availability"),
        doc=PARTITION_DOC,
        ex="partition prefer consistency",
        field="partition_prefer",
        build=_prefer,
    ),
    P(
        "normal",
        Kw("prefer"),
        Enum("consistency", "latency"),
        doc="trade-off without a partition (PACELC)",
        ex="normal prefer latency",
        field="partition_normal",
        build=_prefer,
    ),
]

_REPLICATION_PROP = P(
    "replication",
    Enum("none", "sync", "async", "semi_sync", "quorum"),
    doc="how data is copied, and how many copies where",
    ex="replication sync { replicas 3; spread zones }",
    block=REPLICATION,
    build=_with_block("mode"),
)
_BACKUP_PROP = P("backup", doc="backups", ex="backup { pitr on; rpo 5m }", block=BACKUP, build=_block_only)
_SCHEMA_PROP = P(
    "schema",
    Word(),
    doc="the schema version in use",
    ex="schema v3 { compatibility backward }",
    field="schema_version",
    block=SCHEMA,
    build=_with_block("version"),
)
_CAPACITY = P("capacity", Rate(), doc="throughput it carries", ex="capacity 20000 rps")
_RETENTION = P("retention", Duration(), doc="how long data is kept", ex="retention 7d")
_SHARDING = P(
    "sharding",
    CallOf("hash", "range", "geo", "directory", "consistent_hash"),
    Int(1, 10**6),
    doc="partitioning: strategy(key) and shard count",
    ex="sharding hash(account_id) 16 { routing proxy }",
    build=lambda s, n, block=None: {**(block or {}), "strategy": s[0], "key": s[1], "shards": n},
    block=BlockSpec(
        "sharding",
        [
            P(
                "routing",
                Text(names=True),
                doc="how requests reach a shard",
                ex="routing consistent_hashing",
            ),
            P(
                "hot_key",
                Percent(),
                doc="the busiest key's share of the load: all of it lands on the one shard that holds the key",
                ex="hot_key 2%",
            ),
        ],
    ),
)

SIZE_CLASSES = ("small", "medium", "large", "xlarge", "xxlarge")
_SIZE_CLASS = P(
    "size_class",
    Enum(*SIZE_CLASSES),
    doc="instance size, cloud-neutral (default `small`; the scaffold maps it to an instance type per cloud)",
    ex="size_class large",
)
_STORAGE = P(
    "storage",
    Size(),
    doc="provisioned disk per copy (default: twice `size`, at least 20GiB; a stream's broker 100GiB)",
    ex="storage 500GiB",
)
_CONSISTENCY = P(
    "consistency", Enum(*CONSISTENCY), doc="the consistency model it offers", ex="consistency linearizable"
)

STORE = BlockSpec(
    "store",
    [
        *COMMON,
        P(
            "model",
            Enum(
                "relational",
                "document",
                "key_value",
                "wide_column",
                "graph",
                "object",
                "search",
                "time_series",
                "ledger",
                "blob",
            ),
            doc="data model",
            ex="model relational",
        ),
        _CONSISTENCY,
        _REPLICATION_PROP,
        _SHARDING,
        _BACKUP_PROP,
        *_PARTITION_PROPS,
        _RETENTION,
        _SCHEMA_PROP,
        _CAPACITY,
        P("size", Size(), doc="data size", ex="size 2TiB"),
        P("record", Size(), field="record_size", doc="the size of one record a write adds", ex="record 1KiB"),
        P(
            "replica_of",
            Ref("store", role="primary store"),
            doc="read replicas of another store, fed by its replication (asynchronously unless this store's own"
            " `replication` says `sync`): readers see its writes late",
            ex="replica_of orders_primary",
        ),
        P(
            "rpo",
            Duration(),
            doc="the data loss this store may allow, instead of the system's `rpo` (a rebuildable cache of the"
            " ledger, a log of zero-RPO payments)",
            ex="rpo 1h",
        ),
        _SIZE_CLASS,
        _STORAGE,
        P("reproducible", Bool(), doc="can be rebuilt from other data", ex="reproducible yes"),
    ],
    "Where data lives: a database, an object store.",
)

STREAM = BlockSpec(
    "stream",
    [
        *COMMON,
        P("partitions", Int(1, 10**6), doc="partitions", ex="partitions 48"),
        P(
            "replication",
            Int(1, 100),
            field="replication_factor",
            doc="replication factor",
            ex="replication 3",
        ),
        P("min_insync", Int(1, 100), doc="in-sync replicas a write needs", ex="min_insync 2"),
        P("acks", Enum("all", "leader", "none"), doc="producer acknowledgements", ex="acks all"),
        _RETENTION,
        _SCHEMA_PROP,
        P("ordering", Word(), doc="ordering key", ex="ordering account_id"),
        _BACKUP_PROP,
        _CAPACITY,
        _SIZE_CLASS,
        _STORAGE,
    ],
    "A partitioned, replicated log: Kafka, Kinesis, Pulsar.",
)

QUEUE = BlockSpec(
    "queue",
    [
        *COMMON,
        P("max_length", Int(1, 10**12), doc="bound on queued messages", ex="max_length 100000"),
        P(
            "overflow",
            Enum("reject", "drop_oldest", "block"),
            doc="what a full queue does",
            ex="overflow reject",
        ),
        P("visibility_timeout", Duration(), doc="redelivery delay", ex="visibility_timeout 30s"),
        P("fifo", Bool(), doc="ordered delivery", ex="fifo on"),
        P("dead_letter", Bool(), doc="a dead-letter queue is attached", ex="dead_letter on"),
        _RETENTION,
        _REPLICATION_PROP,
        _BACKUP_PROP,
        _CAPACITY,
    ],
    "A message queue: SQS, RabbitMQ.",
)

CACHE = BlockSpec(
    "cache",
    [
        *COMMON,
        P("ttl", Duration(), doc="time to live", ex="ttl 5m"),
        P(
            "invalidation",
            Enum("ttl", "write_through", "write_behind", "write_around", "explicit", "event"),
            doc="how entries are invalidated",
            ex="invalidation write_through",
        ),
        P("eviction", Word(), doc="eviction policy", ex="eviction lru"),
        P(
            "stampede_protection",
            Enum("none", "lock", "coalesce", "probabilistic", "stale_while_revalidate"),
            doc="what happens on a miss storm",
            ex="stampede_protection coalesce",
        ),
        P("holds", Text(), doc="what it caches", ex='holds "session tokens"'),
        P("max_memory", Size(), doc="memory limit", ex="max_memory 16GiB"),
        P("size", Size(), doc="the data it holds", ex="size 200GiB"),
        _SHARDING,
        P(
            "caches",
            Ref("store", "service", "external", role="cached store"),
            doc="the store (or service) behind it: its misses go there",
            ex="caches links",
        ),
        P("hit_ratio", Percent(), doc="the share of reads it answers; misses reach what it caches", ex="hit_ratio 95%"),
        _SIZE_CLASS,
        _REPLICATION_PROP,
        _CONSISTENCY,
        _CAPACITY,
    ],
    "A cache: Redis, Memcached.",
)

EXTERNAL = BlockSpec(
    "external",
    [
        *COMMON,
        P("provider", Text(names=True), doc="who runs it", ex='provider "Visa/Mastercard"'),
        P("location", Text(), doc="where the provider runs it", ex='location "Frankfurt and Dublin"'),
        P(
            "jurisdiction",
            Word(),
            doc="whose law governs the data it processes, as a region's `jurisdiction` names it",
            ex="jurisdiction eu",
        ),
        P(
            "rate_limit",
            Rate(),
            Opt("per", Word()),
            doc="the provider's rate limit, in total or per key (`per account`, `per host`)",
            ex="rate_limit 2000 rps",
            build=_rate_limit,
            repeat=True,
            key_arity=0,
        ),
    ],
    "A dependency outside the system: a card network, a SaaS API.",
)

CLIENT = BlockSpec("client", list(COMMON), "Who calls the system: a browser, a mobile app, a partner.")

COMPONENTS: dict[str, BlockSpec] = {
    "service": SERVICE,
    "store": STORE,
    "stream": STREAM,
    "queue": QUEUE,
    "cache": CACHE,
    "external": EXTERNAL,
    "client": CLIENT,
}

# --- engines: stdlib facts about a technology -------------------------------------------------------------------

ENGINE_META = [
    P(
        "for",
        ListOf(Enum(*COMPONENT_KINDS)),
        field="for_kinds",
        doc="which component kinds may use it",
        ex="for [store]",
    ),
]

# --- system level ------------------------------------------------------------------------------------------------

REQUIREMENTS = BlockSpec(
    "requirements",
    [
        P("peak_load", Rate(), doc="peak throughput", ex="peak_load 5000 rps"),
        P("sustained_load", Rate(), doc="sustained throughput", ex="sustained_load 1200 rps"),
        P("availability", Percent(), doc="availability target", ex="availability 99.99%"),
        P(
            "latency",
            PERCENTILE,
            Duration(),
            doc="latency target at a percentile",
            ex="latency p99 300ms",
            build=_latency,
            repeat=True,
        ),
        *_PARTITION_PROPS,
        P("rpo", Duration(), doc="recovery point objective: data loss allowed", ex="rpo 0s"),
        P("rto", Duration(), doc="recovery time objective", ex="rto 15m"),
        P(
            "compliance",
            ListOf(Enum(*COMPLIANCE, what=f"a regime ({', '.join(COMPLIANCE)})")),
            doc="compliance regimes",
            ex="compliance [pci_dss, gdpr]",
        ),
        P(
            "residency",
            Enum(*DATA_CLASSES, what="a data class"),
            ListOf(REGION, min_len=1),
            doc="where a class of data may live",
            ex="residency pii [eu_west_1, eu_central_1]",
            build=lambda d, r, block=None: {"data": d, "regions": r},
            repeat=True,
        ),
        P("survive", Enum("zone", "region"), doc="the largest failure to ride through", ex="survive region"),
        P("durability", Percent(), doc="durability target", ex="durability 99.999999999%"),
    ],
    "What the system must achieve.",
)

REGION_SPEC = BlockSpec(
    "region",
    [
        *_about("what it is for", "primary region for EU customers", owner="who operates it"),
        P("zones", ListOf(Word(), min_len=1), doc="its availability zones", ex="zones [a, b, c]"),
        P(
            "role",
            Enum("primary", "active", "standby"),
            doc="primary, active (active-active) or standby",
            ex="role standby",
        ),
        P("provider", Word(), doc="cloud provider", ex="provider aws"),
        P("location", Text(), doc="where it is", ex='location "N. Virginia"'),
        P("jurisdiction", Word(), doc="whose law governs data held there", ex="jurisdiction us"),
    ],
    "A region and its zones.",
)

VIEW_SELECTOR = Choice(
    Form(None, ListOf(Ref(*ANY_COMPONENT, role="view", what="a component name")), example="[api_gateway, payments]"),
    Form("all", example="all"),
    Form("tag", Word(), example="tag pci"),
    Form("kind", Enum(*COMPONENT_KINDS, what=f"a component kind ({', '.join(COMPONENT_KINDS)})"), example="kind store"),
    Form("owner", Text(names=True), example='owner "payments-team"'),
    what='a list of component names, `all`, `tag NAME`, `kind KIND` or `owner "TEXT"`',
)


def _selector(sel: tuple[str | None, list[Any]], block: Any = None) -> dict[str, Any]:
    by, values = sel
    if by is None:
        return {"by": "names", "values": values[0]}
    return {"by": by, "values": values}


def _selector_prop(key: str, doc: str, ex: str) -> Prop:
    return P(key, VIEW_SELECTOR, doc=doc, ex=ex, repeat=True, key_arity=0, build=_selector)


VIEW = BlockSpec(
    "view",
    [
        P("description", Text(), doc="what the diagram shows", ex='description "What a card payment touches."'),
        _selector_prop(
            "include",
            'components shown: `[a, b]`, `all`, `tag NAME`, `kind KIND` or `owner "TEXT"`; repeat to add more;'
            " a view without `include` shows every component",
            "include [api_gateway, payments]",
        ),
        _selector_prop(
            "exclude",
            "components left out, even as neighbours, in the same forms as `include`",
            "exclude kind external",
        ),
        P(
            "neighbours",
            Bool(),
            doc="also show, faded, the direct callers and callees of the included components",
            ex="neighbours on",
        ),
    ],
    "A hand-made architecture diagram: which components it shows.",
)

FLOW = BlockSpec(
    "flow",
    [
        P("description", Text(), doc="what the request does", ex='description "A visitor opens a paste."'),
        P("rate", Rate(), doc="its rate at peak", ex="rate 4000 rps"),
        P(
            "share",
            Percent(),
            doc="its rate at peak as a share of the system's `peak_load` (instead of `rate`)",
            ex="share 80%",
        ),
        P(
            "route",
            ListOf(Ref(*ANY_COMPONENT, role="route", what="a component name"), min_len=2),
            doc="the components it passes through, in order, from where it enters; each step follows an edge"
            " (or a consumer's `consumes`, or a cache's miss to what it `caches`). Repeat for a branch: a later"
            " route starts from a component an earlier one reached, with the rate it had there. The hard calls a"
            " component on it makes on every request need not be listed: those no route takes are counted anyway;"
            " a step `a -> b` in a route says that call belongs to this flow",
            ex="route [browser, api, paste_cache, pastes]",
            field="routes",
            repeat=True,
            key_arity=0,
        ),
        P(
            "criticality",
            Enum("hard", "soft"),
            doc="`soft`: a feature the product can do without for a while (search, recommendations): a single point"
            " of failure that only soft flows need is reported as a note, not a warning. Default `hard`",
            ex="criticality soft",
        ),
        P("payload", Size(), doc="the bytes each request carries, for bandwidth", ex="payload 10KiB"),
        P(
            "writes",
            ListOf(Ref("store", "cache", "stream", "queue", role="written", what="a component name")),
            doc="what it writes on its route, where a caller both reads and writes it (a step over a `writes`"
            " edge alone counts as a write anyway)",
            ex="writes [pastes]",
        ),
    ],
    "A kind of request: where it enters, its rate at peak, and the route it takes. From the flows the analysis"
    " works out each component's demand, and budgets per flow.",
)

SYSTEM_PROPS = BlockSpec(
    "system",
    [
        *_about("the functional purpose", "Authorizes card payments."),
        P(
            "technology",
            Text(),
            Opt("because", Text()),
            doc="the platform it runs on, and why",
            build=_technology,
            ex='technology "Kubernetes on EKS" because "one platform for every team"',
        ),
        P(
            "requirements",
            doc="what the system must achieve",
            ex="requirements { availability 99.99% }",
            block=REQUIREMENTS,
            build=_block_only,
        ),
        P(
            "disaster_recovery",
            doc="the DR strategy",
            ex="disaster_recovery { strategy warm_standby; failover automatic }",
            build=_block_only,
            block=BlockSpec(
                "disaster_recovery",
                [
                    P(
                        "strategy",
                        Enum("active_active", "hot_standby", "warm_standby", "pilot_light", "backup_restore"),
                        doc="DR strategy",
                        ex="strategy warm_standby",
                    ),
                    P(
                        "failover",
                        Enum("automatic", "manual"),
                        doc="how failover happens",
                        ex="failover automatic",
                    ),
                    P("tested", Text(names=True), doc="how it is tested", ex="tested quarterly"),
                    P("runbook", Text(), doc="where the runbook lives", ex='runbook "https://wiki/dr"'),
                ],
            ),
        ),
        P(
            "routing",
            doc="traffic between regions",
            ex="routing { policy latency; weight us_east_1 70% }",
            build=_block_only,
            block=BlockSpec(
                "routing",
                [
                    P(
                        "policy",
                        Enum("latency", "geo", "weighted", "failover", "round_robin"),
                        doc="routing policy",
                        ex="policy failover",
                    ),
                    P(
                        "weight",
                        REGION,
                        Percent(),
                        field="weights",
                        doc="a region's share of traffic",
                        ex="weight us_east_1 70%",
                        repeat=True,
                        build=lambda r, w, block=None: (r, w),
                    ),
                    P("ingress", Text(names=True), doc="the global entry point", ex='ingress "Route 53"'),
                ],
            ),
        ),
        P("discovery", Text(names=True), doc="how services find each other", ex="discovery kubernetes"),
        P(
            "profile",
            Enum("sketch", "review", "production"),
            doc="how strictly facts the design leaves out are reported: `sketch` leaves them out, `review` (the"
            " default) gives one note per component, `production` a warning each; wins over the configuration's",
            ex="profile production",
        ),
        P(
            "observability",
            doc="monitoring and debugging tools",
            ex='observability { metrics "Prometheus" }',
            build=_block_only,
            block=BlockSpec(
                "observability",
                [
                    P(k, Text(names=True), doc=f"{k} tooling", ex=f'{k} "{v}"')
                    for k, v in [
                        ("metrics", "Prometheus"),
                        ("tracing", "OpenTelemetry"),
                        ("logs", "Loki"),
                        ("dashboards", "Grafana"),
                        ("alerting", "Alertmanager"),
                    ]
                ],
            ),
        ),
        P(
            "view",
            Word(),
            Opt(None, Text()),
            doc="a hand-made architecture diagram, by name, with a title; may also sit at a file's top level",
            ex='view checkout "Checkout path" { include tag pci; neighbours on }',
            field="views",
            repeat=True,
            block=VIEW,
            build=lambda name, title, block=None: {**(block or {}), "name": name, "title": title},
        ),
        P(
            "flow",
            Word(),
            Opt(None, Text()),
            doc="a kind of request, its rate and its route; may also sit at a file's top level",
            ex='flow read_paste "Read a paste" { rate 4000 rps; route [browser, api, pastes] }',
            field="flows",
            repeat=True,
            block=FLOW,
            build=lambda name, title, block=None: {**(block or {}), "name": name, "title": title},
        ),
    ],
    "The system: its purpose, requirements, regions, components and views.",
)

NETWORK = BlockSpec(
    "network",
    [
        P(
            "rtt",
            Word(),
            Word(),
            Duration(),
            Opt("source", Text()),
            doc="round-trip time between two regions (by name), with a source",
            ex='rtt us_east_1 us_west_2 62ms source "AWS Network Manager, p50"',
            repeat=True,
            key_arity=2,
            build=lambda a, b, rtt, source, block=None: {"a": a, "b": b, "rtt": rtt, "source": source},
        ),
    ],
    "Network facts between regions. May sit in `system` or at the top level of any file; the standard library's"
    " `stdlib/aws` declares defaults, and a design's own figures win.",
)

# Statements that declare something rather than set a property.
DECLARATIONS = ("import", "system", "region", "define", "network", "view", "flow", *COMPONENT_KINDS)


_ACCEPTED: dict[str, list[str]] | None = None


def where_accepted(key: str) -> list[str]:
    """The names of the blocks that accept a statement ``key``: for "`timeout` belongs in an edge" hints."""
    global _ACCEPTED
    if _ACCEPTED is None:
        index: dict[str, list[str]] = {}
        seen: set[int] = set()

        def walk(spec: BlockSpec) -> None:
            if id(spec) in seen or spec.free:
                return
            seen.add(id(spec))
            for p in spec.props.values():
                names = index.setdefault(p.key, [])
                label = "edge (`calls`, `reads`, ...)" if spec is EDGE else f"`{spec.name}`"
                if label not in names:
                    names.append(label)
                if p.block is not None:
                    walk(p.block)

        for spec in (SYSTEM_PROPS, REGION_SPEC, *COMPONENTS.values()):
            walk(spec)
        _ACCEPTED = index
    return _ACCEPTED.get(key, [])
