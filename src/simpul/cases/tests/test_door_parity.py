"""Door parity: the same submission through every door (JSON API, Open311, the portal's draft, a draft whose
document came by chunked upload) gets the same agency decision and the same replay / conflict answer, because
every door is an adapter of `cases.intake`."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from django.http import QueryDict
from rest_framework.test import APIClient

from simpul.agencies.models import Agency
from simpul.api.open311.serializers import answers_from_params
from simpul.cases.models import Case
from simpul.catalog.models import ServiceVersion
from simpul.clients.services import api_client_create, api_key_issue

DATA = Path(__file__).resolve().parents[2] / "catalog" / "data" / "musi-banyuasin"
PARAMS = {
    "service_code": "pengaduan-infrastruktur", "lat": "-2.8833", "long": "103.85",
    "address_string": "Jl. Merdeka dekat jembatan, Sukarami",
    "description": "Jembatan kayu di ujung desa patah dan tidak bisa dilewati motor sejak minggu lalu.",
    "first_name": "Siti", "last_name": "Aminah", "phone": "081234567890", "email": "siti@example.org",
    "attribute[confidential]": "no", "attribute[location_village]": "16.06.01.2001",
}


@pytest.fixture
def routed(personas):
    """A complaint service owned by Dukcapil whose cases the PU office receives (its routing agency)."""
    from simpul.catalog.selectors import service_get
    from simpul.catalog.services import service_import_yaml

    text = (DATA / "pengaduan-infrastruktur.yaml").read_text().replace("dinas-pu", "disdukcapil")
    service_import_yaml(text=text, actor=None)
    version = service_get("pengaduan-infrastruktur")
    pu = Agency.objects.create(code="dinas-pu-test", name="Dinas PU (uji)")
    ServiceVersion.objects.filter(pk=version.pk).update(routing_agency=pu)
    return {"owner": version.agency, "routing": pu}


def _client(secret: str, agencies: list[Agency]) -> str:
    row = api_client_create(name=f"client {secret}", scopes=["cases:intake"], allowed_agencies=agencies,
                            rate_limit_per_minute=0)
    api_key_issue(client=row, secret=secret)
    return secret


def _answers(params: dict[str, str]) -> dict:
    from simpul.catalog.selectors import service_get

    query = QueryDict(mutable=True)
    query.update(params)
    return answers_from_params(service_get("pengaduan-infrastruktur"), query)[0]


def via_api(secret: str, key: str, params: dict[str, str]) -> tuple[int, str]:
    api = APIClient()
    api.credentials(HTTP_X_API_KEY=secret)
    body = {"service": params["service_code"], "answers": _answers(params)}
    if params.get("lat"):
        body["location"] = {"latitude": params["lat"], "longitude": params["long"]}
    response = api.post("/api/v1/cases/", data=json.dumps(body), content_type="application/json",
                        HTTP_IDEMPOTENCY_KEY=key)
    return response.status_code, response.json().get("reference", response.json().get("code", ""))


def via_open311(secret: str, key: str, params: dict[str, str]) -> tuple[int, str]:
    response = APIClient().post("/open311/v2/requests.json", data={**params, "api_key": secret},
                                HTTP_IDEMPOTENCY_KEY=key)
    body = response.json()
    return response.status_code, body[0].get("service_request_id", "") if response.status_code < 300 else ""


DOORS = {"api": via_api, "open311": via_open311}


@pytest.mark.django_db
@pytest.mark.parametrize("door", DOORS)
def test_a_client_limited_to_the_routing_agency_is_accepted_and_the_case_goes_there(door, routed):
    status, reference = DOORS[door](_client("parity-test-routing-key", [routed["routing"]]), str(uuid.uuid4()), PARAMS)
    assert status == 201
    assert Case.objects.get(reference=reference).agency == routed["routing"]


@pytest.mark.django_db
@pytest.mark.parametrize("door", DOORS)
def test_a_client_limited_to_the_owner_only_is_refused_because_the_case_would_go_elsewhere(door, routed):
    status, _ = DOORS[door](_client("parity-test-owner-key", [routed["owner"]]), str(uuid.uuid4()), PARAMS)
    assert status == 403
    assert Case.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("door", DOORS)
def test_a_replay_returns_the_first_case_and_another_body_under_the_same_key_is_422(door, routed):
    secret, key = _client("parity-test-replay-key", [routed["routing"]]), str(uuid.uuid4())
    first = DOORS[door](secret, key, PARAMS)
    again = DOORS[door](secret, key, PARAMS)
    other = DOORS[door](secret, key, {**PARAMS, "description": PARAMS["description"] + " Mohon segera."})
    assert first[0] == 201 and again == (200, first[1])
    assert other[0] == 422
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_one_client_key_is_one_submission_whichever_door_it_uses(routed):
    secret, key = _client("parity-test-cross-key", [routed["routing"]]), str(uuid.uuid4())
    first = via_api(secret, key, PARAMS)
    assert via_open311(secret, key, PARAMS) == (200, first[1])
    changed = {**PARAMS, "description": PARAMS["description"] + " Sudah dua minggu."}
    assert via_open311(secret, key, changed)[0] == 422
    assert Case.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("door", DOORS)
def test_a_key_sent_as_a_structured_field_string_is_the_same_key_as_the_bare_value(door, routed):
    """draft-ietf-httpapi-idempotency-key-header: the header is an sf-string, `"<uuid>"`; many clients send the bare
    value. Both are one key (they made two cases)."""
    secret, key = _client("parity-test-sf-key", [routed["routing"]]), str(uuid.uuid4())
    first = DOORS[door](secret, f'"{key}"', PARAMS)
    assert DOORS[door](secret, key, PARAMS) == (200, first[1])
    assert first[0] == 201 and Case.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("door", DOORS)
def test_a_malformed_structured_field_key_is_refused(door, routed):
    secret = _client("parity-test-bad-sf-key", [routed["routing"]])
    assert DOORS[door](secret, '"unterminated', PARAMS)[0] == 400
    assert Case.objects.count() == 0


@pytest.mark.django_db
def test_the_portal_draft_sent_twice_is_one_case(client, personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from simpul.cases.drafts import (
        draft_attach_documents,
        draft_create,
        draft_submission_replay,
        draft_submit,
    )
    from simpul.cases.tests.factories import PDF_BYTES, VALID_ANSWERS, ktp_service

    version = ktp_service(personas.dukcapil)
    draft = draft_create(version=version, owner=personas.citizen)
    draft.answers = dict(VALID_ANSWERS)
    draft.save()
    assert draft_attach_documents(draft=draft, files={"kk": SimpleUploadedFile("kk.pdf", PDF_BYTES)}) == {}
    key = draft.idempotency_key
    first = draft_submit(draft=draft, applicant=personas.citizen)
    again = draft_submission_replay(service_code=version.service.code, idempotency_key=key, user=personas.citizen)
    assert again is not None and again.replayed and again.case.pk == first.case.pk and again.pin == first.pin
    assert draft_submission_replay(service_code=version.service.code, idempotency_key=key,
                                   user=personas.officer) is None


@pytest.mark.django_db
def test_a_draft_whose_document_came_by_chunked_upload_is_one_case_when_sent_twice(client, personas, settings,
                                                                                  tmp_path):
    """The fourth door: the document arrives in parts (/api/v1/uploads/), then the check page is sent, and sent
    again from a new session (the first answer was lost on the link): one case, with the uploaded file."""
    import hashlib

    from django.test import Client
    from django.urls import reverse

    from simpul.cases.models import Draft
    from simpul.cases.tests.factories import PDF_BYTES, VALID_ANSWERS, ktp_service

    settings.VAR_DIR = tmp_path
    version = ktp_service(personas.dukcapil)
    code = version.service.code
    assert client.get(reverse("cases:apply_start", kwargs={"code": code}) + "?baru=1").status_code == 302
    draft = Draft.objects.latest("id")
    draft.answers = dict(VALID_ANSWERS)
    draft.save()
    sha = hashlib.sha256(PDF_BYTES).hexdigest()
    upload = client.post("/api/v1/uploads/", json.dumps({"filename": "kk.pdf", "size": len(PDF_BYTES), "sha256": sha}),
                         content_type="application/json").json()
    assert upload["chunks"] == 1
    assert client.generic("PUT", f"/api/v1/uploads/{upload['id']}/chunks/0/", PDF_BYTES,
                          content_type="application/octet-stream", HTTP_X_CHUNK_SHA256=sha).status_code == 204
    done = client.post(f"/api/v1/uploads/{upload['id']}/finalize/",
                       json.dumps({"sha256": sha, "draft": draft.token, "document": "kk"}),
                       content_type="application/json")
    assert done.status_code == 200, done.content
    review = reverse("cases:apply_review", kwargs={"code": code, "token": draft.token})
    first = client.post(review, {"idempotency_key": draft.idempotency_key})
    again = Client().post(review, {"idempotency_key": draft.idempotency_key})
    assert first.status_code == 302 and again.status_code == 302 and again["Location"] == first["Location"]
    case = Case.objects.get()
    assert case.agency == version.agency
    assert list(case.documents.values_list("spec_code", "sha256")) == [("kk", sha)]
