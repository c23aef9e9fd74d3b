"""A complaint's contact and link rules are the form engine's, so every door that takes a complaint (the portal's
pages, the JSON API, Open311) answers the same: an email alone reaches the reporter, an anonymous reporter gives
nothing, a reporter who is not anonymous gives a phone or an email, an unanswered `confidential` is no, and a
link is http(s) only. (SMS only answers STATUS questions: it takes no complaint, so it has no part here.)"""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from simpul.cases.models import Case, Draft
from simpul.cases.tests.complaints import COMPLAINT, inspektorat, kependudukan, portal_complaint
from simpul.clients.services import api_client_create, api_key_issue

__all__ = ["inspektorat", "kependudukan"]  # fixtures

KEY = "test-contact-parity-key"
EMAIL = "warga.surel@example.org"
LINK = "https://example.org/foto/loket.jpg"
# The form engine's messages, in Indonesian (the default language of every door).
NO_CONTACT = "Isi bagian ini, atau isi “Email”."
BAD_LINK = "Berikan tautan web lengkap yang diawali http:// atau https://."


@pytest.fixture
def api_key(db):
    row = api_client_create(name="Aplikasi pengaduan", scopes=["cases:intake"], allowed_service_kinds=["pengaduan"],
                            rate_limit_per_minute=0)
    api_key_issue(client=row, secret=KEY)
    return KEY


def _json_api(answers: dict[str, str]) -> tuple[int, dict]:
    api = APIClient()
    api.credentials(HTTP_X_API_KEY=KEY)
    body = {"service": "pengaduan-kependudukan",
            "answers": {**COMPLAINT, "complaint_topic": "layanan", **answers}}
    response = api.post("/api/v1/cases/", data=json.dumps(body), content_type="application/json",
                        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    return response.status_code, response.json()


def _open311(params: dict[str, str]) -> tuple[int, list]:
    data = {"api_key": KEY, "service_code": "pengaduan-kependudukan", "description": COMPLAINT["description"],
            "attribute[title]": COMPLAINT["title"], "attribute[complaint_topic]": "layanan",
            "attribute[location_village]": COMPLAINT["location_village"], **params}
    response = Client().post("/open311/v2/requests.json", data)
    return response.status_code, response.json()


def _portal_page(version, page: str, answers: dict[str, str]) -> tuple[int, str]:
    client = Client()
    client.get(reverse("cases:apply_start", kwargs={"code": version.service.code}))
    draft = Draft.objects.latest("id")
    url = reverse("cases:apply_page", kwargs={"code": version.service.code, "token": draft.token, "page": page})
    response = client.post(url, {**answers, "idempotency_key": draft.idempotency_key})
    return response.status_code, response.content.decode()


def _case(reference: str) -> Case:
    return Case.objects.get(reference=reference)


def test_an_email_alone_reaches_the_reporter_through_every_door(kependudukan, api_key):
    portal, _pin = portal_complaint(Client(), kependudukan, first={**COMPLAINT, "complaint_topic": "layanan"},
                                    reporter={"email": EMAIL})
    status, body = _json_api({"email": EMAIL})
    assert status == 201, body
    api = _case(body["reference"])
    status, body = _open311({"email": EMAIL})
    assert status == 201, body
    open311 = _case(body[0]["service_request_id"])
    for case in (portal, api, open311):
        assert (case.applicant_name, case.phone, case.email, case.identity) == ("", "", EMAIL, "open"), case.channel


def test_a_reporter_who_is_not_anonymous_and_gives_no_contact_is_told_the_same_at_every_door(kependudukan, api_key):
    status, page = _portal_page(kependudukan, "pelapor", {"full_name": "Siti Aminah", "anonymous": "no"})
    assert status == 400 and NO_CONTACT in page
    status, body = _json_api({"full_name": "Siti Aminah"})
    assert status == 400 and body["errors"] == {"phone": [NO_CONTACT]}
    status, body = _open311({"first_name": "Siti"})
    assert status == 400 and body == [{"code": 400, "description": f"phone: {NO_CONTACT}"}]
    assert not Case.objects.exists()


def test_an_anonymous_reporter_gives_nothing_at_every_door(kependudukan, api_key):
    portal, _pin = portal_complaint(Client(), kependudukan, first={**COMPLAINT, "complaint_topic": "layanan"},
                                    reporter={"anonymous": "yes"})
    status, body = _json_api({"anonymous": "yes"})
    assert status == 201, body
    api = _case(body["reference"])
    status, body = _open311({"attribute[anonymous]": "yes"})
    assert status == 201, body
    open311 = _case(body[0]["service_request_id"])
    for case in (portal, api, open311):
        assert (case.identity, case.applicant_name, case.phone, case.email) == ("anonymous", "", "", "")


def test_a_link_is_kept_when_it_is_http_and_refused_otherwise_at_every_door(kependudukan, api_key):
    status, page = _portal_page(kependudukan, "pengaduan",
                                {**COMPLAINT, "complaint_topic": "layanan", "media_url": "javascript:alert(1)"})
    assert status == 400 and BAD_LINK in page
    status, body = _json_api({"email": EMAIL, "media_url": "javascript:alert(1)"})
    assert status == 400 and body["errors"] == {"media_url": [BAD_LINK]}
    status, body = _open311({"email": EMAIL, "media_url": "javascript:alert(1)"})
    assert status == 400 and body == [{"code": 400, "description": f"media_url: {BAD_LINK}"}]
    assert not Case.objects.exists()

    portal, _pin = portal_complaint(Client(), kependudukan,
                                    first={**COMPLAINT, "complaint_topic": "layanan", "media_url": LINK},
                                    reporter={"email": EMAIL})
    status, body = _json_api({"email": EMAIL, "media_url": LINK})
    assert status == 201, body
    api = _case(body["reference"])
    status, body = _open311({"email": EMAIL, "media_url": LINK})
    assert status == 201, body
    open311 = _case(body[0]["service_request_id"])
    assert [c.form_data["media_url"] for c in (portal, api, open311)] == [LINK] * 3


@pytest.mark.parametrize("door", ["portal", "api", "open311"])
def test_confidential_left_unanswered_is_no(door, kependudukan, api_key):
    if door == "portal":
        case, _pin = portal_complaint(Client(), kependudukan, first={**COMPLAINT, "complaint_topic": "layanan"},
                                      reporter={"phone": "081377778888"})
    elif door == "api":
        case = _case(_json_api({"phone": "081377778888"})[1]["reference"])
    else:
        case = _case(_open311({"phone": "081377778888"})[1][0]["service_request_id"])
    assert case.identity == "open"
