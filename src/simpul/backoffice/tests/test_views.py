from __future__ import annotations

import pytest
from django.urls import reverse

from simpul.cases.actions import case_transition
from simpul.cases.intake import case_submit
from simpul.cases.models import Case
from simpul.cases.tests.factories import VALID_ANSWERS, ktp_service, pdf_upload
from simpul.conftest import login
from simpul.core.delivery import outbox_deliver_batch
from simpul.core.models import AuditEntry


@pytest.fixture
def version(personas):
    return ktp_service(personas.dukcapil)


def make_case(version, key="b1", **kw):
    return case_submit(version=version, answers=dict(VALID_ANSWERS), files={"kk": pdf_upload()},
                       idempotency_key=key, **kw).case


def url(name, case, **kw):
    return reverse(f"backoffice:{name}", kwargs={"reference": case.reference, **kw})


def test_worklist_needs_staff_login(client, personas):
    response = client.get(reverse("backoffice:worklist"))
    assert response.status_code == 302
    login(client, personas.citizen)
    assert client.get(reverse("backoffice:worklist")).status_code == 403


def test_officer_sees_own_agency_cases_only(client, personas, version):
    case = make_case(version)
    other_version = ktp_service(personas.dpmptsp, code="izin-lain")
    other_case = make_case(other_version, key="b2")
    login(client, personas.officer)
    page = client.get(reverse("backoffice:worklist"))
    assert case.reference.encode() in page.content and other_case.reference.encode() not in page.content
    assert client.get(url("case_detail", other_case)).status_code == 404
    assert client.get(url("case_detail", case)).status_code == 200


def test_worklist_query_count_does_not_grow_with_cases(client, personas, version, django_assert_max_num_queries):
    for i in range(3):
        make_case(version, key=f"q{i}")
    login(client, personas.officer)
    client.get(reverse("backoffice:worklist"))  # warm caches (content types, sessions)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("backoffice:worklist"))
    for i in range(3, 15):
        make_case(version, key=f"q{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("backoffice:worklist") + "?sort=new")
    assert response.status_code == 200


def test_worklist_filters_overdue_and_assigned(client, personas, version):
    case = make_case(version)
    Case.objects.filter(pk=case.pk).update(due_date="2020-01-02")
    fresh = make_case(version, key="fresh")
    login(client, personas.officer)
    page = client.get(reverse("backoffice:worklist") + "?due=overdue")
    assert case.reference.encode() in page.content and fresh.reference.encode() not in page.content
    client.post(url("case_assign", fresh), {"me": "1", "next": "worklist"})
    page = client.get(reverse("backoffice:worklist") + "?assigned=me")
    assert fresh.reference.encode() in page.content and case.reference.encode() not in page.content


def test_officer_requests_revision_then_approves_and_the_signed_letter_is_issued(client, personas, version):
    case = make_case(version)
    login(client, personas.officer)
    detail = client.get(url("case_detail", case))
    assert b"1606********0001" in detail.content and b"1606014101900001" not in detail.content
    assert client.post(url("case_action", case, action="verify"), {"verify-note": ""}).status_code == 302
    response = client.post(url("case_action", case, action="request_revision"), {"request_revision-note": ""})
    assert response.status_code == 400  # a message is required; nothing changed
    case.refresh_from_db()
    assert case.status == "verifikasi"
    response = client.post(url("case_action", case, action="request_revision"),
                           {"request_revision-note": "Foto KK buram"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "perlu_perbaikan"
    # not allowed now: refused with a message, never a 500
    response = client.post(url("case_action", case, action="approve"), {"approve-note": ""})
    assert response.status_code == 302
    case_transition(case=case, action="resubmit", actor=None, via_pin=True)
    response = client.post(url("case_action", case, action="approve"), {"approve-note": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    case.refresh_from_db()
    assert case.status == "selesai" and case.issued_documents.count() == 1


def test_nik_reveal_and_document_download_are_audited(client, personas, version):
    case = make_case(version)
    login(client, personas.officer)
    response = client.post(url("case_reveal_nik", case))
    assert b"1606014101900001" in response.content
    document = case.documents.get()
    download = client.get(url("case_document", case, document_id=document.pk))
    assert download.status_code == 200
    assert AuditEntry.objects.filter(action="cases.nik_reveal").count() == 1
    assert AuditEntry.objects.filter(action="cases.document_download").count() == 1


def test_other_agency_cannot_download(client, personas, version):
    case = make_case(version)
    login(client, personas.other_officer)
    document = case.documents.get()
    assert client.get(url("case_document", case, document_id=document.pk)).status_code == 404


def test_forward_then_receiving_agency_accepts(client, personas, version):
    case = make_case(version)
    login(client, personas.officer)
    response = client.post(url("case_action", case, action="forward"),
                           {"forward-to_agency": personas.dpmptsp.pk, "forward-note": "Wewenang DPMPTSP"})
    assert response.status_code == 302
    client.logout()
    login(client, personas.other_officer)
    assert client.get(url("case_detail", case)).status_code == 200
    assert client.post(url("case_action", case, action="accept_disposition"), {}).status_code == 302
    case.refresh_from_db()
    assert case.agency == personas.dpmptsp


def test_dashboard_shows_open_and_overdue(client, personas, version):
    case = make_case(version)
    Case.objects.filter(pk=case.pk).update(due_date="2020-01-02")
    login(client, personas.head)
    page = client.get(reverse("backoffice:dashboard"))
    assert page.status_code == 200
    assert b"<title" in page.content


def test_operator_is_sent_to_own_submissions(client, personas, version):
    mine = make_case(version, submitted_by=personas.operator, consent={"given": True})
    login(client, personas.operator)
    response = client.get(reverse("backoffice:worklist"))
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert mine.reference.encode() in page.content


def test_case_screen_shows_the_notification_delivery_log(client, personas, version):
    case = make_case(version, applicant=personas.citizen)
    from simpul.notifications.models import Message

    outbox_deliver_batch()  # the worker renders the submission's notification
    assert Message.objects.filter(case_reference=case.reference).exists()
    login(client, personas.officer)
    html = client.get(url("case_detail", case)).content.decode()
    assert "Pemberitahuan" in html
    message = Message.objects.filter(case_reference=case.reference).first()
    assert message.recipient_display in html
    assert message.recipient not in html or message.recipient == message.recipient_display


def test_case_screen_names_actions_and_notifications_in_words_not_codes(client, personas, version):
    case = make_case(version, applicant=personas.citizen)
    case_transition(case=case, action="verify", actor=personas.officer)
    outbox_deliver_batch()  # the worker renders the notifications
    login(client, personas.officer)
    html = client.get(url("case_detail", case)).content.decode()
    assert "Permohonan diterima" in html and "Mulai pemeriksaan" in html
    assert "case.submitted" not in html and "· submit" not in html and "· verify" not in html


def test_every_notification_event_has_a_name_for_the_delivery_log():
    from simpul.notifications.events import EVENT_LABELS
    from simpul.notifications.reference import EVENTS

    assert set(EVENTS) <= set(EVENT_LABELS)


def test_worklist_past_the_count_cap_says_more_than_and_lists_the_first(client, personas, version, monkeypatch):
    from simpul.backoffice.views import WorklistPaginator

    monkeypatch.setattr(WorklistPaginator, "cap", 2)
    cases = [make_case(version, key=f"cap{i}") for i in range(3)]
    login(client, personas.officer)
    page = client.get(reverse("backoffice:worklist") + "?sort=new")  # the officer's language: Indonesian
    assert b"Lebih dari 2 permohonan" in page.content
    assert cases[2].reference.encode() in page.content and cases[1].reference.encode() in page.content
    assert cases[0].reference.encode() not in page.content
    monkeypatch.setattr(WorklistPaginator, "cap", 3)
    page = client.get(reverse("backoffice:worklist") + "?sort=new")
    assert b"Lebih dari" not in page.content and cases[0].reference.encode() in page.content


def test_worklist_lists_a_case_disposed_to_the_agency_once(client, personas, version):
    from simpul.cases.actions import case_forward

    case = make_case(version)
    case_forward(case=case, actor=personas.officer, to_agency=personas.dpmptsp, reason="wewenang")
    login(client, personas.other_officer)
    page = client.get(reverse("backoffice:worklist"))
    assert page.content.count(f">{case.reference}<".encode()) == 1


@pytest.mark.parametrize("query", [
    "agency=abc", "agency=99999999999999999999", "agency=-1", "status=nonsense", "due=tomorrow", "assigned=x",
    "sort=price", "q=" + "A" * 500,
])
def test_an_edited_worklist_filter_is_an_error_on_the_page_not_a_server_error(client, personas, version, query):
    case = make_case(version)
    login(client, personas.officer)
    response = client.get(reverse("backoffice:worklist") + "?" + query)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Sebagian saringan tidak dapat dipakai" in html and 'class="error-summary"' in html
    assert case.reference in html  # the other filters (here none) still apply: the list is shown


def test_a_worklist_filter_by_one_of_the_officers_agencies_still_works(client, personas, version):
    case = make_case(version)
    login(client, personas.officer)
    response = client.get(reverse("backoffice:worklist") + f"?agency={personas.dukcapil.pk}&status=open")
    assert response.status_code == 200 and case.reference in response.content.decode()
    assert "Sebagian saringan" not in response.content.decode()


@pytest.mark.parametrize("to_user", ["abc", "99999999999999999999", "-5", "1.5", "[1]"])
def test_assigning_to_something_that_is_not_a_colleague_id_is_an_error_on_the_case_page(client, personas, version,
                                                                                         to_user):
    case = make_case(version)
    login(client, personas.officer)
    response = client.post(url("case_assign", case), {"to_user": to_user})
    html = response.content.decode()
    assert response.status_code == 400 and case.reference in html and 'class="errorlist" id="id_to_user_err"' in html
    case.refresh_from_db()
    assert case.assigned_to is None


def test_assigning_to_someone_outside_the_agency_is_refused(client, personas, version):
    case = make_case(version)
    login(client, personas.officer)
    response = client.post(url("case_assign", case), {"to_user": personas.citizen.pk})
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.assigned_to is None
    client.post(url("case_assign", case), {"to_user": personas.officer.pk})
    case.refresh_from_db()
    assert case.assigned_to == personas.officer
