"""One limiter for every door: PIN guesses (tracking page, status API, SMS), the public questionnaire, API
clients, password-reset e-mails. Counts live in shared storage, so every web process sees the same count.

A `Limit` is a scope, a maximum and a window: the window starts at the first hit of a key and the count goes
back to zero when it has passed. `limit_hit` counts one hit and says whether the maximum is passed;
`limit_reached` only looks. Keys (an IP address, a reference, an e-mail address) are stored as a keyed
hash, never in clear.

Storage, `settings.SIMPUL_LIMITS_STORAGE` (env `SIMPUL_LIMITS_STORAGE`):
- `auto` (the default): `cache` when the cache named by `SIMPUL_LIMITS_CACHE` is one every process shares
  (Redis, Memcached), else `database`.
- `database`: the `core.RateCounter` table, one row per key and window, incremented and read back in one SQL statement
  (`UPDATE ... RETURNING`: PostgreSQL, SQLite 3.35+).
  Safe with any number of processes; nothing else to run (the hourly `core.rate_counters_purge` job deletes
  the rows of windows that have passed).
- `cache`: the cache named by `settings.SIMPUL_LIMITS_CACHE` (default `default`). Only for a cache every
  process shares (Redis, Memcached: `SIMPUL_CACHE_URL`); with the default in-process cache each gunicorn
  worker would count on its own, and `simpul check --deploy` warns (simpul.W001).
"""

from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import caches
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from simpul.core.models import RateCounter

STORAGES = ("auto", "database", "cache")
# Process-local (or absent) caches: counting in them is counting per process.
PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)
# Caches every process shares, with an atomic increment: `auto` counts in them.
SHARED_CACHES = (
    "django.core.cache.backends.redis.RedisCache",
    "django.core.cache.backends.memcached.PyMemcacheCache",
    "django.core.cache.backends.memcached.PyLibMCCache",
    "django_redis.cache.RedisCache",
)


@dataclass(frozen=True)
class Limit:
    """At most `maximum` hits of one key in `window_seconds`, counted per `scope`."""

    scope: str
    maximum: int
    window_seconds: int

    @property
    def wait_minutes(self) -> int:
        return max(1, math.ceil(self.window_seconds / 60))


@dataclass(frozen=True)
class LimitState:
    count: int
    exceeded: bool
    retry_after: int


def limits_cache_backend() -> str:
    alias = settings.SIMPUL_LIMITS_CACHE
    return str(settings.CACHES.get(alias, {}).get("BACKEND", ""))


def limits_storage() -> str:
    """Where limits are counted now: "database" or "cache"."""
    storage = settings.SIMPUL_LIMITS_STORAGE
    if storage == "auto":
        return "cache" if limits_cache_backend() in SHARED_CACHES else "database"
    return storage if storage in STORAGES else "database"


def _hashed(limit: Limit, key: str) -> str:
    secret = (settings.SECRET_KEY or "simpul").encode()
    return hmac.new(secret, f"{limit.scope}|{key}".encode(), hashlib.sha256).hexdigest()


def _cache():  # type: ignore[no-untyped-def]
    return caches[settings.SIMPUL_LIMITS_CACHE]


def limit_hit(limit: Limit, key: str) -> LimitState:
    """Count one hit of `key`; `exceeded` when this hit is past the maximum."""
    hashed = _hashed(limit, key)
    if limits_storage() == "cache":
        count, retry_after = _cache_hit(hashed, limit.window_seconds)
    else:
        count, retry_after = _database_hit(hashed, limit.window_seconds)
    return LimitState(count=count, exceeded=count > limit.maximum, retry_after=retry_after)


def limit_reached(limit: Limit, key: str) -> bool:
    """Whether `key` has used up its hits in the current window (nothing is counted)."""
    return limit_count(limit, key) >= limit.maximum


def limit_count(limit: Limit, key: str) -> int:
    hashed = _hashed(limit, key)
    if limits_storage() == "cache":
        return int(_cache().get(f"simpul:limit:{hashed}", 0))
    row = RateCounter.objects.filter(key=hashed, expires_at__gt=timezone.now()).values_list("count", flat=True)
    return int(row.first() or 0)


def _increment_live(hashed: str, now: datetime) -> tuple[int, datetime] | None:
    """One statement: count a hit in the key's live window and read it back (None: no live window)."""
    q = connection.ops.quote_name
    table, count, key, expires = q(RateCounter._meta.db_table), q("count"), q("key"), q("expires_at")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {count} = {count} + 1 WHERE {key} = %s AND {expires} > %s "  # noqa: S608 - names from the model
            f"RETURNING {count}, {expires}",
            [hashed, now],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    count, expires_at = row
    if isinstance(expires_at, str):  # SQLite hands back text
        expires_at = parse_datetime(expires_at)
    if expires_at is not None and timezone.is_naive(expires_at):
        expires_at = timezone.make_aware(expires_at, UTC)
    return int(count), expires_at or now


def _database_hit(hashed: str, window_seconds: int) -> tuple[int, int]:
    now = timezone.now()
    live = _increment_live(hashed, now)
    if live is None:
        with transaction.atomic():
            RateCounter.objects.filter(key=hashed, expires_at__lte=now).delete()
            try:
                with transaction.atomic():
                    RateCounter.objects.create(key=hashed, count=1, expires_at=now + timedelta(seconds=window_seconds))
                live = (1, now + timedelta(seconds=window_seconds))
            except IntegrityError:  # another process opened the window first
                live = _increment_live(hashed, now)
    count, expires_at = live or (1, now + timedelta(seconds=window_seconds))
    return count, max(1, math.ceil((expires_at - now).total_seconds()))


def _cache_hit(hashed: str, window_seconds: int) -> tuple[int, int]:
    cache = _cache()
    key, expiry_key = f"simpul:limit:{hashed}", f"simpul:limit-exp:{hashed}"
    now = timezone.now().timestamp()
    if cache.add(key, 1, timeout=window_seconds):
        cache.set(expiry_key, now + window_seconds, timeout=window_seconds)
        return 1, window_seconds
    try:
        count = int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds)
        cache.set(expiry_key, now + window_seconds, timeout=window_seconds)
        return 1, window_seconds
    expires = float(cache.get(expiry_key, now + window_seconds))
    return count, max(1, math.ceil(expires - now))


def rate_counters_purge() -> int:
    """Delete the rows of windows that have passed; returns how many."""
    deleted, _detail = RateCounter.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
