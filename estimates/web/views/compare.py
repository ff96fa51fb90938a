"""Two saved estimates side by side: the page, its CSV, and the picker on a saved page."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from estimates.web.exports import write_comparison_csv
from estimates.web.forms import CompareWithForm
from estimates.web.views.saved import load_estimate, render_detail, unpriceable_page


@require_GET
def compare_detail(request: HttpRequest, a: UUID, b: UUID) -> HttpResponse:
    """What estimate B changes from A: totals, then every line that differs."""
    first, second = load_estimate(a), load_estimate(b)
    unpriceable = unpriceable_page(request, first, second)
    if unpriceable is not None:
        return unpriceable
    context = {
        "a": first,
        "b": second,
        "comparison": first.compare_to(second),
        "projections": first.compare_projection_to(second),
        "net_comparison": first.compare_net_to(second),
    }
    return render(request, "estimates/compare.html", context)


@require_GET
def compare_csv(request: HttpRequest, a: UUID, b: UUID) -> HttpResponse:
    """The comparison as a CSV download (UTF-8 with a BOM, so Excel reads it as UTF-8)."""
    first, second = load_estimate(a), load_estimate(b)
    unpriceable = unpriceable_page(request, first, second)
    if unpriceable is not None:
        return unpriceable
    filename = f"costcalc-compare-{str(a)[:8]}-{str(b)[:8]}.csv"
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )
    response.write("\ufeff")
    write_comparison_csv(response, first, second, first.compare_to(second))
    return response


@require_GET
def compare_pick(request: HttpRequest, a: UUID) -> HttpResponse:
    """Compare a saved estimate with a pasted link; a bad link gets a message beside it."""
    estimate = load_estimate(a)
    form = CompareWithForm(request.GET)
    if form.is_valid():
        return redirect("compare:detail", estimate.public_id, form.cleaned_data["other"].public_id)
    return render_detail(request, estimate, compare_form=form)
