import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.test import Client, override_settings

from estimates import pricing
from estimates.models import PriceBook, current_book
from estimates.prices.book_file import (
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
SECOND_BOOK_FILE = PRICE_BOOKS / "aws-2026-12.json"
SECOND_BOOK = read_price_book(SECOND_BOOK_FILE)
THIRD_BOOK_FILE = PRICE_BOOKS / "aws-2027-01.json"
THIRD_BOOK = read_price_book(THIRD_BOOK_FILE)
FOURTH_BOOK_FILE = PRICE_BOOKS / "aws-2027-01-r2.json"
FOURTH_BOOK = read_price_book(FOURTH_BOOK_FILE)


def load_data(name: str):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def example_items(example: dict) -> list[pricing.Item]:
    """A book's example (tests/data/examples_*.json) as the engine's items."""
    return [
        pricing.Item(
            raw["service"],
            raw["region"],
            usage={key: Decimal(str(value)) for key, value in raw["usage"].items()},
        )
        for raw in example["items"]
    ]


def example_regions(examples: list[dict]) -> dict[str, set[str]]:
    """Each service the examples price, with the Regions they price it in."""
    regions: dict[str, set[str]] = {}
    for example in examples:
        for item in example["items"]:
            regions.setdefault(item["service"], set()).add(item["region"])
    return regions


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
    """Rate-limit counters live in the cache, and the current book's id in the process; each
    test starts with neither (a rolled-back test's books leave no signal behind)."""
    cache.clear()
    current_book.forget()
    yield
    cache.clear()
    current_book.forget()


def shipped_book(book: dict) -> PriceBook:
    """A book the migrations load; loaded again the same way after a transactional test
    flushed the tables."""
    if not PriceBook.objects.filter(name=book["name"]).exists():
        load_book(book, **model_classes(django_apps), publish=True)
    return PriceBook.objects.get(name=book["name"])


@pytest.fixture
def price_book(db) -> PriceBook:
    """The first book, as the only book: the world most tests were written for.

    The books shipped after it are taken out for the test (rolled back after it), through the
    plain QuerySet.delete that a published book's own guard refuses everywhere else.
    """
    first = shipped_book(FIRST_BOOK)
    models.QuerySet.delete(PriceBook.objects.exclude(pk=first.pk))
    return first


@pytest.fixture
def second_book(db) -> PriceBook:
    """The 2026-12 book beside the first, published after it, so it is the current book: the
    world its tests were written for. The books after it are taken out for the test."""
    first = shipped_book(FIRST_BOOK)
    second = shipped_book(SECOND_BOOK)
    assert second.published_at > first.published_at
    models.QuerySet.delete(PriceBook.objects.exclude(pk__in=[first.pk, second.pk]))
    return second


@pytest.fixture
def third_book(db) -> PriceBook:
    """The 2027-01 book with the two before it, so it is the current book: the world its tests
    were written for. The books after it are taken out for the test."""
    first = shipped_book(FIRST_BOOK)
    second = shipped_book(SECOND_BOOK)
    third = shipped_book(THIRD_BOOK)
    assert third.published_at > second.published_at > first.published_at
    models.QuerySet.delete(PriceBook.objects.exclude(pk__in=[first.pk, second.pk, third.pk]))
    return third


@pytest.fixture
def fourth_book(db) -> PriceBook:
    """The 2027-01 book's revision 2, the current one, with the three before it."""
    books = [shipped_book(book) for book in (FIRST_BOOK, SECOND_BOOK, THIRD_BOOK)]
    fourth = shipped_book(FOURTH_BOOK)
    assert fourth.published_at > books[-1].published_at
    return fourth


def first_catalog() -> pricing.Catalog:
    """The first price book as the engine sees it, read from its file with no database."""
    return catalog_from_book(FIRST_BOOK)


@pytest.fixture(scope="session")
def catalog() -> pricing.Catalog:
    return first_catalog()


@pytest.fixture(scope="session")
def second_catalog() -> pricing.Catalog:
    """The 2026-12 book as the engine sees it, read from its file with no database."""
    return catalog_from_book(SECOND_BOOK)


@pytest.fixture(scope="session")
def third_catalog() -> pricing.Catalog:
    """The 2027-01 book as the engine sees it, read from its file with no database."""
    return catalog_from_book(THIRD_BOOK)


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
