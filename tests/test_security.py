"""Every page is locked down: strict CSP, no inline script or style, safe headers, deploy checks."""

import json
import os
import secrets
import subprocess
import sys
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.test import override_settings
from django.urls import Resolver404, resolve

from estimates import pricing
from estimates.models import Estimate

ROOT = Path(__file__).resolve().parent.parent
HTML_PAGES = [
    "/",
    "/prices/",
    "/admin/login/",
    "/import/terraform",
    "/import/billing",
    "/api/v1/docs",
]
JSON_PAGES = ["/api/v1/services", "/api/v1/openapi.json", "/healthz"]


def csp_directives(header: str) -> dict[str, list[str]]:
    """`default-src 'self'; img-src 'self' data:` as {"default-src": ["'self'"], ...}."""
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


class InlineCode(HTMLParser):
    """Collects what a strict CSP would block: inline scripts, styles and event handlers."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.htmx_configs: list[str] = []
        self.script_sources: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        for name, _ in attrs:
            if name == "style":
                self.problems.append(f"style= attribute on <{tag}>")
            if name.startswith("on") or name.startswith("hx-on"):
                self.problems.append(f"inline handler {name}= on <{tag}>")
        if tag == "style":
            self.problems.append("<style> element")
        if tag == "script":
            self._in_script = True
            if attributes.get("src"):
                self.script_sources.append(attributes["src"])
        if tag == "meta" and attributes.get("name") == "htmx-config":
            self.htmx_configs.append(attributes.get("content") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.problems.append(f"inline <script>: {data.strip()[:60]!r}")


def saved_estimate_url(price_book) -> str:
    """A saved estimate's shared page, made through the model the way the editor saves one."""
    estimate = Estimate.objects.create_from_items(
        name="Security headers",
        price_book=price_book,
        items=[pricing.Item(service="kms", region="us-east-1", usage={"keys": Decimal(3)})],
        free_tier=True,
    )
    return estimate.get_absolute_url()


def made_url(kind: str, price_book) -> str:
    """A page that needs saved estimates: one's shared page, or two compared (page or JSON)."""
    if kind == "saved":
        return saved_estimate_url(price_book)
    a, b = saved_estimate_url(price_book), saved_estimate_url(price_book)
    a_id, b_id = a.split("/")[2], b.split("/")[2]
    if kind == "compare":
        return f"/compare/{a_id}/{b_id}/"
    return f"/api/v1/compare/{a_id}/{b_id}"


MADE = ["saved", "compare"]


def page_url(path: str) -> str:
    try:
        resolve(path)
    except Resolver404:
        pytest.skip(f"{path} has no route yet")
    return path


@pytest.fixture(params=[*HTML_PAGES, *JSON_PAGES, *MADE, "compare.json"])
def page(request, price_book) -> str:
    if request.param in (*MADE, "compare.json"):
        return made_url(request.param, price_book)
    return page_url(request.param)


@pytest.fixture(params=[*HTML_PAGES, *MADE])
def html_page(request, price_book) -> str:
    if request.param in MADE:
        return made_url(request.param, price_book)
    return page_url(request.param)


def test_every_page_sends_a_strict_content_security_policy(client, page):
    response = client.get(page)

    assert response.status_code == 200, page
    directives = csp_directives(response["Content-Security-Policy"])
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    everything = " ".join(word for words in directives.values() for word in words)
    assert "'unsafe-inline'" not in everything
    assert "'unsafe-eval'" not in everything


def test_every_page_sends_the_safe_headers(client, page):
    response = client.get(page)

    assert response.status_code == 200, page
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_html_pages_have_no_inline_script_or_style(client, html_page):
    response = client.get(html_page)
    assert response["Content-Type"] == "text/html; charset=utf-8"

    parser = InlineCode()
    parser.feed(response.content.decode())
    parser.close()

    assert parser.problems == [], html_page


def test_htmx_is_configured_for_the_strict_policy(client, html_page):
    response = client.get(html_page)
    parser = InlineCode()
    parser.feed(response.content.decode())
    if not any("htmx" in src for src in parser.script_sources):
        # The admin does not load htmx, so it has nothing to configure.
        assert parser.htmx_configs == [], f"{html_page}: htmx config without htmx"
        return

    assert len(parser.htmx_configs) == 1, html_page
    config = json.loads(parser.htmx_configs[0])
    assert config["includeIndicatorStyles"] is False
    assert config["allowEval"] is False
    assert config["allowScriptTags"] is False


def test_strict_policy_applies_to_error_pages_too(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert csp_directives(response["Content-Security-Policy"])["script-src"] == ["'self'"]
    assert response["X-Frame-Options"] == "DENY"


class TestHealthz:
    def test_answers_ok_when_the_database_does(self, client, db):
        response = client.get("/healthz")

        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok"}

    def test_answers_503_when_the_database_does_not(self, client, db, monkeypatch):
        def unreachable(*args, **kwargs):
            raise OperationalError("connection refused")

        # Scoped to the request: the test database's own teardown needs a cursor.
        with monkeypatch.context() as patch:
            patch.setattr(type(connections[DEFAULT_DB_ALIAS]), "cursor", unreachable)
            response = client.get("/healthz")

        assert response.status_code == 503
        assert response.json() == {"status": "unavailable", "database": "unreachable"}

    def test_load_balancers_may_ask_over_plain_http(self, client, db):
        with override_settings(SECURE_SSL_REDIRECT=True):
            health = client.get("/healthz")
            page = client.get("/api/v1/services")

        assert health.status_code == 200
        assert health.json()["database"] == "ok"
        assert page.status_code == 301
        assert page["Location"] == "https://testserver/api/v1/services"

    def test_refuses_other_methods(self, client, db):
        response = client.post("/healthz")

        assert response.status_code == 405
        assert response["Allow"] == "GET"


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """manage.py in a fresh process that sees only the given environment, as a deploy would.

    Nothing leaks in from this test run (PYTEST_VERSION, DJANGO_ALLOW_ASYNC_UNSAFE, SECURE_*).
    """
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


class TestProductionSettings:
    def test_deploy_check_has_no_warnings(self):
        result = manage(
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            DEBUG="0",
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="costcalc.example.com",
        )

        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "System check identified no issues (0 silenced)."
        assert "WARNING" not in result.stderr

    def test_refuses_to_start_without_a_secret_key(self):
        result = manage("check", DEBUG="0", ALLOWED_HOSTS="costcalc.example.com")

        assert result.returncode != 0
        assert "ImproperlyConfigured: SECRET_KEY is not set" in result.stderr

    def test_development_runs_with_the_built_in_key(self):
        result = manage("check", DEBUG="1")

        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "System check identified no issues (0 silenced)."
