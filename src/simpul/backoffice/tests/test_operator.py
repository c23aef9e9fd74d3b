"""Village-operator mode: the day's applications of the desa, receipts on A6 and 58 mm paper, quick switch of
operator, logout after inactivity; an operator never reads another desa's case; the audit log holds both
identities of an application sent on a citizen's behalf."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from simpul.cases.intake import case_submit
from simpul.cases.tests.factories import VALID_ANSWERS, ktp_service, pdf_upload
from simpul.conftest import PASSWORD, login, make_user, personas, region_tree  # noqa: F401 - shared fixtures
from simpul.core.tests.pdfchecks import assert_accessible_pdf, weasyprint_complaints


@pytest.fixture(autouse=True)
def _fast_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def other_operator(personas: Any, region_tree: Any) -> Any:  # noqa: F811 - the shared fixtures
    from simpul.accounts.models import Role

    return make_user("operator2@test.simpul", Role.VILLAGE_OPERATOR, full_name="Operator Desa Lain",
                     village=region_tree["16.06.02.2001"])


@pytest.fixture
def operator_case(personas: Any) -> Any:  # noqa: F811
    version = ktp_service(personas.dukcapil)
    return case_submit(version=version, answers=dict(VALID_ANSWERS), files={"kk": pdf_upload()},
                       idempotency_key="op-1", submitted_by=personas.operator, consent={"given": True}).case


def test_the_audit_log_holds_the_operator_and_the_citizen(operator_case: Any, personas: Any) -> None:  # noqa: F811
    from simpul.core.models import AuditEntry

    entry = AuditEntry.objects.get(action="cases.case_submit")
    assert entry.actor_id == personas.operator.pk
    assert entry.on_behalf_of and entry.on_behalf_of != personas.operator.full_name
    assert operator_case.consent.get("given") is True


def test_today_lists_the_desa_applications_with_their_states(
    client: Any, operator_case: Any, personas: Any  # noqa: F811
) -> None:
    login(client, personas.operator)
    response = client.get("/kantor/desa/")
    assert response.status_code == 200
    text = response.content.decode()
    assert operator_case.reference in text and operator_case.get_status_display() in text


def test_another_desa_operator_never_reads_the_case(client: Any, operator_case: Any, other_operator: Any) -> None:
    login(client, other_operator)
    assert operator_case.reference not in client.get("/kantor/desa/").content.decode()
    assert client.get(f"/kantor/desa/{operator_case.reference}/tanda-terima.pdf").status_code == 404
    tracking = client.get(f"/lacak/{operator_case.reference}/")  # not theirs: the reference + PIN form
    assert tracking.status_code == 302 and tracking["Location"] == f"/lacak/?ref={operator_case.reference}"


@pytest.mark.parametrize("paper", ["a6", "58mm"])
def test_receipt_prints_on_a6_and_thermal_paper(
    client: Any, operator_case: Any, personas: Any, paper: str  # noqa: F811
) -> None:
    login(client, personas.operator)
    response = client.get(f"/kantor/desa/{operator_case.reference}/tanda-terima.pdf?kertas={paper}")
    assert response.status_code == 200 and response.content[:4] == b"%PDF"
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(response.content)) as pdf:  # a regex over raw streams failed now and then
        assert len(pdf.pages) >= 1
        width_mm = float(pdf.pages[0].mediabox[2] - pdf.pages[0].mediabox[0]) / 72 * 25.4
    assert round(width_mm) == (105 if paper == "a6" else 58)


@pytest.mark.parametrize("paper", ["a6", "58mm"])
def test_the_printed_receipt_is_an_accessible_pdf_named_after_the_case_kind(
    client: Any, operator_case: Any, personas: Any, paper: str, caplog: pytest.LogCaptureFixture  # noqa: F811
) -> None:
    login(client, personas.operator)
    response = client.get(f"/kantor/desa/{operator_case.reference}/tanda-terima.pdf?kertas={paper}")
    assert weasyprint_complaints(caplog) == []
    facts = assert_accessible_pdf(response.content, title=f"Tanda terima permohonan {operator_case.reference}",
                                  lang="id")
    assert facts.text.startswith("Tanda terima permohonan Kabupaten Musi Banyuasin")
    assert "Pemohon Siti Warga" in facts.text and "Dikirim oleh operator desa" in facts.text


def test_other_roles_do_not_get_operator_pages(client: Any, personas: Any) -> None:  # noqa: F811
    login(client, personas.officer)
    assert client.get("/kantor/desa/").status_code == 404


def test_switch_operator_logs_the_next_one_in_and_a_wrong_code_logs_nobody_out(
    client: Any, personas: Any, other_operator: Any  # noqa: F811
) -> None:
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=other_operator, name="default", confirmed=True)
    login(client, personas.operator)
    wrong = client.post("/kantor/desa/ganti/", {"email": other_operator.email, "password": PASSWORD,
                                                 "token": "000000"})
    assert wrong.status_code == 400
    assert client.get("/kantor/desa/").wsgi_request.user == personas.operator
    device.refresh_from_db()
    device.throttle_reset()  # django-otp slows down the next try after a wrong code
    token = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    right = client.post("/kantor/desa/ganti/", {"email": other_operator.email, "password": PASSWORD,
                                                 "token": token})
    assert right.status_code == 302
    assert client.get("/kantor/desa/").wsgi_request.user == other_operator


def test_an_idle_operator_is_logged_out(client: Any, personas: Any, settings: Any) -> None:  # noqa: F811
    settings.SIMPUL_OPERATOR_IDLE_MINUTES = 15
    login(client, personas.operator)
    assert client.get("/kantor/desa/").status_code == 200
    session = client.session
    session["operator_seen"] = timezone.now().timestamp() - 16 * 60
    session.save()
    response = client.get("/kantor/desa/")
    assert response.status_code == 302 and "/akun/masuk/" in response["Location"]
    assert response["Clear-Site-Data"] == '"cache"'
    assert not client.get("/kantor/desa/").wsgi_request.user.is_authenticated


def _operator_draft(personas: Any) -> Any:  # noqa: F811
    from simpul.cases.drafts import draft_attach_documents, draft_create, draft_update_answers

    version = ktp_service(personas.dukcapil)
    draft = draft_create(version=version, owner=personas.operator)
    draft_update_answers(draft=draft, answers=dict(VALID_ANSWERS))
    assert draft_attach_documents(draft=draft, files={"kk": pdf_upload()}) == {}
    return draft


def _jpeg() -> Any:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (200, 280), (250, 250, 250)).save(out, format="JPEG")
    return SimpleUploadedFile("persetujuan.jpg", out.getvalue(), content_type="image/jpeg")


def test_the_photo_of_the_signed_consent_form_sent_with_the_application_is_a_document_the_officer_sees(
    client: Any, personas: Any  # noqa: F811
) -> None:
    from django.test import Client

    from simpul.cases.constants import CONSENT_DOCUMENT
    from simpul.cases.models import Case

    draft = _operator_draft(personas)
    login(client, personas.operator)
    url = f"/layanan/{draft.service_version.service.code}/ajukan/{draft.token}/periksa/"
    response = client.post(url, {"idempotency_key": draft.idempotency_key, "consent": "on",
                                 "consent_photo": _jpeg()})
    assert response.status_code == 302, response.content[:2000]
    case = Case.objects.get()
    assert case.consent == {"given": True, "by": "operator"}
    photo = case.documents.get(spec_code=CONSENT_DOCUMENT)
    assert photo.content_type == "image/jpeg" and photo.uploaded_by_id == personas.operator.pk
    officer = Client()
    login(officer, personas.officer)
    page = officer.get(f"/kantor/perkara/{case.reference}/").content.decode()
    assert "Formulir persetujuan yang ditandatangani" in page
    assert f"/kantor/perkara/{case.reference}/dokumen/{photo.pk}/" in page
    assert officer.get(f"/kantor/perkara/{case.reference}/dokumen/{photo.pk}/").status_code == 200


def test_a_consent_photo_that_is_not_an_image_or_pdf_is_refused_and_nothing_is_sent(
    client: Any, personas: Any  # noqa: F811
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from simpul.cases.models import Case

    draft = _operator_draft(personas)
    login(client, personas.operator)
    url = f"/layanan/{draft.service_version.service.code}/ajukan/{draft.token}/periksa/"
    response = client.post(url, {"idempotency_key": draft.idempotency_key, "consent": "on",
                                 "consent_photo": SimpleUploadedFile("x.exe", b"MZ" + b"\0" * 100)})
    assert response.status_code == 400 and "x.exe" in response.content.decode()
    assert Case.objects.count() == 0



def _sent_by_the_review_page(client: Any, personas: Any, **service: Any) -> Any:  # noqa: F811
    """An application the operator sends through the check page, so the session holds its PIN."""
    from simpul.cases.drafts import draft_attach_documents, draft_create, draft_update_answers
    from simpul.cases.models import Case

    version = ktp_service(personas.dukcapil, **service)
    draft = draft_create(version=version, owner=personas.operator)
    draft_update_answers(draft=draft, answers={**VALID_ANSWERS, **service.get("answers_override", {})})
    assert draft_attach_documents(draft=draft, files={"kk": pdf_upload()}) == {}
    login(client, personas.operator)
    response = client.post(f"/layanan/{version.service.code}/ajukan/{draft.token}/periksa/",
                           {"idempotency_key": draft.idempotency_key, "consent": "on"})
    assert response.status_code == 302, response.content[:2000]
    return Case.objects.get(), response["Location"]


LONG_NAME = "Siti Aminah binti Muhammad Abdurrahman Wahid Nasution Harahap Siregar Lubis"
LONG_SERVICE = "Penggantian KTP-el karena hilang, rusak, atau perubahan data kependudukan di luar domisili"


@pytest.mark.parametrize("paper", ["a6", "58mm"])
def test_the_printed_receipt_fits_on_one_page_with_the_pin_and_long_names(
    client: Any, personas: Any, paper: str  # noqa: F811
) -> None:
    import io

    import pikepdf

    from simpul.cases.models import Case

    case, _done = _sent_by_the_review_page(client, personas, name_id=LONG_SERVICE)
    Case.objects.filter(pk=case.pk).update(applicant_name=LONG_NAME)
    response = client.get(f"/kantor/desa/{case.reference}/tanda-terima.pdf?kertas={paper}")
    with pikepdf.open(io.BytesIO(response.content)) as pdf:
        assert len(pdf.pages) == 1
    facts = assert_accessible_pdf(response.content, title=f"Tanda terima permohonan {case.reference}", lang="id")
    pin = client.session["cases_pins"][case.reference]
    assert f"PIN {pin}" in facts.text and LONG_NAME in facts.text and LONG_SERVICE in facts.text


def test_references_on_todays_list_link_to_the_application_page(
    client: Any, operator_case: Any, personas: Any  # noqa: F811
) -> None:
    login(client, personas.operator)
    page = client.get("/kantor/desa/").content.decode()
    assert f'<a class="ref" href="/kantor/desa/{operator_case.reference}/">{operator_case.reference}</a>' in page
    assert "belum dilampirkan" in page  # the consent form's photo is not attached yet


def test_todays_list_costs_the_same_queries_for_one_or_many_applications(
    client: Any, personas: Any, django_assert_num_queries: Any  # noqa: F811
) -> None:
    version = ktp_service(personas.dukcapil)
    for key in ("a", "b", "c"):
        case_submit(version=version, answers=dict(VALID_ANSWERS), files={"kk": pdf_upload()},
                    idempotency_key=f"day-{key}", submitted_by=personas.operator, consent={"given": True})
    login(client, personas.operator)
    client.get("/kantor/desa/")
    with django_assert_num_queries(QUERIES_TODAY):
        page = client.get("/kantor/desa/")
    assert page.content.decode().count('class="ref"') == 3


QUERIES_TODAY = 8


def test_the_application_page_shows_its_state_and_messages_but_never_internal_notes(
    client: Any, operator_case: Any, personas: Any  # noqa: F811
) -> None:
    from simpul.cases.history import event_record
    from simpul.core.models import PersonalDataAccess

    event_record(operator_case, action="note", actor=personas.officer, public_note="Mohon bawa KK asli.")
    event_record(operator_case, action="note", actor=personas.officer, internal_note="Cek ulang, curiga ganda.",
                 visible=False)
    login(client, personas.operator)
    response = client.get(f"/kantor/desa/{operator_case.reference}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert operator_case.reference in page and "Siti Warga" in page and operator_case.get_status_display() in page
    assert "Mohon bawa KK asli." in page
    assert "curiga ganda" not in page and "Petugas Dukcapil" not in page
    assert f"/kantor/desa/{operator_case.reference}/persetujuan.pdf" in page
    assert f"/kantor/desa/{operator_case.reference}/tanda-terima.pdf" in page
    assert 'href="/kantor/desa/ajukan/">Warga berikutnya</a>' in page
    assert PersonalDataAccess.objects.filter(actor=personas.operator, door="case_view").count() == 1


def test_an_operator_never_opens_another_villages_or_another_operators_application(
    client: Any, operator_case: Any, other_operator: Any, personas: Any  # noqa: F811
) -> None:
    from simpul.accounts.models import Role

    same_village = make_user("operator3@test.simpul", Role.VILLAGE_OPERATOR, full_name="Operator Kedua",
                             village=personas.desa)
    for user in (other_operator, same_village):
        login(client, user)
        for path in ("/", "/persetujuan.pdf", "/tanda-terima.pdf"):
            assert client.get(f"/kantor/desa/{operator_case.reference}{path}").status_code == 404, (user, path)
    login(client, personas.officer)  # an officer has the case screen, not the village hall's
    assert client.get(f"/kantor/desa/{operator_case.reference}/").status_code == 404


def test_the_services_to_apply_for_are_the_citizen_services_each_starting_a_new_application(
    client: Any, personas: Any  # noqa: F811
) -> None:
    ktp_service(personas.dukcapil)
    ktp_service(personas.dpmptsp, code="izin-reklame", name_id="Izin reklame", audience="business")
    login(client, personas.operator)
    page = client.get("/kantor/desa/ajukan/").content.decode()
    assert 'href="/layanan/ktp-el-penggantian/ajukan/?baru=1">Penggantian KTP-el</a>' in page
    assert "Izin reklame" not in page
    assert "Sukarami" in page and 'href="/kantor/desa/"' in page
    assert "Penggantian KTP-el" not in client.get("/kantor/desa/ajukan/?q=akta").content.decode()
    login(client, personas.citizen)
    assert client.get("/kantor/desa/ajukan/").status_code == 403
