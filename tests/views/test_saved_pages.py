"""The saved estimate's page, its CSV download, and repricing into a new copy."""

import csv
import io
import re
import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from pytest_django.asserts import assertContains, assertNotContains, assertTemplateUsed

from estimates import pricing
from estimates.models import Estimate, PriceBook, Rate, RateTier

D = Decimal
ITEMS = [
    pricing.Item(
        service="kms",
        region="us-east-1",
        group="prod",
        usage={"keys": D(10), "symmetric_requests": D(2_000_000)},
    )
]


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def estimate(price_book) -> Estimate:
    return Estimate.objects.create_from_items(
        name="Production keys",
        description="Keys for the shop",
        price_book=price_book,
        items=ITEMS,
        free_tier=True,
    )


def publish_newer_book(price_book, change=None) -> PriceBook:
    """A newer book where a KMS key costs $1.10 instead of $1.00."""
    draft = price_book.copy_to_draft(name="AWS list prices, 2027-01")
    draft.effective_date = date(2027, 1, 1)
    draft.save()
    tier = RateTier.objects.get(
        rate__service__price_book=draft, rate__service__code="kms", rate__code="keys"
    )
    tier.price = D("1.10")
    tier.save()
    if change:
        change(draft)
    draft.publish()
    return draft


def csrf_client_with_token(path: str) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    response = client.get(path)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', response.content)
    assert token, "the page has a CSRF token in its reprice form"
    return client, token.group(1).decode()


class TestDetail:
    def test_shows_what_was_saved(self, client, estimate):
        response = client.get(estimate.get_absolute_url())

        assert response.status_code == 200
        assertTemplateUsed(response, "estimates/detail.html")
        assertContains(response, "<h1>Production keys</h1>", html=True)
        assertContains(response, "Keys for the shop")
        assertContains(response, "AWS list prices, US East (N. Virginia), 2026-11")
        assertContains(response, "free tier on")
        assertContains(response, '<dd id="monthly-total">$15.94</dd>', html=True)
        assertContains(response, '<dd id="upfront-total">$0.00</dd>', html=True)
        assertContains(response, '<dd id="first-12-months-total">$191.28</dd>', html=True)
        assertContains(response, "(2,000,000 − 20,000 free) ÷ 10,000 × $0.03 = $5.94")
        assertContains(response, f'href="/e/{estimate.public_id}/export.csv"')
        assertContains(response, f'href="/api/v1/estimates/{estimate.public_id}"')
        assertContains(response, f'href="/?copy={estimate.public_id}">Edit a copy</a>')
        assertNotContains(response, "prices-changed")
        assertNotContains(response, "Copied from")

    def test_name_and_description_are_escaped(self, client, price_book):
        hostile = Estimate.objects.create_from_items(
            name="<script>alert(1)</script>",
            description='<img src=x onerror="alert(2)">\nsecond line',
            price_book=price_book,
            items=[pricing.Item(service="kms", group="<b>g</b>", usage={"keys": D(1)})],
        )

        response = client.get(hostile.get_absolute_url())

        assert b"<script>alert" not in response.content
        assert b"<img src=x" not in response.content
        assert b"<b>g</b>" not in response.content
        assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")
        assertContains(response, "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;<br>second line")

    def test_strict_csp_and_no_inline_style_or_script(self, client, estimate):
        response = client.get(estimate.get_absolute_url())

        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy
        assert b"style=" not in response.content
        assert b"<style" not in response.content
        scripts = re.findall(rb"<script[^>]*>", response.content)
        assert all(b" src=" in tag for tag in scripts)
        assertContains(response, "/static/css/saved.css")

    def test_lineage_links_to_the_original(self, client, estimate):
        copy = Estimate.objects.create_from_items(
            name="Copy <b>",
            price_book=estimate.price_book,
            items=ITEMS,
            copied_from=estimate,
        )

        response = client.get(copy.get_absolute_url())

        assertContains(response, "Copied from")
        assertContains(
            response, f'<a href="{estimate.get_absolute_url()}">Production keys</a>', html=True
        )
        original = client.get(estimate.get_absolute_url())
        # A copy's private link is never shown on the page it was copied from.
        assertNotContains(original, str(copy.public_id))

    def test_unknown_and_malformed_ids_are_the_404_page(self, client, estimate):
        for path in (f"/e/{uuid.uuid4()}/", "/e/not-a-uuid/", f"/e/{estimate.pk}/"):
            response = client.get(path)
            assert response.status_code == 404
            assertTemplateUsed(response, "404.html")
            assertContains(response, "Not found", status_code=404)

    def test_post_is_not_allowed(self, client, estimate):
        assert client.post(estimate.get_absolute_url()).status_code == 405


class TestPricesChanged:
    def test_notice_with_totals_then_and_now_and_the_lines_that_moved(self, client, estimate):
        publish_newer_book(estimate.price_book)

        response = client.get(estimate.get_absolute_url())

        assertContains(response, "Prices changed since this estimate was saved")
        assertContains(response, "AWS list prices, 2027-01")
        assertContains(response, '<dd class="then">$15.94</dd>', html=True)
        assertContains(response, '<dd class="now">$16.94</dd>', html=True)
        assertContains(
            response,
            "<tr><td>AWS Key Management Service (KMS)</td><td>us-east-1</td><td>prod</td>"
            '<td>Customer managed keys</td><td class="money">$10.00</td>'
            '<td class="money">$11.00</td></tr>',
            html=True,
        )
        assertNotContains(response, 'Symmetric requests</td><td class="money">')
        # The page still shows the totals it was saved with.
        assertContains(response, '<dd id="monthly-total">$15.94</dd>', html=True)
        assertContains(response, "Reprice as a new copy")

    def test_a_newer_book_changes_neither_the_page_totals_nor_the_csv(self, client, estimate):
        csv_before = client.get(estimate.get_csv_url()).content
        json_before = client.get(estimate.get_json_url()).json()

        publish_newer_book(estimate.price_book)

        assert client.get(estimate.get_csv_url()).content == csv_before
        assert client.get(estimate.get_json_url()).json() == json_before
        assert json_before["monthly_total"] == "15.94"

    def test_items_the_new_book_cannot_price_are_explained(self, client, estimate):
        def move_kms_to_ireland(draft):
            for rate in Rate.objects.filter(service__price_book=draft, service__code="kms"):
                rate.region = "eu-west-1"
                rate.save()

        publish_newer_book(estimate.price_book, change=move_kms_to_ireland)

        response = client.get(estimate.get_absolute_url())

        assertContains(response, "cannot be priced with the new book")
        assertContains(response, "Card 1: The price book has no AWS Key Management Service")
        assertNotContains(response, "Reprice as a new copy")
        assertContains(response, '<dd id="monthly-total">$15.94</dd>', html=True)


class TestCsvDownload:
    def test_is_an_attachment_in_utf8_with_a_bom(self, client, estimate):
        response = client.get(estimate.get_csv_url())

        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == (
            f'attachment; filename="costcalc-production-keys-{str(estimate.public_id)[:8]}.csv"'
        )
        assert response["X-Content-Type-Options"] == "nosniff"
        text = response.content.decode("utf-8")
        assert text.startswith("\ufeffname,Production keys\r\n")
        rows = list(csv.reader(io.StringIO(text[1:], newline="")))
        assert ["monthly", "15.94"] in rows
        lines_end = rows.index([], rows.index([]) + 1)
        assert rows[lines_end - 1][3] == "symmetric_requests"
        assert ["projection_total", "191.28"] in rows

    def test_a_hostile_name_makes_a_safe_filename_and_inert_cells(self, client, price_book):
        hostile = Estimate.objects.create_from_items(
            name='=HYPERLINK("http://x")\'";<script>',
            price_book=price_book,
            items=ITEMS,
        )

        response = client.get(hostile.get_csv_url())

        assert response["Content-Disposition"] == (
            f'attachment; filename="costcalc-hyperlinkhttpxscript-{str(hostile.public_id)[:8]}.csv"'
        )
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8")[1:], newline="")))
        assert rows[0] == ["name", '\'=HYPERLINK("http://x")\'";<script>']


class TestReprice:
    def test_needs_a_csrf_token(self, estimate):
        publish_newer_book(estimate.price_book)
        client = Client(enforce_csrf_checks=True)

        response = client.post(f"/e/{estimate.public_id}/reprice")

        assert response.status_code == 403
        assert Estimate.objects.count() == 1

    def test_makes_a_new_copy_with_the_current_book_and_opens_it(self, estimate):
        newer = publish_newer_book(estimate.price_book)
        client, token = csrf_client_with_token(estimate.get_absolute_url())

        response = client.post(f"/e/{estimate.public_id}/reprice", {"csrfmiddlewaretoken": token})

        copy = Estimate.objects.exclude(pk=estimate.pk).get()
        assert response.status_code == 302
        assert response["Location"] == copy.get_absolute_url()
        assert copy.copied_from == estimate
        assert copy.price_book == newer
        assert copy.monthly_total == D("16.94")
        assert Estimate.objects.get(pk=estimate.pk).monthly_total == D("15.94")
        page = client.get(copy.get_absolute_url())
        assertContains(page, '<dd id="monthly-total">$16.94</dd>', html=True)
        assertContains(page, "Copied from")
        assertNotContains(page, "Prices changed since")

    def test_nothing_to_do_when_the_book_is_current(self, estimate):
        client = Client(enforce_csrf_checks=False)

        response = client.post(f"/e/{estimate.public_id}/reprice")

        assert response.status_code == 302
        assert response["Location"] == estimate.get_absolute_url()
        assert Estimate.objects.count() == 1

    def test_items_the_new_book_cannot_price_are_409_and_nothing_saved(self, client, estimate):
        def drop_kms(draft):
            draft.services.get(code="kms").delete()

        publish_newer_book(estimate.price_book, change=drop_kms)

        response = client.post(f"/e/{estimate.public_id}/reprice")

        assert response.status_code == 409
        assertContains(response, "Unknown service", status_code=409)
        assert Estimate.objects.count() == 1

    @override_settings(COSTCALC_SAVE_RATE_LIMIT=1)
    def test_rate_limited_with_a_429_page(self, client, estimate):
        publish_newer_book(estimate.price_book)
        assert client.post(f"/e/{estimate.public_id}/reprice").status_code == 302

        response = client.post(f"/e/{estimate.public_id}/reprice")

        assert response.status_code == 429
        assertTemplateUsed(response, "429.html")
        assertContains(response, "Too many saves", status_code=429)
        assert int(response["Retry-After"]) >= 1
        assert Estimate.objects.count() == 2

    def test_get_is_not_allowed(self, client, estimate):
        publish_newer_book(estimate.price_book)

        assert client.get(f"/e/{estimate.public_id}/reprice").status_code == 405
        assert Estimate.objects.count() == 1

    def test_unknown_id_is_404(self, client, estimate):
        assert client.post(f"/e/{uuid.uuid4()}/reprice").status_code == 404
        assert Estimate.objects.count() == 1
