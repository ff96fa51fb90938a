"""`check_estimates`: list the saved estimates that cannot be priced any more; exit 1 if any."""

import sys

from django.core.management.base import BaseCommand

from ...models import Estimate


class Command(BaseCommand):
    help = (
        "Price every saved estimate with its pinned book and list those that cannot be priced "
        "or projected any more (each with why); exit 1 when there is one."
    )

    def handle(self, *args, **options) -> None:
        checked = broken = 0
        estimates = Estimate.objects.select_related("price_book").order_by("created_at", "id")
        for estimate in estimates.iterator(chunk_size=200):
            checked += 1
            if not estimate.pricing_errors:
                continue
            broken += 1
            reasons = "; ".join(
                (f"card {error.item + 1}, " if error.item is not None else "")
                + f"{error.field}: {error.message}"
                for error in estimate.pricing_errors
            )
            self.stdout.write(f"{estimate.public_id} “{estimate.name}”: {reasons}")
        if broken:
            self.stdout.write(f"{broken} of {checked} saved estimates cannot be priced.")
            sys.exit(1)
        self.stdout.write(f"All {checked} saved estimates can be priced.")
