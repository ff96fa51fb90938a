"""Reading a billing export with DuckDB: the file's kind, its columns, then aggregate.sql over it.

Nothing here walks the export's rows in Python: DuckDB streams the file and aggregate.sql groups
it into one row per billing period, account, Region, product, usage type, line-item type, unit
and currency, which is what comes back (a few hundred rows for a large organisation).
"""

from __future__ import annotations

import gzip
import os
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb

SQL_PATH = Path(__file__).with_name("aggregate.sql")
AGGREGATE_SQL = SQL_PATH.read_text()

# A gzip file is decompressed by us, never by DuckDB, so that a zip bomb stops at this size.
MAX_UNCOMPRESSED_BYTES = 4 * 1024**3
# DuckDB's own memory: the aggregation holds one row per group, not the file.
DUCKDB_MEMORY_LIMIT = "192MB"
DUCKDB_THREADS = 2
CHUNK = 1024 * 1024

CUR2, CUR, FOCUS, AGGREGATE = "cur2", "cur", "focus", "aggregate"

# The CUR 2.0 names aggregate.sql reads, and where each format keeps them. None: optional, NULL
# when the file has no such column. A tuple: the first of these the file has.
CUR2_COLUMNS = (
    "bill_billing_period_start_date",
    "line_item_usage_account_id",
    "product_region_code",
    "line_item_product_code",
    "line_item_usage_type",
    "line_item_operation",
    "line_item_line_item_type",
    "line_item_usage_amount",
    "line_item_unblended_cost",
    "pricing_public_on_demand_cost",
    "line_item_usage_start_date",
)
OPTIONAL = ("pricing_unit", "line_item_currency_code")

LEGACY_COLUMNS = {
    "bill_billing_period_start_date": "bill/BillingPeriodStartDate",
    "line_item_usage_account_id": "lineItem/UsageAccountId",
    "product_region_code": ("product/regionCode", "product/region"),
    "line_item_product_code": "lineItem/ProductCode",
    "line_item_usage_type": "lineItem/UsageType",
    "line_item_operation": "lineItem/Operation",
    "line_item_line_item_type": "lineItem/LineItemType",
    "line_item_usage_amount": "lineItem/UsageAmount",
    "line_item_unblended_cost": "lineItem/UnblendedCost",
    "pricing_public_on_demand_cost": "pricing/publicOnDemandCost",
    "line_item_usage_start_date": "lineItem/UsageStartDate",
    "pricing_unit": "pricing/unit",
    "line_item_currency_code": "lineItem/CurrencyCode",
}
# Legacy CUR in Athena or as Parquet: CUR 2.0's snake_case, but a flattened `product_region`.
LEGACY_SNAKE_COLUMNS = {name: name for name in CUR2_COLUMNS + OPTIONAL} | {
    "product_region_code": ("product_region_code", "product_region"),
}
# FOCUS 1.0-1.2 with AWS's columns. AWS's FOCUS 1.2 export has no x_UsageType: it moved to
# SkuMeter (https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-focus-1-2-migrating.html).
FOCUS_COLUMNS = {
    "bill_billing_period_start_date": "BillingPeriodStart",
    "line_item_usage_account_id": "SubAccountId",
    "product_region_code": "RegionId",
    "line_item_product_code": "x_ServiceCode",
    "line_item_usage_type": ("x_UsageType", "SkuMeter"),
    "line_item_operation": "x_Operation",
    "line_item_line_item_type": "ChargeCategory",
    "line_item_usage_amount": "ConsumedQuantity",
    "line_item_unblended_cost": "BilledCost",
    "pricing_public_on_demand_cost": "ListCost",
    "line_item_usage_start_date": "ChargePeriodStart",
    "pricing_unit": "ConsumedUnit",
    "line_item_currency_code": "BillingCurrency",
}
AGGREGATE_COLUMNS = (
    "billing_period",
    "account_id",
    "region",
    "product_code",
    "usage_type",
    "line_item_type",
    "unit",
    "currency",
    "usage_amount",
    "unblended_cost",
    "public_on_demand_cost",
    "line_items",
)
AGGREGATE_OPTIONAL = ("outside_period_items", "bad_numbers")


# The most a bill upload (API or editor) may be; larger exports are aggregated on Athena first.
MAX_UPLOAD_BYTES = 100 * 1024 * 1024


class BillingError(ValueError):
    """A file costcalc cannot read as a billing export; the message says why, `field` where."""

    def __init__(self, message: str, field: str = "file"):
        super().__init__(message)
        self.field = field


def too_big(size: int, limit: int | None = None) -> str | None:
    """The message for an upload over the limit, or None."""
    limit = MAX_UPLOAD_BYTES if limit is None else limit
    if size > limit:
        return (
            f"The file is over {limit // (1024 * 1024):,} MB, the most costcalc takes: run "
            "aggregate.sql on Athena and send its result instead."
        )
    return None


@dataclass(frozen=True)
class BillRow:
    """One row of aggregate.sql's answer."""

    billing_period: str
    account_id: str
    region: str
    product_code: str
    usage_type: str
    line_item_type: str
    unit: str
    currency: str
    usage_amount: Decimal
    unblended_cost: Decimal
    list_cost: Decimal | None
    line_items: int
    outside_period_items: int


@dataclass(frozen=True)
class Aggregate:
    format: str
    rows: tuple[BillRow, ...]


def read_export(path: str | os.PathLike) -> Aggregate:
    """The export at `path` (CSV, gzip CSV or Parquet, detected from its bytes) aggregated."""
    with _plain_file(Path(path)) as (plain, kind):
        con = connect()
        try:
            return _aggregate(con, _source(plain, kind), plain)
        finally:
            con.close()


def connect() -> duckdb.DuckDBPyConnection:
    """A DuckDB connection in UTC with bounded memory and threads."""
    con = duckdb.connect(
        ":memory:",
        config={
            "threads": DUCKDB_THREADS,
            "memory_limit": DUCKDB_MEMORY_LIMIT,
            "preserve_insertion_order": False,
        },
    )
    # A TIMESTAMPTZ is printed in the session's zone: a UTC month start must stay in its month.
    con.execute("SET TimeZone = 'UTC'")
    # Past 2 s DuckDB draws a progress bar on stdout: never into a command's JSON or CSV.
    con.execute("SET enable_progress_bar = false")
    return con


@contextmanager
def _plain_file(path: Path) -> Iterator[tuple[Path, str]]:
    """(a file DuckDB reads, "csv" or "parquet"); a gzip file is decompressed, bounded."""
    with open(path, "rb") as file:
        head = file.read(4)
    if not head:
        raise BillingError("The file is empty.")
    if head == b"PAR1":
        yield path, "parquet"
        return
    if head[:2] == b"\x1f\x8b":
        with tempfile.TemporaryDirectory(prefix="costcalc-bill-") as folder:
            plain = Path(folder) / "export.csv"
            _gunzip(path, plain)
            if plain.stat().st_size == 0:
                raise BillingError("The gzip file holds an empty file.")
            with open(plain, "rb") as file:
                if file.read(4) == b"PAR1":
                    raise BillingError("A Parquet file is read as it is, not gzip-compressed.")
            _check_text(plain)
            yield plain, "csv"
        return
    if head[:2] == b"PK":
        raise BillingError(
            "ZIP archives are not read: unzip the export and send its CSV (or gzip it)."
        )
    _check_text(path)
    yield path, "csv"


def _gunzip(source: Path, target: Path, limit: int | None = None) -> None:
    limit = MAX_UNCOMPRESSED_BYTES if limit is None else limit
    written = 0
    try:
        with gzip.open(source, "rb") as packed, open(target, "wb") as plain:
            while chunk := packed.read(CHUNK):
                written += len(chunk)
                if written > limit:
                    raise BillingError(
                        f"The gzip file decompresses to more than {limit:,} bytes, the most "
                        "costcalc reads: split the export, or aggregate it on Athena "
                        "(aggregate.sql) and send the result."
                    )
                plain.write(chunk)
    except (OSError, EOFError, zlib.error) as error:
        raise BillingError(f"The gzip file is damaged: {error}.") from None


def _check_text(path: Path) -> None:
    with open(path, "rb") as file:
        head = file.read(64 * 1024)
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # not just a character cut at the end of the sample
            raise BillingError(
                "This is not a CSV or Parquet file: costcalc reads a Cost and Usage Report or "
                "FOCUS export as CSV (UTF-8, optionally gzip-compressed) or Parquet."
            ) from None
    if b"\x00" in head:
        raise BillingError("This is not a CSV or Parquet file: it holds binary data.")


def _source(path: Path, kind: str) -> str:
    quoted = "'" + str(path).replace("'", "''") + "'"
    if kind == "parquet":
        return f"read_parquet({quoted})"
    # Every column as text: account ids keep their leading zeros, and a bad number is counted
    # by aggregate.sql rather than guessed at by the sniffer.
    return (
        f"read_csv({quoted}, header = true, all_varchar = true, delim = ',', quote = '\"', "
        "escape = '\"', compression = 'none')"
    )


def _aggregate(con: duckdb.DuckDBPyConnection, source: str, path: Path) -> Aggregate:
    try:
        columns = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()]
    except duckdb.Error as error:
        raise BillingError(
            f"The file could not be read as CSV or Parquet: {_first(error, path)}"
        ) from None
    fmt, view = _view(columns, source)
    try:
        con.execute(f"CREATE VIEW cur AS {view}")
        if fmt == AGGREGATE:
            rows = con.execute(
                "SELECT billing_period, account_id, region, product_code, usage_type, "
                "line_item_type, unit, currency, usage_amount, unblended_cost, "
                "public_on_demand_cost, line_items, outside_period_items, bad_numbers FROM cur"
            ).fetchall()
        else:
            rows = con.execute(AGGREGATE_SQL).fetchall()
    except duckdb.Error as error:
        raise BillingError(f"The file could not be read: {_first(error, path)}") from None
    return Aggregate(fmt, tuple(_bill_rows(rows)))


def _bill_rows(rows: list[tuple]) -> Iterator[BillRow]:
    bad = sum(row[13] or 0 for row in rows)
    if bad:
        raise BillingError(
            f"{bad:,} line item{'s have' if bad != 1 else ' has'} an amount that is not a number "
            "(usage amount, unblended cost or public on-demand cost): nothing was priced."
        )
    if not rows:
        raise BillingError("The file has a header but no line items.")
    for row in rows:
        if not row[0]:
            raise BillingError(
                "Some line items have no billing period start date: nothing was priced."
            )
        yield BillRow(
            billing_period=row[0],
            account_id=row[1],
            region=row[2],
            product_code=row[3],
            usage_type=row[4],
            line_item_type=row[5],
            unit=row[6],
            currency=row[7],
            usage_amount=row[8] if row[8] is not None else Decimal(0),
            unblended_cost=row[9] if row[9] is not None else Decimal(0),
            list_cost=row[10],
            line_items=int(row[11]),
            outside_period_items=int(row[12] or 0),
        )


def _view(columns: list[str], source: str) -> tuple[str, str]:
    """(format, the SELECT that gives the file CUR 2.0's names) from the file's header."""
    present = set(columns)
    if set(AGGREGATE_COLUMNS) <= present:
        return AGGREGATE, _aggregate_view(present, source)
    if "BilledCost" in present and "ChargeCategory" in present:
        fmt, table = FOCUS, FOCUS_COLUMNS
    elif any(name.startswith("lineItem/") for name in columns):
        fmt, table = CUR, LEGACY_COLUMNS
    elif "line_item_usage_account_id" in present or "line_item_line_item_type" in present:
        legacy = "product_region_code" not in present and "product_region" in present
        fmt, table = (CUR, LEGACY_SNAKE_COLUMNS) if legacy else (CUR2, None)
    else:
        raise BillingError(
            "This is not a Cost and Usage Report (CUR 2.0 or legacy) or a FOCUS export: its "
            "header has none of their columns (line_item_usage_account_id, "
            "lineItem/UsageAccountId or BilledCost and ChargeCategory)."
        )
    table = table or {name: name for name in CUR2_COLUMNS + OPTIONAL}
    selects, missing = [], []
    for target in (*CUR2_COLUMNS, *OPTIONAL):
        wanted = table[target]
        options = wanted if isinstance(wanted, tuple) else (wanted,)
        found = next((name for name in options if name in present), None)
        if found is None:
            if target in OPTIONAL:
                selects.append(f"NULL AS {target}")
                continue
            missing.append(" or ".join(options))
            continue
        expression = _quoted(found)
        if fmt == FOCUS and target == "line_item_line_item_type" and "ChargeClass" in present:
            # A correction of an earlier period is not this period's usage.
            expression = (
                f"CASE WHEN {_quoted('ChargeClass')} = 'Correction' THEN 'Correction' "
                f"ELSE {expression} END"
            )
        selects.append(f"{expression} AS {target}")
    if fmt == FOCUS:
        for name in ("ServiceName", "x_Operation"):
            if name not in present:
                missing.append(name)
    if missing:
        label = {CUR2: "CUR 2.0", CUR: "legacy CUR", FOCUS: "FOCUS"}[fmt]
        raise BillingError(
            f"This {label} export lacks the column{'s' if len(missing) != 1 else ''} "
            f"{', '.join(missing)}."
        )
    return fmt, f"SELECT {', '.join(selects)} FROM {source}"


def _aggregate_view(present: set[str], source: str) -> str:
    numbers = {"usage_amount", "unblended_cost", "public_on_demand_cost"}
    selects = []
    for name in AGGREGATE_COLUMNS + AGGREGATE_OPTIONAL:
        if name not in present:
            selects.append(f"0 AS {name}")
        elif name in numbers:
            selects.append(f"CAST(TRY_CAST({name} AS DOUBLE) AS DECIMAL(38, 12)) AS {name}")
        elif name in {"line_items", "outside_period_items", "bad_numbers"}:
            selects.append(f"COALESCE(TRY_CAST({name} AS BIGINT), 0) AS {name}")
        else:
            selects.append(f"COALESCE(CAST({name} AS VARCHAR), '') AS {name}")
    bad = " OR ".join(
        f"({name} IS NOT NULL AND TRY_CAST({name} AS DOUBLE) IS NULL)" for name in sorted(numbers)
    )
    # An aggregate file's own rows: its numbers are checked as an export's are.
    selects[-1] = f"CASE WHEN {bad} THEN 1 ELSE 0 END AS bad_numbers"
    return f"SELECT {', '.join(selects)} FROM {source}"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _first(error: Exception, path: Path) -> str:
    """DuckDB's first line, without the file's path (a temporary file's, for an upload)."""
    text = str(error).replace(f'file "{path}"', "the file").replace(f'"{path}"', "the file")
    text = text.replace(str(path), "the file")
    text = text.strip().splitlines()
    return (text[0] if text else type(error).__name__)[:300]
