"""GET and POST /import/terraform: upload a plan, get the editor with its cards, no JavaScript."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains, assertTemplateUsed

from estimates import pricing
from estimates.importers import terraform
from estimates.models import Estimate, PriceBook
from tests.test_security import InlineCode, csp_directives

DATA = Path(__file__).parent.parent / "data" / "terraform"
URL = "/import/terraform"
BOOK = "AWS list prices, US East (N. Virginia), 2026-11"


def upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (DATA / name).read_bytes() if content is None else content)


def post(client, plan=None, usage=None, follow=True):
    """Upload, and follow the redirect to the filled editor as a browser does."""
    files = {}
    if plan is not None:
        files["plan"] = plan
    if usage is not None:
        files["usage"] = usage
    return client.post(URL, files, follow=follow)


def field_message(response, name: str) -> str:
    html = response.content.decode()
    match = re.search(rf'<p class="field-error" id="id_{name}_error"[^>]*>([^<]*)</p>', html)
    assert match, f"no message element for {name}"
    return match.group(1)


def monthly_total(response) -> str:
    return re.search(r'id="monthly-total">([^<]*)<', response.content.decode()).group(1)


class TestUploadPage:
    def test_get_shows_a_multipart_form_with_the_two_files(self, client, price_book):
        response = client.get(URL)

        assert response.status_code == 200
        assertTemplateUsed(response, "estimates/terraform_import.html")
        assertContains(response, 'enctype="multipart/form-data"')
        assertContains(response, 'name="csrfmiddlewaretoken"')
        assertContains(response, '<input type="file" name="plan"')
        assertContains(response, '<input type="file" name="usage"')
        assertContains(response, "terraform show -json plan.out &gt; plan.json")

    def test_the_editor_links_to_it(self, client, price_book):
        assertContains(client.get("/"), f'<a href="{URL}">Import a Terraform plan</a>', html=False)

    def test_other_methods_are_not_allowed(self, client, price_book):
        response = client.put(URL)

        assert response.status_code == 405
        assert set(response["Allow"].split(", ")) == {"GET", "POST"}

    def test_a_post_without_the_csrf_token_is_refused(self, price_book):
        client = Client(enforce_csrf_checks=True)

        response = post(client, upload("baseline.plan.json"))

        assert response.status_code == 403

    def test_no_published_book_is_the_503_page(self, client, price_book, monkeypatch):
        monkeypatch.setattr(PriceBook.objects, "current", lambda: None)

        assert client.get(URL).status_code == 503
        assert post(client, upload("baseline.plan.json")).status_code == 503


class TestImportWithoutJavaScript:
    def test_the_editor_opens_with_the_plans_cards_and_totals(self, client, price_book):
        response = post(client, upload("baseline.plan.json"))

        assert response.status_code == 200
        assertTemplateUsed(response, "estimates/editor.html")
        services = re.findall(
            r'<article class="card" id="card-\d+" data-service="([a-z_]+)"',
            (response.content.decode()),
        )
        assert services == [
            "acm",
            "firewall_manager",
            "guardduty",
            "inspector",
            "kms",
            "macie",
            "private_ca",
            "secrets_manager",
            "shield",
            "ssm_parameter_store",
        ]
        assert monthly_total(response) == "$3,668.60"
        assertContains(response, 'name="card-4-keys" value="3"')
        assertContains(response, 'name="card-3-accounts" value="2"')
        assertContains(response, 'value="Terraform plan baseline.plan.json"')
        assertContains(response, 'id="id_free_tier" checked')

    def test_the_panel_lists_needed_usage_with_a_link_to_the_field(self, client, price_book):
        response = post(client, upload("baseline.plan.json"))

        assertContains(response, "Imported from baseline.plan.json")
        assertContains(response, "18 resources in 10 cards below.")
        assertContains(response, "Needs usage (19)")
        assertContains(response, "data-needs-usage=", count=19)
        assert re.search(
            r'<th scope="row"><code>aws_kms_key\.app\[0\]</code></th>\s*'
            r"<td>AWS Key Management Service \(KMS\)</td>\s*"
            r'<td><a href="#id_card-4-symmetric_requests">Symmetric requests</a>',
            response.content.decode(),
        )

    def test_the_panel_lists_what_is_not_priced_and_why(self, client, price_book):
        response = post(client, upload("baseline.plan.json"))

        assertContains(response, "Not priced (16)")
        assertContains(response, "data-unpriced=", count=16)
        assertContains(
            response,
            '<tr data-unpriced="aws_securityhub_account"><th scope="row">'
            "<code>aws_securityhub_account.main</code></th>"
            f"<td>not in the current price book ({BOOK})</td></tr>",
        )
        assertContains(response, "aws_iam_role.audit")

    def test_a_usage_file_fills_in_the_usage(self, client, price_book):
        response = post(client, upload("baseline.plan.json"), upload("baseline.usage.json"))

        assert response.status_code == 200
        assert monthly_total(response) == "$3,882.69"
        assertContains(response, 'name="card-4-symmetric_requests" value="2500000"')
        assertContains(response, 'name="card-2-vpc_dns_log_gb" value="120.5"')
        assertContains(response, "Needs usage (13)")

    def test_the_imported_cards_save_as_they_are(self, client, price_book):
        response = post(client, upload("baseline.plan.json"), upload("baseline.usage.json"))
        data = response.context["editor"].formset.data.copy()
        data.update({"name": "Baseline", "free_tier": "on"})

        saved = client.post("/save", data)

        assert saved.status_code == 302
        estimate = Estimate.objects.get()
        assert saved["Location"] == estimate.get_absolute_url()
        assert pricing.amount_text(estimate.monthly_total) == "3882.69"
        assert estimate.items.count() == 10

    def test_nothing_is_saved_by_an_import(self, client, price_book):
        post(client, upload("baseline.plan.json"))

        assert Estimate.objects.count() == 0


class TestBadUploads:
    def test_no_plan_is_a_message_beside_the_field(self, client, price_book):
        response = post(client)

        assert response.status_code == 400
        assertTemplateUsed(response, "estimates/terraform_import.html")
        assert field_message(response, "plan") == "Choose the plan&#x27;s JSON file."

    @pytest.mark.parametrize(
        ("name", "content", "message"),
        [
            (
                "plan.txt",
                b"No changes. Your infrastructure matches the configuration.",
                "The plan is not JSON (line 1, column 1: Expecting value).",
            ),
            (
                "not-a-plan.json",
                None,
                "Not a Terraform plan: it has no format_version. "
                "Make one with `terraform show -json plan.out &gt; plan.json`.",
            ),
            (
                "version-2.plan.json",
                None,
                "Format version 2.0 is not supported; costcalc reads 1.x.",
            ),
            ("state.json", None, "Not a Terraform plan: it has no planned_values"),
            (
                "deep.json",
                b'{"format_version": "1.2", "resource_changes": ' + b"[" * 80 + b"]" * 80 + b"}",
                "The plan is nested deeper than 64 levels.",
            ),
            ("empty.json", b"", "The submitted file is empty."),
        ],
    )
    def test_what_is_not_a_plan_is_a_message_beside_the_field(
        self, client, price_book, name, content, message
    ):
        response = post(client, upload(name, content))

        assert response.status_code == 400
        assert field_message(response, "plan").startswith(message)
        assertNotContains(response, 'id="imported"', status_code=400)

    def test_a_plan_over_20_mb_is_refused_before_it_is_read(self, client, price_book):
        big = SimpleUploadedFile("big.json", b" " * (terraform.MAX_PLAN_BYTES + 1))

        response = post(client, big)

        assert response.status_code == 400
        assert field_message(response, "plan") == (
            "The plan is 20,971,521 bytes; costcalc reads at most 20 MB."
        )

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (b"resource_usage: [", "The usage file is neither JSON nor valid YAML"),
            (b'{"resource_usage": {"aws_kms_key": {"keys": "many"}}}', "aws_kms_key → keys"),
            (
                b'{"resource_usage": {"aws_kms_key": {"key_rotations": 7}}}',
                "The usage file gives values the price book does not take: aws_kms_key.app[0]",
            ),
            (b" " * (terraform.MAX_USAGE_BYTES + 1), "The usage file is 1,048,577 bytes"),
        ],
    )
    def test_a_usage_file_that_cannot_be_used_is_a_message_beside_it(
        self, client, price_book, content, message
    ):
        response = post(client, upload("baseline.plan.json"), upload("usage.yaml", content))

        assert response.status_code == 400
        assert field_message(response, "plan") == ""
        assert field_message(response, "usage").startswith(message)


def test_the_imported_editor_has_no_inline_script_or_style(client, price_book):
    response = post(client, upload("baseline.plan.json"), upload("baseline.usage.json"))
    parser = InlineCode()

    parser.feed(response.content.decode())

    assert parser.problems == []
    assert csp_directives(response["Content-Security-Policy"])["style-src"] == ["'self'"]


class TestPostRedirectGet:
    """Issue 20, item 11: the upload redirects to a GET of the filled editor, kept in the
    database-backed session, and an import with resources left out says so at the total."""

    def test_the_upload_redirects_and_a_reload_shows_the_same_editor(self, client, price_book):
        response = post(client, upload("baseline.plan.json"), follow=False)
        assert response.status_code == 302
        assert response["Location"] == "/import/terraform/editor"
        first = client.get("/import/terraform/editor")
        again = client.get("/import/terraform/editor")  # a reload: no plan is posted
        assert first.status_code == again.status_code == 200
        assert monthly_total(first) == monthly_total(again) == "$3,668.60"
        assertContains(again, "Imported from baseline.plan.json")
        assert Estimate.objects.count() == 0

    def test_the_cards_live_in_the_database_session_not_the_process(self, client, price_book):
        from django.contrib.sessions.models import Session

        post(client, upload("baseline.plan.json"), follow=False)
        (session,) = Session.objects.all()
        stored = session.get_decoded()["terraform_import"]
        assert stored["plan_name"] == "baseline.plan.json"
        assert len(stored["result"]["items"]) == 10
        # Another client (another browser) has no import to show: back to the upload form.
        other = Client().get("/import/terraform/editor")
        assert other.status_code == 302
        assert other["Location"] == URL

    def test_unpriced_resources_mark_the_total_incomplete_above_the_cards(self, client, price_book):
        response = post(client, upload("baseline.plan.json"))
        html = response.content.decode()
        assert re.search(
            r'<p class="incomplete" id="total-incomplete" role="status">Incomplete: 16 resources '
            r"of the imported plan are not priced \(listed above the cards\)",
            html,
        )
        assert html.index('id="unpriced"') < html.index('id="editor"')
        assert (
            '<details class="imported-part" open>\n      <summary><h3 id="unpriced-heading">'
            in (html)
        )

    def test_the_mark_survives_a_live_recompute(self, client, price_book):
        response = post(client, upload("baseline.plan.json"))
        data = response.context["editor"].formset.data.copy()
        data.update({"free_tier": "on", "unpriced_resources": "16"})
        preview = client.post("/preview", data, headers={"HX-Request": "true"})
        assertContains(preview, "Incomplete: 16 resources of the imported plan are not priced")

    def test_an_editor_without_an_import_has_no_mark(self, client, price_book):
        assertNotContains(client.get("/"), 'id="total-incomplete"')
