"""Named terms: an organisation's agreement typed once (/terms/) and picked in the editor."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from estimates.models import NamedTerms, PriceBook
from estimates.pricing import terms as _terms
from estimates.web.terms_forms import NamedTermsForm
from estimates.web.views.editor import no_price_book


@require_http_methods(["GET", "POST"])
def terms_index(request: HttpRequest) -> HttpResponse:
    """Every named terms; POST saves new ones and goes to their page."""
    catalog = PriceBook.objects.current_catalog()
    if catalog is None:
        return no_price_book(request)
    form = NamedTermsForm(request.POST or None, catalog=catalog)
    if request.method == "POST" and form.is_valid():
        named = NamedTerms(name=form.cleaned_data["name"], terms=_terms.terms_as_json(form.terms))
        named.save()
        return redirect(named)
    status = 400 if request.method == "POST" else 200
    context = {"named_terms": NamedTerms.objects.all(), "form": form}
    return render(request, "terms/index.html", context, status=status)


@require_http_methods(["GET", "POST"])
def terms_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Named terms and the estimates saved with them; POST changes them for new estimates only."""
    named = get_object_or_404(NamedTerms, public_id=public_id)
    catalog = PriceBook.objects.current_catalog()
    if catalog is None:
        return no_price_book(request)
    if request.method == "POST":
        form = NamedTermsForm(request.POST, catalog=catalog)
        if form.is_valid():
            named.set_terms(form.cleaned_data["name"], form.terms)
            return redirect(named)
    else:
        form = NamedTermsForm(
            {"name": named.name, **NamedTermsForm.data_for(named.terms)}, catalog=catalog
        )
    context = {
        "named": named,
        "form": form,
        "estimates": named.estimates.select_related("price_book")[:50],
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "terms/detail.html", context, status=status)
