"""Two estimates line by line: a pure function over two quotes, no database."""

from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from estimates import pricing
from estimates.pricing import Item
from estimates.pricing.compare import ADDED, CHANGED, REMOVED, compare_quotes, line_key

from .conftest import first_catalog

D = Decimal
CATALOG = first_catalog()


def priced(*items: Item, catalog: pricing.Catalog = CATALOG) -> pricing.Quote:
    return pricing.quote(catalog, items)


def with_key_price(price: str) -> pricing.Catalog:
    """The seed book with a KMS key at `price` a month instead of $1.00."""
    kms = CATALOG.services["kms"]
    rates = tuple(
        replace(rate, tiers=(pricing.Tier(D(0), D(price)),)) if rate.code == "keys" else rate
        for rate in kms.rates
    )
    return replace(
        CATALOG,
        book_name="A newer book",
        services={**CATALOG.services, "kms": replace(kms, rates=rates)},
    )


def test_lines_that_differ_come_first_biggest_change_first_and_the_rest_are_folded():
    a = priced(Item("kms", usage={"keys": D(10), "symmetric_requests": D(2_000_000)}))
    b = priced(
        Item("kms", usage={"keys": D(10), "symmetric_requests": D(4_000_000)}),
        Item("waf", usage={"web_acls": D(1), "rules": D(5)}),
    )

    comparison = compare_quotes(a, b)

    assert [(line.usage_key, line.status, line.delta) for line in comparison.lines] == [
        ("symmetric_requests", CHANGED, D("6.00")),  # $5.94 → $11.94
        ("rules", ADDED, D("5.00")),  # 5 × $1.00; ties go by key
        ("web_acls", ADDED, D("5.00")),
    ]
    assert [line.usage_key for line in comparison.unchanged] == ["keys"]
    requests = comparison.lines[0]
    assert (requests.a_monthly, requests.b_monthly, requests.delta) == (
        D("5.94"),
        D("11.94"),
        D("6.00"),
    )
    assert requests.percent.quantize(D("0.01")) == D("101.01")
    assert comparison.lines[1].percent is None  # nothing to compare with in A
    assert comparison.monthly_delta == D("16.00")
    assert comparison.first_12_months_delta == D("192.00")


def test_removed_lines_are_marked_and_their_delta_is_negative():
    a = priced(Item("kms", usage={"keys": D(2)}), Item("firewall_manager", usage={"policies": 1}))
    b = priced(Item("kms", usage={"keys": D(2)}))

    (removed,) = compare_quotes(a, b).lines

    assert (removed.service, removed.status, removed.delta) == (
        "firewall_manager",
        REMOVED,
        D("-100.00"),
    )
    assert removed.percent == D(-100)


def test_lines_are_matched_by_service_region_group_and_usage_key():
    a = priced(Item("kms", group="prod", usage={"keys": D(3)}))
    b = priced(Item("kms", group="staging", usage={"keys": D(3)}))

    comparison = compare_quotes(a, b)

    assert [(line.group, line.status) for line in comparison.lines] == [
        ("prod", REMOVED),
        ("staging", ADDED),
    ]
    assert comparison.monthly_delta == 0


def test_two_cards_with_the_same_key_are_summed_before_matching():
    a = priced(Item("kms", usage={"keys": D(3)}), Item("kms", usage={"keys": D(4)}))
    b = priced(Item("kms", usage={"keys": D(7)}))

    comparison = compare_quotes(a, b)

    assert comparison.lines == ()
    assert [(line.a_monthly, line.b_monthly) for line in comparison.unchanged] == [
        (D("7.00"), D("7.00"))
    ]


def test_line_key_is_service_region_group_and_usage_key():
    quote = priced(Item("kms", region="us-east-1", group="prod", usage={"keys": D(1)}))
    item_quote = quote.items[0]

    assert line_key(item_quote, item_quote.lines[0]) == ("kms", "us-east-1", "prod", "keys")


def test_different_books_split_price_from_usage():
    newer = with_key_price("1.10")
    a = priced(Item("kms", usage={"keys": D(10)}))
    b = priced(Item("kms", usage={"keys": D(20)}), catalog=newer)
    a_at_b_prices = priced(Item("kms", usage={"keys": D(10)}), catalog=newer)

    comparison = compare_quotes(a, b, same_price_book=False, a_at_b_prices=a_at_b_prices)

    assert comparison.monthly_delta == D("12.00")  # $10.00 → $22.00
    assert comparison.price_effect.monthly == D("1.00")  # 10 keys, $1.00 → $1.10
    assert comparison.usage_effect.monthly == D("11.00")  # 10 more keys at $1.10
    assert comparison.price_effect.first_12_months == D("12.00")
    (keys,) = comparison.lines
    assert (keys.price_effect, keys.usage_effect) == (D("1.00"), D("11.00"))


def test_the_same_book_has_no_split():
    a = priced(Item("kms", usage={"keys": D(1)}))

    comparison = compare_quotes(a, a)

    assert comparison.same_price_book
    assert comparison.price_effect is None and comparison.usage_effect is None


# ---------------------------------------------------------------------------------------------
# Properties over any two quotes of the seeded book

SERVICES = sorted(CATALOG.services)


@st.composite
def items(draw) -> Item:
    service = CATALOG.services[draw(st.sampled_from(SERVICES))]
    keys = draw(st.lists(st.sampled_from([spec.key for spec in service.inputs]), unique=True))
    usage = {
        key: draw(st.decimals(min_value=0, max_value=10**9, places=draw(st.integers(0, 3))))
        for key in keys
    }
    return Item(service.code, "us-east-1", draw(st.sampled_from(["", "prod"])), usage)


quotes = st.lists(items(), max_size=6).map(lambda drawn: pricing.price_items(CATALOG, drawn))


@settings(max_examples=80, deadline=None)
@given(x=quotes)
def test_an_estimate_compared_with_itself_is_all_zeros(x):
    comparison = compare_quotes(x, x)

    assert comparison.lines == ()
    assert comparison.monthly_delta == comparison.upfront_delta == 0
    assert comparison.first_12_months_delta == 0
    assert all(line.delta == 0 and line.upfront_delta == 0 for line in comparison.unchanged)


@settings(max_examples=80, deadline=None)
@given(a=quotes, b=quotes)
def test_a_to_b_is_the_negation_of_b_to_a(a, b):
    forward, backward = compare_quotes(a, b), compare_quotes(b, a)

    assert forward.monthly_delta == -backward.monthly_delta
    assert forward.upfront_delta == -backward.upfront_delta
    assert forward.first_12_months_delta == -backward.first_12_months_delta
    back = {line.key: line for line in backward.lines}
    assert {line.key for line in forward.lines} == set(back)
    swapped = {ADDED: REMOVED, REMOVED: ADDED, CHANGED: CHANGED}
    for line in forward.lines:
        assert line.delta == -back[line.key].delta
        assert line.upfront_delta == -back[line.key].upfront_delta
        assert swapped[line.status] == back[line.key].status


@settings(max_examples=80, deadline=None)
@given(a=quotes, b=quotes)
def test_the_line_deltas_sum_to_the_total_delta(a, b):
    comparison = compare_quotes(a, b)

    assert pricing.exact_sum(line.delta for line in comparison.lines) == comparison.monthly_delta
    upfront = pricing.exact_sum(line.upfront_delta for line in comparison.lines)
    assert upfront == comparison.upfront_delta


@settings(max_examples=40, deadline=None)
@given(a_items=st.lists(items(), max_size=4), b_items=st.lists(items(), max_size=4))
def test_price_and_usage_effects_add_up_to_the_change(a_items, b_items):
    newer = with_key_price("1.10")
    a = pricing.price_items(CATALOG, a_items)
    b = pricing.price_items(newer, b_items)
    a_at_b = pricing.price_items(newer, a_items)

    comparison = compare_quotes(a, b, same_price_book=False, a_at_b_prices=a_at_b)

    assert comparison.price_effect.monthly + comparison.usage_effect.monthly == (
        comparison.monthly_delta
    )
    for line in comparison.lines:
        assert line.price_effect + line.usage_effect == line.delta


def test_a_card_in_two_regions_is_matched_region_by_region(second_catalog):
    both = pricing.Item("kms", usage={"keys": D(2)}, regions=("us-east-1", "eu-west-1"))
    one = pricing.Item("kms", usage={"keys": D(2)}, regions=("us-east-1",))

    result = compare_quotes(
        pricing.quote(second_catalog, [both]), pricing.quote(second_catalog, [one])
    )

    (removed,) = result.lines
    assert (removed.region, removed.status, removed.delta) == ("eu-west-1", "removed", D(-2))
