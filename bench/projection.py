"""How long a projection takes against one quote of the same cards.

Run: .venv/bin/python bench/projection.py [--repeat N]

It uses recompute.py's throw-away SQLite database (migrated, so both price books are seeded) and
its cards, then times in process, for 1, 10 and 100 cards: one quote (pricing.quote) and a
projection over 12 and 36 months with and without growth (projection.project). It prints the
median time of each and the ratio of the projection to the quote. A month whose usage grows is
priced through the engine again; without growth only month 1 is priced.
"""

import argparse
import statistics
import time
from decimal import Decimal

from django.core.management import call_command
from recompute import items_for

from estimates import pricing
from estimates.models import PriceBook
from estimates.pricing.projection import Projection, project


def median_seconds(run, repeat: int) -> float:
    run()  # warm
    samples = []
    for _ in range(repeat):
        start = time.process_time()
        run()
        samples.append(time.process_time() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    catalog = PriceBook.objects.current().catalog()
    plans = [Projection(12, Decimal(0)), Projection(36, Decimal(0)), Projection(36, Decimal("2.5"))]
    print(f"{'cards':>6} {'projection':>18} {'quote ms':>9} {'projection ms':>14} {'ratio':>6}")
    for cards in (1, 10, 100):
        items = items_for(cards)
        single = median_seconds(lambda items=items: pricing.quote(catalog, items), args.repeat)
        for plan in plans:
            projected = median_seconds(
                lambda items=items, plan=plan: project(catalog, items, True, plan), args.repeat
            )
            label = f"{plan.months} mo at {plan.monthly_growth_percent}%"
            print(
                f"{cards:>6} {label:>18} {single * 1000:>9.2f} {projected * 1000:>14.2f} "
                f"{projected / single:>6.1f}"
            )


if __name__ == "__main__":
    main()
