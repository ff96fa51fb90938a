"""Import prices from AWS Price List offer files (JSON or CSV, format v1.0) into a draft book.

- Which rate a price belongs to is data: `Service.aws_offer_code` and `Rate.aws_usage_type`, the
  usage type without its Region prefix (`KMS-Requests` for `USE1-KMS-Requests`).
- The Region is the product's `regionCode`, or else the one its usage-type prefix names.
- AWS prices are per one unit (a request, an hour); a rate's price is per `per_units` units and per
  month, so price = AWS price × per_units, × 730 for an hourly AWS price (a month is 730 hours).
- A first dimension at $0 from 0 to N is the free allowance (`free_units` = N), and the first paid
  tier then starts at 0: free units come before tiers and tier boundaries include them. An offer
  with no such dimension keeps the book's free allowance (KMS's free requests are not in its offer).
- Money is Decimal from the file on: JSON floats are read as Decimal, CSV cells are strings.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from . import pricing
from .models import PriceBook, Rate, RateTier
from .price_changes import Comparison, change_text, compare_catalogs, rate_text
from .regions import REGION_BY_PRICE_LIST_PREFIX, REGIONS

FORMAT_VERSION = "v1.0"
HOURS_PER_MONTH = Decimal(730)
HOURLY_UNITS = {"hrs", "hr", "hour", "hours"}
ON_DEMAND = "OnDemand"
CURRENCY = "USD"
CSV_METADATA_ROWS = ("FormatVersion", "Disclaimer", "Publication Date", "Version", "OfferCode")

# A usage type names its Region by a Price List prefix (`USE1-KMS-Requests`) or by the Region
# code itself (KMS's `us-west-1-KMS-Requests`); both come from the one Region table.
REGION_PREFIXES = REGION_BY_PRICE_LIST_PREFIX
REGION_CODES = frozenset(REGIONS)


class AwsPriceListError(ValueError):
    """An offer file that cannot be imported; the message names the file and what is wrong."""


# ---------------------------------------------------------------------------------------------
# Reading offer files


@dataclass(frozen=True)
class PriceDimension:
    begin: Decimal
    end: Decimal | None
    unit: str
    price: Decimal
    description: str = ""


@dataclass(frozen=True)
class OfferProduct:
    sku: str
    usage_type: str
    region_code: str
    dimensions: tuple[PriceDimension, ...]


@dataclass(frozen=True)
class Offer:
    source: str
    offer_code: str
    publication_date: str
    version: str
    products: tuple[OfferProduct, ...]


def read_offer_file(path: str | Path) -> Offer:
    """An offer file, JSON or (by its .csv suffix) CSV; AwsPriceListError if it is not one."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise AwsPriceListError(f"{path}: cannot read the file ({error.strerror}).") from None
    except UnicodeDecodeError:
        raise AwsPriceListError(f"{path}: not a text file (not UTF-8).") from None
    if path.suffix.lower() == ".csv":
        return parse_offer_csv(text, str(path))
    return parse_offer_json(text, str(path))


def parse_offer_json(text: str, source: str) -> Offer:
    """The JSON variant: products by SKU, `terms.OnDemand[sku][term].priceDimensions`."""
    try:
        data = json.loads(text, parse_float=Decimal)
    except (ValueError, RecursionError, ArithmeticError) as error:
        raise AwsPriceListError(f"{source}: not valid JSON ({error}).") from None
    if not isinstance(data, dict) or "formatVersion" not in data:
        raise AwsPriceListError(
            f"{source}: not an AWS Price List offer file (it has no formatVersion)."
        )
    _check_format_version(data["formatVersion"], source)
    offer_code = data.get("offerCode")
    if not isinstance(offer_code, str) or not offer_code:
        raise AwsPriceListError(f"{source}: the file names no offerCode.")
    products = data.get("products", {})
    terms = data.get("terms", {})
    if not isinstance(products, dict) or not isinstance(terms, dict):
        raise AwsPriceListError(f"{source}: products and terms must be JSON objects.")
    on_demand = terms.get(ON_DEMAND, {})
    if not isinstance(on_demand, dict):
        raise AwsPriceListError(f"{source}: terms.OnDemand must be a JSON object.")
    offer_products = []
    for sku, product in products.items():
        if not isinstance(product, dict) or not isinstance(product.get("attributes", {}), dict):
            raise AwsPriceListError(f"{source}: product {sku} is not a JSON object.")
        attributes = product.get("attributes", {})
        dimensions = []
        sku_terms = on_demand.get(sku, {})
        if not isinstance(sku_terms, dict):
            raise AwsPriceListError(f"{source}: SKU {sku}: its OnDemand terms are not an object.")
        for term in sku_terms.values():
            price_dimensions = term.get("priceDimensions") if isinstance(term, dict) else None
            if not isinstance(price_dimensions, dict):
                raise AwsPriceListError(f"{source}: SKU {sku}: a term has no priceDimensions.")
            for dimension in price_dimensions.values():
                if not isinstance(dimension, dict):
                    raise AwsPriceListError(f"{source}: SKU {sku}: a price dimension is invalid.")
                price_per_unit = dimension.get("pricePerUnit", {})
                if not isinstance(price_per_unit, dict) or CURRENCY not in price_per_unit:
                    raise AwsPriceListError(f"{source}: SKU {sku}: a price has no USD amount.")
                dimensions.append(
                    _dimension(
                        source,
                        sku,
                        begin=dimension.get("beginRange", "0"),
                        end=dimension.get("endRange", "Inf"),
                        unit=dimension.get("unit", ""),
                        price=price_per_unit[CURRENCY],
                        description=dimension.get("description", ""),
                    )
                )
        offer_products.append(
            OfferProduct(
                sku=str(sku),
                usage_type=str(attributes.get("usagetype", "")),
                region_code=str(attributes.get("regionCode", "")),
                dimensions=_sorted_dimensions(dimensions, source, sku),
            )
        )
    return Offer(
        source=source,
        offer_code=offer_code,
        publication_date=str(data.get("publicationDate", "")),
        version=str(data.get("version", "")),
        products=tuple(offer_products),
    )


def parse_offer_csv(text: str, source: str) -> Offer:
    """The CSV variant: five metadata rows, a header row, then one row per price dimension."""
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise AwsPriceListError(f"{source}: not valid CSV ({error}).") from None
    if not rows or not rows[0] or rows[0][0] != "FormatVersion":
        raise AwsPriceListError(
            f"{source}: not an AWS Price List CSV offer file (its first row is not FormatVersion)."
        )
    metadata = {row[0]: row[1] if len(row) > 1 else "" for row in rows[: len(CSV_METADATA_ROWS)]}
    missing = [name for name in CSV_METADATA_ROWS if name not in metadata]
    if missing:
        raise AwsPriceListError(f"{source}: the metadata rows lack {', '.join(missing)}.")
    _check_format_version(metadata["FormatVersion"], source)
    if len(rows) <= len(CSV_METADATA_ROWS):
        raise AwsPriceListError(f"{source}: the header row is missing.")
    header = rows[len(CSV_METADATA_ROWS)]
    columns = {_column_key(name): index for index, name in enumerate(header)}
    needed = ("SKU", "TermType", "StartingRange", "EndingRange", "Unit", "PricePerUnit")
    absent = [name for name in (*needed, "usageType") if _column_key(name) not in columns]
    if absent:
        raise AwsPriceListError(f"{source}: the header row lacks {', '.join(absent)}.")

    def cell(row: list[str], name: str) -> str:
        index = columns.get(_column_key(name))
        return row[index] if index is not None else ""

    by_sku: dict[str, tuple[str, str, list[PriceDimension]]] = {}
    first_row = len(CSV_METADATA_ROWS) + 2
    for line, row in enumerate(rows[len(CSV_METADATA_ROWS) + 1 :], start=first_row):
        if not any(row):
            continue
        if len(row) != len(header):
            raise AwsPriceListError(
                f"{source}: row {line} has {len(row)} cells; the header has {len(header)}."
            )
        if cell(row, "TermType") != ON_DEMAND:
            continue
        sku = cell(row, "SKU")
        currency = cell(row, "Currency") or CURRENCY
        if currency != CURRENCY:
            raise AwsPriceListError(f"{source}: SKU {sku}: prices must be in USD, not {currency}.")
        _, _, dimensions = by_sku.setdefault(
            sku, (cell(row, "usageType"), cell(row, "Region Code"), [])
        )
        dimensions.append(
            _dimension(
                source,
                sku,
                begin=cell(row, "StartingRange") or "0",
                end=cell(row, "EndingRange") or "Inf",
                unit=cell(row, "Unit"),
                price=cell(row, "PricePerUnit"),
                description=cell(row, "PriceDescription"),
            )
        )
    return Offer(
        source=source,
        offer_code=metadata["OfferCode"],
        publication_date=metadata["Publication Date"],
        version=metadata["Version"],
        products=tuple(
            OfferProduct(
                sku=sku,
                usage_type=usage_type,
                region_code=region_code,
                dimensions=_sorted_dimensions(dimensions, source, sku),
            )
            for sku, (usage_type, region_code, dimensions) in by_sku.items()
        ),
    )


def _column_key(name: str) -> str:
    return name.replace(" ", "").lower()


def _check_format_version(version: object, source: str) -> None:
    if version != FORMAT_VERSION:
        raise AwsPriceListError(
            f"{source}: format version {version!r} is not supported (expected {FORMAT_VERSION})."
        )


def _number(raw: object, source: str, sku: str, what: str) -> Decimal:
    text = str(raw).strip() if isinstance(raw, str | int | Decimal) else None
    try:
        value = Decimal(text) if text else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value < 0:
        raise AwsPriceListError(f"{source}: SKU {sku}: {what} {raw!r} is not a number.")
    return value


def _dimension(
    source: str, sku: str, begin: object, end: object, unit: object, price: object, description
) -> PriceDimension:
    return PriceDimension(
        begin=_number(begin, source, sku, "beginRange"),
        end=None if end == "Inf" else _number(end, source, sku, "endRange"),
        unit=str(unit),
        price=_number(price, source, sku, "price"),
        description=str(description),
    )


def _sorted_dimensions(
    dimensions: Iterable[PriceDimension], source: str, sku: object
) -> tuple[PriceDimension, ...]:
    ordered = tuple(sorted(dimensions, key=lambda dimension: dimension.begin))
    starts = [dimension.begin for dimension in ordered]
    if len(set(starts)) != len(starts):
        raise AwsPriceListError(f"{source}: SKU {sku}: two prices start at the same unit.")
    return ordered


# ---------------------------------------------------------------------------------------------
# From AWS terms to ours


def split_usage_type(usage_type: str, region_code: str = "") -> tuple[str, str]:
    """(Region, usage type without its Region prefix); the Region is '' when nothing names one."""
    head, separator, rest = usage_type.partition("-")
    prefix_region = ""
    stripped = usage_type
    if separator and head in REGION_PREFIXES:
        prefix_region, stripped = REGION_PREFIXES[head], rest
    else:
        for code in sorted(REGION_CODES | {region_code} - {""}, key=len, reverse=True):
            if usage_type.startswith(f"{code}-"):
                prefix_region, stripped = code, usage_type[len(code) + 1 :]
                break
    return region_code or prefix_region, stripped


def tiers_from_dimensions(
    dimensions: Sequence[PriceDimension], per_units: Decimal, free_units: Decimal
) -> tuple[Decimal, tuple[pricing.Tier, ...]]:
    """(free_units, tiers) in our terms; `free_units` is kept when the offer has no free band."""
    paid = list(dimensions)
    first = paid[0]
    if len(paid) > 1 and first.price == 0 and first.begin == 0 and first.end is not None:
        free_units = first.end
        paid = paid[1:]
    tiers = []
    for index, dimension in enumerate(paid):
        factor = HOURS_PER_MONTH if dimension.unit.strip().lower() in HOURLY_UNITS else 1
        start = Decimal(0) if index == 0 else dimension.begin
        tiers.append(pricing.Tier(start, dimension.price * factor * per_units))
    return free_units, tuple(tiers)


# ---------------------------------------------------------------------------------------------
# Importing


@dataclass(frozen=True)
class ImportedRate:
    service: str
    rate: str
    region: str
    spec: pricing.RateSpec
    sku: str
    usage_type: str


@dataclass(frozen=True)
class Unmapped:
    offer_code: str
    usage_type: str
    reason: str


@dataclass
class ImportReport:
    book: PriceBook
    based_on: PriceBook
    imported: list[ImportedRate] = field(default_factory=list)
    assumed: list[ImportedRate] = field(default_factory=list)
    unmapped: list[Unmapped] = field(default_factory=list)
    comparison: Comparison | None = None

    def lines(self) -> list[str]:
        """What the import did, as lines for a terminal."""
        lines = [
            f"Created draft price book {self.book.pk} “{self.book.name}” "
            f"from “{self.based_on.name}”.",
            f"Imported {len(self.imported)} rates:",
        ]
        lines += [f"  {_rate_line(entry)}" for entry in self.imported]
        if self.assumed:
            lines.append(
                "Not in these files, copied from the book's "
                f"{pricing.DEFAULT_REGION} prices and marked unverified (E):"
            )
            lines += [f"  {_rate_line(entry)}" for entry in self.assumed]
        changes = self.comparison.changes if self.comparison else ()
        lines.append(f"Changes against “{self.based_on.name}”: {len(changes)}")
        lines += [
            f"  {change.kind} {change.service}.{change.rate} [{change.region}]: "
            f"{change_text(change)}"
            for change in changes
        ]
        lines.append(f"Usage types not mapped: {len(self.unmapped)}")
        lines += [
            f"  {entry.offer_code} {entry.usage_type}: {entry.reason}" for entry in self.unmapped
        ]
        return lines


def _rate_line(entry: ImportedRate) -> str:
    return f"{entry.service}.{entry.rate} [{entry.region}]: {rate_text(entry.spec)}"


def import_offers(
    offers: Sequence[Offer], name: str | None = None, book: PriceBook | None = None
) -> ImportReport:
    """Copy the current book to a draft holding the offers' prices; nothing is written on error."""
    book = book or PriceBook.objects.current()
    if book is None:
        raise AwsPriceListError("No price book is published yet: there is nothing to copy.")
    known = set(book.services.exclude(aws_offer_code="").values_list("aws_offer_code", flat=True))
    for offer in offers:
        if offer.offer_code not in known:
            raise AwsPriceListError(
                f"{offer.source}: unknown offer code {offer.offer_code!r} "
                f"(expected one of {', '.join(sorted(known))})."
            )
    with transaction.atomic():
        draft = book.copy_to_draft(name or _draft_name(offers))
        report = ImportReport(book=draft, based_on=book)
        _apply(draft, offers, report)
        if not report.imported:
            raise AwsPriceListError(
                "No usage type in these files maps to a rate of the price book; nothing imported."
            )
        draft.source_note = "\n".join(
            [
                draft.source_note,
                *(
                    f"Imported from the AWS Price List: {offer.offer_code}, published "
                    f"{offer.publication_date}, version {offer.version}."
                    for offer in offers
                ),
            ]
        ).strip()
        draft.save(update_fields=["source_note"])
        report.comparison = compare_catalogs(book.catalog(), draft.catalog())
    return report


def _draft_name(offers: Sequence[Offer]) -> str:
    published = max((offer.publication_date[:10] for offer in offers), default="")
    return f"AWS Price List import, published {published}".strip()


def _apply(draft: PriceBook, offers: Sequence[Offer], report: ImportReport) -> None:
    rates = list(
        Rate.objects.filter(service__price_book=draft)
        .select_related("service")
        .prefetch_related("tiers")
    )
    by_usage_type: dict[tuple[str, str], set[tuple[int, str]]] = {}
    by_key: dict[tuple[int, str], dict[str, Rate]] = {}
    for rate in rates:
        by_key.setdefault((rate.service_id, rate.code), {})[rate.region] = rate
        if rate.aws_usage_type and rate.service.aws_offer_code:
            mapping = by_usage_type.setdefault(
                (rate.service.aws_offer_code, rate.aws_usage_type), set()
            )
            mapping.add((rate.service_id, rate.code))
    seen: dict[tuple[int, str, str], tuple[str, tuple]] = {}
    new_regions: dict[int, set[str]] = {}
    for offer in offers:
        for product in offer.products:
            region, usage_type = split_usage_type(product.usage_type, product.region_code)
            targets = by_usage_type.get((offer.offer_code, usage_type))
            if not targets:
                _unmapped(report, offer, product, "no rate has this usage type")
                continue
            if not region:
                _unmapped(report, offer, product, "no Region")
                continue
            if not product.dimensions:
                _unmapped(report, offer, product, "no OnDemand price")
                continue
            for service_id, code in sorted(targets):
                regions = by_key[(service_id, code)]
                template = _template(regions)
                free_units, tiers = tiers_from_dimensions(
                    product.dimensions, template.per_units, template.free_units
                )
                key = (service_id, code, region)
                if key in seen:
                    if seen[key][1] != (free_units, tiers):
                        raise AwsPriceListError(
                            f"{offer.source}: SKU {product.sku} prices {template.service.code}."
                            f"{code} in {region} differently from SKU {seen[key][0]}."
                        )
                    continue
                seen[key] = (product.sku, (free_units, tiers))
                if not _service_has_region(by_key, service_id, region):
                    new_regions.setdefault(service_id, set()).add(region)
                rate = _store(
                    regions,
                    template,
                    region,
                    free_units,
                    tiers,
                    grade=Rate.Grade.B,
                    source=f"AWS Price List {offer.offer_code}, published "
                    f"{offer.publication_date[:10]}",
                )
                report.imported.append(
                    ImportedRate(
                        template.service.code, code, region, rate.as_spec(), product.sku, usage_type
                    )
                )
    _fill_new_regions(by_key, new_regions, report)


def _unmapped(report: ImportReport, offer: Offer, product: OfferProduct, reason: str) -> None:
    entry = Unmapped(offer.offer_code, product.usage_type or f"(SKU {product.sku})", reason)
    if entry not in report.unmapped:
        report.unmapped.append(entry)


def _template(regions: dict[str, Rate]) -> Rate:
    """The rate a new Region's rate is copied from: all Regions, else the default Region's."""
    for region in (pricing.ALL_REGIONS, pricing.DEFAULT_REGION):
        if region in regions:
            return regions[region]
    return regions[min(regions)]


def _service_has_region(by_key: dict, service_id: int, region: str) -> bool:
    return any(
        region in regions or pricing.ALL_REGIONS in regions
        for (owner, _), regions in by_key.items()
        if owner == service_id
    )


def _store(
    regions: dict[str, Rate],
    template: Rate,
    region: str,
    free_units: Decimal,
    tiers: Sequence[pricing.Tier],
    grade: str,
    source: str,
) -> Rate:
    rate = regions.get(region)
    if rate is None:
        rate = Rate(
            service=template.service,
            code=template.code,
            label=template.label,
            meters=template.meters,
            per_units=template.per_units,
            unit=template.unit,
            region=region,
            billing=template.billing,
            aws_usage_type=template.aws_usage_type,
            position=template.position,
        )
        regions[region] = rate
    rate.free_units = free_units
    rate.grade = grade
    rate.source = source[:300]
    rate.save()
    rate.tiers.all().delete()
    RateTier.objects.bulk_create(
        RateTier(rate=rate, start=tier.start, price=tier.price) for tier in tiers
    )
    # Fresh from the database, so that as_spec() and later copies see the new tiers.
    regions[region] = (
        Rate.objects.select_related("service").prefetch_related("tiers").get(pk=rate.pk)
    )
    return regions[region]


def _fill_new_regions(
    by_key: dict[tuple[int, str], dict[str, Rate]],
    new_regions: dict[int, set[str]],
    report: ImportReport,
) -> None:
    """A service that gains a Region keeps every rate there: copies of the default Region's."""
    for (service_id, code), regions in by_key.items():
        if pricing.ALL_REGIONS in regions:
            continue
        for region in sorted(new_regions.get(service_id, ())):
            if region in regions:
                continue
            template = _template(regions)
            rate = _store(
                regions,
                template,
                region,
                template.free_units,
                [pricing.Tier(tier.start, tier.price) for tier in template.tiers.all()],
                grade=Rate.Grade.E,
                source=f"Assumed equal to {template.region}: not in the AWS Price List files "
                "imported",
            )
            report.assumed.append(
                ImportedRate(rate.service.code, code, region, rate.as_spec(), "", "")
            )
