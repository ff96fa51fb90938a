"""The price books page (/prices/) and the comparison of two books (/prices/compare/<a>/<b>/)."""

import html
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

    def test_against_the_current_book_compares_the_older_book_first(self, client, second_book):
        first = PriceBook.objects.get(name="AWS list prices, US East (N. Virginia), 2026-11")

        body = client.get(self.url).content.decode()

        row = body[body.index(f'<tr data-book="{first.pk}"') :]
        row = row[: row.index("</tr>")]
        assert f'<a href="{compare_url(first, second_book)}">Against the current book</a>' in row
        assert compare_url(second_book, first) not in body
        assert f'<a href="/prices/{first.pk}/">{first.name}</a>' in row

    def test_the_count_of_changes_matches_the_rows_below_it(self, client, second_book):
        first = PriceBook.objects.get(name="AWS list prices, US East (N. Virginia), 2026-11")

        body = client.get(compare_url(first, second_book)).content.decode()

        changed = body[body.index('<table class="rate-changes" id="changed">') :]
        changed = changed[: changed.index("</table>")]
        assert changed.count("<tr>") - 1 == 5  # the header row aside
        assert "4 rates changed (5 prices, a row each below), 167 added, 2 removed." in body

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
        assert "3 rates changed (3 prices, a row each below), 1 added, 1 removed." in body
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


RATE_ROW = re.compile(r'<tr data-rate="([^"]+)">(.*?)</tr>', re.S)


def cells(row: str) -> list[str]:
    found = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    return [
        html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip()) for cell in found
    ]


class TestPriceBookDetail:
    def url(self, book: PriceBook) -> str:
        return reverse("prices:detail", args=[book.pk])

    def test_lists_every_rate_with_its_price_tiers_free_allowance_grade_and_source(
        self, client, second_book
    ):
        response = client.get(self.url(second_book))

        assert response.status_code == 200
        body = response.content.decode()
        rows = dict(RATE_ROW.findall(body))
        assert len(rows) == Rate.objects.filter(service__price_book=second_book).count()
        requests = rate(second_book, "kms", "symmetric_requests")
        assert cells(rows["kms.symmetric_requests.us-east-1"]) == [
            "AWS Key Management Service (KMS)",
            "US East (N. Virginia) (us-east-1)",
            "Symmetric requests",
            "$0.03",
            "10,000 requests",
            "",
            "20,000 requests",
            "KMS-Requests",
            requests.grade,
            requests.source,
        ]
        fraud = cells(rows["waf.fraud_control_requests.*"])
        assert fraud[1] == "All Regions"
        assert fraud[5] == (
            "from 2,000,000: $0.70; from 5,000,000: $0.40; from 15,000,000: $0.20; "
            "from 30,000,000: $0.05"
        )
        assert_strict_csp(response)

    def test_filters_by_service_and_region_with_a_plain_get_form(self, client, second_book):
        response = client.get(self.url(second_book), {"service": "kms", "region": "eu-west-1"})

        body = response.content.decode()
        assert f'<form class="rate-filter" method="get" action="{self.url(second_book)}">' in body
        assert [key for key, _ in RATE_ROW.findall(body)] == [
            "kms.keys.eu-west-1",
            "kms.key_rotations.eu-west-1",
            "kms.symmetric_requests.eu-west-1",
            "kms.rsa_2048_requests.eu-west-1",
            "kms.asymmetric_requests.eu-west-1",
            "kms.ecc_key_pair_requests.eu-west-1",
            "kms.rsa_key_pair_requests.eu-west-1",
        ]
        assert '<option value="kms" selected>' in body
        assert 'value="eu-west-1" selected>' in body

    def test_an_all_regions_rate_counts_for_a_region_filter(self, client, second_book):
        body = client.get(self.url(second_book), {"service": "waf", "region": "ap-northeast-1"})
        keys = [key for key, _ in RATE_ROW.findall(body.content.decode())]

        assert keys and all(key.startswith("waf.") and key.endswith(".*") for key in keys)

    def test_lists_what_the_book_does_not_price_in_the_baseline_regions(self, client, second_book):
        body = client.get(self.url(second_book), {"service": "macie"}).content.decode()

        gaps = re.findall(r'<tr data-gap="([^"]+)">(.*?)</tr>', body, re.S)
        assert [key for key, _ in gaps][:2] == ["macie.us-east-2", "macie.us-west-1"]
        assert len(gaps) == 16  # the baseline's 17 Regions but us-east-1
        assert cells(gaps[0][1]) == [
            "Amazon Macie",
            "US East (Ohio) (us-east-2)",
            "the whole service",
        ]

    def test_an_unknown_filter_says_so_and_shows_everything(self, client, second_book):
        body = client.get(self.url(second_book), {"service": "ec2", "region": "mars"})

        text = body.content.decode()
        assert "This book has no service &#x27;ec2&#x27;: showing every service." in text
        assert "This book has no prices in Region &#x27;mars&#x27;: showing every Region." in text
        assert (
            len(RATE_ROW.findall(text))
            == Rate.objects.filter(service__price_book=second_book).count()
        )

    def test_an_unknown_book_is_a_404_and_post_is_not_allowed(self, client, second_book):
        assert client.get("/prices/999999/").status_code == 404
        assert client.get("/prices/x/").status_code == 404
        assert client.post(self.url(second_book)).status_code == 405
        assert PriceBook.objects.filter(pk=second_book.pk).exists()

    def test_a_draft_has_its_page_too(self, client, price_book, draft):
        body = client.get(self.url(draft)).content.decode()

        assert '<span class="badge draft-badge">Draft</span>' in body
        assert "kms.keys.us-east-1" in body
