"""The JSON API for saved estimates: save one, read one back."""

from __future__ import annotations

import json
import uuid

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from .. import pricing, ratelimit
from ..models import Estimate, PriceBook
from .api import errors_response, no_price_book_response, quote_as_json, read_json_body


def safe_json_response(body: dict, status: int = 200) -> HttpResponse:
    """JSON with <, > and & escaped, so that user text stays inert even pasted into HTML."""
    text = (
        json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )
    return HttpResponse(text, status=status, content_type="application/json")


def estimate_as_json(estimate: Estimate) -> dict:
    """The quote's shape, priced with the pinned book, plus what identifies the estimate."""
    body = quote_as_json(estimate.price_book.catalog(), estimate.quote())
    for item_json, item in zip(body["items"], estimate.as_payload()["items"], strict=True):
        item_json["usage"] = item["usage"]
    return {
        "id": str(estimate.public_id),
        "name": estimate.name,
        "description": estimate.description,
        "created_at": estimate.created_at.isoformat(),
        "copied_from": str(estimate.copied_from.public_id) if estimate.copied_from else None,
        **body,
    }


def not_found_response() -> HttpResponse:
    return errors_response([pricing.FieldError(None, "id", "No estimate has this id.")], 404)


def rate_limited_response(decision: ratelimit.Decision) -> HttpResponse:
    response = errors_response(
        [
            pricing.FieldError(
                None,
                "rate",
                f"Too many saves from your address: at most {decision.limit} in a while. "
                f"Try again in {decision.retry_after} seconds.",
            )
        ],
        status=429,
    )
    response["Retry-After"] = str(decision.retry_after)
    return response


@require_GET
def estimate_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """A saved estimate as JSON, priced with the book it was saved with."""
    try:
        parsed = uuid.UUID(public_id)
    except ValueError:
        return not_found_response()
    estimate = (
        Estimate.objects.select_related("price_book", "copied_from")
        .filter(public_id=parsed)
        .first()
    )
    if estimate is None:
        return not_found_response()
    return safe_json_response(estimate_as_json(estimate))


@csrf_exempt
@require_POST
def estimate_create(request: HttpRequest) -> HttpResponse:
    """Save an estimate priced with the current book; 201 with its links."""
    # CSRF-exempt is safe only because a cross-site page cannot send application/json
    # without a CORS preflight, which this app never answers; a form could send text/plain.
    if request.body and request.content_type != "application/json":
        return errors_response(
            [pricing.FieldError(None, "body", "Send the estimate as application/json.")],
            status=415,
        )
    decision = ratelimit.hit_save(request)
    if not decision.allowed:
        return rate_limited_response(decision)
    payload, errors = read_json_body(request)
    if errors:
        return errors_response(errors)
    book = PriceBook.objects.current()
    if book is None:
        return no_price_book_response()
    free_tier, items, errors = pricing.items_from_payload(book.catalog(), payload)
    if errors:
        return errors_response(errors)
    copied_from, errors = _copied_from(payload)
    if errors:
        return errors_response(errors)
    try:
        estimate = Estimate.objects.create_from_items(
            name=payload.get("name", ""),
            description=payload.get("description", "") or "",
            price_book=book,
            items=items,
            free_tier=free_tier,
            copied_from=copied_from,
        )
    except pricing.PricingError as error:
        return errors_response(error.errors)
    url = request.build_absolute_uri(estimate.get_absolute_url())
    response = safe_json_response(
        {
            "id": str(estimate.public_id),
            "url": url,
            "csv_url": request.build_absolute_uri(estimate.get_csv_url()),
            "json_url": request.build_absolute_uri(estimate.get_json_url()),
        },
        status=201,
    )
    response["Location"] = url
    return response


def _copied_from(payload: dict) -> tuple[Estimate | None, list[pricing.FieldError]]:
    raw = payload.get("copied_from")
    if raw is None or raw == "":
        return None, []
    try:
        parsed = uuid.UUID(raw) if isinstance(raw, str) else None
    except ValueError:
        parsed = None
    estimate = Estimate.objects.filter(public_id=parsed).first() if parsed else None
    if estimate is None:
        return None, [pricing.FieldError(None, "copied_from", "No estimate has this id.")]
    return estimate, []
