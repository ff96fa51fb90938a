"""The JSON API contract: /api/v1/services and /api/v1/quote."""

import json
from decimal import Decimal

import pytest

from tests.conftest import load_data

EXAMPLES = load_data("examples.json")["examples"]
REFERENCE = load_data("price_reference.json")
SERVICES_URL = "/api/v1/services"
QUOTE_URL = "/api/v1/quote"
MAX_MESSAGE = "Enter at most 1,000,000,000,000,000."
ISSUE_BODY = {
    "free_tier": True,
    "items": [
        {
            "service": "kms",
            "region": "us-east-1",
            "group": "prod",
            "usage": {"keys": 5, "symmetric_requests": 2000000},
        }
    ],
}


def post_quote(client, body):
    """POST a body (anything json.dumps takes, or raw bytes) to the quote endpoint."""
    data = body if isinstance(body, bytes) else json.dumps(body)
    return client.post(QUOTE_URL, data, content_type="application/json")


def errors_of(response) -> list[dict]:
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"errors"}
    assert body["errors"]
    for error in body["errors"]:
        assert set(error) == {"item", "field", "message"}
    return body["errors"]


def only_error(response) -> dict:
    errors = errors_of(response)
    assert len(errors) == 1, errors
    return errors[0]


def kms(**usage) -> dict:
    return {"items": [{"service": "kms", "usage": usage}]}


class TestServices:
    def test_lists_the_eleven_services_of_the_current_book(self, client, price_book):
        body = client.get(SERVICES_URL).json()
        assert [service["code"] for service in body["services"]] == list(REFERENCE["services"])
        assert body["currency"] == "USD"

    def test_names_the_current_price_book(self, client, price_book):
        body = client.get(SERVICES_URL).json()
        assert body["price_book"] == {
            "id": price_book.pk,
            "name": "AWS list prices, US East (N. Virginia), 2026-11",
            "effective_date": "2026-11-01",
        }

    def test_lists_the_book_regions_with_names(self, client, price_book):
        body = client.get(SERVICES_URL).json()
        assert body["regions"] == [{"code": "us-east-1", "name": "US East (N. Virginia)"}]
        assert all(service["regions"] == ["us-east-1"] for service in body["services"])

    def test_every_input_has_the_documented_fields(self, client, price_book):
        body = client.get(SERVICES_URL).json()
        for service in body["services"]:
            assert service["inputs"], service["code"]
            for usage_input in service["inputs"]:
                assert set(usage_input) == {
                    "key",
                    "label",
                    "unit",
                    "help",
                    "min",
                    "max",
                    "step",
                    "regions",
                }
                assert usage_input["regions"] == ["us-east-1"]
                assert usage_input["label"]
                assert usage_input["unit"]

    def test_inputs_are_the_contract_keys(self, client, price_book):
        body = client.get(SERVICES_URL).json()
        for service in body["services"]:
            keys = {usage_input["key"] for usage_input in service["inputs"]}
            assert keys == set(REFERENCE["services"][service["code"]]["usage_keys"])

    def test_kms_inputs_are_the_contract_keys_in_order(self, client, price_book):
        body = client.get(SERVICES_URL).json()
        kms_service = next(service for service in body["services"] if service["code"] == "kms")
        keys = [usage_input["key"] for usage_input in kms_service["inputs"]]
        assert keys == REFERENCE["services"]["kms"]["usage_keys"]
        assert kms_service["inputs"][0] == {
            "key": "keys",
            "label": "Customer managed keys",
            "unit": "keys",
            "help": kms_service["inputs"][0]["help"],
            "min": "0",
            "max": "1000000000000000",
            "step": "any",
            "regions": ["us-east-1"],
        }

    def test_bounds_and_steps_of_a_switch_input(self, client, price_book):
        body = client.get(SERVICES_URL).json()
        shield = next(service for service in body["services"] if service["code"] == "shield")
        subscription = shield["inputs"][0]
        assert subscription["key"] == "advanced_subscriptions"
        assert (subscription["min"], subscription["max"], subscription["step"]) == ("0", "1", "1")

    def test_post_is_not_allowed(self, client, price_book):
        response = client.post(SERVICES_URL)
        assert response.status_code == 405
        assert response["Allow"] == "GET"


class TestQuote:
    def test_the_issue_example(self, client, price_book):
        response = post_quote(client, ISSUE_BODY)
        assert response.status_code == 200
        body = response.json()
        assert body["monthly_total"] == "10.94"
        assert body["upfront_total"] == "0.00"
        assert body["first_12_months_total"] == "131.28"
        assert body["currency"] == "USD"
        assert body["free_tier"] is True
        assert body["price_book"] == {
            "id": price_book.pk,
            "name": price_book.name,
            "effective_date": "2026-11-01",
        }

    def test_the_issue_example_item_and_lines(self, client, price_book):
        item = post_quote(client, ISSUE_BODY).json()["items"][0]
        assert (item["service"], item["region"], item["group"]) == ("kms", "us-east-1", "prod")
        assert item["monthly"] == "10.94"
        keys_line, requests_line = item["lines"]
        assert keys_line["usage_key"] == "keys"
        assert keys_line["quantity"] == "5"
        assert keys_line["monthly"] == "5.00"
        expected = {
            "usage_key": "symmetric_requests",
            "label": "Symmetric requests",
            "quantity": "2000000",
            "unit": "requests",
            "unit_price": "0.03",
            "monthly": "5.94",
            "formula": "(2,000,000 − 20,000 free) ÷ 10,000 × $0.03 = $5.94",
        }
        assert {key: requests_line[key] for key in expected} == expected

    @pytest.mark.parametrize("example", EXAMPLES, ids=[example["id"] for example in EXAMPLES])
    def test_every_example_prices_to_the_cent(self, client, price_book, example):
        body = {"free_tier": example["free_tier"], "items": example["items"]}
        response = post_quote(client, body)
        assert response.status_code == 200, response.content
        assert response.json()["monthly_total"] == example["expected_monthly_total"]

    def test_region_defaults_to_us_east_1(self, client, price_book):
        item = post_quote(client, kms(keys=1)).json()["items"][0]
        assert item["region"] == "us-east-1"

    def test_free_tier_defaults_to_true(self, client, price_book):
        body = post_quote(client, kms(symmetric_requests=20000)).json()
        assert body["free_tier"] is True
        assert body["monthly_total"] == "0.00"

    def test_free_tier_false_charges_the_free_units(self, client, price_book):
        body = post_quote(client, {"free_tier": False, **kms(symmetric_requests=20000)}).json()
        assert body["free_tier"] is False
        assert body["monthly_total"] == "0.06"

    def test_a_missing_usage_key_counts_as_zero(self, client, price_book):
        item = post_quote(client, kms(keys=2)).json()["items"][0]
        assert [line["usage_key"] for line in item["lines"]] == ["keys"]
        assert item["monthly"] == "2.00"

    def test_an_item_without_usage_costs_nothing(self, client, price_book):
        body = post_quote(client, {"items": [{"service": "macie"}]}).json()
        assert body["items"][0]["lines"] == []
        assert body["monthly_total"] == "0.00"

    def test_an_empty_body_object_is_an_empty_estimate(self, client, price_book):
        body = post_quote(client, {}).json()
        assert body["items"] == []
        assert (body["monthly_total"], body["first_12_months_total"]) == ("0.00", "0.00")

    def test_quantities_may_be_numeric_strings_or_fractions(self, client, price_book):
        body = post_quote(client, kms(keys="1,000", symmetric_requests=0.5)).json()
        assert body["items"][0]["lines"][0]["quantity"] == "1000"
        assert body["monthly_total"] == "1000.00"

    def test_exact_decimals_through_the_sum(self, client, price_book):
        # 0.1 key-months, ten times: a float sum would give 0.9999…; Decimals give 1.00.
        body = post_quote(client, {"items": [{"service": "kms", "usage": {"keys": 0.1}}] * 10})
        assert body.json()["monthly_total"] == "1.00"

    def test_items_keep_their_order_and_groups(self, client, price_book):
        items = [
            {"service": "waf", "group": "edge", "usage": {"web_acls": 1}},
            {"service": "kms", "group": "prod", "usage": {"keys": 1}},
        ]
        body = post_quote(client, {"items": items}).json()
        assert [(item["service"], item["group"]) for item in body["items"]] == [
            ("waf", "edge"),
            ("kms", "prod"),
        ]
        assert body["monthly_total"] == "6.00"

    def test_waf_extra_wcu_is_metered_per_request_step(self, client, price_book):
        usage = {"requests": 10_000_000, "extra_wcu_increments": 2}
        lines = post_quote(client, {"items": [{"service": "waf", "usage": usage}]}).json()
        line = lines["items"][0]["lines"][1]
        assert line["usage_key"] == "extra_wcu_increments"
        assert line["quantity"] == "20000000"
        assert line["monthly"] == "4.00"

    def test_higher_throughput_bills_standard_interactions(self, client, price_book):
        usage = {"standard_api_interactions": 1_000_000, "higher_throughput": 1}
        item = post_quote(client, {"items": [{"service": "ssm_parameter_store", "usage": usage}]})
        assert item.json()["monthly_total"] == "5.00"

    def test_a_quote_changes_nothing(self, client, price_book, django_assert_max_num_queries):
        post_quote(client, ISSUE_BODY)
        with django_assert_max_num_queries(1) as captured:
            post_quote(client, ISSUE_BODY)
        assert not any(
            query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
            for query in captured.captured_queries
        )

    def test_get_is_not_allowed(self, client, price_book):
        response = client.get(QUOTE_URL)
        assert response.status_code == 405
        assert response["Allow"] == "POST"


class TestQuoteBadInput:
    def test_unknown_service(self, client, price_book):
        error = only_error(post_quote(client, {"items": [{"service": "s3"}]}))
        assert error == {"item": 0, "field": "service", "message": "Unknown service 's3'."}

    def test_missing_service(self, client, price_book):
        error = only_error(post_quote(client, {"items": [{"usage": {"keys": 1}}]}))
        assert (error["item"], error["field"]) == (0, "service")
        assert "kms" in error["message"]

    def test_unknown_usage_key(self, client, price_book):
        error = only_error(post_quote(client, kms(disks=1)))
        assert (error["item"], error["field"]) == (0, "disks")
        assert error["message"] == "AWS Key Management Service (KMS) has no usage input 'disks'."

    def test_region_without_prices(self, client, price_book):
        body = {"items": [{"service": "kms", "region": "eu-west-1", "usage": {"keys": 1}}]}
        error = only_error(post_quote(client, body))
        assert (error["item"], error["field"]) == (0, "region")
        assert "eu-west-1" in error["message"]
        assert "no AWS Key Management Service (KMS) prices" in error["message"]

    def test_region_not_a_string(self, client, price_book):
        error = only_error(post_quote(client, {"items": [{"service": "kms", "region": 1}]}))
        assert error == {"item": 0, "field": "region", "message": "region must be a string."}

    def test_negative_quantity(self, client, price_book):
        error = only_error(post_quote(client, kms(keys=-1)))
        assert error == {"item": 0, "field": "keys", "message": "Enter 0 or more."}

    @pytest.mark.parametrize(
        "value", ["abc", True, False, [], {}, [1], {"n": 1}, "NaN", "Infinity"]
    )
    def test_non_numeric_quantity(self, client, price_book, value):
        error = only_error(post_quote(client, kms(keys=value)))
        assert error == {"item": 0, "field": "keys", "message": "Enter a number."}

    def test_json_nan_literal(self, client, price_book):
        error = only_error(
            post_quote(client, b'{"items": [{"service": "kms", "usage": {"keys": NaN}}]}')
        )
        assert error == {"item": 0, "field": "keys", "message": "Enter a number."}

    @pytest.mark.parametrize(
        "raw",
        [
            b'{"items": [{"service": "kms", "usage": {"keys": 1e16}}]}',
            b'{"items": [{"service": "kms", "usage": {"keys": 1e30}}]}',
            b'{"items": [{"service": "kms", "usage": {"keys": "1e30"}}]}',
            b'{"items": [{"service": "kms", "usage": {"keys": 10000000000000001}}]}',
        ],
        ids=["1e16", "json-number-1e30", "string-1e30", "integer-10^16+1"],
    )
    def test_quantity_above_10_to_the_15(self, client, price_book, raw):
        error = only_error(post_quote(client, raw))
        assert error == {"item": 0, "field": "keys", "message": MAX_MESSAGE}

    def test_10_to_the_15_itself_is_allowed(self, client, price_book):
        response = post_quote(client, kms(keys=10**15))
        assert response.status_code == 200
        assert response.json()["monthly_total"] == "1000000000000000.00"

    def test_more_than_200_items(self, client, price_book):
        items = [{"service": "kms", "usage": {"keys": 1}}] * 201
        error = only_error(post_quote(client, {"items": items}))
        assert error == {
            "item": None,
            "field": "items",
            "message": "At most 200 items in one estimate.",
        }

    def test_200_items_are_allowed(self, client, price_book):
        items = [{"service": "kms", "usage": {"keys": 1}}] * 200
        assert post_quote(client, {"items": items}).json()["monthly_total"] == "200.00"

    @pytest.mark.parametrize("raw", [b"", b"{", b"items=1", b"\xff\xfe\x00", b"[" * 100_000])
    def test_body_that_is_not_json(self, client, price_book, raw):
        error = only_error(post_quote(client, raw))
        assert error == {"item": None, "field": "body", "message": "The body is not valid JSON."}

    @pytest.mark.parametrize("body", [[], [{"service": "kms"}], "kms", 5, 1.5, None, True])
    def test_json_body_that_is_not_an_object(self, client, price_book, body):
        error = only_error(post_quote(client, body))
        assert error == {
            "item": None,
            "field": "body",
            "message": "The body must be a JSON object.",
        }

    @pytest.mark.parametrize("items", [{"service": "kms"}, "kms", 3, None])
    def test_items_not_a_list(self, client, price_book, items):
        error = only_error(post_quote(client, {"items": items}))
        assert error == {"item": None, "field": "items", "message": "items must be a list."}

    @pytest.mark.parametrize("item", ["kms", 1, None, ["kms"]])
    def test_item_not_an_object(self, client, price_book, item):
        body = {"items": [{"service": "kms", "usage": {"keys": 1}}, item]}
        error = only_error(post_quote(client, body))
        assert error == {"item": 1, "field": "item", "message": "Each item must be a JSON object."}

    @pytest.mark.parametrize("usage", [[], "keys=1", 1, None])
    def test_usage_not_an_object(self, client, price_book, usage):
        error = only_error(post_quote(client, {"items": [{"service": "kms", "usage": usage}]}))
        assert error == {"item": 0, "field": "usage", "message": "usage must be a JSON object."}

    @pytest.mark.parametrize("free_tier", ["true", 1, 0, None, []])
    def test_free_tier_not_a_boolean(self, client, price_book, free_tier):
        error = only_error(post_quote(client, {"free_tier": free_tier, **kms(keys=1)}))
        assert error == {
            "item": None,
            "field": "free_tier",
            "message": "free_tier must be true or false.",
        }

    def test_group_too_long(self, client, price_book):
        body = {"items": [{"service": "kms", "group": "g" * 101}]}
        error = only_error(post_quote(client, body))
        assert (error["item"], error["field"]) == (0, "group")
        assert "100 characters" in error["message"]

    def test_key_rotations_above_twice_the_keys(self, client, price_book):
        error = only_error(post_quote(client, kms(keys=2, key_rotations=5)))
        assert error == {
            "item": 0,
            "field": "key_rotations",
            "message": "At most 2 × customer managed keys (= 4).",
        }

    def test_key_rotations_at_twice_the_keys_is_allowed(self, client, price_book):
        assert post_quote(client, kms(keys=2, key_rotations=4)).json()["monthly_total"] == "6.00"

    @pytest.mark.parametrize("value", [2, 0.5, "0.5", -1])
    @pytest.mark.parametrize(
        ("service", "key"),
        [("shield", "advanced_subscriptions"), ("ssm_parameter_store", "higher_throughput")],
    )
    def test_a_switch_is_0_or_1(self, client, price_book, service, key, value):
        body = {"items": [{"service": service, "usage": {key: value}}]}
        error = only_error(post_quote(client, body))
        assert error == {"item": 0, "field": key, "message": "Enter 0 or 1."}

    @pytest.mark.parametrize(
        "key", ["cloudfront_dto_gb", "elb_dto_gb", "eip_dto_gb", "global_accelerator_dto_gb"]
    )
    def test_shield_data_transfer_needs_a_subscription(self, client, price_book, key):
        body = {"items": [{"service": "shield", "usage": {key: 100}}]}
        error = only_error(post_quote(client, body))
        assert error == {
            "item": 0,
            "field": key,
            "message": "Only billed with Shield Advanced subscription: set it to 1 first.",
        }

    def test_shield_data_transfer_with_a_subscription_is_priced(self, client, price_book):
        usage = {"advanced_subscriptions": 1, "elb_dto_gb": 100}
        body = post_quote(client, {"items": [{"service": "shield", "usage": usage}]}).json()
        assert body["monthly_total"] == "3005.00"

    def test_whole_number_inputs_refuse_fractions(self, client, price_book):
        body = {"items": [{"service": "acm", "usage": {"public_certificates": 1.5}}]}
        error = only_error(post_quote(client, body))
        assert error == {
            "item": 0,
            "field": "public_certificates",
            "message": "Enter a whole number.",
        }

    def test_every_error_of_every_item_is_reported_together(self, client, price_book):
        body = {
            "free_tier": "yes",
            "items": [
                {"service": "kms", "usage": {"keys": -1, "symmetric_requests": "lots"}},
                {"service": "nope"},
            ],
        }
        errors = errors_of(post_quote(client, body))
        assert {(error["item"], error["field"]) for error in errors} == {
            (None, "free_tier"),
            (0, "keys"),
            (0, "symmetric_requests"),
            (1, "service"),
        }

    def test_maximal_quantities_never_crash(self, client, price_book):
        usage = {"requests": 10**15, "extra_wcu_increments": 10**15}
        response = post_quote(client, {"items": [{"service": "waf", "usage": usage}] * 42})
        assert response.status_code in (200, 400)

    def test_a_tiny_exponent_cannot_blow_up_the_response(self, client, price_book):
        response = post_quote(client, kms(keys="1e-999999"))
        assert response.status_code == 400
        assert response.json()["errors"] == [
            {"item": 0, "field": "keys", "message": "Use at most 10 decimal places."}
        ]
        assert len(response.content) < 1_000


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("number", "words"),
    [
        ("1e9999999999999999999999999", "too large"),
        ("1" * 5000, "too large"),  # more digits than int() reads
        ("1.5e-99999999999999999999", "too small"),
    ],
)
def test_a_json_number_decimal_cannot_hold_is_a_400(client, price_book, number, words):
    """Issue 20 item 7: valid JSON with a number too large to read says so, not "not JSON"."""
    body = '{"items": [{"service": "kms", "usage": {"keys": NUMBER}}]}'.replace("NUMBER", number)
    response = client.post("/api/v1/quote", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"item": None, "field": "body", "message": f"A number in the body is {words} to read."}
    ]


class TestQuoteProjection:
    """`"projection": {"months", "monthly_growth_percent"}` on a quote: each month and the total."""

    def test_36_months_at_2_5_percent(self, client, price_book):
        body = {**ISSUE_BODY, "projection": {"months": 36, "monthly_growth_percent": "2.5"}}

        projected = post_quote(client, body).json()["projection"]

        assert projected["months"] == 36
        assert projected["monthly_growth_percent"] == "2.5"
        assert len(projected["monthly_totals"]) == 36
        # Month 2 is $11.215 exactly (5.125 keys, 2,050,000 requests): its half cent goes
        # to a month with a larger remainder, so that the months add up to the total.
        assert projected["monthly_totals"][:3] == ["10.94", "11.21", "11.50"]
        assert projected["monthly_totals"][-1] == "26.05"
        assert projected["total"] == "628.16"
        assert sum(Decimal(month) for month in projected["monthly_totals"]) == Decimal("628.16")
        assert projected["commitments"] == [] and projected["over_limits"] == []

    def test_a_quote_without_projection_answers_none(self, client, price_book):
        assert "projection" not in post_quote(client, ISSUE_BODY).json()

    def test_defaults_are_12_months_without_growth(self, client, price_book):
        projected = post_quote(client, {**ISSUE_BODY, "projection": {}}).json()["projection"]

        assert (projected["months"], projected["monthly_growth_percent"]) == (12, "0")
        assert projected["total"] == "131.28"  # the first 12 months total
        assert set(projected["monthly_totals"]) == {"10.94"}

    def test_a_json_number_growth_is_read_exactly(self, client, price_book):
        body = {"projection": {"months": 24, "monthly_growth_percent": -5}, **ISSUE_BODY}

        projected = post_quote(client, body).json()["projection"]

        assert projected["monthly_totals"][:3] == ["10.94", "10.39", "9.87"]
        assert projected["total"] == "154.32"
        raw = b'{"items": [], "projection": {"months": 12, "monthly_growth_percent": 0.1}}'
        assert post_quote(client, raw).json()["projection"]["monthly_growth_percent"] == "0.1"

    def test_shield_advanced_shows_its_one_year_commitment(self, client, price_book):
        body = {
            "items": [{"service": "shield", "usage": {"advanced_subscriptions": 1}}],
            "projection": {"months": 24},
        }

        projected = post_quote(client, body).json()["projection"]

        assert projected["commitments"] == [
            {
                "service": "shield",
                "service_name": "AWS Shield",
                "region": "us-east-1",
                "group": "",
                "usage_key": "advanced_subscriptions",
                "label": "Shield Advanced subscription",
                "months": 12,
                "first_month": 1,
                "last_month": 12,
                "monthly": "3000.00",
                "committed_total": "36000.00",
            }
        ]
        assert projected["total"] == "72000.00"

    @pytest.mark.parametrize(
        ("projection", "field", "message"),
        [
            ({"months": 6}, "projection.months", "Choose 12, 24 or 36 months."),
            ({"months": 48}, "projection.months", "Choose 12, 24 or 36 months."),
            ({"months": True}, "projection.months", "Choose 12, 24 or 36 months."),
            ({"months": "twelve"}, "projection.months", "Choose 12, 24 or 36 months."),
            ({"months": 12.5}, "projection.months", "Choose 12, 24 or 36 months."),
            ({"months": [36]}, "projection.months", "Choose 12, 24 or 36 months."),
            (
                {"monthly_growth_percent": "-100.01"},
                "projection.monthly_growth_percent",
                "Enter a monthly growth from −100 to 1,000 percent.",
            ),
            (
                {"monthly_growth_percent": "1e400"},
                "projection.monthly_growth_percent",
                "Enter a monthly growth from −100 to 1,000 percent.",
            ),
            (
                {"monthly_growth_percent": "fast"},
                "projection.monthly_growth_percent",
                "Enter a monthly growth in percent, such as 2.5 or -1.",
            ),
            (
                {"monthly_growth_percent": False},
                "projection.monthly_growth_percent",
                "Enter a monthly growth in percent, such as 2.5 or -1.",
            ),
            (
                {"monthly_growth_percent": {"value": 1}},
                "projection.monthly_growth_percent",
                "Enter a monthly growth in percent, such as 2.5 or -1.",
            ),
            (
                {"monthly_growth_percent": "0.00001"},
                "projection.monthly_growth_percent",
                "Use at most 4 decimal places.",
            ),
        ],
    )
    def test_hostile_projection_fields_are_a_400(
        self, client, price_book, projection, field, message
    ):
        error = only_error(post_quote(client, {**ISSUE_BODY, "projection": projection}))

        assert (error["item"], error["field"], error["message"]) == (None, field, message)

    @pytest.mark.parametrize("raw", [b"NaN", b"Infinity", b"-Infinity", b'"NaN"', b"1e999999999"])
    def test_growth_that_is_not_finite_is_a_400(self, client, price_book, raw):
        body = b'{"items": [], "projection": {"monthly_growth_percent": ' + raw + b"}}"

        error = only_error(post_quote(client, body))

        assert error["field"] == "projection.monthly_growth_percent"

    @pytest.mark.parametrize("projection", ["36", 36, [36], True])
    def test_a_projection_that_is_not_an_object_is_a_400(self, client, price_book, projection):
        error = only_error(post_quote(client, {**ISSUE_BODY, "projection": projection}))

        assert error["field"] == "projection"

    def test_growth_the_engine_cannot_follow_is_a_400_naming_the_month(self, client, price_book):
        body = {**ISSUE_BODY, "projection": {"months": 36, "monthly_growth_percent": 1000}}

        error = only_error(post_quote(client, body))

        assert error["field"] == "projection.monthly_growth_percent"
        assert "in month" in error["message"]

    def test_item_and_projection_errors_come_together(self, client, price_book):
        body = {**kms(keys=-1), "projection": {"months": 7}}

        fields = [error["field"] for error in errors_of(post_quote(client, body))]

        assert fields == ["keys", "projection.months"]
