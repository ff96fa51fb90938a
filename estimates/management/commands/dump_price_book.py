"""`dump_price_book ID [--output FILE]`: a price book written out as a price book file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from estimates.prices.book_file import book_json, dump_book

from ...models import PriceBook


class Command(BaseCommand):
    help = "Write a price book out in the price book file format (JSON), to stdout or a file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("id", type=int, metavar="ID", help="The price book's id")
        parser.add_argument("--output", metavar="FILE", help="Write to FILE instead of stdout")

    def handle(self, *args, id: int, output: str | None, **options) -> None:
        book = PriceBook.objects.filter(pk=id).first()
        if book is None:
            raise CommandError(f"There is no price book {id}.")
        text = book_json(dump_book(book)) + "\n"
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stdout.write(f"Wrote price book {id} “{book.name}” to {output}.")
        else:
            self.stdout.write(text, ending="")
