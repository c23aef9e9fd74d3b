"""The API answers in the caller's language (Accept-Language) through the real URLconf, where the site's pages
take theirs from the URL prefix and every unprefixed page is Indonesian."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing/", "/api/v1/agency/cases/"])
def test_api_errors_follow_accept_language(path: str) -> None:
    client = Client()
    english = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    indonesian = client.get(path, HTTP_ACCEPT_LANGUAGE="id")
    default = client.get(path)
    assert english["Content-Type"].startswith("application/problem+json")
    assert english.json()["code"] == indonesian.json()["code"] == default.json()["code"]
    assert english.json()["detail"] != indonesian.json()["detail"]
    assert default.json()["detail"] == indonesian.json()["detail"]  # Indonesian unless asked otherwise
    assert english["Content-Language"] == "en" and indonesian["Content-Language"] == "id"
    assert "Accept-Language" in english["Vary"]


def test_open311_errors_follow_accept_language() -> None:
    client = Client()
    english = client.post("/open311/v2/requests.json", {"service_code": "x"}, HTTP_ACCEPT_LANGUAGE="en")
    indonesian = client.post("/open311/v2/requests.json", {"service_code": "x"}, HTTP_ACCEPT_LANGUAGE="id")
    assert english.status_code == indonesian.status_code >= 400
    assert english.content != indonesian.content


def test_pages_keep_their_language_from_the_prefix() -> None:
    client = Client()
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "id"
    assert client.get("/en/", HTTP_ACCEPT_LANGUAGE="id")["Content-Language"] == "en"
