"""How long an API quote takes against the framework floor (issue 21's target: 10 items ≤ 2×).

Run: .venv/bin/python bench/api_quote.py [--repeat N] [--profile]

It migrates a throw-away SQLite database (which seeds the price books), then times in process,
with Django's test client (full middleware stack, no network, DEBUG off, rate limits on as in
production):
- the floor: a 404 for a path no URL matches, through the same middleware;
- POST /api/v1/quote for 10 items of five services in one Region and one account, and for the
  same 10 items × 40 accounts × every Region where each
  of the item's inputs has a price.
It prints the median CPU time per request (the machine is shared: waiting for a core is not the
request's cost), its ratio to the floor measured between the case's own samples and the SQL
queries per request. --profile prints cProfile's slowest calls of the 10-item quote instead.
"""

import argparse
import cProfile
import json
import logging
import pstats
import statistics
import time
from decimal import Decimal

import throwaway  # noqa: F401, E402  (first: Django on a throw-away database)
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from recompute import USAGE  # noqa: E402  (the same cards as the preview's bench)

from estimates.models import PriceBook  # noqa: E402

CLOCK = time.process_time
TARGET = 2.0  # × the floor, for 10 items


def body_for(cards: int, accounts: int = 1, all_regions: bool = False) -> str:
    catalog = PriceBook.objects.current().catalog()
    items = []
    for index in range(cards):
        code, usage = USAGE[index % len(USAGE)]
        # Every Region where each of the card's inputs has a price (an input priced in fewer
        # Regions than its service is a 400 there).
        regions = [
            region
            for region in catalog.service_regions(code)
            if all(region in catalog.input_regions(code, key) for key in usage)
        ]
        regions = regions if all_regions else regions[:1]
        items.append(
            {
                "service": code,
                "regions": list(regions),
                "accounts": accounts,
                "usage": {key: str(Decimal(value)) for key, value in usage.items()},
            }
        )
    return json.dumps({"items": items})


def timed(send, floor_send, repeat: int) -> tuple[float, float, int]:
    """Median CPU seconds of `send` and of the floor between its samples; SQL per request."""
    send()  # warm: the catalog, the current book's id
    samples, floors = [], []
    for _ in range(repeat):
        start = CLOCK()
        response = send()
        samples.append(CLOCK() - start)
        assert response.status_code == 200, (response.status_code, response.content[:200])
        start = CLOCK()
        floor_send()
        floors.append(CLOCK() - start)
    with CaptureQueriesContext(connection) as queries:
        send()
    return statistics.median(samples), statistics.median(floors), len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    logging.getLogger("django.request").setLevel(logging.ERROR)  # the floor's 404s
    client = Client(HTTP_HOST="localhost")

    def quote(body):
        return lambda: client.post("/api/v1/quote", body, content_type="application/json")

    def floor_send():
        return client.post("/no-such-page", {})

    cases = [
        ("API quote, 10 items", quote(body_for(10))),
        ("API quote, 10 × 40 accounts × every Region", quote(body_for(10, 40, True))),
    ]
    # The quote limit (120 a minute) would refuse most samples: lift it, keep it counting.
    limit = 10 * (args.repeat + 2) * len(cases)
    with override_settings(DEBUG=False, COSTCALC_QUOTE_RATE_LIMIT=limit):
        if args.profile:
            send = cases[0][1]
            send()
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(args.repeat):
                send()
            profile.disable()
            pstats.Stats(profile).sort_stats("cumtime").print_stats(50)
            return
        width = max(len(name) for name, _ in cases)
        print(f"{'request':<{width}} {'median ms':>10} {'floor ms':>9} {'× floor':>8} {'SQL':>4}")
        for name, send in cases:
            median, floor, queries = timed(send, floor_send, args.repeat)
            ratio = median / floor
            print(
                f"{name:<{width}} {median * 1000:>10.2f} {floor * 1000:>9.2f} {ratio:>8.1f} "
                f"{queries:>4}"
            )
        print(f"target: 10 items ≤ {TARGET:g}× the floor")


if __name__ == "__main__":
    main()
