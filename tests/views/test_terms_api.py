"""Terms on POST /api/v1/quote and /api/v1/estimates, and named terms at /api/v1/terms."""

import json

import pytest

from estimates.models import Estimate, NamedTerms

QUOTE_URL = "/api/v1/quote"
SAVE_URL = "/api/v1/estimates"
TERMS_URL = "/api/v1/terms"
KMS = {"service": "kms", "usage": {"keys": 10, "symmetric_requests": 2000000}}
README_TERMS = {
    "discount_percent": "10",
    "service_discounts": {"kms": "20"},
    "monthly_credits": "5",
    "tax_percent": "20",
    "currency": {"code": "EUR", "usd_rate": "0.92"},
}


def post(client, url: str, body: object):
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.mark.django_db
class TestQuoteWithTerms:
    def test_the_readme_example_is_eur_8_56_beside_the_list_price(self, client, second_book):
        body = post(client, QUOTE_URL, {"items": [KMS], "terms": README_TERMS}).json()
        assert body["currency"] == "USD"
        assert body["monthly_total"] == "15.94"
        assert body["terms"] == README_TERMS
        assert body["net"] == {
            "currency": "EUR",
            "usd_rate": "0.92",
            "monthly_subtotal": "11.73",
            "credits": "4.60",
            "tax": "1.43",
            "monthly_total": "8.56",
            "upfront_total": "0.00",
            # 12 × 8.558208 = 102.698496
            "first_12_months_total": "102.70",
        }
        (item,) = body["items"]
        assert item["net_monthly"] == "11.73"
        keys, requests = item["lines"]
        assert (keys["monthly"], keys["net_monthly"], keys["discount_percent"]) == (
            "10.00",
            "7.36",
            "20",
        )
        assert (requests["monthly"], requests["net_monthly"]) == ("5.94", "4.37")
        assert requests["override_unit_price"] is None

    def test_a_private_rate_replaces_the_tiers_and_takes_no_discount(self, client, second_book):
        terms = {
            "discount_percent": "50",
            "rate_overrides": [
                {"service": "kms", "rate": "symmetric_requests", "unit_price": "0.02"}
            ],
        }
        body = post(client, QUOTE_URL, {"items": [KMS], "terms": terms}).json()
        keys, requests = body["items"][0]["lines"]
        assert keys["net_monthly"] == "5.00"
        assert requests["net_monthly"] == "3.96"  # (2,000,000 − 20,000) ÷ 10,000 × 0.02
        assert requests["discount_percent"] is None
        assert requests["override_unit_price"] == "0.02"
        assert body["net"]["monthly_total"] == "8.96"

    def test_without_terms_the_quote_is_as_it_was(self, client, second_book):
        body = post(client, QUOTE_URL, {"items": [KMS]}).json()
        assert "net" not in body and "terms" not in body
        assert "net_monthly" not in body["items"][0]["lines"][0]

    def test_a_projection_with_terms_projects_net(self, client, second_book):
        terms = {**README_TERMS, "credit_months": 1}
        body = post(
            client, QUOTE_URL, {"items": [KMS], "terms": terms, "projection": {"months": 12}}
        ).json()
        projection = body["projection"]
        assert projection["net_currency"] == "EUR"
        # month 1 credited, the others (12.752 × 1.2 × 0.92 = 14.078208) not
        assert projection["net_monthly_totals"][:2] == ["8.56", "14.08"]
        assert projection["net_total"] == "163.42"  # 8.558208 + 11 × 14.078208
        assert projection["total"] == "191.28"

    @pytest.mark.parametrize(
        ("terms", "field"),
        [
            ({"discount_percent": "100.01"}, "terms.discount_percent"),
            ({"tax_percent": -1}, "terms.tax_percent"),
            ({"service_discounts": {"nope": "5"}}, "terms.service_discounts.nope"),
            (
                {"rate_overrides": [{"service": "kms", "rate": "bogus", "unit_price": "1"}]},
                "terms.rate_overrides[0].rate",
            ),
            ({"monthly_credits": "-0.01"}, "terms.monthly_credits"),
            ({"currency": {"code": "EURO", "usd_rate": "1"}}, "terms.currency.code"),
            ({"currency": {"code": "EUR", "usd_rate": "0"}}, "terms.currency.usd_rate"),
            ({"currency": {"code": "EUR", "usd_rate": "-1"}}, "terms.currency.usd_rate"),
            ({"surprise": 1}, "terms.surprise"),
        ],
    )
    def test_a_bad_term_is_a_400_naming_its_field_and_nothing_is_saved(
        self, client, second_book, terms, field
    ):
        for url in (QUOTE_URL, SAVE_URL):
            response = post(client, url, {"name": "Keys", "items": [KMS], "terms": terms})
            assert response.status_code == 400
            assert field in [error["field"] for error in response.json()["errors"]]
        assert Estimate.objects.count() == 0


@pytest.mark.django_db
class TestSavedWithTerms:
    def test_a_save_keeps_its_terms_and_reads_back_the_same_figures(self, client, second_book):
        response = post(client, SAVE_URL, {"name": "Keys", "items": [KMS], "terms": README_TERMS})
        assert response.status_code == 201
        body = client.get(response.json()["json_url"]).json()
        assert body["terms"] == README_TERMS
        assert body["net"]["monthly_total"] == "8.56"
        assert body["monthly_total"] == "15.94"
        assert body["projection"]["net_total"] == "102.70"

    def test_named_terms_apply_by_id_and_a_later_edit_changes_no_saved_estimate(
        self, client, second_book
    ):
        created = post(client, TERMS_URL, {"name": "EA 2026", "terms": README_TERMS})
        assert created.status_code == 201
        terms_id = created.json()["id"]
        assert created["Location"].endswith(f"/api/v1/terms/{terms_id}")
        assert client.get(f"{TERMS_URL}/{terms_id}").json()["terms"] == README_TERMS
        saved = post(client, SAVE_URL, {"name": "Keys", "items": [KMS], "terms_id": terms_id})
        assert saved.status_code == 201
        named = NamedTerms.objects.get()
        named.terms = {"discount_percent": "90"}
        named.save()
        body = client.get(saved.json()["json_url"]).json()
        assert body["terms"] == README_TERMS
        assert body["terms_name"] == "EA 2026"
        assert body["net"]["monthly_total"] == "8.56"
        quoted = post(client, QUOTE_URL, {"items": [KMS], "terms_id": terms_id}).json()
        assert quoted["net"]["monthly_total"] == "1.59"  # 15.94 × 0.1, the terms as they are now

    def test_terms_and_terms_id_together_or_an_unknown_id_are_400s(self, client, second_book):
        both = post(
            client,
            QUOTE_URL,
            {"items": [KMS], "terms": {}, "terms_id": "5b0e3c9e-7d1a-4f6e-9a43-2f1c8d7b6a50"},
        )
        assert both.status_code == 400
        assert both.json()["errors"][0]["field"] == "terms_id"
        unknown = post(client, SAVE_URL, {"name": "K", "items": [KMS], "terms_id": "nope"})
        assert unknown.json()["errors"] == [
            {"item": None, "field": "terms_id", "message": "No named terms have this id."}
        ]
        assert Estimate.objects.count() == 0


@pytest.mark.django_db
class TestNamedTermsApi:
    def test_bad_named_terms_are_400s_and_nothing_is_saved(self, client, second_book):
        response = post(client, TERMS_URL, {"name": "", "terms": {"discount_percent": "200"}})
        assert response.status_code == 400
        fields = {error["field"] for error in response.json()["errors"]}
        assert fields == {"name", "terms.discount_percent"}
        assert post(client, TERMS_URL, {"name": "EA"}).json()["errors"][0]["field"] == "terms"
        assert NamedTerms.objects.count() == 0

    def test_only_json_is_taken_and_get_is_not_allowed_on_the_collection(self, client, second_book):
        response = client.post(TERMS_URL, "name=EA", content_type="text/plain")
        assert response.status_code == 415
        assert client.get(TERMS_URL).status_code == 405
        assert NamedTerms.objects.count() == 0

    def test_an_unknown_id_is_a_json_404(self, client, second_book):
        response = client.get(f"{TERMS_URL}/not-an-id")
        assert response.status_code == 404
        assert response.json()["errors"][0]["field"] == "id"
