"""A card's notes: free text beside its usage (a bill import lists the account ids there)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("estimates", "0009_price_book_2027_01"),
    ]

    operations = [
        migrations.AddField(
            model_name="estimateitem",
            name="notes",
            field=models.TextField(blank=True, max_length=2000),
        ),
    ]
