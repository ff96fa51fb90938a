"""Random bodies against POST /api/v1/quote: a priced 200 or field errors, never a 5xx."""

import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.conftest import load_data

QUOTE_URL = "/api/v1/quote"
SERVICES = load_data("price_reference.json")["services"]
FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(["kms", "waf", "items", "usage", "service", "1e30", "-1", "0.5"]),
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(
            st.sampled_from(["items", "free_tier", "service", "region", "usage", "group"])
            | st.text(max_size=10),
            children,
            max_size=5,
        )
    ),
    max_leaves=25,
)

quantities = st.one_of(
    st.integers(min_value=0, max_value=5_000),
    st.integers(min_value=-(10**16), max_value=10**16),
    st.decimals(min_value=0, max_value=10**6, places=3).map(str),
    st.floats(min_value=0, max_value=1e9, allow_nan=False),
    st.sampled_from([0, 1, 2, "1", "0.5", "1,000", "", None, "1e15", "1e16", "abc", True, []]),
    json_values,
)


tame_quantities = st.one_of(
    st.integers(min_value=0, max_value=1),
    st.integers(min_value=0, max_value=5_000),
    st.decimals(min_value=0, max_value=10**9, places=2),
)


@st.composite
def near_valid_items(draw):
    """Mostly priceable items; one in three has a wrong service, Region, key or value."""
    wild = draw(st.integers(min_value=0, max_value=2)) == 0
    service = draw(st.sampled_from([*SERVICES, "s3", ""] if wild else list(SERVICES)))
    keys = SERVICES.get(service, {}).get("usage_keys", ["keys"])
    item = {"service": service}
    if draw(st.booleans()):
        regions = ["us-east-1", "eu-west-1", "", "US-EAST-1"] if wild else ["us-east-1"]
        item["region"] = draw(st.sampled_from(regions))
    if draw(st.booleans()):
        item["group"] = draw(st.text(max_size=12))
    usage_keys = st.sampled_from([*keys, "bogus"] if wild else keys)
    values = quantities if wild else tame_quantities
    usage = draw(st.dictionaries(usage_keys, values, max_size=len(keys) + 1))
    item["usage"] = {
        key: str(value) if isinstance(value, Decimal) else value for key, value in usage.items()
    }
    return item


near_valid_bodies = st.fixed_dictionaries(
    {"items": st.lists(near_valid_items(), max_size=4)},
    optional={"free_tier": st.booleans() | json_values},
)


def post(client, data: str | bytes):
    return client.post(QUOTE_URL, data, content_type="application/json")


def check(response) -> None:
    assert response.status_code in (200, 400), response.content[:500]
    event(f"status {response.status_code}")
    body = response.json()
    if response.status_code == 400:
        assert body["errors"]
        assert all(set(error) == {"item", "field", "message"} for error in body["errors"])
        assert all(error["message"] for error in body["errors"])
        return
    items = body["items"]
    total = sum((Decimal(item["monthly"]) for item in items), Decimal(0))
    # Each item's monthly is rounded for display on its own: allow a cent per item.
    assert abs(Decimal(body["monthly_total"]) - total) <= Decimal("0.01") * len(items)
    assert Decimal(body["first_12_months_total"]) >= 0


@pytest.mark.django_db
@FUZZ
@given(body=json_values)
def test_any_json_body_is_a_200_or_a_400(client, price_book, body):
    check(post(client, json.dumps(body)))


@pytest.mark.django_db
@FUZZ
@given(body=near_valid_bodies)
def test_near_valid_bodies_are_priced_or_refused_with_field_errors(client, price_book, body):
    check(post(client, json.dumps(body)))


@pytest.mark.django_db
@FUZZ
@given(raw=st.binary(max_size=200))
def test_any_bytes_are_a_200_or_a_400(client, price_book, raw):
    response = post(client, raw)
    if response.status_code == 415:  # bytes that read as UTF-16 or UTF-32 (issue 20 item 5)
        assert (
            response.json()["errors"][0]["message"] == "Send the body as application/json in UTF-8."
        )
        return
    check(response)
