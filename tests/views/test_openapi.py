"""The OpenAPI 3.1 document at /api/v1/openapi.json, the reference page at /api/v1/docs, and
real answers from every endpoint validated against the document."""

import json
import re
import uuid
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from django.test import override_settings
from django.urls import URLPattern, reverse
from openapi_spec_validator import validate as validate_spec

from estimates.api import openapi, payloads
from estimates.api import urls as api_urls
from estimates.models import PriceBook
from estimates.pricing import projection
from tests.openapi_check import check_response, component, documented_path, validator
from tests.test_security import InlineCode, csp_directives

DATA = Path(__file__).parent.parent / "data" / "terraform"
DOC = openapi.document()
KMS = {"items": [{"service": "kms", "usage": {"keys": 10, "symmetric_requests": 2000000}}]}
# Objects a client sends, which the API reads; every other object is one the API writes.
BODIES = {
    "QuoteItemBody",
    "ProjectionBody",
    "QuoteBody",
    "SaveBody",
    "TerraformPlan",
    "UsageFile",
    "ImportBody",
}


def json_post(client, path: str, body: object, content_type: str = "application/json"):
    data = body if isinstance(body, bytes) else json.dumps(body)
    return client.post(path, data, content_type=content_type)


def every_schema(node: object):
    """Every schema object in the document, however deep."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from every_schema(value)
    elif isinstance(node, list):
        for value in node:
            yield from every_schema(value)


class TestDocument:
    def test_is_a_valid_openapi_3_1_document(self):
        validate_spec(DOC)
        assert DOC["openapi"] == "3.1.0"

    def test_is_served_as_json(self, client, db):
        response = client.get("/api/v1/openapi.json")

        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert response.json() == json.loads(json.dumps(DOC))

    def test_describes_every_route_of_the_api_and_nothing_else(self):
        routed = {f"/api/v1/{pattern.pattern}" for pattern in api_urls.urlpatterns}
        # Django names a parameter <str:public_id>; the document names it {id}, or {a} and {b}.
        names = {"public_id": "id"}
        routed = {
            re.sub(r"<str:(\w+)>", lambda m: "{" + names.get(m[1], m[1]) + "}", path)
            for path in routed
        }

        assert routed - {"/api/v1/docs"} == set(DOC["paths"])

    def test_money_is_never_a_number(self):
        money = DOC["components"]["schemas"]["Money"]

        assert money["type"] == "string"
        assert money["pattern"] == r"^-?[0-9]+\.[0-9]{2}$"
        numbers = [
            schema
            for schema in every_schema(DOC)
            if schema.get("type") == "number"
            or (isinstance(schema.get("type"), list) and "number" in schema["type"])
        ]
        # Only what a body sends may be a number, and the API reads it as an exact decimal.
        schemas = DOC["components"]["schemas"]
        growth = schemas["ProjectionBody"]["properties"]["monthly_growth_percent"]
        assert numbers == [schemas["QuantityInput"], schemas["PercentInput"], growth]

    def test_every_amount_of_a_quote_is_money(self):
        quote = DOC["components"]["schemas"]["Quote"]["properties"]
        line = DOC["components"]["schemas"]["Line"]["properties"]

        for properties, names in (
            (quote, ("monthly_total", "upfront_total", "first_12_months_total")),
            (line, ("monthly", "upfront")),
        ):
            for name in names:
                assert properties[name]["$ref"] == "#/components/schemas/Money"

    @pytest.mark.parametrize(
        ("value", "valid"),
        [("15.94", True), ("-0.50", True), ("0.00", True), (15.94, False), ("15.9", False)],
    )
    def test_the_validator_refuses_a_float_or_a_rounded_amount(self, value, valid):
        assert component("Money").is_valid(value) is valid

    def test_every_field_an_answer_writes_is_listed_and_required(self):
        schemas = DOC["components"]["schemas"]
        for name in ("region", "pooled_quantity", "share", "pooling", "pooling_verified", "waived"):
            assert name in schemas["Line"]["required"]
        for schema in ("QuoteItem", "SavedItem"):
            assert {"regions", "accounts"} <= set(schemas[schema]["required"])
        assert "projection" in schemas["Estimate"]["required"]
        for schema in ("Quote", "Saved"):  # only when the body asked for one
            assert "projection" in schemas[schema]["properties"]
            assert "projection" not in schemas[schema]["required"]
        answers = [
            name
            for name, schema in schemas.items()
            if schema.get("type") == "object" and name not in BODIES
        ]
        for name in answers:
            assert schemas[name].get("additionalProperties") is False, name
        assert "(being added)" not in json.dumps(DOC)

    def test_bodies_take_exactly_the_fields_the_api_reads(self):
        schemas = DOC["components"]["schemas"]
        assert set(schemas["SaveBody"]["properties"]) == payloads.BODY_FIELDS
        assert set(schemas["QuoteBody"]["properties"]) == payloads.BODY_FIELDS
        assert set(schemas["QuoteItemBody"]["properties"]) == payloads.ITEM_FIELDS
        assert set(schemas["ImportBody"]["properties"]) == payloads.IMPORT_FIELDS
        for name in ("SaveBody", "QuoteBody", "QuoteItemBody", "ImportBody"):
            assert schemas[name]["additionalProperties"] is False

    @pytest.mark.parametrize(
        ("body", "valid"),
        [
            ({"months": 36, "monthly_growth_percent": "2.5"}, True),
            ({"months": "24", "monthly_growth_percent": -100}, True),
            ({"monthly_growth_percent": "2.5%"}, True),
            ({}, True),
            ({"months": 18}, False),
            ({"monthly_growth_percent": 1000.5}, False),
        ],
    )
    def test_the_projection_body_is_what_the_api_reads(self, body, valid):
        _plan, errors = projection.parse_projection(
            json.loads(json.dumps(body), parse_float=Decimal)
        )
        assert (not errors) is valid
        assert component("ProjectionBody").is_valid(body) is valid


def examples() -> list[tuple[str, dict, object]]:
    """(where, schema, example) for every example in the document."""
    found = []
    for path, operations in DOC["paths"].items():
        for method, operation in operations.items():
            media = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if media is not None:  # a bill's import takes a file, with no JSON example
                found.append((f"{method} {path} request", media["schema"], media["example"]))
            for status, response in operation["responses"].items():
                media = response.get("content", {}).get("application/json", {})
                if "example" in media:
                    found.append((f"{method} {path} {status}", media["schema"], media["example"]))
    return found


def request_example(path: str, method: str) -> object:
    return DOC["paths"][path][method]["requestBody"]["content"]["application/json"]["example"]


def response_example(path: str, method: str, status: str) -> object:
    return DOC["paths"][path][method]["responses"][status]["content"]["application/json"]["example"]


def as_served(example: object, book: PriceBook, ids: dict[str, str] | None = None) -> object:
    """An example as this test server answers it: its price book's id, the estimates' ids and
    the test server's address in links."""
    ids = ids or {}
    if isinstance(example, dict):
        if example == openapi.PRICE_BOOK:
            return {**example, "id": book.pk}
        return {key: as_served(value, book, ids) for key, value in example.items()}
    if isinstance(example, list):
        return [as_served(value, book, ids) for value in example]
    if isinstance(example, str):
        for placeholder, real in ids.items():
            example = example.replace(placeholder, real)
        return example.replace("https://costcalc.example.com/", "http://testserver/")
    return example


class TestExamples:
    @pytest.mark.parametrize(("where", "schema", "example"), examples(), ids=lambda v: str(v)[:40])
    def test_every_example_validates(self, where, schema, example):
        validator(schema).validate(example)

    def test_the_quote_example_is_what_the_api_answers(self, client, second_book):
        request = request_example("/api/v1/quote", "post")
        expected = response_example("/api/v1/quote", "post", "200")

        answer = json_post(client, "/api/v1/quote", request).json()

        assert answer == as_served(expected, second_book)

    def test_the_quote_example_is_priced_with_the_current_book(self, second_book):
        expected = response_example("/api/v1/quote", "post", "200")

        assert PriceBook.objects.current() == second_book
        assert expected["price_book"]["name"] == second_book.name == "AWS list prices, 2026-12"

    def test_the_save_read_and_compare_examples_are_what_the_api_answers(self, client, second_book):
        request = request_example("/api/v1/estimates", "post")

        saved = json_post(client, "/api/v1/estimates", request).json()
        estimate = client.get(f"/api/v1/estimates/{saved['id']}").json()
        copy = json_post(
            client, "/api/v1/estimates", {**openapi.COMPARED_REQUEST, "copied_from": saved["id"]}
        ).json()
        comparison = client.get(f"/api/v1/compare/{saved['id']}/{copy['id']}").json()

        ids = {openapi.SAVED_ID: saved["id"], openapi.COMPARED_ID: copy["id"]}
        expected = response_example("/api/v1/estimates", "post", "201")
        assert saved == as_served(expected, second_book, ids)
        expected = response_example("/api/v1/estimates/{id}", "get", "200")
        assert estimate == as_served(
            {**expected, "created_at": estimate["created_at"]}, second_book, ids
        )
        expected = response_example("/api/v1/compare/{a}/{b}", "get", "200")
        assert comparison == as_served(expected, second_book, ids)

    def test_the_import_example_is_what_the_api_answers(self, client, second_book):
        request = request_example("/api/v1/import/terraform", "post")
        expected = response_example("/api/v1/import/terraform", "post", "200")

        answer = json_post(client, "/api/v1/import/terraform", request).json()

        assert answer == as_served(expected, second_book)

    def test_the_not_found_examples_are_what_the_api_answers(self, client, db):
        for path, template in (
            (f"/api/v1/estimates/{uuid.uuid4()}", "/api/v1/estimates/{id}"),
            (f"/api/v1/compare/{uuid.uuid4()}/not-an-id", "/api/v1/compare/{a}/{b}"),
        ):
            answer = client.get(path)

            assert answer.status_code == 404
            assert answer.json() == response_example(template, "get", "404")

    def test_a_wrong_answer_would_fail(self):
        """The check has teeth: a float total, a null formula, a line field the document does
        not list, a missing line field, a stray error field."""
        quote = DOC["paths"]["/api/v1/quote"]["post"]["responses"]["200"]["content"][
            "application/json"
        ]["example"]
        line = quote["items"][0]["lines"][0]
        wrong = [
            {**quote, "monthly_total": 15.94},
            {**quote, "items": [{**quote["items"][0], "lines": [{**line, "formula": None}]}]},
            {**quote, "items": [{**quote["items"][0], "lines": [{**line, "months": 12}]}]},
            {
                **quote,
                "items": [
                    {
                        **quote["items"][0],
                        "lines": [{k: v for k, v in line.items() if k != "pooling"}],
                    }
                ],
            },
        ]
        for body in wrong:
            with pytest.raises(jsonschema.ValidationError):
                component("Quote").validate(body)
        with pytest.raises(jsonschema.ValidationError):
            component("Errors").validate({"errors": [{"item": None, "field": "x"}]})


# ---------------------------------------------------------------------------------------------
# Real answers from every endpoint, each status the API gives (the `client` fixture checks every
# JSON answer of /api/v1/ in the whole suite the same way; these make the coverage explicit).


def answered(method: str, path: str, response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    check_response(method, path, response)
    assert documented_path(path) is not None
    return response.json()


class TestEveryEndpointAnswersAsDocumented:
    def test_services(self, client, price_book, monkeypatch):
        answered("GET", "/api/v1/services", client.get("/api/v1/services"), 200)
        monkeypatch.setattr(PriceBook.objects, "current", lambda: None)
        answered("GET", "/api/v1/services", client.get("/api/v1/services"), 503)

    def test_quote(self, client, price_book):
        answered("POST", "/api/v1/quote", json_post(client, "/api/v1/quote", KMS), 200)
        bad = {"items": [{"service": "kms", "usage": {"keys": -1}}]}
        answered("POST", "/api/v1/quote", json_post(client, "/api/v1/quote", bad), 400)
        answered("POST", "/api/v1/quote", json_post(client, "/api/v1/quote", b"{"), 400)

    def test_quote_with_a_book_and_a_projection(self, client, second_book):
        path = "/api/v1/quote"
        first = PriceBook.objects.published().exclude(pk=second_book.pk).first()
        shield = {"service": "shield", "usage": {"advanced_subscriptions": 1}}
        # 9,000 standard parameters at 10% a month pass their bound of 10,000 in month 3.
        ssm = {"service": "ssm_parameter_store", "usage": {"standard_parameters": 9000}}
        growing = {"months": "24", "monthly_growth_percent": 10}
        body = {"items": [shield, ssm], "price_book": first.pk, "projection": growing}

        quoted = answered("POST", path, json_post(client, path, body), 200)

        assert quoted["price_book"]["id"] == first.pk
        projected = quoted["projection"]
        assert len(projected["monthly_totals"]) == 24
        assert [c["usage_key"] for c in projected["commitments"]] == ["advanced_subscriptions"]
        assert [(o["usage_key"], o["month"]) for o in projected["over_limits"]] == [
            ("standard_parameters", 3)
        ]
        plain = answered("POST", path, json_post(client, path, {**KMS, "projection": None}), 200)
        assert "projection" not in plain
        for wrong in ({"price_book": 10**6}, {"projection": {"months": 18}}):
            answered("POST", path, json_post(client, path, {**KMS, **wrong}), 400)

    def test_compare_two_estimates(self, client, second_book):
        path = "/api/v1/estimates"
        book = PriceBook.objects.published().exclude(pk=second_book.pk).first()
        first = json_post(client, path, {**KMS, "name": "A", "price_book": book.pk})
        second = json_post(client, path, {**openapi.COMPARED_REQUEST, "copied_from": None})
        a, b = answered("POST", path, first, 201)["id"], answered("POST", path, second, 201)["id"]

        compared = answered(
            "GET", f"/api/v1/compare/{a}/{b}", client.get(f"/api/v1/compare/{a}/{b}"), 200
        )

        assert compared["same_price_book"] is False
        assert compared["price_effect"] is not None and compared["usage_effect"] is not None
        answered("GET", f"/api/v1/compare/{a}/{a}", client.get(f"/api/v1/compare/{a}/{a}"), 200)
        unknown = f"/api/v1/compare/{a}/{uuid.uuid4()}"
        answered("GET", unknown, client.get(unknown), 404)
        answered("GET", "/api/v1/compare/x/y", client.get("/api/v1/compare/x/y"), 404)

    def test_save_and_read_an_estimate(self, client, price_book):
        saved = answered(
            "POST",
            "/api/v1/estimates",
            json_post(client, "/api/v1/estimates", {**KMS, "name": "Keys"}),
            201,
        )
        path = f"/api/v1/estimates/{saved['id']}"
        body = answered("GET", path, client.get(path), 200)
        assert body["monthly_total"] == "15.94"
        unknown = f"/api/v1/estimates/{uuid.uuid4()}"
        answered("GET", unknown, client.get(unknown), 404)
        answered("GET", "/api/v1/estimates/not-an-id", client.get("/api/v1/estimates/x"), 404)

    def test_save_errors(self, client, price_book):
        path = "/api/v1/estimates"
        answered("POST", path, json_post(client, path, KMS), 400)
        answered("POST", path, json_post(client, path, "x", "text/plain"), 415)

    def test_too_many_saves(self, client, price_book):
        path = "/api/v1/estimates"
        with override_settings(COSTCALC_SAVE_RATE_LIMIT=1):
            answered("POST", path, json_post(client, path, {**KMS, "name": "One"}), 201)
            response = json_post(client, path, {**KMS, "name": "Two"})
            answered("POST", path, response, 429)
            assert int(response["Retry-After"]) > 0

    def test_import_terraform(self, client, price_book):
        path = "/api/v1/import/terraform"
        plan = (DATA / "baseline.plan.json").read_bytes()
        answered("POST", path, json_post(client, path, plan), 200)
        answered("POST", path, json_post(client, path, (DATA / "state.json").read_bytes()), 400)
        answered("POST", path, json_post(client, path, b" " * (20 * 1024 * 1024 + 1)), 413)

    def test_the_document_itself(self, client, db):
        answered("GET", "/api/v1/openapi.json", client.get("/api/v1/openapi.json"), 200)


# ---------------------------------------------------------------------------------------------
# The reference page


class TestReferencePage:
    def test_lists_every_endpoint_with_its_method(self, client, db):
        response = client.get("/api/v1/docs")

        assert response.status_code == 200
        html = response.content.decode()
        for path, operations in DOC["paths"].items():
            for method, operation in operations.items():
                assert f'id="{operation["operationId"]}"' in html
                assert f'<span class="method">{method.upper()}</span> <code>{path}</code>' in html

    def test_shows_fields_types_and_examples(self, client, db):
        html = client.get("/api/v1/docs").content.decode()

        assert '<section class="shape" id="schema-Money"' in html
        assert "matches ^-?[0-9]+\\.[0-9]{2}$" in html
        assert '<a href="#schema-Line">Line</a>' in html
        assert '<code>monthly_total</code> <span class="required">required</span>' in html
        assert "(2,000,000 − 20,000 free) ÷ 10,000 × $0.03 = $5.94" in html
        assert "Header <code>Retry-After</code>" in html

    def test_every_link_on_the_page_lands_on_an_anchor(self, client, db):
        html = client.get("/api/v1/docs").content.decode()

        anchors = set(re.findall(r' id="([^"]+)"', html))
        links = set(re.findall(r'href="#([^"]+)"', html)) - {"main"}
        assert links <= anchors

    def test_respects_the_content_security_policy(self, client, db):
        response = client.get("/api/v1/docs")
        parser = InlineCode()

        parser.feed(response.content.decode())

        assert parser.problems == []
        directives = csp_directives(response["Content-Security-Policy"])
        assert directives["script-src"] == ["'self'"]
        assert directives["style-src"] == ["'self'"]
        assert all(src.startswith("/static/") for src in parser.script_sources)

    def test_is_linked_from_its_url_name(self):
        assert reverse("api:docs") == "/api/v1/docs"
        assert isinstance(api_urls.urlpatterns[-1], URLPattern)


def test_the_reference_lists_the_fields_of_a_request_body_where_it_is_described(client, db):
    html = client.get("/api/v1/docs").content.decode()
    section = html[html.index('id="saveEstimate"') : html.index('id="estimate"')]

    assert '<code>name</code> <span class="required">required</span>' in section
    assert "<code>free_tier</code>" in section
    assert "(default true)" in section
