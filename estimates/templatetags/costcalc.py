"""Display filters: figures are rounded here, for the eye, never in the engine's sums."""

from decimal import Decimal

from django import template

from estimates import pricing, regions

register = template.Library()


@register.filter
def money(amount: Decimal | None) -> str:
    """`$1,234.56`."""
    return "" if amount is None else pricing.money(amount)


@register.filter
def unit_price(price: Decimal | None) -> str:
    """`$0.03`, `$0.001`: as many decimals as the price has, at least two."""
    return "" if price is None else pricing.price_text(price)


@register.filter
def quantity(value: Decimal | None) -> str:
    """`2,000,000`, `0.5`."""
    return "" if value is None else pricing.plain_number(value)


@register.filter
def region_name(code: str) -> str:
    return regions.region_name(code)


@register.simple_tag
def chart_rows(quote: pricing.Quote | None) -> list[dict]:
    """Bars for the breakdown chart: each service against the largest, most expensive first."""
    if quote is None:
        return []
    rows = [row for row in quote.by_service() if row[2] > 0]
    largest = rows[0][2] if rows else Decimal(0)
    return [
        {
            "code": code,
            "name": name,
            "monthly": monthly,
            "width": f"{(monthly / largest * 100).quantize(Decimal('0.1')):f}",
        }
        for code, name, monthly in rows
    ]
