"""The first price book: AWS list prices, US East (N. Virginia), 2026-11.

Its figures live in estimates/prices/price_books/aws-2026-11.json (tests/data/price_reference.json pins
each one to its source). That dated file is never edited afterwards, so that a fresh database is
always seeded with the same book: new prices are a new dated file, loaded with
`manage.py load_price_book`.
"""

from django.db import migrations

from estimates.prices.book_file import PRICE_BOOKS, load_book, model_classes, read_price_book

BOOK_FILE = PRICE_BOOKS / "aws-2026-11.json"


def seed(apps, schema_editor=None):
    """Create and publish the first price book. Safe to call again: it never duplicates it."""
    book = read_price_book(BOOK_FILE)
    models = model_classes(apps)
    if not models["PriceBook"].objects.filter(name=book["name"]).exists():
        load_book(book, **models, publish=True)


def unseed(apps, schema_editor):
    name = read_price_book(BOOK_FILE)["name"]
    apps.get_model("estimates", "PriceBook").objects.filter(name=name).delete()


class Migration(migrations.Migration):
    dependencies = [("estimates", "0001_price_books")]

    operations = [migrations.RunPython(seed, unseed)]
