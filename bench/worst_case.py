"""The worst case each endpoint allows: the largest body the limits let through, timed.

Run: .venv/bin/python bench/worst_case.py [--repeat N]

It migrates a throw-away SQLite database (which seeds the price books), builds the heaviest
estimate the limits allow, and times it in process through Django's full middleware stack (DEBUG
off, rate limits off):

- the heaviest card is the service with the most rates in the most Regions (WAF: 14 rates in
  each of 17 Regions), in MAX_ACCOUNTS accounts, every input at a large value;
- as many cards as pricing.MAX_ITEMS, the cap on cost lines (pricing.MAX_LINES) and the cap on
  item × Region × month cells (pricing.MAX_CELLS) allow; for the editor's preview, which has no
  line cap, as many as MAX_ITEMS and MAX_CELLS allow;
- POST /api/v1/quote, POST /preview (the editor's live recompute) and POST /api/v1/estimates (a
  save, which projects too), each without growth (one month priced) and with a 36-month
  projection whose usage changes every month (0.0001% a month);
- the quote with terms of every kind (a private rate prices the cards twice), and the quote and
  save with terms and a growing projection, which prices every month line by line (the line
  cap counts each such month);
- and the refusal of a quote of MAX_ITEMS such cards, over the line cap: a 400 before any work;
  the editor's preview, page and save of them, which say so at the total and price nothing;
- the editor without JavaScript (the whole page) and its save, for the most lines and for the
  widest form (MAX_ITEMS cards in every Region, one input each), and reading back the largest
  estimates a save keeps: the saved page, its CSV and its JSON.

It prints the slowest of --repeat runs per request, in seconds, beside the target of 2 s.
"""

import argparse
import json
import logging
import time
from dataclasses import replace
from decimal import Decimal
from urllib.parse import urlencode

import throwaway  # noqa: F401, E402  (first: Django on a throw-away database)
from django.core.management import call_command  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

from estimates import pricing  # noqa: E402
from estimates.models import PriceBook  # noqa: E402
from estimates.web.forms import CardFormSet  # noqa: E402

TARGET_SECONDS = 2.0
URLENCODED = "application/x-www-form-urlencoded"
MONTHS = 36
GROWTH = "0.0001"  # every month's usage differs from the last, so every month is priced


def heaviest_item(catalog: pricing.Catalog) -> pricing.Item:
    """The card with the most rates over its Regions, every input high but valid."""

    def rate_count(code: str) -> int:
        service = catalog.services[code]
        return sum(len(service.rates_for(region)) for region in catalog.service_regions(code))

    code = max(catalog.services, key=rate_count)
    service = catalog.services[code]
    usage = {
        spec.key: min(spec.max_value, Decimal(10) ** 9)
        for spec in service.inputs
        if not (spec.whole and spec.max_value <= 1)  # switches, some needing another card
    }
    for key in pricing.check_usage(service, usage):
        usage.pop(key)
    return pricing.Item(
        code, usage=usage, accounts=pricing.MAX_ACCOUNTS, regions=catalog.service_regions(code)
    )


def body(items: list[pricing.Item], months: int | None, terms: dict | None = None) -> str:
    payload = {
        "name": "Worst case",
        "items": [
            {
                "service": item.service,
                "regions": list(item.regions),
                "accounts": item.accounts,
                "usage": {key: pricing.decimal_text(value) for key, value in item.usage.items()},
            }
            for item in items
        ],
    }
    if months:
        payload["projection"] = {"months": months, "monthly_growth_percent": GROWTH}
    if terms:
        payload["terms"] = terms
    return json.dumps(payload)


def heaviest_terms(card: pricing.Item) -> dict:
    """Every kind of term: a private rate (which prices the cards a second time), a discount
    by service, credits, tax and a currency."""
    return {
        "discount_percent": "10",
        "service_discounts": {card.service: "12.5"},
        "rate_overrides": [
            {"service": card.service, "rate": sorted(card.usage)[0], "unit_price": "0.5"}
        ],
        "monthly_credits": "100",
        "credit_months": 3,
        "tax_percent": "20",
        "currency": {"code": "EUR", "usd_rate": "0.92"},
    }


def form(items: list[pricing.Item], months: int, growth: str, **extra: str) -> dict:
    data = CardFormSet.data_for(items)
    data.update(
        {"free_tier": "on", "projection_months": str(months), "projection_growth_percent": growth}
    )
    data.update(extra)
    # Every value of each field, as a browser posts a card's Regions: the test client would
    # post only the last value of a QueryDict's list.
    return dict(data.lists())


def slowest(send, repeat: int, status: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = send()
        samples.append(time.perf_counter() - start)
        assert response.status_code == status, (response.status_code, response.content[:300])
        # A priced answer, not a refusal (unless one is expected): the page's total, or the
        # JSON's figures, or the line cap's message.
        assert (
            b'id="monthly-total">$' in response.content
            or b'"id"' in response.content
            or (b'"monthly_total"' in response.content)
            or (status == 400 and b"cost lines" in response.content)
            or b'id="totals-too-large"' in response.content  # the editor's refusal
            or status == 302  # a save, which redirects to its page
            or b"\r\nmonthly," in response.content  # the CSV's summary row
        ), response.content[:300]
    return max(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    logging.getLogger("django.request").setLevel(logging.ERROR)  # the refusal's 400s
    catalog = PriceBook.objects.current().catalog()
    card = heaviest_item(catalog)
    per_card = len(card.regions)
    lines_per_card = pricing.count_lines(catalog, [card])
    by_lines = pricing.MAX_LINES // lines_per_card
    over = [card] * min(pricing.MAX_ITEMS, pricing.MAX_CELLS // per_card)
    plain = [card] * min(pricing.MAX_ITEMS, pricing.MAX_CELLS // per_card, by_lines)
    grown = [card] * min(pricing.MAX_ITEMS, pricing.MAX_CELLS // (per_card * MONTHS), by_lines)
    # The widest editor: as many cards in every Region as the caps allow, each with one input
    # used, so that every card's form (its Regions, its inputs) is on the page.
    key = next(iter(card.usage))
    narrow = replace(card, usage={key: card.usage[key]})
    wide = [narrow] * min(
        pricing.MAX_ITEMS,
        pricing.MAX_CELLS // per_card,
        pricing.MAX_LINES // pricing.count_lines(catalog, [narrow]),
    )
    # With terms every growing month is priced line by line: the card in as many of its
    # Regions as MONTHS months of its lines allow.
    per_region = pricing.count_lines(catalog, [replace(card, regions=card.regions[:1])])
    fitted = replace(card, regions=card.regions[: pricing.MAX_LINES // (MONTHS * per_region)])
    terms = heaviest_terms(card)
    client = Client(HTTP_HOST="localhost")
    htmx = {"HX-Request": "true"}
    quote_body, grown_body = body(plain, None), body(grown, MONTHS)
    terms_body, terms_grown_body = body(plain, None, terms), body([fitted], MONTHS, terms)
    plain_form, grown_form = form(plain, MONTHS, "0"), form(grown, MONTHS, GROWTH)
    wide_form, over_form = form(wide, MONTHS, "0"), form(over, MONTHS, "0")
    wide_save = form(wide, MONTHS, "0", name="Widest")
    over_save = form(over, MONTHS, "0", name="Over the line cap")
    over_body = body(over, None)
    quote, save = "/api/v1/quote", "/api/v1/estimates"
    cases = [
        ("POST /api/v1/quote", plain, 1, quote, quote_body, 200),
        ("POST /api/v1/quote, projection", grown, MONTHS, quote, grown_body, 200),
        ("POST /api/v1/quote, terms", plain, 1, quote, terms_body, 200),
        ("POST /api/v1/quote, terms, projection", [fitted], MONTHS, quote, terms_grown_body, 200),
        ("POST /api/v1/quote, over the line cap", over, 1, quote, over_body, 400),
        ("POST /preview, 0% growth", plain, 1, "/preview", plain_form, 200),
        ("POST /preview, widest", wide, 1, "/preview", wide_form, 200),
        ("POST /preview, projection", grown, MONTHS, "/preview", grown_form, 200),
        ("POST /preview, over the line cap", over, 1, "/preview", over_form, 200),
        ("POST /api/v1/estimates", plain, 1, save, quote_body, 201),
        ("POST /api/v1/estimates, projection", grown, MONTHS, save, grown_body, 201),
        (
            "POST /api/v1/estimates, terms, projection",
            [fitted],
            MONTHS,
            save,
            terms_grown_body,
            201,
        ),
        # Without JavaScript the editor answers the whole page: every card's form and lines.
        ("POST / (no JavaScript), 0% growth", plain, 1, "/", plain_form, 200),
        ("POST / (no JavaScript), widest", wide, 1, "/", wide_form, 200),
        ("POST / (no JavaScript), over the cap", over, 1, "/", over_form, 200),
        ("POST /save (no JavaScript), widest", wide, 1, "/save", wide_save, 302),
        ("POST /save, over the line cap", over, 1, "/save", over_save, 200),
    ]
    # Reading the largest estimates a save keeps: their page, CSV and JSON write every line.
    for label, body_text, items in (
        ("most lines", quote_body, plain),
        ("widest", body(wide, None), wide),
    ):
        saved = client.post(save, body_text, content_type="application/json").json()
        for name, url in (
            ("GET /e/<id>/", saved["url"]),
            ("GET /e/<id>/export.csv", saved["csv_url"]),
            ("GET /api/v1/estimates/<id>", saved["json_url"]),
        ):
            cases.append((f"{name}, {label}", items, 1, url, None, 200))
    print(
        f"card: {card.service} in {per_card} Regions × {card.accounts:,} accounts, "
        f"{lines_per_card} cost lines; caps: {pricing.MAX_CELLS:,} item × Region × month "
        f"cells, {pricing.MAX_LINES:,} cost lines (API)"
    )
    print(
        f"{'request':<40} {'cards':>5} {'cells':>7} {'lines':>7} {'slowest s':>10} {'target s':>9}"
    )
    with override_settings(DEBUG=False, COSTCALC_RATE_LIMITS_ENABLED=False):
        for name, items, months, path, data, status in cases:
            if data is None:

                def send(path=path):
                    return client.get(path)
            elif isinstance(data, str):

                def send(path=path, data=data):
                    return client.post(path, data, content_type="application/json")
            else:
                # urlencoded, as a browser posts the editor's form (it has no file field).
                encoded = urlencode(data, doseq=True)

                def send(path=path, encoded=encoded):
                    return client.post(path, encoded, content_type=URLENCODED, headers=htmx)

            seconds = slowest(send, args.repeat, status)
            cells = sum(len(item.regions) for item in items) * months
            lines = pricing.count_lines(catalog, items)
            print(
                f"{name:<40} {len(items):>5} {cells:>7,} {lines:>7,} {seconds:>10.2f} "
                f"{TARGET_SECONDS:>9.1f}"
            )


if __name__ == "__main__":
    main()
