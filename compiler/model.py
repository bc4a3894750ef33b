"""The resolved model: what a design says, with references checked and units normalised.

This is the contract between the front end and everything after it. Analysis rules and output targets read
this model (and the dependency graph built from it) and nothing else.

Units: durations are seconds, percentages are fractions (99.9% is 0.999), rates are per second, sizes are
bytes. A field left as ``None`` was not stated in the design; rules that need it say what to declare rather than
guess.
"""

from functools import partial
from types import UnionType
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field

M = TypeVar("M", bound=BaseModel)

Seconds = Annotated[float, Field(ge=0, description="a duration in seconds")]
Fraction = Annotated[float, Field(ge=0, le=1, description="a fraction: 99.9% is 0.999")]
PerSecond = Annotated[float, Field(ge=0, description="a rate per second")]
Bytes = Annotated[int, Field(ge=0, description="a size in bytes")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, defer_build=True)

    # An object built by `construct` stores only its stated fields (the others are read from the class): what
    # reads ``__dict__`` itself sees every field through these.

    def model_dump(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        complete(self)
        return super().model_dump(*args, **kwargs)

    def model_dump_json(self, *args: Any, **kwargs: Any) -> str:
        complete(self)
        return super().model_dump_json(*args, **kwargs)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BaseModel):
            return NotImplemented
        if type(self) is not type(other):
            return False
        if self.__dict__ == other.__dict__:
            return True
        return _full(self) == _full(other)

    def __setattr__(self, name: str, value: Any) -> None:
        # a built model is not changed: objects `construct` made may be shared (value objects of the same plain
        # values, the empty lists and dicts, the fields-set), so a change would reach every holder
        if type(self.__pydantic_fields_set__) is frozenset:
            raise TypeError(f"{type(self).__name__} objects are not changed once built: build a new one instead")
        super().__setattr__(name, value)

    def __iter__(self) -> Any:
        yield from _full(self).items()

    def __reduce__(self) -> Any:
        # pickled (the cache of resolved files) as `construct` built it: the stated fields only, and the
        # fields-set shared again when loaded (a set per object would be 100 MiB at 10,000 services)
        stated = self.__pydantic_fields_set__
        if type(stated) is frozenset:
            return _restore, (type(self), self.__dict__, stated)
        return super().__reduce__()

    def __repr_args__(self) -> Any:
        fields = type(self).model_fields
        for k, v in _full(self).items():
            if k in fields and fields[k].repr:
                yield k, v


class Location(_Model):
    """Where something was written: a file relative to the design's root, 1-based line and column."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int


class Technology(_Model):
    name: str
    reason: str | None = Field(None, description="why this technology: the `because` text")


class Replicas(_Model):
    min: int = Field(ge=0)
    max: int = Field(ge=0)


class Placement(_Model):
    region: str
    zones: list[str] = Field(default_factory=list, description="zone names within the region; empty means all")


class RateLimit(_Model):
    rate: PerSecond
    per: str = Field("total", description="what the limit is counted per: total, client, ip, user, key, ...")


class Autoscale(_Model):
    signal: Literal["cpu", "memory", "rps", "queue_lag", "latency", "connections", "custom"]
    target: float = Field(description="cpu/memory: a fraction; rps: per second; latency: seconds; else a count")


class Deploy(_Model):
    strategy: Literal["rolling", "canary", "blue_green", "recreate"]
    steps: list[Fraction] = Field(default_factory=list, description="canary traffic steps")
    rollback: Literal["automatic", "manual"] | None = None
    bake_time: Seconds | None = None


class ApiVersion(_Model):
    version: str
    compatible: list[str] = Field(default_factory=list)
    style: str | None = Field(None, description="rest, grpc, graphql, ...")
    spec: str | None = Field(None, description="where the contract lives, e.g. an OpenAPI file")


class SchemaVersion(_Model):
    version: str
    compatibility: Literal["backward", "forward", "full", "none"] | None = None
    registry: str | None = None
    migrations: str | None = Field(None, description="how schemas change: expand_contract, online, ...")


class Latency(_Model):
    percentile: Literal["p50", "p90", "p95", "p99", "p999", "max"]
    value: Seconds


class BurnRateAlert(_Model):
    name: str
    burn_rate: float = Field(gt=0)
    long_window: Seconds
    short_window: Seconds | None = None
    severity: Literal["page", "ticket"] = "page"


class Slo(_Model):
    availability: Fraction | None = None
    latency: list[Latency] = Field(default_factory=list)
    window: Seconds = Field(30 * 86400, description="the SLO window; 30 days unless stated")
    alerts: list[BurnRateAlert] = Field(default_factory=list)
    sli: str | None = Field(None, description="how the SLI is measured, in words")
    error_query: str | None = Field(None, description="PromQL: failed requests per second, `$window` for the range")
    total_query: str | None = Field(None, description="PromQL: all requests per second, `$window` for the range")


class HealthCheck(_Model):
    kind: Literal["http", "grpc", "tcp", "exec"] = "http"
    path: str | None = None
    interval: Seconds | None = None
    timeout: Seconds | None = None
    failure_threshold: int | None = Field(None, ge=1)
    readiness: bool | None = None


class Backpressure(_Model):
    max_in_flight: int | None = Field(None, ge=1)
    queue: int | None = Field(None, ge=0, description="bounded queue length in front of the component")
    overflow: Literal["reject", "drop_oldest", "block", "shed"] | None = None


class Port(_Model):
    name: str = Field(description="http, grpc, metrics, ...: also the port's application protocol when known")
    number: int = Field(ge=1, le=65535)
    protocol: Literal["tcp", "udp", "sctp"] = "tcp"


class CpuRange(_Model):
    request: float = Field(ge=0, description="cores")
    limit: float = Field(ge=0, description="cores")


class MemoryRange(_Model):
    request: Bytes
    limit: Bytes


class Resources(_Model):
    cpu: CpuRange | None = Field(None, description="cores requested and the limit")
    memory: MemoryRange | None = Field(None, description="bytes requested and the limit")


class Trigger(_Model):
    kind: Literal["request", "schedule", "continuous"]
    when: str | None = Field(None, description="a schedule, in words or cron")


class Cells(_Model):
    count: int = Field(ge=1)
    key: str | None = None


class Sharding(_Model):
    strategy: Literal["hash", "range", "geo", "directory", "consistent_hash"]
    key: list[str] = Field(default_factory=list)
    shards: int | None = Field(None, ge=1)
    routing: str | None = Field(None, description="how requests reach a shard: client, proxy, consistent_hashing")
    hot_key: Fraction | None = Field(None, description="the busiest key's share of the load, all on one shard")


class Affinity(_Model):
    """A service that routes each request by a key to the replica that owns the key."""

    key: str
    owners: int = Field(1, ge=1, description="replicas that hold each key")
    takeover: Seconds | None = Field(None, description="how long a key waits for a new owner when its owner is lost")
    hot_key: Fraction | None = Field(None, description="the busiest key's share of the service's load")


class Replication(_Model):
    mode: Literal["none", "sync", "async", "semi_sync", "quorum"]
    replicas: int | None = Field(None, ge=1, description="copies of the data, the primary included")
    spread: Literal["zones", "regions", "none"] | None = None
    regions: list[str] = Field(default_factory=list)
    n: int | None = Field(None, ge=1)
    r: int | None = Field(None, ge=1)
    w: int | None = Field(None, ge=1)
    failover: Literal["automatic", "manual"] | None = None
    writers: Literal["single", "multi"] | None = Field(None, description="single-leader or multi-writer")
    cross_region: Literal["sync", "async"] | None = Field(
        None, description="how copies reach the other regions; unset: as within a region (`mode`)"
    )
    cross_region_failover: Literal["automatic", "manual"] | None = Field(
        None, description="how a replica in another region is promoted; unset: as `failover`"
    )
    fencing: bool | None = Field(None, description="the old primary is fenced before a replica is promoted")


class Backup(_Model):
    pitr: bool | None = None
    rpo: Seconds | None = None
    interval: Seconds | None = None
    retention: Seconds | None = None
    cross_region: bool | None = None
    encrypted: bool | None = None
    tested: str | None = Field(None, description="how restores are tested, e.g. quarterly")


class Partition(_Model):
    """The stance under partition (CAP) and in normal operation (PACELC's else-branch)."""

    prefer: Literal["consistency", "availability"] | None = None
    normal: Literal["consistency", "latency"] | None = None


class Residency(_Model):
    data: str
    regions: list[str]


class Requirements(_Model):
    peak_load: PerSecond | None = None
    sustained_load: PerSecond | None = None
    availability: Fraction | None = None
    latency: list[Latency] = Field(default_factory=list)
    partition: Partition = Field(default_factory=Partition)
    rpo: Seconds | None = None
    rto: Seconds | None = None
    compliance: list[str] = Field(default_factory=list)
    residency: list[Residency] = Field(default_factory=list)
    survive: Literal["zone", "region"] | None = Field(None, description="the largest failure to ride through")
    durability: Fraction | None = None


class DisasterRecovery(_Model):
    strategy: Literal["active_active", "hot_standby", "warm_standby", "pilot_light", "backup_restore"] | None = None
    failover: Literal["automatic", "manual"] | None = None
    tested: str | None = None
    runbook: str | None = None


class Routing(_Model):
    policy: Literal["latency", "geo", "weighted", "failover", "round_robin"] | None = None
    weights: dict[str, Fraction] = Field(default_factory=dict, description="region name to traffic share")
    ingress: str | None = None


class Observability(_Model):
    metrics: str | None = None
    tracing: str | None = None
    logs: str | None = None
    dashboards: str | None = None
    alerting: str | None = None


Scalar = str | float | bool


class Region(_Model):
    name: str
    description: str | None = None
    owner: str | None = None
    tags: list[str] = Field(default_factory=list)
    properties: dict[str, Scalar] = Field(default_factory=dict)
    zones: list[str]
    role: Literal["primary", "active", "standby"] = "primary"
    provider: str | None = None
    location: str | None = None
    jurisdiction: str | None = Field(None, description="whose law governs data held there: eu, us, ...")
    span: Location


class Edge(_Model):
    """A dependency of ``source`` on ``target``: a call, a read, a write, a publish or a consume."""

    source: str
    target: str
    kind: Literal["calls", "reads", "writes", "publishes", "consumes"]
    mode: Literal["sync", "async"]
    criticality: Literal["hard", "soft"] | None = Field(
        None, description="hard: the source fails without it; soft: it degrades. Unset: inferred by rules"
    )
    protocol: str | None = None
    timeout: Seconds | None = None
    retries: int | None = Field(None, ge=0)
    backoff: Literal["none", "constant", "linear", "exponential"] | None = None
    backoff_base: Seconds | None = None
    backoff_max: Seconds | None = None
    jitter: bool | None = None
    retry_budget: Fraction | None = None
    circuit_breaker: bool | None = None
    bulkhead: int | None = Field(None, ge=1, description="maximum concurrent calls")
    fallback: str | None = None
    fallback_via: str | None = Field(None, description="the component the fallback uses")
    idempotency_key: bool | None = None
    idempotent: bool | None = None
    delivery: Literal["at_most_once", "at_least_once", "exactly_once", "effectively_once"] | None = None
    outbox: bool | None = Field(
        None, description="published from the producer's own transaction (a transactional outbox)"
    )
    group: str | None = None
    dead_letter: bool | None = None
    ordering: str | None = Field(None, description="ordering key or guarantee")
    consistency: str | None = Field(None, description="the consistency this edge needs from the target")
    auth: str | None = None
    encryption: Literal["none", "tls", "mtls"] | None = None
    identity_propagation: bool | None = None
    rate_limit: RateLimit | None = None
    data: list[str] = Field(default_factory=list)
    schema_version: str | None = None
    reason: str | None = Field(None, description="why this edge is sync or async: the `because` text")
    description: str | None = None
    share: Fraction | None = Field(None, description="the share of the caller's requests that take this edge")
    fanout: float | None = Field(None, ge=1, description="calls or messages each request becomes")
    connection: Literal["request", "persistent"] | None = Field(
        None, description="persistent: held open for a session (a WebSocket, a subscription); unset: a request"
    )
    when: Literal["request", "connect"] | None = Field(
        None, description="connect: made each time a client of the caller (re)connects; unset: per request"
    )
    span: Location


class Component(_Model):
    """Facts every kind of component has."""

    name: str
    kind: str
    title: str | None = None
    based_on: list[str] = Field(
        default_factory=list, description="the `define`d kinds this instantiates, nearest first"
    )
    engine: str | None = Field(None, description="the stdlib engine it runs: postgres, kafka, redis, ...")
    protocol: str | None = Field(None, description="the protocol callers use unless an edge says otherwise")
    description: str | None = None
    owner: str | None = None
    tags: list[str] = Field(default_factory=list)
    properties: dict[str, Scalar] = Field(default_factory=dict)
    technology: Technology | None = None
    placement: list[Placement] = Field(default_factory=list, description="empty: every non-standby region")
    replicas: Replicas | None = None
    state: Literal["stateless", "stateful"] | None = None
    exposure: Literal["public", "internal", "private"] = "internal"
    trust_boundary: str | None = None
    availability: Fraction | None = Field(None, description="the component's own availability (an SLA or estimate)")
    availability_source: str | None = None
    instance_availability: Fraction | None = Field(
        None, description="availability of one instance; replicas across zones combine as 1 - (1 - a)^k"
    )
    instance_availability_source: str | None = None
    latency: list[Latency] = Field(default_factory=list, description="the component's own latency")
    slo: Slo | None = None
    health_check: HealthCheck | None = None
    data: list[str] = Field(default_factory=list, description="classes of data it holds: pci, pii, phi, ...")
    encryption_at_rest: bool | None = None
    kms: str | None = None
    managed: str | None = Field(None, description="the provider that operates it, if managed: aws, gcp, ...")
    cell: str | None = None
    allowed_callers: list[str] | None = Field(None, description="if set, only these components may call it")
    inherited: dict[str, str] = Field(
        default_factory=dict,
        description="facts taken from its engine or definitions, not stated on it: field to where they are written",
    )
    span: Location


class Service(Component):
    kind: Literal["service"] = "service"
    api: list[ApiVersion] = Field(default_factory=list)
    autoscale: Autoscale | None = None
    capacity: PerSecond | None = Field(None, description="requests per second one replica carries")
    headroom: Fraction | None = None
    rate_limit: list[RateLimit] = Field(default_factory=list)
    deploy: Deploy | None = None
    backpressure: Backpressure | None = None
    cells: Cells | None = None
    discovery: str | None = None
    waf: bool | None = None
    load_shedding: list[str] = Field(default_factory=list, description="what is shed first, in order")
    degrades: str | None = Field(None, description="what still works when dependencies fail")
    scaling: Literal["horizontal", "vertical", "none"] | None = None
    identity_provider: bool | None = None
    vault: bool | None = Field(None, description="whether it holds secrets in a vault")
    call_order: Literal["parallel", "sequential"] | None = Field(
        None, description="whether its synchronous calls run one after another; unset: taken as parallel"
    )
    trigger: Trigger | None = Field(None, description="what starts its work when no caller does; unset: requests")
    affinity: Affinity | None = Field(None, description="the key each request is routed by to the replica owning it")
    image: str | None = Field(None, description="container image without a tag; unset: a placeholder")
    ports: list[Port] = Field(default_factory=list, description="empty: `http 8080` (`grpc 9090` for gRPC)")
    resources: Resources | None = Field(None, description="unset: cpu 0.25..1, memory 256MiB..512MiB")


class Store(Component):
    kind: Literal["store"] = "store"
    model: str | None = Field(None, description="relational, document, key_value, wide_column, graph, object, ...")
    consistency: str | None = None
    replication: Replication | None = None
    sharding: Sharding | None = None
    backup: Backup | None = None
    partition: Partition = Field(default_factory=Partition)
    retention: Seconds | None = None
    schema_version: SchemaVersion | None = None
    capacity: PerSecond | None = None
    size: Bytes | None = None
    record_size: Bytes | None = Field(None, description="the size of one record a write adds")
    replica_of: str | None = Field(None, description="the store whose read replicas this is; unset: its own data")
    rpo: Seconds | None = Field(None, description="the data loss it may allow; unset: the system's rpo")
    size_class: Literal["small", "medium", "large", "xlarge", "xxlarge"] | None = Field(
        None, description="instance size, cloud-neutral; unset: small"
    )
    storage: Bytes | None = Field(None, description="provisioned disk per copy; unset: twice `size`, at least 20GiB")
    reproducible: bool | None = Field(None, description="can be rebuilt from other data, so needs no backup")


class Stream(Component):
    kind: Literal["stream"] = "stream"
    partitions: int | None = Field(None, ge=1)
    replication_factor: int | None = Field(None, ge=1)
    min_insync: int | None = Field(None, ge=1)
    acks: Literal["all", "leader", "none"] | None = None
    retention: Seconds | None = None
    schema_version: SchemaVersion | None = None
    ordering: str | None = None
    backup: Backup | None = None
    capacity: PerSecond | None = None
    size_class: Literal["small", "medium", "large", "xlarge", "xxlarge"] | None = Field(
        None, description="instance size, cloud-neutral; unset: small"
    )
    storage: Bytes | None = Field(None, description="disk per broker; unset: 100GiB")


class Queue(Component):
    kind: Literal["queue"] = "queue"
    max_length: int | None = Field(None, ge=1)
    overflow: Literal["reject", "drop_oldest", "block"] | None = None
    visibility_timeout: Seconds | None = None
    fifo: bool | None = None
    dead_letter: bool | None = None
    retention: Seconds | None = None
    replication: Replication | None = None
    backup: Backup | None = None
    capacity: PerSecond | None = None


class Cache(Component):
    kind: Literal["cache"] = "cache"
    ttl: Seconds | None = None
    invalidation: Literal["ttl", "write_through", "write_behind", "write_around", "explicit", "event"] | None = None
    eviction: str | None = None
    stampede_protection: Literal["none", "lock", "coalesce", "probabilistic", "stale_while_revalidate"] | None = None
    holds: str | None = None
    max_memory: Bytes | None = None
    size: Bytes | None = Field(None, description="the data it holds")
    sharding: Sharding | None = None
    caches: str | None = Field(None, description="the store (or service) behind it, which its misses reach")
    hit_ratio: Fraction | None = Field(None, description="the share of reads it answers")
    size_class: Literal["small", "medium", "large", "xlarge", "xxlarge"] | None = Field(
        None, description="instance size, cloud-neutral; unset: small"
    )
    replication: Replication | None = None
    consistency: str | None = None
    capacity: PerSecond | None = None


class External(Component):
    kind: Literal["external"] = "external"
    provider: str | None = None
    location: str | None = Field(None, description="where the provider runs it, in words")
    jurisdiction: str | None = Field(None, description="whose law governs the data it processes: eu, us, ...")
    rate_limit: list[RateLimit] = Field(default_factory=list)
    sla_source: str | None = None


class Client(Component):
    kind: Literal["client"] = "client"
    exposure: Literal["public", "internal", "private"] = "public"


_ANY_COMPONENT_UNION = Service | Store | Stream | Queue | Cache | External | Client
AnyComponent = Annotated[_ANY_COMPONENT_UNION, Field(discriminator="kind")]

COMPONENT_CLASSES: dict[str, type[Component]] = {
    "service": Service,
    "store": Store,
    "stream": Stream,
    "queue": Queue,
    "cache": Cache,
    "external": External,
    "client": Client,
}


class ViewSelector(_Model):
    """One `include` or `exclude` of a view: components by name, tag, kind or owner, or all of them."""

    by: Literal["names", "tag", "kind", "owner", "all"]
    values: list[str] = Field(
        default_factory=list,
        description="names: the component names; tag, kind, owner: the one tag, kind or owner; all: empty",
    )


class View(_Model):
    """A hand-made architecture diagram: the components it shows.

    A view shows the components its `include` selectors match (every component if it has none), less those its
    `exclude` selectors match; with ``neighbours``, also the direct callers and callees of those, faded, unless
    `exclude` matches them too.
    """

    name: str
    title: str | None = None
    description: str | None = None
    include: list[ViewSelector] = Field(default_factory=list, description="in order; empty means every component")
    exclude: list[ViewSelector] = Field(default_factory=list, description="in order")
    neighbours: bool = Field(False, description="also show the direct callers and callees of what is included")
    span: Location


class Flow(_Model):
    """A kind of request: its rate at peak and the routes it takes, from where it enters."""

    name: str
    title: str | None = None
    description: str | None = None
    rate: PerSecond | None = Field(None, description="its rate at peak")
    share: Fraction | None = Field(None, description="its rate as a share of the system's peak_load")
    routes: list[list[str]] = Field(
        default_factory=list,
        description="component names, in order: the first from its entry, each later one (a branch) from a"
        " component an earlier route reached",
    )
    payload: Bytes | None = Field(None, description="bytes each request carries")
    criticality: Literal["hard", "soft"] | None = Field(
        None, description="soft: a feature the product can do without for a while; unset: hard"
    )
    writes: list[str] = Field(default_factory=list, description="what it writes, where its caller also reads it")
    span: Location

    @property
    def entry(self) -> str | None:
        return self.routes[0][0] if self.routes and self.routes[0] else None

    def components(self) -> list[str]:
        """Every component on its routes, once, in the order they are first reached."""
        seen: dict[str, None] = {}
        for r in self.routes:
            for n in r:
                seen.setdefault(n, None)
        return list(seen)


class System(_Model):
    name: str
    title: str | None = None
    description: str | None = None
    owner: str | None = None
    tags: list[str] = Field(default_factory=list)
    properties: dict[str, Scalar] = Field(default_factory=dict)
    technology: Technology | None = None
    requirements: Requirements = Field(default_factory=Requirements)
    disaster_recovery: DisasterRecovery | None = None
    routing: Routing | None = None
    discovery: str | None = None
    observability: Observability | None = None
    views: list[View] = Field(default_factory=list, description="hand-made architecture diagrams, in order")
    flows: list[Flow] = Field(default_factory=list, description="kinds of request and their routes, in order")
    profile: Literal["sketch", "review", "production"] | None = Field(
        None, description="how strictly unstated facts are reported; unset: the configuration's, else review"
    )
    span: Location


class Rtt(_Model):
    """The round-trip time between two regions, named as the design names them."""

    a: str
    b: str
    rtt: Seconds
    source: str | None = None


class Design(_Model):
    """A whole design: one system, its regions, components and the edges between them."""

    designc_version: str
    system: System | None = Field(None, description="absent only for a library of definitions")
    regions: list[Region] = Field(default_factory=list)
    components: list[AnyComponent] = Field(default_factory=list)
    edges: list[Edge] = Field(default_factory=list)
    network: list[Rtt] = Field(default_factory=list, description="round-trip times between regions")
    files: list[str] = Field(default_factory=list, description="the files of the design, relative to its root")


# --- building the model without re-validating it ----------------------------------------------------------------
#
# The resolver has already checked every value against the language's schema, so the model is assembled with
# `model_construct`, which skips pydantic's validation and, more to the point for a cold `designc check`, the
# building of validators (about 0.1 s for these classes). The test suite validates every constructed model
# against these same classes (`Design.model_validate(design.model_dump())`), so the two cannot disagree
# unnoticed.

_PLANS: dict[type[BaseModel], Any] = {}


def _plan_for(annotation: Any) -> Any:
    """How to build a field's value from plain data: a model class, ('list', plan), ('dict', plan),
    'component', or None for plain values."""
    origin = get_origin(annotation)
    if origin is Annotated:
        args = get_args(annotation)
        if args[0] is _ANY_COMPONENT_UNION:
            return "component"
        return _plan_for(args[0])
    if origin in (Union, UnionType):
        if annotation is _ANY_COMPONENT_UNION:
            return "component"
        plans = [_plan_for(a) for a in get_args(annotation) if a is not type(None)]
        plans = [p for p in plans if p is not None]
        return plans[0] if len(plans) == 1 else None
    if origin is list:
        inner = _plan_for(get_args(annotation)[0])
        return ("list", inner) if inner is not None else None
    if origin is dict:
        inner = _plan_for(get_args(annotation)[1])
        return ("dict", inner) if inner is not None else None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _apply(plan: Any, value: Any) -> Any:
    if value is None or plan is None:
        return value
    if plan == "component":
        return construct(COMPONENT_CLASSES[value["kind"]], value) if isinstance(value, dict) else value
    if isinstance(plan, tuple):
        if plan[0] == "list":
            return [_apply(plan[1], v) for v in value]
        return {k: _apply(plan[1], v) for k, v in value.items()}
    return construct(plan, value) if isinstance(value, dict) else value


class _EmptyList(list[Any]):
    """The value of a list field an object built by `construct` does not state: one shared empty list, which no
    one may add to (the model is not changed once built; this says so loudly if some code tries)."""

    __slots__ = ()

    def _shared(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("a model's unstated list is shared and stays empty: build a new list instead")

    append = extend = insert = remove = pop = clear = sort = reverse = _shared
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _shared


class _EmptyDict(dict[Any, Any]):
    """As `_EmptyList`, for a dict field."""

    __slots__ = ()

    def _shared(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("a model's unstated dict is shared and stays empty: build a new dict instead")

    update = setdefault = pop = popitem = clear = _shared
    __setitem__ = __delitem__ = __ior__ = _shared


_EMPTY_LIST = _EmptyList()
_EMPTY_DICT = _EmptyDict()


class _Plan:
    __slots__ = ("defaults", "factories", "made", "nested", "shareable", "shared")

    def __init__(self, cls: type[BaseModel]) -> None:
        self.nested: dict[str, Any] = {}
        self.factories: dict[str, Any] = {}  # every field with a default factory, in declaration order
        self.shared: dict[str, Any] = {}  # those of them whose unstated value is the shared empty list or dict
        self.defaults: dict[str, Any] = {}
        for name, info in cls.model_fields.items():
            p = _plan_for(info.annotation)
            if p is not None:
                self.nested[name] = p
            if info.default_factory is not None:
                factory = info.default_factory
                if isinstance(factory, type) and issubclass(factory, BaseModel):
                    # built as `construct` builds it: calling the class would validate, and building its
                    # validator (pydantic defers it to the first call) costs a cold run 30 ms
                    factory = partial(construct, factory, {})
                self.factories[name] = factory
                made = factory()  # type: ignore[call-arg]
                if type(made) is list and not made:
                    self.shared[name] = _EMPTY_LIST
                elif type(made) is dict and not made:
                    self.shared[name] = _EMPTY_DICT
            elif not info.is_required():
                self.defaults[name] = info.default
        # the factories `construct` calls for a field not stated: those whose value is not shared
        self.made = [(k, f) for k, f in self.factories.items() if k not in self.shared]
        # a value object with no location of its own (a replica range, a health check, a latency): see `construct`
        self.shareable = "span" not in cls.model_fields and cls is not Location  # a location is its own
        # A field left at a plain default, or at an empty list or dict, is read from the class, not stored in each
        # object (see `construct`)
        for name, value in [*self.defaults.items(), *self.shared.items()]:
            if hasattr(BaseModel, name):  # pragma: no cover - no field shadows pydantic's own names today
                raise TypeError(f"{cls.__name__}.{name} shadows a pydantic attribute")
            type.__setattr__(cls, name, value)


def _plan(cls: type[BaseModel]) -> _Plan:
    plan = _PLANS.get(cls)
    if plan is None:
        plan = _PLANS[cls] = _Plan(cls)
    return plan


# Objects built from the same set of stated fields share one fields-set (pydantic's record of which fields were
# set explicitly), and it is a frozenset: a set per object was two fifths of the model's memory (100 MiB at 10,000
# services). The model is not assigned to once built; assigning a field would now fail loudly (pydantic adds the
# name to the fields-set), which the tests would catch.
_FIELDS_SETS: dict[frozenset[str], frozenset[str]] = {}


# Value objects built from the same plain values (every service's `replicas 3..12`, health check and autoscale in a
# large design made from templates) are one object while a design is resolved; `forget_shared` ends that.
_SHARED: dict[tuple[Any, ...], Any] = {}
_PLAIN = frozenset({str, int, float, bool, type(None)})


def forget_shared() -> None:
    """Stop sharing value objects with those built so far (the resolver calls it when a design's model is
    built)."""
    _SHARED.clear()


# BaseModel's own slots, set directly (what `object.__setattr__` does after looking each one up on the type: twice
# as fast, and done four times for every object of the model)
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def construct(cls: type[M], data: dict[str, Any]) -> M:
    """Build ``cls`` from already-checked plain data, nested models included, without validation.

    This does what ``BaseModel.model_construct`` does (set ``__dict__`` and the fields-set), four times faster:
    that method inspects every default factory's signature on every call.

    Only the stated fields (and those made by a default factory other than an empty list or dict) are kept in the
    object's ``__dict__``; a field left at its plain default (``None``, ``"internal"``, ...), or at an empty list
    or dict (one shared value that refuses changes), is read from the class, where `_Plan` puts it. An edge
    states 6 of its 36 fields, so its dict is a third of the size (60 MiB less at 10,000 services). Reads are the
    same typed attribute reads; `_Model` fills the defaults in (`complete`) before pydantic itself reads
    ``__dict__`` (dumping), and compares and prints objects field by field.
    """
    plan = _PLANS.get(cls)
    if plan is None:
        plan = _plan(cls)
    key: tuple[Any, ...] | None = None
    if plan.shareable:
        key = (cls,)
        for k, v in data.items():
            t = type(v)
            if t not in _PLAIN or (t is float and v == 0.0):  # a list or model inside; 0.0 and -0.0 are equal
                key = None
                break
            key += (k, t, v)  # the type too: True == 1 == 1.0
        if key is not None:
            same = _SHARED.get(key)
            if same is not None:
                return same  # type: ignore[no-any-return]
    values = data.copy()
    for k, p in plan.nested.items():
        if k in data:
            values[k] = _apply(p, values[k])
    for k, f in plan.made:
        if k not in data:
            values[k] = f()
    obj = _build(cls, values, frozenset(data))
    if key is not None:
        _SHARED[key] = obj
    return obj


def _build(cls: type[M], values: dict[str, Any], stated: frozenset[str]) -> M:
    """An object of ``cls`` holding ``values`` (its stated fields, and those a factory made), without validation;
    the fields-set shared by every object with the same stated fields."""
    obj = cls.__new__(cls)
    _set_dict(obj, values)
    _set_fields_set(obj, _FIELDS_SETS.setdefault(stated, stated))
    _set_extra(obj, None)
    _set_private(obj, None)
    return obj


def _restore(cls: type[M], values: dict[str, Any], stated: frozenset[str]) -> M:
    """An object of the model as `_Model.__reduce__` pickled it."""
    if cls not in _PLANS:
        _plan(cls)  # puts the defaults of the fields it did not store on the class
    return _build(cls, values, stated)


def _full(obj: BaseModel) -> dict[str, Any]:
    """Every field of ``obj``, in the order `construct` stored them before it left defaults out (plain defaults
    first, in declaration order, stated or not; then the other stated fields, as stated; then the unstated fields
    made by a factory, in declaration order), which is the order pydantic dumps them in. An object pydantic
    validated stores every field."""
    d = obj.__dict__
    stated = obj.__pydantic_fields_set__
    if type(stated) is not frozenset:  # not built by `construct`
        return d
    plan = _plan(type(obj))
    factories = plan.factories
    full: dict[str, Any] = plan.defaults.copy()
    for k, v in d.items():
        if k in stated or k not in factories:
            full[k] = v
    for k, f in factories.items():
        if k not in full:
            full[k] = d[k] if k in d else f()
    return full


def complete(value: Any) -> None:
    """Store every field of every model object in ``value`` (nested ones included), as pydantic's serializer
    reads ``__dict__`` directly."""
    if isinstance(value, BaseModel):
        object.__setattr__(value, "__dict__", _full(value))
        for v in value.__dict__.values():
            if isinstance(v, (BaseModel, list, dict)):
                complete(v)
    elif isinstance(value, list):
        for v in value:
            if isinstance(v, (BaseModel, list, dict)):
                complete(v)
    elif isinstance(value, dict):
        for v in value.values():
            if isinstance(v, (BaseModel, list, dict)):
                complete(v)
