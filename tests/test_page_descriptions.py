"""Every public page says what it is to a search engine or a link preview: a `<meta name="description">` that is
not empty, in the page's language, and `<html lang>` set. The public site is crawled from its home pages in both
languages (links on the same site, HTML answers only), so a new page is covered without editing this test. The
pages that matter most say something of their own: the home page, a service (its own description), a dataset."""

from __future__ import annotations

import io
import re
from collections import deque
from html import unescape
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.utils.text import Truncator

from simpul.catalog.tests.factories import make_service
from simpul.opendata import reference
from simpul.opendata.models import Dataset
from simpul.opendata.services import datasets_refresh_generated

pytestmark = pytest.mark.django_db

MAX_PAGES = 150
# Not pages a visitor browses to: downloads, feeds, the admin, and forms that need a signed-in person.
SKIP = re.compile(r"^/(en/)?(admin|kantor|static|media|i18n|jsi18n|sw\.js|luring/kunci)|\.(pdf|csv|xlsx|jsonld|ttl|rdf|json)$"
                  r"|/unduh\.")
LINK = re.compile(r"""<a\s[^>]*href="([^"#]+)""")
DESCRIPTION = re.compile(r'<meta name="description" content="([^"]*)">')
LANG = re.compile(r'<html lang="([a-z-]+)">')


def _crawl(client: Client, start: list[str]) -> dict[str, str]:
    queue, seen, pages = deque(start), set(), {}
    while queue and len(pages) < MAX_PAGES:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        pages[path] = html
        for href in LINK.findall(html):
            parts = urlsplit(urljoin(path, unescape(href)))
            if parts.netloc in ("", "testserver") and parts.path.startswith("/") and not SKIP.search(parts.path):
                queue.append(parts.path)
    return pages


@pytest.fixture
def site(personas: Any) -> dict[str, Any]:
    reference.load(stdout=io.StringIO())
    datasets_refresh_generated()
    return {"service": make_service(agency=personas.dukcapil), "dataset": Dataset.objects.order_by("slug").first()}


def test_every_public_page_has_a_description_and_its_language(site: dict[str, Any]) -> None:
    pages = _crawl(Client(), ["/", "/en/", "/masalah/", "/api/v1/docs/"])
    assert {"/", "/en/", "/layanan/", "/lacak/", "/pengaduan/", "/data/", "/en/data/", "/masalah/"} <= set(pages)
    assert any(path.startswith("/data/") and path.count("/") == 3 for path in pages)  # a dataset's page
    assert len(pages) > 20
    missing = []
    for path, html in pages.items():
        lang, description = LANG.search(html), DESCRIPTION.search(html)
        expected = "en" if path.startswith("/en/") else "id"
        if path.startswith("/api/"):
            expected = "id"  # the API's pages follow Accept-Language: none sent, so Indonesian
        if lang is None or lang.group(1) != expected or description is None or not description.group(1).strip():
            missing.append(path)
    assert missing == []


def _description(client: Client, path: str) -> str:
    found = DESCRIPTION.search(client.get(path).content.decode())
    assert found is not None, path
    return unescape(found.group(1))


def test_the_pages_that_matter_have_their_own_description(site: dict[str, Any]) -> None:
    client = Client()
    default = _description(client, "/akun/masuk/")
    service, dataset = site["service"], site["dataset"]
    code = service.service.code
    assert _description(client, f"/layanan/{code}/") == "Mengganti KTP-el yang hilang atau rusak."
    assert _description(client, f"/en/layanan/{code}/") == "Replace a lost or damaged KTP-el."
    assert dataset.description_id
    assert _description(client, f"/data/{dataset.slug}/") == Truncator(dataset.description_id).chars(300)
    own = {path: _description(client, path) for path in ("/", "/layanan/", "/lacak/", "/pengaduan/", "/data/")}
    assert default not in own.values()
    assert len(set(own.values())) == len(own)  # each says something of its own
    assert own["/"].startswith("Layanan pemerintahan")
    assert _description(client, "/en/").startswith("Government services of")
