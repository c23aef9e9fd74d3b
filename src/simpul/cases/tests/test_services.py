from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from simpul.cases import actions, privacy
from simpul.cases.actions import (
    case_approve,
    case_assign,
    case_forward,
    case_request_revision,
    case_resubmit,
    case_transition,
    disposition_accept,
)
from simpul.cases.constants import CaseStatus
from simpul.cases.intake import case_submit
from simpul.cases.models import Case, CaseDocument, CaseEvent, Disposition
from simpul.cases.reference_numbers import normalise_reference, pin_matches
from simpul.cases.tests.factories import VALID_ANSWERS, jpeg_with_exif, ktp_service, pdf_upload, png_upload
from simpul.cases.workflow import TransitionNotAllowed
from simpul.core.calendar import add_working_days
from simpul.core.models import AuditEntry, OutboxMessage


@pytest.fixture
def version(personas):
    return ktp_service(personas.dukcapil)


def submit(version, personas, key="k-1", **kw):
    return case_submit(version=version, answers=dict(VALID_ANSWERS), files={"kk": pdf_upload()},
                       applicant=personas.citizen, idempotency_key=key, **kw)


def test_submit_creates_case_with_reference_pin_due_date_event_audit_and_outbox(version, personas):
    outbox_before = OutboxMessage.objects.count()
    result = submit(version, personas)
    case = result.case
    assert normalise_reference(case.reference) == case.reference
    assert len(result.pin) == 6 and pin_matches(case.reference, result.pin, case.pin_hash)
    assert case.status == CaseStatus.DIAJUKAN
    assert case.agency == personas.dukcapil
    assert case.due_date == add_working_days(timezone.localdate(), 3)
    assert case.desa_id == "16.06.01.2001" and case.kecamatan_code == "16.06.01"
    assert case.applicant_name == "Siti Warga"
    # NIK is never stored in clear
    assert "1606014101900001" not in str(case.form_data) and case.nik_hash
    assert case.events.get().to_status == CaseStatus.DIAJUKAN
    assert AuditEntry.objects.filter(action="cases.case_submit", object_id=str(case.pk)).exists()
    assert OutboxMessage.objects.count() > outbox_before
    document = case.documents.get()
    assert document.spec_code == "kk" and len(document.sha256) == 64
    assert default_storage.exists(document.stored_name)
    assert "kk" not in document.stored_name


def test_same_idempotency_key_gives_one_case_and_the_same_pin(version, personas):
    first = submit(version, personas, key="same")
    second = submit(version, personas, key="same")
    assert second.replayed and second.case.pk == first.case.pk and second.pin == first.pin
    assert Case.objects.count() == 1


def test_invalid_answers_raise_with_every_error_and_nothing_is_stored(version, personas):
    answers = {**VALID_ANSWERS, "nik": "123", "reason": ""}
    with pytest.raises(ValidationError) as info:
        case_submit(version=version, answers=answers, files={}, applicant=personas.citizen, idempotency_key="x")
    errors = info.value.message_dict
    assert {"nik", "reason", "kk"} <= set(errors)
    assert Case.objects.count() == 0


def test_forbidden_file_type_is_refused_with_its_name(version, personas):
    fake = SimpleUploadedFile("kk.pdf", b"MZ\x90\x00 this is an exe", content_type="application/pdf")
    with pytest.raises(ValidationError) as info:
        case_submit(version=version, answers=dict(VALID_ANSWERS), files={"kk": fake}, applicant=personas.citizen,
                    idempotency_key="x")
    assert "kk.pdf" in " ".join(info.value.message_dict["kk"])


def test_oversized_file_is_refused_with_the_limit(version, personas, settings):
    settings.UPLOAD_MAX_BYTES = 100
    with pytest.raises(ValidationError) as info:
        case_submit(version=version, answers=dict(VALID_ANSWERS), files={"kk": png_upload("big.png")},
                    applicant=personas.citizen, idempotency_key="x")
    message = " ".join(info.value.message_dict["kk"])
    assert "big.png" in message and "KB" in message


def test_images_are_reencoded_without_metadata(version, personas):
    upload = SimpleUploadedFile("foto.jpg", jpeg_with_exif(), content_type="image/jpeg")
    case = case_submit(version=version, answers=dict(VALID_ANSWERS), files={"kk": upload},
                       applicant=personas.citizen, idempotency_key="img").case
    document = case.documents.get()
    with default_storage.open(document.stored_name) as handle, Image.open(handle) as image:
        assert not image.getexif()


def test_decompression_bomb_is_refused(version, personas, monkeypatch):
    from simpul.cases import documents

    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    with pytest.raises(ValidationError) as info:
        case_submit(version=version, answers=dict(VALID_ANSWERS), files={"kk": png_upload("bom.png")},
                    applicant=personas.citizen, idempotency_key="bomb")
    assert "bom.png" in " ".join(info.value.message_dict["kk"])
    assert documents.MAX_IMAGE_PIXELS > 100


def test_operator_cannot_submit_for_another_village(version, personas):
    answers = {**VALID_ANSWERS, "village": "16.06.02.2001"}
    with pytest.raises(ValidationError) as info:
        case_submit(version=version, answers=answers, files={"kk": pdf_upload()}, applicant=None,
                    submitted_by=personas.operator, consent={"given": True}, idempotency_key="op")
    assert "__all__" in info.value.message_dict


def test_operator_needs_consent(version, personas):
    with pytest.raises(ValidationError) as info:
        case_submit(version=version, answers=dict(VALID_ANSWERS), files={"kk": pdf_upload()},
                    submitted_by=personas.operator, idempotency_key="op")
    assert "consent" in info.value.message_dict
    result = case_submit(version=version, answers=dict(VALID_ANSWERS), files={"kk": pdf_upload()},
                         submitted_by=personas.operator, consent={"given": True}, idempotency_key="op")
    assert result.case.submitted_by == personas.operator and result.case.channel == "web"


def test_business_service_needs_a_business_account(personas):
    version = ktp_service(personas.dpmptsp, code="izin-reklame", audience="business")
    with pytest.raises(ValidationError):
        submit(version, personas)


def test_core_path_revision_resubmit_approve(version, personas):
    case = submit(version, personas).case
    officer = personas.officer
    case_transition(case=case, action="verify", actor=officer)
    case_request_revision(case=case, actor=officer, message="Foto KK buram, unggah ulang.")
    case.refresh_from_db()
    assert case.status == CaseStatus.PERLU_PERBAIKAN and case.paused_since is not None
    with pytest.raises(TransitionNotAllowed):
        case_approve(case=case, actor=officer)
    case_resubmit(case=case, actor=personas.citizen, answers={**VALID_ANSWERS, "notes": "sudah diperbaiki"},
                  files={"kk": png_upload("kk-baru.png")})
    case.refresh_from_db()
    assert case.status == CaseStatus.VERIFIKASI and case.revision_round == 1 and case.paused_since is None
    assert list(case.documents.values_list("round", flat=True)) == [0, 1]
    resubmit_event = case.events.get(action="resubmit")
    assert resubmit_event.data["previous_answers"]["notes"] == "KTP patah"
    case_approve(case=case, actor=officer, result_file=pdf_upload("hasil.pdf"))
    case.refresh_from_db()
    assert case.status == CaseStatus.SELESAI and case.closed_at is not None
    assert case.documents.filter(is_result=True).count() == 1


def test_sla_clock_pauses_while_waiting_for_the_applicant(version, personas, monkeypatch):
    case = submit(version, personas).case
    case_transition(case=case, action="verify", actor=personas.officer)
    due = Case.objects.get(pk=case.pk).due_date
    monday = dt.date(2026, 11, 2)
    monkeypatch.setattr(actions, "_today", lambda: monday)
    case_request_revision(case=case, actor=personas.officer, message="Lengkapi")
    monkeypatch.setattr(actions, "_today", lambda: monday + dt.timedelta(days=2))  # Wednesday: 2 working days
    case_resubmit(case=case, actor=personas.citizen, answers=dict(VALID_ANSWERS), files={})
    case.refresh_from_db()
    assert case.sla_paused_days == 2
    assert case.due_date == add_working_days(due, 2)


def test_note_is_required_for_revision_and_rejection(version, personas):
    case = submit(version, personas).case
    case_transition(case=case, action="verify", actor=personas.officer)
    with pytest.raises(ValidationError):
        case_request_revision(case=case, actor=personas.officer, message="  ")
    with pytest.raises(ValidationError):
        actions.case_reject(case=case, actor=personas.officer, reason="")


def test_other_agency_officer_and_applicant_may_not_act(version, personas):
    case = submit(version, personas).case
    with pytest.raises(TransitionNotAllowed):
        case_transition(case=case, action="verify", actor=personas.other_officer)
    with pytest.raises(TransitionNotAllowed):
        case_transition(case=case, action="verify", actor=personas.citizen)
    assert CaseEvent.objects.filter(case=case).count() == 1


def test_applicant_may_withdraw_before_decision(version, personas):
    case = submit(version, personas).case
    actions.case_withdraw(case=case, actor=personas.citizen)
    case.refresh_from_db()
    assert case.status == CaseStatus.DIBATALKAN


def test_forward_and_accept_moves_the_case_to_the_other_agency(version, personas):
    case = submit(version, personas).case
    disposition = case_forward(case=case, actor=personas.officer, to_agency=personas.dpmptsp, reason="Bukan kami")
    assert disposition.status == "pending"
    with pytest.raises(TransitionNotAllowed):
        disposition_accept(case=case, actor=personas.officer)
    disposition_accept(case=case, actor=personas.other_officer)
    case.refresh_from_db()
    assert case.agency == personas.dpmptsp and case.status == CaseStatus.VERIFIKASI
    assert Disposition.objects.get().status == "accepted"


def test_assign_only_to_members_of_the_agency(version, personas):
    case = submit(version, personas).case
    case_assign(case=case, actor=personas.officer, to_user=personas.head)
    assert Case.objects.get(pk=case.pk).assigned_to == personas.head
    with pytest.raises(ValidationError):
        case_assign(case=case, actor=personas.officer, to_user=personas.other_officer)


def test_approve_issues_the_signed_letter_and_no_unsigned_copy(version, personas):
    case = submit(version, personas).case
    case_transition(case=case, action="verify", actor=personas.officer)
    approved = case_approve(case=case, actor=personas.officer)
    assert approved.status == "selesai"
    assert not CaseDocument.objects.filter(case=case, is_result=True).exists()  # the letter is the issued document
    assert case.issued_documents.count() == 1


def test_nik_reveal_is_audited_and_limited_to_staff(version, personas):
    case = submit(version, personas).case
    assert privacy.case_nik_reveal(case=case, actor=personas.officer) == "1606014101900001"
    assert AuditEntry.objects.filter(action="cases.nik_reveal").count() == 1
    with pytest.raises(TransitionNotAllowed):
        privacy.case_nik_reveal(case=case, actor=personas.other_officer)


def test_anonymise_deletes_documents_and_personal_fields(version, personas, django_capture_on_commit_callbacks):
    case = submit(version, personas).case
    actions.case_withdraw(case=case, actor=personas.citizen)
    stored = case.documents.get().stored_name
    with django_capture_on_commit_callbacks(execute=True):
        privacy.case_anonymise(case=case)
    case.refresh_from_db()
    assert case.applicant_name == "" and case.form_data == {} and case.nik_hash == ""
    assert not default_storage.exists(stored)


def test_complaint_follows_lapor_lifecycle(personas):
    version = ktp_service(personas.dukcapil, code="pengaduan-jalan", kind="pengaduan", workflow="complaint",
                          documents=[])
    case = case_submit(version=version, answers=dict(VALID_ANSWERS), files={}, applicant=personas.citizen,
                       idempotency_key="c1").case
    assert case.status == CaseStatus.DITERIMA and case.workflow == "complaint"
    case_transition(case=case, action="verify", actor=personas.officer)
    case_transition(case=case, action="postpone", actor=personas.officer, note="Menunggu data lapangan")
    case.refresh_from_db()
    assert case.status == CaseStatus.DITUNDA and case.paused_since is not None
    case_transition(case=case, action="resume", actor=personas.officer)
    case_forward(case=case, actor=personas.officer, to_agency=personas.dpmptsp, reason="Wewenang DPMPTSP")
    disposition_accept(case=case, actor=personas.other_officer)
    case.refresh_from_db()
    assert case.status == CaseStatus.DITINDAKLANJUTI and case.agency == personas.dpmptsp
    case_transition(case=case, action="resolve", actor=personas.other_officer, note="Jalan sudah diperbaiki")
    case.refresh_from_db()
    assert case.status == CaseStatus.SELESAI and case.closed_at is not None
    statuses = list(case.events.values_list("to_status", flat=True))
    assert statuses == ["diterima", "terverifikasi", "ditunda", "terverifikasi", "didisposisi", "ditindaklanjuti",
                        "selesai"]


def test_information_request_can_be_extended_once(personas):
    version = ktp_service(personas.dinkominfo, code="ppid", kind="informasi", workflow="information_request",
                          sla_working_days=10, sla_extension_days=7, documents=[])
    case = case_submit(version=version, answers=dict(VALID_ANSWERS), files={}, applicant=personas.citizen,
                       idempotency_key="i1").case
    from simpul.agencies.models import Membership

    Membership.objects.create(user=personas.officer, agency=personas.dinkominfo)
    case_transition(case=case, action="verify", actor=personas.officer)
    case_transition(case=case, action="process", actor=personas.officer)
    before = Case.objects.get(pk=case.pk).due_date
    case_transition(case=case, action="extend", actor=personas.officer, note="Informasi perlu dihimpun dari 3 OPD")
    case.refresh_from_db()
    assert case.status == CaseStatus.DIPERPANJANG and case.due_date == add_working_days(before, 7)
    with pytest.raises(TransitionNotAllowed):
        case_transition(case=case, action="extend", actor=personas.officer, note="lagi")


def test_history_is_append_only_through_the_services(version, personas):
    case = submit(version, personas).case
    first = case.events.get()
    case_transition(case=case, action="verify", actor=personas.officer)
    first.refresh_from_db()
    assert first.to_status == "diajukan" and case.events.count() == 2


def test_business_with_nib_applies_and_the_case_shows_the_nib(personas):
    from simpul.accounts.models import BusinessProfile

    BusinessProfile.objects.create(user=personas.business, business_name="CV Maju Jaya", nib="9120001234567",
                                   kbli_codes=["73100"], address="Jl. Kolonel Wahid Udin, Sekayu", desa=personas.desa)
    version = ktp_service(personas.dpmptsp, code="izin-reklame", audience="business")
    case = case_submit(version=version, answers=dict(VALID_ANSWERS), files={"kk": pdf_upload()},
                       applicant=personas.business, idempotency_key="biz").case
    assert case.business_nib == "9120001234567" and case.agency == personas.dpmptsp
