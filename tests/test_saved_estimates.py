"""Saved estimates: created whole, never changed, pinned to the book that priced them."""

import uuid
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from estimates import pricing
from estimates.models import (
    Estimate,
    EstimateItem,
    PriceBook,
    PublishedPriceBookError,
    Rate,
    RateTier,
    SavedEstimateError,
    Service,
)
from estimates.pricing.compare import ADDED, CHANGED
from estimates.pricing.projection import GROWTH_FIELD, MONTHS_FIELD, Projection

D = Decimal
KMS_ITEMS = [
    pricing.Item(
        service="kms",
        region="us-east-1",
        group="prod",
        usage={"keys": D(10), "symmetric_requests": D(2_000_000)},
    ),
    pricing.Item(service="waf", region="us-east-1", group="edge", usage={"web_acls": D(2)}),
]


def save(price_book, items=None, **options) -> Estimate:
    options.setdefault("name", "Production keys")
    return Estimate.objects.create_from_items(
        price_book=price_book, items=KMS_ITEMS if items is None else items, **options
    )


def publish_newer_book(price_book, *, key_price="1.10", change=None) -> PriceBook:
    """A copy of the book with KMS keys at `key_price`, edited by `change`, then published."""
    draft = price_book.copy_to_draft(name="AWS list prices, 2027-01")
    draft.effective_date = date(2027, 1, 1)
    draft.save()
    tier = RateTier.objects.get(
        rate__service__price_book=draft, rate__service__code="kms", rate__code="keys"
    )
    tier.price = D(key_price)
    tier.save()
    if change:
        change(draft)
    draft.publish()
    return draft


def error_fields(excinfo) -> list[tuple[int | None, str]]:
    return [(error.item, error.field) for error in excinfo.value.errors]


class TestCreate:
    def test_saves_every_card_and_the_totals_in_one_go(self, price_book):
        estimate = save(price_book, description="Keys and a web ACL", free_tier=True)

        stored = Estimate.objects.get()
        assert stored.public_id == estimate.public_id
        assert stored.name == "Production keys"
        assert stored.description == "Keys and a web ACL"
        assert stored.price_book == price_book
        assert stored.free_tier is True
        assert stored.copied_from is None
        # 10 keys + (2,000,000 − 20,000) ÷ 10,000 × $0.03 + 2 web ACLs × $5.
        assert stored.monthly_total == D("25.94")
        assert stored.upfront_total == D(0)
        assert stored.first_12_months_total == D("311.28")
        rows = list(
            EstimateItem.objects.filter(estimate=stored).values_list(
                "position", "service", "region", "group", "usage"
            )
        )
        assert rows == [
            (0, "kms", "us-east-1", "prod", {"keys": "10", "symmetric_requests": "2000000"}),
            (1, "waf", "us-east-1", "edge", {"web_acls": "2"}),
        ]

    def test_public_id_is_a_random_uuid4_not_the_key(self, price_book):
        first, second = save(price_book), save(price_book)

        assert first.public_id.version == 4
        assert first.public_id != second.public_id
        assert first.get_absolute_url() == f"/e/{first.public_id}/"
        assert first.get_csv_url() == f"/e/{first.public_id}/export.csv"
        assert first.get_json_url() == f"/api/v1/estimates/{first.public_id}"

    def test_snapshot_keeps_every_digit_the_engine_summed(self, price_book):
        usage = {"keys": D("0.1234567890123456789")}

        estimate = save(price_book, items=[pricing.Item(service="kms", usage=usage)])

        stored = Estimate.objects.get(pk=estimate.pk)
        # More digits than SQLite's DecimalField keeps (15): stored as exact text.
        assert stored.monthly_total == D("0.1234567890123456789")
        assert stored.first_12_months_total == D("1.4814814681481481468")
        assert stored.items.get().usage == {"keys": "0.1234567890123456789"}

    def test_items_for_engine_gives_back_exactly_what_was_saved(self, price_book):
        items = [
            pricing.Item(service="kms", region="us-east-1", group="", usage={"keys": D("0.5")}),
            *KMS_ITEMS,
        ]

        estimate = save(price_book, items=items, free_tier=False)

        assert Estimate.objects.get(pk=estimate.pk).items_for_engine() == items

    def test_quote_is_the_engine_with_the_pinned_book(self, price_book):
        estimate = save(price_book, free_tier=False)

        expected = pricing.quote(price_book.catalog(), KMS_ITEMS, free_tier=False)
        assert estimate.quote() == expected
        # Without the free tier the 20,000 free requests are charged too: 6.00 not 5.94.
        assert estimate.quote().monthly_total == D("26.00")
        assert estimate.monthly_total == D("26.00")

    def test_as_payload_is_a_quote_body_to_prefill_a_copy(self, price_book):
        estimate = save(price_book, description="d", free_tier=False)

        assert estimate.as_payload() == {
            "name": "Production keys",
            "description": "d",
            "free_tier": False,
            "projection": {"months": 12, "monthly_growth_percent": "0"},
            "items": [
                {
                    "service": "kms",
                    "region": "us-east-1",
                    "group": "prod",
                    "usage": {"keys": "10", "symmetric_requests": "2000000"},
                },
                {
                    "service": "waf",
                    "region": "us-east-1",
                    "group": "edge",
                    "usage": {"web_acls": "2"},
                },
            ],
        }

    def test_name_and_description_are_trimmed(self, price_book):
        estimate = save(price_book, name="  Keys  ", description="\n text \n")

        assert (estimate.name, estimate.description) == ("Keys", "text")

    def test_longest_name_and_description_are_accepted(self, price_book):
        estimate = save(price_book, name="n" * 200, description="d" * 2000)

        stored = Estimate.objects.get(pk=estimate.pk)
        assert (len(stored.name), len(stored.description)) == (200, 2000)

    def test_two_hundred_cards_are_accepted(self, price_book):
        items = [pricing.Item(service="kms", usage={"keys": D(1)})] * pricing.MAX_ITEMS

        estimate = save(price_book, items=items)

        assert estimate.items.count() == 200
        assert Estimate.objects.get().monthly_total == D(200)


class TestCreateRefuses:
    @pytest.mark.parametrize(
        ("options", "field", "message"),
        [
            ({"name": ""}, "name", "Name the estimate."),
            ({"name": "   "}, "name", "Name the estimate."),
            ({"name": "n" * 201}, "name", "At most 200 characters, please."),
            ({"name": None}, "name", "name must be text."),
            ({"name": "a\x00b"}, "name", "Remove the control characters."),
            ({"name": "line\nbreak"}, "name", "Remove the control characters."),
            ({"name": "lone \ud800"}, "name", "Remove the characters that are not text."),
            ({"description": "d" * 2001}, "description", "At most 2,000 characters, please."),
            ({"description": "nul\x00"}, "description", "Remove the control characters."),
        ],
    )
    def test_bad_name_or_description(self, price_book, options, field, message):
        with pytest.raises(pricing.PricingError) as excinfo:
            save(price_book, **options)

        assert [(e.item, e.field, e.message) for e in excinfo.value.errors] == [
            (None, field, message)
        ]
        assert not Estimate.objects.exists()
        assert not EstimateItem.objects.exists()

    def test_more_than_two_hundred_cards(self, price_book):
        items = [pricing.Item(service="kms", usage={"keys": D(1)})] * 201

        with pytest.raises(pricing.PricingError) as excinfo:
            save(price_book, items=items)

        assert error_fields(excinfo) == [(None, "items")]
        assert not Estimate.objects.exists()

    def test_items_the_engine_cannot_price(self, price_book):
        items = [
            pricing.Item(service="kms", region="eu-west-1", usage={"keys": D(-1)}),
            pricing.Item(service="nope"),
        ]

        with pytest.raises(pricing.PricingError) as excinfo:
            save(price_book, items=items)

        assert error_fields(excinfo) == [(0, "region"), (0, "keys"), (1, "service")]
        assert not Estimate.objects.exists()

    def test_a_group_no_database_can_store(self, price_book):
        items = [pricing.Item(service="kms", group="a\x00b", usage={"keys": D(1)})]

        with pytest.raises(pricing.PricingError) as excinfo:
            save(price_book, items=items)

        assert error_fields(excinfo) == [(0, "group")]

    def test_a_draft_price_book(self, price_book):
        draft = price_book.copy_to_draft()

        with pytest.raises(pricing.PricingError) as excinfo:
            save(draft)

        assert error_fields(excinfo) == [(None, "price_book")]
        assert not Estimate.objects.exists()

    def test_nothing_is_left_behind_when_the_items_fail_to_insert(self, price_book, monkeypatch):
        def broken_bulk_create(*args, **kwargs):
            raise RuntimeError("disk full")

        monkeypatch.setattr(EstimateItem.objects, "bulk_create", broken_bulk_create)

        with pytest.raises(RuntimeError):
            save(price_book)

        assert not Estimate.objects.exists()


class TestImmutable:
    def test_saving_a_changed_estimate_is_refused(self, price_book):
        estimate = save(price_book)
        estimate.name = "Renamed"

        with pytest.raises(SavedEstimateError):
            estimate.save()

        assert Estimate.objects.get().name == "Production keys"

    def test_deleting_is_refused(self, price_book):
        estimate = save(price_book)

        with pytest.raises(SavedEstimateError):
            estimate.delete()
        with pytest.raises(SavedEstimateError):
            Estimate.objects.all().delete()
        with pytest.raises(SavedEstimateError):
            Estimate.objects.filter(pk=estimate.pk).update(name="Renamed")

        assert Estimate.objects.get().name == "Production keys"
        assert EstimateItem.objects.count() == 2

    def test_items_cannot_be_changed_added_or_removed(self, price_book):
        estimate = save(price_book)
        item = estimate.items.first()
        item.usage = {"keys": "1"}

        with pytest.raises(SavedEstimateError):
            item.save()
        with pytest.raises(SavedEstimateError):
            item.delete()
        with pytest.raises(SavedEstimateError):
            EstimateItem(estimate=estimate, position=2, service="kms", region="us-east-1").save()

        assert list(estimate.items.values_list("usage", flat=True)) == [
            {"keys": "10", "symmetric_requests": "2000000"},
            {"web_acls": "2"},
        ]

    def test_its_price_book_cannot_be_deleted(self, price_book):
        save(price_book)

        with pytest.raises(PublishedPriceBookError):
            price_book.delete()

        assert PriceBook.objects.filter(pk=price_book.pk).exists()


class TestPinnedPrices:
    def test_a_newer_book_changes_nothing_saved(self, price_book):
        estimate = save(price_book)
        before = estimate.quote()

        newer = publish_newer_book(price_book)

        stored = Estimate.objects.get(pk=estimate.pk)
        assert PriceBook.objects.current() == newer
        assert stored.price_book == price_book
        assert stored.quote() == before
        assert stored.quote().monthly_total == D("25.94")
        assert stored.monthly_total == D("25.94")

    def test_no_movement_while_its_book_is_current(self, price_book):
        assert save(price_book).price_movement() is None

    def test_movement_lists_totals_then_and_now_and_the_lines_that_moved(self, price_book):
        estimate = save(price_book)
        newer = publish_newer_book(price_book)

        movement = estimate.price_movement()

        assert movement.book == newer
        assert movement.can_reprice and movement.changed
        assert movement.then.monthly_total == D("25.94")
        assert movement.now.monthly_total == D("26.94")
        assert [
            (line.item_index, line.service, line.usage_key, line.label, line.then, line.now)
            for line in movement.lines
        ] == [(0, "kms", "keys", "Customer managed keys", D(10), D(11))]
        assert movement.lines[0].change == D(1)
        assert movement.lines[0].region == "us-east-1"
        assert movement.lines[0].group == "prod"

    def test_a_line_whose_rate_is_gone_moves_to_zero(self, price_book):
        estimate = save(price_book)

        def drop_symmetric_requests(draft):
            Rate.objects.get(
                service__price_book=draft, service__code="kms", code="symmetric_requests"
            ).delete()

        publish_newer_book(price_book, key_price="1.00", change=drop_symmetric_requests)
        movement = estimate.price_movement()

        assert movement.now.monthly_total == D(20)
        assert [(line.usage_key, line.then, line.now) for line in movement.lines] == [
            ("symmetric_requests", D("5.94"), D(0))
        ]

    def test_same_prices_in_a_newer_book_move_nothing(self, price_book):
        estimate = save(price_book)
        publish_newer_book(price_book, key_price="1.00")

        movement = estimate.price_movement()

        assert movement is not None
        assert movement.lines == ()
        assert not movement.changed
        assert movement.now.monthly_total == movement.then.monthly_total == D("25.94")

    def test_a_region_the_new_book_lacks_is_reported_not_raised(self, price_book):
        estimate = save(price_book)

        def move_kms_to_ireland(draft):
            for rate in Rate.objects.filter(service__price_book=draft, service__code="kms"):
                rate.region = "eu-west-1"
                rate.save()

        publish_newer_book(price_book, change=move_kms_to_ireland)
        movement = estimate.price_movement()

        assert movement.now is None
        assert not movement.can_reprice
        assert movement.changed
        assert [(e.item, e.field) for e in movement.errors] == [(0, "region")]
        assert movement.then.monthly_total == D("25.94")
        with pytest.raises(pricing.PricingError):
            estimate.reprice()
        assert Estimate.objects.count() == 1

    def test_a_service_the_new_book_lacks_is_reported(self, price_book):
        estimate = save(price_book)
        publish_newer_book(
            price_book,
            change=lambda draft: Service.objects.get(price_book=draft, code="waf").delete(),
        )

        movement = estimate.price_movement()

        assert movement.now is None
        assert [(e.item, e.field, e.message) for e in movement.errors] == [
            (1, "service", "Unknown service 'waf'.")
        ]


class TestReprice:
    def test_reprice_makes_a_new_copy_and_leaves_the_original(self, price_book):
        original = save(price_book, description="First")
        newer = publish_newer_book(price_book)

        copy = original.reprice()

        assert copy.pk != original.pk and copy.public_id != original.public_id
        assert copy.copied_from == original
        assert copy.price_book == newer
        assert (copy.name, copy.description, copy.free_tier) == ("Production keys", "First", True)
        assert copy.monthly_total == D("26.94")
        assert copy.items_for_engine() == KMS_ITEMS
        stored = Estimate.objects.get(pk=original.pk)
        assert stored.price_book == price_book
        assert stored.monthly_total == D("25.94")
        assert Estimate.objects.count() == 2
        assert copy.price_movement() is None

    def test_lineage_lists_the_ancestors_nearest_first(self, price_book):
        first = save(price_book, name="First")
        second = save(price_book, name="Second", copied_from=first)
        third = save(price_book, name="Third", copied_from=second)

        assert third.lineage() == [second, first]
        assert second.lineage() == [first]
        assert first.lineage() == []
        assert list(first.copies.all()) == [second]


def test_unknown_public_id_finds_nothing(price_book):
    save(price_book)

    assert not Estimate.objects.filter(public_id=uuid.uuid4()).exists()


class TestLineageAndBulkChanges:
    def test_lineage_is_read_in_one_query_and_stops_at_ten(
        self, price_book, django_assert_num_queries
    ):
        estimate = save(price_book, name="Copy 0")
        for number in range(1, 13):
            estimate = save(price_book, name=f"Copy {number}", copied_from=estimate)
        fresh = Estimate.objects.get(pk=estimate.pk)
        with django_assert_num_queries(1):
            names = [ancestor.name for ancestor in fresh.lineage()]
        assert names == [f"Copy {number}" for number in range(11, 1, -1)]

    def test_the_page_says_when_the_lineage_goes_further_back(self, client, price_book):
        estimate = save(price_book, name="Copy 0")
        for number in range(1, 13):
            estimate = save(price_book, name=f"Copy {number}", copied_from=estimate)
        html = client.get(estimate.get_absolute_url()).content.decode()
        assert "Copy 2</a> (" in html and "Copy 1</a>" not in html
        assert "itself a copy of earlier estimates." in html

    def test_items_cannot_be_changed_in_bulk(self, price_book):
        estimate = save(price_book)
        with pytest.raises(SavedEstimateError):
            EstimateItem.objects.filter(estimate=estimate).update(usage={"keys": "999"})
        with pytest.raises(SavedEstimateError):
            EstimateItem.objects.filter(estimate=estimate).delete()
        assert Estimate.objects.get(pk=estimate.pk).quote().monthly_total == D("25.94")

    def test_same_prices_in_a_newer_book_show_no_notice(self, client, price_book):
        estimate = save(price_book)
        publish_newer_book(price_book, key_price="1.00")
        html = client.get(estimate.get_absolute_url()).content.decode()
        assert "Prices changed since this estimate was saved" not in html
        response = client.post(f"{estimate.get_absolute_url()}reprice")
        assert response.status_code == 302
        assert Estimate.objects.count() == 1  # nothing to reprice, nothing saved


class TestProjection:
    def test_a_new_estimate_projects_twelve_months_without_growth(self, price_book):
        estimate = save(price_book)

        assert estimate.projection == Projection(12, D(0))
        result = estimate.project()
        assert result.total == estimate.first_12_months_total == D("311.28")

    def test_the_projection_is_saved_exactly_and_read_back(self, price_book):
        estimate = save(price_book, projection=Projection(36, D("2.5")))

        stored = Estimate.objects.get(pk=estimate.pk)
        assert stored.projection == Projection(36, D("2.5"))
        assert stored.projection_growth_percent == D("2.5")
        assert len(stored.project().months) == 36

    @pytest.mark.parametrize(
        ("projection", "field"),
        [
            (Projection(18, D(0)), MONTHS_FIELD),
            (Projection(12, D("-100.5")), GROWTH_FIELD),
            (Projection(12, D("1000.01")), GROWTH_FIELD),
            (Projection(12, D("0.12345")), GROWTH_FIELD),
        ],
    )
    def test_a_projection_out_of_bounds_is_refused(self, price_book, projection, field):
        with pytest.raises(pricing.PricingError) as excinfo:
            save(price_book, projection=projection)

        assert error_fields(excinfo) == [(None, field)]
        assert Estimate.objects.count() == 0

    def test_growth_past_what_the_engine_takes_is_refused_before_saving(self, price_book):
        with pytest.raises(pricing.PricingError) as excinfo:
            save(price_book, projection=Projection(36, D(1000)))

        assert error_fields(excinfo) == [(None, GROWTH_FIELD)]
        assert Estimate.objects.count() == 0

    def test_a_repriced_copy_keeps_the_projection(self, price_book):
        original = save(price_book, projection=Projection(24, D(-1)))
        publish_newer_book(price_book)

        assert original.reprice().projection == Projection(24, D(-1))


class TestCompareTo:
    def test_two_estimates_of_one_book_compare_without_a_split(self, price_book):
        a = save(price_book)
        b = save(
            price_book, items=[*KMS_ITEMS, pricing.Item("kms", group="dev", usage={"keys": 1})]
        )

        comparison = a.compare_to(b)

        assert comparison.same_price_book and comparison.price_effect is None
        assert [(line.group, line.status, line.delta) for line in comparison.lines] == [
            ("dev", ADDED, D("1.00"))
        ]
        assert comparison.monthly_delta == D("1.00")

    def test_two_books_split_price_from_usage(self, price_book):
        a = save(price_book)
        newer = publish_newer_book(price_book)
        more_keys = [
            replace(KMS_ITEMS[0], usage={**KMS_ITEMS[0].usage, "keys": D(20)}),
            KMS_ITEMS[1],
        ]
        b = save(newer, items=more_keys)

        comparison = a.compare_to(b)

        assert not comparison.same_price_book
        assert comparison.monthly_delta == D("12.00")  # 10 keys at $1.00 → 20 at $1.10
        assert comparison.price_effect.monthly == D("1.00")
        assert comparison.usage_effect.monthly == D("11.00")
        (keys,) = comparison.lines
        assert (keys.usage_key, keys.status, keys.price_effect) == ("keys", CHANGED, D("1.00"))

    def test_a_usage_the_other_book_cannot_price_gives_no_split_and_says_why(self, price_book):
        a = save(price_book)
        newer = publish_newer_book(
            price_book,
            change=lambda draft: Service.objects.get(price_book=draft, code="waf").delete(),
        )
        b = save(newer, items=KMS_ITEMS[:1])

        comparison = a.compare_to(b)

        assert comparison.price_effect is None and comparison.usage_effect is None
        assert [(e.item, e.field) for e in comparison.split_errors] == [(1, "service")]
        assert comparison.monthly_delta == D("-9.00")  # WAF gone: −$10.00; keys at $1.10: +$1.00
