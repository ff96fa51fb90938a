"""`import_aws_prices FILE [FILE…]`: a draft price book from AWS Price List offer files."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...aws_import import AwsPriceListError, import_offers, read_offer_file


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
            report = import_offers(offers, name=name)
        except AwsPriceListError as error:
            raise CommandError(f"{error} Nothing was imported.") from None
        for line in report.lines():
            self.stdout.write(line)
