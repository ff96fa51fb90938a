"""Saved estimates keep a projection (months, monthly growth); rates may bind for a term.

Shield Advanced is sold on a one-year subscription commitment (AWS Shield pricing, "1-year
subscription commitment": https://aws.amazon.com/shield/pricing/). That is a documented fact
about the rate, not a price change, so it is set here on every book that has the rate, the
published one included: no figure of any saved estimate moves, only the projection learns that
the subscription binds for twelve months.
"""

from decimal import Decimal

from django.db import migrations, models

import estimates.models

# (service code, rate code) → months the rate binds once its quantity is above zero.
COMMITMENTS = {("shield", "advanced_subscriptions"): 12}


def set_commitments(apps, schema_editor=None):
    """Write COMMITMENTS onto every book's rates. Safe to call again (tests call it after they
    seed a fresh book)."""
    Rate = apps.get_model("estimates", "Rate")
    for (service, code), months in COMMITMENTS.items():
        # The plain base manager: the app's own manager refuses bulk updates of published books.
        Rate._base_manager.filter(service__code=service, code=code).update(commitment_months=months)


class Migration(migrations.Migration):
    dependencies = [
        ("estimates", "0004_price_book_copies_are_protected"),
    ]

    operations = [
        migrations.AddField(
            model_name="estimate",
            name="projection_growth_percent",
            field=estimates.models.ExactDecimalField(default=Decimal("0")),
        ),
        migrations.AddField(
            model_name="estimate",
            name="projection_months",
            field=models.PositiveSmallIntegerField(
                choices=[(12, "12 months"), (24, "24 months"), (36, "36 months")], default=12
            ),
        ),
        migrations.AddField(
            model_name="rate",
            name="commitment_months",
            field=models.PositiveSmallIntegerField(
                default=0,
                help_text="Months the rate binds once its quantity is above zero (0: no term).",
            ),
        ),
        migrations.RunPython(set_commitments, migrations.RunPython.noop),
    ]
