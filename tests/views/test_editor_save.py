"""Saving from the editor, and editing a copy of a saved estimate."""

import re
from decimal import Decimal

import pytest
from django.test import Client, override_settings

from estimates.models import Estimate

from .test_editor import KMS, form_data, monthly_total

NEW = "/"
SAVE = "/save"


def save(client, *cards, **extra):
    return client.post(SAVE, form_data(*cards, **extra))


@pytest.mark.django_db
class TestSaveFromEditor:
    def test_save_stores_everything_and_redirects_to_the_link(self, client, price_book):
        waf = {"service": "waf", "group": "edge", "usage": {"web_acls": "2", "requests": "1e7"}}
        response = save(client, KMS, waf, name="Prod security", description="Q1 plan")
        estimate = Estimate.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"/e/{estimate.public_id}/"
        assert estimate.name == "Prod security"
        assert estimate.description == "Q1 plan"
        assert estimate.free_tier is True
        assert estimate.price_book == price_book
        assert estimate.monthly_total == Decimal("15.94") + Decimal("16.00")
        items = estimate.items_for_engine()
        assert [(i.service, i.region, i.group) for i in items] == [
            ("kms", "us-east-1", ""),
            ("waf", "us-east-1", "edge"),
        ]
        assert items[1].usage == {"web_acls": Decimal(2), "requests": Decimal(10_000_000)}

    def test_free_tier_off_is_saved(self, client, price_book):
        save(client, KMS, name="No free tier", free_tier=False)
        assert Estimate.objects.get().monthly_total == Decimal("16.00")

    @pytest.mark.parametrize("keys", ["ten", "-1", "1e30"])
    def test_bad_numbers_keep_the_page_with_messages_and_save_nothing(
        self, client, price_book, keys
    ):
        response = save(client, {"service": "kms", "usage": {"keys": keys}}, name="Bad")
        html = response.content.decode()
        assert response.status_code == 200
        assert "Nothing was saved" in html
        assert f'value="{keys}"' in html  # what the user typed is still there
        assert Estimate.objects.count() == 0

    def test_a_name_is_needed(self, client, price_book):
        html = save(client, KMS, name="  ").content.decode()
        assert re.search(r'id="id_name_error"[^>]*>Name the estimate to save it.<', html)
        assert Estimate.objects.count() == 0

    def test_name_longer_than_200_characters_is_refused(self, client, price_book):
        html = save(client, KMS, name="x" * 201).content.decode()
        assert "Ensure this value has at most 200 characters (it has 201)." in html
        assert Estimate.objects.count() == 0

    def test_csrf_is_enforced_on_save(self, price_book):
        client = Client(enforce_csrf_checks=True)
        response = save(client, KMS, name="No token")
        assert response.status_code == 403
        assert Estimate.objects.count() == 0

    def test_save_with_the_csrf_token_from_the_page(self, price_book):
        client = Client(enforce_csrf_checks=True)
        page = client.get(NEW).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        response = save(client, KMS, name="With token", csrfmiddlewaretoken=token)
        assert response.status_code == 302
        assert Estimate.objects.get().name == "With token"

    @override_settings(COSTCALC_SAVE_RATE_LIMIT=2)
    def test_saving_is_rate_limited_with_a_clear_page(self, client, price_book):
        for number in range(2):
            assert save(client, KMS, name=f"Save {number}").status_code == 302
        response = save(client, KMS, name="One too many")
        assert response.status_code == 429
        assert "Too many saves" in response.content.decode()
        assert Estimate.objects.count() == 2

    def test_html_in_the_name_is_escaped_on_the_page(self, client, price_book):
        bad_card = {"service": "kms", "usage": {"keys": "x"}}
        html = save(client, bad_card, name="<script>alert(1)</script>").content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.django_db
class TestEditACopy:
    def test_copy_opens_the_editor_prefilled(self, client, price_book):
        save(
            client,
            KMS,
            {"service": "macie", "group": "data", "usage": {"s3_buckets": "20"}},
            name="Original",
            free_tier=False,
        )
        original = Estimate.objects.get()
        html = client.get(f"{NEW}?copy={original.public_id}").content.decode()
        assert re.findall(r'data-service="(\w+)"', html) == ["kms", "macie"]
        assert 'name="card-0-keys" value="10"' in html
        assert 'name="card-1-group" value="data"' in html
        assert 'value="Copy of Original"' in html
        assert f'name="copied_from" value="{original.public_id}"' in html
        assert not re.search(r'name="free_tier"[^>]*checked', html)
        assert monthly_total(html) == "$18.00"

    def test_saving_a_copy_makes_a_new_link_and_keeps_the_old(self, client, price_book):
        save(client, KMS, name="Original")
        original = Estimate.objects.get()
        response = save(
            client,
            {"service": "kms", "usage": {"keys": "20"}},
            name="Bigger",
            copied_from=str(original.public_id),
        )
        copy = Estimate.objects.exclude(pk=original.pk).get()
        assert response["Location"] == f"/e/{copy.public_id}/"
        assert copy.copied_from == original
        assert copy.monthly_total == Decimal("20")
        original.refresh_from_db()
        assert original.monthly_total == Decimal("15.94")

    @pytest.mark.parametrize("forged", ["not-a-uuid", "00000000-0000-4000-8000-000000000000"])
    def test_a_forged_copy_link_starts_a_fresh_estimate(self, client, price_book, forged):
        response = client.get(f"{NEW}?copy={forged}")
        html = response.content.decode()
        assert response.status_code == 200
        assert 'data-service="' not in html
        assert monthly_total(html) == "$0.00"
