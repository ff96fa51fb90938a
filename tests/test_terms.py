"""Terms over list prices (estimates/pricing/terms.py), with no database."""

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from estimates import pricing
from estimates.pricing import Item, projection
from estimates.pricing.terms import (
    RateOverride,
    Terms,
    allocate,
    apply_terms,
    compare_net,
    money_in,
    parse_terms,
    shown,
    terms_as_json,
)

from .conftest import SECOND_BOOK, catalog_from_book

CATALOG = catalog_from_book(SECOND_BOOK)
KMS = Item("kms", usage={"keys": Decimal(10), "symmetric_requests": Decimal(2_000_000)})
README_TERMS = Terms(
    discount_percent=Decimal(10),
    service_discounts={"kms": Decimal(20)},
    monthly_credits=Decimal(5),
    tax_percent=Decimal(20),
    currency="EUR",
    usd_rate=Decimal("0.92"),
)


def net_of(terms: Terms, *items: Item):
    listed = pricing.quote(CATALOG, items or [KMS])
    return apply_terms(CATALOG, listed, terms)


def test_the_readme_example_is_eur_8_56():
    net = net_of(README_TERMS)
    assert net.listed.monthly_total == Decimal("15.94")
    # (15.94 × 0.8 − 5) × 1.2 × 0.92, exact
    assert net.monthly_total() == Decimal("8.558208")
    assert pricing.cents(net.monthly_total()) == Decimal("8.56")
    assert net.currency == "EUR"
    assert net.monthly_subtotal == Decimal("11.73184")  # 15.94 × 0.8 × 0.92
    assert net.credits() == Decimal("4.60")  # 5 USD × 0.92
    assert net.tax() == Decimal("1.426368")


def test_the_readme_example_shows_cents_that_add_up():
    figures = shown(net_of(README_TERMS))
    assert figures.monthly_subtotal == Decimal("11.73")
    assert figures.credits == Decimal("4.60")
    # 1.426368 rounds to 1.43 here (largest remainder) so that 11.73 − 4.60 + 1.43 = 8.56
    assert figures.tax == Decimal("1.43")
    assert figures.monthly_total == Decimal("8.56")
    assert figures.items_monthly == [Decimal("11.73")]
    assert figures.lines_monthly == [[Decimal("7.36"), Decimal("4.37")]]


def test_list_terms_change_nothing():
    net = net_of(Terms())
    assert Terms().is_list
    assert net.monthly_total() == Decimal("15.94")
    assert net.first_12_months_total == Decimal("191.28")
    assert net.currency == "USD"


def test_a_discount_comes_off_every_line():
    net = net_of(Terms(discount_percent=Decimal(10)))
    assert [line.monthly for line in net.items[0].lines] == [Decimal("9.00"), Decimal("5.346")]
    assert net.items[0].lines[0].discount_percent == 10


def test_a_service_discount_replaces_the_overall_one_never_stacks():
    net = net_of(Terms(discount_percent=Decimal(10), service_discounts={"kms": Decimal(20)}))
    assert net.monthly_total() == Decimal("12.752")  # 15.94 × 0.8, not × 0.9 × 0.8
    other = net_of(Terms(discount_percent=Decimal(10), service_discounts={"waf": Decimal(50)}))
    assert other.monthly_total() == Decimal("14.346")  # kms keeps the overall 10


def test_an_override_prices_the_rate_flat_after_its_free_allowance_with_no_discount():
    terms = Terms(
        discount_percent=Decimal(20),
        rate_overrides=(RateOverride("kms", "symmetric_requests", Decimal("0.02")),),
    )
    net = net_of(terms)
    keys, requests = net.items[0].lines
    assert keys.monthly == Decimal("8.00")  # discounted
    # (2,000,000 − 20,000 free) ÷ 10,000 × $0.02, and no discount on top
    assert requests.monthly == Decimal("3.96")
    assert requests.discount_percent is None
    assert requests.override.unit_price == Decimal("0.02")
    assert requests.net_line.formula == "(2,000,000 − 20,000 free) ÷ 10,000 × $0.02 = $3.96"
    assert requests.line.cost == Decimal("5.94")  # the list line stays as it was


def test_an_override_replaces_every_tier():
    waf = Item("waf", usage={"web_acls": Decimal(1), "requests": Decimal(10_000_000)})
    listed = pricing.quote(CATALOG, [waf]).items[0]
    terms = Terms(rate_overrides=(RateOverride("waf", "requests", Decimal("0.50")),))
    net = net_of(terms, waf)
    by_key = {line.line.usage_key: line for line in net.items[0].lines}
    assert by_key["requests"].monthly == Decimal("5.00")  # 10,000,000 ÷ 1,000,000 × 0.50
    assert {line.usage_key for line in listed.lines} == set(by_key)


def test_credits_come_off_after_discounts_and_never_go_below_zero():
    net = net_of(Terms(discount_percent=Decimal(50), monthly_credits=Decimal(100)))
    assert net.credits() == Decimal("7.97")  # all of 15.94 × 0.5, not 100
    assert net.monthly_total() == 0
    assert net.tax() == 0


def test_tax_is_added_after_credits():
    net = net_of(Terms(monthly_credits=Decimal("5.94"), tax_percent=Decimal(20)))
    assert net.monthly_total() == Decimal("12.00")  # (15.94 − 5.94) × 1.2


def test_currency_is_the_last_step_and_credits_are_converted():
    usd = net_of(Terms(monthly_credits=Decimal(5), tax_percent=Decimal(10)))
    gbp = net_of(
        Terms(
            monthly_credits=Decimal(5),
            tax_percent=Decimal(10),
            currency="GBP",
            usd_rate=Decimal("0.79"),
        )
    )
    assert gbp.monthly_total() == usd.monthly_total() * Decimal("0.79")
    assert gbp.credits() == Decimal("3.95")


def test_credits_last_credit_months_and_first_12_months_counts_them():
    net = net_of(Terms(monthly_credits=Decimal(5), credit_months=3))
    assert net.monthly_total(3) == Decimal("10.94")
    assert net.monthly_total(4) == Decimal("15.94")
    assert net.first_12_months_total == Decimal("191.28") - 3 * 5


def test_upfront_fees_are_discounted_and_taxed_but_not_credited():
    kms = CATALOG.services["kms"]
    rates = tuple(
        replace(rate, billing=pricing.UPFRONT) if rate.code == "keys" else rate
        for rate in kms.rates
    )
    catalog = replace(CATALOG, services={**CATALOG.services, "kms": replace(kms, rates=rates)})
    listed = pricing.quote(catalog, [KMS])
    assert listed.upfront_total == Decimal("10.00")
    terms = Terms(discount_percent=Decimal(10), monthly_credits=Decimal(1), tax_percent=Decimal(10))
    net = apply_terms(catalog, listed, terms)
    assert net.upfront_total == Decimal("9.900")  # 10 × 0.9 × 1.1, no credit
    assert net.monthly_total() == Decimal("4.7806")  # (5.94 × 0.9 − 1) × 1.1
    assert net.first_12_months_total == Decimal("9.900") + 12 * Decimal("4.7806")


def test_money_in_names_the_currency():
    assert money_in(Decimal("1234.565"), "EUR") == "EUR 1,234.57"
    assert money_in(Decimal("-3"), "GBP") == "−GBP 3.00"


def test_allocate_gives_the_leftover_cents_to_the_largest_remainders():
    parts = [Decimal("0.333"), Decimal("0.333"), Decimal("0.334")]
    assert allocate(sum(parts), parts) == [Decimal("0.33"), Decimal("0.33"), Decimal("0.34")]
    thirds = [Decimal(1) / 3] * 3
    assert allocate(Decimal(1), thirds) == [Decimal("0.34"), Decimal("0.33"), Decimal("0.33")]


amounts = st.decimals(min_value=-1000, max_value=1000, places=6, allow_nan=False)


@given(st.lists(amounts, min_size=1, max_size=12))
def test_allocated_cents_add_up_and_each_is_within_a_cent(parts):
    total = sum(parts, Decimal(0))
    rounded = allocate(total, parts)
    assert sum(rounded, Decimal(0)) == pricing.cents(total)
    assert all(abs(r - p) < Decimal("0.01") for r, p in zip(rounded, parts, strict=True))


percents = st.decimals(min_value=0, max_value=100, places=2)
terms_strategy = st.builds(
    Terms,
    discount_percent=percents,
    service_discounts=st.dictionaries(st.sampled_from(["kms", "waf"]), percents, max_size=2),
    monthly_credits=st.decimals(min_value=0, max_value=50, places=2),
    credit_months=st.none() | st.integers(1, 24),
    tax_percent=percents,
    currency=st.sampled_from(["USD", "EUR", "JPY"]),
    usd_rate=st.decimals(min_value="0.0001", max_value=200, places=4),
)
usage = st.integers(0, 5_000_000)


@settings(max_examples=60, deadline=None)
@given(terms_strategy, usage, usage)
def test_shown_figures_add_up_and_the_net_is_never_negative(terms, keys, requests):
    kms = Item("kms", usage={"keys": Decimal(keys % 1000), "symmetric_requests": Decimal(requests)})
    waf = Item("waf", usage={"web_acls": Decimal(1), "requests": Decimal(requests)})
    net = net_of(terms, kms, waf)
    figures = shown(net)
    assert net.monthly_total() >= 0
    assert figures.monthly_subtotal - figures.credits + figures.tax == figures.monthly_total
    assert sum(figures.items_monthly, Decimal(0)) == figures.monthly_subtotal
    for item_shown, lines in zip(figures.items_monthly, figures.lines_monthly, strict=True):
        assert sum(lines, Decimal(0)) == item_shown


@settings(max_examples=40, deadline=None)
@given(percents, usage)
def test_a_discount_never_raises_the_price(percent, requests):
    item = Item("kms", usage={"symmetric_requests": Decimal(requests)})
    net = net_of(Terms(discount_percent=percent), item)
    assert net.monthly_total() <= net.listed.monthly_total


# ---------------------------------------------------------------------------------------------
# Reading terms


def errors_of(raw) -> dict[str, str]:
    terms, errors = parse_terms(CATALOG, raw)
    assert terms == Terms() or not errors
    return {error.field: error.message for error in errors}


def test_parse_reads_the_readme_terms_and_gives_them_back_as_given():
    raw = {
        "discount_percent": "10",
        "service_discounts": {"kms": "20"},
        "rate_overrides": [{"service": "waf", "rate": "requests", "unit_price": "0.50"}],
        "monthly_credits": "5",
        "tax_percent": "20",
        "currency": {"code": "EUR", "usd_rate": "0.92"},
    }
    terms, errors = parse_terms(CATALOG, raw)
    assert errors == []
    assert terms.service_discounts == {"kms": Decimal(20)}
    assert terms.rate_overrides == (RateOverride("waf", "requests", Decimal("0.50")),)
    assert terms_as_json(terms) == raw


@pytest.mark.parametrize(
    ("raw", "field", "message"),
    [
        ({"discount_percent": "101"}, "terms.discount_percent", "Enter a percent from 0 to 100."),
        ({"discount_percent": "-1"}, "terms.discount_percent", "Enter a percent from 0 to 100."),
        ({"discount_percent": "ten"}, "terms.discount_percent", "Enter a number."),
        ({"tax_percent": "100.5"}, "terms.tax_percent", "Enter a percent from 0 to 100."),
        (
            {"service_discounts": {"kmz": "5"}},
            "terms.service_discounts.kmz",
            "Unknown service 'kmz'.",
        ),
        (
            {"service_discounts": {"kms": "200"}},
            "terms.service_discounts.kms",
            "Enter a percent from 0 to 100.",
        ),
        (
            {"rate_overrides": [{"service": "waf", "rate": "nope", "unit_price": "1"}]},
            "terms.rate_overrides[0].rate",
            "AWS WAF has no rate 'nope'.",
        ),
        (
            {"rate_overrides": [{"service": "wax", "rate": "requests", "unit_price": "1"}]},
            "terms.rate_overrides[0].service",
            "Unknown service 'wax'.",
        ),
        (
            {"rate_overrides": [{"service": "waf", "rate": "requests", "unit_price": "-1"}]},
            "terms.rate_overrides[0].unit_price",
            "Enter a unit price of 0 or more.",
        ),
        ({"monthly_credits": "-5"}, "terms.monthly_credits", "Enter credits of 0 or more."),
        (
            {"currency": {"code": "EUX", "usd_rate": "1"}},
            "terms.currency.code",
            "Enter an ISO 4217 currency code in capitals, such as EUR or GBP.",
        ),
        (
            {"currency": {"code": "eur", "usd_rate": "1"}},
            "terms.currency.code",
            "Enter an ISO 4217 currency code in capitals, such as EUR or GBP.",
        ),
        (
            {"currency": {"code": "EUR", "usd_rate": "0"}},
            "terms.currency.usd_rate",
            "Enter the price of 1 USD in EUR, above 0.",
        ),
        (
            {"currency": {"code": "EUR", "usd_rate": "-0.92"}},
            "terms.currency.usd_rate",
            "Enter the price of 1 USD in EUR, above 0.",
        ),
        (
            {"credit_months": 0},
            "terms.credit_months",
            "Enter a whole number of months from 1 to 1,200.",
        ),
        ({"discount": "10"}, "terms.discount", "Unknown field 'discount'."),
        ("10%", "terms", "terms must be a JSON object."),
    ],
)
def test_bad_terms_name_their_field(raw, field, message):
    assert errors_of(raw).get(field) == message


def test_a_projection_projects_net_with_credits_for_credit_months():
    terms = replace(README_TERMS, credit_months=2)
    result = projection.project(
        CATALOG, [KMS], True, projection.Projection(12, Decimal(0)), terms=terms
    )
    assert result.net_currency == "EUR"
    assert result.monthly_totals[0] == Decimal("15.94")
    # months 1–2: (12.752 − 5) × 1.2 × 0.92; later: 12.752 × 1.2 × 0.92
    assert result.net_monthly_totals[:3] == (
        Decimal("8.558208"),
        Decimal("8.558208"),
        Decimal("14.0782080"),
    )
    assert result.net_total == 2 * Decimal("8.558208") + 10 * Decimal("14.0782080")


def test_a_growing_projection_prices_each_month_net():
    result = projection.project(
        CATALOG,
        [KMS],
        True,
        projection.Projection(12, Decimal(100)),
        terms=Terms(discount_percent=Decimal(50)),
    )
    for listed, net in zip(result.monthly_totals, result.net_monthly_totals, strict=True):
        assert net == listed / 2


def test_compare_tells_a_change_of_terms_from_a_change_of_usage():
    a = net_of(Terms(discount_percent=Decimal(10)))
    more_keys = Item("kms", usage={"keys": Decimal(20), "symmetric_requests": Decimal(2_000_000)})
    b = net_of(Terms(discount_percent=Decimal(20)), more_keys)
    compared = compare_net(CATALOG, a, b)
    assert compared.monthly_delta == Decimal("20.752") - Decimal("14.346")  # 25.94 × 0.8 − A
    assert compared.terms_effect == Decimal("12.752") - Decimal("14.346")  # A's usage at B's 20%
    assert compared.usage_effect == Decimal("8.000")  # 10 more keys at 20% off
    assert compared.terms_effect + compared.usage_effect == compared.monthly_delta


def test_compare_across_currencies_gives_only_the_usage_effect_in_bs_currency():
    a = net_of(Terms())
    b = net_of(Terms(currency="EUR", usd_rate=Decimal("0.5")))
    compared = compare_net(CATALOG, a, b)
    assert compared.monthly_delta is None and compared.terms_effect is None
    assert compared.usage_effect == 0  # same usage: all of the change is the terms'
    assert compared.no_split_because == "A is in USD, B in EUR."
