"""The editor's terms panel in a real browser: collapsed at first, net figures live."""

import pytest
from playwright.sync_api import expect

from .conftest import add_service

pytestmark = pytest.mark.browser


def test_terms_typed_in_the_panel_price_the_net_live(page, live_server):
    page.goto(live_server.url + "/")
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    card = add_service(page, "kms")
    card.locator('[data-usage-key="keys"]').fill("10")
    card.locator('[data-usage-key="symmetric_requests"]').fill("2000000")
    expect(page.locator("#monthly-total")).to_have_text("$15.94")

    discount = page.get_by_label("Discount", exact=True)
    expect(discount).to_be_hidden()  # the panel starts collapsed
    page.locator("#terms-panel summary").click()
    discount.fill("10")
    page.get_by_label("Service discounts").fill("kms 20")
    page.get_by_label("Monthly credits").fill("5")
    page.get_by_label("Tax", exact=True).fill("20")
    page.get_by_label("Currency", exact=True).fill("EUR")
    page.get_by_label("Rate for 1 USD").fill("0.92")
    expect(page.locator("#net-monthly-total")).to_have_text("EUR 8.56")
    expect(page.locator("#monthly-total")).to_have_text("$15.94")  # list stays list

    discount.fill("110")
    expect(page.locator("#id_terms-discount_percent_error")).to_have_text(
        "Enter a percent from 0 to 100."
    )
    expect(page.locator("#net-totals")).to_contain_text("The net figures wait for a fix.")
    expect(discount).to_have_value("110")  # what the user typed is never overwritten
    assert navigations == []
