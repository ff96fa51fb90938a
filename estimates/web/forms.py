"""The editor's forms: one card per service, its fields built from the price book's inputs.

The server is the judge of every number: the engine's own parser and checks turn letters,
negatives and absurd numbers into a message beside the field.
"""

from __future__ import annotations

import functools
import re
import tempfile
import uuid
from decimal import Decimal
from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError
from django.forms.formsets import ManagementForm
from django.http import QueryDict
from django.utils.functional import cached_property

from estimates import pricing
from estimates.importers import billing, terraform
from estimates.models import Estimate, EstimateItem, PriceBook, text_problem
from estimates.pricing import projection
from estimates.pricing.regions import region_name

CARD_PREFIX = "card"


class QuantityField(forms.Field):
    """A usage quantity: blank is zero; parsed and bounded by the engine's rules."""

    def __init__(self, spec: pricing.InputSpec, **kwargs):
        self.spec = spec
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", spec.label)
        kwargs.setdefault("help_text", spec.help)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "inputmode": "numeric" if spec.whole else "decimal",
                    "autocomplete": "off",
                    "data-usage-key": spec.key,
                    "placeholder": "0",
                    "size": 12,
                }
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value: object) -> Decimal:
        try:
            return pricing.parse_quantity(value)
        except ValueError as error:
            raise ValidationError(str(error), code="invalid") from None

    def validate(self, value: Decimal) -> None:
        message = pricing.check_quantity(self.spec, value)
        if message:
            raise ValidationError(message, code="out_of_range")


ACCOUNTS_MESSAGE = "Enter a whole number of accounts."


def utf8_text(value: str) -> None:
    """Refuse text a browser sent in another encoding than UTF-8 (Django reads each byte it
    cannot decode as "\ufffd"), and characters no database stores."""
    message = text_problem(value)
    if message:
        raise ValidationError(message, code="invalid")


class SwitchInput(forms.CheckboxInput):
    """A checkbox that hands its field the text posted ("" when unticked), so "0" stays 0."""

    def __init__(self, attrs=None):
        super().__init__(attrs, check_test=lambda value: SwitchField.truth(value) == 1)

    def value_from_datadict(self, data, files, name) -> str:
        return data.get(name, "") if name in data else ""


class SwitchField(QuantityField):
    """A yes/no input as a checkbox: ticked ("on", or "1" from a prefilled copy) is 1."""

    TRUE = {"on", "1", "true", "yes"}
    FALSE = {"", "0", "off", "false", "no"}

    def __init__(self, spec: pricing.InputSpec, **kwargs):
        attrs = {"data-usage-key": spec.key, "value": "1"}
        super().__init__(spec, widget=SwitchInput(attrs=attrs), **kwargs)

    @classmethod
    def truth(cls, value: object) -> int | None:
        text = str(value).strip().lower() if value is not None else ""
        if text in cls.TRUE:
            return 1
        if text in cls.FALSE:
            return 0
        return None

    def to_python(self, value: object) -> Decimal:
        truth = self.truth(value)
        return Decimal(truth) if truth is not None else super().to_python(value)


class AccountsField(forms.Field):
    """How many accounts run this card's usage: a whole number from 1; blank is 1."""

    widget = forms.TextInput(
        attrs={"inputmode": "numeric", "autocomplete": "off", "size": 6, "data-accounts": ""}
    )

    def to_python(self, value: object) -> int:
        if value in (None, ""):
            return 1
        try:
            number = pricing.parse_quantity(value)
        except ValueError as error:
            message = str(error) if str(error) == pricing.DIGITS_MESSAGE else ACCOUNTS_MESSAGE
            raise ValidationError(message, code="invalid") from None
        message = pricing.check_accounts(number)
        if message:
            raise ValidationError(message, code="out_of_range")
        return int(number)


class LeanForm(forms.Form):
    """A form the live preview can read `lean`: its fields are shared, never copied (the
    preview only reads them), and each value is read straight from the post with the field's
    widget instead of through a bound field built for it. The steps are Django's own."""

    lean = False

    def _clean_fields(self) -> None:
        if not self.lean:
            return super()._clean_fields()
        cleaners = _field_cleaners(type(self))
        for name, field in self.fields.items():
            value = (
                self.get_initial_for_field(field, name)
                if field.disabled
                else self._posted(name, field)
            )
            try:
                self.cleaned_data[name] = _cleaned(field, value)
                if name in cleaners:
                    self.cleaned_data[name] = getattr(self, f"clean_{name}")()
            except ValidationError as error:
                self.add_error(name, error)
        return None

    def _posted(self, name: str, field: forms.Field) -> object:
        widget = field.widget
        if type(widget).value_from_datadict is forms.Widget.value_from_datadict:
            return self.data.get(self.add_prefix(name))  # what Widget.value_from_datadict does
        return widget.value_from_datadict(self.data, self.files, self.add_prefix(name))

    def share_class_fields(self) -> None:
        """Read the class's own fields (only read, never changed) instead of a deep copy."""
        self.lean = True
        self.fields = dict(type(self).base_fields)


@functools.cache
def _field_cleaners(form_class: type) -> frozenset[str]:
    """The fields a form class cleans with a clean_<name> method of its own (Django looks
    each up on every clean)."""
    return frozenset(
        name.removeprefix("clean_") for name in dir(form_class) if name.startswith("clean_")
    )


def _cleaned(field: forms.Field, value: object) -> object:
    """field.clean(value): Field.clean's own steps, its validators run only when it has some
    (most fields here have none, and the check before finding none costs more than the rest)."""
    if type(field).clean is not forms.Field.clean:
        return field.clean(value)
    value = field.to_python(value)
    field.validate(value)
    if field.validators:
        field.run_validators(value)
    return value


class LeanManagementForm(LeanForm, ManagementForm):
    """The formset's management form, read lean in the preview."""

    def __init__(self, *args, **kwargs):
        self.base_fields = {}
        super().__init__(*args, **kwargs)
        self.share_class_fields()


class NotesField(forms.CharField):
    """A card's notes. A browser's textarea counts a line break as one character towards its
    maxlength but sends it as CRLF: read as LF, so that 2,000 typed characters fit 2,000."""

    def to_python(self, value: object) -> str:
        return super().to_python(value).replace("\r\n", "\n")


class CardForm(LeanForm):
    """One service in the estimate: its Regions, accounts, an optional group, and its usage,
    typed per account and per Region."""

    service = forms.CharField(widget=forms.HiddenInput, max_length=50)
    regions = forms.MultipleChoiceField(
        label="Regions",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Pick at least one Region."},
    )
    accounts = AccountsField(
        label="Accounts",
        required=False,
        help_text="The usage below runs in each of these accounts, in each Region picked.",
    )
    group = forms.CharField(
        label="Group",
        required=False,
        max_length=EstimateItem._meta.get_field("group").max_length,
        validators=[utf8_text],
        help_text="Optional: prod, staging, a team…",
        widget=forms.TextInput(attrs={"autocomplete": "off", "size": 14}),
    )
    # The card's notes field; `self.notes` (below) is something else: the warnings by field.
    notes = NotesField(
        label="Notes",
        required=False,
        max_length=EstimateItem._meta.get_field("notes").max_length,
        validators=[utf8_text],
        help_text="Optional: where the numbers come from. Pricing ignores them.",
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
    )

    def __init__(self, *args, catalog: pricing.Catalog, lean: bool = False, **kwargs):
        """`lean`: for the live preview, which reads the card and shows no input. The card
        then takes its fields (the very same fields, with the same rules) from those built
        once per book and service, instead of copying and building them for each card."""
        if lean:
            self.base_fields = {}  # BaseForm.__init__ deep-copies these: nothing to copy
        super().__init__(*args, **kwargs)
        self.lean = lean
        self.catalog = catalog
        self.notes: dict[str, str] = {}  # field name → a note that warns, without refusing
        code = self.data.get(self.add_prefix("service")) if self.is_bound else None
        code = code or self.initial.get("service")
        self.service_spec: pricing.ServiceSpec | None = catalog.services.get(code)
        if lean:
            known = code if self.service_spec else None
            offered = catalog.service_regions(known) if known else catalog.regions
            # Which inputs are unavailable depends on the Regions picked: fields per those too.
            picked = tuple(self._picked_regions(offered)) if known else ()
            self.fields = dict(shared_card_fields(catalog, known, picked))
            return
        self._build_fields(catalog, code)
        describe(self, "accounts", "group", "notes")
        describe(
            self,
            *self.fields.keys() - {"service", "regions", "accounts", "group", "notes"},
            notes=True,
        )
        for bound in self.unavailable_fields():
            attrs = bound.field.widget.attrs
            attrs["aria-describedby"] += f" {bound.auto_id}_unavailable"

    def has_changed(self) -> bool:
        """Django's answer; a lean card stops at the first changed field (the service, which
        every card posts) instead of building a bound field for each."""
        if not self.lean:
            return super().has_changed()
        changed = self.__dict__.get("_changed")
        if changed is None:  # asked twice, by the formset and by full_clean
            changed = self._changed = any(
                field.has_changed(
                    self.get_initial_for_field(field, name), self._posted(name, field)
                )
                for name, field in self.fields.items()
            )
        return changed

    def _build_fields(self, catalog: pricing.Catalog, code: str | None) -> None:
        regions = catalog.service_regions(code) if self.service_spec else catalog.regions
        self.fields["regions"].choices = [(r, f"{region_name(r)} ({r})") for r in regions]
        self.fields["regions"].initial = regions[:1] or [pricing.DEFAULT_REGION]
        if self.service_spec:
            picked = self._picked_regions(regions)
            for spec in self.service_spec.inputs:
                field_class = SwitchField if spec.is_switch else QuantityField
                field = self.fields[spec.key] = field_class(spec)
                missing = [r for r in picked if r not in catalog.input_regions(code, spec.key)]
                if missing:
                    # Disabled: the browser sends nothing and Django keeps the initial 0, so
                    # the card's other inputs price as usual.
                    field.disabled = True
                    field.unavailable = pricing.unavailable_message(spec, missing)

    def _picked_regions(self, offered: tuple[str, ...]) -> list[str]:
        """The offered Regions this card has picked, as sent or as it starts."""
        if self.is_bound:
            name = self.add_prefix("regions")
            getlist = getattr(self.data, "getlist", None)
            sent = getlist(name) if getlist else self.data.get(name) or []
            sent = [sent] if isinstance(sent, str) else sent
        else:
            sent = self.initial.get("regions") or self.fields["regions"].initial
        return [region for region in sent if region in offered]

    def clean_service(self) -> str:
        code = self.cleaned_data["service"]
        if code not in self.catalog.services:
            raise ValidationError("This service is not in the price book.")
        return code

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.service_spec is None:
            return cleaned
        # The engine's own checks, so the editor refuses what pricing would (a Region posted
        # twice), with the engine's message beside the field it names.
        item = pricing.Item(
            self.service_spec.code,
            regions=tuple(cleaned.get("regions") or ()) or (pricing.DEFAULT_REGION,),
            accounts=cleaned.get("accounts") or 1,
            usage=self.usage(),
        )
        for error in pricing.check_item(self.catalog, item):
            field = "regions" if error.field == "region" else error.field
            if field in self.fields and field not in self.errors:
                self.add_error(field, error.message)
        return cleaned

    def unavailable_fields(self) -> list[forms.BoundField]:
        return [field for field in self.usage_fields() if getattr(field.field, "unavailable", "")]

    def multiplier(self) -> str:
        """`× 40 accounts × 4 Regions` as typed, or "" for one account in one Region."""
        if not self.is_bound or "accounts" in self.errors or "regions" in self.errors:
            return ""
        item = pricing.Item(
            "",
            accounts=self.cleaned_data.get("accounts") or 1,
            regions=tuple(self.cleaned_data.get("regions") or ()),
        )
        return item.multiplier

    def usage(self) -> dict[str, Decimal]:
        """The quantities that parsed, by usage key (fields with errors left out)."""
        if self.service_spec is None:
            return {}
        return {
            spec.key: self.cleaned_data[spec.key]
            for spec in self.service_spec.inputs
            if isinstance(self.cleaned_data.get(spec.key), Decimal)
        }

    def usage_fields(self) -> list[forms.BoundField]:
        if self.service_spec is None:
            return []
        return [self[spec.key] for spec in self.service_spec.inputs]

    def error_fields(self) -> list[forms.BoundField]:
        """The fields with a message (an error, or why the input is left out in a picked
        Region), in the card's order: the preview shows only these."""
        return [
            self[name]
            for name, field in self.fields.items()
            if name != "service"
            and (name in self.errors or name in self.notes or getattr(field, "unavailable", ""))
        ]

    def item(self) -> pricing.Item:
        """The card as the engine takes it (built once: the rules between cards, the quote
        and the projection each ask for it)."""
        item = self.__dict__.get("_item")
        if item is None:
            item = self._item = pricing.Item(
                service=self.cleaned_data["service"],
                regions=tuple(self.cleaned_data["regions"]),
                accounts=self.cleaned_data.get("accounts") or 1,
                group=self.cleaned_data.get("group", ""),
                usage={key: value for key, value in self.usage().items() if value},
            )
        return item

    def add_error(self, field: str | None, error: object) -> None:
        self.__dict__.pop("_item", None)  # an error drops its field from cleaned_data
        super().add_error(field, error)


# Fields built once per catalog and service for lean cards: {id(catalog): (catalog, {code:
# fields})}. The catalog is kept so that its id is never reused; a process prices with its
# current book and, for a while after a publish, the one before it.
_shared_fields: dict[int, tuple[pricing.Catalog, dict[tuple, dict]]] = {}
SHARED_CATALOGS = 4


def shared_card_fields(
    catalog: pricing.Catalog, code: str | None, picked: tuple[str, ...] = ()
) -> dict[str, forms.Field]:
    """A card's fields for `code` with these Regions picked in this catalog, built by CardForm
    itself, once. Only read: cleaning a value never changes a field."""
    entry = _shared_fields.get(id(catalog))
    if entry is None or entry[0] is not catalog:
        while len(_shared_fields) >= SHARED_CATALOGS:
            del _shared_fields[next(iter(_shared_fields))]
        entry = _shared_fields[id(catalog)] = (catalog, {})
    key = (code, picked)
    fields = entry[1].get(key)
    if fields is None:
        # Built bound, as a posted card is, so that it reads its picked Regions the same way.
        data = QueryDict(mutable=True)
        data["card-service"] = code or ""
        data.setlist("card-regions", list(picked))
        fields = entry[1][key] = CardForm(data, catalog=catalog, prefix="card").fields
    return fields


def describe(form: forms.Form, *names: str, notes: bool = False) -> None:
    """Point each field at its help text, its message and (in the editor) its note, so screen
    readers read them."""
    for name in names:
        field = form.fields[name]
        auto_id = form[name].auto_id
        ids = [f"{auto_id}_helptext"] if field.help_text else []
        ids += [f"{auto_id}_error", f"{auto_id}_note"] if notes else [f"{auto_id}_error"]
        field.widget.attrs["aria-describedby"] = " ".join(ids)


class BaseCardFormSet(forms.BaseFormSet):
    """The estimate's cards. It owns the management form's format: it writes it (`data_for`)
    and reads it back to add, remove and renumber cards before they are validated."""

    def __init__(self, *args, catalog: pricing.Catalog, lean: bool = False, **kwargs):
        """`lean`: cards for the live preview (CardForm's `lean`), validated by the same rules."""
        self.catalog = catalog
        self.lean = lean
        super().__init__(*args, prefix=CARD_PREFIX, **kwargs)

    @cached_property
    def management_form(self) -> ManagementForm:
        if not (self.lean and self.is_bound):
            return super().management_form
        form = LeanManagementForm(
            self.data, auto_id=self.auto_id, prefix=self.prefix, renderer=self.renderer
        )
        form.full_clean()
        return form

    def get_form_kwargs(self, index: int | None) -> dict:
        return {"catalog": self.catalog, "lean": self.lean and index is not None}

    def clean(self) -> None:
        # Django takes any integer here: -1 would save an estimate with no cards, and "٣"
        # would read as 3.
        if not self.is_bound or not self.management_form.is_valid():
            return  # Django's own message says the management form is broken
        raw = self.data.get(f"{CARD_PREFIX}-TOTAL_FORMS", "")
        if not (raw.isascii() and raw.isdigit()):
            raise ValidationError(
                f"The number of cards ({CARD_PREFIX}-TOTAL_FORMS) must be a whole number "
                f"from 0 to {pricing.MAX_ITEMS}, in the digits 0-9.",
                code="invalid_count",
            )

    def items(self) -> list[pricing.Item]:
        return [form.item() for form in self.forms]

    def card_notes(self) -> tuple[str, ...]:
        """Each card's notes as typed, in order: what a save stores beside the items."""
        return tuple(form.cleaned_data.get("notes", "") for form in self.forms)

    def check_rules_between_cards(self) -> None:
        """Messages beside a field for the price book's rules between services (a waiver
        claimed with nothing in the estimate to grant it), once each card is valid alone."""
        valid = [form for form in self.forms if form.is_valid()]
        items = tuple(form.item() for form in valid)
        for error in pricing.check_waivers(self.catalog, items):
            valid[error.item].add_error(error.field, error.message)

    @staticmethod
    def data_for(items: list[pricing.Item], notes: tuple[str, ...] = ()) -> QueryDict:
        """Form data for a formset holding these items and their notes (to prefill the
        editor)."""
        data = QueryDict(mutable=True)
        data[f"{CARD_PREFIX}-TOTAL_FORMS"] = str(len(items))
        data[f"{CARD_PREFIX}-INITIAL_FORMS"] = "0"
        data[f"{CARD_PREFIX}-MIN_NUM_FORMS"] = "0"
        data[f"{CARD_PREFIX}-MAX_NUM_FORMS"] = str(pricing.MAX_ITEMS)
        for index, item in enumerate(items):
            prefix = f"{CARD_PREFIX}-{index}"
            data[f"{prefix}-service"] = item.service
            data.setlist(f"{prefix}-regions", list(item.regions))
            data[f"{prefix}-accounts"] = str(item.accounts)
            data[f"{prefix}-group"] = item.group
            if index < len(notes) and notes[index]:
                data[f"{prefix}-notes"] = notes[index]
            for key, value in item.usage.items():
                data[f"{prefix}-{key}"] = pricing.decimal_text(value)
        return data

    @staticmethod
    def posted_cards(data: QueryDict) -> list[dict[str, list[str]]]:
        """The cards as posted, field by field (each a list of values), before validation."""
        try:
            total = int(data.get(f"{CARD_PREFIX}-TOTAL_FORMS", "0"))
        except ValueError:
            total = 0
        cards = []
        for index in range(max(0, min(total, pricing.MAX_ITEMS))):
            prefix = f"{CARD_PREFIX}-{index}-"
            cards.append(
                {key[len(prefix) :]: data.getlist(key) for key in data if key.startswith(prefix)}
            )
        return cards

    @classmethod
    def with_cards(cls, data: QueryDict, cards: list[dict[str, list[str]]]) -> QueryDict:
        """The same post with its cards replaced, numbered from 0 with a matching count."""
        rebuilt = cls.data_for([])
        for key in data:
            if not key.startswith(f"{CARD_PREFIX}-"):
                rebuilt.setlist(key, data.getlist(key))
        rebuilt[f"{CARD_PREFIX}-TOTAL_FORMS"] = str(len(cards))
        for index, card in enumerate(cards):
            for field, values in card.items():
                rebuilt.setlist(f"{CARD_PREFIX}-{index}-{field}", values)
        return rebuilt

    @classmethod
    def apply_action(cls, catalog: pricing.Catalog, data: QueryDict, action: str) -> QueryDict:
        """Add (`add:kms`) or remove (`remove:3`) a card; anything else leaves the post as is."""
        verb, _, argument = action.partition(":")
        cards = cls.posted_cards(data)
        if verb == "add" and argument in catalog.services and len(cards) < pricing.MAX_ITEMS:
            regions = catalog.service_regions(argument)
            cards.append({"service": [argument], "regions": list(regions[:1])})
            return cls.with_cards(data, cards)
        if verb == "remove" and argument.isdigit() and int(argument) < len(cards):
            del cards[int(argument)]
            return cls.with_cards(data, cards)
        return data

    def focus_last_card(self, swapped_by_htmx: bool) -> None:
        """The card just added takes the focus, so keyboard users type straight into it.

        A whole page uses the browser's autofocus. A fragment marks the field for
        static/js/editor.js, which focuses it once the swap has settled: the browser's own
        autofocus on inserted content can fire late and pull the focus from another field.
        """
        fields = self.forms[-1].usage_fields() if self.forms else []
        if fields:
            attribute = "data-autofocus" if swapped_by_htmx else "autofocus"
            fields[0].field.widget.attrs[attribute] = True


CardFormSet = forms.formset_factory(
    CardForm,
    formset=BaseCardFormSet,
    extra=0,
    max_num=pricing.MAX_ITEMS,
    absolute_max=pricing.MAX_ITEMS,
    validate_max=True,
)


class GrowthField(forms.Field):
    """A monthly growth in percent: blank is 0; read and bounded by projection.parse_growth."""

    def to_python(self, value: object) -> Decimal:
        try:
            return projection.parse_growth(value)
        except ValueError as error:
            raise ValidationError(str(error), code="invalid") from None


class EstimateForm(LeanForm):
    """The estimate as a whole: the free-tier switch, the projection and, to save it, a name."""

    # The projection's field names in the engine's and the model's errors → this form's fields.
    PROJECTION_FIELDS = {
        projection.MONTHS_FIELD: "projection_months",
        projection.GROWTH_FIELD: "projection_growth_percent",
    }

    free_tier = forms.BooleanField(
        label="Apply free tiers",
        required=False,
        help_text="Free allowances that never expire (e.g. 20,000 KMS requests a month).",
    )
    name = forms.CharField(
        label="Name",
        max_length=Estimate.max_length("name"),
        required=False,
        validators=[utf8_text],
        widget=forms.TextInput(attrs={"autocomplete": "off", "size": 40}),
    )
    description = forms.CharField(
        label="Description",
        max_length=Estimate.max_length("description"),
        required=False,
        validators=[utf8_text],
        widget=forms.Textarea(attrs={"rows": 3, "cols": 40}),
    )
    copied_from = forms.UUIDField(required=False, widget=forms.HiddenInput)
    # How many resources of an imported plan are not priced, so every recompute still marks the
    # total incomplete.
    unpriced_resources = forms.IntegerField(
        required=False, min_value=0, max_value=1_000_000, widget=forms.HiddenInput
    )
    # The import this editor was filled from: its save keeps what that import could not price.
    terraform_import = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    projection_months = forms.TypedChoiceField(
        label="Project over",
        choices=[(months, f"{months} months") for months in projection.MONTH_CHOICES],
        coerce=int,
        required=False,
        empty_value=projection.DEFAULT_MONTHS,
        error_messages={"invalid_choice": projection.MONTHS_MESSAGE},
    )
    projection_growth_percent = GrowthField(
        label="Monthly growth",
        required=False,
        help_text="Percent a month, compounding; below zero shrinks (−100 stops all usage).",
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "autocomplete": "off", "placeholder": "0", "size": 6}
        ),
    )

    def __init__(self, *args, lean: bool = False, **kwargs):
        """`lean`: for the live preview, which shows no input: the form reads the class's own
        fields (only read, never changed) instead of a deep copy of them."""
        if lean:
            self.base_fields = {}
        super().__init__(*args, **kwargs)
        self.notes: dict[str, str] = {}  # field name → a note that warns, without refusing
        if lean:
            self.share_class_fields()
            return
        describe(self, "name", "description", "projection_months")
        describe(self, "projection_growth_percent", notes=True)

    def projection(self) -> projection.Projection | None:
        """The projection asked for, or None while either of its fields has an error."""
        data = getattr(self, "cleaned_data", {})
        if "projection_months" not in data or "projection_growth_percent" not in data:
            return None
        return projection.Projection(data["projection_months"], data["projection_growth_percent"])

    def add_pricing_errors(self, errors: list[pricing.FieldError]) -> None:
        """Put the engine's or the model's errors beside the fields they name."""
        for error in errors:
            field = self.PROJECTION_FIELDS.get(error.field, error.field)
            self.add_error(field if field in self.fields else None, error.message)


UUID_PATTERN = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}", re.I)


def estimate_id_in(text: str) -> uuid.UUID | None:
    """The one estimate id in a pasted link (`https://…/e/<id>/`) or id, else None."""
    found = {uuid.UUID(match) for match in UUID_PATTERN.findall(text)}
    return found.pop() if len(found) == 1 else None


class CompareWithForm(forms.Form):
    """Another saved estimate to compare with, by its link or id, pasted."""

    other = forms.CharField(
        label="Link or id",
        max_length=2000,
        help_text="Paste the link of another saved estimate, or its id.",
        error_messages={"required": "Paste the link of the estimate to compare with."},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "size": 48, "placeholder": "https://…/e/…/"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        describe(self, "other")

    def clean_other(self) -> Estimate:
        public_id = estimate_id_in(self.cleaned_data["other"])
        if public_id is None:
            raise ValidationError(
                "That is not the link of a saved estimate: paste one like "
                "https://…/e/<id>/, or the id alone."
            )
        estimate = Estimate.objects.filter(public_id=public_id).first()
        if estimate is None:
            raise ValidationError("No saved estimate has this link: check it was copied whole.")
        return estimate


class TerraformImportForm(forms.Form):
    """A Terraform JSON plan and an optional usage file, read into items the price book prices."""

    plan = forms.FileField(
        label="Terraform plan (JSON)",
        help_text="What `terraform show -json plan.out > plan.json` writes; at most 20 MB.",
        error_messages={"required": "Choose the plan's JSON file."},
        widget=forms.FileInput(attrs={"accept": ".json,application/json"}),
    )
    usage = forms.FileField(
        label="Usage file (JSON or YAML)",
        required=False,
        help_text="Optional: requests, events and GB a month the plan cannot know; at most 1 MB.",
        widget=forms.FileInput(attrs={"accept": ".json,.yaml,.yml,application/json"}),
    )

    def __init__(self, *args, price_book: PriceBook, **kwargs):
        super().__init__(*args, **kwargs)
        self.price_book = price_book
        describe(self, "plan", "usage")

    def clean(self) -> dict:
        cleaned = super().clean()
        limits = {"plan": terraform.MAX_PLAN_BYTES, "usage": terraform.MAX_USAGE_BYTES}
        raw = {}
        for name, limit in limits.items():
            upload = cleaned.get(name)
            if upload is None:
                raw[name] = None
                continue
            # The size first: a file is read only once it is known to fit.
            message = terraform.too_big(
                upload.size, limit, "plan" if name == "plan" else "usage file"
            )
            if message:
                self.add_error(name, message)
            else:
                raw[name] = upload.read()
        if self.errors:
            return cleaned
        try:
            cleaned["result"] = self.price_book.import_terraform(raw["plan"], raw["usage"])
        except terraform.PlanError as error:
            self.add_error(error.field, str(error))
        return cleaned

    def estimate_name(self) -> str:
        """`Terraform plan network.plan.json`, to prefill the name the estimate is saved under."""
        return f"Terraform plan {self.cleaned_data['plan'].name}"[: Estimate.max_length("name")]


class BillingImportForm(forms.Form):
    """A Cost and Usage Report or FOCUS export, and which of its billing periods to price."""

    file = forms.FileField(
        label="Billing export (CSV, gzip CSV or Parquet)",
        help_text=(
            "A CUR 2.0, legacy CUR or FOCUS export, or what aggregate.sql gives on Athena; "
            f"at most {billing.MAX_UPLOAD_BYTES // (1024 * 1024)} MB."
        ),
        error_messages={"required": "Choose the export's file."},
        widget=forms.FileInput(attrs={"accept": ".csv,.gz,.parquet,text/csv,application/gzip"}),
    )
    billing_period = forms.CharField(
        label="Billing period (YYYY-MM)",
        required=False,
        max_length=7,
        help_text="Empty: the latest period in the file.",
        widget=forms.TextInput(attrs={"placeholder": "2026-11", "inputmode": "numeric"}),
    )
    group_by = forms.ChoiceField(
        label="One card per",
        choices=[
            (billing.BY_SERVICE, "service and Region (accounts counted on the card)"),
            (billing.BY_ACCOUNT, "account and Region"),
        ],
        initial=billing.BY_SERVICE,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, price_book: PriceBook, **kwargs):
        super().__init__(*args, **kwargs)
        self.price_book = price_book
        describe(self, "file", "billing_period")

    def clean_billing_period(self) -> str | None:
        try:
            return billing.check_period(self.cleaned_data.get("billing_period") or None)
        except billing.BillingError as error:
            raise forms.ValidationError(str(error)) from None

    def clean(self) -> dict:
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is None or self.errors:
            return cleaned
        message = billing.too_big(upload.size)
        if message:
            self.add_error("file", message)
            return cleaned
        with tempfile.TemporaryDirectory(prefix="costcalc-upload-") as folder:
            path = Path(folder) / "export"
            with open(path, "wb") as target:
                for chunk in upload.chunks():
                    target.write(chunk)
            try:
                cleaned["imported"] = self.price_book.import_billing(
                    path,
                    billing_period=cleaned.get("billing_period"),
                    group_by=cleaned.get("group_by") or billing.BY_SERVICE,
                )
            except billing.BillingError as error:
                field = error.field if error.field in self.fields else "file"
                self.add_error(field, str(error))
        return cleaned

    def estimate_name(self) -> str:
        """`Bill 2026-11 cur2.csv.gz`, to prefill the name the estimate is saved under."""
        period = self.cleaned_data["imported"].billing_period
        return f"Bill {period} {self.cleaned_data['file'].name}"[: Estimate.max_length("name")]
