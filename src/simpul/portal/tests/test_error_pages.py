"""Error pages are Simpul's own: translated, with the site's header and viewport, and a way home and to /lacak/."""

from __future__ import annotations

import json

import pytest
from django.test import Client, RequestFactory

from simpul.conftest import login
from simpul.portal.views import server_error

pytestmark = pytest.mark.django_db


def _links(page: str) -> None:
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert 'href="/"' in page and 'href="/lacak/"' in page


def test_an_unknown_address_gets_the_translated_404_page(client):
    response = client.get("/tidak-ada-halaman-ini/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Halaman tidak ditemukan</h1>" in page and '<html lang="id">' in page
    _links(page)
    english = client.get("/en/no-such-page/").content.decode()
    assert "<h1>Page not found</h1>" in english and '<html lang="en">' in english
    assert 'href="/en/lacak/"' in english


def test_a_citizen_on_a_staff_page_gets_the_403_page_in_her_language(client, personas):
    login(client, personas.citizen)
    response = client.get("/infrastruktur/impor/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "<h1>Anda tidak dapat membuka halaman ini</h1>" in page
    _links(page)


def test_an_expired_form_says_so_and_that_nothing_was_sent(personas):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/lacak/", {"reference": "MUBA-26-AAAAA-A", "pin": "123456"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "<h1>Formulir sudah kedaluwarsa</h1>" in page and "Belum ada yang terkirim." in page
    _links(page)


def test_the_500_page_needs_no_database_and_api_clients_get_problem_details():
    page = server_error(RequestFactory().get("/layanan/"))
    assert page.status_code == 500
    html = page.content.decode()
    assert "<h1>Terjadi kesalahan di sistem kami</h1>" in html
    _links(html)
    api = server_error(RequestFactory().get("/api/v1/cases/"))
    assert api.status_code == 500 and api["Content-Type"] == "application/problem+json"
    assert json.loads(api.content)["code"] == "server_error"


def test_a_signed_in_citizen_finds_her_applications_from_the_header_and_her_account(client, personas):
    login(client, personas.citizen)
    home = client.get("/").content.decode()
    assert '<a href="/lacak/saya/">Permohonan saya</a>' in home and '<a href="/akun/saya/">Akun saya</a>' in home
    account = client.get("/akun/saya/").content.decode()
    assert '<a class="button" href="/lacak/saya/">Permohonan dan draf saya</a>' in account
    login(client, personas.officer)
    assert "/lacak/saya/" not in client.get("/akun/saya/").content.decode()
