"""How long one live recompute takes for 1, 10 and 100 cards, against a minimal Django view.

Run: .venv/bin/python bench/recompute.py [--repeat N]

It migrates a throw-away SQLite database (which seeds the first price book), then times
POST /preview in process with Django's test client (full middleware stack, template rendering,
no network), and a view that returns "ok" through the same stack as the floor. It prints the
median time per request, the ratio to the floor, and the SQL queries per recompute.
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
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402

from estimates.forms import CardFormSet  # noqa: E402
from estimates.pricing import Item  # noqa: E402


@csrf_exempt
def floor_view(request):
    return HttpResponse("ok")


urlpatterns = [path("floor", floor_view), path("", include("estimates.urls"))]

USAGE = [
    ("kms", {"keys": 10, "symmetric_requests": 2_000_000}),
    ("waf", {"web_acls": 2, "rules": 14, "requests": 50_000_000}),
    ("guardduty", {"cloudtrail_management_events": 20_000_000, "vpc_dns_log_gb": 800}),
    ("secrets_manager", {"secrets": 40, "api_calls": 3_000_000}),
    ("macie", {"s3_buckets": 20, "data_inspected_gb": 10}),
]
CARD_TEMPLATES = [
    Item(code, usage={key: Decimal(value) for key, value in usage.items()}) for code, usage in USAGE
]


def form_for(cards: int) -> dict:
    items = [CARD_TEMPLATES[index % len(CARD_TEMPLATES)] for index in range(cards)]
    return {**CardFormSet.data_for(items), "free_tier": "on"}


def timed(client: Client, url: str, data: dict, repeat: int) -> float:
    client.post(url, data)  # warm: template compilation, price-book catalog
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.post(url, data, headers={"HX-Request": "true"})
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    client = Client(HTTP_HOST="localhost")
    with override_settings(ROOT_URLCONF=__name__, DEBUG=False):
        floor = timed(client, "/floor", {}, args.repeat)
        print(f"{'cards':>6} {'median ms':>10} {'× floor':>8} {'SQL queries':>12}")
        print(f"{'floor':>6} {floor * 1000:>10.2f} {1:>8.1f} {'-':>12}")
        for cards in (1, 10, 100):
            data = form_for(cards)
            median = timed(client, "/preview", data, args.repeat)
            with CaptureQueriesContext(connection) as queries:
                client.post("/preview", data, headers={"HX-Request": "true"})
            print(f"{cards:>6} {median * 1000:>10.2f} {median / floor:>8.1f} {len(queries):>12}")


if __name__ == "__main__":
    main()
