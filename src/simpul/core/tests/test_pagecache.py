"""The page cache of anonymous public pages: served to anonymous visitors only, never a personal page, fresh
after an edit, per language."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from simpul.catalog.services import (
    service_version_draft_from,
    service_version_publish,
    service_version_update,
)
from simpul.catalog.tests.factories import make_service
from simpul.conftest import login
from simpul.core.pagecache import anonymous_page_cache

pytestmark = pytest.mark.django_db

PAGES = ["/", "/layanan/", "/layanan/ktp-el-penggantian/", "/pengaduan/"]


@pytest.fixture
def service(personas: Any) -> Any:
    return make_service(agency=personas.dukcapil)


@pytest.mark.parametrize("path", PAGES)
def test_an_anonymous_page_is_rendered_once_then_served_from_the_cache(service: Any, path: str) -> None:
    client = Client()
    first = client.get(path)
    assert first.status_code == 200
    assert first["X-Simpul-Page-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = client.get(path)
    assert second["X-Simpul-Page-Cache"] == "hit"
    assert second.content == first.content
    assert len(queries) == 0
    # the middleware still runs on a cached page: security headers are there
    assert "Content-Security-Policy" in second and second["X-Content-Type-Options"] == "nosniff"
    assert not second.cookies


def test_a_logged_in_visitor_never_gets_or_leaves_a_cached_page(service: Any, personas: Any) -> None:
    citizen = Client()
    login(citizen, personas.citizen)
    page = citizen.get("/layanan/")
    assert "X-Simpul-Page-Cache" not in page
    logout = f'action="{reverse("accounts:logout")}"'  # the header's log-out form (the outbox's texts say "log out" too)
    assert logout in page.content.decode()
    anonymous = Client().get("/layanan/")
    assert anonymous["X-Simpul-Page-Cache"] == "miss"
    html = anonymous.content.decode()
    assert logout not in html
    assert "X-Simpul-Page-Cache" not in citizen.get("/layanan/")


def test_an_edit_of_the_catalogue_shows_at_once(service: Any, personas: Any) -> None:
    client = Client()
    assert "Penggantian KTP-el" in client.get("/layanan/").content.decode()
    assert client.get("/layanan/")["X-Simpul-Page-Cache"] == "hit"
    draft = service_version_draft_from(version=service, actor=personas.admin)
    service_version_update(version=draft, actor=personas.admin, name_id="Penggantian KTP-el Rusak")
    assert client.get("/layanan/")["X-Simpul-Page-Cache"] == "miss"  # a draft changes nothing shown, but costs
    assert "Penggantian KTP-el Rusak" not in client.get("/layanan/").content.decode()  # one render, no more
    service_version_publish(version=draft, actor=personas.admin)
    page = client.get("/layanan/")
    assert page["X-Simpul-Page-Cache"] == "miss"
    assert "Penggantian KTP-el Rusak" in page.content.decode()


def test_each_language_and_query_has_its_own_page(service: Any) -> None:
    client = Client()
    indonesian = client.get("/layanan/").content.decode()
    english = client.get("/en/layanan/")
    assert english["X-Simpul-Page-Cache"] == "miss"
    assert "KTP-el replacement" in english.content.decode()
    assert "KTP-el replacement" not in indonesian
    nothing = client.get("/layanan/?q=tidak-ada-layanan-begini")
    assert nothing["X-Simpul-Page-Cache"] == "miss"
    assert "0 layanan ditemukan." in nothing.content.decode()  # (the catalogue by kind is offered below it)


def test_a_visitor_with_a_flash_message_or_a_session_gets_a_fresh_page(service: Any) -> None:
    Client().get("/layanan/")
    with_message = Client()
    with_message.cookies["messages"] = "anything"
    assert "X-Simpul-Page-Cache" not in with_message.get("/layanan/")
    with_session = Client()
    with_session.cookies["sessionid"] = "not-a-real-session"
    assert "X-Simpul-Page-Cache" not in with_session.get("/layanan/")


def test_a_page_that_used_a_csrf_token_is_never_cached() -> None:
    calls = []

    @anonymous_page_cache
    def form_page(request: Any) -> HttpResponse:
        calls.append(1)
        return HttpResponse(f"<form>{get_token(request)}</form>", content_type="text/html")

    factory = RequestFactory()
    for _ in range(2):
        response = form_page(factory.get("/a-form/"))
        assert "X-Simpul-Page-Cache" not in response
    assert len(calls) == 2


def test_the_cache_can_be_turned_off(service: Any, settings: Any) -> None:
    settings.SIMPUL_PAGE_CACHE_SECONDS = 0
    client = Client()
    for _ in range(2):
        assert "X-Simpul-Page-Cache" not in client.get("/layanan/")


def test_the_language_switch_is_a_link_to_the_same_page_in_the_other_language(service: Any) -> None:
    client = Client()
    assert 'href="/en/layanan/ktp-el-penggantian/"' in client.get("/layanan/ktp-el-penggantian/").content.decode()
    assert 'href="/layanan/?q=ktp"' in client.get("/en/layanan/?q=ktp").content.decode()
    assert 'href="/en/"' in client.get("/").content.decode()
