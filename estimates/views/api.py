"""The JSON API: the catalog and quotes. Scripts and the pages share these shapes."""

import json
from decimal import Decimal

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from .. import pricing
from ..models import PriceBook

CURRENCY = "USD"


def money_text(amount: Decimal) -> str:
    """Money in JSON: a string with two decimals, rounded half-up for display."""
    return f"{pricing.cents(amount):f}"


def price_book_as_json(catalog: pricing.Catalog) -> dict:
    return {
        "id": catalog.book_id,
        "name": catalog.book_name,
        "effective_date": catalog.effective_date,
    }


def catalog_as_json(catalog: pricing.Catalog) -> dict:
    return {
        "currency": CURRENCY,
        "price_book": price_book_as_json(catalog),
        "regions": [{"code": code, "name": pricing.region_name(code)} for code in catalog.regions],
        "services": [
            {
                "code": service.code,
                "name": service.name,
                "summary": service.summary,
                "guidance": list(service.guidance),
                "free_tier_note": service.free_tier_note,
                "regions": list(catalog.service_regions(service.code)),
                "inputs": [
                    {
                        "key": spec.key,
                        "label": spec.label,
                        "unit": spec.unit,
                        "help": spec.help,
                        "min": pricing.decimal_text(spec.min_value),
                        "max": pricing.decimal_text(spec.max_value),
                        "step": spec.step,
                    }
                    for spec in service.inputs
                ],
            }
            for service in catalog.services.values()
        ],
    }


def line_as_json(line: pricing.Line) -> dict:
    return {
        "usage_key": line.usage_key,
        "label": line.label,
        "quantity": pricing.decimal_text(line.quantity),
        "unit": line.unit,
        "free_quantity": pricing.decimal_text(line.free_quantity),
        "billable_quantity": pricing.decimal_text(line.billable_quantity),
        "unit_price": pricing.price_text(line.unit_price).lstrip("$").replace(",", ""),
        "per_units": pricing.decimal_text(line.per_units),
        "billing": line.billing,
        "monthly": money_text(line.monthly),
        "upfront": money_text(line.upfront),
        "formula": line.formula,
        "source": line.source,
        "grade": line.grade,
    }


def quote_as_json(catalog: pricing.Catalog, quote: pricing.Quote) -> dict:
    return {
        "currency": CURRENCY,
        "price_book": price_book_as_json(catalog),
        "free_tier": quote.free_tier,
        "monthly_total": money_text(quote.monthly_total),
        "upfront_total": money_text(quote.upfront_total),
        "first_12_months_total": money_text(quote.first_12_months_total),
        "items": [
            {
                "service": item_quote.item.service,
                "service_name": item_quote.service_name,
                "region": item_quote.item.region,
                "group": item_quote.item.group,
                "monthly": money_text(item_quote.monthly),
                "upfront": money_text(item_quote.upfront),
                "lines": [line_as_json(line) for line in item_quote.lines],
            }
            for item_quote in quote.items
        ],
    }


def errors_response(errors: list[pricing.FieldError], status: int = 400) -> JsonResponse:
    body = {"errors": [{"item": e.item, "field": e.field, "message": e.message} for e in errors]}
    return JsonResponse(body, status=status)


def no_price_book_response() -> JsonResponse:
    return errors_response(
        [pricing.FieldError(None, "price_book", "No price book is published yet.")], status=503
    )


def read_json_body(request: HttpRequest) -> tuple[object, list[pricing.FieldError]]:
    """The request body as JSON with exact Decimals (never floats), or a field error."""
    try:
        return json.loads(request.body, parse_float=Decimal), []
    # ArithmeticError: a number like 1e99999999999999999999 that Decimal cannot hold.
    except (ValueError, UnicodeDecodeError, RecursionError, ArithmeticError):
        return None, [pricing.FieldError(None, "body", "The body is not valid JSON.")]


@require_GET
def services(request: HttpRequest) -> HttpResponse:
    """The catalog of the current price book: services, their usage inputs and Regions."""
    book = PriceBook.objects.current()
    if book is None:
        return no_price_book_response()
    return JsonResponse(catalog_as_json(book.catalog()))


@csrf_exempt
@require_POST
def quote(request: HttpRequest) -> HttpResponse:
    """Price an estimate with the current price book."""
    payload, errors = read_json_body(request)
    if errors:
        return errors_response(errors)
    book = PriceBook.objects.current()
    if book is None:
        return no_price_book_response()
    catalog = book.catalog()
    free_tier, items, errors = pricing.items_from_payload(catalog, payload)
    if errors:
        return errors_response(errors)
    return JsonResponse(quote_as_json(catalog, pricing.quote(catalog, items, free_tier)))
