"""The estimator in a real browser: live totals through htmx, no navigation."""

import time

import pytest
from playwright.sync_api import expect

from estimates.web.views import editor as editor_views

from .conftest import add_service

pytestmark = pytest.mark.browser


def open_editor(page, live_server):
    page.goto(live_server.url + "/")
    expect(page.locator("#monthly-total")).to_have_text("$0.00")


def test_kms_priced_live_then_free_tier_then_letters_then_removed(page, live_server):
    open_editor(page, live_server)
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))

    card = add_service(page, "kms")
    card.locator('[data-usage-key="keys"]').fill("10")
    card.locator('[data-usage-key="symmetric_requests"]').fill("2000000")
    expect(page.locator("#monthly-total")).to_have_text("$15.94")
    expect(card.locator(".formula").nth(1)).to_have_text(
        "(2,000,000 − 20,000 free) ÷ 10,000 × $0.03 = $5.94"
    )

    page.get_by_label("Apply free tiers").uncheck()
    expect(page.locator("#monthly-total")).to_have_text("$16.00")

    keys = card.locator('[data-usage-key="keys"]')
    keys.fill("ten")
    expect(card.locator("#id_card-0-keys_error")).to_have_text("Enter a number.")
    expect(page.locator("#totals")).to_contain_text("Incomplete: the total of the valid cards")
    expect(keys).to_have_value("ten")  # what the user typed is never overwritten

    card.get_by_role("button", name="Remove AWS Key Management Service (KMS)").click()
    expect(page.locator('[data-service="kms"]')).to_have_count(0)
    expect(page.locator("#monthly-total")).to_have_text("$0.00")
    assert navigations == []  # everything above happened without loading a page


def test_focus_stays_in_the_field_while_totals_update(page, live_server):
    open_editor(page, live_server)
    add_service(page, "secrets_manager")
    secrets = page.locator('[data-service="secrets_manager"] [data-usage-key="secrets"]')
    secrets.click()
    page.keyboard.type("25")
    expect(page.locator("#monthly-total")).to_have_text("$10.00")
    page.keyboard.type("0")  # still typing in the same field after the swap
    expect(page.locator("#monthly-total")).to_have_text("$100.00")
    assert secrets.evaluate("element => element === document.activeElement")


def test_an_inline_script_would_be_reported_as_a_csp_violation(browser, live_server, price_book):
    """The console check in the `page` fixture is live: a forbidden inline script is caught."""
    context = browser.new_context()
    page = context.new_page()
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    page.goto(live_server.url + "/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = '1';"
        " document.body.append(s); }"
    )
    page.wait_for_timeout(200)
    context.close()
    assert any("Content Security Policy" in message for message in messages)


def test_keyboard_alone_adds_a_service_and_types_its_usage(page, live_server):
    open_editor(page, live_server)
    page.locator('[data-add-service="kms"]').focus()
    page.keyboard.press("Enter")
    keys = page.locator('[data-service="kms"] [data-usage-key="keys"]')
    expect(keys).to_be_focused()  # the new card takes the focus
    page.keyboard.type("3")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # past the rotations field to the symmetric requests
    page.keyboard.type("120000")
    expect(page.locator("#monthly-total")).to_have_text("$3.30")


def test_enter_in_a_field_recalculates_and_removes_nothing(page, live_server):
    """Found in review: Enter used to submit with the first card's Remove button."""
    open_editor(page, live_server)
    add_service(page, "kms")
    add_service(page, "waf")
    requests = page.locator('[data-service="waf"] [data-usage-key="requests"]')
    requests.fill("1000000")
    requests.press("Enter")
    expect(page.locator("[data-service]")).to_have_count(2)
    expect(page.locator("#monthly-total")).to_have_text("$0.60")


def test_a_slow_stale_preview_never_overwrites_newer_figures(page, live_server, monkeypatch):
    """A preview still in flight when a card is removed must not land afterwards."""
    build_editor = editor_views.build_editor

    def slow_for_seven_secrets(catalog, data, **kwargs):
        if "action" not in data and data.get("card-1-secrets") == "7":
            time.sleep(1.5)  # this preview answers long after the Remove that follows it
        return build_editor(catalog, data, **kwargs)

    monkeypatch.setattr(editor_views, "build_editor", slow_for_seven_secrets)
    open_editor(page, live_server)
    add_service(page, "kms").locator('[data-usage-key="keys"]').fill("2")
    expect(page.locator("#monthly-total")).to_have_text("$2.00")
    secrets = add_service(page, "secrets_manager")
    secrets.locator('[data-usage-key="secrets"]').fill("7")
    page.wait_for_timeout(500)  # past the debounce: the slow preview is in flight
    secrets.get_by_role("button", name="Remove AWS Secrets Manager").click()
    expect(page.locator("[data-service]")).to_have_count(1)
    page.wait_for_timeout(2000)  # long enough for the stale reply to have landed
    expect(page.locator("#monthly-total")).to_have_text("$2.00")
    expect(page.locator('[data-chart-service="secrets_manager"]')).to_have_count(0)


def test_focus_stays_in_another_field_of_a_card_just_added(page, live_server):
    """Found in review: the browser's own autofocus on the inserted card fired late and pulled
    the focus back to the card's first field while the user typed in another one."""
    open_editor(page, live_server)
    card = add_service(page, "kms")
    requests = card.locator('[data-usage-key="symmetric_requests"]')
    requests.click()
    page.keyboard.type("120000", delay=120)
    expect(page.locator("#monthly-total")).to_have_text("$0.30")
    expect(requests).to_be_focused()
    expect(card.locator('[data-usage-key="keys"]')).to_have_value("")


def test_accounts_and_regions_show_the_multiplier_and_move_the_total(page, live_server):
    open_editor(page, live_server)
    card = add_service(page, "guardduty")
    card.locator('[data-usage-key="cloudtrail_management_events"]').fill("5000000")
    expect(page.locator("#monthly-total")).to_have_text("$20.00")
    expect(card.locator("[data-multiplier]")).to_have_count(0)

    card.locator("[data-accounts]").fill("10")

    expect(card.locator("[data-multiplier]")).to_have_text("Usage above × 10 accounts")
    expect(page.locator("#monthly-total")).to_have_text("$200.00")
    expect(card.locator(".formula").first).to_have_text(
        "10 accounts × (5,000,000 ÷ 1,000,000 × $4.00 = $20.00) = $200.00"
    )
    card.locator("[data-accounts]").fill("0")
    expect(
        card.locator(".field-error").filter(has_text="Enter at least 1 account.")
    ).to_be_visible()
    card.get_by_label("US East (N. Virginia) (us-east-1)").uncheck()
    expect(
        card.locator(".field-error").filter(has_text="Pick at least one Region.")
    ).to_be_visible()


def test_on_a_phone_the_total_stays_in_view_while_typing(browser, live_server, price_book):
    context = browser.new_context(viewport={"width": 390, "height": 700}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    open_editor(page, live_server)
    add_service(page, "kms")
    card = add_service(page, "guardduty")
    last = card.locator("[data-usage-key]").last
    last.scroll_into_view_if_needed()
    last.fill("4000")  # 4,000 objects × $0.215 per 1,000

    expect(page.locator("#monthly-total")).to_have_text("$0.86")
    expect(page.locator("#monthly-total")).to_be_in_viewport()
    box = page.locator("#totals").bounding_box()
    assert box["y"] + box["height"] <= 700 + 1 and box["y"] > 500  # a bar along the bottom
    context.close()


def test_an_older_answer_arriving_last_never_replaces_a_newer_total(page, live_server, monkeypatch):
    """Typing on while a preview is slow: the older answer comes back after the newer one and
    is dropped (hx-sync="this:replace" aborts the request it answers)."""
    build_editor = editor_views.build_editor
    slow = []

    def slow_for_seven_keys(catalog, data, **kwargs):
        if data.get("card-0-keys") == "7":
            slow.append(True)
            time.sleep(1.5)  # answers long after the preview of "78" that follows it
        return build_editor(catalog, data, **kwargs)

    monkeypatch.setattr(editor_views, "build_editor", slow_for_seven_keys)
    open_editor(page, live_server)
    keys = add_service(page, "kms").locator('[data-usage-key="keys"]')
    keys.press("7")
    page.wait_for_timeout(400)  # past the debounce: the slow preview of "7" is in flight
    keys.press("8")
    expect(page.locator("#monthly-total")).to_have_text("$78.00")
    page.wait_for_timeout(1800)  # the answer for "7" has come back by now
    assert slow == [True]
    expect(page.locator("#monthly-total")).to_have_text("$78.00")
    expect(page.locator("#card-0-result .subtotal")).to_contain_text("$78.00")


def test_a_fixed_field_loses_its_message_and_an_unchanged_card_keeps_its_lines(page, live_server):
    """The preview sends only the messages there are and only the card results that changed:
    the page clears the old messages itself and keeps the results it already shows."""
    open_editor(page, live_server)
    kms = add_service(page, "kms")
    kms.locator('[data-usage-key="keys"]').fill("10")
    expect(page.locator("#monthly-total")).to_have_text("$10.00")
    secrets = add_service(page, "secrets_manager").locator('[data-usage-key="secrets"]')
    secrets.fill("abc")
    expect(page.locator("#id_card-1-secrets_error")).to_have_text("Enter a number.")
    version = page.locator("#card-0-result").get_attribute("data-version")
    secrets.fill("25")
    expect(page.locator("#monthly-total")).to_have_text("$20.00")
    expect(page.locator("#id_card-1-secrets_error")).to_have_text("")
    expect(page.locator("#card-0-result")).to_have_attribute("data-version", version)
    expect(kms.locator(".formula")).to_have_text("10 × $1.00 = $10.00")
    expect(page.locator("#card-1-result .formula")).to_have_text("25 × $0.40 = $10.00")
