"""The `kubernetes` target as a platform engineer meets it: `designc build -t kubernetes`.

Every object must pass `kubernetes-validate --strict`, and checkov's Kubernetes framework must find no failed
check beyond tests/checkov-skips.yaml; the facts the manifests carry are compared with the design's model, not
with literals.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import EXAMPLES, run_designc
from validators import checkov_failures, checkov_skips, kubernetes_problems

DESIGNS = {"payments": "payments", "url_shortener": "shortener", "chat": "chat"}


def _model(design: Path) -> Any:
    from designc.driver import check

    return check([design]).designs[0].model


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("k8s")
    r = run_designc("build", *(str(EXAMPLES / f"{d}.design") for d in DESIGNS), "-t", "kubernetes", "-o", str(out))
    assert r.returncode == 0, r.stderr
    return out


def objects(base: Path) -> list[dict[str, Any]]:
    out = []
    for f in sorted(base.glob("*.yaml")):
        if f.name == "kustomization.yaml":
            continue
        out += [d for d in yaml.safe_load_all(f.read_text(encoding="utf-8")) if d]
    return out


def by_kind(base: Path, kind: str) -> dict[str, dict[str, Any]]:
    return {o["metadata"]["name"]: o for o in objects(base) if o["kind"] == kind}


def dns(name: str) -> str:
    return name.replace("_", "-")


@pytest.mark.parametrize("system", DESIGNS.values())
def test_every_object_passes_kubernetes_validate_strict(built: Path, system: str):
    files = sorted(p for p in (built / system / "kubernetes" / "base").glob("*.yaml") if p.name != "kustomization.yaml")
    assert files
    assert kubernetes_problems(files) == []


@pytest.mark.parametrize("system", DESIGNS.values())
def test_checkov_finds_nothing_beyond_the_reasoned_skip_list(built: Path, system: str):
    failures, summary = checkov_failures(built / system / "kubernetes" / "base", "kubernetes")
    assert failures == []
    assert summary.get("passed", 0) > 100  # it did look at the objects


def test_the_skip_list_is_short_and_gives_a_reason_for_each():
    skips = checkov_skips("kubernetes")
    assert 0 < len(skips) <= 5
    assert all(len(reason) > 30 for reason in skips.values())


def test_a_deployment_per_service_and_a_statefulset_per_self_hosted_store(built: Path):
    model = _model(EXAMPLES / "payments.design")
    base = built / "payments" / "kubernetes" / "base"
    services = {dns(c.name) for c in model.components if c.kind == "service"}
    self_hosted = {
        dns(c.name) for c in model.components if c.kind in ("store", "stream", "queue", "cache") and not c.managed
    }
    assert set(by_kind(base, "Deployment")) == services
    assert set(by_kind(base, "StatefulSet")) == self_hosted
    assert self_hosted, "the example should keep a self-hosted store"
    for name, sts in by_kind(base, "StatefulSet").items():
        claims = sts["spec"]["volumeClaimTemplates"]
        assert claims[0]["spec"]["resources"]["requests"]["storage"].endswith("Gi"), name
    history = next(c for c in model.components if c.name == "history")
    claim = by_kind(base, "StatefulSet")["history"]["spec"]["volumeClaimTemplates"][0]
    assert claim["spec"]["resources"]["requests"]["storage"] == f"{history.storage // 1024**3}Gi"


def test_replicas_autoscaling_and_disruption_budgets_follow_the_design(built: Path):
    model = _model(EXAMPLES / "payments.design")
    base = built / "payments" / "kubernetes" / "base"
    hpas, pdbs, deployments = by_kind(base, "HorizontalPodAutoscaler"), by_kind(base, "PodDisruptionBudget"), None
    deployments = by_kind(base, "Deployment")
    for c in (c for c in model.components if c.kind == "service"):
        r = c.replicas
        low, high = (max(1, r.min), max(1, r.max)) if r else (1, 1)
        if high > low:
            hpa = hpas[dns(c.name)]
            assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (low, high)
            assert "replicas" not in deployments[dns(c.name)]["spec"]  # the autoscaler owns the count
            if c.autoscale and c.autoscale.signal == "cpu":
                target = hpa["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"]
                assert target == round(c.autoscale.target * 100)
        else:
            assert dns(c.name) not in hpas
            assert deployments[dns(c.name)]["spec"]["replicas"] == low
        assert (dns(c.name) in pdbs) == (low > 1)


def test_pods_run_restricted_with_probes_resources_and_zones(built: Path):
    model = _model(EXAMPLES / "payments.design")
    base = built / "payments" / "kubernetes" / "base"
    gateway = next(c for c in model.components if c.name == "api_gateway")
    pod = by_kind(base, "Deployment")["api-gateway"]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    sc = container["securityContext"]
    assert sc["runAsNonRoot"] and sc["readOnlyRootFilesystem"] and not sc["allowPrivilegeEscalation"]
    assert sc["capabilities"]["drop"] == ["ALL"] and sc["seccompProfile"]["type"] == "RuntimeDefault"
    assert pod["automountServiceAccountToken"] is False
    assert container["readinessProbe"]["httpGet"]["path"] == gateway.health_check.path
    assert container["readinessProbe"]["periodSeconds"] == gateway.health_check.interval
    assert [p["containerPort"] for p in container["ports"]] == [p.number for p in gateway.ports]
    assert container["image"].startswith(gateway.image + ":")
    zones = {f"{p.region.replace('_', '-')}{z}" for p in gateway.placement for z in p.zones}
    terms = pod["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
    assert set(terms[0]["matchExpressions"][0]["values"]) == zones
    assert pod["topologySpreadConstraints"][0]["topologyKey"] == "topology.kubernetes.io/zone"
    assert container["resources"]["limits"] == {"cpu": "2", "memory": "1Gi"}  # resources { cpu 1..2; memory ..1GiB }


def test_network_policies_allow_exactly_the_declared_calls(built: Path):
    model = _model(EXAMPLES / "payments.design")
    base = built / "payments" / "kubernetes" / "base"
    policies = by_kind(base, "NetworkPolicy")
    assert policies["default-deny"]["spec"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    assert "allow-dns" in policies
    comps = {c.name: c for c in model.components}
    in_cluster = {n for n, c in comps.items() if c.kind == "service" or (c.kind != "external" and not c.managed)}
    in_cluster -= {n for n, c in comps.items() if c.kind == "client"}
    for name in in_cluster:
        policy = policies[dns(name)]["spec"]
        allowed_from = {
            peer["podSelector"]["matchLabels"]["app.kubernetes.io/name"]
            for rule in policy["ingress"]
            for peer in rule["from"]
            if "podSelector" in peer
        } - {dns(name)}  # a self-hosted engine's replicas talk among themselves (tested below)
        callers = {dns(e.source) for e in model.edges if e.target == name and e.source in in_cluster}
        assert allowed_from == callers, name
        allowed_to = {
            peer["podSelector"]["matchLabels"]["app.kubernetes.io/name"]
            for rule in policy["egress"]
            for peer in rule["to"]
            if "podSelector" in peer
        } - {dns(name)}
        callees = {dns(e.target) for e in model.edges if e.source == name and e.target in in_cluster}
        assert allowed_to == callees, name


def test_public_services_get_an_ingress_with_tls_and_no_secret_is_written(built: Path):
    model = _model(EXAMPLES / "payments.design")
    base = built / "payments" / "kubernetes" / "base"
    public = {dns(c.name) for c in model.components if c.kind == "service" and c.exposure == "public"}
    ingresses = by_kind(base, "Ingress")
    assert set(ingresses) == public
    for ing in ingresses.values():
        assert ing["spec"]["tls"][0]["secretName"]
    assert "rate-limit" in " ".join(ingresses["api-gateway"]["metadata"]["annotations"])
    for system in DESIGNS.values():
        assert not [o for o in objects(built / system / "kubernetes" / "base") if o["kind"] == "Secret"]


def test_dependencies_config_carries_timeouts_and_retries(built: Path):
    model = _model(EXAMPLES / "payments.design")
    base = built / "payments" / "kubernetes" / "base"
    data = by_kind(base, "ConfigMap")["api-gateway-dependencies"]["data"]
    for e in (e for e in model.edges if e.source == "api_gateway"):
        key = e.target.upper()
        if e.timeout is not None:
            assert data[f"{key}_TIMEOUT"].endswith(("ms", "s"))
        if e.retries is not None:
            assert data[f"{key}_RETRIES"] == str(e.retries)
    assert data["AUTH_ADDRESS"].startswith("auth.payments.svc.cluster.local:")
    assert all(k.replace("_", "").isalnum() and k.isupper() for k in data)  # valid environment variable names


def test_self_hosted_replicas_reach_each_other_and_seed_from_the_first(built: Path):
    base = built / "payments" / "kubernetes" / "base"
    policy = by_kind(base, "NetworkPolicy")["history"]["spec"]
    peers = [
        r
        for r in policy["ingress"]
        if r["from"]
        == [
            {
                "podSelector": {
                    "matchLabels": {"app.kubernetes.io/name": "history", "app.kubernetes.io/part-of": "payments"}
                }
            }
        ]
    ]
    assert peers and {p["port"] for p in peers[0]["ports"]} >= {7000}
    env = by_kind(base, "StatefulSet")["history"]["spec"]["template"]["spec"]["containers"][0]["env"]
    assert {"name": "CASSANDRA_SEEDS", "value": "history-0.history.payments.svc.cluster.local"} in env


def test_grpc_services_get_grpc_probes_and_liveness_never_uses_the_readiness_endpoint(built: Path):
    base = built / "payments" / "kubernetes" / "base"
    deployments = by_kind(base, "Deployment")
    auth = deployments["auth"]["spec"]["template"]["spec"]["containers"][0]  # port grpc 9090, health_check http
    assert auth["readinessProbe"]["grpc"] == {"port": 9090}
    gateway = deployments["api-gateway"]["spec"]["template"]["spec"]["containers"][0]
    assert "httpGet" in gateway["readinessProbe"]
    assert "httpGet" not in gateway["livenessProbe"]


def test_an_http_health_check_on_a_service_whose_ports_designc_chose_is_kept(built: Path):
    """`payments` states no ports and is called only over gRPC (so it gets `grpc 9090`), and states
    `health_check http`: the probe is the design's, on a port of its own that callers are not given."""
    base = built / "payments" / "kubernetes" / "base"
    container = by_kind(base, "Deployment")["payments"]["spec"]["template"]["spec"]["containers"][0]
    assert container["readinessProbe"]["httpGet"] == {"path": "/ready", "port": "health"}
    assert {"name": "health", "containerPort": 8080, "protocol": "TCP"} in container["ports"]
    assert container["livenessProbe"].get("grpc") == {"port": 9090}
    service = by_kind(base, "Service")["payments"]
    assert [p["name"] for p in service["spec"]["ports"]] == ["grpc"]


def test_an_image_with_a_tag_or_digest_keeps_it(tmp_path: Path):
    text = (EXAMPLES / "payments.design").read_text(encoding="utf-8")
    text = text.replace('image "ghcr.io/acme/edge-gateway"', 'image "ghcr.io/acme/edge-gateway:1.4.2"')
    design = tmp_path / "payments.design"
    design.write_text(text, encoding="utf-8")
    r = run_designc("build", str(design), "-t", "kubernetes", "-o", str(tmp_path / "out"), "-q")
    assert r.returncode == 0, r.stderr
    base = tmp_path / "out" / "payments" / "kubernetes" / "base"
    container = by_kind(base, "Deployment")["api-gateway"]["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "ghcr.io/acme/edge-gateway:1.4.2"
    images = yaml.safe_load((base / "kustomization.yaml").read_text(encoding="utf-8"))["images"]
    assert {"name": "ghcr.io/acme/edge-gateway", "newTag": "1.4.2"} in images


def test_every_object_has_the_recommended_labels_and_every_file_its_header(built: Path):
    for system in DESIGNS.values():
        base = built / system / "kubernetes" / "base"
        for f in base.glob("*.yaml"):
            assert f.read_text(encoding="utf-8").startswith("# Generated by designc from "), f
        for o in objects(base):
            labels = o["metadata"]["labels"]
            assert labels["app.kubernetes.io/managed-by"] == "designc"
            assert labels["app.kubernetes.io/part-of"] == system
            if o["kind"] not in ("Namespace", "NetworkPolicy") or o["metadata"]["name"] not in (
                system,
                "default-deny",
                "allow-dns",
            ):
                assert "app.kubernetes.io/name" in labels, (o["kind"], o["metadata"]["name"])
        kustomization = yaml.safe_load((base / "kustomization.yaml").read_text(encoding="utf-8"))
        listed = set(kustomization["resources"])
        assert listed == {f.name for f in base.glob("*.yaml")} - {"kustomization.yaml"}


def test_the_build_is_deterministic(tmp_path: Path):
    outs = []
    for i, seed in enumerate(("0", "123")):
        out = tmp_path / str(i)
        r = run_designc(
            "build", str(EXAMPLES / "chat.design"), "-t", "kubernetes", "-o", str(out), env={"PYTHONHASHSEED": seed}
        )
        assert r.returncode == 0, r.stderr
        outs.append({p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()})
    assert outs[0] == outs[1]


def test_a_design_with_rule_errors_builds_no_scaffold(tmp_path: Path):
    design = tmp_path / "bad.design"
    design.write_text(
        "system s {\n  requirements { availability 99.99% }\n  service api { exposure public; calls db }\n"
        "  store db { engine postgres }\n}\n",
        encoding="utf-8",
    )
    r = run_designc("build", str(design), "-t", "kubernetes", "-o", str(tmp_path / "out"))
    assert r.returncode != 0
    assert not (tmp_path / "out" / "s" / "kubernetes").exists()
    assert "Traceback" not in r.stderr


def test_egress_to_managed_components_uses_the_ports_terraform_opens(built: Path):
    from designc.targets._cloud_aws import ENGINES

    model = _model(EXAMPLES / "payments.design")
    base = built / "payments" / "kubernetes" / "base"
    policies = by_kind(base, "NetworkPolicy")
    managed = {c.name: c for c in model.components if c.managed == "aws" and c.engine in ENGINES}
    checked = 0
    for e in model.edges:
        if e.target not in managed or dns(e.source) not in policies:
            continue
        want = ENGINES[managed[e.target].engine].port or 443
        ports = {
            p["port"]
            for rule in policies[dns(e.source)]["spec"]["egress"]
            if any("ipBlock" in peer for peer in rule["to"])
            for p in rule["ports"]
        }
        assert want in ports, (e.source, e.target, want, ports)
        checked += 1
    assert checked >= 3  # the ledger, the event stream, the identity table


def test_build_check_reports_scaffolds_that_drifted_from_the_design(tmp_path: Path):
    design = tmp_path / "payments.design"
    design.write_text((EXAMPLES / "payments.design").read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "deploy"
    r = run_designc("build", str(design), "-t", "kubernetes,terraform,slo", "-o", str(out), "-q")
    assert r.returncode == 0, r.stderr
    r = run_designc("build", str(design), "-t", "kubernetes,terraform,slo", "-o", str(out), "--check")
    assert r.returncode == 0, r.stdout + r.stderr
    text = design.read_text(encoding="utf-8").replace("replicas 3..30", "replicas 4..30", 1)
    design.write_text(text, encoding="utf-8")
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    r = run_designc("build", str(design), "-t", "kubernetes,terraform,slo", "-o", str(out), "--check")
    assert r.returncode == 1
    assert "kubernetes/base/auth.yaml" in r.stdout + r.stderr
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before  # --check writes nothing


def test_a_design_with_language_errors_builds_no_scaffold(tmp_path: Path):
    design = tmp_path / "broken.design"
    design.write_text("system s {\n  service api { port http 99999 }\n}\n", encoding="utf-8")
    r = run_designc("build", str(design), "-t", "kubernetes,terraform,slo", "-o", str(tmp_path / "out"))
    assert r.returncode == 1
    assert "broken.design:2:" in r.stderr and "65535" in r.stderr
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.yaml"))


def test_each_region_has_an_overlay_without_what_the_design_does_not_place_there(built: Path, tmp_path: Path):
    import shutil
    import subprocess

    model = _model(EXAMPLES / "payments.design")
    from designc.analysis.graph import Graph

    placement = Graph(model).placement
    overlays = built / "payments" / "kubernetes" / "overlays"
    assert sorted(p.name for p in overlays.iterdir()) == sorted(dns(r.name) for r in model.regions)
    workloads = [
        c.name
        for c in model.components
        if c.kind == "service" or (c.kind != "external" and c.kind != "client" and not c.managed)
    ]
    for region in model.regions:
        kustomization = yaml.safe_load((overlays / dns(region.name) / "kustomization.yaml").read_text(encoding="utf-8"))
        patches = [yaml.safe_load(p["patch"]) for p in kustomization.get("patches", [])]
        deleted = {p["metadata"]["name"].removesuffix("-dependencies") for p in patches if p.get("$patch") == "delete"}
        absent = {dns(n) for n in workloads if region.name not in placement[n]}
        assert deleted == absent, region.name
        for p in patches:
            if p.get("$patch") != "delete":
                terms = p["spec"]["template"]["spec"]["affinity"]["nodeAffinity"][
                    "requiredDuringSchedulingIgnoredDuringExecution"
                ]["nodeSelectorTerms"]
                zones = terms[0]["matchExpressions"][0]["values"]
                assert all(z.startswith(region.name.replace("_", "-")) for z in zones)
    # where kubectl (with its kustomize) is installed, the overlays must build into valid objects
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        return
    for region in model.regions:
        r = subprocess.run([kubectl, "kustomize", str(overlays / dns(region.name))], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        out = tmp_path / f"{dns(region.name)}.yaml"
        out.write_text(r.stdout, encoding="utf-8")
        assert kubernetes_problems([out]) == []
        kinds = {(d["kind"], d["metadata"]["name"]) for d in yaml.safe_load_all(r.stdout) if d}
        for n in workloads:
            assert (("Service", dns(n)) in kinds) == (region.name in placement[n]), (region.name, n)


@pytest.mark.parametrize(
    ("region", "zone", "provider", "name"),
    [
        ("us_east_1", "a", "aws", "us-east-1a"),
        ("us_east_1", "a", None, "us-east-1a"),
        ("europe_west1", "b", "gcp", "europe-west1-b"),
        ("westeurope", "1", "azure", "westeurope-1"),
        ("eu_west_1", "eu-west-1c", "aws", "eu-west-1c"),
    ],
)
def test_zones_are_named_as_each_cloud_names_them(region: str, zone: str, provider: str | None, name: str):
    from designc.targets._scaffold import zone_name

    assert zone_name(region, zone, provider) == name
