"""Display filters: figures are rounded here, for the eye, never in the engine's sums."""

from decimal import Decimal

from django import template

from estimates import pricing
from estimates.pricing import projection, regions

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
    rows = [row for row in quote.shown_by_service() if row[2] > 0]
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


TOP_LINES = 10


@register.simple_tag
def costly_lines(quote: pricing.Quote | None) -> dict:
    """The lines that cost something, most expensive first: the first TOP_LINES, and the rest."""
    if quote is None:
        return {"top": [], "rest": []}
    costly = [(item_quote, line) for item_quote, line in quote.lines_by_cost() if line.cost]
    return {"top": costly[:TOP_LINES], "rest": costly[TOP_LINES:]}


CHART_WIDTH = 300
CHART_HEIGHT = 80


@register.simple_tag
def projection_chart(projected: projection.ProjectionResult | None) -> dict:
    """An SVG polyline of the monthly cost (upfront fees left out), from zero to the peak.

    Coordinates are Decimals rounded to a tenth; the figures beside the chart are the money.
    """
    if projected is None:
        return {}
    values = [month.monthly for month in projected.months]
    peak = max(values)
    last = len(values) - 1
    points = []
    for index, value in enumerate(values):
        x = Decimal(CHART_WIDTH) * index / last if last else Decimal(0)
        y = CHART_HEIGHT - (Decimal(CHART_HEIGHT - 4) * value / peak if peak else 0)
        points.append(f"{x.quantize(Decimal('0.1')):f},{Decimal(y).quantize(Decimal('0.1')):f}")
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "points": " ".join(points),
        "first": values[0],
        "last": values[-1],
        "peak": peak,
    }


@register.filter
def percent(value: Decimal | None) -> str:
    """`+33.33%`, `−12.50%`, or empty when there is no percentage to give."""
    text = pricing.percent_amount(value)
    if text is None:
        return ""
    if text.startswith("-"):
        return f"−{text[1:]}%"
    return f"+{text}%" if Decimal(text) else "0.00%"


@register.filter
def magnitude(amount: Decimal | None) -> Decimal | None:
    """The size of a change without its sign, for a sentence that says "more" or "less"."""
    return None if amount is None else abs(amount)


@register.filter
def signed_money(amount: Decimal | None) -> str:
    """`+$1,234.56`, `−$5.00`, `$0.00`: a change, for pages."""
    if amount is None:
        return ""
    text = pricing.money(amount)
    return f"+{text}" if pricing.cents(amount) > 0 else text


@register.filter
def field_note(field) -> str:
    """The note a form holds for a bound field (far outside what anyone uses), or ""."""
    return getattr(field.form, "notes", {}).get(field.name, "")
