"""POST /api/v1/import/terraform: a Terraform JSON plan in, items to save and their quote out."""

import json
from pathlib import Path

import pytest
import yaml

from estimates.importers import terraform
from estimates.models import Estimate, PriceBook

DATA = Path(__file__).parent.parent / "data" / "terraform"
URL = "/api/v1/import/terraform"
BOOK = "AWS list prices, US East (N. Virginia), 2026-11"
NOT_IN_BOOK = f"not in the current price book ({BOOK})"


def load(name: str) -> bytes:
    return (DATA / name).read_bytes()


def post(client, body: bytes | dict, **extra):
    data = body if isinstance(body, bytes) else json.dumps(body)
    return client.post(URL, data, content_type="application/json", **extra)


def only_error(response, status: int = 400) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    (error,) = response.json()["errors"]
    assert set(error) == {"item", "field", "message"}
    return error


def card(service: str, usage: dict, accounts: int = 1) -> dict:
    return {
        "service": service,
        "region": "us-east-1",
        "accounts": accounts,
        "group": "",
        "notes": "",  # a Terraform import leaves a card's notes empty
        "usage": usage,
    }


BASELINE_ITEMS = [
    card(
        "acm",
        {
            "exportable_fqdn_certificates": "1",
            "exportable_wildcard_certificates": "1",
            "public_certificates": "1",
        },
    ),
    card("firewall_manager", {"policies": "1"}),
    card("guardduty", {}),
    card("inspector", {}, accounts=2),
    card("kms", {"keys": "3"}),
    card("macie", {}),
    card("private_ca", {"private_certificates": "1", "general_purpose_cas": "1"}),
    card("secrets_manager", {"secrets": "1", "replica_secrets": "1"}),
    card("shield", {"advanced_subscriptions": "1"}),
    card("ssm_parameter_store", {"standard_parameters": "2", "advanced_parameters": "1"}),
]
WITH_USAGE = {
    "guardduty": {
        "cloudtrail_management_events": "5000000",
        "vpc_dns_log_gb": "120.5",
        "s3_data_events": "80000000",
    },
    "kms": {"keys": "3", "symmetric_requests": "2500000", "key_rotations": "2"},
    "secrets_manager": {"secrets": "1", "replica_secrets": "1", "api_calls": "30000"},
}


class TestImport:
    def test_a_plan_as_the_body_gives_items_in_the_quote_body_shape(self, client, price_book):
        response = post(client, load("baseline.plan.json"))

        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        body = response.json()
        assert set(body) == {"items", "needs_usage", "unpriced", "warnings", "quote"}
        assert body["items"] == BASELINE_ITEMS

    def test_the_quote_prices_the_items_with_the_current_book(self, client, price_book):
        quote = post(client, load("baseline.plan.json")).json()["quote"]

        assert quote["price_book"]["name"] == BOOK
        assert quote["free_tier"] is True
        assert (quote["monthly_total"], quote["upfront_total"]) == ("3668.60", "0.00")
        assert quote["first_12_months_total"] == "44023.20"
        assert {item["service"]: item["monthly"] for item in quote["items"]} == {
            "acm": "164.00",
            "firewall_manager": "100.00",
            "guardduty": "0.00",
            "inspector": "0.00",
            "kms": "3.00",
            "macie": "0.00",
            "private_ca": "400.75",
            "secrets_manager": "0.80",
            "shield": "3000.00",
            "ssm_parameter_store": "0.05",
        }

    def test_the_quote_is_what_the_quote_endpoint_gives_for_the_items(self, client, price_book):
        body = post(client, load("baseline.plan.json")).json()

        again = client.post(
            "/api/v1/quote", json.dumps({"items": body["items"]}), content_type="application/json"
        )

        assert again.json() == body["quote"]

    def test_needs_usage_names_the_resource_the_service_and_the_key(self, client, price_book):
        needs = post(client, load("baseline.plan.json")).json()["needs_usage"]

        assert len(needs) == 19
        assert needs[8] == {
            "address": "aws_kms_key.app[0]",
            "service": "kms",
            "usage_key": "symmetric_requests",
            "hint": "Symmetric KMS requests a month (Encrypt, Decrypt, GenerateDataKey…)",
        }
        assert {need["service"] for need in needs} == {
            "private_ca",
            "guardduty",
            "inspector",
            "kms",
            "macie",
            "secrets_manager",
            "shield",
            "ssm_parameter_store",
        }

    def test_what_the_book_does_not_price_is_listed_with_the_reason(self, client, price_book):
        unpriced = post(client, load("baseline.plan.json")).json()["unpriced"]

        assert len(unpriced) == 16
        assert unpriced[0] == {
            "address": "aws_cloudfront_distribution.cdn",
            "type": "aws_cloudfront_distribution",
            "usage_key": None,
            "reason": "costcalc does not price aws_cloudfront_distribution",
        }
        assert {
            "address": "aws_securityhub_account.main",
            "type": "aws_securityhub_account",
            "usage_key": None,
            "reason": NOT_IN_BOOK,
        } in unpriced
        assert {
            "address": "module.edge.aws_wafv2_web_acl.main",
            "type": "aws_wafv2_web_acl",
            "usage_key": None,
            "reason": f"AWS WAF in eu-west-1 is {NOT_IN_BOOK}",
        } in unpriced
        assert unpriced[-1] == {
            "address": "aws_guardduty_detector_feature.runtime",
            "type": "aws_guardduty_detector_feature",
            "usage_key": "runtime_ec2_vcpus",
            "reason": f"runtime_ec2_vcpus is {NOT_IN_BOOK}",
        }

    def test_plan_and_usage_in_one_body(self, client, price_book):
        body = {
            "plan": json.loads(load("baseline.plan.json")),
            "usage": json.loads(load("baseline.usage.json")),
        }

        response = post(client, body)

        assert response.status_code == 200
        result = response.json()
        items = {item["service"]: item["usage"] for item in result["items"]}
        assert {service: items[service] for service in WITH_USAGE} == WITH_USAGE
        assert len(result["needs_usage"]) == 13
        assert result["quote"]["monthly_total"] == "3882.69"
        assert result["quote"]["first_12_months_total"] == "46592.28"
        assert (
            "Usage file: aws_kms_key.old is not among the resources the plan keeps; ignored."
            in (result["warnings"])
        )

    def test_the_usage_file_may_be_yaml_text(self, client, price_book):
        usage = yaml.safe_dump(json.loads(load("baseline.usage.json")))
        body = {"plan": json.loads(load("baseline.plan.json")), "usage": usage}

        assert post(client, body).json()["quote"]["monthly_total"] == "3882.69"

    def test_the_items_post_as_they_are_to_save_an_estimate(self, client, price_book):
        imported = post(client, load("baseline.plan.json")).json()

        saved = client.post(
            "/api/v1/estimates",
            json.dumps({"name": "From Terraform", "items": imported["items"]}),
            content_type="application/json",
        )

        assert saved.status_code == 201
        estimate = Estimate.objects.get(public_id=saved.json()["id"])
        assert estimate.name == "From Terraform"
        assert estimate.items.count() == 10
        read_back = client.get(saved.json()["json_url"]).json()
        assert read_back["monthly_total"] == imported["quote"]["monthly_total"] == "3668.60"
        assert [item["accounts"] for item in read_back["items"]] == [1, 1, 1, 2, 1, 1, 1, 1, 1, 1]

    def test_a_plan_in_several_regions_prices_only_what_the_book_has(self, client, price_book):
        body = post(client, load("regions.plan.json")).json()

        assert body["items"] == [{**card("kms", {"keys": "1"}), "group": "module.legacy"}]
        assert body["quote"]["monthly_total"] == "1.00"
        assert [(need["address"], need["usage_key"]) for need in body["needs_usage"]] == [
            ("module.legacy.aws_kms_key.old_style", "symmetric_requests")
        ]
        assert [(entry["address"], entry["reason"]) for entry in body["unpriced"]] == [
            (
                "aws_kms_key.tokyo",
                f"AWS Key Management Service (KMS) in ap-northeast-1 is {NOT_IN_BOOK}",
            ),
            *[
                (address, f"AWS Key Management Service (KMS) in eu-central-1 is {NOT_IN_BOOK}")
                for address in (
                    "aws_kms_key.from_variable",
                    "module.inherited.aws_kms_key.key",
                    "module.shared.aws_kms_key.shared",
                )
            ],
        ]
        assert body["warnings"] == [
            "module.legacy.aws_kms_key.old_style: no Region in the plan, counted in us-east-1; "
            "set region in the provider block or on the resource."
        ]

    def test_an_import_saves_nothing(self, client, price_book, django_assert_max_num_queries):
        post(client, load("baseline.plan.json"))  # the book's catalog is loaded once, then kept

        with django_assert_max_num_queries(1) as captured:
            post(client, load("baseline.plan.json"))

        assert not any(
            query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
            for query in captured.captured_queries
        )
        assert Estimate.objects.count() == 0

    def test_get_is_not_allowed(self, client, price_book):
        response = client.get(URL)

        assert response.status_code == 405
        assert response["Allow"] == "POST"


class TestBadPlans:
    @pytest.mark.parametrize(
        ("raw", "message"),
        [
            (b"terraform plan output", "The plan is not JSON (line 1, column 1: Expecting value)."),
            (b"", "The plan is not JSON (line 1, column 1: Expecting value)."),
            (
                load("not-a-plan.json"),
                "Not a Terraform plan: it has no format_version. "
                "Make one with `terraform show -json plan.out > plan.json`.",
            ),
            (
                load("version-2.plan.json"),
                "Format version 2.0 is not supported; costcalc reads 1.x.",
            ),
            (
                load("state.json"),
                "Not a Terraform plan: it has no planned_values or resource_changes (is it a "
                "state file?). Show the plan file: `terraform show -json plan.out > plan.json`.",
            ),
            (
                b'{"format_version": "1.2", "planned_values": ' + b"[" * 70 + b"]" * 70 + b"}",
                "The plan is nested deeper than 64 levels.",
            ),
            (b"[" * 100_000 + b"]" * 100_000, "The plan is nested deeper than 64 levels."),
            (b'{"format_version": "1.2", "x": NaN}', "The plan is not valid JSON"),
            (b"\xff\xfe\x00\xd8", "The plan is not text (UTF-8 or UTF-16)."),
            (b'{"usage": {}}', 'Send the plan too: {"plan": <plan>, "usage": <usage file>}.'),
            (b'{"plan": [1]}', "A plan is the JSON text that `terraform show -json plan.out`"),
        ],
    )
    def test_what_is_not_a_plan_is_a_400_that_says_why(self, client, price_book, raw, message):
        error = only_error(post(client, raw))

        assert error["field"] == "plan"
        assert error["message"].startswith(message)

    def test_a_body_over_20_mb_is_a_413_and_is_not_read(self, client, price_book):
        raw = b" " * (terraform.MAX_PLAN_BYTES + 1)

        error = only_error(post(client, raw), 413)

        assert error == {
            "item": None,
            "field": "plan",
            "message": "The plan is 20,971,521 bytes; costcalc reads at most 20 MB.",
        }

    def test_a_plan_of_20_mb_is_read(self, client, price_book):
        plan = load("baseline.plan.json")
        raw = plan + b" " * (terraform.MAX_PLAN_BYTES - len(plan))

        response = post(client, raw)

        assert response.status_code == 200
        assert response.json()["quote"]["monthly_total"] == "3668.60"

    @pytest.mark.parametrize(
        ("usage", "message"),
        [
            ("resource_usage: [", "The usage file is neither JSON nor valid YAML"),
            ({"resource_usage": {"aws_kms_key": {"keys": -1}}}, "aws_kms_key → keys: enter 0"),
            ({"usage": {}}, "The usage file has unknown keys (usage)."),
            ([1], "A usage file is JSON or YAML text."),
            (
                {"resource_usage": {"aws_kms_key": {"key_rotations": 7}}},
                "The usage file gives values the price book does not take: aws_kms_key.app[0], "
                "aws_kms_key.app[1], aws_kms_key.signing: key_rotations: At most 2 × customer "
                "managed keys (= 6).",
            ),
        ],
    )
    def test_a_usage_file_that_cannot_be_used_is_a_400_on_usage(
        self, client, price_book, usage, message
    ):
        body = {"plan": json.loads(load("baseline.plan.json")), "usage": usage}

        error = only_error(post(client, body))

        assert error["field"] == "usage"
        assert error["message"].startswith(message)

    def test_an_unknown_field_beside_the_plan(self, client, price_book):
        body = {"plan": json.loads(load("baseline.plan.json")), "usgae": {}}

        assert only_error(post(client, body)) == {
            "item": None,
            "field": "usgae",
            "message": "Unknown field 'usgae'.",
        }

    def test_huge_counts_are_a_400(self, client, price_book):
        ids = [f"{n:012d}" for n in range(100_001)]
        change = {
            "address": "aws_inspector2_enabler.all",
            "mode": "managed",
            "type": "aws_inspector2_enabler",
            "name": "all",
            "change": {"actions": ["create"], "after": {"account_ids": ids}},
        }
        plan = {"format_version": "1.2", "resource_changes": [change]}

        error = only_error(post(client, plan))

        assert error["field"] == "plan"
        assert "accounts: Enter at most 100,000 accounts." in error["message"]

    def test_no_published_book_is_a_503(self, client, price_book, monkeypatch):
        monkeypatch.setattr(PriceBook.objects, "current", lambda: None)

        error = only_error(post(client, load("baseline.plan.json")), 503)

        assert error["field"] == "price_book"


@pytest.mark.parametrize(
    ("number", "words"),
    [
        ("1e99999999999999999999", "too large"),
        ("9" * 5000, "too large"),
        ("1e-99999999999999999999", "too small"),
    ],
)
def test_a_number_too_large_to_read_says_so(client, price_book, number, words):
    """Issue 20 item 7: not "not JSON" (nor a 500, as Decimal's InvalidOperation was)."""
    raw = b'{"format_version": "1.2", "planned_values": {"x": ' + number.encode() + b"}}"

    error = only_error(post(client, raw))

    assert error == {
        "item": None,
        "field": "plan",
        "message": f"A number in the plan is {words} to read.",
    }
