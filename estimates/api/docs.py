"""The API's description: the OpenAPI document as JSON, and a reference page made from it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from estimates.api import http, openapi


@http.endpoint("GET")
def openapi_document(request: HttpRequest) -> HttpResponse:
    """The OpenAPI 3.1 document of /api/v1/."""
    return JsonResponse(openapi.document(), json_dumps_params={"ensure_ascii": False})


@http.endpoint("GET")
def api_reference(request: HttpRequest) -> HttpResponse:
    """The API reference, rendered on the server from the same document: no script needed."""
    endpoints, shapes = openapi.reference()
    document = openapi.document()
    return render(
        request,
        "api/docs.html",
        {"info": document["info"], "endpoints": endpoints, "shapes": shapes},
    )
