"""System checks of core's settings (`simpul check`; the deploy-tagged ones with `--deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from simpul.core.clientip import trusted_proxies
from simpul.core.limits import PER_PROCESS_CACHES, STORAGES, limits_cache_backend, limits_storage


@register(Tags.security)
def check_trusted_proxies(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    try:
        trusted_proxies()
    except ValueError as exc:
        return [Error(f"SIMPUL_TRUSTED_PROXIES has an entry that is no IP address or network: {exc}.",
                      hint="Use addresses or CIDR networks, comma-separated: 127.0.0.1/32,::1/128,10.0.5.0/24.",
                      id="simpul.E001")]
    return []


@register(Tags.security, deploy=True)
def check_limits_shared(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """Limits kept in a per-process cache let each gunicorn worker count on its own (4 workers: 4x the tries)."""
    problems: list[Warning] = []
    configured = settings.SIMPUL_LIMITS_STORAGE
    if configured not in STORAGES:
        problems.append(Warning(f"SIMPUL_LIMITS_STORAGE={configured!r} is not one of {', '.join(STORAGES)}; "
                                "the database is used.", id="simpul.W002"))
    if limits_storage() != "cache":
        return problems
    alias = settings.SIMPUL_LIMITS_CACHE
    backend = limits_cache_backend()
    if backend in PER_PROCESS_CACHES:
        problems.append(Warning(
            f"Rate limits and lockouts are kept in the cache {alias!r} ({backend.rsplit('.', 1)[-1]}), which each "
            "web process keeps for itself: with several gunicorn workers every worker allows the full number "
            "of tries (two workers, ten PIN guesses instead of five).",
            hint="Set SIMPUL_LIMITS_STORAGE=auto (the default: the database unless the cache is shared) or "
                 "database, or SIMPUL_CACHE_URL to a cache every process shares (redis://...).",
            id="simpul.W001"))
    return problems


@register(Tags.security, deploy=True)
def check_audit_key(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Without its own key the audit chain is keyed by a value derived from SECRET_KEY, which is often kept
    beside the database; production must set SIMPUL_AUDIT_KEY (development, tests and the demo need not)."""
    if settings.AUDIT_KEY or settings.DEBUG or settings.DEMO_MODE or settings.TESTING:
        return []
    return [Error(
        "SIMPUL_AUDIT_KEY is not set: the audit chain would be keyed with a key derived from SECRET_KEY.",
        hint="Set SIMPUL_AUDIT_KEY to a long random value (python -c 'import secrets; print(secrets.token_urlsafe(48))'), "
             "keep it outside the database and its backups, and never change it afterwards.",
        id="simpul.E003")]
