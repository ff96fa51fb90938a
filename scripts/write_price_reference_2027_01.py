"""Write tests/data/price_reference_2027_01.json: every rate of book 2027-01 as the research rows
state it, for tests/test_price_book_2027_01.py to pin the book against.

It reads the research files and the 2026-12 reference only, never the book file or the importer:
the research's own numbers (a row's tiers, free allowance and usage type, in book units) become
the expected rows, so a mistake in how the importer turns them into a book shows as a
difference. Run it again only when the research changes.

    python3 scripts/write_price_reference_2027_01.py
"""

import json
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
RESEARCH = DATA / "regions_research_2027_01"
OUTPUT = DATA / "price_reference_2027_01.json"
REGIONS_2026_12 = DATA / "price_reference_2026_12.json"
FILES = ("B", "A", "C")
GRADES = "ABCDE"
ALL_REGION_SOURCES = {("A", "S2")}  # the WAF blog: "consistent across all AWS Regions"
GLOBAL_SHIELD = {"advanced_subscriptions", "cloudfront_dto_gb", "global_accelerator_dto_gb"}


def region_of(name: str, row: dict) -> str | None:
    region = row["region"]
    if region == "*":
        return "*" if (name, row["source"]) in ALL_REGION_SOURCES else None
    if region.startswith("global"):
        return "*" if row["service"] == "shield" and row["rate"] in GLOBAL_SHIELD else None
    return region if "-" in region and " " not in region else None


def bands(row: dict) -> list[tuple[Decimal, Decimal]]:
    return [(Decimal(t["start"]), Decimal(t["price"])) for t in row["tiers"]]


def main() -> None:
    chosen: dict[tuple[str, str, str], tuple] = {}
    for order, name in enumerate(FILES):
        research = json.loads((RESEARCH / f"{name}.json").read_text(encoding="utf-8"))
        for row in research["rates"]:
            region = region_of(name, row)
            if region is None or not row["tiers"]:
                continue
            source = research["sources"][row["source"]]
            grade = row.get("grade") or row.get("book_grade") or source.get("grade")
            entry = ((GRADES.index(grade), order), name, row, grade)
            key = (row["service"], row["rate"], region)
            best = chosen.get(key)
            fuller = best is not None and (
                len(bands(row)) > len(bands(best[2]))
                and bands(row)[: len(bands(best[2]))] == bands(best[2])
                and Decimal(row.get("free_units") or 0) == Decimal(best[2].get("free_units") or 0)
            )
            if best is None or fuller or (entry[0] < best[0] and not _extends(best[2], row)):
                chosen[key] = entry
    services: dict = {}
    for (service, rate, region), (_, name, row, grade) in sorted(chosen.items()):
        suffix = row.get("usage_type_suffix") or ""
        services.setdefault(service, {}).setdefault(rate, {})[region] = {
            "per_units": row["per_units"],
            "tiers": [[t["start"], t["price"]] for t in row["tiers"]],
            "free_units": row.get("free_units") or "0",
            "grade": grade,
            "usage_type": suffix if suffix.replace("-", "").replace("_", "").isalnum() else None,
            "research": f"{name}.{row['source']}",
        }
    reference = {
        "source": (
            "Written by scripts/write_price_reference_2027_01.py from the research rows in "
            "tests/data/regions_research_2027_01/ (A, B, C.json) and, for rates the research "
            "did not cover, the 2026-12 reference: never from the book file. Per rate and Region: "
            "its price in book units, tiers [start, price] with boundaries including the free "
            "allowance, the grade and the research row it comes from. usage_type null: the "
            "research row names none, and the book keeps the 2026-12 book's usage type."
        ),
        "book_name": "AWS list prices, 2027-01",
        "effective_date": "2027-01-01",
        "services": services,
        "carried_from_2026_12": carried(services),
    }
    OUTPUT.write_text(json.dumps(reference, indent=1, ensure_ascii=False) + "\n", "utf-8")
    print(f"Wrote {OUTPUT.relative_to(ROOT)}.")
    write_examples(services)


def write_examples(services: dict) -> None:
    """One estimate per service and Region (up to three Regions), each one flat rate used
    1,000 times its unit (once for an input bounded at 1), the total worked from the research
    price alone: quantity ÷ per_units × price, plus GuardDuty in Tokyo with 10,000,000
    management events (the issue's $47.20)."""
    book_inputs = json.loads((ROOT / "estimates/prices/price_books/aws-2026-12.json").read_text())
    inputs = {
        service["code"]: {entry["key"]: entry for entry in service["inputs"]}
        for service in book_inputs["services"]
    }
    examples = [
        {
            "id": "guardduty-tokyo-management-events",
            "source": "B.json S1 (Price List capture for ap-northeast-1, 2026-09-23): "
            "'gd_ct_event 0.00000472 # APN1-PaidEventsAnalyzed'; 10,000,000 ÷ 1,000,000 × $4.72",
            "free_tier": True,
            "items": [
                {
                    "service": "guardduty",
                    "region": "ap-northeast-1",
                    "usage": {"cloudtrail_management_events": 10000000},
                }
            ],
            "expected_monthly_total": "47.20",
        }
    ]
    for service, rates in services.items():
        regions_done: list[str] = []
        for rate, by_region in rates.items():
            spec = inputs.get(service, {}).get(rate)
            if spec is None or spec.get("requires_key") or spec.get("at_most_key"):
                continue
            for region, row in sorted(by_region.items()):
                if len(regions_done) == 3 or region in regions_done or region == "*":
                    continue
                if row["grade"] == "E":
                    continue
                price = Decimal(row["tiers"][0][1])
                per_units = Decimal(row["per_units"])
                times = Decimal(1) if Decimal(spec.get("max", "1e15")) < 1000 else Decimal(1000)
                quantity = Decimal(row["free_units"]) + times * per_units
                if len(row["tiers"]) > 1 and quantity > Decimal(row["tiers"][1][0]):
                    continue  # within the first band only
                total = (times * price).quantize(Decimal("0.01"))
                if total == 0:
                    continue
                regions_done.append(region)
                examples.append(
                    {
                        "id": f"{service}-{rate}-{region}",
                        "source": f"research {row['research']} ({row['grade']}): "
                        f"${row['tiers'][0][1]} per {row['per_units']} {rate}; "
                        f"{times} × {row['per_units']} beyond the free {row['free_units']}",
                        "free_tier": True,
                        "items": [
                            {
                                "service": service,
                                "region": region,
                                "usage": {rate: int(quantity)},
                            }
                        ],
                        "expected_monthly_total": f"{total}",
                    }
                )
    about = (
        "Estimates priced with the 2027-01 book, one per service in up to three Regions (as many "
        "as the research prices), each total worked from the research row's price alone by "
        "scripts/write_price_reference_2027_01.py. Services priced in fewer Regions have fewer."
    )
    path = DATA / "examples_2027_01.json"
    path.write_text(
        json.dumps({"about": about, "examples": examples}, indent=1, ensure_ascii=False) + "\n",
        "utf-8",
    )
    print(f"Wrote {path.relative_to(ROOT)}: {len(examples)} examples.")


def _extends(fuller: dict, partial: dict) -> bool:
    mine, theirs = bands(fuller), bands(partial)
    return len(mine) > len(theirs) and mine[: len(theirs)] == theirs


def carried(services: dict) -> dict:
    """The 2026-12 rates with a source for their own Region that no research row replaces."""
    old = json.loads(REGIONS_2026_12.read_text(encoding="utf-8"))["services"]
    found: dict = {}
    for service, entry in old.items():
        for rate, spec in entry["rates"].items():
            region_note = " ".join(
                str(value) for value in (entry.get("region_note"), spec.get("region_note"))
            )
            for region in spec["regions"]:
                if region in services.get(service, {}).get(rate, {}):
                    continue
                if region == "us-east-1" and "us-east-1 = us-east-2" in region_note:
                    continue  # assumed, not sourced: left out of 2027-01
                found.setdefault(service, {}).setdefault(rate, {})[region] = {
                    "per_units": str(spec["per_units"]),
                    "tiers": [[str(start), price] for start, price in spec["tiers"]],
                    "free_units": str(spec["free_units"]),
                }
    return found


if __name__ == "__main__":
    main()
