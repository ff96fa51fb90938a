"""The second price book: AWS list prices, 2026-12, loaded and published.

It becomes the current book; the first book, and every estimate saved with it, stay as they are.
Its figures live in estimates/prices/price_books/aws-2026-12.json (tests/data/price_reference_2026_12.json
pins each one to its source), a dated file that is never edited afterwards.
"""

from django.db import migrations

from estimates.prices.book_file import PRICE_BOOKS, load_book, model_classes, read_price_book

BOOK_FILE = PRICE_BOOKS / "aws-2026-12.json"


def seed(apps, schema_editor=None):
    """Create and publish the book. Safe to call again: it never duplicates it."""
    book = read_price_book(BOOK_FILE)
    models = model_classes(apps)
    if not models["PriceBook"].objects.filter(name=book["name"]).exists():
        load_book(book, **models, publish=True)


def unseed(apps, schema_editor):
    name = read_price_book(BOOK_FILE)["name"]
    PriceBook = apps.get_model("estimates", "PriceBook")
    PriceBook.objects.filter(name=name, estimates__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("estimates", "0006_organisation")]

    operations = [migrations.RunPython(seed, unseed)]
