"""The editor's projection: its two fields, the server-drawn chart, and saving it."""

import re
from decimal import Decimal

import pytest
from pytest_django.asserts import assertContains

from estimates.models import Estimate
from estimates.pricing.projection import Projection

from .test_editor import HTMX, KMS, NEW, PREVIEW, field_error, form_data, monthly_total

SHIELD = {"service": "shield", "usage": {"advanced_subscriptions": "1"}}


def projection_total(html: str) -> str:
    return re.search(r'id="projection-total">([^<]*)<', html).group(1)


def polyline(html: str) -> list[tuple[Decimal, Decimal]]:
    points = re.search(r'<polyline points="([^"]*)"', html).group(1).split()
    return [tuple(Decimal(value) for value in point.split(",")) for point in points]


@pytest.mark.django_db
class TestProjectionFields:
    def test_a_new_estimate_projects_12_months_without_growth(self, client, price_book):
        html = client.get(NEW).content.decode()

        assert re.search(r'<option value="12" selected>12 months</option>', html)
        assert 'name="projection_growth_percent"' in html
        assert "12 months at today's usage" in html

    def test_the_preview_draws_36_months_at_2_5_percent(self, client, price_book):
        data = form_data(KMS, projection_months="36", projection_growth_percent="2.5")

        html = client.post(PREVIEW, data, headers=HTMX).content.decode()

        assert re.search(r'<div id="projection" class="projection"[^>]*hx-swap-oob="true"', html)
        assert projection_total(html) == "$914.66"
        assert "36 months, usage growing 2.5% a month" in html
        points = polyline(html)
        assert len(points) == 36
        assert points[0][0] == 0 and points[-1][0] == 300
        ys = [y for _, y in points]
        assert ys == sorted(ys, reverse=True)  # rising cost, drawn upwards
        assert ys[-1] == 4  # the peak touches the top margin
        assert "Month 1: $15.94" in html
        assert "<input" not in html and "<select" not in html

    def test_the_chart_is_svg_attributes_only_no_style(self, client, price_book):
        data = form_data(KMS, projection_months="24", projection_growth_percent="-5")

        response = client.post(NEW, data)

        assert b"style=" not in response.content
        assertContains(response, '<svg class="projection-chart" viewBox="0 0 300 80"')
        assertContains(response, "usage shrinking 5% a month")

    def test_shield_shows_its_one_year_commitment(self, client, price_book):
        data = form_data(SHIELD, projection_months="36")

        html = client.post(PREVIEW, data, headers=HTMX).content.decode()

        assert projection_total(html) == "$108,000.00"
        commitment = re.search(
            r'<li data-commitment="shield.advanced_subscriptions">(.*?)</li>', html
        )
        assert "binds months 1–12: 12 × $3,000.00 = " in commitment.group(1)
        assert '<strong class="committed-total">$36,000.00</strong>' in commitment.group(1)

    def test_an_input_that_grows_past_its_limit_is_named(self, client, price_book):
        parameters = {"service": "ssm_parameter_store", "usage": {"standard_parameters": "9000"}}
        data = form_data(parameters, projection_months="12", projection_growth_percent="10")

        html = client.post(PREVIEW, data, headers=HTMX).content.decode()

        expected = (
            "From month 3, AWS Systems Manager Parameter Store: standard parameters grows to "
            "10,890, above its limit of 10,000."
        )
        assert expected in html

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("projection_months", "6", "Choose 12, 24 or 36 months."),
            ("projection_months", "twelve", "Choose 12, 24 or 36 months."),
            ("projection_months", "1e3", "Choose 12, 24 or 36 months."),
            (
                "projection_growth_percent",
                "-100.5",
                "Enter a monthly growth from −100 to 1,000 percent.",
            ),
            (
                "projection_growth_percent",
                "1e9",
                "Enter a monthly growth from −100 to 1,000 percent.",
            ),
            (
                "projection_growth_percent",
                "fast",
                "Enter a monthly growth in percent, such as 2.5 or -1.",
            ),
            (
                "projection_growth_percent",
                "NaN",
                "Enter a monthly growth in percent, such as 2.5 or -1.",
            ),
            ("projection_growth_percent", "0.00001", "Use at most 4 decimal places."),
        ],
    )
    def test_hostile_settings_get_a_message_and_the_totals_stay(
        self, client, price_book, field, value, message
    ):
        data = form_data(KMS, **{field: value})

        response = client.post(PREVIEW, data, headers=HTMX)
        html = response.content.decode()

        assert response.status_code == 200
        assert field_error(html, f"id_{field}") == message
        assert monthly_total(html) == "$15.94"
        assert "The projection waits for a fix to its settings." in html

    def test_growth_the_engine_cannot_follow_is_a_message_not_a_500(self, client, price_book):
        data = form_data(KMS, projection_months="36", projection_growth_percent="1000")

        response = client.post(PREVIEW, data, headers=HTMX)

        assert response.status_code == 200
        message = field_error(response.content.decode(), "id_projection_growth_percent")
        assert "in month" in message and "choose a lower growth" in message

    def test_the_fields_point_at_their_message(self, client, price_book):
        html = client.get(NEW).content.decode()

        select = re.search(r'<select[^>]*id="id_projection_months"[^>]*>', html).group(0)
        assert 'aria-describedby="id_projection_months_error"' in select
        growth = re.search(r'<input[^>]*id="id_projection_growth_percent"[^>]*>', html).group(0)
        described = (
            "id_projection_growth_percent_helptext id_projection_growth_percent_error "
            "id_projection_growth_percent_note"
        )
        assert f'aria-describedby="{described}"' in growth


@pytest.mark.django_db
class TestSavingTheProjection:
    def test_the_projection_is_saved_and_shown_on_the_saved_page(self, client, price_book):
        data = form_data(
            KMS, name="Growing", projection_months="36", projection_growth_percent="2.5"
        )

        response = client.post("/save", data)

        estimate = Estimate.objects.get()
        assert response.status_code == 302
        assert estimate.projection == Projection(36, Decimal("2.5"))
        page = client.get(estimate.get_absolute_url()).content.decode()
        assert projection_total(page) == "$914.66"
        assert len(polyline(page)) == 36

    def test_bad_settings_save_nothing(self, client, price_book):
        data = form_data(KMS, name="Bad", projection_growth_percent="-101")

        response = client.post("/save", data)

        assert response.status_code == 200
        assert "Nothing was saved" in response.content.decode()
        assert Estimate.objects.count() == 0

    def test_a_copy_starts_with_the_originals_projection(self, client, price_book):
        original = Estimate.objects.create_from_items(
            name="Original",
            price_book=price_book,
            items=[],
            projection=Projection(24, Decimal("-1.5")),
        )

        html = client.get(f"{NEW}?copy={original.public_id}").content.decode()

        assert re.search(r'<option value="24" selected>24 months</option>', html)
        assert re.search(r'name="projection_growth_percent" value="-1.5"', html)
