"""Every /api/v1/ error is JSON with the documented `errors` body (issue 20 item 5): a body over
the size limit, a method an endpoint does not take, a body not sent as UTF-8 JSON; and HEAD is
answered wherever GET is, /healthz included."""

import json
import uuid

import pytest
from django.conf import settings

from estimates.models import Estimate

KMS = {"items": [{"service": "kms", "usage": {"keys": 10}}]}
PLAN = {
    "format_version": "1.2",
    "planned_values": {"root_module": {}},
    "resource_changes": [
        {
            "address": "aws_kms_key.app",
            "mode": "managed",
            "type": "aws_kms_key",
            "name": "app",
            "change": {"actions": ["create"], "after": {"region": "us-east-1"}},
        }
    ],
}
POSTS = ["/api/v1/quote", "/api/v1/estimates", "/api/v1/import/terraform"]


def only_error(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    (error,) = response.json()["errors"]
    return error


def get_paths(public_id: str) -> list[str]:
    return [
        "/api/v1/services",
        f"/api/v1/estimates/{public_id}",
        f"/api/v1/compare/{public_id}/{public_id}",
        "/api/v1/openapi.json",
        "/api/v1/docs",
    ]


@pytest.fixture
def public_id(client, price_book) -> str:
    body = {**KMS, "name": "Keys"}
    return client.post(
        "/api/v1/estimates", json.dumps(body), content_type="application/json"
    ).json()["id"]


class TestTooLarge:
    @pytest.mark.parametrize("path", ["/api/v1/quote", "/api/v1/estimates"])
    def test_a_body_over_the_limit_is_a_json_413(self, client, price_book, path):
        name = "n" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
        body = json.dumps({**KMS, "name": name})

        error = only_error(client.post(path, body, content_type="application/json"), 413)

        assert error == {"item": None, "field": "body", "message": "The body is over 2.5 MB."}
        assert Estimate.objects.count() == 0


class TestMethods:
    @pytest.mark.parametrize("method", ["put", "delete", "patch", "post"])
    def test_a_method_a_get_endpoint_does_not_take_is_a_json_405_not_a_csrf_403(
        self, price_book, public_id, method
    ):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)  # as a browser without a token would be
        for path in get_paths(public_id):
            response = getattr(client, method)(path)

            error = only_error(response, 405)
            assert response["Allow"] == "GET"  # the documented method; HEAD is GET's too
            assert error["field"] == "method"
            assert error["message"] == f"{method.upper()} is not allowed here; use GET."

    @pytest.mark.parametrize("path", POSTS)
    @pytest.mark.parametrize("method", ["get", "put", "delete"])
    def test_a_method_a_post_endpoint_does_not_take_is_a_json_405(
        self, client, price_book, path, method
    ):
        response = getattr(client, method)(path)

        error = only_error(response, 405)
        assert response["Allow"] == "POST"
        assert error["message"] == f"{method.upper()} is not allowed here; use POST."

    def test_head_is_answered_wherever_get_is(self, client, price_book, public_id):
        for path in [*get_paths(public_id), "/healthz"]:
            got = client.get(path)
            head = client.head(path)

            assert got.status_code == head.status_code == 200, path
            assert head["Content-Type"] == got["Content-Type"]
            assert head.content == b""

    def test_head_of_an_unknown_estimate_is_a_404(self, client, price_book):
        assert client.head(f"/api/v1/estimates/{uuid.uuid4()}").status_code == 404


class TestMediaType:
    @pytest.mark.parametrize("path", POSTS)
    @pytest.mark.parametrize(
        "content_type",
        [
            "text/plain",
            "application/x-www-form-urlencoded",
            "application/json; charset=latin-1",
            "application/json; charset=utf-16",
            "application/json; charset=nonsense",
        ],
    )
    def test_anything_but_utf8_json_is_a_415(self, client, price_book, path, content_type):
        body = json.dumps(PLAN if path.endswith("terraform") else {**KMS, "name": "Keys"})

        # generic(): post() would encode the body in the charset named, which may not exist
        response = client.generic("POST", path, body.encode(), content_type=content_type)

        error = only_error(response, 415)
        assert error["message"].startswith("Send the ")
        assert "as application/json" in error["message"]
        assert Estimate.objects.count() == 0

    @pytest.mark.parametrize("path", POSTS)
    @pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32"])
    def test_a_utf16_or_utf32_body_is_a_415(self, client, price_book, path, encoding):
        body = json.dumps(PLAN if path.endswith("terraform") else {**KMS, "name": "Keys"})

        response = client.post(path, body.encode(encoding), content_type="application/json")

        error = only_error(response, 415)
        assert "in UTF-8" in error["message"]
        assert Estimate.objects.count() == 0

    @pytest.mark.parametrize("path", POSTS)
    def test_utf8_json_with_its_charset_said_is_read(self, client, price_book, path):
        body = json.dumps(PLAN if path.endswith("terraform") else {**KMS, "name": "Keys"})

        response = client.post(path, body, content_type="application/json; charset=UTF-8")

        assert response.status_code in (200, 201), response.content[:300]


class TestEverythingElse:
    @pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v1/quote/", "/api/v1/estimates/a/b"])
    def test_a_path_no_endpoint_has_is_a_json_404(self, client, db, path):
        error = only_error(client.get(path), 404)

        assert error["field"] == "path"
        assert "/api/v1/openapi.json" in error["message"]

    def test_a_page_that_does_not_exist_is_still_the_html_404(self, client, db):
        response = client.get("/nope/")

        assert response.status_code == 404
        assert b"Not found" in response.content

    def test_a_failure_under_the_api_is_a_json_500(self, price_book, monkeypatch):
        from django.test import Client

        from estimates.models import PriceBook

        def broken():
            raise RuntimeError("boom")

        monkeypatch.setattr(PriceBook.objects, "current", broken)
        response = Client(raise_request_exception=False).get("/api/v1/services")

        error = only_error(response, 500)
        assert error == {
            "item": None,
            "field": "server",
            "message": "Something went wrong on our side.",
        }


def test_every_api_route_is_an_endpoint_that_answers_refusals_as_json():
    """A view added without http.endpoint would answer a wrong method with Django's empty HTML
    405 (or a CSRF 403); the routes of /api/v1/ all go through it, with their documented
    methods."""
    from estimates.api import openapi
    from estimates.api import urls as api_urls

    document = openapi.document()["paths"]
    for pattern in api_urls.urlpatterns:
        methods = getattr(pattern.callback, "methods", None)
        assert methods, pattern.pattern
        path = "/api/v1/" + str(pattern.pattern)
        documented = next(
            (
                ops
                for template, ops in document.items()
                if template.split("{")[0] == path.split("<")[0]
            ),
            None,
        )
        if documented is not None:
            assert {m.lower() for m in methods} == set(documented), path
