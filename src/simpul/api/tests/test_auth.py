import json
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from simpul.agencies.models import Agency
from simpul.clients.auth import client_may_act_for
from simpul.clients.models import ApiCallLog, ApiKey
from simpul.clients.services import api_client_create, api_key_issue, api_key_revoke, api_key_rotate
from simpul.core.models import AuditEntry

pytestmark = pytest.mark.urls("simpul.api.tests.urls")


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


@pytest.fixture
def personas(db):
    """Just the agencies (the shared personas fixture hashes nine passwords; these tests need no users)."""
    return SimpleNamespace(
        dukcapil=Agency.objects.create(code="disdukcapil", name="Dinas Dukcapil"),
        dpmptsp=Agency.objects.create(code="dpmptsp", name="DPMPTSP"),
    )


@pytest.fixture
def dukcapil_client(personas):
    client = api_client_create(name="Sistem Dukcapil", scopes=["cases:read", "cases:write"],
                               agency=personas.dukcapil)
    key, secret = api_key_issue(client=client)
    return client, key, secret


def _bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _problem(response, status, code):
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == f"{settings.SITE_URL.rstrip('/')}/masalah/{code}/"  # the page that explains the code
    assert body["title"] and body["detail"]
    return body


def test_bearer_and_x_api_key_headers_authenticate(client, dukcapil_client):
    _api_client, _key, secret = dukcapil_client
    assert client.get("/api/v1/test/write/", **_bearer(secret)).json() == {"client": "Sistem Dukcapil"}
    assert client.get("/api/v1/test/write/", HTTP_X_API_KEY=secret).status_code == 200


def test_keys_are_stored_hashed_and_shown_once(dukcapil_client):
    _client, key, secret = dukcapil_client
    assert secret.startswith("smpl_") and len(secret) > 40
    assert key.prefix == secret[:8]
    stored = ApiKey.objects.get(pk=key.pk)
    assert secret not in (stored.secret_hash, stored.prefix)
    assert not AuditEntry.objects.filter(changes__icontains=secret).exists()


def test_missing_key_is_401(client, db):
    body = _problem(client.get("/api/v1/test/write/"), 401, "not_authenticated")
    assert "detail" in body


@pytest.mark.parametrize("state", ["unknown", "expired", "revoked", "client_inactive"])
def test_bad_keys_are_401_problems(client, dukcapil_client, state):
    api_client, key, secret = dukcapil_client
    if state == "unknown":
        secret = "smpl_not-a-real-key-at-all"
    elif state == "expired":
        ApiKey.objects.filter(pk=key.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    elif state == "revoked":
        api_key_revoke(key=key)
    else:
        api_client.is_active = False
        api_client.save()
    expected = {"unknown": "api_key_unknown", "expired": "api_key_expired", "revoked": "api_key_revoked",
                "client_inactive": "api_client_inactive"}[state]
    response = client.get("/api/v1/test/write/", **_bearer(secret))
    _problem(response, 401, expected)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_missing_scope_is_403(client, personas):
    reader = api_client_create(name="Pembaca", scopes=["opendata:read"])
    _key, secret = api_key_issue(client=reader)
    body = _problem(client.get("/api/v1/test/write/", **_bearer(secret)), 403, "scope_missing")
    assert "cases:write" in body["detail"]


def test_agency_restriction_is_403_for_another_agency(client, dukcapil_client, personas):
    _c, _k, secret = dukcapil_client
    assert client.get("/api/v1/test/act/disdukcapil/", **_bearer(secret)).status_code == 200
    _problem(client.get("/api/v1/test/act/dpmptsp/", **_bearer(secret)), 403, "scope_restricted")


def test_client_may_act_for_services_and_kinds(personas):
    open311 = api_client_create(name="Open311", scopes=["cases:intake"], allowed_service_kinds=["pengaduan"])
    assert client_may_act_for(open311, agency=personas.dpmptsp, service_kind="pengaduan")
    assert not client_may_act_for(open311, service_kind="perizinan")
    coded = api_client_create(name="Coded", scopes=["cases:intake"], allowed_service_codes=["ktp-el-baru"],
                              allowed_agencies=[personas.dpmptsp])
    assert client_may_act_for(coded, agency="dpmptsp", service_code="ktp-el-baru")
    assert not client_may_act_for(coded, agency=personas.dukcapil)
    assert not client_may_act_for(coded, agency="no-such-agency")
    assert not client_may_act_for(coded, service_code="izin-reklame")


def test_rotation_keeps_old_key_for_the_overlap_then_it_ends(client, dukcapil_client):
    api_client, old_key, old_secret = dukcapil_client
    _new_key, new_secret = api_key_rotate(client=api_client, overlap_hours=2)
    assert new_secret != old_secret
    assert client.get("/api/v1/test/write/", **_bearer(old_secret)).status_code == 200
    assert client.get("/api/v1/test/write/", **_bearer(new_secret)).status_code == 200
    old_key.refresh_from_db()
    assert timedelta(hours=1, minutes=59) < old_key.expires_at - timezone.now() <= timedelta(hours=2)
    ApiKey.objects.filter(pk=old_key.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    _problem(client.get("/api/v1/test/write/", **_bearer(old_secret)), 401, "api_key_expired")
    assert client.get("/api/v1/test/write/", **_bearer(new_secret)).status_code == 200
    assert AuditEntry.objects.filter(action="api.api_key_rotate").count() == 1


def test_rate_limit_gives_429_with_retry_after(client, personas):
    limited = api_client_create(name="Sempit", scopes=["cases:write"], rate_limit_per_minute=3)
    _k, secret = api_key_issue(client=limited)
    statuses = [client.get("/api/v1/test/write/", **_bearer(secret)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/test/write/", **_bearer(secret))
    _problem(response, 429, "rate_limited")
    assert 1 <= int(response["Retry-After"]) <= 60


def test_validation_errors_name_the_field(client, dukcapil_client):
    _c, _k, secret = dukcapil_client
    response = client.post("/api/v1/test/write/", {"title": "too long", "count": "x"},
                           content_type="application/json", **_bearer(secret))
    body = _problem(response, 400, "invalid")
    assert set(body["errors"]) == {"title", "count"}


def test_malformed_json_is_400(client, dukcapil_client):
    _c, _k, secret = dukcapil_client
    response = client.post("/api/v1/test/write/", "{not json", content_type="application/json", **_bearer(secret))
    _problem(response, 400, "malformed_request")


def test_body_too_large_is_413(client, dukcapil_client, settings):
    settings.API_MAX_BODY_BYTES = 100
    _c, _k, secret = dukcapil_client
    response = client.post("/api/v1/test/write/", {"title": "x" * 200, "count": 1},
                           content_type="application/json", **_bearer(secret))
    _problem(response, 413, "payload_too_large")


def test_problem_messages_are_translated(client, db):
    response = client.get("/api/v1/test/write/", HTTP_ACCEPT_LANGUAGE="id")
    assert response.json()["title"] == "Perlu autentikasi"
    response = client.get("/api/v1/test/write/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["title"] == "Authentication needed"


def test_not_found_is_a_problem(client, db):
    _problem(client.get("/api/v1/regions/99/"), 404, "not_found")


def test_every_authenticated_call_is_logged(client, dukcapil_client, personas):
    api_client, _k, secret = dukcapil_client
    client.get("/api/v1/test/act/disdukcapil/", **_bearer(secret))
    client.get("/api/v1/test/act/dpmptsp/", **_bearer(secret))
    client.get("/api/v1/test/write/")  # no key: not logged
    logs = list(ApiCallLog.objects.order_by("id").values_list("client_id", "operation", "object_id", "status"))
    assert logs == [(api_client.pk, "test-act", "disdukcapil", 200), (api_client.pk, "test-act", "dpmptsp", 403)]


def test_unknown_scope_is_refused(personas):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        api_client_create(name="X", scopes=["cases:delete"])


def test_old_call_log_rows_are_purged(dukcapil_client, settings):
    from simpul.api.schedule import call_log_purge

    api_client, _k, _s = dukcapil_client
    settings.API_CALL_LOG_RETENTION_DAYS = 30
    ApiCallLog.objects.create(client=api_client, method="GET", operation="x", status=200,
                              at=timezone.now() - timedelta(days=31))
    ApiCallLog.objects.create(client=api_client, method="GET", operation="y", status=200)
    assert call_log_purge() == 1
    assert list(ApiCallLog.objects.values_list("operation", flat=True)) == ["y"]


def test_unknown_api_path_is_a_problem_and_slashless_paths_redirect(client, db):
    _problem(client.get("/api/v1/test/nothing-here/"), 404, "not_found")
    assert client.get("/api/v1/test/write").status_code == 301


def test_drf_messages_missing_from_drfs_catalogue_are_indonesian(client, dukcapil_client):
    _c, _k, secret = dukcapil_client
    response = client.put("/api/v1/test/write/", {}, content_type="application/json",
                          HTTP_ACCEPT_LANGUAGE="id", **_bearer(secret))
    body = _problem(response, 405, "method_not_allowed")
    assert body["detail"] == 'Metode "PUT" tidak diizinkan.'


def test_unknown_fields_are_refused_by_name(client, dukcapil_client):
    _c, _k, secret = dukcapil_client
    response = client.post("/api/v1/test/write/", {"title": "ok", "count": 1, "titel": "typo"},
                           content_type="application/json", HTTP_ACCEPT_LANGUAGE="en", **_bearer(secret))
    body = _problem(response, 400, "invalid")
    assert body["errors"] == {"titel": ["Unknown field."]}


def test_unexpected_errors_are_500_problems_without_internals(db):
    from django.test import Client

    client = Client(raise_request_exception=False)
    body = _problem(client.get("/api/v1/test/boom/", HTTP_ACCEPT_LANGUAGE="en"), 500, "server_error")
    assert "boom" not in json.dumps(body)


def test_unexpected_errors_still_surface_in_tests(client, db):
    with pytest.raises(RuntimeError):
        client.get("/api/v1/test/boom/")
