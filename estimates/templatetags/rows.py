"""Rows that a page repeats once per line or month, written here rather than in a template loop.

The live preview renders them on every keystroke, hundreds for a large estimate: a template
variable costs microseconds to resolve, filter and escape, a formatted string a fraction of
that. The markup is what the templates wrote, escaped the same way (html.escape, which is what
Django's autoescape applies to text).
"""

from html import escape

from django import template
from django.utils.safestring import SafeString

from estimates import pricing

register = template.Library()


def _text(value: object) -> str:
    return escape(str(value))


@register.simple_tag
def top_line_rows(pairs: list) -> SafeString:
    """The breakdown's `<li>` for each (item quote, line), most expensive first."""
    rows = []
    for item_quote, line in pairs:
        item = item_quote.item
        group = f" · {_text(item.group)}" if item.group else ""
        rows.append(
            f'<li data-top-line="{_text(item.service)}.{_text(line.usage_key)}">'
            f'<span class="num">{_text(pricing.money(line.shown_monthly))}</span> '
            f"{_text(item_quote.service_name)}{group} · {_text(line.region or item.region)}: "
            f"{_text(line.label)}</li>\n"
        )
    return SafeString("".join(rows))


@register.simple_tag
def chart_bar_rows(rows: list[dict]) -> SafeString:
    """The breakdown chart's `<tr>` for each service (costcalc.chart_rows), a bar each."""
    return SafeString(
        "".join(
            f'<tr data-chart-service="{_text(row["code"])}">'
            f'<th scope="row">{_text(row["name"])}</th>'
            '<td class="bar-cell"><svg class="bar" width="100%" height="14" aria-hidden="true" '
            f'focusable="false"><rect x="0" y="0" width="{_text(row["width"])}%" height="14" '
            'rx="2"></rect></svg></td>'
            f'<td class="num">{_text(pricing.money(row["monthly"]))}</td></tr>\n'
            for row in rows
        )
    )


@register.simple_tag
def line_badges(line: pricing.Line) -> SafeString:
    """Why a line's figure needs a second look: an unverified price or pooling, a pooled or
    waived fee."""
    badges = []
    if line.unverified:
        badges.append(
            ' <span class="badge" title="Price not verified against an AWS source">'
            "unverified</span>"
        )
    if line.waived:
        badges.append(f' <span class="badge waived" title="{_text(line.waived)}">waived</span>')
    elif line.share != 1:
        pooled = (
            pricing.plain_number(line.pooled_quantity) if line.pooled_quantity is not None else ""
        )
        title = f"Tiers and free allowance applied to {pooled} {line.unit}: {line.pooling_label}"
        badges.append(f' <span class="badge pooled" title="{_text(title)}">pooled</span>')
        if line.pooling_unverified:
            badges.append(
                ' <span class="badge" title="AWS\'s word on how this usage pools was not '
                "found: consolidated billing's default is assumed\">pooling unverified</span>"
            )
    return SafeString("".join(badges))


@register.simple_tag
def card_line_rows(item_quote: pricing.ItemQuote) -> SafeString:
    """A card's result: one `<tr>` per line, its Region named when the card has several."""
    several = len(item_quote.item.regions) > 1
    rows = []
    for line in item_quote.lines:
        region = _text(line.region)
        data_region = f' data-region="{region}"' if several else ""
        named_region = f' <span class="line-region">{region}</span>' if several else ""
        rows.append(
            f'<tr data-line="{_text(line.usage_key)}"{data_region}>'
            f'<th scope="row">{_text(line.label)}{named_region}{line_badges(line)}</th>'
            f'<td class="formula">{_text(line.formula)}</td>'
            f'<td class="num">{_text(pricing.money(line.shown_monthly))}</td></tr>\n'
        )
    return SafeString("".join(rows))


@register.simple_tag
def month_rows(months: tuple) -> SafeString:
    """The projection's month-by-month table body."""
    return SafeString(
        "".join(
            f'<tr><th scope="row">{month.month}</th>'
            f'<td class="num">{_text(pricing.money(month.total))}</td></tr>'
            for month in months
        )
    )
