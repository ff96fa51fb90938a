"""The editor's terms panel, the saved page's net figures, and the /terms/ pages."""

import html as html_lib
import re
from decimal import Decimal

import pytest

from estimates.models import Estimate, NamedTerms

from .test_editor import HTMX, KMS, NEW, PREVIEW, field_error, form_data

README_FIELDS = {
    "terms-discount_percent": "10",
    "terms-service_discounts": "kms 20",
    "terms-monthly_credits": "5",
    "terms-tax_percent": "20",
    "terms-currency_code": "EUR",
    "terms-usd_rate": "0.92",
}
README_TERMS = {
    "discount_percent": "10",
    "service_discounts": {"kms": "20"},
    "monthly_credits": "5",
    "tax_percent": "20",
    "currency": {"code": "EUR", "usd_rate": "0.92"},
}


def text_of(html: str, element_id: str) -> str:
    return re.search(rf'id="{element_id}"[^>]*>([^<]*)<', html).group(1)


@pytest.mark.django_db
class TestTermsPanel:
    def test_the_panel_is_collapsed_by_default_and_prices_list(self, client, second_book):
        html = client.get(NEW).content.decode()
        panel = re.search(r'<details class="panel terms-panel" id="terms-panel"[^>]*>', html)
        assert panel and " open" not in panel.group(0)
        assert 'name="terms-discount_percent"' in html
        assert "No terms: you pay list prices, in USD." in html

    def test_recalculate_without_javascript_shows_list_and_net(self, client, second_book):
        html = client.post(NEW, form_data(KMS, **README_FIELDS)).content.decode()
        assert text_of(html, "monthly-total") == "$15.94"
        assert text_of(html, "net-monthly-total") == "EUR 8.56"
        assert text_of(html, "net-subtotal") == "EUR 11.73"
        assert text_of(html, "net-credits") == "−EUR 4.60"
        assert text_of(html, "net-tax") == "EUR 1.43"
        assert re.search(r'id="terms-panel"[^>]* open', html)
        keys = re.search(r'data-net-line="keys">(.*?)</tr>', html, re.S).group(1)
        assert "−20%" in keys and "USD 10.00" in keys and "EUR 7.36" in keys

    def test_the_live_preview_swaps_the_net_figures_out_of_band(self, client, second_book):
        response = client.post(PREVIEW, form_data(KMS, **README_FIELDS), headers=HTMX)
        html = response.content.decode()
        assert response.status_code == 200
        assert re.search(r'id="net-totals"[^>]*hx-swap-oob="true"', html)
        assert text_of(html, "net-monthly-total") == "EUR 8.56"
        assert "<input" not in html and "<textarea" not in html

    def test_the_live_preview_says_list_prices_without_terms_and_waits_for_a_fix(
        self, client, second_book
    ):
        html = client.post(PREVIEW, form_data(KMS), headers=HTMX).content.decode()
        net = re.search(r'<section id="net-totals".*?</section>', html, re.S).group(0)
        assert "No terms: you pay list prices, in USD." in net
        assert "net-monthly-total" not in net
        broken = form_data({"service": "kms", "usage": {"keys": "ten"}})
        html = client.post(PREVIEW, broken, headers=HTMX).content.decode()
        net = re.search(r'<section id="net-totals".*?</section>', html, re.S).group(0)
        assert "The net figures wait for a fix." in net

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("discount_percent", "120", "Enter a percent from 0 to 100."),
            ("service_discounts", "kmz 20", "Unknown service 'kmz'."),
            ("rate_overrides", "waf nope 1", "AWS WAF has no rate 'nope'."),
            ("monthly_credits", "-5", "Enter credits of 0 or more."),
            (
                "currency_code",
                "EUX",
                "Enter an ISO 4217 currency code in capitals, such as EUR or GBP.",
            ),
            ("usd_rate", "0", "Enter the price of 1 USD in USD, above 0."),
        ],
    )
    def test_a_bad_term_gets_a_message_beside_its_field(
        self, client, second_book, field, value, message
    ):
        data = form_data(KMS, **{f"terms-{field}": value})
        html = client.post(PREVIEW, data, headers=HTMX).content.decode()
        assert html_lib.unescape(field_error(html, f"id_terms-{field}")) == message
        assert "The net figures wait for a fix." in html

    def test_save_copies_the_terms_and_a_bad_term_saves_nothing(self, client, second_book):
        bad = client.post("/save", form_data(KMS, name="Keys", **{"terms-tax_percent": "101"}))
        assert bad.status_code == 200
        assert Estimate.objects.count() == 0
        response = client.post("/save", form_data(KMS, name="Keys", **README_FIELDS))
        estimate = Estimate.objects.get()
        assert response.url == estimate.get_absolute_url()
        assert estimate.terms == README_TERMS

    def test_named_terms_chosen_in_the_panel_are_copied_at_save(self, client, second_book):
        named = NamedTerms.objects.create(name="EA", terms=README_TERMS)
        data = form_data(KMS, name="Keys", **{"terms-named_terms": str(named.public_id)})
        html = client.post(NEW, data).content.decode()
        assert text_of(html, "net-monthly-total") == "EUR 8.56"
        client.post("/save", data)
        estimate = Estimate.objects.get()
        assert (estimate.named_terms, estimate.terms, estimate.terms_name) == (
            named,
            README_TERMS,
            "EA",
        )

    def test_a_copy_opens_with_the_saved_terms_typed_in(self, client, second_book):
        client.post("/save", form_data(KMS, name="Keys", **README_FIELDS))
        estimate = Estimate.objects.get()
        html = client.get(f"{NEW}?copy={estimate.public_id}").content.decode()
        assert re.search(r'name="terms-currency_code"[^>]*value="EUR"', html)
        assert text_of(html, "net-monthly-total") == "EUR 8.56"


@pytest.mark.django_db
class TestSavedPageNet:
    def test_the_saved_page_shows_list_and_net_and_keeps_them(self, client, second_book):
        named = NamedTerms.objects.create(name="EA", terms=README_TERMS)
        data = form_data(KMS, name="Keys", **{"terms-named_terms": str(named.public_id)})
        estimate_url = client.post("/save", data).url
        named.terms = {"discount_percent": "50"}
        named.save()
        html = client.get(estimate_url).content.decode()
        assert text_of(html, "monthly-total") == "$15.94"
        assert text_of(html, "net-monthly-total") == "EUR 8.56"
        assert "the terms “EA” as they were then" in html


@pytest.mark.django_db
class TestNamedTermsPages:
    def test_get_lists_named_terms_with_a_form(self, client, second_book):
        NamedTerms.objects.create(name="EA 2026", terms=README_TERMS)
        html = client.get("/terms/").content.decode()
        assert "EA 2026" in html
        assert 'name="terms-discount_percent"' in html

    def test_post_saves_named_terms_and_redirects(self, client, second_book):
        response = client.post("/terms/", {"terms-name": "EA", **README_FIELDS})
        named = NamedTerms.objects.get()
        assert response.status_code == 302
        assert response.url == named.get_absolute_url()
        assert named.terms == README_TERMS

    def test_bad_terms_are_a_message_and_nothing_saved(self, client, second_book):
        response = client.post("/terms/", {"terms-name": "EA", "terms-discount_percent": "-3"})
        assert response.status_code == 400
        assert field_error(response.content.decode(), "id_terms-discount_percent") == (
            "Enter a percent from 0 to 100."
        )
        assert NamedTerms.objects.count() == 0

    def test_a_name_is_needed(self, client, second_book):
        response = client.post("/terms/", {"terms-name": "  "})
        assert response.status_code == 400
        assert NamedTerms.objects.count() == 0

    def test_editing_changes_the_named_terms_not_the_saved_estimates(self, client, second_book):
        named = NamedTerms.objects.create(name="EA", terms=README_TERMS)
        client.post(
            "/save", form_data(KMS, name="Keys", **{"terms-named_terms": str(named.public_id)})
        )
        response = client.post(
            named.get_absolute_url(), {"terms-name": "EA v2", "terms-discount_percent": "50"}
        )
        assert response.status_code == 302
        named.refresh_from_db()
        assert (named.name, named.terms) == ("EA v2", {"discount_percent": "50"})
        estimate = Estimate.objects.get()
        assert estimate.terms == README_TERMS
        assert estimate.net_quote().monthly_total() == Decimal("8.558208")
        html = client.get(named.get_absolute_url()).content.decode()
        assert "with the terms as they were then" in html

    def test_an_unknown_id_is_a_404_and_delete_is_not_allowed(self, client, second_book):
        assert client.get("/terms/5b0e3c9e-7d1a-4f6e-9a43-2f1c8d7b6a50/").status_code == 404
        assert client.get("/terms/not-a-uuid/").status_code == 404
        assert client.delete("/terms/").status_code == 405
