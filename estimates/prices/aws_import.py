"""AWS Price List offer files (JSON or CSV, format v1.0), and a price book holding their prices.

Plain functions with no database: offer files and a book's data (book_file's format) go in;
out comes the data of a new book holding the offers' prices, with what they changed. The
import_aws_prices command loads that as a draft and prints the report.

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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from estimates import pricing
from estimates.prices.book_file import BookData, rate_spec
from estimates.prices.usage_types import (
    HOURLY_UNITS,
    HOURS_PER_MONTH,
    REGION_CODES,
    split_usage_type,
)

FORMAT_VERSION = "v1.0"
ON_DEMAND = "OnDemand"
CURRENCY = "USD"
CSV_METADATA_ROWS = ("FormatVersion", "Disclaimer", "Publication Date", "Version", "OfferCode")


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
    # Data derived from the Price List (a public capture, not AWS's file) names its own source
    # and grade, and the rate it prices (service code, rate code) when its usage type was not
    # captured; an offer file read from AWS leaves them empty: "AWS Price List …", grade B.
    citation: str = ""
    grade: str = ""
    rate: tuple[str, str] | None = None


@dataclass(frozen=True)
class Offer:
    source: str
    offer_code: str
    publication_date: str
    version: str
    products: tuple[OfferProduct, ...]
    note: str = ""  # the line the book's source note gets; AWS's file: its code and version


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
    """The CSV variant from its whole text."""
    return read_offer_csv(io.StringIO(text, newline=""), source)


def read_offer_csv(
    lines: Iterable[str], source: str, keep: Callable[[str], bool] | None = None
) -> Offer:
    """The CSV variant, read row by row from `lines` (a file or an HTTP stream): five metadata
    rows, a header row, then one row per price dimension. With `keep`, only the price rows of
    usage types it accepts are held; the others are listed by usage type alone, so memory stays
    bounded by what the book prices, however large the file."""
    rows = csv.reader(lines)
    try:
        first = next(rows, None)
        if not first or first[0] != "FormatVersion":
            raise AwsPriceListError(
                f"{source}: not an AWS Price List CSV offer file "
                "(its first row is not FormatVersion)."
            )
        metadata_rows = [first]
        for _ in CSV_METADATA_ROWS[1:]:
            row = next(rows, None)
            if row is None:
                break
            metadata_rows.append(row)
        metadata = {row[0]: row[1] if len(row) > 1 else "" for row in metadata_rows if row}
        missing = [name for name in CSV_METADATA_ROWS if name not in metadata]
        if missing:
            raise AwsPriceListError(f"{source}: the metadata rows lack {', '.join(missing)}.")
        _check_format_version(metadata["FormatVersion"], source)
        header = next(rows, None)
        if header is None:
            raise AwsPriceListError(f"{source}: the header row is missing.")
        columns = {_column_key(name): index for index, name in enumerate(header)}
        needed = ("SKU", "TermType", "StartingRange", "EndingRange", "Unit", "PricePerUnit")
        absent = [name for name in (*needed, "usageType") if _column_key(name) not in columns]
        if absent:
            raise AwsPriceListError(f"{source}: the header row lacks {', '.join(absent)}.")

        def cell(row: list[str], name: str) -> str:
            index = columns.get(_column_key(name))
            return row[index] if index is not None else ""

        by_sku: dict[str, tuple[str, str, list[PriceDimension]]] = {}
        left_out: dict[str, str] = {}  # usage type → a SKU of it, for the report
        for row in rows:
            if not any(row):
                continue
            if len(row) != len(header):
                raise AwsPriceListError(
                    f"{source}: row {rows.line_num} has {len(row)} cells; "
                    f"the header has {len(header)} (a truncated or damaged file)."
                )
            if cell(row, "TermType") != ON_DEMAND:
                continue
            sku, usage_type = cell(row, "SKU"), cell(row, "usageType")
            if keep is not None and not keep(usage_type):
                left_out.setdefault(usage_type, sku)
                continue
            currency = cell(row, "Currency") or CURRENCY
            if currency != CURRENCY:
                raise AwsPriceListError(
                    f"{source}: SKU {sku}: prices must be in USD, not {currency}."
                )
            _, _, dimensions = by_sku.setdefault(sku, (usage_type, cell(row, "Region Code"), []))
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
    except csv.Error as error:
        raise AwsPriceListError(f"{source}: not valid CSV ({error}).") from None
    products = [
        OfferProduct(
            sku=sku,
            usage_type=usage_type,
            region_code=region_code,
            dimensions=_sorted_dimensions(dimensions, source, sku),
        )
        for sku, (usage_type, region_code, dimensions) in by_sku.items()
    ]
    products += [OfferProduct(sku, usage_type, "", ()) for usage_type, sku in left_out.items()]
    return Offer(
        source=source,
        offer_code=metadata["OfferCode"],
        publication_date=metadata["Publication Date"],
        version=metadata["Version"],
        products=tuple(products),
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
# A book with the offers' prices


NEW = "new"
CHANGED = "changed"
UNCHANGED = "unchanged"


@dataclass(frozen=True)
class ImportedRate:
    service: str
    rate: str
    region: str
    spec: pricing.RateSpec
    sku: str
    usage_type: str
    status: str = NEW  # NEW: the book had no price there; CHANGED; UNCHANGED


@dataclass(frozen=True)
class Unmapped:
    offer_code: str
    usage_type: str
    reason: str


@dataclass(frozen=True)
class OfferImport:
    """A book's data with the offers' prices in it, and what the offers added, changed, confirmed
    or could not map."""

    book: BookData
    imported: tuple[ImportedRate, ...]
    unmapped: tuple[Unmapped, ...]

    def with_status(self, status: str) -> tuple[ImportedRate, ...]:
        return tuple(entry for entry in self.imported if entry.status == status)


def import_offers(
    book: BookData, offers: Sequence[Offer], *, effective_date: str, name: str | None = None
) -> OfferImport:
    """`book` with the offers' prices, as a new book's data; AwsPriceListError if nothing maps.

    A rate gets a row of its own in each Region the offers price it in: a new Region, a new tier
    or a new free allowance is added, not only a changed price. A Region the offers price only
    some rates of a service in gets only those: no price is copied from another Region (a
    service's other inputs are unavailable there, see pricing.ServiceSpec.input_regions).
    """
    known = {service["aws_offer_code"] for service in book["services"]} - {""}
    for offer in offers:
        if offer.offer_code not in known:
            raise AwsPriceListError(
                f"{offer.source}: unknown offer code {offer.offer_code!r} "
                f"(expected one of {', '.join(sorted(known))})."
            )
    work = _Work(book)
    for offer in offers:
        for product in offer.products:
            work.add_product(offer, product)
    if not work.imported:
        raise AwsPriceListError(
            "No usage type in these files maps to a rate of the price book; nothing imported."
        )
    notes = [offer.note or _offer_note(offer) for offer in offers]
    return OfferImport(
        book={
            **book,
            "name": name or _draft_name(offers),
            "effective_date": effective_date,
            "source_note": "\n".join(dict.fromkeys([book["source_note"], *notes])).strip(),
            "services": [
                {**service, "rates": rates}
                for service, rates in zip(book["services"], work.rates, strict=True)
            ],
        },
        imported=tuple(work.imported),
        unmapped=tuple(work.unmapped),
    )


def _offer_note(offer: Offer) -> str:
    return (
        f"Imported from the AWS Price List: {offer.offer_code}, published "
        f"{offer.publication_date}, version {offer.version}."
    )


def _draft_name(offers: Sequence[Offer]) -> str:
    published = max((offer.publication_date[:10] for offer in offers), default="")
    return f"AWS Price List import, published {published}".strip()


class _Work:
    """The book's rates, one entry per Region, while the offers' prices go in."""

    def __init__(self, book: BookData):
        self.codes = [service["code"] for service in book["services"]]
        self.rates: list[list[dict]] = []
        # (service index, rate code) → {Region: its rate entry}, in the book's order.
        self.by_key: dict[tuple[int, str], dict[str, dict]] = {}
        self.by_usage_type: dict[tuple[str, str], set[tuple[int, str]]] = {}
        for index, service in enumerate(book["services"]):
            rates = []
            for rate in service["rates"]:
                for region in rate["regions"]:
                    entry = {**rate, "regions": (region,)}
                    rates.append(entry)
                    self.by_key.setdefault((index, rate["code"]), {})[region] = entry
                if rate["aws_usage_type"] and service["aws_offer_code"]:
                    mapping = (service["aws_offer_code"], rate["aws_usage_type"])
                    self.by_usage_type.setdefault(mapping, set()).add((index, rate["code"]))
            self.rates.append(rates)
        # A rate a book lists with no Region yet (a new dimension): its definition, for the
        # first Region an offer prices it in.
        self.templates: dict[tuple[int, str], dict] = {}
        for index, service in enumerate(book["services"]):
            for rate in service["rates"]:
                self.templates.setdefault((index, rate["code"]), {**rate, "regions": ()})
                self.by_key.setdefault((index, rate["code"]), {})
        self.service_index = {code: index for index, code in enumerate(self.codes)}
        self.seen: dict[tuple[int, str, str], tuple[str, tuple]] = {}
        self.imported: list[ImportedRate] = []
        self.unmapped: list[Unmapped] = []

    def add_product(self, offer: Offer, product: OfferProduct) -> None:
        region, usage_type = split_usage_type(product.usage_type, product.region_code)
        if product.rate is not None:
            service, code = product.rate
            found = (self.service_index.get(service), code)
            targets = {found} if found in self.templates else set()
        else:
            targets = self.by_usage_type.get((offer.offer_code, usage_type))
        if not targets:
            return self.skip(offer, product, "no rate has this usage type")
        if not region:
            return self.skip(offer, product, "no Region")
        if region not in REGION_CODES and not (product.rate and region == pricing.ALL_REGIONS):
            return self.skip(offer, product, f"Region {region!r} is not in costcalc's table")
        if not product.dimensions:
            return self.skip(offer, product, "no OnDemand price")
        for service, code in sorted(targets):
            template = self.template(service, code)
            free_units, tiers = tiers_from_dimensions(
                product.dimensions, template["per_units"], template["free_units"]
            )
            key = (service, code, region)
            if key in self.seen:
                if self.seen[key][1] != (free_units, tiers):
                    raise AwsPriceListError(
                        f"{offer.source}: SKU {product.sku} prices {self.codes[service]}.{code} "
                        f"in {region} differently from SKU {self.seen[key][0]}."
                    )
                continue
            self.seen[key] = (product.sku, (free_units, tiers))
            source = product.citation or (
                f"AWS Price List {offer.offer_code}, published {offer.publication_date[:10]}"
            )
            spec, status = self.store(
                service,
                code,
                region,
                free_units=free_units,
                tiers=tiers,
                grade=product.grade or "B",
                source=source,
                usage_type=usage_type if _is_usage_type(usage_type) else "",
                restamp=bool(product.citation),
            )
            self.imported.append(
                ImportedRate(
                    self.codes[service], code, region, spec, product.sku, usage_type, status
                )
            )

    def skip(self, offer: Offer, product: OfferProduct, reason: str) -> None:
        entry = Unmapped(offer.offer_code, product.usage_type or f"(SKU {product.sku})", reason)
        if entry not in self.unmapped:
            self.unmapped.append(entry)

    def store(
        self,
        service: int,
        code: str,
        region: str,
        *,
        free_units: Decimal,
        tiers: Sequence[pricing.Tier],
        grade: str,
        source: str,
        usage_type: str = "",
        restamp: bool = False,
    ) -> tuple[pricing.RateSpec, str]:
        """The rate's entry for the Region, made from the template's when it has none yet, and
        whether it is new, changed or unchanged. An unchanged price keeps its grade and source,
        unless the product cites its own (`restamp`: research names a source per Region)."""
        regions = self.by_key[(service, code)]
        old = regions.get(region)
        prices = {
            "free_units": free_units,
            "tiers": [{"start": tier.start, "price": tier.price} for tier in tiers],
        }
        # A Region an all-Regions rate covers already has that price: the same price confirms
        # it (no row of its own), another one is a change there.
        standing = old or regions.get(pricing.ALL_REGIONS)
        unchanged = standing is not None and all(
            standing[name] == value for name, value in prices.items()
        )
        if unchanged and not (restamp and old is not None):
            return rate_spec(standing, region), UNCHANGED
        entry = {
            **(old or self.template(service, code)),
            "regions": (region,),
            **prices,
            "grade": grade,
            "source": source[:300],
        }
        if usage_type:
            entry["aws_usage_type"] = usage_type[:120]
        rates = self.rates[service]
        if old is None:
            # After the rate's other Regions, where a row added to the book would sort; a rate
            # the book had in no Region goes last.
            placed = [index for index, rate in enumerate(rates) if rate["code"] == code]
            rates.insert(placed[-1] + 1 if placed else len(rates), entry)
        else:
            rates[next(index for index, rate in enumerate(rates) if rate is old)] = entry
        regions[region] = entry
        status = UNCHANGED if unchanged else NEW if standing is None else CHANGED
        return rate_spec(entry, region), status

    def template(self, service: int, code: str) -> dict:
        regions = self.by_key[(service, code)]
        return _template(regions) if regions else self.templates[(service, code)]


def _is_usage_type(text: str) -> bool:
    """A usage type as AWS writes one, not a note where none was captured."""
    return bool(text) and all(char.isalnum() or char in "-_.:" for char in text)


def _template(regions: dict[str, dict]) -> dict:
    """The rate a new Region's rate is copied from: all Regions, else the default Region's."""
    for region in (pricing.ALL_REGIONS, pricing.DEFAULT_REGION):
        if region in regions:
            return regions[region]
    return regions[min(regions)]
