"""The `terraform` target as a platform engineer meets it: `designc build -t terraform`.

Every `.tf` file must parse with python-hcl2, and checkov's Terraform framework must find no failed check beyond
tests/checkov-skips.yaml (`terraform:`) and the per-resource `checkov:skip` comments the target writes for what
the design says (each checked here against a short list). The facts the HCL carries are compared with the design's
model, not with literals. When the `terraform` binary and a provider mirror are on the machine (they are not in any
package registry), `terraform validate` and `terraform fmt -check` run too.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from designc.targets import _cloud_aws

from conftest import EXAMPLES, run_designc
from validators import checkov_failures, checkov_skips, markdown_problems

DESIGNS = {"payments": "payments", "url_shortener": "shortener", "chat": "chat"}

# a design that reaches every mapping the examples do not: Aurora as a global database, MySQL, S3 replicated to a
# standby, Kinesis, a FIFO queue, a single-zone cache sized by max_memory, a region whose name is not an AWS region,
# and components the target does not provision
KITCHEN_SINK = """\
import "stdlib/aws"

system shop "Kitchen sink" {
  region us_east_1 { zones [a, b, c]; role primary }
  region backup_site { zones [a, b]; role standby }

  service web {
    replicas 3
    calls orders { protocol sql }
    reads catalog_db
    writes uploads
    publishes audit
    calls jobs
    reads sessions
    writes sessions
  }
  service worker { replicas 2; consumes jobs; consumes audit { group auditors }; reads uploads; writes catalog_db }
  store orders is aurora_postgres { backup { retention 14d } }
  store catalog_db { engine mysql; managed aws }
  store uploads { engine s3; retention 400d }
  stream audit { engine kinesis; partitions 4; retention 2d }
  queue jobs is sqs_fifo_queue { visibility_timeout 120s }
  cache sessions is elasticache_redis_single_az {
    holds "said \\"hi\\" \\\\ ${not_a_ref} %{nor_a_directive}\\nline two"
    max_memory 20GiB
  }
  store search { engine elasticsearch; managed aws }
  store other { engine postgres; managed gcp }
  store selfhosted { engine postgres }
}
"""

# what the target may skip on one resource, by a `checkov:skip` comment in it, and why that can be right
INLINE_SKIPS = {
    "CKV2_AWS_5": "service security groups are attached to pods on the Kubernetes side",
    "CKV_AWS_157": "a store the design keeps in one zone, or a read replica of a Multi-AZ primary",
    "CKV2_AWS_50": "a cache the design keeps in one zone without failover",
    "CKV2_AWS_8": "an Aurora cluster whose backups the design does not declare, or a global secondary",
    "CKV2_AWS_57": "a global database's master secret, rotated by hand",
    "CKV_AWS_28": "a DynamoDB table whose design turns point-in-time recovery off",
    "CKV_AWS_144": "a bucket the design keeps in one region, a replica, or the access-log bucket",
    "CKV2_AWS_62": "bucket events whose consumers the design does not name",
    "CKV_AWS_18": "the access-log bucket itself",
    "CKV_AWS_145": "the access-log bucket: S3 server access logs need SSE-S3",
}


# ---------------------------------------------------------------------------------------------- helpers


def _model(design: Path) -> Any:
    from designc.driver import check

    return check([design]).designs[0].model


def text(v: Any) -> Any:
    """A python-hcl2 (8.x) string as the value it stands for: quotes and escapes removed."""
    if not (isinstance(v, str) and len(v) >= 2 and v.startswith('"') and v.endswith('"')):
        return v
    heredoc = re.fullmatch(r'"<<(-?)([A-Z]+)\n(.*?)\n[ \t]*\2"', v, re.DOTALL)
    if heredoc:  # python-hcl2 quotes a heredoc whole: its lines, dedented when `<<-`
        lines = heredoc.group(3).split("\n")
        if heredoc.group(1):
            indent = min((len(x) - len(x.lstrip()) for x in lines if x.strip()), default=0)
            lines = [x[indent:] for x in lines]
        return "\n".join(lines).replace("$${", "${").replace("%%{", "%{") + "\n"
    return json.loads(v).replace("$${", "${").replace("%%{", "%{")


def _unquote(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {text(k): _unquote(v) for k, v in obj.items() if k != "__is_block__"}
    if isinstance(obj, list):
        return [_unquote(x) for x in obj]
    return text(obj)


def load_hcl(path: Path) -> dict[str, Any]:
    import hcl2

    with path.open(encoding="utf-8") as f:
        return _unquote(hcl2.load(f))


class Module:
    """A generated root module, parsed: resources by (type, name), providers, variables, outputs."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files = {p.name: load_hcl(p) for p in sorted(folder.glob("*.tf"))}
        self.resources: dict[tuple[str, str], dict[str, Any]] = {}
        self.where: dict[tuple[str, str], str] = {}
        self.providers: list[dict[str, Any]] = []
        self.variables: dict[str, dict[str, Any]] = {}
        self.outputs: dict[str, dict[str, Any]] = {}
        for name, data in self.files.items():
            for entry in data.get("resource", []):
                for kind, named in entry.items():
                    for rname, body in named.items():
                        self.resources[(kind, rname)] = body
                        self.where[(kind, rname)] = name
            for entry in data.get("provider", []):
                self.providers += list(entry.values())
            for entry in data.get("variable", []):
                self.variables.update(entry)
            for entry in data.get("output", []):
                self.outputs.update(entry)

    def of(self, kind: str) -> dict[str, dict[str, Any]]:
        return {n: b for (k, n), b in self.resources.items() if k == kind}


def walk(obj: Any, path: str = "") -> list[tuple[str, Any]]:
    """Every (key path, value) in a parsed file."""
    out: list[tuple[str, Any]] = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            out.append((f"{path}.{k}", v))
            out += walk(v, f"{path}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += walk(v, f"{path}[{i}]")
    return out


def home(model: Any, c: Any) -> list[str]:
    """The regions a component runs in, as the language defines it: its placements, else every non-standby region."""
    if c.placement:
        return list(dict.fromkeys(p.region for p in c.placement))
    return [r.name for r in model.regions if r.role != "standby"]


def aws_region(name: str) -> str:
    return name.replace("_", "-")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tf")
    r = run_designc("build", *(str(EXAMPLES / f"{d}.design") for d in DESIGNS), "-t", "terraform", "-o", str(out))
    assert r.returncode == 0, r.stderr
    return out


@pytest.fixture(scope="module")
def sink(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """The kitchen-sink design built: (its terraform folder, its model)."""
    src = tmp_path_factory.mktemp("sink-src") / "shop.design"
    src.write_text(KITCHEN_SINK, encoding="utf-8")
    out = tmp_path_factory.mktemp("sink")
    r = run_designc("build", str(src), "-t", "terraform", "-o", str(out), "--allow-findings")
    assert r.returncode == 0, r.stderr
    return out / "shop" / "terraform", _model(src)


def folders(built: Path, sink: tuple[Path, Any]) -> list[Path]:
    return [built / s / "terraform" for s in DESIGNS.values()] + [sink[0]]


# ---------------------------------------------------------------------------------------------- validators


def test_every_tf_file_parses_with_python_hcl2(built: Path, sink: tuple[Path, Any]):
    for folder in folders(built, sink):
        files = sorted(folder.glob("*.tf"))
        assert {"versions.tf", "providers.tf", "variables.tf", "outputs.tf", "network.tf", "main.tf"} <= {
            f.name for f in files
        }, folder
        for f in files:
            load_hcl(f)  # raises on a syntax error


@pytest.mark.parametrize("system", [*DESIGNS.values(), "kitchen-sink"])
def test_checkov_finds_nothing_beyond_the_reasoned_skips(built: Path, sink: tuple[Path, Any], system: str):
    folder = sink[0] if system == "kitchen-sink" else built / system / "terraform"
    failures, summary = checkov_failures(folder, "terraform")
    assert failures == [], "\n".join(failures)
    assert summary.get("passed", 0) > 50  # it did look at the resources
    assert summary.get("parsing_errors", 0) == 0


def test_the_skip_list_and_every_inline_skip_give_a_reason(built: Path, sink: tuple[Path, Any]):
    skips = checkov_skips("terraform")
    assert len(skips) <= 3
    assert all(len(reason) > 30 for reason in skips.values())
    seen: set[str] = set()
    for folder in folders(built, sink):
        for f in folder.glob("*.tf"):
            for check, reason in re.findall(r"#\s*checkov:skip=([A-Z0-9_]+):([^\n]*)", f.read_text(encoding="utf-8")):
                assert check in INLINE_SKIPS, f"{f.name}: {check} is skipped inline, which no design reason covers"
                assert len(reason.strip()) > 20, f"{f.name}: {check} is skipped without a reason"
                seen.add(check)
    # the examples and the kitchen sink do make use of the design-driven skips (the list is not dead)
    assert {"CKV2_AWS_5", "CKV2_AWS_50", "CKV_AWS_157"} <= seen


def _terraform() -> tuple[str, Path] | None:
    """The terraform binary and a filesystem mirror holding hashicorp/aws, when this machine has them."""
    exe = os.environ.get("DESIGNC_TERRAFORM") or shutil.which("terraform")
    mirror = Path(os.environ.get("DESIGNC_TF_PLUGINS", "/opt/tf-plugins"))
    if not exe or not (mirror / "registry.terraform.io" / "hashicorp" / "aws").is_dir():
        return None
    return exe, mirror


def test_terraform_validate_and_fmt_when_terraform_is_here(built: Path, sink: tuple[Path, Any], tmp_path: Path):
    found = _terraform()
    if found is None:  # not a CI failure: terraform and its providers are not in any registry .ci/run may use
        pytest.skip("terraform and a provider mirror (/opt/tf-plugins) are not on this machine")
    exe, mirror = found
    rc = tmp_path / "terraformrc"
    rc.write_text(
        "provider_installation {\n  filesystem_mirror {\n    path = " + json.dumps(str(mirror)) + "\n  }\n}\n",
        encoding="utf-8",
    )
    env = {**os.environ, "TF_CLI_CONFIG_FILE": str(rc), "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"}
    for folder in folders(built, sink):
        work = tmp_path / folder.parent.name
        shutil.copytree(folder, work)
        init = subprocess.run(
            [exe, "init", "-backend=false", "-input=false", "-no-color"],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert init.returncode == 0, init.stdout + init.stderr
        done = subprocess.run([exe, "validate", "-no-color"], cwd=work, env=env, capture_output=True, text=True)
        assert done.returncode == 0, f"{folder}: {done.stdout}{done.stderr}"
        fmt = subprocess.run(
            [exe, "fmt", "-check", "-diff", "-no-color"], cwd=folder, env=env, capture_output=True, text=True
        )
        assert fmt.returncode == 0, f"{folder} is not as `terraform fmt` writes it:\n{fmt.stdout}"


# ---------------------------------------------------------------------------------------------- mapping facts


def test_one_aliased_provider_per_region_and_a_pinned_aws_provider(built: Path):
    for design, system in DESIGNS.items():
        model = _model(EXAMPLES / f"{design}.design")
        m = Module(built / system / "terraform")
        got = {p["alias"]: p["region"] for p in m.providers}
        assert got == {r.name: aws_region(r.name) for r in model.regions}, system
        for p in m.providers:
            tags = p["default_tags"][0]["tags"]
            assert "designc" in json.dumps(tags) and model.system.name in json.dumps(tags)
        versions = m.files["versions.tf"]["terraform"][0]
        aws = versions["required_providers"][0]["aws"]
        assert aws["source"] == "hashicorp/aws" and aws["version"].startswith("~> 5.")
        assert "required_version" in versions


def test_a_region_whose_name_is_not_an_aws_region_becomes_a_variable(sink: tuple[Path, Any]):
    folder, _ = sink
    m = Module(folder)
    providers = {p["alias"]: p["region"] for p in m.providers}
    assert providers["us_east_1"] == "us-east-1"
    assert providers["backup_site"] == "${var.region_backup_site}"
    assert "default" not in m.variables["region_backup_site"]  # the user must say which AWS region it is
    assert "backup_site" in m.variables["region_backup_site"]["description"]
    subnets = m.of("aws_subnet")
    assert subnets["backup_site_a"]["availability_zone"] == "${var.region_backup_site}a"
    assert subnets["us_east_1_c"]["availability_zone"] == "us-east-1c"


def test_every_region_gets_a_vpc_with_a_private_subnet_per_zone_and_flow_logs(built: Path):
    model = _model(EXAMPLES / "payments.design")
    m = Module(built / "payments" / "terraform")
    assert set(m.of("aws_vpc")) == {r.name for r in model.regions}
    assert set(m.of("aws_flow_log")) == {r.name for r in model.regions}
    zones = {(b["provider"], b["availability_zone"]) for b in m.of("aws_subnet").values()}
    want = {(f"${{aws.{r.name}}}", f"{aws_region(r.name)}{z}") for r in model.regions for z in r.zones}
    assert zones == want
    assert all(b["map_public_ip_on_launch"] is False for b in m.of("aws_subnet").values())


def test_every_size_class_of_the_language_has_an_instance_type_in_every_family():
    from designc.schema import SIZE_CLASSES

    for family, types in _cloud_aws.INSTANCE_TYPES.items():
        assert set(types) == set(SIZE_CLASSES), family
    assert set(_cloud_aws.CACHE_MEMORY_GIB) >= set(_cloud_aws.INSTANCE_TYPES["elasticache"].values())


def test_the_payments_ledger_follows_its_design(built: Path):
    model = _model(EXAMPLES / "payments.design")
    ledger = next(c for c in model.components if c.name == "ledger")
    m = Module(built / "payments" / "terraform")
    db = m.of("aws_db_instance")
    primary = db["ledger"]
    rep = ledger.replication
    assert primary["engine"] == ledger.engine
    assert primary["multi_az"] is (rep.spread == "zones")
    assert primary["backup_retention_period"] == min(35, math.ceil(ledger.backup.retention / 86400))
    assert primary["deletion_protection"] is True
    assert primary["storage_encrypted"] is True and primary["kms_key_id"].startswith("${local.kms_key_arn.")
    assert primary["manage_master_user_password"] is True
    assert primary["iam_database_authentication_enabled"] is True
    assert primary["performance_insights_enabled"] is True and primary["auto_minor_version_upgrade"] is True
    assert primary["copy_tags_to_snapshot"] is True and primary["enabled_cloudwatch_logs_exports"]
    assert primary["publicly_accessible"] is False
    assert primary["provider"] == f"${{aws.{home(model, ledger)[0]}}}"
    assert primary["instance_class"] == _cloud_aws.INSTANCE_TYPES["rds"][ledger.size_class]
    assert primary["allocated_storage"] == math.ceil(ledger.storage / 1024**3)
    # the copies beyond the Multi-AZ pair are read replicas in the primary's region
    local_replicas = [
        n
        for n, b in db.items()
        if b.get("replicate_source_db") == "${aws_db_instance.ledger.identifier}" and b["tags"]["component"] == "ledger"
    ]
    assert len(local_replicas) == rep.replicas - 2
    # a store stated as the ledger's read replicas (`replica_of ledger`) is one, in the ledger's own subnets
    reports = db["ledger_reports"]
    assert reports["replicate_source_db"] == "${aws_db_instance.ledger.identifier}"
    assert "engine" not in reports and "username" not in reports and "db_subnet_group_name" not in reports
    # a cross-region read replica in every other region the design keeps it in (its replication regions, standby)
    others = {r for r in rep.regions if r != home(model, ledger)[0]}
    others |= {r.name for r in model.regions if r.role == "standby"}
    cross = {b["provider"] for b in db.values() if b.get("replicate_source_db") == "${aws_db_instance.ledger.arn}"}
    assert cross == {f"${{aws.{r}}}" for r in others}
    # RDS keeps 35 days at most; the AWS Backup plan keeps what the design says, and copies it across regions
    plan = m.of("aws_backup_plan")["ledger"]["rule"][0]
    assert plan["lifecycle"][0]["delete_after"] == math.ceil(ledger.backup.retention / 86400)
    assert ("copy_action" in plan) is bool(ledger.backup.cross_region)


def test_no_plain_secret_anywhere(built: Path, sink: tuple[Path, Any]):
    forbidden = {"password", "master_password", "auth_token", "secret_string", "passwords"}
    for folder in folders(built, sink):
        for name, data in Module(folder).files.items():
            for path, _value in walk(data):
                key = path.rsplit(".", 1)[-1]
                assert key not in forbidden, f"{folder.parent.name}/{name}: {path} holds a secret in the code"
        for f in folder.glob("*.tf"):
            assert not re.search(r"(?i)(password|secret|token)\s*=\s*\"[^\"$]", f.read_text(encoding="utf-8")), f
    # the Aurora global database's master password is write-only, from an ephemeral random password
    m = Module(sink[0])
    orders = m.of("aws_rds_cluster")["orders"]
    assert orders["master_password_wo"].startswith("${ephemeral.aws_secretsmanager_random_password.")
    assert m.files["versions.tf"]["terraform"][0]["required_version"] == ">= 1.11.0"


def test_kafka_settings_come_from_the_stream(built: Path):
    model = _model(EXAMPLES / "payments.design")
    stream = next(c for c in model.components if c.name == "payment_events")
    m = Module(built / "payments" / "terraform")
    props = dict(
        line.split(" = ", 1)
        for line in m.of("aws_msk_configuration")["payment_events"]["server_properties"].splitlines()
        if " = " in line
    )
    assert int(props["min.insync.replicas"]) == stream.min_insync
    assert int(props["default.replication.factor"]) == stream.replication_factor
    assert int(props["num.partitions"]) == stream.partitions
    assert int(props["log.retention.ms"]) == int(stream.retention * 1000)
    assert props["auto.create.topics.enable"].strip() == "false"
    cluster = m.of("aws_msk_cluster")["payment_events"]
    node = cluster["broker_node_group_info"][0]
    assert node["instance_type"] == _cloud_aws.INSTANCE_TYPES["msk"][stream.size_class or "small"]
    zones = next(p.zones for p in stream.placement)
    brokers = cluster["number_of_broker_nodes"]
    assert brokers % len(zones) == 0 and brokers >= stream.replication_factor
    assert len(cluster["broker_node_group_info"][0]["client_subnets"]) == len(zones)
    transit = cluster["encryption_info"][0]["encryption_in_transit"][0]
    assert transit == {"client_broker": "TLS", "in_cluster": True}
    assert cluster["client_authentication"][0]["unauthenticated"] is False


def test_dynamodb_global_tables_have_a_replica_per_other_region(built: Path):
    model = _model(EXAMPLES / "payments.design")
    table = next(c for c in model.components if c.name == "identity_db")
    m = Module(built / "payments" / "terraform")
    t = m.of("aws_dynamodb_table")["identity_db"]
    first = home(model, table)[0]
    others = [r for r in table.replication.regions if r != first]
    assert [r["region_name"] for r in t.get("replica", [])] == [aws_region(r) for r in others]
    assert t["point_in_time_recovery"][0]["enabled"] is True
    assert t["point_in_time_recovery"][0]["recovery_period_in_days"] == math.ceil(table.backup.retention / 86400)
    assert t["server_side_encryption"][0]["enabled"] is True and t["server_side_encryption"][0]["kms_key_arn"]
    assert t["deletion_protection_enabled"] is True and t["billing_mode"] == "PAY_PER_REQUEST"


def test_the_managed_redis_cache_follows_its_design(built: Path):
    model = _model(EXAMPLES / "chat.design")
    cache = next(c for c in model.components if c.name == "presence_cache")
    m = Module(built / "chat" / "terraform")
    g = m.of("aws_elasticache_replication_group")["presence_cache"]
    rep = cache.replication
    assert g["num_cache_clusters"] == rep.replicas
    assert g["automatic_failover_enabled"] is (rep.failover == "automatic")
    assert g["multi_az_enabled"] is (rep.spread == "zones")
    assert g["at_rest_encryption_enabled"] is True and g["transit_encryption_enabled"] is True
    assert g["user_group_ids"] and "auth_token" not in g
    users = m.of("aws_elasticache_user")
    default = next(u for u in users.values() if u["user_name"] == "default")
    assert default["access_string"].startswith("off")
    callers = {e.source for e in model.edges if e.target == cache.name}
    iam_users = [u for u in users.values() if u["user_name"] != "default"]
    assert len(iam_users) == len(callers)
    assert all(u["authentication_mode"][0]["type"] == "iam" for u in iam_users)


def test_queues_get_a_dead_letter_queue_and_the_designs_timeouts(built: Path, sink: tuple[Path, Any]):
    model = _model(EXAMPLES / "payments.design")
    q = next(c for c in model.components if c.name == "capture_retry")
    queues = Module(built / "payments" / "terraform").of("aws_sqs_queue")
    main = queues["capture_retry"]
    assert main["visibility_timeout_seconds"] == q.visibility_timeout
    assert main["message_retention_seconds"] == q.retention
    assert "capture_retry_dead_letter" in main["redrive_policy"] and main["kms_master_key_id"]
    fifo = Module(sink[0]).of("aws_sqs_queue")
    assert fifo["jobs"]["name"].endswith(".fifo") and fifo["jobs_dead_letter"]["name"].endswith(".fifo")


def _ingress(m: Module) -> dict[str, set[str]]:
    """Security group name -> the security groups its ingress rules admit."""
    out: dict[str, set[str]] = {}
    for rule in m.of("aws_vpc_security_group_ingress_rule").values():
        target = rule["security_group_id"].removeprefix("${aws_security_group.").removesuffix(".id}")
        source = rule["referenced_security_group_id"].removeprefix("${aws_security_group.").removesuffix(".id}")
        out.setdefault(target, set()).add(source)
    assert all(
        "cidr_ipv4" not in r and "cidr_ipv6" not in r for r in m.of("aws_vpc_security_group_ingress_rule").values()
    )
    return out


@pytest.mark.parametrize("design", DESIGNS)
def test_security_groups_admit_exactly_the_declared_callers(built: Path, design: str):
    model = _model(EXAMPLES / f"{design}.design")
    m = Module(built / DESIGNS[design] / "terraform")
    ingress = _ingress(m)
    groups = m.of("aws_security_group")
    # every managed component in a VPC (an engine with a port) has a security group in each region it runs in
    in_vpc = [
        c for c in model.components if c.managed == "aws" and c.kind != "service" and c.engine in _cloud_aws.ENGINES
    ]
    in_vpc = [c for c in in_vpc if _cloud_aws.ENGINES[c.engine].port]
    for c in in_vpc:
        for region in home(model, c):
            assert f"{c.name}_{region}" in groups, (c.name, region)
    checked = 0
    for c in model.components:
        for region in {r.name for r in model.regions}:
            name = f"{c.name}_{region}"
            if c.kind == "service" or name not in groups:
                continue
            callers = {e.source for e in model.edges if e.target == c.name}
            want = {
                f"{s}_{region}"
                for s in callers
                if next(x for x in model.components if x.name == s).kind == "service"
                and region in home(model, next(x for x in model.components if x.name == s))
            }
            assert ingress.get(name, set()) == want, (c.name, region)
            port = _cloud_aws.ENGINES[c.engine].port
            for rule in m.of("aws_vpc_security_group_ingress_rule").values():
                if rule["security_group_id"] == f"${{aws_security_group.{name}.id}}":
                    assert rule["from_port"] == rule["to_port"] == port and rule["ip_protocol"] == "tcp"
            checked += 1
    assert checked >= len(in_vpc)
    # no security group admits anything from anywhere
    for path, value in walk(m.files["network.tf"]):
        assert value != "0.0.0.0/0", path


def test_services_get_policies_for_exactly_what_they_call(built: Path):
    model = _model(EXAMPLES / "payments.design")
    m = Module(built / "payments" / "terraform")
    policies = m.of("aws_iam_policy")
    managed = {c.name for c in model.components if c.managed == "aws" and c.kind != "service"}
    callers = {e.source for e in model.edges if e.target in managed}
    assert set(policies) == callers
    auth = policies["auth"]["policy"]
    assert "dynamodb:GetItem" in auth and "dynamodb:PutItem" not in auth  # auth only reads identity_db
    assert (
        "rds-db:connect" in policies["payments"]["policy"]
        and "kafka-cluster:WriteData" in policies["payments"]["policy"]
    )
    assert "kafka-cluster:ReadData" in policies["notifier"]["policy"]
    assert "kafka-cluster:WriteData" not in policies["notifier"]["policy"]


def test_components_not_provisioned_here_are_listed_in_the_readme(built: Path, sink: tuple[Path, Any]):
    model = _model(EXAMPLES / "payments.design")
    readme = (built / "payments" / "terraform" / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Not generated here", 1)[1].split("\n## ", 1)[0]
    for c in model.components:
        if c.kind == "service":
            assert f"`{c.name}` (service): runs on Kubernetes: see the kubernetes target" in section
        elif c.kind in ("client", "external") or not c.managed:
            assert f"`{c.name}` ({c.kind})" in section
        else:
            assert f"`{c.name}` (" not in section and (built / "payments" / "terraform" / f"{c.name}.tf").is_file()
    sink_readme = (sink[0] / "README.md").read_text(encoding="utf-8")
    assert "engine `elasticsearch` has no AWS mapping yet" in sink_readme
    assert "`other` (store): managed by gcp" in sink_readme
    assert "`selfhosted` (store): self-hosted" in sink_readme
    assert not (sink[0] / "search.tf").exists() and not (sink[0] / "other.tf").exists()


def test_a_copy_the_design_does_not_state_is_said_to_be_the_scaffolds(built: Path, sink: tuple[Path, Any]):
    """A store with no replication into the standby region still gets a copy there (the standby takes over with
    the data), while the design's rules report it as kept in one region: the README says whose choice it is."""
    readme = (sink[0] / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `uploads` |"))
    assert "replicated to backup_site (the copy in `backup_site` is this scaffold's" in row
    assert "the design states no replication there" in row
    # a store whose design names the regions of its copies gets no such words
    for system in DESIGNS.values():
        assert "is this scaffold's" not in (built / system / "terraform" / "README.md").read_text(encoding="utf-8")


def test_the_readme_is_commonmark_with_no_broken_links(built: Path, sink: tuple[Path, Any]):
    for folder in folders(built, sink):
        readme = (folder / "README.md").read_text(encoding="utf-8")
        assert markdown_problems(readme, folder=folder) == [], folder
        for name in sorted(p.name for p in folder.glob("*.tf")):
            assert f"| `{name}` |" in readme, name  # every file is in the table of files


def test_strings_from_the_design_are_escaped(sink: tuple[Path, Any]):
    folder, model = sink
    cache = next(c for c in model.components if c.name == "sessions")
    assert '"' in cache.holds and "\\" in cache.holds and "${" in cache.holds and "\n" in cache.holds
    group = Module(folder).of("aws_elasticache_replication_group")["sessions"]
    assert group["description"] == f"sessions: {cache.holds}"


def test_hcl_strings_round_trip_through_python_hcl2():
    import hcl2

    from designc.targets.terraform import quote

    for s in ["plain", 'a "quoted" word', "back\\slash", "${var.x}", "%{ if x }", "two\nlines\ttab", "$${x}", "é ✓"]:
        parsed = hcl2.loads(f"x = {quote(s)}\n")["x"]
        assert text(parsed) == s, (s, parsed)


# ---------------------------------------------------------------------------------------------- the command line


def test_a_design_on_another_cloud_is_a_clean_error(tmp_path: Path):
    design = tmp_path / "gcp.design"
    design.write_text(
        'system g "On GCP" {\n'
        "  region europe_west1 { zones [b, c]; provider gcp }\n"
        "  service api { calls db }\n"
        "  store db { engine postgres; managed gcp }\n"
        "}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    r = run_designc("build", str(design), "-t", "terraform,json", "-o", str(out))
    assert r.returncode != 0
    assert "Traceback" not in r.stderr
    assert "provider `gcp`" in r.stderr and "supports only aws" in r.stderr
    assert not out.exists()


def test_a_design_without_regions_is_a_clean_error(tmp_path: Path):
    design = tmp_path / "none.design"
    design.write_text('system n "No regions" {\n  service api { replicas 2 }\n}\n', encoding="utf-8")
    r = run_designc("build", str(design), "-t", "terraform", "-o", str(tmp_path / "out"), "--allow-findings")
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert "declares no `region`" in r.stderr


def test_two_builds_are_byte_identical_and_every_file_starts_with_the_header(built: Path, tmp_path: Path):
    again = tmp_path / "again"
    r = run_designc("build", *(str(EXAMPLES / f"{d}.design") for d in DESIGNS), "-t", "terraform", "-o", str(again))
    assert r.returncode == 0, r.stderr
    for system in DESIGNS.values():
        first = sorted((built / system / "terraform").iterdir())
        second = sorted((again / system / "terraform").iterdir())
        assert [p.name for p in first] == [p.name for p in second]
        for a, b in zip(first, second, strict=True):
            assert a.read_bytes() == b.read_bytes(), a.name
            content = a.read_text(encoding="utf-8")
            if a.suffix == ".tf":
                assert content.startswith("# Generated by designc from "), a.name
                assert content.splitlines()[1].startswith("# Edit the design and run `designc build` again")
            else:
                assert content.startswith("<!--\nGenerated by designc from "), a.name
