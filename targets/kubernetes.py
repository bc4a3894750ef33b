"""Kubernetes manifests: a kustomize base per system (`kubernetes/base/`), secure by default.

For each service: a Deployment, Service, ServiceAccount, ConfigMap of its dependencies (address, timeout,
retries), HorizontalPodAutoscaler (autoscaling/v2) when its replicas are a range, PodDisruptionBudget when it runs
more than one replica, topology spread over its zones, probes from `health_check`, resources, and the restricted
security context (non-root, read-only root filesystem, no privilege escalation, every capability dropped,
RuntimeDefault seccomp). A public service gets an Ingress. A store, stream, queue or cache nobody manages for the
team (no `managed`) runs as a StatefulSet with volume claims; managed ones are the `terraform` target's.

NetworkPolicies follow the design's edges: everything is denied, then DNS and exactly the declared calls are
allowed, in both directions (the caller's egress and the callee's ingress).

What the design cannot know is written as a visible placeholder and listed in `kubernetes/README.md`: image tags
(`replace-me` in the kustomization's `images`), ingress hosts, the TLS secret's name (a reference, never a
secret), and the addresses of dependencies outside the cluster.
"""

from __future__ import annotations

import math
from typing import Any

from . import _scaffold as sc

DESCRIPTION = "Kubernetes manifests: a kustomize base with Deployments, NetworkPolicies from the edges, HPA, PDB"
INDEPENDENT = True  # shares no work with other targets: a large build runs it in a process of its own

IMAGE_TAG = "replace-me"
RUN_AS = 10001
DEFAULT_PROBE_PATH = "/healthz"
DEFAULT_CPU_TARGET = 0.70
INGRESS_NAMESPACE = "ingress-nginx"
MONITORING_NAMESPACE = "monitoring"  # where Prometheus runs: it may scrape ports named `metrics`
# ports the replicas of a self-hosted engine use among themselves (gossip, replication, controllers)
PEER_PORTS = {
    "cassandra": [7000, 7001],
    "redis": [6379, 16379],
    "kafka": [9092, 9093],
    "rabbitmq": [4369, 25672],
    "mongodb": [27017],
    "postgres": [5432],
    "mysql": [3306],
    "elasticsearch": [9300],
}
# engines whose image refuses to start without an administrator password: read from a file of a Secret the team
# creates (`NAME-credentials`, key `password`), never written here
PASSWORD_FILE_ENV = {
    "postgres": "POSTGRES_PASSWORD_FILE",
    "mysql": "MYSQL_ROOT_PASSWORD_FILE",
    "mongodb": "MONGO_INITDB_ROOT_PASSWORD_FILE",
}
CREDENTIALS_PATH = "/run/secrets/credentials"
ANNOTATION = "designc.dev"
COMPONENT_LABEL = {"service": "server", "store": "database", "stream": "stream", "queue": "queue", "cache": "cache"}
AUTOSCALE_METRICS = {
    "rps": "http_requests_per_second",
    "latency": "http_request_duration_seconds_p99",
    "connections": "active_connections",
    "queue_lag": "consumer_lag",  # messages or seconds, as the adapter serves it: the design's figure is kept as is
    "custom": "designc_custom_metric",
}


class _Context:
    def __init__(self, build: Any) -> None:
        self.build = build
        self.model = build.model
        self.system = build.model.system
        self.ns = sc.dns_name(self.system.name)
        self.comps = {c.name: c for c in self.model.components}
        self.graph = build.graph
        self.workloads = [c for c in self.model.components if c.kind == "service" or sc.self_hosted(c)]
        self.in_cluster = {c.name for c in self.workloads}
        self.regions = {r.name: r for r in self.model.regions}
        self.out_edges: dict[str, list[Any]] = {}
        self.in_edges: dict[str, list[Any]] = {}
        for e in self.model.edges:
            if e.source in self.comps and e.target in self.comps:
                self.out_edges.setdefault(e.source, []).append(e)
                self.in_edges.setdefault(e.target, []).append(e)
        self._ports: dict[str, list[tuple[str, int, str]]] = {}

    def labels(self, c: Any) -> dict[str, str]:
        """A fresh dict each time (the YAML writer never shares objects, but callers may add to it)."""
        return {
            "app.kubernetes.io/name": sc.dns_name(c.name),
            "app.kubernetes.io/part-of": self.ns,
            "app.kubernetes.io/component": COMPONENT_LABEL.get(c.kind, c.kind),
            "app.kubernetes.io/managed-by": "designc",
        }

    def system_labels(self) -> dict[str, str]:
        return {"app.kubernetes.io/part-of": self.ns, "app.kubernetes.io/managed-by": "designc"}

    def selector(self, c: Any) -> dict[str, str]:
        return {"app.kubernetes.io/name": sc.dns_name(c.name), "app.kubernetes.io/part-of": self.ns}

    def meta(self, name: str, c: Any | None, annotations: dict[str, str] | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": name,
            "namespace": self.ns,
            "labels": self.labels(c) if c is not None else self.system_labels(),
        }
        if annotations:
            out["annotations"] = annotations
        return out

    def ports(self, c: Any) -> list[tuple[str, int, str]]:
        if c.name not in self._ports:
            if c.kind == "service":
                inbound = [e.protocol for e in self.in_edges.get(c.name, []) if e.mode == "sync"]
                self._ports[c.name] = sc.ports(c, inbound)
            else:
                _, port, _ = sc.ENGINES.get(c.engine or "", sc.GENERIC_ENGINE)
                self._ports[c.name] = [(_port_name(c.engine or "data"), port, "tcp")]
        return self._ports[c.name]

    def port_for(self, edge: Any) -> tuple[str, int, str]:
        """The port of the callee an edge uses: the one named after the edge's protocol, else the first."""
        target = self.comps[edge.target]
        ports = self.ports(target)
        proto = (edge.protocol or target.protocol or "").lower()
        for p in ports:
            if p[0] == proto:
                return p
        return ports[0]

    def outside_port(self, edge: Any) -> int:
        target = self.comps[edge.target]
        proto = (edge.protocol or target.protocol or "").lower()
        if target.managed == "aws":
            # the port the `terraform` target opens for it (MSK with IAM auth: 9098); AWS APIs (DynamoDB, S3,
            # SQS) are reached over HTTPS
            from ._cloud_aws import ENGINES as AWS

            mapped = AWS.get(target.engine or "")
            if mapped is not None:
                return mapped.port or 443
        if target.engine in sc.ENGINE_PORTS:
            return sc.ENGINE_PORTS[target.engine]
        return sc.PROTOCOL_PORTS.get(proto, 443)

    def zones(self, c: Any) -> list[str]:
        out: list[str] = []
        for region, zones in self.graph.placement.get(c.name, {}).items():
            provider = self.regions[region].provider if region in self.regions else None
            out.extend(sc.zone_name(region, z, provider) for z in zones)
        return out

    def address(self, c: Any) -> str:
        return f"{sc.dns_name(c.name)}.{self.ns}.svc.cluster.local"


def _tf_prefix(name: str) -> str:
    from ._cloud_aws import _tf

    return _tf(name)


def _port_name(name: str) -> str:
    """A port name Kubernetes accepts: at most 15 characters, letters, digits and `-`."""
    return sc.dns_name(name, 15)


def _seconds(value: float | None, default: int) -> int:
    return default if value is None else max(1, math.ceil(value))


# --- one workload -----------------------------------------------------------------------------------------------


HEALTH_PORT = ("health", 8080, "tcp")


def _health_port(ctx: _Context, c: Any) -> tuple[str, int, str] | None:
    """A port of its own for an HTTP health check on a service whose ports designc chose (gRPC, because every
    call to it is gRPC): the design asked for an HTTP check, so the scaffold keeps it rather than swapping in
    the gRPC health protocol. Only the container listens on it (the kubelet probes it); callers are not
    given it."""
    hc = getattr(c, "health_check", None)
    if c.kind != "service" or hc is None or hc.kind != "http" or c.ports:
        return None
    if any(p[0] != "grpc" for p in ctx.ports(c)):
        return None
    return HEALTH_PORT


def _probe(ctx: _Context, c: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The readiness probe (from `health_check`) and the liveness probe: the process answers at all (a TCP
    connect, or the gRPC health check), never the readiness endpoint, so that a dependency's outage takes pods out
    of traffic without restarting them."""
    ports = ctx.ports(c)
    first = _port_name(ports[0][0])
    grpc_port = next((p[1] for p in ports if p[0] == "grpc"), None)
    http_port = next((_port_name(p[0]) for p in ports if p[0] not in ("grpc",)), None)
    alive: dict[str, Any] = (
        {"grpc": {"port": grpc_port}} if grpc_port and http_port is None else {"tcpSocket": {"port": first}}
    )
    hc = getattr(c, "health_check", None)
    if hc is None:
        ready: dict[str, Any] = dict(alive)
        timing = {"periodSeconds": 10, "timeoutSeconds": 1, "failureThreshold": 3}
    else:
        health = _health_port(ctx, c)
        if hc.kind == "http" and http_port is not None:
            ready = {"httpGet": {"path": hc.path or DEFAULT_PROBE_PATH, "port": http_port}}
        elif health is not None:
            ready = {"httpGet": {"path": hc.path or DEFAULT_PROBE_PATH, "port": health[0]}}
        elif hc.kind in ("http", "grpc") and grpc_port is not None:
            # an HTTP check on a service that only speaks gRPC would never pass: the gRPC health protocol instead
            ready = {"grpc": {"port": grpc_port}}
        elif hc.kind == "exec":
            ready = {"exec": {"command": [hc.path or "/healthcheck"]}}
        else:
            ready = {"tcpSocket": {"port": first}}
        timing = {
            "periodSeconds": _seconds(hc.interval, 10),
            "timeoutSeconds": _seconds(hc.timeout, 1),
            "failureThreshold": hc.failure_threshold or 3,
        }
    return {**ready, **timing}, {**alive, **timing, "failureThreshold": timing["failureThreshold"] * 2}


def _security_context() -> dict[str, Any]:
    return {
        "allowPrivilegeEscalation": False,
        "privileged": False,
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
        "runAsUser": RUN_AS,
        "runAsGroup": RUN_AS,
        "capabilities": {"drop": ["ALL"]},
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def _image(ctx: _Context, c: Any) -> tuple[str, str, str | None]:
    """(name, tag, digest) of a workload's image: the design's `image` (a tag or digest it gives is kept), else a
    placeholder `SYSTEM/NAME` tagged `replace-me`; a self-hosted engine's public image."""
    if c.kind == "service":
        name, tag, digest = sc.split_image(getattr(c, "image", None) or f"{ctx.ns}/{sc.dns_name(c.name)}")
        return name, tag or IMAGE_TAG, digest
    image, _, _ = sc.ENGINES.get(c.engine or "", sc.GENERIC_ENGINE)
    if not image:
        return f"{ctx.ns}/{sc.dns_name(c.name)}", IMAGE_TAG, None
    name, tag, digest = sc.split_image(image)
    return name, tag or IMAGE_TAG, digest


def _image_ref(image: tuple[str, str, str | None]) -> str:
    name, tag, digest = image
    return f"{name}@{digest}" if digest else f"{name}:{tag}"


def _zone_affinity(zones: list[str]) -> dict[str, Any]:
    """Pods held to these zones (node affinity on the well-known zone label)."""
    term = {"matchExpressions": [{"key": "topology.kubernetes.io/zone", "operator": "In", "values": zones}]}
    return {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [term]}}}


def _pod_spec(ctx: _Context, c: Any, volumes: list[dict[str, Any]], mounts: list[dict[str, Any]]) -> dict[str, Any]:
    name = sc.dns_name(c.name)
    if c.kind == "service":
        (cpu_req, cpu_lim), (mem_req, mem_lim) = sc.resources(c)
    else:
        (cpu_req, cpu_lim), (mem_req, mem_lim) = sc.engine_resources(c)
    ready, alive = _probe(ctx, c)
    container: dict[str, Any] = {
        "name": name[:63],
        "image": _image_ref(_image(ctx, c)),
        "imagePullPolicy": "Always",
        "ports": [
            {"name": _port_name(p[0]), "containerPort": p[1], "protocol": p[2].upper()}
            for p in [*ctx.ports(c), *filter(None, [_health_port(ctx, c)])]
        ],
        "envFrom": [{"configMapRef": {"name": f"{name}-dependencies"}}],
        "resources": {
            "requests": {"cpu": sc.cpu_quantity(cpu_req), "memory": sc.memory_quantity(mem_req)},
            "limits": {"cpu": sc.cpu_quantity(cpu_lim), "memory": sc.memory_quantity(mem_lim)},
        },
        "readinessProbe": ready,
        "livenessProbe": alive,
        "securityContext": _security_context(),
        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}, *mounts],
    }
    if c.kind != "service" or not _has_dependencies(ctx, c):
        del container["envFrom"]
    spec: dict[str, Any] = {
        "serviceAccountName": name,
        "automountServiceAccountToken": False,
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": RUN_AS,
            "runAsGroup": RUN_AS,
            "fsGroup": RUN_AS,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "containers": [container],
        "volumes": [{"name": "tmp", "emptyDir": {}}, *volumes],
    }
    zones = ctx.zones(c)
    if zones:
        spec["affinity"] = _zone_affinity(zones)
    if len(zones) > 1:
        spec["topologySpreadConstraints"] = [
            {
                "maxSkew": 1,
                "topologyKey": "topology.kubernetes.io/zone",
                "whenUnsatisfiable": "DoNotSchedule",
                "labelSelector": {"matchLabels": ctx.selector(c)},
            }
        ]
    return spec


def _has_dependencies(ctx: _Context, c: Any) -> bool:
    return bool(ctx.out_edges.get(c.name))


def _rollout(c: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """The Deployment's strategy and the tool-neutral annotations that describe a canary or blue-green release."""
    deploy = getattr(c, "deploy", None)
    rolling = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}}
    if deploy is None:
        return rolling, {}
    notes = {f"{ANNOTATION}/rollout-strategy": deploy.strategy}
    if deploy.steps:
        notes[f"{ANNOTATION}/canary-steps"] = ",".join(f"{round(s * 100, 2):g}%" for s in deploy.steps)
    if deploy.bake_time is not None:
        notes[f"{ANNOTATION}/bake-time"] = sc.duration(deploy.bake_time)
    if deploy.rollback:
        notes[f"{ANNOTATION}/rollback"] = deploy.rollback
    if deploy.strategy == "recreate":
        return {"type": "Recreate"}, notes
    if deploy.strategy in ("canary", "blue_green"):
        # the controller that runs the steps (Argo Rollouts, Flagger, a pipeline) reads the annotations; until
        # then a plain rollout replaces one pod at a time and never drops below the desired count
        return {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}, notes
    return rolling, notes


def _hpa(ctx: _Context, c: Any, low: int, high: int) -> dict[str, Any]:
    auto = getattr(c, "autoscale", None)
    signal, target = (auto.signal, auto.target) if auto is not None else ("cpu", DEFAULT_CPU_TARGET)
    metric: dict[str, Any]
    if signal in ("cpu", "memory"):
        metric = {
            "type": "Resource",
            "resource": {
                "name": signal,
                "target": {"type": "Utilization", "averageUtilization": max(1, round(target * 100))},
            },
        }
    else:
        value = f"{round(target * 1000)}m" if signal == "latency" else str(round(target))
        kind = "External" if signal == "queue_lag" else "Pods"
        metric = {
            "type": kind,
            kind.lower(): {
                "metric": {"name": AUTOSCALE_METRICS[signal]},
                "target": {"type": "AverageValue", "averageValue": value},
            },
        }
    name = sc.dns_name(c.name)
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": ctx.meta(name, c),
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
            "minReplicas": low,
            "maxReplicas": high,
            "metrics": [metric],
        },
    }


def env_name(name: str) -> str:
    """An environment variable's prefix for a dependency: `ledger` is `LEDGER`, `card-network` `CARD_NETWORK`."""
    import re

    out = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").upper() or "DEPENDENCY"
    return out if not out[0].isdigit() else f"_{out}"


def _config_map(ctx: _Context, c: Any) -> dict[str, Any] | None:
    """Each dependency's address, timeout and retry settings, as environment variables (`envFrom`): `AUTH_ADDRESS`,
    `AUTH_TIMEOUT`, `AUTH_RETRIES`, ... named after the design's component."""
    data: dict[str, str] = {}
    for e in ctx.out_edges.get(c.name, []):
        target = ctx.comps[e.target]
        key = env_name(e.target)
        if key + "_ADDRESS" in data:
            continue
        if e.target in ctx.in_cluster:
            data[f"{key}_ADDRESS"] = f"{ctx.address(target)}:{ctx.port_for(e)[1]}"
        elif target.kind == "external":
            data[f"{key}_ADDRESS"] = ""  # the provider's endpoint: filled in by hand (see the README)
        else:
            data[f"{key}_ADDRESS"] = ""  # a managed component: filled in from `terraform output`
            data[f"{key}_ADDRESS_FROM"] = f"terraform output: {_tf_prefix(e.target)}_* (terraform/outputs.tf)"
        if e.protocol or target.protocol:
            data[f"{key}_PROTOCOL"] = (e.protocol or target.protocol or "").lower()
        data[f"{key}_MODE"] = e.mode
        if e.timeout is not None:
            data[f"{key}_TIMEOUT"] = sc.duration(e.timeout)
        if e.retries is not None:
            data[f"{key}_RETRIES"] = str(e.retries)
        if e.backoff is not None:
            data[f"{key}_BACKOFF"] = e.backoff
            if e.backoff_base is not None and e.backoff_max is not None:
                data[f"{key}_BACKOFF_RANGE"] = f"{sc.duration(e.backoff_base)}..{sc.duration(e.backoff_max)}"
        if e.jitter is not None:
            data[f"{key}_JITTER"] = "true" if e.jitter else "false"
        if e.circuit_breaker is not None:
            data[f"{key}_CIRCUIT_BREAKER"] = "true" if e.circuit_breaker else "false"
    if not data:
        return None
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": ctx.meta(f"{sc.dns_name(c.name)}-dependencies", c),
        "data": data,
    }


def _engine_pod(ctx: _Context, c: Any, name: str, replicas: int, data_path: str) -> dict[str, Any]:
    """A self-hosted engine's pod: its data volume, the first replica as the seed the others join (Cassandra),
    and the administrator password read from a Secret's file where the image needs one."""
    volumes: list[dict[str, Any]] = []
    mounts = [{"name": "data", "mountPath": data_path}]
    env: list[dict[str, str]] = []
    if c.engine == "cassandra":
        env.append({"name": "CASSANDRA_SEEDS", "value": f"{name}-0.{ctx.address(c)}"})
        env.append({"name": "CASSANDRA_CLUSTER_NAME", "value": f"{ctx.ns}-{name}"})
    password = PASSWORD_FILE_ENV.get(c.engine or "")
    if password:
        volumes.append({"name": "credentials", "secret": {"secretName": f"{name}-credentials"}})
        mounts.append({"name": "credentials", "mountPath": CREDENTIALS_PATH, "readOnly": True})
        env.append({"name": password, "value": f"{CREDENTIALS_PATH}/password"})
    spec = _pod_spec(ctx, c, volumes, mounts)
    if env:
        spec["containers"][0]["env"] = env
    return spec


def _replicas(c: Any) -> tuple[int, int]:
    """A workload's (min, max) replicas: a service's `replicas`; a self-hosted store's copies."""
    if c.kind == "service":
        r = c.replicas
        return (max(1, r.min), max(1, r.max)) if r is not None else (1, 1)
    copies = None
    repl = getattr(c, "replication", None)
    if repl is not None and not isinstance(repl, int):
        copies = repl.replicas or repl.n
    if c.kind == "stream":
        copies = c.replication_factor
    if copies is None and c.replicas is not None:
        copies = c.replicas.min
    n = max(1, copies or 1)
    return n, n


def _workload(ctx: _Context, c: Any) -> list[dict[str, Any]]:
    name = sc.dns_name(c.name)
    low, high = _replicas(c)
    docs: list[dict[str, Any]] = [
        {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": ctx.meta(name, c),
            "automountServiceAccountToken": False,
        }
    ]
    config = _config_map(ctx, c) if c.kind == "service" else None
    if config is not None:
        docs.append(config)
    service_ports = [
        {"name": _port_name(p[0]), "port": p[1], "targetPort": _port_name(p[0]), "protocol": p[2].upper()}
        for p in ctx.ports(c)
    ]
    service: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": ctx.meta(name, c),
        "spec": {"type": "ClusterIP", "selector": ctx.selector(c), "ports": service_ports},
    }
    if c.kind == "service":
        strategy, notes = _rollout(c)
        deployment: dict[str, Any] = {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": ctx.meta(name, c, notes or None),
            "spec": {
                "replicas": low,
                "revisionHistoryLimit": 5,
                "selector": {"matchLabels": ctx.selector(c)},
                "strategy": strategy,
                "template": {"metadata": {"labels": ctx.labels(c)}, "spec": _pod_spec(ctx, c, [], [])},
            },
        }
        if high > low:
            # the autoscaler owns the replica count; a fixed one here would fight it on every apply
            del deployment["spec"]["replicas"]
        docs += [deployment, service]
        if high > low:
            docs.append(_hpa(ctx, c, low, high))
    else:
        _, _, data_path = sc.ENGINES.get(c.engine or "", sc.GENERIC_ENGINE)
        service["spec"]["clusterIP"] = "None"  # headless: each replica has a stable name
        statefulset = {
            "apiVersion": "apps/v1",
            "kind": "StatefulSet",
            "metadata": ctx.meta(name, c),
            "spec": {
                "serviceName": name,
                "replicas": low,
                "podManagementPolicy": "OrderedReady",
                "selector": {"matchLabels": ctx.selector(c)},
                "updateStrategy": {"type": "RollingUpdate"},
                "template": {"metadata": {"labels": ctx.labels(c)}, "spec": _engine_pod(ctx, c, name, low, data_path)},
                "volumeClaimTemplates": [
                    {
                        "metadata": {"name": "data", "labels": ctx.labels(c)},
                        "spec": {
                            "accessModes": ["ReadWriteOnce"],
                            "resources": {"requests": {"storage": f"{sc.gib(sc.storage(c))}Gi"}},
                        },
                    }
                ],
            },
        }
        docs += [statefulset, service]
    if low > 1:
        docs.append(
            {
                "apiVersion": "policy/v1",
                "kind": "PodDisruptionBudget",
                "metadata": ctx.meta(name, c),
                "spec": {"maxUnavailable": 1, "selector": {"matchLabels": ctx.selector(c)}},
            }
        )
    if c.kind == "service" and c.exposure == "public":
        docs.append(_ingress(ctx, c))
    return docs


def _ingress(ctx: _Context, c: Any) -> dict[str, Any]:
    name = sc.dns_name(c.name)
    host = f"{name}.{ctx.ns}.example.com"
    notes = {f"{ANNOTATION}/host": "placeholder: set the public host name"}
    limits = [
        f"{sc.rate(r.rate)} per {r.per}" if r.per != "total" else f"{sc.rate(r.rate)} in total" for r in c.rate_limit
    ]
    if limits:
        notes[f"{ANNOTATION}/rate-limit"] = "; ".join(limits)
    if c.waf:
        notes[f"{ANNOTATION}/waf"] = "required: the design puts a web application firewall in front"
    port = ctx.ports(c)[0]
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": ctx.meta(name, c, notes),
        "spec": {
            "tls": [{"hosts": [host], "secretName": f"{name}-tls"}],
            "rules": [
                {
                    "host": host,
                    "http": {
                        "paths": [
                            {
                                "path": "/",
                                "pathType": "Prefix",
                                "backend": {"service": {"name": name, "port": {"name": _port_name(port[0])}}},
                            }
                        ]
                    },
                }
            ],
        },
    }


# --- network policies --------------------------------------------------------------------------------------------


def _network_policies(ctx: _Context) -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = [
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": ctx.meta("default-deny", None),
            "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]},
        },
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": ctx.meta("allow-dns", None),
            "spec": {
                "podSelector": {},
                "policyTypes": ["Egress"],
                "egress": [
                    {
                        "to": [
                            {
                                "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                                "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
                            }
                        ],
                        "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
                    }
                ],
            },
        },
    ]
    for c in ctx.workloads:
        docs.append(_policy(ctx, c))
    return docs


def _policy(ctx: _Context, c: Any) -> dict[str, Any]:
    ingress: list[dict[str, Any]] = []
    from_ingress_controller = c.kind == "service" and c.exposure == "public"
    by_port: dict[tuple[int, str], list[str]] = {}
    for e in ctx.in_edges.get(c.name, []):
        source = ctx.comps[e.source]
        if e.source in ctx.in_cluster:
            _, number, proto = ctx.port_for(e)
            callers = by_port.setdefault((number, proto), [])
            if e.source not in callers:
                callers.append(e.source)
        elif source.kind in ("client", "external"):
            from_ingress_controller = from_ingress_controller or c.exposure == "public"
    for (number, proto), callers in by_port.items():
        ingress.append(
            {
                "from": [{"podSelector": {"matchLabels": ctx.selector(ctx.comps[n])}} for n in callers],
                "ports": [{"protocol": proto.upper(), "port": number}],
            }
        )
    metrics = [p for p in ctx.ports(c) if p[0] == "metrics"]
    if metrics:
        ingress.append(
            {
                "from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": MONITORING_NAMESPACE}}}],
                "ports": [{"protocol": p[2].upper(), "port": p[1]} for p in metrics],
            }
        )
    peers = PEER_PORTS.get(c.engine or "", []) if c.kind != "service" and _replicas(c)[0] > 1 else []
    if peers:
        ingress.append(
            {
                "from": [{"podSelector": {"matchLabels": ctx.selector(c)}}],
                "ports": [{"protocol": "TCP", "port": n} for n in peers],
            }
        )
    if from_ingress_controller:
        port = ctx.ports(c)[0]
        ingress.append(
            {
                "from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": INGRESS_NAMESPACE}}}],
                "ports": [{"protocol": port[2].upper(), "port": port[1]}],
            }
        )
    egress: list[dict[str, Any]] = []
    if peers:
        egress.append(
            {
                "to": [{"podSelector": {"matchLabels": ctx.selector(c)}}],
                "ports": [{"protocol": "TCP", "port": n} for n in peers],
            }
        )
    seen: set[tuple[str, int]] = set()
    outside: dict[int, list[str]] = {}
    for e in ctx.out_edges.get(c.name, []):
        if e.target in ctx.in_cluster:
            _, number, proto = ctx.port_for(e)
            if (e.target, number) in seen:
                continue
            seen.add((e.target, number))
            egress.append(
                {
                    "to": [{"podSelector": {"matchLabels": ctx.selector(ctx.comps[e.target])}}],
                    "ports": [{"protocol": proto.upper(), "port": number}],
                }
            )
        else:
            names = outside.setdefault(ctx.outside_port(e), [])
            if e.target not in names:
                names.append(e.target)
    notes: dict[str, str] = {}
    for number, names in sorted(outside.items()):
        # a managed or external dependency has no pod to select: its address range is the cloud's, written here
        # as any address, to narrow by hand (the README says how)
        egress.append({"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}], "ports": [{"protocol": "TCP", "port": number}]})
        notes[f"{ANNOTATION}/egress-{number}"] = "outside the cluster: " + ", ".join(names)
    name = sc.dns_name(c.name)
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": ctx.meta(name, c, notes or None),
        "spec": {
            "podSelector": {"matchLabels": ctx.selector(c)},
            "policyTypes": ["Ingress", "Egress"],
            "ingress": ingress,
            "egress": egress,
        },
    }


# --- the base ----------------------------------------------------------------------------------------------------


def generate(build: Any) -> dict[str, bytes]:
    if build.model.system is None:
        return {}
    ctx = _Context(build)
    files: dict[str, str] = {}
    system = ctx.system
    files["namespace.yaml"] = sc.header(build, system, f"the namespace of system `{system.name}`") + sc.yaml_documents(
        [
            {
                "apiVersion": "v1",
                "kind": "Namespace",
                "metadata": {
                    "name": ctx.ns,
                    "labels": {
                        **ctx.system_labels(),
                        "pod-security.kubernetes.io/enforce": "restricted",
                        "pod-security.kubernetes.io/warn": "restricted",
                    },
                },
            }
        ]
    )
    images: dict[str, tuple[str, str | None]] = {}
    objects: dict[str, list[dict[str, Any]]] = {}
    for c in ctx.workloads:
        what = f"{c.kind} `{c.name}`" + (", self-hosted" if c.kind != "service" else "")
        docs = _workload(ctx, c)
        objects[c.name] = docs
        files[f"{sc.dns_name(c.name)}.yaml"] = sc.header(build, c, what) + sc.yaml_documents(docs)
        name, tag, digest = _image(ctx, c)
        images.setdefault(name, (tag, digest))
    files["network-policies.yaml"] = sc.header(
        build, system, "default deny, DNS, and the calls the design declares"
    ) + sc.yaml_documents(_network_policies(ctx))
    kustomization = {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "namespace": ctx.ns,
        "resources": ["namespace.yaml", *sorted(k for k in files if k != "namespace.yaml")],
        "images": [
            {"name": name, "digest": digest} if digest else {"name": name, "newTag": tag}
            for name, (tag, digest) in images.items()
        ],
    }
    files["kustomization.yaml"] = sc.header(build, system, f"the kustomize base of system `{system.name}`") + (
        sc.yaml_documents([kustomization])
    )
    out = {f"kubernetes/base/{k}": v.encode("utf-8") for k, v in sorted(files.items())}
    if len(ctx.model.regions) > 1:
        for region in ctx.model.regions:
            overlay = _overlay(ctx, region, objects)
            text = sc.header(build, region, f"the overlay of region `{region.name}`") + sc.yaml_documents([overlay])
            out[f"kubernetes/overlays/{sc.dns_name(region.name)}/kustomization.yaml"] = text.encode("utf-8")
    out["kubernetes/README.md"] = _readme(ctx, images).encode("utf-8")
    return out


def _overlay(ctx: _Context, region: Any, objects: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """A region's kustomize overlay: the base without what the design does not place in the region, and each
    workload's pods held to the region's own zones."""
    patches: list[dict[str, Any]] = []
    for c in ctx.workloads:
        where = ctx.graph.placement.get(c.name, {})
        docs = objects[c.name]
        if region.name not in where:
            for d in [
                *docs,
                {
                    "apiVersion": "networking.k8s.io/v1",
                    "kind": "NetworkPolicy",
                    "metadata": {"name": sc.dns_name(c.name)},
                },
            ]:
                body = {
                    "$patch": "delete",
                    "apiVersion": d["apiVersion"],
                    "kind": d["kind"],
                    "metadata": {"name": d["metadata"]["name"], "namespace": ctx.ns},
                }
                patches.append({"patch": sc.yaml_text(body)})
            continue
        pods = next(d for d in docs if d["kind"] in ("Deployment", "StatefulSet"))
        zones = [sc.zone_name(region.name, z, region.provider) for z in where[region.name]]
        affinity = _zone_affinity(zones)
        body = {
            "apiVersion": pods["apiVersion"],
            "kind": pods["kind"],
            "metadata": {"name": pods["metadata"]["name"], "namespace": ctx.ns},
            "spec": {"template": {"spec": {"affinity": affinity}}},
        }
        patches.append({"patch": sc.yaml_text(body)})
    out: dict[str, Any] = {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": ["../../base"],
    }
    if patches:
        out["patches"] = patches
    return out


def _readme(ctx: _Context, images: dict[str, tuple[str, str | None]]) -> str:
    lines = [
        sc.header(ctx.build, ctx.system, "the Kubernetes scaffold's notes", comment="<!--").rstrip(),
        "",
        f"# Kubernetes scaffold for `{ctx.system.name}`",
        "",
        "A kustomize base, `kubectl apply -k kubernetes/base`"
        + (
            ", and an overlay per region (`kubectl apply -k kubernetes/overlays/REGION` in each region's cluster):"
            " it leaves out what the design does not place there and holds pods to the region's zones."
            if len(ctx.model.regions) > 1
            else "."
        ),
        "",
        "## Fill in by hand",
        "",
        "- **Images.** Each image is tagged `replace-me` in `base/kustomization.yaml`; pin a tag or, better,",
        "  a digest: `kustomize edit set image NAME@sha256:...`.",
    ]
    public = [c for c in ctx.workloads if c.kind == "service" and c.exposure == "public"]
    if public:
        lines += [
            "- **Ingress.** The host names are placeholders (`*.example.com`), the TLS secrets (`NAME-tls`) are",
            "  references to secrets you create (cert-manager, or your secret store); no secret is written here.",
            f"  The NetworkPolicies admit the ingress controller from namespace `{INGRESS_NAMESPACE}`.",
        ]
    outside = sorted(
        {
            e.target
            for e in ctx.model.edges
            if e.source in ctx.in_cluster and e.target in ctx.comps and e.target not in ctx.in_cluster
        }
    )
    if outside:
        lines += [
            "- **Dependencies outside the cluster** ("
            + ", ".join(f"`{n}`" for n in outside)
            + "): their `NAME_ADDRESS` in each",
            "  `*-dependencies` ConfigMap is empty (a managed one's `NAME_ADDRESS_FROM` names the `terraform output`),",
            "  and the egress NetworkPolicy rules to them allow any address on their port: narrow the CIDR to their",
            "  subnets.",
        ]
    stateful = [c for c in ctx.workloads if c.kind != "service"]
    if stateful:
        lines += [
            "- **Self-hosted data** ("
            + ", ".join(f"`{c.name}`" for c in stateful)
            + ") runs as StatefulSets from the engines' public",
            "  images, sized by `size_class` (and a cache's `max_memory`), under the same restricted security context.",
            "  The scaffold does not configure the engines' own clustering: the replicas may reach each other on the",
            "  engine's peer ports and a Cassandra ring seeds from its first replica, but Redis or Kafka replication,",
            "  TLS between replicas and the engine's configuration files are yours to add (most teams use the",
            f"  engine's operator). Check that each image runs as user {RUN_AS} with a read-only root filesystem.",
        ]
        secrets = [c.name for c in stateful if c.engine in PASSWORD_FILE_ENV]
        if secrets:
            lines.append(
                "- **Credentials**: create a Secret `NAME-credentials` with a key `password` for "
                + ", ".join(f"`{n}`" for n in secrets)
                + f"; the pod reads it as a file under `{CREDENTIALS_PATH}`."
            )
    if any(p[0] == "metrics" for c in ctx.workloads for p in ctx.ports(c)):
        lines.append(
            f"- **Metrics**: ports named `metrics` admit Prometheus from namespace `{MONITORING_NAMESPACE}`; change"
            " it if yours runs elsewhere."
        )
    lines += [
        "",
        "## Read from the design",
        "",
        "- Replicas, autoscaling (`autoscale`; a replica range without it scales on CPU at 70%), the disruption",
        "  budget, the zones (node affinity and topology spread), resources (default cpu 0.25..1, memory",
        "  256MiB..512MiB), ports (default `http 8080`, or `grpc 9090` for a gRPC service).",
        "- Readiness from `health_check` (a gRPC health probe when the service only speaks gRPC; without a check, a",
        "  TCP probe); liveness only asks whether the process answers (TCP, or gRPC), never the readiness endpoint,",
        "  so that a dependency's outage takes pods out of traffic without restarting them.",
        "- Canary and blue-green releases are written as annotations for your rollout controller:",
        f"  `{ANNOTATION}/rollout-strategy`, `{ANNOTATION}/canary-steps`, `{ANNOTATION}/bake-time`,"
        f" `{ANNOTATION}/rollback`.",
        "- Autoscaling on a custom signal names these metrics, which your metrics adapter must serve: "
        + ", ".join(f"`{v}` ({k})" for k, v in AUTOSCALE_METRICS.items())
        + ".",
        "",
    ]
    return "\n".join(lines)
