"""The service designer through its pages only (no admin, no YAML): build a service of 3 pages, 8 questions, one
show-if and two documents, publish it, apply for it as a citizen, and approve the case as an officer."""

from __future__ import annotations

import pytest
from django.urls import reverse

from simpul.agencies.models import Membership
from simpul.cases.models import Case, Draft
from simpul.cases.tests.factories import pdf_upload, png_upload
from simpul.catalog.models import Service, ServiceVersion, VersionStatus
from simpul.catalog.services import service_export_yaml, service_import_yaml
from simpul.conftest import login
from simpul.core.models import AuditEntry

CODE = "surat-keterangan-usaha"
HOSTILE = '<script>alert(1)</script>{{ 7|add:1 }}{% now "Y" %}'


def url(name, **kwargs):
    return reverse(f"designer:{name}", kwargs={"code": CODE, **kwargs} if name not in {"index", "service_new"} else {})


def details(agency, **extra):
    return {"name_id": "Surat Keterangan Usaha", "name_en": "Business statement letter", "kind": "permohonan",
            "audience": "citizen", "agency": agency.pk, "legal_basis": "Perbup 12/2024", "fee_rupiah": "0",
            "sla_working_days": "3", "sla_extension_days": "0", "retention_days": "1825", **extra}


def post_ok(client, address, data):
    response = client.post(address, data)
    form = (response.context or {}).get("form") if response.status_code != 302 else None
    assert response.status_code == 302, form.errors if form is not None else response.content.decode()[:3000]
    return response


def question(client, page, label, kind, *, index=None, **extra):
    address = url("question_edit", page=page, index=index) if index is not None else url("question_new", page=page)
    return post_ok(client, address, {"label_id": label, "type": kind, **extra})


def build_service(client, agency):
    """The journey of the brief, page by page, as an admin clicks it."""
    post_ok(client, reverse("designer:service_new"), {**details(agency), "code": CODE})
    post_ok(client, url("page_add"), {"title_id": "Data pemohon", "first_label_id": "Nama lengkap",
                                      "first_type": "text"})
    question(client, 0, "Nama lengkap", "text", index=0, required="on", role="applicant_name", name="nama")
    question(client, 0, "NIK", "nik", required="on", role="applicant_nik", name="nik")
    question(client, 0, "Nomor HP", "phone", required="on", role="applicant_phone", name="hp",
             hint_id="Kami kirim kabar lewat SMS")
    question(client, 0, "Desa/kelurahan tempat tinggal", "region", required="on", name="desa")
    post_ok(client, url("page_add"), {"title_id": "Usaha", "first_label_id": "Jenis usaha", "first_type": "choice",
                                      "first_choices": "Warung"})
    question(client, 1, "Jenis usaha", "choice", index=0, required="on", name="jenis",
             choices="Warung | Shop\nBengkel | Workshop\nLainnya | Other")
    question(client, 1, "Usaha lainnya", "text", required="on", name="jenis_lain", show_if="jenis=lainnya")
    question(client, 1, "Mulai usaha", "date", required="on", name="mulai", max="today")
    post_ok(client, url("page_add"), {"title_id": "Keterangan", "first_label_id": "Keterangan tambahan",
                                      "first_type": "textarea"})
    post_ok(client, url("document_new"), {"label_id": "KTP-el pemohon", "required": "on", "types": ["pdf", "png"],
                                          "max_megabytes": "2", "code": "ktp"})
    post_ok(client, url("document_new"), {"label_id": "Foto tempat usaha", "required": "on", "types": ["png", "jpg"],
                                          "max_megabytes": "5", "code": "foto_usaha"})


@pytest.fixture
def admin_client(client, personas):
    login(client, personas.admin)
    return client


def test_a_service_built_in_the_designer_is_published_applied_for_and_approved(admin_client, client, personas):
    build_service(admin_client, personas.dpmptsp)
    draft = ServiceVersion.objects.get(service__code=CODE)
    assert draft.status == VersionStatus.DRAFT
    assert [len(p["fields"]) for p in draft.pages] == [4, 3, 1]
    assert draft.pages[1]["fields"][1]["show_if"] == {"field": "jenis", "equals": "lainnya"}
    assert [(doc["code"], doc["types"]) for doc in draft.documents] == [
        ("ktp", ["pdf", "png"]), ("foto_usaha", ["png", "jpg", "jpeg"])]

    overview = admin_client.get(url("overview")).content.decode()
    assert "Usaha lainnya" in overview and "hanya bila “Jenis usaha” adalah “Lainnya”" in overview
    preview = admin_client.get(url("preview_page", page=draft.pages[0]["key"]))
    assert preview.status_code == 200 and "Nama lengkap" in preview.content.decode()
    assert "frame-ancestors 'self'" in preview["Content-Security-Policy"]
    changes = admin_client.get(url("changes")).content.decode()
    assert "Layanan baru" in changes and "3 halaman dengan 8 pertanyaan, dan 2 dokumen yang diunggah" in changes
    post_ok(admin_client, url("publish"), {})
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED and Service.objects.get(code=CODE).current_version == draft
    assert AuditEntry.objects.filter(action="catalog.service_version_publish").count() == 1

    citizen = client.__class__()
    login(citizen, personas.citizen)
    citizen.get(reverse("cases:apply_start", kwargs={"code": CODE}))
    token = Draft.objects.latest("id").token
    pages = [p["key"] for p in draft.pages]

    def page(key, data):
        address = reverse("cases:apply_page", kwargs={"code": CODE, "token": token, "page": key})
        return citizen.post(address, data)

    assert page(pages[0], {"nama": "Siti Warga", "nik": "1606014101900001", "hp": "081234567890",
                           "desa": "16.06.01.2001"}).status_code == 302
    refused = page(pages[1], {"jenis": "lainnya", "mulai": "2024-01-02"})
    assert refused.status_code == 400  # "Usaha lainnya" is asked because the answer was "Lainnya"
    assert page(pages[1], {"jenis": "lainnya", "jenis_lain": "Jahit", "mulai": "2024-01-02"}).status_code == 302
    assert page(pages[2], {"keterangan_tambahan": ""}).status_code == 302
    documents = reverse("cases:apply_documents", kwargs={"code": CODE, "token": token})
    response = citizen.post(documents, {"ktp": pdf_upload("ktp.pdf"), "foto_usaha": png_upload("warung.png")})
    assert response.status_code == 302, response.content.decode()[:2000]
    review = reverse("cases:apply_review", kwargs={"code": CODE, "token": token})
    response = citizen.post(review, {"idempotency_key": Draft.objects.get(token=token).idempotency_key})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.service_version == draft and case.agency == personas.dpmptsp

    officer = client.__class__()
    login(officer, personas.other_officer)
    action = lambda name: reverse("backoffice:case_action", kwargs={"reference": case.reference, "action": name})  # noqa: E731
    assert officer.post(action("verify"), {"verify-note": ""}).status_code == 302
    assert officer.post(action("approve"), {"approve-note": ""}).status_code == 302
    case.refresh_from_db()
    assert case.status == "selesai"

    # A new draft: the case keeps its version, the changes are said in words.
    post_ok(admin_client, url("draft_new"), {})
    question(admin_client, 0, "Nama lengkap sesuai KTP", "text", index=0, required="on", role="applicant_name")
    question(admin_client, 2, "Alamat usaha", "text")
    changes = admin_client.get(url("changes")).content.decode()
    assert "Pertanyaan “Nama lengkap” sekarang bernama “Nama lengkap sesuai KTP” (halaman 1)" in changes
    assert "Pertanyaan “Alamat usaha” ditambahkan di halaman 3" in changes
    post_ok(admin_client, url("publish"), {})
    case.refresh_from_db()
    assert case.service_version == draft and draft.pages[0]["fields"][0]["label_id"] == "Nama lengkap"


def test_the_engine_refuses_with_messages_at_the_question(admin_client, personas):
    build_service(admin_client, personas.dpmptsp)
    before = ServiceVersion.objects.get(service__code=CODE).form
    duplicate = admin_client.post(url("question_new", page=2), {"label_id": "Nama", "type": "text", "name": "nama"})
    assert duplicate.status_code == 400
    assert duplicate.context["form"].errors["name"] == [
        "nama isian 'nama' dipakai dua kali (pertama di Halaman 1, pertanyaan 1 (“Nama lengkap”))"]
    later = admin_client.post(url("question_edit", page=0, index=0),
                              {"label_id": "Nama lengkap", "type": "text", "name": "nama", "show_if": "mulai=x"})
    assert later.status_code == 400 and "mulai" in later.context["form"].errors["show_if"][0]
    unknown = admin_client.post(url("question_new", page=2), {"label_id": "Umur", "type": "sihir"})
    assert unknown.status_code == 400 and "sihir" in unknown.context["form"].errors["type"][0]
    no_label = admin_client.post(url("question_new", page=2), {"label_id": "", "type": "text", "name": "x"})
    assert no_label.status_code == 400 and no_label.context["form"].errors["label_id"]
    # Moving the condition's question after the one it shows is refused: the engine names the question.
    moved = admin_client.post(url("question_move", page=1, index=0), {"direction": "down"}, follow=True)
    said = [str(m) for m in moved.context["messages"]]
    assert said == ["Halaman 2, pertanyaan 1 (“Usaha lainnya”): merujuk ke isian 'jenis' yang tidak ada atau "
                    "letaknya sesudah isian ini"]
    assert ServiceVersion.objects.get(service__code=CODE).form == before


def test_reorder_by_drag_and_by_buttons(admin_client, personas):
    build_service(admin_client, personas.dpmptsp)
    post_ok(admin_client, url("question_move", page=0, index=0), {"direction": "down"})
    names = [f["name"] for f in ServiceVersion.objects.get(service__code=CODE).pages[0]["fields"]]
    assert names == ["nik", "nama", "hp", "desa"]
    post_ok(admin_client, url("reorder"), {"order": '[["nama", "nik", "hp", "desa"], ["jenis", "jenis_lain", '
                                                     '"mulai"], ["keterangan_tambahan"]]'})
    pages = ServiceVersion.objects.get(service__code=CODE).pages
    assert [f["name"] for f in pages[0]["fields"]] == ["nama", "nik", "hp", "desa"]
    post_ok(admin_client, url("reorder"), {"order": '[["nama"]]'})  # forged: refused, nothing changes
    assert ServiceVersion.objects.get(service__code=CODE).pages == pages
    post_ok(admin_client, url("page_move", page=2), {"direction": "up"})
    titles = [p["title_id"] for p in ServiceVersion.objects.get(service__code=CODE).pages]
    assert titles == ["Data pemohon", "Keterangan", "Usaha"]


def test_hostile_text_is_shown_as_text_everywhere(admin_client, client, personas):
    build_service(admin_client, personas.dpmptsp)
    question(admin_client, 2, HOSTILE, "text", hint_id=HOSTILE)
    post_ok(admin_client, url("page_edit", page=2), {"title_id": HOSTILE})
    post_ok(admin_client, url("document_new"), {"label_id": HOSTILE, "types": ["pdf"], "max_megabytes": "1"})
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;{{ 7|add:1 }}{% now &quot;Y&quot; %}"
    version = ServiceVersion.objects.get(service__code=CODE)
    key = version.pages[2]["key"]
    for address in (url("overview"), url("question_edit", page=2, index=1), url("preview_page", page=key),
                    url("page_edit", page=2), url("preview_documents")):
        body = admin_client.get(address).content.decode()
        assert "<script>alert" not in body and escaped in body, address
    post_ok(admin_client, url("publish"), {})
    citizen = client.__class__()
    citizen.get(reverse("cases:apply_start", kwargs={"code": CODE}))
    token = Draft.objects.latest("id").token
    body = citizen.get(reverse("cases:apply_page", kwargs={"code": CODE, "token": token, "page": key})).content
    assert b"<script>alert" not in body and escaped.encode() in body


def test_only_admins_and_the_office_service_manager_may_design(client, personas):
    assert client.get(reverse("designer:index")).status_code == 302
    for persona in (personas.citizen, personas.officer, personas.head):
        login(client, persona)
        assert client.get(reverse("designer:index")).status_code == 403
    login(client, personas.admin)
    build_service(client, personas.dpmptsp)
    Membership.objects.filter(user=personas.head).update(manages_services=True)
    login(client, personas.head)
    assert client.get(reverse("designer:index")).status_code == 200
    assert client.get(url("overview")).status_code == 403  # a DPMPTSP service, the head manages Dukcapil's
    new = client.post(reverse("designer:service_new"), {**details(personas.dpmptsp), "code": "lain"})
    assert new.status_code == 400 and "agency" in new.context["form"].errors
    post_ok(client, reverse("designer:service_new"), {**details(personas.dukcapil), "code": "lain"})
    assert AuditEntry.objects.filter(action="catalog.service_create", actor=personas.head).exists()
    assert client.post(reverse("designer:import"), {}).status_code == 403


def test_yaml_round_trips_a_designed_service(admin_client, personas):
    build_service(admin_client, personas.dpmptsp)
    post_ok(admin_client, url("publish"), {})
    exported = admin_client.get(url("export")).content.decode()
    copy = service_import_yaml(text=exported.replace(f"code: {CODE}", "code: sku-kabupaten-lain"),
                               actor=personas.admin)
    assert copy.current_version.form == ServiceVersion.objects.get(service__code=CODE).form
    assert service_export_yaml(service=copy).replace("sku-kabupaten-lain", CODE).split("published_at")[0] == \
        exported.split("published_at")[0]
