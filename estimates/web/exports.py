"""CSV export: a pure writer over a file-like object, wrapped by a thin view.

Layout: summary rows (`field,value`), one empty row, then a header row and one row per cost
line. A saved estimate adds its projection after that, each part after an empty row: its
settings and total (`field,value`), a `month,monthly,upfront,total` table, and a table of the
commitments (header only when there are none). A reader of the lines stops at the empty row.
Money has two decimals, as every page shows it: the totals are the exact sums rounded half-up,
and their cents are shared to the lines by largest remainder, so the `monthly` and
`first_12_months` columns add up to the summary's totals. `free_quantity`,
`billable_quantity`, `unit_price` and `per_units` are the formula's: (quantity −
free_quantity) ÷ per_units × unit_price, with the book's "$0.03 per 10,000 requests" as
unit_price 0.03 and per_units 10000 (a tiered line names its first band's price; `formula`
shows every band). `waived` is why a fee is $0 (empty when it is not). `region` is the line's
Region; `accounts` and `regions` (space-separated) are the card's, `pooled_quantity` is the
quantity the tiers and free allowance were applied to across the organisation at the rate's
`pooling` level; `unverified` says what of the line no AWS source confirms (`price`: a grade-E
price; `pooling`: how AWS pools it). `notes` are the card's notes, on each of its lines. Text
cells a spreadsheet would run as a formula are neutralised with a leading `'`.

With terms (an organisation's discounts, private rates, credits, tax and currency), list figures
stay in USD as above and net figures are added: summary rows `net_currency`, `net_monthly_subtotal`,
`net_credits`, `net_tax`, `net_monthly`, `net_upfront`, `net_first_12_months` and `terms` (as
the API takes them, JSON), three more line columns `net_monthly`, `net_currency` and
`terms_applied`, and a `net_total` column in the month table. Net cells add up to the cent.
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from typing import TYPE_CHECKING, TextIO

from estimates import pricing
from estimates.pricing import compare, projection
from estimates.pricing import terms as _terms

if TYPE_CHECKING:
    from estimates.models import Estimate

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
    "free_quantity",
    "billable_quantity",
    "per_units",
    "waived",
    "notes",
)
NET_COLUMNS = ("net_monthly", "net_currency", "terms_applied")
MONTH_COLUMNS = ("month", "monthly", "upfront", "total")
COMMITMENT_COLUMNS = (
    "service",
    "region",
    "group",
    "usage_key",
    "description",
    "first_month",
    "last_month",
    "monthly",
    "committed_total",
)
COMPARISON_SUMMARY_COLUMNS = ("field", "a", "b", "delta")
COMPARISON_COLUMNS = (
    "status",
    "service",
    "region",
    "group",
    "usage_key",
    "description",
    "a_monthly",
    "b_monthly",
    "delta",
    "percent",
    "a_upfront",
    "b_upfront",
    "upfront_delta",
    "price_effect",
    "usage_effect",
)
# Leading characters that make Excel, LibreOffice or Google Sheets read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """A text cell no spreadsheet runs: `'=HYPERLINK(…)` for `=HYPERLINK(…)`."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def unverified_cell(line: pricing.Line) -> str:
    """What of a line is not verified against an AWS source: `price`, `pooling`, both, or ""."""
    parts = ["price"] if line.unverified else []
    if line.pooling_unverified and line.share != 1:
        parts.append("pooling")
    return " ".join(parts)


def _writer(out: TextIO):
    """RFC 4180: minimal quoting, CRLF line endings."""
    return csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")


def write_quote_csv(
    out: TextIO,
    quote: pricing.Quote,
    catalog: pricing.Catalog,
    *,
    name: str = "",
    description: str = "",
    extra_summary: tuple[tuple[str, str], ...] = (),
    projected: projection.ProjectionResult | None = None,
    net: _terms.NetQuote | None = None,
    notes: tuple[str, ...] = (),
) -> None:
    """Write a quote, its net figures and its projection when given, as CSV to `out`;
    `notes` are the cards' notes, in order."""
    if net is not None and net.terms.is_list:
        net = None
    shown = _terms.shown(net) if net is not None else None
    writer = _writer(out)
    summary = [
        ("name", neutralise(name)),
        ("description", neutralise(description)),
        *extra_summary,
        ("monthly", pricing.amount_text(quote.shown_monthly_total)),
        ("upfront", pricing.amount_text(quote.shown_upfront_total)),
        ("first_12_months", pricing.amount_text(quote.shown_first_12_months_total)),
        ("currency", pricing.CURRENCY),
        ("price_book", neutralise(catalog.book_name)),
        ("price_book_date", catalog.effective_date),
        ("free_tier", "on" if quote.free_tier else "off"),
    ]
    if net is not None:
        summary += [
            ("net_currency", net.currency),
            ("net_monthly_subtotal", pricing.amount_text(shown.monthly_subtotal)),
            ("net_credits", pricing.amount_text(shown.credits)),
            ("net_tax", pricing.amount_text(shown.tax)),
            ("net_monthly", pricing.amount_text(shown.monthly_total)),
            ("net_upfront", pricing.amount_text(net.upfront_total)),
            ("net_first_12_months", pricing.amount_text(net.first_12_months_total)),
            ("terms", neutralise(json.dumps(_terms.terms_as_json(net.terms), sort_keys=True))),
        ]
    writer.writerows(summary)
    writer.writerow([])
    writer.writerow(COLUMNS + (NET_COLUMNS if net is not None else ()))
    for index, item_quote in enumerate(quote.items):
        item = item_quote.item
        for line_index, line in enumerate(item_quote.lines):
            net_cells = []
            if net is not None:
                net_line = net.items[index].lines[line_index]
                net_cells = [
                    pricing.amount_text(shown.lines_monthly[index][line_index]),
                    net.currency,
                    neutralise(_applied_cell(net_line)),
                ]
            writer.writerow(
                [
                    neutralise(item.group),
                    neutralise(item.service),
                    neutralise(line.region),
                    neutralise(line.usage_key),
                    neutralise(line.label),
                    pricing.decimal_text(line.quantity),
                    neutralise(line.unit),
                    pricing.price_amount(line.unit_price),
                    pricing.amount_text(line.shown_monthly),
                    pricing.amount_text(line.shown_first_12_months),
                    neutralise(line.formula),
                    str(item.accounts),
                    neutralise(" ".join(item.regions)),
                    pricing.decimal_text(line.pooled_quantity),
                    line.pooling,
                    unverified_cell(line),
                    pricing.decimal_text(line.free_quantity),
                    pricing.decimal_text(line.billable_quantity),
                    pricing.decimal_text(line.per_units),
                    neutralise(line.waived),
                    neutralise(notes[index] if index < len(notes) else ""),
                    *net_cells,
                ]
            )
    if projected is not None:
        write_projection_rows(writer, projected)


def _applied_cell(net_line: _terms.NetLine) -> str:
    """`discount 20`, `override 0.50`, or "" when the terms left the line at list price."""
    if net_line.override is not None:
        return f"override {pricing.decimal_text(net_line.override.unit_price)}"
    if net_line.discount_percent:
        return f"discount {pricing.decimal_text(net_line.discount_percent)}"
    return ""


def write_projection_rows(writer, projected: projection.ProjectionResult) -> None:
    """The projection's three parts, each after an empty row."""
    plan = projected.projection
    writer.writerow([])
    writer.writerows(
        [
            ("projection_months", str(plan.months)),
            ("monthly_growth_percent", pricing.decimal_text(plan.monthly_growth_percent)),
            ("projection_total", pricing.amount_text(projected.total)),
        ]
    )
    if projected.net_months:
        writer.writerow(("net_projection_total", pricing.amount_text(projected.net_total)))
    writer.writerow([])
    writer.writerow(MONTH_COLUMNS + (("net_total",) if projected.net_months else ()))
    # The months as shown, so that each column adds up to its total in a spreadsheet.
    net_totals = projected.shown_net_monthly_totals or (None,) * len(projected.months)
    for month, net_total in zip(projected.shown_months, net_totals, strict=True):
        writer.writerow(
            [
                str(month.month),
                pricing.amount_text(month.monthly),
                pricing.amount_text(month.upfront),
                pricing.amount_text(month.total),
                *([pricing.amount_text(net_total)] if net_total is not None else []),
            ]
        )
    writer.writerow([])
    writer.writerow(COMMITMENT_COLUMNS)
    for commitment in projected.commitments:
        writer.writerow(
            [
                neutralise(commitment.service),
                neutralise(commitment.region),
                neutralise(commitment.group),
                neutralise(commitment.usage_key),
                neutralise(commitment.label),
                str(commitment.first_month),
                str(commitment.last_month),
                pricing.amount_text(commitment.monthly),
                pricing.amount_text(commitment.committed_total),
            ]
        )


def write_estimate_csv(estimate: Estimate, out: TextIO) -> None:
    """Write a saved estimate, priced with its pinned book, and its projection as CSV to `out`."""
    write_quote_csv(
        out,
        estimate.quote(),
        estimate.price_book.catalog(),
        name=estimate.name,
        description=estimate.description,
        extra_summary=(
            ("id", str(estimate.public_id)),
            ("saved_at", estimate.created_at.isoformat()),
            *_unpriced_rows(estimate),
        ),
        projected=estimate.project(),
        net=estimate.net_quote(),
        notes=estimate.item_notes(),
    )


def _unpriced_rows(estimate: Estimate) -> tuple[tuple[str, str], ...]:
    """What its import left unpriced, which the totals leave out: how many, and which."""
    unpriced = estimate.unpriced_resources
    if not unpriced:
        return ()
    return (
        ("unpriced_resources", str(len(unpriced))),
        ("unpriced_addresses", neutralise("; ".join(entry.address for entry in unpriced))),
    )


def _optional_amount(amount: Decimal | None) -> str:
    return "" if amount is None else pricing.amount_text(amount)


def write_comparison_csv(
    out: TextIO, a: Estimate, b: Estimate, comparison: compare.EstimateComparison
) -> None:
    """Write estimate A against B as CSV to `out`: both sides and the change (B − A), what the
    change owes to prices and to usage (and, with terms, net: to terms and to usage), then one
    row per line that differs.

    Layout: `field,a,b,delta` rows, an empty row, `field,value` rows, an empty row, then the
    line table. The unchanged lines are counted, not listed.
    """
    writer = _writer(out)
    sides = ((a, comparison.a), (b, comparison.b))
    writer.writerow(COMPARISON_SUMMARY_COLUMNS)
    for field, cell in (
        ("name", lambda estimate, _: neutralise(estimate.name)),
        ("id", lambda estimate, _: str(estimate.public_id)),
        ("price_book", lambda estimate, _: neutralise(estimate.price_book.name)),
        ("price_book_date", lambda estimate, _: estimate.price_book.effective_date.isoformat()),
        ("free_tier", lambda _, priced: "on" if priced.free_tier else "off"),
    ):
        writer.writerow([field, *(cell(estimate, priced) for estimate, priced in sides), ""])
    for field, total, delta in (
        ("monthly", "shown_monthly_total", comparison.shown_monthly_delta),
        ("upfront", "shown_upfront_total", comparison.shown_upfront_delta),
        ("first_12_months", "shown_first_12_months_total", comparison.shown_first_12_months_delta),
    ):
        amounts = (pricing.amount_text(getattr(priced, total)) for _, priced in sides)
        writer.writerow([field, *amounts, pricing.amount_text(delta)])
    # The saved projections: compared over the same horizon, side by side (no delta) otherwise.
    projections = a.compare_projection_to(b)
    writer.writerow(
        [
            "projection_months",
            str(projections.a.projection.months),
            str(projections.b.projection.months),
            "",
        ]
    )
    writer.writerow(
        [
            "projection_total",
            pricing.amount_text(projections.a_total),
            pricing.amount_text(projections.b_total),
            _optional_amount(projections.delta),
        ]
    )
    price, usage = comparison.shown_price_effect, comparison.shown_usage_effect
    writer.writerow([])
    writer.writerows(
        [
            ("currency", pricing.CURRENCY),
            ("same_price_book", "yes" if comparison.same_price_book else "no"),
            ("price_effect_monthly", _optional_amount(price and price.monthly)),
            ("usage_effect_monthly", _optional_amount(usage and usage.monthly)),
            ("price_effect_upfront", _optional_amount(price and price.upfront)),
            ("usage_effect_upfront", _optional_amount(usage and usage.upfront)),
            (
                "no_split_because",
                neutralise("; ".join(error.message for error in comparison.split_errors)),
            ),
            ("unchanged_lines", str(len(comparison.unchanged))),
        ]
    )
    net = a.compare_net_to(b)
    if net is not None:
        writer.writerows(
            [
                ("net_currency_a", net.a.currency),
                ("net_currency_b", net.b.currency),
                ("net_monthly_a", pricing.amount_text(net.a.monthly_total())),
                ("net_monthly_b", pricing.amount_text(net.b.monthly_total())),
                ("net_monthly_delta", _optional_amount(net.monthly_delta)),
                ("net_terms_effect", _optional_amount(net.terms_effect)),
                ("net_usage_effect", _optional_amount(net.usage_effect)),
                ("net_no_split_because", neutralise(net.no_split_because)),
            ]
        )
    writer.writerow([])
    writer.writerow(COMPARISON_COLUMNS)
    for line in comparison.lines:
        writer.writerow(
            [
                line.status,
                neutralise(line.service),
                neutralise(line.region),
                neutralise(line.group),
                neutralise(line.usage_key),
                neutralise(line.label),
                pricing.amount_text(line.a_shown_monthly),
                pricing.amount_text(line.b_shown_monthly),
                pricing.amount_text(line.shown_delta),
                pricing.percent_amount(line.percent) or "",
                pricing.amount_text(line.a_shown_upfront),
                pricing.amount_text(line.b_shown_upfront),
                pricing.amount_text(line.shown_upfront_delta),
                _optional_amount(line.shown_price_effect),
                _optional_amount(line.shown_usage_effect),
            ]
        )
