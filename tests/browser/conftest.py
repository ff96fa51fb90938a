"""Playwright driving Debian's Chromium against the live server."""

import os

import pytest
from playwright.sync_api import expect, sync_playwright

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# there are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"The browser tests need Debian's Chromium at {CHROMIUM}: run `make test`.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def add_service(page, code: str):
    """Add a card and wait for the focus to land in its first field, as it does for a user
    (typing elsewhere before that moment would race the focus move)."""
    count = page.locator(f'[data-service="{code}"]').count()
    page.locator(f'[data-add-service="{code}"]').click()
    card = page.locator(f'[data-service="{code}"]').nth(count)
    expect(card.locator("[data-usage-key]").first).to_be_focused()
    return card


@pytest.fixture
def page(browser, live_server, price_book):
    """A fresh page; the test fails if the page reports any Content-Security-Policy violation."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    violations = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and violations.append(message.text)
        ),
    )
    yield page
    context.close()
    assert violations == []
