"""Import a bill into the editor: a file upload that works without JavaScript."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from estimates.models import PriceBook
from estimates.web.forms import BillingImportForm, CardFormSet
from estimates.web.views import editor as editor_views

TEMPLATE = "estimates/billing_import.html"


@require_http_methods(["GET", "POST"])
def billing_import(request: HttpRequest) -> HttpResponse:
    """GET: the upload form. POST: the editor with the bill's cards and the reconciliation
    beside them, or the form with its messages (nothing of a file that failed is shown)."""
    book = PriceBook.objects.current()
    if book is None:
        return editor_views.no_price_book(request)
    if request.method == "GET":
        return render(request, TEMPLATE, {"form": BillingImportForm(price_book=book)})
    form = BillingImportForm(request.POST, request.FILES, price_book=book)
    if not form.is_valid():
        return render(request, TEMPLATE, {"form": form}, status=400)
    imported = form.cleaned_data["imported"]
    items = imported.result.items
    data = CardFormSet.data_for(
        [item.as_item() for item in items], tuple(item.notes for item in items)
    )
    data.update(
        {
            "free_tier": "on",
            "name": form.estimate_name(),
            "description": f"From the bill for {imported.billing_period}.",
        }
    )
    editor = editor_views.build_editor(book.catalog(), data)
    cards = list(zip(items, editor.cards, strict=True))
    return render(
        request,
        editor_views.TEMPLATE,
        editor_views.editor_context(
            editor, bill=imported, bill_file=form.cleaned_data["file"].name, bill_cards=cards
        ),
    )
