"""A quote or a save can name the published book it is priced with."""

import pytest

from estimates.models import Estimate

from .test_api import only_error, post_quote

BODY = {"items": [{"service": "kms", "usage": {"keys": 3}}]}


@pytest.mark.django_db
class TestChosenBook:
    def test_a_published_book_prices_the_quote_and_is_named(self, client, price_book):
        newer = price_book.copy_to_draft(name="Newer")
        newer.publish()

        body = post_quote(client, {**BODY, "price_book": price_book.pk}).json()

        assert body["price_book"]["id"] == price_book.pk
        assert body["price_book"]["name"] == price_book.name
        assert post_quote(client, BODY).json()["price_book"]["name"] == "Newer"

    @pytest.mark.parametrize("chosen", ["draft", 999_999, "1", 1.0, True, -1, 10**30, [1]])
    def test_a_draft_unknown_or_malformed_id_is_a_400(self, client, price_book, chosen):
        if chosen == "draft":
            chosen = price_book.copy_to_draft(name="Draft").pk

        error = only_error(post_quote(client, {**BODY, "price_book": chosen}))

        assert error["field"] == "price_book"
        assert error["message"].startswith("No published price book has the id")

    def test_a_save_is_pinned_to_the_book_it_names(self, client, price_book):
        newer = price_book.copy_to_draft(name="Newer")
        newer.publish()

        body = {**BODY, "name": "Pinned", "price_book": price_book.pk}
        response = client.post("/api/v1/estimates", body, content_type="application/json")

        assert response.status_code == 201
        assert Estimate.objects.get().price_book == price_book


@pytest.mark.django_db
def test_an_unknown_field_in_a_projection_is_an_error(client, price_book):
    body = {**BODY, "projection": {"month": 36}}

    error = only_error(post_quote(client, body))

    assert error == {"item": None, "field": "projection.month", "message": "Unknown field 'month'."}
