"""Two estimates side by side, line by line: plain Python over two quotes, no database.

- Lines are matched by `line_key`: service, Region, group and usage key. Lines with the same key
  (two cards of one service in one Region and group) are summed before they are matched.
- A line only B has is added, one only A has is removed; the others are changed or unchanged.
  Changes are B − A, exact; percent = change ÷ A × 100, none when A is zero.
- The lines that differ are sorted by the size of their monthly change, then of their upfront
  change, then by key. Unchanged lines are kept apart, so a page can fold them away.
- When the two were priced with different books, A's items priced with B's book ("A at B's
  prices") split every change in two: price effect = A at B's prices − A, usage effect =
  B − A at B's prices. A's free-tier switch is kept for that pricing, so a changed switch counts
  as usage. When A's items cannot be priced with B's book, there is no split, only the reason.
- Every figure has a shown twin (`shown_*`): the differences of the two quotes' figures as
  shown (cents shared by largest remainder), so that on a page each line's change is B − A as
  shown, and the listed changes with the unchanged lines add up to the change in the totals.
  A line is unchanged only when it is equal both exactly and as shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext

from estimates.pricing import PRECISION, ZERO, FieldError, ItemQuote, Line, Quote, cents, exact_sum
from estimates.pricing.projection import ProjectionResult

ADDED = "added"
REMOVED = "removed"
CHANGED = "changed"
UNCHANGED = "unchanged"

LineKey = tuple[str, str, str, str]


def line_key(item_quote: ItemQuote, line: Line) -> LineKey:
    """What makes a line of one estimate the same line in another: the one place to change it."""
    item = item_quote.item
    # The line's own Region: a card in several Regions has a line per Region.
    return (item.service, line.region or item.region, item.group, line.usage_key)


@dataclass(frozen=True)
class LineCost:
    """The lines of one quote that share a key, summed."""

    service_name: str
    label: str
    monthly: Decimal
    upfront: Decimal
    shown_monthly: Decimal = ZERO
    shown_upfront: Decimal = ZERO


def line_costs(priced: Quote) -> dict[LineKey, LineCost]:
    """Every key of a quote with its lines summed, in the quote's order."""
    costs: dict[LineKey, LineCost] = {}
    for item_quote in priced.items:
        for line in item_quote.lines:
            key = line_key(item_quote, line)
            seen = costs.get(key)
            costs[key] = LineCost(
                service_name=seen.service_name if seen else item_quote.service_name,
                label=seen.label if seen else line.label,
                monthly=exact_sum([seen.monthly if seen else ZERO, line.monthly]),
                upfront=exact_sum([seen.upfront if seen else ZERO, line.upfront]),
                shown_monthly=(seen.shown_monthly if seen else ZERO) + line.shown_monthly,
                shown_upfront=(seen.shown_upfront if seen else ZERO) + line.shown_upfront,
            )
    return costs


@dataclass(frozen=True)
class Effects:
    """A change split by cause: its monthly and upfront parts."""

    monthly: Decimal
    upfront: Decimal
    # Set for a shown split: the difference of the first-12-months totals as shown.
    shown_first_12: Decimal | None = None

    @property
    def first_12_months(self) -> Decimal:
        if self.shown_first_12 is not None:
            return self.shown_first_12
        return exact_sum([self.upfront, 12 * self.monthly])


@dataclass(frozen=True)
class ComparedLine:
    service: str
    region: str
    group: str
    usage_key: str
    service_name: str
    label: str
    in_a: bool
    in_b: bool
    a_monthly: Decimal
    b_monthly: Decimal
    a_upfront: Decimal
    b_upfront: Decimal
    # Monthly, when the books differ and A could be priced with B's book.
    price_effect: Decimal | None = None
    usage_effect: Decimal | None = None
    a_shown_monthly: Decimal = ZERO
    b_shown_monthly: Decimal = ZERO
    a_shown_upfront: Decimal = ZERO
    b_shown_upfront: Decimal = ZERO
    shown_price_effect: Decimal | None = None
    shown_usage_effect: Decimal | None = None

    @property
    def shown_delta(self) -> Decimal:
        return self.b_shown_monthly - self.a_shown_monthly

    @property
    def shown_upfront_delta(self) -> Decimal:
        return self.b_shown_upfront - self.a_shown_upfront

    @property
    def key(self) -> LineKey:
        return (self.service, self.region, self.group, self.usage_key)

    @property
    def delta(self) -> Decimal:
        return _difference(self.b_monthly, self.a_monthly)

    @property
    def upfront_delta(self) -> Decimal:
        return _difference(self.b_upfront, self.a_upfront)

    @property
    def percent(self) -> Decimal | None:
        """The monthly change in percent of A, exact; None when A is zero."""
        if not self.a_monthly:
            return None
        with localcontext() as context:
            context.prec = PRECISION
            return self.delta * 100 / self.a_monthly

    @property
    def status(self) -> str:
        if not self.in_a:
            return ADDED
        if not self.in_b:
            return REMOVED
        differs = self.delta or self.upfront_delta
        return CHANGED if differs or self.shown_delta or self.shown_upfront_delta else UNCHANGED


@dataclass(frozen=True)
class EstimateComparison:
    a: Quote
    b: Quote
    lines: tuple[ComparedLine, ...]
    unchanged: tuple[ComparedLine, ...]
    same_price_book: bool = True
    a_at_b_prices: Quote | None = None
    split_errors: tuple[FieldError, ...] = ()

    @property
    def monthly_delta(self) -> Decimal:
        return _difference(self.b.monthly_total, self.a.monthly_total)

    @property
    def upfront_delta(self) -> Decimal:
        return _difference(self.b.upfront_total, self.a.upfront_total)

    @property
    def first_12_months_delta(self) -> Decimal:
        return _difference(self.b.first_12_months_total, self.a.first_12_months_total)

    @property
    def shown_monthly_delta(self) -> Decimal:
        return self.b.shown_monthly_total - self.a.shown_monthly_total

    @property
    def shown_upfront_delta(self) -> Decimal:
        return self.b.shown_upfront_total - self.a.shown_upfront_total

    @property
    def shown_first_12_months_delta(self) -> Decimal:
        return self.b.shown_first_12_months_total - self.a.shown_first_12_months_total

    @property
    def shown_price_effect(self) -> Effects | None:
        """price_effect as shown: A at B's prices as shown − A as shown."""
        if self.a_at_b_prices is None:
            return None
        middle = self.a_at_b_prices
        return Effects(
            middle.shown_monthly_total - self.a.shown_monthly_total,
            middle.shown_upfront_total - self.a.shown_upfront_total,
            middle.shown_first_12_months_total - self.a.shown_first_12_months_total,
        )

    @property
    def shown_usage_effect(self) -> Effects | None:
        if self.a_at_b_prices is None:
            return None
        middle = self.a_at_b_prices
        return Effects(
            self.b.shown_monthly_total - middle.shown_monthly_total,
            self.b.shown_upfront_total - middle.shown_upfront_total,
            self.b.shown_first_12_months_total - middle.shown_first_12_months_total,
        )

    @property
    def monthly_percent(self) -> Decimal | None:
        if not self.a.monthly_total:
            return None
        with localcontext() as context:
            context.prec = PRECISION
            return self.monthly_delta * 100 / self.a.monthly_total

    @property
    def price_effect(self) -> Effects | None:
        """What moved because B's book prices A's usage differently."""
        if self.a_at_b_prices is None:
            return None
        return Effects(
            _difference(self.a_at_b_prices.monthly_total, self.a.monthly_total),
            _difference(self.a_at_b_prices.upfront_total, self.a.upfront_total),
        )

    @property
    def usage_effect(self) -> Effects | None:
        """What moved because B's usage differs from A's, at B's prices."""
        if self.a_at_b_prices is None:
            return None
        return Effects(
            _difference(self.b.monthly_total, self.a_at_b_prices.monthly_total),
            _difference(self.b.upfront_total, self.a_at_b_prices.upfront_total),
        )


@dataclass(frozen=True)
class ProjectionComparison:
    """Two projections' totals as shown and, when both look as many months ahead, B − A.

    Over different horizons the totals are shown side by side: their difference would mostly
    be the extra months, not what changed."""

    a: ProjectionResult
    b: ProjectionResult

    @property
    def a_total(self) -> Decimal:
        return cents(self.a.total)

    @property
    def b_total(self) -> Decimal:
        return cents(self.b.total)

    @property
    def same_months(self) -> bool:
        return self.a.projection.months == self.b.projection.months

    @property
    def same_growth(self) -> bool:
        return self.a.projection.monthly_growth_percent == self.b.projection.monthly_growth_percent

    @property
    def delta(self) -> Decimal | None:
        """B's shown total − A's, so the figures on a page subtract; None over other horizons."""
        return self.b_total - self.a_total if self.same_months else None


def compare_quotes(
    a: Quote,
    b: Quote,
    *,
    same_price_book: bool = True,
    a_at_b_prices: Quote | None = None,
    split_errors: tuple[FieldError, ...] = (),
) -> EstimateComparison:
    """Every line of A and B matched by key, the ones that differ first, biggest change first.

    `a_at_b_prices` is A's items priced with B's book, given when the books differ.
    """
    a_costs, b_costs = line_costs(a), line_costs(b)
    between = line_costs(a_at_b_prices) if a_at_b_prices is not None else None
    compared = []
    for key in [*a_costs, *(key for key in b_costs if key not in a_costs)]:
        old, new = a_costs.get(key), b_costs.get(key)
        shown = new or old
        a_monthly = old.monthly if old else ZERO
        b_monthly = new.monthly if new else ZERO
        a_shown = old.shown_monthly if old else ZERO
        b_shown = new.shown_monthly if new else ZERO
        price_effect = usage_effect = shown_price_effect = shown_usage_effect = None
        if between is not None:
            middle = between[key].monthly if key in between else ZERO
            price_effect = _difference(middle, a_monthly)
            usage_effect = _difference(b_monthly, middle)
            middle_shown = between[key].shown_monthly if key in between else ZERO
            shown_price_effect = middle_shown - a_shown
            shown_usage_effect = b_shown - middle_shown
        compared.append(
            ComparedLine(
                *key,
                service_name=shown.service_name,
                label=shown.label,
                in_a=old is not None,
                in_b=new is not None,
                a_monthly=a_monthly,
                b_monthly=b_monthly,
                a_upfront=old.upfront if old else ZERO,
                b_upfront=new.upfront if new else ZERO,
                price_effect=price_effect,
                usage_effect=usage_effect,
                a_shown_monthly=a_shown,
                b_shown_monthly=b_shown,
                a_shown_upfront=old.shown_upfront if old else ZERO,
                b_shown_upfront=new.shown_upfront if new else ZERO,
                shown_price_effect=shown_price_effect,
                shown_usage_effect=shown_usage_effect,
            )
        )
    differing = sorted(
        (line for line in compared if line.status != UNCHANGED),
        key=lambda line: (-abs(line.delta), -abs(line.upfront_delta), line.key),
    )
    return EstimateComparison(
        a=a,
        b=b,
        lines=tuple(differing),
        unchanged=tuple(line for line in compared if line.status == UNCHANGED),
        same_price_book=same_price_book,
        a_at_b_prices=a_at_b_prices,
        split_errors=split_errors,
    )


def _difference(new: Decimal, old: Decimal) -> Decimal:
    """new − old without rounding, however many digits the exact sums carry."""
    with localcontext() as context:
        context.prec = PRECISION
        return new - old
