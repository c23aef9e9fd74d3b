"""After logging in each role lands on its home (one rule, `simpul.accounts.homes`); staff find their workspace
from "my account" and the main menu."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from simpul.accounts.homes import ROLE_HOMES, home_url, workspace_url
from simpul.accounts.tests.test_views import token_for
from simpul.conftest import PASSWORD, login

HOMES = {
    "citizen": "/akun/saya/",
    "business": "/akun/saya/",
    "operator": "/kantor/desa/",
    "officer": "/kantor/",
    "head": "/kantor/dasbor/",
    "evaluator": "/asesmen/",
    "steward": "/data/kelola/",
    "admin": "/kantor/admin/",
}


@pytest.fixture(autouse=True)
def _fast_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.parametrize(("persona", "home"), sorted(HOMES.items()))
def test_each_role_has_its_home(personas: Any, persona: str, home: str) -> None:
    assert home_url(getattr(personas, persona)) == home


@pytest.mark.parametrize(("persona", "home"), sorted(HOMES.items()))
def test_logging_in_without_a_next_address_lands_on_the_home_of_the_role(
    client: Client, personas: Any, persona: str, home: str
) -> None:
    user = getattr(personas, persona)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True) if user.is_staff_role else None
    response = client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    if device is not None:  # the second step first, then the home
        assert response["Location"].startswith(reverse("accounts:otp_verify"))
        response = client.post(response["Location"], {"token": token_for(device)})
        assert response.status_code == 302
    assert response["Location"] == home
    assert client.get(home).status_code == 200


def test_a_next_address_still_wins_over_the_home(client: Client, personas: Any) -> None:
    device = TOTPDevice.objects.create(user=personas.operator, name="phone", confirmed=True)
    response = client.post(reverse("accounts:login") + "?next=/kantor/desa/ganti/",
                           {"username": personas.operator.email, "password": PASSWORD})
    response = client.post(response["Location"], {"token": token_for(device)})
    assert response["Location"] == "/kantor/desa/ganti/"


def test_a_home_this_installation_does_not_serve_falls_back_to_my_account(personas: Any, monkeypatch: Any) -> None:
    monkeypatch.setitem(ROLE_HOMES, personas.operator.role, "nowhere:home")
    assert home_url(personas.operator) == "/akun/saya/"
    assert workspace_url(personas.operator) is None


def test_my_account_and_the_menu_link_staff_to_their_workspace(client: Client, personas: Any) -> None:
    login(client, personas.operator)
    page = client.get(reverse("accounts:my_account")).content.decode()
    assert '<a class="button" href="/kantor/desa/">Buka ruang kerja Anda</a>' in page
    assert '<li><a href="/kantor/desa/">Ruang kerja</a></li>' in page
    today = client.get("/kantor/desa/").content.decode()
    assert '<li><a href="/kantor/desa/" aria-current="page">Ruang kerja</a></li>' in today


def test_citizens_get_no_workspace_link(client: Client, personas: Any) -> None:
    login(client, personas.citizen)
    page = client.get(reverse("accounts:my_account")).content.decode()
    assert "Ruang kerja" not in page and "ruang kerja" not in page
