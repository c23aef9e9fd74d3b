from __future__ import annotations

import base64
import json
import threading
import uuid
from unittest import mock

import pytest
from django.db import connection
from rest_framework.test import APIClient

from simpul.cases.models import Case
from simpul.cases.tests.factories import PDF_BYTES, VALID_ANSWERS, ktp_service
from simpul.clients.services import api_client_create, api_key_issue
from simpul.conftest import login
from simpul.core.models import IdempotencyRecord


@pytest.fixture
def version(personas):
    return ktp_service(personas.dukcapil)


@pytest.fixture
def api(personas):
    client_row = api_client_create(name="Kios desa", scopes=["cases:intake"])
    _key, secret = api_key_issue(client=client_row)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def body(**overrides):
    data = {
        "service": "ktp-el-penggantian",
        "answers": dict(VALID_ANSWERS),
        "documents": [{"code": "kk", "filename": "kk.pdf", "content_base64": base64.b64encode(PDF_BYTES).decode()}],
    }
    data.update(overrides)
    return data


def post(client, data, key):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post("/api/v1/cases/", data=json.dumps(data), content_type="application/json", **headers)


def test_create_then_replay_then_conflict(api, version):
    key = str(uuid.uuid4())
    first = post(api, body(), key)
    assert first.status_code == 201, first.content
    assert first.json()["reference"].startswith("MUBA-") and len(first.json()["pin"]) == 6
    again = post(api, body(), key)
    assert again.status_code == 200 and again.json() == first.json()
    other = post(api, body(answers={**VALID_ANSWERS, "notes": "lain"}), key)
    assert other.status_code == 422
    assert other["Content-Type"].startswith("application/problem+json")
    assert Case.objects.count() == 1


def test_missing_key_is_400(api, version):
    response = post(api, body(), "")
    assert response.status_code == 400 and response.json()["code"] == "idempotency_key_missing"


def test_in_flight_is_409(api, version):
    from django.utils import timezone

    from simpul.cases.intake import submission_fingerprint
    from simpul.clients.models import ApiClient

    client_row = ApiClient.objects.get()
    payload = body()
    raw = json.dumps(payload)
    fingerprint = submission_fingerprint(service_code=payload["service"], answers=payload["answers"],
                                         files={"kk": mock.Mock(content=PDF_BYTES)})
    IdempotencyRecord.objects.create(
        scope=f"client:{client_row.pk}", key="busy", fingerprint=fingerprint,
        state="in_flight", locked_at=timezone.now(), lock_token="x",
        expires_at=timezone.now() + timezone.timedelta(hours=24),
    )
    response = api.post("/api/v1/cases/", data=raw, content_type="application/json", HTTP_IDEMPOTENCY_KEY="busy")
    assert response.status_code == 409


def test_invalid_answers_are_400_with_field_errors_and_key_reusable(api, version):
    key = str(uuid.uuid4())
    response = post(api, body(answers={**VALID_ANSWERS, "nik": "12"}), key)
    assert response.status_code == 400 and "nik" in response.json()["errors"]
    assert post(api, body(), key).status_code == 201


def test_bad_document_is_refused(api, version):
    data = body(documents=[{"code": "kk", "filename": "x.pdf", "content_base64": base64.b64encode(b"MZ..").decode()}])
    response = post(api, data, str(uuid.uuid4()))
    assert response.status_code == 400 and "x.pdf" in json.dumps(response.json())


def test_anonymous_is_401_and_session_user_may_create(client, personas, version):
    anonymous = APIClient()
    assert post(anonymous, body(), "k").status_code in (401, 403)
    session = APIClient()
    login(session, personas.citizen)
    response = post(session, body(), "k-session")
    assert response.status_code == 201
    assert Case.objects.get().applicant == personas.citizen


def test_status_with_pin_header_or_query_and_throttle(api, version):
    created = post(api, body(), str(uuid.uuid4())).json()
    public = APIClient()
    url = f"/api/v1/cases/{created['reference']}/status"
    ok = public.get(url, HTTP_X_CASE_PIN=created["pin"])
    assert ok.status_code == 200 and ok.json()["status"] == "diajukan" and ok.json()["history"]
    assert public.get(url + f"?pin={created['pin']}").status_code == 200
    wrong = f"{(int(created['pin']) + 1) % 1_000_000:06d}"
    for _ in range(5):
        assert public.get(url, HTTP_X_CASE_PIN=wrong).status_code == 404
    assert public.get(url, HTTP_X_CASE_PIN=created["pin"]).status_code == 429


def test_schema_documents_the_cases_operations(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    text = schema.content.decode()
    assert "cases_create" in text and "cases_status" in text and "Idempotency-Key" in text


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_on_postgresql(personas):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    from django.db import close_old_connections

    from simpul.cases.intake import case_submit
    from simpul.cases.tests.factories import pdf_upload

    version = ktp_service(personas.dukcapil)
    results: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(key: str) -> None:
        try:
            result = case_submit(version=version, answers=dict(VALID_ANSWERS), files={"kk": pdf_upload()},
                                 idempotency_key=key, idempotency_scope="test")
            with lock:
                results.append(result.case.reference)
        except BaseException as exc:
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=worker, args=(f"key-{i}",)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:3]
    assert len(set(results)) == 50 and Case.objects.count() == 50

    results.clear()
    threads = [threading.Thread(target=worker, args=("same-key",)) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:3]
    assert len(set(results)) == 1 and Case.objects.filter(idempotency_key="same-key").count() == 1


EVERY_TYPE_FORM = {"pages": [{"key": "p", "fields": [
    {"name": f"f_{kind}", "type": kind, "label_id": kind.capitalize(), **({"choices": [{"value": "a", "label_id": "A"}]}
                                                                         if kind == "choice" else {})}
    for kind in ("text", "textarea", "number", "date", "choice", "yesno", "nik", "kk", "region", "phone", "email")
]}]}
# For each field type, answers of a JSON type that field never takes; a list or an object for every one of them.
WRONG_TYPES = {kind: [["Siti", "Warga"], {"a": 1}, *extra] for kind, extra in {
    "text": [12, True], "textarea": [3.5, False], "number": [True, [1]], "date": [20260101, True],
    "choice": [1, True], "yesno": [1, 0.0], "nik": [1606014101900001, True], "kk": [1606010101900001, False],
    "region": [16.06, True], "phone": [81234567890, True], "email": [1, True],
}.items()}


@pytest.mark.parametrize("kind", sorted(WRONG_TYPES))
def test_an_answer_of_a_type_its_field_never_takes_is_a_400_naming_the_field(api, personas, kind):
    from simpul.catalog.tests.factories import make_service

    make_service(agency=personas.dukcapil, code="semua-jenis", form=EVERY_TYPE_FORM, documents=[])
    for value in WRONG_TYPES[kind]:
        response = post(api, {"service": "semua-jenis", "answers": {f"f_{kind}": value}, "documents": []},
                        str(uuid.uuid4()))
        assert response.status_code == 400, (kind, value, response.content)
        assert response["Content-Type"].startswith("application/problem+json")
        assert list(response.json()["errors"]) == [f"f_{kind}"], (kind, value, response.json())
    assert not Case.objects.exists()


def test_text_answers_given_as_lists_are_refused_not_stored_as_their_repr(api, version):
    response = post(api, body(answers={**VALID_ANSWERS, "full_name": ["Siti", "Warga"], "notes": {"x": "KTP"}}),
                    str(uuid.uuid4()))
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"full_name", "notes"}
    assert response.json()["errors"]["notes"] == ["Jawaban ini harus berupa teks."]
    assert not Case.objects.exists()


def test_answers_of_the_right_types_are_still_accepted(api, personas):
    from simpul.catalog.tests.factories import make_service

    make_service(agency=personas.dukcapil, code="semua-jenis", form=EVERY_TYPE_FORM, documents=[])
    answers = {"f_text": "Siti", "f_number": 4, "f_yesno": True, "f_date": "2026-01-05", "f_choice": "a",
               "f_email": "siti@example.org", "f_region": "16.06.01.2001", "f_phone": "081234567890"}
    response = post(api, {"service": "semua-jenis", "answers": answers, "documents": []}, str(uuid.uuid4()))
    assert response.status_code == 201, response.content
    case = Case.objects.get()
    assert case.form_data["f_number"] == 4 and case.form_data["f_yesno"] == "yes" and case.form_data["f_text"] == "Siti"
