"""Terms: named terms an organisation types once, and each estimate's own copy of the terms it was
priced with (an edit of the named terms never changes a saved estimate)."""

import uuid

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("estimates", "0007_price_book_2026_12"),
    ]

    operations = [
        migrations.CreateModel(
            name="NamedTerms",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("public_id", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ("name", models.CharField(max_length=200)),
                ("terms", models.JSONField(default=dict)),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "verbose_name_plural": "named terms",
                "ordering": ["name", "id"],
            },
        ),
        migrations.AddField(
            model_name="estimate",
            name="terms",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="estimate",
            name="terms_name",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="estimate",
            name="named_terms",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="estimates",
                to="estimates.namedterms",
            ),
        ),
    ]
