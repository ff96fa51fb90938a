"""Terraform plans to estimate items: plain Python, no Django, quantities as Decimal.

Reads what `terraform show -json plan.out` prints, JSON output format 1.x
(https://developer.hashicorp.com/terraform/internals/json-format): an unsupported major version
is refused, unknown properties are ignored, as that page asks.

Which resources count
- Every managed resource instance in `resource_changes` that exists after the apply: actions
  create, update, no-op, and both replacements (["delete", "create"], ["create", "delete"]).
  ["delete"] and "forget" are left out; data sources and deposed objects are skipped.
- Attributes come from `change.after`. One instance is one unit, so `count` and `for_each`
  instances add up: `aws_kms_key.app[0]` and `aws_kms_key.app[1]` are two keys.
- Region: the resource's own `region` argument (AWS provider 6), else the `region` of its provider
  configuration (`configuration.provider_config`, found through the resource's
  `provider_config_key`; a root-module `var.name` is read from the plan's variables), else
  us-east-1, with a warning naming the resource.
- Group: the module instance the resource is in (`module_address`; "" for the root module).
  One item per (service, Region, group): quantities summed, addresses listed.
- A quantity the plan cannot know (requests, events, GB) is a `needs_usage` entry, one per
  resource and usage key, unless the usage file gives it. Every other managed resource is
  `unpriced`, with the reason: nothing is dropped silently.

The usage file (JSON; YAML too when PyYAML is installed):

    {"resource_usage": {
        "module.edge.aws_wafv2_web_acl.main": {"requests": 25000000},
        "aws_kms_key.app": {"symmetric_requests": 1000000},
        "aws_secretsmanager_secret": {"api_calls": 30000}}}

- A name is a resource instance address (`aws_kms_key.app[0]`), a resource address standing for
  each of its instances (`aws_kms_key.app`), or a resource type standing for each resource of that
  type (`aws_secretsmanager_secret`). For each usage key the most specific name wins.
- Values are per resource, summed into the resource's item; the 0/1 switches
  (`advanced_subscriptions`, `higher_throughput`) take the largest value instead. Keys are the
  price book's usage keys, checked when the estimate is priced (`pricing.check_item`).
- A quantity the plan counts (keys, secrets, web ACLs, rules…) comes from the plan; a usage value
  for it is ignored, with a warning. An optional top-level "version" is ignored.
"""

from __future__ import annotations

import codecs
import functools
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, localcontext

from . import pricing

MAX_PLAN_BYTES = 20 * 1024 * 1024
MAX_USAGE_BYTES = 1024 * 1024
MAX_DEPTH = 64
MAX_RESOURCES = 10_000
DEFAULT_REGION = pricing.DEFAULT_REGION
SUPPORTED_MAJOR = "1"
# Usage inputs that are 0 or 1 for the whole account: a sum would make no sense.
SWITCH_KEYS = frozenset({"advanced_subscriptions", "higher_throughput"})
# Addresses a warning names before it says "and N more".
LISTED_ADDRESSES = 10

SHIELD_AND_WAF = (
    "Web ACLs protected by Shield Advanced pay no web ACL, rule or request fee: the plan cannot "
    "tell which they are, so they are counted in full; set shield_advanced_covered to 1 on the "
    "WAF card whose web ACLs protect them."
)

KEPT_ACTIONS = frozenset(
    {("create",), ("update",), ("no-op",), ("delete", "create"), ("create", "delete")}
)

USAGE_HINTS = {
    "symmetric_requests": "Symmetric KMS requests a month (Encrypt, Decrypt, GenerateDataKey…)",
    "rsa_2048_requests": "KMS requests a month with this RSA 2048 key",
    "asymmetric_requests": "KMS requests a month with this asymmetric key",
    "api_calls": "Secrets Manager API calls a month",
    "standard_api_interactions": "API interactions a month with standard parameters",
    "advanced_api_interactions": "API interactions a month with advanced parameters",
    "exportable_fqdn_certificates": "Exportable certificate names (FQDN) issued or renewed a month",
    "exportable_wildcard_certificates": "Exportable wildcard names issued or renewed a month",
    "private_certificates": "Certificates the CA issues a month outside this plan",
    "short_lived_certificates": "Short-lived certificates the CA issues a month",
    "ocsp_certificates_queried": "Distinct certificates queried over OCSP a month",
    "rules": "Rules in this web ACL",
    "requests": "Web requests a month",
    "bot_control_common_requests": "Requests a month inspected by Bot Control (common level)",
    "bot_control_targeted_requests": "Requests a month inspected by Bot Control (targeted level)",
    "fraud_control_requests": "Login or sign-up attempts a month analysed by Fraud Control",
    "captcha_attempts": "CAPTCHA answers submitted a month",
    "challenge_responses": "Challenge responses served a month",
    "advanced_subscriptions": "1 if the organisation has Shield Advanced outside this plan",
    "cloudfront_dto_gb": "GB a month out from the protected CloudFront distribution",
    "elb_dto_gb": "GB a month out from the protected load balancer",
    "eip_dto_gb": "GB a month out from the protected Elastic IP",
    "global_accelerator_dto_gb": "GB a month out from the protected Global Accelerator",
    "cloudtrail_management_events": "CloudTrail management events a month",
    "vpc_dns_log_gb": "VPC Flow Log and DNS log GB a month",
    "s3_data_events": "S3 data events a month",
    "eks_audit_log_events": "EKS audit log events a month",
    "runtime_eks_vcpus": "EKS node vCPUs under Runtime Monitoring (monthly average)",
    "runtime_ecs_fargate_vcpus": "ECS Fargate vCPUs under Runtime Monitoring (monthly average)",
    "runtime_ec2_vcpus": "EC2 vCPUs under Runtime Monitoring (monthly average)",
    "rds_vcpus": "Provisioned RDS vCPUs protected (monthly average)",
    "aurora_serverless_acus": "Aurora Serverless v2 ACUs protected (monthly average)",
    "lambda_network_log_gb": "Lambda network log GB a month",
    "malware_ebs_gb": "EBS GB a month scanned by GuardDuty-initiated scans",
    "malware_s3_gb": "S3 GB a month scanned for malware",
    "malware_s3_objects": "S3 objects a month evaluated for malware",
    "ec2_instances": "EC2 instances scanned (monthly average)",
    "ecr_initial_scans": "Container images pushed and scanned a month",
    "ecr_rescans": "Container image rescans a month",
    "lambda_functions": "Lambda functions scanned (monthly average)",
    "lambda_code_functions": "Lambda functions with code scanning (monthly average)",
    "code_repository_scans": "Code repository scans a month",
    "s3_buckets": "S3 buckets evaluated and monitored",
    "objects_monitored": "S3 objects monitored by automated discovery",
    "data_inspected_gb": "GB a month inspected by discovery jobs",
    "security_checks": "Security checks a month",
    "finding_ingestion_events": "Findings imported a month from other products",
    "configuration_items": "Configuration items recorded a month (continuous recording)",
    "periodic_configuration_items": "Configuration items recorded a month (daily recording)",
    "rule_evaluations": "AWS Config rule evaluations a month",
    "conformance_pack_evaluations": "Conformance pack rule evaluations a month",
    "additional_management_events": "Management events a month this trail delivers as a copy",
    "data_events": "Data events a month this trail delivers",
    "insights_events": "Events a month analysed by CloudTrail Insights",
    "endpoints": "Firewall endpoints (one per Availability Zone)",
    "data_processed_gb": "GB a month processed by the firewall",
    "domains": "Domain names in this domain list",
    "queries": "DNS queries a month inspected by DNS Firewall",
}


class PlanError(ValueError):
    """A plan or usage file that cannot be read; the message says what to do about it."""

    field = "plan"


class UsageError(PlanError):
    """A usage file that cannot be read, or whose values the price book cannot take."""

    field = "usage"


@dataclass(frozen=True)
class ImportedItem:
    """One estimate card: a service in a Region for one module, with the plan's quantities."""

    service: str
    region: str
    group: str
    usage: dict[str, Decimal]
    addresses: tuple[str, ...]
    accounts: int = 1

    def as_item(self) -> pricing.Item:
        return pricing.Item(
            self.service, self.region, self.group, dict(self.usage), accounts=self.accounts
        )


@dataclass(frozen=True)
class NeedsUsage:
    """A usage key of one resource that neither the plan nor the usage file gives."""

    address: str
    service: str
    usage_key: str
    label_hint: str


@dataclass(frozen=True)
class Unpriced:
    """A resource costcalc leaves out, or one usage key of it (`usage_key`), and why."""

    address: str
    type: str
    reason: str
    usage_key: str = ""


@dataclass(frozen=True)
class ImportResult:
    items: list[ImportedItem]
    needs_usage: list[NeedsUsage]
    unpriced: list[Unpriced]
    warnings: list[str]


# ---------------------------------------------------------------------------------------------
# Reading files


def read_plan(raw: bytes | str | dict) -> dict:
    """A Terraform JSON plan (format 1.x) with Decimal numbers; PlanError if it is not one."""
    if isinstance(raw, dict):
        data = raw
        _check_depth(data, "plan")
    elif isinstance(raw, bytes | bytearray | str):
        data = read_json(raw)
    else:
        raise PlanError("A plan is the JSON text that `terraform show -json plan.out` prints.")
    if not isinstance(data, dict):
        raise PlanError(
            f"Not a Terraform plan: a plan is a JSON object, this is {_kind(data)}. "
            "Make one with `terraform show -json plan.out > plan.json`."
        )
    if "format_version" not in data:
        raise PlanError(
            "Not a Terraform plan: it has no format_version. "
            "Make one with `terraform show -json plan.out > plan.json`."
        )
    version = data["format_version"]
    if not isinstance(version, str) or version.split(".")[0] != SUPPORTED_MAJOR:
        raise PlanError(f"Format version {str(version)[:40]} is not supported; costcalc reads 1.x.")
    if "planned_values" not in data and "resource_changes" not in data:
        raise PlanError(
            "Not a Terraform plan: it has no planned_values or resource_changes (is it a state "
            "file?). Show the plan file: `terraform show -json plan.out > plan.json`."
        )
    changes = data.get("resource_changes", [])
    if not isinstance(changes, list):
        raise PlanError("Not a Terraform plan: resource_changes is not a list.")
    if len(changes) > MAX_RESOURCES:
        raise PlanError(
            f"The plan has {len(changes):,} resource changes; costcalc reads at most "
            f"{MAX_RESOURCES:,} resources. Import the plan of a smaller configuration."
        )
    return data


def read_json(raw: bytes | bytearray | str, what: str = "plan") -> object:
    """JSON text of at most 20 MB, numbers as Decimal, nested no deeper than a plan can be."""
    data = _parse_json(_text(raw, MAX_PLAN_BYTES, what), what)
    _check_depth(data, what)
    return data


def read_usage(raw: bytes | str | dict | None) -> dict:
    """A usage file (JSON, or YAML with PyYAML) as {"resource_usage": {name: {key: Decimal}}}."""
    try:
        return _read_usage(raw)
    except UsageError:
        raise
    except PlanError as error:
        raise UsageError(str(error)) from None


def _read_usage(raw: bytes | str | dict | None) -> dict:
    if raw is None:
        return {"resource_usage": {}}
    if isinstance(raw, dict):
        data = raw
    elif isinstance(raw, bytes | bytearray | str):
        text = _text(raw, MAX_USAGE_BYTES, "usage file")
        if not text.strip():
            raise PlanError("The usage file is empty.")
        if text.lstrip()[:1] in ("{", "["):
            data = _parse_json(text, "usage file")
        else:
            data = _parse_yaml(text)
    else:
        raise PlanError("A usage file is JSON or YAML text.")
    return {"resource_usage": _usage_entries(data)}


def too_big(size: int, limit: int = MAX_PLAN_BYTES, what: str = "plan") -> str:
    """The message for a file of `size` bytes over `limit`, or "" when it fits."""
    if size <= limit:
        return ""
    return f"The {what} is {size:,} bytes; costcalc reads at most {limit // 1024 // 1024} MB."


def _text(raw: bytes | bytearray | str, limit: int, what: str) -> str:
    size = len(raw.encode("utf-8", "surrogatepass")) if isinstance(raw, str) else len(raw)
    if message := too_big(size, limit, what):
        raise PlanError(message)
    if isinstance(raw, str):
        return raw.removeprefix("\ufeff")
    data = bytes(raw)
    # Windows PowerShell's `>` writes UTF-16 with a byte order mark.
    encoding = "utf-16" if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) else "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise PlanError(f"The {what} is not text (UTF-8 or UTF-16).") from None


def _reject_constant(name: str) -> None:
    raise PlanError(f"{name} is not a number JSON allows.")


def _parse_json(text: str, what: str) -> object:
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
    except PlanError as error:
        raise PlanError(f"The {what} is not valid JSON: {error}") from None
    except json.JSONDecodeError as error:
        raise PlanError(
            f"The {what} is not JSON (line {error.lineno}, column {error.colno}: {error.msg})."
        ) from None
    except ValueError as error:
        raise PlanError(f"The {what} is not JSON costcalc can read: {error}.") from None
    except RecursionError:
        raise PlanError(f"The {what} is nested deeper than {MAX_DEPTH} levels.") from None


def _check_depth(value: object, what: str) -> None:
    """Refuse nesting deeper than any Terraform plan has, without recursing."""
    stack = [(value, 1)] if isinstance(value, dict | list) else []
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise PlanError(f"The {what} is nested deeper than {MAX_DEPTH} levels.")
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))


def _kind(value: object) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    return "a number"


@functools.cache
def _yaml_loader() -> type:
    import yaml

    class Loader(yaml.SafeLoader):
        def compose_node(self, parent, index):
            # An alias can repeat a node without limit (billion laughs); usage files need none.
            if self.check_event(yaml.AliasEvent):
                raise PlanError("The usage file uses a YAML alias (*name); write the values out.")
            return super().compose_node(parent, index)

    def decimal_float(loader, node):
        text = loader.construct_scalar(node)
        try:
            return pricing.parse_quantity(text)
        except ValueError:
            raise PlanError(f"The usage file has {text!r}, which is not a number.") from None

    Loader.add_constructor("tag:yaml.org,2002:float", decimal_float)
    return Loader


def _parse_yaml(text: str) -> object:
    try:
        import yaml
    except ImportError:
        raise PlanError(
            "The usage file is not JSON, and reading YAML needs PyYAML, which is not installed "
            "here. Send the usage file as JSON."
        ) from None
    try:
        return yaml.load(text, Loader=_yaml_loader())  # a SafeLoader: builds no objects
    except yaml.YAMLError as error:
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise PlanError(
            f"The usage file is neither JSON nor valid YAML: {problem}{where}."
        ) from None
    except RecursionError:
        raise PlanError(f"The usage file is nested deeper than {MAX_DEPTH} levels.") from None


_USAGE_KEY = re.compile(r"[a-z][a-z0-9_]{0,63}")


def _usage_entries(data: object) -> dict[str, dict[str, Decimal]]:
    shape = 'A usage file is {"resource_usage": {"<address or type>": {"<usage key>": number}}}.'
    if not isinstance(data, dict):
        raise PlanError(shape)
    extra = sorted(str(key) for key in data if key not in ("resource_usage", "version"))
    if extra:
        raise PlanError(f"The usage file has unknown keys ({', '.join(extra)[:200]}). {shape}")
    if "resource_usage" not in data:
        raise PlanError(f"The usage file has no resource_usage. {shape}")
    entries = data["resource_usage"] if data["resource_usage"] is not None else {}
    if not isinstance(entries, dict):
        raise PlanError(f"resource_usage is not an object. {shape}")
    if len(entries) > MAX_RESOURCES:
        raise PlanError(f"The usage file names more than {MAX_RESOURCES:,} resources.")
    clean: dict[str, dict[str, Decimal]] = {}
    for name, values in entries.items():
        if not isinstance(name, str) or not name.strip() or len(name) > 1000:
            raise PlanError(
                "Each name in resource_usage is a resource address or type, "
                "such as aws_kms_key.app[0] or aws_kms_key."
            )
        if values is None:
            values = {}
        if not isinstance(values, dict):
            raise PlanError(f'{name}: give usage keys with numbers, e.g. {{"requests": 1000000}}.')
        clean[name] = {}
        for key, raw in values.items():
            if not isinstance(key, str) or not _USAGE_KEY.fullmatch(key):
                raise PlanError(
                    f"{name}: {str(key)[:70]!r} is not a usage key "
                    "(lower-case letters, digits and _, such as symmetric_requests)."
                )
            clean[name][key] = _usage_value(name, key, raw)
    return clean


def _usage_value(name: str, key: str, raw: object) -> Decimal:
    if raw is None or raw == "":
        raise PlanError(f"{name} → {key}: enter a number.")
    try:
        value = pricing.parse_quantity(raw)
    except ValueError as error:
        raise PlanError(f"{name} → {key}: {error}") from None
    if value < 0:
        raise PlanError(f"{name} → {key}: enter 0 or more.")
    if value > pricing.MAX_QUANTITY:
        limit = pricing.plain_number(pricing.MAX_QUANTITY)
        raise PlanError(f"{name} → {key}: enter at most {limit}.")
    return value


# ---------------------------------------------------------------------------------------------
# Lenient access to plan values: a provider may add or reshape attributes in a minor version.


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list:
    return value if isinstance(value, list) else []


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _strings(value: object) -> list[str]:
    return [item for item in _list(value) if isinstance(item, str)]


def _flag(value: object, default: bool) -> bool:
    return value if isinstance(value, bool) else default


def _blocks(value: object) -> list[dict]:
    """A nested block: a list of objects (list and set nesting) or one object (single nesting)."""
    if isinstance(value, dict):
        return [value]
    return [item for item in _list(value) if isinstance(item, dict)]


def _first(value: object) -> dict:
    blocks = _blocks(value)
    return blocks[0] if blocks else {}


# ---------------------------------------------------------------------------------------------
# Importing


@dataclass
class _Resource:
    address: str
    type: str
    name: str
    module: str
    after: dict
    unknown: dict
    config: dict
    region: str = DEFAULT_REGION

    @property
    def resource_address(self) -> str:
        """The address without the instance key: `module.edge.aws_kms_key.app`."""
        prefix = f"{self.module}." if self.module else ""
        return f"{prefix}{self.type}.{self.name}"

    def is_unknown(self, attribute: str) -> bool:
        return self.unknown.get(attribute) is True and self.after.get(attribute) is None

    def count_blocks(self, attribute: str) -> tuple[int, bool]:
        """How many blocks or list items an attribute has, and whether that is known yet."""
        if self.is_unknown(attribute):
            return 0, False
        value = self.after.get(attribute)
        return (len(value) if isinstance(value, list) else int(isinstance(value, dict))), True


@dataclass
class _Part:
    """What one resource adds to its service's item."""

    service: str
    counts: dict[str, int] = field(default_factory=dict)
    needs: list[str] = field(default_factory=list)
    accounts: int = 1


@dataclass
class _Card:
    usage: dict[str, Decimal] = field(default_factory=dict)
    addresses: list[str] = field(default_factory=list)
    accounts: int = 1


def import_plan(plan: dict, usage: dict | None = None) -> ImportResult:
    """Estimate items, missing usage and unpriced resources for a Terraform JSON plan."""
    return _Importer(read_plan(plan), read_usage(usage)["resource_usage"]).run()


class _Importer:
    def __init__(self, plan: dict, usage: dict[str, dict[str, Decimal]]):
        self.usage = usage
        configuration = _dict(plan.get("configuration"))
        self.provider_configs = _dict(configuration.get("provider_config"))
        self.config_resources = _config_resources(configuration)
        self.variables = _dict(plan.get("variables"))
        self.notes: dict[str, list[str]] = {}
        self.warnings: list[str] = []
        self.resources = self._kept_resources(plan.get("resource_changes", []))
        self.first_subscription = next(
            (r.address for r in self.resources if r.type == "aws_shield_subscription"), None
        )
        self.subscription_asked = False
        self.extra_trails = self._extra_trails()
        self.association_rules = self._association_rules()

    def note(self, message: str, address: str) -> None:
        """A warning about some resources, written once with their addresses."""
        self.notes.setdefault(message, []).append(address)

    # Reading resource_changes

    def _kept_resources(self, changes: list) -> list[_Resource]:
        resources = []
        for index, entry in enumerate(changes):
            if not isinstance(entry, dict):
                raise PlanError(
                    f"Not a Terraform plan: resource_changes[{index}] is not an object."
                )
            address, kind = entry.get("address"), entry.get("type")
            change = entry.get("change")
            actions = _dict(change).get("actions")
            if not (
                isinstance(address, str) and isinstance(kind, str) and isinstance(change, dict)
            ):
                raise PlanError(
                    f"Not a Terraform plan: resource_changes[{index}] has no address, type "
                    "or change."
                )
            if not isinstance(actions, list) or not all(isinstance(a, str) for a in actions):
                raise PlanError(f"Not a Terraform plan: {address[:200]} has no change.actions.")
            if entry.get("mode", "managed") != "managed" or entry.get("deposed"):
                continue
            actions = tuple(actions)
            if actions == ("delete",):
                continue
            if "forget" in actions:
                self.note(
                    "removed from Terraform's state without being destroyed, so it still runs; "
                    "not counted",
                    address,
                )
                continue
            if actions not in KEPT_ACTIONS:
                self.note(f"actions {list(actions)} are unknown to costcalc; not counted", address)
                continue
            name, module = _str(entry.get("name")), _str(entry.get("module_address"))
            path = _module_path(module)
            config = {} if path is None else self.config_resources.get((path, f"{kind}.{name}"), {})
            resource = _Resource(
                address,
                kind,
                name,
                module,
                _dict(change.get("after")),
                _dict(change.get("after_unknown")),
                config,
            )
            resource.region = self._region(resource, path)
            resources.append(resource)
        return resources

    def _region(self, resource: _Resource, path: tuple[str, ...] | None) -> str:
        own = _str(resource.after.get("region"))
        if own:
            return own
        key = _str(resource.config.get("provider_config_key"))
        if not key and path is not None:
            key = ":".join(filter(None, [".".join(f"module.{step}" for step in path), "aws"]))
        for candidate in _provider_keys(key):
            config = self.provider_configs.get(candidate)
            if isinstance(config, dict):
                region = self._provider_region(config)
                if region:
                    return region
                break
        if resource.type.startswith("aws_"):
            self.note(
                f"no Region in the plan, counted in {DEFAULT_REGION}; set region in the "
                "provider block or on the resource",
                resource.address,
            )
        return DEFAULT_REGION

    def _provider_region(self, config: dict) -> str:
        expression = _dict(_dict(config.get("expressions")).get("region"))
        constant = _str(expression.get("constant_value"))
        if constant:
            return constant
        references = _strings(expression.get("references"))
        # Only the root module's variables are in the plan.
        if references and references[0].startswith("var.") and not config.get("module_address"):
            variable = _dict(self.variables.get(references[0].removeprefix("var.")))
            return _str(variable.get("value"))
        return ""

    # What some resources need to know about others

    def _extra_trails(self) -> set[str]:
        """Trails whose management events are an extra copy: the first per Region is free."""
        everywhere, one_region = [], []
        for r in self.resources:
            if r.type == "aws_cloudtrail" and _trail_events(r)[0]:
                multi_region = _flag(r.after.get("is_multi_region_trail"), False)
                (everywhere if multi_region else one_region).append(r)
        # A multi-Region trail delivers a copy in every Region, so it takes the free copy first.
        extra, covered = set(), set()
        for trail in everywhere + one_region:
            if (everywhere and trail is not everywhere[0]) or trail.region in covered:
                extra.add(trail.address)
            else:
                covered.add(trail.region)
                self.note(
                    "taken as the free first copy of management events in its Region; if another "
                    "trail (an organization trail, say) already delivers them, enter this trail's "
                    "events as additional_management_events",
                    trail.address,
                )
        for trail in everywhere[1:]:
            self.note(
                "a further multi-Region trail: its management events in every Region are extra "
                "copies; enter them all as additional_management_events",
                trail.address,
            )
        return extra

    def _association_rules(self) -> dict[str, set[str]]:
        """Rule names that rule group associations add to a web ACL, by the ACL's ARN."""
        rules: dict[str, set[str]] = {}
        for r in self.resources:
            if r.type == "aws_wafv2_web_acl_rule_group_association":
                arn, name = _str(r.after.get("web_acl_arn")), _str(r.after.get("rule_name"))
                if arn and name:
                    rules.setdefault(arn, set()).add(name)
        return rules

    # Pricing resources

    def run(self) -> ImportResult:
        cards: dict[tuple[str, str, str], _Card] = {}
        needs_usage: list[NeedsUsage] = []
        unpriced: list[Unpriced] = []
        priced_names: set[str] = set()
        unpriced_names: set[str] = set()
        ignored: dict[tuple[str, str], None] = {}
        for resource in self.resources:
            names = (resource.address, resource.resource_address, resource.type)
            handler = HANDLERS.get(resource.type)
            part = handler(self, resource) if handler else _unpriced_reason(resource.type)
            if isinstance(part, str):
                unpriced.append(Unpriced(resource.address, resource.type, part))
                unpriced_names.update(names)
                continue
            priced_names.update(names)
            values: dict[str, tuple[Decimal, str]] = {}
            for name in reversed(names):
                for key, value in self.usage.get(name, {}).items():
                    values[key] = (value, name)
            card = cards.setdefault((part.service, resource.region, resource.module), _Card())
            card.addresses.append(resource.address)
            card.accounts = max(card.accounts, part.accounts)
            for key, count in part.counts.items():
                if count:
                    _add(card.usage, key, Decimal(count))
                if key in values:
                    ignored[(values.pop(key)[1], key)] = None
            for key, (value, _name) in values.items():
                _add(card.usage, key, value)
            for key in dict.fromkeys(part.needs):
                if key not in values:
                    hint = USAGE_HINTS.get(key, key)
                    needs_usage.append(NeedsUsage(resource.address, part.service, key, hint))
        for name, key in ignored:
            self.warnings.append(
                f"Usage file: {name} sets {key}, which the plan counts itself; ignored."
            )
        for name in self.usage:
            if name in priced_names:
                continue
            if name in unpriced_names:
                self.warnings.append(f"Usage file: costcalc does not price {name}; ignored.")
            else:
                self.warnings.append(
                    f"Usage file: {name} is not among the resources the plan keeps; ignored."
                )
        self._shield_and_waf_warning(cards)
        items = [
            ImportedItem(service, region, group, card.usage, tuple(card.addresses), card.accounts)
            for (service, region, group), card in sorted(
                cards.items(), key=lambda pair: (pair[0][2], pair[0][1], pair[0][0])
            )
        ]
        if len(items) > pricing.MAX_ITEMS:
            self.warnings.append(_too_many_items(len(items)))
        warnings = [
            _listed(addresses) + f": {message}." for message, addresses in self.notes.items()
        ]
        return ImportResult(items, needs_usage, unpriced, warnings + self.warnings)

    def _shield_and_waf_warning(self, cards: dict) -> None:
        services = {service for service, _region, _group in cards}
        if {"shield", "waf"} <= services and self.first_subscription:
            self.warnings.append(SHIELD_AND_WAF)


def _add(usage: dict[str, Decimal], key: str, value: Decimal) -> None:
    with localcontext() as context:
        context.prec = pricing.PRECISION
        if key in SWITCH_KEYS:
            usage[key] = max(usage.get(key, Decimal(0)), value)
        else:
            usage[key] = usage.get(key, Decimal(0)) + value


def _too_many_items(count: int) -> str:
    return (
        f"The plan makes {count} items; an estimate holds at most {pricing.MAX_ITEMS}. "
        "Import the plans of smaller configurations."
    )


def _listed(addresses: list[str]) -> str:
    shown = ", ".join(addresses[:LISTED_ADDRESSES])
    more = len(addresses) - LISTED_ADDRESSES
    return f"{shown} and {more:,} more" if more > 0 else shown


_MODULE_STEP = re.compile(
    r'module\.([A-Za-z_][A-Za-z0-9_-]*)(?:\[(?:\d+|"(?:[^"\\]|\\.)*")\])?(?:\.|$)'
)


def _module_path(module_address: str) -> tuple[str, ...] | None:
    """`module.edge[0].module.waf` → ("edge", "waf"): module calls, without instance keys."""
    path, position = [], 0
    while position < len(module_address):
        match = _MODULE_STEP.match(module_address, position)
        if not match:
            return None
        path.append(match.group(1))
        position = match.end()
    return tuple(path)


def _provider_keys(key: str) -> Iterable[str]:
    """The key, then for a default (unaliased) provider the same provider in each parent module,
    which a child module inherits when it has no provider block of its own."""
    yield key
    modules, _, provider = key.rpartition(":")
    if not modules or "." in provider:
        return
    steps = modules.split(".")
    while steps:
        steps = steps[:-2]
        yield f"{'.'.join(steps)}:{provider}" if steps else provider


def _config_resources(configuration: dict) -> dict[tuple[tuple[str, ...], str], dict]:
    """Resource blocks of the configuration by (module path, module-relative address)."""
    found: dict[tuple[tuple[str, ...], str], dict] = {}
    stack: list[tuple[tuple[str, ...], dict]] = [((), _dict(configuration.get("root_module")))]
    while stack:
        path, module = stack.pop()
        for resource in _blocks(module.get("resources")):
            if isinstance(resource.get("address"), str):
                found[(path, resource["address"])] = resource
        for name, call in _dict(module.get("module_calls")).items():
            stack.append(((*path, name), _dict(_dict(call).get("module"))))
    return found


# ---------------------------------------------------------------------------------------------
# Resource types

Handler = Callable[[_Importer, _Resource], "_Part | str"]


def _kms_key(importer: _Importer, r: _Resource) -> _Part:
    spec = _str(r.after.get("customer_master_key_spec")) or _str(r.after.get("key_spec"))
    if spec == "RSA_2048":
        request_key = "rsa_2048_requests"
    elif not spec or spec == "SYMMETRIC_DEFAULT" or spec.startswith("HMAC_"):
        request_key = "symmetric_requests"
    else:
        request_key = "asymmetric_requests"
    return _Part("kms", {"keys": 1}, [request_key])


def _secret(importer: _Importer, r: _Resource) -> _Part:
    replicas, known = r.count_blocks("replica")
    part = _Part("secrets_manager", {"secrets": 1}, ["api_calls"])
    if known:
        part.counts["replica_secrets"] = replicas
    else:
        part.needs.append("replica_secrets")
    return part


def _ssm_parameter(importer: _Importer, r: _Resource) -> _Part:
    tier = _str(r.after.get("tier")) or "Standard"
    if tier == "Advanced":
        return _Part(
            "ssm_parameter_store", {"advanced_parameters": 1}, ["advanced_api_interactions"]
        )
    if tier == "Intelligent-Tiering":
        importer.note(
            "tier Intelligent-Tiering, counted as a standard parameter (AWS makes it advanced "
            "above 4 KB or with policies)",
            r.address,
        )
    elif tier != "Standard":
        importer.note(f"unknown tier {tier[:40]!r}, counted as a standard parameter", r.address)
    return _Part("ssm_parameter_store", {"standard_parameters": 1}, ["standard_api_interactions"])


def _acm_certificate(importer: _Importer, r: _Resource) -> _Part | str:
    if _str(r.after.get("certificate_body")):
        return "an imported certificate: ACM charges nothing for it"
    if _str(r.after.get("certificate_authority_arn")) or r.is_unknown("certificate_authority_arn"):
        importer.note(
            "counted as issued this month (certificates are charged when issued or renewed)",
            r.address,
        )
        return _Part("private_ca", {"private_certificates": 1})
    if not any(_str(o.get("export")) == "ENABLED" for o in _blocks(r.after.get("options"))):
        return _Part("acm", {"public_certificates": 1})
    names = {_str(r.after.get("domain_name"))} | set(
        _strings(r.after.get("subject_alternative_names"))
    )
    names.discard("")
    keys = ["exportable_fqdn_certificates", "exportable_wildcard_certificates"]
    # Without subject_alternative_names in the configuration, the domain name is the only name.
    listed = "subject_alternative_names" in _dict(r.config.get("expressions"))
    if not names or (r.is_unknown("subject_alternative_names") and listed):
        return _Part("acm", {}, keys)
    importer.note(
        "counted as issued this month (exportable certificates are charged per name when issued "
        "or renewed)",
        r.address,
    )
    wildcards = sum(1 for name in names if name.startswith("*."))
    return _Part("acm", dict(zip(keys, (len(names) - wildcards, wildcards), strict=True)))


def _certificate_authority(importer: _Importer, r: _Resource) -> _Part:
    if _str(r.after.get("usage_mode")) == "SHORT_LIVED_CERTIFICATE":
        part = _Part("private_ca", {"short_lived_cas": 1}, ["short_lived_certificates"])
    else:
        part = _Part("private_ca", {"general_purpose_cas": 1}, ["private_certificates"])
    revocation = _blocks(r.after.get("revocation_configuration"))
    ocsp = [o for rc in revocation for o in _blocks(rc.get("ocsp_configuration"))]
    if any(_flag(o.get("enabled"), False) for o in ocsp):
        part.needs.append("ocsp_certificates_queried")
    return part


BOT_CONTROL = "AWSManagedRulesBotControlRuleSet"
FRAUD_CONTROL = ("AWSManagedRulesATPRuleSet", "AWSManagedRulesACFPRuleSet")


@dataclass(frozen=True)
class _WafRule:
    name: str
    group: str = ""
    bot_level: str = ""
    actions: frozenset[str] = frozenset()


def _waf_rules_from_blocks(blocks: list[dict]) -> list[_WafRule]:
    rules = []
    for block in blocks:
        statement = _first(block.get("statement"))
        managed = _first(statement.get("managed_rule_group_statement"))
        group_ref = _first(statement.get("rule_group_reference_statement"))
        level = ""
        for config in _blocks(managed.get("managed_rule_group_configs")):
            for bot in _blocks(config.get("aws_managed_rules_bot_control_rule_set")):
                level = _str(bot.get("inspection_level")) or level
        overrides = _blocks(managed.get("rule_action_override")) + _blocks(
            group_ref.get("rule_action_override")
        )
        action_blocks = _blocks(block.get("action")) + [
            action for o in overrides for action in _blocks(o.get("action_to_use"))
        ]
        actions = {
            kind
            for action in action_blocks
            for kind in ("captcha", "challenge")
            if action.get(kind)
        }
        rules.append(
            _WafRule(_str(block.get("name")), _str(managed.get("name")), level, frozenset(actions))
        )
    return rules


def _waf_rules_from_json(text: str) -> list[_WafRule] | None:
    """Rules from `rule_json`, which holds the WAF API's own Rules list."""
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(raw, list):
        return None
    rules = []
    for rule in _blocks(raw):
        managed = _dict(_dict(rule.get("Statement")).get("ManagedRuleGroupStatement"))
        level = ""
        for config in _blocks(managed.get("ManagedRuleGroupConfigs")):
            bot = _dict(config.get("AWSManagedRulesBotControlRuleSet"))
            level = _str(bot.get("InspectionLevel")) or level
        action_blocks = [_dict(rule.get("Action"))] + [
            _dict(o.get("ActionToUse")) for o in _blocks(managed.get("RuleActionOverrides"))
        ]
        actions = {
            kind.lower()
            for action in action_blocks
            for kind in ("Captcha", "Challenge")
            if kind in action
        }
        rules.append(
            _WafRule(_str(rule.get("Name")), _str(managed.get("Name")), level, frozenset(actions))
        )
    return rules


def _waf_part(rules: list[_WafRule], part: _Part) -> _Part:
    for rule in rules:
        if rule.group == BOT_CONTROL:
            part.counts["bot_control_web_acls"] = part.counts.get("bot_control_web_acls", 0) + 1
            level = "targeted" if rule.bot_level.upper() == "TARGETED" else "common"
            part.needs.append(f"bot_control_{level}_requests")
        elif rule.group in FRAUD_CONTROL:
            part.counts["fraud_control_web_acls"] = part.counts.get("fraud_control_web_acls", 0) + 1
            part.needs.append("fraud_control_requests")
    for kind, key in (("captcha", "captcha_attempts"), ("challenge", "challenge_responses")):
        if any(kind in rule.actions for rule in rules):
            part.needs.append(key)
    return part


def _web_acl(importer: _Importer, r: _Resource) -> _Part:
    part = _Part("waf", {"web_acls": 1}, ["requests"])
    rule_json = _str(r.after.get("rule_json"))
    rules: list[_WafRule] | None
    if rule_json:
        rules = _waf_rules_from_json(rule_json)
        if rules is None:
            importer.note("rule_json is not a JSON list of WAF rules", r.address)
    elif r.is_unknown("rule_json") or r.is_unknown("rule"):
        rules = None
    else:
        rules = _waf_rules_from_blocks(_blocks(r.after.get("rule")))
    if rules is None:
        part.needs.append("rules")
        return part
    # Rules that an aws_wafv2_web_acl_rule_group_association added are counted there.
    added = importer.association_rules.get(_str(r.after.get("arn")), set())
    rules = [rule for rule in rules if rule.name not in added]
    part.counts["rules"] = len(rules)
    return _waf_part(rules, part)


def _rule_group_association(importer: _Importer, r: _Resource) -> _Part:
    managed = _first(r.after.get("managed_rule_group"))
    reference = _first(r.after.get("rule_group_reference"))
    overrides = _blocks(managed.get("rule_action_override")) + _blocks(
        reference.get("rule_action_override")
    )
    actions = {
        kind
        for o in overrides
        for action in _blocks(o.get("action_to_use"))
        for kind in ("captcha", "challenge")
        if action.get(kind)
    }
    rule = _WafRule(
        _str(r.after.get("rule_name")), _str(managed.get("name")), "", frozenset(actions)
    )
    return _waf_part([rule], _Part("waf", {"rules": 1}))


SHIELD_DTO_KEYS = ("cloudfront_dto_gb", "elb_dto_gb", "eip_dto_gb", "global_accelerator_dto_gb")
SHIELD_TARGET_TYPES = {
    "aws_cloudfront_distribution": ("cloudfront_dto_gb",),
    "aws_lb": ("elb_dto_gb",),
    "aws_alb": ("elb_dto_gb",),
    "aws_elb": ("elb_dto_gb",),
    "aws_eip": ("eip_dto_gb",),
    "aws_globalaccelerator_accelerator": ("global_accelerator_dto_gb",),
    "aws_route53_zone": (),
}


def _shield_subscription(importer: _Importer, r: _Resource) -> _Part:
    if r.address == importer.first_subscription:
        return _Part("shield", {"advanced_subscriptions": 1})
    importer.note(
        "a further Shield Advanced subscription: one is billed per organisation", r.address
    )
    return _Part("shield")


def _shield_protection(importer: _Importer, r: _Resource) -> _Part:
    keys = _shield_keys_from_arn(_str(r.after.get("resource_arn")))
    if keys is None:
        expression = _dict(_dict(r.config.get("expressions")).get("resource_arn"))
        references = _strings(expression.get("references"))
        target = references[0].split(".")[0] if references else ""
        keys = SHIELD_TARGET_TYPES.get(target, SHIELD_DTO_KEYS)
    part = _Part("shield", {}, list(keys))
    if not importer.first_subscription and not importer.subscription_asked:
        importer.subscription_asked = True
        part.needs.append("advanced_subscriptions")
    return part


def _shield_keys_from_arn(arn: str) -> tuple[str, ...] | None:
    parts = arn.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn":
        return None
    service, resource = parts[2], parts[5]
    if service == "cloudfront":
        return ("cloudfront_dto_gb",)
    if service == "elasticloadbalancing":
        return ("elb_dto_gb",)
    if service == "ec2" and resource.startswith("eip-allocation/"):
        return ("eip_dto_gb",)
    if service == "globalaccelerator":
        return ("global_accelerator_dto_gb",)
    if service == "route53":
        return ()
    return None


def _fms_policy(importer: _Importer, r: _Resource) -> _Part:
    return _Part("firewall_manager", {"policies": 1})


GUARDDUTY_BASE = ("cloudtrail_management_events", "vpc_dns_log_gb")
GUARDDUTY_FEATURES = {
    "S3_DATA_EVENTS": ("s3_data_events",),
    "EKS_AUDIT_LOGS": ("eks_audit_log_events",),
    "EBS_MALWARE_PROTECTION": ("malware_ebs_gb",),
    "RDS_LOGIN_EVENTS": ("rds_vcpus", "aurora_serverless_acus"),
    "EKS_RUNTIME_MONITORING": ("runtime_eks_vcpus",),
    "RUNTIME_MONITORING": ("runtime_eks_vcpus", "runtime_ecs_fargate_vcpus", "runtime_ec2_vcpus"),
    "LAMBDA_NETWORK_LOGS": ("lambda_network_log_gb",),
}


def _guardduty_detector(importer: _Importer, r: _Resource) -> _Part | str:
    if r.after.get("enable") is False:
        return "the detector is suspended (enable = false): GuardDuty charges nothing"
    needs = list(GUARDDUTY_BASE)
    sources = _first(r.after.get("datasources"))

    def enabled(*path: str) -> bool:
        blocks = [sources]
        for step in path:
            blocks = [child for block in blocks for child in _blocks(block.get(step))]
        return any(_flag(block.get("enable"), False) for block in blocks)

    if enabled("s3_logs"):
        needs += GUARDDUTY_FEATURES["S3_DATA_EVENTS"]
    if enabled("kubernetes", "audit_logs"):
        needs += GUARDDUTY_FEATURES["EKS_AUDIT_LOGS"]
    if enabled("malware_protection", "scan_ec2_instance_with_findings", "ebs_volumes"):
        needs += GUARDDUTY_FEATURES["EBS_MALWARE_PROTECTION"]
    return _Part("guardduty", {}, needs)


def _guardduty_feature(importer: _Importer, r: _Resource) -> _Part | str:
    name, status = _str(r.after.get("name")), _str(r.after.get("status"))
    if status != "ENABLED":
        return f"feature {name[:60]} is {status[:20] or 'not enabled'}: nothing to price"
    if name not in GUARDDUTY_FEATURES:
        return f"costcalc does not price GuardDuty feature {name[:60]}"
    return _Part("guardduty", {}, list(GUARDDUTY_FEATURES[name]))


def _guardduty_malware_plan(importer: _Importer, r: _Resource) -> _Part:
    return _Part("guardduty", {}, ["malware_s3_gb", "malware_s3_objects"])


INSPECTOR_TYPES = {
    "EC2": ("ec2_instances",),
    "ECR": ("ecr_initial_scans", "ecr_rescans"),
    "LAMBDA": ("lambda_functions",),
    "LAMBDA_CODE": ("lambda_code_functions",),
    "CODE_REPOSITORY": ("code_repository_scans",),
}


def _inspector_enabler(importer: _Importer, r: _Resource) -> _Part:
    kinds = _strings(r.after.get("resource_types"))
    if r.is_unknown("resource_types"):
        kinds = list(INSPECTOR_TYPES)
    for kind in kinds:
        if kind not in INSPECTOR_TYPES:
            importer.note(
                f"Inspector resource type {kind[:40]} is not priced by costcalc", r.address
            )
    needs = [key for kind in kinds for key in INSPECTOR_TYPES.get(kind, ())]
    accounts = len(set(_strings(r.after.get("account_ids")))) or 1
    return _Part("inspector", {}, needs, accounts)


def _macie_account(importer: _Importer, r: _Resource) -> _Part | str:
    if _str(r.after.get("status")) == "PAUSED":
        return "Macie is paused (status = PAUSED): it runs and charges nothing while paused"
    return _Part("macie", {}, ["s3_buckets", "objects_monitored", "data_inspected_gb"])


def _security_hub_account(importer: _Importer, r: _Resource) -> _Part:
    return _Part("security_hub", {}, ["security_checks", "finding_ingestion_events"])


def _config_recorder(importer: _Importer, r: _Resource) -> _Part:
    modes = _blocks(r.after.get("recording_mode"))
    frequencies = {_str(mode.get("recording_frequency")) or "CONTINUOUS" for mode in modes} or {
        "CONTINUOUS"
    }
    for mode in modes:
        for override in _blocks(mode.get("recording_mode_override")):
            frequencies.add(_str(override.get("recording_frequency")) or "CONTINUOUS")
    needs = []
    if "CONTINUOUS" in frequencies:
        needs.append("configuration_items")
    if "DAILY" in frequencies:
        needs.append("periodic_configuration_items")
    return _Part("config", {}, [*needs, "rule_evaluations"])


def _conformance_pack(importer: _Importer, r: _Resource) -> _Part:
    return _Part("config", {}, ["conformance_pack_evaluations"])


def _trail_events(r: _Resource) -> tuple[bool, bool, bool]:
    """Whether a trail delivers management events, data events, and Insights events."""
    if r.after.get("enable_logging") is False:
        return False, False, False
    advanced = _blocks(r.after.get("advanced_event_selector"))
    basic = _blocks(r.after.get("event_selector"))
    if advanced:
        categories = {
            value
            for selector in advanced
            for field_selector in _blocks(selector.get("field_selector"))
            if field_selector.get("field") == "eventCategory"
            for value in _strings(field_selector.get("equals"))
        }
        management, data = "Management" in categories, "Data" in categories
    elif basic:
        management = any(_flag(s.get("include_management_events"), True) for s in basic)
        data = any(_blocks(s.get("data_resource")) for s in basic)
    else:
        management, data = True, False
    insights = any(_str(i.get("insight_type")) for i in _blocks(r.after.get("insight_selector")))
    return management, data, insights


def _cloudtrail(importer: _Importer, r: _Resource) -> _Part | str:
    if r.after.get("enable_logging") is False:
        return "logging is off (enable_logging = false): CloudTrail charges nothing"
    management, data, insights = _trail_events(r)
    needs = []
    if management and r.address in importer.extra_trails:
        needs.append("additional_management_events")
    if data:
        needs.append("data_events")
    if insights:
        needs.append("insights_events")
    return _Part("cloudtrail", {}, needs)


def _network_firewall(importer: _Importer, r: _Resource) -> _Part:
    part = _Part("network_firewall", {}, ["data_processed_gb"])
    subnets, subnets_known = r.count_blocks("subnet_mapping")
    zones, zones_known = r.count_blocks("availability_zone_mapping")
    if subnets_known and zones_known:
        part.counts["endpoints"] = subnets + zones
    else:
        part.needs.insert(0, "endpoints")
    return part


def _firewall_endpoint_association(importer: _Importer, r: _Resource) -> _Part:
    subnets, known = r.count_blocks("subnet_mapping")
    if known:
        return _Part("network_firewall", {"endpoints": max(subnets, 1)}, ["data_processed_gb"])
    return _Part("network_firewall", {}, ["endpoints", "data_processed_gb"])


def _dns_domain_list(importer: _Importer, r: _Resource) -> _Part:
    if r.is_unknown("domains"):
        return _Part("dns_firewall", {}, ["domains", "queries"])
    return _Part(
        "dns_firewall", {"domains": len(set(_strings(r.after.get("domains"))))}, ["queries"]
    )


HANDLERS: dict[str, Handler] = {
    "aws_kms_key": _kms_key,
    "aws_kms_replica_key": _kms_key,
    "aws_kms_external_key": _kms_key,
    "aws_kms_replica_external_key": _kms_key,
    "aws_secretsmanager_secret": _secret,
    "aws_ssm_parameter": _ssm_parameter,
    "aws_acm_certificate": _acm_certificate,
    "aws_acmpca_certificate_authority": _certificate_authority,
    "aws_wafv2_web_acl": _web_acl,
    "aws_wafv2_web_acl_rule_group_association": _rule_group_association,
    "aws_shield_subscription": _shield_subscription,
    "aws_shield_protection": _shield_protection,
    "aws_fms_policy": _fms_policy,
    "aws_guardduty_detector": _guardduty_detector,
    "aws_guardduty_detector_feature": _guardduty_feature,
    "aws_guardduty_malware_protection_plan": _guardduty_malware_plan,
    "aws_inspector2_enabler": _inspector_enabler,
    "aws_macie2_account": _macie_account,
    "aws_securityhub_account": _security_hub_account,
    "aws_config_configuration_recorder": _config_recorder,
    "aws_config_conformance_pack": _conformance_pack,
    "aws_cloudtrail": _cloudtrail,
    "aws_networkfirewall_firewall": _network_firewall,
    "aws_networkfirewall_vpc_endpoint_association": _firewall_endpoint_association,
    "aws_route53_resolver_firewall_domain_list": _dns_domain_list,
}

NO_CHARGE_OF_ITS_OWN = frozenset(
    {
        "aws_kms_alias",
        "aws_kms_grant",
        "aws_kms_key_policy",
        "aws_secretsmanager_secret_version",
        "aws_secretsmanager_secret_rotation",
        "aws_secretsmanager_secret_policy",
        "aws_acm_certificate_validation",
        "aws_acmpca_certificate_authority_certificate",
        "aws_acmpca_permission",
        "aws_acmpca_policy",
        "aws_wafv2_ip_set",
        "aws_wafv2_regex_pattern_set",
        "aws_wafv2_web_acl_association",
        "aws_wafv2_web_acl_logging_configuration",
        "aws_shield_protection_group",
        "aws_shield_application_layer_automatic_response",
        "aws_shield_proactive_engagement",
        "aws_shield_drt_access_role_arn_association",
        "aws_shield_drt_access_log_bucket_association",
        "aws_shield_protection_health_check_association",
        "aws_fms_admin_account",
        "aws_guardduty_filter",
        "aws_guardduty_ipset",
        "aws_guardduty_threatintelset",
        "aws_guardduty_publishing_destination",
        "aws_guardduty_organization_admin_account",
        "aws_inspector2_delegated_admin_account",
        "aws_inspector2_member_association",
        "aws_macie2_classification_export_configuration",
        "aws_macie2_custom_data_identifier",
        "aws_macie2_findings_filter",
        "aws_securityhub_action_target",
        "aws_securityhub_finding_aggregator",
        "aws_securityhub_insight",
        "aws_securityhub_organization_admin_account",
        "aws_config_configuration_recorder_status",
        "aws_config_delivery_channel",
        "aws_config_aggregate_authorization",
        "aws_networkfirewall_firewall_policy",
        "aws_networkfirewall_rule_group",
        "aws_networkfirewall_logging_configuration",
        "aws_networkfirewall_resource_policy",
        "aws_route53_resolver_firewall_rule_group",
        "aws_route53_resolver_firewall_rule",
        "aws_route53_resolver_firewall_config",
    }
)

UNPRICED_REASONS = {
    "aws_wafv2_rule_group": "billed as one rule of each web ACL that uses it",
    "aws_config_config_rule": "its evaluations are rule_evaluations on the AWS Config item",
    "aws_securityhub_standards_subscription": (
        "its checks are security_checks on the Security Hub item"
    ),
    "aws_route53_resolver_firewall_rule_group_association": (
        "queries are priced on the DNS Firewall domain list's item; DNS Firewall Advanced is not "
        "priced by costcalc"
    ),
    "aws_acmpca_certificate": (
        "enter the certificates it issues as private_certificates or short_lived_certificates "
        "on the Private CA item"
    ),
    "aws_guardduty_organization_configuration": "member accounts pay for their own detectors",
    "aws_cloudtrail_event_data_store": "CloudTrail Lake is not priced by costcalc",
}


def _unpriced_reason(kind: str) -> str:
    if kind in UNPRICED_REASONS:
        return UNPRICED_REASONS[kind]
    if kind in NO_CHARGE_OF_ITS_OWN:
        return "no charge of its own in costcalc's services"
    if not kind.startswith("aws_"):
        return "not an AWS resource: costcalc prices AWS security services"
    return f"costcalc does not price {kind}"


# ---------------------------------------------------------------------------------------------
# Fitting an import to a price book

# Shown in place of what no page, JSON or database can hold: NUL and lone surrogates
# (a plan's JSON may spell them as \u0000 and \ud800).
_UNPRINTABLE = re.compile("[\x00\ud800-\udfff]")
# Errors listed in one message before "and N more".
LISTED_ERRORS = 5


def fit_to_catalog(
    result: ImportResult, catalog: pricing.Catalog, *, group_length: int
) -> ImportResult:
    """The import as this price book can price it: every item passes pricing.check_items.

    - An item of a service the book does not have, or in a Region it has no prices for, is left
      out: its resources are unpriced, with the reason, and need no usage.
    - A usage key the book does not have for the service is dropped: a resource that needs it
      is listed as unpriced for that key, a value the usage file gives for it is warned about.
    - Text from the plan is made printable (no NUL, no lone surrogate); a group (the module
      address) longer than `group_length` is cut, with a warning.

    Raises UsageError when a value from the usage file is out of the book's bounds, PlanError
    when the plan itself makes more items or accounts than an estimate holds.
    """
    missing = f"not in the current price book ({catalog.book_name})"
    items: list[ImportedItem] = []
    unpriced = [_printable_unpriced(entry) for entry in result.unpriced]
    warnings = [
        _printable(warning)
        for warning in result.warnings
        if warning != _too_many_items(len(result.items))
    ]
    dropped: set[str] = set()
    unknown: dict[tuple[str, str], None] = {}
    for imported in result.items:
        addresses = tuple(_printable(address) for address in imported.addresses)
        service = catalog.services.get(imported.service)
        if service is None:
            reason = missing
        elif imported.region not in catalog.service_regions(imported.service):
            reason = f"{service.name} in {_printable(imported.region)[:40]} is {missing}"
        else:
            reason = ""
        if reason:
            unpriced += [Unpriced(a, _resource_type(a), reason) for a in addresses]
            dropped.update(imported.addresses)
            continue
        known = {spec.key for spec in service.inputs}
        for key in imported.usage:
            # The plan counts only keys the book has: an unknown one is from the usage file.
            ignored = f"Usage file: {key} of {service.code} is {missing}; ignored."
            if key not in known and ignored not in warnings:
                warnings.append(ignored)
        group = _printable(imported.group)
        if len(group) > group_length:
            warnings.append(f"The group {group[:60]}… is cut to {group_length} characters.")
            group = group[: group_length - 1] + "…"
        items.append(
            ImportedItem(
                imported.service,
                imported.region,
                group,
                {key: value for key, value in imported.usage.items() if key in known},
                addresses,
                imported.accounts,
            )
        )
    needs_usage = []
    for need in result.needs_usage:
        if need.address in dropped:
            continue
        service = catalog.services.get(need.service)
        address = _printable(need.address)
        if service is None or service.input(need.usage_key) is None:
            unknown[(address, need.usage_key)] = None
        else:
            needs_usage.append(NeedsUsage(address, need.service, need.usage_key, need.label_hint))
    unpriced += [
        Unpriced(address, _resource_type(address), f"{key} is {missing}", key)
        for address, key in unknown
    ]
    if not {"shield", "waf"} <= {item.service for item in items}:
        warnings = [warning for warning in warnings if warning != SHIELD_AND_WAF]
    if len(items) > pricing.MAX_ITEMS:
        raise PlanError(_too_many_items(len(items)))
    _check_fitted(catalog, items)
    return ImportResult(items, needs_usage, unpriced, warnings)


def _check_fitted(catalog: pricing.Catalog, items: list[ImportedItem]) -> None:
    """UsageError for values the book refuses (usage file), PlanError for counts it refuses."""
    errors = pricing.check_items(catalog, tuple(item.as_item() for item in items))
    if not errors:
        return
    messages, from_usage = [], True
    for error in errors:
        item = items[error.item] if error.item is not None else None
        service = catalog.services.get(item.service) if item else None
        from_usage = from_usage and service is not None and service.input(error.field) is not None
        where = f"{_listed(list(item.addresses))}: " if item else ""
        messages.append(f"{where}{error.field}: {error.message}")
    more = len(messages) - LISTED_ERRORS
    text = " ".join(messages[:LISTED_ERRORS]) + (f" And {more:,} more." if more > 0 else "")
    if from_usage:
        raise UsageError(f"The usage file gives values the price book does not take: {text}")
    raise PlanError(f"The plan makes an estimate the price book does not take: {text}")


def _printable(text: str) -> str:
    return _UNPRINTABLE.sub("\ufffd", text)


def _printable_unpriced(entry: Unpriced) -> Unpriced:
    return Unpriced(
        _printable(entry.address), _printable(entry.type), _printable(entry.reason), entry.usage_key
    )


def _resource_type(address: str) -> str:
    """`module.edge["a.b"].aws_kms_key.app[0]` → `aws_kms_key`."""
    position = 0
    while match := _MODULE_STEP.match(address, position):
        position = match.end()
    return address[position:].split(".", 1)[0]
