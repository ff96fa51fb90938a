"""How long a 36-month projection takes against one quote of the same cards.

Run: .venv/bin/python bench/projection.py [--repeat N]

It migrates a throw-away SQLite database (which seeds the first price book), loads the book's
catalog, then times in process, for 1, 10 and 100 cards: one quote (pricing.quote) and a
projection over 12 and 36 months with and without growth (projection.project). It prints the
median time of each and the ratio of the projection to the quote. The projection prices every
month through the engine and caches nothing, so the ratio is about the number of months.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE = Path(tempfile.mkdtemp(prefix="costcalc-bench-")) / "bench.sqlite3"
os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "costcalc.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from estimates import pricing  # noqa: E402
from estimates.models import PriceBook  # noqa: E402
from estimates.projection import Projection, project  # noqa: E402

USAGE = [
    ("kms", {"keys": 10, "symmetric_requests": 2_000_000}),
    ("waf", {"web_acls": 2, "rules": 14, "requests": 50_000_000}),
    ("guardduty", {"cloudtrail_management_events": 20_000_000, "vpc_dns_log_gb": 800}),
    ("secrets_manager", {"secrets": 40, "api_calls": 3_000_000}),
    ("macie", {"s3_buckets": 20, "data_inspected_gb": 10}),
]
CARD_TEMPLATES = [
    pricing.Item(code, usage={key: Decimal(value) for key, value in usage.items()})
    for code, usage in USAGE
]


def median_seconds(run, repeat: int) -> float:
    run()  # warm
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        samples.append(time.perf_counter() - start)
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
        items = [CARD_TEMPLATES[index % len(CARD_TEMPLATES)] for index in range(cards)]
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
