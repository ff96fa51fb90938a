"""The JSON API: the catalog, quotes, saved estimates and Terraform imports. The shapes are
declared once in shapes.py; payloads.py reads and writes them, openapi.py describes them."""

from __future__ import annotations

import json
import re
import tempfile
import uuid
from pathlib import Path

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse

from estimates import pricing, ratelimit
from estimates.api import http, payloads, schema, shapes
from estimates.importers import billing, terraform
from estimates.models import Estimate, NamedTerms, PriceBook
from estimates.pricing import projection
from estimates.pricing import terms as _terms


@http.endpoint("GET")
def services(request: HttpRequest) -> HttpResponse:
    """The catalog of the current price book: services, their usage inputs and Regions."""
    book = PriceBook.objects.current()
    if book is None:
        return payloads.no_price_book_response()
    return JsonResponse(payloads.catalog_as_json(book.catalog()))


@http.endpoint("POST")
def quote(request: HttpRequest) -> HttpResponse:
    """Price an estimate with the current price book, or the published one it names."""
    decision = ratelimit.hit_quote(request)
    if not decision.allowed:
        return rate_limited_response(decision, "quotes")
    payload, errors = http.read_json(request)
    if errors:
        return payloads.errors_response(errors)
    if _chosen_book_id(payload) is None:
        catalog = PriceBook.objects.current_catalog()
    else:
        book, error = _chosen_book(payload)
        if error:
            return error
        catalog = book.catalog()
    if catalog is None:
        return payloads.no_price_book_response()
    free_tier, items, errors = payloads.read_quote_body(catalog, payload)
    plan, projection_errors = payloads.read_projection(payload)
    terms, _named, terms_errors = payloads.read_terms(catalog, payload)
    if errors or projection_errors or terms_errors:
        return payloads.errors_response(errors + projection_errors + terms_errors)
    # before any of the work is done
    errors = projection.check_work(items, plan) or pricing.check_lines(
        catalog, items, projection.months_priced_by_line(plan, terms)
    )
    if errors:
        return payloads.errors_response(errors)
    priced = pricing.price_items(catalog, items, free_tier)
    result = None
    if plan is not None:
        try:
            result = projection.project(catalog, items, free_tier, plan, first=priced, terms=terms)
        except pricing.PricingError as error:
            return payloads.errors_response(error.errors)
    # List prices in USD answer no net figures: a line-by-line copy of the quote for nothing.
    net = None if terms.is_list else _terms.apply_terms(catalog, priced, terms)
    notes = payloads.read_item_notes(payload)
    return JsonResponse(payloads.quote_as_json(catalog, priced, result, net, notes))


def find_estimate(public_id: str) -> Estimate | None:
    """The estimate with this public id, or None for an unknown or malformed one.

    An id has one form, lower-case and dashed, as every link and answer writes it and as the
    pages' <uuid:> routes take it: `/E5B0…/` is a 404 on both, so an estimate has one address.
    """
    if not schema.is_id(public_id):
        return None
    parsed = uuid.UUID(public_id)
    return (
        Estimate.objects.select_related("price_book", "copied_from")
        .filter(public_id=parsed)
        .first()
    )


@http.endpoint("POST")  # No side effects: like the quote, it reads what was posted and prices it.
def import_terraform(request: HttpRequest) -> HttpResponse:
    """Estimate items from a Terraform JSON plan, priced with the current book; saves nothing."""
    # Read the stream, not request.body, whose 2.5 MB limit (DATA_UPLOAD_MAX_MEMORY_SIZE) is
    # right for every other endpoint; a plan may be 20 MB, and no more is ever read.
    message = terraform.too_big(payloads.content_length(request))
    if message:
        return payloads.error_response("plan", message, 413)
    if http.has_body(request) or request.content_type:
        http.check_json_media_type(request, "plan")
    book = PriceBook.objects.current()
    if book is None:
        return payloads.no_price_book_response()
    raw = request.read(terraform.MAX_PLAN_BYTES + 1)
    # The importer reads a UTF-16 file too (the upload page takes what PowerShell writes); the
    # API takes UTF-8 JSON only, as its other endpoints do.
    if http.other_unicode(raw):
        return payloads.error_response("plan", f"Send the plan as {http.JSON} in UTF-8.", 415)
    try:
        plan, usage, errors = payloads.read_import_body(raw)
        if errors:
            return payloads.errors_response(errors)
        result = book.import_terraform(plan, usage)
    except terraform.PlanError as error:
        return payloads.error_response(error.field, str(error))
    catalog = book.catalog()
    priced = pricing.price_items(catalog, [item.as_item() for item in result.items])
    return payloads.safe_json_response(payloads.import_as_json(catalog, result, priced))


# The body types a bill may be sent as; the file's own bytes then say which it is.
BILL_CONTENT_TYPES = frozenset(
    {"text/csv", "application/gzip", "application/x-gzip", "application/vnd.apache.parquet"}
)
MULTIPART = "multipart/form-data"
CHUNK = 1024 * 1024


@http.endpoint("POST")  # No side effects: like the quote, it reads what was posted and prices it.
def import_billing(request: HttpRequest) -> HttpResponse:
    """Estimate items and the reconciliation from a CUR or FOCUS export; saves nothing."""
    limit = billing.MAX_UPLOAD_BYTES
    message = billing.too_big(payloads.content_length(request), limit)
    if message:
        return payloads.error_response("file", message, 413)
    if not payloads.content_length(request) and request.content_type != MULTIPART:
        return payloads.error_response("file", "The file is empty.")
    if request.content_type != MULTIPART and request.content_type not in BILL_CONTENT_TYPES:
        return payloads.error_response(
            "body",
            "Send the export as text/csv, application/gzip or application/vnd.apache.parquet, "
            "or as the multipart field file.",
            415,
        )
    options = request.POST if request.content_type == MULTIPART else request.GET
    book, error = _query_book(options.get("price_book") or request.GET.get("price_book"))
    if error:
        return error
    with tempfile.TemporaryDirectory(prefix="costcalc-upload-") as folder:
        path = Path(folder) / "export"
        if request.content_type == MULTIPART:
            upload = request.FILES.get("file")
            if upload is None:
                return payloads.error_response("file", "Send the export as the field file.")
            if message := billing.too_big(upload.size, limit):
                return payloads.error_response("file", message, 413)
            with open(path, "wb") as target:
                for chunk in upload.chunks(CHUNK):
                    target.write(chunk)
        elif not _stream_to(request, path, limit):
            return payloads.error_response("file", billing.too_big(limit + 1, limit), 413)
        try:
            imported = book.import_billing(
                path,
                billing_period=options.get("billing_period") or None,
                group_by=options.get("group_by") or billing.BY_SERVICE,
            )
        except billing.BillingError as error:
            return payloads.error_response(error.field, str(error))
    return payloads.safe_json_response(payloads.billing_import_as_json(book.catalog(), imported))


def _stream_to(request: HttpRequest, path: Path, limit: int) -> bool:
    """Copy the body to `path`; False once it passes `limit` (a chunked body has no length)."""
    written = 0
    with open(path, "wb") as target:
        while chunk := request.read(CHUNK):
            written += len(chunk)
            if written > limit:
                return False
            target.write(chunk)
    return True


def _query_book(chosen: str | None) -> tuple[PriceBook | None, HttpResponse | None]:
    """The published book `?price_book=<id>` names, else the current one."""
    if not chosen:
        book = PriceBook.objects.current()
        return book, None if book else payloads.no_price_book_response()
    book = None
    if re.fullmatch(r"[0-9]{1,19}", chosen):
        book = PriceBook.objects.published_book(int(chosen))
    if book is None:
        message = f"No published price book has the id {json.dumps(chosen)}."
        return None, payloads.error_response("price_book", message)
    return book, None


@http.endpoint("GET")
def estimate_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """A saved estimate as JSON, priced with the book it was saved with."""
    estimate = find_estimate(public_id)
    if estimate is None:
        return payloads.not_found_response()
    if estimate.pricing_errors:
        return payloads.unpriceable_response(estimate)
    response = payloads.safe_json_response(payloads.estimate_as_json(estimate))
    return payloads.as_download(response, f"costcalc-{estimate.public_id}.json")


@http.endpoint("GET")
def compare(request: HttpRequest, a: str, b: str) -> HttpResponse:
    """Two saved estimates line by line: what B changes from A."""
    first, second = find_estimate(a), find_estimate(b)
    if first is None or second is None:
        return payloads.not_found_response()
    for estimate in (first, second):
        if estimate.pricing_errors:
            return payloads.unpriceable_response(estimate)
    comparison = first.compare_to(second)
    response = payloads.safe_json_response(payloads.comparison_as_json(first, second, comparison))
    filename = f"costcalc-compare-{str(first.public_id)[:8]}-{str(second.public_id)[:8]}.json"
    return payloads.as_download(response, filename)


@http.endpoint("POST")
def estimate_create(request: HttpRequest) -> HttpResponse:
    """Save an estimate priced with the current book (or the published one it names)."""
    # CSRF-exempt is safe only because a cross-site page cannot send application/json
    # without a CORS preflight, which this app never answers; a form could send text/plain.
    if http.has_body(request) and request.content_type != http.JSON:
        return payloads.error_response("body", "Send the estimate as application/json.", 415)
    decision = ratelimit.hit_save(request)
    if not decision.allowed:
        return rate_limited_response(decision)
    payload, errors = http.read_json(request)
    if errors:
        return payloads.errors_response(errors)
    book, error = _chosen_book(payload)
    if error:
        return error
    free_tier, items, errors = payloads.read_quote_body(book.catalog(), payload)
    plan, projection_errors = payloads.read_projection(payload)
    terms, named, terms_errors = payloads.read_terms(book.catalog(), payload)
    if errors or projection_errors or terms_errors:
        return payloads.errors_response(errors + projection_errors + terms_errors)
    copied_from, errors = _copied_from(payload)
    if errors:
        return payloads.errors_response(errors)
    # what a quote would price, no more
    errors = pricing.check_lines(
        book.catalog(), items, projection.months_priced_by_line(plan, terms)
    )
    if errors:
        return payloads.errors_response(errors)
    try:
        estimate = Estimate.objects.create_from_items(
            name=payload.get("name", ""),
            # null is "", anything but text is the model's 400 (not a quiet "": false is no text)
            description=_or_empty(payload.get("description")),
            price_book=book,
            items=items,
            notes=payloads.read_item_notes(payload),
            free_tier=free_tier,
            copied_from=copied_from,
            projection=plan,
            terms=terms,
            named_terms=named,
        )
    except pricing.PricingError as error:
        return payloads.errors_response(error.errors)
    # A projection asked for is answered, as a quote does.
    body = payloads.saved_as_json(request, estimate, asked=plan is not None)
    response = payloads.safe_json_response(body, status=201)
    response["Location"] = body["url"]
    return response


def _chosen_book_id(payload: object) -> object:
    return payload.get("price_book") if isinstance(payload, dict) else None


def _chosen_book(payload: object) -> tuple[PriceBook | None, HttpResponse | None]:
    """The published book a body names (`"price_book": 2`), else the current one."""
    chosen = _chosen_book_id(payload)
    if chosen is None:
        book = PriceBook.objects.current()
        return book, None if book else payloads.no_price_book_response()
    book = PriceBook.objects.published_book(chosen)
    if book is None:
        shown = json.dumps(chosen, default=str)  # as the body wrote it, not as Python does
        message = f"No published price book has the id {shown}."
        return None, payloads.error_response("price_book", message)
    return book, None


def rate_limited_response(decision: ratelimit.Decision, what: str = "saves") -> HttpResponse:
    message = (
        f"Too many {what} from your address: at most {decision.limit} in a while. "
        f"Try again in {decision.retry_after} seconds."
    )
    response = payloads.error_response("rate", message, 429)
    response["Retry-After"] = str(decision.retry_after)
    return response


def _or_empty(value: object) -> object:
    return "" if value is None else value


def _copied_from(payload: dict) -> tuple[Estimate | None, list[pricing.FieldError]]:
    """The estimate a save copies: null for none; an id in its one form, of a saved estimate."""
    raw = payload.get("copied_from")
    if raw is None:
        return None, []
    field = shapes.SAVE_BODY["copied_from"]
    message = field.check(raw)
    estimate = None if message else find_estimate(raw)
    if estimate is None:
        return None, [pricing.FieldError(None, "copied_from", message or field.message("*"))]
    return estimate, []


@http.endpoint("POST")
def terms_create(request: HttpRequest) -> HttpResponse:
    """Save named terms (`{"name", "terms"}`), checked against the current book."""
    # As for a save: only application/json, which a cross-site form cannot send.
    if request.content_type != http.JSON:
        return payloads.error_response("body", "Send the terms as application/json.", 415)
    decision = ratelimit.hit_save(request)
    if not decision.allowed:
        return rate_limited_response(decision)
    payload, errors = http.read_json(request)
    if errors:
        return payloads.errors_response(errors)
    book = PriceBook.objects.current()
    if book is None:
        return payloads.no_price_book_response()
    name, terms, errors = payloads.read_named_terms_body(book.catalog(), payload)
    if errors:
        return payloads.errors_response(errors)
    named = NamedTerms(name=name, terms=_terms.terms_as_json(terms))
    named.save()
    response = payloads.safe_json_response(payloads.named_terms_as_json(named), status=201)
    response["Location"] = request.build_absolute_uri(
        reverse("api:named_terms", args=[named.public_id])
    )
    return response


@http.endpoint("GET")
def terms_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """Named terms as they are now (a saved estimate keeps its own copy)."""
    named = payloads.find_named_terms(public_id)
    if named is None:
        return payloads.error_response("id", "No named terms have this id.", 404)
    return payloads.safe_json_response(payloads.named_terms_as_json(named))
