"""Write D.json: the rows research D read from a second mirror of the AWS pricing-page feed.

    python3 tests/data/regions_research_2027_01/build_D.py /path/to/QuinnyPig+aws-price-watcher/repo

The mirror is QuinnyPig/aws-price-watcher, whose `raw/<service>.json` files are copies of
b0.p.awsstatic.com/pricing/2.0/meteredUnitMaps/<service>/USD/current/<service>.json, the data
behind each pricing page, for every Region. Each rate is read from its own Region's entry, by the
feed's own label key (or, for ACM, the one regionless key with that price); nothing is copied
between Regions. Rows are written only for a rate and Region the 2027-01 book does not price.
"""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent.parent
REPO = "QuinnyPig/aws-price-watcher"
SNAPSHOT = "a6645eb2e53e9399396a714cdc4f3c346c7f06c0"  # 2025-06-18, the snapshot's newest commit
HOURS = Decimal(730)
FEED_REGIONS = {
    "us-east-1": "US East (N. Virginia)",
    "us-east-2": "US East (Ohio)",
    "us-west-1": "US West (N. California)",
    "us-west-2": "US West (Oregon)",
    "ca-central-1": "Canada (Central)",
    "sa-east-1": "South America (Sao Paulo)",
    "eu-west-1": "EU (Ireland)",
    "eu-west-2": "EU (London)",
    "eu-west-3": "EU (Paris)",
    "eu-central-1": "EU (Frankfurt)",
    "eu-north-1": "EU (Stockholm)",
    "ap-south-1": "Asia Pacific (Mumbai)",
    "ap-southeast-1": "Asia Pacific (Singapore)",
    "ap-southeast-2": "Asia Pacific (Sydney)",
    "ap-northeast-1": "Asia Pacific (Tokyo)",
    "ap-northeast-2": "Asia Pacific (Seoul)",
    "ap-northeast-3": "Asia Pacific (Osaka)",
}
PREFIX = {
    "us-east-1": "USE1",
    "us-east-2": "USE2",
    "us-west-1": "USW1",
    "us-west-2": "USW2",
    "ca-central-1": "CAN1",
    "sa-east-1": "SAE1",
    "eu-west-1": "EU",
    "eu-west-2": "EUW2",
    "eu-west-3": "EUW3",
    "eu-central-1": "EUC1",
    "eu-north-1": "EUN1",
    "ap-south-1": "APS3",
    "ap-southeast-1": "APS1",
    "ap-southeast-2": "APS2",
    "ap-northeast-1": "APN1",
    "ap-northeast-2": "APN2",
    "ap-northeast-3": "APN3",
}
ACM_FQDN = "GxG6Ybs6pEumies98iPjwwdnC89YV3FNO4Sn86kBo18"
ACM_WILDCARD = "zY1NJfnggLi9UZ7d0NCmMA7NrUBkvv1n4rJO8t5lqWQ"
HOURLY = "hourly feed price x 730 hours (the book's month)"

# (service, rate, feed file, unit, per_units, hourly, usage-type suffix, [(start, key)], free key)
SPECS = [
    (
        "secrets_manager",
        "secrets",
        "secretsmanager",
        "secret-months",
        "1",
        False,
        "AWSSecretsManager-Secrets",
        [("0", "Secret")],
        None,
    ),
    (
        "secrets_manager",
        "replica_secrets",
        "secretsmanager",
        "replica-months",
        "1",
        False,
        "AWSSecretsManager-Secrets",
        [("0", "Secret")],
        None,
    ),
    (
        "secrets_manager",
        "api_calls",
        "secretsmanager",
        "calls",
        "10000",
        False,
        "AWSSecretsManagerAPIRequest",
        [("0", "API Request")],
        None,
    ),
    (
        "ssm_parameter_store",
        "advanced_api_interactions",
        "systemsmanager",
        "interactions",
        "10000",
        False,
        "PS-Param-Processed-Tier2",
        [("0", "Advanced Parameter Standard Throughput per API Request")],
        None,
    ),
    (
        "ssm_parameter_store",
        "higher_throughput",
        "systemsmanager",
        "interactions",
        "10000",
        False,
        "PS-Param-Processed-Tier2",
        [("0", "Parameter Higher Throughputper API Request")],
        None,
    ),
    (
        "acm",
        "exportable_fqdn_certificates",
        "acm",
        "certificates",
        "1",
        False,
        "IssueExportablePublicCertificateDomain",
        [("0", ACM_FQDN)],
        None,
    ),
    (
        "acm",
        "exportable_wildcard_certificates",
        "acm",
        "certificates",
        "1",
        False,
        "IssueExportablePublicCertificateWildcardDomain",
        [("0", ACM_WILDCARD)],
        None,
    ),
    (
        "private_ca",
        "general_purpose_cas",
        "certificatemanager",
        "CA-months",
        "1",
        False,
        "PaidPrivateCA",
        [("0", "Certificate Authority Paid")],
        None,
    ),
    (
        "private_ca",
        "short_lived_cas",
        "certificatemanager",
        "CA-months",
        "1",
        False,
        "ShortLivedCertificatePrivateCA",
        [("0", "Short lived Certificate Authority")],
        None,
    ),
    (
        "private_ca",
        "private_certificates",
        "certificatemanager",
        "certificates",
        "1",
        False,
        "PrivateCertificatesIssued",
        [
            ("0", "Certificate Issued from 0 to 1000"),
            ("1000", "Certificate Issued from 1000 to 10000"),
            ("10000", "Certificate Issued from 10001 and above"),
        ],
        None,
    ),
    (
        "private_ca",
        "short_lived_certificates",
        "certificatemanager",
        "certificates",
        "1",
        False,
        "ShortLivedCertificatesIssued",
        [("0", "Short lived Certificate Issued")],
        None,
    ),
    (
        "private_ca",
        "ocsp_certificates_queried",
        "certificatemanager",
        "certificates",
        "1",
        False,
        None,
        [("0", "OCSP Response")],
        None,
    ),
    (
        "firewall_manager",
        "policies",
        "fms",
        "policy-Region-months",
        "1",
        False,
        "Policy-Shield",
        [("0", "Firewall Manager Policy Public Regions Shield")],
        None,
    ),
    (
        "inspector",
        "ec2_instances",
        "inspectorv2",
        "instance-months",
        "1",
        True,
        "EC2-Scanning",
        [("0", "Continuous EC2 scans Instance hrs")],
        None,
    ),
    (
        "inspector",
        "ec2_agentless_instances",
        "inspectorv2",
        "instance-months",
        "1",
        True,
        "EC2-Scanning-agentless",
        [("0", "Agentless vulnerability scans Instance hrs")],
        None,
    ),
    (
        "inspector",
        "cis_scans",
        "inspectorv2",
        "instance-assessments",
        "1",
        False,
        "EC2-CIS-checks",
        [("0", "CIS checks Resource assessment")],
        None,
    ),
    (
        "inspector",
        "ecr_initial_scans",
        "inspectorv2",
        "images",
        "1",
        False,
        "container-image-initial-scan",
        [("0", "Initial Scan on push to ECR Resource-assessment")],
        None,
    ),
    (
        "inspector",
        "ecr_rescans",
        "inspectorv2",
        "rescans",
        "1",
        False,
        "container-image-re-scan",
        [("0", "Automated re scan Resource-assessment")],
        None,
    ),
    (
        "inspector",
        "lambda_functions",
        "inspectorv2",
        "function-months",
        "1",
        True,
        "Lambda-Standard-Scanning",
        [("0", "Standard Scanning Hourly")],
        None,
    ),
    (
        "inspector",
        "lambda_code_functions",
        "inspectorv2",
        "function-months",
        "1",
        True,
        "Lambda-Code-Scanning",
        [("0", "Code Scanning Hourly")],
        None,
    ),
    (
        "security_hub",
        "security_checks",
        "securityhub",
        "checks",
        "1",
        False,
        "PaidComplianceCheck",
        [
            ("0", "ComplianceCheck first 100000 per Security Checks"),
            ("100000", "ComplianceCheck next 400000 per Security Checks"),
            ("500000", "ComplianceCheck over 500000 per Security Checks"),
        ],
        None,
    ),
    (
        "security_hub",
        "finding_ingestion_events",
        "securityhub",
        "events",
        "1",
        False,
        "PaidFindingsIngestion",
        [("0", "FindingsIngestion per Event")],
        ("10000", "FindingsIngestion first 10000 FREE per Event"),
    ),
    (
        "security_hub",
        "automation_rule_evaluations",
        "securityhub",
        "evaluations",
        "1000000",
        False,
        "RuleEvaluation",
        [
            ("0", "from 1000000 upto 100000000 per Rule Evaluation Event"),
            ("100000000", "from 100000000 upto 1000000000 per Rule Evaluation Event"),
            ("1000000000", "from 1000000000 upto Inf per Rule Evaluation Event"),
        ],
        ("1000000", "first 1000000 per Rule Evaluation Event"),
    ),
    (
        "network_firewall",
        "endpoints",
        "networkfirewall",
        "endpoint-months",
        "1",
        True,
        "Endpoint-Hour",
        [("0", "AWS Firewall per Endpoint")],
        None,
    ),
    (
        "network_firewall",
        "data_processed_gb",
        "networkfirewall",
        "GB",
        "1",
        False,
        "Traffic-GB-Processed",
        [("0", "AWS Firewall per Throughput")],
        None,
    ),
    (
        "network_firewall",
        "advanced_inspection_gb",
        "networkfirewall",
        "GB",
        "1",
        False,
        "Advanced-Inspection-Traffic-GB-Processed",
        [("0", "AWS Firewall per Throughput-Advanced")],
        None,
    ),
    (
        "network_firewall",
        "advanced_inspection_endpoints",
        "networkfirewall",
        "endpoint-months",
        "1",
        True,
        "Advanced-Inspection-Endpoint-Hour",
        [("0", "AWS Firewall per Endpoint-Advanced")],
        None,
    ),
]
# Usage types the book already takes from a Price List row (not built from the prefix).
SOURCED_SUFFIX = {"Advanced-Inspection-Traffic-GB-Processed", "Endpoint-Hour"}
NOTES = {
    ("secrets_manager", "replica_secrets"): "A replica is billed as a secret (the book's "
    "2026-12 rows use the same usage type); the feed has one 'Secret' rate per Region.",
    ("firewall_manager", "policies"): "Every AWS policy type of the feed (WAF, WAFv2, Shield, "
    "Network Firewall, DNS Firewall, Security Group 'Common', audits, Network ACL) costs $100 "
    "in each of these Regions; the Shield key is taken, as A.json's EUN1-Policy-Shield row.",
    ("network_firewall", "advanced_inspection_endpoints"): "New dimension: the feed's "
    "'Endpoint-Advanced' hourly rate, charged on top of the endpoint hour for a firewall with "
    "Advanced Inspection (TLS inspection); usage type as named by the code of S3.",
}


def git_show(repo: Path, path: str) -> str:
    return subprocess.run(
        ["git", "--git-dir", str(repo), "show", f"{SNAPSHOT}:{path}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def last_commit(repo: Path, path: str) -> tuple[str, str]:
    out = subprocess.run(
        ["git", "--git-dir", str(repo), "log", "-1", "--format=%H %cs", SNAPSHOT, "--", path],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return out[0], out[1]


def priced_in_2027_01() -> dict[tuple[str, str, str], list[str]]:
    """Each priced (service, rate, Region) of the 2027-01 book, with its tier prices."""
    book = json.loads((ROOT / "estimates/prices/price_books/aws-2027-01.json").read_text())
    return {
        (service["code"], rate["code"], region): [number(t["price"]) for t in rate["tiers"]]
        for service in book["services"]
        for rate in service["rates"]
        for region in rate["regions"]
    }


def number(text: str) -> str:
    value = Decimal(text).normalize()
    return format(value, "f")


def main() -> int:
    repo = Path(sys.argv[1])
    if (repo / ".git").is_dir():
        repo = repo / ".git"
    feeds, sources = {}, {}
    for spec in SPECS:
        name = spec[2]
        if name in feeds:
            continue
        path = f"raw/{name}.json"
        feeds[name] = json.loads(git_show(repo, path))
        commit, date = last_commit(repo, path)
        manifest = feeds[name]["manifest"]
        sources[f"Q_{name}"] = {
            "repo": REPO,
            "path": path,
            "commit": commit,
            "date": manifest["hawkFilePublicationDate"][:10],
            "what": (
                "Mirror of the AWS pricing-page data feed b0.p.awsstatic.com/pricing/2.0/"
                f"meteredUnitMaps/{name}/USD/current/{name}.json for every Region, keyed by "
                f"Price List SKU rate codes; esIndex {manifest['esIndex']}, "
                f"hawkFilePublicationDate {manifest['hawkFilePublicationDate']}; file last "
                f"changed in commit {commit[:12]} ({date}), snapshot {SNAPSHOT[:12]} (2025-06-18)."
            ),
            "grade": "B",
        }
    priced = priced_in_2027_01()
    rates, gaps, checks = [], [], []
    for service, code, name, unit, per_units, hourly, suffix, keys, free in SPECS:
        for region, feed_name in FEED_REGIONS.items():
            entry = feeds[name]["regions"].get(feed_name, {})
            found = [(start, key, entry.get(key)) for start, key in keys]
            missing = [key for _, key, value in found if value is None]
            factor = (HOURS if hourly else Decimal(1)) * Decimal(per_units)
            if (service, code, region) in priced:
                if not missing:
                    feed = [number(str(Decimal(v["price"]) * factor)) for _, _, v in found]
                    book = priced[service, code, region]
                    extends = len(feed) > len(book) and feed[: len(book)] == book
                    verdict = (
                        "agree" if feed == book else "feed adds bands" if extends else "DIFFER"
                    )
                    checks.append(
                        f"{service}.{code} [{region}]: feed {' / '.join(feed)}, 2027-01 book "
                        f"{' / '.join(book)}: {verdict}"
                    )
                    if not extends:
                        continue
                else:
                    continue
            if missing or (free and free[1] not in entry):
                gaps.append(
                    {
                        "service": service,
                        "rate": code,
                        "region": region,
                        "why": f"no '{(missing or [free[1]])[0]}' key for {feed_name} in "
                        f"{REPO} raw/{name}.json ({SNAPSHOT[:12]})",
                    }
                )
                continue
            tiers = [
                {"start": start, "price": number(str(Decimal(value["price"]) * factor))}
                for start, _, value in found
            ]
            if code == "advanced_inspection_gb" and tiers[0]["price"] != "0":
                gaps.append(
                    {
                        "service": service,
                        "rate": code,
                        "region": region,
                        "why": f"the 2025-06 feed's ${number(found[0][2]['price'])}/GB was "
                        "superseded: AWS removed the Advanced Inspection data-processing "
                        "charge ($0.001-$0.009/GB) in 13 Regions on 2026-02-06 (S2), and "
                        "no source names those Regions",
                    }
                )
                continue
            quote = "; ".join(
                f'"{feed_name}": {{"{key}": {{"rateCode": "{value["rateCode"]}", '
                f'"price": "{value["price"]}"}}}}'
                for _, key, value in found
            )
            if free:
                quote += f'; free band "{free[1]}": {entry[free[1]]["price"]}'
            row = {
                "service": service,
                "rate": code,
                "region": region,
                "usage_type": f"{PREFIX[region]}-{suffix}" if suffix else None,
                "usage_type_built": bool(suffix) and suffix not in SOURCED_SUFFIX,
                "usage_type_suffix": suffix,
                "unit": unit,
                "per_units": per_units,
                "tiers": tiers,
                "free_units": free[0] if free else "0",
                "source": f"Q_{name}",
                "grade": "B",
                "quote": quote,
                "price_as_source": f"{'; '.join(v['price'] for _, _, v in found)} USD per "
                f"feed unit, x {per_units}{' x 730 (' + HOURLY + ')' if hourly else ''}",
            }
            if (service, code) in NOTES:
                row["note"] = NOTES[service, code]
            if (service, code, region) in priced:
                row["note"] = (
                    "The 2027-01 book has only the first band (B.json S1); the feed has all three."
                )
            if code == "advanced_inspection_endpoints":
                row["new_dimension"] = True
            rates.append(row)
    data = json.loads((HERE / "D.json").read_text()) if (HERE / "D.json").exists() else {}
    data.update(
        {
            "researched": "2026-12-03",
            "sources": {**data.get("sources", {}), **sources},
            "rates": rates,
            "gaps": gaps + [g for g in data.get("gaps", []) if g.get("kept")],
            "cross_checks": checks,
        }
    )
    (HERE / "D.json").write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    print(f"D.json: {len(rates)} rows, {len(gaps)} gaps from the feed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
