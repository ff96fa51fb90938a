"""The rows the pages repeat per line or month (estimates/templatetags/rows.py): the markup the
templates wrote, escaped as Django's autoescape escapes text."""

import re
from dataclasses import replace
from decimal import Decimal

from estimates import pricing
from estimates.prices.book_file import catalog_from_book
from estimates.pricing import Item
from estimates.pricing.projection import Projection, project
from estimates.templatetags.rows import (
    card_line_rows,
    chart_bar_rows,
    line_badges,
    month_rows,
    top_line_rows,
)

from .conftest import SECOND_BOOK, first_catalog

CATALOG = first_catalog()
SECOND_CATALOG = catalog_from_book(SECOND_BOOK)  # KMS in several Regions
D = Decimal


def kms(**fields) -> Item:
    return Item("kms", usage={"keys": D(10), "symmetric_requests": D(2_000_000)}, **fields)


def test_a_top_line_names_its_service_group_and_region_escaped():
    quote = pricing.quote(CATALOG, [kms(group="<b>prod</b> & co")])
    item_quote = quote.items[0]
    line = item_quote.lines[0]

    html = top_line_rows([(item_quote, line)])

    assert html == (
        f'<li data-top-line="kms.keys"><span class="num">{pricing.money(line.shown_monthly)}'
        "</span> AWS Key Management Service (KMS) · &lt;b&gt;prod&lt;/b&gt; &amp; co · "
        f"us-east-1: {line.label}</li>\n"
    )


def test_a_card_in_several_regions_names_each_lines_region():
    quote = pricing.quote(SECOND_CATALOG, [kms(regions=("us-east-1", "ap-northeast-1"))])

    html = card_line_rows(quote.items[0])

    rows = re.findall(r'<tr data-line="(\w+)" data-region="([\w-]+)">', html)
    assert rows == [
        ("keys", "us-east-1"),
        ("symmetric_requests", "us-east-1"),
        ("keys", "ap-northeast-1"),
        ("symmetric_requests", "ap-northeast-1"),
    ]
    assert html.count('<span class="line-region">ap-northeast-1</span>') == 2
    assert html.count("</td></tr>\n") == 4


def test_a_card_in_one_region_names_none():
    html = card_line_rows(pricing.quote(CATALOG, [kms()]).items[0])

    assert "data-region" not in html and "line-region" not in html
    assert html.count("<tr ") == 2


def test_badges_say_why_a_figure_needs_a_second_look():
    line = pricing.quote(CATALOG, [kms()]).items[0].lines[0]
    assert line_badges(line) == ""
    assert line_badges(replace(line, grade="E")) == (
        ' <span class="badge" title="Price not verified against an AWS source">unverified</span>'
    )
    waived = line_badges(replace(line, waived='Covered by "Shield" <Advanced>'))
    assert waived == (
        ' <span class="badge waived" title="Covered by &quot;Shield&quot; &lt;Advanced&gt;">'
        "waived</span>"
    )
    pooled = line_badges(replace(line, share=D("0.5"), pooled_quantity=D(20), pooling_source=""))
    assert pooled == (
        ' <span class="badge pooled" title="Tiers and free allowance applied to 20 '
        f'{line.unit}: {line.pooling_label}">pooled</span> <span class="badge" '
        "title=\"AWS's word on how this usage pools was not found: consolidated billing's "
        'default is assumed">pooling unverified</span>'
    )


def test_month_rows_are_the_months_as_shown():
    projected = project(CATALOG, [kms()], True, Projection(12, D(0)))

    html = month_rows(projected.shown_months)

    assert html.count("<tr>") == 12
    assert html.startswith('<tr><th scope="row">1</th><td class="num">$15.94</td></tr>')


def test_a_chart_bar_is_its_service_its_width_and_its_monthly_cost():
    rows = [{"code": "kms", "name": "KMS <&>", "width": "42.5", "monthly": D("15.944")}]

    assert chart_bar_rows(rows) == (
        '<tr data-chart-service="kms"><th scope="row">KMS &lt;&amp;&gt;</th>'
        '<td class="bar-cell"><svg class="bar" width="100%" height="14" aria-hidden="true" '
        'focusable="false"><rect x="0" y="0" width="42.5%" height="14" rx="2"></rect></svg>'
        '</td><td class="num">$15.94</td></tr>\n'
    )
