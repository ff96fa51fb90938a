"""Write tests/data/price_reference_2027_01_r2.json and tests/data/examples_2027_01_r2.json:
each rate research D adds to book 2027-01 revision 2, as D's rows state it, and worked examples
priced from those rows alone, for tests/test_price_book_2027_01_r2.py.

It reads the research file only, never the book file or the importer: a mistake in how the
importer turns D's rows into a book shows as a difference. Every other rate of the revision is
pinned to the 2027-01 book itself by the test. Run it again only when the research changes.

    python3 scripts/write_price_reference_2027_01_r2.py
"""

import json
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
RESEARCH = DATA / "regions_research_2027_01" / "D.json"
OUTPUT = DATA / "price_reference_2027_01_r2.json"
EXAMPLES = DATA / "examples_2027_01_r2.json"
CENT = Decimal("0.01")
# One estimate a service, the same usage in each Region the example is worked for; only the
# inputs D prices in that Region are typed.
USAGE = {
    "secrets_manager": {"secrets": 25, "replica_secrets": 3, "api_calls": 1_000_000},
    "ssm_parameter_store": {"advanced_api_interactions": 2_000_000},
    "acm": {"exportable_fqdn_certificates": 4, "exportable_wildcard_certificates": 1},
    "private_ca": {
        "general_purpose_cas": 1,
        "short_lived_cas": 1,
        "private_certificates": 12_000,
        "short_lived_certificates": 500,
        "ocsp_certificates_queried": 100,
    },
    "firewall_manager": {"policies": 3},
    "inspector": {
        "ec2_instances": 40,
        "ec2_agentless_instances": 10,
        "cis_scans": 40,
        "ecr_initial_scans": 200,
        "ecr_rescans": 1000,
        "lambda_functions": 50,
        "lambda_code_functions": 20,
    },
    "security_hub": {
        "security_checks": 600_000,
        "finding_ingestion_events": 50_000,
        "automation_rule_evaluations": 150_000_000,
    },
    "network_firewall": {
        "endpoints": 2,
        "data_processed_gb": 5000,
        "advanced_inspection_gb": 1000,
        "advanced_inspection_endpoints": 2,
    },
}
REGIONS = ("us-east-1", "eu-central-1", "sa-east-1", "ap-northeast-3", "ca-central-1")
# An input bounded by another (at most as many as it) is typed only with that one.
BOUNDED_BY = {
    "advanced_inspection_endpoints": "endpoints",
    "lambda_code_functions": "lambda_functions",
}


def main() -> None:
    research = json.loads(RESEARCH.read_text(encoding="utf-8"))
    services: dict = {}
    for row in research["rates"]:
        entry = services.setdefault(row["service"], {}).setdefault(row["rate"], {})
        assert row["region"] not in entry, (row["service"], row["rate"], row["region"])
        entry[row["region"]] = {
            "per_units": row["per_units"],
            "tiers": [[t["start"], t["price"]] for t in row["tiers"]],
            "free_units": row["free_units"],
            "grade": row["grade"],
            "usage_type": row["usage_type_suffix"],
            "research": f"D.{row['source']}",
        }
    reference = {
        "source": (
            "Written by scripts/write_price_reference_2027_01_r2.py from the research rows in "
            "tests/data/regions_research_2027_01/D.json, never from the book file: each rate "
            "and Region research D adds to the 2027-01 book, its price in book units, tiers "
            "[start, price] with boundaries including the free allowance, grade, usage-type "
            "suffix and research row. Every other rate of revision 2 is the 2027-01 book's."
        ),
        "book_name": "AWS list prices, 2027-01, revision 2",
        "effective_date": "2027-01-01",
        "new_inputs": {"network_firewall": ["advanced_inspection_endpoints"]},
        "services": services,
    }
    OUTPUT.write_text(json.dumps(reference, indent=1, ensure_ascii=False) + "\n", "utf-8")
    print(f"Wrote {OUTPUT.relative_to(ROOT)}.")
    write_examples(services)


def cost(row: dict, quantity: Decimal) -> tuple[Decimal, str]:
    """The row's price of `quantity`: free allowance first, then each band; and the sum."""
    free = min(quantity, Decimal(row["free_units"]))
    per_units = Decimal(row["per_units"])
    total, parts = Decimal(0), []
    tiers = row["tiers"]
    for index, (start, price) in enumerate(tiers):
        low = max(Decimal(start), free)
        high = quantity if index == len(tiers) - 1 else min(quantity, Decimal(tiers[index + 1][0]))
        if high > low:
            units = high - low
            total += units * Decimal(price) / per_units
            per = "" if per_units == 1 else f" / {per_units}"
            parts.append(f"{units}{per} × ${price}")
    text = " + ".join(parts) or "0"
    return total, (f"{free} free, " if free else "") + text


def write_examples(services: dict) -> None:
    examples = []
    for service, usage in USAGE.items():
        for region in REGIONS:
            rows = {
                rate: services[service][rate][region]
                for rate in usage
                if region in services.get(service, {}).get(rate, {})
            }
            rows = {
                rate: row
                for rate, row in rows.items()
                if rate not in BOUNDED_BY or BOUNDED_BY[rate] in rows
            }
            if not rows:
                continue
            total, steps = Decimal(0), []
            for rate, row in rows.items():
                amount, text = cost(row, Decimal(usage[rate]))
                total += amount
                steps.append(f"{rate} {usage[rate]}: {text} = ${amount.normalize():f}")
            examples.append(
                {
                    "id": f"{service}-{region}",
                    "source": "research "
                    + ", ".join(sorted({row["research"] for row in rows.values()}))
                    + " (B): "
                    + "; ".join(steps),
                    "free_tier": True,
                    "items": [
                        {
                            "service": service,
                            "region": region,
                            "usage": {rate: usage[rate] for rate in rows},
                        }
                    ],
                    "expected_monthly_total": f"{total.quantize(CENT)}",
                }
            )
    about = (
        "Estimates priced with the 2027-01 book's revision 2, one per service research D prices "
        "for the first time, in up to five Regions (those of the 2027-01 book's gaps), each total "
        "worked from D's rows alone by scripts/write_price_reference_2027_01_r2.py, band by band "
        "after the free allowance."
    )
    EXAMPLES.write_text(
        json.dumps({"about": about, "examples": examples}, indent=1, ensure_ascii=False) + "\n",
        "utf-8",
    )
    print(f"Wrote {EXAMPLES.relative_to(ROOT)}: {len(examples)} examples.")


if __name__ == "__main__":
    main()
