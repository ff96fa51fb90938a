"""Price books as dated JSON files: read one (checking it all), price with it, load it, dump one.

- A file reads like a price reference: named fields, and every number a JSON string holding its
  exact decimal text ("0.03"), so that no float ever touches a price.
- A rate lists the Regions it applies in ("*" for all) and becomes one Rate row per Region.
- A field left out takes its default; dump_book leaves out the fields that equal it.
- Reading checks the whole file before anything is loaded, and names each problem by its place in
  the file: `services[3].rates[2].tiers[1].price: not a number`.
- Format 2 adds what an organisation needs: each rate's pooling level with AWS's word for it, and
  a service's waivers (rules between services). A format-1 file predates pooling: its rates are
  priced each account in each Region alone, which is how the first book priced every card.
- The *_FIELDS tables say what each level holds. A file field is the model field of the same name
  (but for COLUMN_NAMES and CONVERSIONS), so a new optional field is a new row in a table.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from estimates import pricing
from estimates.pricing.regions import DEFAULT_REGION, REGIONS

FORMAT = 2
FORMATS = (1, 2)
PRICE_BOOKS = Path(__file__).parent / "price_books"
MODEL_NAMES = ("PriceBook", "Service", "UsageInput", "Rate", "RateTier", "Waiver")
FORMAT_1_POOLING = pricing.ACCOUNT_REGION
# A format-1 file predates commitment terms: migration 0005 gave the first book's Shield Advanced
# subscription its one-year term, and a format-1 file read today gets the same.
FORMAT_1_COMMITMENTS = {("shield", "advanced_subscriptions"): 12}
GRADES = ("A", "B", "C", "D", "E")  # Rate.Grade's values
# Rate prices are stored with 10 digits before the point; a price above this is a typo anyway.
PRICE_LIMIT = Decimal(10) ** 9
WIDTH = 100  # book_json puts a value on one line when it fits

# A book read from a file: its fields as Python values (Decimal, bool, tuple), defaults filled in.
BookData = dict
Check = Callable[[object, str, list], object]
REQUIRED = object()  # the default of a field that the file must give


class PriceBookFileError(ValueError):
    """A price book file that cannot be loaded: one message per problem, each naming its place."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


# ---------------------------------------------------------------------------------------------
# Checks: each takes a value and its path, appends a message per problem, returns the value read


def text(
    *,
    blank: bool = True,
    pattern: re.Pattern | None = None,
    one_line: bool = False,
    max_length: int | None = None,
) -> Check:
    def check(value: object, path: str, errors: list) -> str | None:
        if not isinstance(value, str):
            return _error(errors, path, "must be text")
        if max_length is not None and len(value) > max_length:
            # PostgreSQL refuses a longer value where SQLite would keep it: say so here.
            return _error(errors, path, f"at most {max_length} characters")
        if not value.strip():
            return value if blank else _error(errors, path, "must not be empty")
        if pattern and not pattern.fullmatch(value):
            return _error(errors, path, "only letters, digits, - and _")
        if one_line and len(value.splitlines()) > 1:
            return _error(errors, path, "one line, without line breaks")
        return value

    return check


SLUG = re.compile(r"[-a-zA-Z0-9_]+")  # as Django's SlugField
DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def number(*, above_zero: bool = False, limit: Decimal = pricing.MAX_QUANTITY) -> Check:
    def check(value: object, path: str, errors: list) -> Decimal | None:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return _error(errors, path, 'write the number as a string, e.g. "0.03"')
        if not isinstance(value, str) or not DECIMAL.fullmatch(value):
            return _error(errors, path, "not a number")
        parsed = Decimal(value)
        if parsed < 0:
            return _error(errors, path, "must be 0 or more")
        if above_zero and parsed == 0:
            return _error(errors, path, "must be more than 0")
        if parsed > limit:
            return _error(errors, path, f"must be at most {limit:f}")
        if -parsed.as_tuple().exponent > pricing.MAX_DECIMAL_PLACES:
            return _error(errors, path, f"at most {pricing.MAX_DECIMAL_PLACES} decimal places")
        return parsed

    return check


def whole_number(*, limit: int) -> Check:
    def check(value: object, path: str, errors: list) -> int | None:
        if type(value) is not int or not 0 <= value <= limit:
            return _error(errors, path, f"must be a whole number from 0 to {limit}")
        return value

    return check


def one_of(*choices: str) -> Check:
    def check(value: object, path: str, errors: list) -> str | None:
        if value not in choices:
            return _error(errors, path, f"must be one of {', '.join(choices)}")
        return value

    return check


def boolean(value: object, path: str, errors: list) -> bool | None:
    return value if isinstance(value, bool) else _error(errors, path, "must be true or false")


def a_date(value: object, path: str, errors: list) -> str | None:
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    return _error(errors, path, "must be a date, YYYY-MM-DD")


def format_version(value: object, path: str, errors: list) -> int | None:
    if type(value) is int and value in FORMATS:
        return value
    return _error(errors, path, "must be 1 or 2 (the formats this version reads)")


def region(value: object, path: str, errors: list) -> str | None:
    if isinstance(value, str) and (value == pricing.ALL_REGIONS or value in REGIONS):
        return value
    return _error(errors, path, f'not a Region code such as "{DEFAULT_REGION}", nor "*"')


def strings(item: Check, *, at_least_one: bool = False) -> Check:
    def check(value: object, path: str, errors: list) -> tuple | None:
        if not isinstance(value, list):
            return _error(errors, path, "must be a list")
        if at_least_one and not value:
            return _error(errors, path, "must list at least one")
        return tuple(item(entry, f"{path}[{index}]", errors) for index, entry in enumerate(value))

    return check


def entries(fields: dict, *, at_least_one: bool = False) -> Check:
    def check(value: object, path: str, errors: list) -> list | None:
        if not isinstance(value, list):
            return _error(errors, path, "must be a list")
        if at_least_one and not value:
            return _error(errors, path, "must list at least one")
        return [
            read_object(fields, entry, f"{path}[{index}]", errors)
            for index, entry in enumerate(value)
        ]

    return check


def _error(errors: list, path: str, message: str) -> None:
    errors.append(f"{path}: {message}")


# ---------------------------------------------------------------------------------------------
# What a file holds: field → (check, default). The order is the order dump_book writes.

TIER_FIELDS = {
    "start": (number(), REQUIRED),
    "price": (number(limit=PRICE_LIMIT), REQUIRED),
}
RATE_FIELDS = {
    "code": (text(blank=False, pattern=SLUG), REQUIRED),
    "label": (text(blank=False), REQUIRED),
    "meters": (strings(text(blank=False, pattern=SLUG), at_least_one=True), REQUIRED),
    "per_units": (number(above_zero=True), REQUIRED),
    "unit": (text(blank=False), REQUIRED),
    "free_units": (number(), pricing.ZERO),
    "regions": (strings(region, at_least_one=True), REQUIRED),
    "billing": (one_of(pricing.MONTHLY, pricing.UPFRONT), pricing.MONTHLY),
    "tiers": (entries(TIER_FIELDS, at_least_one=True), REQUIRED),
    "grade": (one_of(*GRADES), REQUIRED),
    "source": (text(max_length=300), ""),
    "aws_usage_type": (text(max_length=120), ""),
    "pooling": (one_of(*pricing.POOLING_LEVELS), pricing.ORGANIZATION_REGION),
    "pooling_source": (text(max_length=300), ""),
    "commitment_months": (whole_number(limit=120), 0),
}
WAIVER_FIELDS = {
    "flag": (text(blank=False, pattern=SLUG), REQUIRED),
    "rate_codes": (strings(text(blank=False, pattern=SLUG), at_least_one=True), REQUIRED),
    "requires_service": (text(blank=False, pattern=SLUG), REQUIRED),
    "requires_key": (text(blank=False, pattern=SLUG), REQUIRED),
    "reason": (text(blank=False, max_length=300), REQUIRED),
    "source": (text(max_length=300), ""),
}
INPUT_FIELDS = {
    "key": (text(blank=False, pattern=SLUG), REQUIRED),
    "label": (text(blank=False), REQUIRED),
    "unit": (text(blank=False), REQUIRED),
    "help": (text(max_length=500), ""),
    "min": (number(), pricing.ZERO),
    "max": (number(), pricing.MAX_QUANTITY),
    "whole": (boolean, False),
    "at_most_key": (text(pattern=SLUG), ""),
    "at_most_factor": (number(), pricing.ZERO),
    "requires_key": (text(pattern=SLUG), ""),
}
REPLACED_INPUT_FIELDS = {
    "key": (text(blank=False, pattern=SLUG), REQUIRED),
    "replaced_by": (strings(text(blank=False, pattern=SLUG), at_least_one=True), REQUIRED),
}
SERVICE_FIELDS = {
    "code": (text(blank=False, pattern=SLUG), REQUIRED),
    "name": (text(blank=False), REQUIRED),
    "aws_offer_code": (text(), ""),
    "summary": (text(max_length=300), ""),
    "free_tier_note": (text(max_length=300), ""),
    "guidance": (strings(text(blank=False, one_line=True)), ()),
    "inputs": (entries(INPUT_FIELDS), REQUIRED),
    "rates": (entries(RATE_FIELDS), REQUIRED),
    "waivers": (entries(WAIVER_FIELDS), []),
    # Keys of an earlier book that this one prices under other keys: a body that still sends
    # one is told which to use instead.
    "replaced_inputs": (entries(REPLACED_INPUT_FIELDS), []),
}
BOOK_FIELDS = {
    "format": (format_version, REQUIRED),
    "name": (text(blank=False), REQUIRED),
    "effective_date": (a_date, REQUIRED),
    "source_note": (text(), ""),
    "services": (entries(SERVICE_FIELDS, at_least_one=True), REQUIRED),
}

# How file fields map to model fields where they differ.
NOT_COLUMNS = {"format", "services", "inputs", "rates", "tiers", "regions", "waivers"}
COLUMN_NAMES = {"min": "min_value", "max": "max_value"}
CONVERSIONS = {  # field: (file value → column, column → file value)
    "effective_date": (date.fromisoformat, date.isoformat),
    "guidance": ("\n".join, lambda text: tuple(filter(None, map(str.strip, text.splitlines())))),
    "meters": (" ".join, lambda text: tuple(text.split())),
    "rate_codes": (" ".join, lambda text: tuple(text.split())),
    "replaced_inputs": (
        lambda entries: {entry["key"]: list(entry["replaced_by"]) for entry in entries},
        # Lists, as a file read back holds them: the round trip dump → read must not need JSON.
        lambda found: [{"key": key, "replaced_by": list(new)} for key, new in found.items()],
    ),
}


# ---------------------------------------------------------------------------------------------
# Reading


class _JsonObject(dict):
    """A JSON object that remembers the keys it was given twice (json keeps only the last)."""

    duplicates: tuple[str, ...] = ()


def _json_object(pairs: list[tuple[str, object]]) -> _JsonObject:
    found = _JsonObject(pairs)
    keys = [key for key, _ in pairs]
    found.duplicates = tuple(sorted({key for key in keys if keys.count(key) > 1}))
    return found


def read_price_book(source: Path | str | dict) -> BookData:
    """A book from a file (a Path), JSON text (a str) or parsed JSON; PriceBookFileError if bad."""
    if isinstance(source, Path):
        try:
            source = source.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise PriceBookFileError([f"{source}: cannot read the file ({error})"]) from None
    if isinstance(source, str):
        try:
            source = json.loads(source, object_pairs_hook=_json_object)
        except (ValueError, RecursionError) as error:
            raise PriceBookFileError([f"not valid JSON: {error}"]) from None
    errors: list[str] = []
    book = read_object(BOOK_FIELDS, source, "", errors)
    if not errors:  # relations only between values that were read, so no problem is told twice
        _check_relations(book, errors)
    if errors:
        raise PriceBookFileError(errors)
    return book


def read_object(fields: dict, value: object, path: str, errors: list) -> dict:
    """One JSON object read through its table: every field checked, unknown fields refused."""
    if not isinstance(value, dict):
        _error(errors, path or "the file", "must be a JSON object")
        return {}
    for key in getattr(value, "duplicates", ()):
        _error(errors, _join(path, key), "given twice")
    for key in value:
        if key not in fields:
            _error(errors, _join(path, key), "unknown field")
    found = {}
    for name, (check, default) in fields.items():
        if name in value:
            found[name] = check(value[name], _join(path, name), errors)
        elif default is REQUIRED:
            _error(errors, _join(path, name), "required")
        else:
            found[name] = default
    return found


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _check_relations(book: BookData, errors: list) -> None:
    """What one field cannot tell alone: unique codes, keys that name inputs, ascending tiers."""
    _unique(book["services"], "code", "services", errors)
    inputs_of = {
        service["code"]: {usage_input["key"] for usage_input in service["inputs"]}
        for service in book["services"]
    }
    for service_index, service in enumerate(book["services"]):
        path = f"services[{service_index}]"
        keys = {usage_input["key"] for usage_input in service["inputs"]}
        if book["format"] == 1:
            _check_format_1(service, path, errors)
        for index, replaced in enumerate(service["replaced_inputs"]):
            where = f"{path}.replaced_inputs[{index}]"
            if replaced["key"] in keys:
                _error(errors, f"{where}.key", f"{replaced['key']!r} is an input here")
            for new_index, new in enumerate(replaced["replaced_by"]):
                if new not in keys:
                    _error(errors, f"{where}.replaced_by[{new_index}]", f"no input {new!r} here")
        codes = {rate["code"] for rate in service["rates"]}
        for index, waiver in enumerate(service["waivers"]):
            where = f"{path}.waivers[{index}]"
            if waiver["flag"] not in keys:
                _error(errors, f"{where}.flag", f"no input {waiver['flag']!r} here")
            for code_index, code in enumerate(waiver["rate_codes"]):
                if code not in codes:
                    _error(errors, f"{where}.rate_codes[{code_index}]", f"no rate {code!r} here")
            granting = inputs_of.get(waiver["requires_service"])
            if granting is None:
                message = f"no service {waiver['requires_service']!r} in this book"
                _error(errors, f"{where}.requires_service", message)
            elif waiver["requires_key"] not in granting:
                message = f"no input {waiver['requires_key']!r} in {waiver['requires_service']}"
                _error(errors, f"{where}.requires_key", message)
        _unique(service["inputs"], "key", f"{path}.inputs", errors)
        for index, usage_input in enumerate(service["inputs"]):
            where = f"{path}.inputs[{index}]"
            for name in ("at_most_key", "requires_key"):
                if usage_input[name] and usage_input[name] not in keys:
                    _error(errors, f"{where}.{name}", f"no input {usage_input[name]!r} here")
            if usage_input["min"] > usage_input["max"]:
                _error(errors, f"{where}.min", "must not be above max")
        priced: dict[tuple[str, str], int] = {}
        for index, rate in enumerate(service["rates"]):
            where = f"{path}.rates[{index}]"
            for meter_index, meter in enumerate(rate["meters"]):
                if meter not in keys:
                    _error(errors, f"{where}.meters[{meter_index}]", f"no input {meter!r} here")
            for region_index, region_code in enumerate(rate["regions"]):
                first = priced.setdefault((rate["code"], region_code), index)
                if first != index or rate["regions"].index(region_code) != region_index:
                    _error(
                        errors,
                        f"{where}.regions[{region_index}]",
                        f"{rate['code']} in {region_code} is priced already (rates[{first}])",
                    )
            starts = [tier["start"] for tier in rate["tiers"]]
            if starts[0] != 0:
                _error(errors, f"{where}.tiers[0].start", "the first tier must start at 0")
            for tier_index in range(1, len(starts)):
                if starts[tier_index] <= starts[tier_index - 1]:
                    _error(
                        errors,
                        f"{where}.tiers[{tier_index}].start",
                        "must be above the start of the tier before",
                    )


def _check_format_1(service: dict, path: str, errors: list) -> None:
    """A format-1 book priced every rate per account and Region, and had no waivers."""
    for index, rate in enumerate(service["rates"]):
        for name in ("pooling", "pooling_source", "commitment_months"):
            if rate[name] != RATE_FIELDS[name][1]:
                _error(errors, f"{path}.rates[{index}].{name}", "needs format 2")
        rate["pooling"] = FORMAT_1_POOLING
        rate["commitment_months"] = FORMAT_1_COMMITMENTS.get((service["code"], rate["code"]), 0)
    for name in ("waivers", "replaced_inputs"):
        if service[name]:
            _error(errors, f"{path}.{name}", "needs format 2")


def _unique(rows: list[dict], name: str, path: str, errors: list) -> None:
    first: dict[str, int] = {}
    for index, row in enumerate(rows):
        if first.setdefault(row[name], index) != index:
            _error(
                errors, f"{path}[{index}].{name}", f"{row[name]!r} is taken by [{first[row[name]]}]"
            )


# ---------------------------------------------------------------------------------------------
# The engine's view of a book, with no database


def catalog_from_book(book: BookData, book_id: int | None = None) -> pricing.Catalog:
    """The book as the engine's Catalog, as PriceBook.catalog() builds it from the loaded rows."""
    found = {
        region_code
        for service in book["services"]
        for rate in service["rates"]
        for region_code in rate["regions"]
    } - {pricing.ALL_REGIONS}
    # The order PriceBook.regions() gives: the default Region first, then by code.
    regions = tuple(sorted(found, key=lambda code: (code != DEFAULT_REGION, code)))
    return pricing.Catalog(
        book_id=book_id,
        book_name=book["name"],
        effective_date=book["effective_date"],
        services={service["code"]: _service_spec(service) for service in book["services"]},
        regions=regions or (DEFAULT_REGION,),
        waivers=tuple(
            pricing.Waiver(
                service=service["code"],
                flag=waiver["flag"],
                rates=waiver["rate_codes"],
                requires_service=waiver["requires_service"],
                requires_key=waiver["requires_key"],
                reason=waiver["reason"],
                source=waiver["source"],
            )
            for service in book["services"]
            for waiver in service["waivers"]
        ),
    )


def _service_spec(service: dict) -> pricing.ServiceSpec:
    return pricing.ServiceSpec(
        code=service["code"],
        name=service["name"],
        summary=service["summary"],
        # As Service.as_spec() reads the guidance text: stripped lines.
        guidance=tuple(line.strip() for line in service["guidance"]),
        free_tier_note=service["free_tier_note"],
        replaced_inputs={
            entry["key"]: entry["replaced_by"] for entry in service["replaced_inputs"]
        },
        inputs=tuple(
            pricing.InputSpec(
                key=usage_input["key"],
                label=usage_input["label"],
                unit=usage_input["unit"],
                help=usage_input["help"],
                min_value=usage_input["min"],
                max_value=usage_input["max"],
                whole=usage_input["whole"],
                at_most_key=usage_input["at_most_key"],
                at_most_factor=usage_input["at_most_factor"],
                requires_key=usage_input["requires_key"],
            )
            for usage_input in service["inputs"]
        ),
        rates=tuple(
            rate_spec(rate, region_code)
            for rate in service["rates"]
            for region_code in rate["regions"]
        ),
    )


def rate_spec(rate: dict, region_code: str) -> pricing.RateSpec:
    """One Region's row of a rate, as the engine sees it."""
    return pricing.RateSpec(
        code=rate["code"],
        label=rate["label"],
        meters=rate["meters"],
        per_units=rate["per_units"],
        unit=rate["unit"],
        tiers=tuple(pricing.Tier(tier["start"], tier["price"]) for tier in rate["tiers"]),
        free_units=rate["free_units"],
        region=region_code,
        billing=rate["billing"],
        source=rate["source"],
        grade=rate["grade"],
        pooling=rate["pooling"],
        pooling_source=rate["pooling_source"],
        commitment_months=rate["commitment_months"],
    )


# ---------------------------------------------------------------------------------------------
# Loading into the database, and dumping back out


def model_classes(apps) -> dict:
    """The model classes load_book takes, from an app registry (a migration's, or the real one);
    an older migration's registry lacks the models added after it (Waiver)."""
    found = {}
    for name in MODEL_NAMES:
        try:
            found[name] = apps.get_model("estimates", name)
        except LookupError:
            found[name] = None
    return found


def load_book(
    book: BookData,
    *,
    PriceBook,
    Service,
    UsageInput,
    Rate,
    RateTier,
    Waiver=None,
    publish: bool,
    copied_from=None,
):
    """Create the book's rows through the given model classes, all or nothing; a draft unless
    `publish`. A migration passes its historical models, so this uses no model method but publish.
    """
    with transaction.atomic():
        row = PriceBook.objects.create(copied_from=copied_from, **_columns(book, BOOK_FIELDS))
        for position, service in enumerate(book["services"]):
            service_row = Service.objects.create(
                price_book=row, position=position, **_columns(service, SERVICE_FIELDS)
            )
            UsageInput.objects.bulk_create(
                UsageInput(service=service_row, position=index, **_columns(entry, INPUT_FIELDS))
                for index, entry in enumerate(service["inputs"])
            )
            for index, rate in enumerate(service["rates"]):
                for region_code in rate["regions"]:
                    rate_row = Rate.objects.create(
                        service=service_row,
                        region=region_code,
                        position=index,
                        **_columns(rate, RATE_FIELDS, Rate),
                    )
                    RateTier.objects.bulk_create(
                        RateTier(rate=rate_row, **_columns(tier, TIER_FIELDS))
                        for tier in rate["tiers"]
                    )
            for index, waiver in enumerate(service["waivers"]):
                Waiver.objects.create(
                    service=service_row, position=index, **_columns(waiver, WAIVER_FIELDS)
                )
        if publish and hasattr(row, "publish"):
            row.publish()  # the real model stamps published_at and guards the change itself
        elif publish:
            row.status = "published"
            row.published_at = timezone.now()
            row.save(update_fields=["status", "published_at"])
    return row


def _columns(values: dict, fields: dict, model=None) -> dict:
    """A row's model fields from a file entry. Defaults are left to the model (whose defaults are
    the same), so that an older migration's models never meet a field added after them; the
    first book's pooling level, which its migration gives every row, is left out there too."""
    columns = {}
    known = {field.name for field in model._meta.get_fields()} if model else None
    for name, (_, default) in fields.items():
        if name in NOT_COLUMNS or values[name] == default:
            continue
        if known is not None and COLUMN_NAMES.get(name, name) not in known:
            continue
        to_column = CONVERSIONS.get(name, (None, None))[0]
        value = values[name]
        columns[COLUMN_NAMES.get(name, name)] = to_column(value) if to_column else value
    return columns


def dump_book(book) -> dict:
    """A loaded book in the file's format, ready for json; a rate's Regions in one entry when
    the rows next to each other differ in nothing else."""
    services = []
    for service in book.services.order_by("position", "code"):
        rates: list[dict] = []
        for row in service.rates.order_by("position", "id").prefetch_related("tiers"):
            entry = _dumped(
                RATE_FIELDS,
                {
                    **_values(row, RATE_FIELDS),
                    "regions": (row.region,),
                    "tiers": [
                        _dumped(TIER_FIELDS, _values(t, TIER_FIELDS)) for t in row.tiers.all()
                    ],
                },
            )
            if rates and {**rates[-1], "regions": None} == {**entry, "regions": None}:
                rates[-1]["regions"].append(row.region)
            else:
                rates.append(entry)
        inputs = [
            _dumped(INPUT_FIELDS, _values(row, INPUT_FIELDS))
            for row in service.inputs.order_by("position", "id")
        ]
        waivers = [
            _dumped(WAIVER_FIELDS, _values(row, WAIVER_FIELDS))
            for row in service.waivers.order_by("position", "id")
        ]
        services.append(
            _dumped(
                SERVICE_FIELDS,
                {
                    **_values(service, SERVICE_FIELDS),
                    "inputs": inputs,
                    "rates": rates,
                    "waivers": waivers,
                },
            )
        )
    # A book with nothing format 2 adds is written as format 1, as the first book's file is.
    first_format = all(
        rate.get("pooling") == FORMAT_1_POOLING
        and "pooling_source" not in rate
        and rate.get("commitment_months", 0)
        == FORMAT_1_COMMITMENTS.get((service["code"], rate["code"]), 0)
        for service in services
        for rate in service["rates"]
    ) and not any("waivers" in service or "replaced_inputs" in service for service in services)
    if first_format:
        for service in services:
            for rate in service["rates"]:
                del rate["pooling"]
                rate.pop("commitment_months", None)
    return _dumped(
        BOOK_FIELDS,
        {
            "format": 1 if first_format else FORMAT,
            **_values(book, BOOK_FIELDS),
            "services": services,
        },
    )


def _values(row, fields: dict) -> dict:
    values = {}
    for name in fields:
        if name in NOT_COLUMNS:
            continue
        from_column = CONVERSIONS.get(name, (None, None))[1]
        value = getattr(row, COLUMN_NAMES.get(name, name))
        values[name] = from_column(value) if from_column else value
    return values


def _dumped(fields: dict, values: dict) -> dict:
    """JSON-ready values in the table's order, without those equal to their default."""
    dumped = {}
    for name, (_, default) in fields.items():
        value = values[name]
        if default is not REQUIRED and value == default:
            continue
        if isinstance(value, Decimal):
            # A price keeps two decimals, as price lists write it; other numbers are plain.
            value = pricing.price_amount(value) if name == "price" else f"{value.normalize():f}"
        dumped[name] = list(value) if isinstance(value, tuple) else value
    return dumped


def book_json(value: object, indent: str = "", taken: int = 0) -> str:
    """JSON text as a person reads it: a value on one line when it fits, else an entry a line."""
    flat = json.dumps(value, ensure_ascii=False)
    if len(indent) + taken + len(flat) <= WIDTH or not isinstance(value, dict | list) or not value:
        return flat
    inner = indent + "  "
    if isinstance(value, list):
        lines = [inner + book_json(entry, inner) for entry in value]
        return "[\n" + ",\n".join(lines) + f"\n{indent}]"
    lines = []
    for key, entry in value.items():
        prefix = f"{json.dumps(key, ensure_ascii=False)}: "
        lines.append(inner + prefix + book_json(entry, inner, len(prefix)))
    return "{\n" + ",\n".join(lines) + f"\n{indent}}}"


def book_file_data(book: BookData) -> dict:
    """A book read from a file (or built by an import) in the file's format, as dump_book writes
    a loaded one: no database needed, so a script can write a book file from data."""
    services = []
    for service in book["services"]:
        rates: list[dict] = []
        for rate in service["rates"]:
            for region_code in rate["regions"]:
                entry = _dumped(
                    RATE_FIELDS,
                    {
                        **rate,
                        "regions": (region_code,),
                        "tiers": [_dumped(TIER_FIELDS, tier) for tier in rate["tiers"]],
                    },
                )
                if rates and {**rates[-1], "regions": None} == {**entry, "regions": None}:
                    rates[-1]["regions"].append(region_code)
                else:
                    rates.append(entry)
        services.append(
            _dumped(
                SERVICE_FIELDS,
                {
                    **service,
                    "inputs": [_dumped(INPUT_FIELDS, entry) for entry in service["inputs"]],
                    "rates": rates,
                    "waivers": [_dumped(WAIVER_FIELDS, entry) for entry in service["waivers"]],
                    "replaced_inputs": [
                        {"key": entry["key"], "replaced_by": list(entry["replaced_by"])}
                        for entry in service["replaced_inputs"]
                    ],
                },
            )
        )
    return _dumped(BOOK_FIELDS, {**book, "format": FORMAT, "services": services})
