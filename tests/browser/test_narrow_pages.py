"""Issue 20, item 15: no page scrolls sideways on a 390-px-wide phone."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from estimates import pricing
from estimates.models import Estimate

from .conftest import add_service

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
D = Decimal


def scroll_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.fixture
def phone(browser, page):
    page.set_viewport_size(PHONE)
    return page


def saved_pair(price_book) -> tuple[Estimate, Estimate]:
    kms = pricing.Item("kms", group="production-keys", usage={"keys": D(10)})
    waf = pricing.Item("waf", group="edge-distribution", usage={"web_acls": D(2), "rules": D(14)})
    a = Estimate.objects.create_from_items(name="Keys only", price_book=price_book, items=[kms])
    b = Estimate.objects.create_from_items(
        name="Keys and a firewall", price_book=price_book, items=[kms, waf]
    )
    return a, b


def test_compare_fits_a_phone(phone, live_server, price_book):
    a, b = saved_pair(price_book)
    phone.goto(f"{live_server.url}/compare/{a.public_id}/{b.public_id}/")
    assert scroll_width(phone) <= PHONE["width"]


def test_the_editor_with_region_labels_fits_a_phone(phone, live_server, second_book):
    # The 2026-12 book offers WAF in every Region: the longest list of Region labels.
    phone.goto(f"{live_server.url}/")
    add_service(phone, "kms")
    add_service(phone, "waf")
    assert scroll_width(phone) <= PHONE["width"]


def test_the_saved_page_fits_a_phone(phone, live_server, price_book):
    _, b = saved_pair(price_book)
    phone.goto(f"{live_server.url}{b.get_absolute_url()}")
    assert scroll_width(phone) <= PHONE["width"]


@pytest.mark.parametrize("path", ["/prices/", "/api/v1/docs"])
def test_reference_pages_fit_a_phone(phone, live_server, price_book, path):
    phone.goto(f"{live_server.url}{path}")
    assert scroll_width(phone) <= PHONE["width"]


def test_a_card_folds_to_its_summary_line(phone, live_server, price_book):
    phone.goto(f"{live_server.url}/")
    card = add_service(phone, "kms")
    card.locator('[data-usage-key="keys"]').fill("10")
    summary = card.locator(".card-fold")
    expect(summary).to_contain_text("$10.00 a month")
    summary.click()
    expect(card.locator('[data-usage-key="keys"]')).to_be_hidden()
    expect(summary).to_contain_text("$10.00 a month")
