"""The price book admin: staff only, published books read-only, copy and publish."""

from decimal import Decimal as D
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages

from estimates.admin import UsageInputInline, WaiverInline
from estimates.models import (
    PriceBook,
    PublishedPriceBookError,
    Rate,
    RateTier,
    Service,
    UsageInput,
    Waiver,
)

BOOKS = "/admin/estimates/pricebook/"


def change_url(obj) -> str:
    return f"/admin/estimates/{obj._meta.model_name}/{obj.pk}/change/"


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


class FormFields(HTMLParser):
    """The values a browser would submit from the page's main form (the one with csrf and _save)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({})
        if not self.forms:
            return
        fields = self.forms[-1]
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    fields[name] = attrs.get("value", "on")
            else:
                fields[name] = attrs.get("value") or ""
        elif tag == "select" and name:
            self.select = name
            fields.setdefault(name, "")
        elif tag == "option" and self.select and "selected" in attrs:
            fields[self.select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self.textarea = name
            fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        if tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea and self.forms:
            self.forms[-1][self.textarea] += data.removeprefix("\n")


def form_data(response) -> dict:
    parser = FormFields()
    parser.feed(response.content.decode())
    (form,) = [fields for fields in parser.forms if "name" in fields or "code" in fields]
    return form


@pytest.fixture
def draft(price_book) -> PriceBook:
    return price_book.copy_to_draft(name="Prices for December")


def rate(book: PriceBook, service: str = "kms", code: str = "symmetric_requests") -> Rate:
    return Rate.objects.get(service__price_book=book, service__code=service, code=code)


class TestAccess:
    @pytest.mark.parametrize(
        "url",
        [
            "/admin/",
            BOOKS,
            "/admin/estimates/service/",
            "/admin/estimates/rate/",
            "/admin/estimates/service/add/",
        ],
    )
    def test_anonymous_users_get_the_login_page(self, client, price_book, url):
        response = client.get(url)

        assert response.status_code == 302
        assert response["Location"] == f"/admin/login/?next={url}"

    def test_anonymous_users_cannot_open_a_book(self, client, price_book):
        response = client.get(change_url(price_book), follow=True)

        assert response.redirect_chain[-1][0].startswith("/admin/login/")
        assert '<input type="password" name="password"' in response.content.decode()

    def test_a_user_who_is_not_staff_gets_the_login_page(self, client, price_book):
        client.force_login(User.objects.create_user("visitor", password="x-long-password-1"))

        response = client.get(BOOKS)

        assert response.status_code == 302
        assert response["Location"] == f"/admin/login/?next={BOOKS}"

    def test_anonymous_posts_change_nothing(self, client, draft):
        response = client.post(BOOKS, {"action": "publish_drafts", "_selected_action": [draft.pk]})
        copy = client.post(f"{BOOKS}{draft.pk}/copy-to-draft/")

        assert response.status_code == copy.status_code == 302
        assert PriceBook.objects.get(pk=draft.pk).status == PriceBook.Status.DRAFT
        assert PriceBook.objects.count() == 2

    def test_staff_see_every_book(self, admin_client, price_book, draft):
        response = admin_client.get(BOOKS)

        assert response.status_code == 200
        assert list(response.context["cl"].result_list) == [draft, price_book]


class TestPublishedBookIsReadOnly:
    def test_its_page_shows_values_not_inputs(self, admin_client, price_book):
        response = admin_client.get(change_url(price_book))

        assert response.status_code == 200
        body = response.content.decode()
        assert f'<div class="readonly">{price_book.name}</div>' in body
        assert 'name="name"' not in body
        assert 'name="_save"' not in body
        assert "Copy to a new draft" in body
        assert ">Publish</button>" not in body
        assert response.context["has_change_permission"] is False
        assert response.context["has_delete_permission"] is False

    def test_posting_a_change_is_refused_and_changes_nothing(self, admin_client, price_book):
        response = admin_client.post(
            change_url(price_book), {"name": "Renamed", "effective_date": "2026-11-01"}
        )

        assert response.status_code == 403
        assert PriceBook.objects.get(pk=price_book.pk).name == price_book.name

    def test_its_rates_cannot_be_changed(self, admin_client, price_book):
        requests = rate(price_book)

        page = admin_client.get(change_url(requests))
        response = admin_client.post(
            change_url(requests),
            {
                "service": requests.service_id,
                "code": "symmetric_requests",
                "label": "Cheaper",
                "meters": "symmetric_requests",
                "per_units": "10000",
                "unit": "requests",
                "free_units": "0",
                "region": "us-east-1",
                "billing": "monthly",
                "grade": "A",
                "position": "2",
                "tiers-TOTAL_FORMS": "1",
                "tiers-INITIAL_FORMS": "1",
                "tiers-0-id": requests.tiers.get().pk,
                "tiers-0-rate": requests.pk,
                "tiers-0-start": "0",
                "tiers-0-price": "0.01",
            },
        )

        assert page.status_code == 200
        assert 'name="tiers-0-price"' not in page.content.decode()
        assert response.status_code == 403
        assert rate(price_book).label == "Symmetric requests"
        assert [(t.start, t.price) for t in rate(price_book).tiers.all()] == [(0, D("0.03"))]

    def test_it_cannot_be_deleted(self, admin_client, price_book):
        page = admin_client.get(f"{BOOKS}{price_book.pk}/delete/")
        response = admin_client.post(f"{BOOKS}{price_book.pk}/delete/", {"post": "yes"})

        assert page.status_code == response.status_code == 403
        assert PriceBook.objects.filter(pk=price_book.pk).exists()

    def test_bulk_delete_leaves_it_alone(self, admin_client, price_book, draft):
        response = admin_client.post(
            BOOKS,
            {"action": "delete_selected", "_selected_action": [price_book.pk], "post": "yes"},
        )

        # Refused either way: 403 for a published book, or Django's page naming the draft
        # copied from it, which protects it.
        refused_page = "<title>Cannot delete price book"
        assert response.status_code == 403 or refused_page in response.content.decode()
        assert PriceBook.objects.filter(pk=price_book.pk).exists()

    def test_no_service_can_be_added_to_it(self, admin_client, price_book, draft):
        response = admin_client.post(
            "/admin/estimates/service/add/",
            {
                "price_book": price_book.pk,
                "code": "new_service",
                "name": "New service",
                "position": "0",
                "inputs-TOTAL_FORMS": "0",
                "inputs-INITIAL_FORMS": "0",
                "rates-TOTAL_FORMS": "0",
                "rates-INITIAL_FORMS": "0",
            },
        )

        assert response.status_code == 200
        assert response.context["adminform"].form.errors["price_book"] == [
            "Select a valid choice. That choice is not one of the available choices."
        ]
        assert not Service.objects.filter(code="new_service").exists()


class TestDraftsAreEditable:
    def test_a_draft_rate_and_its_tiers_can_be_changed(self, admin_client, draft):
        requests = rate(draft)
        data = form_data(admin_client.get(change_url(requests)))
        data.update({"label": "Symmetric requests (new)", "tiers-0-price": "0.04"})

        response = admin_client.post(change_url(requests), data)

        assert response.status_code == 302
        changed = rate(draft)
        assert changed.label == "Symmetric requests (new)"
        assert [(t.start, t.price) for t in changed.tiers.all()] == [(0, D("0.04"))]
        assert [(t.start, t.price) for t in rate(draft.copied_from).tiers.all()] == [(0, D("0.03"))]

    def test_every_field_of_a_draft_usage_input_can_be_changed(self, admin_client, draft):
        service = Service.objects.get(price_book=draft, code="kms")
        data = form_data(admin_client.get(change_url(service)))
        (row,) = [
            name.removesuffix("-key")
            for name, value in data.items()
            if name.startswith("inputs-") and name.endswith("-key") and value == "key_rotations"
        ]
        data.update(
            {
                f"{row}-help": "Rotations billed this month.",
                f"{row}-at_most_key": "symmetric_requests",
                f"{row}-at_most_factor": "0.5",
                f"{row}-requires_key": "keys",
            }
        )

        response = admin_client.post(change_url(service), data)

        assert response.status_code == 302
        changed = UsageInput.objects.get(service=service, key="key_rotations")
        assert (
            changed.help,
            changed.at_most_key,
            changed.at_most_factor,
            changed.requires_key,
        ) == (
            "Rotations billed this month.",
            "symmetric_requests",
            D("0.5"),
            "keys",
        )
        published = UsageInput.objects.get(
            service__price_book=draft.copied_from, key="key_rotations"
        )
        assert (published.at_most_key, published.at_most_factor, published.requires_key) == (
            "keys",
            D(2),
            "",
        )

    def test_the_usage_input_inline_shows_every_field_of_the_model(self):
        editable = {field.name for field in UsageInput._meta.fields} - {"id", "service"}

        assert set(UsageInputInline.fields) == editable

    def test_a_drafts_service_page_edits_its_waivers(self, admin_client, draft):
        editable = {field.name for field in Waiver._meta.fields} - {"id", "service"}
        waf = draft.services.get(code="waf")

        html = admin_client.get(f"/admin/estimates/service/{waf.pk}/change/").content.decode()

        assert set(WaiverInline.fields) == editable
        assert 'name="waivers-TOTAL_FORMS"' in html

    def test_a_draft_book_can_be_renamed(self, admin_client, draft):
        data = form_data(admin_client.get(change_url(draft)))
        data["name"] = "Prices for January"

        response = admin_client.post(change_url(draft), data)

        assert response.status_code == 302
        assert PriceBook.objects.get(pk=draft.pk).name == "Prices for January"
        assert PriceBook.objects.get(pk=draft.pk).status == PriceBook.Status.DRAFT

    def test_a_book_published_meanwhile_refuses_the_save_without_a_500(self, admin_client, draft):
        data = form_data(admin_client.get(change_url(draft)))
        data["name"] = "Too late"
        draft.publish()

        response = admin_client.post(change_url(draft), data)

        assert response.status_code == 403
        assert PriceBook.objects.get(pk=draft.pk).name == "Prices for December"

    def test_a_model_refusal_becomes_a_message(self, admin_client, draft, monkeypatch):
        requests = rate(draft)
        data = form_data(admin_client.get(change_url(requests)))
        data["label"] = "Refused"

        def refuse(self, *args, **kwargs):
            raise PublishedPriceBookError(draft)

        monkeypatch.setattr(Rate, "save", refuse)
        response = admin_client.post(change_url(requests), data)

        assert response.status_code == 302
        assert response["Location"] == change_url(requests)
        assert messages_of(response) == [
            "“Prices for December” is published and cannot change. Copy it to a new draft to "
            "edit prices."
        ]
        assert rate(draft).label == "Symmetric requests"


class TestCopyAndPublish:
    def test_the_copy_action_makes_an_editable_draft(self, admin_client, price_book):
        response = admin_client.post(
            BOOKS, {"action": "copy_to_new_draft", "_selected_action": [price_book.pk]}
        )

        assert response.status_code == 302
        copy = PriceBook.objects.exclude(pk=price_book.pk).get()
        assert (copy.status, copy.copied_from, copy.name) == (
            PriceBook.Status.DRAFT,
            price_book,
            f"{price_book.name} (draft copy)",
        )
        assert Rate.objects.filter(service__price_book=copy).count() == (
            Rate.objects.filter(service__price_book=price_book).count()
        )
        assert admin_client.get(change_url(copy)).context["has_change_permission"] is True

    def test_the_publish_action_makes_a_draft_current(self, admin_client, price_book, draft):
        response = admin_client.post(
            BOOKS, {"action": "publish_drafts", "_selected_action": [draft.pk]}
        )

        assert response.status_code == 302
        assert messages_of(response) == [
            "Published “Prices for December”: new estimates are priced with it."
        ]
        assert PriceBook.objects.current() == draft
        assert PriceBook.objects.get(pk=draft.pk).published_at is not None

    def test_publishing_a_published_book_only_warns(self, admin_client, price_book):
        published_at = price_book.published_at

        response = admin_client.post(
            BOOKS, {"action": "publish_drafts", "_selected_action": [price_book.pk]}
        )

        assert messages_of(response) == [f"“{price_book.name}” is already published."]
        assert PriceBook.objects.get(pk=price_book.pk).published_at == published_at

    def test_the_copy_button_opens_the_new_draft(self, admin_client, price_book):
        response = admin_client.post(f"{BOOKS}{price_book.pk}/copy-to-draft/")

        copy = PriceBook.objects.exclude(pk=price_book.pk).get()
        assert response.status_code == 302
        assert response["Location"] == change_url(copy)
        assert copy.copied_from == price_book

    def test_the_publish_button_is_on_a_draft_page_and_publishes_it(self, admin_client, draft):
        page = admin_client.get(change_url(draft))
        response = admin_client.post(f"{BOOKS}{draft.pk}/publish/")

        assert f'action="{BOOKS}{draft.pk}/publish/"' in page.content.decode()
        assert response.status_code == 302
        assert response["Location"] == change_url(draft)
        assert PriceBook.objects.get(pk=draft.pk).is_published

    @pytest.mark.parametrize("tool", ["copy-to-draft", "publish"])
    def test_the_buttons_only_take_post(self, admin_client, draft, tool):
        response = admin_client.get(f"{BOOKS}{draft.pk}/{tool}/")

        assert response.status_code == 405
        assert PriceBook.objects.count() == 2
        assert not PriceBook.objects.get(pk=draft.pk).is_published

    @pytest.mark.parametrize("tool", ["copy-to-draft", "publish"])
    def test_the_buttons_on_an_unknown_book_are_a_404(self, admin_client, price_book, tool):
        assert admin_client.post(f"{BOOKS}999999/{tool}/").status_code == 404

    def test_tiers_of_a_published_rate_are_not_deleted_through_a_draft(self, admin_client, draft):
        published_tiers = RateTier.objects.filter(rate__service__price_book=draft.copied_from)
        before = list(published_tiers.values_list("id", "price"))

        admin_client.post(f"{BOOKS}{draft.pk}/delete/", {"post": "yes"})

        assert not PriceBook.objects.filter(pk=draft.pk).exists()
        assert list(published_tiers.values_list("id", "price")) == before
