"""An estimate remembers what the import it came from could not price."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("estimates", "0010_item_notes"),
    ]

    operations = [
        migrations.AddField(
            model_name="estimate",
            name="unpriced",
            field=models.JSONField(blank=True, default=list),
        ),
    ]
