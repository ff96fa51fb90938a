"""Build estimates/prices/price_books/aws-2027-01.json from the regional research, through the
Price List importer (estimates.prices.aws_import.import_offers).

    .venv/bin/python scripts/build_price_book_2027_01.py           # writes the book file
    .venv/bin/python scripts/build_price_book_2027_01.py --check   # exits 1 if it would differ

The research (tests/data/regions_research_2027_01/{A,B,C}.json, gathered 2026-12-03 from public
copies of AWS Price List data and pricing pages) gives one row per rate and Region, each with
its own source. Each row becomes an offer product that names its rate, its Region, its citation
and grade; the importer adds it to a copy of the 2026-12 book. Rules:

- A row counts only for its own Region. An all-Regions row (`*`) only where AWS says the price is
  the same in every Region (the WAF blog sentence, S2 of A.json) or where the Price List bills
  it under no Region (Shield Advanced's fee, location "Any"; CloudFront and Global Accelerator
  transfer, location "Global"). Blanket "it is free" sentences without a Region are not enough.
- Where rows for one rate and Region disagree, the better grade wins, then the newer capture
  (B, then A, then C); each disagreement is written in the book's notes.
- The 2026-12 book's us-east-1 rows that were "assumed = us-east-2" are dropped; a source for
  us-east-1 itself brings them back.
- Nothing else is filled: a rate without a row for a Region has no price there, and the book's
  notes and /prices/<id>/ list it.
"""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from estimates import pricing  # noqa: E402
from estimates.prices.aws_import import (  # noqa: E402
    Offer,
    OfferProduct,
    PriceDimension,
    import_offers,
)
from estimates.prices.book_file import (  # noqa: E402
    PRICE_BOOKS,
    book_file_data,
    book_json,
    catalog_from_book,
    read_price_book,
)
from estimates.prices.changes import coverage_gaps  # noqa: E402
from estimates.pricing.regions import BASELINE_REGIONS, REGIONS  # noqa: E402

RESEARCH = ROOT / "tests" / "data" / "regions_research_2027_01"
BASE = PRICE_BOOKS / "aws-2026-12.json"
OUTPUT = PRICE_BOOKS / "aws-2027-01.json"
NAME = "AWS list prices, 2027-01"
EFFECTIVE = "2027-01-01"
FILES = ("B", "A", "C")  # the order a tie is broken in: B's 2026 captures first
GRADE_ORDER = "ABCDE"
# Sources whose all-Regions row AWS states as one price everywhere.
ALL_REGION_SOURCES = {("A", "S2")}
# Shield items the Price List bills under no Region: their research rows say "global".
GLOBAL_SHIELD = {"advanced_subscriptions", "cloudfront_dto_gb", "global_accelerator_dto_gb"}
ASSUMED = "us-east-1 assumed = us-east-2"

# Item 5's missing dimensions that have a sourced price: (service, input, rate). Units, labels
# and usage types are B.json's new_dimensions; prices come from the rows like any other rate.
NEW_INPUTS = {
    "cloudtrail": [
        (
            "network_activity_events",
            "Network activity events",
            "events",
            "network_activity_events",
            "Events for VPC endpoint activity; every copy is billed (CloudTrail guide).",
        ),
        (
            "data_insights_events",
            "Data events analysed by Insights",
            "events",
            "data_insights_events",
            "Data events CloudTrail Insights analyses, on trails.",
        ),
        (
            "lake_ingestion_cloudtrail_gb",
            "Lake ingestion: CloudTrail events, one-year retention",
            "GB",
            "lake_ingestion_1yr_cloudtrail_gb",
            "CloudTrail Lake, one-year extendable retention; closed to new customers 2026-05-31.",
        ),
        (
            "lake_ingestion_other_gb",
            "Lake ingestion: other sources, one-year retention",
            "GB",
            "lake_ingestion_1yr_other_gb",
            "Config items, Audit Manager and external events.",
        ),
        (
            "lake_ingestion_7yr_gb",
            "Lake ingestion, seven-year retention",
            "GB",
            "lake_ingestion_7yr_gb",
            "Retention is included in the seven-year ingestion price.",
        ),
        (
            "lake_extended_retention_gb",
            "Lake extended retention (one-year option)",
            "GB-months",
            "lake_retention_gb_months",
            "Storage kept beyond the first year.",
        ),
        (
            "lake_query_scanned_gb",
            "Lake data scanned by queries",
            "GB",
            "lake_query_scanned_gb",
            "",
        ),
    ],
    "config": [
        (
            "proactive_rule_evaluations",
            "Proactive rule evaluations",
            "evaluations",
            "proactive_rule_evaluations",
            "Evaluations of resources before they are deployed.",
        ),
    ],
    "network_firewall": [
        (
            "advanced_inspection_gb",
            "Advanced Inspection traffic",
            "GB",
            "advanced_inspection_gb",
            "Traffic processed with Advanced Inspection (TLS inspection).",
        ),
    ],
}
# What the research found no price for at all (item 5): listed in the notes, no input.
NO_PRICE = [
    "Network Firewall secondary endpoints (VPC endpoint associations): no price found (B.json).",
    "Network Firewall endpoint hours with Advanced Inspection: no price found (B.json).",
    "Route 53 Resolver DNS Firewall Advanced: B.json reads $0.16 per rule group–VPC association "
    "hour from calculator notes that call the mapping inferred (S6); the pricing-page feed has a "
    "$0.16 'Query DNS Firewall Advanced over 1B' key whose unit contradicts it (C.json). "
    "Ambiguous, so not priced.",
    "Config proactive evaluations of rules also in detective mode: a $0 SKU "
    "(EUW2-ProactiveConfigRuleEvaluationsDetectiveEnabled) suggests they are free; not priced.",
]
PRIVATE_CA_POOLING = (
    "Private CA pricing page (aws.amazon.com/private-ca/pricing/, A): 'This fee is incurred in the "
    "AWS account from which you issue the certificate. Private certificate pricing is based on "
    "the number of certificates issued in the calendar month in each Region.' No AWS sentence "
    "pools the tiers across an organisation."
)


def load(name: str) -> dict:
    return json.loads((RESEARCH / f"{name}.json").read_text(encoding="utf-8"))


def citation(research: dict, name: str, row: dict) -> tuple[str, str]:
    """(source text, grade) of a research row: repository, path, commit, date and the quote."""
    source = research["sources"][row["source"]]
    grade = row.get("grade") or row.get("book_grade") or source.get("grade") or "E"
    commit = source.get("commit", "")
    commit = commit[:12] if len(commit) == 40 else commit
    where = ", ".join(
        part for part in (source.get("repo", ""), source.get("path", ""), commit) if part != "-"
    )
    text = f"{where} ({source.get('date', '')}; research {name}.{row['source']}): {row['quote']}"
    notes = " ".join(filter(None, (row.get("caveat"), row.get("tier_boundaries"))))
    if notes:
        text = f"{text} — {notes}"
    return " ".join(text.split())[:300], grade


def region_of(row: dict, name: str) -> str | None:
    region = row["region"]
    if region in REGIONS:
        return region
    if region == pricing.ALL_REGIONS and (name, row["source"]) in ALL_REGION_SOURCES:
        return region
    if region.startswith("global") and row["service"] == "shield" and row["rate"] in GLOBAL_SHIELD:
        return pricing.ALL_REGIONS
    return None


def dimensions(row: dict) -> tuple[PriceDimension, ...]:
    """The row's tiers as AWS writes them: a price per one unit, a free band first (the importer
    multiplies by the book's per_units)."""
    per_units = Decimal(row["per_units"])
    free = Decimal(row.get("free_units") or 0)
    tiers = row["tiers"]
    found = []
    if free:
        found.append(PriceDimension(Decimal(0), free, "", Decimal(0)))
    for index, tier in enumerate(tiers):
        begin = free if index == 0 else Decimal(tier["start"])
        end = Decimal(tiers[index + 1]["start"]) if index + 1 < len(tiers) else None
        found.append(PriceDimension(begin, end, "", Decimal(tier["price"]) / per_units))
    return tuple(found)


def base_book() -> dict:
    book = read_price_book(BASE)
    for service in book["services"]:
        for rate in service["rates"]:
            if ASSUMED in rate["source"]:
                rate["regions"] = tuple(r for r in rate["regions"] if r != pricing.DEFAULT_REGION)
        service["rates"] = [rate for rate in service["rates"] if rate["regions"]]
        service["guidance"] = tuple(
            line for line in service["guidance"] if "assumed equal" not in line
        )
        for key, label, unit, code, help_text in NEW_INPUTS.get(service["code"], ()):
            add_input(service, key, label, unit, code, help_text)
        if service["code"] == "firewall_manager":
            service["aws_offer_code"] = "AWSFMS"  # A.json: the Price List offer of its policies
        if service["code"] == "private_ca":
            for rate in service["rates"]:
                if rate["code"] in ("private_certificates", "short_lived_certificates"):
                    rate["pooling"] = pricing.ACCOUNT_REGION
                    rate["pooling_source"] = PRIVATE_CA_POOLING[:300]
    return book


def add_input(
    service: dict,
    key: str,
    label: str,
    unit: str,
    code: str,
    help_text: str,
    research: str = "B",
    rate_unit: str = "",
    at_most_key: str = "",
) -> None:
    """A new input of the service and its rate, defined by a research file's new_dimensions."""
    service["inputs"].append(
        {
            "key": key,
            "label": label,
            "unit": unit,
            "help": help_text,
            "min": pricing.ZERO,
            "max": pricing.MAX_QUANTITY,
            "whole": False,
            "at_most_key": at_most_key,
            "at_most_factor": Decimal(1) if at_most_key else pricing.ZERO,
            "requires_key": "",
        }
    )
    rate = new_rate(service["code"], code, key, label, rate_unit or unit, research)
    service["rates"].append(rate)


def new_rate(service: str, code: str, key: str, label: str, unit: str, research: str = "B") -> dict:
    """A rate of item 5 with no Region yet: its definition, from a research file's
    new_dimensions (B.json's for this book)."""
    (spec,) = [
        entry
        for entry in load(research)["new_dimensions"]
        if (entry["service"], entry["rate"]) == (service, code)
    ]
    return {
        "code": code,
        "label": label,
        "meters": (key,),
        "per_units": Decimal(spec["per_units"]),
        "unit": unit,
        "free_units": pricing.ZERO,
        "regions": (),
        "billing": pricing.MONTHLY,
        "tiers": [{"start": pricing.ZERO, "price": pricing.ZERO}],
        "grade": "E",
        "source": "",
        "aws_usage_type": spec["usage_type_suffix"],
        "pooling": pricing.ORGANIZATION_REGION,
        "pooling_source": "",
        "commitment_months": 0,
    }


def research_products(
    book: dict, files: tuple[str, ...] = FILES
) -> tuple[list[OfferProduct], list[str], list[str]]:
    """One product per rate and Region (the best row), the rows left out, the disagreements."""
    per_units = {
        (service["code"], rate["code"]): rate["per_units"]
        for service in book["services"]
        for rate in service["rates"]
    }
    candidates: dict[tuple[str, str, str], list] = {}
    left_out: list[str] = []
    for order, name in enumerate(files):
        research = load(name)
        for row in research["rates"]:
            key = (row["service"], row["rate"])
            region = region_of(row, name)
            where = f"{name}: {row['service']}.{row['rate']} [{row['region']}]"
            if key not in per_units:
                left_out.append(f"{where}: no such rate in the book")
                continue
            if region is None:
                left_out.append(f"{where}: not a Region, nor a price AWS states for all Regions")
                continue
            if not row["tiers"]:
                left_out.append(f"{where}: no price")
                continue
            text, grade = citation(research, name, row)
            rank = (GRADE_ORDER.index(grade), order)
            candidates.setdefault((*key, region), []).append((rank, name, row, text, grade))
    products, disagreements = [], []
    for (service, code, region), rows in candidates.items():
        rows.sort(key=lambda entry: entry[0])
        chosen = rows[0]
        for entry in rows[1:]:
            if extends(entry[2], chosen[2]):
                chosen = entry  # it agrees on the bands the other saw, and has the rest
        _, name, row, text, grade = chosen
        dims = dimensions(row)
        for _, other_name, other, _, _ in rows:
            if other is not row and not extends(row, other) and dimensions(other) != dims:
                disagreements.append(
                    f"{service}.{code} [{region}]: {name}.{row['source']} {tiers_text(row)} "
                    f"kept over {other_name}.{other['source']} {tiers_text(other)}"
                )
        usage_type = row.get("usage_type") or ""
        products.append(
            OfferProduct(
                sku=f"{name}.{row['source']}",
                usage_type=usage_type,
                region_code=region,
                dimensions=dims,
                citation=text,
                grade=grade,
                rate=(service, code),
            )
        )
    return products, left_out, disagreements


def extends(fuller: dict, partial: dict) -> bool:
    """Whether a row has every band another saw, at the same prices, and more after them."""
    mine = [(Decimal(t["start"]), Decimal(t["price"])) for t in fuller["tiers"]]
    theirs = [(Decimal(t["start"]), Decimal(t["price"])) for t in partial["tiers"]]
    same_free = Decimal(fuller.get("free_units") or 0) == Decimal(partial.get("free_units") or 0)
    return same_free and len(mine) > len(theirs) and mine[: len(theirs)] == theirs


def tiers_text(row: dict) -> str:
    text = " / ".join(tier["price"] for tier in row["tiers"])
    free = row.get("free_units") or "0"
    return f"{text} (free {free})" if Decimal(free) else text


def offers_of(book: dict, products: list[OfferProduct]) -> list[Offer]:
    """The products as one offer per Price List offer code, as the importer reads them."""
    offer_of = {service["code"]: service["aws_offer_code"] for service in book["services"]}
    return [
        Offer(
            source=f"regional research 2026-12-03 ({offer_code})",
            offer_code=offer_code,
            publication_date="2026-12-03",
            version="",
            products=tuple(p for p in products if offer_of[p.rate[0]] == offer_code),
            note="-",
        )
        for offer_code in dict.fromkeys(offer_of[p.rate[0]] for p in products)
    ]


def build() -> dict:
    book = base_book()
    products, left_out, disagreements = research_products(book)
    offers = offers_of(book, products)
    result = import_offers(book, offers, effective_date=EFFECTIVE, name=NAME)
    built = result.book
    built["source_note"] = notes(built, left_out, disagreements)
    return built


INTRO = (
    "AWS list prices for January 2027, built by scripts/build_price_book_2027_01.py from the "
    "regional research in tests/data/regions_research_2027_01/ (A.json, B.json, C.json, "
    "gathered 2026-12-03 from public copies of AWS Price List data and AWS pricing pages), "
    "read through the Price List importer. Each rate's source names the repository, path, "
    "commit and date for its own Region. No price is copied from another Region: where no "
    "source was found, the rate is left out and its input is unavailable there."
)


def notes(
    book: dict,
    left_out: list[str],
    disagreements: list[str],
    intro: str = INTRO,
    no_price: list[str] = NO_PRICE,
) -> str:
    catalog = catalog_from_book(book)
    lines = [intro, "", "Not priced in the 17 baseline Regions (no source for that Region):"]
    for gap in coverage_gaps(catalog, BASELINE_REGIONS):
        missing = "every rate" if gap.whole_service else ", ".join(gap.missing)
        lines.append(f"- {gap.service} in {gap.region}: {missing}")
    lines += ["", "Missing dimensions with no price found:", *(f"- {t}" for t in no_price)]
    if disagreements:
        lines += ["", "Research rows that disagree (the better grade or newer capture is kept):"]
        lines += [f"- {line}" for line in disagreements]
    lines += ["", f"Research rows not used: {len(left_out)} (listed by the script)."]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say whether the file differs")
    parser.add_argument("--left-out", action="store_true", help="print the research rows not used")
    args = parser.parse_args()
    book = build()
    text = book_json(book_file_data(book)) + "\n"
    read_price_book(text)  # the file the migration loads passes every check
    if args.left_out:
        _, left_out, _ = research_products(base_book())
        print("\n".join(left_out))
    return write_or_check(OUTPUT, text, args.check)


def write_or_check(output: Path, text: str, check: bool) -> int:
    """Write the book file; or, with --check, exit 1 when the file is not what was built."""
    if check:
        same = output.exists() and output.read_text(encoding="utf-8") == text
        print(f"{output.name} is {'up to date' if same else 'out of date'}.")
        return 0 if same else 1
    output.write_text(text, encoding="utf-8")
    print(f"Wrote {output.relative_to(ROOT)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
