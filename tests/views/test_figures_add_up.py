"""Issue 20: every figure on a page adds up, says where it is, and the totals survive a typo."""

import csv
import io
import re
from decimal import Decimal

import pytest
from pytest_django.asserts import assertContains

from estimates import pricing
from estimates.models import Estimate

from .test_editor import PREVIEW, form_data, monthly_total

D = Decimal
# $599.985 a month each: 149,996,250 CloudTrail management events at $4.00 per million.
GUARDDUTY = pricing.Item("guardduty", usage={"cloudtrail_management_events": D(149_996_250)})


def money_cells(html: str, css: str) -> list[D]:
    return [D(text.lstrip("$").replace(",", "")) for text in re.findall(css, html)]


@pytest.mark.django_db
class TestShownCentsAddUp:
    @pytest.fixture
    def four(self, second_book) -> Estimate:
        return Estimate.objects.create_from_items(
            name="Four detectors", price_book=second_book, items=[GUARDDUTY] * 4
        )

    def test_the_saved_page_shows_cards_that_sum_to_the_total(self, client, four):
        html = client.get(four.get_absolute_url()).content.decode()

        cards = money_cells(html, r": (\$[\d,.]+) a month</caption>")
        assert monthly_total(html) == "$2,399.94"
        assert cards == [D("599.99"), D("599.99"), D("599.98"), D("599.98")]
        assert money_cells(html, r'<td class="money">(\$[\d,.]+)</td>') == cards

    def test_the_csv_monthly_column_sums_to_its_total(self, client, four):
        rows = list(csv.reader(io.StringIO(client.get(four.get_csv_url()).content.decode())))
        blank = rows.index([])
        summary = dict(rows[1:blank])
        header = rows[blank + 1]
        lines = rows[blank + 2 : rows.index([], blank + 1)]
        monthly = [D(row[header.index("monthly")]) for row in lines]
        first_12 = [D(row[header.index("first_12_months")]) for row in lines]

        assert summary["monthly"] == "2399.94"
        assert sum(monthly) == D("2399.94")
        assert sum(first_12) == D(summary["first_12_months"]) == D("28799.28")

    def test_the_json_items_sum_to_its_total(self, client, four):
        body = client.get(four.get_json_url()).json()

        assert body["monthly_total"] == "2399.94"
        assert [item["monthly"] for item in body["items"]] == [
            "599.99",
            "599.99",
            "599.98",
            "599.98",
        ]
        for item in body["items"]:
            assert sum(D(line["monthly"]) for line in item["lines"]) == D(item["monthly"])

    def test_compare_shows_line_changes_that_sum_to_the_change(self, client, four, second_book):
        one = Estimate.objects.create_from_items(
            name="One detector", price_book=second_book, items=[GUARDDUTY]
        )
        body = client.get(f"/api/v1/compare/{one.public_id}/{four.public_id}").json()

        assert (body["a"]["monthly_total"], body["b"]["monthly_total"]) == (
            "599.99",
            "2399.94",
        )
        assert body["monthly_delta"] == "1799.95"
        assert sum(D(line["delta"]) for line in body["lines"]) == D("1799.95")
        for line in body["lines"]:
            assert D(line["b_monthly"]) - D(line["a_monthly"]) == D(line["delta"])


@pytest.mark.django_db
class TestMostExpensiveLines:
    def test_each_line_names_its_own_region(self, client, second_book):
        card = {
            "service": "kms",
            "regions": ["us-east-1", "eu-west-1"],
            "usage": {"keys": "3"},
        }
        html = client.post(PREVIEW, form_data(card)).content.decode()

        top = re.findall(r"<li data-top-line[^>]*>(.*?)</li>", html, re.S)
        assert [re.sub(r"<[^>]+>", "", line).strip() for line in top] == [
            "$3.00 AWS Key Management Service (KMS) · us-east-1: Customer managed keys",
            "$3.00 AWS Key Management Service (KMS) · eu-west-1: Customer managed keys",
        ]

    def test_the_top_ten_then_the_rest_behind_a_disclosure(self, client, price_book):
        cards = [{"service": "kms", "usage": {"keys": str(n)}} for n in range(1, 13)]
        html = client.post(PREVIEW, form_data(*cards)).content.decode()

        top = re.search(r'<ol class="top-lines" id="top-lines">(.*?)</ol>', html, re.S).group(1)
        more = re.search(r'<details class="more-lines" id="more-lines">(.*?)</details>', html, re.S)
        assert top.count("<li") == 10
        assert "$12.00" in top and "$3.00" in top
        assert "<summary>2 more lines</summary>" in more.group(1)
        assert more.group(1).count("<li") == 2


@pytest.mark.django_db
class TestIncompleteTotals:
    def test_one_bad_field_leaves_the_total_of_the_valid_cards(self, client, price_book):
        good = {"service": "kms", "usage": {"keys": "10", "symmetric_requests": "2000000"}}
        bad = {"service": "secrets_manager", "usage": {"secrets": "abc"}}

        html = client.post(PREVIEW, form_data(good, bad)).content.decode()

        assert monthly_total(html) == "$15.94"
        assertContains_text = "Incomplete: the total of the valid cards only. 1 card needs"
        assert assertContains_text in html
        assert '<span class="badge">incomplete</span>' in html

    def test_a_waf_card_covered_without_shield_leaves_the_total(self, client, second_book):
        kms = {"service": "kms", "usage": {"keys": "10"}}
        waf = {"service": "waf", "usage": {"web_acls": "1", "shield_advanced_covered": "1"}}

        html = client.post(PREVIEW, form_data(kms, waf)).content.decode()

        assert monthly_total(html) == "$10.00"
        assert "1 card needs attention." in html

    def test_an_incomplete_estimate_is_not_saved(self, client, price_book):
        bad = {"service": "secrets_manager", "usage": {"secrets": "abc"}}

        response = client.post("/save", form_data(bad, name="Half"))

        assert response.status_code == 200
        assert Estimate.objects.count() == 0
        assertContains(response, "Nothing was saved")

    def test_a_complete_estimate_is_not_marked(self, client, price_book):
        good = {"service": "kms", "usage": {"keys": "10"}}

        html = client.post(PREVIEW, form_data(good)).content.decode()

        assert "Incomplete" not in html


@pytest.mark.django_db
class TestCompareSaysItPlainly:
    def make(self, price_book, keys: int, name: str, months: int = 12) -> Estimate:
        return Estimate.objects.create_from_items(
            name=name,
            price_book=price_book,
            items=[pricing.Item("kms", usage={"keys": D(keys)})],
            projection=pricing_projection(months),
        )

    def test_less_and_more_without_a_minus_sign(self, client, price_book):
        big, small = self.make(price_book, 4810, "Big"), self.make(price_book, 10, "Small")

        less = client.get(f"/compare/{big.public_id}/{small.public_id}/").content.decode()
        more = client.get(f"/compare/{small.public_id}/{big.public_id}/").content.decode()

        assert '<strong id="monthly-delta">$4,800.00</strong> a month less than A' in less
        assert '<strong id="monthly-delta">$4,800.00</strong> a month more than A' in more
        assert "−$4,800.00</strong> a month less" not in less

    def test_projected_totals_are_compared_over_the_same_months(self, client, price_book):
        a, b = self.make(price_book, 10, "A", 36), self.make(price_book, 20, "B", 36)

        html = client.get(f"/compare/{a.public_id}/{b.public_id}/").content.decode()

        assert "Over 36 months" in html
        assert '<strong id="projection-delta">$360.00</strong> more than A' in html
        row = re.search(r'<tr data-total="projection">(.*?)</tr>', html).group(1)
        assert re.findall(r'<td class="num">([^<]*)</td>', row) == [
            "$360.00",
            "$720.00",
            "+$360.00",
        ]

    def test_different_horizons_are_shown_not_compared(self, client, price_book):
        a, b = self.make(price_book, 10, "A", 12), self.make(price_book, 20, "B", 24)

        html = client.get(f"/compare/{a.public_id}/{b.public_id}/").content.decode()

        assert "A is projected over 12 months and B over 24" in html
        row = re.search(r'<tr data-total="projection">(.*?)</tr>', html).group(1)
        assert re.findall(r'<td class="num">([^<]*)</td>', row) == ["$120.00", "$480.00", "—"]


def pricing_projection(months: int):
    from estimates.pricing.projection import Projection

    return Projection(months, D(0))


@pytest.mark.django_db
class TestDownloads:
    def test_download_json_is_an_attachment(self, client, price_book):
        estimate = Estimate.objects.create_from_items(
            name="Keys", price_book=price_book, items=[pricing.Item("kms", usage={"keys": D(1)})]
        )
        page = client.get(estimate.get_absolute_url()).content.decode()
        response = client.get(estimate.get_json_url())

        assert f'href="{estimate.get_json_url()}" download>Download JSON</a>' in page
        assert response["Content-Disposition"] == (
            f'attachment; filename="costcalc-{estimate.public_id}.json"'
        )
        assert response.json()["monthly_total"] == "1.00"

    def test_the_csv_states_the_formulas_figures_and_the_waiver(self, client, second_book):
        items = [
            pricing.Item("shield", usage={"advanced_subscriptions": D(1)}),
            pricing.Item(
                "waf",
                region="eu-west-1",
                usage={"web_acls": D(1), "shield_advanced_covered": D(1)},
            ),
            pricing.Item("kms", usage={"symmetric_requests": D(2_000_000)}),
        ]
        estimate = Estimate.objects.create_from_items(
            name="Org", price_book=second_book, items=items
        )
        rows = list(csv.reader(io.StringIO(client.get(estimate.get_csv_url()).content.decode())))
        blank = rows.index([])
        header = rows[blank + 1]
        table = rows[blank + 2 : rows.index([], blank + 1)]
        lines = [dict(zip(header, row, strict=True)) for row in table]
        by_key = {line["usage_key"]: line for line in lines}

        requests = by_key["symmetric_requests"]
        assert requests["formula"].startswith("(2,000,000 − 20,000 free) ÷ 10,000 × $0.03")
        assert (
            requests["free_quantity"],
            requests["billable_quantity"],
            requests["per_units"],
            requests["unit_price"],
            requests["region"],
        ) == ("20000", "1980000", "10000", "0.03", "us-east-1")
        web_acls = by_key["web_acls"]
        assert (web_acls["region"], web_acls["monthly"]) == ("eu-west-1", "0.00")
        assert web_acls["waived"] == "covered by Shield Advanced"


@pytest.mark.django_db
class TestCardsFold:
    def test_a_card_is_a_details_open_with_its_summary_line(self, client, price_book):
        card = {"service": "kms", "usage": {"keys": "10"}}

        html = client.post("/", form_data(card)).content.decode()

        body = re.search(
            r'<details class="card-body" open>\s*<summary class="card-fold">(.*?)'
            r"</summary>",
            html,
            re.S,
        )
        assert body is not None
        assert re.sub(r"<[^>]+>", "", body.group(1)).strip() == "us-east-1 · $10.00 a month"
        assert 'name="card-0-keys"' in html.split('<details class="card-body" open>', 1)[1]

    def test_the_preview_swaps_the_summary_line_out_of_band(self, client, price_book):
        cards = [
            {"service": "kms", "usage": {"keys": "2"}},
            {"service": "kms", "usage": {"keys": "x"}},
        ]

        html = client.post(PREVIEW, form_data(*cards)).content.decode()

        assert (
            '<span class="card-summary" id="card-0-summary" hx-swap-oob="true">'
            "us-east-1 · $2.00 a month</span>"
        ) in html
        assert "us-east-1 · needs attention</span>" in html
