"""Rate limits in Django's cache: a fixed-window counter per client address.

The cache is the one in settings.CACHES, so with Redis (REDIS_URL) every process shares the
counts; `cache.add` then `cache.incr` is atomic there. Limits come from settings, with defaults:

- COSTCALC_SAVE_RATE_LIMIT: saves allowed per window and client address (30).
- COSTCALC_SAVE_RATE_PERIOD: the window in seconds (600).
- COSTCALC_NUM_PROXIES: how many trusted reverse proxies stand in front of the app (0). With
  N > 0 the client address is the Nth address from the right of X-Forwarded-For, the one the
  outermost trusted proxy saw; anything left of it is what the client claimed and is ignored.
  With 0, X-Forwarded-For is ignored and REMOTE_ADDR is the client. For example, behind one
  nginx that appends $remote_addr to X-Forwarded-For, set it to 1 (e.g. from an environment
  variable in settings.py).

IPv6 clients are counted per /64: one host usually holds a whole /64.
"""

from __future__ import annotations

import hashlib
import ipaddress
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

SAVE = "save"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    count: int
    limit: int
    retry_after: int


def save_limit() -> tuple[int, int]:
    """(saves allowed, per seconds) from settings."""
    limit = int(getattr(settings, "COSTCALC_SAVE_RATE_LIMIT", 30))
    period = int(getattr(settings, "COSTCALC_SAVE_RATE_PERIOD", 600))
    return limit, max(period, 1)


def client_address(request: HttpRequest) -> str:
    """The address a request is counted under: REMOTE_ADDR, or per COSTCALC_NUM_PROXIES."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = int(getattr(settings, "COSTCALC_NUM_PROXIES", 0))
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def hit(request: HttpRequest, scope: str, limit: int, period: int) -> Decision:
    """Count one attempt in the current window; allowed while the count stays within `limit`."""
    now = time.time()
    window = int(now // period)
    address = hashlib.sha256(client_address(request).encode()).hexdigest()[:32]
    key = f"costcalc:ratelimit:{scope}:{address}:{window}"
    # add() creates the counter only if it is missing, so concurrent first hits share it.
    cache.add(key, 0, timeout=period + 1)
    try:
        count = cache.incr(key)
    except ValueError:
        # The counter expired between add() and incr(): this is the first hit of a new one.
        cache.add(key, 1, timeout=period + 1)
        count = 1
    retry_after = max(1, int((window + 1) * period - now) + 1)
    return Decision(allowed=count <= limit, count=count, limit=limit, retry_after=retry_after)


def hit_save(request: HttpRequest) -> Decision:
    """Count one save attempt by this client (every attempt counts, valid or not)."""
    limit, period = save_limit()
    return hit(request, SAVE, limit, period)


def allow_save(request: HttpRequest) -> bool:
    """Whether this client may save now; counts the attempt."""
    return hit_save(request).allowed
