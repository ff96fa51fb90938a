"""Rate limits in Django's cache: a fixed-window counter per client address.

The cache is the one in settings.CACHES, so with Redis (REDIS_URL) every process shares the
counts; `cache.add` then `cache.incr` is atomic there. Limits come from settings, with defaults:

- COSTCALC_SAVE_RATE_LIMIT: saves allowed per window and client address (30).
- COSTCALC_SAVE_RATE_PERIOD: the window in seconds (600).
- COSTCALC_QUOTE_RATE_LIMIT, _PERIOD: API quotes (120 per 60 s); COSTCALC_PREVIEW_RATE_LIMIT,
  _PERIOD: the editor's live recomputes (300 per 60 s). Both apply only while
  COSTCALC_RATE_LIMITS_ENABLED is on, as it is unless the tests run (settings.py).
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
QUOTE = "quote"
PREVIEW = "preview"


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


def _enabled_limit(name: str, limit: int, period: int) -> tuple[int, int] | None:
    """(allowed, per seconds) for a limit read from COSTCALC_<NAME>_RATE_LIMIT and _PERIOD, or
    None while COSTCALC_RATE_LIMITS_ENABLED is off (the tests' default)."""
    if not getattr(settings, "COSTCALC_RATE_LIMITS_ENABLED", True):
        return None
    limit = int(getattr(settings, f"COSTCALC_{name}_RATE_LIMIT", limit))
    period = int(getattr(settings, f"COSTCALC_{name}_RATE_PERIOD", period))
    return limit, max(period, 1)


def _hit_or_allow(request: HttpRequest, scope: str, limit: int, period: int) -> Decision:
    found = _enabled_limit(scope.upper(), limit, period)
    if found is None:
        return Decision(allowed=True, count=0, limit=limit, retry_after=0)
    return hit(request, scope, *found)


def hit_quote(request: HttpRequest) -> Decision:
    """Count one API quote by this client (COSTCALC_QUOTE_RATE_LIMIT per _PERIOD seconds)."""
    return _hit_or_allow(request, QUOTE, 120, 60)


def hit_preview(request: HttpRequest) -> Decision:
    """Count one live recompute by this client (COSTCALC_PREVIEW_RATE_LIMIT per _PERIOD)."""
    return _hit_or_allow(request, PREVIEW, 300, 60)


def hit_save(request: HttpRequest) -> Decision:
    """Count one save attempt by this client (every attempt counts, valid or not)."""
    limit, period = save_limit()
    return hit(request, SAVE, limit, period)


def allow_save(request: HttpRequest) -> bool:
    """Whether this client may save now; counts the attempt."""
    return hit_save(request).allowed
