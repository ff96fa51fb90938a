"""Issue 20, item 1: a Region posted twice is refused by the editor as the engine refuses it, and
a saved estimate that cannot be priced any more is a clear 409 everywhere, never a 500."""

import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from estimates import pricing
from estimates.models import Estimate, EstimateItem

from .test_editor import KMS, field_error, form_data

TWICE = {"service": "kms", "regions": ["us-east-1", "us-east-1"], "usage": {"keys": "1"}}


def saved_with_a_region_twice(price_book) -> Estimate:
    """Bad data from before the check: a card whose Region is stored twice."""
    estimate = Estimate.objects.create_from_items(
        name="Old", price_book=price_book, items=[pricing.Item("kms", usage={"keys": Decimal(1)})]
    )
    EstimateItem.objects.bulk_create(
        [
            EstimateItem(
                estimate=estimate,
                position=1,
                service="kms",
                region="us-east-1",
                regions=["us-east-1", "us-east-1"],
                usage={"keys": "2"},
            )
        ]
    )
    return Estimate.objects.get(pk=estimate.pk)


@pytest.mark.django_db
class TestRegionPostedTwice:
    def test_the_preview_puts_the_engines_message_beside_the_regions(self, client, price_book):
        html = client.post("/preview", form_data(KMS, TWICE), headers={"HX-Request": "true"})
        html = html.content.decode()
        assert field_error(html, "id_card-1-regions") == "Name each Region once."
        # The valid card is still priced; the total is its own, marked incomplete (issue 20,
        # item 10: a wrong field no longer blanks the total).
        assert 'id="monthly-total">$15.94<' in html
        assert "Incomplete: the total of the valid cards only. 1 card needs attention." in html

    def test_save_refuses_it_and_saves_nothing(self, client, price_book):
        response = client.post("/save", form_data(TWICE, name="Twice"))
        html = response.content.decode()
        assert response.status_code == 200
        assert field_error(html, "id_card-0-regions") == "Name each Region once."
        assert Estimate.objects.count() == 0

    def test_the_model_refuses_a_quote_the_engine_would_refuse(self, price_book):
        item = pricing.Item("kms", usage={"keys": Decimal(1)}, regions=("us-east-1",) * 2)
        priced = pricing.price_items(price_book.catalog(), [item])
        with pytest.raises(pricing.PricingError, match="Name each Region once"):
            Estimate.objects.create_from_quote(name="x", price_book=price_book, priced=priced)
        assert Estimate.objects.count() == 0


@pytest.mark.django_db
class TestSavedEstimateThatCannotBePriced:
    def test_the_page_says_why_with_a_409(self, client, price_book):
        estimate = saved_with_a_region_twice(price_book)
        response = client.get(f"/e/{estimate.public_id}/")
        html = response.content.decode()
        assert response.status_code == 409
        assert "This estimate cannot be priced any more" in html
        assert "Card 2, regions: Name each Region once." in html
        assert f'href="/?copy={estimate.public_id}"' in html

    def test_the_csv_and_reprice_say_why_too(self, client, price_book):
        estimate = saved_with_a_region_twice(price_book)
        csv = client.get(f"/e/{estimate.public_id}/export.csv")
        assert csv.status_code == 409
        assert "Name each Region once." in csv.content.decode()
        reprice = client.post(f"/e/{estimate.public_id}/reprice")
        assert reprice.status_code == 409
        assert Estimate.objects.count() == 1

    def test_the_json_is_a_409_with_the_errors_body(self, client, price_book):
        estimate = saved_with_a_region_twice(price_book)
        response = client.get(f"/api/v1/estimates/{estimate.public_id}")
        assert response.status_code == 409
        assert response.json() == {
            "errors": [
                {
                    "item": 1,
                    "field": "regions",
                    "message": f"Estimate {estimate.public_id} was saved with data its price "
                    "book cannot price any more: Name each Region once.",
                }
            ]
        }

    def test_compare_pages_csv_and_json_say_which_estimate(self, client, price_book):
        broken = saved_with_a_region_twice(price_book)
        fine = Estimate.objects.create_from_items(
            name="Fine", price_book=price_book, items=[pricing.Item("kms")]
        )
        for a, b in [(broken, fine), (fine, broken)]:
            page = client.get(f"/compare/{a.public_id}/{b.public_id}/")
            assert page.status_code == 409
            assert re.search(r"<h2>Old</h2>", page.content.decode())
            assert "<h2>Fine</h2>" not in page.content.decode()
            csv = client.get(f"/compare/{a.public_id}/{b.public_id}/export.csv")
            assert csv.status_code == 409
            api = client.get(f"/api/v1/compare/{a.public_id}/{b.public_id}")
            assert api.status_code == 409
            assert str(broken.public_id) in api.json()["errors"][0]["message"]

    def test_check_estimates_lists_them_and_exits_1(self, price_book):
        broken = saved_with_a_region_twice(price_book)
        Estimate.objects.create_from_items(
            name="Fine", price_book=price_book, items=[pricing.Item("kms")]
        )
        out = StringIO()
        with pytest.raises(SystemExit) as exit_info:
            call_command("check_estimates", stdout=out)
        assert exit_info.value.code == 1
        assert out.getvalue() == (
            f"{broken.public_id} “Old”: card 2, regions: Name each Region once.\n"
            "1 of 2 saved estimates cannot be priced.\n"
        )

    def test_check_estimates_is_quiet_and_exits_0_when_all_price(self, price_book):
        Estimate.objects.create_from_items(
            name="Fine", price_book=price_book, items=[pricing.Item("kms")]
        )
        out = StringIO()
        call_command("check_estimates", stdout=out)
        assert out.getvalue() == "All 1 saved estimates can be priced.\n"
