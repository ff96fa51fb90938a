"""How long one recompute takes, in the editor and through the API, against the framework floor.

Run: .venv/bin/python bench/recompute.py [--repeat N]

It migrates a throw-away SQLite database (which seeds the price books), then times in process,
with Django's test client (full middleware stack, no network):
- the floor: a 404 for a path no URL matches, through the same middleware;
- POST /preview (the editor's live recompute, a template fragment) for 1, 10 and 100 cards, and
  for 10 cards each in 40 accounts and every Region its service is priced in;
- POST /api/v1/quote for the same 10 items, and for 10 items × 40 accounts × those Regions.
It prints the median time per request, the ratio to the floor measured in the same run, and the
SQL queries per request.
"""

import argparse
import json
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
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from estimates.models import PriceBook  # noqa: E402
from estimates.pricing import Item  # noqa: E402
from estimates.web.forms import CardFormSet  # noqa: E402

USAGE = [
    ("kms", {"keys": 10, "symmetric_requests": 2_000_000}),
    ("waf", {"web_acls": 2, "rules": 14, "requests": 50_000_000}),
    ("guardduty", {"cloudtrail_management_events": 20_000_000, "vpc_dns_log_gb": 800}),
    ("secrets_manager", {"secrets": 40, "api_calls": 3_000_000}),
    ("macie", {"s3_buckets": 20, "data_inspected_gb": 10}),
]


def items_for(cards: int, accounts: int = 1, region_count: int = 1) -> list[Item]:
    """Cards of USAGE in turn, each in `accounts` accounts and its first `region_count` Regions."""
    catalog = PriceBook.objects.current().catalog()
    items = []
    for index in range(cards):
        code, usage = USAGE[index % len(USAGE)]
        regions = catalog.service_regions(code)[:region_count]
        quantities = {key: Decimal(value) for key, value in usage.items()}
        items.append(Item(code, usage=quantities, accounts=accounts, regions=regions))
    return items


def form_for(items: list[Item]) -> dict:
    data = CardFormSet.data_for(items)
    data["free_tier"] = "on"
    return data


def body_for(items: list[Item]) -> str:
    return json.dumps(
        {
            "items": [
                {
                    "service": item.service,
                    "regions": list(item.regions),
                    "accounts": item.accounts,
                    "usage": {key: str(value) for key, value in item.usage.items()},
                }
                for item in items
            ]
        }
    )


def timed(send, repeat: int, status: int = 200) -> tuple[float, int]:
    """Median seconds per request, and the SQL queries one request makes."""
    send()  # warm: template compilation, price-book catalog
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = send()
        samples.append(time.perf_counter() - start)
        assert response.status_code == status, response.status_code
    with CaptureQueriesContext(connection) as queries:
        send()
    return statistics.median(samples), len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    client = Client(HTTP_HOST="localhost")
    # DEBUG off, as in production: a 404 is the plain page, not the debug one.
    with override_settings(DEBUG=False):
        run(client, args.repeat)


def run(client: Client, repeat: int) -> None:
    htmx = {"HX-Request": "true"}

    def preview(items):
        data = form_for(items)
        return lambda: client.post("/preview", data, headers=htmx)

    def api_quote(items):
        body = body_for(items)
        return lambda: client.post("/api/v1/quote", body, content_type="application/json")

    floor, _ = timed(lambda: client.post("/no-such-page", {}), repeat, status=404)
    organisation = "10 × 40 accounts × ≤4 Regions"
    cases = [
        ("preview, 1 card", preview(items_for(1))),
        ("preview, 10 cards", preview(items_for(10))),
        ("preview, 100 cards", preview(items_for(100))),
        (f"preview, {organisation}", preview(items_for(10, 40, 4))),
        ("API quote, 10 items", api_quote(items_for(10))),
        (f"API quote, {organisation}", api_quote(items_for(10, 40, 4))),
    ]
    width = max(len(name) for name, _ in cases)
    print(f"{'request':<{width}} {'median ms':>10} {'× floor':>8} {'SQL queries':>12}")
    print(f"{'floor: a 404, same middleware':<{width}} {floor * 1000:>10.2f} {1:>8.1f} {'-':>12}")
    for name, send in cases:
        median, queries = timed(send, repeat)
        print(f"{name:<{width}} {median * 1000:>10.2f} {median / floor:>8.1f} {queries:>12}")


if __name__ == "__main__":
    main()
