"""The cost of an estimate over 12, 24 or 36 months: plain Python over Decimal, no Django.

Rules:

- Month m prices each usage quantity × (1 + g)^(m−1) through the engine, g being the monthly
  growth rate, so free allowances and tiers apply to each month's own usage, never to a scaled
  total. A later month needs only its total: each rate's tiers are evaluated over that month's
  pooled quantities (pricing.price_totals), once per distinct month of usage, with the figures a
  full quote of the month would give. A grown quantity is the exact product rounded down: to a
  whole unit for inputs that take whole units only, else to as many decimal places as a typed
  quantity may have (pricing.MAX_DECIMAL_PLACES; past them a grown count is noise). A switch
  (an input that is 0 or 1: a Shield Advanced subscription, "covered by Shield Advanced") is
  not usage and does not grow.
- Upfront fees count once, in month 1. Each month's total and the horizon's total are exact
  sums; rounding is for display only, as everywhere.
- Growth is from −100% (usage stops after month 1) to 1,000% a month. Nothing is clamped: a
  grown quantity above an input's own bound is still priced, and the result names that input and
  the month it first does so; one beyond what the engine takes (pricing.MAX_QUANTITY) is an error
  that names the input and the month.
- A rate with a term (`commitment_months`, Shield Advanced's one year) binds from month 1 once
  its quantity is above zero: the result lists each such line with the months it binds and
  what it commits (months × its month-1 fee), whatever the growth does to the usage.
- With terms (terms.py), each month is also priced net: its own quote under the terms, the
  credits only in the months they last (`credit_months`), in the terms' currency.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import ROUND_FLOOR, Context, Decimal, Inexact, InvalidOperation, localcontext

from estimates import pricing
from estimates.pricing import ZERO, FieldError, PricingError
from estimates.pricing import terms as _terms

MONTH_CHOICES = (12, 24, 36)
DEFAULT_MONTHS = 12
MIN_GROWTH = Decimal(-100)
MAX_GROWTH = Decimal(1000)
GROWTH_PLACES = 4
MONTHS_FIELD = "projection.months"
GROWTH_FIELD = "projection.monthly_growth_percent"
MONTHS_MESSAGE = "Choose 12, 24 or 36 months."
GROWTH_NUMBER_MESSAGE = "Enter a monthly growth in percent, such as 2.5 or -1."
GROWTH_RANGE_MESSAGE = "Enter a monthly growth from −100 to 1,000 percent."
GROWTH_PLACES_MESSAGE = f"Use at most {GROWTH_PLACES} decimal places."
# A grown quantity keeps as many decimal places as a typed one may have, rounded down.
GROWN_PLACES = pricing.MAX_DECIMAL_PLACES
GROWN_STEP = Decimal(1).scaleb(-GROWN_PLACES)
# Wide enough that a quantity (at most 64 characters) × a growth factor (PRECISION digits) is
# exact, so that what is rounded down is the product itself.
WIDE = Context(prec=200)
# A division that must end (a price per 10,000 units does; one per 3 units does not).
ENDING = Context(prec=pricing.PRECISION, traps=[Inexact])


@dataclass(frozen=True)
class Projection:
    """How far to look (months) and how fast usage grows (percent a month, compounding)."""

    months: int = DEFAULT_MONTHS
    monthly_growth_percent: Decimal = ZERO


@dataclass(frozen=True)
class ProjectedMonth:
    month: int
    monthly: Decimal
    upfront: Decimal

    @property
    def total(self) -> Decimal:
        return pricing.exact_sum([self.monthly, self.upfront])


@dataclass(frozen=True)
class Commitment:
    """A line that binds for a term from month 1: what it commits over that term."""

    service: str
    service_name: str
    region: str
    group: str
    usage_key: str
    label: str
    months: int
    monthly: Decimal
    first_month: int = 1

    @property
    def last_month(self) -> int:
        return self.first_month + self.months - 1

    @property
    def committed_total(self) -> Decimal:
        with localcontext() as context:
            context.prec = pricing.PRECISION
            return self.monthly * self.months


@dataclass(frozen=True)
class OverLimit:
    """An input whose grown quantity passes its own bound (priced as grown all the same)."""

    service: str
    service_name: str
    region: str
    group: str
    usage_key: str
    label: str
    max_value: Decimal
    month: int
    quantity: Decimal


@dataclass(frozen=True)
class ShownMonth:
    """A month as shown, in whole cents: its total's share of the horizon's shown total, split
    into monthly and upfront the same way, so that shown months add up to the shown total."""

    month: int
    monthly: Decimal
    upfront: Decimal
    total: Decimal


@dataclass(frozen=True)
class ProjectionResult:
    projection: Projection
    months: tuple[ProjectedMonth, ...]
    commitments: tuple[Commitment, ...]
    over_limits: tuple[OverLimit, ...] = ()
    # The same months at the organisation's price, in `net_currency`; empty without terms.
    net_months: tuple[ProjectedMonth, ...] = ()
    net_currency: str = pricing.CURRENCY

    @property
    def net_monthly_totals(self) -> tuple[Decimal, ...]:
        return tuple(month.total for month in self.net_months)

    @property
    def net_total(self) -> Decimal:
        return pricing.exact_sum(month.total for month in self.net_months)

    @property
    def monthly_totals(self) -> tuple[Decimal, ...]:
        """Each month's total, month 1 first (its upfront fees included)."""
        return tuple(month.total for month in self.months)

    @property
    def total(self) -> Decimal:
        return pricing.exact_sum(month.total for month in self.months)

    @property
    def shown_months(self) -> tuple[ShownMonth, ...]:
        """The months in cents that add up to the shown total (largest remainder, as a quote's
        lines add up to its cards): rounding each month alone could miss it by cents."""
        totals = pricing.allocate_cents(pricing.cents(self.total), list(self.monthly_totals))
        shown = []
        for month, total in zip(self.months, totals, strict=True):
            monthly, upfront = pricing.allocate_cents(total, [month.monthly, month.upfront])
            shown.append(ShownMonth(month.month, monthly, upfront, total))
        return tuple(shown)

    @property
    def shown_net_monthly_totals(self) -> tuple[Decimal, ...]:
        """The net months in cents that add up to the shown net total."""
        net = list(self.net_monthly_totals)
        return tuple(pricing.allocate_cents(pricing.cents(self.net_total), net))


# ---------------------------------------------------------------------------------------------
# Reading and checking the two settings (the form, the API and the model share these rules)


def parse_months(raw: object) -> int:
    """12, 24 or 36 from a form or JSON value; ValueError with a message otherwise."""
    if raw is None or raw == "":
        return DEFAULT_MONTHS
    if isinstance(raw, str) and not raw.isascii():
        raise ValueError(pricing.DIGITS_MESSAGE)
    if isinstance(raw, str) and raw.strip().isdecimal() and len(raw.strip()) <= 3:
        raw = int(raw.strip())
    elif isinstance(raw, Decimal) and raw.is_finite() and raw in MONTH_CHOICES:
        # Compared before converting: int() of 1e999999999 would build a billion digits.
        raw = int(raw)
    if isinstance(raw, bool) or not isinstance(raw, int) or raw not in MONTH_CHOICES:
        raise ValueError(MONTHS_MESSAGE)
    return raw


def parse_growth(raw: object) -> Decimal:
    """A monthly growth in percent (`2.5`, `-1`, `2.5%`); ValueError with a message otherwise."""
    if raw is None or raw == "":
        return ZERO
    if isinstance(raw, bool):
        raise ValueError(GROWTH_NUMBER_MESSAGE)
    if isinstance(raw, float):
        raw = repr(raw)
    if isinstance(raw, int | Decimal):
        value = Decimal(raw)
    elif isinstance(raw, str):
        text = raw.strip().removesuffix("%").strip().replace("−", "-")
        if len(text) > 64:
            raise ValueError(GROWTH_NUMBER_MESSAGE)
        pricing.check_digits(text)
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValueError(GROWTH_NUMBER_MESSAGE) from None
    else:
        raise ValueError(GROWTH_NUMBER_MESSAGE)
    message = growth_message(value)
    if message:
        raise ValueError(message)
    return value


def growth_message(value: Decimal) -> str | None:
    """What is wrong with a growth rate, or None."""
    if not value.is_finite():
        return GROWTH_NUMBER_MESSAGE
    if not MIN_GROWTH <= value <= MAX_GROWTH:
        return GROWTH_RANGE_MESSAGE
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > GROWTH_PLACES:
        return GROWTH_PLACES_MESSAGE
    return None


def parse_projection(raw: object) -> tuple[Projection, list[FieldError]]:
    """`{"months": 36, "monthly_growth_percent": "2.5"}` from JSON, with field errors."""
    if not isinstance(raw, dict):
        message = (
            'projection must be an object, e.g. {"months": 36, "monthly_growth_percent": "2.5"}.'
        )
        return Projection(), [FieldError(None, "projection", message)]
    # An unknown field is an error, as on the body and its items: `"month": 36` must never
    # quietly project 12 months.
    errors = [
        FieldError(None, f"projection.{key}", f"Unknown field '{key}'.")
        for key in raw
        if key not in ("months", "monthly_growth_percent")
    ]
    months, growth = DEFAULT_MONTHS, ZERO
    try:
        months = parse_months(raw.get("months"))
    except ValueError as error:
        errors.append(FieldError(None, MONTHS_FIELD, str(error)))
    try:
        growth = parse_growth(raw.get("monthly_growth_percent"))
    except ValueError as error:
        errors.append(FieldError(None, GROWTH_FIELD, str(error)))
    return Projection(months, growth), errors


def check_projection(projection: Projection) -> list[FieldError]:
    """Field errors for a projection built in code (the model checks what it saves)."""
    errors = []
    months = projection.months
    if isinstance(months, bool) or not isinstance(months, int) or months not in MONTH_CHOICES:
        errors.append(FieldError(None, MONTHS_FIELD, MONTHS_MESSAGE))
    growth = projection.monthly_growth_percent
    message = growth_message(growth) if isinstance(growth, Decimal) else GROWTH_NUMBER_MESSAGE
    if message:
        errors.append(FieldError(None, GROWTH_FIELD, message))
    return errors


# Usage that grows more than this many times over the horizon is far outside what any
# organisation plans for: the editor notes it beside the growth, unrefused.
OUTSIZE_GROWTH_FACTOR = Decimal(100)


def outsize_growth_note(
    projection: Projection, result: ProjectionResult | None = None
) -> str | None:
    """A note when the growth multiplies usage more than OUTSIZE_GROWTH_FACTOR times by the
    last month: the factor it implies (and that month's total, once projected), else None."""
    factor = growth_factor(projection.monthly_growth_percent, projection.months)
    if factor <= OUTSIZE_GROWTH_FACTOR:
        return None
    shown = pricing.plain_number(factor.quantize(Decimal(1)) if factor < 10**15 else factor)
    note = (
        f"{pricing.plain_number(projection.monthly_growth_percent)}% a month for "
        f"{projection.months} months multiplies usage {shown} times by month "
        f"{projection.months}"
    )
    if result is not None:
        note += f", when it costs {pricing.money(result.months[-1].total)} a month"
    return note + ": far more growth than any organisation plans for. Check the figure."


def months_priced(projection: Projection | None) -> int:
    """How many months the engine prices: all of them when usage grows, else month 1 alone."""
    if projection is None or projection.monthly_growth_percent == 0:
        return 1
    return projection.months


def months_priced_by_line(projection: Projection | None, terms: _terms.Terms | None) -> int:
    """How many months are priced line by line, which pricing.check_lines counts: with terms
    (they discount line by line) each month the projection prices; else month 1 alone (later
    months are evaluated as totals)."""
    return 1 if terms is None or terms.is_list else months_priced(projection)


def check_work(items: Iterable[pricing.Item], projection: Projection | None) -> list[FieldError]:
    """The cap on one request's work: each item's Regions × the months priced, at most
    pricing.MAX_CELLS in all. The message names the figure and how to come under it."""
    months = months_priced(projection)
    cells = sum(len(item.regions) for item in items) * months
    if cells <= pricing.MAX_CELLS:
        return []
    message = (
        f"This asks for {cells:,} item × Region × month cells ({months} months priced); "
        f"at most {pricing.MAX_CELLS:,} are priced at once. Use fewer cards or Regions, "
        "a shorter projection, or no growth."
    )
    return [FieldError(None, GROWTH_FIELD if months > 1 else "items", message)]


# ---------------------------------------------------------------------------------------------
# Projecting


def growth_factor(growth_percent: Decimal, month: int) -> Decimal:
    """(1 + g)^(month − 1), exact to pricing.PRECISION digits; month 1 is always 1."""
    if month == 1:
        return Decimal(1)  # also when g is −100%: 0^0 is undefined for Decimal
    with localcontext() as context:
        context.prec = pricing.PRECISION
        return (1 + growth_percent / 100) ** (month - 1)


def grow(quantity: Decimal, factor: Decimal, whole: bool) -> Decimal:
    """quantity × factor, exact, rounded down to a whole unit or to GROWN_PLACES places."""
    if factor == 1:
        return quantity  # month 1, or no growth: what was typed
    product = WIDE.multiply(quantity, factor)
    return product.quantize(Decimal(1) if whole else GROWN_STEP, ROUND_FLOOR, WIDE)


def grown_items(
    catalog: pricing.Catalog, items: Iterable[pricing.Item], growth_percent: Decimal, month: int
) -> tuple[pricing.Item, ...]:
    """The items as they are in `month`: each quantity grown, whole-unit inputs rounded down.

    Raises PricingError when a grown quantity passes what the engine takes.
    """
    items = tuple(items)
    usages = grown_usages(catalog, items, growth_percent, month)
    return tuple(replace(item, usage=usage) for item, usage in zip(items, usages, strict=True))


def grown_usages(
    catalog: pricing.Catalog, items: tuple[pricing.Item, ...], growth_percent: Decimal, month: int
) -> list[dict[str, Decimal]]:
    """Each item's usage as it is in `month` (grown_items without building the items)."""
    factor = growth_factor(growth_percent, month)
    grown = []
    for item in items:
        service = catalog.services[item.service]
        grown.append(
            {
                key: _grown(
                    service, key, service.input(key), quantity, factor, growth_percent, month
                )
                for key, quantity in item.usage.items()
            }
        )
    return grown


def _grown(
    service: pricing.ServiceSpec,
    key: str,
    spec: pricing.InputSpec | None,
    quantity: Decimal,
    factor: Decimal,
    growth_percent: Decimal,
    month: int,
) -> Decimal:
    """One quantity as it is in a month; PricingError when it passes what the engine takes."""
    if spec is not None and spec.is_switch:
        return quantity  # a switch, not usage
    value = grow(quantity, factor, spec is not None and spec.whole)
    if value > pricing.MAX_QUANTITY:
        label = spec.label.lower() if spec else key
        message = (
            f"At {pricing.plain_number(growth_percent)}% a month, {service.name}'s "
            f"{label} would pass {pricing.plain_number(pricing.MAX_QUANTITY)} in month "
            f"{month}: choose a lower growth."
        )
        raise PricingError([FieldError(None, GROWTH_FIELD, message)])
    return value


def project(
    catalog: pricing.Catalog,
    items: Iterable[pricing.Item],
    free_tier: bool,
    projection: Projection,
    first: pricing.Quote | None = None,
    terms: _terms.Terms | None = None,
) -> ProjectionResult:
    """Price every month of the horizon, and with `terms` each month net too. Raises
    PricingError for what cannot be projected.

    `first` is month 1 when the caller has priced these items already.
    """
    items = tuple(items)
    errors = check_projection(projection) or check_work(items, projection)
    if errors:
        raise PricingError(errors)
    if terms is not None and terms.is_list:
        terms = None  # list prices in USD: no net months to add
    if first is None:
        first = pricing.quote(catalog, items, free_tier)  # checks the items, once
    months = [ProjectedMonth(1, first.monthly_total, first.upfront_total)]
    net_first = net = _terms.apply_terms(catalog, first, terms) if terms else None
    net_months = [ProjectedMonth(1, net.monthly_total(1), net.upfront_total)] if net else []
    over_limits: dict[tuple[int, str], OverLimit] = {}
    growth = projection.monthly_growth_percent
    # A later month needs its total only: each rate's tiers over that month's pooled usage,
    # with the cards' rates and pools worked out once (pricing.Totals), and once per distinct
    # month of usage (whole units rounded down often repeat a month).
    totals = pricing.Totals(catalog, items, free_tier) if growth != 0 else None
    growing = _GrowingMonths(catalog, items, totals, growth) if totals and not terms else None
    by_usage: dict[tuple, Decimal] = {}
    for month in range(2, projection.months + 1):
        if totals is None:
            # Usage that does not grow prices as month 1 did, less the upfront fees.
            months.append(ProjectedMonth(month, first.monthly_total, ZERO))
            if net_first is not None:
                net_months.append(ProjectedMonth(month, net_first.monthly_total(month), ZERO))
            continue
        if terms is not None:
            # Terms discount line by line: a month with terms needs its lines.
            grown = grown_items(catalog, items, growth, month)
            _note_over_limits(catalog, items, [item.usage for item in grown], month, over_limits)
            priced = pricing.price_items(catalog, grown, free_tier)
            months.append(ProjectedMonth(month, priced.monthly_total, ZERO))
            net = _terms.apply_terms(catalog, priced, terms)
            net_months.append(ProjectedMonth(month, net.monthly_total(month), ZERO))
            continue
        months.append(ProjectedMonth(month, growing.monthly(month, over_limits, by_usage), ZERO))
    return ProjectionResult(
        projection,
        tuple(months),
        commitments(first),
        tuple(over_limits.values()),
        tuple(net_months),
        terms.currency if terms else pricing.CURRENCY,
    )


class _GrowingMonths:
    """A later month's monthly total, from each rate's tiers over that month's grown usage.

    pricing.Totals works out the cards' rates, pools and waivers once; each month then grows
    each quantity once, meters each rate and evaluates each monthly pool's tiers: in integers
    (_IntegerMonths) where the book's prices allow, else in Decimal, sharing each cost back
    and adding each card's lines and then the cards in the order price_items does (60
    significant digits can round, so the same additions in the same order give the very
    Decimal a full quote of the month has). A month whose usage comes back is not priced again.
    """

    def __init__(
        self,
        catalog: pricing.Catalog,
        items: tuple[pricing.Item, ...],
        totals: pricing.Totals,
        growth: Decimal,
    ):
        self.catalog, self.items, self.totals, self.growth = catalog, items, totals, growth
        self.services = [catalog.services[item.service] for item in items]
        # Every quantity in grown_usages' order (its first error is the one raised): how it
        # grows (a switch does not; a whole-unit input is rounded down) and its own bound.
        self.quantities: list[tuple[int, str, pricing.InputSpec | None, Decimal]] = []
        self.growing: list[tuple[Decimal, bool, bool]] = []  # (quantity, switch, whole)
        self.bounded: list[tuple[int, int, str, pricing.InputSpec]] = []
        positions: list[dict[str, int]] = []
        for index, item in enumerate(items):
            at = {}
            for key, quantity in item.usage.items():
                at[key] = len(self.quantities)
                spec = self.services[index].input(key)
                if spec is not None:
                    self.bounded.append((len(self.quantities), index, key, spec))
                self.quantities.append((index, key, spec, quantity))
                switch = spec is not None and spec.is_switch
                self.growing.append((quantity, switch, spec is not None and spec.whole))
            positions.append(at)
        # Each slot of pricing.Totals: where its one meter's quantity is (None: none of it;
        # a rate that meters a product is worked out apart), whether it adds to the monthly
        # total, and each monthly pool's slots with their accounts, in the slots' order.
        self.single: list[int | None] = []
        self.products: list[tuple[int, tuple[int | None, ...]]] = []
        self.by_card: list[list[tuple[int, bool]]] = [[] for _ in items]
        members: list[list[tuple[int, int]]] = [[] for _ in range(totals.pool_count)]
        rates: list[pricing.RateSpec | None] = [None] * totals.pool_count
        for position, (index, rate, accounts, pool) in enumerate(totals.slots):
            meters = tuple(positions[index].get(key) for key in rate.meters)
            self.single.append(meters[0])
            if len(meters) > 1:
                self.products.append((position, meters))
            self.by_card[index].append((position, rate.billing == pricing.MONTHLY))
            if rate.billing == pricing.MONTHLY and not totals.waived[index].get(rate.code):
                members[pool].append((position, accounts))
                rates[pool] = rate
        self.pools = [
            (rates[n], rates[n].pooling, _tier_table(rates[n]), slots)
            for n, slots in enumerate(members)
            if slots
        ]
        self.in_integers = _IntegerMonths.of(self) if totals.waivers_fixed else None

    def monthly(
        self, month: int, over_limits: dict[tuple[int, str], OverLimit], seen: dict
    ) -> Decimal:
        """The month's monthly total (its over-limit inputs noted in `over_limits`); a month
        whose grown usage is in `seen` is not priced again."""
        if not self.totals.waivers_fixed:  # a waiver that moves with usage: the long way
            usages = grown_usages(self.catalog, self.items, self.growth, month)
            _note_over_limits(self.catalog, self.items, usages, month, over_limits)
            key = tuple(tuple(usage.items()) for usage in usages)
            if key not in seen:
                seen[key] = self.totals.of(usages)[0]
            return seen[key]
        factor = growth_factor(self.growth, month)
        if self.in_integers is not None:
            total = self.in_integers.monthly(month, factor, over_limits)
            if total is not None:
                return total
        return self._monthly_in_decimals(month, factor, over_limits, seen)

    def _monthly_in_decimals(
        self,
        month: int,
        factor: Decimal,
        over_limits: dict[tuple[int, str], OverLimit],
        seen: dict,
    ) -> Decimal:
        """The month as price_items adds it: each pool's cost shared back to its cards, each
        card's lines added, then the cards, in its order."""
        exact = pricing.EXACT
        add, multiply, divide = exact.add, exact.multiply, exact.divide
        subtract, quantize = exact.subtract, exact.quantize
        grown = []
        for quantity, switch, whole in self.growing:
            if switch:
                grown.append(quantity)
                continue
            value = grow(quantity, factor, whole)
            grown.append(value)
            if value > pricing.MAX_QUANTITY:
                self._raise_past_most(len(grown) - 1, factor, month)
        for position, index, key, spec in self.bounded:
            value = grown[position]
            if value > spec.max_value and (index, key) not in over_limits:
                over_limits[(index, key)] = self._over_limit(index, key, spec, month, value)
        key = tuple(grown)
        if key in seen:
            return seen[key]
        # pricing.metered: the one input's quantity, or the product of several.
        per_account = [grown[at] if at is not None else ZERO for at in self.single]
        for position, meters in self.products:
            quantity = per_account[position]
            for at in meters[1:]:
                quantity = multiply(quantity, grown[at] if at is not None else ZERO)
            per_account[position] = quantity
        free_tier = self.totals.free_tier
        costs = [ZERO] * len(per_account)
        for rate, pooling, tiers, slots in self.pools:
            live = [(p, accounts) for p, accounts in slots if per_account[p] != 0]
            if not live:
                continue
            if pooling == pricing.ACCOUNT_REGION:
                for position, accounts in live:
                    cost = _tier_cost(rate, tiers, per_account[position], free_tier)
                    costs[position] = multiply(cost, accounts)
            elif pooling == pricing.ORGANIZATION_ONCE:
                charged = max((p for p, _ in live), key=per_account.__getitem__)
                costs[charged] = _tier_cost(rate, tiers, per_account[charged], free_tier)
            elif len(live) == 1:
                position, accounts = live[0]
                pooled = multiply(per_account[position], accounts)
                costs[position] = _tier_cost(rate, tiers, pooled, free_tier)
            else:
                # pricing._shares, its steps in its order: pro rata to SHARE_PLACES, the last
                # taking the rest.
                weights = [multiply(per_account[p], accounts) for p, accounts in live]
                whole = pricing.exact_sum(weights)
                cost = _tier_cost(rate, tiers, whole, free_tier)
                if whole == 0:
                    costs[live[0][0]] = cost
                    continue
                shared = ZERO
                for (position, _), weight in zip(live[:-1], weights, strict=False):
                    share = quantize(divide(multiply(cost, weight), whole), pricing.SHARE_PLACES)
                    costs[position] = share
                    shared = add(shared, share)
                costs[live[-1][0]] = subtract(cost, shared)
        total = ZERO
        for lines in self.by_card:
            card = ZERO
            for position, monthly in lines:
                if per_account[position] != 0:  # no line otherwise, as in price_items
                    card = add(card, costs[position] if monthly else ZERO)
            total = add(total, card)
        seen[key] = total
        return total

    def _raise_past_most(self, position: int, factor: Decimal, month: int) -> None:
        """Raise _grown's PricingError for the quantity at `position`, grown past the most the
        engine takes."""
        index, key, spec, quantity = self.quantities[position]
        _grown(self.services[index], key, spec, quantity, factor, self.growth, month)

    def _over_limit(
        self, index: int, key: str, spec: pricing.InputSpec, month: int, quantity: Decimal
    ) -> OverLimit:
        return _over_limit(self.items[index], self.services[index], spec, month, quantity)


class _IntegerMonths:
    """_GrowingMonths' later months in whole numbers: Python's integers are exact and several
    times faster than Decimal, so a month costs a small part of a quote.

    Each grown quantity is held in units of 10^-GROWN_PLACES (a product of n meters in units of
    10^-(n × GROWN_PLACES)), each cost in units of 10^-places. Where every step of a month is
    exact in Decimal too, the shares price_items hands out add back to each pool's cost, so the
    month's total is the sum of the pools' costs, whatever the order: the same number as a full
    quote of the month (tests/test_projection.py compares them). A month whose figures come
    near PRECISION digits, where Decimal may round, is left to the Decimal path (None).
    """

    @classmethod
    def of(cls, months: _GrowingMonths) -> _IntegerMonths | None:
        """None when a price or tier does not come out whole in such units (a price book may
        hold a price per 3 units): the Decimal path prices those months."""
        places = 0
        prices = []  # each pool's tiers' prices per unit, exact
        for rate, _, _, _ in months.pools:
            try:
                per_unit = [ENDING.divide(tier.price, rate.per_units) for tier in rate.tiers]
            except Inexact:
                return None
            prices.append(per_unit)
            for price in per_unit:
                places = max(places, GROWN_PLACES * len(rate.meters) - _exponent(price))
        if any(switch and quantity % 1 for quantity, switch, _ in months.growing):
            return None
        pools = []
        for (rate, pooling, _, slots), per_unit in zip(months.pools, prices, strict=True):
            unit_places = GROWN_PLACES * len(rate.meters)
            free = _scaled(rate.free_units, unit_places) if months.totals.free_tier else 0
            starts = [_scaled(tier.start, unit_places) for tier in rate.tiers]
            if free is None or None in starts:
                return None
            ends = [*starts[1:], None]
            price_units = [_scaled(price, places - unit_places) for price in per_unit]
            bands = tuple(zip(starts, ends, price_units, strict=True))
            # Decimal multiplies a quantity by each price exactly while their digits fit.
            price_digits = max((_digits(tier.price) for tier in rate.tiers), default=0)
            limit = 10 ** (pricing.PRECISION - 1 - price_digits)
            pools.append((pooling, free, bands, limit, slots))
        return cls(months, places, pools)

    def __init__(self, months: _GrowingMonths, places: int, pools: list[tuple]):
        self.months, self.places, self.pools = months, places, pools
        per_meter = 10**GROWN_PLACES
        # Each quantity as a fraction (× 10^GROWN_PLACES unless whole), and how it grows.
        self.growing = []
        for quantity, switch, whole in months.growing:
            numerator, denominator = Decimal(quantity).as_integer_ratio()
            if switch:  # 0 or 1: it does not grow
                self.growing.append((int(quantity) * per_meter, 1, SWITCH))
            elif whole:
                self.growing.append((numerator, denominator, WHOLE))
            else:
                self.growing.append((numerator * per_meter, denominator, PLACES))
        self.most = int(pricing.MAX_QUANTITY) * per_meter
        # Past an input's bound: grown × 10^-GROWN_PLACES > bound ⇔ grown > ⌊bound × 10^P⌋.
        self.bounds = [
            (position, index, key, spec, int(pricing.EXACT.scaleb(spec.max_value, GROWN_PLACES)))
            for position, index, key, spec in months.bounded
        ]
        # Room for every share's rounding and every partial sum within PRECISION digits, and a
        # total Decimal shares to SHARE_PLACES without passing them.
        share_digits = pricing.PRECISION - 1 + pricing.SHARE_PLACES.as_tuple().exponent
        self.total_limit = min(10 ** (pricing.PRECISION - 5), 10 ** (places + share_digits))
        self.seen: dict[tuple[int, ...], Decimal | None] = {}

    def monthly(
        self, month: int, factor: Decimal, over_limits: dict[tuple[int, str], OverLimit]
    ) -> Decimal | None:
        """The month's monthly total, or None where Decimal might round (the caller prices
        that month in Decimal)."""
        per_meter = 10**GROWN_PLACES
        numerator, denominator = factor.as_integer_ratio()
        grown = []
        for quantity, per, how in self.growing:
            if how == PLACES:
                value = quantity * numerator // (per * denominator)
            elif how == WHOLE:
                value = quantity * numerator // (per * denominator) * per_meter
            else:
                value = quantity
            if value > self.most:
                self.months._raise_past_most(len(grown), factor, month)
            grown.append(value)
        for position, index, key, spec, bound in self.bounds:
            value = grown[position]
            if value > bound and (index, key) not in over_limits:
                quantity = pricing.EXACT.scaleb(Decimal(value), -GROWN_PLACES)
                if spec.whole:
                    quantity = Decimal(value // per_meter)
                over_limits[(index, key)] = self.months._over_limit(
                    index, key, spec, month, quantity
                )
        key = tuple(grown)
        if key not in self.seen:
            self.seen[key] = self._total(grown)
        return self.seen[key]

    def _total(self, grown: list[int]) -> Decimal | None:
        months = self.months
        per_account = [grown[at] if at is not None else 0 for at in months.single]
        for position, meters in months.products:
            quantity = per_account[position]
            for at in meters[1:]:
                quantity *= grown[at] if at is not None else 0
            per_account[position] = quantity
        total = 0
        for pooling, free, bands, limit, slots in self.pools:
            if pooling == pricing.ACCOUNT_REGION:
                for position, accounts in slots:
                    quantity = per_account[position]
                    if quantity >= limit:
                        return None
                    total += _integer_cost(bands, free, quantity) * accounts
                continue
            quantity = 0
            if pooling == pricing.ORGANIZATION_ONCE:
                for position, _ in slots:
                    quantity = max(quantity, per_account[position])
            else:
                for position, accounts in slots:
                    quantity += per_account[position] * accounts
            if quantity >= limit:
                return None
            total += _integer_cost(bands, free, quantity)
        if total >= self.total_limit:
            return None
        # Written with cents, as a quote's totals usually are, where no digit is lost.
        places = self.places
        if places > 2 and total % 10 ** (places - 2) == 0:
            total, places = total // 10 ** (places - 2), 2
        return pricing.EXACT.scaleb(Decimal(total), -places)


# How _IntegerMonths grows a quantity: not at all, to whole units, or to GROWN_PLACES places.
SWITCH, WHOLE, PLACES = 0, 1, 2


def _integer_cost(bands: tuple[tuple[int, int | None, int], ...], free: int, quantity: int) -> int:
    """_tier_cost in integers: the free allowance, then band by band."""
    if quantity < free:
        free = quantity
    cost = 0
    for start, end, price in bands:
        if start >= quantity:
            break  # this band and those after it are empty (a book's tiers ascend)
        low = start if start > free else free
        high = quantity if end is None or quantity < end else end
        if high > low:
            cost += (high - low) * price
    return cost


def _exponent(value: Decimal) -> int:
    """The exponent of `value` without its trailing zeros (0.0300 → −2)."""
    return value.normalize(pricing.EXACT).as_tuple().exponent if value else 0


def _scaled(value: Decimal, places: int) -> int | None:
    """value × 10^places as an integer, or None when it is not one."""
    scaled = pricing.EXACT.scaleb(value, places)
    return int(scaled) if scaled == scaled.to_integral_value() else None


def _digits(value: Decimal) -> int:
    """Significant digits, trailing zeros left out (Decimal multiplies those exactly)."""
    return len(value.normalize().as_tuple().digits)


def _tier_table(rate: pricing.RateSpec) -> tuple[tuple[Decimal, Decimal | None, Decimal], ...]:
    """Each tier's (start, the next tier's start or None, price)."""
    tiers = rate.tiers
    return tuple(
        (tier.start, tiers[n + 1].start if n + 1 < len(tiers) else None, tier.price)
        for n, tier in enumerate(tiers)
    )


def _tier_cost(rate: pricing.RateSpec, tiers: tuple, quantity: Decimal, free_tier: bool) -> Decimal:
    """pricing.tier_cost, its steps in its order (free allowance, then band by band, each
    band's cost added as it comes), without building the bands."""
    exact = pricing.EXACT
    free = min(quantity, rate.free_units) if free_tier else ZERO
    cost = ZERO
    for start, end, price in tiers:
        if start >= quantity:
            break  # this band and those after it are empty (a book's tiers ascend)
        low = max(start, free)
        high = quantity if end is None else min(quantity, end)
        if high > low:
            band = exact.divide(exact.multiply(exact.subtract(high, low), price), rate.per_units)
            cost = exact.add(cost, band)
    return cost


def _note_over_limits(
    catalog: pricing.Catalog,
    items: tuple[pricing.Item, ...],
    usages: list[dict[str, Decimal]],
    month: int,
    found: dict[tuple[int, str], OverLimit],
) -> None:
    """Record, once per card and input, the first month a grown quantity passes its bound."""
    for index, (item, usage) in enumerate(zip(items, usages, strict=True)):
        service = catalog.services[item.service]
        for key, quantity in usage.items():
            spec = service.input(key)
            if spec is None or quantity <= spec.max_value or (index, key) in found:
                continue
            found[(index, key)] = _over_limit(item, service, spec, month, quantity)


def _over_limit(
    item: pricing.Item,
    service: pricing.ServiceSpec,
    spec: pricing.InputSpec,
    month: int,
    quantity: Decimal,
) -> OverLimit:
    """The card's input `spec` first past its bound in `month`, grown to `quantity`."""
    return OverLimit(
        service=item.service,
        service_name=service.name,
        region=item.region,
        group=item.group,
        usage_key=spec.key,
        label=spec.label,
        max_value=spec.max_value,
        month=month,
        quantity=quantity,
    )


def commitments(first: pricing.Quote) -> tuple[Commitment, ...]:
    """The lines of month 1 that bind for a term, with the fee they bind at."""
    return tuple(
        Commitment(
            service=item_quote.item.service,
            service_name=item_quote.service_name,
            region=item_quote.item.region,
            group=item_quote.item.group,
            usage_key=line.usage_key,
            label=line.label,
            months=line.commitment_months,
            monthly=line.monthly,
        )
        for item_quote in first.items
        for line in item_quote.lines
        if line.commitment_months > 0 and line.quantity > 0
    )
