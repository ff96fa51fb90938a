"""The saved-estimate JSON API, the CSV download, and the save rate limit."""

import csv
import io
import json
import uuid
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import RequestFactory, override_settings

from estimates import pricing, ratelimit
from estimates.api import payloads
from estimates.models import Estimate, EstimateItem, PriceBook

D = Decimal
SAVE_URL = "/api/v1/estimates"
QUOTE_URL = "/api/v1/quote"
BODY = {
    "free_tier": True,
    "items": [
        {
            "service": "kms",
            "region": "us-east-1",
            "group": "prod",
            "usage": {"keys": 5, "symmetric_requests": 2000000, "rsa_2048_requests": 15000},
        },
        {
            "service": "waf",
            "group": "edge",
            "usage": {
                "web_acls": 2,
                "rules": 10,
                "requests": 25_000_000,
                "extra_wcu_increments": 1,
            },
        },
        {
            "service": "private_ca",
            "usage": {"general_purpose_cas": 1, "private_certificates": 12345},
        },
        {"service": "macie", "usage": {"s3_buckets": 7, "data_inspected_gb": "0.5"}},
    ],
}


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def post(client, body, **extra):
    data = body if isinstance(body, bytes) else json.dumps(body)
    return client.post(SAVE_URL, data, content_type="application/json", **extra)


def saved(client, body=None, **fields):
    response = post(client, {**(body or BODY), "name": "Shop", **fields})
    assert response.status_code == 201, response.content
    return response.json()


def errors_of(response) -> list[tuple]:
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    return [(e["item"], e["field"], e["message"]) for e in response.json()["errors"]]


def csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline="")))


class TestRoundTrip:
    @pytest.mark.parametrize("free_tier", [True, False])
    def test_save_then_read_json_and_csv_gives_the_quotes_figures(
        self, client, price_book, free_tier
    ):
        body = {**BODY, "free_tier": free_tier}
        quoted = client.post(QUOTE_URL, json.dumps(body), content_type="application/json").json()
        engine_quote = pricing.quote(
            price_book.catalog(),
            payloads.read_quote_body(price_book.catalog(), json.loads(json.dumps(body)))[1],
            free_tier,
        )

        links = saved(client, body, description="For the shop")

        estimate = Estimate.objects.get()
        assert links == {
            "id": str(estimate.public_id),
            "url": f"http://testserver/e/{estimate.public_id}/",
            "csv_url": f"http://testserver/e/{estimate.public_id}/export.csv",
            "json_url": f"http://testserver/api/v1/estimates/{estimate.public_id}",
        }
        assert estimate.monthly_total == engine_quote.monthly_total
        assert estimate.items.count() == 4

        read = client.get(links["json_url"]).json()
        for key in ("currency", "price_book", "free_tier", "monthly_total", "upfront_total"):
            assert read[key] == quoted[key], key
        assert read["first_12_months_total"] == quoted["first_12_months_total"]
        assert read["id"] == links["id"]
        assert (read["name"], read["description"], read["copied_from"]) == (
            "Shop",
            "For the shop",
            None,
        )
        assert read["created_at"] == estimate.created_at.isoformat()
        for read_item, quoted_item, sent_item in zip(
            read["items"], quoted["items"], body["items"], strict=True
        ):
            usage = read_item.pop("usage")
            assert read_item == quoted_item
            assert {key: D(value) for key, value in usage.items()} == {
                key: D(str(value)) for key, value in sent_item["usage"].items()
            }

        rows = csv_rows(client.get(links["csv_url"]))
        blank = rows.index([])
        end = rows.index([], blank + 1)  # the projection follows the lines
        summary, header, lines = dict(rows[:blank]), rows[blank + 1], rows[blank + 2 : end]
        assert summary["monthly"] == quoted["monthly_total"]
        assert summary["upfront"] == quoted["upfront_total"]
        assert summary["first_12_months"] == quoted["first_12_months_total"]
        assert summary["free_tier"] == ("on" if free_tier else "off")
        assert summary["price_book"] == quoted["price_book"]["name"]
        assert summary["price_book_date"] == quoted["price_book"]["effective_date"]
        assert summary["id"] == links["id"]
        expected = [
            (item, line, engine_line)
            for item, engine_item in zip(quoted["items"], engine_quote.items, strict=True)
            for line, engine_line in zip(item["lines"], engine_item.lines, strict=True)
        ]
        assert len(lines) == len(expected) == 11
        for row, (item, line, engine_line) in zip(lines, expected, strict=True):
            cells = dict(zip(header, row, strict=True))
            assert cells["group"] == item["group"]
            assert cells["service"] == item["service"]
            assert cells["region"] == item["region"]
            assert cells["usage_key"] == line["usage_key"]
            assert cells["description"] == line["label"]
            assert cells["quantity"] == line["quantity"]
            assert cells["unit"] == line["unit"]
            assert (cells["unit_price"], cells["per_units"]) == (
                line["unit_price"],
                line["per_units"],
            )
            assert cells["monthly"] == line["monthly"]
            assert cells["first_12_months"] == f"{pricing.cents(engine_line.first_12_months):f}"
            assert cells["formula"] == line["formula"]

    def test_totals_example_to_the_cent(self, client, price_book):
        links = saved(client, {"items": [{"service": "kms", "usage": {"keys": 5}}]})

        read = client.get(links["json_url"]).json()

        assert (read["monthly_total"], read["first_12_months_total"]) == ("5.00", "60.00")
        assert read["items"][0]["usage"] == {"keys": "5"}

    def test_location_header_points_at_the_page(self, client, price_book):
        response = post(client, {**BODY, "name": "Shop"})

        assert response["Location"] == response.json()["url"]

    def test_copied_from_is_recorded_and_read_back(self, client, price_book):
        original = saved(client)

        copy = saved(client, copied_from=original["id"])

        assert client.get(copy["json_url"]).json()["copied_from"] == original["id"]
        stored = Estimate.objects.get(public_id=copy["id"])
        assert str(stored.copied_from.public_id) == original["id"]


class TestHostileText:
    def test_script_and_formula_names_come_back_inert(self, client, price_book):
        name = '<script>alert(1)</script>=HYPERLINK("http://x")'
        links = saved(client, name=name, description='=HYPERLINK("http://x") & <b>')

        response = client.get(links["json_url"])

        assert response["Content-Type"] == "application/json"
        assert b"<" not in response.content and b">" not in response.content
        assert b"\\u003cscript\\u003e" in response.content
        assert response.json()["name"] == name
        assert response.json()["description"] == '=HYPERLINK("http://x") & <b>'
        formula_name = saved(client, name='=HYPERLINK("http://x")')
        rows = csv_rows(client.get(formula_name["csv_url"]))
        assert rows[0] == ["name", '\'=HYPERLINK("http://x")']

    def test_unicode_names_are_kept(self, client, price_book):
        links = saved(client, name="Café · 東京 ✓")

        assert client.get(links["json_url"]).json()["name"] == "Café · 東京 ✓"
        assert csv_rows(client.get(links["csv_url"]))[0] == ["name", "Café · 東京 ✓"]


class TestReadErrors:
    def test_unknown_id_is_a_json_404(self, client, price_book):
        saved(client)

        response = client.get(f"{SAVE_URL}/{uuid.uuid4()}")

        assert response.status_code == 404
        assert response.json() == {
            "errors": [{"item": None, "field": "id", "message": "No estimate has this id."}]
        }

    @pytest.mark.parametrize("bad", ["not-a-uuid", "1", "00000000", "%3Cscript%3E"])
    def test_malformed_id_is_a_json_404(self, client, price_book, bad):
        response = client.get(f"{SAVE_URL}/{bad}")

        assert response.status_code == 404
        assert response.json()["errors"][0]["field"] == "id"

    def test_the_sequential_key_is_not_an_id(self, client, price_book):
        saved(client)

        response = client.get(f"{SAVE_URL}/{Estimate.objects.get().pk}")

        assert response.status_code == 404

    def test_csv_of_unknown_or_malformed_id_is_the_404_page(self, client, price_book):
        for path in (f"/e/{uuid.uuid4()}/export.csv", "/e/not-a-uuid/export.csv"):
            response = client.get(path)
            assert response.status_code == 404
            assert b"Not found" in response.content

    def test_wrong_methods(self, client, price_book):
        links = saved(client)

        assert client.get(SAVE_URL).status_code == 405
        assert client.post(links["json_url"]).status_code == 405
        assert client.post(links["csv_url"]).status_code == 405
        assert Estimate.objects.count() == 1


class TestSaveErrors:
    @pytest.mark.parametrize(
        ("fields", "expected"),
        [
            ({}, [(None, "name", "Name the estimate.")]),
            ({"name": ""}, [(None, "name", "Name the estimate.")]),
            ({"name": "n" * 201}, [(None, "name", "At most 200 characters, please.")]),
            ({"name": 7}, [(None, "name", "name must be text.")]),
            (
                {"name": "ok", "description": "d" * 2001},
                [(None, "description", "At most 2,000 characters, please.")],
            ),
            (
                {"name": "ok", "copied_from": "nope"},
                [(None, "copied_from", "No estimate has this id.")],
            ),
            (
                {"name": "ok", "copied_from": str(uuid.uuid4())},
                [(None, "copied_from", "No estimate has this id.")],
            ),
        ],
    )
    def test_bad_fields_save_nothing(self, client, price_book, fields, expected):
        response = post(client, {**BODY, **fields})

        assert errors_of(response) == expected
        assert not Estimate.objects.exists()
        assert not EstimateItem.objects.exists()

    def test_items_the_engine_refuses_save_nothing(self, client, price_book):
        body = {
            "name": "x",
            "items": [{"service": "kms", "region": "mars-1", "usage": {"keys": -1}}],
        }

        assert errors_of(post(client, body)) == [
            (
                0,
                "region",
                "The price book has no AWS Key Management Service (KMS) prices for Region "
                "'mars-1'.",
            ),
            (0, "keys", "Enter 0 or more."),
        ]
        assert not Estimate.objects.exists()

    def test_more_than_200_cards(self, client, price_book):
        body = {"name": "x", "items": [{"service": "kms", "usage": {"keys": 1}}] * 201}

        assert errors_of(post(client, body)) == [
            (None, "items", "At most 200 items in one estimate.")
        ]
        assert not Estimate.objects.exists()

    def test_200_cards_are_saved(self, client, price_book):
        links = saved(client, {"items": [{"service": "kms", "usage": {"keys": 1}}] * 200})

        assert Estimate.objects.get().items.count() == 200
        assert client.get(links["json_url"]).json()["monthly_total"] == "200.00"

    @pytest.mark.parametrize("body", [b"", b"{", b"[1]", b"null", b"\xff"])
    def test_bodies_that_are_not_an_object(self, client, price_book, body):
        assert errors_of(post(client, body))[0][1] == "body"
        assert not Estimate.objects.exists()

    def test_no_published_book_is_503(self, client, price_book, monkeypatch):
        monkeypatch.setattr(PriceBook.objects, "current", lambda: None)

        response = post(client, {**BODY, "name": "x"})

        assert response.status_code == 503
        assert not Estimate.objects.exists()


class TestRateLimit:
    @override_settings(COSTCALC_SAVE_RATE_LIMIT=3, COSTCALC_SAVE_RATE_PERIOD=600)
    def test_429_after_the_limit_and_nothing_saved(self, client, price_book):
        for _ in range(3):
            saved(client)

        response = post(client, {**BODY, "name": "One too many"})

        assert response.status_code == 429
        assert response["Content-Type"] == "application/json"
        assert 1 <= int(response["Retry-After"]) <= 601
        [error] = response.json()["errors"]
        assert error["field"] == "rate"
        assert "at most 3" in error["message"]
        assert Estimate.objects.count() == 3
        assert not Estimate.objects.filter(name="One too many").exists()

    @override_settings(COSTCALC_SAVE_RATE_LIMIT=2)
    def test_invalid_attempts_count_too(self, client, price_book):
        post(client, {**BODY, "name": ""})
        post(client, {**BODY, "name": ""})

        assert post(client, {**BODY, "name": "Valid"}).status_code == 429
        assert not Estimate.objects.exists()

    @override_settings(COSTCALC_SAVE_RATE_LIMIT=1)
    def test_each_address_has_its_own_count(self, client, price_book):
        assert post(client, {**BODY, "name": "a"}, REMOTE_ADDR="192.0.2.1").status_code == 201
        assert post(client, {**BODY, "name": "b"}, REMOTE_ADDR="192.0.2.1").status_code == 429
        assert post(client, {**BODY, "name": "c"}, REMOTE_ADDR="192.0.2.2").status_code == 201
        assert sorted(Estimate.objects.values_list("name", flat=True)) == ["a", "c"]

    @override_settings(COSTCALC_SAVE_RATE_LIMIT=1)
    def test_a_forged_forwarded_for_does_not_reset_the_count(self, client, price_book):
        assert (
            post(client, {**BODY, "name": "a"}, HTTP_X_FORWARDED_FOR="1.1.1.1").status_code == 201
        )
        response = post(client, {**BODY, "name": "b"}, HTTP_X_FORWARDED_FOR="2.2.2.2")

        assert response.status_code == 429
        assert Estimate.objects.count() == 1

    @override_settings(COSTCALC_SAVE_RATE_LIMIT=1, COSTCALC_SAVE_RATE_PERIOD=60)
    def test_a_new_window_allows_saving_again(self, client, price_book, monkeypatch):
        now = 1_000_039.5
        monkeypatch.setattr(ratelimit.time, "time", lambda: now)
        assert post(client, {**BODY, "name": "a"}).status_code == 201
        response = post(client, {**BODY, "name": "b"})
        assert response.status_code == 429
        assert response["Retry-After"] == "41"

        now += 60
        assert post(client, {**BODY, "name": "c"}).status_code == 201
        assert sorted(Estimate.objects.values_list("name", flat=True)) == ["a", "c"]


class TestClientAddress:
    def request(self, remote_addr, forwarded=None):
        extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
        return RequestFactory().post("/", REMOTE_ADDR=remote_addr, **extra)

    def test_remote_addr_without_proxies(self):
        assert ratelimit.client_address(self.request("203.0.113.9", "1.2.3.4")) == "203.0.113.9"

    @override_settings(COSTCALC_NUM_PROXIES=1)
    def test_the_address_the_trusted_proxy_saw(self):
        request = self.request("10.0.0.2", "6.6.6.6, 203.0.113.9")

        assert ratelimit.client_address(request) == "203.0.113.9"

    @override_settings(COSTCALC_NUM_PROXIES=2)
    def test_two_proxies(self):
        request = self.request("10.0.0.2", "6.6.6.6, 203.0.113.9, 10.0.0.1")

        assert ratelimit.client_address(request) == "203.0.113.9"

    @override_settings(COSTCALC_NUM_PROXIES=1)
    def test_missing_header_falls_back_to_remote_addr(self):
        assert ratelimit.client_address(self.request("203.0.113.9")) == "203.0.113.9"

    def test_ipv6_counts_per_64(self):
        first = ratelimit.client_address(self.request("2001:db8:1:2:aaaa::1"))
        second = ratelimit.client_address(self.request("2001:db8:1:2:bbbb::2"))

        assert first == second == "2001:db8:1:2::/64"
        assert ratelimit.client_address(self.request("::ffff:203.0.113.9")) == "203.0.113.9"

    @override_settings(COSTCALC_SAVE_RATE_LIMIT=2)
    def test_allow_save_counts_each_call(self):
        request = self.request("198.51.100.7")

        assert [ratelimit.allow_save(request) for _ in range(3)] == [True, True, False]


@pytest.mark.django_db
class TestCrossSiteSaves:
    def test_a_text_plain_post_that_a_cross_site_form_could_send_is_refused(
        self, client, price_book
    ):
        body = json.dumps({**BODY, "name": "cross-site"})
        response = client.post(
            SAVE_URL, body, content_type="text/plain", HTTP_ORIGIN="https://evil.example"
        )
        assert response.status_code == 415
        assert response.json()["errors"] == [
            {"item": None, "field": "body", "message": "Send the estimate as application/json."}
        ]
        assert not Estimate.objects.exists()


class TestSavedProjection:
    def test_a_saved_estimate_keeps_its_projection(self, client, price_book):
        projection = {"months": 36, "monthly_growth_percent": "2.5"}
        links = saved(client, {**BODY, "projection": projection})

        estimate = Estimate.objects.get()
        answered = links.pop("projection")  # asked for, so the save answers it too
        assert (estimate.projection_months, estimate.projection_growth_percent) == (36, D("2.5"))
        read = client.get(links["json_url"]).json()["projection"]
        quoted = client.post(
            QUOTE_URL, json.dumps({**BODY, "projection": projection}), "application/json"
        ).json()["projection"]
        assert read == quoted == answered
        assert len(read["monthly_totals"]) == 36
        assert read["monthly_totals"][0] == client.get(links["json_url"]).json()["monthly_total"]

    def test_without_one_it_keeps_12_months_without_growth(self, client, price_book):
        links = saved(client)

        assert "projection" not in links
        read = client.get(links["json_url"]).json()
        assert (read["projection"]["months"], read["projection"]["monthly_growth_percent"]) == (
            12,
            "0",
        )
        assert read["projection"]["total"] == read["first_12_months_total"]

    @pytest.mark.parametrize(
        ("projection", "field"),
        [
            ({"months": 0}, "projection.months"),
            ({"monthly_growth_percent": "-101"}, "projection.monthly_growth_percent"),
            ({"monthly_growth_percent": "2,5"}, "projection.monthly_growth_percent"),
            ({"months": 36, "monthly_growth_percent": "900"}, "projection.monthly_growth_percent"),
        ],
    )
    def test_a_bad_projection_saves_nothing(self, client, price_book, projection, field):
        response = post(client, {**BODY, "name": "Shop", "projection": projection})

        assert [error[1] for error in errors_of(response)] == [field]
        assert Estimate.objects.count() == 0
