"""A circuit breaker per remote API (brp, zaken, catalogi), kept in the Django cache (Redis in
production) so that every gunicorn worker and thread shares it.

Why: a BRP that does not answer holds the request thread of every panel that asks it for the
whole deadline (KCC_COMMONGROUND_TIMEOUT). With many desks opening at once that starves the
desk's own requests. After a timeout or a connection error the API is marked down for
KCC_COMMONGROUND_BREAKER_SECONDS: panels then answer "BRP niet bereikbaar" with a retry at once,
without a request. When that period is over the breaker is half-open: the first request is let
through as a probe (``cache.add`` makes exactly one caller the probe, across processes) while
the others still answer at once; the probe's success closes the breaker, its failure opens it
for another period.

A closed breaker costs one cache read per request and nothing is written on success, so a
healthy remote costs no extra write. A 4xx, a 5xx or a contract fault does not open it: those
answer quickly and hold no thread.

pybreaker was considered: its shared state needs its own Redis client and it counts failures
before opening; here one timeout is enough evidence, and the Django cache is already shared.
"""

import functools
import logging
import time

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

# Failures that open the breaker: the ones that hold a thread until the deadline.
OPENING_KINDS = ("timeout", "unreachable")
# The cache keeps the "it failed" mark this much longer than the open period, so that the first
# request after it is recognised as the half-open probe.
REMEMBER_SECONDS = 3600


def _keys(api: str) -> tuple[str, str]:
    return f"commonground:breaker:{api}", f"commonground:breaker:{api}:probe"


def _cache_may_fail(fn):
    """A cache that is down must not take the integrations down with it: the breaker then
    behaves as closed (every request is sent, with its deadline)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as exc:  # the cache backend's own connection errors
            logger.warning("circuit breaker: the cache failed (%s); treated as closed", type(exc).__name__)
            return None

    return wrapper


@_cache_may_fail
def allow(api: str, *, probe_seconds: float) -> str | None:
    """Whether a request to ``api`` may go out now. Returns ``None`` (breaker closed: go),
    ``"probe"`` (half-open: this request is the one probe; call ``succeeded``/``failed``
    afterwards) or ``"open"`` (do not send; answer "not reachable" at once)."""
    key, probe_key = _keys(api)
    open_until = cache.get(key)
    if open_until is None:
        return None
    if time.time() < open_until:
        return "open"
    # Half-open: one probe per deadline (the mark expires should the probe's process die).
    if cache.add(probe_key, 1, timeout=int(probe_seconds) + 1):
        return "probe"
    return "open"


@_cache_may_fail
def failed(api: str) -> None:
    """Open the breaker for KCC_COMMONGROUND_BREAKER_SECONDS (again)."""
    period = settings.KCC_COMMONGROUND_BREAKER_SECONDS
    if period <= 0:
        return
    key, probe_key = _keys(api)
    cache.set(key, time.time() + period, timeout=int(period) + REMEMBER_SECONDS)
    cache.delete(probe_key)


@_cache_may_fail
def succeeded(api: str) -> None:
    """Close the breaker (after a successful probe)."""
    cache.delete_many(_keys(api))


def is_open(api: str) -> bool:
    """For display and tests: whether requests to ``api`` are answered without sending."""
    open_until = cache.get(_keys(api)[0])
    return open_until is not None and time.time() < open_until
