"""Validate the API's JSON answers against the OpenAPI document (estimates/api/openapi.py)."""

import functools
import json
import re

from openapi_schema_validator import OAS31Validator

from estimates.api import openapi


def validator(schema: dict) -> OAS31Validator:
    """A validator for one schema of the document, with its components to resolve $refs."""
    document = openapi.document()
    return OAS31Validator(
        {**schema, "components": document["components"]},
        format_checker=OAS31Validator.FORMAT_CHECKER,
    )


def component(name: str) -> OAS31Validator:
    return validator({"$ref": f"#/components/schemas/{name}"})


@functools.cache
def _templates() -> list[tuple[re.Pattern, str]]:
    return [
        (re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + "$"), path)
        for path in openapi.document()["paths"]
    ]


def documented_path(path: str) -> str | None:
    return next((template for pattern, template in _templates() if pattern.match(path)), None)


@functools.cache
def response_validator(template: str, method: str, status: str) -> OAS31Validator:
    operation = openapi.document()["paths"][template][method]
    responses = operation["responses"]
    assert status in responses, f"{method.upper()} {template} answered {status}, undocumented"
    return validator(responses[status]["content"]["application/json"]["schema"])


def check_response(method: str, path: str, response) -> None:
    """Every JSON answer of a documented path has a documented status and validates."""
    template = documented_path(path)
    if template is None or 300 <= response.status_code < 400:
        return  # not the API's, or the HTTPS redirect in front of it
    head = method.upper() == "HEAD"  # answered as GET is, without the body
    operation = openapi.document()["paths"][template].get("get" if head else method.lower())
    if operation is None:
        assert response.status_code == 405, (method, path, response.status_code)
        assert response["Allow"], (method, path)
        assert response["Content-Type"] == "application/json", (method, path)
        component("Errors").validate(json.loads(response.content))
        return
    if head:
        assert str(response.status_code) in operation["responses"], (method, path)
        assert response.content == b"", (method, path)
        return
    assert response["Content-Type"] == "application/json", (method, path, response.status_code)
    body = json.loads(response.content)
    response_validator(template, method.lower(), str(response.status_code)).validate(body)
