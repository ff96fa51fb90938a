"""The 2027-01 book's revision 2 as the current book: the migrations publish it after 2027-01,
/api/v1/services lists the Regions research D added, an input still unpriced in a Region is a
400, and every revision-2 example prices to the cent through the API with the book's id."""

import pytest

from estimates.models import PriceBook

from ..conftest import FOURTH_BOOK, THIRD_BOOK, load_data
from .test_api import only_error, post_quote

SERVICES_URL = "/api/v1/services"
EXAMPLES = load_data("examples_2027_01_r2.json")["examples"]


def service_input(body: dict, service: str, key: str) -> dict:
    found = next(s for s in body["services"] if s["code"] == service)
    return next(i for i in found["inputs"] if i["key"] == key)


@pytest.mark.django_db
def test_the_migrations_publish_it_after_the_2027_01_book_it_revises():
    third = PriceBook.objects.get(name=THIRD_BOOK["name"])
    fourth = PriceBook.objects.get(name=FOURTH_BOOK["name"])
    assert fourth.is_published and third.is_published
    assert fourth.published_at > third.published_at
    assert PriceBook.objects.current() == fourth


@pytest.mark.django_db
class TestTheCurrentBook:
    def test_services_list_the_regions_research_d_added(self, client, fourth_book):
        body = client.get(SERVICES_URL).json()

        assert body["price_book"]["id"] == fourth_book.pk
        assert "us-east-1" in service_input(body, "inspector", "ec2_instances")["regions"]
        checks = service_input(body, "security_hub", "security_checks")["regions"]
        assert {"us-east-1", "sa-east-1", "ap-northeast-3"} <= set(checks)
        secrets = service_input(body, "secrets_manager", "secrets")["regions"]
        assert {"eu-central-1", "ca-central-1", "eu-north-1"} <= set(secrets)
        code_scans = service_input(body, "inspector", "code_repository_scans")["regions"]
        assert code_scans == ["us-east-2"]

    def test_security_hub_in_us_east_1_prices(self, client, fourth_book):
        usage = {"security_checks": 600_000, "finding_ingestion_events": 50_000}
        body = {"items": [{"service": "security_hub", "region": "us-east-1", "usage": usage}]}

        response = post_quote(client, body)

        assert response.status_code == 200, response.content
        # $100 + $320 + $50 for the checks; 40,000 events beyond the free 10,000 × $0.00003
        assert response.json()["monthly_total"] == "471.20"

    def test_an_input_still_without_a_price_in_its_region_is_a_400_naming_both(
        self, client, fourth_book
    ):
        usage = {"ec2_instances": 10, "code_repository_scans": 5}
        body = {"items": [{"service": "inspector", "region": "eu-central-1", "usage": usage}]}

        error = only_error(post_quote(client, body))

        assert error["field"] == "code_repository_scans"
        assert "eu-central-1" in error["message"]


@pytest.mark.django_db
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda example: example["id"])
def test_every_example_prices_to_the_cent_with_its_own_book(client, fourth_book, example):
    body = {"price_book": fourth_book.pk, "free_tier": example["free_tier"]}

    response = post_quote(client, {**body, "items": example["items"]})

    assert response.status_code == 200, response.content
    assert response.json()["monthly_total"] == example["expected_monthly_total"]
