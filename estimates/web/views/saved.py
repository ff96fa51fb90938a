"""Saved estimates: the shared page, its CSV, and repricing into a new copy."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from estimates import pricing, ratelimit
from estimates.models import Estimate
from estimates.web.exports import write_estimate_csv
from estimates.web.forms import CompareWithForm


def load_estimate(public_id: UUID) -> Estimate:
    """The estimate with this public id, or a 404."""
    return get_object_or_404(
        Estimate.objects.select_related("price_book", "copied_from"), public_id=public_id
    )


def rate_limited_page(request: HttpRequest, decision: ratelimit.Decision) -> HttpResponse:
    """The 429 page for a client that saved too often, with Retry-After."""
    response = render(
        request,
        "429.html",
        {"limit": decision.limit, "retry_after": decision.retry_after},
        status=429,
    )
    response["Retry-After"] = str(decision.retry_after)
    return response


def unpriceable_page(request: HttpRequest, *estimates: Estimate) -> HttpResponse | None:
    """A 409 page naming what stops these saved estimates from being priced, or None when
    every one of them prices."""
    broken = [estimate for estimate in estimates if estimate.pricing_errors]
    if not broken:
        return None
    return render(request, "estimates/unpriceable.html", {"estimates": broken}, status=409)


def render_detail(
    request: HttpRequest,
    estimate: Estimate,
    status: int = 200,
    reprice_errors: list[pricing.FieldError] | None = None,
    compare_form: CompareWithForm | None = None,
) -> HttpResponse:
    unpriceable = unpriceable_page(request, estimate)
    if unpriceable is not None:
        return unpriceable
    context = {
        "estimate": estimate,
        "quote": estimate.quote(),
        "projected": estimate.project(),
        "net": estimate.net_quote(),
        "catalog": estimate.price_book.catalog(),
        "share_url": request.build_absolute_uri(estimate.get_absolute_url()),
        "lineage": estimate.lineage(),
        "movement": estimate.price_movement(),
        "reprice_errors": reprice_errors or [],
        "compare_form": compare_form or CompareWithForm(),
    }
    return render(request, "estimates/detail.html", context, status=status)


@require_GET
def estimate_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """A saved estimate as it was saved, and what the current price book would change."""
    return render_detail(request, load_estimate(public_id))


@require_GET
def estimate_csv(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """A saved estimate as a CSV download (UTF-8 with a BOM, so Excel reads it as UTF-8)."""
    estimate = load_estimate(public_id)
    unpriceable = unpriceable_page(request, estimate)
    if unpriceable is not None:
        return unpriceable
    filename = f"costcalc-{slugify(estimate.name)[:60] or 'estimate'}-{str(public_id)[:8]}.csv"
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )
    response.write("\ufeff")
    write_estimate_csv(estimate, response)
    return response


@require_POST
def estimate_reprice(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Save a copy priced with the current book and open it; the original stays as it was."""
    estimate = load_estimate(public_id)
    unpriceable = unpriceable_page(request, estimate)
    if unpriceable is not None:
        return unpriceable
    movement = estimate.price_movement()
    if movement is None or not movement.changed:
        return redirect(estimate)
    decision = ratelimit.hit_save(request)
    if not decision.allowed:
        return rate_limited_page(request, decision)
    try:
        copy = estimate.reprice()
    except pricing.PricingError as error:
        return render_detail(request, estimate, status=409, reprice_errors=error.errors)
    return redirect(copy)
