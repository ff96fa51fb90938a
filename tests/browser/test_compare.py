"""Save, edit a copy, add WAF, compare with the original: the WAF lines are added, the header
says by how much; the projection follows the settings as they are typed."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import add_service

pytestmark = pytest.mark.browser

LINK = re.compile(r"/e/[0-9a-f-]{36}/$")
COMPARISON = re.compile(r"/compare/[0-9a-f-]{36}/[0-9a-f-]{36}/$")


def test_compare_a_copy_with_waf_added_to_the_original(page, live_server):
    page.goto(live_server.url + "/")
    card = add_service(page, "kms")
    card.locator('[data-usage-key="keys"]').fill("10")
    card.locator('[data-usage-key="symmetric_requests"]').fill("2000000")
    expect(page.locator("#monthly-total")).to_have_text("$15.94")
    page.get_by_label("Name").fill("Keys only")
    page.get_by_role("button", name="Save estimate").click()
    expect(page).to_have_url(LINK)
    original = page.url

    page.get_by_role("link", name="Edit a copy").click()
    expect(page.locator('[data-service="kms"] [data-usage-key="keys"]')).to_have_value("10")
    waf = add_service(page, "waf")
    waf.locator('[data-usage-key="web_acls"]').fill("1")
    waf.locator('[data-usage-key="rules"]').fill("5")
    expect(page.locator("#monthly-total")).to_have_text("$25.94")
    page.get_by_label("Name").fill("Keys and WAF")
    page.get_by_role("button", name="Save estimate").click()
    expect(page).to_have_url(LINK)
    assert page.url != original

    page.get_by_role("link", name="Compare with the original").click()
    expect(page).to_have_url(COMPARISON)
    expect(page.locator("#compare-delta")).to_contain_text("B costs $10.00 a month more than A")
    expect(page.locator("#estimate-a")).to_have_text("Keys only")
    expect(page.locator("#estimate-b")).to_have_text("Keys and WAF")
    added = page.locator('#changed-lines tr[data-status="added"]')
    expect(added).to_have_count(2)
    expect(added.first).to_have_attribute("data-service", "waf")
    expect(added.nth(1)).to_have_attribute("data-service", "waf")
    expect(page.locator('#changed-lines tr[data-status="changed"]')).to_have_count(0)
    unchanged = page.locator("#unchanged-lines")
    expect(unchanged.locator("summary")).to_have_text("2 unchanged lines")
    expect(unchanged.locator("tr[data-status]").first).not_to_be_visible()  # folded away
    unchanged.locator("summary").click()
    expect(unchanged.locator("tr[data-status]").first).to_be_visible()


def test_the_projection_follows_what_is_typed(page, live_server):
    page.goto(live_server.url + "/")
    card = add_service(page, "kms")
    card.locator('[data-usage-key="keys"]').fill("10")
    card.locator('[data-usage-key="symmetric_requests"]').fill("2000000")
    expect(page.locator("#projection-total")).to_have_text("$191.28")

    page.get_by_label("Project over").select_option("36")
    page.get_by_label("Monthly growth").fill("2.5")
    expect(page.locator("#projection-total")).to_have_text("$914.66")
    expect(page.locator(".projection-chart polyline")).to_have_attribute(
        "points", re.compile(r"^0\.0,\d+(\.\d)? (\S+ ){34}300\.0,4\.0$")
    )

    page.get_by_label("Monthly growth").fill("-101")
    expect(page.locator("#id_projection_growth_percent_error")).to_have_text(
        "Enter a monthly growth from −100 to 1,000 percent."
    )
    expect(page.locator("#monthly-total")).to_have_text("$15.94")

    shield = add_service(page, "shield")
    page.get_by_label("Monthly growth").fill("0")
    shield.locator('[data-usage-key="advanced_subscriptions"]').check()
    expect(page.locator('[data-commitment="shield.advanced_subscriptions"]')).to_contain_text(
        "binds months 1–12: 12 × $3,000.00 = $36,000.00 committed"
    )
