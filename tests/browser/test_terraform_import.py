"""Import a Terraform plan from the editor, with and without JavaScript, then finish and save it."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PLAN = Path(__file__).parent.parent / "data" / "terraform" / "baseline.plan.json"
LINK = re.compile(r"/e/[0-9a-f-]{36}/$")


def upload_plan(page) -> None:
    page.get_by_role("link", name="Import a Terraform plan").click()
    page.get_by_label("Terraform plan (JSON)").set_input_files(PLAN)
    page.get_by_role("button", name="Import the plan").click()


def test_import_a_plan_type_the_usage_it_needs_and_save(page, live_server):
    page.goto(live_server.url + "/")
    upload_plan(page)

    expect(page.locator("#imported h2")).to_have_text("Imported from baseline.plan.json")
    expect(page.locator("article.card")).to_have_count(10)
    expect(page.locator("#needs-usage tbody tr")).to_have_count(19)
    expect(page.locator("#unpriced tbody tr")).to_have_count(16)
    expect(page.locator("#monthly-total")).to_have_text("$3,668.60")

    # The panel links to the field; typing there recomputes live (2,480,000 billable ÷ 10,000
    # × $0.03 = $7.44).
    page.locator('#needs-usage a[href="#id_card-4-symmetric_requests"]').first.click()
    page.locator("#id_card-4-symmetric_requests").fill("2500000")
    expect(page.locator("#monthly-total")).to_have_text("$3,676.04")
    expect(page.locator("#imported")).to_be_visible()

    page.get_by_role("button", name="Save estimate").click()
    expect(page).to_have_url(LINK)
    expect(page.locator("h1")).to_have_text("Terraform plan baseline.plan.json")
    expect(page.locator("#monthly-total")).to_have_text("$3,676.04")


def test_import_without_javascript(browser, live_server, price_book):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(live_server.url + "/")

    upload_plan(page)

    expect(page.locator("article.card")).to_have_count(10)
    expect(page.locator("#needs-usage tbody tr")).to_have_count(19)
    expect(page.locator("#monthly-total")).to_have_text("$3,668.60")
    page.locator("#id_card-4-symmetric_requests").fill("2500000")
    page.get_by_role("button", name="Recalculate", exact=True).last.click()
    expect(page.locator("#monthly-total")).to_have_text("$3,676.04")
    context.close()
