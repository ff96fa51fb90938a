"""The price the organisation pays: terms over a quote's list prices. Plain Python, no Django.

A quote prices usage at the book's list prices in USD; terms turn it into the net figure, in
this order, each step exact Decimal:

1. override: a rate in `rate_overrides` is priced again at one flat price per its `per_units`
   in place of its tiers (its free allowance still applies); no discount applies on top;
2. discount: every other line loses its service's percent in `service_discounts`, or else
   `discount_percent` (a service discount replaces the overall one, never stacks with it);
3. credits: `monthly_credits` (USD) come off each month's net monthly charges, never below
   zero, for `credit_months` months (every month when not given); upfront fees are not credited;
4. tax: `tax_percent` is added to what is left, monthly and upfront;
5. currency: everything is multiplied by the user's `usd_rate` (units of `currency` for 1 USD).

Rounding is for display only. `allocate` rounds parts so that they add up to their rounded
total (largest remainder), so a page's lines, items, credits and tax add up to the cent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_FLOOR, Decimal, localcontext

from babel.numbers import list_currencies

from estimates import pricing
from estimates.pricing import CENT, ZERO, Catalog, FieldError, Line, Quote, exact_sum

HUNDRED = Decimal(100)
ONE = Decimal(1)
MAX_CREDIT_MONTHS = 1200
# ISO 4217 codes as CLDR lists them (current and historic), through Babel.
CURRENCY_CODES = frozenset(list_currencies())
FIELDS = frozenset(
    {
        "discount_percent",
        "service_discounts",
        "rate_overrides",
        "monthly_credits",
        "credit_months",
        "tax_percent",
        "currency",
    }
)


@dataclass(frozen=True)
class RateOverride:
    """A private rate: `unit_price` USD per the rate's per_units, in place of its tiers."""

    service: str
    rate: str
    unit_price: Decimal


@dataclass(frozen=True)
class Terms:
    """What an organisation's agreement changes about list prices; the defaults change nothing."""

    discount_percent: Decimal = ZERO
    service_discounts: Mapping[str, Decimal] = field(default_factory=dict)
    rate_overrides: tuple[RateOverride, ...] = ()
    monthly_credits: Decimal = ZERO
    credit_months: int | None = None  # None: credits every month
    tax_percent: Decimal = ZERO
    currency: str = pricing.CURRENCY
    usd_rate: Decimal = ONE

    @property
    def is_list(self) -> bool:
        """True when these terms leave list prices in USD as they are."""
        return self == Terms()

    def discount_for(self, service: str) -> Decimal:
        return self.service_discounts.get(service, self.discount_percent)

    def override_for(self, service: str, rate: str) -> RateOverride | None:
        return next(
            (o for o in self.rate_overrides if o.service == service and o.rate == rate), None
        )

    def credits_in(self, month: int) -> bool:
        return self.credit_months is None or month <= self.credit_months


@dataclass(frozen=True)
class NetLine:
    """A line at the organisation's price, in the terms' currency, before credits and tax."""

    line: Line  # as listed
    net_line: Line  # the line as priced after overrides (the listed one when none applies)
    monthly: Decimal
    upfront: Decimal
    discount_percent: Decimal | None
    override: RateOverride | None


@dataclass(frozen=True)
class NetItem:
    lines: tuple[NetLine, ...]

    @property
    def monthly(self) -> Decimal:
        return exact_sum(line.monthly for line in self.lines)

    @property
    def upfront(self) -> Decimal:
        return exact_sum(line.upfront for line in self.lines)


@dataclass(frozen=True)
class NetQuote:
    """A quote's net figures under `terms`; every amount is in `terms.currency`, exact."""

    terms: Terms
    listed: Quote
    items: tuple[NetItem, ...]

    @property
    def currency(self) -> str:
        return self.terms.currency

    @property
    def monthly_subtotal(self) -> Decimal:
        """The monthly charges after overrides and discounts, before credits and tax."""
        return exact_sum(item.monthly for item in self.items)

    @property
    def upfront_subtotal(self) -> Decimal:
        return exact_sum(item.upfront for item in self.items)

    def credits(self, month: int = 1) -> Decimal:
        """What the credits take off `month`'s monthly charges (never more than they are)."""
        if not self.terms.credits_in(month):
            return ZERO
        return min(_convert(self.terms, self.terms.monthly_credits), self.monthly_subtotal)

    def tax(self, month: int = 1) -> Decimal:
        return _percent_of(self.monthly_subtotal - self.credits(month), self.terms.tax_percent)

    def monthly_total(self, month: int = 1) -> Decimal:
        return exact_sum([self.monthly_subtotal, -self.credits(month), self.tax(month)])

    @property
    def upfront_tax(self) -> Decimal:
        return _percent_of(self.upfront_subtotal, self.terms.tax_percent)

    @property
    def upfront_total(self) -> Decimal:
        return exact_sum([self.upfront_subtotal, self.upfront_tax])

    @property
    def first_12_months_total(self) -> Decimal:
        return exact_sum([self.upfront_total, *(self.monthly_total(m) for m in range(1, 13))])


def _percent_of(amount: Decimal, percent: Decimal) -> Decimal:
    with localcontext() as context:
        context.prec = pricing.PRECISION
        return amount * percent / HUNDRED


def _convert(terms: Terms, usd: Decimal) -> Decimal:
    with localcontext() as context:
        context.prec = pricing.PRECISION
        return usd * terms.usd_rate


def _discounted(amount: Decimal, percent: Decimal) -> Decimal:
    with localcontext() as context:
        context.prec = pricing.PRECISION
        return amount * (HUNDRED - percent) / HUNDRED


def overridden_catalog(catalog: Catalog, overrides: tuple[RateOverride, ...]) -> Catalog:
    """The catalog with each overridden rate at one flat price, its free allowance kept."""
    if not overrides:
        return catalog
    services = dict(catalog.services)
    for override in overrides:
        service = services[override.service]
        flat = (pricing.Tier(ZERO, override.unit_price),)
        rates = tuple(
            replace(rate, tiers=flat) if rate.code == override.rate else rate
            for rate in service.rates
        )
        services[override.service] = replace(service, rates=rates)
    return replace(catalog, services=services)


def apply_terms(catalog: Catalog, listed: Quote, terms: Terms) -> NetQuote:
    """The net figures of a quote made with `catalog`: override → discount (then, as the
    NetQuote reads them, credits → tax); every amount converted to the terms' currency."""
    repriced = listed
    if terms.rate_overrides:
        items = [item_quote.item for item_quote in listed.items]
        repriced = pricing.price_items(
            overridden_catalog(catalog, terms.rate_overrides), items, listed.free_tier
        )
    net_items = []
    for item_quote, repriced_item in zip(listed.items, repriced.items, strict=True):
        service = item_quote.item.service
        lines = []
        for line, net_line in zip(item_quote.lines, repriced_item.lines, strict=True):
            override = terms.override_for(service, line.usage_key)
            if override is not None:
                discount = None
                monthly, upfront = net_line.monthly, net_line.upfront
            else:
                net_line = line
                discount = terms.discount_for(service)
                monthly = _discounted(line.monthly, discount)
                upfront = _discounted(line.upfront, discount)
            lines.append(
                NetLine(
                    line=line,
                    net_line=net_line,
                    monthly=_convert(terms, monthly),
                    upfront=_convert(terms, upfront),
                    discount_percent=discount,
                    override=override,
                )
            )
        net_items.append(NetItem(tuple(lines)))
    return NetQuote(terms, listed, tuple(net_items))


# ---------------------------------------------------------------------------------------------
# Display: cents that add up


def allocate(total: Decimal, parts: list[Decimal]) -> list[Decimal]:
    """Round `parts` to cents so that they add up to `total` rounded half-up (`pricing.cents`):
    each part rounded down, then the cents left over go to the largest remainders (earliest
    first on a tie). `total` is the exact sum of `parts`."""
    target = pricing.cents(total)
    with localcontext() as context:
        context.prec = pricing.PRECISION
        floors = [part.quantize(CENT, rounding=ROUND_FLOOR) for part in parts]
        left = int((target - sum(floors, ZERO)) / CENT)
        order = sorted(range(len(parts)), key=lambda i: (-(parts[i] - floors[i]), i))
        for index in order[:left]:
            floors[index] += CENT
    return floors


@dataclass(frozen=True)
class ShownNet:
    """A net quote's figures rounded for display, each set adding up to its shown total."""

    items_monthly: list[Decimal]
    lines_monthly: list[list[Decimal]]
    monthly_subtotal: Decimal
    credits: Decimal
    tax: Decimal
    monthly_total: Decimal


def shown(net: NetQuote) -> ShownNet:
    """Lines add up to their item, items to the subtotal, and subtotal − credits + tax to the
    monthly total, each in cents."""
    subtotal, minus_credits, tax = allocate(
        net.monthly_total(), [net.monthly_subtotal, -net.credits(), net.tax()]
    )
    items = allocate(subtotal, [item.monthly for item in net.items]) if net.items else []
    lines = [
        allocate(item_shown, [line.monthly for line in item.lines]) if item.lines else []
        for item, item_shown in zip(net.items, items, strict=True)
    ]
    return ShownNet(items, lines, subtotal, -minus_credits, tax, pricing.cents(net.monthly_total()))


def money_in(amount: Decimal, currency: str) -> str:
    """`EUR 1,234.56`: the ISO code, then the amount with a comma every three digits."""
    rounded = pricing.cents(amount)
    sign = "−" if rounded < 0 else ""
    return f"{sign}{currency} {abs(rounded):,.2f}"


# ---------------------------------------------------------------------------------------------
# Reading terms (the API, the forms and the model share these rules)


def _number(raw: object, name: str, errors: list[FieldError]) -> Decimal | None:
    if isinstance(raw, Decimal | int | str | float) and not isinstance(raw, bool):
        if isinstance(raw, str) and not raw.strip():
            errors.append(FieldError(None, name, "Enter a number."))
            return None
        try:
            return pricing.parse_quantity(raw)
        except ValueError as error:
            errors.append(FieldError(None, name, str(error)))
            return None
    errors.append(FieldError(None, name, 'Enter a number, such as "10" or "12.5".'))
    return None


def _percent(raw: object, name: str, errors: list[FieldError]) -> Decimal:
    value = _number(raw, name, errors)
    if value is None:
        return ZERO
    if not ZERO <= value <= HUNDRED:
        errors.append(FieldError(None, name, "Enter a percent from 0 to 100."))
        return ZERO
    return value


def parse_terms(catalog: Catalog, raw: object) -> tuple[Terms, list[FieldError]]:
    """Terms from JSON-like data (`{"discount_percent": "10", ...}`), checked against the
    catalog; each problem is a FieldError on `terms.<field>`."""
    if raw is None:
        return Terms(), []
    if not isinstance(raw, dict):
        return Terms(), [FieldError(None, "terms", "terms must be a JSON object.")]
    errors = [
        FieldError(None, f"terms.{key}", f"Unknown field '{key}'.")
        for key in raw
        if key not in FIELDS
    ]
    discount = ZERO
    if raw.get("discount_percent") is not None:
        discount = _percent(raw["discount_percent"], "terms.discount_percent", errors)
    service_discounts: dict[str, Decimal] = {}
    raw_discounts = raw.get("service_discounts") or {}
    if not isinstance(raw_discounts, dict):
        message = 'service_discounts must be an object, such as {"kms": "20"}.'
        errors.append(FieldError(None, "terms.service_discounts", message))
        raw_discounts = {}
    for code, percent in raw_discounts.items():
        name = f"terms.service_discounts.{code}"
        if code not in catalog.services:
            errors.append(FieldError(None, name, f"Unknown service '{code}'."))
            continue
        service_discounts[code] = _percent(percent, name, errors)
    overrides = _read_overrides(catalog, raw.get("rate_overrides") or [], errors)
    credits = ZERO
    if raw.get("monthly_credits") is not None:
        credits = _number(raw["monthly_credits"], "terms.monthly_credits", errors) or ZERO
        if credits < 0:
            message = "Enter credits of 0 or more."
            errors.append(FieldError(None, "terms.monthly_credits", message))
        elif credits > pricing.MAX_QUANTITY:
            message = f"Enter at most {pricing.plain_number(pricing.MAX_QUANTITY)}."
            errors.append(FieldError(None, "terms.monthly_credits", message))
    credit_months = _read_credit_months(raw.get("credit_months"), errors)
    tax = ZERO
    if raw.get("tax_percent") is not None:
        tax = _percent(raw["tax_percent"], "terms.tax_percent", errors)
    currency, usd_rate = _read_currency(raw.get("currency"), errors)
    terms = Terms(
        discount_percent=discount,
        service_discounts=service_discounts,
        rate_overrides=overrides,
        monthly_credits=credits,
        credit_months=credit_months,
        tax_percent=tax,
        currency=currency,
        usd_rate=usd_rate,
    )
    return (Terms(), errors) if errors else (terms, [])


def _read_overrides(
    catalog: Catalog, raw: object, errors: list[FieldError]
) -> tuple[RateOverride, ...]:
    if not isinstance(raw, list):
        message = 'rate_overrides must be a list of {"service", "rate", "unit_price"}.'
        errors.append(FieldError(None, "terms.rate_overrides", message))
        return ()
    overrides = []
    seen = set()
    for index, entry in enumerate(raw):
        name = f"terms.rate_overrides[{index}]"
        if not isinstance(entry, dict):
            errors.append(FieldError(None, name, "Each override must be a JSON object."))
            continue
        unknown = [key for key in entry if key not in ("service", "rate", "unit_price")]
        errors += [FieldError(None, f"{name}.{key}", f"Unknown field '{key}'.") for key in unknown]
        code, rate = entry.get("service"), entry.get("rate")
        service = catalog.services.get(code) if isinstance(code, str) else None
        if service is None:
            errors.append(FieldError(None, f"{name}.service", f"Unknown service '{code}'."))
            continue
        if not isinstance(rate, str) or rate not in {r.code for r in service.rates}:
            message = f"{service.name} has no rate '{rate}'."
            errors.append(FieldError(None, f"{name}.rate", message))
            continue
        if (code, rate) in seen:
            errors.append(FieldError(None, f"{name}.rate", "Override each rate once."))
            continue
        seen.add((code, rate))
        price = _number(entry.get("unit_price"), f"{name}.unit_price", errors)
        if price is None:
            continue
        if not ZERO <= price <= pricing.MAX_QUANTITY:
            message = "Enter a unit price of 0 or more."
            errors.append(FieldError(None, f"{name}.unit_price", message))
            continue
        overrides.append(RateOverride(code, rate, price))
    return tuple(overrides)


def _read_credit_months(raw: object, errors: list[FieldError]) -> int | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | Decimal | str):
        raw = "x"
    try:
        value = pricing.parse_quantity(raw)
    except ValueError:
        value = None
    if value is None or value != value.to_integral_value() or not 1 <= value <= MAX_CREDIT_MONTHS:
        message = f"Enter a whole number of months from 1 to {MAX_CREDIT_MONTHS:,}."
        errors.append(FieldError(None, "terms.credit_months", message))
        return None
    return int(value)


def _read_currency(raw: object, errors: list[FieldError]) -> tuple[str, Decimal]:
    if raw is None:
        return pricing.CURRENCY, ONE
    if not isinstance(raw, dict):
        message = 'currency must be an object, such as {"code": "EUR", "usd_rate": "0.92"}.'
        errors.append(FieldError(None, "terms.currency", message))
        return pricing.CURRENCY, ONE
    unknown = [key for key in raw if key not in ("code", "usd_rate")]
    errors += [
        FieldError(None, f"terms.currency.{key}", f"Unknown field '{key}'.") for key in unknown
    ]
    code = raw.get("code")
    if not isinstance(code, str) or code not in CURRENCY_CODES:
        message = "Enter an ISO 4217 currency code in capitals, such as EUR or GBP."
        errors.append(FieldError(None, "terms.currency.code", message))
        code = pricing.CURRENCY
    if raw.get("usd_rate") is None and code == pricing.CURRENCY:
        return code, ONE
    rate = _number(raw.get("usd_rate"), "terms.currency.usd_rate", errors)
    if rate is None:
        return code, ONE
    if rate <= 0 or rate > pricing.MAX_QUANTITY:
        message = f"Enter the price of 1 USD in {code}, above 0."
        errors.append(FieldError(None, "terms.currency.usd_rate", message))
        return code, ONE
    return code, rate


def terms_as_json(terms: Terms) -> dict:
    """Terms as the API takes them back: only the fields that change something."""
    body: dict = {}
    if terms.discount_percent:
        body["discount_percent"] = format(terms.discount_percent, "f")
    if terms.service_discounts:
        body["service_discounts"] = {
            code: format(percent, "f") for code, percent in terms.service_discounts.items()
        }
    if terms.rate_overrides:
        body["rate_overrides"] = [
            {"service": o.service, "rate": o.rate, "unit_price": format(o.unit_price, "f")}
            for o in terms.rate_overrides
        ]
    if terms.monthly_credits:
        body["monthly_credits"] = format(terms.monthly_credits, "f")
    if terms.credit_months is not None:
        body["credit_months"] = terms.credit_months
    if terms.tax_percent:
        body["tax_percent"] = format(terms.tax_percent, "f")
    if terms.currency != pricing.CURRENCY or terms.usd_rate != ONE:
        body["currency"] = {"code": terms.currency, "usd_rate": format(terms.usd_rate, "f")}
    return body


# ---------------------------------------------------------------------------------------------
# Two estimates' net figures: what the terms changed, and what the usage (and prices) changed


@dataclass(frozen=True)
class NetComparison:
    """B's net month against A's. A's quote under B's terms splits the change: terms effect =
    A under B's terms − A; usage effect = B − A under B's terms (usage and prices; compare.py
    splits those two at list price). Amounts in two currencies have no difference, so with
    currencies apart only the usage effect (in B's currency) is given."""

    a: NetQuote
    b: NetQuote
    a_at_b_terms: NetQuote | None
    no_split_because: str = ""

    @property
    def same_currency(self) -> bool:
        return self.a.currency == self.b.currency

    @property
    def monthly_delta(self) -> Decimal | None:
        if not self.same_currency:
            return None
        return exact_sum([self.b.monthly_total(), -self.a.monthly_total()])

    @property
    def terms_effect(self) -> Decimal | None:
        if self.a_at_b_terms is None or not self.same_currency:
            return None
        return exact_sum([self.a_at_b_terms.monthly_total(), -self.a.monthly_total()])

    @property
    def usage_effect(self) -> Decimal | None:
        if self.a_at_b_terms is None:
            return None
        return exact_sum([self.b.monthly_total(), -self.a_at_b_terms.monthly_total()])


def compare_net(a_catalog: Catalog, a: NetQuote, b: NetQuote) -> NetComparison:
    """A's and B's net figures, and A's quote (priced with A's catalog) under B's terms."""
    errors = parse_terms(a_catalog, terms_as_json(b.terms))[1]
    if errors:
        reason = "B's terms do not apply to A's price book: " + "; ".join(
            f"{error.field}: {error.message}" for error in errors
        )
        return NetComparison(a, b, None, reason)
    reason = "" if a.currency == b.currency else f"A is in {a.currency}, B in {b.currency}."
    return NetComparison(a, b, apply_terms(a_catalog, a.listed, b.terms), reason)
