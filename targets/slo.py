"""SLOs as OpenSLO documents and Prometheus rules: `slo/` in the system's folder.

Every objective of a component's `slo` block is one SLO: its availability, and each latency percentile
(`latency max` is a hard limit with no error budget, so it is left out and the README says so). The system's
`requirements` (availability, latency) hold at its entrypoints; each one becomes a system SLO measured over the
entrypoint services' requests together, unless every entrypoint service's own SLO already states that objective
at least as strictly (the system SLO would only repeat those and double every page).

Files:

* `slo/openslo/<component>.yaml`: an OpenSLO v1 `Service` and one `SLO` per objective (inline `SLI`, a
  `ratioMetric` of Prometheus queries, a rolling window, `Occurrences` budgeting); system SLOs go to
  `slo/openslo/system-<system>.yaml` (a `-` no component name can hold).
* `slo/prometheus/rules.yaml`: a Prometheus rules file, one group per SLO: the error ratio recorded over each
  window an alert reads (`slo:sli_error:ratio_rate5m` ...), the objective, the error ratio over the SLO window
  and the budget left, and multi-window, multi-burn-rate alerts (the `alert` blocks of the design, else the SRE
  workbook's: page at 14.4x over 1h and 5m and at 6x over 6h and 30m, ticket at 3x over 1d and 2h and at 1x
  over 3d and 6h). An alert whose threshold (burn rate x budget) reaches 100% can never fire and is left out.
* `slo/prometheus/prometheusrule.yaml`: the same groups as a Prometheus Operator `PrometheusRule`.
* `slo/README.md`: what was generated, the metrics it assumes, what to check by hand.

The SLI is the design's `errors` and `total` queries (PromQL with `$window` where the range goes) when it states
them; they measure the availability objective, or, in a block without one, its only latency objective. Otherwise
the defaults below, with the `service` label holding the component's Kubernetes Service name (`api_gateway` is
`api-gateway`, as the `kubernetes` target names it and a Prometheus Operator ServiceMonitor labels it):

* availability, HTTP: errors `sum(rate(http_requests_total{service="NAME",code=~"5.."}[$window]))`, total
  `sum(rate(http_requests_total{service="NAME"}[$window]))`;
* availability, gRPC (a service whose `protocol` is `grpc`, else whose ports are all `grpc`, else that every
  caller calls over gRPC): `grpc_server_handled_total` with
  `grpc_code=~"Unknown|DeadlineExceeded|Internal|Unavailable|DataLoss|ResourceExhausted"`: the codes by which
  the server, not the caller, failed (ResourceExhausted is how servers shed load);
* latency under a threshold T: good `sum(rate(http_request_duration_seconds_bucket{service="NAME",le="T"}[...]))`
  of total `sum(rate(http_request_duration_seconds_count{service="NAME"}[...]))` (gRPC:
  `grpc_server_handling_seconds`); `T` must be one of the histogram's bucket boundaries, written as Go clients
  and Prometheus 3 write it (`0.25`, `1`).

A missing default error series counts as no errors (`or vector(0)`): client libraries create the 5xx series only
at the first failure. The OpenSLO queries are these rates over 5m (`counter: false`).

Alerts are named `<Component><Objective>ErrorBudgetBurn` (`ApiGatewayAvailabilityErrorBudgetBurn`), labelled
`severity` (page or ticket), `system`, `service`, `slo`, `burn` (the alert's name), `long_window` and
`short_window`; their summary and description say in words what burns, how fast and when the budget is gone,
and a `runbook_url` annotation points at the component's or else the system's `properties { runbook "..." }`
when the design has one (nothing is invented otherwise).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from ._scaffold import dns_name, header, source_file

DESCRIPTION = "SLOs as OpenSLO documents and Prometheus burn-rate alerting rules (slo/)"
INDEPENDENT = True  # shares no work with other targets: a large build runs it in a process of its own

HTTP_REQUESTS = "http_requests_total"
HTTP_DURATION = "http_request_duration_seconds"
GRPC_HANDLED = "grpc_server_handled_total"
GRPC_DURATION = "grpc_server_handling_seconds"
GRPC_ERROR_CODES = "Unknown|DeadlineExceeded|Internal|Unavailable|DataLoss|ResourceExhausted"

MS = 1
SECOND = 1000 * MS
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE
DAY = 24 * HOUR

RATIO = "slo:sli_error:ratio_rate"  # + a window: the error ratio over that window
OBJECTIVE = "slo:objective:ratio"
PERIOD_RATIO = "slo:period_sli_error:ratio"  # the error ratio over the SLO window
BUDGET_LEFT = "slo:period_error_budget_remaining:ratio"
BASE_WINDOW = 5 * MINUTE  # the ratio the SLO window's ratio is averaged from; also the OpenSLO queries' range

PERCENTILE_TARGET = {"p50": 0.5, "p90": 0.9, "p95": 0.95, "p99": 0.99, "p999": 0.999}


@dataclass(frozen=True)
class BurnAlert:
    name: str
    burn_rate: float
    long: int  # milliseconds
    short: int  # milliseconds
    severity: str
    stated: bool  # written in the design, rather than a default


DEFAULT_ALERTS = (
    BurnAlert("page_1h", 14.4, HOUR, 5 * MINUTE, "page", False),
    BurnAlert("page_6h", 6.0, 6 * HOUR, 30 * MINUTE, "page", False),
    BurnAlert("ticket_1d", 3.0, DAY, 2 * HOUR, "ticket", False),
    BurnAlert("ticket_3d", 1.0, 3 * DAY, 6 * HOUR, "ticket", False),
)


@dataclass
class Sli:
    """An error ratio: `bad` / total, or 1 - `good` / total; queries with `$window` where the range goes."""

    counts: str  # "bad" or "good": what `first` counts
    first: str
    total: str
    source: str  # in words, for the comments and the README
    zero_if_absent: bool = False  # a missing `first` series means none: default error counters only

    def query(self, which: str, window: int) -> str:
        return (self.first if which == "first" else self.total).replace("$window", prom_duration(window))

    def error_ratio(self, window: int) -> str:
        first, total = self.query("first", window), self.query("total", window)
        if self.counts == "good":
            return f"1 - (({first}) / ({total}))"
        if self.zero_if_absent:
            return f"({first} or vector(0)) / ({total})"
        return f"({first}) / ({total})"


@dataclass
class Objective:
    """One SLO: an availability or one latency percentile of a component, or of the system at its entrypoints."""

    id: str  # the OpenSLO name, the rule group's name and the `slo` label
    element: Any  # the component, or the system
    who: str  # `api_gateway`, `the payments system`
    requests: str  # `requests to api_gateway`
    service: str  # the `service` label of the rules
    service_object: str  # the OpenSLO Service it belongs to
    file: str  # its OpenSLO file, relative to the system's folder
    kind: str  # availability | latency
    target: float  # the fraction of good events
    window: int  # milliseconds
    sli: Sli
    alerts: list[BurnAlert]
    dropped: list[BurnAlert]  # alerts that could never fire
    measured_at: list[str]
    percentile: str | None = None
    threshold: float | None = None  # seconds
    words: str | None = None  # the design's `sli` text
    runbook: str | None = None
    notes: list[str] = field(default_factory=list)  # what to check by hand

    @property
    def what(self) -> str:
        """`99.99% availability`, `p99 250ms latency`."""
        if self.kind == "availability":
            return f"{pct(self.target)} availability"
        return f"{self.percentile} {human_duration(self.threshold_ms)} latency"

    @property
    def threshold_ms(self) -> int:
        return to_ms(self.threshold or 0)

    @property
    def objective_words(self) -> str:
        if self.kind == "availability":
            return f"{pct(self.target)} of requests succeed"
        return f"{pct(self.target)} of requests within {human_duration(self.threshold_ms)}"


# --- numbers, durations, names ----------------------------------------------------------------------------------


def to_ms(seconds: float) -> int:
    return round(seconds * 1000)


def num(x: float) -> str:
    """A number in PromQL and YAML: 0.9995, 14.4, 6."""
    return f"{x:.12g}"


def pct(fraction: float) -> str:
    """0.9995 -> 99.95%, as many nines as stated."""
    text = f"{fraction * 100:.6f}".rstrip("0").rstrip(".")
    return text + "%"


@functools.lru_cache(maxsize=4096)
def prom_duration(ms: int) -> str:
    """A Prometheus duration in its largest whole unit: 5m, 1h, 3d, 90m, 35s, 500ms."""
    for unit, size in (("d", DAY), ("h", HOUR), ("m", MINUTE), ("s", SECOND)):
        if ms >= size and ms % size == 0:
            return f"{ms // size}{unit}"
    return f"{ms}ms"


def openslo_duration(ms: int) -> str:
    """An OpenSLO duration shorthand (minutes, hours, days, weeks ...): 30d, 12h; at least 1m."""
    for unit, size in (("d", DAY), ("h", HOUR)):
        if ms >= size and ms % size == 0:
            return f"{ms // size}{unit}"
    return f"{max(1, round(ms / MINUTE))}m"


def human_duration(ms: int) -> str:
    """As the design writes durations: 250ms, 1.5s, 5m, 30d."""
    for unit, size in (("d", DAY), ("h", HOUR), ("m", MINUTE)):
        if ms >= size and ms % size == 0:
            return f"{ms // size}{unit}"
    if ms >= SECOND:
        return f"{ms / SECOND:g}s"
    return f"{ms}ms"


def window_words(ms: int) -> str:
    """`30-day`, `12-hour`, `90-minute`."""
    for unit, size in (("day", DAY), ("hour", HOUR), ("minute", MINUTE)):
        if ms >= size and ms % size == 0:
            return f"{ms // size}-{unit}"
    return human_duration(ms)


def exhaustion(ms: float) -> str:
    """How long until a budget is gone, roughly: `2 days`, `50 hours`, `25 minutes`."""
    hours = ms / HOUR
    if hours >= 48:
        return f"{round(hours / 24)} days"
    if hours >= 2:
        return f"{round(hours)} hours"
    minutes = max(1, round(ms / MINUTE))
    return f"{minutes} minute" + ("s" if minutes != 1 else "")


def le_value(seconds: float) -> str:
    """A histogram bucket boundary as Go clients and Prometheus 3 write `le`: 0.25, 1, 1.5."""
    text = repr(float(seconds))
    return text[:-2] if text.endswith(".0") else text


def camel(name: str) -> str:
    """`api_gateway` -> `ApiGateway`, for alert names."""
    parts = [p for p in "".join(ch if ch.isalnum() else "_" for ch in name).split("_") if p]
    out = "".join(p[:1].upper() + p[1:] for p in parts) or "X"
    return out if not out[0].isdigit() else "X" + out


def unique(base: str, taken: set[str]) -> str:
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    taken.add(name)
    return name


def service_label(name: str) -> str:
    """The `service` label a component's metrics carry: the name of its Kubernetes Service in the `kubernetes`
    target (`api_gateway` becomes `api-gateway`), which is what a Prometheus Operator ServiceMonitor sets."""
    return dns_name(name)


def service_matcher(names: list[str]) -> str:
    values = [service_label(n) for n in names]
    if len(values) == 1:
        return f'service="{values[0]}"'
    return 'service=~"{}"'.format("|".join(v.replace(".", "\\\\.") for v in values))


def is_grpc(component: Any, build: Any = None) -> bool:
    """A component callers reach over gRPC: its `protocol`, else its stated ports, else the calls to it (the same
    test the `kubernetes` target uses for its ports and probes)."""
    from ._scaffold import speaks_grpc

    if component.kind != "service":
        return (getattr(component, "protocol", None) or "").lower() == "grpc"
    inbound = (
        [e.protocol for e in build.graph.inc.get(component.name, []) if e.mode == "sync"] if build is not None else None
    )
    return speaks_grpc(component, inbound)


# --- the SLIs ---------------------------------------------------------------------------------------------------


def default_availability(names: list[str], grpc: bool) -> Sli:
    match = service_matcher(names)
    if grpc:
        return Sli(
            "bad",
            f'sum(rate({GRPC_HANDLED}{{{match},grpc_code=~"{GRPC_ERROR_CODES}"}}[$window]))',
            f"sum(rate({GRPC_HANDLED}{{{match}}}[$window]))",
            f"default: `{GRPC_HANDLED}`, server-side `grpc_code`s failed",
            zero_if_absent=True,
        )
    return Sli(
        "bad",
        f'sum(rate({HTTP_REQUESTS}{{{match},code=~"5.."}}[$window]))',
        f"sum(rate({HTTP_REQUESTS}{{{match}}}[$window]))",
        f"default: `{HTTP_REQUESTS}`, 5xx `code`s failed",
        zero_if_absent=True,
    )


def default_latency(names: list[str], grpc: bool, threshold: float) -> Sli:
    match = service_matcher(names)
    metric = GRPC_DURATION if grpc else HTTP_DURATION
    return Sli(
        "good",
        f'sum(rate({metric}_bucket{{{match},le="{le_value(threshold)}"}}[$window]))',
        f"sum(rate({metric}_count{{{match}}}[$window]))",
        f'default: histogram `{metric}`, bucket `le="{le_value(threshold)}"`',
    )


def stated_sli(slo: Any, fallback: Sli) -> Sli:
    """The design's `errors` and `total`; a missing one is the default's."""
    first = slo.error_query if slo.error_query else fallback.first
    total = slo.total_query if slo.total_query else fallback.total
    said = [w for w, q in (("errors", slo.error_query), ("total", slo.total_query)) if q]
    if fallback.counts == "good" and not slo.error_query:  # only `total` stated: keep the default's good events
        return Sli("good", fallback.first, total, "the design's `total`, default good events")
    source = f"the design's {' and '.join(f'`{w}`' for w in said)}"
    return Sli("bad", first, total, source, zero_if_absent=fallback.zero_if_absent and not slo.error_query)


def query_notes(o: Objective, slo: Any | None) -> None:
    if slo is not None:
        for word, q in (("errors", slo.error_query), ("total", slo.total_query)):
            if q and "$window" not in q:
                o.notes.append(
                    f"the design's `{word}` query has no `$window`: every window records the same ratio; write "
                    "`[$window]` where the range goes"
                )
    if o.sli.source.startswith("default") and o.kind == "latency":
        o.notes.append(
            f'`le="{le_value(o.threshold or 0)}"` must be a bucket boundary of the histogram (check that '
            f"`{o.sli.query('first', BASE_WINDOW).removeprefix('sum(rate(').split('[')[0]}` returns a series); "
            "otherwise the latency SLO has no data and never alerts"
        )


# --- collecting the SLOs ----------------------------------------------------------------------------------------


def runbook(properties: dict[str, Any]) -> str | None:
    value = properties.get("runbook")
    return value if isinstance(value, str) and value.strip() else None


def split_alerts(alerts: list[BurnAlert], target: float) -> tuple[list[BurnAlert], list[BurnAlert]]:
    """(alerts that can fire, alerts whose threshold is 100% or more of requests)."""
    kept = [a for a in alerts if a.burn_rate * (1 - target) < 1]
    return kept, [a for a in alerts if a not in kept]


def stated_alerts(slo: Any) -> list[BurnAlert]:
    out = []
    for a in slo.alerts:
        long = to_ms(a.long_window)
        short = to_ms(a.short_window) if a.short_window else max(1, round(long / 12))
        out.append(BurnAlert(a.name, float(a.burn_rate), long, short, a.severity, True))
    return out


@dataclass
class Plan:
    objectives: list[Objective]
    skipped: list[str]  # what has no SLO, and why (`latency max`, an empty block, an unmeasurable requirement)
    covered: list[str]  # system requirements the entrypoints' SLOs already state


def plan(build: Any) -> Plan:
    model = build.model
    system = model.system
    taken: set[str] = set()
    objectives: list[Objective] = []
    skipped: list[str] = []
    system_runbook = runbook(system.properties)
    for c in model.components:
        slo = c.slo
        if slo is None:
            continue
        stated = stated_alerts(slo)
        alerts = stated or list(DEFAULT_ALERTS)
        grpc = is_grpc(c, build)
        latencies = [lat for lat in slo.latency if lat.percentile != "max"]
        for lat in slo.latency:
            if lat.percentile == "max":
                skipped.append(
                    f"`{c.name}`: `latency max {human_duration(to_ms(lat.value))}` is a hard limit with no error "
                    "budget; an SLO needs a percentile (`latency p99 ...`)"
                )
        if slo.availability is None and not latencies:
            skipped.append(f"`{c.name}`: its `slo` block states no availability and no latency percentile")
            continue
        queries = bool(slo.error_query or slo.total_query)
        common = {
            "element": c,
            "who": f"`{c.name}`",
            "requests": f"requests to `{c.name}`",
            "service": service_label(c.name),
            "service_object": dns_name(c.name),
            "file": f"slo/openslo/{c.name}.yaml",
            "window": to_ms(slo.window),
            "measured_at": [c.name],
            "runbook": runbook(c.properties) or system_runbook,
        }
        base = dns_name(c.name)
        if slo.availability is not None:
            sli = default_availability([c.name], grpc)
            if queries:
                sli = stated_sli(slo, sli)
            kept, dropped = split_alerts(alerts, slo.availability)
            o = Objective(
                id=unique(f"{base}-availability", taken),
                words=slo.sli,
                kind="availability",
                target=slo.availability,
                sli=sli,
                alerts=kept,
                dropped=dropped,
                **common,
            )
            query_notes(o, slo)
            objectives.append(o)
        for lat in latencies:
            sli = default_latency([c.name], grpc, lat.value)
            if queries and slo.availability is None and len(latencies) == 1:
                sli = stated_sli(slo, sli)
            target = PERCENTILE_TARGET[lat.percentile]
            kept, dropped = split_alerts(alerts, target)
            name = f"{base}-latency-{lat.percentile}"
            if name in taken:
                name = f"{name}-{dns_name(human_duration(to_ms(lat.value)))}"
            o = Objective(
                id=unique(name, taken),
                kind="latency",
                target=target,
                sli=sli,
                alerts=kept,
                dropped=dropped,
                percentile=lat.percentile,
                threshold=lat.value,
                words=slo.sli if slo.availability is None else None,
                **common,
            )
            query_notes(o, slo if sli.source.startswith("the design") else None)
            objectives.append(o)
        for o in objectives:
            if o.element is c and c.kind != "service" and o.sli.source.startswith("default"):
                o.notes.append(
                    f"`{c.name}` is a {c.kind}, not a service: the default request metrics probably do not exist "
                    "for it; state `errors` and `total` in its `slo` block"
                )
    covered = system_objectives(build, objectives, skipped, taken, system_runbook)
    return Plan(objectives, skipped, covered)


def system_objectives(
    build: Any, objectives: list[Objective], skipped: list[str], taken: set[str], system_runbook: str | None
) -> list[str]:
    """Add the system's requirements as SLOs at its entrypoints, unless their own SLOs already state them; return
    the requirements already covered."""
    model = build.model
    system = model.system
    req = system.requirements
    comps = {c.name: c for c in model.components}
    wanted: list[tuple[str, str | None, float, float]] = []  # (kind, percentile, target, threshold)
    if req.availability is not None:
        wanted.append(("availability", None, req.availability, 0.0))
    for lat in req.latency:
        if lat.percentile == "max":
            skipped.append(
                f"the system: `latency max {human_duration(to_ms(lat.value))}` is a hard limit with no error budget"
            )
            continue
        wanted.append(("latency", lat.percentile, PERCENTILE_TARGET[lat.percentile], lat.value))
    if not wanted:
        return []
    entry = [n for n in build.graph.entrypoints if comps[n].kind == "service"]
    if not entry:
        skipped.append(
            "the system's requirements: no service is an entrypoint (public, or called by a client), so there is "
            "nowhere to measure them"
        )
        return []
    covered: list[str] = []
    grpc = all(is_grpc(comps[n], build) for n in entry)
    where = ", ".join(f"`{n}`" for n in entry)
    base = dns_name(system.name)
    for kind, percentile, target, threshold in wanted:
        if kind == "availability":
            label = f"availability {pct(target)}"
            done = all(comps[n].slo is not None and (comps[n].slo.availability or 0) >= target for n in entry)
        else:
            label = f"latency {percentile} {human_duration(to_ms(threshold))}"
            done = all(
                comps[n].slo is not None
                and any(lat.percentile == percentile and lat.value <= threshold for lat in comps[n].slo.latency)
                for n in entry
            )
        if done:
            verb = "states" if len(entry) == 1 else "state"
            covered.append(
                f"`{label}`: the entrypoint {where} {verb} it, or stricter, in its own SLO"
                if len(entry) == 1
                else f"`{label}`: the entrypoints {where} {verb} it, or stricter, in their own SLOs"
            )
            continue
        kept, dropped = split_alerts(list(DEFAULT_ALERTS), target)
        name = "system-availability" if kind == "availability" else f"system-latency-{percentile}"
        o = Objective(
            id=unique(name, taken),
            element=system,
            who=f"the {system.name} system",
            requests=f"requests to the {system.name} system (at {', '.join(entry)})",
            service=system.name,
            service_object=base,
            file=f"slo/openslo/system-{base}.yaml",
            kind=kind,
            target=target,
            window=30 * DAY,
            sli=default_availability(entry, grpc)
            if kind == "availability"
            else default_latency(entry, grpc, threshold),
            alerts=kept,
            dropped=dropped,
            measured_at=entry,
            percentile=percentile,
            threshold=threshold if kind == "latency" else None,
            runbook=system_runbook,
        )
        query_notes(o, None)
        objectives.append(o)
    return covered


# --- Prometheus rules -------------------------------------------------------------------------------------------


def labels(build: Any, o: Objective) -> dict[str, str]:
    return {"system": build.model.system.name, "service": o.service, "slo": o.id}


def selector(build: Any, o: Objective) -> str:
    return f'{{system="{build.model.system.name}",slo="{o.id}"}}'


def alert_name(build: Any, o: Objective) -> str:
    who = camel(o.service) if o.element is not build.model.system else camel(o.service) + "System"
    what = "Availability" if o.kind == "availability" else f"Latency{camel(o.percentile or '')}"
    return f"{who}{what}ErrorBudgetBurn"


def windows(o: Objective) -> list[int]:
    return sorted({BASE_WINDOW, *(a.long for a in o.alerts), *(a.short for a in o.alerts)})


def annotations(build: Any, o: Objective, a: BurnAlert) -> dict[str, str]:
    long, short = prom_duration(a.long), prom_duration(a.short)
    budget = 1 - o.target
    if o.kind == "availability":
        happened = f"failed over the last {long}"
    else:
        happened = f"took longer than {human_duration(o.threshold_ms)} over the last {long}"
    where = source_file(build, o.element)
    summary = f"{o.who} is burning its {window_words(o.window)} {o.what} error budget {num(a.burn_rate)}x too fast"
    description = (
        f"{{{{ $value | humanizePercentage }}}} of {o.requests} {happened} (and still over the last {short}); "
        f"the objective, {o.objective_words}, allows {pct(budget)}. At this rate the {window_words(o.window)} error "
        f"budget is gone in {exhaustion(o.window / a.burn_rate)}. SLO `{o.id}` of system "
        f"{build.model.system.name}, stated at {where}."
    )
    out = {"summary": summary.replace("`", ""), "description": description.replace("`", "")}
    if o.runbook:
        out["runbook_url"] = o.runbook
    return out


def group(build: Any, o: Objective) -> dict[str, Any]:
    lab = labels(build, o)
    sel = selector(build, o)
    rules: list[dict[str, Any]] = [
        {"record": f"{RATIO}{prom_duration(w)}", "expr": o.sli.error_ratio(w), "labels": dict(lab)} for w in windows(o)
    ]
    rules += [
        {"record": OBJECTIVE, "expr": f"vector({num(o.target)})", "labels": dict(lab)},
        {
            "record": PERIOD_RATIO,
            "expr": f"avg_over_time({RATIO}{prom_duration(BASE_WINDOW)}{sel}[{prom_duration(o.window)}])",
            "labels": dict(lab),
        },
        {"record": BUDGET_LEFT, "expr": f"1 - ({PERIOD_RATIO}{sel} / (1 - {num(o.target)}))", "labels": dict(lab)},
    ]
    for a in o.alerts:
        threshold = f"({num(a.burn_rate)} * (1 - {num(o.target)}))"
        long, short = f"{RATIO}{prom_duration(a.long)}{sel}", f"{RATIO}{prom_duration(a.short)}{sel}"
        expr = f"({long} > {threshold}) and ({short} > {threshold})"
        rules.append(
            {
                "alert": alert_name(build, o),
                "expr": expr,
                "labels": {
                    "severity": a.severity,
                    **lab,
                    "burn": a.name,
                    "long_window": prom_duration(a.long),
                    "short_window": prom_duration(a.short),
                },
                "annotations": annotations(build, o, a),
            }
        )
    return {"name": o.id, "rules": rules}


def group_comment(build: Any, o: Objective) -> list[str]:
    lines = [
        f"{o.id}: {o.what.replace('`', '')} of {', '.join(o.measured_at)} over {prom_duration(o.window)}"
        f" ({source_file(build, o.element)})",
        f"SLI: {o.sli.source.replace('`', '')}" + (f"; {o.words}" if o.words else ""),
    ]
    if o.kind == "latency" and o.sli.source.startswith("default"):
        lines.append(
            f'le="{le_value(o.threshold or 0)}" must be a bucket boundary of the histogram, or this SLO has no data'
        )
    alerts = "the design's alert blocks" if any(a.stated for a in o.alerts + o.dropped) else "SRE workbook defaults"
    lines.append(f"alerts: {alerts}")
    for a in o.dropped:
        lines.append(
            f"left out: alert {a.name} ({num(a.burn_rate)}x) can never fire: {num(a.burn_rate)} x a "
            f"{pct(1 - o.target)} budget is 100% of requests or more"
        )
    return lines


def rules_text(build: Any, groups: list[tuple[list[str], dict[str, Any]]]) -> str:
    """The items of a rules file's `groups:` list, each after its comment, at the left margin."""
    from ._scaffold import yaml_text

    out = []
    for comment, g in groups:
        item = yaml_text({"groups": [g]}).split("\n", 1)[1]  # `- name: ...`, without the `groups:` line
        out.append("".join(f"# {line}\n" for line in comment) + item)
    return "".join(out)


def indented(text: str, indent: str) -> str:
    return "".join(indent + line + "\n" for line in text.splitlines())


# --- OpenSLO ----------------------------------------------------------------------------------------------------


def metric(query: str) -> dict[str, Any]:
    return {"metricSource": {"type": "Prometheus", "spec": {"query": query}}}


def openslo_service(name: str, display: str, description: str) -> dict[str, Any]:
    return {
        "apiVersion": "openslo/v1",
        "kind": "Service",
        "metadata": {"name": name, "displayName": display},
        "spec": {"description": description[:1050]},
    }


def openslo_slo(build: Any, o: Objective) -> dict[str, Any]:
    system = build.model.system
    ratio: dict[str, Any] = {"counter": False}
    ratio[o.sli.counts] = metric(o.sli.query("first", BASE_WINDOW))
    ratio["total"] = metric(o.sli.query("total", BASE_WINDOW))
    indicator_spec: dict[str, Any] = {}
    sli_words = o.words or (
        "requests that did not fail" if o.kind == "availability" else "requests answered within the threshold"
    )
    indicator_spec["description"] = f"{sli_words} ({o.sli.source.replace('`', '')})"[:1050]
    indicator_spec["ratioMetric"] = ratio
    meta_labels = {"system": system.name}
    if o.element is not system:
        meta_labels["component"] = o.element.name
    description = (
        f"{o.objective_words} over a rolling {window_words(o.window)} window, measured at "
        f"{', '.join(o.measured_at)}. Generated by designc from {source_file(build, o.element)}."
    )
    return {
        "apiVersion": "openslo/v1",
        "kind": "SLO",
        "metadata": {"name": o.id, "displayName": f"{o.who.replace('`', '')} {o.what}", "labels": meta_labels},
        "spec": {
            "description": description[:1050],
            "service": o.service_object,
            "indicator": {"metadata": {"name": f"{o.id}-sli"}, "spec": indicator_spec},
            "timeWindow": [{"duration": openslo_duration(o.window), "isRolling": True}],
            "budgetingMethod": "Occurrences",
            "objectives": [{"displayName": o.objective_words, "target": o.target}],
        },
    }


def openslo_files(build: Any, objectives: list[Objective]) -> dict[str, bytes]:
    from ._scaffold import yaml_documents

    system = build.model.system
    by_file: dict[str, list[Objective]] = {}
    for o in objectives:
        by_file.setdefault(o.file, []).append(o)
    out: dict[str, bytes] = {}
    for path, items in by_file.items():
        element = items[0].element
        if element is system:
            service = openslo_service(
                dns_name(system.name),
                system.title or system.name,
                system.description or f"The {system.name} system, measured at its entrypoints.",
            )
            what = "OpenSLO documents for the system's requirements"
        else:
            service = openslo_service(
                dns_name(element.name),
                element.title or element.name,
                element.description or f"The {element.kind} {element.name} of the {system.name} system.",
            )
            what = f"OpenSLO documents for the SLOs of {element.name}"
        docs = [service] + [openslo_slo(build, o) for o in items]
        text = header(build, element, what) + yaml_documents(docs)
        out[path] = text.encode("utf-8")
    return out


# --- README -----------------------------------------------------------------------------------------------------


def md_header(build: Any, what: str) -> str:
    return "".join(f"<!-- {line.strip()} -->\n" for line in header(build, None, what, comment="").splitlines())


def alert_words(o: Objective) -> str:
    if not o.alerts:
        return "none"
    return ", ".join(
        f"{a.name} ({a.severity}, {num(a.burn_rate)}x over {prom_duration(a.long)} and {prom_duration(a.short)})"
        for a in o.alerts
    )


def readme(build: Any, p: Plan, files: list[str]) -> str:
    system = build.model.system
    lines = [md_header(build, "the README of the SLO folder").rstrip("\n"), "", f"# SLOs of {system.name}", ""]
    if not p.objectives:
        lines += [
            "The design states no SLO, so `designc build -t slo` wrote only this note.",
            "",
            "Give a service an objective in its block and build again, for example:",
            "",
            "```text",
            "service api {",
            "  slo { availability 99.9%; latency p99 300ms }",
            "}",
            "```",
            "",
            "The system's `requirements { availability ...; latency ... }` also become SLOs, measured at its "
            "entrypoints (public services and those clients call), when it has such a service.",
        ]
        lines += [""] + [f"- Not generated: {s}" for s in p.skipped] if p.skipped else []
        return "\n".join(lines).rstrip("\n") + "\n"
    lines += [
        "`designc build -t slo` wrote these SLOs from the design: one per availability and per latency "
        "objective of each `slo` block, and one per system requirement the entrypoints' own SLOs do not "
        "already state.",
        "",
        "| SLO | Measured at | Objective | Window | SLI | Alerts |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for o in p.objectives:
        sli = o.sli.source + (f"; {o.words}" if o.words else "")
        lines.append(
            f"| `{o.id}` | {', '.join(f'`{n}`' for n in o.measured_at)} | {o.objective_words} | "
            f"{human_duration(o.window)} | {cell(sli)} | {cell(alert_words(o))} |"
        )
    lines += ["", "## Files", ""]
    for path in files:
        rel = path.removeprefix("slo/")
        if rel.startswith("openslo/"):
            lines.append(f"- [`{rel}`]({rel}): an OpenSLO v1 `Service` and its `SLO`s")
    lines += [
        "- [`prometheus/rules.yaml`](prometheus/rules.yaml): a Prometheus rules file (`rule_files:`), one group per"
        " SLO: the error ratio over each alert window (`slo:sli_error:ratio_rate5m` ...), the objective"
        " (`slo:objective:ratio`), the error ratio over the SLO window and the budget left"
        " (`slo:period_error_budget_remaining:ratio`), and the burn-rate alerts; `promtool check rules` accepts it",
        "- [`prometheus/prometheusrule.yaml`](prometheus/prometheusrule.yaml): the same groups as a Prometheus "
        f"Operator `PrometheusRule` in namespace `{dns_name(system.name)}`",
        "",
        "The OpenSLO queries are the SLI's per-second rates over 5m (`counter: false`); the rules record the same "
        "queries over each window.",
        "",
    ]
    defaults = any(o.sli.source.startswith("default") for o in p.objectives)
    if defaults:
        lines += [
            "## Metrics the defaults assume",
            "",
            "An SLO whose block states no `errors` and `total` queries reads these, selected by a `service` label "
            "that holds the component's Kubernetes Service name (`api_gateway` is `api-gateway`, as the `kubernetes`"
            " target names it and a ServiceMonitor labels it):",
            "",
            f'- availability: `{HTTP_REQUESTS}` by `code`, failed when `code=~"5.."`; for a component with '
            f"`protocol grpc` (or only `grpc` ports), `{GRPC_HANDLED}` by `grpc_code`, failed when "
            f'`grpc_code=~"{GRPC_ERROR_CODES}"`',
            f"- latency: the histogram `{HTTP_DURATION}` (gRPC: `{GRPC_DURATION}`), good when under the bucket `le` "
            "equal to the objective's threshold",
            "",
        ]
    lines += ["## To check by hand", ""]
    if defaults:
        lines.append(
            "- that your services export these metrics with a `service` label equal to the component's name "
            "(relabel in the scrape configuration, or state `errors` and `total` in the `slo` block with `$window` "
            "where the range goes)"
        )
    lines.append('- that Alertmanager routes `severity="page"` to the on-call pager and `severity="ticket"` to a queue')
    if not any(o.runbook for o in p.objectives):
        lines.append(
            '- runbooks: the design names none, so the alerts carry no `runbook_url`; `properties { runbook "URL" }` '
            "on the system or a component adds one"
        )
    for o in p.objectives:
        lines += [f"- `{o.id}`: {note}" for note in o.notes]
        if o.dropped:
            names = [f"`{a.name}` ({num(a.burn_rate)}x)" for a in o.dropped]
            listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
            lines.append(
                f"- `{o.id}`: {'alert' if len(names) == 1 else 'alerts'} {listed} left out: at a "
                f"{pct(1 - o.target)} error budget a threshold of burn rate x budget is 100% of requests or more, "
                "so it could never fire"
            )
    if p.covered or p.skipped:
        lines += ["", "## Not generated", ""]
        lines += [f"- system requirement {c}" for c in p.covered]
        lines += [f"- {s}" for s in p.skipped]
    return "\n".join(lines).rstrip("\n") + "\n"


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# --- the target -------------------------------------------------------------------------------------------------


def generate(build: Any) -> dict[str, bytes]:
    from ._scaffold import yaml_documents

    system = build.model.system
    p = plan(build)
    out: dict[str, bytes] = {}
    if p.objectives:
        out.update(openslo_files(build, p.objectives))
        groups = [(group_comment(build, o), group(build, o)) for o in p.objectives]
        plain = header(build, None, "Prometheus recording and alerting rules for the SLOs") + "groups:\n"
        items = rules_text(build, groups)
        plain += items
        out["slo/prometheus/rules.yaml"] = plain.encode("utf-8")
        name = dns_name(system.name)
        head = {
            "apiVersion": "monitoring.coreos.com/v1",
            "kind": "PrometheusRule",
            "metadata": {
                "name": dns_name(f"{name}-slo", 253),
                "namespace": name,
                "labels": {
                    "app.kubernetes.io/name": name,
                    "app.kubernetes.io/component": "slo",
                    "app.kubernetes.io/part-of": name,
                    "app.kubernetes.io/managed-by": "designc",
                },
            },
        }
        operator = header(build, None, "the SLO rules as a Prometheus Operator PrometheusRule")
        operator += yaml_documents([head]) + "spec:\n  groups:\n" + indented(items, "  ")
        out["slo/prometheus/prometheusrule.yaml"] = operator.encode("utf-8")
    files = sorted(out)
    out["slo/README.md"] = readme(build, p, files).encode("utf-8")
    return dict(sorted(out.items()))
