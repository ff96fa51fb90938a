"""Billing exports to estimate items: a Cost and Usage Report (CUR 2.0 or legacy) or a FOCUS
export, as CSV, gzip CSV or Parquet, read by DuckDB and reconciled with a price book.

reading.py detects the format from the header and runs aggregate.sql (the one SQL file, which
runs unchanged on Athena/Trino too) over the file; mapping.py is the mapping table (the book's
`aws_offer_code` and `aws_usage_type`) and turns the aggregate into cards, their quote and the
reconciliation. May import estimates.importers.base, estimates.prices and estimates.pricing;
nothing with Django. Column definitions and their sources: tests/data/billing/README.md.
"""

from __future__ import annotations

import os

from estimates import pricing
from estimates.importers.billing.mapping import (
    BY_ACCOUNT,
    BY_SERVICE,
    GROUP_BY,
    BillingImport,
    MappingTable,
    Reconciliation,
    check_options,
    check_period,
    import_bill,
)
from estimates.importers.billing.reading import (
    AGGREGATE,
    AGGREGATE_SQL,
    CUR,
    CUR2,
    FOCUS,
    MAX_UPLOAD_BYTES,
    SQL_PATH,
    Aggregate,
    BillingError,
    read_export,
    too_big,
)


def import_export(
    path: str | os.PathLike,
    catalog: pricing.Catalog,
    mapping: MappingTable,
    *,
    billing_period: str | None = None,
    group_by: str = BY_SERVICE,
    group_length: int = 100,
) -> BillingImport:
    """The file at `path` as cards priced with `catalog`; BillingError when it cannot be read."""
    check_options(billing_period, group_by)  # before the file is read: it may be large
    return import_bill(
        read_export(path),
        catalog,
        mapping,
        billing_period=billing_period,
        group_by=group_by,
        group_length=group_length,
    )


__all__ = [
    "AGGREGATE",
    "AGGREGATE_SQL",
    "BY_ACCOUNT",
    "BY_SERVICE",
    "CUR",
    "CUR2",
    "FOCUS",
    "GROUP_BY",
    "MAX_UPLOAD_BYTES",
    "SQL_PATH",
    "Aggregate",
    "BillingError",
    "BillingImport",
    "MappingTable",
    "Reconciliation",
    "check_period",
    "import_export",
    "read_export",
    "too_big",
]
