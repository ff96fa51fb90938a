"""`import_aws_prices FILE [FILE…]`: a draft price book from AWS Price List offer files."""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from estimates.prices.aws_import import (
    CHANGED,
    NEW,
    UNCHANGED,
    AwsPriceListError,
    ImportedRate,
    OfferImport,
    import_offers,
    read_offer_file,
)
from estimates.prices.book_file import (
    PriceBookFileError,
    dump_book,
    load_book,
    model_classes,
    read_price_book,
)
from estimates.prices.changes import Comparison, change_text, compare_catalogs, rate_text

from ...models import PriceBook


class Command(BaseCommand):
    help = (
        "Read AWS Price List offer files (JSON or CSV, format v1.0) and create a draft price book "
        "holding their prices, copied from the current book. Publish it in the admin."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="An offer file, .json or .csv")
        parser.add_argument("--name", help="The draft's name (default: from the files' date)")

    def handle(self, *args, files: list[str], name: str | None, **options) -> None:
        try:
            offers = [read_offer_file(path) for path in files]
            current = PriceBook.objects.current()
            if current is None:
                raise AwsPriceListError("No price book is published yet: there is nothing to copy.")
            result = import_offers(
                read_price_book(dump_book(current)),
                offers,
                effective_date=timezone.localdate().isoformat(),
                name=name,
            )
        except AwsPriceListError as error:
            raise CommandError(f"{error} Nothing was imported.") from None
        except PriceBookFileError as error:
            raise CommandError(
                f"The current price book {current.pk} does not pass the price book file checks:\n"
                f"{error}\nNothing was imported."
            ) from None
        draft = load_book(result.book, **model_classes(apps), publish=False, copied_from=current)
        comparison = compare_catalogs(current.catalog(), draft.catalog())
        for line in report_lines(draft, current, result, comparison):
            self.stdout.write(line)


def report_lines(
    draft: PriceBook, based_on: PriceBook, result: OfferImport, comparison: Comparison
) -> list[str]:
    """What the import did, as lines for a terminal: the rates it added, changed and confirmed,
    each book change, and the usage types that matched no rate."""
    lines = [f"Created draft price book {draft.pk} “{draft.name}” from “{based_on.name}”."]
    for status, heading in (
        (NEW, "New rates (a Region the book had no price in)"),
        (CHANGED, "Changed rates"),
        (UNCHANGED, "Unchanged rates"),
    ):
        found = result.with_status(status)
        lines.append(f"{heading}: {len(found)}")
        lines += [f"  {_rate_line(entry)}" for entry in found]
    lines.append(f"Changes against “{based_on.name}”: {len(comparison.changes)}")
    lines += [
        f"  {change.kind} {change.service}.{change.rate} [{change.region}]: {change_text(change)}"
        for change in comparison.changes
    ]
    lines.append(f"Usage types that matched no rate: {len(result.unmapped)}")
    lines += [
        f"  {entry.offer_code} {entry.usage_type}: {entry.reason}" for entry in result.unmapped
    ]
    return lines


def _rate_line(entry: ImportedRate) -> str:
    return f"{entry.service}.{entry.rate} [{entry.region}]: {rate_text(entry.spec)}"
