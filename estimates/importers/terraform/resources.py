"""How each Terraform resource type maps to a card: the table, one small entry per type.

A handler reads one resource (`Resource`, its `after` values) and returns what it adds to its
service's card (`Part`), or the reason it is not priced. Adding a resource type is one entry in
HANDLERS (or NO_CHARGE_OF_ITS_OWN / UNPRICED_REASONS) and its test.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from estimates import pricing
from estimates.importers.terraform.reading import _blocks, _dict, _first, _flag, _str, _strings

if TYPE_CHECKING:
    from estimates.importers.terraform.plan import PlanWalk

DEFAULT_REGION = pricing.DEFAULT_REGION

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


@dataclass
class Resource:
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
class Part:
    """What one resource adds to its service's item."""

    service: str
    counts: dict[str, int] = field(default_factory=dict)
    needs: list[str] = field(default_factory=list)
    accounts: int = 1


# ---------------------------------------------------------------------------------------------
# Resource types

Handler = Callable[["PlanWalk", Resource], "Part | str"]


def _kms_key(importer: PlanWalk, r: Resource) -> Part:
    spec = _str(r.after.get("customer_master_key_spec")) or _str(r.after.get("key_spec"))
    if spec == "RSA_2048":
        request_key = "rsa_2048_requests"
    elif not spec or spec == "SYMMETRIC_DEFAULT" or spec.startswith("HMAC_"):
        request_key = "symmetric_requests"
    else:
        request_key = "asymmetric_requests"
    return Part("kms", {"keys": 1}, [request_key])


def _secret(importer: PlanWalk, r: Resource) -> Part:
    replicas, known = r.count_blocks("replica")
    part = Part("secrets_manager", {"secrets": 1}, ["api_calls"])
    if known:
        part.counts["replica_secrets"] = replicas
    else:
        part.needs.append("replica_secrets")
    return part


def _ssm_parameter(importer: PlanWalk, r: Resource) -> Part:
    tier = _str(r.after.get("tier")) or "Standard"
    if tier == "Advanced":
        return Part(
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
    return Part("ssm_parameter_store", {"standard_parameters": 1}, ["standard_api_interactions"])


def _acm_certificate(importer: PlanWalk, r: Resource) -> Part | str:
    if _str(r.after.get("certificate_body")):
        return "an imported certificate: ACM charges nothing for it"
    if _str(r.after.get("certificate_authority_arn")) or r.is_unknown("certificate_authority_arn"):
        importer.note(
            "counted as issued this month (certificates are charged when issued or renewed)",
            r.address,
        )
        return Part("private_ca", {"private_certificates": 1})
    if not any(_str(o.get("export")) == "ENABLED" for o in _blocks(r.after.get("options"))):
        return Part("acm", {"public_certificates": 1})
    names = {_str(r.after.get("domain_name"))} | set(
        _strings(r.after.get("subject_alternative_names"))
    )
    names.discard("")
    keys = ["exportable_fqdn_certificates", "exportable_wildcard_certificates"]
    # Without subject_alternative_names in the configuration, the domain name is the only name.
    listed = "subject_alternative_names" in _dict(r.config.get("expressions"))
    if not names or (r.is_unknown("subject_alternative_names") and listed):
        return Part("acm", {}, keys)
    importer.note(
        "counted as issued this month (exportable certificates are charged per name when issued "
        "or renewed)",
        r.address,
    )
    wildcards = sum(1 for name in names if name.startswith("*."))
    return Part("acm", dict(zip(keys, (len(names) - wildcards, wildcards), strict=True)))


def _certificate_authority(importer: PlanWalk, r: Resource) -> Part:
    if _str(r.after.get("usage_mode")) == "SHORT_LIVED_CERTIFICATE":
        part = Part("private_ca", {"short_lived_cas": 1}, ["short_lived_certificates"])
    else:
        part = Part("private_ca", {"general_purpose_cas": 1}, ["private_certificates"])
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


def _waf_part(rules: list[_WafRule], part: Part) -> Part:
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


def _web_acl(importer: PlanWalk, r: Resource) -> Part:
    part = Part("waf", {"web_acls": 1}, ["requests"])
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


def _rule_group_association(importer: PlanWalk, r: Resource) -> Part:
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
    return _waf_part([rule], Part("waf", {"rules": 1}))


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


def _shield_subscription(importer: PlanWalk, r: Resource) -> Part:
    if r.address == importer.first_subscription:
        return Part("shield", {"advanced_subscriptions": 1})
    importer.note(
        "a further Shield Advanced subscription: one is billed per organisation", r.address
    )
    return Part("shield")


def _shield_protection(importer: PlanWalk, r: Resource) -> Part:
    keys = _shield_keys_from_arn(_str(r.after.get("resource_arn")))
    if keys is None:
        expression = _dict(_dict(r.config.get("expressions")).get("resource_arn"))
        references = _strings(expression.get("references"))
        target = references[0].split(".")[0] if references else ""
        keys = SHIELD_TARGET_TYPES.get(target, SHIELD_DTO_KEYS)
    part = Part("shield", {}, list(keys))
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


def _fms_policy(importer: PlanWalk, r: Resource) -> Part:
    return Part("firewall_manager", {"policies": 1})


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


def _guardduty_detector(importer: PlanWalk, r: Resource) -> Part | str:
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
    return Part("guardduty", {}, needs)


def _guardduty_feature(importer: PlanWalk, r: Resource) -> Part | str:
    name, status = _str(r.after.get("name")), _str(r.after.get("status"))
    if status != "ENABLED":
        return f"feature {name[:60]} is {status[:20] or 'not enabled'}: nothing to price"
    if name not in GUARDDUTY_FEATURES:
        return f"costcalc does not price GuardDuty feature {name[:60]}"
    return Part("guardduty", {}, list(GUARDDUTY_FEATURES[name]))


def _guardduty_malware_plan(importer: PlanWalk, r: Resource) -> Part:
    return Part("guardduty", {}, ["malware_s3_gb", "malware_s3_objects"])


INSPECTOR_TYPES = {
    "EC2": ("ec2_instances",),
    "ECR": ("ecr_initial_scans", "ecr_rescans"),
    "LAMBDA": ("lambda_functions",),
    "LAMBDA_CODE": ("lambda_code_functions",),
    "CODE_REPOSITORY": ("code_repository_scans",),
}


def _inspector_enabler(importer: PlanWalk, r: Resource) -> Part:
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
    return Part("inspector", {}, needs, accounts)


def _macie_account(importer: PlanWalk, r: Resource) -> Part | str:
    if _str(r.after.get("status")) == "PAUSED":
        return "Macie is paused (status = PAUSED): it runs and charges nothing while paused"
    return Part("macie", {}, ["s3_buckets", "objects_monitored", "data_inspected_gb"])


def _security_hub_account(importer: PlanWalk, r: Resource) -> Part:
    return Part("security_hub", {}, ["security_checks", "finding_ingestion_events"])


def _config_recorder(importer: PlanWalk, r: Resource) -> Part:
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
    return Part("config", {}, [*needs, "rule_evaluations"])


def _conformance_pack(importer: PlanWalk, r: Resource) -> Part:
    return Part("config", {}, ["conformance_pack_evaluations"])


def _trail_events(r: Resource) -> tuple[bool, bool, bool]:
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


def _cloudtrail(importer: PlanWalk, r: Resource) -> Part | str:
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
    return Part("cloudtrail", {}, needs)


def _network_firewall(importer: PlanWalk, r: Resource) -> Part:
    part = Part("network_firewall", {}, ["data_processed_gb"])
    subnets, subnets_known = r.count_blocks("subnet_mapping")
    zones, zones_known = r.count_blocks("availability_zone_mapping")
    if subnets_known and zones_known:
        part.counts["endpoints"] = subnets + zones
    else:
        part.needs.insert(0, "endpoints")
    return part


def _firewall_endpoint_association(importer: PlanWalk, r: Resource) -> Part:
    subnets, known = r.count_blocks("subnet_mapping")
    if known:
        return Part("network_firewall", {"endpoints": max(subnets, 1)}, ["data_processed_gb"])
    return Part("network_firewall", {}, ["endpoints", "data_processed_gb"])


def _dns_domain_list(importer: PlanWalk, r: Resource) -> Part:
    if r.is_unknown("domains"):
        return Part("dns_firewall", {}, ["domains", "queries"])
    return Part(
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
