"""A card's notes, end to end: the API's bodies and answers, the editor's form, the saved page,
the CSV and a copy. Pricing never reads them: the same card prices the same with or without."""

import csv
import io
import json
import re

import pytest

from estimates.models import Estimate
from estimates.pricing import Item

from .test_editor import HTMX, KMS, form_data, monthly_total

QUOTE = "/api/v1/quote"
ESTIMATES = "/api/v1/estimates"
NOTE = "Keys of the payments service\nrotated by the platform team"
KMS_ITEM = {"service": "kms", "usage": {"keys": 10, "symmetric_requests": 2000000}}
WAF_ITEM = {"service": "waf", "usage": {"web_acls": 2}}
TOO_LONG = "x" * 2001
NOTES_MESSAGE = "notes must be text of at most 2,000 characters."


def post_json(client, url: str, body: dict):
    return client.post(url, json.dumps(body), content_type="application/json")


def saved_card_notes(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<p class="card-notes" data-notes-for="(\w+)">Notes: (.*?)</p>', html)


def textarea(html: str, name: str) -> str:
    return re.search(rf'<textarea name="{name}"[^>]*>\n?([^<]*)</textarea>', html)[1]


@pytest.mark.django_db
class TestApi:
    def test_a_quote_answers_each_items_notes_and_prices_as_without(self, client, price_book):
        with_notes = post_json(client, QUOTE, {"items": [{**KMS_ITEM, "notes": NOTE}, WAF_ITEM]})
        without = post_json(client, QUOTE, {"items": [KMS_ITEM, WAF_ITEM]})

        assert with_notes.status_code == 200
        body = with_notes.json()
        assert [item["notes"] for item in body["items"]] == [NOTE, ""]
        assert [item["notes"] for item in without.json()["items"]] == ["", ""]
        assert body["monthly_total"] == without.json()["monthly_total"] == "25.94"

    def test_a_save_keeps_them_and_the_estimate_answers_them(self, client, price_book):
        response = post_json(
            client, ESTIMATES, {"name": "Keys", "items": [WAF_ITEM, {**KMS_ITEM, "notes": NOTE}]}
        )

        assert response.status_code == 201
        estimate = Estimate.objects.get()
        assert [item.notes for item in estimate.items.order_by("position")] == ["", NOTE]
        body = client.get(response.json()["json_url"]).json()
        assert [(item["service"], item["notes"]) for item in body["items"]] == [
            ("waf", ""),
            ("kms", NOTE),
        ]
        # The saved estimate as a body to post again carries them too.
        assert estimate.as_payload()["items"][1]["notes"] == NOTE
        assert "notes" not in estimate.as_payload()["items"][0]

    @pytest.mark.parametrize("url", [QUOTE, ESTIMATES])
    @pytest.mark.parametrize("notes", [TOO_LONG, 12, None, ["a"], {"text": "a"}, True])
    def test_notes_that_are_not_text_of_at_most_2000_characters_are_a_400(
        self, client, price_book, url, notes
    ):
        body = {"name": "Bad notes", "items": [KMS_ITEM, {**WAF_ITEM, "notes": notes}]}
        response = post_json(client, url, body)

        assert response.status_code == 400
        assert response.json() == {
            "errors": [{"item": 1, "field": "notes", "message": NOTES_MESSAGE}]
        }
        assert not Estimate.objects.exists()

    def test_2000_characters_are_taken(self, client, price_book):
        body = {"name": "Long notes", "items": [{**KMS_ITEM, "notes": "x" * 2000}]}
        assert post_json(client, ESTIMATES, body).status_code == 201
        assert Estimate.objects.get().items.get().notes == "x" * 2000

    def test_control_characters_are_refused_on_save(self, client, price_book):
        body = {"name": "Bell", "items": [{**KMS_ITEM, "notes": "ring\x07"}]}
        response = post_json(client, ESTIMATES, body)

        assert response.status_code == 400
        assert response.json()["errors"] == [
            {"item": 0, "field": "notes", "message": "Remove the control characters."}
        ]
        assert not Estimate.objects.exists()

    def test_the_openapi_document_declares_them_in_bodies_and_answers(self, client, price_book):
        schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
        for name in ("QuoteItemBody", "QuoteItem", "SavedItem", "ImportedItem"):
            notes = schemas[name]["properties"]["notes"]
            assert (notes["type"], notes["maxLength"]) == ("string", 2000), name
        assert "notes" not in schemas["QuoteItemBody"].get("required", [])
        assert "notes" in schemas["QuoteItem"]["required"]


@pytest.mark.django_db
class TestEditor:
    def test_each_card_has_a_notes_field(self, client, price_book):
        html = client.post("/", form_data(KMS, {"service": "waf"})).content.decode()

        assert textarea(html, "card-0-notes") == ""
        assert re.search(r'<label for="id_card-1-notes">Notes', html)
        field = re.search(r'<textarea name="card-1-notes"[^>]*>', html)[0]
        assert 'maxlength="2000"' in field
        assert 'aria-describedby="id_card-1-notes_helptext id_card-1-notes_error"' in field

    def test_a_save_keeps_each_cards_notes_and_prices_as_without(self, client, price_book):
        data = form_data(KMS, {"service": "waf", "usage": {"web_acls": "2"}}, name="Noted")
        data["card-0-notes"] = NOTE
        plain = client.post("/", form_data(KMS, {"service": "waf", "usage": {"web_acls": "2"}}))
        response = client.post("/save", data)

        assert response.status_code == 302
        estimate = Estimate.objects.get()
        assert [item.notes for item in estimate.items.order_by("position")] == [NOTE, ""]
        assert f"${estimate.monthly_total:.2f}" == monthly_total(plain.content.decode())

    def test_the_saved_page_shows_the_notes_under_their_card(self, client, price_book):
        data = form_data(KMS, {"service": "waf", "usage": {"web_acls": "2"}}, name="Noted")
        data["card-1-notes"] = "<b>edge</b> ACLs\nfor the CDN"
        client.post("/save", data)

        html = client.get(Estimate.objects.get().get_absolute_url()).content.decode()
        # Escaped, its line break kept; a card without notes shows none.
        assert saved_card_notes(html) == [("waf", "&lt;b&gt;edge&lt;/b&gt; ACLs<br>for the CDN")]
        waf_table = html.index('data-service="waf"')
        assert html.index('class="card-notes"') > waf_table

    def test_notes_longer_than_2000_characters_are_a_message_and_nothing_is_saved(
        self, client, price_book
    ):
        data = form_data(KMS, name="Too long")
        data["card-0-notes"] = TOO_LONG
        html = client.post("/save", data).content.decode()

        assert re.search(
            r'id="id_card-0-notes_error"[^>]*>Ensure this value has at most 2000 characters '
            r"\(it has 2001\).<",
            html,
        )
        assert not Estimate.objects.exists()

    def test_line_breaks_count_as_one_character_as_the_browser_counts_them(
        self, client, price_book
    ):
        data = form_data(KMS, name="Lines")
        data["card-0-notes"] = "line\r\n" * 400  # 2,400 characters as sent, 2,000 as typed
        assert client.post("/save", data).status_code == 302
        assert Estimate.objects.get().items.get().notes == ("line\n" * 400).strip()

    def test_the_live_preview_reads_notes_and_sends_their_message(self, client, price_book):
        data = form_data(KMS)
        data["card-0-notes"] = TOO_LONG
        html = client.post("/preview", data, headers=HTMX).content.decode()

        assert re.search(
            r'<p class="field-error" id="id_card-0-notes_error" hx-swap-oob="true">'
            r"Ensure this value has at most 2000 characters",
            html,
        )
        assert "<textarea" not in html  # a preview never sends an input back
        data["card-0-notes"] = NOTE
        fine = client.post("/preview", data, headers=HTMX).content.decode()
        assert "id_card-0-notes_error" not in fine
        assert monthly_total(fine) == "$15.94"

    def test_a_copy_starts_with_the_notes(self, client, price_book):
        data = form_data(KMS, name="Original")
        data["card-0-notes"] = NOTE
        client.post("/save", data)
        original = Estimate.objects.get()

        html = client.get(f"/?copy={original.public_id}").content.decode()
        assert textarea(html, "card-0-notes") == NOTE

    def test_a_repriced_copy_keeps_them(self, price_book, second_book):
        original = Estimate.objects.create_from_items(
            name="Keys",
            price_book=price_book,
            items=[Item("kms", usage={"keys": 1}), Item("waf", usage={"web_acls": 1})],
            notes=("", NOTE),
        )
        copy = original.reprice(second_book)
        assert copy.price_book == second_book
        assert copy.item_notes() == ("", NOTE)


@pytest.mark.django_db
class TestCsv:
    def test_each_line_of_a_card_carries_its_notes_neutralised(self, client, price_book):
        data = form_data(KMS, {"service": "waf", "usage": {"web_acls": "2"}}, name="Noted")
        data["card-0-notes"] = "=HYPERLINK(1)"
        client.post("/save", data)

        text = client.get(Estimate.objects.get().get_csv_url()).content.decode()
        rows = list(csv.reader(io.StringIO(text)))
        header_at = next(i for i, row in enumerate(rows) if row[:2] == ["group", "service"])
        header = rows[header_at]
        assert header[-1] == "notes"
        lines = []
        for row in rows[header_at + 1 :]:
            if not row:
                break
            lines.append((row[header.index("usage_key")], row[header.index("notes")]))
        assert lines == [
            ("keys", "'=HYPERLINK(1)"),
            ("symmetric_requests", "'=HYPERLINK(1)"),
            ("web_acls", ""),
        ]
