"""The 2026-12 book as the current book: an organisation priced through the API, the pages and
the examples with published totals, and what it changed for estimates saved with the first book.
"""

from decimal import Decimal

import pytest

from estimates import pricing
from estimates.models import Estimate, PriceBook

from ..conftest import SECOND_BOOK, load_data
from .test_api import only_error, post_quote

EXAMPLES = load_data("examples.json")["examples"]
NEW_EXAMPLES = load_data("examples_2026_12.json")["examples"]
NEW_SERVICES = ["config", "cloudtrail", "security_hub", "network_firewall", "dns_firewall"]


def quote(client, *items, **body) -> dict:
    response = post_quote(client, {"items": list(items), **body})
    assert response.status_code == 200, response.content
    return response.json()


def line(body: dict, item: int, usage_key: str) -> dict:
    return next(line for line in body["items"][item]["lines"] if line["usage_key"] == usage_key)


@pytest.mark.django_db
def test_the_migrations_publish_it_and_the_2027_01_book_after_it():
    second = PriceBook.objects.get(name=SECOND_BOOK["name"])
    assert second.is_published
    third = PriceBook.objects.get(name="AWS list prices, 2027-01")
    assert third.is_published
    assert third.published_at > second.published_at


@pytest.mark.django_db
class TestAnOrganisationThroughTheApi:
    def test_two_kms_cards_share_one_free_allowance(self, client, second_book):
        kms = {"service": "kms", "region": "us-east-1", "usage": {"symmetric_requests": 20_000}}

        body = quote(client, kms, kms)

        assert body["monthly_total"] == "0.06"
        requests = line(body, 0, "symmetric_requests")
        assert (requests["pooled_quantity"], requests["share"], requests["pooling"]) == (
            "40000",
            "0.5",
            "organization",
        )
        assert requests["pooling_verified"] is True
        assert requests["formula"].startswith("2 cards pooled, 40,000 requests in all:")

    def test_two_shield_subscriptions_are_one_fee(self, client, second_book):
        shield = {"service": "shield", "usage": {"advanced_subscriptions": 1}}

        body = quote(client, shield, shield)

        assert body["monthly_total"] == "3000.00"
        assert "already counted on card 1" in line(body, 1, "advanced_subscriptions")["formula"]

    def test_ten_accounts_of_guardduty(self, client, second_book):
        guardduty = {
            "service": "guardduty",
            "accounts": 10,
            "usage": {"cloudtrail_management_events": 5_000_000},
        }

        assert quote(client, guardduty)["monthly_total"] == "200.00"

    def test_waf_on_resources_shield_advanced_protects(self, client, second_book):
        waf = {
            "service": "waf",
            "usage": {
                "web_acls": 2,
                "rules": 10,
                "requests": 10_000_000,
                "shield_advanced_covered": 1,
            },
        }
        shield = {"service": "shield", "usage": {"advanced_subscriptions": 1}}

        body = quote(client, waf, shield)

        assert body["monthly_total"] == "3000.00"
        waived = [line for line in body["items"][0]["lines"] if line["waived"]]
        assert [line["usage_key"] for line in waived] == ["web_acls", "rules", "requests"]
        assert all(line["monthly"] == "0.00" for line in waived)

    def test_covered_without_a_subscription_is_an_error(self, client, second_book):
        waf = {"service": "waf", "usage": {"web_acls": 2, "shield_advanced_covered": 1}}

        error = only_error(post_quote(client, {"items": [waf]}))

        assert (error["item"], error["field"]) == (0, "shield_advanced_covered")


@pytest.mark.django_db
class TestExamples:
    @pytest.mark.parametrize("example", NEW_EXAMPLES, ids=[e["id"] for e in NEW_EXAMPLES])
    def test_each_new_example_prices_to_the_cent(self, client, second_book, example):
        body = quote(client, *example["items"], free_tier=example["free_tier"])

        assert body["monthly_total"] == example["expected_monthly_total"]
        assert body["price_book"]["name"] == SECOND_BOOK["name"]

    @pytest.mark.parametrize("example", EXAMPLES, ids=[e["id"] for e in EXAMPLES])
    def test_each_example_of_the_first_book_prices_the_same_today(
        self, client, second_book, example
    ):
        body = quote(client, *example["items"], free_tier=example["free_tier"])

        assert body["monthly_total"] == example["expected_monthly_total"]


@pytest.mark.django_db
class TestReplacedKeys:
    def test_the_old_runtime_key_names_the_three_new_ones(self, client, second_book):
        body = {"items": [{"service": "guardduty", "usage": {"runtime_monitoring_vcpus": 8}}]}

        error = only_error(post_quote(client, body))

        assert error["field"] == "runtime_monitoring_vcpus"
        assert error["message"] == (
            "Amazon GuardDuty has no usage input 'runtime_monitoring_vcpus' in this price book: "
            "it is priced as runtime_eks_vcpus, runtime_ecs_fargate_vcpus and runtime_ec2_vcpus "
            "now."
        )

    def test_the_old_ocsp_key_names_the_new_one(self, client, second_book):
        body = {"items": [{"service": "private_ca", "usage": {"ocsp_requests": 8}}]}

        error = only_error(post_quote(client, body))

        assert error["message"].endswith("it is priced as ocsp_certificates_queried now.")

    def test_the_first_book_still_takes_the_old_key_when_named(self, client, price_book):
        second = PriceBook.objects.filter(name=SECOND_BOOK["name"])
        assert not second.exists()  # the first book alone, as before
        body = {
            "price_book": price_book.pk,
            "items": [{"service": "guardduty", "usage": {"runtime_monitoring_vcpus": 800}}],
        }

        assert quote(client, *body["items"], price_book=price_book.pk)["monthly_total"] == "975.00"


@pytest.mark.django_db
class TestCatalogAndPages:
    def test_services_lists_the_new_services_and_their_regions(self, client, second_book):
        body = client.get("/api/v1/services").json()

        services = {service["code"]: service for service in body["services"]}
        assert set(NEW_SERVICES) <= set(services)
        assert len(services) == 16
        assert services["network_firewall"]["regions"] == ["us-east-1"]
        assert "eu-central-1" in services["waf"]["regions"]
        assert "eu-central-1" not in services["guardduty"]["regions"]
        assert "runtime_eks_vcpus" in [i["key"] for i in services["guardduty"]["inputs"]]

    def test_the_editor_offers_the_new_services(self, client, second_book):
        html = client.get("/").content.decode()

        for code in NEW_SERVICES:
            assert f'data-add-service="{code}"' in html
        assert SECOND_BOOK["name"] in html

    def test_the_comparison_lists_what_moved_and_what_was_added(self, client, second_book):
        first = PriceBook.objects.get(name="AWS list prices, US East (N. Virginia), 2026-11")

        html = client.get(f"/prices/compare/{first.pk}/{second_book.pk}/").content.decode()

        assert 'data-rate="inspector.ec2_instances.us-east-1" data-kind="changed"' in html
        assert 'data-rate="config.rule_evaluations.us-east-1" data-kind="added"' in html
        assert (
            'data-rate="guardduty.runtime_monitoring_vcpus.us-east-1" data-kind="removed"' in html
        )


@pytest.mark.django_db
class TestEstimatesSavedWithTheFirstBook:
    ITEMS = [
        pricing.Item("inspector", usage={"ec2_instances": Decimal(100)}),
        pricing.Item("kms", usage={"keys": Decimal(10)}),
    ]

    def test_keep_their_figures_and_offer_a_reprice(self, client, second_book):
        first = PriceBook.objects.get(name="AWS list prices, US East (N. Virginia), 2026-11")
        estimate = Estimate.objects.create_from_items(
            name="Before December", price_book=first, items=self.ITEMS
        )

        html = client.get(estimate.get_absolute_url()).content.decode()

        assert estimate.quote().monthly_total == Decimal("135.80")  # 100 × $1.258 + 10 × $1
        assert "Prices changed since this estimate was saved" in html
        assert "$135.80" in html and "$137.02" in html  # then, and now at 730 hours
        copy = Estimate.objects.get(pk=estimate.pk).reprice()
        assert copy.price_book == second_book
        assert copy.quote().monthly_total == Decimal("137.02")
        assert Estimate.objects.get(pk=estimate.pk).quote().monthly_total == Decimal("135.80")
