"""The API's JSON, both ways: reading request bodies into engine items, writing quotes,
estimates and errors. The JSON counterpart of web/exports.py; the views in views.py only call it.

Money is a string with two decimals (`"5.94"`), as pages show it: totals rounded half-up from
the exact sums, their cents shared to items and lines by largest remainder so that they add up
(pricing.allocate_cents); quantities
and unit prices are exact decimal strings. The currency is pricing.CURRENCY.
"""

from __future__ import annotations

import json
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.http import content_disposition_header

from estimates import pricing
from estimates.importers import terraform
from estimates.models import Estimate, EstimateItem
from estimates.pricing import compare, projection
from estimates.pricing.regions import region_name

FieldError = pricing.FieldError
SHARE_SHOWN = Decimal("0.000001")


# ---------------------------------------------------------------------------------------------
# Reading


def read_json_body(request: HttpRequest) -> tuple[object, list[FieldError]]:
    """The request body as JSON with exact Decimals (never floats), or a field error."""
    try:
        return json.loads(request.body, parse_float=Decimal), []
    # ArithmeticError: a number like 1e99999999999999999999 that Decimal cannot hold.
    except (ValueError, UnicodeDecodeError, RecursionError, ArithmeticError):
        return None, [FieldError(None, "body", "The body is not valid JSON.")]


# What a body and an item may hold: anything else is an error, so a typo (`"acounts"`) never
# prices something other than what was meant.
BODY_FIELDS = frozenset(
    {"free_tier", "items", "name", "description", "copied_from", "price_book", "projection"}
)
ITEM_FIELDS = frozenset({"service", "region", "regions", "group", "usage", "accounts"})


def read_quote_body(
    catalog: pricing.Catalog, payload: object
) -> tuple[bool, list[pricing.Item], list[FieldError]]:
    """A quote body (`{"free_tier", "items": [...]}`) as items, checked against the catalog.

    Each item is checked once: what does not parse is reported as such, the rest by the engine.
    """
    if not isinstance(payload, dict):
        return True, [], [FieldError(None, "body", "The body must be a JSON object.")]
    errors = _unknown_fields(payload, BODY_FIELDS, None)
    free_tier = payload.get("free_tier", True)
    if not isinstance(free_tier, bool):
        errors.append(FieldError(None, "free_tier", "free_tier must be true or false."))
        free_tier = True
    raw_items = payload.get("items", [])
    if not isinstance(raw_items, list):
        return free_tier, [], [*errors, FieldError(None, "items", "items must be a list.")]
    if len(raw_items) > pricing.MAX_ITEMS:
        message = f"At most {pricing.MAX_ITEMS} items in one estimate."
        return free_tier, [], [*errors, FieldError(None, "items", message)]
    items = []
    for index, raw in enumerate(raw_items):
        item, item_errors = _read_item(raw, index)
        if item is not None:
            reported = {error.field for error in item_errors}
            checked = pricing.check_item(catalog, item, index)
            item_errors += [error for error in checked if error.field not in reported]
            items.append(item)
        errors += item_errors
    if not errors:
        errors = pricing.check_waivers(catalog, tuple(items))
    return free_tier, items, errors


def _unknown_fields(raw: dict, known: frozenset[str], index: int | None) -> list[FieldError]:
    return [
        FieldError(index, str(key), f"Unknown field '{key}'.") for key in raw if key not in known
    ]


def _read_item(raw: object, index: int) -> tuple[pricing.Item | None, list[FieldError]]:
    """One item's JSON as an engine item; what does not parse is reported and left out."""
    if not isinstance(raw, dict):
        return None, [FieldError(index, "item", "Each item must be a JSON object.")]
    service = raw.get("service")
    if not isinstance(service, str) or not service:
        return None, [FieldError(index, "service", 'Name a service, e.g. "kms".')]
    errors = _unknown_fields(raw, ITEM_FIELDS, index)
    regions, region_errors = _read_regions(raw, index)
    errors += region_errors
    group = raw.get("group", "")
    if group is None:
        group = ""
    group_length = EstimateItem._meta.get_field("group").max_length
    if not isinstance(group, str) or len(group) > group_length:
        message = f"group must be text of at most {group_length} characters."
        errors.append(FieldError(index, "group", message))
        group = ""
    accounts = raw.get("accounts", 1)
    message = pricing.check_accounts(accounts)
    if message:
        errors.append(FieldError(index, "accounts", message))
        accounts = 1
    raw_usage = raw.get("usage", {})
    if not isinstance(raw_usage, dict):
        return None, [*errors, FieldError(index, "usage", "usage must be a JSON object.")]
    usage: dict[str, Decimal] = {}
    for key, raw_value in raw_usage.items():
        try:
            if raw_value is None:
                raise ValueError("Enter a number.")
            usage[str(key)] = pricing.parse_quantity(raw_value)
        except ValueError as error:
            errors.append(FieldError(index, str(key), str(error)))
    item = pricing.Item(
        service=service, group=group, usage=usage, accounts=int(accounts), regions=regions
    )
    return item, errors


def _read_regions(raw: dict, index: int) -> tuple[tuple[str, ...], list[FieldError]]:
    """`"region": "us-east-1"` or `"regions": [...]`, not both; us-east-1 when neither."""
    if "region" in raw and "regions" in raw:
        message = 'Give either "region" or "regions", not both.'
        return (pricing.DEFAULT_REGION,), [FieldError(index, "regions", message)]
    if "regions" in raw:
        regions = raw["regions"]
        if not isinstance(regions, list) or not all(isinstance(r, str) for r in regions):
            message = "regions must be a list of Region codes."
            return (pricing.DEFAULT_REGION,), [FieldError(index, "regions", message)]
        if not regions:
            message = "Name at least one Region."
            return (pricing.DEFAULT_REGION,), [FieldError(index, "regions", message)]
        if len(set(regions)) != len(regions):
            return tuple(dict.fromkeys(regions)), [
                FieldError(index, "regions", "Name each Region once.")
            ]
        return tuple(regions), []
    region = raw.get("region", pricing.DEFAULT_REGION)
    if not isinstance(region, str):
        return (pricing.DEFAULT_REGION,), [FieldError(index, "region", "region must be a string.")]
    return (region,), []


# What a Terraform import body may hold when it is not the plan itself.
IMPORT_FIELDS = frozenset({"plan", "usage"})


def content_length(request: HttpRequest) -> int:
    """The body's announced length; 0 when there is none or it is not a number."""
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def read_import_body(raw: bytes) -> tuple[object, object, list[FieldError]]:
    """The plan and usage file of an import body: the plan itself (it has `format_version`), or
    `{"plan": <plan>, "usage": <usage file>}`. Raises terraform.PlanError if it is not JSON."""
    data = terraform.read_json(raw)
    if not isinstance(data, dict) or "format_version" in data or not IMPORT_FIELDS & data.keys():
        return data, None, []
    errors = _unknown_fields(data, IMPORT_FIELDS, None)
    if "plan" not in data:
        message = 'Send the plan too: {"plan": <plan>, "usage": <usage file>}.'
        errors.append(FieldError(None, "plan", message))
    return data.get("plan"), data.get("usage"), errors


def read_projection(payload: object) -> tuple[projection.Projection | None, list[FieldError]]:
    """The body's `projection` (`{"months": 36, "monthly_growth_percent": "2.5"}`), or None
    when it has none."""
    if not isinstance(payload, dict) or payload.get("projection") is None:
        return None, []
    return projection.parse_projection(payload["projection"])


# ---------------------------------------------------------------------------------------------
# Writing


def price_book_as_json(catalog: pricing.Catalog) -> dict:
    return {
        "id": catalog.book_id,
        "name": catalog.book_name,
        "effective_date": catalog.effective_date,
    }


def catalog_as_json(catalog: pricing.Catalog) -> dict:
    return {
        "currency": pricing.CURRENCY,
        "price_book": price_book_as_json(catalog),
        "regions": [{"code": code, "name": region_name(code)} for code in catalog.regions],
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
        "unit_price": pricing.price_amount(line.unit_price),
        "per_units": pricing.decimal_text(line.per_units),
        "billing": line.billing,
        "monthly": pricing.amount_text(line.shown_monthly),
        "upfront": pricing.amount_text(line.shown_upfront),
        "formula": line.formula,
        "source": line.source,
        "grade": line.grade,
        "region": line.region,
        "pooled_quantity": pricing.decimal_text(line.pooled_quantity),
        "share": pricing.decimal_text(line.share.quantize(SHARE_SHOWN)),
        "pooling": line.pooling,
        "pooling_verified": not line.pooling_unverified,
        "waived": line.waived,
    }


def quote_as_json(catalog: pricing.Catalog, quote: pricing.Quote) -> dict:
    return {
        "currency": pricing.CURRENCY,
        "price_book": price_book_as_json(catalog),
        "free_tier": quote.free_tier,
        "monthly_total": pricing.amount_text(quote.shown_monthly_total),
        "upfront_total": pricing.amount_text(quote.shown_upfront_total),
        "first_12_months_total": pricing.amount_text(quote.shown_first_12_months_total),
        "items": [
            {
                "service": item_quote.item.service,
                "service_name": item_quote.service_name,
                "region": item_quote.item.region,
                "regions": list(item_quote.item.regions),
                "accounts": item_quote.item.accounts,
                "group": item_quote.item.group,
                "monthly": pricing.amount_text(item_quote.shown_monthly),
                "upfront": pricing.amount_text(item_quote.shown_upfront),
                "lines": [line_as_json(line) for line in item_quote.lines],
            }
            for item_quote in quote.items
        ],
    }


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
        "projection": projection_as_json(estimate.project()),
    }


def projection_as_json(result: projection.ProjectionResult) -> dict:
    plan = result.projection
    return {
        "months": plan.months,
        "monthly_growth_percent": pricing.decimal_text(plan.monthly_growth_percent),
        "monthly_totals": [pricing.amount_text(total) for total in result.monthly_totals],
        "total": pricing.amount_text(result.total),
        "commitments": [
            {
                "service": commitment.service,
                "service_name": commitment.service_name,
                "region": commitment.region,
                "group": commitment.group,
                "usage_key": commitment.usage_key,
                "label": commitment.label,
                "months": commitment.months,
                "first_month": commitment.first_month,
                "last_month": commitment.last_month,
                "monthly": pricing.amount_text(commitment.monthly),
                "committed_total": pricing.amount_text(commitment.committed_total),
            }
            for commitment in result.commitments
        ],
        "over_limits": [
            {
                "service": over.service,
                "region": over.region,
                "group": over.group,
                "usage_key": over.usage_key,
                "label": over.label,
                "max": pricing.decimal_text(over.max_value),
                "month": over.month,
                "quantity": pricing.decimal_text(over.quantity),
            }
            for over in result.over_limits
        ],
    }


def _compared_estimate(estimate: Estimate, priced: pricing.Quote) -> dict:
    return {
        "id": str(estimate.public_id),
        "name": estimate.name,
        "price_book": price_book_as_json(estimate.price_book.catalog()),
        "free_tier": priced.free_tier,
        "monthly_total": pricing.amount_text(priced.shown_monthly_total),
        "upfront_total": pricing.amount_text(priced.shown_upfront_total),
        "first_12_months_total": pricing.amount_text(priced.shown_first_12_months_total),
    }


def _effects_as_json(effects: compare.Effects | None) -> dict | None:
    if effects is None:
        return None
    return {
        "monthly": pricing.amount_text(effects.monthly),
        "upfront": pricing.amount_text(effects.upfront),
        "first_12_months": pricing.amount_text(effects.first_12_months),
    }


def _optional_amount(amount: Decimal | None) -> str | None:
    return None if amount is None else pricing.amount_text(amount)


def comparison_as_json(a: Estimate, b: Estimate, comparison: compare.EstimateComparison) -> dict:
    """Estimate A against B: both totals, the changes (B − A), and every line that differs."""
    return {
        "currency": pricing.CURRENCY,
        "a": _compared_estimate(a, comparison.a),
        "b": _compared_estimate(b, comparison.b),
        "monthly_delta": pricing.amount_text(comparison.shown_monthly_delta),
        "upfront_delta": pricing.amount_text(comparison.shown_upfront_delta),
        "first_12_months_delta": pricing.amount_text(comparison.shown_first_12_months_delta),
        "monthly_percent": pricing.percent_amount(comparison.monthly_percent),
        "same_price_book": comparison.same_price_book,
        "price_effect": _effects_as_json(comparison.shown_price_effect),
        "usage_effect": _effects_as_json(comparison.shown_usage_effect),
        "split_errors": [
            {"item": e.item, "field": e.field, "message": e.message}
            for e in comparison.split_errors
        ],
        "lines": [
            {
                "service": line.service,
                "service_name": line.service_name,
                "region": line.region,
                "group": line.group,
                "usage_key": line.usage_key,
                "label": line.label,
                "status": line.status,
                "a_monthly": pricing.amount_text(line.a_shown_monthly),
                "b_monthly": pricing.amount_text(line.b_shown_monthly),
                "delta": pricing.amount_text(line.shown_delta),
                "percent": pricing.percent_amount(line.percent),
                "a_upfront": pricing.amount_text(line.a_shown_upfront),
                "b_upfront": pricing.amount_text(line.b_shown_upfront),
                "upfront_delta": pricing.amount_text(line.shown_upfront_delta),
                "price_effect": _optional_amount(line.shown_price_effect),
                "usage_effect": _optional_amount(line.shown_usage_effect),
            }
            for line in comparison.lines
        ],
        "unchanged_lines": len(comparison.unchanged),
    }


def imported_item_as_json(item: terraform.ImportedItem) -> dict:
    """An imported item in a quote body's shape, so that `{"items": [...]}` posts as it is."""
    return {
        "service": item.service,
        "region": item.region,
        "accounts": item.accounts,
        "group": item.group,
        "usage": {key: pricing.decimal_text(value) for key, value in item.usage.items()},
    }


def import_as_json(
    catalog: pricing.Catalog, result: terraform.ImportResult, quote: pricing.Quote
) -> dict:
    """A Terraform import: the items, what they still need, what is left out, and their quote."""
    return {
        "items": [imported_item_as_json(item) for item in result.items],
        "needs_usage": [
            {
                "address": need.address,
                "service": need.service,
                "usage_key": need.usage_key,
                "hint": need.label_hint,
            }
            for need in result.needs_usage
        ],
        "unpriced": [
            {
                "address": entry.address,
                "type": entry.type,
                "usage_key": entry.usage_key or None,
                "reason": entry.reason,
            }
            for entry in result.unpriced
        ],
        "warnings": list(result.warnings),
        "quote": quote_as_json(catalog, quote),
    }


def safe_json_response(body: dict, status: int = 200) -> HttpResponse:
    """JSON with <, > and & escaped, so that user text stays inert even pasted into HTML."""
    text = (
        json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )
    return HttpResponse(text, status=status, content_type="application/json")


def as_download(response: HttpResponse, filename: str) -> HttpResponse:
    """A saved estimate's JSON is a document to keep: a browser following its link saves it."""
    response.headers["Content-Disposition"] = content_disposition_header(True, filename)
    return response


# ---------------------------------------------------------------------------------------------
# Errors: {"errors": [{"item", "field", "message"}]}


def errors_response(errors: list[FieldError], status: int = 400) -> JsonResponse:
    body = {"errors": [{"item": e.item, "field": e.field, "message": e.message} for e in errors]}
    return JsonResponse(body, status=status)


def error_response(field: str, message: str, status: int = 400) -> JsonResponse:
    return errors_response([FieldError(None, field, message)], status)


def no_price_book_response() -> JsonResponse:
    return error_response("price_book", "No price book is published yet.", 503)


def not_found_response() -> JsonResponse:
    return error_response("id", "No estimate has this id.", 404)


UNPRICEABLE_MESSAGE = "Estimate {id} was saved with data its price book cannot price any more"


def unpriceable_response(estimate: Estimate) -> JsonResponse:
    """409: a saved estimate that cannot be priced any more, with what stops it."""
    prefix = UNPRICEABLE_MESSAGE.format(id=estimate.public_id)
    errors = [
        FieldError(error.item, error.field, f"{prefix}: {error.message}")
        for error in estimate.pricing_errors
    ]
    return errors_response(errors, 409)
