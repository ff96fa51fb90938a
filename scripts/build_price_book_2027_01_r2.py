"""Build estimates/prices/price_books/aws-2027-01-r2.json: the 2027-01 book plus research D,
through the same importer as the 2027-01 book (scripts/build_price_book_2027_01.py).

    .venv/bin/python scripts/build_price_book_2027_01_r2.py           # writes the book file
    .venv/bin/python scripts/build_price_book_2027_01_r2.py --check   # exits 1 if it would differ

The 2027-01 book is a dated file never edited afterwards, so what research D found (a second
mirror of AWS's pricing-page feed, tests/data/regions_research_2027_01/D.json and D.md) goes into
this revision. Its rules are the 2027-01 book's: a row counts only for its own Region, nothing is
copied from another Region, and a rate without a row for a Region has no price there. D's rows
only add: a rate and Region the 2027-01 book has no price for, or bands above the ones it has
(Security Hub checks in Tokyo). A D row that would change a price of the 2027-01 book stops the
build.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_price_book_2027_01 import (  # noqa: E402
    NO_PRICE,
    add_input,
    notes,
    offers_of,
    research_products,
    write_or_check,
)

from estimates.prices.aws_import import CHANGED, import_offers  # noqa: E402
from estimates.prices.book_file import (  # noqa: E402
    PRICE_BOOKS,
    book_file_data,
    book_json,
    read_price_book,
)

BASE = PRICE_BOOKS / "aws-2027-01.json"
OUTPUT = PRICE_BOOKS / "aws-2027-01-r2.json"
NAME = "AWS list prices, 2027-01, revision 2"
EFFECTIVE = "2027-01-01"
FILES = ("D",)
# Item 5's Advanced Inspection endpoint hours, priced by D: (service, input, label, unit, rate,
# help, the rate's unit, the input it cannot exceed).
NEW_INPUTS = [
    (
        "network_firewall",
        "advanced_inspection_endpoints",
        "Firewall endpoints with Advanced Inspection",
        "endpoints",
        "advanced_inspection_endpoints",
        "Endpoints of a firewall with Advanced Inspection (TLS inspection) running all month; "
        "charged on top of the endpoint hours.",
        "endpoint-months",
        "endpoints",
    ),
]
FOUND_BY_D = "Network Firewall endpoint hours with Advanced Inspection: no price found (B.json)."
NO_PRICE_R2 = [line for line in NO_PRICE if line != FOUND_BY_D] + [
    "Network Firewall Advanced Inspection traffic in us-west-1, sa-east-1, ap-south-1, "
    "ap-southeast-1, ap-southeast-2, ap-northeast-1, ap-northeast-2 and ap-northeast-3: the "
    "2025-06 feed's $0.005-$0.009 per GB were removed in 13 Regions on 2026-02-06 and no source "
    "names those Regions (D.md).",
]
INTRO = (
    "AWS list prices for January 2027, revision 2, built by "
    "scripts/build_price_book_2027_01_r2.py: the 2027-01 book (whose file is never edited) plus "
    "research D (tests/data/regions_research_2027_01/D.json, gathered 2026-12-03 from "
    "QuinnyPig/aws-price-watcher, a public mirror of AWS's pricing-page feed, snapshot a6645eb2 "
    "of 2025-06-18), read through the same Price List importer. D prices Secrets Manager, "
    "Parameter Store's advanced API interactions, ACM's exportable certificates, Private CA, "
    "Firewall Manager, Inspector, Security Hub and Network Firewall in the baseline Regions the "
    "2027-01 book lacked, and Network Firewall's Advanced Inspection endpoint hours. Each rate's "
    "source names the repository, path, commit and date for its own Region. No price is copied "
    "from another Region: where no source was found, the rate is left out and its input is "
    "unavailable there."
)


class WouldChange(Exception):
    """A research D row would change a price the 2027-01 book already has."""


def base_book() -> dict:
    """The 2027-01 book with the inputs and rates research D prices for the first time."""
    book = read_price_book(BASE)
    services = {service["code"]: service for service in book["services"]}
    for service, key, label, unit, code, help_text, rate_unit, at_most in NEW_INPUTS:
        add_input(services[service], key, label, unit, code, help_text, "D", rate_unit, at_most)
    return book


def build() -> dict:
    book = base_book()
    products, left_out, disagreements = research_products(book, FILES)
    result = import_offers(book, offers_of(book, products), effective_date=EFFECTIVE, name=NAME)
    changed = [
        (entry.service, entry.rate, entry.region)
        for entry in result.with_status(CHANGED)
        if not extends_the_book(book, entry)
    ]
    if changed:
        raise WouldChange(f"research D would change prices of the 2027-01 book: {changed}")
    built = result.book
    built["source_note"] = notes(built, left_out, disagreements, INTRO, NO_PRICE_R2)
    return built


def extends_the_book(book: dict, entry) -> bool:
    """Whether an imported rate keeps every band the 2027-01 book has there and adds more."""
    (service,) = [s for s in book["services"] if s["code"] == entry.service]
    (old,) = [
        rate
        for rate in service["rates"]
        if rate["code"] == entry.rate and entry.region in rate["regions"]
    ]
    new = [(tier.start, tier.price) for tier in entry.spec.tiers]
    bands = [(tier["start"], tier["price"]) for tier in old["tiers"]]
    return len(new) > len(bands) and new[: len(bands)] == bands


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say whether the file differs")
    args = parser.parse_args()
    text = book_json(book_file_data(build())) + "\n"
    read_price_book(text)  # the file the migration loads passes every check
    return write_or_check(OUTPUT, text, args.check)


if __name__ == "__main__":
    sys.exit(main())
