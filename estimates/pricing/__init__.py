"""The pricing engine: plain Python over Decimal, with no Django in it.

Owns the engine: this module (catalog, items, quotes), projection.py (the months ahead), terms.py
(the price the organisation pays: discounts, overrides, credits, tax, currency),
compare.py (two quotes line by line) and regions.py (the one table of Regions). The bottom layer:
it imports nothing else of costcalc's, and no Django (pyproject.toml's import contracts).

Money rules (from the price reference the first price book was seeded from):

- A rate meters one usage input, or the product of several (WAF `requests × extra_wcu_increments`).
- A price is per `per_units` units: cost = units ÷ per_units × price.
- Tiers count from zero over the month's quantity; each band ends where the next one starts.
- Free allowances are the first units of a quantity, before any paid tier, and tier boundaries
  include them. With the free tier switched off those units are charged like any other.
- Exact Decimals through every sum. Round half-up to cents only to show or export a figure
  (`cents`, `money`); never round inside a sum.
- Shown cents add up: a quote's totals are its exact sums rounded half-up, and the cents are
  shared down by largest remainder (`allocate_cents`), totals to cards and cards to lines, so
  the lines shown sum to their card and the cards to the total, each within a cent of its exact
  figure (`shown_*`). First 12 months is shared the same way from its own rounded total.
- Monthly total, upfront total, and first 12 months = upfront + 12 × monthly.

Organisation rules (one estimate is one AWS organisation under consolidated billing):

- A card's usage is per account and per Region: it counts `accounts` times in each of its Regions.
- Each rate says at what level AWS counts usage for its tiers and free allowance (`pooling`):
  the organisation in each Region (consolidated billing's default), the organisation across all
  Regions, each account in each Region alone, or one fee for the whole organisation. Usage is
  summed across cards at that level, free allowance and tiers are applied once, and the cost is
  shared back to the cards pro rata to their usage: shares are exact to SHARE_PLACES decimal
  places and the last card's share takes the remainder, so the shares add up to the pool's cost
  exactly and every total is the sum of its lines.
- A waiver (from the price book) makes some fees of a card $0 when another service in the
  estimate covers them (WAF on resources Shield Advanced protects); the line stays, with why.
- A rate may bind for a term (`commitment_months`, e.g. Shield Advanced's one year): the engine
  prices a month as any other and reports the term; projection.py shows what it commits.
- A service is offered in a Region when any of its rates has a price there. An input whose rates
  lack a price in a card's Region is unavailable there: a quantity above 0 is an error naming
  the input and the Region, and the card's other inputs price as usual. No price is borrowed
  from another Region.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Context, Decimal, InvalidOperation, localcontext
from functools import cached_property, reduce

from estimates.pricing.regions import DEFAULT_REGION

ZERO = Decimal(0)
CENT = Decimal("0.01")
MAX_QUANTITY = Decimal(10) ** 15
MAX_ITEMS = 200
# The work one request may ask for: each item's Regions × the months priced (1 without a
# projection or without growth, else the projection's months). Accounts are not counted: a
# pool's usage is a sum, so 100,000 accounts cost what one does (bench/worst_case.py).
MAX_CELLS = 5_000
# The cost lines one quote or save may price: each item's rates that meter some of its usage,
# in each of its Regions, once a month priced line by line (a projection with terms prices
# every month that grows so). A line is about 1 KB of JSON and 45 µs to price and write (90
# with terms); the cells alone let 200 WAF cards in 17 Regions make 47,600 lines (a 50 MB
# answer, seconds) and 8 of them with terms over 36 growing months price 68,544 (3 s).
MAX_LINES = 5_000
# A card whose lines for one input cost more than this a month is far outside what any
# organisation spends on a security service: the editor notes it beside the input, unrefused.
OUTSIZE_MONTHLY = Decimal(10_000_000)
# An editor card posts its service, accounts and group, each Region ticked and each usage input.
MAX_FORM_FIELDS_PER_CARD = 64
MAX_DECIMAL_PLACES = 10
ALL_REGIONS = "*"
CURRENCY = "USD"
MONTHLY = "monthly"
UPFRONT = "upfront"
MAX_ACCOUNTS = 100_000
SHARE_PLACES = Decimal("1e-20")

# How AWS counts usage for a rate's tiers and free allowance (RateSpec.pooling).
ORGANIZATION_REGION = "organization_region"
ORGANIZATION = "organization"
ACCOUNT_REGION = "account_region"
ORGANIZATION_ONCE = "organization_once"
POOLING_LEVELS = {
    ORGANIZATION_REGION: "the organisation, per Region",
    ORGANIZATION: "the organisation, across all Regions",
    ACCOUNT_REGION: "each account, per Region",
    ORGANIZATION_ONCE: "one fee per organisation",
}
# Products of two quantities up to 10^15 need more than the default 28 digits to stay exact.
PRECISION = 60
EXACT = Context(prec=PRECISION)


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
    pooling: str = ORGANIZATION_REGION
    # AWS's word for `pooling`; without it the level is the consolidated-billing default,
    # shown as unverified like a grade-E price.
    pooling_source: str = ""
    # Once its quantity is above zero, the rate binds for this many months (0: no term).
    commitment_months: int = 0

    @property
    def is_free(self) -> bool:
        return all(tier.price == 0 for tier in self.tiers)

    @property
    def unverified(self) -> bool:
        return self.grade == "E"

    @property
    def pooling_unverified(self) -> bool:
        return not self.pooling_source


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

    @property
    def is_switch(self) -> bool:
        """A yes/no input (0 or 1): not usage, it never grows; a checkbox in the editor,
        true/false (or 0/1) in the API."""
        return self.whole and self.min_value == 0 and self.max_value == 1


@dataclass(frozen=True)
class ServiceSpec:
    code: str
    name: str
    inputs: tuple[InputSpec, ...]
    rates: tuple[RateSpec, ...]
    summary: str = ""
    guidance: tuple[str, ...] = ()
    free_tier_note: str = ""
    # Keys an earlier book had that this one prices under others, e.g. one that became three.
    replaced_inputs: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def input(self, key: str) -> InputSpec | None:
        return self._inputs_by_key.get(key)

    @cached_property
    def _inputs_by_key(self) -> dict[str, InputSpec]:
        return {spec.key: spec for spec in self.inputs}

    def regions(self, book_regions: Iterable[str]) -> tuple[str, ...]:
        """The Regions where any rate of this service has a price (its own or all Regions')."""
        return tuple(region for region in book_regions if self.rates_for(region))

    def input_regions(self, key: str, book_regions: Iterable[str]) -> tuple[str, ...]:
        """The Regions where an input can be priced: every rate that meters it has a price
        there. An input no rate meters (a flag) goes wherever the service does."""
        codes = {rate.code for rate in self.rates if key in rate.meters}
        return tuple(
            region
            for region in self.regions(book_regions)
            if codes <= {rate.code for rate in self.rates_for(region)}
        )

    def rates_for(self, region: str) -> tuple[RateSpec, ...]:
        """The rates that apply in a Region: a Region's own rate replaces the all-Regions one."""
        found = self._rates_by_region.get(region)
        if found is None:
            own_codes = {rate.code for rate in self.rates if rate.region == region}
            found = tuple(
                rate
                for rate in self.rates
                if rate.region == region
                or (rate.region == ALL_REGIONS and rate.code not in own_codes)
            )
            self._rates_by_region[region] = found
        return found

    @cached_property
    def _rates_by_region(self) -> dict[str, tuple[RateSpec, ...]]:
        return {}  # filled by rates_for: a catalog lives as long as its process


@dataclass(frozen=True)
class Waiver:
    """A rule between services: on a card of `service` whose input `flag` is 1, the fees of
    `rates` are $0 when the estimate also has `requires_service` with `requires_key` above 0."""

    service: str
    flag: str
    rates: tuple[str, ...]
    requires_service: str
    requires_key: str
    reason: str
    source: str = ""


@dataclass(frozen=True)
class Catalog:
    """A price book as the engine sees it: services with their inputs and rates."""

    book_id: int | None
    book_name: str
    effective_date: str
    services: Mapping[str, ServiceSpec]
    regions: tuple[str, ...]
    waivers: tuple[Waiver, ...] = ()

    def service_regions(self, code: str) -> tuple[str, ...]:
        """The Regions the book offers a service in; worked out once per catalog and service."""
        found = self._service_regions.get(code)
        if found is None:
            found = self._service_regions[code] = self.services[code].regions(self.regions)
        return found

    @cached_property
    def _service_regions(self) -> dict[str, tuple[str, ...]]:
        return {}  # filled by service_regions: a catalog lives as long as its process

    def input_regions(self, code: str, key: str) -> tuple[str, ...]:
        """The Regions of the book where a service's input has a price."""
        found = self._input_regions.get((code, key))
        if found is None:
            found = self.services[code].input_regions(key, self.regions)
            self._input_regions[(code, key)] = found
        return found

    def unavailable_inputs(self, code: str, region: str) -> tuple[InputSpec, ...]:
        """The inputs of a service offered in `region` that have no price there."""
        return tuple(
            spec
            for spec in self.services[code].inputs
            if region not in self.input_regions(code, spec.key)
        )

    @cached_property
    def _input_regions(self) -> dict[tuple[str, str], tuple[str, ...]]:
        return {}  # filled by input_regions, as _service_regions


def exact_sum(amounts: Iterable[Decimal]) -> Decimal:
    """A sum that never rounds, however large the quantities the inputs allow."""
    return reduce(EXACT.add, amounts, ZERO)


# ---------------------------------------------------------------------------------------------
# What an estimate holds, and what it costs


@dataclass(frozen=True)
class Item:
    """One card: a service's usage per account and per Region, in each of `regions`.

    `region` is the first of `regions`; an item made with only `region` is in that one Region.
    """

    service: str
    region: str = DEFAULT_REGION
    group: str = ""
    usage: Mapping[str, Decimal] = field(default_factory=dict)
    accounts: int = 1
    regions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.regions:
            object.__setattr__(self, "regions", tuple(self.regions))
            object.__setattr__(self, "region", self.regions[0])
        else:
            object.__setattr__(self, "regions", (self.region,))

    @property
    def multiplier(self) -> str:
        """`× 40 accounts × 4 Regions`, or "" for one account in one Region."""
        parts = []
        if self.accounts != 1:
            parts.append(f"× {self.accounts:,} accounts")
        if len(self.regions) != 1:
            parts.append(f"× {len(self.regions)} Regions")
        return " ".join(parts)


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
    """The cost of one rate for one item in one Region, with the working a person can check.

    `quantity` is the card's own (usage × accounts); `pooled_quantity` is what the tiers and
    free allowance were applied to, summed over every card at the rate's pooling level.
    """

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
    region: str = ""
    pooled_quantity: Decimal | None = None
    pooling: str = ORGANIZATION_REGION
    pooling_source: str = ""
    waived: str = ""
    share: Decimal = Decimal(1)  # this card's part of the pool's cost
    commitment_months: int = 0
    # The cost as shown, in cents, allocated so that a card's lines add up to the card as shown;
    # None for a line priced outside a quote (the cost rounded half-up is shown then).
    shown_cost: Decimal | None = None
    shown_first_12: Decimal | None = None

    @property
    def monthly(self) -> Decimal:
        return self.cost if self.billing == MONTHLY else ZERO

    @property
    def shown(self) -> Decimal:
        return cents(self.cost) if self.shown_cost is None else self.shown_cost

    @property
    def shown_monthly(self) -> Decimal:
        return self.shown if self.billing == MONTHLY else ZERO

    @property
    def shown_upfront(self) -> Decimal:
        return self.shown if self.billing == UPFRONT else ZERO

    @property
    def shown_first_12_months(self) -> Decimal:
        if self.shown_first_12 is None:
            return cents(self.first_12_months)
        return self.shown_first_12

    @property
    def upfront(self) -> Decimal:
        return self.cost if self.billing == UPFRONT else ZERO

    @property
    def first_12_months(self) -> Decimal:
        return exact_sum([self.upfront, 12 * self.monthly])

    @property
    def unverified(self) -> bool:
        return self.grade == "E"

    @property
    def pooling_unverified(self) -> bool:
        return not self.pooling_source

    @property
    def pooling_label(self) -> str:
        return POOLING_LEVELS.get(self.pooling, self.pooling)


@dataclass(frozen=True)
class ItemQuote:
    item: Item
    service_name: str
    lines: tuple[Line, ...]

    @cached_property
    def monthly(self) -> Decimal:
        return exact_sum(line.monthly for line in self.lines)

    @cached_property
    def upfront(self) -> Decimal:
        return exact_sum(line.upfront for line in self.lines)

    @property
    def shown_monthly(self) -> Decimal:
        """The card's monthly cost as shown: the sum of its lines as shown."""
        return sum((line.shown_monthly for line in self.lines), ZERO)

    @property
    def shown_upfront(self) -> Decimal:
        return sum((line.shown_upfront for line in self.lines), ZERO)

    @property
    def shown_first_12_months(self) -> Decimal:
        return sum((line.shown_first_12_months for line in self.lines), ZERO)

    @property
    def first_12_months(self) -> Decimal:
        return exact_sum([self.upfront, 12 * self.monthly])


@dataclass(frozen=True)
class Quote:
    items: tuple[ItemQuote, ...]
    free_tier: bool

    @cached_property
    def monthly_total(self) -> Decimal:
        return exact_sum(item.monthly for item in self.items)

    @cached_property
    def upfront_total(self) -> Decimal:
        return exact_sum(item.upfront for item in self.items)

    @property
    def first_12_months_total(self) -> Decimal:
        return exact_sum([self.upfront_total, 12 * self.monthly_total])

    @property
    def shown_monthly_total(self) -> Decimal:
        return cents(self.monthly_total)

    @property
    def shown_upfront_total(self) -> Decimal:
        return cents(self.upfront_total)

    @property
    def shown_first_12_months_total(self) -> Decimal:
        return cents(self.first_12_months_total)

    def shown_by_service(self) -> list[tuple[str, str, Decimal]]:
        """(code, name, monthly as shown) per service, most expensive first; they sum to the
        total as shown."""
        totals: dict[str, Decimal] = {}
        names: dict[str, str] = {}
        for item_quote in self.items:
            code = item_quote.item.service
            totals[code] = totals.get(code, ZERO) + item_quote.shown_monthly
            names[code] = item_quote.service_name
        return sorted(
            ((code, names[code], total) for code, total in totals.items()),
            key=lambda row: (-row[2], row[1]),
        )

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
    return amount.quantize(CENT, rounding=ROUND_HALF_UP, context=EXACT)


def allocate_cents(total: Decimal, parts: list[Decimal]) -> list[Decimal]:
    """`parts` in whole cents adding up to `total` (whole cents): each part rounded down, then
    the cents left over one each to the largest remainders (the first of equal ones).

    Given `total` = cents(the exact sum of parts), or a part of such a total allocated by this
    function, every part comes out within a cent of its exact value.
    """
    if not parts:
        return []
    floors = [part.quantize(CENT, rounding=ROUND_FLOOR, context=EXACT) for part in parts]
    left = int(EXACT.divide(EXACT.subtract(total, exact_sum(floors)), CENT))
    if not left:
        return floors  # the floors add up already: nothing to hand out
    order = sorted(
        range(len(parts)), key=lambda index: (EXACT.subtract(floors[index], parts[index]), index)
    )
    if left < 0:  # only for a total below the parts' floors: take from the smallest first
        order.reverse()
    step = CENT if left > 0 else -CENT
    for turn in range(abs(left)):
        index = order[turn % len(parts)]
        floors[index] = EXACT.add(floors[index], step)
    return floors


def _with_shown_cents(items: list[ItemQuote]) -> tuple[ItemQuote, ...]:
    """The items with each line's shown cost: the totals' cents shared to cards, then lines."""
    shown = []
    for attribute in ("monthly", "upfront", "first_12_months"):
        exact = [getattr(item_quote, attribute) for item_quote in items]
        shown.append(allocate_cents(cents(exact_sum(exact)), exact))
    result = []
    for item_quote, card_monthly, card_upfront, card_12 in zip(items, *shown, strict=True):
        lines = item_quote.lines
        exact_monthly = [line.monthly for line in lines]
        exact_upfront = [line.upfront for line in lines]
        # Line.first_12_months, worked out once a line
        exact_12 = [
            exact_sum([upfront, 12 * monthly])
            for monthly, upfront in zip(exact_monthly, exact_upfront, strict=True)
        ]
        monthly = allocate_cents(card_monthly, exact_monthly)
        upfront = allocate_cents(card_upfront, exact_upfront)
        first_12 = allocate_cents(card_12, exact_12)
        shown_lines = tuple(
            _shown(line, line_monthly if line.billing == MONTHLY else line_upfront, line_12, exact)
            for line, line_monthly, line_upfront, line_12, exact in zip(
                lines, monthly, upfront, first_12, exact_12, strict=True
            )
        )
        if all(map(operator.is_, shown_lines, lines)):
            result.append(item_quote)  # every line shown as rounded: the card as it is
        else:
            result.append(ItemQuote(item_quote.item, item_quote.service_name, shown_lines))
    return tuple(result)


def _shown(line: Line, shown_cost: Decimal, shown_first_12: Decimal, first_12: Decimal) -> Line:
    """The line with its shown figures (`first_12` is its first_12_months); a working that ends
    in the cost ends in the cost shown, so the formula and the figure beside it agree."""
    if shown_cost == cents(line.cost) and shown_first_12 == cents(first_12):
        return line  # shown as rounded: the Line's own fallback says so, no copy needed
    formula = line.formula
    rounded, shown = money(line.cost), money(shown_cost)
    if rounded != shown and formula.endswith(f"= {rounded}"):
        formula = f"{formula[: -len(rounded)]}{shown}"
    shown_figures = {"shown_cost": shown_cost, "shown_first_12": shown_first_12, "formula": formula}
    return _new_line({**vars(line), **shown_figures})


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
    # EXACT: normalize() in the default context would round past 28 digits.
    return f"{value.normalize(EXACT):,f}"


def _price_places(price: Decimal) -> int:
    """At least two decimals, and no more than the price has."""
    exponent = price.normalize(EXACT).as_tuple().exponent
    return max(2, -exponent) if isinstance(exponent, int) else 2


def price_amount(price: Decimal) -> str:
    """A unit price for JSON: `0.03`, `0.001`, `3000.00`."""
    return f"{price:.{_price_places(price)}f}"


def price_text(price: Decimal) -> str:
    """A unit price for pages: `$0.03`, `$0.001`, `$3,000.00`."""
    return f"${price:,.{_price_places(price)}f}"


def decimal_text(value: Decimal) -> str:
    """A Decimal without exponent or trailing zeros, for JSON and CSV: `0.001`, `12`."""
    return f"{value.normalize(EXACT):f}"


# ---------------------------------------------------------------------------------------------
# Pricing


def _bands(
    rate: RateSpec, quantity: Decimal, free_tier: bool
) -> tuple[Decimal, list[tuple[Decimal, Decimal, Decimal, Decimal]]]:
    """The one place a rate's tiers are evaluated: (free units, [(start, end, price, cost)])."""
    free = min(quantity, rate.free_units) if free_tier else ZERO
    bands = []
    tiers = rate.tiers
    last = len(tiers) - 1
    for index, tier in enumerate(tiers):
        low = max(tier.start, free)
        high = quantity if index == last else min(quantity, tiers[index + 1].start)
        if high > low:
            units = EXACT.subtract(high, low)
            cost = EXACT.divide(EXACT.multiply(units, tier.price), rate.per_units)
            bands.append((low, high, tier.price, cost))
    return free, bands


def price_quantity(
    rate: RateSpec, quantity: Decimal, free_tier: bool
) -> tuple[Decimal, tuple[Band, ...], Decimal]:
    """Free allowance first, then the tiers band by band: (free units, bands, cost)."""
    free, bands = _bands(rate, quantity, free_tier)
    return free, tuple(Band(*band) for band in bands), exact_sum(band[3] for band in bands)


def tier_cost(rate: RateSpec, quantity: Decimal, free_tier: bool) -> Decimal:
    """price_quantity's cost alone."""
    return exact_sum(band[3] for band in _bands(rate, quantity, free_tier)[1])


def metered(rate: RateSpec, usage: Mapping[str, Decimal]) -> Decimal:
    """The quantity a rate meters: one input, or the product of several."""
    quantity = Decimal(usage.get(rate.meters[0], ZERO))  # an int from a caller is fine
    for key in rate.meters[1:]:
        quantity = EXACT.multiply(quantity, usage.get(key, ZERO))
    return quantity


def price_rate(rate: RateSpec, usage: Mapping[str, Decimal], free_tier: bool) -> Line:
    """Price one rate for one account in one Region, alone."""
    quantity = metered(rate, usage)
    item = Item("", rate.region, usage=usage)
    slot = _Slot(
        0, item, rate.region, rate, quantity, quantity, whole=_whole(rate, usage, quantity)
    )
    _price_per_account(slot, free_tier)
    return slot.line


def _first_paid_price(rate: RateSpec) -> Decimal:
    return rate.tiers[0].price if rate.tiers else ZERO


def _whole(rate: RateSpec, usage: Mapping[str, Decimal], quantity: Decimal) -> str:
    """The metered quantity as its inputs give it: `10,000,000 × 2` for a product."""
    if len(rate.meters) > 1:
        return " × ".join(plain_number(usage.get(key, ZERO)) for key in rate.meters)
    return plain_number(quantity)


def _formula(
    rate: RateSpec,
    whole: str,
    quantity: Decimal,
    free: Decimal,
    bands: tuple[Band, ...],
    cost: Decimal,
) -> str:
    """The working, e.g. `(2,000,000 − 20,000 free) ÷ 10,000 × $0.03 = $5.94`."""
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


def quote(catalog: Catalog, items: Iterable[Item], free_tier: bool = True) -> Quote:
    """Price an estimate. Raises PricingError if an item cannot be priced as given."""
    items = tuple(items)
    errors = check_items(catalog, items)
    if errors:
        raise PricingError(errors)
    return price_items(catalog, items, free_tier)


@dataclass(slots=True)
class _Slot:
    """One rate of one card in one Region, waiting for its pool to be priced."""

    item_index: int
    item: Item
    region: str
    rate: RateSpec
    per_account: Decimal  # the metered usage typed on the card
    quantity: Decimal  # per_account × accounts
    waived: str = ""
    whole: str = ""  # per_account as its inputs give it (for the formula)
    line: Line | None = None


def _slots(catalog: Catalog, items: tuple[Item, ...]) -> list[_Slot]:
    """Every rate of every card in each of its Regions that meters some usage."""
    slots: list[_Slot] = []
    for index, item in enumerate(items):
        service = catalog.services[item.service]
        waived = waived_rates(catalog, items, index)
        for region in item.regions:
            for rate in service.rates_for(region):
                per_account = metered(rate, item.usage)
                if per_account == 0:
                    continue
                quantity = EXACT.multiply(per_account, item.accounts)
                slots.append(
                    _Slot(
                        index, item, region, rate, per_account, quantity, waived.get(rate.code, "")
                    )
                )
    return slots


def price_totals(
    catalog: Catalog, items: Iterable[Item], free_tier: bool = True
) -> tuple[Decimal, Decimal]:
    """(monthly, upfront) of items already checked: the very Decimals price_items totals,
    with no lines or formulas built."""
    items = tuple(items)
    return Totals(catalog, items, free_tier).of([item.usage for item in items])


class Totals:
    """The totals of a fixed set of cards (services, Regions, accounts) for their usage grown
    or shrunk (a quantity that is 0 on a card stays 0): what a projection needs month by month.

    The cards' rates, pools and waivers are worked out once; `of(usage)` then meters each rate,
    evaluates each pool's tiers, shares the cost back and sums each card in the order
    price_items sums its lines, so the totals are the very Decimals a quote of that usage has.
    """

    def __init__(self, catalog: Catalog, items: tuple[Item, ...], free_tier: bool):
        self.catalog = catalog
        self.items = items
        self.free_tier = free_tier
        # Waivers hang on inputs that are switches in every book so far, and switches do not
        # grow; if one did not, each usage works its waivers out again.
        self.waivers_fixed = all(
            _is_switch(catalog, waiver.service, waiver.flag)
            and _is_switch(catalog, waiver.requires_service, waiver.requires_key)
            for waiver in catalog.waivers
        )
        self.waived = self._waived(items)
        # Each rate of each card in each Region that meters some of its usage, in the order
        # price_items makes its lines; a rate that meters none of the cards' usage meters none
        # of it grown or shrunk. Pools are numbered once: their keys hold tiers, slow to hash.
        self.slots: list[tuple[int, RateSpec, int, int]] = []
        pool_ids: dict[tuple, int] = {}
        for index, item in enumerate(items):
            for region in item.regions:
                for rate in catalog.services[item.service].rates_for(region):
                    if metered(rate, item.usage) == 0:
                        continue
                    key = _pool_key_of(rate, item.service, index, region)
                    pool = pool_ids.setdefault(key, len(pool_ids))
                    self.slots.append((index, rate, item.accounts, pool))
        self.pool_count = len(pool_ids)

    def _waived(self, items: tuple[Item, ...]) -> list[dict[str, str]]:
        return [waived_rates(self.catalog, items, index) for index in range(len(items))]

    def of(self, usages: list[Mapping[str, Decimal]]) -> tuple[Decimal, Decimal]:
        """(monthly, upfront) for the cards with these usages, one per card in order."""
        waived = self.waived
        if not self.waivers_fixed:
            items = tuple(
                Item(item.service, usage=usage, regions=item.regions)
                for item, usage in zip(self.items, usages, strict=True)
            )
            waived = self._waived(items)
        count = len(self.slots)
        per_account: list[Decimal] = [ZERO] * count
        quantity: list[Decimal] = [ZERO] * count
        costs: list[Decimal] = [ZERO] * count  # a waived fee is $0
        pools: list[list[int]] = [[] for _ in range(self.pool_count)]
        for position, (index, rate, accounts, pool) in enumerate(self.slots):
            metered_here = metered(rate, usages[index])
            if metered_here == 0:
                continue
            per_account[position] = metered_here
            quantity[position] = EXACT.multiply(metered_here, accounts)
            if not waived[index].get(rate.code):
                pools[pool].append(position)
        free_tier = self.free_tier
        for pool in pools:
            if not pool:
                continue
            rate = self.slots[pool[0]][1]
            if rate.pooling == ACCOUNT_REGION:
                for position in pool:
                    cost = tier_cost(rate, per_account[position], free_tier)
                    costs[position] = EXACT.multiply(cost, self.slots[position][2])
            elif rate.pooling == ORGANIZATION_ONCE:
                charged = max(pool, key=per_account.__getitem__)
                costs[charged] = tier_cost(rate, per_account[charged], free_tier)
            elif len(pool) == 1:
                costs[pool[0]] = tier_cost(rate, quantity[pool[0]], free_tier)
            else:
                weights = [quantity[position] for position in pool]
                cost = tier_cost(rate, exact_sum(weights), free_tier)
                for position, share in zip(pool, _shares(cost, weights), strict=True):
                    costs[position] = share
        monthly: list[list[Decimal]] = [[] for _ in self.items]
        upfront: list[list[Decimal]] = [[] for _ in self.items]
        for position, (index, rate, _, _) in enumerate(self.slots):
            if per_account[position] == 0:
                continue  # no line, as in price_items
            if rate.billing == MONTHLY:
                monthly[index].append(costs[position])
                upfront[index].append(ZERO)
            else:
                monthly[index].append(ZERO)
                upfront[index].append(costs[position])
        return (
            exact_sum(exact_sum(card) for card in monthly),
            exact_sum(exact_sum(card) for card in upfront),
        )


def _is_switch(catalog: Catalog, service: str, key: str) -> bool:
    spec = catalog.services[service].input(key) if service in catalog.services else None
    return spec is not None and spec.is_switch


def price_items(catalog: Catalog, items: Iterable[Item], free_tier: bool = True) -> Quote:
    """Price items already checked (check_items): pool each rate at its level, share it back."""
    items = tuple(items)
    slots = _slots(catalog, items)
    for slot in slots:
        slot.whole = _whole(slot.rate, slot.item.usage, slot.per_account)
    pools: dict[tuple, list[_Slot]] = {}
    for slot in slots:
        if slot.waived:
            slot.line = _waived_line(slot)
        else:
            pools.setdefault(_pool_key(slot), []).append(slot)
    for pool in pools.values():
        _price_pool(pool, free_tier)
    lines: list[list[Line]] = [[] for _ in items]
    for slot in slots:
        lines[slot.item_index].append(slot.line)
    item_quotes = [
        ItemQuote(item, catalog.services[item.service].name, tuple(item_lines))
        for item, item_lines in zip(items, lines, strict=True)
    ]
    return Quote(
        items=_with_shown_cents(item_quotes),
        free_tier=free_tier,
    )


def _pool_key(slot: _Slot) -> tuple:
    return _pool_key_of(slot.rate, slot.item.service, slot.item_index, slot.region)


def _pool_key_of(rate: RateSpec, service: str, item_index: int, region: str) -> tuple:
    if rate.pooling == ACCOUNT_REGION:
        return (ACCOUNT_REGION, item_index, region, rate.code)
    if rate.pooling == ORGANIZATION_ONCE:
        return (ORGANIZATION_ONCE, service, rate.code)
    if rate.pooling == ORGANIZATION:
        # Regions pool where they price alike (their sources and grades may differ); a Region
        # priced apart pools apart.
        prices = (rate.meters, rate.per_units, rate.tiers, rate.free_units, rate.billing)
        return (ORGANIZATION, service, rate.code, prices)
    return (ORGANIZATION_REGION, service, rate.code, region)


def _price_pool(pool: list[_Slot], free_tier: bool) -> None:
    rate = pool[0].rate
    if rate.pooling == ACCOUNT_REGION:
        for slot in pool:
            _price_per_account(slot, free_tier)
        return
    if rate.pooling == ORGANIZATION_ONCE:
        _price_once(pool, free_tier)
        return
    pooled = exact_sum(slot.quantity for slot in pool)
    free, bands, cost = price_quantity(rate, pooled, free_tier)
    if len(pool) == 1:
        (slot,) = pool
        formula = _formula(rate, slot.whole, pooled, free, bands, cost)
        if slot.item.accounts != 1:
            whole = _formula(rate, plain_number(pooled), pooled, free, bands, cost)
            formula = f"{_accounts_text(slot)}: {whole}"
        slot.line = _line(slot, slot.quantity, free, bands, cost, formula, pooled)
        return
    pooled_text = plain_number(pooled)
    pooled_formula = _formula(rate, pooled_text, pooled, free, bands, cost)
    quantities = [slot.quantity for slot in pool]
    costs = _shares(cost, quantities)
    frees = _shares(free, quantities)
    # What every card's formula starts with, written once for the pool.
    opening = f"{_pooled_text(pool)}, {pooled_text} {rate.unit} in all: {pooled_formula}; "
    for slot, slot_cost, slot_free in zip(pool, costs, frees, strict=True):
        where = f" in {slot.region}" if len(slot.item.regions) > 1 else ""
        formula = f"{opening}this card's {_accounts_text(slot)}{where} = {money(slot_cost)}"
        share = _ratio(slot.quantity, pooled)
        slot.line = _line(slot, slot.quantity, slot_free, bands, slot_cost, formula, pooled, share)


def _pooled_text(pool: list[_Slot]) -> str:
    """`2 cards pooled`, `1 card in 4 Regions pooled`, `3 cards in 2 Regions pooled`."""
    cards = len({slot.item_index for slot in pool})
    regions = len({slot.region for slot in pool})
    text = f"{cards} card{'s' if cards != 1 else ''}"
    if regions != 1:
        text += f" in {regions} Regions"
    return f"{text} pooled"


def _price_per_account(slot: _Slot, free_tier: bool) -> None:
    """Each account in each Region alone: its own free allowance and tiers, times accounts."""
    rate = slot.rate
    free, bands, cost = price_quantity(rate, slot.per_account, free_tier)
    formula = _formula(rate, slot.whole, slot.per_account, free, bands, cost)
    accounts = slot.item.accounts
    if accounts != 1:
        with localcontext() as context:
            context.prec = PRECISION
            cost, free = cost * accounts, free * accounts
        formula = f"{accounts:,} accounts × ({formula}) = {money(cost)}"
    slot.line = _line(slot, slot.quantity, free, bands, cost, formula, slot.per_account)


def _price_once(pool: list[_Slot], free_tier: bool) -> None:
    """One fee for the organisation: the largest quantity any card has, charged on its card."""
    rate = pool[0].rate
    charged = max(pool, key=lambda slot: slot.per_account)
    free, bands, cost = price_quantity(rate, charged.per_account, free_tier)
    formula = _formula(rate, charged.whole, charged.per_account, free, bands, cost)
    for slot in pool:
        if slot is charged:
            line_formula = f"{formula} (one fee per organisation, whatever the accounts)"
            slot.line = _line(
                slot, slot.per_account, free, bands, cost, line_formula, slot.per_account
            )
        else:
            line_formula = (
                f"{slot.whole} {rate.unit}: one fee per organisation, "
                f"already counted on card {charged.item_index + 1} = {money(ZERO)}"
            )
            slot.line = _line(
                slot, slot.per_account, ZERO, (), ZERO, line_formula, charged.per_account, ZERO
            )


def _waived_line(slot: _Slot) -> Line:
    formula = f"{_accounts_text(slot)} {slot.rate.unit}: waived, {slot.waived} = {money(ZERO)}"
    return _line(slot, slot.quantity, ZERO, (), ZERO, formula, slot.quantity, ZERO)


def _accounts_text(slot: _Slot) -> str:
    """`40 accounts × 20,000 = 800,000`, or `20,000` for one account."""
    if slot.item.accounts == 1:
        return slot.whole
    accounts = f"{slot.item.accounts:,} accounts"
    return f"{accounts} × {slot.whole} = {plain_number(slot.quantity)}"


def _line(
    slot: _Slot,
    quantity: Decimal,
    free: Decimal,
    bands: tuple[Band, ...],
    cost: Decimal,
    formula: str,
    pooled: Decimal,
    share: Decimal = Decimal(1),
) -> Line:
    rate = slot.rate
    return _new_line(
        {
            "usage_key": rate.code,
            "label": rate.label,
            "quantity": quantity,
            "unit": rate.unit,
            "free_quantity": free,
            "billable_quantity": quantity - free,
            "unit_price": bands[0].price if bands else _first_paid_price(rate),
            "per_units": rate.per_units,
            "billing": rate.billing,
            "cost": cost,
            "formula": formula,
            "bands": bands,
            "source": rate.source,
            "grade": rate.grade,
            "region": slot.region,
            "pooled_quantity": pooled,
            "pooling": rate.pooling,
            "pooling_source": rate.pooling_source,
            "waived": slot.waived,
            "share": share,
            "commitment_months": rate.commitment_months,
            "shown_cost": None,
            "shown_first_12": None,
        }
    )


def _new_line(values: dict[str, object]) -> Line:
    """Line(**values) for `values` naming every field, as the engine makes its lines: a frozen
    dataclass's __init__ sets each field through object.__setattr__, 5 µs for a Line's 23 and
    a third of the cost of a line of a large estimate; this hands the Line its fields at once."""
    line = object.__new__(Line)
    object.__setattr__(line, "__dict__", values)
    return line


def _ratio(part: Decimal, whole: Decimal) -> Decimal:
    return EXACT.divide(part, whole) if whole else Decimal(1)


def _shares(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """`total` split pro rata to `weights`, exact to SHARE_PLACES; the last takes the rest."""
    whole = exact_sum(weights)
    if len(weights) == 1 or whole == 0:
        return [total] + [ZERO] * (len(weights) - 1)
    if total == 0 and min(weights) > 0:
        # Nothing to share (a pool within its free allowance): every share is the same zero,
        # worked out once instead of once a card.
        share = EXACT.quantize(EXACT.divide(EXACT.multiply(total, weights[0]), whole), SHARE_PLACES)
        shares = [share] * (len(weights) - 1)
    else:
        shares = [
            EXACT.quantize(EXACT.divide(EXACT.multiply(total, weight), whole), SHARE_PLACES)
            for weight in weights[:-1]
        ]
    return [*shares, EXACT.subtract(total, exact_sum(shares))]


def waived_rates(catalog: Catalog, items: tuple[Item, ...], index: int) -> dict[str, str]:
    """The rate codes of item `index` whose fees a waiver makes $0, with the reason."""
    item = items[index]
    waived: dict[str, str] = {}
    for waiver in catalog.waivers:
        if waiver.service != item.service or item.usage.get(waiver.flag, ZERO) <= 0:
            continue
        if _estimate_has(items, waiver.requires_service, waiver.requires_key):
            waived.update(dict.fromkeys(waiver.rates, waiver.reason))
    return waived


def _estimate_has(items: tuple[Item, ...], service: str, key: str) -> bool:
    return any(item.service == service and item.usage.get(key, ZERO) > 0 for item in items)


# ---------------------------------------------------------------------------------------------
# Validation


DIGITS_MESSAGE = "Enter the number in the digits 0-9."


def check_digits(text: str) -> None:
    """ValueError unless a number's text is ASCII: Python reads "１２" and "٣" as numbers, and
    every parser of a typed number (quantities, accounts, growth, months) must not."""
    if not text.isascii():
        raise ValueError(DIGITS_MESSAGE)


class NumberTooLarge(ValueError):
    """A JSON number too large to read (more digits than int() takes, an exponent beyond
    Decimal's), or too close to zero: `words` says which."""

    def __init__(self, text: str) -> None:
        super().__init__(text[:20])
        self.words = "too small" if "e-" in text.lower() else "too large"


def exact_json(text: str | bytes, **options) -> object:
    """JSON with every number exact (int or Decimal, never a float).

    Raises NumberTooLarge for a number too large to read (`1e99999999999999999999`, an integer
    of thousands of digits), so that it is not reported as text that is not JSON.
    """
    return json.loads(text, parse_float=_exact_decimal, parse_int=_exact_int, **options)


def _exact_decimal(text: str) -> Decimal:
    try:
        return Decimal(text)
    except ArithmeticError:
        raise NumberTooLarge(text) from None


def _exact_int(text: str) -> int:
    try:
        return int(text)
    except ValueError:  # past sys.get_int_max_str_digits()
        raise NumberTooLarge(text) from None


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
        check_digits(text)
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
            messages[key] = unknown_input_message(service, key)
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


def unknown_input_message(service: ServiceSpec, key: str) -> str:
    replaced_by = service.replaced_inputs.get(key)
    if not replaced_by:
        return f"{service.name} has no usage input '{key}'."
    *others, last = replaced_by
    names = f"{', '.join(others)} and {last}" if others else last
    return (
        f"{service.name} has no usage input '{key}' in this price book: "
        f"it is priced as {names} now."
    )


def check_item(catalog: Catalog, item: Item, index: int | None = None) -> list[FieldError]:
    """Everything wrong with one item on its own, as field errors."""
    service = catalog.services.get(item.service)
    if service is None:
        return [FieldError(index, "service", f"Unknown service '{item.service}'.")]
    errors = []
    region_field = "regions" if len(item.regions) > 1 else "region"
    offered = catalog.service_regions(item.service)
    if len(set(item.regions)) != len(item.regions):
        errors.append(FieldError(index, "regions", "Name each Region once."))
    for region in item.regions:
        if region not in offered:
            errors.append(
                FieldError(
                    index,
                    region_field,
                    f"The price book has no {service.name} prices for Region '{region}'.",
                )
            )
    if not 1 <= item.accounts <= MAX_ACCOUNTS:
        errors.append(FieldError(index, "accounts", check_accounts(item.accounts)))
    messages = check_usage(service, item.usage)
    for key, value in item.usage.items():
        if key in messages or value == 0 or service.input(key) is None:
            continue
        missing = [
            region
            for region in item.regions
            if region in offered and region not in catalog.input_regions(item.service, key)
        ]
        if missing:
            messages[key] = unavailable_message(service.input(key), missing)
    errors.extend(FieldError(index, key, message) for key, message in messages.items())
    return errors


def unavailable_message(spec: InputSpec, regions: Iterable[str]) -> str:
    """Why an input cannot be used in some Regions: the book has no price for it there."""
    names = ", ".join(regions)
    return (
        f"{spec.label} ({spec.key}) has no price in {names} in this price book: "
        "set it to 0 or leave that Region out."
    )


def check_accounts(accounts: object) -> str | None:
    """The message for an account count that is not a whole number from 1 to MAX_ACCOUNTS."""
    if isinstance(accounts, bool) or not isinstance(accounts, int | Decimal):
        return "Enter a whole number of accounts."
    if isinstance(accounts, Decimal) and not accounts.is_finite():
        return "Enter a whole number of accounts."
    # The bounds before the whole-number check: int() of 1e999999999 would take minutes.
    if accounts < 1:
        return "Enter at least 1 account."
    if accounts > MAX_ACCOUNTS:
        return f"Enter at most {MAX_ACCOUNTS:,} accounts."
    if accounts != int(accounts):
        return "Enter a whole number of accounts."
    return None


def check_items(catalog: Catalog, items: tuple[Item, ...]) -> list[FieldError]:
    """Everything wrong with an estimate: each item, then the rules between services."""
    errors = [
        error for index, item in enumerate(items) for error in check_item(catalog, item, index)
    ]
    errors += check_waivers(catalog, items)
    return errors


def count_lines(catalog: Catalog, items: Iterable[Item]) -> int:
    """How many cost lines pricing these checked items makes (price_items' lines, waived
    ones too), without pricing them."""
    count = 0
    for item in items:
        service = catalog.services[item.service]
        usage = item.usage
        for region in item.regions:
            count += sum(1 for rate in service.rates_for(region) if metered(rate, usage) != 0)
    return count


def check_lines(catalog: Catalog, items: Iterable[Item], months: int = 1) -> list[FieldError]:
    """The cap on the lines one request prices (MAX_LINES), checked before any is priced:
    the items' lines, in each of `months` priced line by line. The message names the figure,
    the cap and how to come under it."""
    lines = count_lines(catalog, items)
    priced = lines * months
    if priced <= MAX_LINES:
        return []
    made = (
        f"These items make {lines:,} cost lines (each item's priced usage in each of its Regions)"
    )
    if months == 1:
        message = (
            f"{made}; at most {MAX_LINES:,} are priced at once. Use fewer items or Regions, or "
            "split the estimate."
        )
    else:
        message = (
            f"{made}, priced line by line in each of {months} months with terms: {priced:,}; "
            f"at most {MAX_LINES:,} are priced at once. Use fewer items or Regions, a shorter "
            "projection, no growth, or no terms."
        )
    return [FieldError(None, "items", message)]


def check_waivers(catalog: Catalog, items: tuple[Item, ...]) -> list[FieldError]:
    """A card that claims a waiver needs the service that grants it in the same estimate."""
    errors = []
    for index, item in enumerate(items):
        for waiver in catalog.waivers:
            if waiver.service != item.service or item.usage.get(waiver.flag, ZERO) <= 0:
                continue
            if not _estimate_has(items, waiver.requires_service, waiver.requires_key):
                granting = catalog.services.get(waiver.requires_service)
                name = granting.name if granting else waiver.requires_service
                errors.append(
                    FieldError(
                        index,
                        waiver.flag,
                        f"No {name} card in this estimate has {waiver.requires_key} set: "
                        f"add one, or set this to 0.",
                    )
                )
    return errors


def outsize_notes(catalog: Catalog, item_quote: ItemQuote) -> dict[str, str]:
    """A note by usage key for each input whose lines cost more than OUTSIZE_MONTHLY a month
    on this card (all its accounts and Regions): the figure it implies, to check the input."""
    # An input's lines are some of the card's, none below $0: a card within the figure has no
    # input past it, and every quote asks this of every card.
    if exact_sum([item_quote.monthly, item_quote.upfront]) <= OUTSIZE_MONTHLY:
        return {}
    service = catalog.services[item_quote.item.service]
    meters = {rate.code: rate.meters for rate in service.rates}
    costs: dict[str, Decimal] = {}
    for line in item_quote.lines:
        for key in meters.get(line.usage_key, ()):
            costs[key] = exact_sum([costs.get(key, ZERO), line.monthly, line.upfront])
    notes = {}
    for key, cost in costs.items():
        spec = service.input(key)
        if spec is None or cost <= OUTSIZE_MONTHLY:
            continue
        value = item_quote.item.usage.get(key, ZERO)
        notes[key] = (
            f"{plain_number(value)} {spec.unit} is far more than any organisation uses: it "
            f"comes to {money(cost)} a month on this card. Check the figure and its unit."
        )
    return notes
