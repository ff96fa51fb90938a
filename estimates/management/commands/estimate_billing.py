"""`estimate_billing FILE`: a Cost and Usage Report or FOCUS export as an estimate, reconciled.

Exit status: 0 when the estimate is printed, 2 when the file cannot be read or priced (the
reason on stderr). Nothing is printed as an estimate unless the whole file was read.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from estimates import pricing
from estimates.api import payloads
from estimates.importers import billing
from estimates.web import exports

from ...models import Estimate, PriceBook

FORMATS = ("table", "json", "csv")
CANNOT_ESTIMATE = 2


class Command(BaseCommand):
    help = (
        "Read a billing export (CUR 2.0, legacy CUR or FOCUS; CSV, gzip CSV or Parquet; or the "
        "output of aggregate.sql), price one billing period with the current price book and "
        "print the estimate with its reconciliation. Exit 2 when the file cannot be read."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="The export")
        parser.add_argument(
            "--billing-period", metavar="YYYY-MM", help="Default: the latest in the file"
        )
        parser.add_argument(
            "--group-by",
            choices=billing.GROUP_BY,
            default=billing.BY_SERVICE,
            help="Default: service",
        )
        parser.add_argument("--format", choices=FORMATS, default="table", help="Default: table")
        parser.add_argument(
            "--price-book", type=int, metavar="ID", help="Default: the current book"
        )
        parser.add_argument("--save", action="store_true", help="Save it and print its link")
        parser.add_argument("--name", help='The saved name (default: "Bill YYYY-MM FILE")')

    def handle(self, *args, file: str, **options) -> None:
        book = self.book(options["price_book"])
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file.", returncode=CANNOT_ESTIMATE)
        try:
            imported = book.import_billing(
                path, billing_period=options["billing_period"], group_by=options["group_by"]
            )
        except billing.BillingError as error:
            raise CommandError(f"{file}: {error}", returncode=CANNOT_ESTIMATE) from None
        except OSError as error:
            raise CommandError(
                f"{file}: cannot read it: {error.strerror or error}.", returncode=CANNOT_ESTIMATE
            ) from None
        catalog = book.catalog()
        name = options["name"] or f"Bill {imported.billing_period} {path.name}"
        out = io.StringIO()
        if options["format"] == "json":
            json.dump(payloads.billing_import_as_json(catalog, imported), out, indent=2)
            out.write("\n")
        elif options["format"] == "csv":
            write_csv(out, catalog, imported, name, path.name)
        else:
            write_table(out, path.name, catalog, imported)
        self.stdout.write(out.getvalue(), ending="")
        if options["save"]:
            self.save(book, name, imported, options["format"])

    def book(self, book_id: int | None) -> PriceBook:
        if book_id is None:
            book = PriceBook.objects.current()
            if book is None:
                raise CommandError(
                    "No price book is published yet: run manage.py migrate.",
                    returncode=CANNOT_ESTIMATE,
                )
            return book
        book = PriceBook.objects.published_book(book_id)
        if book is None:
            raise CommandError(
                f"No published price book has the id {book_id}.", returncode=CANNOT_ESTIMATE
            )
        return book

    def save(self, book: PriceBook, name: str, imported: billing.BillingImport, fmt: str) -> None:
        items = [item.as_item() for item in imported.result.items]
        try:
            estimate = Estimate.objects.create_from_items(
                name=name[: Estimate.max_length("name")],
                description=f"From the bill for {imported.billing_period}.",
                price_book=book,
                items=items,
                # Each card's notes list its account ids.
                notes=tuple(item.notes for item in imported.result.items),
            )
        except pricing.PricingError as error:
            raise CommandError(f"Not saved: {error}", returncode=CANNOT_ESTIMATE) from None
        stream = self.stdout if fmt == "table" else self.stderr
        stream.write(f"Saved: {estimate.get_absolute_url()}")


def _text(value) -> str:
    return "" if value is None else pricing.decimal_text(value)


def write_csv(
    out: TextIO, catalog: pricing.Catalog, imported: billing.BillingImport, name: str, file: str
) -> None:
    """The quote's CSV export, an empty row, then the reconciliation, one row per line."""
    totals = imported.reconciliation.totals
    exports.write_quote_csv(
        out,
        imported.quote,
        catalog,
        name=name,
        extra_summary=(
            ("file", exports.neutralise(file)),
            ("format", imported.format),
            ("billing_period", imported.billing_period),
            ("bill_total", _text(totals.bill)),
            ("adjustments", _text(totals.adjustments)),
            ("unmapped", _text(totals.unmapped)),
            ("other_services", _text(totals.other_services)),
        ),
        notes=tuple(item.notes for item in imported.result.items),
    )
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([])
    writer.writerow(
        ["service", "usage_type", "region", "quantity", "unit", "billed_cost", "list_cost"]
        + ["costcalc_monthly", "variance", "flagged", "reason"]
    )
    for line in imported.reconciliation.lines:
        writer.writerow(
            [
                line.service,
                exports.neutralise(line.usage_type),
                line.region,
                _text(line.quantity),
                exports.neutralise(line.unit),
                _text(line.billed_cost),
                _text(line.list_cost),
                _text(line.costcalc_monthly),
                _text(line.variance),
                "yes" if line.flagged else "",
                line.reason,
            ]
        )


def _aligned(out: TextIO, rows: list[list[str]], right: set[int]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        out.write("  " + "  ".join(cells).rstrip() + "\n")


def write_table(
    out: TextIO, file: str, catalog: pricing.Catalog, imported: billing.BillingImport
) -> None:
    """Cards and lines, totals, then the reconciliation, unmapped usage, adjustments, others."""
    quote = imported.quote
    reconciliation = imported.reconciliation
    out.write(f"Bill {file}: {imported.format}, billing period {imported.billing_period}\n")
    out.write(f"Priced with {catalog.book_name} ({catalog.effective_date}), free tier on, ")
    out.write(f"{pricing.CURRENCY} a month\n\n")
    rows = []
    for item_quote in quote.items:
        item = item_quote.item
        where = " · ".join(filter(None, [item.region, item.group]))
        rows.append(
            [f"{item_quote.service_name} · {where} {item.multiplier}".rstrip(), ""]
            + [pricing.money(item_quote.monthly)]
        )
        rows += [
            [f"  {line.label}: {line.formula}", "", pricing.money(line.monthly)]
            for line in item_quote.lines
        ]
    rows.append(["Monthly total", "", pricing.money(quote.monthly_total)])
    _aligned(out, rows, {2})
    out.write("\nReconciliation (variance = costcalc − list; * above 1%)\n")
    lines = [["service", "usage type", "Region", "quantity", "billed", "list", "costcalc"]]
    lines[0] += ["variance", "", "likely reason"]
    for line in reconciliation.lines:
        lines.append(
            [
                line.service,
                line.usage_type,
                line.region,
                f"{_text(line.quantity)} {line.unit}".strip(),
                _text(line.billed_cost),
                _text(line.list_cost) or "-",
                _text(line.costcalc_monthly),
                _text(line.variance) or "-",
                "*" if line.flagged else "",
                line.reason,
            ]
        )
    _aligned(out, lines, {3, 4, 5, 6, 7})
    if reconciliation.unmapped:
        out.write(f"\nUnmapped ({len(reconciliation.unmapped)}): usage no rate prices\n")
        _aligned(
            out,
            [
                [
                    u.product_code,
                    u.usage_type,
                    u.region,
                    str(u.rows),
                    _text(u.billed_cost),
                    u.reason,
                ]
                for u in reconciliation.unmapped
            ],
            {3, 4},
        )
    if reconciliation.adjustments:
        out.write(f"\nAdjustments ({len(reconciliation.adjustments)}): not usage\n")
        _aligned(
            out,
            [
                [a.line_item_type, a.product_code, str(a.rows), _text(a.billed_cost)]
                for a in reconciliation.adjustments
            ],
            {2, 3},
        )
    other = reconciliation.other_services
    out.write(
        f"\nOther services: {other.rows} line items, {_text(other.billed_cost)} "
        f"({', '.join(other.product_codes) or 'none'})\n"
    )
    totals = reconciliation.totals
    out.write("\nTotals\n")
    _aligned(
        out,
        [
            ["billed", _text(totals.billed)],
            ["list", _text(totals.list) or "-"],
            ["costcalc", _text(totals.costcalc)],
            ["adjustments", _text(totals.adjustments)],
            ["unmapped", _text(totals.unmapped)],
            ["other services", _text(totals.other_services)],
            ["the whole bill", _text(totals.bill)],
        ],
        {1},
    )
    if imported.result.needs_usage:
        out.write(f"\nNot in the bill ({len(imported.result.needs_usage)}): left at 0\n")
        for need in imported.result.needs_usage:
            out.write(f"  {need.address}: {need.usage_key}\n")
    if imported.result.warnings:
        out.write(f"\nWarnings ({len(imported.result.warnings)})\n")
        for warning in imported.result.warnings:
            out.write(f"  - {warning}\n")
