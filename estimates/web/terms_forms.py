"""The terms panel's form: the editor's and the /terms/ pages' way to type an organisation's
terms. It reads its fields into the API's shape and lets terms.parse_terms judge them, so the
page and the API share one set of rules and messages."""

from __future__ import annotations

from django import forms

from estimates import pricing
from estimates.models import NamedTerms
from estimates.pricing import terms as _terms
from estimates.web.forms import LeanForm

NUMBER = {"inputmode": "decimal", "autocomplete": "off", "size": 8}


def _lines(text: str) -> list[list[str]]:
    """Non-empty lines split on spaces, commas, `=` or `:`."""
    rows = []
    for line in text.splitlines():
        parts = line.replace(",", " ").replace("=", " ").replace(":", " ").split()
        if parts:
            rows.append(parts)
    return rows


class TermsForm(LeanForm):
    """Terms typed field by field, or named terms chosen (which then replace the fields)."""

    prefix = "terms"
    # The engine's field names → this form's fields.
    FIELDS = {
        "terms.discount_percent": "discount_percent",
        "terms.service_discounts": "service_discounts",
        "terms.rate_overrides": "rate_overrides",
        "terms.monthly_credits": "monthly_credits",
        "terms.credit_months": "credit_months",
        "terms.tax_percent": "tax_percent",
        "terms.currency": "currency_code",
        "terms.currency.code": "currency_code",
        "terms.currency.usd_rate": "usd_rate",
    }

    named_terms = forms.ModelChoiceField(
        label="Saved terms",
        queryset=NamedTerms.objects.all(),
        to_field_name="public_id",
        required=False,
        empty_label="None: the terms typed below",
        help_text="Named terms replace the fields below; their values are copied when you save.",
    )
    discount_percent = forms.CharField(
        label="Discount",
        required=False,
        help_text="Percent off every line, 0 to 100.",
        widget=forms.TextInput(attrs={**NUMBER, "placeholder": "0"}),
    )
    service_discounts = forms.CharField(
        label="Service discounts",
        required=False,
        help_text="One a line, service code and percent: kms 20. Replaces the discount above.",
        widget=forms.Textarea(attrs={"rows": 2, "cols": 24}),
    )
    rate_overrides = forms.CharField(
        label="Private rates",
        required=False,
        help_text=(
            "One a line, service, rate code and USD price per the rate's units: "
            "waf requests 0.50. Free allowances still apply; no discount on top."
        ),
        widget=forms.Textarea(attrs={"rows": 2, "cols": 24}),
    )
    monthly_credits = forms.CharField(
        label="Monthly credits",
        required=False,
        help_text="USD off each month's net charges, never below zero.",
        widget=forms.TextInput(attrs={**NUMBER, "placeholder": "0"}),
    )
    credit_months = forms.CharField(
        label="Credits last",
        required=False,
        help_text="Months; blank for every month.",
        widget=forms.TextInput(attrs={**NUMBER, "inputmode": "numeric", "size": 4}),
    )
    tax_percent = forms.CharField(
        label="Tax",
        required=False,
        help_text="Percent added after credits, 0 to 100.",
        widget=forms.TextInput(attrs={**NUMBER, "placeholder": "0"}),
    )
    currency_code = forms.CharField(
        label="Currency",
        required=False,
        help_text="ISO 4217 code, e.g. EUR; blank for USD.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "size": 4, "placeholder": "USD"}),
    )
    usd_rate = forms.CharField(
        label="Rate for 1 USD",
        required=False,
        help_text="Units of the currency for 1 USD, e.g. 0.92; converted last.",
        widget=forms.TextInput(attrs=NUMBER),
    )

    def __init__(self, *args, catalog: pricing.Catalog, lean: bool = False, **kwargs):
        """`lean`: for the live preview, which shows no input: the form reads the class's own
        fields (only read, never changed) instead of a deep copy of them."""
        if lean:
            self.base_fields = {}
        super().__init__(*args, **kwargs)
        self.catalog = catalog
        self.terms: _terms.Terms = _terms.Terms()
        if lean:
            self.share_class_fields()
            return
        for name, field in self.fields.items():
            field_id = f"id_{self.prefix}-{name}"
            field.widget.attrs["aria-describedby"] = f"{field_id}_helptext {field_id}_error"

    def message_fields(self) -> list:
        """The bound fields with a message, in the form's order (the preview sends only these)."""
        return [self[name] for name in self.fields if name in self.errors]

    @property
    def has_terms(self) -> bool:
        return not self.terms.is_list

    def raw_terms(self) -> dict:
        """The typed fields in the API's shape, for parse_terms to judge."""
        data = self.cleaned_data
        raw: dict = {}
        for name in ("discount_percent", "monthly_credits", "credit_months", "tax_percent"):
            if data.get(name, "").strip():
                raw[name] = data[name].strip()
        if data.get("service_discounts", "").strip():
            raw["service_discounts"] = {
                row[0]: row[1] if len(row) > 1 else "" for row in _lines(data["service_discounts"])
            }
        if data.get("rate_overrides", "").strip():
            raw["rate_overrides"] = [
                {
                    "service": row[0],
                    "rate": row[1] if len(row) > 1 else "",
                    "unit_price": row[2] if len(row) > 2 else "",
                }
                for row in _lines(data["rate_overrides"])
            ]
        code = data.get("currency_code", "").strip()
        rate = data.get("usd_rate", "").strip()
        if code or rate:
            raw["currency"] = {"code": code or pricing.CURRENCY, "usd_rate": rate or None}
        return raw

    def clean(self) -> dict:
        data = super().clean()
        named = data.get("named_terms")
        if named is not None:
            self.terms, errors = named.as_terms(self.catalog)
            for error in errors:
                self.add_error("named_terms", f"{named.name}: {error.message}")
            return data
        self.terms, errors = _terms.parse_terms(self.catalog, self.raw_terms())
        for error in errors:
            self.add_error(self._field_for(error.field), error.message)
        return data

    def _field_for(self, engine_field: str) -> str | None:
        if engine_field in self.FIELDS:
            return self.FIELDS[engine_field]
        for prefix in ("terms.service_discounts", "terms.rate_overrides"):
            if engine_field.startswith(prefix):
                return self.FIELDS[prefix]
        return None

    @staticmethod
    def data_for(terms_json: dict) -> dict[str, str]:
        """The form's data for terms in the API's shape (a copy of a saved estimate)."""
        currency = terms_json.get("currency") or {}
        return {
            "terms-discount_percent": terms_json.get("discount_percent", ""),
            "terms-service_discounts": "\n".join(
                f"{code} {percent}"
                for code, percent in (terms_json.get("service_discounts") or {}).items()
            ),
            "terms-rate_overrides": "\n".join(
                f"{o['service']} {o['rate']} {o['unit_price']}"
                for o in terms_json.get("rate_overrides") or []
            ),
            "terms-monthly_credits": terms_json.get("monthly_credits", ""),
            "terms-credit_months": str(terms_json.get("credit_months", "")),
            "terms-tax_percent": terms_json.get("tax_percent", ""),
            "terms-currency_code": currency.get("code", ""),
            "terms-usd_rate": currency.get("usd_rate", ""),
        }


class NamedTermsForm(TermsForm):
    """Named terms on /terms/: a name and the fields (no choice of other named terms)."""

    name = forms.CharField(
        label="Name",
        max_length=NamedTerms._meta.get_field("name").max_length,
        widget=forms.TextInput(attrs={"autocomplete": "off", "size": 40}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["named_terms"]
        self.order_fields(["name"])

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        for error in NamedTerms.check_name(name):
            raise forms.ValidationError(error.message)
        return name
