"""The billing importer: formats, mapping, cards, reconciliation (written as the API writes
it), hostile files.

Figures are pinned to the 2026-12 book (tests/data/billing/expected-2026-12.json), whatever the
current book is, and to the current book, 2027-01 (expected-2027-01.json), whose every line is
checked against the book file's own prices; each hand-checked line says its arithmetic.
"""

from __future__ import annotations

import csv
import gzip
import json
from decimal import Decimal
from pathlib import Path

import pytest

from estimates import pricing
from estimates.api import shapes
from estimates.importers import billing
from estimates.importers.billing import mapping, reading
from estimates.prices.book_file import catalog_from_book
from tests.conftest import SECOND_BOOK, THIRD_BOOK

DATA = Path(__file__).parent / "data" / "billing"
EXPECTED = json.loads((DATA / "expected-2026-12.json").read_text())
CATALOG = catalog_from_book(SECOND_BOOK)
MAPPING = billing.MappingTable.from_book_data(CATALOG, SECOND_BOOK)
A_ACCOUNT = "111111111111"
STEMS = {"cur2": "cur2", "legacy-cur": "cur", "focus-1.2": "focus"}
FILES = [(stem, suffix) for stem in STEMS for suffix in (".csv", ".csv.gz", ".parquet")]


def run(path, **options) -> billing.BillingImport:
    return billing.import_export(path, CATALOG, MAPPING, **options)


def summary(result: billing.BillingImport) -> dict:
    return {
        "format": result.format,
        "billing_period": result.billing_period,
        "items": [
            {
                "service": item.service,
                "region": item.region,
                "accounts": item.accounts,
                "group": item.group,
                "usage": {k: pricing.decimal_text(v) for k, v in sorted(item.usage.items())},
                "notes": item.notes,
            }
            for item in result.result.items
        ],
        "item_monthly": [pricing.amount_text(item.monthly) for item in result.quote.items],
        "monthly_total": pricing.amount_text(result.quote.monthly_total),
        "reconciliation": shapes.RECONCILIATION.write(result.reconciliation),
        "warnings": result.result.warnings,
    }


@pytest.mark.parametrize(("stem", "suffix"), FILES)
def test_each_file_gives_the_expected_items_quote_and_reconciliation(stem, suffix):
    result = run(DATA / f"{stem}{suffix}")
    assert result.format == STEMS[stem]
    assert summary(result) == EXPECTED[stem]


def test_the_three_formats_give_the_same_cards_and_quote():
    assert EXPECTED["cur2"]["items"] == EXPECTED["legacy-cur"]["items"]
    assert EXPECTED["cur2"]["items"] == EXPECTED["focus-1.2"]["items"]
    assert EXPECTED["cur2"]["monthly_total"] == EXPECTED["focus-1.2"]["monthly_total"] == "761.36"
    cur, focus = EXPECTED["cur2"]["reconciliation"], EXPECTED["focus-1.2"]["reconciliation"]
    assert cur["lines"] == focus["lines"]
    assert cur["totals"] == focus["totals"]
    # Only the adjustments' names differ: FOCUS calls the EDP discount an Adjustment.
    assert [a["line_item_type"] for a in focus["adjustments"]] == ["Adjustment", "Credit", "Tax"]
    assert [a["line_item_type"] for a in cur["adjustments"]] == ["Credit", "EdpDiscount", "Tax"]


def test_focus_1_0_reads_x_usage_type_and_gives_the_same_as_focus_1_2():
    assert summary(run(DATA / "focus-1.0.csv")) == EXPECTED["focus-1.2"]


def test_hand_checked_cards_of_the_cur2_export():
    result = run(DATA / "cur2.csv")
    cards = {(i.service, i.region): i for i in result.result.items}
    quotes = {(q.item.service, q.item.region): q for q in result.quote.items}
    kms = cards[("kms", "us-east-1")]
    # 2 + 1.5 + 0.5 key-months in accounts A and B: 2 accounts × 2 keys; 40,000 requests.
    assert (kms.accounts, kms.usage) == (2, {"keys": 2, "symmetric_requests": 20000})
    assert kms.addresses == ("111111111111", "222222222222")
    # 4 × $1.00 + (40,000 − 20,000 free) ÷ 10,000 × $0.03 = $4.06
    assert quotes[("kms", "us-east-1")].monthly == Decimal("4.06")
    # The account id that starts with 0 keeps it.
    assert cards[("kms", "eu-west-1")].notes == "Accounts: 012345678901"
    waf = cards[("waf", "us-east-1")]
    assert (waf.accounts, waf.usage) == (
        2,
        {"web_acls": 2, "rules": 8, "requests": 15000000},
    )
    # 4 web ACLs × $5 + 16 rules × $1 + 30M requests × $0.60 per million = $54.00
    assert quotes[("waf", "us-east-1")].monthly == Decimal("54.00")
    # GuardDuty's PaidEventsAnalyzed-Bytes is billed in GB: 100 GB × $1.00 + 2M events × $4
    assert cards[("guardduty", "us-east-1")].usage == {
        "cloudtrail_management_events": 2000000,
        "vpc_dns_log_gb": 100,
    }
    assert quotes[("guardduty", "us-east-1")].monthly == Decimal("108.00")


def test_reconciliation_flags_and_totals():
    reconciliation = run(DATA / "cur2.csv").reconciliation
    flagged = {(ln.service, ln.usage_type): ln for ln in reconciliation.lines if ln.flagged}
    assert set(flagged) == {
        ("kms", "KMS-Requests"),
        ("security_hub", "PaidFindingsIngestion"),
        ("security_hub", "RuleEvaluation"),
        ("dns_firewall", "DNS-FirewallQueries"),
    }
    requests = flagged[("kms", "KMS-Requests")]
    # The bill lists 40,000 requests at $0.12 before its free tier; costcalc pools 20,000 free.
    assert (requests.list_cost, requests.costcalc_monthly, requests.variance) == (
        Decimal("0.12"),
        Decimal("0.06"),
        Decimal("-0.06"),
    )
    assert requests.reason == mapping.FREE_ALLOWANCE
    assert flagged[("dns_firewall", "DNS-FirewallQueries")].reason == mapping.OUTSIDE_PERIOD
    unmapped = {(u.product_code, u.usage_type): u for u in reconciliation.unmapped}
    assert set(unmapped) == {
        ("AWSCloudTrail", "USE1-FreeEventsRecorded"),
        ("AWSSecretsManager", "EU-AWSSecretsManager-Secrets"),
        ("awswaf", "USE1-ShieldProtected-WebACLV2"),
    }
    assert unmapped[("AWSSecretsManager", "EU-AWSSecretsManager-Secrets")].billed_cost == Decimal(
        "0.8"
    )
    assert reconciliation.other_services.rows == 2
    assert reconciliation.other_services.billed_cost == Decimal("14.688")  # 7.488 + 7.2
    totals = reconciliation.totals
    assert totals.adjustments == Decimal("-4.9")  # tax 0.5, credit −5, discount −0.4
    # Every line of the period is in one total: 762.23 + 0.8 − 4.9 + 14.688
    assert totals.bill == Decimal("772.818")
    assert totals.costcalc == Decimal("761.36")


def test_the_aggregate_sql_on_duckdb_gives_a_file_the_importer_reads_to_the_same(tmp_path):
    for stem in STEMS:
        con = reading.connect()
        source = reading._source(DATA / f"{stem}.csv", "csv")
        columns = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()]
        _, view = reading._view(columns, source)
        con.execute(f"CREATE VIEW cur AS {view}")
        target = tmp_path / f"{stem}-aggregate.csv"
        con.execute(f"COPY ({billing.AGGREGATE_SQL}) TO '{target}' (HEADER, DELIMITER ',')")
        con.close()
        result = run(target)
        assert result.format == billing.AGGREGATE
        assert summary(result) == {**EXPECTED[stem], "format": billing.AGGREGATE}


def test_the_aggregate_sql_runs_on_the_cur2_columns_as_they_are():
    con = reading.connect()
    source = reading._source(DATA / "cur2.parquet", "parquet")
    con.execute(f"CREATE VIEW cur AS SELECT * FROM {source}")
    rows = con.execute(billing.AGGREGATE_SQL).fetchall()
    con.close()
    kms_keys = [r for r in rows if r[0] == "2026-11" and r[4] == "us-east-1-KMS-Keys"]
    assert [(r[1], r[8], r[11]) for r in kms_keys] == [
        ("111111111111", Decimal("2.5"), 2),
        ("222222222222", Decimal("1.5"), 1),
    ]


def test_an_earlier_period_is_priced_when_asked_for():
    result = run(DATA / "cur2.csv.gz", billing_period="2026-10")
    assert [(i.service, dict(i.usage)) for i in result.result.items] == [
        ("kms", {"keys": 3}),
        ("waf", {"web_acls": 1}),
    ]
    assert result.quote.monthly_total == Decimal("8.00")  # 3 × $1 + 1 × $5
    assert result.result.warnings == ["Only 2026-10 is priced; the file also has 2026-11."]


def test_group_by_account_gives_a_card_per_account_and_region():
    result = run(DATA / "cur2.parquet", group_by="account")
    waf = [i for i in result.result.items if i.service == "waf"]
    assert [(i.group, i.accounts, dict(i.usage)) for i in waf] == [
        ("111111111111", 1, {"web_acls": 2, "rules": 10, "requests": 30000000}),
        ("222222222222", 1, {"web_acls": 2, "rules": 6}),
    ]
    # Pooled at the same levels, the total is the same as one card per service and Region.
    assert result.quote.monthly_total == Decimal("761.36")


def test_inputs_the_bill_cannot_show_are_listed():
    result = run(DATA / "cur2.csv")
    kms = [n.usage_key for n in result.result.needs_usage if n.address == "kms in us-east-1"]
    assert kms == ["key_rotations"]
    assert all(item.usage.get("key_rotations") is None for item in result.result.items)


def test_units_convert_hours_to_months_and_bytes_to_gb():
    assert mapping.convert(Decimal(1460), "Hrs", "endpoint-months") == (Decimal(2), True)
    assert mapping.convert(Decimal(1073741824) * 3, "Bytes", "GB") == (Decimal(3), True)
    # KMS keys are month fractions already (prorated hourly): 24 h of November.
    assert mapping.convert(Decimal("0.0333333336"), "Keys", "key-months") == (
        Decimal("0.0333333336"),
        False,
    )


def test_a_focus_correction_is_an_adjustment(tmp_path):
    header, rows = _rows(DATA / "focus-1.2.csv")
    charge_class = header.index("ChargeClass")
    kms_keys = next(r for r in rows if r[header.index("SkuMeter")] == "eu-west-1-KMS-Keys")
    kms_keys[charge_class] = "Correction"
    result = run(_write(tmp_path / "corrected.csv", header, rows))
    assert ("kms", "eu-west-1") not in {(i.service, i.region) for i in result.result.items}
    corrections = [a for a in result.reconciliation.adjustments if a.line_item_type == "Correction"]
    assert [(a.product_code, a.billed_cost) for a in corrections] == [("awskms", Decimal(1))]


def test_the_real_legacy_sample_rows_are_mapped_or_listed():
    # Three verbatim rows of a real export (billing period 2023-11, Canada): no 2026-12 rate is
    # in ca-central-1, so both usage lines are unmapped with their cost; the tax is an adjustment.
    result = run(DATA / "headers" / "legacy_cur.csv")
    assert result.format == billing.CUR
    assert result.result.items == []
    assert [(u.usage_type, u.reason) for u in result.reconciliation.unmapped] == [
        ("CAN1-DataEventsRecorded", "no rate of the price book has this usage type"),
        ("ca-central-1-KMS-Keys", "the price book has no kms prices in ca-central-1"),
    ]
    assert [a.line_item_type for a in result.reconciliation.adjustments] == ["Tax"]


# ---------------------------------------------------------------------------------------------
# Hostile files: a clear BillingError, never a partial estimate


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, newline="") as file:
        reader = csv.reader(file)
        return next(reader), list(reader)


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with open(path, "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _refused(path, **options) -> str:
    with pytest.raises(billing.BillingError) as caught:
        run(path, **options)
    return str(caught.value)


def test_an_empty_file_is_refused(tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    assert _refused(tmp_path / "empty.csv") == "The file is empty."


def test_a_header_without_line_items_is_refused(tmp_path):
    header, _ = _rows(DATA / "cur2.csv")
    assert "no line items" in _refused(_write(tmp_path / "h.csv", header, []))


def test_a_binary_file_is_not_csv_or_parquet(tmp_path):
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10)
    assert "not a CSV or Parquet file" in _refused(tmp_path / "image.png")
    (tmp_path / "export.zip").write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    assert "ZIP archives are not read" in _refused(tmp_path / "export.zip")


def test_a_csv_of_something_else_names_what_it_lacks(tmp_path):
    (tmp_path / "people.csv").write_text("name,age\nAda,36\n")
    assert "not a Cost and Usage Report" in _refused(tmp_path / "people.csv")


def test_missing_columns_are_named(tmp_path):
    header, rows = _rows(DATA / "cur2.csv")
    drop = {header.index("line_item_unblended_cost"), header.index("product_region_code")}
    header = [h for i, h in enumerate(header) if i not in drop]
    rows = [[v for i, v in enumerate(r) if i not in drop] for r in rows]
    message = _refused(_write(tmp_path / "cut.csv", header, rows))
    assert message == (
        "This CUR 2.0 export lacks the columns product_region_code, line_item_unblended_cost."
    )
    focus_header, focus_rows = _rows(DATA / "focus-1.2.csv")
    index = focus_header.index("SkuMeter")
    focus_header = [h for i, h in enumerate(focus_header) if i != index]
    focus_rows = [[v for i, v in enumerate(r) if i != index] for r in focus_rows]
    message = _refused(_write(tmp_path / "focus.csv", focus_header, focus_rows))
    assert message == "This FOCUS export lacks the column x_UsageType or SkuMeter."


def test_non_numeric_amounts_are_refused(tmp_path):
    header, rows = _rows(DATA / "legacy-cur.csv")
    rows[3][header.index("lineItem/UnblendedCost")] = "12,5"
    rows[4][header.index("lineItem/UsageAmount")] = "lots"
    message = _refused(_write(tmp_path / "bad.csv", header, rows))
    assert message.startswith("2 line items have an amount that is not a number")


def test_several_currencies_are_refused(tmp_path):
    header, rows = _rows(DATA / "cur2.csv")
    rows[1][header.index("line_item_currency_code")] = "EUR"
    message = _refused(_write(tmp_path / "two.csv", header, rows))
    assert message == (
        "The bill for 2026-11 is in several currencies (EUR, USD): costcalc prices one "
        "currency, USD."
    )
    for row in rows:
        row[header.index("line_item_currency_code")] = "EUR"
    assert "costcalc's price books are in USD" in _refused(
        _write(tmp_path / "eur.csv", header, rows)
    )


def test_a_billing_period_not_in_the_file_is_refused():
    message = _refused(DATA / "cur2.csv", billing_period="2026-09")
    assert message == "The file has no billing period 2026-09: it has 2026-10, 2026-11."
    assert "YYYY-MM" in _refused(DATA / "cur2.csv", billing_period="November")


def test_a_zip_bomb_stops_at_the_decompression_limit(tmp_path, monkeypatch):
    header, rows = _rows(DATA / "cur2.csv")
    bomb = tmp_path / "bomb.csv.gz"
    with gzip.open(bomb, "wb") as packed:
        packed.write((",".join(header) + "\n").encode())
        for _ in range(64):
            packed.write(b"\n" * (1024 * 1024))
    assert bomb.stat().st_size < 200_000
    monkeypatch.setattr(reading, "MAX_UNCOMPRESSED_BYTES", 8 * 1024 * 1024)
    assert "decompresses to more than 8,388,608 bytes" in _refused(bomb)


def test_a_damaged_gzip_file_is_refused(tmp_path):
    packed = gzip.compress((DATA / "cur2.csv").read_bytes())
    (tmp_path / "cut.csv.gz").write_bytes(packed[: len(packed) // 2])
    assert "gzip file is damaged" in _refused(tmp_path / "cut.csv.gz")


def test_a_ragged_csv_is_refused_with_duckdbs_reason(tmp_path):
    text = (DATA / "cur2.csv").read_text().splitlines()
    text[3] += ',"unclosed'
    (tmp_path / "ragged.csv").write_text("\n".join(text) + "\n")
    assert _refused(tmp_path / "ragged.csv").startswith("The file could not be read")


def test_a_bill_newer_than_the_book_is_flagged_as_such():
    # January 2027's WAF web ACLs at $6 each, priced with the 2026-12 book's $5: 2 × $5 − $12.
    row = reading.BillRow(
        billing_period="2027-01",
        account_id=A_ACCOUNT,
        region="us-east-1",
        product_code="awswaf",
        usage_type="USE1-WebACLV2",
        line_item_type="Usage",
        unit="Month",
        currency="USD",
        usage_amount=Decimal(2),
        unblended_cost=Decimal(12),
        list_cost=Decimal(12),
        line_items=1,
        outside_period_items=0,
    )
    result = mapping.import_bill(billing.Aggregate(billing.CUR2, (row,)), CATALOG, MAPPING)
    [line] = result.reconciliation.lines
    assert (line.costcalc_monthly, line.variance, line.flagged) == (
        Decimal(10),
        Decimal(-2),
        True,
    )
    assert line.reason == mapping.OLDER_BOOK


def test_duckdb_runs_in_utc_bounded_and_silent():
    con = reading.connect()
    settings = con.execute(
        "SELECT current_setting('TimeZone'), current_setting('threads'), "
        "current_setting('enable_progress_bar')"
    ).fetchone()
    con.close()
    # No progress bar: past 2 s DuckDB would draw one into the command's JSON or CSV.
    assert settings == ("UTC", 2, False)


def test_hours_of_an_hourly_rate_become_months_on_the_card():
    # Network Firewall endpoints are billed in hours (Endpoint-Hour); a book that maps them
    # gets endpoint-months: 1,460 hours in one account = 2 endpoint-months.
    book = json.loads(json.dumps(SECOND_BOOK, default=str))
    firewall = next(s for s in book["services"] if s["code"] == "network_firewall")
    endpoints = next(r for r in firewall["rates"] if r["code"] == "endpoints")
    endpoints["aws_usage_type"] = "Endpoint-Hour"
    table = billing.MappingTable.from_book_data(CATALOG, book)
    row = reading.BillRow(
        billing_period="2026-11",
        account_id=A_ACCOUNT,
        region="us-east-1",
        product_code="AWSNetworkFirewall",
        usage_type="USE1-Endpoint-Hour",
        line_item_type="Usage",
        unit="Hrs",
        currency="USD",
        usage_amount=Decimal(1460),
        unblended_cost=Decimal("576.70"),
        list_cost=Decimal("576.70"),
        line_items=1,
        outside_period_items=0,
    )
    result = mapping.import_bill(billing.Aggregate(billing.CUR2, (row,)), CATALOG, table)
    assert [dict(i.usage) for i in result.result.items] == [{"endpoints": 2}]
    assert result.result.warnings == [
        "network_firewall: the bill's Hrs were converted to the input's unit."
    ]


def test_a_cards_notes_list_its_accounts_within_2000_characters():
    assert mapping.accounts_note(["012345678901"]) == "Accounts: 012345678901"
    many = [f"{100000000000 + n}" for n in range(500)]
    note = mapping.accounts_note(many)
    # "Accounts: " (10) + 141 ids (12 + 140 × 14 = 1,972 with their ", ") + ", and 359 more"
    # (14) = 1,996 ≤ 2,000; a 142nd id would make it 2,010.
    assert note.startswith("Accounts: 100000000000, 100000000001, ")
    assert note.endswith(", 100000000140, and 359 more")
    assert len(note) == 1996
    assert mapping.accounts_note(many, limit=20) == "Accounts: and 500 more"


# ---------------------------------------------------------------------------------------------
# The current book, 2027-01: the figures each fixture gives with it (expected-2027-01.json, made
# by the importer and then checked line by line against the book's own prices below).

EXPECTED_2027_01 = json.loads((DATA / "expected-2027-01.json").read_text())
CATALOG_2027_01 = catalog_from_book(THIRD_BOOK)
MAPPING_2027_01 = billing.MappingTable.from_book_data(CATALOG_2027_01, THIRD_BOOK)


def run_2027_01(path, **options) -> billing.BillingImport:
    return billing.import_export(path, CATALOG_2027_01, MAPPING_2027_01, **options)


@pytest.mark.parametrize(("stem", "suffix"), FILES)
def test_book_2027_01_each_file_gives_its_expected_items_quote_and_reconciliation(stem, suffix):
    result = run_2027_01(DATA / f"{stem}{suffix}")

    assert result.format == STEMS[stem]
    assert summary(result) == EXPECTED_2027_01[stem]


def test_book_2027_01_focus_1_0_gives_the_same_as_focus_1_2():
    assert summary(run_2027_01(DATA / "focus-1.0.csv")) == EXPECTED_2027_01["focus-1.2"]


def test_book_2027_01_the_three_formats_agree():
    cur2, legacy, focus = (EXPECTED_2027_01[stem] for stem in ("cur2", "legacy-cur", "focus-1.2"))
    assert cur2["items"] == legacy["items"] == focus["items"]
    assert cur2["item_monthly"] == legacy["item_monthly"] == focus["item_monthly"]
    assert cur2["monthly_total"] == legacy["monthly_total"] == focus["monthly_total"] == "751.06"
    for part in ("lines", "unmapped", "other_services", "totals"):
        assert cur2["reconciliation"][part] == focus["reconciliation"][part], part
        assert cur2["reconciliation"][part] == legacy["reconciliation"][part], part


def _book_rate(service: str, code: str, region: str) -> dict:
    """The 2027-01 book's own rate, as its file writes it, for a service's rate in a Region."""
    (service_data,) = [s for s in THIRD_BOOK["services"] if s["code"] == service]
    (rate,) = [
        r
        for r in service_data["rates"]
        if r["code"] == code and (region in r["regions"] or "*" in r["regions"])
    ]
    return rate


@pytest.mark.parametrize(
    "line", EXPECTED_2027_01["cur2"]["reconciliation"]["lines"], ids=lambda ln: ln["usage_type"]
)
def test_book_2027_01_every_line_is_the_books_price_for_the_bills_quantity(line):
    """costcalc_monthly = (quantity − the rate's free units) ÷ per_units × the first tier's
    price, with every fixture quantity inside its first tier; read from the book's file."""
    offer = next(
        s["aws_offer_code"] for s in THIRD_BOOK["services"] if s["code"] == line["service"]
    )
    code = MAPPING_2027_01.rates[(offer, line["usage_type"])].rate
    rate = _book_rate(line["service"], code, line["region"])
    quantity = Decimal(line["quantity"])
    billable = max(quantity - Decimal(rate.get("free_units", "0")), Decimal(0))
    if len(rate["tiers"]) > 1:
        assert billable < Decimal(rate["tiers"][1]["start"])
    monthly = billable / Decimal(rate["per_units"]) * Decimal(rate["tiers"][0]["price"])
    assert monthly == Decimal(line["costcalc_monthly"])
    # The variance is costcalc against the bill's list cost, flagged above 1%.
    variance = monthly - Decimal(line["list_cost"])
    assert variance == Decimal(line["variance"])
    assert line["flagged"] == (abs(variance) > Decimal(line["list_cost"]) * Decimal("0.01"))


def test_book_2027_01_hand_checked_lines_and_totals():
    result = run_2027_01(DATA / "cur2.parquet")
    lines = {(ln.service, ln.usage_type, ln.region): ln for ln in result.reconciliation.lines}
    quotes = {(q.item.service, q.item.region): q for q in result.quote.items}
    # KMS us-east-1: 4 key-months × $1.00 + (40,000 − 20,000 free) ÷ 10,000 × $0.03 = $4.06.
    assert lines[("kms", "KMS-Requests", "us-east-1")].costcalc_monthly == Decimal("0.06")
    assert quotes[("kms", "us-east-1")].monthly == Decimal("4.06")
    # Private CA: 1 CA-month × $400.00 + 100 certificates × $0.75 (first 1,000) = $475.00.
    assert quotes[("private_ca", "us-east-1")].monthly == Decimal("475.00")
    # GuardDuty us-east-1: 2,000,000 ÷ 1,000,000 × $4.00 + 100 GB × $1.00 (first 500) = $108.
    assert quotes[("guardduty", "us-east-1")].monthly == Decimal("108.00")
    # DNS Firewall: 1,000 domains × $0.0005 + 3,000,000 ÷ 1,000,000 × $0.60 = $2.30, while the
    # bill lists $2 for the queries: −$0.20, usage dated outside the period.
    queries = lines[("dns_firewall", "DNS-FirewallQueries", "us-east-1")]
    assert (queries.costcalc_monthly, queries.variance, queries.reason) == (
        Decimal("1.8"),
        Decimal("-0.2"),
        mapping.OUTSIDE_PERIOD,
    )
    assert quotes[("dns_firewall", "us-east-1")].monthly == Decimal("2.30")
    # What moved from 2026-12: the 2027-01 book prices Security Hub CSPM in us-east-2 and
    # ap-northeast-1 only, so the bill's three us-east-1 Security Hub lines are unmapped (never
    # dropped) and its card ($10.30 with 2026-12) is gone: 761.36 − 10.30 = 751.06.
    assert ("security_hub", "us-east-1") not in quotes
    assert result.quote.monthly_total == Decimal("751.06")
    hub = [u for u in result.reconciliation.unmapped if u.product_code == "AWSSecurityHub"]
    assert [(u.usage_type, u.billed_cost, u.list_cost) for u in hub] == [
        ("USE1-PaidComplianceCheck", Decimal(10), Decimal(10)),
        ("USE1-PaidFindingsIngestion", Decimal(0), Decimal("0.6")),
        ("USE1-RuleEvaluation", Decimal(1), Decimal(1)),
    ]
    assert {u.reason for u in hub} == {"the price book has no security_hub prices in us-east-1"}
    totals = result.reconciliation.totals
    # Billed 762.23 − (10 + 0 + 1) = 751.23; list 762.92 − (10 + 0.6 + 1) = 751.32;
    # unmapped 0.8 + 11 = 11.8; the whole bill is unchanged:
    # 751.23 − 4.9 (adjustments) + 11.8 + 14.688 (EC2, Savings Plan) = 772.818.
    assert (totals.billed, totals.list, totals.costcalc) == (
        Decimal("751.23"),
        Decimal("751.32"),
        Decimal("751.06"),
    )
    assert (totals.adjustments, totals.unmapped, totals.other_services, totals.bill) == (
        Decimal("-4.9"),
        Decimal("11.8"),
        Decimal("14.688"),
        Decimal("772.818"),
    )
