"""Terraform JSON plans to estimate items: the pure importer, tested without a database."""

import codecs
import json
import sys
from decimal import Decimal as D
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from estimates import pricing
from estimates.importers import terraform
from estimates.importers.terraform import (
    ImportedItem,
    ImportResult,
    NeedsUsage,
    PlanError,
    Unpriced,
    import_plan,
    read_plan,
    read_usage,
    resources,
)
from estimates.importers.terraform.plan import KEPT_ACTIONS, _resource_type
from tests import conftest

DATA = Path(__file__).parent / "data" / "terraform"
AWS = "registry.terraform.io/hashicorp/aws"

# The public contract: services and usage keys (shared/pricing README.md and 2026-12.md).
CONTRACT = {
    "kms": {
        "keys",
        "key_rotations",
        "symmetric_requests",
        "rsa_2048_requests",
        "asymmetric_requests",
        "ecc_key_pair_requests",
        "rsa_key_pair_requests",
    },
    "ssm_parameter_store": {
        "standard_parameters",
        "advanced_parameters",
        "standard_api_interactions",
        "advanced_api_interactions",
        "higher_throughput",
    },
    "secrets_manager": {"secrets", "replica_secrets", "api_calls"},
    "acm": {
        "public_certificates",
        "exportable_fqdn_certificates",
        "exportable_wildcard_certificates",
    },
    "private_ca": {
        "general_purpose_cas",
        "short_lived_cas",
        "private_certificates",
        "short_lived_certificates",
        "ocsp_certificates_queried",
    },
    "waf": {
        "web_acls",
        "rules",
        "requests",
        "extra_wcu_increments",
        "bot_control_web_acls",
        "bot_control_common_requests",
        "bot_control_targeted_requests",
        "fraud_control_web_acls",
        "fraud_control_requests",
        "captcha_attempts",
        "challenge_responses",
    },
    "shield": {
        "advanced_subscriptions",
        "cloudfront_dto_gb",
        "elb_dto_gb",
        "eip_dto_gb",
        "global_accelerator_dto_gb",
    },
    "firewall_manager": {"policies"},
    "guardduty": {
        "cloudtrail_management_events",
        "vpc_dns_log_gb",
        "s3_data_events",
        "eks_audit_log_events",
        "runtime_eks_vcpus",
        "runtime_ecs_fargate_vcpus",
        "runtime_ec2_vcpus",
        "rds_vcpus",
        "aurora_serverless_acus",
        "lambda_network_log_gb",
        "malware_ebs_gb",
        "malware_on_demand_gb",
        "malware_s3_gb",
        "malware_s3_objects",
    },
    "inspector": {
        "ec2_instances",
        "ec2_agentless_instances",
        "cis_scans",
        "code_repository_scans",
        "ecr_initial_scans",
        "ecr_rescans",
        "lambda_functions",
        "lambda_code_functions",
    },
    "macie": {"s3_buckets", "objects_monitored", "data_inspected_gb"},
    "security_hub": {"security_checks", "finding_ingestion_events", "automation_rule_evaluations"},
    "config": {
        "configuration_items",
        "periodic_configuration_items",
        "rule_evaluations",
        "conformance_pack_evaluations",
    },
    "cloudtrail": {"additional_management_events", "data_events", "insights_events"},
    "network_firewall": {"endpoints", "data_processed_gb"},
    "dns_firewall": {"domains", "queries"},
}


def load(name: str) -> bytes:
    return (DATA / name).read_bytes()


def baseline(usage: bytes | None = None) -> ImportResult:
    return import_plan(read_plan(load("baseline.plan.json")), read_usage(usage))


def item(service, region, group, usage, addresses, accounts=1) -> ImportedItem:
    return ImportedItem(
        service,
        region,
        group,
        {key: D(value) for key, value in usage.items()},
        tuple(addresses),
        accounts,
    )


def change(address: str, after: dict | None, actions=("create",), *, unknown=None, **extra):
    """One entry of resource_changes, as Terraform writes it."""
    module, _, local = address.rpartition(".aws_")
    local = f"aws_{local}" if module else address
    kind, name = local.split("[")[0].split(".")[:2]
    entry = {"address": address, "mode": "managed", "type": kind, "name": name}
    if module:
        entry["module_address"] = module
    entry["provider_name"] = AWS
    entry["change"] = {
        "actions": list(actions),
        "before": None,
        "after": after,
        "after_unknown": unknown or {},
    }
    entry.update(extra)
    return entry


def plan(*changes: dict, provider_config=None, root_module=None, variables=None) -> dict:
    """A small plan: by default one `aws` provider in us-east-1 and no resource blocks."""
    if provider_config is None:
        provider_config = {"aws": provider("us-east-1")}
    raw = {"format_version": "1.2", "terraform_version": "1.9.8"}
    if variables is not None:
        raw["variables"] = variables
    raw["planned_values"] = {"root_module": {}}
    raw["resource_changes"] = list(changes)
    raw["configuration"] = {"provider_config": provider_config, "root_module": root_module or {}}
    return raw


def provider(region: str | None, **extra) -> dict:
    config = {"name": "aws", "full_name": AWS, **extra}
    if region:
        config["expressions"] = {"region": {"constant_value": region}}
    return config


def one(*changes: dict, usage: dict | None = None, **options) -> ImportResult:
    return import_plan(plan(*changes, **options), usage)


def needs(result: ImportResult) -> list[tuple[str, str, str]]:
    return [(n.address, n.service, n.usage_key) for n in result.needs_usage]


def usage_of(result: ImportResult, service: str) -> dict[str, D]:
    (match,) = [i for i in result.items if i.service == service]
    return match.usage


# ---------------------------------------------------------------------------------------------
# The baseline plan: root module, module.edge with its own provider, an aliased provider


BASELINE_ITEMS = [
    item(
        "acm",
        "us-east-1",
        "",
        {
            "exportable_fqdn_certificates": 1,
            "exportable_wildcard_certificates": 1,
            "public_certificates": 1,
        },
        ["aws_acm_certificate.export", "aws_acm_certificate.site"],
    ),
    item("cloudtrail", "us-east-1", "", {}, ["aws_cloudtrail.data", "aws_cloudtrail.main"]),
    item("config", "us-east-1", "", {}, ["aws_config_configuration_recorder.main"]),
    item(
        "dns_firewall",
        "us-east-1",
        "",
        {"domains": 3},
        ["aws_route53_resolver_firewall_domain_list.blocked"],
    ),
    item("firewall_manager", "us-east-1", "", {"policies": 1}, ["aws_fms_policy.waf"]),
    item(
        "guardduty",
        "us-east-1",
        "",
        {},
        ["aws_guardduty_detector.main", "aws_guardduty_detector_feature.runtime"],
    ),
    item("inspector", "us-east-1", "", {}, ["aws_inspector2_enabler.all"], accounts=2),
    item(
        "kms",
        "us-east-1",
        "",
        {"keys": 3},
        ["aws_kms_key.app[0]", "aws_kms_key.app[1]", "aws_kms_key.signing"],
    ),
    item("macie", "us-east-1", "", {}, ["aws_macie2_account.main"]),
    item(
        "private_ca",
        "us-east-1",
        "",
        {"general_purpose_cas": 1, "private_certificates": 1},
        ["aws_acm_certificate.internal", "aws_acmpca_certificate_authority.internal"],
    ),
    item(
        "secrets_manager",
        "us-east-1",
        "",
        {"secrets": 1, "replica_secrets": 1},
        ["aws_secretsmanager_secret.db"],
    ),
    item("security_hub", "us-east-1", "", {}, ["aws_securityhub_account.main"]),
    item(
        "shield",
        "us-east-1",
        "",
        {"advanced_subscriptions": 1},
        ["aws_shield_protection.cdn", "aws_shield_subscription.main"],
    ),
    item(
        "ssm_parameter_store",
        "us-east-1",
        "",
        {"standard_parameters": 2, "advanced_parameters": 1},
        ["aws_ssm_parameter.auto", "aws_ssm_parameter.flag", "aws_ssm_parameter.license"],
    ),
    item("kms", "us-west-2", "", {"keys": 1}, ["aws_kms_replica_key.app_west"]),
    item(
        "network_firewall",
        "us-west-2",
        "",
        {"endpoints": 2},
        ["aws_networkfirewall_firewall.egress"],
    ),
    item(
        "secrets_manager",
        "eu-west-1",
        "module.edge",
        {"secrets": 1},
        ["module.edge.aws_secretsmanager_secret.api"],
    ),
    item(
        "waf",
        "eu-west-1",
        "module.edge",
        {"web_acls": 1, "rules": 4, "bot_control_web_acls": 1, "fraud_control_web_acls": 1},
        ["module.edge.aws_wafv2_web_acl.main"],
    ),
]

BASELINE_NEEDS = [
    ("aws_acmpca_certificate_authority.internal", "private_ca", "private_certificates"),
    ("aws_acmpca_certificate_authority.internal", "private_ca", "ocsp_certificates_queried"),
    ("aws_cloudtrail.data", "cloudtrail", "additional_management_events"),
    ("aws_cloudtrail.data", "cloudtrail", "data_events"),
    ("aws_cloudtrail.main", "cloudtrail", "insights_events"),
    ("aws_config_configuration_recorder.main", "config", "configuration_items"),
    ("aws_config_configuration_recorder.main", "config", "periodic_configuration_items"),
    ("aws_config_configuration_recorder.main", "config", "rule_evaluations"),
    ("aws_guardduty_detector.main", "guardduty", "cloudtrail_management_events"),
    ("aws_guardduty_detector.main", "guardduty", "vpc_dns_log_gb"),
    ("aws_guardduty_detector.main", "guardduty", "s3_data_events"),
    ("aws_guardduty_detector_feature.runtime", "guardduty", "runtime_eks_vcpus"),
    ("aws_guardduty_detector_feature.runtime", "guardduty", "runtime_ecs_fargate_vcpus"),
    ("aws_guardduty_detector_feature.runtime", "guardduty", "runtime_ec2_vcpus"),
    ("aws_inspector2_enabler.all", "inspector", "ec2_instances"),
    ("aws_inspector2_enabler.all", "inspector", "ecr_initial_scans"),
    ("aws_inspector2_enabler.all", "inspector", "ecr_rescans"),
    ("aws_inspector2_enabler.all", "inspector", "lambda_functions"),
    ("aws_kms_key.app[0]", "kms", "symmetric_requests"),
    ("aws_kms_key.app[1]", "kms", "symmetric_requests"),
    ("aws_kms_key.signing", "kms", "asymmetric_requests"),
    ("aws_kms_replica_key.app_west", "kms", "symmetric_requests"),
    ("aws_macie2_account.main", "macie", "s3_buckets"),
    ("aws_macie2_account.main", "macie", "objects_monitored"),
    ("aws_macie2_account.main", "macie", "data_inspected_gb"),
    ("aws_networkfirewall_firewall.egress", "network_firewall", "data_processed_gb"),
    ("aws_route53_resolver_firewall_domain_list.blocked", "dns_firewall", "queries"),
    ("aws_secretsmanager_secret.db", "secrets_manager", "api_calls"),
    ("aws_securityhub_account.main", "security_hub", "security_checks"),
    ("aws_securityhub_account.main", "security_hub", "finding_ingestion_events"),
    ("aws_shield_protection.cdn", "shield", "cloudfront_dto_gb"),
    ("aws_ssm_parameter.auto", "ssm_parameter_store", "standard_api_interactions"),
    ("aws_ssm_parameter.flag", "ssm_parameter_store", "standard_api_interactions"),
    ("aws_ssm_parameter.license", "ssm_parameter_store", "advanced_api_interactions"),
    ("module.edge.aws_secretsmanager_secret.api", "secrets_manager", "api_calls"),
    ("module.edge.aws_wafv2_web_acl.main", "waf", "requests"),
    ("module.edge.aws_wafv2_web_acl.main", "waf", "bot_control_targeted_requests"),
    ("module.edge.aws_wafv2_web_acl.main", "waf", "fraud_control_requests"),
    ("module.edge.aws_wafv2_web_acl.main", "waf", "captcha_attempts"),
]

BASELINE_UNPRICED = [
    Unpriced(
        "aws_cloudfront_distribution.cdn",
        "aws_cloudfront_distribution",
        "costcalc does not price aws_cloudfront_distribution",
    ),
    Unpriced(
        "aws_guardduty_detector_feature.rds",
        "aws_guardduty_detector_feature",
        "feature RDS_LOGIN_EVENTS is DISABLED: nothing to price",
    ),
    Unpriced("aws_iam_role.audit", "aws_iam_role", "costcalc does not price aws_iam_role"),
]

BASELINE_NOTES = [
    "aws_cloudtrail.main: taken as the free first copy of management events in its Region; if "
    "another trail (an organization trail, say) already delivers them, enter this trail's events "
    "as additional_management_events.",
    "aws_acm_certificate.export: counted as issued this month (exportable certificates are "
    "charged per name when issued or renewed).",
    "aws_acm_certificate.internal: counted as issued this month (certificates are charged when "
    "issued or renewed).",
    "aws_ssm_parameter.auto: tier Intelligent-Tiering, counted as a standard parameter (AWS makes "
    "it advanced above 4 KB or with policies).",
]
SHIELD_AND_WAF = (
    "Web ACLs protected by Shield Advanced pay no web ACL, rule or request fee: the plan cannot "
    "tell which they are, so they are counted in full; set shield_advanced_covered to 1 on the "
    "WAF card whose web ACLs protect them."
)


class TestBaselinePlan:
    def test_items_are_one_per_service_region_and_module_with_the_plan_quantities(self):
        assert baseline().items == BASELINE_ITEMS

    def test_every_quantity_is_a_decimal(self):
        for result in (baseline(), baseline(load("baseline.usage.json"))):
            for imported in result.items:
                assert all(type(value) is D for value in imported.usage.values())

    def test_usage_the_plan_cannot_know_is_listed_per_resource_and_key(self):
        result = baseline()

        assert needs(result) == BASELINE_NEEDS
        assert all(n.label_hint == resources.USAGE_HINTS[n.usage_key] for n in result.needs_usage)

    def test_unpriced_resources_are_listed_with_the_reason(self):
        assert baseline().unpriced == BASELINE_UNPRICED

    def test_warnings_name_the_resources(self):
        assert baseline().warnings == [*BASELINE_NOTES, SHIELD_AND_WAF]

    def test_a_destroyed_resource_and_a_data_source_are_left_out(self):
        result = baseline()
        named = (
            {a for i in result.items for a in i.addresses}
            | {u.address for u in result.unpriced}
            | {n.address for n in result.needs_usage}
        )

        assert "aws_kms_key.old" not in named
        assert "data.aws_iam_policy_document.trail" not in named

    def test_count_instances_add_up(self):
        kms = next(i for i in baseline().items if (i.service, i.region) == ("kms", "us-east-1"))

        assert kms.usage["keys"] == 3
        assert kms.addresses[:2] == ("aws_kms_key.app[0]", "aws_kms_key.app[1]")

    def test_every_usage_key_is_in_the_public_contract(self):
        for result in (baseline(), baseline(load("baseline.usage.json"))):
            for imported in result.items:
                assert set(imported.usage) <= CONTRACT[imported.service], imported
            for need in result.needs_usage:
                assert need.usage_key in CONTRACT[need.service], need

    def test_an_item_becomes_a_pricing_item(self):
        waf = baseline().items[-1]

        assert waf.as_item() == pricing.Item("waf", "eu-west-1", "module.edge", {**waf.usage})


class TestBaselineWithUsageFile:
    def test_usage_values_fill_in_the_items_address_before_resource_before_type(self):
        filled = {
            ("cloudtrail", "us-east-1", ""): {
                "data_events": 2_000_000,
                "additional_management_events": 150_000,
            },
            ("guardduty", "us-east-1", ""): {
                "cloudtrail_management_events": 5_000_000,
                "vpc_dns_log_gb": D("120.5"),
                "s3_data_events": 80_000_000,
            },
            # app[0]: its own 1,500,000; app[1]: the resource's 1,000,000; both key_rotations 1
            ("kms", "us-east-1", ""): {"symmetric_requests": 2_500_000, "key_rotations": 2},
            # the type entry stands for each secret
            ("secrets_manager", "us-east-1", ""): {"api_calls": 30_000},
            ("secrets_manager", "eu-west-1", "module.edge"): {"api_calls": 30_000},
            ("waf", "eu-west-1", "module.edge"): {
                "requests": 25_000_000,
                "bot_control_targeted_requests": 2_000_000,
                "fraud_control_requests": 50_000,
            },
        }
        expected = [
            item(
                i.service,
                i.region,
                i.group,
                {**i.usage, **filled.get((i.service, i.region, i.group), {})},
                i.addresses,
                i.accounts,
            )
            for i in BASELINE_ITEMS
        ]

        assert baseline(load("baseline.usage.json")).items == expected

    def test_usage_given_is_no_longer_needed(self):
        given_keys = {
            ("aws_cloudtrail.data", "additional_management_events"),
            ("aws_cloudtrail.data", "data_events"),
            ("aws_guardduty_detector.main", "cloudtrail_management_events"),
            ("aws_guardduty_detector.main", "vpc_dns_log_gb"),
            ("aws_guardduty_detector.main", "s3_data_events"),
            ("aws_kms_key.app[0]", "symmetric_requests"),
            ("aws_kms_key.app[1]", "symmetric_requests"),
            ("aws_secretsmanager_secret.db", "api_calls"),
            ("module.edge.aws_secretsmanager_secret.api", "api_calls"),
            ("module.edge.aws_wafv2_web_acl.main", "requests"),
            ("module.edge.aws_wafv2_web_acl.main", "bot_control_targeted_requests"),
            ("module.edge.aws_wafv2_web_acl.main", "fraud_control_requests"),
        }

        assert needs(baseline(load("baseline.usage.json"))) == [
            need for need in BASELINE_NEEDS if (need[0], need[2]) not in given_keys
        ]

    def test_usage_for_counted_unknown_or_unpriced_resources_is_ignored_with_a_warning(self):
        assert baseline(load("baseline.usage.json")).warnings == [
            *BASELINE_NOTES,
            "Usage file: module.edge.aws_wafv2_web_acl.main sets rules, which the plan counts "
            "itself; ignored.",
            "Usage file: aws_kms_key.old is not among the resources the plan keeps; ignored.",
            "Usage file: costcalc does not price aws_iam_role.audit; ignored.",
            SHIELD_AND_WAF,
        ]

    def test_switches_take_the_largest_value_not_the_sum(self):
        protection = {"name": "p", "resource_arn": "arn:aws:cloudfront::111111111111:dist/E1"}
        result = one(
            change("aws_shield_protection.a", protection),
            change("aws_shield_protection.b", protection),
            usage={"resource_usage": {"aws_shield_protection": {"advanced_subscriptions": 1}}},
        )

        assert usage_of(result, "shield") == {"advanced_subscriptions": 1}


# ---------------------------------------------------------------------------------------------
# Regions and groups


@pytest.fixture(scope="module")
def regions() -> ImportResult:
    return import_plan(read_plan(load("regions.plan.json")))


class TestRegion:
    def test_an_aliased_provider_gives_its_region(self):
        by_address = {a: i.region for i in baseline().items for a in i.addresses}

        assert by_address["aws_kms_replica_key.app_west"] == "us-west-2"
        assert by_address["aws_networkfirewall_firewall.egress"] == "us-west-2"

    def test_a_module_provider_gives_its_region_and_the_module_is_the_group(self):
        edge = [i for i in baseline().items if i.group == "module.edge"]

        assert {(i.service, i.region) for i in edge} == {
            ("secrets_manager", "eu-west-1"),
            ("waf", "eu-west-1"),
        }

    def test_every_source_of_a_region(self, regions):
        assert [(i.addresses, i.region, i.group) for i in regions.items] == [
            (("aws_kms_key.tokyo",), "ap-northeast-1", ""),  # the resource's own argument
            (("aws_kms_key.from_variable",), "eu-central-1", ""),  # var.region
            (("module.inherited.aws_kms_key.key",), "eu-central-1", "module.inherited"),
            (("module.legacy.aws_kms_key.old_style",), "us-east-1", "module.legacy"),
            (("module.shared.aws_kms_key.shared",), "eu-central-1", "module.shared"),
        ]

    def test_a_resource_with_no_region_anywhere_is_counted_in_us_east_1_with_a_warning(
        self, regions
    ):
        assert regions.warnings == [
            "module.legacy.aws_kms_key.old_style: no Region in the plan, counted in us-east-1; "
            "set region in the provider block or on the resource."
        ]

    def test_module_instance_keys_stay_in_the_group_but_not_in_the_config_lookup(self):
        block = {
            "address": "aws_kms_key.k",
            "mode": "managed",
            "type": "aws_kms_key",
            "name": "k",
            "provider_config_key": "module.edge:aws",
        }
        result = one(
            change('module.edge["eu"].aws_kms_key.k', {"description": "x"}),
            change("module.edge[1].aws_kms_key.k", {"description": "y"}),
            provider_config={
                "module.edge:aws": provider("eu-north-1", module_address="module.edge")
            },
            root_module={"module_calls": {"edge": {"module": {"resources": [block]}}}},
        )

        assert [(i.group, i.region) for i in result.items] == [
            ('module.edge["eu"]', "eu-north-1"),
            ("module.edge[1]", "eu-north-1"),
        ]

    def test_a_region_from_a_variable_of_a_module_is_not_guessed(self):
        result = one(
            change("module.m.aws_kms_key.k", {}),
            provider_config={
                "module.m:aws": {
                    "name": "aws",
                    "module_address": "module.m",
                    "expressions": {"region": {"references": ["var.region"]}},
                }
            },
            variables={"region": {"value": "eu-west-3"}},
        )

        assert result.items[0].region == "us-east-1"
        assert "no Region in the plan" in result.warnings[0]


# ---------------------------------------------------------------------------------------------
# Which changes count


class TestActions:
    @pytest.mark.parametrize(
        "actions",
        [["create"], ["update"], ["no-op"], ["delete", "create"], ["create", "delete"]],
    )
    def test_resources_that_exist_after_the_apply_count(self, actions):
        assert usage_of(one(change("aws_kms_key.k", {}, actions)), "kms") == {"keys": 1}

    def test_a_deleted_resource_is_left_out_silently(self):
        result = one(change("aws_kms_key.k", None, ["delete"]))

        assert (result.items, result.unpriced, result.warnings) == ([], [], [])

    def test_a_forgotten_resource_is_left_out_with_a_warning(self):
        result = one(change("aws_kms_key.k", None, ["forget"]))

        assert result.items == []
        assert result.warnings == [
            "aws_kms_key.k: removed from Terraform's state without being destroyed, so it still "
            "runs; not counted."
        ]

    def test_a_deposed_object_and_a_data_source_are_skipped(self):
        deposed = change("aws_kms_key.k", None, ["delete"], deposed="00000001")
        data = change("aws_kms_key.d", {}, ["read"], mode="data")

        assert one(deposed, data).items == []

    def test_unknown_actions_are_left_out_with_a_warning(self):
        result = one(change("aws_kms_key.k", {}, ["teleport"]))

        assert result.items == []
        assert result.warnings == [
            "aws_kms_key.k: actions ['teleport'] are unknown to costcalc; not counted."
        ]

    def test_many_instances_are_listed_once_in_a_warning(self):
        changes = [change(f"aws_kms_key.k[{i}]", {}, ["forget"]) for i in range(12)]

        assert (
            one(*changes)
            .warnings[0]
            .startswith(
                "aws_kms_key.k[0], aws_kms_key.k[1], aws_kms_key.k[2], aws_kms_key.k[3], "
                "aws_kms_key.k[4], aws_kms_key.k[5], aws_kms_key.k[6], aws_kms_key.k[7], "
                "aws_kms_key.k[8], aws_kms_key.k[9] and 2 more: removed"
            )
        )


# ---------------------------------------------------------------------------------------------
# Resource types


class TestKmsSecretsParameters:
    @pytest.mark.parametrize(
        ("spec", "request_key"),
        [
            (None, "symmetric_requests"),
            ("SYMMETRIC_DEFAULT", "symmetric_requests"),
            ("HMAC_256", "symmetric_requests"),
            ("RSA_2048", "rsa_2048_requests"),
            ("RSA_4096", "asymmetric_requests"),
            ("ECC_NIST_P384", "asymmetric_requests"),
        ],
    )
    def test_the_key_spec_decides_which_requests_are_needed(self, spec, request_key):
        result = one(change("aws_kms_key.k", {"customer_master_key_spec": spec}))

        assert needs(result) == [("aws_kms_key.k", "kms", request_key)]

    def test_an_external_key_is_a_key(self):
        result = one(change("aws_kms_external_key.k", {"key_spec": "RSA_2048"}))

        assert usage_of(result, "kms") == {"keys": 1}
        assert needs(result) == [("aws_kms_external_key.k", "kms", "rsa_2048_requests")]

    def test_replicas_of_a_secret_are_counted_and_unknown_replicas_are_asked_for(self):
        known = change("aws_secretsmanager_secret.a", {"replica": [{"region": "eu-west-1"}] * 2})
        unknown = change("aws_secretsmanager_secret.b", {}, unknown={"replica": True})
        result = one(known, unknown)

        assert usage_of(result, "secrets_manager") == {"secrets": 2, "replica_secrets": 2}
        assert ("aws_secretsmanager_secret.b", "secrets_manager", "replica_secrets") in needs(
            result
        )

    def test_parameter_tiers(self):
        result = one(
            change("aws_ssm_parameter.a", {"tier": "Advanced"}),
            change("aws_ssm_parameter.b", {}),
            change("aws_ssm_parameter.c", {"tier": "Intelligent-Tiering"}),
        )

        assert usage_of(result, "ssm_parameter_store") == {
            "advanced_parameters": 1,
            "standard_parameters": 2,
        }
        assert "aws_ssm_parameter.c: tier Intelligent-Tiering" in result.warnings[0]


class TestCertificates:
    def test_an_imported_certificate_is_unpriced(self):
        result = one(change("aws_acm_certificate.c", {"certificate_body": "-----BEGIN"}))

        assert result.unpriced == [
            Unpriced(
                "aws_acm_certificate.c",
                "aws_acm_certificate",
                "an imported certificate: ACM charges nothing for it",
            )
        ]

    def test_a_private_certificate_is_issued_by_private_ca(self):
        arn = "arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/1"
        result = one(change("aws_acm_certificate.c", {"certificate_authority_arn": arn}))

        assert usage_of(result, "private_ca") == {"private_certificates": 1}

    def test_an_exportable_certificate_is_charged_per_distinct_name(self):
        after = {
            "domain_name": "example.com",
            "subject_alternative_names": ["example.com", "www.example.com", "*.example.com"],
            "options": [{"export": "ENABLED"}],
        }
        result = one(change("aws_acm_certificate.c", after))

        assert usage_of(result, "acm") == {
            "exportable_fqdn_certificates": 2,
            "exportable_wildcard_certificates": 1,
        }

    def test_exportable_names_not_known_yet_are_asked_for(self):
        block = {
            "address": "aws_acm_certificate.c",
            "mode": "managed",
            "type": "aws_acm_certificate",
            "name": "c",
            "provider_config_key": "aws",
            "expressions": {"subject_alternative_names": {"references": ["var.names"]}},
        }
        after = {"domain_name": "example.com", "options": [{"export": "ENABLED"}]}
        result = one(
            change("aws_acm_certificate.c", after, unknown={"subject_alternative_names": True}),
            root_module={"resources": [block]},
        )

        assert usage_of(result, "acm") == {}
        assert [key for _, _, key in needs(result)] == [
            "exportable_fqdn_certificates",
            "exportable_wildcard_certificates",
        ]

    def test_a_short_lived_certificate_authority(self):
        after = {"usage_mode": "SHORT_LIVED_CERTIFICATE", "revocation_configuration": []}
        result = one(change("aws_acmpca_certificate_authority.ca", after))

        assert usage_of(result, "private_ca") == {"short_lived_cas": 1}
        assert needs(result) == [
            ("aws_acmpca_certificate_authority.ca", "private_ca", "short_lived_certificates")
        ]


class TestWaf:
    def test_rule_json_is_read_as_the_waf_api_rules(self):
        rules = [
            {
                "Name": "bots",
                "Statement": {
                    "ManagedRuleGroupStatement": {
                        "VendorName": "AWS",
                        "Name": "AWSManagedRulesBotControlRuleSet",
                    }
                },
                "OverrideAction": {"None": {}},
            },
            {"Name": "challenge", "Statement": {}, "Action": {"Challenge": {}}},
            {
                "Name": "signups",
                "Statement": {
                    "ManagedRuleGroupStatement": {
                        "VendorName": "AWS",
                        "Name": "AWSManagedRulesACFPRuleSet",
                    }
                },
            },
        ]
        result = one(change("aws_wafv2_web_acl.w", {"rule": [], "rule_json": json.dumps(rules)}))

        assert usage_of(result, "waf") == {
            "web_acls": 1,
            "rules": 3,
            "bot_control_web_acls": 1,
            "fraud_control_web_acls": 1,
        }
        assert [key for _, _, key in needs(result)] == [
            "requests",
            "bot_control_common_requests",
            "fraud_control_requests",
            "challenge_responses",
        ]

    def test_rules_an_association_adds_are_counted_once_on_the_association(self):
        arn = "arn:aws:wafv2:us-east-1:111111111111:regional/webacl/edge/1"
        acl = {"arn": arn, "rule": [{"name": "common"}, {"name": "bots"}]}
        association = {
            "web_acl_arn": arn,
            "rule_name": "bots",
            "managed_rule_group": [
                {"name": "AWSManagedRulesBotControlRuleSet", "vendor_name": "AWS"}
            ],
        }
        result = one(
            change("aws_wafv2_web_acl.w", acl, ["no-op"]),
            change("aws_wafv2_web_acl_rule_group_association.bots", association),
        )

        assert usage_of(result, "waf") == {"web_acls": 1, "rules": 2, "bot_control_web_acls": 1}

    def test_rules_not_known_yet_are_asked_for(self):
        result = one(change("aws_wafv2_web_acl.w", {}, unknown={"rule": True}))

        assert usage_of(result, "waf") == {"web_acls": 1}
        assert [key for _, _, key in needs(result)] == ["requests", "rules"]


class TestShield:
    @pytest.mark.parametrize(
        ("arn", "keys"),
        [
            ("arn:aws:cloudfront::111111111111:distribution/E1", ["cloudfront_dto_gb"]),
            (
                "arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/web/1",
                ["elb_dto_gb"],
            ),
            ("arn:aws:ec2:eu-west-1:111111111111:eip-allocation/eipalloc-1", ["eip_dto_gb"]),
            (
                "arn:aws:globalaccelerator::111111111111:accelerator/1",
                ["global_accelerator_dto_gb"],
            ),
            ("arn:aws:route53:::hostedzone/Z1", []),
            ("", list(resources.SHIELD_DTO_KEYS)),
        ],
    )
    def test_the_protected_resource_decides_which_data_transfer_is_needed(self, arn, keys):
        result = one(
            change("aws_shield_subscription.s", {"auto_renew": "ENABLED"}),
            change("aws_shield_protection.p", {"resource_arn": arn}),
        )

        assert [key for _, _, key in needs(result)] == keys

    def test_a_protection_without_a_subscription_in_the_plan_asks_for_it_once(self):
        protection = {"resource_arn": "arn:aws:route53:::hostedzone/Z1"}
        result = one(
            change("aws_shield_protection.a", protection),
            change("aws_shield_protection.b", protection),
        )

        assert usage_of(result, "shield") == {}
        assert needs(result) == [("aws_shield_protection.a", "shield", "advanced_subscriptions")]

    def test_one_subscription_per_organisation_is_billed(self):
        result = one(
            change("aws_shield_subscription.a", {}),
            change("module.other.aws_shield_subscription.b", {}),
        )

        assert [(i.group, i.usage) for i in result.items] == [
            ("", {"advanced_subscriptions": 1}),
            ("module.other", {}),
        ]
        assert result.warnings == [
            "module.other.aws_shield_subscription.b: a further Shield Advanced subscription: "
            "one is billed per organisation."
        ]


class TestDetectionServices:
    def test_a_suspended_detector_is_unpriced(self):
        result = one(change("aws_guardduty_detector.d", {"enable": False}))

        assert [u.reason for u in result.unpriced] == [
            "the detector is suspended (enable = false): GuardDuty charges nothing"
        ]

    @pytest.mark.parametrize(
        ("feature", "keys"),
        [
            ("EKS_RUNTIME_MONITORING", ["runtime_eks_vcpus"]),
            ("EKS_AUDIT_LOGS", ["eks_audit_log_events"]),
            ("EBS_MALWARE_PROTECTION", ["malware_ebs_gb"]),
            ("RDS_LOGIN_EVENTS", ["rds_vcpus", "aurora_serverless_acus"]),
            ("LAMBDA_NETWORK_LOGS", ["lambda_network_log_gb"]),
            ("S3_DATA_EVENTS", ["s3_data_events"]),
        ],
    )
    def test_each_enabled_guardduty_feature_needs_its_usage(self, feature, keys):
        after = {"name": feature, "status": "ENABLED"}
        result = one(change("aws_guardduty_detector_feature.f", after))

        assert [key for _, _, key in needs(result)] == keys

    def test_an_s3_malware_protection_plan(self):
        result = one(change("aws_guardduty_malware_protection_plan.p", {}))

        assert [key for _, _, key in needs(result)] == ["malware_s3_gb", "malware_s3_objects"]

    def test_inspector_items_keep_the_largest_account_count(self):
        result = one(
            change(
                "aws_inspector2_enabler.a",
                {"account_ids": ["1", "2", "3"], "resource_types": ["LAMBDA_CODE"]},
            ),
            change("aws_inspector2_enabler.b", {"account_ids": ["1"], "resource_types": ["EC2"]}),
        )

        assert result.items[0].accounts == 3
        assert [key for _, _, key in needs(result)] == ["lambda_code_functions", "ec2_instances"]

    def test_a_paused_macie_account_is_unpriced(self):
        result = one(change("aws_macie2_account.m", {"status": "PAUSED"}))

        assert result.items == []
        assert result.unpriced[0].reason.startswith("Macie is paused")

    def test_config_records_continuously_by_default_and_packs_need_their_evaluations(self):
        result = one(
            change("aws_config_configuration_recorder.r", {"recording_mode": []}),
            change("aws_config_conformance_pack.p", {"name": "p"}),
        )

        assert [key for _, _, key in needs(result)] == [
            "configuration_items",
            "rule_evaluations",
            "conformance_pack_evaluations",
        ]


class TestCloudTrail:
    def test_the_second_trail_in_a_region_delivers_extra_copies_and_another_region_is_free(self):
        result = one(
            change("aws_cloudtrail.a", {}),
            change("aws_cloudtrail.b", {}),
            change("aws_cloudtrail.c", {"region": "eu-west-1"}),
        )

        assert needs(result) == [("aws_cloudtrail.b", "cloudtrail", "additional_management_events")]

    def test_advanced_selectors_for_data_events_only(self):
        selector = {
            "field_selector": [
                {"field": "eventCategory", "equals": ["Data"]},
                {"field": "resources.type", "equals": ["AWS::S3::Object"]},
            ]
        }
        result = one(
            change("aws_cloudtrail.a", {}),
            change("aws_cloudtrail.b", {"advanced_event_selector": [selector]}),
        )

        assert needs(result) == [("aws_cloudtrail.b", "cloudtrail", "data_events")]

    def test_a_trail_that_does_not_log_is_unpriced_and_takes_no_free_copy(self):
        result = one(
            change("aws_cloudtrail.off", {"enable_logging": False}),
            change("aws_cloudtrail.on", {}),
        )

        assert result.unpriced[0].reason == (
            "logging is off (enable_logging = false): CloudTrail charges nothing"
        )
        assert needs(result) == []


class TestFirewalls:
    def test_endpoints_per_subnet_and_availability_zone_and_association(self):
        result = one(
            change("aws_networkfirewall_firewall.tgw", {"availability_zone_mapping": [{}, {}, {}]}),
            change(
                "aws_networkfirewall_vpc_endpoint_association.second",
                {"subnet_mapping": [{"subnet_id": "subnet-1"}]},
            ),
        )

        assert usage_of(result, "network_firewall") == {"endpoints": 4}

    def test_endpoints_not_known_yet_are_asked_for(self):
        result = one(change("aws_networkfirewall_firewall.f", {}, unknown={"subnet_mapping": True}))

        assert [key for _, _, key in needs(result)] == ["endpoints", "data_processed_gb"]

    def test_domains_not_known_yet_are_asked_for(self):
        result = one(
            change("aws_route53_resolver_firewall_domain_list.d", {}, unknown={"domains": True})
        )

        assert [key for _, _, key in needs(result)] == ["domains", "queries"]


class TestUnpriced:
    @pytest.mark.parametrize(
        ("address", "reason"),
        [
            ("aws_kms_alias.a", "no charge of its own in costcalc's services"),
            ("aws_wafv2_rule_group.g", "billed as one rule of each web ACL that uses it"),
            ("aws_s3_bucket.b", "costcalc does not price aws_s3_bucket"),
        ],
    )
    def test_every_unmapped_resource_is_listed_with_a_reason(self, address, reason):
        assert one(change(address, {})).unpriced[0].reason == reason

    def test_a_resource_of_another_provider(self):
        entry = change("aws_x.y", {})
        entry.update(address="random_id.suffix", type="random_id", name="suffix")

        assert one(entry).unpriced == [
            Unpriced(
                "random_id.suffix",
                "random_id",
                "not an AWS resource: costcalc prices AWS security services",
            )
        ]

    def test_an_estimate_too_big_for_one_page_is_warned_about(self):
        changes = [
            change(f"aws_kms_key.k{i}", {"region": f"region-{i}"})
            for i in range(pricing.MAX_ITEMS + 1)
        ]

        assert one(*changes).warnings == [
            f"The plan makes {pricing.MAX_ITEMS + 1} items; an estimate holds at most "
            f"{pricing.MAX_ITEMS}. Import the plans of smaller configurations."
        ]


# ---------------------------------------------------------------------------------------------
# Files that are not plans


class TestReadPlan:
    def test_numbers_are_decimals(self):
        raw = json.dumps(plan()).replace('"1.9.8"', '"1.9.8", "x": 0.1')

        assert read_plan(raw)["x"] == D("0.1")

    def test_utf16_with_a_byte_order_mark_is_read(self):
        raw = json.dumps(plan()).encode("utf-16")

        assert raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        assert read_plan(raw)["format_version"] == "1.2"

    @pytest.mark.parametrize(
        ("raw", "message"),
        [
            (load("not-a-plan.json"), "Not a Terraform plan: it has no format_version."),
            (
                load("version-2.plan.json"),
                "Format version 2.0 is not supported; costcalc reads 1.x.",
            ),
            (load("state.json"), "is it a state file?"),
            (b"terraform plan output", "The plan is not JSON (line 1, column 1"),
            (b"\xff\xfe\x00\xd8", "The plan is not text (UTF-8 or UTF-16)."),
            (b"[1, 2]", "a plan is a JSON object, this is a list."),
            (b'{"format_version": 1.2}', "Format version 1.2 is not supported"),
            (b'{"format_version": "1.2", "x": NaN}', "NaN is not a number JSON allows."),
            (
                b'{"format_version": "1.2", "resource_changes": {}}',
                "resource_changes is not a list",
            ),
            (
                b'{"format_version": "1.2", "resource_changes": [7]}',
                "resource_changes[0] is not an object",
            ),
            (
                b'{"format_version": "1.2", "resource_changes": [{"address": "a"}]}',
                "resource_changes[0] has no address, type or change",
            ),
            (
                b'{"format_version": "1.2", "resource_changes": '
                b'[{"address": "a", "type": "t", "change": {"actions": "create"}}]}',
                "a has no change.actions",
            ),
        ],
    )
    def test_what_is_not_a_plan_says_what_to_do(self, raw, message):
        with pytest.raises(PlanError) as error:
            import_plan(read_plan(raw))

        assert message in str(error.value)

    def test_a_plan_larger_than_20_mb_is_refused(self):
        raw = b" " * (terraform.MAX_PLAN_BYTES + 1)

        with pytest.raises(PlanError, match="costcalc reads at most 20 MB"):
            read_plan(raw)

    def test_nesting_deeper_than_any_plan_is_refused(self):
        deep = "[" * 65 + "]" * 65
        raw = f'{{"format_version": "1.2", "planned_values": {deep}}}'

        with pytest.raises(PlanError, match="nested deeper than 64 levels"):
            read_plan(raw)

    def test_nesting_that_overflows_the_parser_is_a_plan_error(self):
        with pytest.raises(PlanError, match="nested deeper than 64 levels"):
            read_plan("[" * 200_000 + "]" * 200_000)

    def test_at_most_10000_resources(self):
        entry = change("aws_kms_key.k", {})

        assert read_plan(plan(*[entry] * 10_000))
        with pytest.raises(PlanError) as error:
            read_plan(plan(*[entry] * 10_001))
        assert str(error.value) == (
            "The plan has 10,001 resource changes; costcalc reads at most 10,000 resources. "
            "Import the plan of a smaller configuration."
        )

    def test_a_dict_is_checked_too(self):
        with pytest.raises(PlanError, match="no format_version"):
            import_plan({"resource_changes": []})


class TestReadUsage:
    def test_no_usage_file_is_empty_usage(self):
        assert read_usage(None) == {"resource_usage": {}}

    def test_values_are_decimals(self):
        usage = read_usage(b'{"version": "0.1", "resource_usage": {"aws_kms_key": {"keys": 0.1}}}')

        assert usage == {"resource_usage": {"aws_kms_key": {"keys": D("0.1")}}}

    @pytest.mark.parametrize(
        ("raw", "message"),
        [
            (b"[]", "A usage file is"),
            (b'{"usage": {}}', "The usage file has unknown keys (usage)."),
            (b'{"version": 1}', "The usage file has no resource_usage."),
            (b'{"resource_usage": []}', "resource_usage is not an object."),
            (b'{"resource_usage": {"a": 5}}', 'a: give usage keys with numbers, e.g. {"requests"'),
            (b'{"resource_usage": {"a": {"Requests": 5}}}', "'Requests' is not a usage key"),
            (b'{"resource_usage": {"a": {"requests": -5}}}', "a → requests: enter 0 or more."),
            (b'{"resource_usage": {"a": {"requests": true}}}', "a → requests: Enter a number."),
            (b'{"resource_usage": {"a": {"requests": "lots"}}}', "a → requests: Enter a number."),
            (b'{"resource_usage": {"a": {"requests": null}}}', "a → requests: enter a number."),
            (
                b'{"resource_usage": {"a": {"requests": 0.00000000001}}}',
                "Use at most 10 decimal places.",
            ),
            (
                b'{"resource_usage": {"a": {"requests": 1e16}}}',
                "enter at most 1,000,000,000,000,000",
            ),
            (b'{"resource_usage": {"a": {"requests": Infinity}}}', "Infinity is not a number"),
            (b"", "The usage file is empty."),
        ],
    )
    def test_a_usage_file_that_cannot_be_used_says_why(self, raw, message):
        with pytest.raises(PlanError) as error:
            read_usage(raw)

        assert message in str(error.value)

    def test_yaml_without_pyyaml_says_to_send_json(self, monkeypatch):
        monkeypatch.setitem(sys.modules, "yaml", None)

        with pytest.raises(PlanError, match="reading YAML needs PyYAML"):
            read_usage("resource_usage:\n  aws_kms_key:\n    symmetric_requests: 5\n")

    def test_yaml_usage_file_with_exact_decimals(self):
        pytest.importorskip("yaml")
        text = (
            "resource_usage:\n"
            "  aws_kms_key.app[0]:\n"
            "    symmetric_requests: 1_500_000\n"
            "  aws_guardduty_detector.main:\n"
            "    vpc_dns_log_gb: 120.1\n"
        )

        assert read_usage(text) == {
            "resource_usage": {
                "aws_kms_key.app[0]": {"symmetric_requests": D(1_500_000)},
                "aws_guardduty_detector.main": {"vpc_dns_log_gb": D("120.1")},
            }
        }

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("a: &x {b: 1}\nresource_usage: *x\n", "YAML alias"),
            ("resource_usage: {a: {b: .inf}}\n", "'.inf', which is not a number"),
            ("resource_usage: [\n", "neither JSON nor valid YAML"),
        ],
    )
    def test_yaml_that_cannot_be_used_says_why(self, text, message):
        pytest.importorskip("yaml")

        with pytest.raises(PlanError, match=message.replace("[", r"\[").replace(".", r"\.")):
            read_usage(text)


# ---------------------------------------------------------------------------------------------
# Properties: any input is a PlanError or a result, and no managed resource is dropped silently

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=25,
)

ATTRIBUTES = [
    "region",
    "tier",
    "customer_master_key_spec",
    "key_spec",
    "replica",
    "certificate_body",
    "certificate_authority_arn",
    "options",
    "export",
    "domain_name",
    "subject_alternative_names",
    "usage_mode",
    "revocation_configuration",
    "ocsp_configuration",
    "enabled",
    "rule",
    "rule_json",
    "arn",
    "statement",
    "managed_rule_group_statement",
    "name",
    "managed_rule_group_configs",
    "aws_managed_rules_bot_control_rule_set",
    "inspection_level",
    "action",
    "captcha",
    "rule_action_override",
    "action_to_use",
    "web_acl_arn",
    "rule_name",
    "managed_rule_group",
    "resource_arn",
    "enable",
    "datasources",
    "s3_logs",
    "kubernetes",
    "audit_logs",
    "status",
    "resource_types",
    "account_ids",
    "recording_mode",
    "recording_frequency",
    "recording_mode_override",
    "enable_logging",
    "advanced_event_selector",
    "field_selector",
    "field",
    "equals",
    "event_selector",
    "include_management_events",
    "data_resource",
    "insight_selector",
    "insight_type",
    "is_multi_region_trail",
    "subnet_mapping",
    "availability_zone_mapping",
    "domains",
]
WORDS = st.sampled_from(
    [
        "ENABLED",
        "DISABLED",
        "PAUSED",
        "Advanced",
        "Intelligent-Tiering",
        "RSA_2048",
        "TARGETED",
        "SHORT_LIVED_CERTIFICATE",
        "AWSManagedRulesBotControlRuleSet",
        "AWSManagedRulesATPRuleSet",
        "RUNTIME_MONITORING",
        "eventCategory",
        "Management",
        "Data",
        "DAILY",
        "EC2",
        "*.example.com",
        "arn:aws:cloudfront::1:distribution/E1",
        '[{"Name": "r", "Statement": {"ManagedRuleGroupStatement": {"Name": 5}}}]',
        "[[[[",
    ]
)
attribute_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | WORDS,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(ATTRIBUTES), children, max_size=4)
    ),
    max_leaves=20,
)
entries = st.fixed_dictionaries(
    {
        "address": st.sampled_from(["a.b", "a.b[0]", 'module.m["x"].a.b', "module.m.a.b"]),
        "type": st.sampled_from([*resources.HANDLERS, "aws_iam_role", "random_id"]),
        "name": st.sampled_from(["b", "c"]),
        "change": st.fixed_dictionaries(
            {
                "actions": st.sampled_from(
                    [["create"], ["no-op"], ["update"], ["delete"], ["delete", "create"], ["read"]]
                ),
                "after": st.dictionaries(st.sampled_from(ATTRIBUTES), attribute_values, max_size=6)
                | json_values,
                "after_unknown": st.dictionaries(st.sampled_from(ATTRIBUTES), st.booleans())
                | json_values,
            }
        ),
    },
    optional={
        "module_address": st.sampled_from(["module.m", 'module.m["x"]', "module.", "x"])
        | json_values,
        "mode": st.sampled_from(["managed", "data"]) | json_values,
        "deposed": st.none() | st.just("00000001"),
    },
)
configurations = st.fixed_dictionaries(
    {
        "provider_config": st.dictionaries(
            st.sampled_from(["aws", "aws.west", "module.m:aws"]),
            st.fixed_dictionaries(
                {"expressions": st.dictionaries(st.just("region"), attribute_values | json_values)}
            )
            | json_values,
        )
        | json_values,
        "root_module": json_values,
    }
)
plans = st.fixed_dictionaries(
    {
        "format_version": st.just("1.2"),
        "planned_values": st.just({}),
        "resource_changes": st.lists(entries, max_size=6),
    },
    optional={"configuration": configurations | json_values, "variables": json_values},
)
usage_files = st.none() | st.fixed_dictionaries(
    {
        "resource_usage": st.dictionaries(
            st.sampled_from(["a.b", "a.b[0]", "aws_kms_key", "module.m.a.b"]),
            st.dictionaries(
                st.sampled_from(["requests", "keys", "advanced_subscriptions", "rules"]),
                st.integers(0, 10**6),
                max_size=3,
            ),
            max_size=3,
        )
    }
)
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(json_values)
def test_any_json_is_a_plan_error_or_a_result(value):
    try:
        result = import_plan(read_plan(json.dumps(value)))
    except PlanError:
        return
    assert isinstance(result, ImportResult)


@FUZZ
@given(st.binary(max_size=200))
def test_any_bytes_are_a_plan_error_or_a_plan(raw):
    try:
        parsed = read_plan(raw)
    except PlanError:
        return
    assert isinstance(parsed, dict)


@FUZZ
@given(plans, usage_files)
def test_a_plan_shaped_input_is_a_plan_error_or_a_result_that_drops_nothing(raw, usage):
    try:
        result = import_plan(raw, usage)
    except PlanError:
        return
    kept = [
        e["address"]
        for e in raw["resource_changes"]
        if e.get("mode", "managed") == "managed"
        and not e.get("deposed")
        and tuple(e["change"]["actions"]) in KEPT_ACTIONS
    ]
    accounted = [a for i in result.items for a in i.addresses] + [
        u.address for u in result.unpriced
    ]
    assert sorted(accounted) == sorted(kept)
    for imported in result.items:
        assert all(type(v) is D and v >= 0 for v in imported.usage.values())
    assert all(isinstance(n, NeedsUsage) for n in result.needs_usage)


# ---------------------------------------------------------------------------------------------
# Fitting an import to the price book (the first book: 11 services, us-east-1 only)

BOOK = "AWS list prices, US East (N. Virginia), 2026-11"
NOT_IN_BOOK = f"not in the current price book ({BOOK})"
GROUP_LENGTH = 100


def fit(result: ImportResult, catalog) -> ImportResult:
    return terraform.fit_to_catalog(result, catalog, group_length=GROUP_LENGTH)


def totals(result: ImportResult, catalog) -> tuple[str, str, str]:
    quote = pricing.price_items(catalog, [i.as_item() for i in result.items])
    return (
        pricing.amount_text(quote.monthly_total),
        pricing.amount_text(quote.upfront_total),
        pricing.amount_text(quote.first_12_months_total),
    )


FITTED_SERVICES = [
    "acm",
    "firewall_manager",
    "guardduty",
    "inspector",
    "kms",
    "macie",
    "private_ca",
    "secrets_manager",
    "shield",
    "ssm_parameter_store",
]
LEFT_OUT = [
    Unpriced("aws_cloudtrail.data", "aws_cloudtrail", NOT_IN_BOOK),
    Unpriced("aws_cloudtrail.main", "aws_cloudtrail", NOT_IN_BOOK),
    Unpriced(
        "aws_config_configuration_recorder.main", "aws_config_configuration_recorder", NOT_IN_BOOK
    ),
    Unpriced(
        "aws_route53_resolver_firewall_domain_list.blocked",
        "aws_route53_resolver_firewall_domain_list",
        NOT_IN_BOOK,
    ),
    Unpriced("aws_securityhub_account.main", "aws_securityhub_account", NOT_IN_BOOK),
    Unpriced(
        "aws_kms_replica_key.app_west",
        "aws_kms_replica_key",
        f"AWS Key Management Service (KMS) in us-west-2 is {NOT_IN_BOOK}",
    ),
    Unpriced("aws_networkfirewall_firewall.egress", "aws_networkfirewall_firewall", NOT_IN_BOOK),
    Unpriced(
        "module.edge.aws_secretsmanager_secret.api",
        "aws_secretsmanager_secret",
        f"AWS Secrets Manager in eu-west-1 is {NOT_IN_BOOK}",
    ),
    Unpriced(
        "module.edge.aws_wafv2_web_acl.main",
        "aws_wafv2_web_acl",
        f"AWS WAF in eu-west-1 is {NOT_IN_BOOK}",
    ),
    Unpriced(
        "aws_acmpca_certificate_authority.internal",
        "aws_acmpca_certificate_authority",
        f"ocsp_certificates_queried is {NOT_IN_BOOK}",
        "ocsp_certificates_queried",
    ),
    *[
        Unpriced(
            "aws_guardduty_detector_feature.runtime",
            "aws_guardduty_detector_feature",
            f"{key} is {NOT_IN_BOOK}",
            key,
        )
        for key in ("runtime_eks_vcpus", "runtime_ecs_fargate_vcpus", "runtime_ec2_vcpus")
    ],
]
LEFT_OUT_SERVICES = {"cloudtrail", "config", "dns_firewall", "security_hub", "network_firewall"}


class TestFitToCatalog:
    def test_items_the_book_prices_keep_their_plan_quantities(self, catalog):
        fitted = fit(baseline(), catalog)

        kept = [
            i for i in BASELINE_ITEMS if i.service in FITTED_SERVICES and i.region == "us-east-1"
        ]
        assert fitted.items == kept
        assert [i.service for i in fitted.items] == FITTED_SERVICES

    def test_services_regions_and_keys_the_book_lacks_are_unpriced_with_the_reason(self, catalog):
        assert fit(baseline(), catalog).unpriced == BASELINE_UNPRICED + LEFT_OUT

    def test_left_out_resources_and_keys_need_no_usage(self, catalog):
        left_out = {(u.address, u.usage_key) for u in LEFT_OUT}

        assert needs(fit(baseline(), catalog)) == [
            need
            for need in BASELINE_NEEDS
            if need[1] not in LEFT_OUT_SERVICES
            and (need[0], "") not in left_out
            and (need[0], need[2]) not in left_out
        ]

    def test_the_shield_and_waf_warning_goes_with_the_waf_item(self, catalog):
        assert SHIELD_AND_WAF in baseline().warnings

        assert fit(baseline(), catalog).warnings == BASELINE_NOTES

    def test_totals_without_a_usage_file(self, catalog):
        assert totals(fit(baseline(), catalog), catalog) == ("3668.60", "0.00", "44023.20")

    def test_totals_with_the_usage_file(self, catalog):
        fitted = fit(baseline(load("baseline.usage.json")), catalog)

        assert usage_of(fitted, "kms") == {
            "keys": D(3),
            "symmetric_requests": D(2_500_000),
            "key_rotations": D(2),
        }
        assert usage_of(fitted, "guardduty") == {
            "cloudtrail_management_events": D(5_000_000),
            "vpc_dns_log_gb": D("120.5"),
            "s3_data_events": D(80_000_000),
        }
        assert usage_of(fitted, "secrets_manager") == {
            "secrets": D(1),
            "replica_secrets": D(1),
            "api_calls": D(30_000),
        }
        assert totals(fitted, catalog) == ("3882.69", "0.00", "46592.28")

    def test_a_usage_key_the_book_lacks_is_dropped_and_listed(self, catalog):
        usage = {
            "resource_usage": {
                "aws_acmpca_certificate_authority.internal": {
                    "ocsp_certificates_queried": 5000,
                    "private_certificates": 10,
                }
            }
        }

        fitted = fit(baseline(json.dumps(usage)), catalog)

        assert usage_of(fitted, "private_ca") == {
            "general_purpose_cas": D(1),
            "private_certificates": D(11),
        }
        assert [u for u in fitted.unpriced if u.usage_key == "ocsp_certificates_queried"] == []
        assert fitted.warnings[-1] == (
            f"Usage file: ocsp_certificates_queried of private_ca is {NOT_IN_BOOK}; ignored."
        )

    def test_an_item_becomes_a_pricing_item_with_its_accounts(self, catalog):
        (item,) = [i for i in fit(baseline(), catalog).items if i.service == "inspector"]

        assert item.as_item() == pricing.Item("inspector", "us-east-1", "", {}, accounts=2)

    def test_a_value_the_book_refuses_is_a_usage_error_naming_the_resources(self, catalog):
        usage = {"resource_usage": {"aws_kms_key": {"key_rotations": 7}}}

        with pytest.raises(terraform.UsageError) as error:
            fit(baseline(json.dumps(usage)), catalog)

        assert error.value.field == "usage"
        assert str(error.value) == (
            "The usage file gives values the price book does not take: aws_kms_key.app[0], "
            "aws_kms_key.app[1], aws_kms_key.signing: key_rotations: At most 2 × customer "
            "managed keys (= 6)."
        )

    def test_a_sum_past_the_largest_quantity_is_a_usage_error(self, catalog):
        keys = [change(f"aws_kms_key.k{n}", {}) for n in range(3)]
        usage = {"resource_usage": {"aws_kms_key": {"symmetric_requests": 10**15}}}

        with pytest.raises(terraform.UsageError, match="Enter at most 1,000,000,000,000,000."):
            fit(one(*keys, usage=usage), catalog)

    def test_more_accounts_than_an_estimate_holds_is_a_plan_error(self, catalog):
        ids = [f"{n:012d}" for n in range(pricing.MAX_ACCOUNTS + 1)]
        enabler = change("aws_inspector2_enabler.all", {"account_ids": ids, "resource_types": []})

        with pytest.raises(PlanError) as error:
            fit(one(enabler), catalog)

        assert error.value.field == "plan"
        assert "accounts: Enter at most 100,000 accounts." in str(error.value)

    def test_more_items_than_an_estimate_holds_is_a_plan_error(self, catalog):
        changes = [
            change(f'module.m["{n}"].aws_kms_key.k', {}) for n in range(pricing.MAX_ITEMS + 1)
        ]

        with pytest.raises(PlanError, match="The plan makes 201 items; an estimate holds at most"):
            fit(one(*changes), catalog)

    def test_items_left_out_do_not_count_against_the_limit(self, catalog):
        changes = [
            change(f'module.m["{n}"].aws_kms_key.k', {"region": "eu-west-1"})
            for n in range(pricing.MAX_ITEMS + 1)
        ]

        fitted = fit(one(*changes), catalog)

        assert fitted.items == []
        assert len(fitted.unpriced) == pricing.MAX_ITEMS + 1
        assert fitted.warnings == []

    def test_a_group_longer_than_a_card_holds_is_cut_with_a_warning(self, catalog):
        module = "module." + "m" * 120

        (item,) = fit(one(change(f"{module}.aws_kms_key.k", {})), catalog).items

        assert item.group == module[: GROUP_LENGTH - 1] + "…"
        assert len(item.group) == GROUP_LENGTH

    def test_text_no_page_or_database_can_hold_is_replaced(self, catalog):
        raw = json.dumps(plan(change('module.m["a\x00b\ud800"].aws_kms_key.k', {})))

        (item,) = fit(import_plan(read_plan(raw)), catalog).items

        assert item.group == 'module.m["a\ufffdb\ufffd"]'
        assert item.addresses == ('module.m["a\ufffdb\ufffd"].aws_kms_key.k',)

    def test_the_resource_type_of_an_address(self):
        assert _resource_type('module.a["x.y"].module.b[0].aws_kms_key.app[0]') == ("aws_kms_key")
        assert _resource_type("aws_iam_role.audit") == "aws_iam_role"


@FUZZ
@given(plans, usage_files)
def test_a_fitted_import_is_an_error_or_items_the_engine_takes(raw, usage):
    catalog = conftest.first_catalog()
    try:
        fitted = fit(import_plan(raw, usage), catalog)
    except PlanError:
        return
    assert pricing.check_items(catalog, tuple(i.as_item() for i in fitted.items)) == []
    pricing.price_items(catalog, [i.as_item() for i in fitted.items])


def test_the_readme_usage_file_examples_read_the_same_in_json_and_yaml():
    pytest.importorskip("yaml")
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("**The usage file**") :]
    json_text = section.split("```json\n", 1)[1].split("```", 1)[0]
    yaml_text = section.split("```yaml\n", 1)[1].split("```", 1)[0]

    assert read_usage(json_text) == read_usage(yaml_text)
    assert read_usage(yaml_text)["resource_usage"]["aws_guardduty_detector.main"] == {
        "cloudtrail_management_events": D(5_000_000),
        "vpc_dns_log_gb": D("120.5"),
    }


class TestFitRegionsPlan:
    """regions.plan.json: keys in five Regions, of which the first book prices us-east-1 only."""

    def test_without_a_usage_file(self, catalog):
        fitted = fit(regions_result(), catalog)

        assert fitted.items == [
            item(
                "kms",
                "us-east-1",
                "module.legacy",
                {"keys": 1},
                ["module.legacy.aws_kms_key.old_style"],
            )
        ]
        assert needs(fitted) == [
            ("module.legacy.aws_kms_key.old_style", "kms", "symmetric_requests")
        ]
        assert [(u.address, u.reason) for u in fitted.unpriced] == [
            (
                "aws_kms_key.tokyo",
                f"AWS Key Management Service (KMS) in ap-northeast-1 is {NOT_IN_BOOK}",
            ),
            (
                "aws_kms_key.from_variable",
                f"AWS Key Management Service (KMS) in eu-central-1 is {NOT_IN_BOOK}",
            ),
            (
                "module.inherited.aws_kms_key.key",
                f"AWS Key Management Service (KMS) in eu-central-1 is {NOT_IN_BOOK}",
            ),
            (
                "module.shared.aws_kms_key.shared",
                f"AWS Key Management Service (KMS) in eu-central-1 is {NOT_IN_BOOK}",
            ),
        ]
        assert totals(fitted, catalog) == ("1.00", "0.00", "12.00")

    def test_with_a_usage_file(self, catalog):
        usage = {"resource_usage": {"aws_kms_key": {"symmetric_requests": 1_000_000}}}

        fitted = fit(regions_result(json.dumps(usage)), catalog)

        assert usage_of(fitted, "kms") == {"keys": D(1), "symmetric_requests": D(1_000_000)}
        assert needs(fitted) == []
        assert len(fitted.unpriced) == 4
        # (1,000,000 − 20,000 free) ÷ 10,000 × $0.03 = $2.94, plus the key's $1.00.
        assert totals(fitted, catalog) == ("3.94", "0.00", "47.28")


def regions_result(usage: str | None = None) -> ImportResult:
    return import_plan(read_plan(load("regions.plan.json")), read_usage(usage))


def test_an_input_the_book_has_no_price_for_in_its_region_is_unpriced_not_an_error(
    third_catalog,
):
    """2027-01 prices Network Firewall in us-west-2 for Advanced Inspection traffic only: the
    plan's firewall endpoints there are unpriced, with the reason, and the rest prices."""
    fitted = fit(baseline(load("baseline.usage.json")), third_catalog)

    firewall = [i for i in fitted.items if i.service == "network_firewall"]
    assert [(i.region, dict(i.usage)) for i in firewall] == [("us-west-2", {})]
    reasons = {(u.address, u.usage_key): u.reason for u in fitted.unpriced}
    assert reasons[("aws_networkfirewall_firewall.egress", "endpoints")] == (
        "endpoints has no price in us-west-2 in the current price book"
    )
    assert pricing.quote(third_catalog, [i.as_item() for i in fitted.items]).monthly_total > 0
