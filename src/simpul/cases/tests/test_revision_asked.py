"""A revision request that names answers and documents: the applicant's correction form asks only those, with the
officer's message, and shows the rest read-only; a request that names nothing shows everything, as before."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from simpul.cases.actions import case_request_revision, case_transition
from simpul.cases.answers import answers_in_clear
from simpul.cases.intake import case_submit
from simpul.cases.models import CaseEvent
from simpul.cases.tests.factories import png_upload
from simpul.conftest import login

DATA = Path(__file__).resolve().parents[2] / "catalog" / "data" / "musi-banyuasin"
NIK, KK, PHONE = "1606014101900001", "1606011503200001", "081234567890"
ANSWERS = {"nik": NIK, "full_name": "Siti Aminah", "kk_number": KK, "village": "16.06.01.2001",
           "address": "Jl. Merdeka RT 02", "phone": PHONE, "reason": "damaged"}
MESSAGE = "Alamat kurang lengkap dan foto KK buram."


@pytest.fixture
def verified(personas):
    from simpul.catalog.services import service_import_yaml

    version = service_import_yaml(text=(DATA / "ktp-el-penggantian.yaml").read_text(), actor=None).current_version
    result = case_submit(version=version, answers=dict(ANSWERS), files={"kk": png_upload("kk.png")},
                         idempotency_key="asked")
    case_transition(case=result.case, action="verify", actor=personas.officer)
    holder = Client()
    assert holder.post(reverse("cases:track"), {"reference": result.case.reference, "pin": result.pin}).status_code == 302
    return result.case, holder


def _revise_url(case):
    return reverse("cases:track_revise", kwargs={"reference": case.reference})


def test_officer_names_answers_and_documents_in_the_back_office(client, personas, verified):
    case, _holder = verified
    login(client, personas.officer)
    detail = client.get(reverse("backoffice:case_detail", kwargs={"reference": case.reference})).content.decode()
    assert 'name="request_revision-fields_asked" value="address"' in detail
    assert 'name="request_revision-documents_asked" value="kk"' in detail
    response = client.post(reverse("backoffice:case_action", kwargs={"reference": case.reference,
                                                                    "action": "request_revision"}),
                           {"request_revision-note": MESSAGE, "request_revision-fields_asked": ["address"],
                            "request_revision-documents_asked": ["kk"]})
    assert response.status_code == 302
    event = CaseEvent.objects.get(case=case, action="request_revision")
    assert (event.data["asked_fields"], event.data["asked_documents"]) == (["address"], ["kk"])


def test_unknown_names_are_refused(personas, verified):
    case, _holder = verified
    with pytest.raises(ValidationError):
        case_request_revision(case=case, actor=personas.officer, message=MESSAGE, fields=["shoe_size"])


def test_correction_form_asks_only_what_the_officer_asked(personas, verified):
    case, holder = verified
    case_request_revision(case=case, actor=personas.officer, message=MESSAGE, fields=["address"], documents=["kk"])
    body = holder.get(_revise_url(case)).content.decode()
    assert MESSAGE in body
    assert 'name="pemohon-address"' in body
    for other in ("pemohon-full_name", "pemohon-nik", "pemohon-phone", "alasan-reason"):
        assert f'name="{other}"' not in body, other
    assert 'name="kk"' in body and 'name="police_report"' not in body
    assert "Yang tetap seperti yang Anda kirim" in body
    assert "Siti Aminah" in body  # read-only
    assert NIK not in body and PHONE not in body and "1606********0001" in body  # personal answers stay masked

    response = holder.post(_revise_url(case), {"pemohon-address": "Jl. Merdeka RT 02 RW 01, Dusun I",
                                               "kk": png_upload("kk-jelas.png")})
    assert response.status_code == 302, response.content.decode()[:3000]
    case.refresh_from_db()
    answers = answers_in_clear(case)
    assert case.status == "verifikasi"
    assert answers["address"] == "Jl. Merdeka RT 02 RW 01, Dusun I"
    assert {k: answers[k] for k in ("nik", "full_name", "phone", "reason")} == {
        "nik": NIK, "full_name": "Siti Aminah", "phone": PHONE, "reason": "damaged"}
    resubmitted = CaseEvent.objects.get(case=case, action="resubmit")
    assert resubmitted.data["changed_fields"] == ["address"]


def test_documents_only_request_shows_no_answers_to_change(personas, verified):
    case, holder = verified
    case_request_revision(case=case, actor=personas.officer, message=MESSAGE, documents=["kk"])
    body = holder.get(_revise_url(case)).content.decode()
    assert 'name="kk"' in body and 'name="pemohon-' not in body and 'name="alasan-' not in body


def test_request_without_names_shows_every_answer(personas, verified):
    case, holder = verified
    case_request_revision(case=case, actor=personas.officer, message=MESSAGE)
    body = holder.get(_revise_url(case)).content.decode()
    for name in ("pemohon-full_name", "pemohon-nik", "pemohon-address", "alasan-reason"):
        assert f'name="{name}"' in body, name
    assert 'name="police_report"' in body or 'name="damaged_card_photo"' in body
    assert "Yang tetap seperti yang Anda kirim" not in body
