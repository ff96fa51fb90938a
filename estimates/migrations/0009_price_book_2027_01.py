"""The third price book: AWS list prices, 2027-01, loaded and published.

It becomes the current book; the earlier books, and every estimate saved with them, stay as they
are. Its figures live in estimates/prices/price_books/aws-2027-01.json, built by
scripts/build_price_book_2027_01.py from the research in tests/data/regions_research_2027_01/
(tests/data/price_reference_2027_01.json pins each one), a dated file never edited afterwards.
"""

from django.db import migrations

from estimates.prices.book_file import PRICE_BOOKS, load_book, model_classes, read_price_book

BOOK_FILE = PRICE_BOOKS / "aws-2027-01.json"


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
    dependencies = [("estimates", "0008_terms")]

    operations = [migrations.RunPython(seed, unseed)]
