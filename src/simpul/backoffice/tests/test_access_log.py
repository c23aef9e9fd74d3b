"""Reads of personal data in the staff workspace are logged (UU 27/2022): the case page an officer opens, a search
in the worklist (once, not per row), the receipt a village operator prints. Pages without personal data are not."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.urls import reverse

from simpul.cases.intake import case_submit
from simpul.cases.tests.factories import VALID_ANSWERS, ktp_service, pdf_upload
from simpul.conftest import login
from simpul.core.models import AccessDoor, PersonalDataAccess


@pytest.fixture(autouse=True)
def _fast_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def case(personas: Any) -> Any:
    version = ktp_service(personas.dukcapil)
    return case_submit(version=version, answers=dict(VALID_ANSWERS), files={"kk": pdf_upload()},
                       idempotency_key="acc-1", applicant=personas.citizen).case


@pytest.fixture
def operator_case(personas: Any) -> Any:
    version = ktp_service(personas.dukcapil)
    return case_submit(version=version, answers=dict(VALID_ANSWERS), files={"kk": pdf_upload()},
                       idempotency_key="acc-op", submitted_by=personas.operator, consent={"given": True}).case


def test_officer_opening_a_case_page_is_logged_once_with_who_and_where(client: Any, personas: Any, case: Any) -> None:
    login(client, personas.officer)
    response = client.get(reverse("backoffice:case_detail", kwargs={"reference": case.reference}),
                          REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 200
    row = PersonalDataAccess.objects.get()
    assert (row.door, row.actor_id, row.case_id, row.reference, row.ip, row.api_client_id) == (
        AccessDoor.CASE_VIEW, personas.officer.pk, case.pk, case.reference, "203.0.113.9", None)


def test_a_case_another_office_cannot_open_is_not_logged(client: Any, personas: Any, case: Any) -> None:
    login(client, personas.other_officer)
    assert client.get(reverse("backoffice:case_detail", kwargs={"reference": case.reference})).status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_worklist_search_is_logged_once_with_the_term_protected(client: Any, personas: Any, case: Any) -> None:
    from simpul.core.services import search_term_hash

    login(client, personas.officer)
    term = case.reference[:8]
    response = client.get(reverse("backoffice:worklist"), {"q": term, "status": "all"})
    assert response.status_code == 200 and case.reference.encode() in response.content
    row = PersonalDataAccess.objects.get()
    assert (row.door, row.actor_id, row.case_id, row.reference) == (AccessDoor.SEARCH, personas.officer.pk, None, "")
    assert row.term == term and row.term_hash == search_term_hash(term.lower())
    with connection.cursor() as cursor:
        cursor.execute("SELECT term FROM core_personaldataaccess")
        (stored,) = cursor.fetchone()
    assert term not in stored  # encrypted at rest, like a NIK


def test_pages_without_personal_data_are_not_logged(client: Any, personas: Any, case: Any) -> None:
    login(client, personas.officer)
    assert client.get(reverse("backoffice:worklist")).status_code == 200  # no search: nothing to log
    assert client.get(reverse("backoffice:dashboard")).status_code == 200
    assert not PersonalDataAccess.objects.exists()


def test_operator_printing_a_receipt_is_logged(client: Any, personas: Any, operator_case: Any) -> None:
    login(client, personas.operator)
    response = client.get(f"/kantor/desa/{operator_case.reference}/tanda-terima.pdf?kertas=58mm")
    assert response.status_code == 200 and response.content[:4] == b"%PDF"
    row = PersonalDataAccess.objects.get()
    assert (row.door, row.actor_id, row.reference) == (AccessDoor.RECEIPT, personas.operator.pk,
                                                        operator_case.reference)


def test_platform_admin_reads_the_access_log_in_the_admin_and_cannot_change_it(
    client: Any, personas: Any, case: Any
) -> None:
    login(client, personas.officer)
    client.get(reverse("backoffice:case_detail", kwargs={"reference": case.reference}))
    row = PersonalDataAccess.objects.get()
    login(client, personas.admin)
    changelist = client.get(reverse("admin:core_personaldataaccess_changelist"))
    assert changelist.status_code == 200 and case.reference.encode() in changelist.content
    assert client.get(reverse("admin:core_personaldataaccess_change", args=[row.pk])).status_code == 200
    assert client.get(reverse("admin:core_personaldataaccess_add")).status_code == 403
    assert client.post(reverse("admin:core_personaldataaccess_delete", args=[row.pk]), {"post": "yes"}).status_code \
        == 403
    assert PersonalDataAccess.objects.count() == 1
    login(client, personas.officer)
    refused = client.get(reverse("admin:core_personaldataaccess_changelist"))  # not an admin-site user
    assert refused.status_code == 302 and refused["Location"].startswith(reverse("admin:login"))
