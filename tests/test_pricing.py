"""The engine over the seeded price book, with no database."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from estimates import pricing
from estimates.pricing import Item, PricingError, Tier

from .conftest import first_catalog, load_data

EXAMPLES = load_data("examples.json")["examples"]
CATALOG = first_catalog()


def items_of(example: dict) -> list[Item]:
    return [
        Item(
            service=raw["service"],
            region=raw["region"],
            usage={key: Decimal(str(value)) for key, value in raw["usage"].items()},
        )
        for raw in example["items"]
    ]


@pytest.mark.parametrize("example", EXAMPLES, ids=[e["id"] for e in EXAMPLES])
def test_every_aws_example_prices_to_the_cent(example):
    quote = pricing.quote(CATALOG, items_of(example), free_tier=example["free_tier"])
    assert pricing.cents(quote.monthly_total) == Decimal(example["expected_monthly_total"])


def kms(**usage) -> Item:
    return Item("kms", usage={key: Decimal(value) for key, value in usage.items()})


def test_free_allowance_comes_off_before_the_price_and_the_formula_says_so():
    line = pricing.quote(CATALOG, [kms(symmetric_requests=2_000_000)]).items[0].lines[0]
    assert line.free_quantity == 20_000
    assert line.billable_quantity == 1_980_000
    assert line.cost == Decimal("5.94")
    assert line.formula == "(2,000,000 − 20,000 free) ÷ 10,000 × $0.03 = $5.94"


def test_free_tier_off_charges_the_free_units():
    quote = pricing.quote(CATALOG, [kms(keys=10, symmetric_requests=2_000_000)], free_tier=False)
    assert quote.monthly_total == Decimal("16.00")
    assert quote.items[0].lines[1].formula == "2,000,000 ÷ 10,000 × $0.03 = $6.00"


def test_issue_totals_for_five_keys_and_two_million_requests():
    quote = pricing.quote(CATALOG, [kms(keys=5, symmetric_requests=2_000_000)])
    assert pricing.cents(quote.monthly_total) == Decimal("10.94")
    assert pricing.cents(quote.upfront_total) == Decimal("0.00")
    assert pricing.cents(quote.first_12_months_total) == Decimal("131.28")


def test_usage_within_the_free_allowance_costs_nothing_and_says_why():
    line = pricing.quote(CATALOG, [kms(symmetric_requests=15_000)]).items[0].lines[0]
    assert line.cost == 0
    assert line.formula == "15,000 within 20,000 free = $0.00"


def test_free_tier_is_applied_before_tiers():
    item = Item("waf", usage={"fraud_control_requests": Decimal(2_000_000)})
    line = pricing.quote(CATALOG, [item]).items[0].lines[0]
    # 0-10,000 free, then the first paid tier runs to 2,000,000 (boundaries include free units).
    assert line.cost == Decimal("1990")
    assert line.formula == "(2,000,000 − 10,000 free) ÷ 1,000 × $1.00 = $1,990.00"


def test_tiers_are_spelled_out_band_by_band():
    item = Item("guardduty", usage={"vpc_dns_log_gb": Decimal(800)})
    line = pricing.quote(CATALOG, [item]).items[0].lines[0]
    assert [(band.units, band.price) for band in line.bands] == [
        (Decimal(500), Decimal("1.00")),
        (Decimal(300), Decimal("0.50")),
    ]
    assert line.formula == "500 × $1.00 + (800 − 500) × $0.50 = $650.00"


def test_product_of_two_inputs_is_metered_and_shown():
    item = Item("waf", usage={"requests": Decimal(10_000_000), "extra_wcu_increments": Decimal(2)})
    lines = {line.usage_key: line for line in pricing.quote(CATALOG, [item]).items[0].lines}
    assert lines["extra_wcu_increments"].quantity == 20_000_000
    assert lines["extra_wcu_increments"].formula == "10,000,000 × 2 ÷ 1,000,000 × $0.20 = $4.00"


def test_standard_parameter_store_interactions_are_billed_only_at_higher_throughput():
    usage = {"standard_api_interactions": Decimal(5_000_000)}
    free = pricing.quote(CATALOG, [Item("ssm_parameter_store", usage=usage)])
    paid = pricing.quote(
        CATALOG,
        [Item("ssm_parameter_store", usage={**usage, "higher_throughput": Decimal(1)})],
    )
    assert free.monthly_total == 0
    assert free.items[0].lines[0].formula == "5,000,000 interactions at no charge = $0.00"
    assert paid.monthly_total == Decimal("25.00")


def test_fractional_quantities_are_priced_exactly():
    quote = pricing.quote(CATALOG, [kms(keys="0.5")])
    assert quote.monthly_total == Decimal("0.5")
    assert pricing.money(quote.monthly_total) == "$0.50"


def test_rounding_happens_only_for_display():
    # 1 request above the free 20,000 costs $0.000003: kept exact, shown as $0.00.
    quote = pricing.quote(CATALOG, [kms(symmetric_requests=20_001)] * 3)
    assert quote.monthly_total == Decimal("0.000009")
    assert pricing.money(quote.monthly_total) == "$0.00"
    assert pricing.cents(Decimal("0.005")) == Decimal("0.01")  # half-up, not banker's


def test_lines_leave_out_unused_rates():
    quote = pricing.quote(CATALOG, [kms(keys=1)])
    assert [line.usage_key for line in quote.items[0].lines] == ["keys"]


def test_most_expensive_first():
    quote = pricing.quote(
        CATALOG,
        [kms(keys=1), Item("shield", usage={"advanced_subscriptions": Decimal(1)}), kms(keys=2)],
    )
    assert [code for code, _, _ in quote.by_service()] == ["shield", "kms"]
    assert quote.by_service()[1][2] == Decimal(3)
    assert quote.lines_by_cost()[0][1].usage_key == "advanced_subscriptions"


@pytest.mark.parametrize(
    ("usage", "field", "message"),
    [
        (
            {"keys": 1, "key_rotations": 3},
            "key_rotations",
            "At most 2 × customer managed keys (= 2).",
        ),
        ({"keys": -1}, "keys", "Enter 0 or more."),
        ({"keys": Decimal("1e30")}, "keys", "Enter at most 1,000,000,000,000,000."),
        (
            {"nonsense": 1},
            "nonsense",
            "AWS Key Management Service (KMS) has no usage input 'nonsense'.",
        ),
    ],
)
def test_kms_usage_errors(usage, field, message):
    with pytest.raises(PricingError) as caught:
        pricing.quote(CATALOG, [kms(**usage)])
    assert [(e.item, e.field, e.message) for e in caught.value.errors] == [(0, field, message)]


@pytest.mark.parametrize(
    ("service", "usage", "field", "message"),
    [
        ("shield", {"advanced_subscriptions": 2}, "advanced_subscriptions", "Enter 0 or 1."),
        ("ssm_parameter_store", {"higher_throughput": "0.5"}, "higher_throughput", "Enter 0 or 1."),
        (
            "shield",
            {"cloudfront_dto_gb": 10},
            "cloudfront_dto_gb",
            "Only billed with Shield Advanced subscription: set it to 1 first.",
        ),
        ("acm", {"public_certificates": "1.5"}, "public_certificates", "Enter a whole number."),
    ],
)
def test_cross_field_and_whole_number_rules(service, usage, field, message):
    item = Item(service, usage={key: Decimal(value) for key, value in usage.items()})
    with pytest.raises(PricingError) as caught:
        pricing.quote(CATALOG, [item])
    assert [(e.field, e.message) for e in caught.value.errors] == [(field, message)]


def test_unknown_service_and_unpriced_region_are_errors():
    with pytest.raises(PricingError) as caught:
        pricing.quote(CATALOG, [Item("ec2"), Item("kms", region="eu-west-1")])
    assert [(e.item, e.field) for e in caught.value.errors] == [(0, "service"), (1, "region")]


@pytest.mark.parametrize("raw", ["abc", "", None, "1e30", "NaN", "Infinity", True, [1], "1" * 65])
def test_parse_quantity_rejects_or_defaults(raw):
    if raw in ("", None):
        assert pricing.parse_quantity(raw) == 0
    elif raw == "1e30":
        assert pricing.parse_quantity(raw) == Decimal("1e30")  # parsed; the bound rejects it
    else:
        with pytest.raises(ValueError, match="Enter a number."):
            pricing.parse_quantity(raw)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("1e-999999999", "Use at most 10 decimal places."),
        ("0.00000000001", "Use at most 10 decimal places."),
    ],
)
def test_parse_quantity_bounds_decimal_places(raw, message):
    with pytest.raises(ValueError, match=message):
        pricing.parse_quantity(raw)


def test_huge_exponents_parse_and_are_refused_by_the_bound():
    value = pricing.parse_quantity("1e999999999")
    spec = CATALOG.services["kms"].input("keys")
    assert pricing.check_quantity(spec, value) == "Enter at most 1,000,000,000,000,000."


def test_parse_quantity_accepts_what_people_type():
    assert pricing.parse_quantity(" 2,000,000 ") == Decimal(2_000_000)
    assert pricing.parse_quantity("0.5") == Decimal("0.5")
    assert pricing.parse_quantity(0.1) == Decimal("0.1")  # a float's shortest repr, not its binary


def test_region_specific_rate_replaces_the_all_regions_rate():
    everywhere = pricing.RateSpec(
        "keys", "Keys", ("keys",), Decimal(1), "keys", (Tier(Decimal(0), Decimal(1)),)
    )
    ireland = pricing.RateSpec(
        "keys",
        "Keys",
        ("keys",),
        Decimal(1),
        "keys",
        (Tier(Decimal(0), Decimal(2)),),
        region="eu-west-1",
    )
    service = pricing.ServiceSpec(
        "kms", "KMS", (pricing.InputSpec("keys", "Keys", "keys"),), (everywhere, ireland)
    )
    assert service.rates_for("eu-west-1") == (ireland,)
    assert service.rates_for("us-east-1") == (everywhere,)
    assert service.regions(("us-east-1", "eu-west-1")) == ("us-east-1", "eu-west-1")


def partly_priced_catalog() -> pricing.Catalog:
    """A service with two rates, one of them priced in Tokyo too."""

    def rate(code: str, region: str, price: str) -> pricing.RateSpec:
        return pricing.RateSpec(
            code,
            code,
            (code,),
            Decimal(1),
            "units",
            (Tier(Decimal(0), Decimal(price)),),
            region=region,
        )

    service = pricing.ServiceSpec(
        "guardduty",
        "GuardDuty",
        (pricing.InputSpec("events", "Events", "events"), pricing.InputSpec("gb", "GB", "GB")),
        (
            rate("events", "us-east-1", "4"),
            rate("events", "ap-northeast-1", "5"),
            rate("gb", "us-east-1", "1"),
        ),
    )
    return pricing.Catalog(
        None, "test", "2027-01-01", {"guardduty": service}, ("us-east-1", "ap-northeast-1")
    )


def test_a_service_is_offered_where_any_rate_is_priced_and_the_rest_are_unavailable_there():
    catalog = partly_priced_catalog()

    assert catalog.service_regions("guardduty") == ("us-east-1", "ap-northeast-1")
    assert catalog.input_regions("guardduty", "events") == ("us-east-1", "ap-northeast-1")
    assert catalog.input_regions("guardduty", "gb") == ("us-east-1",)
    assert [spec.key for spec in catalog.unavailable_inputs("guardduty", "ap-northeast-1")] == [
        "gb"
    ]
    tokyo = Item("guardduty", "ap-northeast-1", usage={"events": Decimal(3)})
    assert pricing.quote(catalog, [tokyo]).monthly_total == Decimal(15)


def test_an_unavailable_input_is_an_error_naming_it_and_the_region_and_zero_is_fine():
    catalog = partly_priced_catalog()
    both = ("us-east-1", "ap-northeast-1")

    with pytest.raises(PricingError) as caught:
        pricing.quote(catalog, [Item("guardduty", regions=both, usage={"gb": Decimal(2)})])

    assert [(e.item, e.field, e.message) for e in caught.value.errors] == [
        (
            0,
            "gb",
            "GB (gb) has no price in ap-northeast-1 in this price book: "
            "set it to 0 or leave that Region out.",
        )
    ]
    zero = Item("guardduty", regions=both, usage={"events": Decimal(1), "gb": Decimal(0)})
    assert pricing.quote(catalog, [zero]).monthly_total == Decimal(9)


def test_formatting():
    assert pricing.money(Decimal("1234.565")) == "$1,234.57"
    assert pricing.price_text(Decimal("0.0010")) == "$0.001"
    assert pricing.price_text(Decimal("3000")) == "$3,000.00"
    assert pricing.plain_number(Decimal("2E+6")) == "2,000,000"
    assert pricing.decimal_text(Decimal("10.500")) == "10.5"


# ---------------------------------------------------------------------------------------------
# Properties over every service of the seeded book

QUANTITIES = st.one_of(
    st.integers(min_value=0, max_value=10**9).map(Decimal),
    st.decimals(min_value=0, max_value=10**7, places=3, allow_nan=False, allow_infinity=False),
)


def valid_usage(service: pricing.ServiceSpec, raw: dict[str, Decimal]) -> dict[str, Decimal]:
    """Bring generated usage within each input's bounds and cross-field rules."""
    usage = {}
    for spec in service.inputs:
        value = min(raw.get(spec.key, Decimal(0)), spec.max_value)
        if spec.whole:
            value = value.to_integral_value(rounding="ROUND_FLOOR")
        usage[spec.key] = value
    for spec in service.inputs:
        if spec.at_most_key:
            usage[spec.key] = min(usage[spec.key], spec.at_most_factor * usage[spec.at_most_key])
        if spec.requires_key and usage[spec.requires_key] <= 0:
            usage[spec.key] = Decimal(0)
    return usage


@st.composite
def priced_items(draw) -> Item:
    code = draw(st.sampled_from(sorted(CATALOG.services)))
    service = CATALOG.services[code]
    raw = draw(
        st.fixed_dictionaries({}, optional={spec.key: QUANTITIES for spec in service.inputs})
    )
    return Item(code, usage=valid_usage(service, raw))


PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY_SETTINGS
@given(code=st.sampled_from(sorted(CATALOG.services)), free_tier=st.booleans())
def test_zero_usage_costs_zero(code, free_tier):
    assert pricing.quote(CATALOG, [Item(code)], free_tier).monthly_total == 0


@PROPERTY_SETTINGS
@given(item=priced_items(), extra=QUANTITIES, data=st.data(), free_tier=st.booleans())
def test_more_usage_never_costs_less(item, extra, data, free_tier):
    service = CATALOG.services[item.service]
    key = data.draw(st.sampled_from([spec.key for spec in service.inputs]))
    more = valid_usage(service, {**item.usage, key: item.usage[key] + extra})
    assume(all(more[k] >= item.usage[k] for k in item.usage))
    before = pricing.quote(CATALOG, [item], free_tier).monthly_total
    after = pricing.quote(CATALOG, [Item(item.service, usage=more)], free_tier).monthly_total
    assert after >= before


@PROPERTY_SETTINGS
@given(items=st.lists(priced_items(), max_size=6), free_tier=st.booleans())
def test_a_total_is_the_sum_of_its_lines(items, free_tier):
    quote = pricing.quote(CATALOG, items, free_tier)
    lines = [line for item_quote in quote.items for line in item_quote.lines]
    assert quote.monthly_total == sum((line.monthly for line in lines), Decimal(0))
    for item_quote in quote.items:
        assert item_quote.monthly == sum((line.cost for line in item_quote.lines), Decimal(0))
        for line in item_quote.lines:
            assert line.cost == sum((band.cost for band in line.bands), Decimal(0))
    assert quote.first_12_months_total == quote.upfront_total + 12 * quote.monthly_total


@PROPERTY_SETTINGS
@given(items=st.lists(priced_items(), min_size=1, max_size=6))
def test_free_tier_off_never_costs_less(items):
    on = pricing.quote(CATALOG, items, free_tier=True).monthly_total
    off = pricing.quote(CATALOG, items, free_tier=False).monthly_total
    assert off >= on


TIERED = [
    (service.code, rate)
    for service in CATALOG.services.values()
    for rate in service.rates
    if len(rate.tiers) > 1 or rate.free_units
]


@pytest.mark.parametrize(("code", "rate"), TIERED, ids=[f"{c}.{r.code}" for c, r in TIERED])
@pytest.mark.parametrize("free_tier", [True, False])
def test_cost_is_continuous_at_tier_boundaries(code, rate, free_tier):
    epsilon = Decimal("0.000001")
    highest_price = max(tier.price for tier in rate.tiers) / rate.per_units
    boundaries = [tier.start for tier in rate.tiers if tier.start > 0] + [rate.free_units]
    for boundary in filter(None, boundaries):
        costs = [
            pricing.price_rate(rate, {rate.meters[0]: boundary + step}, free_tier).cost
            for step in (-epsilon, Decimal(0), epsilon)
        ]
        assert costs[0] <= costs[1] <= costs[2]
        assert costs[2] - costs[0] <= 2 * epsilon * highest_price


def test_the_chart_sums_services_without_rounding():
    """Found in review: by_service added with the default 28 digits and rounded a cent."""
    items = [
        kms(keys=100_000_000_000_000),
        kms(symmetric_requests="1666.6666666666"),
    ]
    quote = pricing.quote(CATALOG, items, free_tier=False)
    [(_, _, kms_total)] = quote.by_service()
    assert kms_total == quote.monthly_total
    assert pricing.money(kms_total) == "$100,000,000,000,000.00"


def test_quantities_past_28_digits_are_shown_exactly():
    # WAF requests × extra WCU steps can reach 10^30: normalize() in the default context
    # rounded such a product to 28 digits.
    product = Decimal("123456789012345678901234567890")
    assert pricing.decimal_text(product) == "123456789012345678901234567890"
    assert pricing.plain_number(product) == "123,456,789,012,345,678,901,234,567,890"
