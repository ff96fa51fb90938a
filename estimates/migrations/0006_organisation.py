"""An estimate is an organisation: cards gain accounts and Regions, rates a pooling level, and a
price book rules between services (waivers).

The books that exist when this runs priced each card, account and Region alone: their rates get
that level (account_region), so every figure they gave stays what it was. Rates added later
default to consolidated billing's own rule, the organisation per Region.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("estimates", "0005_projection_and_commitments")]

    operations = [
        migrations.AddField(
            model_name="estimateitem",
            name="accounts",
            field=models.PositiveIntegerField(default=1),
        ),
        migrations.AddField(
            model_name="estimateitem",
            name="regions",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="rate",
            name="pooling",
            field=models.CharField(default="account_region", max_length=30),
        ),
        migrations.AlterField(
            model_name="rate",
            name="pooling",
            field=models.CharField(
                choices=[
                    ("organization_region", "The organisation, per Region"),
                    ("organization", "The organisation, across all Regions"),
                    ("account_region", "Each account, per Region"),
                    ("organization_once", "One fee per organisation"),
                ],
                default="organization_region",
                help_text="At what level AWS counts usage for this rate's tiers and free allowance.",
                max_length=30,
            ),
        ),
        migrations.AddField(
            model_name="rate",
            name="pooling_source",
            field=models.CharField(
                blank=True,
                help_text="AWS's word for the pooling level; blank shows it as unverified.",
                max_length=300,
            ),
        ),
        migrations.AddField(
            model_name="service",
            name="replaced_inputs",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="Keys of an earlier book priced under other keys here: {old: [new, …]}.",
            ),
        ),
        migrations.CreateModel(
            name="Waiver",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "flag",
                    models.SlugField(
                        help_text="The usage input (0 or 1) by which a card claims the waiver.",
                        max_length=60,
                    ),
                ),
                (
                    "rate_codes",
                    models.CharField(
                        help_text="Codes of the rates made $0, separated by spaces.", max_length=300
                    ),
                ),
                ("requires_service", models.SlugField(help_text="The service that grants it.")),
                (
                    "requires_key",
                    models.SlugField(
                        help_text="The input of that service that must be above zero.",
                        max_length=60,
                    ),
                ),
                (
                    "reason",
                    models.CharField(help_text="Shown on each waived line.", max_length=300),
                ),
                ("source", models.CharField(blank=True, max_length=300)),
                ("position", models.PositiveIntegerField(default=0)),
                (
                    "service",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="waivers",
                        to="estimates.service",
                    ),
                ),
            ],
            options={
                "ordering": ["position", "id"],
            },
        ),
    ]
