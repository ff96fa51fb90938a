"""The estimator page: full page, htmx fragments, the no-JS path, and messages beside fields."""

import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from estimates.pricing import Item, money
from estimates.web.forms import CardFormSet

HTMX = {"HX-Request": "true"}
NEW = "/"
PREVIEW = "/preview"


def form_data(*cards: dict, free_tier: bool = True, **extra) -> dict:
    items = [
        Item(
            card["service"],
            card.get("region", "us-east-1"),
            card.get("group", ""),
            {},
            card.get("accounts", 1),
            tuple(card.get("regions", ())),
        )
        for card in cards
    ]
    data = CardFormSet.data_for(items)
    for index, card in enumerate(cards):
        for key, value in card.get("usage", {}).items():
            data[f"card-{index}-{key}"] = value
    if free_tier:
        data["free_tier"] = "on"
    # The test client posts a list as one value per entry, as a browser does for checkboxes.
    return {**dict(data.lists()), **extra}


def monthly_total(html: str) -> str:
    return re.search(r'id="monthly-total">([^<]*)<', html).group(1)


def field_error(html: str, field_id: str) -> str:
    return re.search(rf'id="{field_id}_error"[^>]*>([^<]*)<', html).group(1)


KMS = {"service": "kms", "usage": {"keys": "10", "symmetric_requests": "2000000"}}


@pytest.mark.django_db
class TestEditorPage:
    def test_get_shows_every_service_to_add_and_an_empty_estimate(self, client, price_book):
        html = client.get(NEW).content.decode()
        codes = re.findall(r'data-add-service="([a-z_]+)"', html)
        assert codes == list(price_book.catalog().services)
        assert len(codes) == 11
        assert monthly_total(html) == "$0.00"
        assert 'aria-live="polite"' in html
        assert re.search(r'name="free_tier"[^>]*checked', html)
        assert "<html" in html

    def test_live_recompute_is_debounced_and_drops_stale_replies(self, client, price_book):
        html = client.get(NEW).content.decode()
        form = re.search(r'<form id="estimate-form"[^>]*>', html).group(0)
        assert 'hx-post="/preview"' in form
        # 50 ms: the total follows the keyboard (issue 21: within 150 ms of the last keystroke).
        assert 'hx-trigger="input delay:50ms"' in form
        assert 'hx-sync="this:replace"' in form
        # Add and Remove join the form's queue: a preview still in flight is dropped, so its
        # stale totals can never land after a card was removed.
        html = client.post(NEW, form_data(KMS)).content.decode()
        buttons = re.findall(r'<button[^>]*hx-post="/"[^>]*>', html)
        assert len(buttons) == 12
        assert all('hx-sync="closest form:replace"' in button for button in buttons)

    def test_every_input_has_a_label(self, client, price_book):
        cards = [{"service": code} for code in price_book.catalog().services]
        html = client.post(NEW, form_data(*cards)).content.decode()
        labelled = set(re.findall(r'<label for="([^"]+)"', html))
        fields = re.findall(r"<(?:input|select|textarea)\b[^>]*>", html)
        visible = [f for f in fields if 'type="hidden"' not in f]
        ids = [
            re.search(r'id="([^"]+)"', f).group(1) for f in visible if 'type="checkbox"' not in f
        ]
        assert len(ids) > 80
        assert set(ids) <= labelled
        checkbox = next(f for f in visible if 'type="checkbox"' in f)
        assert '<label class="switch"><input type="checkbox" name="free_tier"' in html
        assert "id_free_tier" in checkbox

    def test_fields_point_at_their_help_and_message(self, client, price_book):
        html = client.post(NEW, form_data(KMS)).content.decode()
        expected = {
            "id_card-0-accounts": "id_card-0-accounts_helptext id_card-0-accounts_error",
            "id_card-0-group": "id_card-0-group_helptext id_card-0-group_error",
            "id_card-0-keys": "id_card-0-keys_helptext id_card-0-keys_error id_card-0-keys_note",
            "id_name": "id_name_error",
            "id_description": "id_description_error",
        }
        for field_id, described_by in expected.items():
            tag = re.search(rf'<(?:input|select|textarea)[^>]*id="{field_id}"[^>]*>', html).group(0)
            assert f'aria-describedby="{described_by}"' in tag
            for target in described_by.split():
                assert f'id="{target}"' in html

    def test_the_first_submit_button_recalculates(self, client, price_book):
        """Enter in a field submits with the first button; it must not remove a card."""
        html = client.post(NEW, form_data(KMS)).content.decode()
        first = re.search(r"<button[^>]*>", html.split('id="estimate-form"')[1]).group(0)
        assert 'value="recalculate"' in first

    def test_delete_is_not_allowed(self, client, price_book):
        assert client.delete(NEW).status_code == 405
        assert client.get(PREVIEW).status_code == 405

    def test_add_without_javascript_renders_the_whole_page_with_the_card(self, client, price_book):
        response = client.post(NEW, form_data(action="add:kms"))
        html = response.content.decode()
        assert "<html" in html
        assert html.count('data-service="kms"') == 1
        assert 'data-usage-key="keys"' in html
        assert 'name="card-0-keys"' in html
        assert "Keys are scoped per Region" in html  # the seed notes, where they help
        assert "The first 20,000 symmetric requests a month are free." in html

    def test_add_with_htmx_returns_the_editor_fragment_and_totals_out_of_band(
        self, client, price_book
    ):
        html = client.post(NEW, form_data(KMS, action="add:waf"), headers=HTMX).content.decode()
        assert "<html" not in html
        assert html.startswith('\n<section id="editor"') or '<section id="editor"' in html[:200]
        assert re.findall(r'data-service="(\w+)"', html) == ["kms", "waf"]
        assert re.search(r'id="totals"[^>]*hx-swap-oob="true"', html)
        assert monthly_total(html) == "$15.94"
        assert 'value="2000000"' in html  # what was typed survives the re-render

    def test_the_card_just_added_is_marked_to_take_the_focus(self, client, price_book):
        page = client.post(NEW, form_data(KMS, action="add:waf")).content.decode()
        fragment = client.post(NEW, form_data(KMS, action="add:waf"), headers=HTMX)
        fragment = fragment.content.decode()

        # A whole page uses the browser's autofocus; a fragment leaves it to static/js/editor.js.
        def marked(html: str, attribute: str) -> list[str]:
            tags = re.findall(rf"<input[^>]*\s{attribute}[\s>][^>]*>?", html)
            return [re.search(r'name="([^"]+)"', tag).group(1) for tag in tags]

        assert marked(page, "autofocus") == ["card-1-web_acls"]
        assert marked(fragment, "data-autofocus") == ["card-1-web_acls"]
        assert re.search(r"\sautofocus\b", fragment) is None
        assert '<script src="/static/js/editor.js" defer></script>' in page

    def test_the_same_service_can_be_added_twice(self, client, price_book):
        html = client.post(NEW, form_data(KMS, action="add:kms")).content.decode()
        assert html.count('data-service="kms"') == 2

    def test_remove_drops_the_card_and_renumbers_the_rest(self, client, price_book):
        data = form_data(KMS, {"service": "waf", "usage": {"web_acls": "3"}}, action="remove:0")
        html = client.post(NEW, data, headers=HTMX).content.decode()
        assert re.findall(r'data-service="(\w+)"', html) == ["waf"]
        assert 'name="card-0-web_acls" value="3"' in html
        assert 'name="card-TOTAL_FORMS" value="1"' in html
        assert monthly_total(html) == "$15.00"

    def test_unknown_add_action_changes_nothing(self, client, price_book):
        html = client.post(NEW, form_data(KMS, action="add:ec2")).content.decode()
        assert re.findall(r'data-service="(\w+)"', html) == ["kms"]

    def test_recalculate_without_javascript_prices_the_whole_page(self, client, price_book):
        html = client.post(NEW, form_data(KMS, action="recalculate")).content.decode()
        assert "<html" in html
        assert monthly_total(html) == "$15.94"
        assert "(2,000,000 − 20,000 free) ÷ 10,000 × $0.03 = $5.94" in html

    def test_free_tier_off_without_javascript(self, client, price_book):
        html = client.post(NEW, form_data(KMS, free_tier=False)).content.decode()
        assert monthly_total(html) == "$16.00"
        assert not re.search(r'name="free_tier"[^>]*checked', html)


@pytest.mark.django_db
class TestPreview:
    def test_fragment_has_totals_lines_and_no_inputs(self, client, price_book):
        response = client.post(PREVIEW, form_data(KMS), headers=HTMX)
        html = response.content.decode()
        assert response.status_code == 200
        assert "<html" not in html
        assert "<input" not in html and "<select" not in html  # inputs are never swapped
        assert html.lstrip().startswith('<section id="totals"')
        assert monthly_total(html) == "$15.94"
        assert re.search(r'id="card-0-result"[^>]*hx-swap-oob="true"', html)
        assert "10 × $1.00 = $10.00" in html
        assert re.search(r'id="breakdown"[^>]*hx-swap-oob="true"', html)

    @pytest.mark.parametrize(
        ("usage", "field", "message"),
        [
            ({"keys": "ten"}, "keys", "Enter a number."),
            ({"keys": "-3"}, "keys", "Enter 0 or more."),
            ({"keys": "1e30"}, "keys", "Enter at most 1,000,000,000,000,000."),
            (
                {"keys": "1", "key_rotations": "3"},
                "key_rotations",
                "At most 2 × customer managed keys (= 2).",
            ),
        ],
    )
    def test_bad_input_gets_a_message_beside_the_field_and_totals_wait(
        self, client, price_book, usage, field, message
    ):
        html = client.post(PREVIEW, form_data({"service": "kms", "usage": usage})).content.decode()
        assert field_error(html, f"id_card-0-{field}") == message
        # Issue 20, item 10: the total is the valid cards' (none here), marked incomplete.
        assert monthly_total(html) == "$0.00"
        assert "Incomplete: the total of the valid cards only. 1 card needs attention." in html

    def test_a_valid_card_keeps_its_subtotal_while_another_waits(self, client, price_book):
        data = form_data(KMS, {"service": "secrets_manager", "usage": {"secrets": "abc"}})
        html = client.post(PREVIEW, data).content.decode()
        result = re.search(r'id="card-0-result".*?</div>', html, re.S).group(0)
        assert "$15.94" in result
        assert field_error(html, "id_card-1-secrets") == "Enter a number."

    def test_only_fields_with_a_message_get_markup(self, client, price_book):
        """The page's script clears the messages before a preview is swapped in (a browser test
        proves it), so the preview sends only the messages there are."""
        data = form_data(KMS, {"service": "secrets_manager", "usage": {"secrets": "abc"}})
        html = client.post(PREVIEW, data, headers=HTMX).content.decode()
        # (The terms panel swaps each of its own messages, empty or not.)
        ids = [i for i in re.findall(r'id="([^"]+)_error"', html) if not i.startswith("id_terms-")]
        assert ids == ["id_card-1-secrets"]
        assert field_error(html, "id_card-1-secrets") == "Enter a number."
        html = client.post(PREVIEW, form_data(KMS), headers=HTMX).content.decode()
        ids = [i for i in re.findall(r'id="([^"]+)_error"', html) if not i.startswith("id_terms-")]
        assert ids == []

    def test_a_result_the_page_already_shows_is_not_rendered_again(self, client, price_book):
        two = form_data(KMS, {"service": "secrets_manager", "usage": {"secrets": "4"}})
        first = client.post(PREVIEW, two, headers=HTMX).content.decode()
        versions = dict(re.findall(r'id="card-(\d)-result" data-version="(\w+)"', first))
        assert set(versions) == {"0", "1"}
        # The user types in card 1: card 0's result is the same, and the page shows it.
        typed = form_data(KMS, {"service": "secrets_manager", "usage": {"secrets": "40"}})
        shown = f"0:{versions['0']},1:{versions['1']}"
        html = client.post(PREVIEW, {**typed, "shown": shown}, headers=HTMX).content.decode()
        assert 'id="card-0-result"' not in html
        card_1 = re.search(r'id="card-1-result" data-version="(\w+)".*?</div>', html, re.S)
        assert card_1[1] != versions["1"]
        assert "40 × $0.40 = $16.00" in card_1[0]
        assert monthly_total(html) == "$31.94"

    def test_a_version_that_does_not_match_renders_the_result(self, client, price_book):
        data = {**form_data(KMS), "shown": "0:0123456789abcdef,x:y,99999:zz"}
        html = client.post(PREVIEW, data, headers=HTMX).content.decode()
        assert "10 × $1.00 = $10.00" in re.search(r'id="card-0-result".*?</div>', html, re.S)[0]

    def test_a_pooled_cards_result_is_rendered_again_when_another_card_moves_its_share(
        self, client, second_book
    ):
        """A card's result depends on the cards it pools with, not only on its own inputs."""
        one = {"service": "kms", "usage": {"symmetric_requests": "30000"}}
        first = client.post(PREVIEW, form_data(one, one), headers=HTMX).content.decode()
        versions = dict(re.findall(r'id="card-(\d)-result" data-version="(\w+)"', first))
        other = {"service": "kms", "usage": {"symmetric_requests": "90000"}}
        shown = f"0:{versions['0']},1:{versions['1']}"
        data = {**form_data(one, other), "shown": shown}
        html = client.post(PREVIEW, data, headers=HTMX).content.decode()
        assert 'id="card-0-result"' in html  # its own usage did not change; its share did

    def test_forged_service_and_region_are_messages_not_errors(self, client, price_book):
        data = form_data({"service": "ec2"}, {"service": "kms", "region": "mars-1"})
        response = client.post(PREVIEW, data)
        html = response.content.decode()
        assert response.status_code == 200
        assert field_error(html, "id_card-1-regions").startswith("Select a valid choice.")
        assert monthly_total(html) == "$0.00"  # issue 20, item 10: neither card is priced
        assert "2 cards need attention." in html
        page = client.post(NEW, data).content.decode()
        assert "This service is not in the price book." in page

    @pytest.mark.parametrize("total", ["abc", "", "1.5"])
    def test_tampered_management_form_is_a_message(self, client, price_book, total):
        data = {**form_data(KMS), "card-TOTAL_FORMS": total}
        response = client.post(NEW, data)
        assert response.status_code == 200
        assert (
            "ManagementForm data is missing or has been tampered with" in response.content.decode()
        )

    def test_at_most_200_cards(self, client, price_book):
        data = form_data(*[{"service": "kms"}] * 201)
        html = client.post(PREVIEW, data).content.decode()
        assert monthly_total(html) == "—"
        page = client.post(NEW, form_data(*[{"service": "kms"}] * 200, action="add:kms"))
        assert page.content.decode().count('data-service="kms"') == 200

    def test_every_figure_equals_the_api_for_a_realistic_setup(self, client, price_book):
        cards = [
            KMS,
            {
                "service": "waf",
                "group": "edge",
                "usage": {"web_acls": "2", "rules": "14", "requests": "50000000"},
            },
            {
                "service": "guardduty",
                "usage": {"cloudtrail_management_events": "20000000", "vpc_dns_log_gb": "800"},
            },
            {"service": "secrets_manager", "usage": {"secrets": "40", "api_calls": "3000000"}},
            {"service": "macie", "usage": {"s3_buckets": "20", "data_inspected_gb": "10"}},
        ]
        html = client.post(PREVIEW, form_data(*cards)).content.decode()
        body = {
            "free_tier": True,
            "items": [
                {"service": c["service"], "group": c.get("group", ""), "usage": c["usage"]}
                for c in cards
            ],
        }
        api = client.post(
            reverse("api:quote"), json.dumps(body), content_type="application/json"
        ).json()
        assert monthly_total(html) == money(Decimal(api["monthly_total"]))
        assert api["monthly_total"] == "841.94"  # 15.94 + 54 + 730 + 31 + 11
        for index, item in enumerate(api["items"]):
            result = re.search(rf'id="card-{index}-result".*?</div>', html, re.S).group(0)
            assert money(Decimal(item["monthly"])) in result
            for line in item["lines"]:
                assert line["formula"] in result
