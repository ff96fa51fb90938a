"""Issue 20, item 11, to the end: an estimate saved from a Terraform import that left resources
unpriced keeps saying so — on its page, in its JSON and its CSV — not only in the editor."""

import csv
import io
from decimal import Decimal

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from estimates import pricing
from estimates.importers import terraform
from estimates.models import MAX_UNPRICED, Estimate
from tests.views.test_terraform_import import post, upload

BOOK = "AWS list prices, US East (N. Virginia), 2026-11"
SECURITY_HUB = terraform.Unpriced(
    "aws_securityhub_account.main",
    "aws_securityhub_account",
    f"not in the current price book ({BOOK})",
)


def save_the_import(client, **changes) -> Estimate:
    """Upload the baseline plan and save its editor as it stands, as the Save button does."""
    response = post(client, upload("baseline.plan.json"))
    data = response.context["editor"].formset.data.copy()
    data.update({"name": "Baseline", "free_tier": "on", **changes})
    saved = client.post("/save", data)
    assert saved.status_code == 302, saved.content.decode()[:500]
    return Estimate.objects.get()


def csv_summary(client, estimate: Estimate) -> dict[str, str]:
    rows = csv.reader(io.StringIO(client.get(estimate.get_csv_url()).content.decode("utf-8-sig")))
    return {row[0]: row[1] for row in rows if len(row) == 2}


class TestSavedFromAnIncompleteImport:
    def test_the_estimate_keeps_the_16_resources_it_left_out(self, client, price_book):
        estimate = save_the_import(client)

        assert len(estimate.unpriced) == 16
        assert SECURITY_HUB in estimate.unpriced_resources
        assert pricing.amount_text(estimate.monthly_total) == "3668.60"

    def test_its_page_lists_them_above_the_cost_lines_and_marks_the_total(self, client, price_book):
        estimate = save_the_import(client)

        page = client.get(estimate.get_absolute_url())
        html = page.content.decode()

        assertContains(page, "Not priced (16)")
        assertContains(page, "data-unpriced=", count=16)
        assertContains(
            page,
            '<tr data-unpriced="aws_securityhub_account"><th scope="row">'
            f"<code>aws_securityhub_account.main</code></th><td>{SECURITY_HUB.reason}</td></tr>",
        )
        assert html.index('id="unpriced"') < html.index('id="cost-lines"')
        assertContains(
            page,
            "Incomplete: 16 resources of the imported plan were not priced when this estimate "
            "was saved (listed above the cost lines), so the totals leave them out.",
        )

    def test_its_json_and_csv_say_so(self, client, price_book):
        estimate = save_the_import(client)

        answer = client.get(estimate.get_json_url()).json()
        summary = csv_summary(client, estimate)

        assert len(answer["unpriced"]) == 16
        assert {
            "address": "aws_securityhub_account.main",
            "type": "aws_securityhub_account",
            "usage_key": None,
            "reason": SECURITY_HUB.reason,
        } in answer["unpriced"]
        assert summary["unpriced_resources"] == "16"
        assert "aws_securityhub_account.main" in summary["unpriced_addresses"].split("; ")

    def test_a_form_naming_another_import_saves_none(self, client, price_book):
        # A forged id, or the form of a tab opened before the import, is not that import.
        estimate = save_the_import(client, terraform_import="0" * 32)

        assert estimate.unpriced == []
        assertNotContains(client.get(estimate.get_absolute_url()), 'id="total-incomplete"')


class TestSavedWithoutAnImport:
    def test_nothing_is_marked_and_the_json_has_no_unpriced(self, client, price_book):
        estimate = Estimate.objects.create_from_items(
            name="Keys",
            price_book=price_book,
            items=[pricing.Item("kms", usage={"keys": Decimal(1)})],
        )

        assert "unpriced" not in client.get(estimate.get_json_url()).json()
        assert "unpriced_resources" not in csv_summary(client, estimate)
        assertNotContains(client.get(estimate.get_absolute_url()), 'id="unpriced"')


@pytest.mark.django_db
def test_more_unpriced_resources_than_the_limit_are_refused_by_name(price_book):
    too_many = (SECURITY_HUB,) * (MAX_UNPRICED + 1)

    with pytest.raises(pricing.PricingError) as refused:
        Estimate.objects.create_from_items(
            name="Big plan", price_book=price_book, items=[], unpriced=too_many
        )

    assert [(error.field, error.message) for error in refused.value.errors] == [
        ("unpriced", "At most 1,000 unpriced resources, please.")
    ]
    assert Estimate.objects.count() == 0
