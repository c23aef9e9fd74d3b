"""Problem details of the API: a refused body gets a translated sentence (never the parser's English), and the
`type` of every problem is the absolute address of a page on this site that explains its code to a person."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from simpul.core.http.problem_types import ABOUT_BLANK, PROBLEM_TYPES, problem_type_uri

pytestmark = pytest.mark.django_db

UPLOADS = "/api/v1/uploads/"


def _post_broken_json(client: Client, language: str) -> dict:
    response = client.post(UPLOADS, data='{"filename": "kk.pdf",\n "size": }', content_type="application/json",
                           HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    return response.json()


def test_malformed_json_is_told_in_the_callers_language_with_its_position() -> None:
    client = Client()
    indonesian = _post_broken_json(client, "id")
    english = _post_broken_json(client, "en")
    assert indonesian["code"] == english["code"] == "malformed_request"
    assert english["detail"] == ("The request body is not valid JSON. Check it (for example with a JSON validator) "
                                 "and send it again.")
    assert indonesian["detail"] == ("Isi permintaan bukan JSON yang sah. Periksa isinya (misalnya dengan pemeriksa "
                                    "JSON), lalu kirim lagi.")
    assert indonesian["title"] == "Permintaan tidak sah"
    assert indonesian["position"] == english["position"] == {"line": 2, "column": 10, "offset": 32}


def test_a_problem_type_is_the_address_of_its_page_in_the_readers_language() -> None:
    client = Client()
    body = _post_broken_json(client, "en")
    site = settings.SITE_URL.rstrip("/")
    assert body["type"] == f"{site}/masalah/malformed_request/"
    path = urlsplit(body["type"]).path
    indonesian = client.get(path)
    assert indonesian.status_code == 200
    assert '<html lang="id">' in indonesian.content.decode()
    assert "<h1>Permintaan tidak dapat dibaca</h1>" in indonesian.content.decode()
    english = client.get("/en" + path)
    assert "<h1>The request cannot be read</h1>" in english.content.decode()


def test_the_type_stays_the_same_whatever_the_language() -> None:
    client = Client()
    assert _post_broken_json(client, "en")["type"] == _post_broken_json(client, "id")["type"]


def test_every_problem_type_has_a_page_and_the_list_links_each() -> None:
    client = Client()
    listing = client.get("/masalah/").content.decode()
    for code, problem_type in PROBLEM_TYPES.items():
        page = client.get(f"/en/masalah/{code}/")
        assert page.status_code == 200, code
        assert f"<h1>{problem_type.title}</h1>".replace("'", "&#x27;") in page.content.decode(), code
        assert f'href="/masalah/{code}/"' in listing


def test_the_type_is_the_address_of_the_problems_page_in_the_default_language() -> None:
    with translation.override("en"):
        assert reverse("problems:detail", kwargs={"code": "invalid"}) == "/en/masalah/invalid/"
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("problems:detail", kwargs={"code": "invalid"})
    assert problem_type_uri("invalid") == settings.SITE_URL.rstrip("/") + path


def test_an_unknown_code_has_no_page_and_its_type_is_about_blank() -> None:
    assert problem_type_uri("no_such_code") == ABOUT_BLANK
    assert Client().get("/masalah/no_such_code/").status_code == 404


def test_a_method_the_operation_lacks_is_405_before_any_credential_check() -> None:
    response = Client().generic("TRACE", "/api/v1/sms/inbound/")  # the webhook refuses unsigned requests (403)
    assert response.status_code == 405
    assert response["Allow"] == "POST, OPTIONS"
    assert response.json()["code"] == "method_not_allowed"
