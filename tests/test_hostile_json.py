"""Hostile JSON against every JSON POST endpoint: never a 5xx, and no saved estimate changes."""

import json
from decimal import Decimal

import pytest
from django.apps import apps
from django.core import serializers
from django.core.cache import cache
from django.test import override_settings
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from estimates import pricing
from estimates.models import Estimate

from .conftest import FIRST_BOOK

SERVICE_CODES = [service["code"] for service in FIRST_BOOK["services"]]
INPUT_KEYS = sorted(
    {spec["key"] for service in FIRST_BOOK["services"] for spec in service["inputs"]}
)
SERVICE_KEYS = {
    service["code"]: [spec["key"] for spec in service["inputs"]]
    for service in FIRST_BOOK["services"]
}
REGIONS = ["us-east-1", "eu-west-1", "ap-south-1", "*", "", "US-EAST-1", "mars-north-1"]

HOSTILE = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class Raw(str):
    """JSON text written as is: numbers no float can hold, NaN, and the like."""


def to_json(value: object) -> str:
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{to_json(str(k))}:{to_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(to_json(v) for v in value) + "]"
    # ensure_ascii writes lone surrogates as \ud800 escapes, which json.loads accepts.
    return json.dumps(value)


# Text with the characters that break things: NUL, lone surrogates, bidi overrides, BOM.
nasty_text = st.text(
    st.one_of(
        st.characters(),
        st.sampled_from(["\x00", "\ud800", "\udfff", "\u202e", "\ufeff", "\n", "=", '"', "\\"]),
    ),
    max_size=40,
)
extreme_numbers = st.one_of(
    st.sampled_from(
        [
            "0",
            "-0",
            "-1",
            "1e400",
            "-1e400",
            "1E-400",
            "1e999999999",
            "-1e-999999999",
            "1e15",
            "1000000000000001",
            "999999999999999.9999999999",
            "0.00000000001",
            "123456789012345678901234567890",
            "1" * 5000,
            "NaN",
            "Infinity",
            "-Infinity",
        ]
    ),
    st.integers().map(str),
    st.decimals(allow_nan=False, allow_infinity=False).map(str),
).map(Raw)
numbers_as_text = st.sampled_from(
    ["1e5", " 7 ", "1,000", "0x10", "١٢٣", "½", "", "-", "NaN", "inf", "1e999999999", "3\x00"]
)
json_scalars = st.one_of(
    st.none(), st.booleans(), extreme_numbers, nasty_text, st.floats().map(lambda f: Raw(repr(f)))
)
any_json = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5), st.dictionaries(nasty_text, children, max_size=5)
    ),
    max_leaves=30,
)
usage_values = st.one_of(extreme_numbers, numbers_as_text, any_json)
valid_items = st.sampled_from(SERVICE_CODES).flatmap(
    lambda code: st.fixed_dictionaries(
        {
            "service": st.just(code),
            "usage": st.dictionaries(
                st.sampled_from(SERVICE_KEYS[code]), usage_values, min_size=1, max_size=4
            ),
        },
        optional={
            "region": st.sampled_from(REGIONS),
            "group": nasty_text,
            "accounts": st.one_of(st.integers(-5, 200_000), extreme_numbers, any_json),
        },
    )
)
region_lists = st.one_of(
    st.lists(st.sampled_from(REGIONS), max_size=5), st.lists(any_json, max_size=3), any_json
)
near_valid_items = valid_items | st.fixed_dictionaries(
    {"service": st.one_of(st.sampled_from(SERVICE_CODES), nasty_text, any_json)},
    optional={
        "region": st.one_of(st.sampled_from(REGIONS), any_json),
        "regions": region_lists,
        "accounts": st.one_of(st.integers(), extreme_numbers, any_json),
        "group": st.one_of(nasty_text, st.text(min_size=90, max_size=120), any_json),
        "usage": st.one_of(
            st.dictionaries(
                st.one_of(st.sampled_from(INPUT_KEYS), nasty_text), usage_values, max_size=6
            ),
            any_json,
        ),
        nasty_text: any_json,
    },
)
near_valid_projections = st.fixed_dictionaries(
    {},
    optional={
        "months": st.one_of(
            st.sampled_from([12, 24, 36, 0, -12, 13, 48, 36.0, "36", " 24 ", True, None]),
            extreme_numbers,
            any_json,
        ),
        "monthly_growth_percent": st.one_of(
            st.sampled_from(["2.5", "-100", "-100.0001", "1000", "1000.0001", "2.5%", "0.00001"]),
            extreme_numbers,
            numbers_as_text,
            any_json,
        ),
    },
)
near_valid_quotes = st.fixed_dictionaries(
    {"items": st.one_of(st.lists(near_valid_items, max_size=4), any_json)},
    optional={
        "free_tier": st.one_of(st.booleans(), any_json),
        "currency": any_json,
        "projection": st.one_of(near_valid_projections, any_json),
    },
)
raw_bodies = st.one_of(
    st.binary(max_size=200),
    st.sampled_from(
        [b"", b"{", b"[" * 100_000, b'{"items": [' * 5_000, b"\xff\xfe{}", b"null", b"\x00"]
    ),
)


def stored_rows() -> dict[str, str]:
    """Every row of the estimates app, serialized: price books, saved estimates and their items."""
    rows = {}
    for model in apps.get_app_config("estimates").get_models():
        for row in model._base_manager.order_by("pk"):
            rows[f"{model._meta.label}:{row.pk}"] = serializers.serialize("json", [row])
    return rows


class SavedState:
    """What a reader of a saved estimate sees, and the rows behind it, to compare afterwards."""

    def __init__(self, client, estimate):
        self.client = client
        self.readers = [
            f"/api/v1/estimates/{estimate.public_id}",
            f"/e/{estimate.public_id}/export.csv",
        ]
        self.before = self.capture()

    def capture(self) -> dict[str, object]:
        state: dict[str, object] = {"rows": stored_rows()}
        for path in self.readers:
            response = self.client.get(path)
            assert response.status_code == 200, path
            state[path] = response.content
        return state

    def assert_unchanged(self) -> None:
        after = self.capture()
        rows_after = after.pop("rows")
        rows_before = self.before["rows"]
        assert {key: rows_after.get(key) for key in rows_before} == rows_before
        for path in self.readers:
            assert after[path] == self.before[path], path


def save_one_estimate(client, price_book) -> SavedState:
    """One saved estimate made before the attack."""
    estimate = Estimate.objects.create_from_items(
        name="Before the attack",
        price_book=price_book,
        items=[
            pricing.Item(
                service="kms",
                region="us-east-1",
                group="prod",
                usage={"keys": Decimal(10), "symmetric_requests": Decimal(2_000_000)},
            )
        ],
        free_tier=True,
    )
    return SavedState(client, estimate)


@pytest.fixture
def saved_estimate(client, price_book) -> SavedState:
    return save_one_estimate(client, price_book)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Thousands of posts must not use up, or inherit, another test's rate-limit window."""
    cache.clear()
    with override_settings(COSTCALC_SAVE_RATE_LIMIT=1_000_000):
        yield
    cache.clear()


def assert_handled(response, path: str) -> None:
    """A 2xx or 4xx answer in the API's JSON shape, never a server error."""
    assert response.status_code < 500, (path, response.status_code, response.content[:300])
    assert response["Content-Type"] == "application/json", (path, response.status_code)
    body = json.loads(response.content)
    if response.status_code == 400:
        assert body["errors"], body
        assert all(isinstance(error["message"], str) for error in body["errors"])
    elif response.status_code == 200:
        assert body["monthly_total"] == f"{Decimal(body['monthly_total']):.2f}"
    elif response.status_code == 201:
        assert set(body) >= {"id", "url", "csv_url", "json_url"}


def post_json(client, path: str, text: str | bytes, content_type: str = "application/json"):
    return client.post(path, text, content_type=content_type)


def test_quote_answers_valid_bodies_so_the_fuzzing_reaches_the_engine(client, price_book):
    body = {"items": [{"service": "kms", "usage": {"keys": 10}}], "free_tier": True}

    response = post_json(client, "/api/v1/quote", json.dumps(body))

    assert response.status_code == 200
    assert response.json()["monthly_total"] == "10.00"


@HOSTILE
@given(body=any_json)
def test_quote_survives_any_json(client, price_book, saved_estimate, body):
    response = post_json(client, "/api/v1/quote", to_json(body))

    assert_handled(response, "/api/v1/quote")
    saved_estimate.assert_unchanged()


# Found by this test: a quantity past Decimal's exponent range overflowed while being checked.
OVERFLOW = {"items": [{"service": "kms", "usage": {"keys": Raw("1e999999999")}}]}


# A growth that takes a quantity past what the engine takes, in a valid body.
RUNAWAY = {
    "items": [{"service": "kms", "usage": {"symmetric_requests": 10**12}}],
    "projection": {"months": 36, "monthly_growth_percent": 1000},
}


# Found by this test: a month count of 1e999999999 took minutes to turn into an int.
HUGE_MONTHS = {"items": [], "projection": {"months": Raw("1e999999999")}}


@HOSTILE
@given(body=near_valid_quotes)
@example(body=OVERFLOW)
@example(body=RUNAWAY)
@example(body=HUGE_MONTHS)
@example(body={"items": [{"service": "kms", "usage": {"keys": "1e999999999"}}]})
def test_quote_survives_near_valid_bodies(client, price_book, saved_estimate, body):
    response = post_json(client, "/api/v1/quote", to_json(body))

    assert_handled(response, "/api/v1/quote")
    saved_estimate.assert_unchanged()


@HOSTILE
@given(body=raw_bodies, content_type=st.sampled_from(["application/json", "text/plain", ""]))
def test_quote_survives_bytes_that_are_not_json(client, price_book, body, content_type):
    response = post_json(client, "/api/v1/quote", body, content_type)

    assert_handled(response, "/api/v1/quote")
    # 415 for a body not sent as UTF-8 JSON (issue 20 item 5: text/plain, UTF-16), else 400
    assert response.status_code in (400, 415)


ESTIMATES_API = "/api/v1/estimates"


@HOSTILE
@given(
    body=near_valid_quotes,
    name=st.one_of(nasty_text, st.text(min_size=190, max_size=260), any_json),
    description=st.one_of(nasty_text, any_json),
)
@example(body=OVERFLOW, name="Overflow", description="")
@example(body=RUNAWAY, name="Runaway", description="")
def test_saving_survives_hostile_names_and_items(
    client, price_book, saved_estimate, body, name, description
):
    response = post_json(
        client, ESTIMATES_API, to_json({**body, "name": name, "description": description})
    )

    assert_handled(response, ESTIMATES_API)
    saved_estimate.assert_unchanged()


@HOSTILE
@given(body=any_json)
def test_saving_survives_any_json(client, price_book, saved_estimate, body):
    response = post_json(client, ESTIMATES_API, to_json(body))

    assert_handled(response, ESTIMATES_API)
    saved_estimate.assert_unchanged()


@HOSTILE
@given(body=raw_bodies)
def test_saving_survives_bytes_that_are_not_json(client, price_book, body):
    response = post_json(client, ESTIMATES_API, body)

    assert_handled(response, ESTIMATES_API)
    assert response.status_code in (400, 415)  # 415: a UTF-16 body (b"\xff\xfe{}")
