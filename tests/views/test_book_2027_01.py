"""The 2027-01 book as the current book: Region coverage in /api/v1/services, GuardDuty in Tokyo,
an input without a price in a Region (a 400 through the API, disabled in the editor), and every
example file priced with its own book by id."""

import pytest

from estimates.models import PriceBook

from ..conftest import FIRST_BOOK, SECOND_BOOK, THIRD_BOOK, load_data
from .test_api import only_error, post_quote

SERVICES_URL = "/api/v1/services"
EXAMPLE_FILES = [
    ("examples.json", FIRST_BOOK),
    ("examples_2026_12.json", SECOND_BOOK),
    ("examples_2027_01.json", THIRD_BOOK),
]
EXAMPLES = [
    (name, book["name"], example)
    for name, book in EXAMPLE_FILES
    for example in load_data(name)["examples"]
]


def guardduty(body: dict, key: str) -> dict:
    service = next(s for s in body["services"] if s["code"] == "guardduty")
    return next(i for i in service["inputs"] if i["key"] == key)


@pytest.mark.django_db
class TestTheCurrentBook:
    def test_services_list_each_inputs_regions(self, client, third_book):
        body = client.get(SERVICES_URL).json()

        assert body["price_book"]["id"] == third_book.pk
        service = next(s for s in body["services"] if s["code"] == "guardduty")
        assert "ap-northeast-1" in service["regions"] and "eu-west-1" in service["regions"]
        assert "ap-northeast-1" in guardduty(body, "cloudtrail_management_events")["regions"]
        on_demand = guardduty(body, "malware_on_demand_gb")["regions"]
        assert on_demand == ["us-east-1", "us-east-2"]

    def test_guardduty_in_tokyo_prices(self, client, third_book):
        body = {
            "items": [
                {
                    "service": "guardduty",
                    "region": "ap-northeast-1",
                    "usage": {"cloudtrail_management_events": 10_000_000},
                }
            ]
        }

        response = post_quote(client, body)

        assert response.status_code == 200, response.content
        assert response.json()["monthly_total"] == "47.20"

    def test_an_input_without_a_price_in_its_region_is_a_400_naming_both(self, client, third_book):
        usage = {"cloudtrail_management_events": 10_000_000, "malware_on_demand_gb": 100}
        body = {"items": [{"service": "guardduty", "region": "eu-west-1", "usage": usage}]}

        error = only_error(post_quote(client, body))

        assert error["item"] == 0
        assert error["field"] == "malware_on_demand_gb"
        assert "eu-west-1" in error["message"]
        assert "malware_on_demand_gb" in error["message"]

    def test_the_editor_disables_it_with_the_reason_and_prices_the_rest(self, client, third_book):
        data = {
            "card-TOTAL_FORMS": "1",
            "card-INITIAL_FORMS": "0",
            "card-0-service": "guardduty",
            "card-0-regions": "eu-west-1",
            "card-0-cloudtrail_management_events": "1000000",
            "card-0-malware_on_demand_gb": "100",
            "free_tier": "on",
        }

        page = client.post("/", data).content.decode()

        at = page.index('name="card-0-malware_on_demand_gb"')
        field = page[page.rindex('<div class="field', 0, at) : page.index("</div>", at)]
        assert " disabled" in field
        assert "has no price in eu-west-1 in this price book" in field
        assert 'id="id_card-0-malware_on_demand_gb_unavailable"' in field
        assert "$4.40" in page  # 1,000,000 management events at Ireland's $4.40 per million


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("file", "book_name", "example"), EXAMPLES, ids=lambda v: v["id"] if isinstance(v, dict) else v
)
def test_every_example_prices_to_the_cent_with_its_own_book(
    client, third_book, file, book_name, example
):
    book = PriceBook.objects.get(name=book_name)
    body = {"price_book": book.pk, "free_tier": example["free_tier"], "items": example["items"]}

    response = post_quote(client, body)

    assert response.status_code == 200, response.content
    assert response.json()["monthly_total"] == example["expected_monthly_total"], file


@pytest.mark.django_db
def test_the_preview_says_why_an_input_is_left_out_when_a_region_lacks_its_price(
    client, third_book
):
    data = {
        "card-TOTAL_FORMS": "1",
        "card-INITIAL_FORMS": "0",
        "card-0-service": "guardduty",
        "card-0-regions": "eu-west-1",
        "card-0-malware_on_demand_gb": "100",
        "free_tier": "on",
    }

    fragment = client.post("/preview", data, headers={"HX-Request": "true"}).content.decode()

    error = fragment[fragment.index('id="id_card-0-malware_on_demand_gb_error"') :]
    error = error[: error.index("</p>")]
    assert 'hx-swap-oob="true"' in error
    assert "has no price in eu-west-1 in this price book" in error
    assert 'name="card-0-malware_on_demand_gb"' not in fragment  # inputs are never swapped
