"""The mapping table (a price book's offer codes and usage types) and a bill's cards and
reconciliation: plain Python over aggregate.sql's rows, quantities and money as Decimal.

Which line is usage: `Usage` (CUR's line-item type, FOCUS's ChargeCategory) of a product whose
offer code a service of the book has. Every other line of those products (Tax, Credit, Refund,
discounts, fees, Savings Plan lines, FOCUS corrections) is an adjustment; lines of any other
product are counted in `other_services`. A usage line whose usage type (Region prefix stripped
as the Price List importer strips it) matches no rate, or whose Region the book does not price
for its service, is `unmapped`, with its rows and cost: nothing is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext

from estimates import pricing
from estimates.importers.base import ImportedItem, ImportResult, NeedsUsage, Unpriced
from estimates.importers.billing.reading import Aggregate, BillingError, BillRow
from estimates.prices.usage_types import HOURLY_UNITS, HOURS_PER_MONTH, split_usage_type

USAGE = "Usage"
CURRENCY = "USD"
BY_SERVICE, BY_ACCOUNT = "service", "account"
GROUP_BY = (BY_SERVICE, BY_ACCOUNT)
PERIOD = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")
# A variance above this share of the list cost is flagged.
VARIANCE_FLAG = Decimal("0.01")
BYTES_PER_GB = Decimal(1024) ** 3
BYTE_UNITS = {"bytes", "byte"}
ZERO = Decimal(0)
# A card's notes: the ids of the accounts it pools, in EstimateItem.notes' 2,000 characters.
ACCOUNTS_NOTE = "Accounts: "
NOTES_LENGTH = 2000

OLDER_BOOK = "a price book older than the bill"
FREE_ALLOWANCE = "a free allowance spread differently"
OUTSIDE_PERIOD = "usage outside this period"
OTHER_PRICE = "the price book's rate differs from the bill's"


@dataclass(frozen=True)
class RateMapping:
    """A rate of the book that a (offer code, usage type) of the bill is usage of."""

    service: str
    rate: str
    input_key: str
    input_unit: str  # the rate's unit, which the input is counted in


@dataclass(frozen=True)
class MappingTable:
    """(offer code, usage type without Region prefix) → the rate it is usage of."""

    rates: Mapping[tuple[str, str], RateMapping]
    offer_codes: frozenset[str]
    # Per service: the inputs no usage type maps to, which a bill cannot show.
    not_shown: Mapping[str, tuple[str, ...]]

    @classmethod
    def build(
        cls,
        catalog: pricing.Catalog,
        offer_codes: Mapping[str, str],
        usage_types: Mapping[tuple[str, str], str],
    ) -> MappingTable:
        """From a book's catalog, each service's offer code and each rate's usage type.

        A usage type two rates share (Parameter Store's PS-Param-Processed-Tier2 prices the
        advanced interactions and the higher-throughput switch) maps to the first rate with a
        single meter, in the book's order.
        """
        rates: dict[tuple[str, str], RateMapping] = {}
        not_shown: dict[str, tuple[str, ...]] = {}
        for code, service in catalog.services.items():
            offer = offer_codes.get(code, "")
            shown: set[str] = set()
            seen_rates: set[str] = set()
            candidates: list[tuple[int, int, str, pricing.RateSpec]] = []
            for position, rate in enumerate(service.rates):
                if rate.code in seen_rates:
                    continue
                seen_rates.add(rate.code)
                usage_type = usage_types.get((code, rate.code), "")
                if offer and usage_type:
                    candidates.append((len(rate.meters) != 1, position, usage_type, rate))
            for _, _, usage_type, rate in sorted(candidates, key=lambda c: (c[0], c[1])):
                key = (offer, usage_type)
                if key in rates:
                    continue
                # The rate's unit says what a month of it is ("endpoint-months", "GB").
                rates[key] = RateMapping(code, rate.code, rate.meters[-1], rate.unit)
                shown.add(rate.meters[-1])
            not_shown[code] = tuple(spec.key for spec in service.inputs if spec.key not in shown)
        offers = frozenset(offer for offer in offer_codes.values() if offer)
        return cls(rates, offers, not_shown)

    @classmethod
    def from_book_data(cls, catalog: pricing.Catalog, book: Mapping) -> MappingTable:
        """The mapping of a price-book file's data, whose catalog is `catalog` (tests, bench)."""
        offers = {
            service["code"]: service.get("aws_offer_code", "") for service in book["services"]
        }
        usage_types = {
            (service["code"], rate["code"]): rate.get("aws_usage_type", "")
            for service in book["services"]
            for rate in service["rates"]
            if rate.get("aws_usage_type")
        }
        return cls.build(catalog, offers, usage_types)


@dataclass
class _Total:
    rows: int = 0
    billed: Decimal = ZERO
    listed: Decimal | None = ZERO

    def add(self, row: BillRow) -> None:
        self.rows += row.line_items
        self.billed += row.unblended_cost
        if self.listed is not None and row.list_cost is not None:
            self.listed += row.list_cost
        elif row.list_cost is None:
            self.listed = None


@dataclass
class _Line:
    """One reconciliation line being summed: a service's usage type in a Region."""

    service: str
    rate: str
    usage_type: str
    region: str
    units: set[str] = field(default_factory=set)
    quantity: Decimal = ZERO
    total: _Total = field(default_factory=_Total)
    outside_period_items: int = 0


@dataclass(frozen=True)
class ReconciliationLine:
    service: str
    usage_type: str
    region: str
    quantity: Decimal
    unit: str
    billed_cost: Decimal
    list_cost: Decimal | None
    costcalc_monthly: Decimal
    variance: Decimal | None
    flagged: bool
    reason: str
    rows: int


@dataclass(frozen=True)
class UnmappedLine:
    product_code: str
    usage_type: str
    region: str
    unit: str
    quantity: Decimal
    rows: int
    billed_cost: Decimal
    list_cost: Decimal | None
    reason: str


@dataclass(frozen=True)
class Adjustment:
    line_item_type: str
    product_code: str
    rows: int
    billed_cost: Decimal


@dataclass(frozen=True)
class OtherServices:
    rows: int
    billed_cost: Decimal
    list_cost: Decimal | None
    product_codes: tuple[str, ...]


@dataclass(frozen=True)
class Totals:
    billed: Decimal
    list: Decimal | None
    costcalc: Decimal
    adjustments: Decimal
    unmapped: Decimal
    other_services: Decimal
    bill: Decimal  # every line of the period: billed + unmapped + adjustments + other services


@dataclass(frozen=True)
class Reconciliation:
    lines: tuple[ReconciliationLine, ...]
    unmapped: tuple[UnmappedLine, ...]
    adjustments: tuple[Adjustment, ...]
    other_services: OtherServices
    totals: Totals


@dataclass(frozen=True)
class BillingImport:
    """A bill's period as cards, their quote and the reconciliation with the bill."""

    format: str
    billing_period: str
    periods: tuple[str, ...]
    group_by: str
    result: ImportResult
    quote: pricing.Quote
    reconciliation: Reconciliation


def check_period(raw: str | None) -> str | None:
    """`2026-11`, or None; BillingError for anything else."""
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str) or not PERIOD.match(raw):
        raise BillingError("Give the billing period as YYYY-MM, e.g. 2026-11.", "billing_period")
    return raw


def check_options(billing_period: str | None, group_by: str) -> str | None:
    """The billing period asked for (or None) once both options are checked; BillingError
    for either that is not one the importer takes."""
    if group_by not in GROUP_BY:
        raise BillingError(f"Group by {' or '.join(GROUP_BY)}, not {group_by!r}.", "group_by")
    return check_period(billing_period)


def convert(amount: Decimal, unit: str, input_unit: str) -> tuple[Decimal, bool]:
    """(the amount in the input's unit, whether it was converted) from the bill's unit.

    Hours become months of 730 hours (the price books' month) when the input counts months;
    bytes become GB (2^30 bytes). KMS keys, secrets and web ACLs are billed as month fractions
    already ("Keys", prorated hourly), so they pass as they are.
    """
    bill_unit = unit.strip().lower()
    with localcontext(pricing.EXACT):
        if bill_unit in HOURLY_UNITS and input_unit.endswith("-months"):
            return amount / HOURS_PER_MONTH, True
        if bill_unit in BYTE_UNITS and input_unit == "GB":
            return amount / BYTES_PER_GB, True
    return amount, False


def accounts_note(accounts: list[str], limit: int = NOTES_LENGTH) -> str:
    """`Accounts: 111111111111, 222222222222`, the card's notes; past `limit` characters
    (an organisation of hundreds of accounts) the ids that do not fit are "and 37 more"."""
    note = ACCOUNTS_NOTE + ", ".join(accounts)
    if len(note) <= limit:
        return note
    room = limit - len(ACCOUNTS_NOTE) - len(f", and {len(accounts)} more")
    shown: list[str] = []
    for account in accounts:
        room -= len(account) + (2 if shown else 0)
        if room < 0:
            break
        shown.append(account)
    rest = f"and {len(accounts) - len(shown)} more"
    return ACCOUNTS_NOTE + ", ".join([*shown, rest])


def import_bill(
    aggregate: Aggregate,
    catalog: pricing.Catalog,
    mapping: MappingTable,
    *,
    billing_period: str | None = None,
    group_by: str = BY_SERVICE,
    group_length: int = 100,
) -> BillingImport:
    """The cards, quote and reconciliation of one billing period of an aggregated export."""
    chosen = check_options(billing_period, group_by)
    periods = tuple(sorted({row.billing_period for row in aggregate.rows}))
    if chosen is None:
        chosen = periods[-1]
    elif chosen not in periods:
        raise BillingError(
            f"The file has no billing period {chosen}: it has {', '.join(periods)}.",
            "billing_period",
        )
    rows = [row for row in aggregate.rows if row.billing_period == chosen]
    currencies = sorted({row.currency for row in rows if row.currency})
    if len(currencies) > 1:
        raise BillingError(
            f"The bill for {chosen} is in several currencies ({', '.join(currencies)}): "
            "costcalc prices one currency, USD."
        )
    if currencies and currencies[0] != CURRENCY:
        raise BillingError(
            f"The bill for {chosen} is in {currencies[0]}: costcalc's price books are in USD."
        )
    return _Import(aggregate.format, chosen, periods, catalog, mapping, group_by, group_length).run(
        rows
    )


class _Import:
    def __init__(
        self,
        fmt: str,
        period: str,
        periods: tuple[str, ...],
        catalog: pricing.Catalog,
        mapping: MappingTable,
        group_by: str,
        group_length: int,
    ):
        self.fmt, self.period, self.periods = fmt, period, periods
        self.catalog, self.mapping, self.group_by = catalog, mapping, group_by
        self.group_length = group_length
        self.lines: dict[tuple[str, str, str], _Line] = {}
        self.unmapped: dict[tuple[str, str, str, str], tuple[_Total, set[str], list]] = {}
        self.adjustments: dict[tuple[str, str], _Total] = {}
        self.other = _Total()
        self.other_products: set[str] = set()
        # card key → {account: {input key: quantity}}
        self.cards: dict[tuple[str, str, str], dict[str, dict[str, Decimal]]] = {}
        self.warnings: list[str] = []
        self.converted: set[tuple[str, str]] = set()

    def run(self, rows: Iterable[BillRow]) -> BillingImport:
        for row in rows:
            self.add(row)
        items = self.items()
        errors = pricing.check_items(self.catalog, tuple(item.as_item() for item in items))
        if errors:
            raise BillingError(
                "The bill's usage does not fit the price book: "
                + "; ".join(f"card {e.item}: {e.field}: {e.message}" for e in errors)
            )
        quote = pricing.price_items(self.catalog, [item.as_item() for item in items])
        needs = [
            NeedsUsage(
                address=self._card_label(item),
                service=item.service,
                usage_key=key,
                label_hint="not in the bill: no usage type of the price book maps to it",
            )
            for item in items
            for key in self.mapping.not_shown.get(item.service, ())
        ]
        unpriced = [
            Unpriced(address=line.usage_type, type=line.product_code, reason=line.reason)
            for line in self.unmapped_lines()
        ]
        for service, unit in sorted(self.converted):
            self.warnings.append(
                f"{service}: the bill's {unit} were converted to the input's unit."
            )
        other_periods = [p for p in self.periods if p != self.period]
        if other_periods:
            self.warnings.append(
                f"Only {self.period} is priced; the file also has {', '.join(other_periods)}."
            )
        result = ImportResult(items, needs, unpriced, self.warnings)
        return BillingImport(
            format=self.fmt,
            billing_period=self.period,
            periods=self.periods,
            group_by=self.group_by,
            result=result,
            quote=quote,
            reconciliation=self.reconciliation(quote),
        )

    def add(self, row: BillRow) -> None:
        if row.product_code not in self.mapping.offer_codes:
            self.other.add(row)
            if row.product_code:
                self.other_products.add(row.product_code)
            return
        if row.line_item_type != USAGE:
            key = (row.line_item_type or "(none)", row.product_code)
            self.adjustments.setdefault(key, _Total()).add(row)
            return
        region, usage_type = split_usage_type(row.usage_type, row.region)
        target = self.mapping.rates.get((row.product_code, usage_type))
        if target is None:
            return self.unmap(row, region, "no rate of the price book has this usage type")
        if not region:
            return self.unmap(row, region, "no Region in the bill")
        if region not in self.catalog.service_regions(target.service):
            return self.unmap(
                row, region, f"the price book has no {target.service} prices in {region}"
            )
        quantity, converted = convert(row.usage_amount, row.unit, target.input_unit)
        if converted:
            self.converted.add((target.service, row.unit))
        line = self.lines.setdefault(
            (target.service, region, usage_type),
            _Line(target.service, target.rate, usage_type, region),
        )
        line.units.add(row.unit)
        line.quantity += row.usage_amount
        line.total.add(row)
        line.outside_period_items += row.outside_period_items
        group = row.account_id if self.group_by == BY_ACCOUNT else ""
        usage = self.cards.setdefault((target.service, region, group), {}).setdefault(
            row.account_id, {}
        )
        usage[target.input_key] = usage.get(target.input_key, ZERO) + quantity

    def unmap(self, row: BillRow, region: str, reason: str) -> None:
        key = (row.product_code, row.usage_type, region, reason)
        total, units, quantity = self.unmapped.setdefault(key, (_Total(), set(), [ZERO]))
        total.add(row)
        units.add(row.unit)
        quantity[0] += row.usage_amount

    def items(self) -> list[ImportedItem]:
        order = {code: index for index, code in enumerate(self.catalog.services)}
        items = []
        for (service, region, group), by_account in sorted(
            self.cards.items(), key=lambda pair: (order[pair[0][0]], pair[0][1], pair[0][2])
        ):
            accounts = sorted(by_account)
            totals: dict[str, Decimal] = {}
            for usage in by_account.values():
                for key, value in usage.items():
                    totals[key] = totals.get(key, ZERO) + value
            usage = {
                key: self._per_account(service, region, key, value, len(accounts))
                for key, value in totals.items()
            }
            items.append(
                ImportedItem(
                    service=service,
                    region=region,
                    group=group[: self.group_length],
                    usage=usage,
                    addresses=tuple(accounts),
                    accounts=len(accounts),
                    notes=accounts_note(accounts),
                )
            )
        return items

    def _per_account(
        self, service: str, region: str, key: str, total: Decimal, accounts: int
    ) -> Decimal:
        """The total ÷ accounts, kept to the engine's decimal places; a warning when the pooled
        total (per account × accounts) is then not the bill's own."""
        spec = self.catalog.services[service].input(key)
        places = 0 if spec is not None and spec.whole else pricing.MAX_DECIMAL_PLACES
        with localcontext(pricing.EXACT):
            exact = total / accounts
            shown = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
            if shown * accounts != total:
                self.warnings.append(
                    f"{service} in {region}: {pricing.decimal_text(total)} {key} ÷ {accounts} "
                    f"accounts is {pricing.decimal_text(shown)} per account after rounding, so "
                    f"the cards pool {pricing.decimal_text(shown * accounts)}."
                )
        return _plain(shown)

    def _card_label(self, item: ImportedItem) -> str:
        label = f"{item.service} in {item.region}"
        return f"{label}, account {item.group}" if item.group else label

    def unmapped_lines(self) -> list[UnmappedLine]:
        return [
            UnmappedLine(
                product_code=product,
                usage_type=usage_type,
                region=region,
                unit=", ".join(sorted(u for u in units if u)),
                quantity=_plain(quantity[0]),
                rows=total.rows,
                billed_cost=_plain(total.billed),
                list_cost=_plain_or_none(total.listed),
                reason=reason,
            )
            for (product, usage_type, region, reason), (total, units, quantity) in sorted(
                self.unmapped.items()
            )
        ]

    def reconciliation(self, quote: pricing.Quote) -> Reconciliation:
        costcalc: dict[tuple[str, str, str], Decimal] = {}
        free: dict[tuple[str, str, str], Decimal] = {}
        for item_quote in quote.items:
            for line in item_quote.lines:
                key = (item_quote.item.service, line.region, line.usage_key)
                costcalc[key] = costcalc.get(key, ZERO) + line.monthly
                free[key] = free.get(key, ZERO) + line.free_quantity
        order = {code: index for index, code in enumerate(self.catalog.services)}
        lines = []
        for line in sorted(
            self.lines.values(), key=lambda ln: (order[ln.service], ln.region, ln.usage_type)
        ):
            key = (line.service, line.region, line.rate)
            monthly = costcalc.get(key, ZERO)
            listed = line.total.listed
            variance = monthly - listed if listed is not None else None
            flagged = variance is not None and (
                abs(variance) > abs(listed) * VARIANCE_FLAG if listed else variance != 0
            )
            lines.append(
                ReconciliationLine(
                    service=line.service,
                    usage_type=line.usage_type,
                    region=line.region,
                    quantity=_plain(line.quantity),
                    unit=", ".join(sorted(u for u in line.units if u)),
                    billed_cost=_plain(line.total.billed),
                    list_cost=_plain_or_none(listed),
                    costcalc_monthly=_plain(monthly),
                    variance=_plain_or_none(variance),
                    flagged=flagged,
                    reason=self._reason(line, free.get(key, ZERO)) if flagged else "",
                    rows=line.total.rows,
                )
            )
        unmapped = self.unmapped_lines()
        adjustments = tuple(
            Adjustment(kind, product, total.rows, _plain(total.billed))
            for (kind, product), total in sorted(self.adjustments.items())
        )
        listed_values = [line.list_cost for line in lines]
        totals = Totals(
            billed=_plain(pricing.exact_sum(line.billed_cost for line in lines)),
            list=None
            if any(v is None for v in listed_values)
            else _plain(pricing.exact_sum(v for v in listed_values if v is not None)),
            costcalc=_plain(quote.monthly_total),
            adjustments=_plain(pricing.exact_sum(a.billed_cost for a in adjustments)),
            unmapped=_plain(pricing.exact_sum(u.billed_cost for u in unmapped)),
            other_services=_plain(self.other.billed),
            bill=ZERO,
        )
        bill = pricing.exact_sum(
            [totals.billed, totals.adjustments, totals.unmapped, totals.other_services]
        )
        totals = Totals(**{**totals.__dict__, "bill": _plain(bill)})
        other = OtherServices(
            rows=self.other.rows,
            billed_cost=_plain(self.other.billed),
            list_cost=_plain_or_none(self.other.listed) if self.other.rows else ZERO,
            product_codes=tuple(sorted(self.other_products)),
        )
        return Reconciliation(tuple(lines), tuple(unmapped), adjustments, other, totals)

    def _reason(self, line: _Line, free_quantity: Decimal) -> str:
        if line.outside_period_items:
            return OUTSIDE_PERIOD
        if free_quantity > 0 or line.total.billed < (line.total.listed or ZERO):
            return FREE_ALLOWANCE
        if self.catalog.effective_date[:7] < self.period:
            return OLDER_BOOK
        return OTHER_PRICE


def _plain(value: Decimal) -> Decimal:
    """Trailing zeros of DuckDB's DECIMAL(38,12) off: 0.230555557400 is 0.2305555574."""
    if value == 0:
        return ZERO
    normal = value.normalize()
    return normal.quantize(Decimal(1)) if normal.as_tuple().exponent > 0 else normal


def _plain_or_none(value: Decimal | None) -> Decimal | None:
    return None if value is None else _plain(value)
