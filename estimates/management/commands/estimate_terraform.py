"""`estimate_terraform PLAN.json`: price a Terraform plan with the current book, for CI.

Exit status: 0 when the estimate is printed (and within `--max-monthly`), 1 when the monthly
total exceeds `--max-monthly`, 2 when the plan or usage file cannot be read or priced.
"""

from __future__ import annotations

import io
import json
import sys
from argparse import ArgumentTypeError
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from estimates import pricing
from estimates.api import payloads
from estimates.importers import terraform
from estimates.web import exports

from ...models import Estimate, PriceBook

FORMATS = ("table", "json", "csv")
OVER_BUDGET = 1
CANNOT_ESTIMATE = 2


def budget(text: str) -> Decimal:
    """`--max-monthly 500`: US dollars a month, an exact decimal, 0 or more."""
    try:
        value = Decimal(text.strip().removeprefix("$").replace(",", ""))
    except InvalidOperation:
        raise ArgumentTypeError(f"{text!r} is not an amount of dollars, such as 500") from None
    if not value.is_finite() or value < 0:
        raise ArgumentTypeError(f"{text!r} is not an amount of dollars, such as 500")
    return value


class Command(BaseCommand):
    help = (
        "Price a Terraform JSON plan (terraform show -json plan.out) with the current price book "
        "and print the estimate. With --max-monthly, exit 1 when the monthly total exceeds it: a "
        "budget guardrail for CI. Exit 2 when the plan cannot be read."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("plan", metavar="PLAN.json", help="The plan's JSON, or - for stdin")
        parser.add_argument("--usage", metavar="FILE", help="A usage file, JSON or YAML")
        parser.add_argument("--format", choices=FORMATS, default="table", help="Default: table")
        parser.add_argument(
            "--max-monthly",
            type=budget,
            metavar="USD",
            help="Exit 1 when the monthly total, in dollars, is above this",
        )
        parser.add_argument("--save", action="store_true", help="Save it and print its link")
        parser.add_argument("--name", help='The saved name (default: "Terraform plan PLAN.json")')

    def handle(self, *args, plan: str, usage: str | None, **options) -> None:
        book = PriceBook.objects.current()
        if book is None:
            raise CommandError("No price book is published yet: run manage.py migrate.", 2)
        plan_name = "stdin" if plan == "-" else Path(plan).name
        try:
            raw_usage = read_file(usage, terraform.MAX_USAGE_BYTES, "usage file") if usage else None
            result = book.import_terraform(
                read_file(plan, terraform.MAX_PLAN_BYTES, "plan"), raw_usage
            )
        except terraform.PlanError as error:
            path = usage if error.field == "usage" else plan
            raise CommandError(f"{path}: {error}", returncode=CANNOT_ESTIMATE) from None
        catalog = book.catalog()
        quote = pricing.price_items(catalog, [item.as_item() for item in result.items])
        name = options["name"] or f"Terraform plan {plan_name}"
        out = io.StringIO()
        if options["format"] == "json":
            json.dump(payloads.import_as_json(catalog, result, quote), out, indent=2)
            out.write("\n")
        elif options["format"] == "csv":
            exports.write_quote_csv(
                out,
                quote,
                catalog,
                name=name,
                extra_summary=(
                    ("plan", exports.neutralise(plan_name)),
                    ("needs_usage", str(len(result.needs_usage))),
                    ("unpriced", str(len(result.unpriced))),
                ),
            )
        else:
            write_table(out, plan_name, catalog, result, quote)
        self.stdout.write(out.getvalue(), ending="")
        if options["save"]:
            self.save(book, name, result, options["format"])
        self.check_budget(quote, options["max_monthly"])

    def save(self, book: PriceBook, name: str, result: terraform.ImportResult, format: str) -> None:
        try:
            estimate = Estimate.objects.create_from_items(
                name=name, price_book=book, items=[item.as_item() for item in result.items]
            )
        except pricing.PricingError as error:
            raise CommandError(f"Not saved: {error}", returncode=CANNOT_ESTIMATE) from None
        # stdout stays one JSON document or one CSV file; the table has room for the link.
        stream = self.stdout if format == "table" else self.stderr
        stream.write(f"Saved: {estimate.get_absolute_url()}")

    def check_budget(self, quote: pricing.Quote, limit: Decimal | None) -> None:
        """Exit 1 when the monthly total, to the cent as shown, is above the budget."""
        if limit is None:
            return
        total = pricing.cents(quote.monthly_total)
        if total > limit:
            self.stderr.write(
                f"Monthly total {pricing.money(total)} exceeds the budget of {pricing.money(limit)}"
            )
            sys.exit(OVER_BUDGET)
        self.stderr.write(
            f"Monthly total {pricing.money(total)} is within the budget of {pricing.money(limit)}"
        )


def read_file(path: str, limit: int, what: str) -> bytes:
    """A file's bytes, or standard input's for `-`; PlanError past `limit` or when unreadable."""
    error_type = terraform.UsageError if what == "usage file" else terraform.PlanError
    try:
        if path == "-":
            raw = sys.stdin.buffer.read(limit + 1)
            size = len(raw)
        else:
            file = Path(path)
            size = file.stat().st_size
            raw = b"" if size > limit else file.read_bytes()
    except OSError as error:
        raise error_type(f"cannot read the {what}: {error.strerror or error}.") from None
    message = terraform.too_big(size, limit, what)
    if message:
        raise error_type(message)
    return raw


def write_table(
    out: TextIO,
    plan_name: str,
    catalog: pricing.Catalog,
    result: terraform.ImportResult,
    quote: pricing.Quote,
) -> None:
    """The estimate as aligned plain text: each card and its lines, the totals, then the usage
    the plan still needs, what is not priced, and the warnings."""
    rows: list[tuple[str, str]] = []
    for item_quote in quote.items:
        item = item_quote.item
        where = " · ".join(filter(None, [item.region, item.group]))
        heading = f"{item_quote.service_name} · {where} {item.multiplier}".rstrip()
        rows.append((heading, pricing.money(item_quote.shown_monthly)))
        rows += [
            (f"  {line.label}: {line.formula}", pricing.money(line.shown_monthly))
            for line in item_quote.lines
        ]
        if not item_quote.lines:
            rows.append(("  (no usage yet)", ""))
    totals = [
        ("Monthly total", pricing.money(quote.shown_monthly_total)),
        ("Upfront total", pricing.money(quote.shown_upfront_total)),
        ("First 12 months", pricing.money(quote.shown_first_12_months_total)),
    ]
    width = max(len(left) for left, _ in [*rows, *totals]) + 2
    money_width = max(len(right) for _, right in [*rows, *totals])
    free_tier = "on" if quote.free_tier else "off"
    out.write(f"Terraform plan {plan_name}\n")
    out.write(
        f"Priced with {catalog.book_name} ({catalog.effective_date}), free tier {free_tier}, "
    )
    out.write(f"{pricing.CURRENCY} a month\n\n")
    for left, right in rows:
        out.write(f"{left:<{width}}{right:>{money_width}}".rstrip() + "\n")
    out.write("\n")
    for left, right in totals:
        out.write(f"{left:<{width}}{right:>{money_width}}\n")
    if result.needs_usage:
        out.write(f"\nNeeds usage ({len(result.needs_usage)}): not in the plan, priced as 0\n")
        address_width = max(len(need.address) for need in result.needs_usage) + 2
        key_width = max(len(need.usage_key) for need in result.needs_usage) + 2
        for need in result.needs_usage:
            out.write(
                f"  {need.address:<{address_width}}{need.usage_key:<{key_width}}{need.label_hint}\n"
            )
    if result.unpriced:
        out.write(f"\nNot priced ({len(result.unpriced)})\n")
        address_width = max(len(entry.address) for entry in result.unpriced) + 2
        for entry in result.unpriced:
            out.write(f"  {entry.address:<{address_width}}{entry.reason}\n")
    if result.warnings:
        out.write(f"\nWarnings ({len(result.warnings)})\n")
        for warning in result.warnings:
            out.write(f"  - {warning}\n")
