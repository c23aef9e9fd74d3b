"""Security bars of PERFORMANCE.md (OWASP ASVS 5.0 L2), tested through the public surface.

- Authorization matrix: every persona x the object-level pages (case tracking, back-office case screen and its
  document download, village-operator pages, assessment and infrastructure staff pages, admin), own and others'
  objects: 200 only where the persona may see it; otherwise 403/404 or a redirect to log in / the TOTP step.
- MFA: every staff role without a verified TOTP device is sent to the TOTP step.
- CSRF: every POST form found on the public and staff pages is refused (403) without its token.
- Headers: CSP without 'unsafe-inline'/'unsafe-eval', nosniff, Referrer-Policy, framing denied, COOP.
- Logs: no NIK, PIN, password or API key in any log line of the main journeys (captured at DEBUG).
"""

from __future__ import annotations

import base64
import json
import logging
import re
import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from simpul.cases.intake import case_submit
from simpul.cases.tests.factories import PDF_BYTES, VALID_ANSWERS, ktp_service, pdf_upload
from simpul.conftest import login

pytestmark = pytest.mark.django_db

ALLOWED = {200}
REFUSED = {302, 403, 404}


def _status_and_target(response: Any) -> tuple[int, str]:
    return response.status_code, response.get("Location", "") if response.status_code in (301, 302) else ""


def _refused(response: Any) -> bool:
    status, location = _status_and_target(response)
    if status == 302:
        return any(step in location for step in ("/akun/masuk/", "/akun/verifikasi/", "/admin/login/"))
    return status in (403, 404)


@pytest.fixture
def case(personas):
    version = ktp_service(personas.dukcapil)
    result = case_submit(version=version, answers=dict(VALID_ANSWERS), files={"kk": pdf_upload()},
                         applicant=personas.citizen, idempotency_key=str(uuid.uuid4()))
    return result


# -- authorization matrix -------------------------------------------------------------------------------------------

PERSONAS = ["anonymous", "citizen", "business", "operator", "officer", "head", "other_officer", "admin",
            "evaluator", "steward"]

# Who may open the back-office screen of a Dukcapil case: its agency's officer and head (the platform admin
# administers the platform, not cases: refused too).
CASE_STAFF = {"officer", "head"}


def _client_for(personas: Any, name: str) -> Client:
    client = Client()
    if name != "anonymous":
        login(client, getattr(personas, name))
    return client


@pytest.mark.parametrize("persona", PERSONAS)
def test_backoffice_case_screen_and_document(persona, personas, case):
    client = _client_for(personas, persona)
    reference = case.case.reference
    document = case.case.documents.first()
    screen = client.get(reverse("backoffice:case_detail", args=[reference]))
    download = client.get(reverse("backoffice:case_document", args=[reference, document.pk]))
    if persona in CASE_STAFF:
        assert screen.status_code in ALLOWED, (persona, screen.status_code)
        assert download.status_code in ALLOWED, (persona, download.status_code)
    else:
        assert _refused(screen), (persona, _status_and_target(screen))
        assert _refused(download), (persona, _status_and_target(download))


@pytest.mark.parametrize("persona", PERSONAS)
def test_case_tracking_page_is_the_applicants_only(persona, personas, case):
    client = _client_for(personas, persona)
    response = client.get(reverse("cases:track_detail", args=[case.case.reference]))
    if persona == "citizen":
        assert response.status_code == 200
        assert case.case.reference in response.content.decode()
    else:
        # others (staff included: they use the back office) are sent to the reference + PIN form
        assert _status_and_target(response) == (302, reverse("cases:track") + "?ref=" + case.case.reference), \
            persona


def test_tracking_with_the_pin_works_for_anyone_and_a_wrong_pin_does_not(client, case):
    url = reverse("cases:track")
    detail = reverse("cases:track_detail", args=[case.case.reference])
    wrong = "000000" if case.pin != "000000" else "111111"
    bad = client.post(url, {"reference": case.case.reference, "pin": wrong})
    assert bad.status_code == 400  # the form again, saying reference and PIN do not match
    assert 'name="pin"' in bad.content.decode()
    assert client.get(detail)["Location"] == url + "?ref=" + case.case.reference  # nothing was unlocked
    good = Client().post(url, {"reference": case.case.reference, "pin": case.pin})
    assert good.status_code == 302 and good["Location"] == detail


def test_case_status_api_needs_the_pin(client, case):
    url = reverse("cases-status", kwargs={"reference": case.case.reference})
    assert client.get(url).status_code == 404
    assert client.get(url, HTTP_X_CASE_PIN=case.pin).status_code == 200


@pytest.mark.parametrize("persona", PERSONAS)
def test_operator_pages_only_for_village_operators(persona, personas):
    client = _client_for(personas, persona)
    response = client.get(reverse("backoffice:operator_today"))
    if persona == "operator":
        assert response.status_code == 200
    else:
        assert _refused(response), (persona, _status_and_target(response))


STAFF_AREAS = ["/asesmen/", "/infrastruktur/impor/", "/admin/"]


@pytest.mark.parametrize("persona", ["anonymous", "citizen", "business", "operator"])
@pytest.mark.parametrize("path", STAFF_AREAS)
def test_public_roles_never_reach_staff_pages(persona, path, personas):
    response = _client_for(personas, persona).get(path)
    assert _refused(response), (persona, path, _status_and_target(response))


def test_admin_site_only_for_the_platform_admin(personas):
    assert _client_for(personas, "admin").get("/admin/").status_code == 200
    for persona in ("officer", "head", "evaluator", "steward"):
        assert _refused(_client_for(personas, persona).get("/admin/")), persona


def test_api_case_creation_needs_a_key_with_scope(personas):
    from rest_framework.test import APIClient

    from simpul.clients.services import api_client_create, api_key_issue

    ktp_service(personas.dukcapil)
    body = {"service": "ktp-el-penggantian", "answers": dict(VALID_ANSWERS),
            "documents": [{"code": "kk", "filename": "kk.pdf", "content_base64": base64.b64encode(PDF_BYTES).decode()}]}
    anonymous = APIClient().post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert anonymous.status_code in (401, 403)
    reader = api_client_create(name="Pembaca", scopes=["cases:read"])
    _key, secret = api_key_issue(client=reader)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.post("/api/v1/cases/", body, format="json",
                    HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())).status_code == 403


# -- MFA ------------------------------------------------------------------------------------------------------------

STAFF_ROLES = ["officer", "head", "other_officer", "admin", "evaluator", "steward"]
MFA_PATHS = ["/kantor/", "/admin/", "/asesmen/", "/infrastruktur/impor/"]


@pytest.mark.parametrize("persona", STAFF_ROLES)
@pytest.mark.parametrize("path", MFA_PATHS)
def test_staff_without_a_verified_device_go_to_the_totp_step(persona, path, personas):
    client = Client()
    client.force_login(getattr(personas, persona), backend="simpul.accounts.backends.EmailOrPhoneBackend")
    response = client.get(path)
    status, location = _status_and_target(response)
    # the TOTP step, or a refusal for a role that has no business there; never the page itself
    assert (status == 302 and "/akun/verifikasi/" in location) or status in (403, 404), (persona, path, status,
                                                                                         location)


# -- CSRF -----------------------------------------------------------------------------------------------------------

FORM_RE = re.compile(r"<form\b[^>]*>", re.IGNORECASE)


def _post_forms(html: str, page: str) -> list[str]:
    actions = []
    for tag in FORM_RE.findall(html):
        if not re.search(r'method="?post"?', tag, re.IGNORECASE):
            continue
        match = re.search(r'action="([^"]*)"', tag)
        action = match.group(1) if match and match.group(1) else page
        actions.append(action.replace("&amp;", "&"))
    return actions


def test_every_post_form_refuses_a_request_without_its_csrf_token(personas, case):
    pages_by_persona = {
        "anonymous": ["/", "/akun/masuk/", "/akun/daftar/warga/", "/akun/daftar/usaha/", "/akun/sandi/lupa/",
                      "/lacak/", f"/layanan/{case.case.service_code}/"],
        "citizen": ["/akun/saya/", "/akun/saya/ubah/", "/akun/saya/data/", "/lacak/saya/",
                    reverse("cases:track_detail", args=[case.case.reference])],
        "officer": ["/kantor/", reverse("backoffice:case_detail", args=[case.case.reference])],
        "operator": ["/kantor/desa/"],
    }
    checked = []
    for persona, pages in pages_by_persona.items():
        browse = _client_for(personas, persona)
        attacker = Client(enforce_csrf_checks=True)
        if persona != "anonymous":
            login(attacker, getattr(personas, persona))
        for page in pages:
            response = browse.get(page, follow=True)
            if response.status_code != 200:
                continue
            for action in _post_forms(response.content.decode(), response.request["PATH_INFO"]):
                refused = attacker.post(action, {"x": "1"})
                assert refused.status_code == 403, (persona, page, action, refused.status_code)
                checked.append(action)
    assert len(checked) >= 8, checked


# -- headers --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/layanan/", "/lacak/", "/akun/masuk/", "/api/v1/schema/"])
def test_security_headers(client, path, personas):
    response = client.get(path)
    csp = response.get("Content-Security-Policy", "")
    assert csp, path
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, csp
    assert response.get("X-Content-Type-Options") == "nosniff"
    assert response.get("Referrer-Policy")
    assert response.get("X-Frame-Options") in ("DENY", "SAMEORIGIN") or "frame-ancestors" in csp
    assert response.get("Cross-Origin-Opener-Policy") == "same-origin"


# -- logs -----------------------------------------------------------------------------------------------------------


def test_no_nik_pin_password_or_key_in_any_log_line(caplog, personas, settings):
    from rest_framework.test import APIClient

    from simpul.clients.services import api_client_create, api_key_issue

    caplog.set_level(logging.DEBUG)
    secrets: dict[str, str] = {}

    # registration with a NIK and a password
    nik_reg, password = "1606014101900002", "kata-sandi-panjang-sekali-42"
    Client().post(reverse("accounts:register_citizen"), {
        "full_name": "Siti Aminah", "nik": nik_reg, "domicile": "16.06.01.2001", "email": "siti.log@example.id",
        "phone": "0812 3456 7890", "password": password, "password_again": password})
    secrets |= {"registration NIK": nik_reg, "password": password}
    Client().post(reverse("accounts:login"), {"username": "siti.log@example.id", "password": password})

    # case submission through the API with a NIK, with an API key
    ktp_service(personas.dukcapil)
    api_row = api_client_create(name="Kios log", scopes=["cases:intake", "cases:read"])
    _key, secret = api_key_issue(client=api_row)
    secrets["API key"] = secret
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    nik_case = "1606014101900003"
    secrets["case NIK"] = nik_case
    body = {"service": "ktp-el-penggantian", "answers": {**VALID_ANSWERS, "nik": nik_case},
            "documents": [{"code": "kk", "filename": "kk.pdf", "content_base64": base64.b64encode(PDF_BYTES).decode()}]}
    created = api.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert created.status_code == 201, created.content
    data = json.loads(created.content)
    secrets["PIN"] = data["pin"]

    # tracking with the PIN (page and API), a wrong API key
    Client().post(reverse("cases:track"), {"reference": data["reference"], "pin": data["pin"]})
    APIClient().get(f"/api/v1/cases/{data['reference']}/status", HTTP_X_CASE_PIN=data["pin"])
    APIClient().get("/api/v1/cases/", HTTP_AUTHORIZATION="Bearer wrong-key-value-1234567890")

    lines = [f"{r.name}: {r.getMessage()} {r.args!r} {getattr(r, 'exc_text', '') or ''}" for r in caplog.records]
    leaks = [(what, line) for line in lines for what, value in secrets.items()
             if value in line or (what.endswith("NIK") and value in re.sub(r"\D", "", line))]
    assert not leaks, leaks
