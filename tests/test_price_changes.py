"""What differs between two price books: pure functions over two catalogs, no database."""

from dataclasses import replace
from decimal import Decimal as D

from estimates import pricing
from estimates.prices.changes import (
    ADDED,
    CHANGED,
    REMOVED,
    TierChange,
    change_text,
    compare_catalogs,
    percent_text,
    rate_text,
)


def with_rates(catalog: pricing.Catalog, service: str, *rates: pricing.RateSpec, **changes):
    """The catalog with a service's rates replaced, and other Catalog fields changed."""
    services = dict(catalog.services)
    services[service] = replace(services[service], rates=tuple(rates))
    return replace(catalog, services=services, **changes)


def rate(catalog: pricing.Catalog, service: str, code: str) -> pricing.RateSpec:
    return next(r for r in catalog.services[service].rates if r.code == code)


def others(catalog: pricing.Catalog, service: str, *codes: str) -> list[pricing.RateSpec]:
    return [r for r in catalog.services[service].rates if r.code not in codes]


def test_a_book_compared_with_itself_has_no_changes(catalog):
    assert compare_catalogs(catalog, catalog).changes == ()


def test_a_new_price_is_a_change_with_old_new_and_percent(catalog):
    requests = rate(catalog, "kms", "symmetric_requests")
    newer = with_rates(
        catalog,
        "kms",
        *others(catalog, "kms", "symmetric_requests"),
        replace(requests, tiers=(pricing.Tier(D(0), D("0.035")),)),
    )

    comparison = compare_catalogs(catalog, newer)

    assert [(c.kind, c.key) for c in comparison.changes] == [
        (CHANGED, "kms.symmetric_requests.us-east-1")
    ]
    assert comparison.changes[0].tiers == (TierChange(D(0), D("0.03"), D("0.035")),)
    assert comparison.changes[0].tiers[0].percent_text == "+16.67%"
    assert change_text(comparison.changes[0]) == "$0.03 → $0.035 / 10,000 requests (+16.67%)"


def test_the_same_price_per_other_units_is_no_change(catalog):
    requests = rate(catalog, "kms", "symmetric_requests")
    per_million = replace(requests, per_units=D(1_000_000), tiers=(pricing.Tier(D(0), D(3)),))
    newer = with_rates(catalog, "kms", *others(catalog, "kms", "symmetric_requests"), per_million)

    assert compare_catalogs(catalog, newer).changes == ()


def test_a_changed_tier_is_shown_from_its_start_only(catalog):
    fraud = rate(catalog, "waf", "fraud_control_requests")
    tiers = list(fraud.tiers)
    tiers[1] = pricing.Tier(D(2_000_000), D("0.60"))
    newer = with_rates(
        catalog,
        "waf",
        *others(catalog, "waf", "fraud_control_requests"),
        replace(fraud, tiers=tuple(tiers)),
    )

    (change,) = compare_catalogs(catalog, newer).changes

    assert change.key == "waf.fraud_control_requests.*"
    assert change.tiers == (TierChange(D(2_000_000), D("0.70"), D("0.60")),)
    assert change_text(change) == "from 2,000,000: $0.70 → $0.60 (−14.29%)"


def test_a_moved_tier_boundary_shows_the_units_whose_price_moved(catalog):
    fraud = rate(catalog, "waf", "fraud_control_requests")
    tiers = list(fraud.tiers)
    tiers[1] = pricing.Tier(D(3_000_000), D("0.70"))
    newer = with_rates(
        catalog,
        "waf",
        *others(catalog, "waf", "fraud_control_requests"),
        replace(fraud, tiers=tuple(tiers)),
    )

    (change,) = compare_catalogs(catalog, newer).changes

    assert change.tiers == (TierChange(D(2_000_000), D("0.70"), D("1.00")),)


def test_a_changed_free_allowance_is_a_change(catalog):
    requests = rate(catalog, "kms", "symmetric_requests")
    newer = with_rates(
        catalog,
        "kms",
        *others(catalog, "kms", "symmetric_requests"),
        replace(requests, free_units=D(10_000)),
    )

    (change,) = compare_catalogs(catalog, newer).changes

    assert change.tiers == ()
    assert change.free_units_changed
    assert change_text(change) == "free 20,000 → 10,000"


def test_rates_of_a_new_region_are_added_and_missing_ones_removed(catalog):
    keys = rate(catalog, "kms", "keys")
    in_ireland = replace(keys, region="eu-west-1", tiers=(pricing.Tier(D(0), D("1.10")),))
    newer = with_rates(
        catalog,
        "kms",
        *others(catalog, "kms", "key_rotations"),
        in_ireland,
        regions=("us-east-1", "eu-west-1"),
    )

    comparison = compare_catalogs(catalog, newer)

    assert [(c.kind, c.key) for c in comparison.changes] == [
        (ADDED, "kms.keys.eu-west-1"),
        (REMOVED, "kms.key_rotations.us-east-1"),
    ]
    assert comparison.added[0].rate_text == "$1.10 / key-months"
    assert comparison.removed[0].rate_text == "$1.00 / rotation-months"


def test_a_region_rate_at_the_all_regions_price_is_no_change(catalog):
    acls = rate(catalog, "waf", "web_acls")
    newer = with_rates(
        catalog, "waf", *catalog.services["waf"].rates, replace(acls, region="us-east-1")
    )

    assert compare_catalogs(catalog, newer).changes == ()


def test_a_region_rate_is_compared_with_the_all_regions_rate_it_replaces(catalog):
    acls = rate(catalog, "waf", "web_acls")
    dearer = replace(acls, region="us-east-1", tiers=(pricing.Tier(D(0), D("6.00")),))
    newer = with_rates(catalog, "waf", *catalog.services["waf"].rates, dearer)

    (change,) = compare_catalogs(catalog, newer).changes

    assert (change.kind, change.key) == (CHANGED, "waf.web_acls.us-east-1")
    assert change.tiers == (TierChange(D(0), D("5.00"), D("6.00")),)


def test_a_region_the_old_book_did_not_offer_is_added_even_at_the_same_price(catalog):
    acls = rate(catalog, "waf", "web_acls")
    newer = with_rates(
        catalog,
        "waf",
        *catalog.services["waf"].rates,
        replace(acls, region="eu-west-1"),
        regions=("us-east-1", "eu-west-1"),
    )

    assert [(c.kind, c.key) for c in compare_catalogs(catalog, newer).changes] == [
        (ADDED, "waf.web_acls.eu-west-1")
    ]


def test_percent_is_empty_when_there_was_no_price():
    assert TierChange(D(0), D(0), D("0.05")).percent is None
    assert TierChange(D(0), None, D("0.05")).percent_text == ""
    assert percent_text(D("-12.5")) == "−12.50%"
    assert percent_text(D(0)) == "0.00%"


def test_rate_text_lists_tiers_and_the_free_allowance(catalog):
    assert rate_text(rate(catalog, "waf", "fraud_control_requests")) == (
        "$1.00 / 1,000 attempts; from 2,000,000: $0.70; from 5,000,000: $0.40; "
        "from 15,000,000: $0.20; from 30,000,000: $0.05; first 10,000 free"
    )
