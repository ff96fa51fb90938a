"""What differs between two price books: rate by rate over two pricing.Catalogs, and line by
line over two quotes of the same items. Plain functions, no database.

- A rate is keyed by service code, rate code and Region.
- A book's all-Regions rate (`*`) stands for every Region that book offers, so a rate that moved
  from `*` to a Region of its own at the same price is no change, and a Region a book does not
  offer has no price in it.
- Prices are compared per unit, exactly (cross-multiplied, never divided): $0.03 per 10,000
  equals $3.00 per million. A changed price is shown per the newer rate's units.
- Tiers are compared as step functions: at every tier start of either book, the price of the unit
  that starts there. A moved boundary shows as the units whose price changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from estimates.pricing import (
    ALL_REGIONS,
    DEFAULT_REGION,
    ZERO,
    Catalog,
    FieldError,
    ItemQuote,
    Line,
    Quote,
    RateSpec,
    plain_number,
    price_text,
)
from estimates.pricing.regions import region_name

ADDED = "added"
REMOVED = "removed"
CHANGED = "changed"


@dataclass(frozen=True)
class TierChange:
    """The price of the units from `start` on, in both books, per the newer rate's units."""

    start: Decimal
    old_price: Decimal | None
    new_price: Decimal | None

    @property
    def percent(self) -> Decimal | None:
        """Change in percent, exact; None when there was no price or it was zero."""
        if not self.old_price or self.new_price is None:
            return None
        return (self.new_price - self.old_price) * 100 / self.old_price

    @property
    def start_text(self) -> str:
        return plain_number(self.start)

    @property
    def old_price_text(self) -> str:
        return "none" if self.old_price is None else price_text(self.old_price)

    @property
    def new_price_text(self) -> str:
        return "none" if self.new_price is None else price_text(self.new_price)

    @property
    def percent_text(self) -> str:
        return percent_text(self.percent)


@dataclass(frozen=True)
class RateChange:
    service: str
    service_name: str
    rate: str
    label: str
    region: str
    old: RateSpec | None
    new: RateSpec | None
    tiers: tuple[TierChange, ...] = ()

    @property
    def kind(self) -> str:
        if self.old is None:
            return ADDED
        if self.new is None:
            return REMOVED
        return CHANGED

    @property
    def free_units_changed(self) -> bool:
        return (
            self.old is not None
            and self.new is not None
            and self.old.free_units != self.new.free_units
        )

    @property
    def spec(self) -> RateSpec:
        """The rate as it is now, or as it was when it was removed."""
        return self.new or self.old  # type: ignore[return-value]

    @property
    def key(self) -> str:
        """`kms.symmetric_requests.us-east-1`."""
        return f"{self.service}.{self.rate}.{self.region}"

    @property
    def region_name(self) -> str:
        return "All Regions" if self.region == ALL_REGIONS else region_name(self.region)

    @property
    def per_text(self) -> str:
        return per_text(self.spec)

    @property
    def rate_text(self) -> str:
        return rate_text(self.spec)

    @property
    def old_free_text(self) -> str:
        return plain_number(self.old.free_units) if self.old else ""

    @property
    def new_free_text(self) -> str:
        return plain_number(self.new.free_units) if self.new else ""


@dataclass(frozen=True)
class Comparison:
    old_book: str
    new_book: str
    changes: tuple[RateChange, ...]

    @property
    def added(self) -> tuple[RateChange, ...]:
        return tuple(change for change in self.changes if change.kind == ADDED)

    @property
    def removed(self) -> tuple[RateChange, ...]:
        return tuple(change for change in self.changes if change.kind == REMOVED)

    @property
    def changed(self) -> tuple[RateChange, ...]:
        return tuple(change for change in self.changes if change.kind == CHANGED)

    @property
    def changed_prices(self) -> int:
        """The rows of the changed table: a tier whose price moved, or a free allowance."""
        return sum(len(change.tiers) + change.free_units_changed for change in self.changed)


@dataclass(frozen=True)
class Gap:
    """A service the book lacks prices for in a Region: all of them, or some of its rates."""

    service: str
    service_name: str
    region: str
    missing: tuple[str, ...]  # the labels of the rates without a price there
    whole_service: bool

    @property
    def region_name(self) -> str:
        return region_name(self.region)


def coverage_gaps(catalog: Catalog, regions: tuple[str, ...]) -> tuple[Gap, ...]:
    """In each of `regions`, what each service of the book has no price for."""
    gaps = []
    for service in catalog.services.values():
        labels = {rate.code: rate.label for rate in service.rates}
        for region in regions:
            priced = {rate.code for rate in service.rates_for(region)}
            missing = tuple(label for code, label in labels.items() if code not in priced)
            if missing:
                gaps.append(
                    Gap(service.code, service.name, region, missing, len(missing) == len(labels))
                )
    return tuple(gaps)


def compare_catalogs(old: Catalog, new: Catalog) -> Comparison:
    """Every rate whose price differs between two books, and those only one book has."""
    changes = []
    for service, code, region in _keys_in_order(old, new):
        old_rate = _effective_rate(old, service, code, region)
        new_rate = _effective_rate(new, service, code, region)
        if old_rate is None and new_rate is None:
            continue
        if old_rate is not None and new_rate is not None:
            tiers = compare_tiers(old_rate, new_rate)
            if not tiers and old_rate.free_units == new_rate.free_units:
                continue
        else:
            tiers = ()
        spec = new_rate or old_rate
        catalog = new if service in new.services else old
        changes.append(
            RateChange(
                service=service,
                service_name=catalog.services[service].name,
                rate=code,
                label=spec.label,
                region=region,
                old=old_rate,
                new=new_rate,
                tiers=tiers,
            )
        )
    return Comparison(old_book=old.book_name, new_book=new.book_name, changes=tuple(changes))


def compare_tiers(old: RateSpec, new: RateSpec) -> tuple[TierChange, ...]:
    """Where the price per unit differs, tier start by tier start."""
    starts = sorted({tier.start for tier in old.tiers} | {tier.start for tier in new.tiers})
    changes = []
    for start in starts:
        old_price = _price_from(old, start)
        new_price = _price_from(new, start)
        if old_price is None and new_price is None:
            continue
        # Cross-multiplied, so that no division ever rounds a price.
        if (
            old_price is not None
            and new_price is not None
            and old_price * new.per_units == new_price * old.per_units
        ):
            continue
        changes.append(
            TierChange(
                start=start,
                old_price=None if old_price is None else old_price * new.per_units / old.per_units,
                new_price=new_price,
            )
        )
    return tuple(changes)


def _price_from(rate: RateSpec, start: Decimal) -> Decimal | None:
    """The price of the tier the unit at `start` falls in, per the rate's own units."""
    price = None
    for tier in rate.tiers:
        if tier.start <= start:
            price = tier.price
    return price


def _effective_rate(catalog: Catalog, service: str, code: str, region: str) -> RateSpec | None:
    spec = catalog.services.get(service)
    if spec is None:
        return None
    rates = {rate.region: rate for rate in spec.rates if rate.code == code}
    if region in rates:
        return rates[region]
    if region != ALL_REGIONS and region in catalog.regions:
        return rates.get(ALL_REGIONS)
    return None


def _keys_in_order(old: Catalog, new: Catalog) -> list[tuple[str, str, str]]:
    """Every (service, rate, Region) of both books: the newer book's order, then what it lost."""
    order: dict[tuple[str, str], int] = {}
    keys: set[tuple[str, str, str]] = set()
    for catalog in (new, old):
        for service in catalog.services.values():
            for rate in service.rates:
                order.setdefault((service.code, rate.code), len(order))
                keys.add((service.code, rate.code, rate.region))
    return sorted(
        keys,
        key=lambda key: (
            order[key[:2]],
            key[2] != ALL_REGIONS,
            key[2] != DEFAULT_REGION,
            key[2],
        ),
    )


# ---------------------------------------------------------------------------------------------
# Words for a person (display only)


def percent_text(percent: Decimal | None) -> str:
    """`+33.33%`, `−12.50%`, or empty when there is no percentage to give."""
    if percent is None:
        return ""
    rounded = percent.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if rounded > 0:
        return f"+{rounded}%"
    if rounded < 0:
        return f"−{abs(rounded)}%"
    return "0.00%"


def per_text(rate: RateSpec) -> str:
    """What a price is for: `10,000 requests`, `key-months`."""
    if rate.per_units == 1:
        return rate.unit
    return f"{plain_number(rate.per_units)} {rate.unit}"


def rate_text(rate: RateSpec) -> str:
    """A rate's prices on one line: `$1.00 / 1,000 attempts; from 2,000,000: $0.70; first 10,000
    free`."""
    parts = []
    for index, tier in enumerate(rate.tiers):
        price = price_text(tier.price.normalize())
        if index == 0:
            parts.append(f"{price} / {per_text(rate)}")
        else:
            parts.append(f"from {plain_number(tier.start)}: {price}")
    if rate.free_units:
        parts.append(f"first {plain_number(rate.free_units)} free")
    return "; ".join(parts)


def change_text(change: RateChange) -> str:
    """A changed rate on one line: `$0.03 → $0.035 / 10,000 requests (+16.67%); free 20,000 →
    10,000`."""
    if change.old is None or change.new is None:
        return rate_text(change.spec)
    parts = []
    for tier in change.tiers:
        old = "none" if tier.old_price is None else price_text(tier.old_price)
        new = "none" if tier.new_price is None else price_text(tier.new_price)
        text = f"{old} → {new}"
        if tier.start == 0:
            text += f" / {per_text(change.new)}"
        else:
            text = f"from {plain_number(tier.start)}: {text}"
        percent = percent_text(tier.percent)
        parts.append(f"{text} ({percent})" if percent else text)
    if change.free_units_changed:
        parts.append(
            f"free {plain_number(change.old.free_units)} → {plain_number(change.new.free_units)}"
        )
    return "; ".join(parts)


# ---------------------------------------------------------------------------------------------
# The same items priced with two books: which lines moved


@dataclass(frozen=True)
class MovedLine:
    """One cost line whose cost is not what it was when the estimate was saved."""

    item_index: int
    service: str
    service_name: str
    region: str
    group: str
    usage_key: str
    label: str
    billing: str
    then: Decimal
    now: Decimal

    @property
    def change(self) -> Decimal:
        return self.now - self.then


@dataclass(frozen=True)
class PriceMovement:
    """A saved estimate priced again with another book: the totals then and now, what moved.

    `book` is the other book (a PriceBook); `now` is None when the items cannot be priced with
    it, and `errors` says why.
    """

    book: object
    then: Quote
    now: Quote | None
    lines: tuple[MovedLine, ...]
    errors: tuple[FieldError, ...] = ()

    @property
    def can_reprice(self) -> bool:
        return self.now is not None

    @property
    def changed(self) -> bool:
        """Whether any figure differs (or the estimate cannot be priced any more)."""
        if self.now is None:
            return True
        return bool(self.lines) or (
            self.now.monthly_total != self.then.monthly_total
            or self.now.upfront_total != self.then.upfront_total
        )


def moved_lines(then: Quote, now: Quote) -> tuple[MovedLine, ...]:
    """The lines of two quotes of the same items whose cost (or billing) differs."""
    then_lines = _lines_by_key(then)
    now_lines = _lines_by_key(now)
    moved = []
    for key in [*then_lines, *(key for key in now_lines if key not in then_lines)]:
        item_quote, old = then_lines.get(key, (None, None))
        new_item_quote, new = now_lines.get(key, (None, None))
        old_cost = old.cost if old else ZERO
        new_cost = new.cost if new else ZERO
        if old_cost == new_cost and (old is None or new is None or old.billing == new.billing):
            continue
        shown = item_quote or new_item_quote
        line = old or new
        moved.append(
            MovedLine(
                item_index=key[0],
                service=shown.item.service,
                service_name=shown.service_name,
                region=key[1],
                group=shown.item.group,
                usage_key=key[2],
                label=line.label,
                billing=(new or old).billing,
                then=old_cost,
                now=new_cost,
            )
        )
    return tuple(moved)


def _lines_by_key(priced: Quote) -> dict[tuple[int, str, str], tuple[ItemQuote, Line]]:
    return {
        (index, line.region, line.usage_key): (item_quote, line)
        for index, item_quote in enumerate(priced.items)
        for line in item_quote.lines
    }
