"""Moving code around must not move a figure: every page and endpoint against a recorded copy.

tests/data/figures_2026_11.json was written from the code before the layout changed (issue 9),
by running this module with COSTCALC_WRITE_FIGURES=1. It holds the figures only (totals, each
line's quantities, prices, costs and formula, the CSV rows, the page's formulas), not ids or
times, so later issues may add fields to a response without touching it.
"""

import csv
import io
import json
import os
import re
from decimal import Decimal

import pytest

from estimates import pricing
from estimates.models import Estimate

from .conftest import DATA, load_data

FIGURES = DATA / "figures_2026_11.json"
EXAMPLES = load_data("examples.json")["examples"]
LINE_FIGURES = (
    "usage_key",
    "quantity",
    "free_quantity",
    "billable_quantity",
    "unit_price",
    "per_units",
    "billing",
    "monthly",
    "upfront",
    "formula",
)
TOTALS = ("monthly_total", "upfront_total", "first_12_months_total")
CSV_COLUMNS = (
    "group",
    "service",
    "region",
    "usage_key",
    "description",
    "quantity",
    "unit",
    "unit_price",
    "monthly",
    "first_12_months",
    "formula",
)
# One card of every service with every input set, so every rate of the book shows a line.
EVERY_SERVICE = [
    pricing.Item(
        "kms",
        "us-east-1",
        "prod",
        {
            "keys": Decimal(10),
            "key_rotations": Decimal(4),
            "symmetric_requests": Decimal(2_000_000),
            "rsa_2048_requests": Decimal(30_000),
            "asymmetric_requests": Decimal(50_000),
            "ecc_key_pair_requests": Decimal(20_000),
            "rsa_key_pair_requests": Decimal(10_000),
        },
    ),
    pricing.Item(
        "ssm_parameter_store",
        "us-east-1",
        "prod",
        {
            "standard_parameters": Decimal(500),
            "advanced_parameters": Decimal(20),
            "standard_api_interactions": Decimal(1_000_000),
            "advanced_api_interactions": Decimal(300_000),
            "higher_throughput": Decimal(1),
        },
    ),
    pricing.Item(
        "secrets_manager",
        "us-east-1",
        "",
        {"secrets": Decimal(25), "replica_secrets": Decimal(5), "api_calls": Decimal("1234567")},
    ),
    pricing.Item(
        "acm",
        "us-east-1",
        "edge",
        {
            "public_certificates": Decimal(12),
            "exportable_fqdn_certificates": Decimal(2),
            "exportable_wildcard_certificates": Decimal(1),
        },
    ),
    pricing.Item(
        "private_ca",
        "us-east-1",
        "",
        {
            "general_purpose_cas": Decimal(1),
            "short_lived_cas": Decimal(1),
            "private_certificates": Decimal(12_345),
            "short_lived_certificates": Decimal(800),
            "ocsp_requests": Decimal(50_000),
        },
    ),
    pricing.Item(
        "waf",
        "us-east-1",
        "edge",
        {
            "web_acls": Decimal(3),
            "rules": Decimal(25),
            "requests": Decimal(45_000_000),
            "extra_wcu_increments": Decimal(2),
            "bot_control_web_acls": Decimal(1),
            "bot_control_common_requests": Decimal(30_000_000),
            "bot_control_targeted_requests": Decimal(3_000_000),
            "fraud_control_web_acls": Decimal(1),
            "fraud_control_requests": Decimal(6_000_000),
            "captcha_attempts": Decimal(25_000),
            "challenge_responses": Decimal(4_000_000),
        },
    ),
    pricing.Item(
        "shield",
        "us-east-1",
        "edge",
        {
            "advanced_subscriptions": Decimal(1),
            "cloudfront_dto_gb": Decimal(150_000),
            "elb_dto_gb": Decimal(2_000),
            "eip_dto_gb": Decimal("512.5"),
            "global_accelerator_dto_gb": Decimal(100),
        },
    ),
    pricing.Item("firewall_manager", "us-east-1", "", {"policies": Decimal(3)}),
    pricing.Item(
        "guardduty",
        "us-east-1",
        "",
        {
            "cloudtrail_management_events": Decimal(7_000_000),
            "vpc_dns_log_gb": Decimal(3_000),
            "s3_data_events": Decimal(600_000_000),
            "eks_audit_log_events": Decimal(20_000_000),
            "runtime_monitoring_vcpus": Decimal(800),
            "rds_vcpus": Decimal(16),
            "aurora_serverless_acus": Decimal(8),
            "lambda_network_log_gb": Decimal(700),
            "malware_ebs_gb": Decimal(1_000),
            "malware_on_demand_gb": Decimal(200),
            "malware_s3_gb": Decimal(50),
            "malware_s3_objects": Decimal(400_000),
        },
    ),
    pricing.Item(
        "inspector",
        "us-east-1",
        "",
        {
            "ec2_instances": Decimal(40),
            "ecr_initial_scans": Decimal(300),
            "ecr_rescans": Decimal(900),
            "lambda_functions": Decimal(60),
            "lambda_code_functions": Decimal(20),
        },
    ),
    pricing.Item(
        "macie",
        "us-east-1",
        "",
        {
            "s3_buckets": Decimal(120),
            "objects_monitored": Decimal(5_000_000),
            "data_inspected_gb": Decimal(60_000),
        },
    ),
]


def quote_figures(body: dict) -> dict:
    return {
        **{key: body[key] for key in TOTALS},
        "items": [
            {
                "service": item["service"],
                "region": item["region"],
                "monthly": item["monthly"],
                "upfront": item["upfront"],
                "lines": [{key: line[key] for key in LINE_FIGURES} for line in item["lines"]],
            }
            for item in body["items"]
        ],
    }


def csv_figures(text: str) -> dict:
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    blank = rows.index([])
    summary = {row[0]: row[1] for row in rows[:blank] if row[0] not in ("id", "saved_at")}
    header = rows[blank + 1]
    # The lines table ends at the next empty row (the projection follows it) or at the end.
    end = rows.index([], blank + 1) if [] in rows[blank + 1 :] else len(rows)
    lines = [
        {column: row[header.index(column)] for column in CSV_COLUMNS}
        for row in rows[blank + 2 : end]
    ]
    return {"summary": summary, "lines": lines}


def page_figures(html: str) -> dict:
    cell = r'<td class="{}">(.*?)</td>'
    return {
        "monthly_total": re.search(r'id="monthly-total">(.*?)<', html).group(1),
        "formulas": re.findall(cell.format("formula"), html),
        "money": re.findall(cell.format("money"), html),
    }


def current_figures(client, price_book) -> dict:
    examples = {}
    for example in EXAMPLES:
        body = {"free_tier": example["free_tier"], "items": example["items"]}
        response = client.post("/api/v1/quote", body, content_type="application/json")
        assert response.status_code == 200, response.content
        examples[example["id"]] = quote_figures(response.json())
    estimate = Estimate.objects.create_from_items(
        name="Every service", price_book=price_book, items=EVERY_SERVICE, free_tier=True
    )
    saved_json = client.get(estimate.get_json_url()).json()
    return {
        "examples": examples,
        "saved_json": quote_figures(saved_json),
        "saved_csv": csv_figures(client.get(estimate.get_csv_url()).content.decode()),
        "saved_page": page_figures(client.get(estimate.get_absolute_url()).content.decode()),
    }


@pytest.mark.django_db
def test_every_figure_is_what_it_was_before_the_layout_changed(client, price_book):
    figures = current_figures(client, price_book)
    if os.environ.get("COSTCALC_WRITE_FIGURES"):
        FIGURES.write_text(json.dumps(figures, indent=1, ensure_ascii=False) + "\n")
    recorded = json.loads(FIGURES.read_text(encoding="utf-8"))
    assert figures["examples"] == recorded["examples"]
    assert figures["saved_json"] == recorded["saved_json"]
    assert figures["saved_csv"] == recorded["saved_csv"]
    assert figures["saved_page"] == recorded["saved_page"]
