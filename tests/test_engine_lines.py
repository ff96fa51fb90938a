"""The engine makes its lines without the frozen dataclass's __init__ (pricing._new_line, for
speed): each must be the Line that Line(**fields) makes, with every field the class declares,
whichever way it was priced (pooled, per account, once per organisation, waived, cents moved)."""

from dataclasses import fields
from decimal import Decimal

from estimates import pricing

LINE_FIELDS = [f.name for f in fields(pricing.Line)]


def every_kind_of_line(catalog: pricing.Catalog) -> list[pricing.Line]:
    items = [
        # pooled across cards and Regions, with cents shared
        pricing.Item("kms", usage={"keys": Decimal(3), "symmetric_requests": Decimal(30_001)}),
        pricing.Item(
            "kms",
            usage={"keys": Decimal(1), "symmetric_requests": Decimal(7)},
            regions=("us-east-1", "eu-west-1"),
            accounts=3,
        ),
        # one fee per organisation, charged on one card and 0 on the other
        pricing.Item("shield", usage={"advanced_subscriptions": Decimal(1)}),
        pricing.Item("shield", usage={"advanced_subscriptions": Decimal(1)}, region="eu-west-1"),
        # waived: covered by Shield Advanced
        pricing.Item(
            "waf",
            usage={
                "web_acls": Decimal(2),
                "rules": Decimal(3),
                "shield_advanced_covered": Decimal(1),
            },
        ),
        # four cards of $1.005: two are shown a cent less, so that they add up to $4.02
        *[pricing.Item("guardduty", usage={"vpc_dns_log_gb": Decimal("1.005")})] * 4,
        # each account in each Region alone
        pricing.Item("private_ca", usage={"private_certificates": Decimal(1_234)}, accounts=2),
    ]
    quote = pricing.quote(catalog, items)
    return [line for item_quote in quote.items for line in item_quote.lines]


def test_every_line_has_every_field_and_equals_the_dataclass_made_one(third_catalog):
    lines = every_kind_of_line(third_catalog)
    assert {line.pooling for line in lines} == {
        pricing.ACCOUNT_REGION,
        pricing.ORGANIZATION_REGION,
        pricing.ORGANIZATION,
        pricing.ORGANIZATION_ONCE,
    }
    assert any(line.waived for line in lines)
    assert any(line.shown_cost is not None for line in lines)  # cents moved by allocation
    for line in lines:
        assert sorted(vars(line)) == sorted(LINE_FIELDS)
        made = pricing.Line(**vars(line))
        assert made == line
        assert repr(made) == repr(line)
        assert hash(made) == hash(line)
