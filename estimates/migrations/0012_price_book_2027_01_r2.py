"""The fourth price book: AWS list prices, 2027-01, revision 2, loaded and published.

It becomes the current book; the 2027-01 book it revises, the earlier books, and every estimate
saved with them, stay as they are. Its figures live in
estimates/prices/price_books/aws-2027-01-r2.json, built by scripts/build_price_book_2027_01_r2.py
from the 2027-01 book and research D in tests/data/regions_research_2027_01/
(tests/data/price_reference_2027_01_r2.json pins each new row), a dated file never edited
afterwards.
"""

from django.db import migrations

from estimates.prices.book_file import PRICE_BOOKS, load_book, model_classes, read_price_book

BOOK_FILE = PRICE_BOOKS / "aws-2027-01-r2.json"


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
    dependencies = [("estimates", "0011_estimate_unpriced")]

    operations = [migrations.RunPython(seed, unseed)]
