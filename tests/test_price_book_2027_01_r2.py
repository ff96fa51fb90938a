"""The 2027-01 book's revision 2: built by its script from the 2027-01 book and research D, every
new row pinned to the reference written from D's rows, every other row the 2027-01 book's, no
price borrowed from another Region, and the worked examples to the cent. No database."""

import subprocess
import sys
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from estimates import pricing
from estimates.prices.book_file import catalog_from_book

from .conftest import FOURTH_BOOK, THIRD_BOOK, example_items, example_regions, load_data

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = load_data("price_reference_2027_01_r2.json")
EXAMPLES = load_data("examples_2027_01_r2.json")["examples"]
NEWLY_COVERED = (
    "secrets_manager",
    "ssm_parameter_store",
    "acm",
    "private_ca",
    "firewall_manager",
    "inspector",
    "security_hub",
    "network_firewall",
)


@cache
def catalog() -> pricing.Catalog:
    return catalog_from_book(FOURTH_BOOK)


def rows(book: dict) -> dict[tuple[str, str, str], dict]:
    return {
        (service["code"], rate["code"], region): rate
        for service in book["services"]
        for rate in service["rates"]
        for region in rate["regions"]
    }


def researched() -> list[tuple[tuple[str, str, str], dict]]:
    return [
        ((service, rate, region), entry)
        for service, rates in REFERENCE["services"].items()
        for rate, by_region in rates.items()
        for region, entry in by_region.items()
    ]


def book_tiers(rate: dict) -> list[tuple[Decimal, Decimal]]:
    return [(tier["start"], tier["price"]) for tier in rate["tiers"]]


def priced(service: str, region: str, **usage) -> Decimal:
    item = pricing.Item(service, region, usage={k: Decimal(v) for k, v in usage.items()})
    return pricing.quote(catalog(), [item]).monthly_total


class TestTheFile:
    def test_reads_and_is_what_the_script_builds_from_2027_01_and_research_d(self):
        assert FOURTH_BOOK["name"] == REFERENCE["book_name"]
        assert FOURTH_BOOK["name"] == "AWS list prices, 2027-01, revision 2"
        assert FOURTH_BOOK["effective_date"] == REFERENCE["effective_date"] == "2027-01-01"
        script = ROOT / "scripts" / "build_price_book_2027_01_r2.py"
        done = subprocess.run(
            [sys.executable, str(script), "--check"], capture_output=True, text=True, cwd=ROOT
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert done.stdout.strip() == "aws-2027-01-r2.json is up to date."

    def test_keeps_every_input_of_2027_01_and_adds_advanced_inspection_endpoints(self):
        old = {s["code"]: [i["key"] for i in s["inputs"]] for s in THIRD_BOOK["services"]}
        new = {s["code"]: [i["key"] for i in s["inputs"]] for s in FOURTH_BOOK["services"]}
        assert list(new) == list(old)
        added = {code: keys[len(old[code]) :] for code, keys in new.items()}
        assert added == {code: REFERENCE["new_inputs"].get(code, []) for code in new}
        for code, keys in old.items():
            assert new[code][: len(keys)] == keys, code


class TestEveryRateIsPinned:
    @pytest.mark.parametrize(("key", "entry"), researched(), ids=lambda v: str(v))
    def test_a_research_d_rate_is_its_research_row(self, key, entry):
        rate = rows(FOURTH_BOOK)[key]
        assert rate["regions"] == (key[2],)
        assert book_tiers(rate) == [(Decimal(s), Decimal(p)) for s, p in entry["tiers"]]
        assert rate["per_units"] == Decimal(entry["per_units"])
        assert rate["free_units"] == Decimal(entry["free_units"])
        assert rate["grade"] == entry["grade"] == "B"
        assert f"research {entry['research']})" in rate["source"]
        assert "QuinnyPig/aws-price-watcher" in rate["source"]
        assert (rate["aws_usage_type"] or None) == entry["usage_type"]

    def test_every_other_row_is_the_2027_01_books(self):
        new = {key for key, _ in researched()}
        third, fourth = rows(THIRD_BOOK), rows(FOURTH_BOOK)
        assert set(fourth) - new == set(third) - new
        for key in set(third) - new:
            assert fourth[key] == third[key], key

    def test_d_only_adds_bands_where_2027_01_had_a_price(self):
        third = rows(THIRD_BOOK)
        replaced = [key for key, _ in researched() if key in third]
        assert replaced == [("security_hub", "security_checks", "ap-northeast-1")]
        (key,) = replaced
        old, new = book_tiers(third[key]), book_tiers(rows(FOURTH_BOOK)[key])
        assert new[: len(old)] == old and len(new) == 3

    def test_no_row_is_an_assumed_copy_of_another_region(self):
        assert [key for key, rate in rows(FOURTH_BOOK).items() if "assumed" in rate["source"]] == []


class TestCoverage:
    @pytest.mark.parametrize(
        "service", [*NEWLY_COVERED, "guardduty", "config", "cloudtrail", "kms", "waf"]
    )
    def test_offered_in_every_baseline_region(self, service):
        offered = catalog().service_regions(service)
        assert set(offered) >= set(pricing.regions.BASELINE_REGIONS)

    def test_inspector_and_security_hub_are_priced_in_us_east_1(self):
        # 40 instances × $0.00174 an hour × 730 hours = $50.808
        assert priced("inspector", "us-east-1", ec2_instances=40) == Decimal("50.808")
        # 100,000 × $0.001 + 400,000 × $0.0008 + 100,000 × $0.0005
        assert priced("security_hub", "us-east-1", security_checks=600_000) == Decimal(470)

    def test_an_input_still_without_a_price_in_a_region_is_unavailable_there(self):
        unavailable = catalog().unavailable_inputs("inspector", "ap-northeast-3")
        assert [spec.key for spec in unavailable] == [
            "code_repository_scans",
            "lambda_code_functions",
        ]

    def test_the_notes_list_what_is_not_priced(self):
        note = FOURTH_BOOK["source_note"]
        assert "- kms in ap-northeast-3: Key rotations (1st and 2nd of each key)" in note
        assert "- guardduty in eu-west-1: On-demand scans" in note
        assert "- inspector in eu-west-1: Code repository scans" in note
        assert "- acm in eu-west-1: Public certificates" in note
        assert "- network_firewall in ap-northeast-1: Advanced Inspection traffic" in note
        for words in ("secondary endpoints", "DNS Firewall Advanced", "removed in 13 Regions"):
            assert words in note
        assert "with Advanced Inspection: no price found" not in note
        assert "- inspector in us-east-1: every rate" not in note


class TestAdvancedInspectionEndpoints:
    def test_each_is_charged_on_top_of_the_endpoint_hour(self):
        # 2 × $0.395 × 730 = $576.70 for the endpoints, 2 × $0.926 × 730 = $1,351.96 on top
        total = priced(
            "network_firewall", "eu-central-1", endpoints=2, advanced_inspection_endpoints=2
        )
        assert total == Decimal("1928.66")

    def test_carries_the_usage_type_and_is_bounded_by_the_endpoints(self):
        rate = rows(FOURTH_BOOK)[("network_firewall", "advanced_inspection_endpoints", "eu-west-1")]
        assert rate["aws_usage_type"] == "Advanced-Inspection-Endpoint-Hour"
        with pytest.raises(pricing.PricingError):
            priced("network_firewall", "eu-west-1", endpoints=1, advanced_inspection_endpoints=2)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda example: example["id"])
def test_every_example_prices_to_the_cent(example):
    items = example_items(example)
    total = pricing.quote(catalog(), items, example["free_tier"]).monthly_total
    assert pricing.money(total) == pricing.money(Decimal(example["expected_monthly_total"]))


def test_the_examples_cover_each_newly_covered_service_in_three_regions():
    regions = example_regions(EXAMPLES)
    assert set(regions) == set(NEWLY_COVERED)
    assert all(len(found) >= 3 for found in regions.values()), regions
