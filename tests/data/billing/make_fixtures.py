"""Writes this folder's billing fixtures from one list of line items: `python make_fixtures.py`.

The same line items in every format (README.md here names the published columns each file uses):
CUR 2.0, legacy CUR and FOCUS 1.2 as CSV, gzip CSV and Parquet, plus FOCUS 1.0 as CSV. Columns
an export has but costcalc does not read are written empty, as a real export leaves many empty.
"""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import duckdb

HERE = Path(__file__).parent
HEADERS = HERE / "headers"
PERIOD_START = "2026-11-01T00:00:00Z"
PERIOD_END = "2026-12-01T00:00:00Z"
EARLIER_START = "2026-10-01T00:00:00Z"
A, B, C = "111111111111", "222222222222", "012345678901"  # C: an id that starts with 0

# (account, product code, usage type, operation, line-item type, Region, amount, unit,
#  unblended cost, public on-demand cost, usage start); the period is 2026-11 unless marked.
ITEMS = [
    # KMS: keys are already key-months, prorated hourly; the prefix is the Region code.
    (
        A,
        "awskms",
        "us-east-1-KMS-Keys",
        "CurrentKeys",
        "Usage",
        "us-east-1",
        "2",
        "Keys",
        "2",
        "2",
        "2026-11-01T00:00:00Z",
    ),
    (
        B,
        "awskms",
        "us-east-1-KMS-Keys",
        "CurrentKeys",
        "Usage",
        "us-east-1",
        "1.5",
        "Keys",
        "1.5",
        "1.5",
        "2026-11-01T00:00:00Z",
    ),
    (
        A,
        "awskms",
        "us-east-1-KMS-Keys",
        "CurrentKeys",
        "Usage",
        "us-east-1",
        "0.5",
        "Keys",
        "0.5",
        "0.5",
        "2026-11-15T00:00:00Z",
    ),
    (
        A,
        "awskms",
        "USE1-KMS-Requests",
        "Decrypt",
        "Usage",
        "us-east-1",
        "30000",
        "Requests",
        "0.03",
        "0.09",
        "2026-11-02T00:00:00Z",
    ),
    (
        B,
        "awskms",
        "USE1-KMS-Requests",
        "GenerateDataKey",
        "Usage",
        "us-east-1",
        "10000",
        "Requests",
        "0",
        "0.03",
        "2026-11-02T00:00:00Z",
    ),
    (
        C,
        "awskms",
        "eu-west-1-KMS-Keys",
        "CurrentKeys",
        "Usage",
        "eu-west-1",
        "1",
        "Keys",
        "1",
        "1",
        "2026-11-01T00:00:00Z",
    ),
    # Secrets Manager: secrets and API calls, us-east-1 keeps the USE1 prefix.
    (
        A,
        "AWSSecretsManager",
        "USE1-AWSSecretsManager-Secrets",
        "",
        "Usage",
        "us-east-1",
        "4",
        "Secrets",
        "1.6",
        "1.6",
        "2026-11-01T00:00:00Z",
    ),
    (
        A,
        "AWSSecretsManager",
        "USE1-AWSSecretsManagerAPIRequest",
        "GetSecretValue",
        "Usage",
        "us-east-1",
        "20000",
        "API Requests",
        "0.1",
        "0.1",
        "2026-11-01T00:00:00Z",
    ),
    # ... in a Region the 2026-12 book does not price Secrets Manager in: unmapped.
    (
        C,
        "AWSSecretsManager",
        "EU-AWSSecretsManager-Secrets",
        "",
        "Usage",
        "eu-west-1",
        "2",
        "Secrets",
        "0.8",
        "0.8",
        "2026-11-01T00:00:00Z",
    ),
    # Parameter Store advanced parameters and higher-throughput interactions.
    (
        B,
        "AWSSystemsManager",
        "USE1-PS-Advanced-Param-Tier1",
        "PutParameter",
        "Usage",
        "us-east-1",
        "10",
        "Parameters",
        "0.5",
        "0.5",
        "2026-11-01T00:00:00Z",
    ),
    (
        B,
        "AWSSystemsManager",
        "USE1-PS-Param-Processed-Tier2",
        "GetParameter",
        "Usage",
        "us-east-1",
        "100000",
        "Requests",
        "0.5",
        "0.5",
        "2026-11-01T00:00:00Z",
    ),
    # Private CA: a general-purpose CA and the certificates it issued.
    (
        A,
        "AWSCertificateManager",
        "USE1-PaidPrivateCA",
        "",
        "Usage",
        "us-east-1",
        "1",
        "Months",
        "400",
        "400",
        "2026-11-01T00:00:00Z",
    ),
    (
        A,
        "AWSCertificateManager",
        "USE1-PrivateCertificatesIssued",
        "",
        "Usage",
        "us-east-1",
        "100",
        "Certificates",
        "75",
        "75",
        "2026-11-03T00:00:00Z",
    ),
    # WAF in two accounts, and a Shield-covered web ACL that no rate prices: unmapped.
    (
        A,
        "awswaf",
        "USE1-WebACLV2",
        "",
        "Usage",
        "us-east-1",
        "2",
        "Month",
        "10",
        "10",
        "2026-11-01T00:00:00Z",
    ),
    (
        B,
        "awswaf",
        "USE1-WebACLV2",
        "",
        "Usage",
        "us-east-1",
        "2",
        "Month",
        "10",
        "10",
        "2026-11-01T00:00:00Z",
    ),
    (
        A,
        "awswaf",
        "USE1-RuleV2",
        "",
        "Usage",
        "us-east-1",
        "10",
        "Month",
        "10",
        "10",
        "2026-11-01T00:00:00Z",
    ),
    (
        B,
        "awswaf",
        "USE1-RuleV2",
        "",
        "Usage",
        "us-east-1",
        "6",
        "Month",
        "6",
        "6",
        "2026-11-01T00:00:00Z",
    ),
    (
        A,
        "awswaf",
        "USE1-RequestV2-Tier1",
        "",
        "Usage",
        "us-east-1",
        "30000000",
        "Requests",
        "18",
        "18",
        "2026-11-01T00:00:00Z",
    ),
    (
        A,
        "awswaf",
        "USE1-ShieldProtected-WebACLV2",
        "",
        "Usage",
        "us-east-1",
        "1",
        "Month",
        "0",
        "0",
        "2026-11-01T00:00:00Z",
    ),
    # GuardDuty: events, and VPC/DNS logs in GB (the "-Bytes" name is GB, as pricing_unit says).
    (
        A,
        "AmazonGuardDuty",
        "USE1-PaidEventsAnalyzed",
        "",
        "Usage",
        "us-east-1",
        "2000000",
        "Events",
        "8",
        "8",
        "2026-11-01T00:00:00Z",
    ),
    (
        A,
        "AmazonGuardDuty",
        "USE1-PaidEventsAnalyzed-Bytes",
        "",
        "Usage",
        "us-east-1",
        "100",
        "GB",
        "100",
        "100",
        "2026-11-01T00:00:00Z",
    ),
    (
        B,
        "AmazonGuardDuty",
        "USE2-PaidEventsAnalyzed",
        "",
        "Usage",
        "us-east-2",
        "1000000",
        "Events",
        "4",
        "4",
        "2026-11-01T00:00:00Z",
    ),
    # Config, CloudTrail, Security Hub, DNS Firewall.
    (
        A,
        "AWSConfig",
        "USE1-ConfigurationItemRecorded",
        "",
        "Usage",
        "us-east-1",
        "10000",
        "ConfigurationItem",
        "30",
        "30",
        "2026-11-01T00:00:00Z",
    ),
    (
        A,
        "AWSConfig",
        "USE1-ConfigRuleEvaluations",
        "",
        "Usage",
        "us-east-1",
        "50000",
        "ConfigRuleEvaluations",
        "50",
        "50",
        "2026-11-01T00:00:00Z",
    ),
    (
        A,
        "AWSCloudTrail",
        "USE1-PaidEventsRecorded",
        "None",
        "Usage",
        "us-east-1",
        "1000000",
        "Events",
        "20",
        "20",
        "2026-11-01T00:00:00Z",
    ),
    # A free first copy of management events: no rate prices it, so it is unmapped (cost 0).
    (
        A,
        "AWSCloudTrail",
        "USE1-FreeEventsRecorded",
        "None",
        "Usage",
        "us-east-1",
        "5000000",
        "Events",
        "0",
        "0",
        "2026-11-01T00:00:00Z",
    ),
    (
        B,
        "AWSSecurityHub",
        "USE1-PaidComplianceCheck",
        "",
        "Usage",
        "us-east-1",
        "10000",
        "Checks",
        "10",
        "10",
        "2026-11-01T00:00:00Z",
    ),
    (
        B,
        "AWSSecurityHub",
        "USE1-PaidFindingsIngestion",
        "",
        "Usage",
        "us-east-1",
        "20000",
        "Events",
        "0",
        "0.6",
        "2026-11-01T00:00:00Z",
    ),
    (
        B,
        "AWSSecurityHub",
        "USE1-RuleEvaluation",
        "",
        "Usage",
        "us-east-1",
        "1000000",
        "Evaluations",
        "1",
        "1",
        "2026-11-01T00:00:00Z",
    ),
    (
        C,
        "AmazonRoute53",
        "USE1-DNS-FirewallDomainName",
        "",
        "Usage",
        "us-east-1",
        "1000",
        "Domains",
        "0.5",
        "0.5",
        "2026-11-01T00:00:00Z",
    ),
    (
        C,
        "AmazonRoute53",
        "USE1-DNS-FirewallQueries",
        "",
        "Usage",
        "us-east-1",
        "2000000",
        "Queries",
        "1.2",
        "1.2",
        "2026-11-01T00:00:00Z",
    ),
    # Usage dated in October, billed in November at October's terms: flagged, outside the period.
    (
        C,
        "AmazonRoute53",
        "USE1-DNS-FirewallQueries",
        "",
        "Usage",
        "us-east-1",
        "1000000",
        "Queries",
        "0.8",
        "0.8",
        "2026-10-31T00:00:00Z",
    ),
    # Adjustments: tax, a credit, a discount, a Savings Plan fee; never usage.
    (A, "awskms", "", "", "Tax", "", "1", "", "0.5", "", "2026-11-01T00:00:00Z"),
    (A, "awswaf", "", "", "Credit", "", "1", "", "-5", "", "2026-11-01T00:00:00Z"),
    (B, "AmazonGuardDuty", "", "", "EdpDiscount", "", "1", "", "-0.4", "", "2026-11-01T00:00:00Z"),
    # Other services: EC2, and its Savings Plan fee.
    (
        A,
        "AmazonEC2",
        "BoxUsage:t3.micro",
        "RunInstances",
        "Usage",
        "us-east-1",
        "720",
        "Hrs",
        "7.488",
        "7.488",
        "2026-11-01T00:00:00Z",
    ),
    (
        A,
        "ComputeSavingsPlans",
        "ComputeSP:1yrNoUpfront",
        "",
        "SavingsPlanRecurringFee",
        "",
        "720",
        "Hrs",
        "7.2",
        "",
        "2026-11-01T00:00:00Z",
    ),
]
# The month before: in the file, priced only when asked for with billing_period=2026-10.
EARLIER = [
    (
        A,
        "awskms",
        "us-east-1-KMS-Keys",
        "CurrentKeys",
        "Usage",
        "us-east-1",
        "3",
        "Keys",
        "3",
        "3",
        "2026-10-01T00:00:00Z",
    ),
    (
        A,
        "awswaf",
        "USE1-WebACLV2",
        "",
        "Usage",
        "us-east-1",
        "1",
        "Month",
        "5",
        "5",
        "2026-10-01T00:00:00Z",
    ),
]

CUR2_NAMES = {
    "account": "line_item_usage_account_id",
    "product": "line_item_product_code",
    "usage_type": "line_item_usage_type",
    "operation": "line_item_operation",
    "type": "line_item_line_item_type",
    "region": "product_region_code",
    "amount": "line_item_usage_amount",
    "unit": "pricing_unit",
    "cost": "line_item_unblended_cost",
    "list": "pricing_public_on_demand_cost",
    "start": "line_item_usage_start_date",
    "period": "bill_billing_period_start_date",
    "period_end": "bill_billing_period_end_date",
    "currency": "line_item_currency_code",
}
LEGACY_NAMES = {
    "account": "lineItem/UsageAccountId",
    "product": "lineItem/ProductCode",
    "usage_type": "lineItem/UsageType",
    "operation": "lineItem/Operation",
    "type": "lineItem/LineItemType",
    "region": "product/regionCode",
    "region_name": "product/region",
    "amount": "lineItem/UsageAmount",
    "unit": "pricing/unit",
    "cost": "lineItem/UnblendedCost",
    "list": "pricing/publicOnDemandCost",
    "start": "lineItem/UsageStartDate",
    "period": "bill/BillingPeriodStartDate",
    "period_end": "bill/BillingPeriodEndDate",
    "currency": "lineItem/CurrencyCode",
}
FOCUS_NAMES = {
    "account": "SubAccountId",
    "product": "x_ServiceCode",
    "usage_type": "SkuMeter",
    "operation": "x_Operation",
    "type": "ChargeCategory",
    "region": "RegionId",
    "amount": "ConsumedQuantity",
    "unit": "ConsumedUnit",
    "cost": "BilledCost",
    "list": "ListCost",
    "start": "ChargePeriodStart",
    "period": "BillingPeriodStart",
    "period_end": "BillingPeriodEnd",
    "currency": "BillingCurrency",
    "service_name": "ServiceName",
    "provider": "ProviderName",
}
FOCUS_1_0_NAMES = {**FOCUS_NAMES, "usage_type": "x_UsageType"}
# FOCUS ChargeCategory for CUR's line-item types (FOCUS 1.2 chargecategory.md values).
CHARGE_CATEGORY = {
    "Usage": "Usage",
    "Tax": "Tax",
    "Credit": "Credit",
    "EdpDiscount": "Adjustment",
    "SavingsPlanRecurringFee": "Purchase",
}
SERVICE_NAMES = {
    "awskms": "AWS Key Management Service",
    "AWSSecretsManager": "AWS Secrets Manager",
    "AWSSystemsManager": "AWS Systems Manager",
    "AWSCertificateManager": "AWS Certificate Manager",
    "awswaf": "AWS WAF",
    "AmazonGuardDuty": "Amazon GuardDuty",
    "AWSConfig": "AWS Config",
    "AWSCloudTrail": "AWS CloudTrail",
    "AWSSecurityHub": "AWS Security Hub",
    "AmazonRoute53": "Amazon Route 53",
    "AmazonEC2": "Amazon Elastic Compute Cloud",
    "ComputeSavingsPlans": "Savings Plans for AWS Compute usage",
}


def _values(item: tuple, period: str, fmt: str) -> dict:
    account, product, usage_type, operation, kind, region, amount, unit, cost, listed, start = item
    values = {
        "account": account,
        "product": product,
        "usage_type": usage_type,
        "operation": operation,
        "type": kind,
        "region": region,
        "region_name": region,
        "amount": amount,
        "unit": unit,
        "cost": cost,
        "list": listed,
        "start": start,
        "period": period,
        "period_end": PERIOD_END if period == PERIOD_START else PERIOD_START,
        "currency": "USD",
        "service_name": SERVICE_NAMES[product],
        "provider": "AWS",
    }
    if fmt == "legacy":  # the real legacy export writes milliseconds
        for key in ("start", "period", "period_end"):
            values[key] = values[key].replace("Z", ".000Z")
    if fmt.startswith("focus"):
        values["type"] = CHARGE_CATEGORY[kind]
        if kind != "Usage":  # ConsumedQuantity MUST be null when ChargeCategory is not Usage
            values["amount"] = ""
            values["unit"] = ""
    return values


def rows(fmt: str) -> tuple[list[str], list[list[str]]]:
    header_file, names = {
        "cur2": ("cur2.csv", CUR2_NAMES),
        "legacy": ("legacy_cur.csv", LEGACY_NAMES),
        "focus": ("focus_1_2_aws.csv", FOCUS_NAMES),
        "focus10": ("focus_1_0_aws.csv", FOCUS_1_0_NAMES),
    }[fmt]
    with open(HEADERS / header_file, newline="") as file:
        header = next(csv.reader(file))
    column = {name: header.index(name) for name in names.values()}
    out = []
    for period, items in ((PERIOD_START, ITEMS), (EARLIER_START, EARLIER)):
        for item in items:
            row = [""] * len(header)
            for key, value in _values(item, period, fmt).items():
                if key in names:
                    row[column[names[key]]] = value
            out.append(row)
    return header, out


def csv_text(header: list[str], body: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(body)
    return buffer.getvalue()


TYPED = {  # Parquet column types, as AWS's Glue schemas declare them (README.md)
    "cur2": {
        "bill_billing_period_start_date": "TIMESTAMPTZ",
        "bill_billing_period_end_date": "TIMESTAMPTZ",
        "line_item_usage_start_date": "TIMESTAMPTZ",
        "line_item_usage_amount": "DOUBLE",
        "line_item_unblended_cost": "DOUBLE",
        "pricing_public_on_demand_cost": "DOUBLE",
    },
    "focus": {
        "BillingPeriodStart": "TIMESTAMPTZ",
        "BillingPeriodEnd": "TIMESTAMPTZ",
        "ChargePeriodStart": "TIMESTAMPTZ",
        "ConsumedQuantity": "DOUBLE",
        "BilledCost": "DOUBLE",
        "ListCost": "DOUBLE",
    },
}
TYPED["legacy"] = {
    LEGACY_NAMES[key]: TYPED["cur2"][CUR2_NAMES[key]]
    for key in ("period", "period_end", "start", "amount", "cost", "list")
}


def write(fmt: str, stem: str) -> None:
    header, body = rows(fmt)
    text = csv_text(header, body)
    (HERE / f"{stem}.csv").write_text(text)
    if fmt == "focus10":
        return
    # mtime 0: the same bytes on every run
    with (
        open(HERE / f"{stem}.csv.gz", "wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as packed,
    ):
        packed.write(text.encode())
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    source = f"read_csv('{HERE / stem}.csv', header = true, all_varchar = true)"
    selects = []
    for name in header:
        quoted = '"' + name + '"'
        kind = TYPED[fmt].get(name)
        selects.append(f"CAST({quoted} AS {kind}) AS {quoted}" if kind else quoted)
    con.execute(
        f"COPY (SELECT {', '.join(selects)} FROM {source}) TO '{HERE / stem}.parquet' "
        "(FORMAT parquet)"
    )
    con.close()


if __name__ == "__main__":
    write("cur2", "cur2")
    write("legacy", "legacy-cur")
    write("focus", "focus-1.2")
    write("focus10", "focus-1.0")
