"""Issue 20, item 14: an input far outside what any organisation uses gets a note beside it with
the figure it implies, and is still priced (a warning, not a refusal)."""

import re
from decimal import Decimal

import pytest

from estimates import pricing
from estimates.pricing import projection

from .test_editor import field_error, form_data, monthly_total


def field_note(html: str, field_id: str) -> str:
    return re.search(rf'id="{field_id}_note"[^>]*>([^<]*)<', html).group(1)


def test_a_quadrillion_keys_is_noted_with_its_monthly_cost(catalog):
    item = pricing.Item("kms", usage={"keys": Decimal(10) ** 15})
    (item_quote,) = pricing.quote(catalog, [item]).items
    assert pricing.outsize_notes(catalog, item_quote) == {
        "keys": "1,000,000,000,000,000 keys is far more than any organisation uses: it "
        "comes to $1,000,000,000,000,000.00 a month on this card. Check the figure and its unit."
    }


def test_an_ordinary_card_has_no_note(catalog):
    item = pricing.Item(
        "kms", usage={"keys": Decimal(10_000), "symmetric_requests": Decimal(10**9)}
    )
    (item_quote,) = pricing.quote(catalog, [item]).items
    assert pricing.outsize_notes(catalog, item_quote) == {}


def test_20_percent_a_month_for_36_months_is_noted_with_its_factor():
    note = projection.outsize_growth_note(projection.Projection(36, Decimal(20)))
    assert note == (
        "20% a month for 36 months multiplies usage 591 times by month 36: far more growth "
        "than any organisation plans for. Check the figure."
    )
    assert projection.outsize_growth_note(projection.Projection(36, Decimal("2.5"))) is None


@pytest.mark.django_db
class TestEditorNotes:
    def test_the_note_is_beside_the_field_and_the_total_still_shows(self, client, price_book):
        card = {"service": "kms", "usage": {"keys": "1e15"}}
        html = client.post("/preview", form_data(card), headers={"HX-Request": "true"})
        html = html.content.decode()
        assert field_error(html, "id_card-0-keys") == ""
        assert field_note(html, "id_card-0-keys").startswith(
            "1,000,000,000,000,000 keys is far more than any organisation uses"
        )
        assert monthly_total(html) == "$1,000,000,000,000,000.00"

    def test_the_growth_note_says_the_factor_and_the_last_month(self, client, price_book):
        card = {"service": "kms", "usage": {"keys": "10"}}
        data = form_data(card, projection_months="36", projection_growth_percent="20")
        html = client.post("/preview", data, headers={"HX-Request": "true"}).content.decode()
        assert field_error(html, "id_projection_growth_percent") == ""
        assert field_note(html, "id_projection_growth_percent") == (
            "20% a month for 36 months multiplies usage 591 times by month 36, when it costs "
            "$5,906.68 a month: far more growth than any organisation plans for. Check the figure."
        )

    def test_an_ordinary_estimate_has_empty_notes(self, client, price_book):
        card = {"service": "kms", "usage": {"keys": "10"}}
        html = client.post("/", form_data(card)).content.decode()
        assert field_note(html, "id_card-0-keys") == ""
        assert field_note(html, "id_projection_growth_percent") == ""


def post_quote(client, body: dict):
    return client.post("/api/v1/quote", body, content_type="application/json")


@pytest.mark.django_db
class TestApiWarnings:
    """The API answers the editor's notes as `warnings`, written as its errors are."""

    def test_a_quadrillion_keys_is_priced_with_a_warning_naming_item_and_field(
        self, client, price_book
    ):
        body = {"items": [{"service": "kms", "usage": {"keys": "1e15"}}]}

        answer = post_quote(client, body)

        assert answer.status_code == 200
        assert answer.json()["monthly_total"] == "1000000000000000.00"
        assert answer.json()["warnings"] == [
            {
                "item": 0,
                "field": "keys",
                "message": "1,000,000,000,000,000 keys is far more than any organisation uses: "
                "it comes to $1,000,000,000,000,000.00 a month on this card. Check the figure "
                "and its unit.",
            }
        ]

    def test_outsize_growth_is_a_warning_on_the_projection(self, client, price_book):
        body = {
            "items": [{"service": "kms", "usage": {"keys": "10"}}],
            "projection": {"months": 36, "monthly_growth_percent": "20"},
        }

        warnings = post_quote(client, body).json()["warnings"]

        assert warnings == [
            {
                "item": None,
                "field": "projection.monthly_growth_percent",
                "message": "20% a month for 36 months multiplies usage 591 times by month 36, "
                "when it costs $5,906.68 a month: far more growth than any organisation plans "
                "for. Check the figure.",
            }
        ]

    def test_a_saved_estimate_answers_its_warnings_too(self, client, price_book):
        body = {"name": "Huge", "items": [{"service": "kms", "usage": {"keys": "1e15"}}]}
        saved = client.post("/api/v1/estimates", body, content_type="application/json").json()

        answer = client.get(saved["json_url"]).json()

        assert [(w["item"], w["field"]) for w in answer["warnings"]] == [(0, "keys")]

    def test_an_ordinary_quote_has_no_warnings(self, client, price_book):
        body = {"items": [{"service": "kms", "usage": {"keys": "10"}}]}
        assert "warnings" not in post_quote(client, body).json()
