"""Issue 20, item 3: a quote or a save makes at most pricing.MAX_LINES cost lines. The cells cap
alone let 200 WAF cards in 17 Regions make 47,600 lines, a 50 MB answer that took seconds; past
the line cap the API answers a 400 that names the figure and the cap, before pricing a line."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from estimates import pricing
from estimates.models import Estimate

WAF_USAGE = {"web_acls": 2, "rules": 10, "requests": 5_000_000}  # three lines a Region
REGIONS = ["us-east-1", "eu-west-1"]


def waf_items(count: int) -> list[dict]:
    return [{"service": "waf", "regions": REGIONS, "usage": WAF_USAGE}] * count


def post(client, path: str, body: dict):
    return client.post(path, body, content_type="application/json")


class TestCountLines:
    def test_it_counts_the_lines_pricing_makes(self, second_catalog):
        items = [
            pricing.Item("waf", usage={key: Decimal(v) for key, v in WAF_USAGE.items()}),
            pricing.Item("kms", usage={"keys": Decimal(3)}, regions=("us-east-1", "eu-west-1")),
            pricing.Item("kms", usage={}),  # nothing used: no line
            pricing.Item("guardduty", usage={"vpc_dns_log_gb": Decimal(5)}, accounts=40),
        ]
        quote = pricing.quote(second_catalog, items)
        made = sum(len(item_quote.lines) for item_quote in quote.items)
        assert made == 6
        assert pricing.count_lines(second_catalog, items) == made

    def test_a_product_of_inputs_is_one_line_and_only_when_both_are_used(self, second_catalog):
        half = pricing.Item("waf", usage={"extra_wcu_increments": Decimal(3)})
        both = pricing.Item(
            "waf", usage={"extra_wcu_increments": Decimal(3), "requests": Decimal(1_000_000)}
        )
        for item in (half, both):
            quote = pricing.quote(second_catalog, [item])
            assert pricing.count_lines(second_catalog, [item]) == len(quote.items[0].lines)
        assert pricing.count_lines(second_catalog, [both]) == 2

    def test_the_cap_allows_max_lines_and_refuses_one_more(self, second_catalog, monkeypatch):
        monkeypatch.setattr(pricing, "MAX_LINES", 6)
        item = pricing.Item(
            "waf",
            usage={key: Decimal(v) for key, v in WAF_USAGE.items()},
            regions=tuple(REGIONS),
        )
        assert pricing.check_lines(second_catalog, [item]) == []  # 3 lines × 2 Regions
        (error,) = pricing.check_lines(second_catalog, [item, item])
        assert error == pricing.FieldError(
            None,
            "items",
            "These items make 12 cost lines (each item's priced usage in each of its Regions); "
            "at most 6 are priced at once. Use fewer items or Regions, or split the estimate.",
        )


@pytest.mark.django_db
class TestLineCapOnTheApi:
    def test_a_quote_over_the_cap_is_a_400_naming_the_figure_and_the_cap(self, client, second_book):
        # 200 WAF cards in each of its 9 Regions with every quantity used: within the item
        # and cells caps (1,800 cells), over the line cap.
        catalog = second_book.catalog()
        waf = catalog.services["waf"]
        usage = {spec.key: 1 for spec in waf.inputs if not spec.is_switch}
        regions = catalog.service_regions("waf")
        card = pricing.Item("waf", usage={k: Decimal(v) for k, v in usage.items()}, regions=regions)
        lines = 200 * pricing.count_lines(catalog, [card])
        assert lines > pricing.MAX_LINES
        body = {"items": [{"service": "waf", "regions": list(regions), "usage": usage}] * 200}
        response = post(client, "/api/v1/quote", body)
        assert response.status_code == 400
        assert response.json() == {
            "errors": [
                {
                    "item": None,
                    "field": "items",
                    "message": f"These items make {lines:,} cost lines (each item's priced "
                    f"usage in each of its Regions); at most {pricing.MAX_LINES:,} are priced "
                    "at once. Use "
                    "fewer items or Regions, or split the estimate.",
                }
            ]
        }

    def test_the_quote_at_the_cap_is_priced_and_one_line_more_is_refused(
        self, client, second_book, monkeypatch
    ):
        monkeypatch.setattr(pricing, "MAX_LINES", 12)
        priced = post(client, "/api/v1/quote", {"items": waf_items(2)})
        assert priced.status_code == 200
        assert sum(len(item["lines"]) for item in priced.json()["items"]) == 12

        body = {"items": [*waf_items(2), {"service": "kms", "usage": {"keys": 1}}]}
        refused = post(client, "/api/v1/quote", body)
        assert refused.status_code == 400
        (error,) = refused.json()["errors"]
        assert error["field"] == "items"
        assert error["message"].startswith("These items make 13 cost lines")
        assert "at most 12 are priced at once" in error["message"]

    def test_with_terms_each_growing_month_counts_its_lines(self, client, second_book, monkeypatch):
        # Terms discount line by line, so a growing projection with terms prices every month's
        # lines: 2 cards × 6 lines × 12 months is 144.
        monkeypatch.setattr(pricing, "MAX_LINES", 143)
        grown = {"months": 12, "monthly_growth_percent": "1"}
        terms = {"discount_percent": "10"}
        body = {"items": waf_items(2), "projection": grown, "terms": terms}
        refused = post(client, "/api/v1/quote", body)
        assert refused.status_code == 400
        assert refused.json()["errors"] == [
            {
                "item": None,
                "field": "items",
                "message": "These items make 12 cost lines (each item's priced usage in each of "
                "its Regions), priced line by line in each of 12 months with terms: 144; at "
                "most 143 are priced at once. Use fewer items or Regions, a shorter "
                "projection, no growth, or no terms.",
            }
        ]
        saved = post(client, "/api/v1/estimates", {**body, "name": "Grown"})
        assert saved.status_code == 400
        assert saved.json()["errors"] == refused.json()["errors"]
        assert Estimate.objects.count() == 0
        # Without terms later months are totals, and without growth month 1 alone is priced.
        assert post(client, "/api/v1/quote", {**body, "terms": None}).status_code == 200
        flat = {**body, "projection": {"months": 12}}
        assert post(client, "/api/v1/quote", flat).status_code == 200

    def test_a_save_over_the_cap_is_refused_and_stores_nothing(
        self, client, second_book, monkeypatch
    ):
        monkeypatch.setattr(pricing, "MAX_LINES", 12)
        body = {"name": "Big", "items": waf_items(3)}
        response = post(client, "/api/v1/estimates", body)
        assert response.status_code == 400
        assert response.json()["errors"][0]["message"].startswith("These items make 18 cost lines")
        assert Estimate.objects.count() == 0
        assert post(client, "/api/v1/estimates", {**body, "items": waf_items(2)}).status_code == 201
        assert Estimate.objects.count() == 1

    def test_the_openapi_document_states_the_cap(self, client, second_book):
        document = client.get("/api/v1/openapi.json").json()
        quote = document["paths"]["/api/v1/quote"]["post"]["responses"]["400"]["description"]
        assert f"at most {pricing.MAX_LINES:,} cost lines" in quote
        save = document["paths"]["/api/v1/estimates"]["post"]["responses"]["400"]["description"]
        assert "cost lines than a quote takes" in save
        items = document["components"]["schemas"]["QuoteBody"]["properties"]["items"]
        assert f"at most {pricing.MAX_LINES:,} cost lines" in items["description"]


@pytest.mark.django_db
class TestSaveQueries:
    def test_a_save_makes_no_query_per_item(self, client, second_book):
        def queries_to_save(count: int) -> int:
            body = {"name": "Many", "items": [{"service": "kms", "usage": {"keys": 1}}] * count}
            with CaptureQueriesContext(connection) as queries:
                assert post(client, "/api/v1/estimates", body).status_code == 201
            return len(queries)

        queries_to_save(1)  # the first request loads the book's catalog
        # The items' rows go in one INSERT (two on SQLite, whose statements take 999 values).
        assert queries_to_save(200) <= queries_to_save(1) + 1
        assert Estimate.objects.count() == 3
        assert sorted(estimate.items.count() for estimate in Estimate.objects.all()) == [1, 1, 200]


class TestEverySavePathIsCapped:
    """The cap is the model's too: the editor's save (and a reprice) cannot keep an estimate
    larger than the API may price, whose page, CSV and JSON would write every line each read."""

    def test_the_editor_refuses_to_save_past_the_cap_and_keeps_the_cards(
        self, client, second_book, monkeypatch
    ):
        from tests.views.test_editor import form_data

        monkeypatch.setattr(pricing, "MAX_LINES", 6)
        card = {"service": "waf", "regions": REGIONS, "usage": WAF_USAGE}  # 6 lines
        data = form_data(card, card, name="Two WAF cards")

        response = client.post("/save", data)

        assert response.status_code == 200
        assert Estimate.objects.count() == 0
        html = response.content.decode()
        assert "These items make 12 cost lines" in html
        assert "at most 6 are priced at once" in html
        assert 'name="card-1-web_acls" value="2"' in html

    def test_the_model_refuses_what_the_api_would(self, second_book, monkeypatch):
        monkeypatch.setattr(pricing, "MAX_LINES", 6)
        item = pricing.Item(
            "waf",
            usage={key: Decimal(v) for key, v in WAF_USAGE.items()},
            regions=tuple(REGIONS),
        )
        Estimate.objects.create_from_items(name="At the cap", price_book=second_book, items=[item])

        with pytest.raises(pricing.PricingError) as refused:
            Estimate.objects.create_from_items(
                name="Past it", price_book=second_book, items=[item, item]
            )

        assert [error.field for error in refused.value.errors] == ["items"]
        assert Estimate.objects.count() == 1

    def test_the_live_preview_says_so_at_the_total_and_prices_nothing(
        self, client, second_book, monkeypatch
    ):
        from tests.views.test_editor import form_data

        monkeypatch.setattr(pricing, "MAX_LINES", 6)
        card = {"service": "waf", "regions": REGIONS, "usage": WAF_USAGE}
        headers = {"HX-Request": "true"}

        within = client.post("/preview", form_data(card), headers=headers).content.decode()
        past = client.post("/preview", form_data(card, card), headers=headers).content.decode()

        assert 'id="totals-too-large"' not in within
        assert 'id="monthly-total">$' in within
        assert (
            '<p class="waiting" id="totals-too-large" role="alert">These items make 12 cost '
            "lines (each item&#x27;s priced usage in each of its Regions); at most 6 are priced "
            "at once. Use fewer items or Regions, or split the estimate.</p>"
        ) in past
        assert 'id="monthly-total">—' in past
        # The cards are not at fault: each says why it is not priced, not "fix the fields".
        assert past.count("Not priced: the cards make more cost lines than one estimate") == 2
        assert past.count("· not priced: too many cost lines</span>") == 2
        assert "Fix the fields marked above" not in past
