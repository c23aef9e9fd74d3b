"""The home page: one h1, landmarks, the language switch, and links only to sections that exist."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import resolve
from django.utils import translation

from simpul.portal.sections import SECTIONS, section_url

pytestmark = pytest.mark.django_db


def _links(html: str) -> list[str]:
    return re.findall(r'<a [^>]*href="([^"]+)"', html)


def test_home_in_indonesian_has_one_h1_landmarks_and_skip_link(client: Client) -> None:
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="id">' in html
    assert html.count("<h1") == 1
    assert "Layanan pemerintah" in html
    for landmark in ("<header", "<nav aria-label=", '<main id="main"', "<footer"):
        assert landmark in html
    assert '<a class="skip" href="#main">' in html


def test_home_in_english_under_en(client: Client) -> None:
    response = client.get("/en/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Government services of" in html
    assert 'href="/" hreflang="id"' in html  # the switch offers the same page in the other language


def test_every_internal_link_on_home_resolves(client: Client) -> None:
    for prefix in ("/", "/en/"):
        html = client.get(prefix).content.decode()
        internal = [href.split("#")[0] for href in _links(html) if href.startswith("/")]
        assert internal
        for href in internal:
            with translation.override("en" if href.startswith("/en/") else "id"):  # the language switch links
                resolve(href)  # raises Resolver404 for a dead link


def test_sections_link_only_when_their_page_exists(client: Client) -> None:
    html = client.get("/").content.decode()
    for section in SECTIONS:
        url = section_url(section, language="id")
        try:
            resolve(url)
        except Exception:
            assert f'href="{url}"' not in html
        else:
            assert f'href="{url}"' in html


@override_settings(ROOT_URLCONF="simpul.portal.tests.urls_with_sections")
def test_sections_appear_in_menu_and_cards_when_served(client: Client) -> None:
    html = client.get("/").content.decode()
    for section in SECTIONS:
        assert html.count(f'href="{section_url(section, language="id")}"') == 2  # menu and card
    html = client.get("/en/").content.decode()
    assert 'href="/en/layanan/"' in html


def test_language_switch_keeps_the_current_page(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/en/"
    response = client.post("/en/i18n/setlang/", {"language": "id", "next": "/en/"})
    assert response["Location"] == "/"


def test_home_is_small_and_compressed(client: Client, settings: Any) -> None:
    response = client.get("/", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert len(response.content) < 14 * 1024
