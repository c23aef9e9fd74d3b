"""The officer's worklist, case screen, actions and forwarding (issue 16 §2): tabs with counts, the form's own
names, the next action first, verify-and-decide in one post, previews drawn on the server, forwarding only to
offices that handle cases and the receiving office's own view."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from simpul.agencies.models import Agency, AgencyKind
from simpul.cases.actions import available_actions, case_assign, case_forward, perform
from simpul.cases.constants import CaseAction, CaseStatus
from simpul.cases.intake import case_submit
from simpul.cases.models import Case
from simpul.cases.selectors import worklist_counts
from simpul.cases.tests.factories import PDF_BYTES, VALID_ANSWERS, ktp_service, pdf_upload
from simpul.conftest import login
from simpul.core.actors import Actor
from simpul.core.models import AuditEntry, OutboxMessage


@pytest.fixture
def version(personas):
    return ktp_service(personas.dukcapil)


def make_case(version, key="cw1"):
    return case_submit(version=version, answers=dict(VALID_ANSWERS), files={"kk": pdf_upload()},
                       idempotency_key=key).case


def url(name, case, **kw):
    return reverse(f"backoffice:{name}", kwargs={"reference": case.reference, **kw})


# -- worklist -----------------------------------------------------------------------------------------------------


def test_tab_counts_come_from_one_aggregate_query(personas, version):
    mine, _other, overdue = (make_case(version, key=f"t{i}") for i in range(3))
    case_assign(case=mine, actor=personas.officer, to_user=personas.officer)
    Case.objects.filter(pk=overdue.pk).update(due_date="2020-01-02")
    with CaptureQueriesContext(connection) as queries:
        counts = worklist_counts(personas.officer)
    assert counts == {"all": 3, "waiting": 3, "mine": 1, "overdue": 1}
    assert len([q for q in queries.captured_queries if 'FROM "cases_case"' in q["sql"]]) == 1


def test_tabs_are_links_with_counts_and_the_applied_one_is_current(client, personas, version):
    mine = make_case(version, key="l1")
    make_case(version, key="l2")
    case_assign(case=mine, actor=personas.officer, to_user=personas.officer)
    login(client, personas.officer)
    page = client.get(reverse("backoffice:worklist") + "?assigned=me").content.decode()
    assert re.search(r'<a href="\?assigned=me" aria-current="page">Milik saya <span class="count">1</span>', page)
    assert '<a href="?">Semua yang terbuka <span class="count">2</span>' in page
    assert page.count('href="/kantor/perkara/') == 1  # the list shows the tab's cases only


def test_the_clock_stopped_badge_is_apart_from_the_date(client, personas, version):
    case = make_case(version, key="p1")
    perform(case, CaseAction.REQUEST_REVISION, personas.officer, note="Foto buram.")
    login(client, personas.officer)
    page = client.get(reverse("backoffice:worklist") + "?status=all").content.decode()
    assert re.search(r'<span class="date">\d{1,2} \w+ \d{4}</span> <span class="tag">dihentikan</span>', page)


def test_waiting_for_me_leaves_out_what_waits_for_the_applicant_or_another_office(personas, version):
    asked, forwarded, waiting = (make_case(version, key=f"w{i}") for i in range(3))
    perform(asked, CaseAction.REQUEST_REVISION, personas.officer, note="Foto buram.")
    case_forward(case=forwarded, actor=personas.officer, to_agency=personas.dpmptsp, reason="Izin usaha")
    assert worklist_counts(personas.officer)["waiting"] == 1
    assert worklist_counts(personas.other_officer)["waiting"] == 1  # forwarded to them: their next step
    assert waiting.reference


# -- case screen ----------------------------------------------------------------------------------------------------


def test_case_screen_names_documents_by_the_form_and_offers_approve_first(client, personas, version):
    case = make_case(version)
    login(client, personas.officer)
    page = client.get(url("case_detail", case)).content.decode()
    assert "Scan Kartu Keluarga" in page and "<td>kk</td>" not in page
    primary = page.split('class="panel next-action"', 1)[1].split("</section>", 1)[0]
    assert "Setujui" in primary and "“Mulai pemeriksaan” dicatat lebih dulu" in primary
    assert 'class="other-actions"' in page and "Minta pemohon memperbaiki" in page


def test_approve_from_submitted_is_one_post_with_two_recorded_steps_and_one_message(client, personas, version):
    case = make_case(version)
    login(client, personas.officer)
    before = OutboxMessage.objects.count()
    response = client.post(url("case_action", case, action="approve"), {"approve-note": ""})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.SELESAI
    assert list(case.events.order_by("id").values_list("action", flat=True))[-2:] == ["verify", "approve"]
    audited = list(AuditEntry.objects.filter(object_id=str(case.pk), action__startswith="cases.case_")
                   .values_list("action", flat=True))
    assert "cases.case_verify" in audited and "cases.case_approve" in audited
    topics = list(OutboxMessage.objects.order_by("id").values_list("topic", flat=True)[before:])
    assert topics.count("case.approved") == 1 and "case.status_changed" not in topics


def test_a_refused_decision_leaves_the_case_unverified(client, personas, version):
    case = make_case(version)
    login(client, personas.officer)
    response = client.post(url("case_action", case, action="reject"), {"reject-note": ""})
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.status == CaseStatus.DIAJUKAN and not case.events.filter(action="verify").exists()
    assert "Diajukan" in response.content.decode() or "Menunggu" in response.content.decode()


def test_the_history_names_changed_answers_by_the_form_s_labels(client, personas, version):
    case = case_submit(version=version, answers=dict(VALID_ANSWERS), files={"kk": pdf_upload()},
                       idempotency_key="h1", applicant=personas.citizen).case
    perform(case, CaseAction.REQUEST_REVISION, personas.officer, note="Keterangan kurang.")
    perform(Case.objects.get(pk=case.pk), CaseAction.RESUBMIT, personas.citizen,
            answers={**VALID_ANSWERS, "notes": "sudah diperbaiki"}, files={})
    login(client, personas.officer)
    page = client.get(url("case_detail", case)).content.decode()
    assert "Isian yang diubah: Keterangan" in page
    assert "notes" not in page.split('<ol class="history">', 1)[1].split("</ol>", 1)[0]


def test_the_note_field_says_who_reads_it(client, personas, version):
    case = make_case(version)
    login(client, personas.officer)
    page = client.get(url("case_detail", case)).content.decode()
    assert "Pesan untuk pemohon (wajib)" in page  # a revision request and a rejection reach the applicant
    assert "Siapa yang akan membaca catatan ini?" in page  # forwarding: the officer chooses


# -- previews -------------------------------------------------------------------------------------------------------


def test_a_pdf_is_previewed_as_a_png_drawn_on_the_server_and_the_read_is_recorded(client, personas, version):
    case = make_case(version)
    document = case.documents.get()
    login(client, personas.officer)
    page = client.get(url("case_document_view", case, document_id=document.pk))
    assert page.status_code == 200 and "Halaman 1 dari" not in page.content.decode()  # one page: no pager
    response = client.get(url("case_document_preview", case, document_id=document.pk, number=1))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    body = response.content
    assert body.startswith(b"\x89PNG") and PDF_BYTES not in body
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    entry = AuditEntry.objects.filter(action="cases.document_download", object_id=str(case.pk)).last()
    assert entry is not None and entry.changes["preview_page"] == 1
    missing = client.get(url("case_document_preview", case, document_id=document.pk, number=2))
    assert missing.status_code == 404


# -- forwarding ------------------------------------------------------------------------------------------------------


def test_forward_offers_only_offices_that_handle_cases_by_full_name_sorted(client, personas, version):
    Agency.objects.create(code="rumah-dinas-sekda", name="Rumah Dinas Sekda", short_name="Rumdin Sekda",
                          kind=AgencyKind.OTHER, handles_cases=False)
    Agency.objects.create(code="bpbd", name="Badan Penanggulangan Bencana Daerah", short_name="BPBD",
                          kind=AgencyKind.BADAN)
    case = make_case(version)
    login(client, personas.officer)
    page = client.get(url("case_detail", case)).content.decode()
    select = page.split('name="forward-to_agency"', 1)[1].split("</select>", 1)[0]
    assert "Rumah Dinas" not in select and "Rumdin" not in select and "BPBD" not in select
    assert '<optgroup label="Badan">' in select and "Badan Penanggulangan Bencana Daerah" in select
    dinas = re.findall(r">(Dinas [^<]+)<", select)
    assert dinas == sorted(dinas) and "Dinas Komunikasi dan Informatika" in dinas
    residence = Agency.objects.get(code="rumah-dinas-sekda")
    response = client.post(url("case_action", case, action="forward"),
                           {"forward-to_agency": residence.pk, "forward-note": "x"})
    assert response.status_code == 400 and not case.dispositions.exists()


def test_the_receiving_office_sees_it_forwarded_to_them_and_accepts_or_returns(client, personas, version):
    case = make_case(version)
    case_forward(case=case, actor=personas.officer, to_agency=personas.dpmptsp, reason="Izin usaha")
    login(client, personas.officer)
    sender = client.get(url("case_detail", case)).content.decode()
    assert "Diteruskan ke DPMTSP dan ULP" in sender and "Diteruskan kepada kami" not in sender
    login(client, personas.other_officer)
    receiver = client.get(url("case_detail", case)).content.decode()
    assert "Diteruskan kepada kami oleh Dinas Administrasi Kependudukan dan Pencatatan Sipil" in receiver
    primary = receiver.split('class="panel next-action"', 1)[1].split("</section>", 1)[0]
    assert "Terima permohonan yang diteruskan" in primary
    assert "Alasan mengembalikan (wajib)" in receiver
    worklist = client.get(reverse("backoffice:worklist")).content.decode()
    assert "Diteruskan kepada kami" in worklist
    case.refresh_from_db()
    actions = [a.action for a in available_actions(case, Actor.of(personas.other_officer))]
    assert actions[:2] == [CaseAction.ACCEPT_DISPOSITION, CaseAction.RETURN_DISPOSITION]
