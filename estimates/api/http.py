"""What every /api/v1/ endpoint does before its view runs: the methods it takes, and the JSON
body it reads, so that every refusal is JSON with the documented `errors` body.

`endpoint("GET")` answers HEAD as GET does, any other method with a JSON 405 and an `Allow`
header naming the documented methods, and takes no CSRF token: no API view acts on a cookie's
authority (a save is guarded by its JSON content type instead, see views.estimate_create), so a
PUT on a GET endpoint is a 405, not Django's HTML CSRF 403. `read_json` reads a body sent as
UTF-8 JSON, and refuses with a 413 one over DATA_UPLOAD_MAX_MEMORY_SIZE and with a 415 one sent
as anything else.
"""

from __future__ import annotations

import codecs
import functools
import json
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt

from estimates import pricing
from estimates.api import payloads

FieldError = pricing.FieldError
JSON = "application/json"


class Refused(Exception):
    """A request refused before it is read: its status and errors."""

    def __init__(self, status: int, field: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.errors = [FieldError(None, field, message)]


def endpoint(*methods: str) -> Callable:
    """An API view that takes these methods (HEAD too with GET), and answers Refused as JSON."""
    allowed = [*methods, "HEAD"] if "GET" in methods else list(methods)
    # Allow names the methods the document lists; HEAD is GET without its body, as HTTP has it.
    allow = ", ".join(methods)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method not in allowed:
                message = f"{request.method} is not allowed here; use {' or '.join(methods)}."
                response = payloads.error_response("method", message, 405)
                response["Allow"] = allow
                return response
            try:
                return view(request, *args, **kwargs)
            except Refused as refused:
                return payloads.errors_response(refused.errors, refused.status)

        wrapped.methods = tuple(methods)  # what the tests read: every route is an endpoint
        return wrapped

    return decorator


def check_json_media_type(request: HttpRequest, what: str = "body") -> None:
    """Refused (415) unless a body is sent as application/json, in UTF-8 if a charset is said."""
    try:
        utf8 = codecs.lookup(request.content_params.get("charset", "utf-8")).name == "utf-8"
    except LookupError:
        utf8 = False
    if request.content_type != JSON or not utf8:
        raise Refused(415, what, f"Send the {what} as {JSON} in UTF-8.")


def has_body(request: HttpRequest) -> bool:
    return payloads.content_length(request) > 0


def read_json(request: HttpRequest) -> tuple[object, list[FieldError]]:
    """The body as JSON with exact numbers, or the field error a 400 gives; Refused (413, 415)
    for a body too large to read or not sent as UTF-8 JSON."""
    if has_body(request) or request.content_type:
        check_json_media_type(request)
    try:
        raw = request.body
    except RequestDataTooBig:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
        raise Refused(413, "body", f"The body is over {limit:g} MB.") from None
    if other_unicode(raw):
        raise Refused(415, "body", f"Send the body as {JSON} in UTF-8.")
    try:
        text = raw.decode("utf-8-sig")  # a byte order mark is still UTF-8, as before
    except UnicodeDecodeError:
        return None, [FieldError(None, "body", "The body is not valid JSON.")]
    return payloads.read_json_text(text)


def other_unicode(raw: bytes) -> bool:
    """Whether bytes that are not UTF-8 are text in UTF-16 or UTF-32 (as JSON can be told
    apart by its first bytes, or a byte order mark says)."""
    encoding = json.detect_encoding(raw)
    if encoding.startswith("utf-8"):
        return False
    try:
        raw.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


API_PREFIX = "/api/v1/"


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The site's 404: JSON under /api/v1/ (a path no endpoint has), the HTML page elsewhere."""
    if request.path.startswith(API_PREFIX):
        message = "No endpoint has this path; /api/v1/openapi.json lists them."
        return payloads.error_response("path", message, 404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """The site's 500: JSON under /api/v1/, the HTML page elsewhere."""
    if request.path.startswith(API_PREFIX):
        return payloads.error_response("server", "Something went wrong on our side.", 500)
    return defaults.server_error(request)
