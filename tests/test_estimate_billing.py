"""`manage.py estimate_billing FILE`: a bill as an estimate with its reconciliation."""

import csv
import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from estimates.models import Estimate

DATA = Path(__file__).parent / "data" / "billing"
EXPECTED = json.loads((DATA / "expected-2026-12.json").read_text())
EXPECTED_2027_01 = json.loads((DATA / "expected-2027-01.json").read_text())


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("estimate_billing", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(*args: str) -> CommandError:
    with pytest.raises(CommandError) as error:
        run(*args)
    return error.value


def book_args(book) -> list[str]:
    return ["--price-book", str(book.pk)]


@pytest.mark.parametrize("stem", ["cur2.csv", "legacy-cur.parquet", "focus-1.2.csv.gz"])
def test_without_price_book_it_prices_with_2027_01_the_current_book(third_book, stem):
    # No --price-book: the current book, which the migrations make 2027-01.
    out, _ = run(str(DATA / stem), "--format", "json")

    body = json.loads(out)
    expected = EXPECTED_2027_01[stem.split(".csv")[0].split(".parquet")[0]]
    assert body["quote"]["price_book"]["name"] == "AWS list prices, 2027-01"
    assert body["items"] == expected["items"]
    assert body["quote"]["monthly_total"] == expected["monthly_total"] == "751.06"
    assert body["reconciliation"] == expected["reconciliation"]
    table, _ = run(str(DATA / stem))
    assert "Priced with AWS list prices, 2027-01 (2027-01-01)" in table
    assert re.search(r"\n  Monthly total +\$751\.06\n", table)


def test_the_table_has_cards_reconciliation_and_totals(second_book):
    out, err = run(str(DATA / "cur2.csv.gz"), *book_args(second_book))

    lines = out.splitlines()
    assert lines[0] == "Bill cur2.csv.gz: cur2, billing period 2026-11"
    assert (
        lines[1] == "Priced with AWS list prices, 2026-12 (2026-12-01), free tier on, USD a month"
    )
    assert re.search(r"\n  Monthly total +\$761\.36\n", out)
    assert re.search(r"AWS WAF · us-east-1 × 2 accounts +\$54\.00\n", out)
    row = next(line for line in lines if "KMS-Requests" in line)
    assert re.split(r" {2,}", row.strip()) == [
        "kms",
        "KMS-Requests",
        "us-east-1",
        "40000 Requests",
        "0.03",
        "0.12",
        "0.06",
        "-0.06",
        "*",
        "a free allowance spread differently",
    ]
    assert "Unmapped (3): usage no rate prices" in out
    assert re.search(r"\n  the whole bill +772\.818\n", out)
    assert "Other services: 2 line items, 14.688 (AmazonEC2, ComputeSavingsPlans)" in out
    assert err == ""


@pytest.mark.parametrize("stem", ["cur2.csv", "legacy-cur.parquet", "focus-1.2.csv.gz"])
def test_json_is_the_apis_answer(second_book, stem):
    out, _ = run(str(DATA / stem), "--format", "json", *book_args(second_book))

    body = json.loads(out)
    expected = EXPECTED[stem.split(".csv")[0].split(".parquet")[0]]
    assert body["format"] == expected["format"]
    assert body["reconciliation"] == expected["reconciliation"]
    assert body["item_notes"] == [item["notes"] for item in expected["items"]]
    assert body["quote"]["monthly_total"] == "761.36"


def test_csv_has_the_quote_then_the_reconciliation(second_book):
    out, _ = run(
        str(DATA / "cur2.parquet"),
        "--format",
        "csv",
        "--group-by",
        "account",
        *book_args(second_book),
    )

    rows = list(csv.reader(io.StringIO(out)))
    summary = dict(row for row in rows[:20] if len(row) == 2)
    assert summary["billing_period"] == "2026-11"
    assert summary["bill_total"] == "772.818"
    header = rows.index(
        ["service", "usage_type", "region", "quantity", "unit", "billed_cost", "list_cost"]
        + ["costcalc_monthly", "variance", "flagged", "reason"]
    )
    reconciliation = rows[header + 1 :]
    assert len(reconciliation) == len(EXPECTED["cur2"]["reconciliation"]["lines"])
    assert ["kms", "KMS-Keys", "us-east-1", "4", "Keys", "4", "4", "4", "0", "", ""] in (
        reconciliation
    )


def test_an_earlier_period_and_save(second_book):
    out, _ = run(
        str(DATA / "cur2.csv"), "--billing-period", "2026-10", "--save", *book_args(second_book)
    )

    estimate = Estimate.objects.get()
    assert f"Saved: {estimate.get_absolute_url()}" in out
    assert estimate.name == "Bill 2026-10 cur2.csv"
    assert estimate.price_book == second_book
    # Each card's notes are the ids of the accounts it pools; the description, the period.
    assert [(i.service, i.usage, i.notes) for i in estimate.items.all()] == [
        ("kms", {"keys": "3"}, "Accounts: 111111111111"),
        ("waf", {"web_acls": "1"}, "Accounts: 111111111111"),
    ]
    assert estimate.description == "From the bill for 2026-10."


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.csv"], "missing.csv: no such file."),
        ([str(DATA / "cur2.csv"), "--billing-period", "2025-01"], "has no billing period 2025-01"),
        ([str(DATA / "cur2.csv"), "--billing-period", "Jan"], "Give the billing period as YYYY-MM"),
        (
            [str(DATA / "make_fixtures.py")],
            "could not be read as CSV or Parquet: Invalid Input Error: Error when sniffing "
            "the file.",
        ),
    ],
)
def test_a_file_it_cannot_read_exits_2(second_book, args, message):
    error = refused(*args)

    assert error.returncode == 2
    assert message in str(error)
    assert not Estimate.objects.exists()


def test_an_unknown_book_exits_2(second_book):
    error = refused(str(DATA / "cur2.csv"), "--price-book", "999999")
    assert (error.returncode, str(error)) == (2, "No published price book has the id 999999.")
