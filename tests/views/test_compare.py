"""Two saved estimates compared: the page, its JSON and CSV, and the picker on a saved page."""

import csv
import io
import re
import uuid
from datetime import date
from decimal import Decimal

import pytest
from pytest_django.asserts import assertContains, assertNotContains, assertTemplateUsed

from estimates import pricing
from estimates.models import Estimate, PriceBook, RateTier, Service

D = Decimal
KMS = pricing.Item("kms", group="prod", usage={"keys": D(10), "symmetric_requests": D(2_000_000)})
ORIGINAL_ITEMS = [KMS, pricing.Item("firewall_manager", usage={"policies": D(1)})]
COPY_ITEMS = [
    pricing.Item("kms", group="prod", usage={"keys": D(20), "symmetric_requests": D(2_000_000)}),
    pricing.Item(
        "waf", group="edge", usage={"web_acls": D(1), "rules": D(5), "requests": D(1_000_000)}
    ),
]


@pytest.fixture
def original(price_book) -> Estimate:
    return Estimate.objects.create_from_items(
        name="Original <plan>", price_book=price_book, items=ORIGINAL_ITEMS
    )


@pytest.fixture
def copy(price_book, original) -> Estimate:
    return Estimate.objects.create_from_items(
        name="With WAF", price_book=price_book, items=COPY_ITEMS, copied_from=original
    )


def compare_url(a: Estimate, b: Estimate, suffix: str = "") -> str:
    return f"/compare/{a.public_id}/{b.public_id}/{suffix}"


def json_url(a: Estimate, b: Estimate) -> str:
    return f"/api/v1/compare/{a.public_id}/{b.public_id}"


def publish_newer_book(price_book) -> PriceBook:
    """A newer book where a KMS key costs $1.10 instead of $1.00 and Firewall Manager is gone."""
    draft = price_book.copy_to_draft(name="AWS list prices, 2027-01")
    draft.effective_date = date(2027, 1, 1)
    draft.save()
    tier = RateTier.objects.get(
        rate__service__price_book=draft, rate__service__code="kms", rate__code="keys"
    )
    tier.price = D("1.10")
    tier.save()
    draft.publish()
    return draft


def rows_of(html: str) -> list[tuple[str, str, str]]:
    """(status, service, usage key) of every line row on the page, in order."""
    return re.findall(r'<tr[^>]*data-status="(\w+)" data-service="(\w+)" data-line="(\w+)"', html)


class TestComparePage:
    def test_totals_the_change_and_every_line_that_differs(self, client, original, copy):
        response = client.get(compare_url(original, copy))
        html = response.content.decode()

        assert response.status_code == 200
        assertTemplateUsed(response, "estimates/compare.html")
        # A: $15.94 + $100.00 Firewall Manager; B: 20 keys $25.94 + WAF $10.60.
        assertContains(
            response,
            '<strong id="monthly-delta">$79.40</strong> a month less than A (−68.48%)',
        )
        totals = re.findall(r'<tr data-total="(\w+)">(.*?)</tr>', html)
        cells = {name: re.findall(r'<td class="num">([^<]*)</td>', row) for name, row in totals}
        assert cells == {
            "monthly": ["$115.94", "$36.54", "−$79.40"],
            "upfront": ["$0.00", "$0.00", "$0.00"],
            "first_12_months": ["$1,391.28", "$438.48", "−$952.80"],
            "projection": ["$1,391.28", "$438.48", "−$952.80"],
        }
        assert rows_of(html) == [
            ("removed", "firewall_manager", "policies"),  # −$100.00
            ("changed", "kms", "keys"),  # +$10.00
            ("added", "waf", "rules"),  # +$5.00, ties by key
            ("added", "waf", "web_acls"),  # +$5.00
            ("added", "waf", "requests"),  # +$0.60
            ("unchanged", "kms", "symmetric_requests"),
        ]
        keys = re.search(r'data-line="keys">(.*?)</tr>', html, re.S).group(1)
        assert re.findall(r'<td class="num[^"]*">([^<]*)</td>', keys) == [
            "$10.00",
            "$20.00",
            "+$10.00",
            "+100.00%",
        ]
        assertContains(response, '<span class="badge status">added</span> Web ACLs')
        assertContains(response, '<details class="unchanged-lines" id="unchanged-lines">')
        assertContains(response, "<summary>1 unchanged line</summary>")
        assertNotContains(response, "books-differ")

    def test_links_to_both_the_swap_the_csv_and_the_json(self, client, original, copy):
        response = client.get(compare_url(original, copy))

        assertContains(response, f'href="/e/{original.public_id}/" id="estimate-a"')
        assertContains(response, f'href="/e/{copy.public_id}/" id="estimate-b"')
        assertContains(response, f'href="{compare_url(copy, original)}">Swap A and B</a>')
        assertContains(response, f'href="{compare_url(original, copy, "export.csv")}" download')
        assertContains(response, f'href="{json_url(original, copy)}" download>Download JSON</a>')

    def test_names_are_escaped_and_no_inline_style(self, client, original, copy):
        response = client.get(compare_url(original, copy))

        assertContains(response, "Original &lt;plan&gt;")
        assert b"Original <plan>" not in response.content
        assert b"style=" not in response.content

    def test_an_estimate_compared_with_itself_differs_nowhere(self, client, original):
        response = client.get(compare_url(original, original))

        assertContains(response, "B costs the same a month as A")
        assertContains(response, "No line differs")
        assertContains(response, "<summary>3 unchanged lines</summary>")

    def test_different_books_split_prices_from_usage(self, client, price_book, original):
        newer = publish_newer_book(price_book)
        b = Estimate.objects.create_from_items(
            name="Next year", price_book=newer, items=[COPY_ITEMS[0], ORIGINAL_ITEMS[1]]
        )

        html = client.get(compare_url(original, b)).content.decode()

        assert "Priced with different price books" in html
        split = dict(
            re.findall(
                r'<tr data-effect="(\w+)"><th scope="row">[^<]*</th><td class="num">([^<]*)</td>',
                html,
            )
        )
        assert split == {"price": "+$1.00", "usage": "+$11.00"}  # 10 keys +$0.10; 10 more at $1.10
        keys = re.search(r'data-line="keys">(.*?)</tr>', html, re.S).group(1)
        assert re.findall(r'<td class="num">([^<]*)</td>', keys)[-2:] == ["+$1.00", "+$11.00"]

    def test_a_usage_the_other_book_cannot_price_says_why_and_shows_no_split(
        self, client, price_book, original
    ):
        draft = price_book.copy_to_draft(name="Without Firewall Manager")
        Service.objects.get(price_book=draft, code="firewall_manager").delete()
        draft.publish()
        b = Estimate.objects.create_from_items(name="B", price_book=draft, items=[KMS])

        response = client.get(compare_url(original, b))

        assertContains(response, "cannot be priced with B's book")
        assertContains(response, "A's card 2: Unknown service &#x27;firewall_manager&#x27;.")
        assertNotContains(response, 'data-effect="price"')

    def test_a_forged_id_is_a_404(self, client, original):
        forged = uuid.uuid4()

        for url in (
            f"/compare/{original.public_id}/{forged}/",
            f"/compare/{forged}/{original.public_id}/",
        ):
            response = client.get(url)
            assert response.status_code == 404
            assertTemplateUsed(response, "404.html")

    @pytest.mark.parametrize("bad", ["1", "not-a-uuid", "00000000-0000-0000-0000-00000000000g"])
    def test_a_malformed_id_is_a_404(self, client, original, bad):
        assert client.get(f"/compare/{original.public_id}/{bad}/").status_code == 404
        assert client.get(f"/compare/{bad}/{original.public_id}/").status_code == 404

    def test_only_get(self, client, original, copy):
        assert client.post(compare_url(original, copy)).status_code == 405
        assert client.delete(compare_url(original, copy, "export.csv")).status_code == 405


class TestCompareJson:
    def test_the_same_figures_as_the_page(self, client, original, copy):
        response = client.get(json_url(original, copy))
        body = response.json()

        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert body["a"] == {
            "id": str(original.public_id),
            "name": "Original <plan>",
            "price_book": {
                "id": original.price_book_id,
                "name": "AWS list prices, US East (N. Virginia), 2026-11",
                "effective_date": "2026-11-01",
            },
            "free_tier": True,
            "monthly_total": "115.94",
            "upfront_total": "0.00",
            "first_12_months_total": "1391.28",
        }
        assert body["b"]["monthly_total"] == "36.54"
        assert (body["monthly_delta"], body["upfront_delta"], body["first_12_months_delta"]) == (
            "-79.40",
            "0.00",
            "-952.80",
        )
        assert body["monthly_percent"] == "-68.48"
        assert body["same_price_book"] is True
        assert body["price_effect"] is None and body["usage_effect"] is None
        assert body["unchanged_lines"] == 1
        assert [
            (line["service"], line["usage_key"], line["status"], line["delta"], line["percent"])
            for line in body["lines"]
        ] == [
            ("firewall_manager", "policies", "removed", "-100.00", "-100.00"),
            ("kms", "keys", "changed", "10.00", "100.00"),
            ("waf", "rules", "added", "5.00", None),
            ("waf", "web_acls", "added", "5.00", None),
            ("waf", "requests", "added", "0.60", None),
        ]
        keys = body["lines"][1]
        assert {key: keys[key] for key in ("region", "group", "a_monthly", "b_monthly")} == {
            "region": "us-east-1",
            "group": "prod",
            "a_monthly": "10.00",
            "b_monthly": "20.00",
        }

    def test_the_line_deltas_sum_to_the_monthly_delta(self, client, original, copy):
        body = client.get(json_url(original, copy)).json()

        assert sum(D(line["delta"]) for line in body["lines"]) == D(body["monthly_delta"])

    def test_different_books_carry_the_split(self, client, price_book, original):
        newer = publish_newer_book(price_book)
        b = Estimate.objects.create_from_items(
            name="Next year", price_book=newer, items=[COPY_ITEMS[0], ORIGINAL_ITEMS[1]]
        )

        body = client.get(json_url(original, b)).json()

        assert body["same_price_book"] is False
        assert body["price_effect"] == {
            "monthly": "1.00",
            "upfront": "0.00",
            "first_12_months": "12.00",
        }
        assert body["usage_effect"]["monthly"] == "11.00"
        (keys,) = body["lines"]
        assert (keys["price_effect"], keys["usage_effect"]) == ("1.00", "11.00")

    @pytest.mark.parametrize("bad", ["forged", "not-a-uuid", "1", "%00", "' OR 1=1"])
    def test_a_forged_or_malformed_id_is_a_json_404(self, client, original, bad):
        other = str(uuid.uuid4()) if bad == "forged" else bad

        for url in (
            f"/api/v1/compare/{original.public_id}/{other}",
            f"/api/v1/compare/{other}/{original.public_id}",
        ):
            response = client.get(url)
            assert response.status_code == 404
            assert response.json() == {
                "errors": [{"item": None, "field": "id", "message": "No estimate has this id."}]
            }

    def test_only_get(self, client, original, copy):
        assert client.post(json_url(original, copy)).status_code == 405


class TestCompareCsv:
    def test_a_download_with_exact_figures(self, client, original, copy):
        response = client.get(compare_url(original, copy, "export.csv"))

        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == (
            f'attachment; filename="costcalc-compare-{str(original.public_id)[:8]}-'
            f'{str(copy.public_id)[:8]}.csv"'
        )
        text = response.content.decode("utf-8")
        assert text.startswith("\ufefffield,a,b,delta\r\n")
        rows = list(csv.reader(io.StringIO(text[1:], newline="")))
        assert ["monthly", "115.94", "36.54", "-79.40"] in rows
        assert ["first_12_months", "1391.28", "438.48", "-952.80"] in rows
        assert ["unchanged_lines", "1"] in rows
        header = rows.index(["status", *rows[rows.index(["unchanged_lines", "1"]) + 2][1:]])
        lines = [dict(zip(rows[header], row, strict=True)) for row in rows[header + 1 :]]
        assert [(line["status"], line["usage_key"], line["delta"]) for line in lines] == [
            ("removed", "policies", "-100.00"),
            ("changed", "keys", "10.00"),
            ("added", "rules", "5.00"),
            ("added", "web_acls", "5.00"),
            ("added", "requests", "0.60"),
        ]

    def test_a_forged_id_is_a_404(self, client, original):
        response = client.get(f"/compare/{original.public_id}/{uuid.uuid4()}/export.csv")

        assert response.status_code == 404


class TestCompareWith:
    """'Compare with…' on a saved page: paste a link or an id, or pick from the lineage."""

    def test_a_saved_page_has_the_picker(self, client, original):
        response = client.get(original.get_absolute_url())

        assertContains(response, "Compare with…")
        assertContains(
            response,
            f'<form method="get" action="/compare/{original.public_id}/" class="compare-pick">',
        )
        assertContains(response, 'name="other"')
        assertNotContains(response, "Compare with the original")

    def test_a_copy_offers_to_compare_with_the_original_and_its_lineage(
        self, client, original, copy
    ):
        third = Estimate.objects.create_from_items(
            name="Third", price_book=copy.price_book, items=COPY_ITEMS, copied_from=copy
        )

        response = client.get(third.get_absolute_url())

        link = f'id="compare-with-original" href="{compare_url(copy, third)}"'
        assertContains(response, f'<a class="button primary" {link}>Compare with the original</a>')
        assertContains(response, f'href="{compare_url(copy, third)}">Compare with With WAF</a>')
        assertContains(
            response,
            f'href="{compare_url(original, third)}">Compare with Original &lt;plan&gt;</a>',
        )

    @pytest.mark.parametrize(
        "pasted",
        [
            "https://costcalc.example.com/e/{id}/",
            "http://testserver/e/{id}/export.csv",
            "  {id}  ",
            "{hex}",
            "/api/v1/estimates/{id}",
        ],
    )
    def test_a_pasted_link_or_id_goes_to_the_comparison(self, client, original, copy, pasted):
        other = pasted.format(id=copy.public_id, hex=copy.public_id.hex)

        response = client.get(f"/compare/{original.public_id}/", {"other": other})

        assert response.status_code == 302
        assert response["Location"] == compare_url(original, copy)

    @pytest.mark.parametrize(
        ("pasted", "message"),
        [
            ("", "Paste the link of the estimate to compare with."),
            ("hello <b>", "That is not the link of a saved estimate"),
            ("https://costcalc.example.com/e/12345/", "That is not the link of a saved estimate"),
            ("/compare/{a}/{b}/", "That is not the link of a saved estimate"),
            ("/e/{forged}/", "No saved estimate has this link: check it was copied whole."),
            ("x" * 2001, "Ensure this value has at most 2000 characters"),
        ],
    )
    def test_a_bad_link_gets_a_message_beside_the_field(
        self, client, original, copy, pasted, message
    ):
        other = pasted.format(a=original.public_id, b=copy.public_id, forged=uuid.uuid4())

        response = client.get(f"/compare/{original.public_id}/", {"other": other})
        html = response.content.decode()

        assert response.status_code == 200
        assertTemplateUsed(response, "estimates/detail.html")
        shown = re.search(r'<p class="field-error" id="id_other_error"[^>]*>([^<]*)<', html)
        assert shown.group(1).startswith(message.replace("'", "&#x27;"))
        assert "<b>" not in html.split('id="compare-with"')[1].split("</section>")[0]

    def test_the_picker_of_a_forged_estimate_is_a_404(self, client, copy):
        response = client.get(f"/compare/{uuid.uuid4()}/", {"other": str(copy.public_id)})

        assert response.status_code == 404

    def test_only_get(self, client, original):
        assert client.post(f"/compare/{original.public_id}/").status_code == 405
