"""The OpenAPI 3.1 document at /api/v1/openapi.json, the reference page at /api/v1/docs, and
real answers from every endpoint validated against the document."""

import json
import re
import uuid
from pathlib import Path

import jsonschema
import pytest
from django.test import override_settings
from django.urls import URLPattern, reverse
from openapi_spec_validator import validate as validate_spec

from estimates import api_urls, openapi
from estimates.models import PriceBook
from tests.openapi_check import check_response, component, documented_path, validator
from tests.test_security import InlineCode, csp_directives

DATA = Path(__file__).parent.parent / "data" / "terraform"
DOC = openapi.document()
KMS = {"items": [{"service": "kms", "usage": {"keys": 10, "symmetric_requests": 2000000}}]}


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
        routed = {re.sub(r"<str:(\w+)>", lambda m: "{id}", path) for path in routed}

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
        assert numbers == [DOC["components"]["schemas"]["QuantityInput"]]

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

    def test_the_fields_main_is_adding_are_optional(self):
        schemas = DOC["components"]["schemas"]
        line_required = set(schemas["Line"]["required"])
        for name in ("region", "pooled_quantity", "share", "pooling", "pooling_verified", "waived"):
            assert name in schemas["Line"]["properties"]
            assert name not in line_required
        for name in ("regions", "accounts"):
            assert name not in schemas["QuoteItem"]["required"]
        for name in ("price_book", "projection"):
            assert name in schemas["QuoteBody"]["properties"]


def examples() -> list[tuple[str, dict, object]]:
    """(where, schema, example) for every example in the document."""
    found = []
    for path, operations in DOC["paths"].items():
        for method, operation in operations.items():
            if "requestBody" in operation:
                media = operation["requestBody"]["content"]["application/json"]
                found.append((f"{method} {path} request", media["schema"], media["example"]))
            for status, response in operation["responses"].items():
                media = response.get("content", {}).get("application/json", {})
                if "example" in media:
                    found.append((f"{method} {path} {status}", media["schema"], media["example"]))
    return found


class TestExamples:
    @pytest.mark.parametrize(("where", "schema", "example"), examples(), ids=lambda v: str(v)[:40])
    def test_every_example_validates(self, where, schema, example):
        validator(schema).validate(example)

    def test_the_quote_example_is_what_the_api_answers(self, client, price_book):
        operation = DOC["paths"]["/api/v1/quote"]["post"]
        request = operation["requestBody"]["content"]["application/json"]["example"]
        expected = operation["responses"]["200"]["content"]["application/json"]["example"]

        answer = json_post(client, "/api/v1/quote", request).json()

        assert answer == {**expected, "price_book": {**expected["price_book"], "id": price_book.pk}}

    def test_the_import_example_is_what_the_api_answers(self, client, price_book):
        operation = DOC["paths"]["/api/v1/import/terraform"]["post"]
        request = operation["requestBody"]["content"]["application/json"]["example"]
        expected = operation["responses"]["200"]["content"]["application/json"]["example"]

        answer = json_post(client, "/api/v1/import/terraform", request).json()

        expected_quote = {
            **expected["quote"],
            "price_book": {**expected["quote"]["price_book"], "id": price_book.pk},
        }
        assert answer == {**expected, "quote": expected_quote}

    def test_a_wrong_answer_would_fail(self):
        """The check has teeth: a float total, a missing line field, a stray error field."""
        quote = DOC["paths"]["/api/v1/quote"]["post"]["responses"]["200"]["content"][
            "application/json"
        ]["example"]
        line = quote["items"][0]["lines"][0]
        wrong = [
            {**quote, "monthly_total": 15.94},
            {**quote, "items": [{**quote["items"][0], "lines": [{**line, "formula": None}]}]},
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
