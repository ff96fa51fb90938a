"""Issue 20, items 3 and 4: every request's work is bounded (a cap on item × Region × month
cells, rate limits on quotes and recomputes), and the largest estimate the editor takes fits in
the form limits; a form too large to read answers the editor page with a message."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.test import override_settings

from estimates import pricing
from estimates.models import Estimate
from estimates.pricing import projection
from tests.conftest import FIRST_BOOK, SECOND_BOOK
from tests.views.test_editor import field_error, form_data

WAF_REGIONS = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1"]
GROWN = {"months": 36, "monthly_growth_percent": "2.5"}


def waf_items(count: int, regions: list[str]) -> list[dict]:
    return [{"service": "waf", "regions": regions, "usage": {"web_acls": 1}}] * count


class TestCellCap:
    def test_cells_are_regions_times_the_months_priced(self):
        items = [pricing.Item("waf", regions=("us-east-1", "eu-west-1"))] * 100
        grown = projection.Projection(36, Decimal("2.5"))
        flat = projection.Projection(36, pricing.ZERO)
        assert projection.check_work(items, flat) == []  # one month priced: 200 cells
        assert projection.check_work(items, None) == []
        (error,) = projection.check_work(items, grown)  # 200 × 36 = 7,200 cells
        assert error.field == projection.GROWTH_FIELD
        assert error.message.startswith(
            "This asks for 7,200 item × Region × month cells (36 months priced); "
            "at most 5,000 are priced at once."
        )

    def test_project_refuses_it_before_pricing_a_month(self, catalog):
        items = [pricing.Item("waf", usage={"web_acls": Decimal(1)})] * 200
        with pytest.raises(pricing.PricingError, match="7,200 item × Region × month cells"):
            projection.project(catalog, items, True, projection.Projection(36, Decimal(1)))


@pytest.mark.django_db
class TestCellCapOnEveryPath:
    def test_the_api_quote_is_a_400_naming_the_cap(self, client, second_book):
        body = {"items": waf_items(30, WAF_REGIONS), "projection": GROWN}
        response = client.post("/api/v1/quote", body, content_type="application/json")
        assert response.status_code == 400
        (error,) = response.json()["errors"]
        assert error["field"] == "projection.monthly_growth_percent"
        assert "5,400 item × Region × month cells" in error["message"]

    def test_the_same_cards_without_growth_are_priced(self, client, second_book):
        body = {"items": waf_items(30, WAF_REGIONS), "projection": {"months": 36}}
        response = client.post("/api/v1/quote", body, content_type="application/json")
        assert response.status_code == 200
        assert len(response.json()["projection"]["monthly_totals"]) == 36

    def test_a_save_is_refused_and_stores_nothing(self, client, second_book):
        body = {"name": "Big", "items": waf_items(30, WAF_REGIONS), "projection": GROWN}
        response = client.post("/api/v1/estimates", body, content_type="application/json")
        assert response.status_code == 400
        assert "at most 5,000 are priced at once" in response.json()["errors"][0]["message"]
        assert Estimate.objects.count() == 0

    def test_the_editor_says_so_beside_the_growth(self, client, second_book):
        cards = [{"service": "waf", "regions": WAF_REGIONS, "usage": {"web_acls": "1"}}] * 30
        data = form_data(*cards, projection_months="36", projection_growth_percent="2.5")
        html = client.post("/preview", data, headers={"HX-Request": "true"}).content.decode()
        assert "5,400 item × Region × month cells" in field_error(
            html, "id_projection_growth_percent"
        )


@pytest.mark.django_db
class TestRateLimits:
    def test_quote_and_preview_limits_are_off_in_tests(self, client, price_book):
        assert settings.COSTCALC_RATE_LIMITS_ENABLED is False
        body = {"items": [{"service": "kms", "usage": {"keys": 1}}]}
        with override_settings(COSTCALC_QUOTE_RATE_LIMIT=1, COSTCALC_PREVIEW_RATE_LIMIT=1):
            quotes = [
                client.post("/api/v1/quote", body, content_type="application/json").status_code
                for _ in range(3)
            ]
            previews = [client.post("/preview", form_data()).status_code for _ in range(3)]
        assert quotes == previews == [200, 200, 200]

    @override_settings(
        COSTCALC_RATE_LIMITS_ENABLED=True,
        COSTCALC_QUOTE_RATE_LIMIT=2,
        COSTCALC_QUOTE_RATE_PERIOD=60,
    )
    def test_quotes_past_the_limit_are_a_429_with_retry_after(self, client, price_book):
        body = {"items": [{"service": "kms", "usage": {"keys": 1}}]}
        statuses = [
            client.post("/api/v1/quote", body, content_type="application/json").status_code
            for _ in range(3)
        ]
        assert statuses == [200, 200, 429]
        response = client.post("/api/v1/quote", body, content_type="application/json")
        assert 1 <= int(response["Retry-After"]) <= 61
        assert response.json()["errors"][0]["field"] == "rate"
        assert response.json()["errors"][0]["message"].startswith(
            "Too many quotes from your address: at most 2 in a while."
        )

    @override_settings(
        COSTCALC_RATE_LIMITS_ENABLED=True,
        COSTCALC_PREVIEW_RATE_LIMIT=1,
        COSTCALC_PREVIEW_RATE_PERIOD=60,
    )
    def test_recomputes_past_the_limit_are_a_429_page(self, client, price_book):
        data = form_data({"service": "kms", "usage": {"keys": "1"}})
        assert client.post("/preview", data, headers={"HX-Request": "true"}).status_code == 200
        response = client.post("/", data)  # the no-JS recalculate counts as one too
        assert response.status_code == 429
        assert "Too many recalculations" in response.content.decode()
        assert "Retry-After" in response


def fields_per_card(book: dict) -> int:
    services = book["services"]
    regions = {rate.get("region", "*") for s in services for rate in s["rates"]} - {"*"}
    inputs = max(len(service["inputs"]) for service in services)
    return 3 + max(len(regions), 1) + inputs


@pytest.mark.parametrize("book", [FIRST_BOOK, SECOND_BOOK], ids=["2026-11", "2026-12"])
def test_every_shipped_book_fits_the_fields_a_card_may_post(book):
    assert fields_per_card(book) <= pricing.MAX_FORM_FIELDS_PER_CARD
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS >= (
        pricing.MAX_ITEMS * pricing.MAX_FORM_FIELDS_PER_CARD
    )


@pytest.mark.django_db
class TestFormSize:
    def test_the_largest_editor_form_is_read(self, client, second_book):
        # 200 WAF cards, each in every Region it is offered in, every input filled: far more
        # than the 1,000 fields Django takes by default.
        catalog = second_book.catalog()
        usage = {spec.key: "1" for spec in catalog.services["waf"].inputs}
        usage["shield_advanced_covered"] = "0"
        card = {"service": "waf", "regions": list(catalog.service_regions("waf")), "usage": usage}
        data = form_data(*[card] * pricing.MAX_ITEMS)
        assert sum(len(v) if isinstance(v, list) else 1 for v in data.values()) > 5_000
        response = client.post("/preview", data, headers={"HX-Request": "true"})
        assert response.status_code == 200
        # Read whole: it is the line cap that answers, counting every card's lines.
        lines = pricing.count_lines(catalog, [form.item() for form in _cards(catalog, data)])
        assert lines > pricing.MAX_LINES
        assert f"These items make {lines:,} cost lines" in response.content.decode()

    def test_the_widest_form_under_the_line_cap_is_priced(self, client, second_book):
        # 200 WAF cards in every Region, one input each: every card's Regions are read.
        catalog = second_book.catalog()
        card = {
            "service": "waf",
            "regions": list(catalog.service_regions("waf")),
            "usage": {"web_acls": "1"},
        }
        data = form_data(*[card] * pricing.MAX_ITEMS)
        response = client.post("/preview", data, headers={"HX-Request": "true"})
        assert response.status_code == 200
        web_acls = pricing.MAX_ITEMS * len(card["regions"])
        assert web_acls <= pricing.MAX_LINES
        assert f'id="monthly-total">${web_acls * 5:,}.00' in response.content.decode()

    @override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=50)
    @pytest.mark.parametrize("path", ["/", "/save", "/preview"])
    def test_an_oversize_form_gets_the_editor_page_and_a_message(self, client, price_book, path):
        data = form_data(*[{"service": "kms", "usage": {"keys": "1"}}] * 10, name="Big")
        response = client.post(path, data)
        html = response.content.decode()
        assert response.status_code == 413
        assert "This form was too large to read (more than 50 fields or 2.5 MB)" in html
        assert 'id="estimate-form"' in html
        assert Estimate.objects.count() == 0

    @override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=5)
    def test_elsewhere_an_oversize_form_is_still_a_plain_400(self, client, price_book):
        data = {f"f{i}": "x" for i in range(10)}
        response = client.post("/import/terraform", data)
        assert response.status_code == 400
        assert 'id="estimate-form"' not in response.content.decode()


def _cards(catalog, data):
    """The posted cards as the editor reads them."""
    from django.http import QueryDict

    from estimates.web.forms import CardFormSet

    posted = QueryDict(mutable=True)
    for key, value in data.items():
        posted.setlist(key, value if isinstance(value, list) else [value])
    formset = CardFormSet(posted, catalog=catalog)
    return [form for form in formset.forms if form.is_valid()]
