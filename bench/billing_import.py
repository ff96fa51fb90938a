"""Rows per second and peak memory of the billing importer on generated CUR 2.0 exports.

Run: .venv/bin/python bench/billing_import.py [--rows 1000000 5000000] [--format csv parquet]

For each size, DuckDB writes a CUR 2.0 CSV (and Parquet) of that many line items in a temporary
folder: 40 accounts, 4 Regions, the 2026-12 book's usage types plus EC2 lines, daily rows with
every column the importer reads and a few it does not. Each import then runs in a fresh Python
process (the whole path: header, aggregate.sql, mapping, cards, quote, reconciliation), which
reports its wall time and its peak resident memory (VmHWM), so that one run's memory does
not hide in another's. No database: the book is read from its file.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
USAGE_TYPES = [
    ("awskms", "us-east-1-KMS-Keys", "Keys"),
    ("awskms", "USE1-KMS-Requests", "Requests"),
    ("AWSSecretsManager", "USE1-AWSSecretsManager-Secrets", "Secrets"),
    ("AWSSecretsManager", "USE1-AWSSecretsManagerAPIRequest", "API Requests"),
    ("awswaf", "USE1-WebACLV2", "Month"),
    ("awswaf", "USE1-RequestV2-Tier1", "Requests"),
    ("AmazonGuardDuty", "USE1-PaidEventsAnalyzed", "Events"),
    ("AWSConfig", "USE1-ConfigurationItemRecorded", "ConfigurationItem"),
    ("AWSCloudTrail", "USE1-PaidEventsRecorded", "Events"),
    ("AmazonEC2", "BoxUsage:t3.micro", "Hrs"),
    ("AmazonS3", "Requests-Tier1", "Requests"),
    ("AmazonEC2", "DataTransfer-Out-Bytes", "GB"),
]
REGIONS = ["us-east-1", "us-east-2", "eu-west-1", "ap-southeast-1"]


def generate(rows: int, folder: Path) -> dict[str, Path]:
    """A CUR 2.0 CSV and Parquet of `rows` line items, written by DuckDB."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    types = ", ".join(f"('{p}', '{u}', '{unit}')" for p, u, unit in USAGE_TYPES)
    regions = ", ".join(f"'{r}'" for r in REGIONS)
    query = f"""
        WITH t(product, usage_type, unit) AS (VALUES {types}),
        tl AS (SELECT row_number() OVER () - 1 AS k, * FROM t)
        SELECT
          'arn-' || i AS identity_line_item_id,
          '2026-11-01T00:00:00Z' AS bill_billing_period_start_date,
          '2026-12-01T00:00:00Z' AS bill_billing_period_end_date,
          '999999999999' AS bill_payer_account_id,
          lpad(CAST(100000000000 + i % 40 AS VARCHAR), 12, '0') AS line_item_usage_account_id,
          CASE WHEN i % 50 = 0 THEN 'Tax' ELSE 'Usage' END AS line_item_line_item_type,
          '2026-11-' || lpad(CAST(1 + i % 30 AS VARCHAR), 2, '0') || 'T00:00:00Z'
            AS line_item_usage_start_date,
          tl.product AS line_item_product_code,
          tl.usage_type AS line_item_usage_type,
          'Op' AS line_item_operation,
          CAST(round(random() * 100, 6) AS VARCHAR) AS line_item_usage_amount,
          'USD' AS line_item_currency_code,
          CAST(round(random(), 8) AS VARCHAR) AS line_item_unblended_cost,
          CAST(round(random(), 8) AS VARCHAR) AS pricing_public_on_demand_cost,
          tl.unit AS pricing_unit,
          ([{regions}])[1 + (i // 40) % {len(REGIONS)}] AS product_region_code,
          'a description of the line item' AS line_item_line_item_description
        FROM range({rows}) r(i) JOIN tl ON tl.k = i % {len(USAGE_TYPES)}
    """
    paths = {"csv": folder / f"cur2-{rows}.csv", "parquet": folder / f"cur2-{rows}.parquet"}
    con.execute(f"COPY ({query}) TO '{paths['csv']}' (HEADER, DELIMITER ',')")
    con.execute(
        f"COPY (SELECT * FROM read_csv('{paths['csv']}', all_varchar = true)) "
        f"TO '{paths['parquet']}' (FORMAT parquet)"
    )
    con.close()
    return paths


CHILD = """
import json, sys, time
sys.path.insert(0, {root!r})
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "costcalc.settings")
os.environ.setdefault("DEBUG", "1")
django.setup()
from estimates.importers import billing
from estimates.prices.book_file import PRICE_BOOKS, catalog_from_book, read_price_book
book = read_price_book(PRICE_BOOKS / "aws-2026-12.json")
catalog = catalog_from_book(book)
mapping = billing.MappingTable.from_book_data(catalog, book)
def high_water_kb():
    # VmHWM is this process's own peak; ru_maxrss would carry the parent's over exec.
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
before = high_water_kb()
start = time.perf_counter()
result = billing.import_export({path!r}, catalog, mapping)
seconds = time.perf_counter() - start
peak = high_water_kb()
print(json.dumps({{"seconds": seconds, "peak_kb": peak, "baseline_kb": before,
                  "cards": len(result.result.items), "total": str(result.quote.monthly_total)}}))
"""


def measure(path: Path) -> dict:
    code = CHILD.format(root=str(ROOT), path=str(path))
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 5_000_000])
    parser.add_argument("--format", nargs="+", default=["csv", "parquet"])
    args = parser.parse_args()
    print(f"duckdb {duckdb.__version__}, {os.cpu_count()} CPUs, threads capped at 2")
    print(f"{'rows':>10}  {'format':<8}{'size MB':>9}{'seconds':>9}{'rows/s':>12}{'peak MB':>9}")
    with tempfile.TemporaryDirectory(prefix="costcalc-bench-") as folder:
        for rows in args.rows:
            started = time.perf_counter()
            paths = generate(rows, Path(folder))
            generated = time.perf_counter() - started
            for fmt in args.format:
                path = paths[fmt]
                figures = measure(path)
                size = path.stat().st_size / 1024 / 1024
                rate = rows / figures["seconds"]
                peak = figures["peak_kb"] / 1024
                print(
                    f"{rows:>10,}  {fmt:<8}{size:>9.0f}{figures['seconds']:>9.2f}"
                    f"{rate:>12,.0f}{peak:>9.0f}"
                    f"   (baseline {figures['baseline_kb'] / 1024:.0f} MB before the import; "
                    f"{figures['cards']} cards, ${figures['total']})"
                )
            print(f"{'':>10}  (generated in {generated:.1f} s)")
            for path in paths.values():
                path.unlink()


if __name__ == "__main__":
    main()
