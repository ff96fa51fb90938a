"""Net figures in the CSV of a saved estimate and of a comparison, and on the compare page."""

import csv
import io
import json
from decimal import Decimal

import pytest

from estimates.models import Estimate
from estimates.pricing import Item
from estimates.pricing.terms import Terms
from estimates.web import exports
from estimates.web.exports import write_comparison_csv, write_estimate_csv

KMS = Item("kms", usage={"keys": Decimal(10), "symmetric_requests": Decimal(2_000_000)})
README = Terms(
    discount_percent=Decimal(10),
    service_discounts={"kms": Decimal(20)},
    monthly_credits=Decimal(5),
    tax_percent=Decimal(20),
    currency="EUR",
    usd_rate=Decimal("0.92"),
)


def parts(text: str) -> list[list[list[str]]]:
    """The CSV's parts, split at its empty rows."""
    found: list[list[list[str]]] = [[]]
    for row in csv.reader(io.StringIO(text)):
        if row:
            found[-1].append(row)
        else:
            found.append([])
    return found


def save(book, name="Keys", items=(KMS,), **kwargs) -> Estimate:
    return Estimate.objects.create_from_items(
        name=name, price_book=book, items=list(items), **kwargs
    )


@pytest.mark.django_db
def test_the_csv_has_list_and_net_columns_and_names_the_currency(second_book):
    out = io.StringIO()
    write_estimate_csv(save(second_book, terms=README), out)
    summary, lines, settings, months, _commitments = parts(out.getvalue())
    fields = dict(summary)
    assert (fields["monthly"], fields["currency"]) == ("15.94", "USD")
    assert fields["net_currency"] == "EUR"
    assert (fields["net_monthly_subtotal"], fields["net_credits"], fields["net_tax"]) == (
        "11.73",
        "4.60",
        "1.43",
    )
    assert fields["net_monthly"] == "8.56"
    assert fields["net_first_12_months"] == "102.70"
    assert json.loads(fields["terms"])["currency"] == {"code": "EUR", "usd_rate": "0.92"}
    header, keys, requests = lines
    assert header[-3:] == ["net_monthly", "net_currency", "terms_applied"]
    assert (keys[header.index("monthly")], keys[-3:]) == ("10.00", ["7.36", "EUR", "discount 20"])
    assert requests[-3:] == ["4.37", "EUR", "discount 20"]
    assert dict(settings)["net_projection_total"] == "102.70"
    assert months[0][-1] == "net_total"
    assert months[1] == ["1", "15.94", "0.00", "15.94", "8.56"]


@pytest.mark.django_db
def test_the_csv_without_terms_is_as_it_was(second_book):
    out = io.StringIO()
    write_estimate_csv(save(second_book), out)
    summary, lines, *_ = parts(out.getvalue())
    assert "net_monthly" not in dict(summary)
    # Without terms the line columns end where the plain export's do (issue 20 added the
    # formula's columns after `unverified`).
    assert lines[0][-1] == exports.COLUMNS[-1]
    assert "net_monthly" not in lines[0]


@pytest.mark.django_db
def test_compare_splits_a_change_of_terms_from_a_change_of_usage(client, second_book):
    a = save(second_book, terms=Terms(discount_percent=Decimal(10)))
    more = Item("kms", usage={"keys": Decimal(20), "symmetric_requests": Decimal(2_000_000)})
    b = save(second_book, items=(more,), terms=Terms(discount_percent=Decimal(20)))
    out = io.StringIO()
    write_comparison_csv(out, a, b, a.compare_to(b))
    fields = {row[0]: row[1] for part in parts(out.getvalue()) for row in part if len(row) == 2}
    # A 14.346 (15.94 × 0.9); A at B's terms 12.752; B 20.752 (25.94 × 0.8)
    assert (fields["net_monthly_a"], fields["net_monthly_b"]) == ("14.35", "20.75")
    assert fields["net_monthly_delta"] == "6.41"
    assert fields["net_terms_effect"] == "-1.59"
    assert fields["net_usage_effect"] == "8.00"
    body = client.get(f"/api/v1/compare/{a.public_id}/{b.public_id}").json()
    assert body["net"]["terms_effect"] == "-1.59"
    assert body["net"]["usage_effect"] == "8.00"
    html = client.get(f"/compare/{a.public_id}/{b.public_id}/").content.decode()
    assert 'id="net-terms-effect">−USD 1.59<' in html
    assert 'id="net-usage-effect">USD 8.00<' in html


@pytest.mark.django_db
def test_compare_without_terms_has_no_net_part(client, second_book):
    a, b = save(second_book), save(second_book)
    assert "net" not in client.get(f"/api/v1/compare/{a.public_id}/{b.public_id}").json()
    assert (
        'id="net-comparison"'
        not in client.get(f"/compare/{a.public_id}/{b.public_id}/").content.decode()
    )
