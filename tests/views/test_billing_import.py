"""/import/billing: a bill uploaded without JavaScript opens the editor with its cards and the
reconciliation beside them; a file it cannot read is a message beside the field."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains, assertTemplateUsed

from estimates.importers import billing
from estimates.models import Estimate, PriceBook
from tests.conftest import FIRST_BOOK, SECOND_BOOK, shipped_book
from tests.test_security import InlineCode, csp_directives

DATA = Path(__file__).parent.parent / "data" / "billing"
UPLOAD = "/import/billing"


@pytest.fixture
def book_2026_12(db) -> PriceBook:
    """The 2026-12 book as the current one, whatever newer books the migrations ship: the
    editor prices with the current book, and these figures are the 2026-12 book's."""
    first, second = shipped_book(FIRST_BOOK), shipped_book(SECOND_BOOK)
    models.QuerySet.delete(PriceBook.objects.exclude(pk__in=[first.pk, second.pk]))
    assert PriceBook.objects.current() == second
    return second


def upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (DATA / name).read_bytes() if content is None else content)


def post(client, file=None, **fields):
    data = {"group_by": "service", **fields}
    if file is not None:
        data["file"] = file
    return client.post(UPLOAD, data)


def field_message(response, name: str) -> str:
    html = response.content.decode()
    return re.search(rf'<p class="field-error" id="id_{name}_error"[^>]*>([^<]*)</p>', html)[1]


def monthly_total(response) -> str:
    return re.search(r'id="monthly-total">([^<]*)<', response.content.decode())[1]


class TestUploadPage:
    def test_get_shows_a_multipart_form(self, client, book_2026_12):
        response = client.get(UPLOAD)

        assert response.status_code == 200
        assertContains(response, 'enctype="multipart/form-data"')
        assertContains(response, 'name="file"')
        assertContains(response, 'name="billing_period"')
        assertContains(response, "at most 100 MB")

    def test_the_editor_links_to_it(self, client, book_2026_12):
        assertContains(client.get("/"), f'href="{UPLOAD}"')

    def test_other_methods_are_not_allowed(self, client, book_2026_12):
        assert client.put(UPLOAD).status_code == 405

    def test_a_post_without_the_csrf_token_is_refused(self, book_2026_12):
        response = Client(enforce_csrf_checks=True).post(UPLOAD, {"file": upload("cur2.csv")})
        assert response.status_code == 403


class TestImportWithoutJavaScript:
    @pytest.mark.parametrize("name", ["cur2.csv", "legacy-cur.csv.gz", "focus-1.2.parquet"])
    def test_the_editor_opens_with_the_bills_cards_and_reconciliation(
        self, client, book_2026_12, name
    ):
        response = post(client, upload(name))

        assert response.status_code == 200
        assertTemplateUsed(response, "estimates/editor.html")
        html = response.content.decode()
        services = re.findall(r'<article class="card" id="card-\d+" data-service="([a-z_]+)"', html)
        assert services == [
            "kms",
            "kms",
            "ssm_parameter_store",
            "secrets_manager",
            "private_ca",
            "waf",
            "guardduty",
            "guardduty",
            "config",
            "cloudtrail",
            "security_hub",
            "dns_firewall",
        ]
        assert monthly_total(response) == "$761.36"
        assertContains(response, f'value="Bill 2026-11 {name}"')
        assertContains(response, 'name="card-1-accounts" value="2"')
        assertContains(response, 'name="card-1-keys" value="2"')
        assert "billing period 2026-11" in html
        rows = re.findall(r'<tr data-usage-type="([^"]+)"( class="flagged")?>', html)
        assert len(rows) == 23
        assert [usage_type for usage_type, flagged in rows if flagged] == [
            "KMS-Requests",
            "PaidFindingsIngestion",
            "RuleEvaluation",
            "DNS-FirewallQueries",
        ]
        assert re.search(r'id="bill-total">772.818<', html)
        assert re.search(r'id="bill-adjustments">-4.9<', html)
        assertContains(response, "a free allowance spread differently")
        assertContains(response, "<code>USE1-ShieldProtected-WebACLV2</code>")
        # Each card's notes are its account ids, in its Notes field (and in the list above).
        assertContains(response, "KMS), us-east-1: Accounts: 111111111111, 222222222222</li>")
        notes = re.findall(r'<textarea name="card-(\d+)-notes"[^>]*>\n?([^<]*)</textarea>', html)
        assert notes[:3] == [
            ("0", "Accounts: 012345678901"),
            ("1", "Accounts: 111111111111, 222222222222"),
            ("2", "Accounts: 222222222222"),
        ]
        assert len(notes) == 12

    def test_the_cards_save_with_their_notes(self, client, book_2026_12):
        response = post(client, upload("cur2.csv"), billing_period="2026-10", group_by="account")
        # What the editor's form holds after the import, posted as Save posts it.
        form_data = response.context["editor"].estimate_form.data.copy()
        saved = client.post("/save", form_data)

        assert saved.status_code == 302
        estimate = Estimate.objects.get()
        assert estimate.name == "Bill 2026-10 cur2.csv"
        assert estimate.description == "From the bill for 2026-10."
        assert [(i.service, i.group, i.usage, i.notes) for i in estimate.items.all()] == [
            ("kms", "111111111111", {"keys": "3"}, "Accounts: 111111111111"),
            ("waf", "111111111111", {"web_acls": "1"}, "Accounts: 111111111111"),
        ]
        page = client.get(estimate.get_absolute_url())
        assert re.findall(
            r'<p class="card-notes" data-notes-for="(\w+)">Notes: ([^<]*)</p>',
            page.content.decode(),
        ) == [
            ("kms", "Accounts: 111111111111"),
            ("waf", "Accounts: 111111111111"),
        ]

    def test_nothing_is_saved_by_an_import(self, client, book_2026_12):
        post(client, upload("cur2.parquet"))
        assert not Estimate.objects.exists()

    def test_the_imported_editor_has_no_inline_script_or_style(self, client, book_2026_12):
        response = post(client, upload("cur2.csv"))
        parser = InlineCode()

        parser.feed(response.content.decode())

        assert parser.problems == []
        assert csp_directives(response["Content-Security-Policy"])["style-src"] == ["'self'"]


class TestBadUploads:
    def test_no_file_is_a_message_beside_the_field(self, client, book_2026_12):
        response = post(client)

        assert response.status_code == 400
        assert field_message(response, "file") == "Choose the export&#x27;s file."
        assertNotContains(response, 'id="reconciliation"', status_code=400)

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (b"name,age\nAda,36\n", "This is not a Cost and Usage Report"),
            (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50, "This is not a CSV or Parquet file"),
            (b"PK\x03\x04" + b"\x00" * 64, "ZIP archives are not read"),
        ],
    )
    def test_what_is_not_a_bill_is_a_message_beside_the_field(
        self, client, book_2026_12, content, message
    ):
        response = post(client, upload("export.csv", content))

        assert response.status_code == 400
        assert field_message(response, "file").startswith(message)
        assertNotContains(response, 'class="card"', status_code=400)

    def test_a_period_not_in_the_file_is_a_message_beside_the_period(self, client, book_2026_12):
        response = post(client, upload("cur2.csv"), billing_period="2026-09")

        assert response.status_code == 400
        assert field_message(response, "billing_period") == (
            "The file has no billing period 2026-09: it has 2026-10, 2026-11."
        )
        response = post(client, upload("cur2.csv"), billing_period="Nov")
        assert field_message(response, "billing_period").startswith("Give the billing period")

    def test_a_file_over_the_limit_is_refused_before_it_is_read(
        self, client, book_2026_12, monkeypatch
    ):
        monkeypatch.setattr(billing.reading, "MAX_UPLOAD_BYTES", 1000)
        response = post(client, upload("cur2.csv"))

        assert response.status_code == 400
        assert field_message(response, "file").startswith("The file is over 0 MB")
