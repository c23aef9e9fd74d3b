"""`simpul check --deploy` on where rate limits are counted and on the trusted proxies."""

from __future__ import annotations

from django.core.checks import run_checks

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "simpul"}}


def _ids(*, deploy: bool = True) -> set[str]:
    return {message.id for message in run_checks(include_deployment_checks=deploy)}


def test_deploy_check_warns_when_limits_would_be_counted_per_process(settings):
    settings.CACHES = LOCMEM
    settings.SIMPUL_LIMITS_STORAGE = "cache"
    assert "simpul.W001" in _ids()


def test_deploy_check_is_quiet_with_the_default_database_limits_or_a_shared_cache(settings):
    settings.CACHES = LOCMEM
    settings.SIMPUL_LIMITS_STORAGE = "database"
    assert "simpul.W001" not in _ids()
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:6379/1"}}
    settings.SIMPUL_LIMITS_STORAGE = "cache"
    assert "simpul.W001" not in _ids()


def test_check_refuses_a_trusted_proxy_that_is_no_address(settings):
    settings.SIMPUL_TRUSTED_PROXIES = ["127.0.0.1/32", "nginx.local"]
    assert "simpul.E001" in _ids(deploy=False)


def test_limits_follow_a_shared_cache_and_otherwise_the_database(settings):
    from simpul.core.limits import limits_storage

    settings.SIMPUL_LIMITS_STORAGE = "auto"
    settings.CACHES = LOCMEM
    assert limits_storage() == "database"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:6379/1"}}
    assert limits_storage() == "cache"


def test_deploy_check_refuses_production_without_an_audit_key(settings):
    settings.DEBUG = settings.DEMO_MODE = settings.TESTING = False
    settings.AUDIT_KEY = ""
    assert "simpul.E003" in _ids()
    assert "simpul.E003" not in _ids(deploy=False)
    settings.AUDIT_KEY = "a-long-random-audit-key-kept-outside-the-database"
    assert "simpul.E003" not in _ids()
    settings.AUDIT_KEY = ""
    settings.DEMO_MODE = True  # the demo derives its key from SECRET_KEY
    assert "simpul.E003" not in _ids()
