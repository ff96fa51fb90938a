"""The API takes the organisation model: accounts and Regions per item, strict fields."""

import pytest

from estimates.models import Estimate

from .test_api import errors_of, only_error, post_quote

ESTIMATES_URL = "/api/v1/estimates"


def item(**fields) -> dict:
    return {"service": "kms", "usage": {"keys": 2}, **fields}


@pytest.mark.django_db
class TestAccountsAndRegions:
    def test_accounts_multiply_the_usage_and_are_said_back(self, client, price_book):
        body = post_quote(client, {"items": [item(accounts=40)]}).json()

        (answered,) = body["items"]
        assert (answered["accounts"], answered["regions"]) == (40, ["us-east-1"])
        assert body["monthly_total"] == "80.00"
        (line,) = answered["lines"]
        assert line["quantity"] == "80"
        assert line["formula"] == "40 accounts × (2 × $1.00 = $2.00) = $80.00"

    def test_a_line_says_its_region_pooled_quantity_share_and_pooling(self, client, price_book):
        body = post_quote(client, {"items": [item(regions=["us-east-1"], accounts=3)]}).json()

        (line,) = body["items"][0]["lines"]
        assert {key: line[key] for key in ("region", "pooled_quantity", "share", "pooling")} == {
            "region": "us-east-1",
            "pooled_quantity": "2",
            "share": "1",
            "pooling": "account_region",
        }
        # The first book predates pooling: it has no AWS word for it.
        assert line["pooling_verified"] is False
        assert line["waived"] == ""

    def test_an_old_body_means_what_it_meant(self, client, price_book):
        old = post_quote(
            client, {"items": [{"service": "kms", "region": "us-east-1", "usage": {"keys": 2}}]}
        ).json()
        new = post_quote(client, {"items": [item(regions=["us-east-1"], accounts=1)]}).json()

        assert old == new


@pytest.mark.django_db
class TestErrors:
    @pytest.mark.parametrize(
        ("fields", "field", "message"),
        [
            ({"accounts": 0}, "accounts", "Enter at least 1 account."),
            ({"accounts": -3}, "accounts", "Enter at least 1 account."),
            ({"accounts": 100_001}, "accounts", "Enter at most 100,000 accounts."),
            ({"accounts": 2.5}, "accounts", "Enter a whole number of accounts."),
            ({"accounts": "40"}, "accounts", "Enter a whole number of accounts."),
            ({"accounts": None}, "accounts", "Enter a whole number of accounts."),
            ({"accounts": True}, "accounts", "Enter a whole number of accounts."),
            ({"regions": []}, "regions", "Name at least one Region."),
            ({"regions": ["us-east-1", "us-east-1"]}, "regions", "Name each Region once."),
            ({"regions": "us-east-1"}, "regions", "regions must be a list of Region codes."),
            ({"regions": [1]}, "regions", "regions must be a list of Region codes."),
            (
                {"region": "us-east-1", "regions": ["us-east-1"]},
                "regions",
                'Give either "region" or "regions", not both.',
            ),
            ({"acounts": 40}, "acounts", "Unknown field 'acounts'."),
        ],
    )
    def test_each_bad_field_is_named_and_nothing_is_priced(
        self, client, price_book, fields, field, message
    ):
        error = only_error(post_quote(client, {"items": [item(**fields)]}))

        assert error == {"item": 0, "field": field, "message": message}

    def test_a_region_without_prices_is_named(self, client, price_book):
        error = only_error(post_quote(client, {"items": [item(regions=["eu-west-1"])]}))

        assert error == {
            "item": 0,
            "field": "region",
            "message": "The price book has no AWS Key Management Service (KMS) prices for "
            "Region 'eu-west-1'.",
        }

    def test_null_where_a_number_belongs_is_not_zero(self, client, price_book):
        error = only_error(
            post_quote(client, {"items": [{"service": "kms", "usage": {"keys": None}}]})
        )

        assert error == {"item": 0, "field": "keys", "message": "Enter a number."}

    def test_an_unknown_field_on_the_body_is_an_error(self, client, price_book):
        error = only_error(post_quote(client, {"items": [item()], "free_teir": False}))

        assert error == {
            "item": None,
            "field": "free_teir",
            "message": "Unknown field 'free_teir'.",
        }

    def test_a_typo_on_a_save_saves_nothing(self, client, price_book):
        body = {"name": "Typo", "items": [item(acounts=40)]}

        response = client.post(ESTIMATES_URL, body, content_type="application/json")

        assert errors_of(response) == [
            {"item": 0, "field": "acounts", "message": "Unknown field 'acounts'."}
        ]
        assert not Estimate.objects.exists()


@pytest.mark.django_db
def test_a_saved_estimate_keeps_accounts_and_regions(client, price_book):
    body = {"name": "Org", "items": [item(accounts=12)]}

    created = client.post(ESTIMATES_URL, body, content_type="application/json").json()
    saved = client.get(created["json_url"]).json()

    (answered,) = saved["items"]
    assert (answered["accounts"], answered["regions"], saved["monthly_total"]) == (
        12,
        ["us-east-1"],
        "24.00",
    )
    estimate = Estimate.objects.get()
    assert estimate.as_payload()["items"] == [
        {
            "service": "kms",
            "region": "us-east-1",
            "accounts": 12,
            "group": "",
            "usage": {"keys": "2"},
        }
    ]
    csv_text = client.get(estimate.get_csv_url()).content.decode()
    assert ",12,us-east-1,2,account_region,,0,24,1,,\r\n" in csv_text  # waived, notes empty
