"""Every price of the seeded book pinned to the price reference, row by row."""

from decimal import Decimal

import pytest

from estimates.models import PriceBook, Rate, UsageInput

from .conftest import load_data

REFERENCE = load_data("price_reference.json")
SERVICES = REFERENCE["services"]
RATES = [(code, key) for code, service in SERVICES.items() for key in service["rates"]]
ELEVEN = {
    "kms",
    "ssm_parameter_store",
    "secrets_manager",
    "acm",
    "private_ca",
    "waf",
    "shield",
    "firewall_manager",
    "guardduty",
    "inspector",
    "macie",
}


def reference_tiers(rate: dict) -> list[tuple[Decimal, Decimal]]:
    return [(Decimal(start), Decimal(price)) for start, price in rate["tiers"]]


class TestReferenceItself:
    """The hand-copied reference is consistent before the book is compared with it."""

    def test_names_the_readme_as_its_source(self):
        assert "README of shared/pricing" in REFERENCE["source"]
        assert "2026-11" in REFERENCE["source"]

    def test_has_the_eleven_services(self):
        assert set(SERVICES) == ELEVEN

    @pytest.mark.parametrize(("service", "key"), RATES)
    def test_rate_is_well_formed(self, service, key):
        rate = SERVICES[service]["rates"][key]
        starts = [Decimal(start) for start, _ in rate["tiers"]]
        assert set(rate["meters"]) <= set(SERVICES[service]["usage_keys"])
        assert starts[0] == 0
        assert starts == sorted(set(starts))
        assert all(isinstance(price, str) for _, price in rate["tiers"])
        assert Decimal(rate["per_units"]) > 0
        assert Decimal(rate["free_units"]) >= 0
        assert rate["grades"]
        assert set(rate["grades"]) <= set(REFERENCE["grades"])
        assert rate["source"]

    def test_every_usage_key_is_priced_by_a_rate_of_the_same_code(self):
        for service in SERVICES.values():
            assert set(service["rates"]) == set(service["usage_keys"])


@pytest.fixture
def specs(price_book):
    return price_book.catalog().services


class TestSeededBook:
    def test_is_the_published_first_book(self, price_book):
        assert price_book.name == REFERENCE["book_name"]
        assert price_book.is_published
        assert price_book.stored_is_published()
        assert price_book.published_at is not None

    def test_has_exactly_the_eleven_services(self, price_book):
        assert set(price_book.services.values_list("code", flat=True)) == ELEVEN
        assert set(price_book.catalog().services) == ELEVEN

    def test_service_names_are_the_references(self, specs):
        for code, service in SERVICES.items():
            assert service["name"] in specs[code].name

    @pytest.mark.parametrize("service", sorted(SERVICES))
    def test_usage_keys_are_the_public_contract(self, price_book, specs, service):
        keys = UsageInput.objects.filter(service__price_book=price_book, service__code=service)
        assert set(keys.values_list("key", flat=True)) == set(SERVICES[service]["usage_keys"])
        assert {spec.key for spec in specs[service].inputs} == set(SERVICES[service]["usage_keys"])

    @pytest.mark.parametrize("service", sorted(SERVICES))
    def test_has_no_rate_the_reference_lacks(self, price_book, specs, service):
        rates = Rate.objects.filter(service__price_book=price_book, service__code=service)
        assert sorted(rates.values_list("code", flat=True)) == sorted(SERVICES[service]["rates"])
        assert len(specs[service].rates) == len(SERVICES[service]["rates"])

    def test_every_meter_is_a_usage_input_of_its_service(self, specs):
        for spec in specs.values():
            keys = {usage_input.key for usage_input in spec.inputs}
            for rate in spec.rates:
                assert set(rate.meters) <= keys, f"{spec.code}.{rate.code}"

    def test_grade_e_rates_are_exactly_those_the_reference_marks_e(self, price_book):
        book_e = {
            (rate.service.code, rate.code)
            for rate in Rate.objects.filter(service__price_book=price_book, grade="E")
        }
        reference_e = {
            (code, key) for code, key in RATES if SERVICES[code]["rates"][key]["grades"] == ["E"]
        }
        assert reference_e == {
            ("private_ca", "ocsp_requests"),
            ("inspector", "lambda_code_functions"),
        }
        assert book_e == reference_e

    def test_totals_match_row_for_row(self, price_book):
        assert Rate.objects.filter(service__price_book=price_book).count() == len(RATES)


def book_rate(specs, service: str, key: str):
    matches = [rate for rate in specs[service].rates if rate.code == key]
    assert len(matches) == 1, f"{service}.{key}: {len(matches)} rates"
    return matches[0]


@pytest.mark.parametrize(("service", "key"), RATES)
class TestEveryRate:
    def test_meters(self, specs, service, key):
        expected = SERVICES[service]["rates"][key]["meters"]
        assert list(book_rate(specs, service, key).meters) == expected

    def test_per_units(self, specs, service, key):
        expected = Decimal(SERVICES[service]["rates"][key]["per_units"])
        assert book_rate(specs, service, key).per_units == expected

    def test_tiers(self, specs, service, key):
        expected = reference_tiers(SERVICES[service]["rates"][key])
        tiers = [(tier.start, tier.price) for tier in book_rate(specs, service, key).tiers]
        assert tiers == expected

    def test_free_units(self, specs, service, key):
        expected = Decimal(SERVICES[service]["rates"][key]["free_units"])
        assert book_rate(specs, service, key).free_units == expected

    def test_grade_is_one_of_the_references(self, specs, service, key):
        assert book_rate(specs, service, key).grade in SERVICES[service]["rates"][key]["grades"]

    def test_region(self, specs, service, key):
        assert book_rate(specs, service, key).region == SERVICES[service]["region"]

    def test_says_where_it_comes_from(self, specs, service, key):
        assert book_rate(specs, service, key).source.strip()


@pytest.mark.parametrize(("service", "key"), RATES)
def test_orm_rows_match_the_catalog(price_book, service, key):
    """The catalog is read from the rows; the rows themselves hold the reference's figures."""
    reference = SERVICES[service]["rates"][key]
    rate = Rate.objects.get(service__price_book=price_book, service__code=service, code=key)
    assert rate.meters.split() == reference["meters"]
    assert rate.per_units == Decimal(reference["per_units"])
    assert rate.free_units == Decimal(reference["free_units"])
    assert list(rate.tiers.order_by("start").values_list("start", "price")) == reference_tiers(
        reference
    )


def test_only_one_book_carries_the_name(price_book):
    assert PriceBook.objects.filter(name=REFERENCE["book_name"]).count() == 1
