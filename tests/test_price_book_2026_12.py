"""The 2026-12 price book file: it reads, every rate matches the hand-typed reference row by row,
the first book's public contract holds, and the worked examples price to the cent. No database."""

import re
from decimal import Decimal
from functools import cache

import pytest

from estimates import pricing
from estimates.models import Rate, Service, UsageInput, Waiver
from estimates.prices.book_file import PRICE_BOOKS, catalog_from_book, read_price_book

from .conftest import load_data

BOOK_FILE = PRICE_BOOKS / "aws-2026-12.json"
REFERENCE = load_data("price_reference_2026_12.json")
SERVICES = REFERENCE["services"]
RATES = [(code, key) for code, service in SERVICES.items() for key in service["rates"]]
FIRST_CONTRACT = load_data("price_reference.json")["services"]
RETIRED = {(code, key) for code, keys in REFERENCE["retired_keys"].items() for key in keys}
EXAMPLES = load_data("examples_2026_12.json")["examples"]
NEW_SERVICES = {"config", "cloudtrail", "security_hub", "network_firewall", "dns_firewall"}


@cache
def book() -> dict:
    return read_price_book(BOOK_FILE)


@cache
def catalog() -> pricing.Catalog:
    return catalog_from_book(book())


def rows(service: str, key: str) -> list[pricing.RateSpec]:
    return [rate for rate in catalog().services[service].rates if rate.code == key]


def reference_regions(regions: list[str]) -> set[str]:
    """'*' in the reference means every Region of the book."""
    return set(catalog().regions) if regions == ["*"] else set(regions)


def tiers(reference: dict) -> list[tuple[Decimal, Decimal]]:
    return [(Decimal(str(start)), Decimal(price)) for start, price in reference["tiers"]]


def items_of(example: dict) -> list[pricing.Item]:
    return [
        pricing.Item(
            service=raw["service"],
            region=raw["region"],
            usage={key: Decimal(str(value)) for key, value in raw["usage"].items()},
        )
        for raw in example["items"]
    ]


class TestTheFile:
    def test_reads_without_errors(self):
        data = read_price_book(BOOK_FILE)  # raises PriceBookFileError naming every problem

        assert data["format"] == 2
        assert data["name"] == REFERENCE["book_name"] == "AWS list prices, 2026-12"
        assert data["effective_date"] == REFERENCE["effective_date"] == "2026-12-01"

    def test_has_the_eleven_services_and_the_five_new_ones(self):
        codes = [service["code"] for service in book()["services"]]
        assert set(codes) == set(SERVICES)
        assert set(codes) == set(FIRST_CONTRACT) | NEW_SERVICES
        assert codes[: len(FIRST_CONTRACT)] == list(FIRST_CONTRACT)

    def test_every_service_says_what_it_is_and_helps_a_decision(self):
        for service in book()["services"]:
            assert service["summary"].strip(), service["code"]
            assert len(service["guidance"]) >= 3, service["code"]
        for code in NEW_SERVICES:
            service = next(s for s in book()["services"] if s["code"] == code)
            assert service["free_tier_note"].strip(), code

    def test_texts_fit_their_columns(self):
        """A text longer than its column would not load into PostgreSQL."""

        def limit(model, field: str) -> int:
            return model._meta.get_field(field).max_length

        for service in book()["services"]:
            for field in ("summary", "free_tier_note"):
                assert len(service[field]) <= limit(Service, field), service["code"]
            for usage_input in service["inputs"]:
                for field in ("label", "unit", "help"):
                    assert len(usage_input[field]) <= limit(UsageInput, field), usage_input["key"]
            for rate in service["rates"]:
                for field in ("label", "unit", "source", "aws_usage_type", "pooling_source"):
                    assert len(rate[field]) <= limit(Rate, field), (rate["code"], field)
            for waiver in service["waivers"]:
                for field in ("reason", "source"):
                    assert len(waiver[field]) <= limit(Waiver, field), field


class TestTheReferenceItself:
    @pytest.mark.parametrize(("service", "key"), RATES)
    def test_rate_is_well_formed(self, service, key):
        rate = SERVICES[service]["rates"][key]
        starts = [Decimal(str(start)) for start, _ in rate["tiers"]]
        assert set(rate["meters"]) <= set(SERVICES[service]["usage_keys"])
        assert starts[0] == 0
        assert starts == sorted(set(starts))
        assert rate["grades"]
        assert set(rate["grades"]) <= set(REFERENCE["grades"])
        assert set(rate.get("region_grades", {}).values()) <= set(rate["grades"])
        if "region_grades" in rate:
            assert set(rate["region_grades"]) == set(rate["regions"])
        assert rate["pooling"] in pricing.POOLING_LEVELS
        assert rate["source"]

    @pytest.mark.parametrize("service", sorted(SERVICES))
    def test_service_regions_are_those_every_rate_has(self, service):
        rates = SERVICES[service]["rates"].values()
        common = set.intersection(*(set(rate["regions"]) for rate in rates))
        assert common == set(SERVICES[service]["regions"])


class TestEveryRateMatchesTheReference:
    @pytest.mark.parametrize("service", sorted(SERVICES))
    def test_the_book_has_exactly_the_references_rates(self, service):
        codes = {rate.code for rate in catalog().services[service].rates}
        assert codes == set(SERVICES[service]["rates"])

    @pytest.mark.parametrize("service", sorted(SERVICES))
    def test_usage_keys(self, service):
        keys = {usage_input.key for usage_input in catalog().services[service].inputs}
        assert keys == set(SERVICES[service]["usage_keys"])

    @pytest.mark.parametrize("service", sorted(SERVICES))
    def test_service_is_offered_in_the_references_regions(self, service):
        offered = set(catalog().service_regions(service))
        assert offered == reference_regions(SERVICES[service]["regions"])

    @pytest.mark.parametrize(("service", "key"), RATES)
    def test_regions(self, service, key):
        regions = {row.region for row in rows(service, key)}
        assert regions == set(SERVICES[service]["rates"][key]["regions"])
        assert len(rows(service, key)) == len(regions)

    @pytest.mark.parametrize(("service", "key"), RATES)
    def test_meters_per_units_tiers_and_free_units(self, service, key):
        reference = SERVICES[service]["rates"][key]
        for row in rows(service, key):
            assert list(row.meters) == reference["meters"], row.region
            assert row.per_units == Decimal(str(reference["per_units"])), row.region
            assert [(tier.start, tier.price) for tier in row.tiers] == tiers(reference), row.region
            assert row.free_units == Decimal(str(reference["free_units"])), row.region

    @pytest.mark.parametrize(("service", "key"), RATES)
    def test_grade(self, service, key):
        reference = SERVICES[service]["rates"][key]
        for row in rows(service, key):
            assert row.grade in reference["grades"], row.region
            if "region_grades" in reference:
                assert row.grade == reference["region_grades"][row.region], row.region

    @pytest.mark.parametrize(("service", "key"), RATES)
    def test_pooling_with_awss_word_for_it(self, service, key):
        for row in rows(service, key):
            assert row.pooling == SERVICES[service]["rates"][key]["pooling"], row.region
            assert row.pooling_source.strip(), row.region
            assert re.search(r"\b[A-E]\)", row.pooling_source), row.region

    @pytest.mark.parametrize(("service", "key"), RATES)
    def test_source_names_its_grade(self, service, key):
        for row in rows(service, key):
            assert f"({row.grade}" in row.source or f", {row.grade})" in row.source, row.source

    def test_a_rate_that_pools_across_regions_prices_alike_in_every_region(self):
        """The engine pools `organization` rates across the Regions that price them alike
        (their sources and grades may differ): one free allowance for the organisation."""
        for service in catalog().services.values():
            for code in {rate.code for rate in service.rates}:
                specs = [rate for rate in service.rates if rate.code == code]
                if specs[0].pooling == pricing.ORGANIZATION:
                    prices = {
                        (spec.per_units, spec.tiers, spec.free_units, spec.billing)
                        for spec in specs
                    }
                    assert len(prices) == 1, code

    def test_the_waf_waiver_is_the_references(self):
        waivers = [waiver for waiver in catalog().waivers if waiver.service == "waf"]
        assert [
            {
                "flag": waiver.flag,
                "rate_codes": list(waiver.rates),
                "requires_service": waiver.requires_service,
                "requires_key": waiver.requires_key,
            }
            for waiver in waivers
        ] == [
            {key: value for key, value in waiver.items() if key != "source"}
            for waiver in SERVICES["waf"]["waivers"]
        ]
        assert all(waiver.source and waiver.reason for waiver in waivers)
        assert all(waiver.source.endswith("(A)") for waiver in waivers)


class TestTheFirstBooksContract:
    @pytest.mark.parametrize("service", sorted(FIRST_CONTRACT))
    def test_every_code_and_key_is_kept_but_the_two_retired(self, service):
        assert service in catalog().services
        keys = {usage_input.key for usage_input in catalog().services[service].inputs}
        contract = set(FIRST_CONTRACT[service]["usage_keys"])
        retired = {key for code, key in RETIRED if code == service}
        assert contract - retired <= keys
        assert not retired & keys

    def test_exactly_two_keys_are_retired(self):
        retired = {("guardduty", "runtime_monitoring_vcpus"), ("private_ca", "ocsp_requests")}
        assert retired == RETIRED


class TestWorkedExamples:
    def test_every_new_service_has_an_example(self):
        priced = {item["service"] for example in EXAMPLES for item in example["items"]}
        assert priced >= NEW_SERVICES

    @pytest.mark.parametrize("example", EXAMPLES, ids=[example["id"] for example in EXAMPLES])
    def test_prices_to_the_cent(self, example):
        quote = pricing.quote(catalog(), items_of(example), example["free_tier"])

        assert pricing.cents(quote.monthly_total) == Decimal(example["expected_monthly_total"])
        assert example["source"]
