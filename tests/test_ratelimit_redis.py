"""Rate limits shared through Redis: what one process counts, another sees."""

import socket
import uuid

import pytest
from django.core.cache import caches
from django.test import RequestFactory, override_settings

from estimates import ratelimit

REDIS = ("127.0.0.1", 6379)


def redis_answers() -> bool:
    try:
        socket.create_connection(REDIS, timeout=1).close()
    except OSError:
        return False
    return True


pytestmark = pytest.mark.skipif(
    not redis_answers(), reason="needs Redis on 127.0.0.1:6379 (.ci/run starts one)"
)


@pytest.fixture
def redis_cache():
    settings = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": f"costcalc-test-{uuid.uuid4().hex}",
        }
    }
    with override_settings(CACHES=settings, COSTCALC_SAVE_RATE_LIMIT=2):
        caches["default"].clear()
        yield
        caches["default"].clear()
        caches["default"].close()


def test_the_limit_holds_across_cache_connections(redis_cache):
    request = RequestFactory().post("/", REMOTE_ADDR="198.51.100.7")
    assert ratelimit.hit_save(request).allowed
    # A second connection stands in for a second gunicorn worker or host.
    caches["default"].close()
    second = ratelimit.hit_save(request)
    third = ratelimit.hit_save(request)
    assert (second.allowed, second.count) == (True, 2)
    assert (third.allowed, third.count) == (False, 3)
    other_client = RequestFactory().post("/", REMOTE_ADDR="198.51.100.8")
    assert ratelimit.hit_save(other_client).count == 1
