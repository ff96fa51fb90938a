"""The price books page (/prices/) and the comparison of two books (/prices/compare/<a>/<b>/)."""

import re
from decimal import Decimal as D

import pytest
from django.urls import reverse

from estimates.models import PriceBook, Rate, RateTier

ROW = re.compile(r'<tr data-book="(\d+)" class="(draft|published)">')
CHANGE = re.compile(r'data-rate="([^"]+)" data-kind="(\w+)"')


def compare_url(old: PriceBook, new: PriceBook) -> str:
    return reverse("prices:compare", args=[old.pk, new.pk])


def assert_strict_csp(response) -> None:
    assert "style-src 'self'" in response["Content-Security-Policy"]
    body = response.content.decode()
    assert "style=" not in body
    assert "<style" not in body
    assert "<script>" not in body
    assert '<link rel="stylesheet" href="/static/css/prices.css">' in body


@pytest.fixture
def draft(price_book) -> PriceBook:
    return price_book.copy_to_draft(name="Prices for December")


def rate(book: PriceBook, service: str, code: str, region: str = "us-east-1") -> Rate:
    return Rate.objects.get(
        service__price_book=book, service__code=service, code=code, region=region
    )


class TestPriceBooks:
    url = "/prices/"

    def test_lists_every_book_newest_first_with_drafts_marked(self, client, price_book, draft):
        response = client.get(self.url)

        assert response.status_code == 200
        body = response.content.decode()
        assert ROW.findall(body) == [(str(draft.pk), "draft"), (str(price_book.pk), "published")]
        assert '<span class="badge draft-badge">Draft</span>' in body
        assert '<span class="badge current-badge">Current</span>' in body
        assert f'<a href="{compare_url(price_book, draft)}">Since {price_book.name}</a>' in body
        assert_strict_csp(response)

    def test_the_compare_form_goes_to_the_comparison(self, client, price_book, draft):
        response = client.get(self.url, {"old": price_book.pk, "new": draft.pk})

        assert response.status_code == 302
        assert response["Location"] == compare_url(price_book, draft)

    def test_the_compare_form_with_an_unknown_book_says_so(self, client, price_book):
        response = client.get(self.url, {"old": "999999", "new": price_book.pk})

        assert response.status_code == 200
        assert '<p class="error" id="compare-error">Choose two price books to compare.</p>' in (
            response.content.decode()
        )

    def test_post_is_not_allowed(self, client, price_book):
        response = client.post(self.url)

        assert response.status_code == 405
        assert PriceBook.objects.count() == 1


class TestCompare:
    def test_shows_exactly_the_rates_that_moved(self, client, price_book, draft):
        requests = rate(draft, "kms", "symmetric_requests")
        requests.tiers.update(price=D("0.04"))
        fraud = rate(draft, "waf", "fraud_control_requests", region="*")
        RateTier.objects.filter(rate=fraud, start=2_000_000).update(price=D("0.60"))
        targeted = rate(draft, "waf", "bot_control_targeted_requests", region="*")
        targeted.free_units = D(2_000_000)
        targeted.save()
        rate(draft, "kms", "key_rotations").delete()
        keys = rate(draft, "kms", "keys")
        keys.pk = None
        keys.region = "eu-west-1"
        keys.save()
        RateTier.objects.create(rate=keys, start=0, price=D("1.10"))
        # Moving a rate to a Region of its own at the same price is no change.
        acls = rate(draft, "waf", "web_acls", region="*")
        own = Rate.objects.get(pk=acls.pk)
        own.pk = None
        own.region = "us-east-1"
        own.save()
        RateTier.objects.create(rate=own, start=0, price=D("5.00"))

        response = client.get(compare_url(price_book, draft))

        assert response.status_code == 200
        body = response.content.decode()
        assert CHANGE.findall(body) == [
            ("kms.symmetric_requests.us-east-1", "changed"),
            ("waf.bot_control_targeted_requests.*", "changed"),
            ("waf.fraud_control_requests.*", "changed"),
            ("kms.keys.eu-west-1", "added"),
            ("kms.key_rotations.us-east-1", "removed"),
        ]
        assert '<p class="summary" id="summary">' in body
        assert "3 rates changed, 1 added, 1 removed." in body
        changed = body[body.index('data-rate="kms.symmetric_requests.us-east-1"') :]
        changed = changed[: changed.index("</tbody>")]
        cells = re.findall(r"<td[^>]*>(.*?)</td>", changed, re.S)
        assert [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells] == [
            "AWS Key Management Service (KMS)",
            "Symmetric requests",
            "US East (N. Virginia)",
            "0",
            "$0.03 / 10,000 requests",
            "$0.04 / 10,000 requests",
            "+33.33%",
        ]
        assert "from 2,000,000" not in body
        assert '<td class="number">2,000,000</td>' in body
        assert "−14.29%" in body
        assert "<td>Free allowance</td>" in body
        assert "$1.10 / key-months" in body
        assert "$1.00 / rotation-months" in body
        assert_strict_csp(response)

    def test_a_book_against_itself_has_nothing_to_show(self, client, price_book):
        response = client.get(compare_url(price_book, price_book))

        assert response.status_code == 200
        body = response.content.decode()
        assert "No rate differs between these books." in body
        assert CHANGE.findall(body) == []

    def test_the_swap_link_compares_the_other_way(self, client, price_book, draft):
        response = client.get(compare_url(price_book, draft))

        assert f'<a href="{compare_url(draft, price_book)}">Swap</a>' in response.content.decode()

    @pytest.mark.parametrize("which", ["old", "new"])
    def test_an_unknown_book_is_a_404(self, client, price_book, which):
        ids = {"old": price_book.pk, "new": price_book.pk, which: 999999}

        response = client.get(f"/prices/compare/{ids['old']}/{ids['new']}/")

        assert response.status_code == 404

    def test_a_forged_id_does_not_match_the_url(self, client, price_book):
        assert client.get(f"/prices/compare/{price_book.pk}/x/").status_code == 404
        assert client.get(f"/prices/compare/-1/{price_book.pk}/").status_code == 404

    def test_post_is_not_allowed(self, client, price_book):
        response = client.post(compare_url(price_book, price_book))

        assert response.status_code == 405
