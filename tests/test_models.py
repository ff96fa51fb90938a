"""Price books as data: published books never change; drafts are copied, edited, published."""

import time
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, models
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from estimates.models import (
    PriceBook,
    PublishedPriceBookError,
    Rate,
    RateTier,
    Service,
    UsageInput,
)

from .conftest import load_data

LATER = date(2026, 12, 1)
REFERENCE = load_data("price_reference.json")["services"]
REFERENCE_COUNTS = (
    len(REFERENCE),
    sum(len(service["usage_keys"]) for service in REFERENCE.values()),
    sum(len(service["rates"]) for service in REFERENCE.values()),
    sum(len(rate["tiers"]) for service in REFERENCE.values() for rate in service["rates"].values()),
)


def snapshot(book: PriceBook) -> dict:
    """Every stored row of a book, as plain values, to compare before and after."""
    return {
        "book": PriceBook.objects.filter(pk=book.pk).values().get(),
        "services": list(Service.objects.filter(price_book=book).order_by("pk").values()),
        "inputs": list(UsageInput.objects.filter(service__price_book=book).order_by("pk").values()),
        "rates": list(Rate.objects.filter(service__price_book=book).order_by("pk").values()),
        "tiers": list(
            RateTier.objects.filter(rate__service__price_book=book).order_by("pk").values()
        ),
    }


def counts(book: PriceBook) -> tuple[int, int, int, int]:
    return (
        Service.objects.filter(price_book=book).count(),
        UsageInput.objects.filter(service__price_book=book).count(),
        Rate.objects.filter(service__price_book=book).count(),
        RateTier.objects.filter(rate__service__price_book=book).count(),
    )


def kms_rate(book: PriceBook, code: str = "symmetric_requests") -> Rate:
    return Rate.objects.get(service__price_book=book, service__code="kms", code=code)


def symmetric_price(catalog) -> Decimal:
    rate = next(rate for rate in catalog.services["kms"].rates if rate.code == "symmetric_requests")
    return rate.tiers[0].price


@pytest.fixture
def before(price_book) -> dict:
    return snapshot(price_book)


@pytest.fixture
def draft(price_book) -> PriceBook:
    return price_book.copy_to_draft(name="Next prices")


class TestPublishedBookRefusesToChange:
    def test_renaming_the_book(self, price_book, before):
        price_book.name = "Cheaper prices"
        with pytest.raises(PublishedPriceBookError, match="is published and cannot change"):
            price_book.save()
        assert snapshot(price_book) == before

    def test_unpublishing_the_book(self, price_book, before):
        price_book.status = PriceBook.Status.DRAFT
        with pytest.raises(PublishedPriceBookError):
            price_book.save()
        assert snapshot(price_book) == before

    def test_publishing_it_again(self, price_book, before):
        with pytest.raises(PublishedPriceBookError):
            price_book.publish()
        assert snapshot(price_book) == before

    def test_deleting_the_book(self, price_book, before):
        with pytest.raises(PublishedPriceBookError):
            price_book.delete()
        assert snapshot(price_book) == before

    def test_saving_a_service(self, price_book, before):
        service = price_book.services.get(code="kms")
        service.name = "Renamed"
        with pytest.raises(PublishedPriceBookError):
            service.save()
        assert snapshot(price_book) == before

    def test_deleting_a_service(self, price_book, before):
        with pytest.raises(PublishedPriceBookError):
            price_book.services.get(code="kms").delete()
        assert snapshot(price_book) == before

    def test_adding_a_service(self, price_book, before):
        with pytest.raises(PublishedPriceBookError):
            Service.objects.create(price_book=price_book, code="s3", name="Amazon S3")
        assert snapshot(price_book) == before

    def test_saving_a_usage_input(self, price_book, before):
        usage_input = UsageInput.objects.get(service__price_book=price_book, key="keys")
        usage_input.max_value = Decimal(10)
        with pytest.raises(PublishedPriceBookError):
            usage_input.save()
        assert snapshot(price_book) == before

    def test_deleting_a_usage_input(self, price_book, before):
        usage_input = UsageInput.objects.get(service__price_book=price_book, key="keys")
        with pytest.raises(PublishedPriceBookError):
            usage_input.delete()
        assert snapshot(price_book) == before

    def test_saving_a_rate(self, price_book, before):
        rate = kms_rate(price_book)
        rate.free_units = Decimal(0)
        with pytest.raises(PublishedPriceBookError):
            rate.save()
        assert snapshot(price_book) == before

    def test_deleting_a_rate(self, price_book, before):
        with pytest.raises(PublishedPriceBookError):
            kms_rate(price_book).delete()
        assert snapshot(price_book) == before

    def test_adding_a_rate(self, price_book, before):
        service = price_book.services.get(code="kms")
        with pytest.raises(PublishedPriceBookError):
            Rate.objects.create(
                service=service, code="keys", label="k", meters="keys", unit="k", region="eu-west-1"
            )
        assert snapshot(price_book) == before

    def test_saving_a_tier(self, price_book, before):
        tier = kms_rate(price_book).tiers.get()
        tier.price = Decimal("0.01")
        with pytest.raises(PublishedPriceBookError):
            tier.save()
        assert snapshot(price_book) == before

    def test_deleting_a_tier(self, price_book, before):
        with pytest.raises(PublishedPriceBookError):
            kms_rate(price_book).tiers.get().delete()
        assert snapshot(price_book) == before

    def test_adding_a_tier(self, price_book, before):
        with pytest.raises(PublishedPriceBookError):
            RateTier.objects.create(rate=kms_rate(price_book), start=1, price=Decimal("0.01"))
        assert snapshot(price_book) == before

    def test_moving_a_rate_out_into_a_draft(self, price_book, before, draft):
        rate = kms_rate(price_book)
        rate.service = draft.services.get(code="waf")
        rate.code = "moved"
        with pytest.raises(PublishedPriceBookError):
            rate.save()
        assert snapshot(price_book) == before

    def test_queryset_update_of_its_tiers(self, price_book, before):
        with pytest.raises(PublishedPriceBookError):
            RateTier.objects.filter(rate__service__price_book=price_book).update(price=0)
        assert snapshot(price_book) == before

    def test_queryset_delete_of_the_book(self, price_book, before):
        with pytest.raises(PublishedPriceBookError):
            PriceBook.objects.filter(pk=price_book.pk).delete()
        assert snapshot(price_book) == before


class TestCopyToDraft:
    def test_copies_every_service_input_rate_and_tier(self, price_book, draft):
        assert counts(draft) == counts(price_book)
        assert counts(draft) == REFERENCE_COUNTS == (11, 60, 60, 81)

    def test_the_copy_prices_exactly_like_the_original(self, price_book, draft):
        original, copy = price_book.catalog(), draft.catalog()
        assert copy.services == original.services
        assert copy.regions == original.regions
        assert list(copy.services) == list(original.services)

    def test_the_copy_is_a_draft_of_new_rows(self, price_book, draft):
        assert draft.pk != price_book.pk
        assert draft.status == PriceBook.Status.DRAFT
        assert draft.published_at is None
        assert draft.copied_from == price_book
        assert draft.name == "Next prices"
        assert draft.source_note == price_book.source_note
        original_rates = set(
            Rate.objects.filter(service__price_book=price_book).values_list("pk", flat=True)
        )
        copied_rates = set(
            Rate.objects.filter(service__price_book=draft).values_list("pk", flat=True)
        )
        assert original_rates.isdisjoint(copied_rates)

    def test_default_name_says_it_is_a_copy(self, price_book):
        copy = price_book.copy_to_draft()
        assert copy.name == f"{price_book.name} (draft copy)"

    def test_the_copy_is_editable_and_the_original_is_not_touched(self, price_book, before, draft):
        tier = kms_rate(draft).tiers.get()
        tier.price = Decimal("0.04")
        tier.save()
        rate = kms_rate(draft, "keys")
        rate.free_units = Decimal(1)
        rate.save()
        draft.services.get(code="macie").delete()
        draft.name = "Edited"
        draft.save()
        assert kms_rate(draft).tiers.get().price == Decimal("0.04")
        assert set(draft.catalog().services) == set(price_book.catalog().services) - {"macie"}
        assert snapshot(price_book) == before
        assert kms_rate(price_book).tiers.get().price == Decimal("0.03")

    def test_a_draft_can_be_deleted_and_the_original_stays(self, price_book, before, draft):
        draft.delete()
        assert not PriceBook.objects.filter(pk=draft.pk).exists()
        assert snapshot(price_book) == before


class TestPublish:
    def test_a_draft_is_not_current_until_published(self, price_book, draft):
        draft.effective_date = LATER
        draft.save()
        assert PriceBook.objects.current() == price_book
        draft.publish()
        assert PriceBook.objects.current() == draft

    def test_publishing_freezes_the_draft(self, draft):
        draft.publish()
        stored = PriceBook.objects.get(pk=draft.pk)
        assert stored.is_published
        assert stored.published_at is not None
        tier = kms_rate(draft).tiers.get()
        tier.price = Decimal("0.04")
        with pytest.raises(PublishedPriceBookError):
            tier.save()
        assert kms_rate(draft).tiers.get().price == Decimal("0.03")

    def test_current_is_the_book_published_last(self, price_book, draft):
        """The issue: "Publish" makes a draft the current book for new estimates, whatever
        effective date it carries."""
        older = price_book.copy_to_draft(name="Older")
        older.effective_date = date(2026, 1, 1)
        older.save()
        older.publish()
        assert PriceBook.objects.current() == older
        assert set(PriceBook.objects.published()) == {price_book, older}
        assert draft not in PriceBook.objects.published()


class TestCatalogCache:
    def test_a_published_books_catalog_is_loaded_once(self, draft, django_assert_num_queries):
        draft.publish()
        book = PriceBook.objects.get(pk=draft.pk)
        with CaptureQueriesContext(connection) as first_load:
            first = book.catalog()
        assert len(first_load.captured_queries) > 0
        with django_assert_num_queries(0):
            second = book.catalog()
        assert second is first

    def test_another_instance_of_the_published_book_shares_it(
        self, price_book, django_assert_num_queries
    ):
        first = price_book.catalog()
        again = PriceBook.objects.get(pk=price_book.pk)
        with django_assert_num_queries(0):
            assert again.catalog() is first

    def test_a_drafts_catalog_is_read_afresh(self, draft):
        assert symmetric_price(draft.catalog()) == Decimal("0.03")
        tier = kms_rate(draft).tiers.get()
        tier.price = Decimal("0.04")
        tier.save()
        with CaptureQueriesContext(connection) as reload:
            catalog = draft.catalog()
        assert len(reload.captured_queries) > 0
        assert symmetric_price(catalog) == Decimal("0.04")


class TestCurrentBookRemembered:
    """The current book's id is asked of the database once per process and interval, and a
    publish or delete in this process is seen at once."""

    def test_a_remembered_current_book_costs_no_query(self, price_book, django_assert_num_queries):
        first = PriceBook.objects.current_catalog()
        with django_assert_num_queries(0):
            again = PriceBook.objects.current_catalog()
        assert again is first
        assert again.book_id == price_book.pk

    def test_a_publish_in_this_process_is_seen_at_once(self, price_book, draft):
        assert PriceBook.objects.current_catalog().book_id == price_book.pk
        tier = kms_rate(draft).tiers.get()
        tier.price = Decimal("0.04")
        tier.save()
        draft.publish()
        catalog = PriceBook.objects.current_catalog()
        assert catalog.book_id == draft.pk
        assert symmetric_price(catalog) == Decimal("0.04")

    def test_a_deleted_current_book_is_forgotten(self, price_book, draft):
        draft.publish()
        assert PriceBook.objects.current_catalog().book_id == draft.pk
        models.QuerySet.delete(PriceBook.objects.filter(pk=draft.pk))
        assert PriceBook.objects.current_catalog().book_id == price_book.pk

    def test_another_processs_publish_is_seen_once_the_interval_passes(
        self, price_book, draft, settings, monkeypatch
    ):
        """Another gunicorn worker cannot signal this one: its publish is seen once the
        remembered answer is older than COSTCALC_CURRENT_BOOK_SECONDS."""
        settings.COSTCALC_CURRENT_BOOK_SECONDS = 2
        now = [1000.0]
        monkeypatch.setattr(time, "monotonic", lambda: now[0])
        assert PriceBook.objects.current_catalog().book_id == price_book.pk
        # A publish that sends no signal here, as one in another process.
        models.QuerySet.update(
            PriceBook.objects.filter(pk=draft.pk),
            status=PriceBook.Status.PUBLISHED,
            published_at=timezone.now(),
        )
        now[0] += 1.9
        assert PriceBook.objects.current_catalog().book_id == price_book.pk
        now[0] += 0.2
        assert PriceBook.objects.current_catalog().book_id == draft.pk


class TestRegions:
    def test_the_seeded_book_is_priced_in_us_east_1(self, price_book):
        assert price_book.regions() == ("us-east-1",)
        assert price_book.catalog().regions == ("us-east-1",)

    def test_us_east_1_first_then_alphabetical(self, draft):
        service = draft.services.get(code="kms")
        for region in ("eu-west-1", "ap-south-1"):
            Rate.objects.create(
                service=service, code="keys", label="k", meters="keys", unit="k", region=region
            )
        assert draft.regions() == ("us-east-1", "ap-south-1", "eu-west-1")

    def test_all_region_rates_name_no_region(self, draft):
        draft.services.exclude(code="waf").delete()
        assert draft.regions() == ()
        assert draft.catalog().regions == ("us-east-1",)


@pytest.mark.django_db
def test_a_book_that_others_were_copied_from_cannot_be_deleted(price_book):
    """Deleting it would clear copied_from on the copies, and a published copy never changes."""
    draft = price_book.copy_to_draft(name="Draft")
    second = draft.copy_to_draft(name="Second")
    second.publish()
    with pytest.raises(ProtectedError):
        draft.delete()
    assert PriceBook.objects.get(pk=second.pk).copied_from == draft


class TestCommitments:
    def test_the_migration_binds_shield_advanced_for_a_year_and_nothing_else(self, price_book):
        bound = Rate.objects.filter(service__price_book=price_book, commitment_months__gt=0)

        assert [(r.service.code, r.code, r.commitment_months) for r in bound] == [
            ("shield", "advanced_subscriptions", 12)
        ]

    def test_the_catalog_and_a_draft_copy_carry_the_term(self, price_book, draft):
        for book in (price_book, draft):
            shield = book.catalog().services["shield"]
            subscription = next(r for r in shield.rates if r.code == "advanced_subscriptions")
            assert subscription.commitment_months == 12

    def test_the_seeded_catalog_without_a_database_agrees(self, price_book, catalog):
        assert price_book.catalog().services["shield"] == catalog.services["shield"]
