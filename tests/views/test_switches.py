"""Issue 20, item 12: yes/no inputs are checkboxes in the editor and booleans in the API (0 and
1 still accepted); what is saved is unchanged ("1" or nothing)."""

import re
from decimal import Decimal

import pytest

from estimates.api import shapes
from estimates.models import Estimate
from estimates.prices.book_file import catalog_from_book
from tests.conftest import FIRST_BOOK, SECOND_BOOK

from .test_editor import field_error, form_data, monthly_total

SHIELD_ON = {"service": "shield", "usage": {"advanced_subscriptions": "on"}}


@pytest.mark.django_db
class TestEditorCheckbox:
    def test_a_yes_no_input_is_a_checkbox_and_a_number_a_text_box(self, client, price_book):
        data = form_data({"service": "shield"}, {"service": "kms"})
        html = client.post("/", data).content.decode()
        box = re.search(r'<input[^>]*name="card-0-advanced_subscriptions"[^>]*>', html).group(0)
        assert 'type="checkbox"' in box
        assert "checked" not in box
        keys = re.search(r'<input[^>]*name="card-1-keys"[^>]*>', html).group(0)
        assert 'type="text"' in keys

    def test_ticked_prices_the_subscription_and_saves_1(self, client, price_book):
        html = client.post("/", form_data(SHIELD_ON)).content.decode()
        assert monthly_total(html) == "$3,000.00"
        response = client.post("/save", form_data(SHIELD_ON, name="Shield"))
        assert response.status_code == 302
        (item,) = Estimate.objects.get().items_for_engine()
        assert item.usage == {"advanced_subscriptions": Decimal(1)}
        assert Estimate.objects.get().items.get().usage == {"advanced_subscriptions": "1"}

    def test_unticked_sends_nothing_and_is_0(self, client, price_book):
        html = client.post("/", form_data({"service": "shield"})).content.decode()
        assert monthly_total(html) == "$0.00"

    def test_a_copy_of_a_saved_switch_opens_ticked(self, client, price_book):
        client.post("/save", form_data(SHIELD_ON, name="Shield"))
        copy = client.get(f"/?copy={Estimate.objects.get().public_id}").content.decode()
        box = re.search(r'<input[^>]*name="card-0-advanced_subscriptions"[^>]*>', copy).group(0)
        assert "checked" in box

    @pytest.mark.parametrize(("posted", "total"), [("1", "$3,000.00"), ("0", "$0.00")])
    def test_0_and_1_still_read(self, client, price_book, posted, total):
        card = {"service": "shield", "usage": {"advanced_subscriptions": posted}}
        assert monthly_total(client.post("/", form_data(card)).content.decode()) == total

    def test_anything_else_is_a_message_beside_it(self, client, price_book):
        card = {"service": "shield", "usage": {"advanced_subscriptions": "2"}}
        html = client.post("/", form_data(card)).content.decode()
        assert field_error(html, "id_card-0-advanced_subscriptions") == "Enter 0 or 1."


@pytest.mark.django_db
class TestApiBooleans:
    @pytest.mark.parametrize(
        ("value", "total"), [(True, "3000.00"), (False, "0.00"), (1, "3000.00")]
    )
    def test_a_switch_takes_true_false_0_and_1(self, client, price_book, value, total):
        body = {"items": [{"service": "shield", "usage": {"advanced_subscriptions": value}}]}
        response = client.post("/api/v1/quote", body, content_type="application/json")
        assert response.json()["monthly_total"] == total

    def test_a_quantity_refuses_a_boolean(self, client, price_book):
        body = {"items": [{"service": "kms", "usage": {"keys": True}}]}
        response = client.post("/api/v1/quote", body, content_type="application/json")
        assert response.status_code == 400
        assert response.json()["errors"] == [
            {"item": 0, "field": "keys", "message": "Enter a number."}
        ]


@pytest.mark.parametrize("book", [FIRST_BOOK, SECOND_BOOK], ids=["2026-11", "2026-12"])
def test_the_document_names_every_switch_of_the_shipped_books(book):
    catalog = catalog_from_book(book)
    switches = {
        spec.key
        for service in catalog.services.values()
        for spec in service.inputs
        if spec.is_switch
    }
    assert switches <= set(shapes.SWITCH_KEYS)
