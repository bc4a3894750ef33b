"""The AWS mapping of the `terraform` target: which resource each engine becomes, instance types per size class,
engine versions and ports, and the network and encryption every region gets.

Another cloud is another module, `_cloud_<provider>.py`, with the same `plan(build) -> Plan`.

What every design gets, per region: a customer-managed KMS key (or the one `var.kms_key_arns` names), a VPC with
a private subnet per declared zone, VPC flow logs to an encrypted log group, a closed default security group.
Per component, by engine (see ``ENGINES``): relational stores become RDS (Aurora when the component is built on
an `aurora_*` definition or its technology says Aurora), redis ElastiCache, kafka MSK, kinesis Kinesis Data
Streams, dynamodb a DynamoDB table (a global table across regions), s3 a bucket, sqs a queue. Components in a VPC
get a security group that admits only the design's callers; callers get an IAM policy for what they call.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from . import _scaffold
from .terraform import Block, Comment, ComponentPlan, Expr, Heredoc, Plan, TfFile, block, fn, interp

NAME = "AWS"
PROVIDER_SOURCE = "hashicorp/aws"
PROVIDER_VERSION = "~> 5.100"  # the 5.x line from 5.100 on: write-only arguments, ephemeral resources
TERRAFORM_VERSION = ">= 1.5.0"
TERRAFORM_VERSION_WRITE_ONLY = ">= 1.11.0"  # write-only arguments (an Aurora global cluster's master password)

# instance types per service family, by the design's cloud-neutral size class
INSTANCE_TYPES: dict[str, dict[str, str]] = {
    "rds": {
        "small": "db.t4g.medium",
        "medium": "db.m7g.large",
        "large": "db.m7g.xlarge",
        "xlarge": "db.m7g.2xlarge",
        "xxlarge": "db.m7g.4xlarge",
    },
    "aurora": {
        "small": "db.t4g.medium",
        "medium": "db.r7g.large",
        "large": "db.r7g.xlarge",
        "xlarge": "db.r7g.2xlarge",
        "xxlarge": "db.r7g.4xlarge",
    },
    "elasticache": {
        "small": "cache.t4g.medium",
        "medium": "cache.m7g.large",
        "large": "cache.r7g.large",
        "xlarge": "cache.r7g.xlarge",
        "xxlarge": "cache.r7g.2xlarge",
    },
    "msk": {
        "small": "kafka.m7g.large",
        "medium": "kafka.m7g.xlarge",
        "large": "kafka.m7g.2xlarge",
        "xlarge": "kafka.m7g.4xlarge",
        "xxlarge": "kafka.m7g.8xlarge",
    },
}

# memory of each cache node type (GiB, as ElastiCache lists it): a cache that states `max_memory` but no
# `size_class` gets the smallest node that holds it
CACHE_MEMORY_GIB: dict[str, float] = {
    "cache.t4g.medium": 3.09,
    "cache.m7g.large": 6.38,
    "cache.r7g.large": 13.07,
    "cache.r7g.xlarge": 26.32,
    "cache.r7g.2xlarge": 52.82,
    "cache.r7g.4xlarge": 105.81,
    "cache.r7g.8xlarge": 209.55,
    "cache.r7g.16xlarge": 419.09,
}


@dataclass(frozen=True)
class Engine:
    """How one stdlib engine maps: the service family, the main resource, the port callers connect to (None: not
    in a VPC, reached through the AWS API with IAM), the default version, the parameter group family, the log
    types exported to CloudWatch."""

    family: str
    resource: str
    title: str
    port: int | None = None
    engine: str | None = None  # the AWS engine name
    version: str | None = None
    parameter_family: str | None = None
    logs: tuple[str, ...] = ()


ENGINES: dict[str, Engine] = {
    "postgres": Engine(
        "rds", "aws_db_instance", "RDS for PostgreSQL", 5432, "postgres", "16", "postgres16", ("postgresql", "upgrade")
    ),
    "mysql": Engine(
        "rds", "aws_db_instance", "RDS for MySQL", 3306, "mysql", "8.0", "mysql8.0", ("error", "general", "slowquery")
    ),
    "redis": Engine(
        "elasticache", "aws_elasticache_replication_group", "ElastiCache for Redis", 6379, "redis", "7.1", "redis7"
    ),
    "kafka": Engine("msk", "aws_msk_cluster", "Amazon MSK", 9098, "kafka", "3.6.0"),  # 9098: TLS with IAM auth
    "kinesis": Engine("kinesis", "aws_kinesis_stream", "Kinesis Data Streams"),
    "dynamodb": Engine("dynamodb", "aws_dynamodb_table", "DynamoDB"),
    "s3": Engine("s3", "aws_s3_bucket", "S3"),
    "sqs": Engine("sqs", "aws_sqs_queue", "SQS"),
}

# a relational store built on an `aurora_*` definition, or whose technology says Aurora, is an Aurora cluster
AURORA: dict[str, Engine] = {
    "postgres": Engine(
        "aurora",
        "aws_rds_cluster",
        "Aurora PostgreSQL",
        5432,
        "aurora-postgresql",
        "16.4",
        "aurora-postgresql16",
        ("postgresql",),
    ),
    "mysql": Engine(
        "aurora",
        "aws_rds_cluster",
        "Aurora MySQL",
        3306,
        "aurora-mysql",
        "8.0.mysql_aurora.3.08.0",
        "aurora-mysql8.0",
        ("audit", "error", "general", "slowquery"),
    ),
}

# what an edge's kind lets the caller do, per family (IAM actions)
IAM_ACTIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "dynamodb": {
        "read": (
            "dynamodb:BatchGetItem",
            "dynamodb:ConditionCheckItem",
            "dynamodb:DescribeTable",
            "dynamodb:GetItem",
            "dynamodb:Query",
            "dynamodb:Scan",
        ),
        "write": (
            "dynamodb:BatchWriteItem",
            "dynamodb:ConditionCheckItem",
            "dynamodb:DeleteItem",
            "dynamodb:DescribeTable",
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
        ),
    },
    "s3": {
        "read": ("s3:GetObject", "s3:ListBucket"),
        "write": ("s3:AbortMultipartUpload", "s3:DeleteObject", "s3:PutObject"),
    },
    "sqs": {
        "read": (
            "sqs:ChangeMessageVisibility",
            "sqs:DeleteMessage",
            "sqs:GetQueueAttributes",
            "sqs:GetQueueUrl",
            "sqs:ReceiveMessage",
        ),
        "write": ("sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage"),
    },
    "kinesis": {
        "read": (
            "kinesis:DescribeStreamSummary",
            "kinesis:GetRecords",
            "kinesis:GetShardIterator",
            "kinesis:ListShards",
            "kinesis:SubscribeToShard",
        ),
        "write": ("kinesis:DescribeStreamSummary", "kinesis:ListShards", "kinesis:PutRecord", "kinesis:PutRecords"),
    },
}
# reads and consumes read; writes and publishes write; calls do both
EDGE_ACCESS: dict[str, tuple[str, ...]] = {
    "reads": ("read",),
    "consumes": ("read",),
    "writes": ("write",),
    "publishes": ("write",),
    "calls": ("read", "write"),
}

DEFAULT_BACKUP_DAYS = 7
RDS_MIN_STORAGE_GIB = 20  # the smallest gp3 volume RDS accepts
LOG_RETENTION_DAYS = 365
AWS_REGION = re.compile(r"^(us|eu|ap|sa|ca|me|af|il|mx|cn)-(gov-)?[a-z]+-\d+$")

# --------------------------------------------------------------------------------------------- small helpers


def _tf(name: str) -> str:
    """A Terraform identifier from a design name (dotted names lose their dots)."""
    out = re.sub(r"[^A-Za-z0-9_]", "_", name)
    return out if re.match(r"[A-Za-z_]", out) else f"_{out}"


def _days(seconds: float | None) -> int | None:
    return None if seconds is None else max(1, math.ceil(seconds / 86400))


def _skip(check: str, reason: str) -> str:
    """An inline checkov suppression: a check that does not apply to this one resource, for the design's reason."""
    return f"checkov:skip={check}: {reason}"


@dataclass
class RegionInfo:
    name: str  # as the design names it
    alias: str  # the provider alias and the suffix of per-region resources
    aws: str | Expr  # the AWS region: a literal, or a variable for a name that is not an AWS region
    zones: list[str]
    role: str
    index: int


@dataclass
class Mapped:
    """What a component became: for security groups, IAM policies and outputs."""

    family: str
    port: int | None = None
    regions: list[str] = field(default_factory=list)  # regions with a copy (first: the primary)
    arns: list[Any] = field(default_factory=list)  # for IAM: what callers get access to
    extra: dict[str, Any] = field(default_factory=dict)


class Aws:
    def __init__(self, build: Any) -> None:
        self.build = build
        self.model = build.model
        self.system = self.model.system
        self.prefix = _scaffold.dns_name(self.system.name, 20)
        self.by_name = {c.name: c for c in self.model.components}
        self.regions: dict[str, RegionInfo] = {}
        for i, r in enumerate(self.model.regions):
            alias = _tf(r.name)
            literal = r.name.replace("_", "-").lower()
            aws: str | Expr = literal if AWS_REGION.match(literal) else Expr(f"var.region_{alias}")
            self.regions[r.name] = RegionInfo(r.name, alias, aws, list(r.zones), r.role, i)
        self.first = next(iter(self.regions.values()))
        self.plan = Plan(cloud=NAME)
        self.variables: list[Block] = []
        self.outputs: list[Block] = []
        self.mapped: dict[str, Mapped] = {}
        self.service_sgs: dict[tuple[str, str], str] = {}  # (service, region) -> resource name
        self.write_only = False
        self.monitoring_role = False
        self.needs_endpoints: dict[str, set[str]] = {}  # region -> {"s3", "dynamodb"}
        self.egress: list[tuple[str, str, Block]] = []  # (service, region, rule) collected for network.tf
        self.vaults: dict[str, RegionInfo] = {}  # AWS Backup vaults by resource name
        self.endpoint_rules: set[tuple[str, str, str]] = set()  # (service, region, family) given egress

    # ------------------------------------------------------------------------------------------ files and blocks

    def file(self, name: str, element: Any | None = None, what: str = "") -> TfFile:
        if name not in self.plan.files:
            self.plan.files[name] = TfFile(element, what)
        return self.plan.files[name]

    def add(
        self,
        fname: str,
        kind: str,
        name: str,
        body: dict[str, Any],
        region: RegionInfo | None = None,
        component: str | None = None,
        blocks: list[Block] | None = None,
        comments: list[str] | None = None,
        skips: list[str] | None = None,
        tags: bool = True,
        extra_tags: dict[str, str] | None = None,
    ) -> Block:
        b = Block("resource", (kind, name))
        b.comments = list(comments or [])
        for s in skips or []:
            b.body.append(Comment(s))
        if region is not None:
            b.attr("provider", Expr(f"aws.{region.alias}"))
        for k, v in body.items():
            b.attr(k, v)
        for child in blocks or []:
            b.block(child)
        if tags:
            t: dict[str, str] = {}
            if component:
                t["component"] = component
            t.update(extra_tags or {})
            if t:
                b.attr("tags", t)
        self.file(fname).blocks.append(b)
        return b

    def az(self, region: RegionInfo, zone: str) -> str | Expr:
        if isinstance(region.aws, str):
            return f"{region.aws}{zone}" if len(zone) == 1 else zone
        return interp(region.aws, zone) if len(zone) == 1 else zone

    def kms(self, region: RegionInfo) -> Expr:
        return Expr(f"local.kms_key_arn.{region.alias}")

    def subnet_ids(self, region: RegionInfo, zones: list[str]) -> list[Expr]:
        return [Expr(f"aws_subnet.{region.alias}_{_tf(z)}.id") for z in zones]

    def service_role(
        self,
        fname: str,
        name: str,
        service: str,
        ident: str,
        description: str,
        region: RegionInfo,
        **extra: Any,
    ) -> None:
        """An IAM role an AWS service assumes (`backup.amazonaws.com`, ...): the one trust policy every such role
        has, written once."""
        assume = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}],
        }
        body = {"name": ident, "description": description, "assume_role_policy": fn("jsonencode", assume)}
        self.add(fname, "aws_iam_role", name, body, region=region, **extra)

    def ident(self, *parts: str, limit: int = 63) -> str:
        return _scaffold.dns_name("-".join([self.prefix, *parts]), limit)

    # ------------------------------------------------------------------------------------------ the design

    def home(self, c: Any) -> list[str]:
        """The regions a component runs in: its placements, else every region that is not a standby."""
        if c.placement:
            return list(dict.fromkeys(p.region for p in c.placement if p.region in self.regions))
        return [r.name for r in self.regions.values() if r.role != "standby"] or [self.first.name]

    def zones(self, c: Any, region: str) -> list[str]:
        for p in c.placement:
            if p.region == region and p.zones:
                return list(p.zones)
        return list(self.regions[region].zones)

    def data_regions(self, c: Any) -> list[str]:
        """Where a store keeps a copy: its own regions, the regions its replication names, and the standby regions
        (a standby takes over with the data), unless the store can be rebuilt from other data."""
        out = self.home(c)
        rep = getattr(c, "replication", None)
        if rep is not None:
            out += [r for r in rep.regions if r in self.regions]
        if not getattr(c, "reproducible", None) and not (rep is not None and rep.mode == "none"):
            out += [r.name for r in self.regions.values() if r.role == "standby"]
        return list(dict.fromkeys(out))

    def unstated_copies(self, c: Any, regions: list[str]) -> str:
        """Words for the copies `data_regions` adds in standby regions that the store itself does not state (its
        placement and its replication's regions do not name them): the design's rules report the store as kept in
        one region, so the plan says whose choice the copy is."""
        rep = getattr(c, "replication", None)
        stated = set(self.home(c)) | set(rep.regions if rep is not None else ())
        added = [r for r in regions if r not in stated]
        if not added:
            return ""
        where = ", ".join(f"`{r}`" for r in added)
        return (
            f" (the copy in {where} is this scaffold's, for the standby to take over with the data: the design "
            "states no replication there; state it in the store's `replication { regions [...] }`)"
        )

    def callers(self, c: Any) -> dict[str, list[str]]:
        """The components the design says reach this one, with the kinds of their edges, in design order."""
        out: dict[str, list[str]] = {}
        for e in self.model.edges:
            if e.target == c.name and e.source != c.name:
                out.setdefault(e.source, [])
                if e.kind not in out[e.source]:
                    out[e.source].append(e.kind)
        return out

    def engine_of(self, c: Any) -> Engine | None:
        engine = (c.engine or "").lower()
        if engine in AURORA and self.is_aurora(c):
            return AURORA[engine]
        return ENGINES.get(engine)

    def replica_source(self, c: Any) -> tuple[str, str] | None:
        """For a store that is the read replicas of another (`replica_of`) built as RDS with the same engine: the
        source's resource name and its first region. None otherwise (the store is then a database of its own)."""
        if not getattr(c, "replica_of", None):
            return None
        src = next((x for x in self.model.components if x.name == c.replica_of), None)
        if src is None or (src.engine or "").lower() != (c.engine or "").lower() or self.is_aurora(src):
            return None
        if self.engine_of(src) is None or src.managed != c.managed:
            return None
        regions = self.data_regions(src)
        return (_tf(src.name), regions[0]) if regions else None

    @staticmethod
    def is_aurora(c: Any) -> bool:
        if any(b.lower().startswith("aurora") for b in c.based_on):
            return True
        tech = (c.technology.name if c.technology else "").lower()
        return bool(re.search(r"\baurora\b", tech)) and "dsql" not in tech

    # ------------------------------------------------------------------------------------------ the plan

    # resources listed in the README besides the component's main ones: its settings and helpers
    HELPERS = (
        "aws_vpc_security_group_ingress_rule",
        "aws_db_parameter_group",
        "aws_rds_cluster_parameter_group",
        "aws_db_subnet_group",
        "aws_elasticache_subnet_group",
        "aws_cloudwatch_log_group",
        "aws_elasticache_user",
        "aws_elasticache_user_group",
        "aws_s3_bucket_",
        "aws_backup_selection",
        "aws_secretsmanager_secret_version",
        "aws_sqs_queue_redrive_allow_policy",
        "aws_iam_role",
    )

    def run(self) -> Plan:
        self.versions_and_providers()
        self.base_variables()
        for c in self.model.components:
            self.component(c)
        self.endpoint_egress()
        self.network()  # after the components: the security groups their callers need
        self.iam_policies()
        self.main()
        self.finish_variables_and_outputs()
        self.readme_notes()
        for cp in self.plan.components:
            if cp.mapped:
                f = self.plan.files[self.component_file(self.by_name[cp.name])]
                cp.resources = [
                    ".".join(b.labels)
                    for b in f.blocks
                    if b.type == "resource"
                    and not (
                        b.labels[0].startswith(self.HELPERS)
                        and b.labels[0] != "aws_s3_bucket_replication_configuration"
                    )
                ]
        return self.plan

    def component(self, c: Any) -> None:
        cp = ComponentPlan(c.name, c.kind, c.engine, mapped=False)
        self.plan.components.append(cp)
        if c.kind == "service":
            cp.summary = "runs on Kubernetes: see the kubernetes target"
            cp.regions = self.home(c)
            return
        if c.kind in ("external", "client"):
            cp.summary = f"{'an external dependency' if c.kind == 'external' else 'a client'}: nothing to provision"
            return
        if _scaffold.self_hosted(c):
            cp.summary = (
                "self-hosted (no `managed`): runs on Kubernetes as a StatefulSet, see the kubernetes target; "
                "`managed aws` provisions it here instead"
            )
            cp.regions = self.home(c)
            return
        if c.managed.lower() != "aws":
            cp.summary = f"managed by {c.managed}: not provisioned on AWS"
            return
        engine = self.engine_of(c)
        if engine is None:
            what = f"engine `{c.engine}`" if c.engine else "no engine"
            cp.summary = f"{what} has no AWS mapping yet: provision it by hand (or run it on Kubernetes)"
            return
        cp.mapped = True
        fname = self.component_file(c)
        self.file(fname, c, f"{c.kind} {c.name}: {engine.title}")
        getattr(self, f"map_{engine.family}")(c, engine, cp, fname)

    def component_file(self, c: Any) -> str:
        name = _tf(c.name)
        if name in ("versions", "providers", "variables", "outputs", "network", "main", "iam"):
            name = f"component_{name}"
        return f"{name}.tf"

    # ------------------------------------------------------------------------------------------ versions, providers

    def versions_and_providers(self) -> None:
        self.file("versions.tf", None, "Terraform and provider versions")
        self.file("providers.tf", None, f"one {NAME} provider per region of the design")
        for r in self.regions.values():
            region_value: str | Expr = r.aws
            b = block("provider", "aws", body={"alias": r.alias, "region": region_value})
            tags = fn(
                "merge",
                Expr("var.tags"),
                {"system": self.system.name, "managed-by": "designc"},
            )
            b.block(block("default_tags", body={"tags": tags}))
            b.comments = [f"region `{r.name}` ({r.role})"]
            self.file("providers.tf").blocks.append(b)

    # ------------------------------------------------------------------------------------------ variables

    def variable(self, name: str, type_: str, description: str, default: Any = None, **extra: Any) -> None:
        b = block("variable", name, body={"description": description, "type": Expr(type_)})
        if default is not None:
            b.attr("default", default)
        for k, v in extra.items():
            b.attr(k, v)
        self.variables.append(b)

    def base_variables(self) -> None:
        for r in self.regions.values():
            if isinstance(r.aws, Expr):
                self.variable(
                    f"region_{r.alias}",
                    "string",
                    f"The AWS region of the design's region `{r.name}`: its name is not an AWS region "
                    "(e.g. `us-east-1`); zones are this name plus their letter.",
                )
                self.plan.fill_in.append(f"`region_{r.alias}`: the AWS region that the design's `{r.name}` is.")
        self.variable(
            "tags",
            "map(string)",
            "Tags every resource gets, besides system, managed-by and component (provider default_tags).",
            default={},
        )
        cidrs = {r.alias: f"10.{r.index * 16 % 256}.0.0/16" for r in self.regions.values()}
        self.variable(
            "vpc_cidrs",
            "map(string)",
            "The CIDR block of each region's VPC, by the design's region name; they must not overlap each other "
            "or your other networks. Each declared zone gets a /20 private subnet of it.",
            default=cidrs,
        )
        self.plan.fill_in.append(
            "`vpc_cidrs`: each region's VPC CIDR (defaults: "
            + ", ".join(f"{k} {v}" for k, v in cidrs.items())
            + "); or replace `network.tf` with your existing VPCs."
        )
        self.variable(
            "kms_key_arns",
            "map(string)",
            "An existing KMS key ARN per region (by the design's region name) to encrypt with, instead of the key "
            "this module creates there. The key's policy must let CloudWatch Logs use it.",
            default={},
        )
        self.plan.fill_in.append(
            "`kms_key_arns` (optional): existing customer-managed KMS keys per region; without one, a key with "
            "rotation is created per region."
        )
        self.variable(
            "log_retention_days",
            "number",
            "How long CloudWatch log groups (flow logs, database and broker logs) keep their logs, in days.",
            default=LOG_RETENTION_DAYS,
        )

    # ------------------------------------------------------------------------------------------ main.tf

    def main(self) -> None:
        f = self.file("main.tf", None, "account data, the KMS key of each region, shared IAM roles")
        first = self.first
        blocks: list[Block] = []
        for kind in ("aws_caller_identity", "aws_partition"):
            b = block("data", kind, "current", body={"provider": Expr(f"aws.{first.alias}")})
            blocks.append(b)
        locals_body = {
            "kms_key_arn": {
                r.alias: fn("try", Expr(f'var.kms_key_arns["{r.alias}"]'), Expr(f"aws_kms_key.{r.alias}[0].arn"))
                for r in self.regions.values()
            },
            "account_id": Expr("data.aws_caller_identity.current.account_id"),
            "partition": Expr("data.aws_partition.current.partition"),
        }
        blocks.append(block("locals", body=locals_body))
        f.blocks[:0] = blocks
        for r in self.regions.values():
            policy = {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "AccountAdministersTheKeyThroughIam",
                        "Effect": "Allow",
                        "Principal": {
                            "AWS": interp("arn:", Expr("local.partition"), ":iam::", Expr("local.account_id"), ":root")
                        },
                        "Action": "kms:*",
                        "Resource": "*",
                    },
                    {
                        "Sid": "CloudWatchLogsEncryptsThisAccountsLogGroups",
                        "Effect": "Allow",
                        "Principal": {"Service": interp("logs.", r.aws, ".amazonaws.com")},
                        "Action": [
                            "kms:Decrypt*",
                            "kms:Describe*",
                            "kms:Encrypt*",
                            "kms:GenerateDataKey*",
                            "kms:ReEncrypt*",
                        ],
                        "Resource": "*",
                        "Condition": {
                            "ArnLike": {
                                "kms:EncryptionContext:aws:logs:arn": interp(
                                    "arn:",
                                    Expr("local.partition"),
                                    ":logs:",
                                    r.aws,
                                    ":",
                                    Expr("local.account_id"),
                                    ":*",
                                )
                            }
                        },
                    },
                ],
            }
            self.add(
                "main.tf",
                "aws_kms_key",
                r.alias,
                {
                    "count": Expr(f'lookup(var.kms_key_arns, "{r.alias}", null) == null ? 1 : 0'),
                    "description": f"{self.system.name}: encrypts the data, logs and secrets of region {r.name}",
                    "enable_key_rotation": True,
                    "deletion_window_in_days": 30,
                    "policy": fn("jsonencode", policy),
                },
                region=r,
                comments=[
                    f"region `{r.name}`: the key everything there is encrypted with (unless kms_key_arns names one)"
                ],
            )
            self.add(
                "main.tf",
                "aws_kms_alias",
                r.alias,
                {
                    "count": Expr(f'lookup(var.kms_key_arns, "{r.alias}", null) == null ? 1 : 0'),
                    "name": f"alias/{self.prefix}",
                    "target_key_id": Expr(f"aws_kms_key.{r.alias}[0].key_id"),
                },
                region=r,
                tags=False,
            )
        if self.vaults:
            self.backup_vaults()
        if self.monitoring_role:
            self.service_role(
                "main.tf",
                "rds_monitoring",
                "monitoring.rds.amazonaws.com",
                self.ident("rds-monitoring", limit=64),
                "RDS enhanced monitoring publishes OS metrics to CloudWatch",
                first,
                comments=["RDS enhanced monitoring (every database instance)"],
            )
            self.add(
                "main.tf",
                "aws_iam_role_policy_attachment",
                "rds_monitoring",
                {
                    "role": Expr("aws_iam_role.rds_monitoring.name"),
                    "policy_arn": interp(
                        "arn:", Expr("local.partition"), ":iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
                    ),
                },
                region=first,
                tags=False,
            )

    def backup_vaults(self) -> None:
        """The AWS Backup vaults the plans write to (one per region used) and the role AWS Backup works as."""
        self.file("backup.tf", None, "AWS Backup: a vault per region the backup plans use, and their role")
        for name, r in sorted(self.vaults.items(), key=lambda x: x[1].index):
            self.add(
                "backup.tf",
                "aws_backup_vault",
                name,
                {"name": self.ident("backups", r.name), "kms_key_arn": self.kms(r)},
                region=r,
                comments=[f"backups kept in `{r.name}`"],
            )
        self.service_role(
            "backup.tf",
            "backup",
            "backup.amazonaws.com",
            self.ident("backup", limit=64),
            "AWS Backup backs up and restores the stores",
            self.first,
        )
        for what in ("Backup", "Restores"):
            self.add(
                "backup.tf",
                "aws_iam_role_policy_attachment",
                f"backup_{what.lower()}",
                {
                    "role": Expr("aws_iam_role.backup.name"),
                    "policy_arn": interp(
                        "arn:",
                        Expr("local.partition"),
                        f":iam::aws:policy/service-role/AWSBackupServiceRolePolicyFor{what}",
                    ),
                },
                region=self.first,
                tags=False,
            )

    # ------------------------------------------------------------------------------------------ network.tf

    def network(self) -> None:
        self.file(
            "network.tf", None, "a VPC per region: private subnets in the declared zones, flow logs, security groups"
        )
        flow_log_groups: list[Expr] = []
        for r in self.regions.values():
            a = r.alias
            self.add(
                "network.tf",
                "aws_vpc",
                a,
                {
                    "cidr_block": Expr(f'var.vpc_cidrs["{a}"]'),
                    "enable_dns_support": True,
                    "enable_dns_hostnames": True,
                },
                region=r,
                extra_tags={"Name": self.ident(r.name)},
                comments=[f"region `{r.name}` ({r.role}), zones {', '.join(r.zones)}"],
            )
            self.add(
                "network.tf",
                "aws_default_security_group",
                a,
                {"vpc_id": Expr(f"aws_vpc.{a}.id")},
                region=r,
                comments=["the default security group admits nothing: every component has its own"],
            )
            for i, z in enumerate(r.zones):
                self.add(
                    "network.tf",
                    "aws_subnet",
                    f"{a}_{_tf(z)}",
                    {
                        "vpc_id": Expr(f"aws_vpc.{a}.id"),
                        "availability_zone": self.az(r, z),
                        "cidr_block": fn("cidrsubnet", Expr(f'var.vpc_cidrs["{a}"]'), 4, i),
                        "map_public_ip_on_launch": False,
                    },
                    region=r,
                    extra_tags={"Name": self.ident(r.name, "private", z), "tier": "private"},
                )
            self.add(
                "network.tf",
                "aws_route_table",
                f"{a}_private",
                {"vpc_id": Expr(f"aws_vpc.{a}.id")},
                region=r,
                extra_tags={"Name": self.ident(r.name, "private")},
                comments=["private subnets: no route to the internet (add a NAT gateway or endpoints as you need)"],
            )
            for z in r.zones:
                self.add(
                    "network.tf",
                    "aws_route_table_association",
                    f"{a}_{_tf(z)}",
                    {
                        "subnet_id": Expr(f"aws_subnet.{a}_{_tf(z)}.id"),
                        "route_table_id": Expr(f"aws_route_table.{a}_private.id"),
                    },
                    region=r,
                    tags=False,
                )
            for service in sorted(self.needs_endpoints.get(r.name, ())):
                self.add(
                    "network.tf",
                    "aws_vpc_endpoint",
                    f"{a}_{service}",
                    {
                        "vpc_id": Expr(f"aws_vpc.{a}.id"),
                        "service_name": interp("com.amazonaws.", r.aws, f".{service}"),
                        "vpc_endpoint_type": "Gateway",
                        "route_table_ids": [Expr(f"aws_route_table.{a}_private.id")],
                    },
                    region=r,
                    comments=[f"{service} without leaving the VPC (a gateway endpoint costs nothing)"],
                )
            self.add(
                "network.tf",
                "aws_cloudwatch_log_group",
                f"flow_logs_{a}",
                {
                    "name": f"/{self.prefix}/vpc-flow-logs/{r.name}",
                    "retention_in_days": Expr("var.log_retention_days"),
                    "kms_key_id": self.kms(r),
                },
                region=r,
            )
            flow_log_groups.append(Expr(f"aws_cloudwatch_log_group.flow_logs_{a}.arn"))
            self.add(
                "network.tf",
                "aws_flow_log",
                a,
                {
                    "vpc_id": Expr(f"aws_vpc.{a}.id"),
                    "traffic_type": "ALL",
                    "log_destination_type": "cloud-watch-logs",
                    "log_destination": Expr(f"aws_cloudwatch_log_group.flow_logs_{a}.arn"),
                    "iam_role_arn": Expr("aws_iam_role.flow_logs.arn"),
                    "max_aggregation_interval": 60,
                },
                region=r,
            )
        self.service_role(
            "network.tf",
            "flow_logs",
            "vpc-flow-logs.amazonaws.com",
            self.ident("vpc-flow-logs", limit=64),
            "VPC flow logs write to their CloudWatch log groups",
            self.first,
        )
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": [
                        "logs:CreateLogStream",
                        "logs:DescribeLogStreams",
                        "logs:PutLogEvents",
                    ],
                    "Resource": [x for g in flow_log_groups for x in (g, Expr(f'"${{{g.text}}}:*"'))],
                }
            ],
        }
        self.add(
            "network.tf",
            "aws_iam_role_policy",
            "flow_logs",
            {"name": "write-flow-logs", "role": Expr("aws_iam_role.flow_logs.id"), "policy": fn("jsonencode", policy)},
            region=self.first,
            tags=False,
        )
        # the callers' security groups, then the rules that let them out to what they call
        for (service, region), name in sorted(
            self.service_sgs.items(), key=lambda x: (self.regions[x[0][1]].index, x[1])
        ):
            r = self.regions[region]
            self.add(
                "network.tf",
                "aws_security_group",
                name,
                {
                    "name": self.ident(service, region),
                    "description": f"{service}: attach to its pods or nodes; egress only to what its edges reach",
                    "vpc_id": Expr(f"aws_vpc.{r.alias}.id"),
                },
                region=r,
                component=service,
                comments=[f"service `{service}` in `{region}` (it runs on Kubernetes: attach this group to its pods)"],
                skips=[
                    _skip(
                        "CKV2_AWS_5",
                        "attached to the service's pods (security groups for pods) or nodes on the Kubernetes side",
                    )
                ],
            )
            for svc, reg, rule in self.egress:
                if svc == service and reg == region:
                    self.file("network.tf").blocks.append(rule)

    def endpoint_egress(self) -> None:
        """Services that reach S3 or DynamoDB get egress on 443 to the region's gateway endpoint (its prefix list),
        where the data has a copy in a region the service runs in."""
        for c in self.model.components:
            m = self.mapped.get(c.name)
            if m is None or m.family not in ("s3", "dynamodb"):
                continue
            for caller in self.callers(c):
                comp = self.by_name.get(caller)
                if comp is None or comp.kind != "service":
                    continue
                for region in self.home(comp):
                    if region not in m.regions or (caller, region, m.family) in self.endpoint_rules:
                        continue
                    self.endpoint_rules.add((caller, region, m.family))
                    r = self.regions[region]
                    sg = self.service_sg(caller, region)
                    rule = Block("resource", ("aws_vpc_security_group_egress_rule", f"{sg}_to_{m.family}"))
                    rule.attr("provider", Expr(f"aws.{r.alias}"))
                    rule.attr("security_group_id", Expr(f"aws_security_group.{sg}.id"))
                    rule.attr("prefix_list_id", Expr(f"aws_vpc_endpoint.{r.alias}_{m.family}.prefix_list_id"))
                    rule.attr("ip_protocol", "tcp")
                    rule.attr("from_port", 443)
                    rule.attr("to_port", 443)
                    rule.attr("description", f"{caller} reaches {m.family} through the gateway endpoint")
                    rule.attr("tags", {"component": caller})
                    self.egress.append((caller, region, rule))

    def service_sg(self, service: str, region: str) -> str:
        key = (service, region)
        if key not in self.service_sgs:
            self.service_sgs[key] = f"{_tf(service)}_{self.regions[region].alias}"
        return self.service_sgs[key]

    def security_group(self, c: Any, fname: str, region: RegionInfo, port: int, cp: ComponentPlan) -> Expr:
        """The component's security group in one region, admitting on ``port`` only the callers the design
        declares that run in that region."""
        name = f"{_tf(c.name)}_{region.alias}"
        self.add(
            fname,
            "aws_security_group",
            name,
            {
                "name": self.ident(c.name, region.name),
                "description": f"{c.name}: admits only its callers in the design, on port {port}",
                "vpc_id": Expr(f"aws_vpc.{region.alias}.id"),
            },
            region=region,
            component=c.name,
        )
        for caller, kinds in self.callers(c).items():
            comp = self.by_name.get(caller)
            if comp is None:
                continue
            if comp.kind != "service":
                cp.notes.append(
                    f"`{caller}` ({comp.kind}) {'/'.join(kinds)} it: no security group rule, only services run in "
                    "the VPC."
                )
                continue
            if region.name not in self.home(comp):
                cp.notes.append(f"`{caller}` does not run in `{region.name}`: no rule admits it to the copy there.")
                continue
            sg = self.service_sg(caller, region.name)
            self.add(
                fname,
                "aws_vpc_security_group_ingress_rule",
                f"{name}_from_{_tf(caller)}",
                {
                    "security_group_id": Expr(f"aws_security_group.{name}.id"),
                    "referenced_security_group_id": Expr(f"aws_security_group.{sg}.id"),
                    "ip_protocol": "tcp",
                    "from_port": port,
                    "to_port": port,
                    "description": f"{caller} {'/'.join(kinds)} {c.name}",
                },
                region=region,
                component=c.name,
            )
            rule = Block("resource", ("aws_vpc_security_group_egress_rule", f"{sg}_to_{_tf(c.name)}"))
            rule.attr("provider", Expr(f"aws.{region.alias}"))
            rule.attr("security_group_id", Expr(f"aws_security_group.{sg}.id"))
            rule.attr("referenced_security_group_id", Expr(f"aws_security_group.{name}.id"))
            rule.attr("ip_protocol", "tcp")
            rule.attr("from_port", port)
            rule.attr("to_port", port)
            rule.attr("description", f"{caller} {'/'.join(kinds)} {c.name}")
            rule.attr("tags", {"component": caller})
            self.egress.append((caller, region.name, rule))
        return Expr(f"aws_security_group.{name}.id")

    def log_group(self, c: Any, fname: str, region: RegionInfo, what: str, path: str) -> str:
        name = f"{_tf(c.name)}_{what}_{region.alias}"
        self.add(
            fname,
            "aws_cloudwatch_log_group",
            name,
            {
                "name": path,
                "retention_in_days": Expr("var.log_retention_days"),
                "kms_key_id": self.kms(region),
            },
            region=region,
            component=c.name,
        )
        return name

    # ------------------------------------------------------------------------------------------ relational: RDS

    def backup_days(self, c: Any, cp: ComponentPlan) -> int:
        b = c.backup
        days = _days(b.retention) if b is not None else None
        if days is None:
            cp.notes.append(f"No backup retention in the design: {DEFAULT_BACKUP_DAYS} days.")
            return DEFAULT_BACKUP_DAYS
        if days > 35:
            cp.notes.append(
                f"Automated backups are capped at 35 days, the most RDS keeps; the AWS Backup plan keeps the "
                f"design's {days} days."
            )
            return 35
        return days

    def parameter_group(self, c: Any, engine: Engine, fname: str, region: RegionInfo, cluster: bool) -> str:
        kind = "aws_rds_cluster_parameter_group" if cluster else "aws_db_parameter_group"
        name = f"{_tf(c.name)}_{region.alias}"
        if engine.engine and "postgres" in engine.engine:
            params = [("log_statement", "ddl"), ("log_min_duration_statement", "1000"), ("rds.force_ssl", "1")]
        else:
            params = [("require_secure_transport", "1"), ("slow_query_log", "1"), ("long_query_time", "1")]
        self.add(
            fname,
            kind,
            name,
            {
                "name": self.ident(c.name, region.name),
                "family": engine.parameter_family,
                "description": f"{c.name}: TLS only, slow and DDL statements logged",
            },
            region=region,
            component=c.name,
            blocks=[block("parameter", body={"name": k, "value": v}) for k, v in params],
        )
        return name

    def subnet_group(self, c: Any, fname: str, region: RegionInfo, zones: list[str], kind: str) -> str:
        name = f"{_tf(c.name)}_{region.alias}"
        self.add(
            fname,
            kind,
            name,
            {
                "name": self.ident(c.name, region.name),
                "description": f"{c.name}: its zones in {region.name}",
                "subnet_ids": self.subnet_ids(region, zones if len(zones) >= 2 else region.zones),
            },
            region=region,
            component=c.name,
        )
        return name

    def map_rds(self, c: Any, engine: Engine, cp: ComponentPlan, fname: str) -> None:
        rep = c.replication
        regions = self.data_regions(c)
        multi_az = bool(rep is not None and rep.spread in ("zones", "regions") and (rep.replicas or 2) >= 2)
        copies = rep.replicas if rep is not None and rep.replicas else (2 if multi_az else 1)
        readers = max(0, copies - (2 if multi_az else 1))
        size = _scaffold.size_class(c)
        instance = INSTANCE_TYPES["rds"][size]
        storage = max(RDS_MIN_STORAGE_GIB, _scaffold.gib(_scaffold.storage(c)))  # RDS refuses less
        days = self.backup_days(c, cp)
        self.monitoring_role = True
        port = engine.port or 0
        mapped = Mapped("rds", port, regions)
        self.mapped[c.name] = mapped
        cp.regions = regions
        parts = [engine.title, f"{instance}"]
        if multi_az:
            parts.append("Multi-AZ")
        if readers:
            parts.append(f"{readers} read replica{'s' if readers > 1 else ''}")
        if len(regions) > 1:
            parts.append("cross-region read replica in " + ", ".join(regions[1:]))
        if self.replica_source(c) is not None:
            parts.append(f"a read replica of {c.replica_of}")
        cp.summary = ", ".join(parts) + self.unstated_copies(c, regions)
        ident = self.ident(c.name)

        def common(region: RegionInfo, sg: Expr, pg: str, subnets: str) -> dict[str, Any]:
            return {
                "instance_class": instance,
                "storage_encrypted": True,
                "kms_key_id": self.kms(region),
                "db_subnet_group_name": Expr(f"aws_db_subnet_group.{subnets}.name"),
                "vpc_security_group_ids": [sg],
                "parameter_group_name": Expr(f"aws_db_parameter_group.{pg}.name"),
                "port": port,
                "publicly_accessible": False,
                "iam_database_authentication_enabled": True,
                "deletion_protection": True,
                "auto_minor_version_upgrade": True,
                "copy_tags_to_snapshot": True,
                "enabled_cloudwatch_logs_exports": list(engine.logs),
                "performance_insights_enabled": True,
                "performance_insights_kms_key_id": self.kms(region),
                "performance_insights_retention_period": 7,
                "monitoring_interval": 30,
                "monitoring_role_arn": Expr("aws_iam_role.rds_monitoring.arn"),
                "ca_cert_identifier": "rds-ca-rsa2048-g1",
            }

        def add_instance(name: str, body: dict[str, Any], r: RegionInfo, comments: list[str], skips: list[str]) -> None:
            self.add(fname, "aws_db_instance", name, body, region=r, component=c.name, comments=comments, skips=skips)
            cp.resources.append(f"aws_db_instance.{name}")
            mapped.arns.append(("rds", Expr(f"aws_db_instance.{name}.resource_id"), r))

        def replica(
            identifier: str, source: str, az: Expr | None, multi: bool, rest: dict[str, Any], in_source: bool
        ) -> dict[str, Any]:
            """An RDS read replica's body: its source, and the settings it shares with a primary (a replica in its
            source's region takes the source's subnet group)."""
            return {
                "identifier": identifier,
                "replicate_source_db": Expr(source),
                "multi_az": multi,
                "availability_zone": az,
                "backup_retention_period": days,
                "skip_final_snapshot": True,
                **{k: v for k, v in rest.items() if not (in_source and k == "db_subnet_group_name")},
            }

        first_name = _tf(c.name)
        source = self.replica_source(c)
        for i, rname in enumerate(regions):
            r = self.regions[rname]
            zones = self.zones(c, rname)
            sg = self.security_group(c, fname, r, port, cp)
            pg = self.parameter_group(c, engine, fname, r, cluster=False)
            # a read replica in its source's region takes the source's subnet group: it gets none of its own
            in_source = i == 0 and source is not None and source[1] == rname
            subnets = "" if in_source else self.subnet_group(c, fname, r, zones, "aws_db_subnet_group")
            body = common(r, sg, pg, subnets)
            skips: list[str] = []
            if not multi_az:
                skips.append(
                    _skip("CKV_AWS_157", "the design does not spread this store over zones (replication spread)")
                )
            if i == 0 and source is not None:
                # the design's `replica_of`: read replicas of another store, fed by RDS's asynchronous replication
                src_name, src_region = source
                same = src_region == rname
                name = first_name
                az = self.az(r, zones[0]) if zones and not multi_az else None
                src = f"aws_db_instance.{src_name}.{'identifier' if same else 'arn'}"
                comment = (
                    f"read replicas of `{c.replica_of}` (the design's `replica_of`): RDS replicates to it "
                    "asynchronously, so readers see the source's writes late"
                )
                add_instance(name, replica(ident, src, az, multi_az, body, same), r, [comment], skips)
            elif i == 0:
                name = first_name
                body = {
                    "identifier": ident,
                    "engine": engine.engine,
                    "engine_version": engine.version,
                    "allocated_storage": storage,
                    "max_allocated_storage": storage * 2,
                    "storage_type": "gp3",
                    "username": "dbadmin",
                    "manage_master_user_password": True,
                    "master_user_secret_kms_key_id": self.kms(r),
                    "multi_az": multi_az,
                    "availability_zone": self.az(r, zones[0]) if zones and not multi_az else None,
                    "backup_retention_period": days,
                    "backup_window": "03:00-04:00",
                    "maintenance_window": "sun:04:30-sun:05:30",
                    "delete_automated_backups": False,
                    "final_snapshot_identifier": f"{ident}-final",
                    **body,
                }
                comments = [
                    f"the primary, in `{rname}`: {copies} cop{'ies' if copies != 1 else 'y'} of the data in the "
                    "design's replication" + (", a synchronous standby in another zone (Multi-AZ)" if multi_az else ""),
                    "point-in-time recovery comes with the automated backups (backup_retention_period > 0)",
                ]
                add_instance(name, body, r, comments, skips)
                for n in range(readers):
                    zone = zones[(n + 1) % len(zones)] if zones else None
                    rbody = replica(
                        self.ident(c.name, f"replica-{n + 1}"),
                        f"aws_db_instance.{name}.identifier",
                        self.az(r, zone) if zone else None,
                        False,
                        common(r, sg, pg, subnets),
                        True,
                    )
                    comment = (
                        f"read replica {n + 1} of {readers}: the design's replicas beyond the primary"
                        + (" and its Multi-AZ standby" if multi_az else "")
                        + " (asynchronous)"
                    )
                    rskips = [_skip("CKV_AWS_157", "a read replica; the primary is Multi-AZ")] if multi_az else skips
                    add_instance(f"{first_name}_replica_{n + 1}", rbody, r, [comment], rskips)
            else:
                name = f"{first_name}_{r.alias}"
                role = self.regions[rname].role
                comment = f"a cross-region read replica in `{rname}` ({role}): promote it to fail over"
                rbody = replica(
                    self.ident(c.name, rname), f"aws_db_instance.{first_name}.arn", None, multi_az, body, False
                )
                add_instance(name, rbody, r, [comment], skips)
            self.output(
                f"{first_name}_{r.alias}_address" if i else f"{first_name}_address",
                Expr(f"aws_db_instance.{name}.address"),
                f"{c.name}: the database's host name in {rname}" + (" (a read replica)" if i else ""),
            )
        cp.notes.append(
            f"Backups: {days} days of automated backups, with point-in-time recovery within them (RDS keeps "
            "transaction logs with the automated backups)."
        )
        self.backup_plan(c, fname, cp, "rds", Expr(f"aws_db_instance.{first_name}.arn"), regions)
        cp.notes.append(
            "The master password is managed by RDS in Secrets Manager (`manage_master_user_password`), never in "
            "this code or the state; applications connect with IAM database authentication, as a database user "
            "named after the service (create it and grant it `rds_iam`)."
        )
        if rep is not None and rep.mode == "sync" and (readers or len(regions) > 1):
            cp.notes.append(
                "The design replicates synchronously: only the Multi-AZ standby is synchronous; read replicas "
                "(and cross-region ones) replicate asynchronously."
            )
        tech = c.technology.name if c.technology else ""
        if "dsql" in tech.lower():
            cp.notes.append(
                f"The design names `{tech}`, which this scaffold does not generate: {engine.title} with cross-region "
                "read replicas stands in for it. Review the choice."
            )
        self.output(
            f"{first_name}_master_secret_arn",
            Expr(f"aws_db_instance.{first_name}.master_user_secret[0].secret_arn"),
            f"{c.name}: the Secrets Manager secret RDS keeps the master password in",
        )

    # ------------------------------------------------------------------------------------------ AWS Backup

    def backup_plan(self, c: Any, fname: str, cp: ComponentPlan, family: str, arn: Expr, regions: list[str]) -> bool:
        """An AWS Backup plan for a store whose design declares `backup`: its interval, retention (beyond the 35
        days RDS keeps itself) and, with `cross_region`, a copy to a vault in another region. False when the
        design declares no backup."""
        b = c.backup
        if b is None:
            return False
        base = _tf(c.name)
        primary = self.regions[regions[0]]
        days = _days(b.retention) or DEFAULT_BACKUP_DAYS
        hours = max(1, math.ceil((b.interval or 86400) / 3600))
        if hours < 24 and 24 % hours == 0:
            schedule = "cron(0 * * * ? *)" if hours == 1 else f"cron(0 0/{hours} * * ? *)"
            every = "every hour" if hours == 1 else f"every {hours} hours"
        else:
            schedule, every = "cron(0 3 * * ? *)", "daily"
        continuous = family in ("rds", "aurora") and days <= 35 and b.pitr is not False
        rule = block(
            "rule",
            body={
                "rule_name": f"{c.name}-{every.replace(' ', '-')}",
                "target_vault_name": Expr(f"aws_backup_vault.{self.vault(primary)}.name"),
                "schedule": schedule,
                "enable_continuous_backup": continuous or None,
            },
            blocks=[block("lifecycle", body={"delete_after": days})],
        )
        copy_to: RegionInfo | None = None
        if b.cross_region:
            others = [x for x in regions[1:]] or [r.name for r in self.regions.values() if r.name != primary.name]
            if others:
                copy_to = self.regions[others[0]]
                rule.block(
                    block(
                        "copy_action",
                        body={"destination_vault_arn": Expr(f"aws_backup_vault.{self.vault(copy_to)}.arn")},
                        blocks=[block("lifecycle", body={"delete_after": days})],
                    )
                )
            else:
                cp.notes.append("The design asks for cross-region backups, but declares one region: no copy.")
        self.add(
            fname,
            "aws_backup_plan",
            base,
            {"name": self.ident(c.name)},
            region=primary,
            component=c.name,
            blocks=[rule],
            comments=[
                f"the design's backup: {every}, kept {days} days" + (f", copied to `{copy_to.name}`" if copy_to else "")
            ],
        )
        self.add(
            fname,
            "aws_backup_selection",
            base,
            {
                "name": self.ident(c.name, limit=50),
                "plan_id": Expr(f"aws_backup_plan.{base}.id"),
                "iam_role_arn": Expr("aws_iam_role.backup.arn"),
                "resources": [arn],
            },
            region=primary,
            tags=False,
        )
        cp.resources.append(f"aws_backup_plan.{base}")
        cp.notes.append(
            f"AWS Backup: {every}, kept {days} days"
            + (" (continuous, point-in-time)" if continuous else "")
            + (f", copied to the vault in `{copy_to.name}`" if copy_to else "")
            + "."
        )
        return True

    def vault(self, r: RegionInfo) -> str:
        name = f"backup_{r.alias}"
        if name not in self.vaults:
            self.vaults[name] = r
        return name

    # ------------------------------------------------------------------------------------------ relational: Aurora

    def map_aurora(self, c: Any, engine: Engine, cp: ComponentPlan, fname: str) -> None:
        rep = c.replication
        regions = self.data_regions(c)
        spread = bool(rep is not None and rep.spread in ("zones", "regions"))
        instances = rep.replicas if rep is not None and rep.replicas else (2 if spread else 1)
        size = _scaffold.size_class(c)
        instance = INSTANCE_TYPES["aurora"][size]
        days = self.backup_days(c, cp)
        self.monitoring_role = True
        port = engine.port or 0
        mapped = Mapped("aurora", port, regions)
        self.mapped[c.name] = mapped
        cp.regions = regions
        base = _tf(c.name)
        is_global = len(regions) > 1
        cp.summary = (
            f"{engine.title}, {instances} × {instance}"
            + (f", a global database with secondary clusters in {', '.join(regions[1:])}" if is_global else "")
            + self.unstated_copies(c, regions)
        )
        if is_global:
            self.write_only = True
            self.add(
                fname,
                "aws_rds_global_cluster",
                base,
                {
                    "global_cluster_identifier": self.ident(c.name),
                    "engine": engine.engine,
                    "engine_version": engine.version,
                    "storage_encrypted": True,
                    "deletion_protection": True,
                },
                region=self.regions[regions[0]],
                component=c.name,
                comments=[f"a global database: the primary cluster in `{regions[0]}`, secondaries elsewhere"],
            )
            cp.resources.append(f"aws_rds_global_cluster.{base}")
            self.master_secret(c, fname, self.regions[regions[0]], [self.regions[x] for x in regions[1:]], cp)
        for i, rname in enumerate(regions):
            r = self.regions[rname]
            zones = self.zones(c, rname)
            sg = self.security_group(c, fname, r, port, cp)
            pg = self.parameter_group(c, engine, fname, r, cluster=True)
            subnets = self.subnet_group(c, fname, r, zones, "aws_db_subnet_group")
            name = base if i == 0 else f"{base}_{r.alias}"
            body: dict[str, Any] = {
                "cluster_identifier": self.ident(c.name) if i == 0 else self.ident(c.name, rname),
                "engine": engine.engine,
                "engine_version": engine.version,
            }
            if is_global:
                body["global_cluster_identifier"] = Expr(f"aws_rds_global_cluster.{base}.id")
            if i == 0:
                body["master_username"] = "dbadmin"
                if is_global:
                    body["master_password_wo"] = Expr(
                        f"ephemeral.aws_secretsmanager_random_password.{base}.random_password"
                    )
                    body["master_password_wo_version"] = 1
                else:
                    body["manage_master_user_password"] = True
                    body["master_user_secret_kms_key_id"] = self.kms(r)
            body.update(
                {
                    "db_subnet_group_name": Expr(f"aws_db_subnet_group.{subnets}.name"),
                    "vpc_security_group_ids": [sg],
                    "db_cluster_parameter_group_name": Expr(f"aws_rds_cluster_parameter_group.{pg}.name"),
                    "port": port,
                    "storage_encrypted": True,
                    "kms_key_id": self.kms(r),
                    "backup_retention_period": days,
                    "preferred_backup_window": "03:00-04:00",
                    "iam_database_authentication_enabled": True,
                    "deletion_protection": True,
                    "copy_tags_to_snapshot": True,
                    "enabled_cloudwatch_logs_exports": list(engine.logs),
                    "final_snapshot_identifier": f"{body['cluster_identifier']}-final",
                }
            )
            if i > 0:
                body["depends_on"] = [Expr(f"aws_rds_cluster_instance.{base}_1")]
            comments = [f"the {'primary' if i == 0 else 'secondary'} cluster in `{rname}` ({r.role})"]
            if i == 0:
                comments.append("point-in-time recovery comes with the automated backups (backup_retention_period)")
            self.add(fname, "aws_rds_cluster", name, body, region=r, component=c.name, comments=comments)
            cp.resources.append(f"aws_rds_cluster.{name}")
            mapped.arns.append(("aurora", Expr(f"aws_rds_cluster.{name}.cluster_resource_id"), r))
            for n in range(instances):
                zone = zones[n % len(zones)] if zones else None
                iname = f"{name}_{n + 1}"
                self.add(
                    fname,
                    "aws_rds_cluster_instance",
                    iname,
                    {
                        "identifier": self.ident(c.name, *([rname] if i else []), str(n + 1)),
                        "cluster_identifier": Expr(f"aws_rds_cluster.{name}.id"),
                        "engine": Expr(f"aws_rds_cluster.{name}.engine"),
                        "engine_version": Expr(f"aws_rds_cluster.{name}.engine_version"),
                        "instance_class": instance,
                        "availability_zone": self.az(r, zone) if zone else None,
                        "publicly_accessible": False,
                        "auto_minor_version_upgrade": True,
                        "performance_insights_enabled": True,
                        "performance_insights_kms_key_id": self.kms(r),
                        "performance_insights_retention_period": 7,
                        "monitoring_interval": 30,
                        "monitoring_role_arn": Expr("aws_iam_role.rds_monitoring.arn"),
                        "ca_cert_identifier": "rds-ca-rsa2048-g1",
                        "copy_tags_to_snapshot": True,
                    },
                    region=r,
                    component=c.name,
                )
                cp.resources.append(f"aws_rds_cluster_instance.{iname}")
            self.output(
                f"{name}_endpoint",
                Expr(f"aws_rds_cluster.{name}.endpoint"),
                f"{c.name}: the writer endpoint in {rname}" if i == 0 else f"{c.name}: the cluster endpoint in {rname}",
            )
        cp.notes.append(
            f"Backups: {days} days of continuous backup, with point-in-time recovery within them (Aurora's "
            "automated backups)."
        )
        planned = self.backup_plan(c, fname, cp, "aurora", Expr(f"aws_rds_cluster.{base}.arn"), regions)
        for b in self.file(fname).blocks:
            if b.labels and b.labels[0] == "aws_rds_cluster":
                if not planned:
                    reason = "the design declares no backup beyond Aurora's automated backups"
                elif b.labels[1] != base:
                    reason = "a secondary cluster of the global database: the primary's backup plan covers the data"
                else:
                    continue
                b.body.insert(0, Comment(_skip("CKV2_AWS_8", reason)))
        if is_global:
            cp.notes.append(
                "An Aurora global database cannot keep its master password in Secrets Manager itself: the password "
                "is generated (ephemeral, never in the state), written once to the cluster and to a Secrets Manager "
                "secret replicated to the other regions (`master_password_wo`, Terraform 1.11+)."
            )
            if rep is not None and rep.mode == "sync":
                cp.notes.append(
                    "The design replicates synchronously across regions; an Aurora global database replicates "
                    "asynchronously (typically under a second). Review the design's RPO."
                )
        else:
            cp.notes.append(
                "The master password is managed by RDS in Secrets Manager, never in this code or the state."
            )

    def master_secret(
        self, c: Any, fname: str, region: RegionInfo, others: list[RegionInfo], cp: ComponentPlan
    ) -> None:
        base = _tf(c.name)
        eph = Block("ephemeral", ("aws_secretsmanager_random_password", base))
        eph.comments = ["the master password: generated at apply, never stored in the state"]
        eph.attr("provider", Expr(f"aws.{region.alias}"))
        eph.attr("password_length", 40)
        eph.attr("exclude_punctuation", True)
        self.file(fname).blocks.append(eph)
        self.add(
            fname,
            "aws_secretsmanager_secret",
            f"{base}_master",
            {
                "name": f"{self.prefix}/{c.name}/master",
                "description": f"{c.name}: the master user of the global database (rotate by bumping the *_wo_version)",
                "kms_key_id": self.kms(region),
                "recovery_window_in_days": 30,
            },
            region=region,
            component=c.name,
            blocks=[block("replica", body={"region": o.aws, "kms_key_id": self.kms(o)}) for o in others],
            skips=[
                _skip(
                    "CKV2_AWS_57",
                    "a global database's master password is rotated by hand "
                    "(RDS cannot manage it); bump master_password_wo_version",
                )
            ],
        )
        self.add(
            fname,
            "aws_secretsmanager_secret_version",
            f"{base}_master",
            {
                "secret_id": Expr(f"aws_secretsmanager_secret.{base}_master.id"),
                "secret_string_wo": fn(
                    "jsonencode",
                    {
                        "username": "dbadmin",
                        "password": Expr(f"ephemeral.aws_secretsmanager_random_password.{base}.random_password"),
                    },
                ),
                "secret_string_wo_version": 1,
            },
            region=region,
            tags=False,
        )
        cp.resources.append(f"aws_secretsmanager_secret.{base}_master")

    # ------------------------------------------------------------------------------------------ ElastiCache

    def map_elasticache(self, c: Any, engine: Engine, cp: ComponentPlan, fname: str) -> None:
        rep = c.replication
        nodes = rep.replicas if rep is not None and rep.replicas else 1
        failover = nodes >= 2 and not (rep is not None and rep.failover == "manual")
        multi_az = failover and rep is not None and rep.spread in ("zones", "regions")
        node, why = self.cache_node(c)
        regions = self.home(c)
        port = engine.port or 6379
        mapped = Mapped("elasticache", port, regions)
        self.mapped[c.name] = mapped
        cp.regions = regions
        cp.summary = f"{engine.title}, {nodes} × {node}" + (", Multi-AZ with automatic failover" if multi_az else "")
        cp.notes.append(f"Node type {node}: {why}.")
        base = _tf(c.name)
        callers = [
            x
            for x, _ in self.callers(c).items()
            if self.by_name.get(x) is not None and self.by_name[x].kind == "service"
        ]
        for rname in regions:
            r = self.regions[rname]
            zones = self.zones(c, rname)
            suffix = "" if len(regions) == 1 else f"_{r.alias}"
            name = f"{base}{suffix}"
            sg = self.security_group(c, fname, r, port, cp)
            subnets = self.subnet_group(c, fname, r, zones, "aws_elasticache_subnet_group")
            # users: the default user is switched off; each caller is an IAM-authenticated user
            default_user = f"{name}_default"
            users = [default_user]
            self.add(
                fname,
                "aws_elasticache_user",
                default_user,
                {
                    "user_id": self.ident(c.name, *([rname] if suffix else []), "default", limit=40),
                    "user_name": "default",
                    "engine": "REDIS",
                    "access_string": "off -@all",
                    "no_password_required": True,
                },
                region=r,
                component=c.name,
                comments=["the default user is switched off: every caller signs in as its own IAM user"],
            )
            for caller in callers:
                kinds = self.callers(c)[caller]
                access = "on ~* +@all -@dangerous" if set(kinds) & {"writes", "calls", "publishes"} else "on ~* +@read"
                uid = self.ident(caller, c.name, limit=40)
                un = f"{name}_{_tf(caller)}"
                users.append(un)
                self.add(
                    fname,
                    "aws_elasticache_user",
                    un,
                    {
                        "user_id": uid,
                        "user_name": uid,
                        "engine": "REDIS",
                        "access_string": access,
                    },
                    region=r,
                    component=c.name,
                    blocks=[block("authentication_mode", body={"type": "iam"})],
                    comments=[f"`{caller}` {'/'.join(kinds)} it: IAM authentication, no password"],
                )
                mapped.extra.setdefault("users", []).append((caller, Expr(f"aws_elasticache_user.{un}.arn"), r))
            self.add(
                fname,
                "aws_elasticache_user_group",
                name,
                {
                    "user_group_id": self.ident(c.name, *([rname] if suffix else []), limit=40),
                    "engine": "REDIS",
                    "user_ids": [Expr(f"aws_elasticache_user.{u}.user_id") for u in users],
                },
                region=r,
                component=c.name,
            )
            logs = self.log_group(c, fname, r, "slow_log", f"/{self.prefix}/elasticache/{c.name}/{rname}")
            azs = [self.az(r, zones[i % len(zones)]) for i in range(nodes)] if zones else None
            body = {
                "replication_group_id": self.ident(c.name, *([rname] if suffix else []), limit=40),
                "description": f"{c.name}" + (f": {c.holds}" if getattr(c, "holds", None) else ""),
                "engine": "redis",
                "engine_version": engine.version,
                "node_type": node,
                "port": port,
                "parameter_group_name": f"default.{engine.parameter_family}",
                "num_cache_clusters": nodes,
                "automatic_failover_enabled": failover,
                "multi_az_enabled": multi_az,
                "preferred_cache_cluster_azs": azs,
                "subnet_group_name": Expr(f"aws_elasticache_subnet_group.{subnets}.name"),
                "security_group_ids": [sg],
                "at_rest_encryption_enabled": True,
                "kms_key_id": self.kms(r),
                "transit_encryption_enabled": True,
                "user_group_ids": [Expr(f"aws_elasticache_user_group.{name}.user_group_id")],
                "auto_minor_version_upgrade": True,
                "snapshot_retention_limit": 1,
                "snapshot_window": "03:00-04:00",
                "maintenance_window": "sun:04:30-sun:05:30",
            }
            self.add(
                fname,
                "aws_elasticache_replication_group",
                name,
                body,
                region=r,
                component=c.name,
                blocks=[
                    block(
                        "log_delivery_configuration",
                        body={
                            "destination": Expr(f"aws_cloudwatch_log_group.{logs}.name"),
                            "destination_type": "cloudwatch-logs",
                            "log_format": "json",
                            "log_type": "slow-log",
                        },
                    )
                ],
                skips=[]
                if multi_az
                else [_skip("CKV2_AWS_50", "the design keeps this cache in one zone without automatic failover")],
                comments=[
                    f"`{c.name}` in `{rname}`: {nodes} node{'s' if nodes != 1 else ''}"
                    + (" over the zones, automatic failover" if multi_az else ""),
                ],
            )
            cp.resources.append(f"aws_elasticache_replication_group.{name}")
            mapped.arns.append(("elasticache", Expr(f"aws_elasticache_replication_group.{name}.arn"), r))
            self.output(
                f"{name}_endpoint",
                Expr(f"aws_elasticache_replication_group.{name}.primary_endpoint_address"),
                f"{c.name}: the primary endpoint in {rname} (TLS, IAM authentication)",
            )
        cp.notes.append(
            "Encrypted at rest (KMS) and in transit (TLS); no shared password: the default user is off and each "
            "caller is its own user with IAM authentication in the cache's user group."
        )
        if len(regions) > 1:
            cp.notes.append("One replication group per region, each warmed by its own callers (no global datastore).")

    def cache_node(self, c: Any) -> tuple[str, str]:
        stated = getattr(c, "size_class", None)
        if stated:
            node = INSTANCE_TYPES["elasticache"][stated]
            return node, f"size class {stated}"
        mem = getattr(c, "max_memory", None)
        if mem:
            need = mem / _scaffold.GIB
            for node, gib in CACHE_MEMORY_GIB.items():
                if gib >= need:
                    return node, f"the smallest node that holds max_memory {need:g}GiB ({gib}GiB)"
            node = list(CACHE_MEMORY_GIB)[-1]
            return node, f"the largest node; max_memory {need:g}GiB needs cluster mode (sharding) beyond it"
        return INSTANCE_TYPES["elasticache"][_scaffold.DEFAULT_SIZE_CLASS], "the default size class"

    # ------------------------------------------------------------------------------------------ MSK

    def map_msk(self, c: Any, engine: Engine, cp: ComponentPlan, fname: str) -> None:
        regions = self.home(c)
        rf = c.replication_factor or 3
        min_insync = c.min_insync or max(1, rf - 1)
        size = _scaffold.size_class(c)
        broker = INSTANCE_TYPES["msk"][size]
        volume = _scaffold.gib(_scaffold.storage(c))
        port = engine.port or 9098
        mapped = Mapped("msk", port, regions)
        self.mapped[c.name] = mapped
        cp.regions = regions
        base = _tf(c.name)
        props = [
            ("auto.create.topics.enable", "false"),
            ("default.replication.factor", str(rf)),
            ("min.insync.replicas", str(min_insync)),
            ("unclean.leader.election.enable", "false"),
        ]
        if c.partitions:
            props.append(("num.partitions", str(c.partitions)))
        if c.retention:
            props.append(("log.retention.ms", str(int(c.retention * 1000))))
        self.add(
            fname,
            "aws_msk_configuration",
            base,
            {
                "name": self.ident(c.name),
                "kafka_versions": [engine.version],
                "description": f"{c.name}: replication and retention from the design",
                "server_properties": Heredoc("\n".join(f"{k} = {v}" for k, v in props) + "\n"),
            },
            region=self.regions[regions[0]],
            tags=False,
        )
        cp.resources.append(f"aws_msk_configuration.{base}")
        for rname in regions:
            r = self.regions[rname]
            zones = self.zones(c, rname)
            if len(zones) < 2:
                cp.notes.append(
                    f"MSK needs brokers in at least two zones; the design places `{c.name}` in {len(zones)} zone of "
                    f"`{rname}`, so the region's zones are used."
                )
                zones = list(r.zones)
            brokers = len(zones) * max(1, math.ceil(rf / max(1, len(zones))))
            suffix = "" if len(regions) == 1 else f"_{r.alias}"
            name = f"{base}{suffix}"
            sg = self.security_group(c, fname, r, port, cp)
            logs = self.log_group(c, fname, r, "broker_logs", f"/{self.prefix}/msk/{c.name}/{rname}")
            self.add(
                fname,
                "aws_msk_cluster",
                name,
                {
                    "cluster_name": self.ident(c.name, *([rname] if suffix else []), limit=64),
                    "kafka_version": engine.version,
                    "number_of_broker_nodes": brokers,
                    "enhanced_monitoring": "PER_TOPIC_PER_BROKER",
                },
                region=r,
                component=c.name,
                comments=[
                    f"`{c.name}` in `{rname}`: {brokers} brokers over zones {', '.join(zones)}; replication factor "
                    f"{rf}, min.insync.replicas {min_insync}"
                ],
                blocks=[
                    block(
                        "broker_node_group_info",
                        body={
                            "instance_type": broker,
                            "client_subnets": self.subnet_ids(r, zones),
                            "security_groups": [sg],
                        },
                        blocks=[
                            block("storage_info", blocks=[block("ebs_storage_info", body={"volume_size": volume})]),
                            block(
                                "connectivity_info",
                                blocks=[block("public_access", body={"type": "DISABLED"})],
                            ),
                        ],
                    ),
                    block(
                        "configuration_info",
                        body={
                            "arn": Expr(f"aws_msk_configuration.{base}.arn"),
                            "revision": Expr(f"aws_msk_configuration.{base}.latest_revision"),
                        },
                    ),
                    block(
                        "encryption_info",
                        body={"encryption_at_rest_kms_key_arn": self.kms(r)},
                        blocks=[block("encryption_in_transit", body={"client_broker": "TLS", "in_cluster": True})],
                    ),
                    block(
                        "client_authentication",
                        body={"unauthenticated": False},
                        blocks=[block("sasl", body={"iam": True})],
                    ),
                    block(
                        "logging_info",
                        blocks=[
                            block(
                                "broker_logs",
                                blocks=[
                                    block(
                                        "cloudwatch_logs",
                                        body={
                                            "enabled": True,
                                            "log_group": Expr(f"aws_cloudwatch_log_group.{logs}.name"),
                                        },
                                    )
                                ],
                            )
                        ],
                    ),
                    block(
                        "open_monitoring",
                        blocks=[
                            block(
                                "prometheus",
                                blocks=[
                                    block("jmx_exporter", body={"enabled_in_broker": True}),
                                    block("node_exporter", body={"enabled_in_broker": True}),
                                ],
                            )
                        ],
                    ),
                ],
            )
            cp.resources.append(f"aws_msk_cluster.{name}")
            mapped.arns.append(("msk", Expr(f"aws_msk_cluster.{name}.arn"), r))
            self.output(
                f"{name}_bootstrap_brokers",
                Expr(f"aws_msk_cluster.{name}.bootstrap_brokers_sasl_iam"),
                f"{c.name}: bootstrap brokers in {rname} (TLS, IAM authentication, port {port})",
            )
        cp.summary = f"{engine.title}, {broker}, replication factor {rf}, min.insync.replicas {min_insync}"
        cp.notes.append(
            f"Topic defaults in `aws_msk_configuration.{base}`: default.replication.factor {rf} and "
            f"min.insync.replicas {min_insync}"
            + (f", {c.partitions} partitions" if c.partitions else "")
            + (f", retention {_days(c.retention)} days" if c.retention else "")
            + "; create the topic itself with your Kafka tooling (auto-creation is off)."
        )
        cp.notes.append(
            "TLS between clients and brokers and between brokers; clients authenticate with IAM (port 9098)."
        )
        if len(regions) > 1:
            cp.notes.append("One cluster per region; mirroring between them (MSK Replicator) is not generated.")

    # ------------------------------------------------------------------------------------------ Kinesis

    def map_kinesis(self, c: Any, engine: Engine, cp: ComponentPlan, fname: str) -> None:
        regions = self.home(c)
        mapped = Mapped("kinesis", None, regions)
        self.mapped[c.name] = mapped
        cp.regions = regions
        hours = min(8760, max(24, math.ceil((c.retention or 86400) / 3600)))
        for rname in regions:
            r = self.regions[rname]
            name = _tf(c.name) if len(regions) == 1 else f"{_tf(c.name)}_{r.alias}"
            body: dict[str, Any] = {
                "name": self.ident(c.name, *([rname] if len(regions) > 1 else []), limit=128),
                "retention_period": hours,
                "encryption_type": "KMS",
                "kms_key_id": self.kms(r),
            }
            blocks = []
            if c.partitions:
                body["shard_count"] = c.partitions
                blocks.append(block("stream_mode_details", body={"stream_mode": "PROVISIONED"}))
            else:
                blocks.append(block("stream_mode_details", body={"stream_mode": "ON_DEMAND"}))
            self.add(fname, "aws_kinesis_stream", name, body, region=r, component=c.name, blocks=blocks)
            cp.resources.append(f"aws_kinesis_stream.{name}")
            mapped.arns.append(("kinesis", Expr(f"aws_kinesis_stream.{name}.arn"), r))
            self.output(f"{name}_arn", Expr(f"aws_kinesis_stream.{name}.arn"), f"{c.name}: the stream in {rname}")
        cp.summary = (
            f"{engine.title}, " + (f"{c.partitions} shards" if c.partitions else "on demand") + f", {hours}h retention"
        )

    # ------------------------------------------------------------------------------------------ DynamoDB

    def map_dynamodb(self, c: Any, engine: Engine, cp: ComponentPlan, fname: str) -> None:
        regions = self.data_regions(c)
        primary = self.regions[regions[0]]
        mapped = Mapped("dynamodb", None, regions)
        self.mapped[c.name] = mapped
        cp.regions = regions
        name = _tf(c.name)
        table = self.ident(c.name, limit=255)
        key = c.sharding.key[0] if c.sharding is not None and c.sharding.key else "id"
        backup = c.backup
        pitr = True if backup is None or backup.pitr is None else bool(backup.pitr)
        pitr_days = min(35, _days(backup.retention) or 35) if backup is not None and backup.retention else None
        skips = [] if pitr else [_skip("CKV_AWS_28", "the design turns point-in-time recovery off (backup pitr off)")]
        pitr_block = block(
            "point_in_time_recovery", body={"enabled": pitr, "recovery_period_in_days": pitr_days if pitr else None}
        )
        blocks = [
            block("attribute", body={"name": key, "type": "S"}),
            pitr_block,
            block("server_side_encryption", body={"enabled": True, "kms_key_arn": self.kms(primary)}),
        ]
        if c.retention:
            blocks.append(block("ttl", body={"attribute_name": "expires_at", "enabled": True}))
        for rname in regions[1:]:
            r = self.regions[rname]
            blocks.append(
                block(
                    "replica",
                    body={
                        "region_name": r.aws,
                        "kms_key_arn": self.kms(r),
                        "point_in_time_recovery": pitr,
                        "propagate_tags": True,
                    },
                )
            )
        body: dict[str, Any] = {
            "name": table,
            "billing_mode": "PAY_PER_REQUEST",
            "hash_key": key,
            "deletion_protection_enabled": True,
        }
        if len(regions) > 1:
            body["stream_enabled"] = True
            body["stream_view_type"] = "NEW_AND_OLD_IMAGES"
        self.add(
            fname,
            "aws_dynamodb_table",
            name,
            body,
            region=primary,
            component=c.name,
            blocks=blocks,
            skips=skips,
            comments=[
                f"`{c.name}`" + (f": a global table, replicas in {', '.join(regions[1:])}" if len(regions) > 1 else ""),
                f"the key `{key}` "
                + (
                    "is the design's sharding key"
                    if key != "id"
                    else "is a placeholder: the design states no sharding key"
                ),
            ],
        )
        cp.resources.append(f"aws_dynamodb_table.{name}")
        for rname in regions:
            self.needs_endpoints.setdefault(rname, set()).add("dynamodb")
        arn = interp("arn:", Expr("local.partition"), ":dynamodb:*:", Expr("local.account_id"), f":table/{table}")
        mapped.arns.append(("dynamodb", arn, primary))
        mapped.arns.append(
            (
                "dynamodb",
                interp(
                    "arn:", Expr("local.partition"), ":dynamodb:*:", Expr("local.account_id"), f":table/{table}/index/*"
                ),
                primary,
            )
        )
        cp.summary = (
            f"{engine.title}, on demand"
            + (f", a global table in {len(regions)} regions" if len(regions) > 1 else "")
            + self.unstated_copies(c, regions)
        )
        cp.notes.append(
            "Point-in-time recovery "
            + ("on" + (f", {pitr_days} days" if pitr_days else "") if pitr else "off, as the design says")
            + "; encrypted with the region's KMS key; deletion protection on."
        )
        if c.retention:
            cp.notes.append(
                f"Retention {_days(c.retention)} days: items expire through the TTL attribute `expires_at`, "
                "which the application sets."
            )
        rep = c.replication
        if len(regions) > 1 and rep is not None and rep.mode == "sync":
            cp.notes.append(
                "The design replicates synchronously across regions; global table replicas are asynchronous here "
                "(multi-Region strong consistency needs three regions, or two and a witness). Review."
            )
        self.output(f"{name}_table_name", Expr(f"aws_dynamodb_table.{name}.name"), f"{c.name}: the table")
        self.backup_plan(c, fname, cp, "dynamodb", Expr(f"aws_dynamodb_table.{name}.arn"), regions)

    # ------------------------------------------------------------------------------------------ S3

    def map_s3(self, c: Any, engine: Engine, cp: ComponentPlan, fname: str) -> None:
        regions = self.data_regions(c)
        mapped = Mapped("s3", None, regions)
        self.mapped[c.name] = mapped
        cp.regions = regions
        base = _tf(c.name)
        names: list[str] = []
        for i, rname in enumerate(regions):
            r = self.regions[rname]
            name = base if i == 0 else f"{base}_{r.alias}"
            names.append(name)
            self.bucket(c, fname, r, name, replica=i > 0, cp=cp)
            self.needs_endpoints.setdefault(rname, set()).add("s3")
            mapped.arns.append(("s3", Expr(f"aws_s3_bucket.{name}.arn"), r))
            mapped.arns.append(("s3", interp(Expr(f"aws_s3_bucket.{name}.arn"), "/*"), r))
        if len(regions) > 1:
            self.replication(c, fname, names, [self.regions[x] for x in regions], cp)
        cp.summary = (
            f"{engine.title}, versioned, KMS-encrypted"
            + (f", replicated to {', '.join(regions[1:])}" if len(regions) > 1 else "")
            + self.unstated_copies(c, regions)
        )
        self.output(f"{base}_bucket", Expr(f"aws_s3_bucket.{base}.bucket"), f"{c.name}: the bucket")

    def bucket(self, c: Any, fname: str, r: RegionInfo, name: str, replica: bool, cp: ComponentPlan) -> None:
        logs = self.access_log_bucket(r)
        skips = (
            []
            if replica or len(self.data_regions(c)) > 1
            else [
                _skip("CKV_AWS_144", "the design keeps this store in one region (no standby, no replication regions)")
            ]
        )
        if replica:
            skips.append(_skip("CKV_AWS_144", "the replica of a replicated bucket; replicating it again would loop"))
        self.add(
            fname,
            "aws_s3_bucket",
            name,
            {
                "bucket": interp(self.ident(c.name, limit=30), "-", Expr("local.account_id"), "-", r.aws),
                "force_destroy": False,
            },
            region=r,
            component=c.name,
            skips=[*skips, _skip("CKV2_AWS_62", "who consumes the bucket's events is not in the design")],
            comments=[f"`{c.name}` in `{r.name}`" + (" (the replica)" if replica else "")],
        )
        self.bucket_settings(fname, r, name, c.name, kms=True, retention=getattr(c, "retention", None))
        self.add(
            fname,
            "aws_s3_bucket_logging",
            name,
            {
                "bucket": Expr(f"aws_s3_bucket.{name}.id"),
                "target_bucket": Expr(f"aws_s3_bucket.{logs}.id"),
                "target_prefix": f"{c.name}/",
            },
            region=r,
            tags=False,
        )

    def bucket_settings(
        self, fname: str, r: RegionInfo, name: str, component: str, kms: bool, retention: float | None
    ) -> None:
        bucket = Expr(f"aws_s3_bucket.{name}.id")
        self.add(
            fname,
            "aws_s3_bucket_public_access_block",
            name,
            {
                "bucket": bucket,
                "block_public_acls": True,
                "block_public_policy": True,
                "ignore_public_acls": True,
                "restrict_public_buckets": True,
            },
            region=r,
            tags=False,
        )
        self.add(
            fname,
            "aws_s3_bucket_ownership_controls",
            name,
            {"bucket": bucket},
            region=r,
            tags=False,
            blocks=[block("rule", body={"object_ownership": "BucketOwnerEnforced"})],
        )
        self.add(
            fname,
            "aws_s3_bucket_versioning",
            name,
            {"bucket": bucket},
            region=r,
            tags=False,
            blocks=[block("versioning_configuration", body={"status": "Enabled"})],
        )
        if kms:
            sse = block(
                "apply_server_side_encryption_by_default",
                body={"sse_algorithm": "aws:kms", "kms_master_key_id": self.kms(r)},
            )
            rule = block("rule", body={"bucket_key_enabled": True}, blocks=[sse])
        else:
            rule = block(
                "rule", blocks=[block("apply_server_side_encryption_by_default", body={"sse_algorithm": "AES256"})]
            )
        self.add(
            fname,
            "aws_s3_bucket_server_side_encryption_configuration",
            name,
            {"bucket": bucket},
            region=r,
            tags=False,
            blocks=[rule],
        )
        rules = [
            block(
                "rule",
                body={"id": "abort-incomplete-uploads", "status": "Enabled"},
                blocks=[block("filter"), block("abort_incomplete_multipart_upload", body={"days_after_initiation": 7})],
            ),
            block(
                "rule",
                body={"id": "expire-noncurrent-versions", "status": "Enabled"},
                blocks=[block("filter"), block("noncurrent_version_expiration", body={"noncurrent_days": 30})],
            ),
        ]
        if retention:
            rules.append(
                block(
                    "rule",
                    body={"id": "retention", "status": "Enabled"},
                    blocks=[block("filter"), block("expiration", body={"days": _days(retention)})],
                )
            )
        self.add(
            fname, "aws_s3_bucket_lifecycle_configuration", name, {"bucket": bucket}, region=r, tags=False, blocks=rules
        )

    def access_log_bucket(self, r: RegionInfo) -> str:
        name = f"access_logs_{r.alias}"
        if any(
            b.labels == ("aws_s3_bucket", name)
            for b in self.file(
                "s3_access_logs.tf", None, "the buckets S3 server access logs go to, one per region"
            ).blocks
        ):
            return name
        self.add(
            "s3_access_logs.tf",
            "aws_s3_bucket",
            name,
            {
                "bucket": interp(self.ident("access-logs", limit=30), "-", Expr("local.account_id"), "-", r.aws),
                "force_destroy": False,
            },
            region=r,
            skips=[
                _skip("CKV_AWS_18", "the access-log bucket itself: logging it into itself would loop"),
                _skip("CKV_AWS_145", "S3 server access logs can be delivered only to SSE-S3 buckets, not SSE-KMS"),
                _skip("CKV_AWS_144", "access logs stay in their region"),
                _skip("CKV2_AWS_62", "nothing consumes access-log events"),
            ],
            comments=[f"S3 server access logs of the buckets in `{r.name}`"],
        )
        self.bucket_settings("s3_access_logs.tf", r, name, "", kms=False, retention=None)
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "S3ServerAccessLogs",
                    "Effect": "Allow",
                    "Principal": {"Service": "logging.s3.amazonaws.com"},
                    "Action": "s3:PutObject",
                    "Resource": interp(Expr(f"aws_s3_bucket.{name}.arn"), "/*"),
                    "Condition": {"StringEquals": {"aws:SourceAccount": Expr("local.account_id")}},
                }
            ],
        }
        self.add(
            "s3_access_logs.tf",
            "aws_s3_bucket_policy",
            name,
            {"bucket": Expr(f"aws_s3_bucket.{name}.id"), "policy": fn("jsonencode", policy)},
            region=r,
            tags=False,
        )
        return name

    def replication(self, c: Any, fname: str, names: list[str], regions: list[RegionInfo], cp: ComponentPlan) -> None:
        base = names[0]
        src = regions[0]
        self.service_role(
            fname,
            f"{base}_replication",
            "s3.amazonaws.com",
            self.ident(c.name, "replication", limit=64),
            f"S3 replicates {c.name} to its other regions",
            src,
            component=c.name,
        )
        statements = [
            {
                "Effect": "Allow",
                "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"],
                "Resource": [Expr(f"aws_s3_bucket.{base}.arn")],
            },
            {
                "Effect": "Allow",
                "Action": ["s3:GetObjectVersionAcl", "s3:GetObjectVersionForReplication", "s3:GetObjectVersionTagging"],
                "Resource": [interp(Expr(f"aws_s3_bucket.{base}.arn"), "/*")],
            },
            {
                "Effect": "Allow",
                "Action": ["s3:ReplicateDelete", "s3:ReplicateObject", "s3:ReplicateTags"],
                "Resource": [interp(Expr(f"aws_s3_bucket.{n}.arn"), "/*") for n in names[1:]],
            },
            {"Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": [self.kms(src)]},
            {
                "Effect": "Allow",
                "Action": ["kms:Encrypt", "kms:GenerateDataKey"],
                "Resource": [self.kms(r) for r in regions[1:]],
            },
        ]
        self.add(
            fname,
            "aws_iam_role_policy",
            f"{base}_replication",
            {
                "name": "replicate",
                "role": Expr(f"aws_iam_role.{base}_replication.id"),
                "policy": fn("jsonencode", {"Version": "2012-10-17", "Statement": statements}),
            },
            region=src,
            tags=False,
        )
        rules = []
        for i, (n, r) in enumerate(zip(names[1:], regions[1:], strict=True)):
            rules.append(
                block(
                    "rule",
                    body={"id": f"to-{r.name}", "priority": i + 1, "status": "Enabled"},
                    blocks=[
                        block("filter"),
                        block("delete_marker_replication", body={"status": "Enabled"}),
                        block(
                            "source_selection_criteria",
                            blocks=[block("sse_kms_encrypted_objects", body={"status": "Enabled"})],
                        ),
                        block(
                            "destination",
                            body={"bucket": Expr(f"aws_s3_bucket.{n}.arn"), "storage_class": "STANDARD"},
                            blocks=[block("encryption_configuration", body={"replica_kms_key_id": self.kms(r)})],
                        ),
                    ],
                )
            )
        self.add(
            fname,
            "aws_s3_bucket_replication_configuration",
            base,
            {
                "role": Expr(f"aws_iam_role.{base}_replication.arn"),
                "bucket": Expr(f"aws_s3_bucket.{base}.id"),
                "depends_on": [Expr(f"aws_s3_bucket_versioning.{n}") for n in names],
            },
            region=src,
            tags=False,
            blocks=rules,
        )
        cp.resources.append(f"aws_s3_bucket_replication_configuration.{base}")

    # ------------------------------------------------------------------------------------------ SQS

    def map_sqs(self, c: Any, engine: Engine, cp: ComponentPlan, fname: str) -> None:
        regions = self.home(c)
        mapped = Mapped("sqs", None, regions)
        self.mapped[c.name] = mapped
        cp.regions = regions
        fifo = bool(c.fifo)
        dead_letter = c.dead_letter
        if dead_letter is None:
            dead_letter = any(e.target == c.name and e.dead_letter for e in self.model.edges)
        retention = int(min(1209600, max(60, c.retention))) if c.retention else None
        for rname in regions:
            r = self.regions[rname]
            name = _tf(c.name) if len(regions) == 1 else f"{_tf(c.name)}_{r.alias}"
            qname = self.ident(c.name, *([rname] if len(regions) > 1 else []), limit=70)
            common: dict[str, Any] = {
                "fifo_queue": True if fifo else None,
                "kms_master_key_id": self.kms(r),
                "kms_data_key_reuse_period_seconds": 300,
            }
            if dead_letter:
                dlq = f"{name}_dead_letter"
                self.add(
                    fname,
                    "aws_sqs_queue",
                    dlq,
                    {
                        "name": f"{qname}-dlq" + (".fifo" if fifo else ""),
                        "message_retention_seconds": 1209600,
                        **common,
                    },
                    region=r,
                    component=c.name,
                    comments=[f"`{c.name}`'s dead-letter queue: messages that failed 5 receives, kept 14 days"],
                )
                cp.resources.append(f"aws_sqs_queue.{dlq}")
            body = {
                "name": qname + (".fifo" if fifo else ""),
                "visibility_timeout_seconds": int(c.visibility_timeout) if c.visibility_timeout is not None else None,
                "message_retention_seconds": retention,
                "content_based_deduplication": False if fifo else None,
                **common,
            }
            if dead_letter:
                body["redrive_policy"] = fn(
                    "jsonencode",
                    {"deadLetterTargetArn": Expr(f"aws_sqs_queue.{name}_dead_letter.arn"), "maxReceiveCount": 5},
                )
            self.add(
                fname,
                "aws_sqs_queue",
                name,
                body,
                region=r,
                component=c.name,
                comments=[f"`{c.name}` in `{rname}`" + (" (FIFO)" if fifo else "")],
            )
            cp.resources.append(f"aws_sqs_queue.{name}")
            if dead_letter:
                self.add(
                    fname,
                    "aws_sqs_queue_redrive_allow_policy",
                    f"{name}_dead_letter",
                    {
                        "queue_url": Expr(f"aws_sqs_queue.{name}_dead_letter.id"),
                        "redrive_allow_policy": fn(
                            "jsonencode",
                            {"redrivePermission": "byQueue", "sourceQueueArns": [Expr(f"aws_sqs_queue.{name}.arn")]},
                        ),
                    },
                    region=r,
                    tags=False,
                )
                mapped.arns.append(("sqs", Expr(f"aws_sqs_queue.{name}_dead_letter.arn"), r))
            mapped.arns.append(("sqs", Expr(f"aws_sqs_queue.{name}.arn"), r))
            self.output(f"{name}_url", Expr(f"aws_sqs_queue.{name}.url"), f"{c.name}: the queue's URL in {rname}")
        cp.summary = (
            f"{engine.title}"
            + (" FIFO" if fifo else "")
            + (", with a dead-letter queue" if dead_letter else "")
            + ", KMS-encrypted"
        )
        if getattr(c, "max_length", None):
            cp.notes.append(
                f"SQS has no length limit: the design's max_length {c.max_length} is the producers' to keep "
                "(alarm on ApproximateNumberOfMessagesVisible)."
            )

    # ------------------------------------------------------------------------------------------ IAM for callers

    def iam_policies(self) -> None:
        per_service: dict[str, list[dict[str, Any]]] = {}
        kms_regions: dict[str, set[str]] = {}
        for c in self.model.components:
            m = self.mapped.get(c.name)
            if m is None:
                continue
            for caller, kinds in self.callers(c).items():
                comp = self.by_name.get(caller)
                if comp is None or comp.kind != "service":
                    continue
                access = sorted({a for k in kinds for a in EDGE_ACCESS.get(k, ())})
                statements = per_service.setdefault(caller, [])
                sid = re.sub(r"[^A-Za-z0-9]", "", f"{c.name.title()}")
                if m.family in IAM_ACTIONS:
                    actions = sorted({x for a in access for x in IAM_ACTIONS[m.family][a]})
                    statements.append(
                        {"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": [arn for _, arn, _ in m.arns]}
                    )
                    if m.family in ("s3", "sqs", "kinesis"):
                        for _, _, r in m.arns:
                            kms_regions.setdefault(caller, set()).add(r.name)
                elif m.family in ("rds", "aurora"):
                    resources = [
                        interp(
                            "arn:",
                            Expr("local.partition"),
                            ":rds-db:",
                            r.aws,
                            ":",
                            Expr("local.account_id"),
                            ":dbuser:",
                            rid,
                            f"/{_tf(caller)}",
                        )
                        for _, rid, r in m.arns
                    ]
                    statements.append(
                        {"Sid": sid, "Effect": "Allow", "Action": ["rds-db:connect"], "Resource": resources}
                    )
                elif m.family == "elasticache":
                    users = [arn for who, arn, _ in m.extra.get("users", []) if who == caller]
                    statements.append(
                        {
                            "Sid": sid,
                            "Effect": "Allow",
                            "Action": ["elasticache:Connect"],
                            "Resource": [arn for _, arn, _ in m.arns] + users,
                        }
                    )
                elif m.family == "msk":
                    cluster_arns = [arn for _, arn, _ in m.arns]
                    actions = ["kafka-cluster:Connect", "kafka-cluster:DescribeTopic"]
                    resources: list[Any] = list(cluster_arns)
                    resources += [
                        interp(Expr(f'replace({arn.text}, ":cluster/", ":topic/")'), f"/{c.name}")
                        for arn in cluster_arns
                    ]
                    if "write" in access:
                        actions += ["kafka-cluster:WriteData"]
                    if "read" in access:
                        actions += ["kafka-cluster:AlterGroup", "kafka-cluster:DescribeGroup", "kafka-cluster:ReadData"]
                        groups = sorted(
                            {
                                e.group or "*"
                                for e in self.model.edges
                                if e.source == caller and e.target == c.name and e.kind == "consumes"
                            }
                        ) or ["*"]
                        resources += [
                            interp(Expr(f'replace({arn.text}, ":cluster/", ":group/")'), f"/{g}")
                            for arn in cluster_arns
                            for g in groups
                        ]
                    statements.append({"Sid": sid, "Effect": "Allow", "Action": sorted(actions), "Resource": resources})
        if not per_service:
            return
        self.file("iam.tf", None, "an IAM policy per service: access to exactly what the design says it calls")
        for service, statements in per_service.items():
            if caller_kms := sorted(kms_regions.get(service, ()), key=lambda x: self.regions[x].index):
                statements.append(
                    {
                        "Sid": "KmsForEncryptedData",
                        "Effect": "Allow",
                        "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                        "Resource": [self.kms(self.regions[x]) for x in caller_kms],
                    }
                )
            name = _tf(service)
            self.add(
                "iam.tf",
                "aws_iam_policy",
                name,
                {
                    "name": self.ident(service, limit=128),
                    "description": f"{service}: what the design says it reads, writes, publishes or consumes",
                    "policy": fn("jsonencode", {"Version": "2012-10-17", "Statement": statements}),
                },
                region=self.first,
                component=service,
                comments=[
                    f"service `{service}`: attach to its role (EKS Pod Identity or IRSA; see the kubernetes target)"
                ],
            )
            self.output(
                f"{name}_policy_arn", Expr(f"aws_iam_policy.{name}.arn"), f"{service}: the IAM policy its role needs"
            )
        self.plan.fill_in.append(
            "The private subnets have no route to the internet: add NAT gateways or interface endpoints for the AWS "
            "APIs the services call beyond S3 and DynamoDB (SQS, Kinesis, STS, Secrets Manager ...). The services' "
            "security groups allow egress only to what this module provisions: add DNS and the rest your pods need."
        )
        self.plan.fill_in.append(
            "Attach each service's IAM policy (`iam.tf`) to the role its pods run as (EKS Pod Identity or IRSA), and "
            "each service's security group (`network.tf`) to its pods (security groups for pods) or nodes."
        )

    # ------------------------------------------------------------------------------------------ outputs, versions

    def output(self, name: str, value: Any, description: str) -> None:
        self.outputs.append(block("output", name, body={"description": description, "value": value}))

    def finish_variables_and_outputs(self) -> None:
        required = TERRAFORM_VERSION_WRITE_ONLY if self.write_only else TERRAFORM_VERSION
        versions = block(
            "terraform",
            body={"required_version": required},
            blocks=[
                block("required_providers", body={"aws": {"source": PROVIDER_SOURCE, "version": PROVIDER_VERSION}})
            ],
        )
        self.file("versions.tf").blocks.append(versions)
        self.file("variables.tf", None, "what the design cannot say: CIDRs, KMS keys, tags").blocks.extend(
            self.variables
        )
        for r in self.regions.values():
            self.output(f"vpc_id_{r.alias}", Expr(f"aws_vpc.{r.alias}.id"), f"the VPC of region {r.name}")
            self.output(
                f"private_subnet_ids_{r.alias}",
                [Expr(f"aws_subnet.{r.alias}_{_tf(z)}.id") for z in r.zones],
                f"the private subnets of region {r.name}, one per zone",
            )
        for (service, region), sg in sorted(self.service_sgs.items(), key=lambda x: x[1]):
            self.output(
                f"{sg}_security_group_id",
                Expr(f"aws_security_group.{sg}.id"),
                f"{service}: its security group in {region}, for its pods",
            )
        self.file("outputs.tf", None, "endpoints, security groups and policies the services need").blocks.extend(
            sorted(self.outputs, key=lambda b: b.labels[0])
        )
        # network.tf and main.tf first in their files' own order: nothing else to do

    def readme_notes(self) -> None:
        self.plan.notes += [
            "Provider `default_tags` tag every resource with `system` and `managed-by = designc`; component "
            "resources also carry `component`.",
            "Each region has its own KMS key with rotation (unless `kms_key_arns` names one): data, logs, secrets "
            "and performance insights are encrypted with it.",
            "Size classes map to instance types per family: "
            + "; ".join(f"{fam}: " + ", ".join(f"{k} {v}" for k, v in t.items()) for fam, t in INSTANCE_TYPES.items())
            + ".",
            "Services run on Kubernetes and are not provisioned here, but each gets a security group and an IAM "
            "policy: a store's, cache's or stream's security group admits exactly the services the design says "
            "reach it, on the engine's port, and each service's policy allows exactly what its edges do.",
        ]
        if self.write_only:
            self.plan.notes.append(
                "Terraform 1.11 or later: a write-only argument keeps a master password out of the state."
            )


def plan(build: Any) -> Plan:
    return Aws(build).run()
