"""Door parity: the same submission through every door (JSON API, Open311, the portal's draft) gets the same
agency decision and the same replay / conflict answer, because every door is an adapter of `cases.intake`."""

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
