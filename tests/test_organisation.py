"""Pricing an organisation: accounts and Regions per card, pooling levels, waivers. No database.

The catalog is a small format-2 price book written here, so that each pooling level and rule is
tested on its own terms; the shipped books are tested against their references elsewhere.
"""

import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from estimates import pricing
from estimates.prices.book_file import catalog_from_book, read_price_book

D = Decimal
BILLING_GUIDE = "AWS Billing guide: AWS treats all accounts in an organization as a single account"


def rate(code, per_units, tiers, *, free="0", regions=("us-east-1", "eu-west-1"), **extra):
    return {
        "code": code,
        "label": code.replace("_", " "),
        "meters": [code],
        "per_units": per_units,
        "unit": "units",
        "free_units": free,
        "regions": list(regions),
        "tiers": [{"start": start, "price": price} for start, price in tiers],
        "grade": "A",
        "pooling_source": BILLING_GUIDE,
        **extra,
    }


def service(code, rates, extra_inputs=(), waivers=()):
    inputs = [{"key": r["code"], "label": r["code"], "unit": "units"} for r in rates]
    return {
        "code": code,
        "name": code.upper(),
        "inputs": inputs + list(extra_inputs),
        "rates": rates,
        "waivers": list(waivers),
    }


BOOK = {
    "format": 2,
    "name": "Test organisation book",
    "effective_date": "2026-12-01",
    "services": [
        service(
            "kms",
            [
                rate("keys", "1", [("0", "1.00")]),
                rate(
                    "symmetric_requests",
                    "10000",
                    [("0", "0.03")],
                    free="20000",
                    pooling="organization",
                ),
            ],
        ),
        service(
            "guardduty",
            [
                rate("cloudtrail_management_events", "1000000", [("0", "4.00")]),
                rate("vpc_dns_log_gb", "1", [("0", "1.00"), ("500", "0.50"), ("2500", "0.25")]),
            ],
        ),
        service(
            "security_hub",
            [
                rate(
                    "finding_ingestion_events",
                    "1",
                    [("0", "0.00003")],
                    free="10000",
                    pooling="account_region",
                ),
            ],
        ),
        service(
            "shield",
            [
                rate(
                    "advanced_subscriptions",
                    "1",
                    [("0", "3000.00")],
                    regions=["*"],
                    pooling="organization_once",
                )
            ],
        ),
        service(
            "waf",
            [
                rate("web_acls", "1", [("0", "5.00")], regions=["*"]),
                rate("rules", "1", [("0", "1.00")], regions=["*"]),
                rate("requests", "1000000", [("0", "0.60")], regions=["*"]),
                rate("bot_control_web_acls", "1", [("0", "10.00")], regions=["*"]),
            ],
            extra_inputs=[
                {
                    "key": "shield_advanced_covered",
                    "label": "Covered by Shield Advanced",
                    "unit": "0 or 1",
                    "whole": True,
                    "max": "1",
                }
            ],
            waivers=[
                {
                    "flag": "shield_advanced_covered",
                    "rate_codes": ["web_acls", "rules", "requests"],
                    "requires_service": "shield",
                    "requires_key": "advanced_subscriptions",
                    "reason": "covered by Shield Advanced",
                    "source": "AWS WAF pricing",
                }
            ],
        ),
    ],
}
CATALOG = catalog_from_book(read_price_book(BOOK))


def card(service, usage, *, accounts=1, regions=("us-east-1",), group=""):
    quantities = {key: D(value) for key, value in usage.items()}
    return pricing.Item(service, group=group, usage=quantities, accounts=accounts, regions=regions)


def lines(quote, usage_key):
    return [
        line
        for item_quote in quote.items
        for line in item_quote.lines
        if line.usage_key == usage_key
    ]


class TestPooledAcrossTheOrganisation:
    def test_two_cards_share_one_free_allowance(self):
        kms = card("kms", {"symmetric_requests": 20_000})

        quote = pricing.quote(CATALOG, [kms, kms])

        assert quote.monthly_total == D("0.06")
        assert [line.cost for line in lines(quote, "symmetric_requests")] == [D("0.03")] * 2

    def test_the_formula_says_it_was_pooled_and_what_this_card_adds(self):
        kms = card("kms", {"symmetric_requests": 20_000})

        first, second = lines(pricing.quote(CATALOG, [kms, kms]), "symmetric_requests")

        assert first.formula == (
            "2 cards pooled, 40,000 units in all: "
            "(40,000 − 20,000 free) ÷ 10,000 × $0.03 = $0.06; this card's 20,000 = $0.03"
        )
        assert (first.pooled_quantity, first.quantity, first.share) == (
            D(40_000),
            D(20_000),
            D("0.5"),
        )
        assert first.free_quantity == second.free_quantity == D(10_000)

    def test_a_free_allowance_counted_across_regions_is_shared_by_every_region(self):
        virginia = card("kms", {"symmetric_requests": 15_000})
        ireland = card("kms", {"symmetric_requests": 15_000}, regions=("eu-west-1",))

        assert pricing.quote(CATALOG, [virginia, ireland]).monthly_total == D("0.03")

    def test_tiers_are_walked_once_per_region_for_the_whole_organisation(self):
        # 2 × 400 GB in one Region: 500 at $1.00 and 300 at $0.50, not 2 × 400 at $1.00.
        guardduty = card("guardduty", {"vpc_dns_log_gb": 400})

        quote = pricing.quote(CATALOG, [guardduty, guardduty])

        assert quote.monthly_total == D("650.00")

    def test_regions_pool_apart_where_the_level_is_per_region(self):
        one = card("guardduty", {"vpc_dns_log_gb": 400})
        other = card("guardduty", {"vpc_dns_log_gb": 400}, regions=("eu-west-1",))

        assert pricing.quote(CATALOG, [one, other]).monthly_total == D("800.00")

    def test_accounts_multiply_usage_typed_per_account(self):
        guardduty = card("guardduty", {"cloudtrail_management_events": 5_000_000}, accounts=10)

        quote = pricing.quote(CATALOG, [guardduty])

        assert quote.monthly_total == D("200.00")
        (line,) = lines(quote, "cloudtrail_management_events")
        assert line.formula == (
            "10 accounts × 5,000,000 = 50,000,000: 50,000,000 ÷ 1,000,000 × $4.00 = $200.00"
        )

    def test_a_card_in_several_regions_counts_its_usage_in_each(self):
        keys = card("kms", {"keys": 3}, accounts=2, regions=("us-east-1", "eu-west-1"))

        quote = pricing.quote(CATALOG, [keys])

        assert quote.monthly_total == D("12.00")
        assert [line.region for line in lines(quote, "keys")] == ["us-east-1", "eu-west-1"]
        assert keys.multiplier == "× 2 accounts × 2 Regions"


class TestPerAccount:
    def test_each_account_has_its_own_free_allowance(self):
        hub = card("security_hub", {"finding_ingestion_events": 10_000}, accounts=10)

        assert pricing.quote(CATALOG, [hub]).monthly_total == 0

    def test_cards_do_not_pool_and_accounts_multiply_the_cost(self):
        hub = card("security_hub", {"finding_ingestion_events": 20_000}, accounts=3)

        quote = pricing.quote(CATALOG, [hub, hub])

        (line, _) = lines(quote, "finding_ingestion_events")
        assert line.cost == D("0.9")  # 3 × (20,000 − 10,000) × $0.00003
        assert line.formula == ("3 accounts × ((20,000 − 10,000 free) × $0.00003 = $0.30) = $0.90")
        assert quote.monthly_total == D("1.8")


class TestOneFeePerOrganisation:
    def test_a_second_subscription_adds_nothing_and_says_so(self):
        shield = card("shield", {"advanced_subscriptions": 1})

        quote = pricing.quote(CATALOG, [shield, shield])

        assert quote.monthly_total == D("3000.00")
        first, second = lines(quote, "advanced_subscriptions")
        assert first.cost == D("3000.00")
        assert second.cost == 0
        assert "already counted on card 1" in second.formula

    def test_accounts_do_not_multiply_it(self):
        shield = card("shield", {"advanced_subscriptions": 1}, accounts=40)

        assert pricing.quote(CATALOG, [shield]).monthly_total == D("3000.00")


class TestWaivers:
    WAF = {"web_acls": 2, "rules": 10, "requests": 10_000_000, "shield_advanced_covered": 1}

    def test_covered_web_acls_pay_no_web_acl_rule_or_request_fee(self):
        shield = card("shield", {"advanced_subscriptions": 1})

        quote = pricing.quote(CATALOG, [card("waf", self.WAF), shield])

        assert quote.monthly_total == D("3000.00")
        waived = [line for line in quote.items[0].lines if line.waived]
        assert [line.usage_key for line in waived] == ["web_acls", "rules", "requests"]
        assert all(line.cost == 0 for line in waived)
        assert waived[0].formula == "2 units: waived, covered by Shield Advanced = $0.00"

    def test_fees_the_waiver_does_not_name_are_still_charged(self):
        waf = card("waf", {**self.WAF, "bot_control_web_acls": 1})
        shield = card("shield", {"advanced_subscriptions": 1})

        assert pricing.quote(CATALOG, [waf, shield]).monthly_total == D("3010.00")

    def test_covered_without_a_subscription_is_an_error_beside_the_field(self):
        with pytest.raises(pricing.PricingError) as raised:
            pricing.quote(CATALOG, [card("waf", self.WAF)])

        (error,) = raised.value.errors
        assert (error.item, error.field) == (0, "shield_advanced_covered")
        assert "No SHIELD card in this estimate has advanced_subscriptions set" in error.message

    def test_not_covered_pays_in_full(self):
        waf = card("waf", {**self.WAF, "shield_advanced_covered": 0})
        shield = card("shield", {"advanced_subscriptions": 1})

        assert pricing.quote(CATALOG, [waf, shield]).monthly_total == D("3026.00")


class TestChecks:
    @pytest.mark.parametrize(
        ("accounts", "message"),
        [
            (0, "Enter at least 1 account."),
            (100_001, "Enter at most 100,000 accounts."),
            (D("1.5"), "Enter a whole number of accounts."),
            (True, "Enter a whole number of accounts."),
            ("3", "Enter a whole number of accounts."),
            (D("1e999999999"), "Enter at most 100,000 accounts."),
            (D("-1e999999999"), "Enter at least 1 account."),
            (D("NaN"), "Enter a whole number of accounts."),
        ],
    )
    def test_accounts_from_1_to_100000_whole(self, accounts, message):
        assert pricing.check_accounts(accounts) == message

    def test_a_region_the_service_is_not_priced_in_is_refused(self):
        errors = pricing.check_item(CATALOG, card("kms", {"keys": 1}, regions=("ap-south-1",)))

        assert [(e.field, e.message) for e in errors] == [
            ("region", "The price book has no KMS prices for Region 'ap-south-1'.")
        ]

    def test_a_region_named_twice_is_refused(self):
        errors = pricing.check_item(
            CATALOG, card("kms", {"keys": 1}, regions=("us-east-1", "us-east-1"))
        )

        assert ("regions", "Name each Region once.") in [(e.field, e.message) for e in errors]


# ---------------------------------------------------------------------------------------------
# Properties over every service of the test book

POOLED = [("kms", "keys"), ("kms", "symmetric_requests"), ("guardduty", "vpc_dns_log_gb")]
EVERY = [
    *POOLED,
    ("guardduty", "cloudtrail_management_events"),
    ("security_hub", "finding_ingestion_events"),
    ("shield", "advanced_subscriptions"),
]
quantities = st.integers(min_value=0, max_value=3_000_000).map(D)
regions = st.sampled_from([("us-east-1",), ("eu-west-1",), ("us-east-1", "eu-west-1")])


@settings(max_examples=150, deadline=None)
@given(
    which=st.sampled_from(POOLED),
    quantity=quantities,
    part=st.floats(min_value=0, max_value=1),
    accounts=st.integers(1, 50),
    where=regions,
    free_tier=st.booleans(),
)
def test_splitting_a_cards_usage_over_two_cards_never_changes_a_pooled_total(
    which, quantity, part, accounts, where, free_tier
):
    code, key = which
    first = quantity * D(str(round(part, 3))) // 1
    whole = card(code, {key: quantity}, accounts=accounts, regions=where)
    split = [
        card(code, {key: first}, accounts=accounts, regions=where),
        card(code, {key: quantity - first}, accounts=accounts, regions=where),
    ]

    one = pricing.quote(CATALOG, [whole], free_tier)
    two = pricing.quote(CATALOG, split, free_tier)

    assert two.monthly_total == one.monthly_total


@settings(max_examples=150, deadline=None)
@given(
    which=st.sampled_from(EVERY),
    quantity=st.integers(0, 200_000).map(D),
    accounts=st.integers(1, 12),
    where=regions,
    free_tier=st.booleans(),
)
def test_n_accounts_cost_what_n_identical_cards_cost(which, quantity, accounts, where, free_tier):
    code, key = which
    if key == "advanced_subscriptions":
        quantity = min(quantity, D(1))
    many = card(code, {key: quantity}, accounts=accounts, regions=where)
    one = card(code, {key: quantity}, regions=where)

    assert (
        pricing.quote(CATALOG, [many], free_tier).monthly_total
        == pricing.quote(CATALOG, [one] * accounts, free_tier).monthly_total
    )


cards = st.lists(
    st.tuples(st.sampled_from(EVERY), quantities, st.integers(1, 40), regions), max_size=6
)


@settings(max_examples=150, deadline=None)
@given(drawn=cards, free_tier=st.booleans(), covered=st.booleans())
def test_lines_sum_to_the_total_and_a_waiver_never_makes_it_negative(drawn, free_tier, covered):
    items = [
        card(
            code,
            {key: min(q, D(1)) if key == "advanced_subscriptions" else q},
            accounts=n,
            regions=where,
        )
        for (code, key), q, n, where in drawn
    ]
    items += [
        card("shield", {"advanced_subscriptions": 1}),
        card(
            "waf", {"web_acls": 3, "requests": 5_000_000, "shield_advanced_covered": int(covered)}
        ),
    ]

    quote = pricing.quote(CATALOG, items, free_tier)

    every_line = [line for item_quote in quote.items for line in item_quote.lines]
    assert quote.monthly_total == sum((line.monthly for line in every_line), D(0))
    assert all(line.cost >= 0 for line in every_line)
    assert quote.monthly_total >= D("3000.00")


def test_regions_priced_alike_pool_across_regions_whatever_their_sources_say():
    ireland_book = {**BOOK, "services": [dict(BOOK["services"][0])]}
    kms_rates = ireland_book["services"][0]["rates"] = [
        dict(r) for r in BOOK["services"][0]["rates"]
    ]
    requests = kms_rates[1]
    kms_rates[1] = {**requests, "regions": ["us-east-1"]}
    kms_rates.append({**requests, "regions": ["eu-west-1"], "grade": "C", "source": "a guide"})
    catalog = catalog_from_book(read_price_book(ireland_book))
    virginia = card("kms", {"symmetric_requests": 15_000})
    ireland = card("kms", {"symmetric_requests": 15_000}, regions=("eu-west-1",))

    assert pricing.quote(catalog, [virginia, ireland]).monthly_total == D("0.03")


def test_a_fee_already_counted_on_another_card_has_no_share():
    shield = card("shield", {"advanced_subscriptions": 1})

    first, second = lines(pricing.quote(CATALOG, [shield, shield]), "advanced_subscriptions")

    assert (first.share, second.share) == (1, 0)


class TestShownCentsAddUp:
    def test_four_cards_at_599_985_show_cents_that_add_up_to_the_total(self):
        # 149,996,250 events at $4.00 per million is $599.985: half-up, each card alone is
        # $599.99, and four of them $2,399.96, while the total is $2,399.94.
        cards_ = [card("guardduty", {"cloudtrail_management_events": 149_996_250})] * 4

        quote = pricing.quote(CATALOG, cards_)

        assert quote.monthly_total == D("2399.94")
        assert quote.shown_monthly_total == D("2399.94")
        shown = [item_quote.shown_monthly for item_quote in quote.items]
        assert shown == [D("599.99"), D("599.99"), D("599.98"), D("599.98")]
        assert sum(shown) == quote.shown_monthly_total
        assert [item_quote.monthly for item_quote in quote.items] == [D("599.985")] * 4
        # The working ends in the figure shown beside it.
        formulas = [item_quote.lines[0].formula for item_quote in quote.items]
        assert [formula.rsplit("= ", 1)[1] for formula in formulas] == [
            "$599.99",
            "$599.99",
            "$599.98",
            "$599.98",
        ]
        assert formulas[3].startswith("4 cards pooled, 599,985,000 units in all: ")
        assert "= $2,399.94; this card's 149,996,250 = $599.98" in formulas[3]

    def test_a_cards_lines_add_up_to_the_card_as_shown(self):
        guardduty = card(
            "guardduty", {"cloudtrail_management_events": 1_250, "vpc_dns_log_gb": D("0.005")}
        )

        (item_quote,) = pricing.quote(CATALOG, [guardduty]).items

        # $0.005 + $0.005 = $0.01: half-up each line alone would show $0.01 + $0.01.
        assert item_quote.monthly == D("0.010")
        assert [line.shown_monthly for line in item_quote.lines] == [D("0.01"), D("0.00")]
        assert item_quote.shown_monthly == D("0.01")

    def test_first_12_months_lines_add_up_to_its_total_as_shown(self):
        # Each line $0.00416…: twelve months $0.05 alone, $0.10 for two of them, $0.10 in all.
        guardduty = card(
            "guardduty", {"cloudtrail_management_events": 1_041, "vpc_dns_log_gb": D("0.00416")}
        )

        quote = pricing.quote(CATALOG, [guardduty])

        assert quote.shown_first_12_months_total == D("0.10")
        (item_quote,) = quote.items
        assert sum(line.shown_first_12_months for line in item_quote.lines) == D("0.10")


amounts = st.decimals(
    min_value=D("-1000000"), max_value=D("1000000"), places=6, allow_nan=False
).map(lambda value: value.normalize())


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(amounts, max_size=40))
def test_allocated_cents_sum_to_the_shown_total_each_within_a_cent(parts):
    total = pricing.cents(pricing.exact_sum(parts))

    shown = pricing.allocate_cents(total, parts)

    assert sum(shown, D(0)) == total
    assert all(part.as_tuple().exponent >= -2 for part in shown)
    assert all(abs(s - exact) <= D("0.01") for s, exact in zip(shown, parts, strict=True))


@settings(max_examples=150, deadline=None)
@given(parts=st.lists(amounts, min_size=1, max_size=12), split=st.integers(1, 11))
def test_cents_allocated_twice_stay_within_a_cent_of_each_exact_part(parts, split):
    groups = [parts[:split], parts[split:]]
    exact_groups = [pricing.exact_sum(group) for group in groups]
    total = pricing.cents(pricing.exact_sum(exact_groups))

    shown_groups = pricing.allocate_cents(total, exact_groups)
    shown = [
        part
        for group, group_total in zip(groups, shown_groups, strict=True)
        for part in pricing.allocate_cents(group_total, group)
    ]

    assert sum(shown, D(0)) == total
    assert all(abs(s - exact) <= D("0.01") for s, exact in zip(shown, parts, strict=True))


@settings(max_examples=150, deadline=None)
@given(drawn=cards, free_tier=st.booleans())
def test_every_quote_shows_lines_that_sum_to_cards_and_cards_to_the_total(drawn, free_tier):
    items = [
        card(
            code,
            {key: min(q, D(1)) if key == "advanced_subscriptions" else q},
            accounts=n,
            regions=where,
        )
        for (code, key), q, n, where in drawn
    ]

    quote = pricing.quote(CATALOG, items, free_tier)

    for item_quote in quote.items:
        assert sum(line.shown_monthly for line in item_quote.lines) == item_quote.shown_monthly
        assert sum(line.shown_upfront for line in item_quote.lines) == item_quote.shown_upfront
        for line in item_quote.lines:
            assert abs(line.shown - line.cost) <= D("0.01")
            if re.search(r"= \$[\d,.]+$", line.formula):
                assert line.formula.endswith(f"= {pricing.money(line.shown)}")
    assert sum(iq.shown_monthly for iq in quote.items) == quote.shown_monthly_total
    first_12 = sum(iq.shown_first_12_months for iq in quote.items)
    assert first_12 == quote.shown_first_12_months_total
    assert quote.shown_monthly_total == pricing.cents(quote.monthly_total)


class TestPooledLinesSayCardsAndRegions:
    def test_one_card_in_two_regions_is_one_card_in_two_regions_pooled(self):
        kms = card("kms", {"symmetric_requests": 20_000}, regions=("us-east-1", "eu-west-1"))

        virginia, ireland = lines(pricing.quote(CATALOG, [kms]), "symmetric_requests")

        assert virginia.formula == (
            "1 card in 2 Regions pooled, 40,000 units in all: "
            "(40,000 − 20,000 free) ÷ 10,000 × $0.03 = $0.06; "
            "this card's 20,000 in us-east-1 = $0.03"
        )
        assert ireland.formula.endswith("this card's 20,000 in eu-west-1 = $0.03")

    def test_two_cards_in_two_regions_are_counted_as_two_cards(self):
        both = card("kms", {"symmetric_requests": 20_000}, regions=("us-east-1", "eu-west-1"))
        one = card("kms", {"symmetric_requests": 20_000})

        first = lines(pricing.quote(CATALOG, [both, one]), "symmetric_requests")[0]

        assert first.formula.startswith("2 cards in 2 Regions pooled, 60,000 units in all:")
