"""The CSV writer: summary first, then one row per cost line, inert in any spreadsheet."""

import csv
import io
from dataclasses import replace
from decimal import Decimal

import pytest

from estimates import pricing
from estimates.models import Estimate
from estimates.pricing.projection import Projection
from estimates.web import exports

D = Decimal
BOOK = "AWS list prices, US East (N. Virginia), 2026-11"
HEADER = [
    "group",
    "service",
    "region",
    "usage_key",
    "description",
    "quantity",
    "unit",
    "unit_price",
    "monthly",
    "first_12_months",
    "formula",
    "accounts",
    "regions",
    "pooled_quantity",
    "pooling",
    "unverified",
    "free_quantity",
    "billable_quantity",
    "per_units",
    "waived",
    "notes",
]
ITEMS = [
    pricing.Item(
        service="kms",
        region="us-east-1",
        group="prod",
        usage={"keys": D(10), "symmetric_requests": D(2_000_000)},
    ),
    pricing.Item(service="waf", usage={"requests": D(5_000_000), "extra_wcu_increments": D(2)}),
    pricing.Item(service="private_ca", usage={"private_certificates": D(1500)}),
]
DANGEROUS = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


def write(quote, catalog, **options) -> str:
    out = io.StringIO()
    exports.write_quote_csv(out, quote, catalog, **options)
    return out.getvalue()


def parse(text: str) -> tuple[dict[str, str], list[str], list[list[str]]]:
    """(summary, header, line rows) from the CSV text."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    blank = rows.index([])
    summary = dict(rows[:blank])
    assert all(len(row) == 2 for row in rows[:blank])
    end = rows.index([], blank + 1) if [] in rows[blank + 1 :] else len(rows)
    return summary, rows[blank + 1], rows[blank + 2 : end]


class TestLayout:
    def test_summary_then_header_then_a_row_per_line(self, catalog):
        quote = pricing.quote(catalog, ITEMS)

        summary, header, rows = parse(write(quote, catalog, name="Shop", description="Q3"))

        assert summary == {
            "name": "Shop",
            "description": "Q3",
            "monthly": "945.94",
            "upfront": "0.00",
            "first_12_months": "11351.28",
            "currency": "USD",
            "price_book": BOOK,
            "price_book_date": "2026-11-01",
            "free_tier": "on",
        }
        assert header == HEADER
        assert rows == [
            [
                "prod",
                "kms",
                "us-east-1",
                "keys",
                "Customer managed keys",
                "10",
                "key-months",
                "1.00",
                "10.00",
                "120.00",
                "10 × $1.00 = $10.00",
                "1",
                "us-east-1",
                "10",
                "account_region",
                "",
                "0",
                "10",
                "1",
                "",
                "",
            ],
            [
                "prod",
                "kms",
                "us-east-1",
                "symmetric_requests",
                "Symmetric requests",
                "2000000",
                "requests",
                "0.03",
                "5.94",
                "71.28",
                "(2,000,000 − 20,000 free) ÷ 10,000 × $0.03 = $5.94",
                "1",
                "us-east-1",
                "2000000",
                "account_region",
                "",
                "20000",
                "1980000",
                "10000",
                "",
                "",
            ],
            [
                "",
                "waf",
                "us-east-1",
                "requests",
                "Web requests",
                "5000000",
                "requests",
                "0.60",
                "3.00",
                "36.00",
                "5,000,000 ÷ 1,000,000 × $0.60 = $3.00",
                "1",
                "us-east-1",
                "5000000",
                "account_region",
                "",
                "0",
                "5000000",
                "1000000",
                "",
                "",
            ],
            [
                "",
                "waf",
                "us-east-1",
                "extra_wcu_increments",
                "Requests × extra WCU steps",
                "10000000",
                "request-steps",
                "0.20",
                "2.00",
                "24.00",
                "5,000,000 × 2 ÷ 1,000,000 × $0.20 = $2.00",
                "1",
                "us-east-1",
                "10000000",
                "account_region",
                "",
                "0",
                "10000000",
                "1000000",
                "",
                "",
            ],
            [
                "",
                "private_ca",
                "us-east-1",
                "private_certificates",
                "Certificates from general-purpose CAs",
                "1500",
                "certificates",
                "0.75",
                "925.00",
                "11100.00",
                "1,000 × $0.75 + (1,500 − 1,000) × $0.35 = $925.00",
                "1",
                "us-east-1",
                "1500",
                "account_region",
                "",
                "0",
                "1500",
                "1",
                "",
                "",
            ],
        ]

    def test_rfc_4180_quoting_and_crlf_line_endings(self, catalog):
        quote = pricing.quote(catalog, ITEMS[:1])

        text = write(quote, catalog, name='Keys, "prod"', description="two\nlines")

        assert text.startswith(
            'name,"Keys, ""prod"""\r\ndescription,"two\nlines"\r\nmonthly,15.94\r\n'
        )
        assert f'price_book,"{BOOK}"\r\n' in text
        assert "\r\n\r\ngroup,service,region,usage_key," in text
        formula = '"(2,000,000 − 20,000 free) ÷ 10,000 × $0.03 = $5.94"'
        assert text.endswith(
            f"{formula},1,us-east-1,2000000,account_region,,20000,1980000,10000,,\r\n"
        )
        assert text.count("\n") == text.count("\r\n") + 1  # the one inside the description

    def test_free_tier_off_is_said_and_charged(self, catalog):
        quote = pricing.quote(catalog, ITEMS[:1], free_tier=False)

        summary, _, rows = parse(write(quote, catalog))

        assert (summary["free_tier"], summary["monthly"]) == ("off", "16.00")
        assert rows[1][8] == "6.00"

    def test_upfront_lines_count_once_in_the_first_12_months(self, catalog):
        waf = catalog.services["waf"]
        rates = tuple(
            replace(rate, billing=pricing.UPFRONT) if rate.code == "web_acls" else rate
            for rate in waf.rates
        )
        upfront_catalog = replace(
            catalog, services={**catalog.services, "waf": replace(waf, rates=rates)}
        )
        items = [pricing.Item(service="waf", usage={"web_acls": D(3), "rules": D(4)})]

        summary, _, rows = parse(write(pricing.quote(upfront_catalog, items), upfront_catalog))

        assert [summary[key] for key in ("monthly", "upfront", "first_12_months")] == [
            "4.00",
            "15.00",
            "63.00",
        ]
        assert [(row[3], row[8], row[9]) for row in rows] == [
            ("web_acls", "0.00", "15.00"),
            ("rules", "4.00", "48.00"),
        ]

    def test_money_is_rounded_half_up_only_for_display(self, catalog):
        # 15,000 RSA 2048 requests: 1.5 × $0.03 = $0.045 → 0.05; twelve of them 0.54.
        items = [pricing.Item(service="kms", usage={"rsa_2048_requests": D(15_000)})]

        summary, _, rows = parse(write(pricing.quote(catalog, items), catalog))

        assert (summary["monthly"], summary["first_12_months"]) == ("0.05", "0.54")
        assert (rows[0][7], rows[0][8], rows[0][9]) == ("0.03", "0.05", "0.54")

    def test_an_empty_estimate_has_a_summary_and_a_header(self, catalog):
        summary, header, rows = parse(write(pricing.quote(catalog, []), catalog, name="Empty"))

        assert summary["monthly"] == "0.00"
        assert header == HEADER
        assert rows == []


class TestNeutralised:
    @pytest.mark.parametrize("text", DANGEROUS)
    def test_formula_starts_are_prefixed_with_a_quote(self, text):
        assert exports.neutralise(text) == "'" + text

    @pytest.mark.parametrize("text", ["Prod", "", "1,000", "'quoted", "<script>", " =x", "a=b"])
    def test_other_text_is_left_alone(self, text):
        assert exports.neutralise(text) == text

    @pytest.mark.parametrize("text", DANGEROUS)
    def test_in_name_description_and_group(self, catalog, text):
        items = [pricing.Item(service="kms", group=text, usage={"keys": D(1)})]

        summary, _, rows = parse(
            write(pricing.quote(catalog, items), catalog, name=text, description=text)
        )

        assert summary["name"] == "'" + text
        assert summary["description"] == "'" + text
        assert rows[0][0] == "'" + text
        # Figures are never prefixed: they are the engine's and always start with a digit.
        assert rows[0][5:10] == ["1", "key-months", "1.00", "1.00", "12.00"]

    def test_hyperlink_name_is_one_inert_cell(self, catalog):
        text = write(pricing.quote(catalog, []), catalog, name='=HYPERLINK("http://x")')

        assert text.startswith('name,"\'=HYPERLINK(""http://x"")"\r\n')

    def test_script_tags_come_back_verbatim_as_text(self, catalog):
        items = [pricing.Item(service="kms", group="<b>g</b>", usage={"keys": D(1)})]

        summary, _, rows = parse(
            write(pricing.quote(catalog, items), catalog, name="<script>alert(1)</script>")
        )

        assert summary["name"] == "<script>alert(1)</script>"
        assert rows[0][0] == "<b>g</b>"


class TestSavedEstimate:
    def test_writes_the_estimate_with_its_id_and_pinned_book(self, price_book):
        estimate = Estimate.objects.create_from_items(
            name="=cmd|' /C calc'!A0",
            description="@risk",
            price_book=price_book,
            items=ITEMS[:1],
            free_tier=True,
        )
        out = io.StringIO()

        exports.write_estimate_csv(estimate, out)

        summary, header, rows = parse(out.getvalue())
        assert summary == {
            "name": "'=cmd|' /C calc'!A0",
            "description": "'@risk",
            "id": str(estimate.public_id),
            "saved_at": estimate.created_at.isoformat(),
            "monthly": "15.94",
            "upfront": "0.00",
            "first_12_months": "191.28",
            "currency": "USD",
            "price_book": BOOK,
            "price_book_date": "2026-11-01",
            "free_tier": "on",
        }
        assert header == HEADER
        assert [row[3] for row in rows] == ["keys", "symmetric_requests"]


def test_a_grade_e_price_is_marked_unverified(catalog):
    items = [pricing.Item(service="private_ca", usage={"ocsp_requests": D(50_000)})]

    _, header, rows = parse(write(pricing.quote(catalog, items), catalog))

    assert rows[0][header.index("unverified")] == "price"


def sections(text: str) -> list[list[list[str]]]:
    """The CSV's parts, split at its empty rows."""
    parts: list[list[list[str]]] = [[]]
    for row in csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")):
        if row:
            parts[-1].append(row)
        else:
            parts.append([])
    return parts


class TestProjectionSection:
    def test_follows_the_lines_settings_months_then_commitments(self, price_book):
        estimate = Estimate.objects.create_from_items(
            name="Edge",
            price_book=price_book,
            items=[
                *ITEMS[:1],
                pricing.Item("shield", group="=edge", usage={"advanced_subscriptions": D(1)}),
            ],
            projection=Projection(24, D("-5")),
        )
        out = io.StringIO()

        exports.write_estimate_csv(estimate, out)

        summary, lines, settings, months, commitments = sections(out.getvalue())
        assert lines[0] == HEADER and len(lines) == 4
        assert settings == [
            ["projection_months", "24"],
            ["monthly_growth_percent", "-5"],
            ["projection_total", pricing.amount_text(estimate.project().total)],
        ]
        assert months[0] == ["month", "monthly", "upfront", "total"]
        assert months[1] == ["1", "3015.94", "0.00", "3015.94"]
        assert [row[0] for row in months[1:]] == [str(m) for m in range(1, 25)]
        assert commitments == [
            list(exports.COMMITMENT_COLUMNS),
            [
                "shield",
                "us-east-1",
                "'=edge",
                "advanced_subscriptions",
                "Shield Advanced subscription",
                "1",
                "12",
                "3000.00",
                "36000.00",
            ],
        ]

    def test_without_commitments_the_table_has_its_header_only(self, price_book):
        estimate = Estimate.objects.create_from_items(
            name="Keys", price_book=price_book, items=ITEMS[:1]
        )
        out = io.StringIO()

        exports.write_estimate_csv(estimate, out)

        *_, settings, months, commitments = sections(out.getvalue())
        assert settings[2] == ["projection_total", "191.28"]
        assert [row[3] for row in months[1:]] == ["15.94"] * 12
        assert commitments == [list(exports.COMMITMENT_COLUMNS)]


class TestComparisonCsv:
    def test_both_sides_the_changes_then_the_lines_that_differ(self, price_book):
        a = Estimate.objects.create_from_items(name="Before", price_book=price_book, items=ITEMS)
        b = Estimate.objects.create_from_items(
            name="+After",
            price_book=price_book,
            items=[*ITEMS[:2], pricing.Item("waf", usage={"web_acls": D(1)})],
        )
        out = io.StringIO()

        exports.write_comparison_csv(out, a, b, a.compare_to(b))

        sides, facts, lines = sections(out.getvalue())
        assert sides == [
            ["field", "a", "b", "delta"],
            ["name", "Before", "'+After", ""],
            ["id", str(a.public_id), str(b.public_id), ""],
            ["price_book", BOOK, BOOK, ""],
            ["price_book_date", "2026-11-01", "2026-11-01", ""],
            ["free_tier", "on", "on", ""],
            # A: KMS $15.94 + WAF $5.00 + 1,500 certificates $925.00; B drops the CA, adds an ACL.
            ["monthly", "945.94", "25.94", "-920.00"],
            ["upfront", "0.00", "0.00", "0.00"],
            ["first_12_months", "11351.28", "311.28", "-11040.00"],
            # Both saved with the default projection, 12 months at today's usage.
            ["projection_months", "12", "12", ""],
            ["projection_total", "11351.28", "311.28", "-11040.00"],
        ]
        assert dict(facts) == {
            "currency": "USD",
            "same_price_book": "yes",
            "price_effect_monthly": "",
            "usage_effect_monthly": "",
            "price_effect_upfront": "",
            "usage_effect_upfront": "",
            "no_split_because": "",
            "unchanged_lines": "4",
        }
        assert lines == [
            list(exports.COMPARISON_COLUMNS),
            [
                "removed",
                "private_ca",
                "us-east-1",
                "",
                "private_certificates",
                "Certificates from general-purpose CAs",
                "925.00",  # 1,000 × $0.75 + 500 × $0.35
                "0.00",
                "-925.00",
                "-100.00",
                "0.00",
                "0.00",
                "0.00",
                "",
                "",
            ],
            [
                "added",
                "waf",
                "us-east-1",
                "",
                "web_acls",
                "Web ACLs",
                "0.00",
                "5.00",
                "5.00",
                "",
                "0.00",
                "0.00",
                "0.00",
                "",
                "",
            ],
        ]
