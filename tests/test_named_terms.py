"""Named terms and the copy of its terms each saved estimate keeps (models, no views)."""

from decimal import Decimal

import pytest

from estimates import pricing
from estimates.models import Estimate, NamedTerms
from estimates.pricing import Item
from estimates.pricing.terms import Terms

KMS = Item("kms", usage={"keys": Decimal(10), "symmetric_requests": Decimal(2_000_000)})
README_TERMS = {
    "discount_percent": "10",
    "service_discounts": {"kms": "20"},
    "monthly_credits": "5",
    "tax_percent": "20",
    "currency": {"code": "EUR", "usd_rate": "0.92"},
}


@pytest.fixture
def agreement(db) -> NamedTerms:
    return NamedTerms.objects.create(name="Enterprise agreement 2026", terms=README_TERMS)


def save(book, **kwargs) -> Estimate:
    return Estimate.objects.create_from_items(name="Keys", price_book=book, items=[KMS], **kwargs)


def test_an_estimate_saved_with_named_terms_keeps_their_copy(second_book, agreement):
    estimate = save(second_book, named_terms=agreement)
    assert estimate.terms == README_TERMS
    assert estimate.named_terms == agreement
    assert estimate.terms_name == "Enterprise agreement 2026"
    assert pricing.cents(estimate.net_quote().monthly_total()) == Decimal("8.56")


def test_editing_named_terms_never_changes_a_saved_estimate(second_book, agreement):
    estimate = save(second_book, named_terms=agreement)
    agreement.set_terms("Enterprise agreement 2027", Terms(discount_percent=Decimal(50)))
    agreement.refresh_from_db()
    assert agreement.terms == {"discount_percent": "50"}
    again = Estimate.objects.get(pk=estimate.pk)
    assert again.terms == README_TERMS
    assert again.net_quote().monthly_total() == Decimal("8.558208")
    assert again.net_quote().currency == "EUR"
    # while a new estimate takes the terms as they are now
    assert save(second_book, named_terms=agreement).net_quote().monthly_total() == Decimal("7.97")


def test_an_estimate_without_terms_is_at_list_price(second_book):
    estimate = save(second_book)
    assert estimate.terms == {}
    assert estimate.pinned_terms.is_list
    assert estimate.net_quote().monthly_total() == estimate.quote().monthly_total


def test_a_reprice_keeps_the_pinned_terms(price_book, second_book, agreement):
    estimate = save(price_book, named_terms=agreement)
    agreement.set_terms("Changed", Terms())
    copy = estimate.reprice(second_book)
    assert copy.terms == README_TERMS
    assert copy.price_book == second_book


def test_terms_naming_a_service_the_book_lacks_are_refused_and_nothing_saved(price_book):
    terms = Terms(service_discounts={"network_firewall": Decimal(5)})  # only in the 2026-12 book
    with pytest.raises(pricing.PricingError) as raised:
        save(price_book, terms=terms)
    assert [e.field for e in raised.value.errors] == ["terms.service_discounts.network_firewall"]
    assert Estimate.objects.count() == 0


def test_named_terms_need_a_name(agreement):
    with pytest.raises(pricing.PricingError) as raised:
        agreement.set_terms("  ", Terms())
    assert raised.value.errors[0].message == "Name the terms."
    agreement.refresh_from_db()
    assert agreement.name == "Enterprise agreement 2026"


def test_the_projection_of_a_saved_estimate_is_net_too(second_book, agreement):
    estimate = save(second_book, named_terms=agreement)
    result = estimate.project()
    assert result.net_currency == "EUR"
    assert result.net_monthly_totals[0] == Decimal("8.558208")
