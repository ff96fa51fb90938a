"""Import a bill from the editor, with and without JavaScript, then edit and save it."""

import re
from pathlib import Path

import pytest
from django.db import models
from playwright.sync_api import expect

from estimates.models import PriceBook
from tests.conftest import FIRST_BOOK, SECOND_BOOK, shipped_book

pytestmark = pytest.mark.browser

BILL = Path(__file__).parent.parent / "data" / "billing" / "cur2.csv.gz"
LINK = re.compile(r"/e/[0-9a-f-]{36}/$")


@pytest.fixture
def book_2026_12(transactional_db) -> PriceBook:
    """The 2026-12 book as the current one: these figures are its own."""
    first, second = shipped_book(FIRST_BOOK), shipped_book(SECOND_BOOK)
    models.QuerySet.delete(PriceBook.objects.exclude(pk__in=[first.pk, second.pk]))
    return second


def upload_bill(page) -> None:
    page.get_by_role("link", name="Import a bill").click()
    page.get_by_label("Billing export (CSV, gzip CSV or Parquet)").set_input_files(BILL)
    page.get_by_role("button", name="Import the bill").click()


def check_import(page) -> None:
    expect(page.locator("#bill h2")).to_have_text(
        "Imported from cur2.csv.gz: cur2, billing period 2026-11"
    )
    expect(page.locator("article.card")).to_have_count(12)
    expect(page.locator("#reconciliation tbody tr")).to_have_count(23)
    expect(page.locator("#reconciliation tbody tr.flagged")).to_have_count(4)
    expect(page.locator("#bill-total")).to_have_text("772.818")
    expect(page.locator("#monthly-total")).to_have_text("$761.36")


def test_import_a_bill_edit_it_and_save(browser, live_server, book_2026_12):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security" in m.text else 0)
    page.goto(live_server.url + "/")
    upload_bill(page)
    check_import(page)

    # One more key in us-east-1, in each of its 2 accounts: + 2 × $1.00, recomputed live.
    page.locator("#id_card-1-keys").fill("3")
    expect(page.locator("#monthly-total")).to_have_text("$763.36")
    expect(page.locator("#bill")).to_be_visible()

    page.get_by_role("button", name="Save estimate").click()
    expect(page).to_have_url(LINK)
    expect(page.locator("h1")).to_have_text("Bill 2026-11 cur2.csv.gz")
    expect(page.locator("#monthly-total")).to_have_text("$763.36")
    assert violations == []
    context.close()


def test_import_a_bill_without_javascript(browser, live_server, book_2026_12):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(live_server.url + "/")

    upload_bill(page)
    check_import(page)

    page.locator("#id_card-1-keys").fill("3")
    page.get_by_role("button", name="Recalculate", exact=True).last.click()
    expect(page.locator("#monthly-total")).to_have_text("$763.36")
    context.close()


def test_a_file_that_is_not_a_bill_without_javascript(browser, live_server, book_2026_12, tmp_path):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(live_server.url + "/import/billing")
    (tmp_path / "people.csv").write_text("name,age\nAda,36\n")

    page.get_by_label("Billing export (CSV, gzip CSV or Parquet)").set_input_files(
        tmp_path / "people.csv"
    )
    page.get_by_role("button", name="Import the bill").click()

    expect(page.locator("#id_file_error")).to_contain_text("not a Cost and Usage Report")
    expect(page.locator("article.card")).to_have_count(0)
    context.close()
