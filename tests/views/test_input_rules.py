"""Issue 20, item 2: a negative card count, text that is not UTF-8 and digits other than 0-9 are
refused with a message, in the editor and the API alike."""

from decimal import Decimal

import pytest

from estimates import pricing
from estimates.models import Estimate
from estimates.pricing import projection

from .test_editor import KMS, field_error, form_data


@pytest.mark.parametrize("text", ["１２", "٣", "1٢", "१०"])
def test_the_engine_reads_only_ascii_digits(text):
    with pytest.raises(ValueError, match="digits 0-9"):
        pricing.parse_quantity(text)
    with pytest.raises(ValueError, match="digits 0-9"):
        projection.parse_growth(text)
    with pytest.raises(ValueError, match="digits 0-9"):
        projection.parse_months("٣٦")


def test_ascii_digits_still_read():
    assert pricing.parse_quantity(" 1,200.5 ") == Decimal("1200.5")
    assert projection.parse_months("36") == 36


@pytest.mark.django_db
class TestEditor:
    def test_a_negative_card_count_saves_nothing_and_says_why(self, client, price_book):
        data = form_data(KMS, name="Empty")
        data["card-TOTAL_FORMS"] = "-1"
        response = client.post("/save", data)
        html = response.content.decode()
        assert response.status_code == 200
        assert "The number of cards (card-TOTAL_FORMS) must be a whole number" in html
        assert Estimate.objects.count() == 0

    def test_a_card_count_in_other_digits_is_refused(self, client, price_book):
        data = form_data(KMS, name="Arabic")
        data["card-TOTAL_FORMS"] = "١"
        assert "in the digits 0-9" in client.post("/save", data).content.decode()
        assert Estimate.objects.count() == 0

    @pytest.mark.parametrize("typed", ["１２", "٣"])
    def test_other_digits_get_a_message_beside_the_field(self, client, price_book, typed):
        card = {"service": "kms", "accounts": 1, "usage": {"keys": typed}}
        data = form_data(card, projection_growth_percent=typed)
        data["card-0-accounts"] = typed
        html = client.post("/preview", data, headers={"HX-Request": "true"}).content.decode()
        assert field_error(html, "id_card-0-keys") == pricing.DIGITS_MESSAGE
        assert field_error(html, "id_card-0-accounts") == pricing.DIGITS_MESSAGE
        assert field_error(html, "id_projection_growth_percent") == pricing.DIGITS_MESSAGE

    def test_a_name_not_sent_as_utf8_is_refused_beside_it(self, client, price_book):
        body = "&".join(
            f"{key}={value}"
            for key, values in form_data(KMS).items()
            for value in (values if isinstance(values, list) else [values])
        )
        body += "&name=Caf%E9+%FF"  # Latin-1 bytes, not UTF-8
        response = client.post("/save", body, content_type="application/x-www-form-urlencoded")
        html = response.content.decode()
        assert response.status_code == 200
        assert "was not sent as UTF-8" in field_error(html, "id_name")
        assert Estimate.objects.count() == 0


@pytest.mark.django_db
class TestApi:
    def test_other_digits_in_a_quantity_are_a_400(self, client, price_book):
        body = {"items": [{"service": "kms", "usage": {"keys": "１２"}}]}
        response = client.post("/api/v1/quote", body, content_type="application/json")
        assert response.status_code == 400
        assert response.json()["errors"] == [
            {"item": 0, "field": "keys", "message": pricing.DIGITS_MESSAGE}
        ]

    def test_other_digits_in_the_growth_are_a_400(self, client, price_book):
        body = {"items": [], "projection": {"months": 12, "monthly_growth_percent": "٣"}}
        response = client.post("/api/v1/quote", body, content_type="application/json")
        assert response.status_code == 400
        assert response.json()["errors"][0]["message"] == pricing.DIGITS_MESSAGE

    def test_a_name_holding_the_replacement_character_is_refused(self, client, price_book):
        body = {"name": "Caf\ufffd", "items": [{"service": "kms"}]}
        response = client.post("/api/v1/estimates", body, content_type="application/json")
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "name"
        assert "not sent as UTF-8" in response.json()["errors"][0]["message"]
        assert Estimate.objects.count() == 0
