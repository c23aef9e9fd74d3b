"""Limits of the account pages, over HTTP: password-reset e-mails, and the login lockout behind the proxy."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from simpul.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NGINX = "127.0.0.1"


def _reset(client: Client, email: str) -> object:
    return client.post(reverse("accounts:password_reset"), {"email": email})


def _page(response: object, typed: str) -> str:
    """The page without what differs on every request (the CSRF token) and the address the visitor typed."""
    html = response.content.decode().replace(typed, "ADDRESS")  # type: ignore[attr-defined]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_password_reset_emails_are_limited_per_address(personas, mailoutbox):
    statuses = [_reset(Client(REMOTE_ADDR=f"203.0.113.{n}"), "citizen@test.simpul").status_code for n in range(8)]
    assert statuses == [302, 302, 302, 429, 429, 429, 429, 429]
    assert len(mailoutbox) == 3
    refused = _reset(Client(REMOTE_ADDR="203.0.113.99"), "Citizen@Test.Simpul ")
    assert refused.status_code == 429
    assert "Terlalu banyak permintaan kata sandi baru. Silakan tunggu 60 menit" in refused.content.decode()
    assert len(mailoutbox) == 3


def test_password_reset_emails_are_limited_per_client(personas, mailoutbox):
    client = Client(REMOTE_ADDR="203.0.113.20")
    statuses = [_reset(client, f"someone{n}@example.test").status_code for n in range(10)]
    assert statuses == [302] * 10
    assert _reset(client, "citizen@test.simpul").status_code == 429
    assert mailoutbox == []
    # another client may still ask for the citizen's link
    assert _reset(Client(REMOTE_ADDR="203.0.113.21"), "citizen@test.simpul").status_code == 302
    assert len(mailoutbox) == 1


def test_password_reset_limit_does_not_tell_which_addresses_exist(personas, mailoutbox):
    known = [_reset(Client(REMOTE_ADDR=f"198.51.100.{n}"), "citizen@test.simpul") for n in range(4)]
    unknown = [_reset(Client(REMOTE_ADDR=f"192.0.2.{n}"), "nobody@test.simpul") for n in range(4)]
    assert [r.status_code for r in known] == [r.status_code for r in unknown] == [302, 302, 302, 429]
    assert [r.get("Location") for r in known] == [r.get("Location") for r in unknown]
    assert _page(known[-1], "citizen@test.simpul") == _page(unknown[-1], "nobody@test.simpul")
    assert len(mailoutbox) == 3


def test_login_lockout_behind_the_proxy_locks_the_attacker_not_the_citizen(personas, settings):
    settings.SIMPUL_TRUSTED_PROXIES = [f"{NGINX}/32"]
    behind_nginx = Client(REMOTE_ADDR=NGINX)
    for _attempt in range(settings.AXES_FAILURE_LIMIT + 1):
        response = behind_nginx.post(reverse("accounts:login"), {"username": "citizen@test.simpul",
                                                                 "password": "nope-nope-nope"},
                                     HTTP_X_FORWARDED_FOR="203.0.113.66")
    assert response.status_code == 429
    citizen = Client(REMOTE_ADDR=NGINX)
    response = citizen.post(reverse("accounts:login"), {"username": "citizen@test.simpul", "password": PASSWORD},
                            HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert response.status_code == 302 and "_auth_user_id" in citizen.session
