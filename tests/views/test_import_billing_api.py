"""POST /api/v1/import/billing: a CUR or FOCUS export in, cards, quote and reconciliation out.

Every answer is also checked against the OpenAPI document by the test client. Figures are the
2026-12 book's, asked for by id so that a newer current book does not move them.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from estimates import pricing
from estimates.importers import billing
from estimates.models import Estimate, PriceBook

DATA = Path(__file__).parent.parent / "data" / "billing"
EXPECTED = json.loads((DATA / "expected-2026-12.json").read_text())
EXPECTED_2027_01 = json.loads((DATA / "expected-2027-01.json").read_text())
URL = "/api/v1/import/billing"
CONTENT_TYPES = {
    ".csv": "text/csv",
    ".csv.gz": "application/gzip",
    ".parquet": "application/vnd.apache.parquet",
}


def post_raw(client, book, name: str, query: str = "", content_type: str | None = None):
    suffix = next(s for s in (".csv.gz", ".csv", ".parquet") if name.endswith(s))
    return client.post(
        f"{URL}?price_book={book.pk}{query}",
        (DATA / name).read_bytes(),
        content_type=content_type or CONTENT_TYPES[suffix],
    )


def errors(response) -> list[tuple[str, str]]:
    return [(e["field"], e["message"]) for e in response.json()["errors"]]


@pytest.mark.parametrize("suffix", [".csv", ".csv.gz", ".parquet"])
@pytest.mark.parametrize("stem", ["cur2", "legacy-cur", "focus-1.2"])
def test_each_format_as_the_body(client, second_book, stem, suffix):
    response = post_raw(client, second_book, stem + suffix)

    assert response.status_code == 200
    body = response.json()
    expected = EXPECTED[stem]
    assert (body["format"], body["billing_period"]) == (
        expected["format"],
        expected["billing_period"],
    )
    assert body["billing_periods"] == ["2026-10", "2026-11"]
    # Each item's notes are the ids of the accounts it pools ("Accounts: 111111111111, …").
    assert body["items"] == expected["items"]
    assert body["item_notes"] == [item["notes"] for item in expected["items"]]
    assert [item["notes"] for item in body["quote"]["items"]] == body["item_notes"]
    assert body["quote"]["monthly_total"] == "761.36"
    assert [item["monthly"] for item in body["quote"]["items"]] == expected["item_monthly"]
    assert body["quote"]["price_book"]["id"] == second_book.pk
    assert body["reconciliation"] == expected["reconciliation"]


def test_the_multipart_field_file_with_options(client, second_book):
    with open(DATA / "cur2.parquet", "rb") as file:
        response = client.post(
            URL,
            {
                "file": file,
                "billing_period": "2026-10",
                "group_by": "account",
                "price_book": str(second_book.pk),
            },
        )

    assert response.status_code == 200
    body = response.json()
    assert body["billing_period"] == "2026-10"
    assert body["group_by"] == "account"
    assert [(i["service"], i["group"], i["usage"]) for i in body["items"]] == [
        ("kms", "111111111111", {"keys": "3"}),
        ("waf", "111111111111", {"web_acls": "1"}),
    ]
    assert body["quote"]["monthly_total"] == "8.00"


def test_the_items_save_as_they_are(client, second_book):
    body = post_raw(client, second_book, "cur2.csv").json()

    saved = client.post(
        "/api/v1/estimates",
        json.dumps({"name": "From the bill", "items": body["items"], "price_book": second_book.pk}),
        content_type="application/json",
    )

    assert saved.status_code == 201
    estimate = Estimate.objects.get(public_id=saved.json()["id"])
    assert pricing.amount_text(estimate.quote().monthly_total) == "761.36"
    assert estimate.items.count() == len(body["items"]) == 12
    # With their notes: the card of the two accounts' KMS keys in us-east-1 lists both.
    assert estimate.item_notes() == tuple(item["notes"] for item in body["items"])
    assert estimate.item_notes()[1] == "Accounts: 111111111111, 222222222222"


def test_the_current_book_is_the_default(client, second_book):
    response = client.post(URL, (DATA / "cur2.csv").read_bytes(), content_type="text/csv")

    assert response.status_code == 200
    assert response.json()["quote"]["price_book"]["id"] == PriceBook.objects.current().pk


@pytest.mark.parametrize("name", ["cur2.csv", "legacy-cur.csv.gz", "focus-1.2.parquet"])
def test_without_a_book_named_it_prices_with_2027_01_the_current_book(client, third_book, name):
    # The migrations publish 2027-01 last: it is the current book, so the API's default.
    assert PriceBook.objects.current() == third_book
    suffix = next(s for s in CONTENT_TYPES if name.endswith(s))
    response = client.post(URL, (DATA / name).read_bytes(), content_type=CONTENT_TYPES[suffix])

    assert response.status_code == 200
    body = response.json()
    expected = EXPECTED_2027_01[name.split(".csv")[0].split(".parquet")[0]]
    assert body["quote"]["price_book"] == {
        "id": third_book.pk,
        "name": "AWS list prices, 2027-01",
        "effective_date": "2027-01-01",
    }
    assert body["items"] == expected["items"]
    assert body["quote"]["monthly_total"] == expected["monthly_total"] == "751.06"
    assert [item["monthly"] for item in body["quote"]["items"]] == expected["item_monthly"]
    assert body["reconciliation"] == expected["reconciliation"]


class TestRefused:
    def test_a_body_over_the_limit_is_a_413(self, client, second_book, monkeypatch):
        monkeypatch.setattr(billing, "MAX_UPLOAD_BYTES", 1000)
        response = post_raw(client, second_book, "cur2.csv")

        assert response.status_code == 413
        assert errors(response) == [
            (
                "file",
                "The file is over 0 MB, the most costcalc takes: run aggregate.sql on Athena "
                "and send its result instead.",
            )
        ]

    def test_a_multipart_file_over_the_limit_is_a_413(self, client, second_book, monkeypatch):
        monkeypatch.setattr(billing, "MAX_UPLOAD_BYTES", 5 * 1024 * 1024)
        big = DATA.parent.parent / "big.csv"
        try:
            big.write_bytes(b"x" * (6 * 1024 * 1024))
            with open(big, "rb") as file:
                response = client.post(URL, {"file": file})
        finally:
            big.unlink()

        assert response.status_code == 413
        assert errors(response)[0][0] == "file"

    def test_another_content_type_is_a_415(self, client, second_book):
        response = client.post(URL, "{}", content_type="application/json")

        assert response.status_code == 415
        assert "text/csv" in errors(response)[0][1]

    def test_multipart_without_the_file(self, client, second_book):
        response = client.post(URL, {"billing_period": "2026-11"})

        assert response.status_code == 400
        assert errors(response) == [("file", "Send the export as the field file.")]

    @pytest.mark.parametrize(
        ("content", "field", "message"),
        [
            (b"", "file", "The file is empty."),
            (b"name,age\nAda,36\n", "file", "This is not a Cost and Usage Report"),
            (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50, "file", "not a CSV or Parquet"),
            (gzip.compress(b"\n" * 100)[:20], "file", "The gzip file is damaged"),
        ],
    )
    def test_a_file_that_is_not_a_bill(self, client, second_book, content, field, message):
        response = client.post(
            f"{URL}?price_book={second_book.pk}", content, content_type="text/csv"
        )

        assert response.status_code == 400
        [(got_field, got_message)] = errors(response)
        assert got_field == field and message in got_message

    def test_a_period_the_file_does_not_have(self, client, second_book):
        response = post_raw(client, second_book, "focus-1.2.csv", "&billing_period=2026-09")

        assert response.status_code == 400
        assert errors(response) == [
            ("billing_period", "The file has no billing period 2026-09: it has 2026-10, 2026-11.")
        ]

    def test_a_bad_group_by_or_book(self, client, second_book):
        response = post_raw(client, second_book, "cur2.csv", "&group_by=team")
        assert response.status_code == 400
        assert errors(response)[0][0] == "group_by"

        response = client.post(f"{URL}?price_book=9{'9' * 30}", b"x", content_type="text/csv")
        assert response.status_code == 400
        assert errors(response)[0][0] == "price_book"

    def test_non_numeric_amounts_price_nothing(self, client, second_book):
        text = (DATA / "cur2.csv").read_text().replace(",30000000,", ",30 million,", 1)
        response = client.post(
            f"{URL}?price_book={second_book.pk}", text.encode(), content_type="text/csv"
        )

        assert response.status_code == 400
        assert errors(response) == [
            (
                "file",
                "1 line item has an amount that is not a number (usage amount, unblended "
                "cost or public on-demand cost): nothing was priced.",
            )
        ]

    def test_a_get_is_a_405(self, client, second_book):
        assert client.get(URL).status_code == 405
