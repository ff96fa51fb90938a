"""Hostile Terraform plans through every way in (API, editor upload, command): an answer or a
message, never a 5xx or a traceback, and never a saved estimate."""

import io
import json
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from estimates import pricing
from estimates.importers import terraform
from estimates.models import Estimate
from tests.test_hostile_json import Raw, any_json, raw_bodies, to_json
from tests.test_terraform import change, plan, plans, usage_files

API = "/api/v1/import/terraform"
UPLOAD = "/import/terraform"
HOSTILE = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

hostile_usage = st.one_of(
    usage_files,
    any_json,
    st.fixed_dictionaries(
        {
            "resource_usage": st.dictionaries(
                st.sampled_from(["aws_kms_key", "a.b", "aws_wafv2_web_acl", "module.m.a.b"]),
                st.dictionaries(
                    st.sampled_from(
                        ["keys", "requests", "key_rotations", "ocsp_certificates_queried", "x"]
                    ),
                    st.one_of(
                        st.sampled_from(
                            [Raw("1e999999999"), Raw("1e15"), Raw("-1"), Raw("0.00000000001")]
                        ),
                        st.integers(0, 10**16),
                        any_json,
                    ),
                    max_size=3,
                ),
                max_size=3,
            )
        }
    ),
)


def assert_api_handled(response) -> None:
    """A 200 with its quote, or a 4xx in the errors shape (the client checks the schema too)."""
    assert response.status_code < 500, response.content[:300]
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    if response.status_code == 200:
        total = body["quote"]["monthly_total"]
        assert total == pricing.amount_text(pricing.parse_quantity(total))
    else:
        assert body["errors"] and all(isinstance(e["message"], str) for e in body["errors"])


@HOSTILE
@given(raw=plans, usage=hostile_usage)
@example(raw=plan(change("aws_kms_key.k", {})), usage={"resource_usage": {"aws_kms_key": None}})
def test_the_api_answers_any_plan_and_usage(client, price_book, raw, usage):
    response = client.post(
        API, to_json({"plan": raw, "usage": usage}), content_type="application/json"
    )

    assert_api_handled(response)
    assert Estimate.objects.count() == 0


@HOSTILE
@given(body=st.one_of(any_json, raw_bodies))
def test_the_api_answers_any_body(client, price_book, body):
    data = body if isinstance(body, bytes) else to_json(body)

    response = client.post(API, data, content_type="application/json")

    assert_api_handled(response)


@HOSTILE
@given(raw=plans, usage=st.one_of(st.none(), usage_files))
def test_the_upload_answers_any_plan(client, price_book, raw, usage):
    files = {"plan": SimpleUploadedFile("plan.json", json.dumps(raw).encode())}
    if usage is not None:
        files["usage"] = SimpleUploadedFile("usage.json", json.dumps(usage).encode())

    response = client.post(UPLOAD, files, follow=True)  # to the filled editor (PRG)

    assert response.status_code in (200, 400)
    assert Estimate.objects.count() == 0


@HOSTILE
@given(content=st.binary(max_size=300))
def test_the_upload_answers_any_bytes(client, price_book, content):
    plan = SimpleUploadedFile("plan.json", content)
    response = client.post(UPLOAD, {"plan": plan}, follow=True)  # to the filled editor (PRG)

    assert response.status_code in (200, 400)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=plans)
def test_the_command_answers_any_plan_or_says_why(price_book, tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("plans") / "plan.json"
    path.write_text(json.dumps(raw))
    out = io.StringIO()
    try:
        call_command("estimate_terraform", str(path), "--format", "json", stdout=out)
    except CommandError as error:
        assert error.returncode == 2
        assert str(error).startswith(f"{path}: ")
        return
    assert json.loads(out.getvalue())["quote"]["currency"] == "USD"


# ---------------------------------------------------------------------------------------------
# Huge counts


def kms_keys(count: int, **extra) -> list[dict]:
    return [change(f"aws_kms_key.k[{n}]", {}, **extra) for n in range(count)]


def test_the_most_resources_a_plan_may_have_are_priced_in_time(client, price_book):
    started = time.monotonic()

    response = client.post(
        API, json.dumps(plan(*kms_keys(terraform.MAX_RESOURCES))), content_type="application/json"
    )

    assert response.status_code == 200
    body = response.json()
    assert body["items"][0]["usage"] == {"keys": "10000"}
    assert body["quote"]["monthly_total"] == "10000.00"
    assert len(body["needs_usage"]) == terraform.MAX_RESOURCES
    assert time.monotonic() - started < 20


def test_one_resource_more_is_a_400(client, price_book):
    response = client.post(
        API,
        json.dumps(plan(*kms_keys(terraform.MAX_RESOURCES + 1))),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["message"].startswith(
        "The plan has 10,001 resource changes; costcalc reads at most 10,000 resources."
    )


def test_usage_summed_past_the_largest_quantity_is_a_400(client, price_book):
    body = {
        "plan": plan(*kms_keys(1000)),
        "usage": {"resource_usage": {"aws_kms_key": {"symmetric_requests": 10**15}}},
    }

    response = client.post(API, json.dumps(body), content_type="application/json")

    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["field"] == "usage"
    assert "symmetric_requests: Enter at most 1,000,000,000,000,000." in error["message"]
    assert " and 990 more: " in error["message"]


@pytest.mark.parametrize("modules", [pricing.MAX_ITEMS + 1, 5000])
def test_more_cards_than_an_estimate_holds_is_a_400_everywhere(client, price_book, modules):
    raw = json.dumps(
        plan(*[change(f'module.m["{n}"].aws_kms_key.k', {}) for n in range(modules)])
    ).encode()
    message = f"The plan makes {modules} items; an estimate holds at most 200."

    api = client.post(API, raw, content_type="application/json")
    upload = client.post(UPLOAD, {"plan": SimpleUploadedFile("plan.json", raw)})

    assert api.status_code == 400
    assert api.json()["errors"][0]["message"].startswith(message)
    assert upload.status_code == 400
    assert message in upload.content.decode()
