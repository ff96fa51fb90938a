"""The estimator page: cards of services, live totals through htmx, and a no-JS path."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from .. import pricing, ratelimit
from ..forms import CARD_PREFIX, CardForm, CardFormSet, EstimateForm, card_data
from ..models import Estimate, PriceBook
from .saved import rate_limited_page

TEMPLATE = "estimates/editor.html"


@dataclass
class Card:
    form: object
    item_quote: pricing.ItemQuote | None

    @property
    def index(self) -> int:
        return int(self.form.prefix.rsplit("-", 1)[1])


@dataclass
class Editor:
    """Everything the editor page shows for one state of the form."""

    catalog: pricing.Catalog
    estimate_form: EstimateForm
    formset: CardFormSet
    cards: list[Card]
    quote: pricing.Quote | None

    @property
    def error_count(self) -> int:
        card_errors = sum(len(form.errors) for form in self.formset.forms)
        return card_errors + len(self.formset.non_form_errors()) + len(self.estimate_form.errors)

    @property
    def can_add(self) -> bool:
        return len(self.formset.forms) < pricing.MAX_ITEMS


def build_editor(catalog: pricing.Catalog, data: QueryDict | dict) -> Editor:
    """Bind the posted state, validate it and price it if it is valid."""
    estimate_form = EstimateForm(data)
    formset = CardFormSet(data, catalog=catalog)
    estimate_form.is_valid()
    free_tier = estimate_form.cleaned_data.get("free_tier", False)
    cards = [
        # A valid card shows its own lines even while another card waits for a fix.
        Card(form, pricing.price_item(form.service_spec, form.item(), free_tier))
        if form.is_valid()
        else Card(form, None)
        for form in formset.forms
    ]
    quote = None
    if formset.is_valid():
        quote = pricing.Quote(tuple(card.item_quote for card in cards), free_tier)
    return Editor(catalog, estimate_form, formset, cards, quote)


def raw_cards(data: QueryDict) -> list[dict[str, str]]:
    """The cards as posted, before validation, so that a card can be added or removed."""
    try:
        total = int(data.get(f"{CARD_PREFIX}-TOTAL_FORMS", "0"))
    except ValueError:
        total = 0
    cards = []
    for index in range(max(0, min(total, pricing.MAX_ITEMS))):
        prefix = f"{CARD_PREFIX}-{index}-"
        cards.append(
            {key[len(prefix) :]: data.get(key, "") for key in data if key.startswith(prefix)}
        )
    return cards


def with_cards(data: QueryDict, cards: list[dict[str, str]]) -> QueryDict:
    """The same post with its cards replaced (management form renumbered to match)."""
    rebuilt = QueryDict(mutable=True)
    for key in data:
        if not key.startswith(f"{CARD_PREFIX}-"):
            rebuilt.setlist(key, data.getlist(key))
    rebuilt.update(card_data([]))
    rebuilt[f"{CARD_PREFIX}-TOTAL_FORMS"] = str(len(cards))
    for index, card in enumerate(cards):
        for field, value in card.items():
            rebuilt[f"{CARD_PREFIX}-{index}-{field}"] = value
    return rebuilt


def apply_action(catalog: pricing.Catalog, data: QueryDict, action: str) -> QueryDict:
    """Add or remove a card as the pressed button asks; anything else leaves the post as is."""
    verb, _, argument = action.partition(":")
    cards = raw_cards(data)
    if verb == "add" and argument in catalog.services and len(cards) < pricing.MAX_ITEMS:
        regions = catalog.service_regions(argument)
        cards.append({"service": argument, "region": regions[0] if regions else ""})
        return with_cards(data, cards)
    if verb == "remove" and argument.isdigit() and int(argument) < len(cards):
        del cards[int(argument)]
        return with_cards(data, cards)
    return data


def initial_data(request: HttpRequest) -> QueryDict:
    """A new estimate, or a copy of a saved one when the link asks for it (`?copy=<id>`)."""
    values = {**card_data([]), "free_tier": "on"}
    source = copy_source(request.GET.get("copy", ""))
    if source is not None:
        values = {
            **card_data(source.items_for_engine()),
            "free_tier": "on" if source.free_tier else "",
            "name": f"Copy of {source.name}"[:200],
            "description": source.description,
            "copied_from": str(source.public_id),
        }
    # One update from a plain dict: QueryDict.update appends to a key instead of replacing it.
    data = QueryDict(mutable=True)
    data.update(values)
    return data


def copy_source(public_id: str) -> Estimate | None:
    """The saved estimate a copy starts from; a forged id starts a fresh estimate."""
    if not public_id:
        return None
    try:
        return Estimate.objects.filter(public_id=public_id).first()
    except ValidationError:
        return None


def editor_context(editor: Editor, **extra) -> dict:
    return {
        "editor": editor,
        "catalog": editor.catalog,
        "quote": editor.quote,
        "services": list(editor.catalog.services.values()),
        **extra,
    }


def no_price_book(request: HttpRequest) -> HttpResponse:
    return render(request, "estimates/no_price_book.html", status=503)


@require_http_methods(["GET", "POST"])
def estimate_new(request: HttpRequest) -> HttpResponse:
    """The editor: GET starts an estimate; POST recalculates, adds or removes a card."""
    book = PriceBook.objects.current()
    if book is None:
        return no_price_book(request)
    catalog = book.catalog()
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if request.method == "GET":
        data = initial_data(request)
    else:
        data = apply_action(catalog, request.POST, action)
    editor = build_editor(catalog, data)
    if action == "save":
        return save_estimate(request, book, editor)
    if action.startswith("add:") and editor.cards:
        focus_first_field(editor.cards[-1].form, swapped_by_htmx=bool(request.htmx))
    template = TEMPLATE + "#editor_swap" if request.htmx else TEMPLATE
    return render(request, template, editor_context(editor))


def focus_first_field(form: CardForm, swapped_by_htmx: bool) -> None:
    """A card just added takes the focus, so keyboard users type straight into it.

    A whole page uses the browser's autofocus. A fragment marks the field for
    static/js/editor.js, which focuses it once the swap has settled: the browser's own
    autofocus on inserted content can fire late and pull the focus from another field.
    """
    fields = form.usage_fields()
    if fields:
        attribute = "data-autofocus" if swapped_by_htmx else "autofocus"
        fields[0].field.widget.attrs[attribute] = True


def save_estimate(request: HttpRequest, book: PriceBook, editor: Editor) -> HttpResponse:
    """Save a valid estimate and go to its link; otherwise show the page with the messages."""
    form = editor.estimate_form
    if editor.quote is not None and form.is_valid():
        if not form.cleaned_data["name"].strip():
            form.add_error("name", "Name the estimate to save it.")
        else:
            decision = ratelimit.hit_save(request)
            if not decision.allowed:
                return rate_limited_page(request, decision)
            try:
                estimate = Estimate.objects.create_from_items(
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                    price_book=book,
                    items=editor.formset.items(),
                    free_tier=editor.quote.free_tier,
                    copied_from=copy_source(str(form.cleaned_data["copied_from"] or "")),
                )
            except pricing.PricingError as error:
                for field_error in error.errors:
                    field = field_error.field if field_error.field in form.fields else None
                    form.add_error(field, field_error.message)
            else:
                return redirect(estimate)
    context = editor_context(editor, save_failed=True)
    return render(request, TEMPLATE, context)


@csrf_exempt  # No side effects: it only prices what was posted and renders a fragment.
@require_POST
def estimate_preview(request: HttpRequest) -> HttpResponse:
    """Live recompute: the totals, each card's lines and each field's message, as a fragment."""
    book = PriceBook.objects.current()
    if book is None:
        return no_price_book(request)
    editor = build_editor(book.catalog(), request.POST)
    return render(request, TEMPLATE + "#preview", editor_context(editor))
