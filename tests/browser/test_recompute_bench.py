"""bench/recompute.py posts the preview as htmx does: what Chromium's htmx sends for an input
event on the editor is what bench/htmx_post.py builds from the same page."""

import sys
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qsl

import pytest

from estimates.models import Estimate
from estimates.pricing import Item

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from htmx_post import input_event_post  # noqa: E402

pytestmark = pytest.mark.browser


def test_the_bench_posts_the_body_and_headers_htmx_sends(page, live_server, price_book):
    items = [
        Item("kms", usage={"keys": Decimal(10)}, regions=("us-east-1",), group="prod"),
        Item("guardduty", usage={"vpc_dns_log_gb": Decimal(800)}, accounts=40),
    ]
    estimate = Estimate.objects.create_from_items(
        name="Bench & co", description="two\nlines", price_book=price_book, items=items
    )
    page.goto(f"{live_server.url}/?copy={estimate.public_id}")
    html = page.content()  # as served: nothing typed yet, so the attributes are the values
    with page.expect_request("**/preview") as captured:
        page.locator("#id_card-0-keys").dispatch_event("input")
    request = captured.value

    body, headers = input_event_post(html, page.url)

    assert parse_qsl(request.post_data, keep_blank_values=True) == parse_qsl(
        body, keep_blank_values=True
    )
    sent = {name.lower(): value for name, value in request.headers.items()}
    assert sent["content-type"].startswith("application/x-www-form-urlencoded")
    assert {name: sent.get(name.lower()) for name in headers} == headers
    assert "hx-trigger-name" not in sent
    assert dict(parse_qsl(body))["shown"].count(":") == 2  # editor.js: both cards' results
