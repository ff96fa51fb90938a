import importlib
import json
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings

from estimates import pricing
from estimates.models import PriceBook

DATA = Path(__file__).parent / "data"
SEED = importlib.import_module("estimates.migrations.0002_seed_price_book_2026_11")
COMMITMENTS = importlib.import_module("estimates.migrations.0005_projection_and_commitments")


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
    """The seeded first book; seeded again after a transactional test flushed the tables."""
    SEED.seed(django_apps)
    COMMITMENTS.set_commitments(django_apps)
    return PriceBook.objects.get(name=SEED.BOOK_NAME)


def seed_catalog() -> pricing.Catalog:
    """The first price book as the engine sees it, built from the seed data with no database."""
    services = {}
    for spec in SEED.SERVICES:
        inputs = tuple(
            pricing.InputSpec(key=key, label=label, unit=unit, help=help_text, **options)
            for key, label, unit, help_text, options in spec["inputs"]
        )
        rates = tuple(
            pricing.RateSpec(
                code=code,
                label=label,
                meters=tuple(meters.split()),
                per_units=per_units,
                unit=unit,
                tiers=tuple(pricing.Tier(pricing.Decimal(start), price) for start, price in tiers),
                free_units=pricing.Decimal(free_units),
                region=spec["region"],
                grade=grade,
                source=source,
                commitment_months=COMMITMENTS.COMMITMENTS.get((spec["code"], code), 0),
            )
            for code, label, meters, per_units, unit, tiers, free_units, grade, source, _ in spec[
                "rates"
            ]
        )
        services[spec["code"]] = pricing.ServiceSpec(
            code=spec["code"],
            name=spec["name"],
            inputs=inputs,
            rates=rates,
            summary=spec["summary"],
            guidance=tuple(spec["guidance"]),
            free_tier_note=spec["free_tier_note"],
        )
    return pricing.Catalog(
        book_id=None,
        book_name=SEED.BOOK_NAME,
        effective_date="2026-11-01",
        services=services,
        regions=("us-east-1",),
    )


@pytest.fixture(scope="session")
def catalog() -> pricing.Catalog:
    return seed_catalog()
