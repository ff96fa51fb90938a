"""Import a Terraform plan into the editor: a file upload that works without JavaScript."""

from __future__ import annotations

from dataclasses import dataclass

from django.forms import BoundField
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from estimates.importers import terraform
from estimates.models import PriceBook
from estimates.web.forms import CardFormSet, TerraformImportForm
from estimates.web.views import editor as editor_views

TEMPLATE = "estimates/terraform_import.html"


@dataclass(frozen=True)
class NeededUsage:
    """A usage key a resource needs, with the card field to type it in."""

    need: terraform.NeedsUsage
    service_name: str
    field: BoundField | None


@dataclass(frozen=True)
class Imported:
    """What the editor shows beside the cards a plan filled in."""

    plan_name: str
    result: terraform.ImportResult
    needs_usage: list[NeededUsage]

    @property
    def resource_count(self) -> int:
        return sum(len(item.addresses) for item in self.result.items)


@require_http_methods(["GET", "POST"])
def terraform_import(request: HttpRequest) -> HttpResponse:
    """GET: the upload form. POST: the editor with the plan's cards, or the form with messages."""
    book = PriceBook.objects.current()
    if book is None:
        return editor_views.no_price_book(request)
    if request.method == "GET":
        return render(request, TEMPLATE, {"form": TerraformImportForm(price_book=book)})
    form = TerraformImportForm(request.POST, request.FILES, price_book=book)
    if not form.is_valid():
        return render(request, TEMPLATE, {"form": form}, status=400)
    result = form.cleaned_data["result"]
    data = CardFormSet.data_for([item.as_item() for item in result.items])
    data.update({"free_tier": "on", "name": form.estimate_name()})
    editor = editor_views.build_editor(book.catalog(), data)
    imported = Imported(form.cleaned_data["plan"].name, result, needed_usage(editor, result))
    return render(
        request, editor_views.TEMPLATE, editor_views.editor_context(editor, imported=imported)
    )


def needed_usage(editor: editor_views.Editor, result: terraform.ImportResult) -> list[NeededUsage]:
    """Each usage a resource needs, beside the field of the card its resource went into."""
    card_of = {
        address: index for index, item in enumerate(result.items) for address in item.addresses
    }
    rows = []
    for need in result.needs_usage:
        index = card_of.get(need.address)
        form = editor.cards[index].form if index is not None else None
        field = form[need.usage_key] if form is not None and need.usage_key in form.fields else None
        service = editor.catalog.services.get(need.service)
        rows.append(NeededUsage(need, service.name if service else need.service, field))
    return rows
