"""With SIMPUL_HTTPS on, an API or Open311 call that carries a key over plain HTTP is refused before the key is
used, not redirected (the redirect came after the key had crossed the network in clear)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from simpul.clients.models import ApiCallLog, ApiKey
from simpul.clients.services import api_client_create, api_key_issue

pytestmark = pytest.mark.django_db
SECRET = "plain-http-test-key-0123456789"


@pytest.fixture
def https_on(settings):
    settings.HTTPS = True
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


@pytest.fixture
def key(db):
    row = api_client_create(name="Sistem OPD", scopes=["cases:intake", "cases:read", "cases:write"], rate_limit_per_minute=0)
    api_key_issue(client=row, secret=SECRET)
    return ApiKey.objects.get(client=row)


@pytest.mark.parametrize("how", ["bearer", "x-api-key", "query", "open311 form"])
def test_plain_http_call_with_an_api_key_is_refused_not_redirected(how, client, https_on, key):
    if how == "bearer":
        response = client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Bearer {SECRET}")
    elif how == "x-api-key":
        response = client.get("/api/v1/cases/", HTTP_X_API_KEY=SECRET)
    elif how == "query":
        response = client.get("/open311/v2/requests.json", {"api_key": SECRET})
    else:
        response = client.post("/open311/v2/requests.json", {"api_key": SECRET, "service_code": "x"})  # multipart
    assert response.status_code == 403, (response.status_code, response.get("Location"))
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == "https_required" and "HTTPS" in body["detail"]
    assert not response.has_header("Location")
    key.refresh_from_db()
    assert key.last_used_at is None and ApiCallLog.objects.count() == 0  # the key was never looked up


def test_plain_http_refusal_speaks_indonesian_by_default(client, https_on, key):
    body = client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Bearer {SECRET}").json()
    assert body["detail"].startswith("API Simpul hanya melayani lewat HTTPS")


def _post_case(client, **extra):
    return client.post("/api/v1/cases/", {}, content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {SECRET}", **extra)


def test_plain_http_without_a_key_is_still_redirected_and_https_calls_work(client, https_on, key):
    assert client.get("/api/v1/schema/").status_code == 301
    served = _post_case(client, HTTP_X_FORWARDED_PROTO="https")
    assert served.status_code not in (301, 403), served.content  # the call itself answers (no Idempotency-Key)
    key.refresh_from_db()
    assert key.last_used_at is not None and key.last_used_at <= timezone.now()


def test_without_https_setting_plain_http_calls_are_served(client, key):
    assert _post_case(client).status_code not in (301, 403)
    key.refresh_from_db()
    assert key.last_used_at is not None
