"""A projection's months as shown add up to its shown total, on the page, in the CSV and the
JSON; and a comparison carries both projections in its JSON and CSV, not only on its page."""

import csv
import io
import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from estimates import pricing
from estimates.api import openapi
from estimates.models import Estimate
from estimates.pricing.projection import ProjectedMonth, Projection, ProjectionResult
from estimates.web import exports

D = Decimal
ZERO = D(0)
KMS = pricing.Item("kms", usage={"keys": D(10), "symmetric_requests": D(2_000_000)})
GROWING = Projection(months=36, monthly_growth_percent=D("2.5"))


def result(monthly: list[Decimal], upfront: Decimal = ZERO) -> ProjectionResult:
    months = tuple(
        ProjectedMonth(index + 1, amount, upfront if index == 0 else D(0))
        for index, amount in enumerate(monthly)
    )
    return ProjectionResult(Projection(months=len(monthly)), months, commitments=())


def test_three_half_cents_show_as_the_two_cents_they_total():
    # Rounded one by one they would show 3 × $0.01 under a total of $0.02.
    shown = result([D("0.005")] * 3).shown_months

    assert [month.total for month in shown] == [D("0.01"), D("0.01"), D("0.00")]
    assert sum(month.total for month in shown) == pricing.cents(D("0.015")) == D("0.02")


@given(
    st.lists(
        st.decimals(min_value=0, max_value=10**9, places=6, allow_nan=False),
        min_size=12,
        max_size=36,
    ),
    st.decimals(min_value=0, max_value=10**6, places=4, allow_nan=False),
)
def test_shown_months_add_up_and_stay_within_a_cent(monthly, upfront):
    projected = result(monthly, upfront)

    shown = projected.shown_months

    assert sum(month.total for month in shown) == pricing.cents(projected.total)
    for month, exact in zip(shown, projected.months, strict=True):
        assert abs(month.total - exact.total) < D("0.01")
        assert month.monthly + month.upfront == month.total
        assert month.total == month.total.quantize(D("0.01"))


@pytest.fixture
def growing(price_book) -> Estimate:
    return Estimate.objects.create_from_items(
        name="Growing", price_book=price_book, items=[KMS], projection=GROWING
    )


@pytest.mark.django_db
def test_the_saved_csv_months_add_up_to_the_projection_total(client, growing):
    rows = list(csv.reader(io.StringIO(client.get(growing.get_csv_url()).content.decode())))
    total = next(row[1] for row in rows if row and row[0] == "projection_total")
    header = rows.index(list(exports.MONTH_COLUMNS))
    months = rows[header + 1 : header + 37]

    assert [row[0] for row in months] == [str(month) for month in range(1, 37)]
    assert sum(D(row[3]) for row in months) == D(total)
    assert all(D(row[1]) + D(row[2]) == D(row[3]) for row in months)


@pytest.mark.django_db
def test_the_saved_json_months_add_up_to_the_projection_total(client, growing):
    projected = client.get(growing.get_json_url()).json()["projection"]

    assert len(projected["monthly_totals"]) == 36
    assert sum(D(month) for month in projected["monthly_totals"]) == D(projected["total"])


@pytest.mark.django_db
def test_the_page_months_add_up_to_the_projection_total(client, growing):
    page = client.get(growing.get_absolute_url()).content.decode()
    table = page[page.index('class="projection-months"') :]
    table = table[: table.index("</table>")]
    shown = [
        D(cell.split("$")[1].split("<")[0].replace(",", ""))
        for cell in table.split('class="num">')[2:]
    ]

    assert len(shown) == 36
    assert sum(shown) == pricing.cents(growing.project().total)


@pytest.mark.django_db
def test_the_documented_projection_is_the_apis_answer(client, price_book):
    body = {**openapi.QUOTE_REQUEST, "projection": openapi.SAVE_REQUEST["projection"]}

    answer = client.post("/api/v1/quote", json.dumps(body), content_type="application/json")

    assert answer.json()["projection"] == openapi.PROJECTION
    assert sum(D(month) for month in openapi.PROJECTION["monthly_totals"]) == D("220.01")


def compare_json(client, a: Estimate, b: Estimate) -> dict:
    return client.get(f"/api/v1/compare/{a.public_id}/{b.public_id}").json()


def compare_csv_rows(client, a: Estimate, b: Estimate) -> dict[str, list[str]]:
    content = client.get(f"/compare/{a.public_id}/{b.public_id}/export.csv").content
    rows = csv.reader(io.StringIO(content.decode("utf-8-sig")))
    return {row[0]: row[1:] for row in rows if row}


@pytest.mark.django_db
class TestComparedProjections:
    def save(self, price_book, keys: int, projection: Projection) -> Estimate:
        item = pricing.Item("kms", usage={"keys": D(keys), "symmetric_requests": D(2_000_000)})
        return Estimate.objects.create_from_items(
            name=f"{keys} keys", price_book=price_book, items=[item], projection=projection
        )

    def test_over_the_same_horizon_the_json_and_csv_give_b_minus_a(self, client, price_book):
        # 10 keys + $5.94 of requests = $15.94 a month; 20 keys = $25.94: 12 months each.
        a = self.save(price_book, 10, Projection(months=12))
        b = self.save(price_book, 20, Projection(months=12))

        projections = compare_json(client, a, b)["projections"]

        assert (projections["a"]["total"], projections["b"]["total"]) == ("191.28", "311.28")
        assert projections["same_months"] is True
        assert projections["delta"] == "120.00"
        assert compare_csv_rows(client, a, b)["projection_total"] == ["191.28", "311.28", "120.00"]
        assert compare_csv_rows(client, a, b)["projection_months"] == ["12", "12", ""]

    def test_over_other_horizons_they_are_side_by_side_without_a_delta(self, client, price_book):
        a = self.save(price_book, 10, Projection(months=12))
        b = self.save(price_book, 10, Projection(months=24))

        projections = compare_json(client, a, b)["projections"]

        assert (projections["a"]["total"], projections["b"]["total"]) == ("191.28", "382.56")
        assert projections["same_months"] is False and projections["delta"] is None
        assert compare_csv_rows(client, a, b)["projection_total"] == ["191.28", "382.56", ""]
        assert compare_csv_rows(client, a, b)["projection_months"] == ["12", "24", ""]

    def test_growth_is_compared_month_by_month(self, client, price_book):
        a = self.save(price_book, 10, Projection(months=36))
        b = self.save(price_book, 10, GROWING)

        projections = compare_json(client, a, b)["projections"]
        grown = D(projections["b"]["total"])

        assert projections["b"]["monthly_growth_percent"] == "2.5"
        assert grown == pricing.cents(b.project().total) > D("573.84")  # 36 × $15.94
        assert D(projections["delta"]) == grown - D("573.84")
