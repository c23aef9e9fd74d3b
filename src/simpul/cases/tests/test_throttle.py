"""The PIN-guessing limit of /lacak/ across web processes and behind the reverse proxy, over HTTP."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from simpul.cases.intake import case_submit
from simpul.cases.tests.factories import VALID_ANSWERS, ktp_service, pdf_upload

pytestmark = pytest.mark.django_db

NGINX = "127.0.0.1"  # the documented nginx runs on the same machine as gunicorn


@pytest.fixture
def submitted(personas):
    return case_submit(version=ktp_service(personas.dukcapil), answers=dict(VALID_ANSWERS),
                       files={"kk": pdf_upload()}, idempotency_key="throttle-1")


def _wrong(pin: str) -> str:
    return f"{(int(pin) + 1) % 1_000_000:06d}"


def _track(client: Client, reference: str, pin: str, **headers: str) -> int:
    return client.post(reverse("cases:track"), {"reference": reference, "pin": pin}, **headers).status_code


def _process(settings, name: str) -> None:
    """From here on requests run in another web process: its own in-process cache (same database)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": name}}


def test_two_web_processes_together_allow_five_wrong_pins_not_ten(settings, submitted):
    reference, pin = submitted.case.reference, submitted.pin
    client = Client(REMOTE_ADDR="203.0.113.50")
    for attempt in range(5):
        _process(settings, "worker-a" if attempt % 2 else "worker-b")
        assert _track(client, reference, _wrong(pin)) == 400
    for worker in ("worker-a", "worker-b", "worker-c"):
        _process(settings, worker)
        assert _track(client, reference, pin) == 429, worker
        assert _track(client, reference, _wrong(pin)) == 429, worker


def test_one_attacker_behind_the_proxy_does_not_block_other_citizens(settings, submitted):
    settings.SIMPUL_TRUSTED_PROXIES = [f"{NGINX}/32"]
    reference, pin = submitted.case.reference, submitted.pin
    behind_nginx = Client(REMOTE_ADDR=NGINX)
    for attempt in range(30):
        forwarded = "203.0.113.66" if attempt % 2 else "10.9.9.9, 203.0.113.66"  # a claim left of nginx's is no use
        status = _track(behind_nginx, reference, _wrong(pin), HTTP_X_FORWARDED_FOR=forwarded)
        assert status in (400, 429)
    assert _track(behind_nginx, reference, pin, HTTP_X_FORWARDED_FOR="203.0.113.66") == 429
    # the citizen, another address behind the same nginx, tracks their case
    assert _track(behind_nginx, reference, pin, HTTP_X_FORWARDED_FOR="198.51.100.7") == 302


def test_forged_forwarded_for_from_an_untrusted_client_is_ignored(settings, submitted):
    settings.SIMPUL_TRUSTED_PROXIES = [f"{NGINX}/32"]
    reference, pin = submitted.case.reference, submitted.pin
    attacker = Client(REMOTE_ADDR="203.0.113.77")  # straight to gunicorn, not through nginx
    for n in range(5):
        assert _track(attacker, reference, _wrong(pin), HTTP_X_FORWARDED_FOR=f"192.0.2.{n + 1}") == 400
    assert _track(attacker, reference, pin, HTTP_X_FORWARDED_FOR="192.0.2.200") == 429
    # the same wrong PINs also stop the status API for this client
    api = attacker.get(reverse("cases-status", kwargs={"reference": reference}), HTTP_X_CASE_PIN=pin,
                       HTTP_X_FORWARDED_FOR="192.0.2.201")
    assert api.status_code == 429


def test_wrong_pins_counted_in_a_shared_cache_stop_the_sixth_try(settings, submitted):
    settings.SIMPUL_LIMITS_STORAGE = "cache"
    _process(settings, "shared")  # stands in for Redis: every process reaches the same cache
    reference, pin = submitted.case.reference, submitted.pin
    client = Client(REMOTE_ADDR="203.0.113.51")
    assert [_track(client, reference, _wrong(pin)) for _n in range(5)] == [400] * 5
    assert _track(client, reference, pin) == 429
