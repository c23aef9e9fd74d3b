"""The data subject's right of access (UU 27/2022): the citizen's own data export lists who opened their cases,
by office and time, never the staff member's name; a village operator's receipt print at /lacak/ is logged."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from simpul.cases.actions import case_forward, case_transition
from simpul.cases.intake import case_submit
from simpul.cases.tests.factories import VALID_ANSWERS, ktp_service, pdf_upload
from simpul.conftest import login
from simpul.core.models import AccessDoor, PersonalDataAccess


@pytest.fixture(autouse=True)
def _fast_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_the_citizens_data_export_lists_which_office_opened_their_case_and_when(client: Any, personas: Any) -> None:
    version = ktp_service(personas.dukcapil)
    case = case_submit(version=version, answers=dict(VALID_ANSWERS), files={"kk": pdf_upload()},
                       idempotency_key="subj-1", applicant=personas.citizen).case
    case_transition(case=case, action="verify", actor=personas.officer, note="")
    case_forward(case=case, actor=personas.officer, to_agency=personas.dpmptsp, reason="Bukan wewenang kami")
    page = reverse("backoffice:case_detail", kwargs={"reference": case.reference})
    login(client, personas.officer)
    assert client.get(page).status_code == 200
    login(client, personas.other_officer)  # the office it was forwarded to
    assert client.get(page).status_code == 200
    client.logout()

    login(client, personas.citizen)
    response = client.post(reverse("accounts:my_data"))
    assert response.status_code == 200
    accesses = response.json()["case_access"]
    assert [(a["reference"], a["office"]) for a in accesses] == [
        (case.reference, personas.dukcapil.name), (case.reference, personas.dpmptsp.name)]
    assert all(a["door"] == str(AccessDoor.CASE_VIEW.label) and a["at"] for a in accesses)
    text = response.content.decode()
    assert personas.officer.full_name not in text and personas.other_officer.full_name not in text


def test_another_citizens_export_does_not_list_the_access(client: Any, personas: Any) -> None:
    version = ktp_service(personas.dukcapil)
    case = case_submit(version=version, answers=dict(VALID_ANSWERS), files={"kk": pdf_upload()},
                       idempotency_key="subj-2", applicant=personas.citizen).case
    login(client, personas.officer)
    client.get(reverse("backoffice:case_detail", kwargs={"reference": case.reference}))
    login(client, personas.business)
    assert client.post(reverse("accounts:my_data")).json()["case_access"] == []


def test_operator_printing_the_receipt_at_the_tracking_address_is_logged(client: Any, personas: Any) -> None:
    version = ktp_service(personas.dukcapil)
    case = case_submit(version=version, answers=dict(VALID_ANSWERS), files={"kk": pdf_upload()},
                       idempotency_key="subj-op", submitted_by=personas.operator, consent={"given": True}).case
    login(client, personas.operator)
    response = client.get(reverse("cases:track_receipt", kwargs={"reference": case.reference}))
    assert response.status_code == 200 and response.content[:4] == b"%PDF"
    row = PersonalDataAccess.objects.get()
    assert (row.door, row.actor_id, row.reference) == (AccessDoor.RECEIPT, personas.operator.pk, case.reference)


def test_the_citizen_printing_their_own_receipt_is_not_logged(client: Any, personas: Any) -> None:
    version = ktp_service(personas.dukcapil)
    case = case_submit(version=version, answers=dict(VALID_ANSWERS), files={"kk": pdf_upload()},
                       idempotency_key="subj-own", applicant=personas.citizen).case
    login(client, personas.citizen)
    response = client.get(reverse("cases:track_receipt", kwargs={"reference": case.reference}))
    assert response.status_code == 200
    assert not PersonalDataAccess.objects.exists()


def test_platform_admin_opening_a_case_in_the_admin_is_logged(client: Any, personas: Any) -> None:
    version = ktp_service(personas.dukcapil)
    case = case_submit(version=version, answers=dict(VALID_ANSWERS), files={"kk": pdf_upload()},
                       idempotency_key="subj-admin", applicant=personas.citizen).case
    login(client, personas.admin)
    assert client.get(reverse("admin:cases_case_changelist")).status_code == 200  # the list: no details, no row
    assert not PersonalDataAccess.objects.exists()
    response = client.get(reverse("admin:cases_case_change", args=[case.pk]))
    assert response.status_code == 200 and case.applicant_name.encode() in response.content
    row = PersonalDataAccess.objects.get()
    assert (row.door, row.actor_id, row.reference) == (AccessDoor.CASE_VIEW, personas.admin.pk, case.reference)
    login(client, personas.citizen)
    office = client.post(reverse("accounts:my_data")).json()["case_access"][0]["office"]
    assert office == personas.dinkominfo.name and personas.admin.full_name not in office
