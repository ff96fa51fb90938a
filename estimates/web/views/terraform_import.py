"""Import a Terraform plan into the editor: a file upload that works without JavaScript."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.forms import BoundField
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from estimates import pricing
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


# The session key an import's result waits under between its POST and the editor's GET, and
# until a save of that editor reads what it could not price.
SESSION_KEY = editor_views.TERRAFORM_IMPORT_SESSION_KEY


@require_http_methods(["GET", "POST"])
def terraform_import(request: HttpRequest) -> HttpResponse:
    """GET: the upload form. POST: read the plan, keep its cards in the session and redirect to
    the filled editor (post/redirect/get: a reload never posts the plan again); or the form
    with messages."""
    book = PriceBook.objects.current()
    if book is None:
        return editor_views.no_price_book(request)
    if request.method == "GET":
        return render(request, TEMPLATE, {"form": TerraformImportForm(price_book=book)})
    form = TerraformImportForm(request.POST, request.FILES, price_book=book)
    if not form.is_valid():
        return render(request, TEMPLATE, {"form": form}, status=400)
    # The database-backed session: any process behind the load balancer can answer the GET.
    request.session[SESSION_KEY] = {
        # Names this import in the editor's form, so that its save finds what it left out.
        "import_id": uuid.uuid4().hex,
        "plan_name": form.cleaned_data["plan"].name,
        "name": form.estimate_name(),
        "result": result_as_session(form.cleaned_data["result"]),
    }
    return redirect("estimates:import_terraform_editor", permanent=False)


@require_GET
def terraform_import_editor(request: HttpRequest) -> HttpResponse:
    """The editor filled with the plan imported last in this session, and what it needs."""
    book = PriceBook.objects.current()
    if book is None:
        return editor_views.no_price_book(request)
    stored = request.session.get(SESSION_KEY)
    if not stored:
        return redirect("estimates:import_terraform")
    result = result_from_session(stored["result"])
    data = CardFormSet.data_for([item.as_item() for item in result.items])
    data.update(
        {
            "free_tier": "on",
            "name": stored["name"],
            "unpriced_resources": str(len(result.unpriced)),
            "terraform_import": stored.get("import_id", ""),
        }
    )
    editor = editor_views.build_editor(book.catalog(), data)
    imported = Imported(stored["plan_name"], result, needed_usage(editor, result))
    return render(
        request, editor_views.TEMPLATE, editor_views.editor_context(editor, imported=imported)
    )


def result_as_session(result: terraform.ImportResult) -> dict:
    """An import's result as JSON the session stores (quantities as exact decimal text)."""
    return {
        "items": [
            {
                **asdict(item),
                "usage": {key: pricing.decimal_text(value) for key, value in item.usage.items()},
            }
            for item in result.items
        ],
        "needs_usage": [asdict(need) for need in result.needs_usage],
        "unpriced": [asdict(entry) for entry in result.unpriced],
        "warnings": list(result.warnings),
    }


def result_from_session(stored: dict) -> terraform.ImportResult:
    return terraform.ImportResult(
        items=[
            terraform.ImportedItem(
                **{
                    **item,
                    "usage": {key: Decimal(value) for key, value in item["usage"].items()},
                    "addresses": tuple(item["addresses"]),
                }
            )
            for item in stored["items"]
        ],
        needs_usage=[terraform.NeedsUsage(**need) for need in stored["needs_usage"]],
        unpriced=[terraform.Unpriced(**entry) for entry in stored["unpriced"]],
        warnings=list(stored["warnings"]),
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
