"""The projection over 12, 24 or 36 months: the engine's own pricing month by month, no database."""

import time
from dataclasses import replace
from decimal import ROUND_FLOOR, Decimal, localcontext

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from estimates import pricing
from estimates.prices.book_file import catalog_from_book
from estimates.pricing import Item, PricingError
from estimates.pricing import projection as projection_module
from estimates.pricing.projection import (
    GROWTH_FIELD,
    MONTHS_FIELD,
    Projection,
    check_projection,
    grow,
    grown_items,
    growth_factor,
    parse_growth,
    parse_months,
    parse_projection,
    project,
)

from .conftest import SECOND_BOOK, first_catalog

D = Decimal
CATALOG = first_catalog()
SECOND_CATALOG = catalog_from_book(SECOND_BOOK)
KMS = Item("kms", usage={"keys": D(10), "symmetric_requests": D(2_000_000)})


def cents(amounts) -> list[str]:
    return [pricing.amount_text(amount) for amount in amounts]


@pytest.mark.parametrize("months", [12, 24, 36])
def test_no_growth_is_months_times_monthly_plus_upfront(months):
    acm = replace(CATALOG.services["acm"])
    exportable = next(r for r in acm.rates if r.code == "exportable_fqdn_certificates")
    upfront = replace(exportable, billing=pricing.UPFRONT)
    services = dict(CATALOG.services)
    services["acm"] = replace(
        acm, rates=tuple(upfront if r is exportable else r for r in acm.rates)
    )
    catalog = replace(CATALOG, services=services)
    items = [KMS, Item("acm", usage={"exportable_fqdn_certificates": D(4)})]
    first = pricing.quote(catalog, items)
    assert first.upfront_total > 0

    result = project(catalog, items, True, Projection(months, D(0)))

    assert result.total == months * first.monthly_total + first.upfront_total
    assert result.months[0].upfront == first.upfront_total
    assert all(month.upfront == 0 for month in result.months[1:])
    assert len(result.monthly_totals) == months


def test_twelve_months_without_growth_is_the_first_12_months_total():
    result = project(CATALOG, [KMS], True, Projection())

    assert result.total == pricing.quote(CATALOG, [KMS]).first_12_months_total == D("191.28")


def test_month_m_is_a_quote_of_the_grown_usage():
    result = project(CATALOG, [KMS], True, Projection(12, D(10)))

    # Month 3: × 1.1² = 1.21. Keys are key-months, prorated, so 12.1 is billed as it is.
    grown = Item("kms", usage={"keys": D("12.1"), "symmetric_requests": D(2_420_000)})
    assert result.months[2].monthly == pricing.quote(CATALOG, [grown]).monthly_total
    assert pricing.amount_text(result.months[2].monthly) == "19.30"


def test_a_sample_36_month_projection_at_2_5_percent():
    result = project(CATALOG, [KMS], True, Projection(36, D("2.5")))

    assert cents(result.monthly_totals[:3]) == ["15.94", "16.34", "16.75"]
    assert pricing.amount_text(result.total) == "914.66"


def test_a_tier_crossed_in_month_7_changes_the_price_in_month_7():
    # Private CA certificates: $0.75 each up to 1,000, then $0.35. 600 × 1.1^(m−1), whole.
    certificates = Item("private_ca", usage={"private_certificates": D(600)})

    result = project(CATALOG, [certificates], True, Projection(12, D(10)))

    assert cents(result.monthly_totals[:7]) == [
        "450.00",  # 600 × $0.75
        "495.00",  # 660
        "544.50",  # 726
        "598.50",  # 798.6 → 798
        "658.50",  # 878.46 → 878
        "724.50",  # 966.306 → 966, still all at $0.75
        "771.70",  # 1,062.9366 → 1,062: 1,000 × $0.75 + 62 × $0.35
    ]


def test_free_allowances_apply_to_each_month_not_to_a_scaled_total():
    # 10,000 KMS requests are inside the 20,000 free; at +50% a month they leave it in month 3.
    requests = Item("kms", usage={"symmetric_requests": D(10_000)})

    result = project(CATALOG, [requests], True, Projection(12, D(50)))

    assert result.months[0].monthly == result.months[1].monthly == 0  # 10,000, 15,000
    # Month 3: 22,500 requests, 2,500 billed at $0.03 per 10,000.
    assert result.months[2].monthly == D("0.0075")


def test_whole_unit_inputs_round_down_each_month():
    certificates = Item("private_ca", usage={"private_certificates": D(3)})

    result = project(CATALOG, [certificates], True, Projection(12, D(30)))

    # 3 × 1.3 = 3.9 → 3 certificates; 3 × 1.69 = 5.07 → 5; 3 × 2.197 = 6.591 → 6; at $0.75.
    assert cents(result.monthly_totals[:4]) == ["2.25", "2.25", "3.75", "4.50"]


def test_a_grown_quantity_keeps_ten_decimal_places_rounded_down():
    # 1.0000000007 × 1.5 = 1.50000000105 exactly; a whole unit input: 3 × 1.69 = 5.07 → 5.
    assert grow(D("1.0000000007"), D("1.5"), whole=False) == D("1.5000000010")
    assert grow(D(3), D("1.69"), whole=True) == D(5)
    assert grow(D("1.0000000007"), D(1), whole=False) == D("1.0000000007")  # as typed

    requests = Item("kms", usage={"symmetric_requests": D("30000.0000000007")})
    result = project(CATALOG, [requests], True, Projection(12, D(50)))

    # Month 2: 45,000.0000000010 requests, 25,000.000000001 past the 20,000 free at $0.03 per
    # 10,000 (the exact product, 45,000.00000000105, is rounded down to ten places).
    assert result.months[1].monthly == D("0.075000000000003")


def test_minus_100_percent_stops_all_usage_after_month_1():
    result = project(CATALOG, [KMS], True, Projection(24, D(-100)))

    assert pricing.amount_text(result.months[0].total) == "15.94"
    assert all(month.total == 0 for month in result.months[1:])
    assert pricing.amount_text(result.total) == "15.94"


def test_shrinking_usage_costs_less_each_month():
    result = project(CATALOG, [KMS], True, Projection(12, D(-10)))

    totals = result.monthly_totals
    assert all(later <= earlier for earlier, later in zip(totals, totals[1:], strict=False))
    assert totals[-1] < totals[0]


def test_shield_advanced_commits_twelve_months_from_month_1():
    shield = Item("shield", usage={"advanced_subscriptions": D(1), "cloudfront_dto_gb": D(1000)})

    result = project(CATALOG, [shield], True, Projection(36, D(0)))

    (commitment,) = result.commitments
    assert (commitment.service, commitment.usage_key) == ("shield", "advanced_subscriptions")
    assert (commitment.first_month, commitment.last_month, commitment.months) == (1, 12, 12)
    assert commitment.monthly == D("3000.00")
    assert commitment.committed_total == D("36000.00")


def test_a_rate_without_a_term_commits_nothing():
    assert project(CATALOG, [KMS], True, Projection()).commitments == ()


def test_a_zero_quantity_commits_nothing():
    shield = Item("shield", usage={"advanced_subscriptions": D(0)})

    assert project(CATALOG, [shield], True, Projection()).commitments == ()


def test_a_grown_quantity_above_its_bound_is_priced_and_named():
    # At most 10,000 standard parameters; 9,000 at 10% a month are 10,890 in month 3.
    parameters = Item("ssm_parameter_store", usage={"standard_parameters": D(9_000)})

    result = project(CATALOG, [parameters], True, Projection(12, D(10)))

    (over,) = result.over_limits
    assert (over.usage_key, over.month, over.quantity, over.max_value) == (
        "standard_parameters",
        3,
        D(10_890),
        D(10_000),
    )


def test_a_switch_does_not_grow():
    # A Shield Advanced subscription is 0 or 1: growth makes it neither 2 nor 0.5.
    shield = Item("shield", usage={"advanced_subscriptions": D(1)})

    result = project(CATALOG, [shield], True, Projection(36, D("2.5")))

    assert result.over_limits == ()
    assert {month.monthly for month in result.months} == {D(3000)}
    assert result.total == D(108_000)


def test_growth_past_what_the_engine_takes_is_an_error_naming_the_month():
    requests = Item("kms", usage={"symmetric_requests": D(10) ** 13})

    with pytest.raises(PricingError) as raised:
        project(CATALOG, [requests], True, Projection(36, D(100)))

    (error,) = raised.value.errors
    assert error.field == GROWTH_FIELD
    # 10^13 × 2^7 = 1.28 × 10^15 is the first month past 10^15.
    assert "in month 8" in error.message
    assert "symmetric" in error.message.lower()


def test_items_are_checked_before_projecting():
    with pytest.raises(PricingError) as raised:
        project(CATALOG, [Item("kms", usage={"keys": D(-1)})], True, Projection())

    assert raised.value.errors[0].field == "keys"


@pytest.mark.parametrize(
    ("projection", "field"),
    [
        (Projection(6, D(0)), MONTHS_FIELD),
        (Projection(True, D(0)), MONTHS_FIELD),
        (Projection(12, D("-100.0001")), GROWTH_FIELD),
        (Projection(12, D("1000.0001")), GROWTH_FIELD),
        (Projection(12, D("1.00001")), GROWTH_FIELD),
        (Projection(12, D("NaN")), GROWTH_FIELD),
        (Projection(12, D("Infinity")), GROWTH_FIELD),
    ],
)
def test_a_projection_out_of_bounds_is_refused_with_its_field(projection, field):
    assert [error.field for error in check_projection(projection)] == [field]
    with pytest.raises(PricingError):
        project(CATALOG, [KMS], True, projection)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("2.5", D("2.5")), (" -1 ", D(-1)), ("2.5%", D("2.5")), ("−3", D(-3)), (7, D(7)), ("", D(0))],
)
def test_growth_is_read_from_text_or_numbers(raw, expected):
    assert parse_growth(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["abc", "1e400", "NaN", "-Infinity", True, "1,5", "-101", "1000.5", "0.00001", [], {}],
)
def test_growth_that_is_not_a_rate_is_a_message(raw):
    with pytest.raises(ValueError, match="."):
        parse_growth(raw)


@pytest.mark.parametrize(("raw", "expected"), [(12, 12), ("24", 24), (D(36), 36), (None, 12)])
def test_months_are_12_24_or_36(raw, expected):
    assert parse_months(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [0, 1, 13, 48, -12, "12.5", "twelve", True, D("12.5"), 12.0, [], D("NaN"), D("sNaN")],
)
def test_other_months_are_a_message(raw):
    with pytest.raises(ValueError, match="12, 24 or 36"):
        parse_months(raw)


def test_a_month_count_with_a_huge_exponent_is_refused_at_once():
    # Found by the hostile-JSON fuzzing: int(Decimal("1e999999999")) builds a billion digits.
    start = time.perf_counter()

    with pytest.raises(ValueError, match="12, 24 or 36"):
        parse_months(D("1e999999999"))

    assert time.perf_counter() - start < 0.1


def test_parse_projection_reports_both_fields():
    projection, errors = parse_projection({"months": 7, "monthly_growth_percent": "x"})

    assert [error.field for error in errors] == [MONTHS_FIELD, GROWTH_FIELD]
    assert parse_projection({"months": 36, "monthly_growth_percent": "2.5"}) == (
        Projection(36, D("2.5")),
        [],
    )
    assert parse_projection("36")[1][0].field == "projection"


@settings(max_examples=60, deadline=None)
@given(
    certificates=st.integers(min_value=0, max_value=20_000),
    requests=st.decimals(min_value=0, max_value=10**9, places=2),
    growth=st.decimals(min_value=-100, max_value=30, places=4),
    month=st.integers(min_value=1, max_value=36),
)
def test_every_month_is_the_engine_on_that_months_usage(certificates, requests, growth, month):
    items = [
        Item("private_ca", usage={"private_certificates": D(certificates)}),
        Item("kms", usage={"symmetric_requests": requests}),
    ]

    result = project(CATALOG, items, True, Projection(36, growth))

    with localcontext() as context:
        context.prec = pricing.PRECISION
        factor = D(1) if month == 1 else (1 + growth / 100) ** (month - 1)
        assert growth_factor(growth, month) == factor
        context.prec = 200  # each grown quantity is the exact product, rounded down
        whole = (certificates * factor).to_integral_value(rounding=ROUND_FLOOR)
        places = (requests * factor).quantize(D("1e-10"), rounding=ROUND_FLOOR)
        grown = [
            Item("private_ca", usage={"private_certificates": whole}),
            Item("kms", usage={"symmetric_requests": places if month > 1 else requests}),
        ]
    expected = pricing.price_items(CATALOG, grown).monthly_total
    assert result.months[month - 1].monthly == expected
    assert result.total == pricing.exact_sum(result.monthly_totals)


def full_quote_per_month(catalog, items, free_tier, plan) -> list[Decimal]:
    """The projection the way it was first written: a full quote of every month's usage."""
    first = pricing.quote(catalog, items, free_tier)
    totals = [pricing.exact_sum([first.monthly_total, first.upfront_total])]
    for month in range(2, plan.months + 1):
        grown = grown_items(catalog, items, plan.monthly_growth_percent, month)
        totals.append(pricing.price_items(catalog, grown, free_tier).monthly_total)
    return totals


@st.composite
def estimates(draw, catalog):
    """Cards of any services, Regions, accounts and usage within each input's bounds, with the
    usage the engine would refuse (a rule between inputs, a waiver with no grant) taken out."""
    items = []
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        code = draw(st.sampled_from(sorted(catalog.services)))
        service = catalog.services[code]
        offered = catalog.service_regions(code)
        regions = draw(st.lists(st.sampled_from(offered), min_size=1, max_size=3, unique=True))
        usage = {}
        for spec in service.inputs:
            if draw(st.booleans()):
                high = min(spec.max_value, D(10) ** draw(st.integers(min_value=0, max_value=12)))
                places = 0 if spec.whole else 3
                usage[spec.key] = draw(
                    st.decimals(min_value=spec.min_value, max_value=high, places=places)
                )
        accounts = draw(st.sampled_from([1, 1, 3, 40, 100_000]))
        items.append(Item(code, usage=usage, accounts=accounts, regions=tuple(regions)))
    for _ in range(4):
        errors = pricing.check_items(catalog, tuple(items))
        if not errors:
            return items
        for error in errors:
            item = items[error.item]
            usage = {key: value for key, value in item.usage.items() if key != error.field}
            items[error.item] = replace(item, usage=usage)
    assume(not pricing.check_items(catalog, tuple(items)))
    return items


@settings(max_examples=60, deadline=None)
@given(
    data=st.data(),
    book=st.sampled_from(["first", "second"]),
    growth=st.one_of(
        st.decimals(min_value=-100, max_value=30, places=4),
        st.decimals(min_value=-100, max_value=1000, places=1),
    ),
    months=st.sampled_from([12, 24, 36]),
    free_tier=st.booleans(),
)
def test_each_rates_tiers_per_month_give_a_full_quote_per_months_figures(
    data, book, growth, months, free_tier
):
    catalog = CATALOG if book == "first" else SECOND_CATALOG
    items = data.draw(estimates(catalog))
    plan = Projection(months, growth)
    try:
        expected = full_quote_per_month(catalog, items, free_tier, plan)
    except PricingError as error:
        with pytest.raises(PricingError) as raised:
            project(catalog, items, free_tier, plan)
        assert raised.value.errors == error.errors
        return

    result = project(catalog, items, free_tier, plan)

    # The same numbers (a later month's total may be written with fewer trailing zeros).
    assert list(result.monthly_totals) == expected
    assert cents(result.monthly_totals) == cents(expected)


def test_price_totals_are_price_items_totals_for_pooled_once_and_per_account_rates(
    second_catalog,
):
    """Cards pooled across Regions and accounts, a per-organisation fee, a waived fee: the
    totals without lines are the quote's, to the last digit."""
    items = (
        Item(
            "kms",
            usage={"keys": D(3), "symmetric_requests": D(15_000)},
            accounts=40,
            regions=("us-east-1", "eu-west-1"),
        ),
        Item("kms", usage={"symmetric_requests": D("12345.678")}, accounts=3),
        Item("shield", usage={"advanced_subscriptions": D(1)}),
        Item("shield", group="staging", usage={"advanced_subscriptions": D(1)}),
        Item("waf", usage={"web_acls": D(2), "rules": D(9), "shield_advanced_covered": D(1)}),
        Item("waf", usage={"web_acls": D(1), "requests": D(7_000_001)}, accounts=7),
    )
    assert pricing.check_items(second_catalog, items) == []
    priced = pricing.price_items(second_catalog, items)

    totals = pricing.price_totals(second_catalog, items)

    assert totals == (priced.monthly_total, priced.upfront_total)
    assert [str(total) for total in totals] == [
        str(priced.monthly_total),
        str(priced.upfront_total),
    ]


MIXED = [
    Item("kms", usage={"keys": D(10), "symmetric_requests": D(2_000_000)}, accounts=40),
    Item("waf", usage={"web_acls": D(2), "rules": D(14), "requests": D(50_000_000)}),
    Item("kms", usage={"keys": D("3.5"), "symmetric_requests": D("123456.789")}),
]


def test_later_months_are_priced_in_integers_for_the_books_prices():
    growing = _growing_months(CATALOG, MIXED)

    assert growing.in_integers is not None  # the fast path, not the Decimal one
    plan = Projection(36, D("2.5"))
    assert list(project(CATALOG, MIXED, True, plan).monthly_totals) == full_quote_per_month(
        CATALOG, MIXED, True, plan
    )


def test_a_price_that_does_not_end_in_decimals_is_priced_in_decimal():
    # KMS requests at $0.03 per 7 units: $0.0042857142… a unit, without end.
    kms = CATALOG.services["kms"]
    rates = tuple(
        replace(rate, per_units=D(7)) if "symmetric_requests" in rate.meters else rate
        for rate in kms.rates
    )
    catalog = replace(CATALOG, services={**CATALOG.services, "kms": replace(kms, rates=rates)})

    assert _growing_months(catalog, MIXED).in_integers is None
    plan = Projection(36, D("2.5"))
    assert list(project(catalog, MIXED, True, plan).monthly_totals) == full_quote_per_month(
        catalog, MIXED, True, plan
    )


def test_a_month_past_the_integer_paths_room_is_priced_in_decimal(monkeypatch):
    """Where Decimal might round (a total near PRECISION digits), the month is left to the
    Decimal path: with no room at all, every later month is, and the figures are the same."""
    fallbacks = []
    total_of = projection_module._IntegerMonths._total

    def no_room(self, grown):
        self.total_limit = 0
        result = total_of(self, grown)
        fallbacks.append(result)
        return result

    monkeypatch.setattr(projection_module._IntegerMonths, "_total", no_room)
    plan = Projection(36, D("2.5"))

    totals = list(project(CATALOG, MIXED, True, plan).monthly_totals)

    assert fallbacks and all(result is None for result in fallbacks)
    assert totals == full_quote_per_month(CATALOG, MIXED, True, plan)


def _growing_months(catalog, items):
    items = tuple(items)
    totals = pricing.Totals(catalog, items, True)
    return projection_module._GrowingMonths(catalog, items, totals, D("2.5"))
