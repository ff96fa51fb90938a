"""The pricing engine: plain Python over Decimal, with no Django in it.

Money rules (from the price reference the first price book was seeded from):

- A rate meters one usage input, or the product of several (WAF `requests × extra_wcu_increments`).
- A price is per `per_units` units: cost = units ÷ per_units × price.
- Tiers count from zero over the month's quantity; each band ends where the next one starts.
- Free allowances are the first units of a quantity, before any paid tier, and tier boundaries
  include them. With the free tier switched off those units are charged like any other.
- Exact Decimals through every sum. Round half-up to cents only to show or export a figure
  (`cents`, `money`); never round inside a sum.
- Monthly total, upfront total, and first 12 months = upfront + 12 × monthly.
- A rate may bind for a term (`commitment_months`, e.g. Shield Advanced's one year): the engine
  prices a month as any other and reports the term; projection.py shows what it commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from .regions import DEFAULT_REGION

ZERO = Decimal(0)
CENT = Decimal("0.01")
MAX_QUANTITY = Decimal(10) ** 15
MAX_ITEMS = 200
MAX_DECIMAL_PLACES = 10
ALL_REGIONS = "*"
CURRENCY = "USD"
MONTHLY = "monthly"
UPFRONT = "upfront"
# Products of two quantities up to 10^15 need more than the default 28 digits to stay exact.
PRECISION = 60


# ---------------------------------------------------------------------------------------------
# What a price book holds


@dataclass(frozen=True)
class Tier:
    """One price band: from `start` units (inclusive) to the next tier's start."""

    start: Decimal
    price: Decimal


@dataclass(frozen=True)
class RateSpec:
    """One price dimension of a service, e.g. KMS symmetric requests at $0.03 per 10,000."""

    code: str
    label: str
    meters: tuple[str, ...]
    per_units: Decimal
    unit: str
    tiers: tuple[Tier, ...]
    free_units: Decimal = ZERO
    region: str = ALL_REGIONS
    billing: str = MONTHLY
    source: str = ""
    grade: str = ""
    # Once its quantity is above zero, the rate binds for this many months (0: no term).
    commitment_months: int = 0

    @property
    def is_free(self) -> bool:
        return all(tier.price == 0 for tier in self.tiers)

    @property
    def unverified(self) -> bool:
        return self.grade == "E"


@dataclass(frozen=True)
class InputSpec:
    """A usage input a user types: its bounds and the rules that tie it to other inputs."""

    key: str
    label: str
    unit: str
    help: str = ""
    min_value: Decimal = ZERO
    max_value: Decimal = MAX_QUANTITY
    whole: bool = False
    # This input may be at most at_most_factor × the value of input at_most_key.
    at_most_key: str = ""
    at_most_factor: Decimal = ZERO
    # This input may be above zero only when input requires_key is.
    requires_key: str = ""

    @property
    def step(self) -> str:
        return "1" if self.whole else "any"


@dataclass(frozen=True)
class ServiceSpec:
    code: str
    name: str
    inputs: tuple[InputSpec, ...]
    rates: tuple[RateSpec, ...]
    summary: str = ""
    guidance: tuple[str, ...] = ()
    free_tier_note: str = ""

    def input(self, key: str) -> InputSpec | None:
        return next((spec for spec in self.inputs if spec.key == key), None)

    def regions(self, book_regions: Iterable[str]) -> tuple[str, ...]:
        """The Regions this service is priced in; a rate for all Regions covers the book's."""
        if any(rate.region == ALL_REGIONS for rate in self.rates):
            return tuple(book_regions)
        own = {rate.region for rate in self.rates}
        return tuple(region for region in book_regions if region in own)

    def rates_for(self, region: str) -> tuple[RateSpec, ...]:
        """The rates that apply in a Region: a Region's own rate replaces the all-Regions one."""
        own_codes = {rate.code for rate in self.rates if rate.region == region}
        return tuple(
            rate
            for rate in self.rates
            if rate.region == region or (rate.region == ALL_REGIONS and rate.code not in own_codes)
        )


@dataclass(frozen=True)
class Catalog:
    """A price book as the engine sees it: services with their inputs and rates."""

    book_id: int | None
    book_name: str
    effective_date: str
    services: Mapping[str, ServiceSpec]
    regions: tuple[str, ...]

    def service_regions(self, code: str) -> tuple[str, ...]:
        return self.services[code].regions(self.regions)


def exact_sum(amounts: Iterable[Decimal]) -> Decimal:
    """A sum that never rounds, however large the quantities the inputs allow."""
    with localcontext() as context:
        context.prec = PRECISION
        return sum(amounts, ZERO)


# ---------------------------------------------------------------------------------------------
# What an estimate holds, and what it costs


@dataclass(frozen=True)
class Item:
    service: str
    region: str = DEFAULT_REGION
    group: str = ""
    usage: Mapping[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class Band:
    """Units billed in one tier: from `start` to `end`, at `price` per the rate's units."""

    start: Decimal
    end: Decimal
    price: Decimal
    cost: Decimal

    @property
    def units(self) -> Decimal:
        return self.end - self.start


@dataclass(frozen=True)
class Line:
    """The cost of one rate for one item, with the working a person can check."""

    usage_key: str
    label: str
    quantity: Decimal
    unit: str
    free_quantity: Decimal
    billable_quantity: Decimal
    unit_price: Decimal
    per_units: Decimal
    billing: str
    cost: Decimal
    formula: str
    bands: tuple[Band, ...]
    source: str = ""
    grade: str = ""
    commitment_months: int = 0

    @property
    def monthly(self) -> Decimal:
        return self.cost if self.billing == MONTHLY else ZERO

    @property
    def upfront(self) -> Decimal:
        return self.cost if self.billing == UPFRONT else ZERO

    @property
    def first_12_months(self) -> Decimal:
        return exact_sum([self.upfront, 12 * self.monthly])

    @property
    def unverified(self) -> bool:
        return self.grade == "E"


@dataclass(frozen=True)
class ItemQuote:
    item: Item
    service_name: str
    lines: tuple[Line, ...]

    @property
    def monthly(self) -> Decimal:
        return exact_sum(line.monthly for line in self.lines)

    @property
    def upfront(self) -> Decimal:
        return exact_sum(line.upfront for line in self.lines)


@dataclass(frozen=True)
class Quote:
    items: tuple[ItemQuote, ...]
    free_tier: bool

    @property
    def monthly_total(self) -> Decimal:
        return exact_sum(item.monthly for item in self.items)

    @property
    def upfront_total(self) -> Decimal:
        return exact_sum(item.upfront for item in self.items)

    @property
    def first_12_months_total(self) -> Decimal:
        return exact_sum([self.upfront_total, 12 * self.monthly_total])

    def by_service(self) -> list[tuple[str, str, Decimal]]:
        """(code, name, monthly) per service, most expensive first."""
        totals: dict[str, Decimal] = {}
        names: dict[str, str] = {}
        for item_quote in self.items:
            code = item_quote.item.service
            totals[code] = exact_sum([totals.get(code, ZERO), item_quote.monthly])
            names[code] = item_quote.service_name
        return sorted(
            ((code, names[code], total) for code, total in totals.items()),
            key=lambda row: (-row[2], row[1]),
        )

    def lines_by_cost(self) -> list[tuple[ItemQuote, Line]]:
        """Every line of every item, the most expensive first."""
        pairs = [(item_quote, line) for item_quote in self.items for line in item_quote.lines]
        return sorted(pairs, key=lambda pair: -(pair[1].monthly + pair[1].upfront))


@dataclass(frozen=True)
class FieldError:
    item: int | None
    field: str
    message: str


class PricingError(ValueError):
    """Input that cannot be priced; `errors` says where and why."""

    def __init__(self, errors: list[FieldError]):
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


# ---------------------------------------------------------------------------------------------
# Formatting (display only: the engine never rounds inside a sum)


def cents(amount: Decimal) -> Decimal:
    """Round half-up to cents, for display and export only."""
    with localcontext() as context:
        context.prec = PRECISION
        return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def amount_text(amount: Decimal) -> str:
    """Money for JSON and CSV: `1234.56`, two decimals, in CURRENCY."""
    return f"{cents(amount):f}"


def percent_amount(percent: Decimal | None) -> str | None:
    """A percentage for JSON and CSV: `33.33`, `-100.00`, rounded half-up; None stays None."""
    if percent is None:
        return None
    with localcontext() as context:
        context.prec = PRECISION
        return f"{percent.quantize(CENT, rounding=ROUND_HALF_UP):f}"


def money(amount: Decimal) -> str:
    """`$1,234.56`, for pages."""
    rounded = cents(amount)
    sign = "−" if rounded < 0 else ""
    return f"{sign}${abs(rounded):,.2f}"


def plain_number(value: Decimal) -> str:
    """A quantity as a person writes it: `2,000,000`, `0.5`."""
    normalized = value.normalize()
    if normalized == normalized.to_integral_value():
        return f"{normalized.to_integral_value():,f}"
    return f"{normalized:,f}"


def _price_places(price: Decimal) -> int:
    """At least two decimals, and no more than the price has."""
    exponent = price.normalize().as_tuple().exponent
    return max(2, -exponent) if isinstance(exponent, int) else 2


def price_amount(price: Decimal) -> str:
    """A unit price for JSON: `0.03`, `0.001`, `3000.00`."""
    return f"{price:.{_price_places(price)}f}"


def price_text(price: Decimal) -> str:
    """A unit price for pages: `$0.03`, `$0.001`, `$3,000.00`."""
    return f"${price:,.{_price_places(price)}f}"


def decimal_text(value: Decimal) -> str:
    """A Decimal without exponent or trailing zeros, for JSON and CSV: `0.001`, `12`."""
    normalized = value.normalize()
    if normalized == normalized.to_integral_value():
        return f"{normalized.to_integral_value():f}"
    return f"{normalized:f}"


# ---------------------------------------------------------------------------------------------
# Pricing


def price_rate(rate: RateSpec, usage: Mapping[str, Decimal], free_tier: bool) -> Line:
    """Price one rate: free allowance first, then the tiers band by band."""
    with localcontext() as context:
        context.prec = PRECISION
        quantity = Decimal(1)
        for key in rate.meters:
            quantity *= usage.get(key, ZERO)
        free = min(quantity, rate.free_units) if free_tier else ZERO
        bands = []
        for index, tier in enumerate(rate.tiers):
            end = rate.tiers[index + 1].start if index + 1 < len(rate.tiers) else None
            low = max(tier.start, free)
            high = quantity if end is None else min(quantity, end)
            if high > low:
                bands.append(
                    Band(low, high, tier.price, (high - low) * tier.price / rate.per_units)
                )
        cost = sum((band.cost for band in bands), ZERO)
    return Line(
        usage_key=rate.code,
        label=rate.label,
        quantity=quantity,
        unit=rate.unit,
        free_quantity=free,
        billable_quantity=quantity - free,
        unit_price=bands[0].price if bands else _first_paid_price(rate),
        per_units=rate.per_units,
        billing=rate.billing,
        cost=cost,
        formula=_formula(rate, usage, quantity, free, bands, cost),
        bands=tuple(bands),
        source=rate.source,
        grade=rate.grade,
        commitment_months=rate.commitment_months,
    )


def _first_paid_price(rate: RateSpec) -> Decimal:
    return rate.tiers[0].price if rate.tiers else ZERO


def _formula(
    rate: RateSpec,
    usage: Mapping[str, Decimal],
    quantity: Decimal,
    free: Decimal,
    bands: list[Band],
    cost: Decimal,
) -> str:
    """The working, e.g. `(2,000,000 − 20,000 free) ÷ 10,000 × $0.03 = $5.94`."""
    if len(rate.meters) > 1:
        whole = " × ".join(plain_number(usage.get(key, ZERO)) for key in rate.meters)
    else:
        whole = plain_number(quantity)
    if rate.is_free:
        return f"{whole} {rate.unit} at no charge = {money(cost)}"
    if not bands:
        return f"{whole} within {plain_number(rate.free_units)} free = {money(cost)}"
    per = "" if rate.per_units == 1 else f" ÷ {plain_number(rate.per_units)}"
    terms = []
    for band in bands:
        high = whole if band.end == quantity and len(bands) == 1 else plain_number(band.end)
        if band.start == 0:
            units = high
        elif free and band.start == free:
            units = f"({high} − {plain_number(free)} free)"
        else:
            units = f"({high} − {plain_number(band.start)})"
        terms.append(f"{units}{per} × {price_text(band.price)}")
    return f"{' + '.join(terms)} = {money(cost)}"


def price_item(service: ServiceSpec, item: Item, free_tier: bool) -> ItemQuote:
    """Price one item: a line for every rate with a non-zero quantity."""
    lines = []
    for rate in service.rates_for(item.region):
        line = price_rate(rate, item.usage, free_tier)
        if line.quantity != 0:
            lines.append(line)
    return ItemQuote(item=item, service_name=service.name, lines=tuple(lines))


def quote(catalog: Catalog, items: Iterable[Item], free_tier: bool = True) -> Quote:
    """Price an estimate. Raises PricingError if an item cannot be priced as given."""
    items = tuple(items)
    errors = [
        error for index, item in enumerate(items) for error in check_item(catalog, item, index)
    ]
    if errors:
        raise PricingError(errors)
    return price_items(catalog, items, free_tier)


def price_items(catalog: Catalog, items: Iterable[Item], free_tier: bool = True) -> Quote:
    """Price items already checked against the catalog (check_item), without checking again."""
    return Quote(
        items=tuple(price_item(catalog.services[item.service], item, free_tier) for item in items),
        free_tier=free_tier,
    )


# ---------------------------------------------------------------------------------------------
# Validation


def parse_quantity(raw: object) -> Decimal:
    """A quantity from a form or JSON value; ValueError with a message a person can act on."""
    if raw is None or raw == "":
        return ZERO
    if isinstance(raw, bool):
        raise ValueError("Enter a number.")
    if isinstance(raw, float):
        raw = repr(raw)
    if isinstance(raw, int | Decimal):
        value = Decimal(raw)
    elif isinstance(raw, str):
        text = raw.strip().replace(",", "").replace("_", "").replace(" ", "")
        if len(text) > 64:
            raise ValueError("Enter a number.")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValueError("Enter a number.") from None
    else:
        raise ValueError("Enter a number.")
    if not value.is_finite():
        raise ValueError("Enter a number.")
    if value.adjusted() > 15:
        return value  # far too large: the input's bound says so, with its limit
    too_small = value != 0 and value.adjusted() < -MAX_DECIMAL_PLACES
    if too_small or -value.normalize().as_tuple().exponent > MAX_DECIMAL_PLACES:
        raise ValueError(f"Use at most {MAX_DECIMAL_PLACES} decimal places.")
    return value


def check_quantity(spec: InputSpec, value: Decimal) -> str | None:
    """The message for a quantity outside its input's own bounds, or None."""
    if spec.whole and spec.min_value == 0 and spec.max_value == 1 and value not in (0, 1):
        return "Enter 0 or 1."
    if value < spec.min_value:
        if spec.min_value == 0:
            return "Enter 0 or more."
        return f"Enter at least {plain_number(spec.min_value)}."
    if value > spec.max_value:
        return f"Enter at most {plain_number(spec.max_value)}."
    if spec.whole and value != value.to_integral_value():
        return "Enter a whole number."
    return None


def check_usage(service: ServiceSpec, usage: Mapping[str, Decimal]) -> dict[str, str]:
    """Messages by usage key for bounds and cross-field rules."""
    messages: dict[str, str] = {}
    for key, value in usage.items():
        spec = service.input(key)
        if spec is None:
            messages[key] = f"{service.name} has no usage input '{key}'."
            continue
        message = check_quantity(spec, value)
        if message:
            messages[key] = message
    for spec in service.inputs:
        if spec.key in messages:
            continue
        value = usage.get(spec.key, ZERO)
        if spec.at_most_key and spec.at_most_key not in messages:
            other = service.input(spec.at_most_key)
            limit = spec.at_most_factor * usage.get(spec.at_most_key, ZERO)
            if value > limit:
                other_label = other.label.lower() if other else spec.at_most_key
                messages[spec.key] = (
                    f"At most {plain_number(spec.at_most_factor)} × {other_label} "
                    f"(= {plain_number(limit)})."
                )
        if spec.requires_key and value > 0 and usage.get(spec.requires_key, ZERO) <= 0:
            other = service.input(spec.requires_key)
            other_label = other.label if other else spec.requires_key
            messages[spec.key] = f"Only billed with {other_label}: set it to 1 first."
    return messages


def check_item(catalog: Catalog, item: Item, index: int | None = None) -> list[FieldError]:
    """Everything wrong with one item, as field errors."""
    service = catalog.services.get(item.service)
    if service is None:
        return [FieldError(index, "service", f"Unknown service '{item.service}'.")]
    errors = []
    if item.region not in catalog.service_regions(item.service):
        errors.append(
            FieldError(
                index,
                "region",
                f"The price book has no {service.name} prices for Region '{item.region}'.",
            )
        )
    messages = check_usage(service, item.usage)
    errors.extend(FieldError(index, key, message) for key, message in messages.items())
    return errors
