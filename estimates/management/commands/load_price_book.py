"""`load_price_book FILE [--publish]`: a price book from a price book file (JSON)."""

from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser

from estimates.prices.book_file import PriceBookFileError, load_book, model_classes, read_price_book

from ...models import Rate, RateTier, UsageInput


class Command(BaseCommand):
    help = (
        "Load a price book file (see estimates/prices/price_books/) as a new draft book, or as the "
        "current book with --publish. A file with any problem loads nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="A price book file, .json")
        parser.add_argument(
            "--publish", action="store_true", help="Publish it: new estimates are priced with it"
        )

    def handle(self, *args, file: str, publish: bool, **options) -> None:
        try:
            data = read_price_book(Path(file))
        except PriceBookFileError as error:
            raise CommandError("\n".join([f"{file}: nothing was loaded.", *error.errors])) from None
        book = load_book(data, **model_classes(apps), publish=publish)
        rates = Rate.objects.filter(service__price_book=book)
        self.stdout.write(
            f"Loaded price book {book.pk} “{book.name}” as a "
            f"{'published book' if publish else 'draft'}: {book.services.count()} services, "
            f"{UsageInput.objects.filter(service__price_book=book).count()} usage inputs, "
            f"{rates.count()} rates, {RateTier.objects.filter(rate__in=rates).count()} tiers."
        )
