"""Display of net figures: amounts in the terms' currency ("EUR 1,234.56"), rounded so that the
lines, items, credits and tax a page shows add up to its totals."""

from decimal import Decimal

from django import template

from estimates import pricing
from estimates.pricing import terms as _terms

register = template.Library()


@register.filter
def money_in(amount: Decimal | None, currency: str) -> str:
    """`EUR 1,234.56`."""
    return "" if amount is None else _terms.money_in(amount, currency)


def applied_text(net_line: _terms.NetLine) -> str:
    """What the terms did to a line: `−20%`, or `private rate $0.50 per 10,000`."""
    if net_line.override is not None:
        per = pricing.plain_number(net_line.line.per_units)
        return f"private rate {pricing.price_text(net_line.override.unit_price)} per {per}"
    if net_line.discount_percent:
        return f"−{pricing.plain_number(net_line.discount_percent)}%"
    return ""


@register.simple_tag
def net_figures(net: _terms.NetQuote | None) -> dict | None:
    """The net quote's rows and totals, each row list beside net, cents that add up."""
    if net is None:
        return None
    shown = _terms.shown(net)
    rows = []
    for item_quote, net_item, lines_shown in zip(
        net.listed.items, net.items, shown.lines_monthly, strict=True
    ):
        for net_line, net_monthly in zip(net_item.lines, lines_shown, strict=True):
            rows.append(
                {
                    "service_name": item_quote.service_name,
                    "region": net_line.line.region,
                    "group": item_quote.item.group,
                    "label": net_line.line.label,
                    "usage_key": net_line.line.usage_key,
                    "list_monthly": net_line.line.monthly,
                    "net_monthly": net_monthly,
                    "applied": applied_text(net_line),
                }
            )
    return {"rows": rows, "shown": shown}
