"""Fifty saves at once, each on its own thread and database connection: none lost, none merged."""

import json
import threading
from collections import Counter
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connections
from django.test import Client, override_settings

from estimates.models import Estimate, EstimateItem

SAVES = 50


def body(number: int) -> str:
    return json.dumps(
        {
            "name": f"Concurrent {number}",
            "free_tier": True,
            "items": [
                {"service": "kms", "group": f"g{number}", "usage": {"keys": number}},
                {"service": "waf", "usage": {"web_acls": 1}},
            ],
        }
    )


@pytest.mark.django_db(transaction=True)
@override_settings(COSTCALC_SAVE_RATE_LIMIT=1000)
def test_fifty_concurrent_saves_give_fifty_distinct_estimates(price_book):
    cache.clear()
    price_book.catalog()
    start = threading.Barrier(SAVES)
    results: dict[int, tuple[int, dict]] = {}
    failures: list[BaseException] = []

    def save(number: int) -> None:
        try:
            client = Client()
            start.wait(timeout=30)
            response = client.post(
                "/api/v1/estimates", body(number), content_type="application/json"
            )
            results[number] = (response.status_code, json.loads(response.content))
        except BaseException as error:  # reported below, with the thread's number
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(number,)) for number in range(1, SAVES + 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    cache.clear()

    assert not failures, failures
    assert sorted(results) == list(range(1, SAVES + 1))
    assert Counter(status for status, _ in results.values()) == {201: SAVES}, results
    ids = {answer["id"] for _, answer in results.values()}
    assert len(ids) == SAVES
    stored = {
        str(public_id): name
        for public_id, name in Estimate.objects.values_list("public_id", "name")
    }
    assert set(stored) == ids
    assert sorted(stored.values()) == sorted(f"Concurrent {n}" for n in range(1, SAVES + 1))
    assert EstimateItem.objects.count() == 2 * SAVES
    for number, (_, answer) in results.items():
        estimate = Estimate.objects.get(public_id=answer["id"])
        assert estimate.name == f"Concurrent {number}"
        # number keys at $1 + one web ACL at $5: every estimate holds its own cards.
        assert estimate.monthly_total == Decimal(number + 5)
        assert [item.group for item in estimate.items.all()] == [f"g{number}", ""]
