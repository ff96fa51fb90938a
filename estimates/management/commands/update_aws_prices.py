"""`update_aws_prices`: a draft price book from the AWS Price List Bulk API, read over HTTP."""

import sys
import time

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from estimates.prices import bulk_api
from estimates.prices.aws_import import AwsPriceListError, import_offers
from estimates.prices.book_file import (
    PriceBookFileError,
    a_date,
    dump_book,
    load_book,
    model_classes,
    read_price_book,
)
from estimates.prices.changes import compare_catalogs
from estimates.pricing.regions import REGIONS

from ...models import PriceBook
from .import_aws_prices import report_lines


def _codes(text: str) -> list[str]:
    return [code.strip() for code in text.split(",") if code.strip()]


class Command(BaseCommand):
    help = (
        "Read the current AWS prices from the Price List Bulk API (service index, each offer's "
        "Region index, each Region's offer file) and create a draft price book from the current "
        "book plus what was read. Nothing is created when anything cannot be read."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--base-url", default=bulk_api.DEFAULT_BASE_URL)
        parser.add_argument(
            "--services",
            type=_codes,
            help="Service codes, comma-separated (default: every service with an aws_offer_code)",
        )
        parser.add_argument(
            "--regions", type=_codes, help="Region codes, comma-separated (default: all)"
        )
        parser.add_argument("--name", help="The new book's name (default: from the files' date)")
        parser.add_argument("--effective-date", help="YYYY-MM-DD (default: today)")
        parser.add_argument(
            "--publish", action="store_true", help="Publish it (default: leave it a draft)"
        )

    def handle(self, *args, **options) -> None:
        effective_date = options["effective_date"] or timezone.localdate().isoformat()
        errors: list[str] = []
        a_date(effective_date, "--effective-date", errors)
        unknown = [code for code in options["regions"] or () if code not in REGIONS]
        if unknown:
            errors.append(f"--regions: not a Region code: {', '.join(unknown)}")
        if errors:
            raise CommandError(f"{errors[0]}. Nothing was created.")
        current = PriceBook.objects.current()
        if current is None:
            raise CommandError("No price book is published yet: there is nothing to build on.")
        try:
            book = read_price_book(dump_book(current))
        except PriceBookFileError as error:
            raise CommandError(
                f"The current price book {current.pk} does not pass the file checks: "
                f"{error.errors[0]}. Nothing was created."
            ) from None
        try:
            offers = self.read_offers(book, options)
            result = import_offers(
                book, offers, effective_date=effective_date, name=options["name"]
            )
        except AwsPriceListError as error:
            raise CommandError(f"{error} Nothing was created.") from None
        draft = load_book(
            result.book, **model_classes(apps), publish=options["publish"], copied_from=current
        )
        comparison = compare_catalogs(current.catalog(), draft.catalog())
        for line in report_lines(draft, current, result, comparison):
            self.stdout.write(line)
        if options["publish"]:
            self.stdout.write(f"Published: price book {draft.pk} is the current book.")
        else:
            self.stdout.write(
                f"Review it at /prices/compare/{current.pk}/{draft.pk}/, then publish it in the "
                "admin (or run again with --publish)."
            )

    def read_offers(self, book: dict, options: dict) -> list:
        codes = bulk_api.offer_codes(book, options["services"])
        files = bulk_api.region_files(options["base_url"], codes.values(), options["regions"])
        progress = Progress(sys.stderr) if sys.stderr.isatty() else None
        offers = []
        for number, file in enumerate(files, start=1):
            if progress:
                progress.label = f"[{number}/{len(files)}] {file.offer_code} {file.region}"
            keep = bulk_api.usage_type_filter(book, file.offer_code)
            offers.append(bulk_api.read_region_file(file, keep, progress))
        return offers


class Progress:
    """A line per file on a terminal, rewritten as its bytes arrive (at most 10 times a second)."""

    def __init__(self, stream):
        self.stream, self.label, self.shown = stream, "", 0.0

    def __call__(self, url: str, count: int, done: bool) -> None:
        now = time.monotonic()
        if not done and now - self.shown < 0.1:
            return
        self.shown = now
        self.stream.write(f"\r{self.label}: {count / 1_000_000:.1f} MB{' done' if done else ''}")
        if done:
            self.stream.write("\n")
        self.stream.flush()
