"""CSV export: a pure writer over a file-like object, wrapped by a thin view.

Layout: summary rows (`field,value`), one empty row, then a header row and one row per cost
line. Money has two decimals, rounded half-up from the exact sums like every page shows it.
`unit_price` is the price of one `unit` (the book's "$0.03 per 10,000 requests" is 0.000003 per
request), so quantity × unit_price is the cost before free units and tiers; `formula` shows
the working. `region` is the line's Region; `accounts` and `regions` (space-separated) are the
card's, `pooled_quantity` is the quantity the tiers and free allowance were applied to across
the organisation at the rate's `pooling` level; `unverified` says what of the line no AWS source
confirms (`price`: a grade-E price; `pooling`: how AWS pools it). Text cells a spreadsheet would
run as a formula are neutralised with a leading `'`.
"""

from __future__ import annotations

import csv
from typing import TYPE_CHECKING, TextIO

from . import pricing

if TYPE_CHECKING:
    from .models import Estimate

COLUMNS = (
    "group",
    "service",
    "region",
    "usage_key",
    "description",
    "quantity",
    "unit",
    "unit_price",
    "monthly",
    "first_12_months",
    "formula",
    "accounts",
    "regions",
    "pooled_quantity",
    "pooling",
    "unverified",
)
# Leading characters that make Excel, LibreOffice or Google Sheets read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """A text cell no spreadsheet runs: `'=HYPERLINK(…)` for `=HYPERLINK(…)`."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def unit_price_cell(line: pricing.Line) -> str:
    return pricing.decimal_text(line.unit_price / line.per_units)


def unverified_cell(line: pricing.Line) -> str:
    """What of a line is not verified against an AWS source: `price`, `pooling`, both, or ""."""
    parts = ["price"] if line.unverified else []
    if line.pooling_unverified and line.share != 1:
        parts.append("pooling")
    return " ".join(parts)


def write_quote_csv(
    out: TextIO,
    quote: pricing.Quote,
    catalog: pricing.Catalog,
    *,
    name: str = "",
    description: str = "",
    extra_summary: tuple[tuple[str, str], ...] = (),
) -> None:
    """Write a quote as CSV (RFC 4180: minimal quoting, CRLF line endings) to `out`."""
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    summary = [
        ("name", neutralise(name)),
        ("description", neutralise(description)),
        *extra_summary,
        ("monthly", pricing.amount_text(quote.monthly_total)),
        ("upfront", pricing.amount_text(quote.upfront_total)),
        ("first_12_months", pricing.amount_text(quote.first_12_months_total)),
        ("currency", pricing.CURRENCY),
        ("price_book", neutralise(catalog.book_name)),
        ("price_book_date", catalog.effective_date),
        ("free_tier", "on" if quote.free_tier else "off"),
    ]
    writer.writerows(summary)
    writer.writerow([])
    writer.writerow(COLUMNS)
    for item_quote in quote.items:
        item = item_quote.item
        for line in item_quote.lines:
            writer.writerow(
                [
                    neutralise(item.group),
                    neutralise(item.service),
                    neutralise(line.region),
                    neutralise(line.usage_key),
                    neutralise(line.label),
                    pricing.decimal_text(line.quantity),
                    neutralise(line.unit),
                    unit_price_cell(line),
                    pricing.amount_text(line.monthly),
                    pricing.amount_text(line.first_12_months),
                    neutralise(line.formula),
                    str(item.accounts),
                    neutralise(" ".join(item.regions)),
                    pricing.decimal_text(line.pooled_quantity),
                    line.pooling,
                    unverified_cell(line),
                ]
            )


def write_estimate_csv(estimate: Estimate, out: TextIO) -> None:
    """Write a saved estimate, priced with its pinned book, as CSV to `out`."""
    write_quote_csv(
        out,
        estimate.quote(),
        estimate.price_book.catalog(),
        name=estimate.name,
        description=estimate.description,
        extra_summary=(
            ("id", str(estimate.public_id)),
            ("saved_at", estimate.created_at.isoformat()),
        ),
    )
