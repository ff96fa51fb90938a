import json
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core.cache import cache
from django.test import Client, override_settings

from estimates import pricing
from estimates.models import PriceBook
from estimates.price_book_file import (
    PRICE_BOOKS,
    catalog_from_book,
    load_book,
    model_classes,
    read_price_book,
)
from tests.openapi_check import check_response

DATA = Path(__file__).parent / "data"
FIRST_BOOK_FILE = PRICE_BOOKS / "aws-2026-11.json"
FIRST_BOOK = read_price_book(FIRST_BOOK_FILE)


def load_data(name: str):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="session", autouse=True)
def plain_http():
    """Production settings redirect to HTTPS and want collected static files with a manifest;
    the test client and live server speak HTTP and serve static files from the app folders."""
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(
        SECURE_SSL_REDIRECT=False,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        STORAGES=storages,
    ):
        yield


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate-limit counters live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def price_book(db) -> PriceBook:
    """The seeded first book; loaded again, as the migration does, after a transactional test
    flushed the tables."""
    if not PriceBook.objects.filter(name=FIRST_BOOK["name"]).exists():
        load_book(FIRST_BOOK, **model_classes(django_apps), publish=True)
    return PriceBook.objects.get(name=FIRST_BOOK["name"])


def first_catalog() -> pricing.Catalog:
    """The first price book as the engine sees it, read from its file with no database."""
    return catalog_from_book(FIRST_BOOK)


@pytest.fixture(scope="session")
def catalog() -> pricing.Catalog:
    return first_catalog()


class DocumentedClient(Client):
    """The test client, checking every JSON answer of /api/v1/ against the OpenAPI document:
    each example response in the suite is also a test of the document."""

    def request(self, **request):
        response = super().request(**request)
        check_response(request["REQUEST_METHOD"], request["PATH_INFO"], response)
        return response


@pytest.fixture
def client() -> Client:
    return DocumentedClient()
