"""The preview's lean cards and the formset's full cards accept and refuse the same inputs with
the same messages: one set of cases run through both (the rules live in the fields and forms
once; the lean cards take the very same fields, built once per book and service)."""

from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from django.test import RequestFactory, override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from estimates.pricing import Item
from estimates.web.forms import CardFormSet, EstimateForm
from estimates.web.views.editor import posted_form

from ..conftest import first_catalog

CATALOG = first_catalog()


def post(cards: list[dict], **extra: str | list[str]) -> QueryDict:
    """A post of these cards: each a service and its fields as a browser sends them."""
    data = CardFormSet.data_for([Item(card["service"]) for card in cards])
    for index, card in enumerate(cards):
        for key, value in card.items():
            if isinstance(value, list):
                data.setlist(f"card-{index}-{key}", value)
            else:
                data[f"card-{index}-{key}"] = value
    for key, value in extra.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    return data


def read(data: QueryDict, lean: bool) -> dict:
    """Everything the editor takes from a post: each card's messages and item, the formset's."""
    formset = CardFormSet(data, catalog=CATALOG, lean=lean)
    formset.check_rules_between_cards()
    cards = []
    for form in formset.forms:
        errors = {name: list(messages) for name, messages in form.errors.items()}
        cards.append((errors, form.item() if form.is_valid() else None, form.multiplier()))
    return {
        "cards": cards,
        "formset": list(formset.non_form_errors()),
        "valid": formset.is_valid(),
    }


def assert_same(data: QueryDict) -> dict:
    full, lean = read(data, lean=False), read(data, lean=True)
    assert lean == full
    return full


QUANTITIES = [
    "",
    "0",
    "10",
    " 7 ",
    "1,000",
    "1_000",
    "2.5",
    "ten",
    "-3",
    "1e30",
    "1e15",
    "1e-11",
    "0.00000000001",
    "NaN",
    "inf",
    "１２",
    "٣",
    "1" * 70,
    "\ufffd",
]
ACCOUNTS = ["", "0", "1", "40", "100000", "100001", "2.5", "abc", "٣", "1e999999999", "-1"]
GROUPS = ["", "prod", "x" * 200, "bad \ufffd bytes", "tab\there"]
REGIONS = [[], ["us-east-1"], ["us-east-1", "us-east-1"], ["mars-1"], ["us-east-1", "mars-1"]]


@pytest.mark.parametrize("value", QUANTITIES)
def test_a_quantity(value):
    assert_same(post([{"service": "kms", "keys": value}]))


@pytest.mark.parametrize("value", QUANTITIES)
def test_a_whole_quantity_and_a_switch(value):
    assert_same(post([{"service": "shield", "advanced_subscriptions": value}]))
    assert_same(post([{"service": "waf", "web_acls": value, "shield_advanced_covered": value}]))


@pytest.mark.parametrize("value", ACCOUNTS)
def test_accounts(value):
    assert_same(post([{"service": "guardduty", "accounts": value, "vpc_dns_log_gb": "5"}]))


@pytest.mark.parametrize("value", GROUPS)
def test_a_group(value):
    assert_same(post([{"service": "kms", "group": value, "keys": "1"}]))


@pytest.mark.parametrize("regions", REGIONS)
def test_regions(regions):
    assert_same(post([{"service": "kms", "regions": regions, "keys": "1"}]))


@pytest.mark.parametrize("service", ["kms", "ec2", "", "KMS"])
def test_a_service(service):
    assert_same(post([{"service": service, "keys": "1"}]))


def test_rules_between_inputs_and_between_cards():
    outcome = assert_same(
        post(
            [
                {"service": "kms", "keys": "1", "key_rotations": "3"},
                {"service": "waf", "web_acls": "1", "shield_advanced_covered": "1"},
            ]
        )
    )
    assert outcome["cards"][0][0] == {"key_rotations": ["At most 2 × customer managed keys (= 2)."]}


def test_a_waiver_claimed_with_no_card_to_grant_it(second_catalog):
    data = post([{"service": "waf", "web_acls": "1", "shield_advanced_covered": "1"}])
    full = CardFormSet(data, catalog=second_catalog)
    lean = CardFormSet(data, catalog=second_catalog, lean=True)
    for formset in (full, lean):
        formset.check_rules_between_cards()
    assert lean.forms[0].errors == full.forms[0].errors
    assert "shield_advanced_covered" in full.forms[0].errors


def test_lean_cards_share_their_fields_and_build_none():
    data = post([{"service": "kms", "keys": "1"}, {"service": "kms", "keys": "2"}])
    first, second = CardFormSet(data, catalog=CATALOG, lean=True).forms
    assert first.fields["keys"] is second.fields["keys"]
    assert first.fields is not second.fields  # a card may still add to its own dict


@pytest.mark.parametrize("total", ["-1", "٣", "abc", "", "201", "3"])
def test_the_card_count(total):
    data = post([{"service": "kms", "keys": "1"}])
    data["card-TOTAL_FORMS"] = total
    assert_same(data)


def test_fields_that_are_not_the_cards_are_ignored_alike():
    assert_same(post([{"service": "kms", "keys": "1", "nonsense": "x"}], shown="0:abc"))


@settings(max_examples=150, deadline=None)
@given(
    keys=st.text(max_size=20),
    accounts=st.text(alphabet="0123456789-.,e٣１ a", max_size=8),
    group=st.text(max_size=12),
    regions=st.lists(st.sampled_from(["us-east-1", "eu-west-1", "mars-1", ""]), max_size=3),
)
def test_any_text_is_read_alike(keys, accounts, group, regions):
    card = {"service": "kms", "keys": keys, "accounts": accounts, "group": group}
    card["regions"] = regions
    assert_same(post([card, {"service": "secrets_manager", "secrets": keys}]))


def test_the_projection_fields_are_one_form_for_both():
    """The estimate's own fields (free tier, projection) are read by EstimateForm on both
    paths: there is no second parser of them."""
    form = EstimateForm({"projection_months": "٣٦", "projection_growth_percent": "2.5"})
    assert not form.is_valid()
    assert "projection_months" in form.errors


# The preview reads an urlencoded post in one pass (views.editor.posted_form): the same pairs,
# decoded the same way, as Django's QueryDict.


def urlencoded_request(body: str | bytes):
    return RequestFactory().post("/preview", body, content_type="application/x-www-form-urlencoded")


@settings(max_examples=200, deadline=None)
@given(
    pairs=st.lists(st.tuples(st.text(max_size=8), st.text(max_size=8)), max_size=12),
    raw=st.text(alphabet="ab=&+%2FE9x ", max_size=30),
)
def test_an_urlencoded_post_is_read_as_querydict_reads_it(pairs, raw):
    for body in (urlencode(pairs), raw, raw.encode("latin-1")):
        request = urlencoded_request(body)
        expected = QueryDict(body, encoding="utf-8")
        assert dict(posted_form(request).lists()) == dict(expected.lists())


@pytest.mark.parametrize(
    "body", [b"card-0-group=Caf%E9+%FF&card-0-service=kms", b"card-0-group=Caf\xe9&x&=y&&"]
)
def test_bytes_not_sent_as_utf8_reach_the_field_as_querydict_gives_them(body):
    read = posted_form(urlencoded_request(body))
    assert dict(read.lists()) == dict(QueryDict(body, encoding="utf-8").lists())
    assert read.getlist("card-0-group")[0].startswith("Caf")


@pytest.mark.django_db
class TestUrlencodedPreview:
    def test_more_fields_than_the_limit_get_the_editor_page_and_a_message(self, client, price_book):
        body = "&".join(f"f{i}=x" for i in range(60))
        with override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=50):
            response = client.post(
                "/preview", body, content_type="application/x-www-form-urlencoded"
            )
        assert response.status_code == 413
        assert "This form was too large to read (more than 50 fields" in response.content.decode()

    def test_a_multipart_preview_is_read_by_django_as_before(self, client, price_book):
        data = {**dict(post([{"service": "kms", "keys": "ten"}]).lists())}
        html = client.post("/preview", data).content.decode()
        assert 'id="id_card-0-keys_error"' in html
        assert "Enter a number." in html
