"""One declaration per shape (estimates/api/shapes.py): the document and the API agree field by
field. For every field of every body, a value the document takes is taken by the API, and a value
the document refuses is a 400 that names the field; every answer field is written by its
declaration, and ids have one form on the API and on the pages."""

import json
import uuid
from decimal import Decimal

import pytest
from jsonschema import Draft202012Validator

from estimates.api import openapi, shapes
from estimates.api.schema import OMIT, Field, Shape, broken_rule
from tests.openapi_check import component, validator

KMS = {"service": "kms", "usage": {"keys": 1}}
PLAN = openapi.IMPORT_REQUEST["plan"]
GROUP = shapes.GROUP_LENGTH


def post(client, path: str, body: object):
    return client.post(path, json.dumps(body), content_type="application/json")


def refused_fields(response) -> set[str]:
    if response.status_code in (200, 201):
        return set()
    assert response.status_code == 400, response.content[:300]
    return {error["field"] for error in response.json()["errors"]}


# (shape, where the value goes, the field the API names, the value, whether it is valid)
ITEM_CASES = [
    ("service", "service", "kms", True),
    ("service", "service", "", False),
    ("service", "service", 5, False),
    ("service", "service", None, False),
    ("region", "region", "eu-west-1", True),
    ("region", "region", 5, False),
    ("region", "region", None, False),
    ("region", "region", ["us-east-1"], False),
    ("regions", "regions", ["us-east-1", "eu-west-1"], True),
    ("regions", "regions", [], False),
    ("regions", "regions", ["us-east-1", "us-east-1"], False),
    ("regions", "regions", "us-east-1", False),
    ("regions", "regions", [5], False),
    ("regions", "regions", None, False),
    ("accounts", "accounts", 1, True),
    ("accounts", "accounts", 100_000, True),
    ("accounts", "accounts", 0, False),
    ("accounts", "accounts", 100_001, False),
    ("accounts", "accounts", "4", False),
    ("accounts", "accounts", 1.5, False),
    ("accounts", "accounts", True, False),
    ("accounts", "accounts", None, False),
    ("group", "group", "prod", True),
    ("group", "group", None, True),
    ("group", "group", "g" * GROUP, True),
    ("group", "group", "g" * (GROUP + 1), False),
    ("group", "group", 5, False),
    ("usage", "usage", {"keys": 10}, True),
    ("usage", "usage", {"keys": "1,000"}, True),
    ("usage", "usage", {}, True),
    ("usage", "usage", [], False),
    ("usage", "usage", "keys", False),
    ("usage", "usage", None, False),
    ("usage", "keys", {"keys": None}, False),
    ("usage", "keys", {"keys": True}, False),
    ("acounts", "acounts", 40, False),
]


@pytest.mark.parametrize(("name", "field", "value", "valid"), ITEM_CASES, ids=repr)
def test_an_item_field_is_taken_or_refused_as_the_document_says(
    client, second_book, name, field, value, valid
):
    item = {**KMS, name: value}
    body = {"items": [item]}

    assert component("QuoteBody").is_valid(body) is valid
    refused = refused_fields(post(client, "/api/v1/quote", body))
    assert (field not in refused) if valid else (field in refused), refused


def test_an_item_with_region_and_regions_is_refused_by_both(client, second_book):
    body = {"items": [{**KMS, "region": "us-east-1", "regions": ["us-east-1"]}]}

    assert not component("QuoteBody").is_valid(body)
    assert refused_fields(post(client, "/api/v1/quote", body)) == {"regions"}


BODY_CASES = [
    ("free_tier", "free_tier", False, True),
    ("free_tier", "free_tier", None, False),
    ("free_tier", "free_tier", "true", False),
    ("free_tier", "free_tier", 1, False),
    ("items", "items", [], True),
    ("items", "items", {}, False),
    ("items", "items", "kms", False),
    ("items", "items", None, False),
    ("items", "items", [KMS] * 201, False),
    ("price_book", "price_book", None, True),
    ("price_book", "price_book", 0, False),
    ("price_book", "price_book", "1", False),
    ("price_book", "price_book", True, False),
    ("price_book", "price_book", 1.5, False),
    ("projection", "projection", None, True),
    ("projection", "projection", {}, True),
    ("projection", "projection", {"months": 24}, True),
    ("projection", "projection", {"months": "36", "monthly_growth_percent": "2.5%"}, True),
    ("projection", "projection", {"monthly_growth_percent": -100}, True),
    # JSON Schema compares numbers by value: 36.0 is 36 to the document, as to the API.
    ("projection", "projection", {"months": 36.0}, True),
    ("projection", "projection", "36", False),
    ("projection", "projection.months", {"months": 18}, False),
    ("projection", "projection.months", {"months": True}, False),
    ("projection", "projection.monthly_growth_percent", {"monthly_growth_percent": 1001}, False),
    ("projection", "projection.monthly_growth_percent", {"monthly_growth_percent": True}, False),
    ("projection", "projection.month", {"month": 12}, False),
    ("currency", "currency", "USD", False),
    # A quote takes a save body as it is: what only a save reads is ignored, whatever it holds.
    ("name", "name", 5, True),
    ("description", "description", False, True),
    ("copied_from", "copied_from", "", True),
]


@pytest.mark.parametrize(("name", "field", "value", "valid"), BODY_CASES, ids=repr)
def test_a_quote_body_field_is_taken_or_refused_as_the_document_says(
    client, second_book, name, field, value, valid
):
    body = {"items": [KMS], name: value}

    assert component("QuoteBody").is_valid(body) is valid
    refused = refused_fields(post(client, "/api/v1/quote", body))
    assert (field not in refused) if valid else (field in refused), refused


def test_a_published_book_id_is_taken(client, second_book):
    body = {"items": [KMS], "price_book": second_book.pk}

    assert component("QuoteBody").is_valid(body)
    assert post(client, "/api/v1/quote", body).status_code == 200


SAVE_CASES = [
    ("name", "name", "Keys", True),
    ("name", "name", "n" * shapes.NAME_LENGTH, True),
    ("name", "name", "", False),
    ("name", "name", 5, False),
    ("name", "name", None, False),
    ("name", "name", "n" * (shapes.NAME_LENGTH + 1), False),
    ("description", "description", None, True),
    ("description", "description", "", True),
    ("description", "description", "d" * shapes.DESCRIPTION_LENGTH, True),
    ("description", "description", False, False),
    ("description", "description", 5, False),
    ("description", "description", ["d"], False),
    ("description", "description", "d" * (shapes.DESCRIPTION_LENGTH + 1), False),
    ("copied_from", "copied_from", None, True),
    ("copied_from", "copied_from", "", False),
    ("copied_from", "copied_from", "not-an-id", False),
    ("copied_from", "copied_from", 5, False),
    ("copied_from", "copied_from", str(uuid.uuid4()).replace("-", ""), False),
]


@pytest.mark.parametrize(("name", "field", "value", "valid"), SAVE_CASES, ids=repr)
def test_a_save_body_field_is_taken_or_refused_as_the_document_says(
    client, second_book, name, field, value, valid
):
    body = {"items": [KMS], "name": "Keys", name: value}

    assert component("SaveBody").is_valid(body) is valid
    refused = refused_fields(post(client, "/api/v1/estimates", body))
    assert (field not in refused) if valid else (field in refused), refused


def test_copied_from_takes_a_saved_id_in_its_one_form_only(client, second_book):
    original = post(client, "/api/v1/estimates", {"items": [KMS], "name": "A"}).json()["id"]

    for copied_from, valid in ((original, True), (original.upper(), False)):
        body = {"items": [KMS], "name": "Copy", "copied_from": copied_from}
        assert component("SaveBody").is_valid(body) is valid
        refused = refused_fields(post(client, "/api/v1/estimates", body))
        assert ("copied_from" not in refused) is valid


IMPORT_CASES = [
    ({"plan": PLAN}, True),
    ({"plan": json.dumps(PLAN)}, True),
    ({"plan": PLAN, "usage": None}, True),
    ({"plan": PLAN, "usage": "resource_usage: {}"}, True),
    ({"plan": PLAN, "usage": {"resource_usage": {}}}, True),
    # Null is none, as a YAML usage file writes a key left empty.
    ({"plan": PLAN, "usage": {"resource_usage": None}}, True),
    ({"plan": PLAN, "usage": {"resource_usage": {"aws_kms_key.app": None}}}, True),
    ({"plan": PLAN, "usage": {"resource_usage": {"aws_kms_key.app": {"keys": 5}}}}, True),
    ({"plan": {**PLAN, "variables": None}}, True),
    ({"plan": {**PLAN, "format_version": "1."}}, True),
    ({"format_version": "1.", "planned_values": {}}, True),
    ({"plan": PLAN, "usage": 5}, False),
    ({"plan": PLAN, "usage": {}}, False),
    ({"plan": PLAN, "usage": {"resource_usage": {"aws_kms_key.app": {"keys": None}}}}, False),
    ({"plan": PLAN, "usage": {"resource_usage": {"aws_kms_key.app": {"keys": True}}}}, False),
    ({"plan": PLAN, "usage": {"resource_usage": {}, "extra": 1}}, False),
    ({"plan": {**PLAN, "format_version": "2.0"}}, False),
    ({"format_version": "1."}, False),  # neither planned_values nor resource_changes
    ({"plan": PLAN, "usages": {}}, False),
]


@pytest.mark.parametrize(("body", "valid"), IMPORT_CASES, ids=lambda v: json.dumps(v)[:60])
def test_an_import_body_is_taken_or_refused_as_the_document_says(client, second_book, body, valid):
    operation = openapi.document()["paths"]["/api/v1/import/terraform"]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]

    assert validator(schema).is_valid(body) is valid
    response = post(client, "/api/v1/import/terraform", body)
    assert (response.status_code == 200) is valid, response.content[:300]


# ---------------------------------------------------------------------------------------------
# The declarations themselves


def test_a_shape_is_an_answer_whose_every_field_is_written_or_a_body_whose_none_is():
    """An answer's fields each have a writer; a body's have none (it is read, not written)."""
    for declared in shapes.COMPONENTS:
        if isinstance(declared, Shape):
            written = {field.write is not None for field in declared.fields}
            assert len(written) == 1, declared.name
    names = {d.name for d in shapes.COMPONENTS if isinstance(d, Shape)}
    bodies = {d.name for d in shapes.COMPONENTS if isinstance(d, Shape) and not d.fields[0].write}
    assert {"QuoteItemBody", "QuoteBody", "SaveBody", "ImportBody", "UsageFile"} <= bodies
    assert {"Quote", "Estimate", "Line", "Errors"} <= names - bodies


def test_the_document_components_are_the_declarations():
    schemas = openapi.document()["components"]["schemas"]

    assert list(schemas) == [declared.name for declared in shapes.COMPONENTS]
    for declared in shapes.COMPONENTS:
        expected = declared.schema() if isinstance(declared, Shape) else declared.schema
        assert schemas[declared.name] == expected


def test_an_optional_answer_field_is_left_out_and_the_others_are_always_written():
    shape = Shape(
        "T",
        "",
        (
            Field("a", {"type": "integer"}, lambda s: s),
            Field("b", {"type": "integer"}, lambda s: OMIT if s < 2 else s, optional=True),
        ),
    )

    assert shape.write(1) == {"a": 1}
    assert shape.write(2) == {"a": 2, "b": 2}
    assert shape.schema()["required"] == ["a"]


@pytest.mark.parametrize(
    ("schema", "value", "rule"),
    [
        ({"type": "integer"}, 36, None),
        ({"type": "integer"}, True, "type"),
        ({"type": "integer"}, Decimal("36.0"), None),
        ({"type": "integer"}, Decimal("1e999999999"), None),  # Decimal's % 1 cannot take it
        ({"type": "integer", "maximum": 10}, Decimal("1e999999999"), "maximum"),
        ({"type": "integer"}, Decimal("1.5e-999999999"), "type"),
        ({"type": "number"}, 1.5, None),
        ({"type": ["string", "null"], "maxLength": 2}, None, None),
        ({"type": ["string", "null"], "maxLength": 2}, "abc", "maxLength"),
        ({"enum": [12, "12"]}, "12", None),
        ({"enum": [12]}, "12", "enum"),
        ({"type": "array", "items": {"type": "string"}, "minItems": 1}, [], "minItems"),
        ({"type": "array", "items": {"type": "string"}}, ["a", 1], "items"),
        ({"type": "array", "uniqueItems": True}, ["a", "a"], "uniqueItems"),
        ({"type": "string", "pattern": "^a"}, "ba", "pattern"),
        ({"type": "object", "additionalProperties": False}, {"x": 1}, "additionalProperties"),
        ({"not": {"required": ["a", "b"]}}, {"a": 1, "b": 2}, "not"),
        ({"oneOf": [{"type": "string"}, {"type": "null"}]}, 5, "oneOf"),
    ],
)
def test_the_schema_checker_agrees_with_json_schema(schema, value, rule):
    assert broken_rule(schema, value) == rule
    if not isinstance(value, Decimal):  # jsonschema has no Decimals; the API reads nothing else
        assert Draft202012Validator(schema).is_valid(value) is (rule is None)


# ---------------------------------------------------------------------------------------------
# Ids: one form, lower-case and dashed, on the API and on the pages alike


class TestIdsHaveOneForm:
    def saved_id(self, client) -> str:
        return post(client, "/api/v1/estimates", {"items": [KMS], "name": "A"}).json()["id"]

    def test_an_upper_case_id_is_a_404_on_the_api_as_on_the_page(self, client, second_book):
        public_id = self.saved_id(client)
        upper = public_id.upper()

        assert client.get(f"/e/{public_id}/").status_code == 200
        assert client.get(f"/api/v1/estimates/{public_id}").status_code == 200
        assert client.get(f"/e/{upper}/").status_code == 404
        response = client.get(f"/api/v1/estimates/{upper}")
        assert response.status_code == 404
        assert response.json()["errors"][0] == {
            "item": None,
            "field": "id",
            "message": "No estimate has this id.",
        }
        compared = client.get(f"/api/v1/compare/{public_id}/{upper}")
        assert compared.status_code == 404

    @pytest.mark.parametrize(
        "form",
        [
            lambda i: i.replace("-", ""),
            lambda i: "{" + i + "}",
            lambda i: "urn:uuid:" + i,
        ],
        ids=["no dashes", "braces", "urn"],
    )
    def test_other_spellings_of_the_id_are_404s_too(self, client, second_book, form):
        public_id = self.saved_id(client)

        assert client.get(f"/api/v1/estimates/{form(public_id)}").status_code == 404
        assert client.get(f"/e/{form(public_id)}/").status_code == 404

    def test_the_document_gives_the_one_form(self):
        operation = openapi.document()["paths"]["/api/v1/estimates/{id}"]["get"]
        schema = operation["parameters"][0]["schema"]
        public_id = str(uuid.uuid4())

        assert broken_rule(schema, public_id) is None
        assert broken_rule(schema, public_id.upper()) == "pattern"


@pytest.mark.parametrize(
    ("period", "valid"),
    [
        ("2026-11", True),
        ("2026-01", True),
        ("2026-13", False),
        ("2026-1", False),
        ("11-2026", False),
    ],
)
def test_a_billing_period_is_taken_or_refused_by_the_document_and_the_importer_alike(period, valid):
    from estimates.importers import billing

    field = shapes.BILLING_OPTIONS["billing_period"]
    operation = openapi.document()["paths"]["/api/v1/import/billing"]["post"]
    (parameter,) = [p for p in operation["parameters"] if p["name"] == "billing_period"]
    form = operation["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"]

    assert (broken_rule(parameter["schema"], period) is None) is valid
    assert form["billing_period"] == field.schema
    try:
        billing.check_period(period)
        taken = True
    except billing.BillingError:
        taken = False
    assert taken is valid
