"""The estimator page: cards of services, live totals through htmx, and a no-JS path."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import unquote

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from estimates import pricing, ratelimit
from estimates.importers import terraform
from estimates.models import Estimate, PriceBook
from estimates.pricing import projection
from estimates.pricing import terms as _terms
from estimates.web.forms import CardFormSet, EstimateForm
from estimates.web.terms_forms import TermsForm
from estimates.web.views.saved import rate_limited_page

TEMPLATE = "estimates/editor.html"
RECALCULATIONS = "recalculations"
# The session key a Terraform import's result waits under (views/terraform_import.py).
TERRAFORM_IMPORT_SESSION_KEY = "terraform_import"


@dataclass
class Card:
    form: object
    item_quote: pricing.ItemQuote | None
    shown_version: str = ""  # the version of its result the page shows (from the preview)

    @property
    def index(self) -> int:
        return int(self.form.prefix.rsplit("-", 1)[1])

    @cached_property
    def version(self) -> str:
        """A digest of everything the card's result and summary show (its multiplier, Regions,
        subtotal and lines, or that it waits for a fix). The page keeps it on the result; the
        preview renders a result again only when it differs, so an unchanged card costs no
        template work."""
        quote = self.item_quote
        # The summary beside it names the Regions ticked, priced or not.
        ticked = self.form._posted("regions", self.form.fields["regions"])  # as the page ticks
        parts = [self.form.multiplier(), repr(ticked)]
        if quote is not None:
            parts += [str(len(quote.item.regions)), str(quote.shown_monthly)]
            parts.append(str(quote.shown_upfront))
            # Each line as the result shows it: its cells and the fields its badges read.
            for line in quote.lines:
                parts += (
                    line.usage_key,
                    line.label,
                    line.region,
                    line.formula,
                    str(line.shown_monthly),
                    line.grade,
                    line.waived,
                    str(line.share),
                    str(line.pooled_quantity),
                    line.unit,
                    line.pooling,
                    line.pooling_source,
                )
        # Text joined by a separator no field holds (the digest of a repr costs more).
        text = "\x1f".join(parts)
        return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()

    @property
    def changed(self) -> bool:
        return self.shown_version != self.version


def shown_versions(raw: str) -> dict[int, str]:
    """`0:3f2a…,1:9b0c…` as the editor's script sends it: the version of each card's result
    the page shows. Anything else is ignored (that card's result is rendered)."""
    shown = {}
    for pair in raw[: 20 * pricing.MAX_ITEMS * 2].split(","):
        index, _, version = pair.partition(":")
        if index.isascii() and index.isdigit() and len(index) <= 3 and len(version) == 16:
            shown[int(index)] = version
    return shown


@dataclass
class Editor:
    """Everything the editor page shows for one state of the form."""

    catalog: pricing.Catalog
    estimate_form: EstimateForm
    formset: CardFormSet
    cards: list[Card]
    # The valid cards priced together; None only when the cards as a whole are refused (too
    # many, a tampered management form). `complete` says whether every card is in it.
    quote: pricing.Quote | None
    complete: bool = True
    projected: projection.ProjectionResult | None = None
    terms_form: TermsForm | None = None
    net: _terms.NetQuote | None = None  # the quote under the terms, when both are valid
    # Both valid and the terms are list prices: the preview says so without working out the
    # net quote, whose figures it would not show.
    list_prices: bool = False
    # Why nothing was priced: the cards make more cost lines than one request prices.
    too_large: str = ""

    @property
    def error_count(self) -> int:
        card_errors = sum(len(form.errors) for form in self.formset.forms)
        terms_errors = len(self.terms_form.errors) if self.terms_form else 0
        return (
            card_errors
            + len(self.formset.non_form_errors())
            + len(self.estimate_form.errors)
            + terms_errors
        )

    @property
    def unpriced_resources(self) -> int:
        """Resources of an imported plan that the totals leave out (0 without an import)."""
        return self.estimate_form.cleaned_data.get("unpriced_resources") or 0

    @property
    def cards_needing_attention(self) -> int:
        return sum(1 for card in self.cards if card.item_quote is None)

    @property
    def incomplete(self) -> bool:
        return self.quote is not None and not self.complete

    @property
    def can_add(self) -> bool:
        return len(self.formset.forms) < pricing.MAX_ITEMS


def build_editor(
    catalog: pricing.Catalog, data: QueryDict | MultiValueDict | dict, lean: bool = False
) -> Editor:
    """Bind the posted state, validate it and price it if it is valid. `lean` for the live
    preview, which shows no input: its cards are read with the same rules, by lean forms."""
    estimate_form = EstimateForm(data, lean=lean)
    formset = CardFormSet(data, catalog=catalog, lean=lean)
    estimate_form.is_valid()
    terms_form = TermsForm(data, catalog=catalog, lean=lean)
    terms = terms_form.terms if terms_form.is_valid() else None
    free_tier = estimate_form.cleaned_data.get("free_tier", False)
    formset.check_rules_between_cards()
    # Valid cards are priced together, so each shows its lines (and its share of what the
    # organisation pools) even while another card waits for a fix.
    valid = [form for form in formset.forms if form.is_valid()]
    items = [form.item() for form in valid]
    months = projection.months_priced_by_line(estimate_form.projection(), terms)
    over_cap = pricing.check_lines(catalog, items, months)
    # Past the cap on cost lines, which the API and every save keep too: say so, price nothing.
    too_large = over_cap[0].message if over_cap else ""
    if too_large:
        valid, items = [], []
    priced = pricing.price_items(catalog, items, free_tier)
    item_quotes = dict(zip(valid, priced.items, strict=True))
    cards = [Card(form, item_quotes.get(form)) for form in formset.forms]
    for form, item_quote in item_quotes.items():
        form.notes = pricing.outsize_notes(catalog, item_quote)
    complete = formset.is_valid() and not too_large
    # A wrong field blanks only its card: the total is the valid cards', marked incomplete.
    quote = None if formset.non_form_errors() or too_large else priced
    projected = net = None
    list_prices = False
    if complete:
        if terms is not None and lean and terms.is_list:
            list_prices = True
        elif terms is not None:
            net = _terms.apply_terms(catalog, priced, terms)
        plan = estimate_form.projection()
        if plan is not None:
            try:
                projected = projection.project(
                    catalog, formset.items(), free_tier, plan, first=priced, terms=terms
                )
            except pricing.PricingError as error:
                estimate_form.add_pricing_errors(error.errors)
    plan = estimate_form.projection()
    note = plan and projection.outsize_growth_note(plan, projected)
    if note:
        estimate_form.notes["projection_growth_percent"] = note
    return Editor(
        catalog,
        estimate_form,
        formset,
        cards,
        quote,
        complete,
        projected,
        terms_form,
        net,
        list_prices,
        too_large,
    )


def initial_data(request: HttpRequest) -> QueryDict:
    """A new estimate, or a copy of a saved one when the link asks for it (`?copy=<id>`)."""
    source = copy_source(request.GET.get("copy", ""))
    if source is None:
        data = CardFormSet.data_for([])
        data["free_tier"] = "on"
        data["projection_months"] = str(projection.DEFAULT_MONTHS)
        return data
    data = CardFormSet.data_for(source.items_for_engine(), source.item_notes())
    data.update(
        {
            "free_tier": "on" if source.free_tier else "",
            "name": f"Copy of {source.name}"[: Estimate.max_length("name")],
            "description": source.description,
            "copied_from": str(source.public_id),
            "projection_months": str(source.projection_months),
            "projection_growth_percent": pricing.decimal_text(source.projection_growth_percent),
            **TermsForm.data_for(source.terms),
        }
    )
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
        "projected": editor.projected,
        "net": editor.net,
        "list_prices": editor.list_prices,
        "terms_form": editor.terms_form,
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
    if request.method == "GET":
        data = initial_data(request)
        action = ""
    else:
        decision = ratelimit.hit_preview(request)
        if not decision.allowed:
            return rate_limited_page(request, decision, RECALCULATIONS)
        action = request.POST.get("action", "")
        data = CardFormSet.apply_action(catalog, request.POST, action)
    editor = build_editor(catalog, data)
    if action.startswith("add:"):
        editor.formset.focus_last_card(swapped_by_htmx=bool(request.htmx))
    template = TEMPLATE + "#editor_swap" if request.htmx else TEMPLATE
    return render(request, template, editor_context(editor))


@require_POST
def estimate_save(request: HttpRequest) -> HttpResponse:
    """Save a valid estimate and go to its link; otherwise the page with the messages."""
    book = PriceBook.objects.current()
    if book is None:
        return no_price_book(request)
    editor = build_editor(book.catalog(), request.POST)
    form = editor.estimate_form
    if editor.complete and editor.net is not None and form.is_valid():
        if not form.cleaned_data["name"].strip():
            form.add_error("name", "Name the estimate to save it.")
        else:
            decision = ratelimit.hit_save(request)
            if not decision.allowed:
                return rate_limited_page(request, decision)
            try:
                estimate = Estimate.objects.create_from_quote(
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                    price_book=book,
                    priced=editor.quote,
                    notes=editor.formset.card_notes(),
                    copied_from=copy_source(str(form.cleaned_data["copied_from"] or "")),
                    projection=form.projection(),
                    terms=editor.terms_form.terms,
                    named_terms=editor.terms_form.cleaned_data.get("named_terms"),
                    unpriced=imported_unpriced(request, form.cleaned_data["terraform_import"]),
                )
            except pricing.PricingError as error:
                form.add_pricing_errors(error.errors)
            else:
                return redirect(estimate)
    return render(request, TEMPLATE, editor_context(editor, save_failed=True))


def imported_unpriced(request: HttpRequest, import_id: str) -> tuple[terraform.Unpriced, ...]:
    """What the import this editor was filled from could not price, from the session; none
    unless the form names that very import (another tab's form, or a forged id, gets none)."""
    stored = request.session.get(TERRAFORM_IMPORT_SESSION_KEY) or {}
    if not import_id or stored.get("import_id") != import_id:
        return ()
    return tuple(terraform.Unpriced(**entry) for entry in stored["result"]["unpriced"])


@csrf_exempt  # No side effects: it only prices what was posted and renders a fragment.
@require_POST
def estimate_preview(request: HttpRequest) -> HttpResponse:
    """Live recompute: the totals, each card's lines and each field's message, as a fragment."""
    decision = ratelimit.hit_preview(request)
    if not decision.allowed:
        return rate_limited_page(request, decision, RECALCULATIONS)
    catalog = PriceBook.objects.current_catalog()
    if catalog is None:
        return no_price_book(request)
    data = posted_form(request)
    editor = build_editor(catalog, data, lean=True)
    shown = shown_versions(data.get("shown", ""))
    # The cards the answer holds anything for: a result that changed, or a field's message.
    preview_cards = []
    for card in editor.cards:
        card.shown_version = shown.get(card.index, "")
        fields = card.form.error_fields()
        if card.changed or fields:
            preview_cards.append((card, card.changed, fields))
    form = editor.estimate_form
    projection_messages = [
        form[name]
        for name in ("projection_months", "projection_growth_percent")
        if name in form.errors or name in form.notes
    ]
    context = editor_context(
        editor, preview_cards=preview_cards, projection_messages=projection_messages
    )
    return render(request, TEMPLATE + "#preview", context)


def posted_form(request: HttpRequest) -> MultiValueDict:
    """request.POST, read in one pass when urlencoded, as htmx posts it: the same pairs, the
    same decoding and the same limit on fields as QueryDict, which converts each of a large
    estimate's thousands of fields three times over."""
    if request.content_type != "application/x-www-form-urlencoded" or request.encoding not in (
        None,
        "utf-8",
    ):
        return request.POST
    try:
        body = request.body.decode("utf-8")
    except UnicodeDecodeError:
        body = request.body.decode("iso-8859-1")  # as QueryDict reads a misbehaving client
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    if limit is not None and body and 1 + body.count("&") > limit:
        raise TooManyFieldsSent(
            "The number of GET/POST parameters exceeded settings.DATA_UPLOAD_MAX_NUMBER_FIELDS."
        )
    # urllib.parse.parse_qsl's steps (blank values kept), unquoting only what needs it.
    fields: dict[str, list[str]] = {}
    for pair in body.split("&") if body else ():
        if not pair:
            continue
        name, _, value = pair.partition("=")
        if "+" in name or "%" in name:
            name = unquote(name.replace("+", " "), encoding="utf-8", errors="replace")
        if "+" in value or "%" in value:
            value = unquote(value.replace("+", " "), encoding="utf-8", errors="replace")
        fields.setdefault(name, []).append(value)
    return MultiValueDict(fields)


OVERSIZE_MESSAGE = (
    "This form was too large to read (more than {fields:,} fields or {megabytes} MB), so none "
    "of it was used. An estimate holds at most {cards} cards: split it into several."
)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: a form too large to read, posted to the editor, answers the editor page
    with a message (413); any other bad request is Django's 400."""
    editor_paths = {reverse(f"estimates:{name}") for name in ("new", "save", "preview")}
    oversize = isinstance(exception, TooManyFieldsSent | RequestDataTooBig)
    catalog = PriceBook.objects.current_catalog() if oversize else None
    if request.path not in editor_paths or catalog is None:
        return defaults.bad_request(request, exception)
    message = OVERSIZE_MESSAGE.format(
        fields=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
        megabytes=f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1_048_576:g}",
        cards=pricing.MAX_ITEMS,
    )
    editor = build_editor(catalog, initial_data(request))
    return render(request, TEMPLATE, editor_context(editor, oversize=message), status=413)
