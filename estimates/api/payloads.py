"""The API's JSON, both ways: reading request bodies into engine items, writing quotes,
estimates and errors, each through its one declaration in shapes.py (which the OpenAPI document
is made from too). The JSON counterpart of web/exports.py; the views in views.py only call it.
"""

from __future__ import annotations

import json
import uuid
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.http import content_disposition_header

from estimates import pricing
from estimates.api import schema, shapes
from estimates.importers import billing, terraform
from estimates.models import Estimate, NamedTerms
from estimates.pricing import compare, projection
from estimates.pricing import terms as _terms

FieldError = pricing.FieldError


# ---------------------------------------------------------------------------------------------
# Reading


def read_json_text(text: str) -> tuple[object, list[FieldError]]:
    """JSON text with exact Decimals (never floats), or a field error."""
    try:
        return pricing.exact_json(text), []
    except pricing.NumberTooLarge as error:
        message = f"A number in the body is {error.words} to read."
        return None, [FieldError(None, "body", message)]
    except (ValueError, RecursionError):
        return None, [FieldError(None, "body", "The body is not valid JSON.")]


# What a body and an item may hold (their declarations): anything else is an error, so a typo
# (`"acounts"`) never prices something other than what was meant.
BODY_FIELDS = shapes.SAVE_BODY.names
ITEM_FIELDS = shapes.QUOTE_ITEM_BODY.names
BODY = shapes.SAVE_BODY
ITEM = shapes.QUOTE_ITEM_BODY


def read_quote_body(
    catalog: pricing.Catalog, payload: object
) -> tuple[bool, list[pricing.Item], list[FieldError]]:
    """A quote body (`{"free_tier", "items": [...]}`) as items, checked against the catalog.

    Each item is checked once: what does not parse is reported as such, the rest by the engine.
    """
    if not isinstance(payload, dict):
        return True, [], [FieldError(None, "body", "The body must be a JSON object.")]
    errors = BODY.unknown(payload, None)
    free_tier = payload.get("free_tier", True)
    message = BODY["free_tier"].check(free_tier)
    if message:
        errors.append(FieldError(None, "free_tier", message))
        free_tier = True
    raw_items = payload.get("items", [])
    message = BODY["items"].check(raw_items)
    if message:
        return free_tier, [], [*errors, FieldError(None, "items", message)]
    items = []
    for index, raw in enumerate(raw_items):
        item, item_errors = _read_item(raw, index, catalog)
        if item is not None:
            reported = {error.field for error in item_errors}
            checked = pricing.check_item(catalog, item, index)
            item_errors += [error for error in checked if error.field not in reported]
            items.append(item)
        errors += item_errors
    if not errors:
        errors = pricing.check_waivers(catalog, tuple(items))
    return free_tier, items, errors


def _read_item(
    raw: object, index: int, catalog: pricing.Catalog
) -> tuple[pricing.Item | None, list[FieldError]]:
    """One item's JSON as an engine item; what does not parse is reported and left out."""
    if not isinstance(raw, dict):
        return None, [FieldError(index, "item", "Each item must be a JSON object.")]
    service = raw.get("service")
    message = ITEM["service"].check(service)
    if message:
        return None, [FieldError(index, "service", message)]
    errors = ITEM.unknown(raw, index)
    regions, region_errors = _read_regions(raw, index)
    errors += region_errors
    group = raw.get("group", "")
    message = ITEM["group"].check(group)
    if message:
        errors.append(FieldError(index, "group", message))
    group = "" if message or group is None else group
    message = ITEM["notes"].check(raw.get("notes", ""))
    if message:
        errors.append(FieldError(index, "notes", message))
    accounts = raw.get("accounts", 1)
    message = pricing.check_accounts(accounts)
    if message:
        errors.append(FieldError(index, "accounts", message))
        accounts = 1
    raw_usage = raw.get("usage", {})
    message = ITEM["usage"].check(raw_usage)
    if message:
        return None, [*errors, FieldError(index, "usage", message)]
    usage: dict[str, Decimal] = {}
    service_spec = catalog.services.get(service)
    for key, raw_value in raw_usage.items():
        spec = service_spec.input(str(key)) if service_spec else None
        try:
            if raw_value is None:
                raise ValueError("Enter a number.")
            if isinstance(raw_value, bool) and spec is not None and spec.is_switch:
                usage[str(key)] = Decimal(int(raw_value))  # a yes/no input: true is 1
                continue
            usage[str(key)] = pricing.parse_quantity(raw_value)
        except ValueError as error:
            errors.append(FieldError(index, str(key), str(error)))
    item = pricing.Item(
        service=service, group=group, usage=usage, accounts=int(accounts), regions=regions
    )
    return item, errors


def read_item_notes(payload: object) -> tuple[str, ...]:
    """Each item's notes ("" when it has none), in order, of a body read_quote_body took."""
    raw_items = payload.get("items", []) if isinstance(payload, dict) else []
    return tuple(raw.get("notes", "") if isinstance(raw, dict) else "" for raw in raw_items or [])


def _read_regions(raw: dict, index: int) -> tuple[tuple[str, ...], list[FieldError]]:
    """`"region": "us-east-1"` or `"regions": [...]`, not both; us-east-1 when neither."""
    if "region" in raw and "regions" in raw:
        message = shapes.BOTH_REGIONS_MESSAGE
        return (pricing.DEFAULT_REGION,), [FieldError(index, "regions", message)]
    if "regions" in raw:
        regions = raw["regions"]
        rule = ITEM["regions"].broken(regions)
        if rule is None:
            return tuple(regions), []
        error = FieldError(index, "regions", ITEM["regions"].message(rule))
        if rule == "uniqueItems":
            return tuple(dict.fromkeys(regions)), [error]
        return (pricing.DEFAULT_REGION,), [error]
    region = raw.get("region", pricing.DEFAULT_REGION)
    message = ITEM["region"].check(region)
    if message:
        return (pricing.DEFAULT_REGION,), [FieldError(index, "region", message)]
    return (region,), []


# What a Terraform import body may hold when it is not the plan itself.
IMPORT_FIELDS = shapes.IMPORT_BODY.names


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
    errors = shapes.IMPORT_BODY.unknown(data, None)
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


def read_terms(
    catalog: pricing.Catalog, payload: object
) -> tuple[_terms.Terms, NamedTerms | None, list[FieldError]]:
    """The body's `terms` (`{"discount_percent": "10", ...}`), or the named terms `terms_id`
    names; list prices in USD when it has neither."""
    if not isinstance(payload, dict):
        return _terms.Terms(), None, []
    raw, terms_id = payload.get("terms"), payload.get("terms_id")
    if terms_id is None:
        terms, errors = _terms.parse_terms(catalog, raw)
        return terms, None, errors
    if raw is not None:
        message = 'Give either "terms" or "terms_id", not both.'
        return _terms.Terms(), None, [FieldError(None, "terms_id", message)]
    named = find_named_terms(terms_id)
    if named is None:
        return _terms.Terms(), None, [FieldError(None, "terms_id", "No named terms have this id.")]
    terms, errors = named.as_terms(catalog)
    return terms, named, errors


def find_named_terms(public_id: object) -> NamedTerms | None:
    """The named terms with this public id (in its one form, lower-case and dashed, as an
    estimate's), or None for an unknown or malformed one."""
    if not schema.is_id(public_id):
        return None
    return NamedTerms.objects.filter(public_id=uuid.UUID(public_id)).first()


def read_named_terms_body(
    catalog: pricing.Catalog, payload: object
) -> tuple[str, _terms.Terms, list[FieldError]]:
    """`{"name": "…", "terms": {…}}` (shapes.NAMED_TERMS_BODY): a name and terms, checked."""
    if not isinstance(payload, dict):
        return "", _terms.Terms(), [FieldError(None, "body", "The body must be a JSON object.")]
    errors = shapes.NAMED_TERMS_BODY.unknown(payload, None)
    name = payload.get("name", "")
    errors += NamedTerms.check_name(name)
    if payload.get("terms") is None:
        errors.append(FieldError(None, "terms", 'Send the terms: {"discount_percent": "10"}.'))
        return "", _terms.Terms(), errors
    terms, terms_errors = _terms.parse_terms(catalog, payload["terms"])
    return name.strip() if isinstance(name, str) else "", terms, errors + terms_errors


# ---------------------------------------------------------------------------------------------
# Writing: each answer as shapes.py declares it


def _net(net: _terms.NetQuote | None) -> _terms.NetQuote | None:
    """Net figures to write: none for terms that change nothing (the answer is as before)."""
    return None if net is None or net.terms.is_list else net


def catalog_as_json(catalog: pricing.Catalog) -> dict:
    return shapes.CATALOG.write(catalog)


def line_as_json(line: pricing.Line) -> dict:
    return shapes.LINE.write(line)


def quote_as_json(
    catalog: pricing.Catalog,
    quote: pricing.Quote,
    projected: projection.ProjectionResult | None = None,
    net: _terms.NetQuote | None = None,
    notes: tuple[str, ...] = (),
) -> dict:
    """A quote, with its projection when one was asked for, and its net figures with terms;
    each item with its notes as sent."""
    return shapes.QUOTE.write(shapes.Priced(catalog, quote, projected, _net(net), notes))


def estimate_as_json(estimate: Estimate) -> dict:
    """The quote's shape, priced with the pinned book, plus what identifies the estimate."""
    catalog = estimate.price_book.catalog()
    quote = estimate.quote()
    usages = tuple(item["usage"] for item in estimate.as_payload()["items"])
    priced = shapes.SavedPriced(
        catalog,
        quote,
        estimate.project(),
        _net(estimate.net_quote()),
        estimate.item_notes(),
        estimate,
        usages,
    )
    return shapes.ESTIMATE.write(priced)


def saved_as_json(request: HttpRequest, estimate: Estimate, asked: bool) -> dict:
    """A save's answer: the estimate's links, and its projection when the body asked for one."""
    return shapes.SAVED.write(
        shapes.SavedLinks(
            str(estimate.public_id),
            request.build_absolute_uri(estimate.get_absolute_url()),
            request.build_absolute_uri(estimate.get_csv_url()),
            request.build_absolute_uri(estimate.get_json_url()),
            estimate.project() if asked else None,
        )
    )


def projection_as_json(result: projection.ProjectionResult) -> dict:
    return shapes.PROJECTION.write(result)


def comparison_as_json(a: Estimate, b: Estimate, comparison: compare.EstimateComparison) -> dict:
    """Estimate A against B: both totals, the changes (B − A), and every line that differs."""
    return shapes.COMPARISON.write(
        shapes.Compared(a, b, comparison, a.compare_net_to(b), a.compare_projection_to(b))
    )


def named_terms_as_json(named: NamedTerms) -> dict:
    return shapes.NAMED_TERMS.write(named)


def imported_item_as_json(item: terraform.ImportedItem) -> dict:
    """An imported item in a quote body's shape, so that `{"items": [...]}` posts as it is."""
    return shapes.IMPORTED_ITEM.write(item)


def import_as_json(
    catalog: pricing.Catalog, result: terraform.ImportResult, quote: pricing.Quote
) -> dict:
    """A Terraform import: the items, what they still need, what is left out, and their quote."""
    return shapes.IMPORT_RESULT.write(shapes.Imported(catalog, result, quote))


def billing_import_as_json(catalog: pricing.Catalog, imported: billing.BillingImport) -> dict:
    """A bill's import: format and period, the cards, their quote and the reconciliation."""
    return shapes.BILLING_IMPORT.write(shapes.BillImported(catalog, imported))


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
    return JsonResponse(shapes.ERRORS.write(errors), status=status)


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
