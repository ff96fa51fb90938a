"""The 2027-01 price book file: built by its script from the research, every rate pinned to the
reference written from the research rows, no price borrowed from another Region, item 5's new
dimensions priced exactly, and the worked examples to the cent. No database."""

import subprocess
import sys
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from estimates import pricing
from estimates.prices.book_file import PRICE_BOOKS, catalog_from_book

from .conftest import SECOND_BOOK, THIRD_BOOK, example_items, example_regions, load_data

ROOT = Path(__file__).resolve().parent.parent
BOOK_FILE = PRICE_BOOKS / "aws-2027-01.json"
REFERENCE = load_data("price_reference_2027_01.json")
EXAMPLES = load_data("examples_2027_01.json")["examples"]
NOT_IN_THE_BOOK = {("config", "proactive_rule_evaluations_detective_enabled")}


@cache
def catalog() -> pricing.Catalog:
    return catalog_from_book(THIRD_BOOK)


def rows() -> dict[tuple[str, str, str], dict]:
    return {
        (service["code"], rate["code"], region): rate
        for service in THIRD_BOOK["services"]
        for rate in service["rates"]
        for region in rate["regions"]
    }


def expected(section: str) -> list[tuple[tuple[str, str, str], dict]]:
    return [
        ((service, rate, region), entry)
        for service, rates in REFERENCE[section].items()
        for rate, by_region in rates.items()
        for region, entry in by_region.items()
        if (service, rate) not in NOT_IN_THE_BOOK
    ]


def tiers(entry: dict) -> list[tuple[Decimal, Decimal]]:
    return [(Decimal(start), Decimal(price)) for start, price in entry["tiers"]]


def book_tiers(rate: dict) -> list[tuple[Decimal, Decimal]]:
    return [(tier["start"], tier["price"]) for tier in rate["tiers"]]


def priced(service: str, region: str, **usage) -> Decimal:
    item = pricing.Item(service, region, usage={k: Decimal(v) for k, v in usage.items()})
    return pricing.quote(catalog(), [item]).monthly_total


class TestTheFile:
    def test_reads_and_is_what_the_script_builds_from_the_research(self):
        assert THIRD_BOOK["name"] == REFERENCE["book_name"] == "AWS list prices, 2027-01"
        assert THIRD_BOOK["effective_date"] == REFERENCE["effective_date"]
        script = ROOT / "scripts" / "build_price_book_2027_01.py"
        done = subprocess.run(
            [sys.executable, str(script), "--check"], capture_output=True, text=True, cwd=ROOT
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert done.stdout.strip() == "aws-2027-01.json is up to date."

    def test_keeps_the_public_contract_of_the_2026_12_book(self):
        old = {s["code"]: [i["key"] for i in s["inputs"]] for s in SECOND_BOOK["services"]}
        new = {s["code"]: [i["key"] for i in s["inputs"]] for s in THIRD_BOOK["services"]}
        assert list(new) == list(old)
        for code, keys in old.items():
            assert new[code][: len(keys)] == keys, code


class TestEveryRateIsPinned:
    @pytest.mark.parametrize(("key", "entry"), expected("services"), ids=lambda v: str(v))
    def test_a_researched_rate_is_the_research_row(self, key, entry):
        service, code, region = key
        rate = rows().get(key) or rows().get((service, code, pricing.ALL_REGIONS))
        assert rate is not None, f"{key} is not priced"
        assert book_tiers(rate) == tiers(entry)
        assert rate["per_units"] == Decimal(entry["per_units"])
        if rate["regions"] == (region,):  # its own row, not the all-Regions one
            assert rate["free_units"] == Decimal(entry["free_units"]) or (
                service == "kms" and entry["free_units"] == "0"  # KMS's free tier is global
            )
            assert rate["grade"] == entry["grade"]
            assert f"research {entry['research']})" in rate["source"]
            if entry["usage_type"]:
                assert rate["aws_usage_type"] == entry["usage_type"]

    @pytest.mark.parametrize(
        ("key", "entry"), expected("carried_from_2026_12"), ids=lambda v: str(v)
    )
    def test_a_rate_the_research_did_not_cover_keeps_its_own_regions_2026_12_price(
        self, key, entry
    ):
        rate = rows()[key]
        assert book_tiers(rate) == tiers(entry)
        assert rate["free_units"] == Decimal(entry["free_units"])
        assert "us-east-1 assumed" not in rate["source"]

    def test_every_row_of_the_book_is_in_the_reference(self):
        pinned = {key for key, _ in expected("services") + expected("carried_from_2026_12")}
        assert set(rows()) - pinned == set()

    def test_no_row_is_an_assumed_copy_of_another_region(self):
        assert [key for key, rate in rows().items() if "assumed" in rate["source"]] == []

    def test_every_rate_says_where_it_comes_from_and_its_usage_type(self):
        for key, rate in rows().items():
            assert rate["source"].strip(), key
            assert rate["grade"] in "ABCDE", key
        typed = [key for key, rate in rows().items() if rate["aws_usage_type"]]
        assert len(typed) >= 0.8 * len(rows())


class TestCoverage:
    def test_guardduty_in_tokyo_with_ten_million_management_events(self):
        assert priced("guardduty", "ap-northeast-1", cloudtrail_management_events=10_000_000) == (
            Decimal("47.20")
        )

    @pytest.mark.parametrize("service", ["guardduty", "config", "cloudtrail", "kms", "waf"])
    def test_priced_in_every_baseline_region(self, service):
        offered = catalog().service_regions(service)
        assert set(offered) >= set(pricing.regions.BASELINE_REGIONS)

    def test_an_input_without_a_price_in_a_region_is_unavailable_there(self):
        unavailable = catalog().unavailable_inputs("guardduty", "eu-west-1")
        assert [spec.key for spec in unavailable] == ["malware_on_demand_gb"]

    def test_the_notes_list_what_is_not_priced(self):
        note = THIRD_BOOK["source_note"]
        assert "- inspector in eu-west-1: every rate" in note
        assert "- guardduty in eu-west-1: On-demand scans" in note
        assert "Network Firewall secondary endpoints" in note


class TestMissingDimensions:
    """Item 5: each new dimension at its source's price, to the cent."""

    def test_cloudtrail_network_activity_events_cost_ten_cents_per_100000(self):
        assert priced("cloudtrail", "us-east-2", network_activity_events=300_000) == Decimal("0.30")

    def test_cloudtrail_insights_on_data_events(self):
        assert priced("cloudtrail", "us-east-2", data_insights_events=1_000_000) == Decimal("0.30")

    def test_cloudtrail_lake_ingestion_tiers_retention_and_queries(self):
        # 5,120 GB × $2.50 + 880 GB × $1.00
        assert priced("cloudtrail", "us-east-2", lake_ingestion_7yr_gb=6000) == Decimal("13680")
        assert priced("cloudtrail", "us-east-2", lake_ingestion_cloudtrail_gb=100) == Decimal(75)
        assert priced("cloudtrail", "us-east-2", lake_ingestion_other_gb=100) == Decimal(50)
        assert priced("cloudtrail", "us-east-2", lake_extended_retention_gb=100) == Decimal("2.3")
        assert priced("cloudtrail", "us-east-2", lake_query_scanned_gb=1000) == Decimal(5)

    def test_config_proactive_evaluations(self):
        assert priced("config", "ap-southeast-2", proactive_rule_evaluations=50_000) == Decimal(50)

    def test_network_firewall_advanced_inspection_traffic_is_free(self):
        assert priced("network_firewall", "us-east-1", advanced_inspection_gb=1000) == 0
        rate = rows()[("network_firewall", "advanced_inspection_gb", "us-east-1")]
        assert rate["aws_usage_type"] == "Advanced-Inspection-Traffic-GB-Processed"

    def test_dns_firewall_advanced_and_the_unpriced_dimensions_are_named_not_priced(self):
        keys = [spec.key for spec in catalog().services["dns_firewall"].inputs]
        assert keys == ["domains", "queries"]
        for words in ("DNS Firewall Advanced", "secondary endpoints", "with Advanced Inspection"):
            assert words in THIRD_BOOK["source_note"]

    def test_every_input_has_a_price_somewhere(self):
        for code, service in catalog().services.items():
            for spec in service.inputs:
                metered = any(spec.key in rate.meters for rate in service.rates)
                flag = any(w.flag == spec.key for w in catalog().waivers)
                assert metered or flag or spec.requires_key, (code, spec.key)

    def test_private_ca_certificates_are_counted_per_issuing_account_and_region(self):
        for code in ("private_certificates", "short_lived_certificates"):
            rate = rows()[("private_ca", code, "us-east-1")]
            assert rate["pooling"] == pricing.ACCOUNT_REGION
            assert "incurred in the AWS account from which you issue" in rate["pooling_source"]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda example: example["id"])
def test_every_example_prices_to_the_cent(example):
    items = example_items(example)
    total = pricing.quote(catalog(), items, example["free_tier"]).monthly_total
    assert pricing.money(total) == pricing.money(Decimal(example["expected_monthly_total"]))


def test_the_examples_cover_each_service_in_up_to_three_regions():
    regions = example_regions(EXAMPLES)
    assert sum(len(found) >= 3 for found in regions.values()) >= 8
    assert regions["guardduty"] >= {"ap-northeast-1"}
