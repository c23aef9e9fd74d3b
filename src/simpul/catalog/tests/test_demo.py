"""The demo catalog of Musi Banyuasin loads from its YAML files, completely and idempotently."""

from __future__ import annotations

import io

import yaml

from simpul.agencies.models import Agency
from simpul.catalog import demo
from simpul.catalog.forms_engine import document_specs, validate_answers
from simpul.catalog.models import Service, ServiceKind, VersionStatus
from simpul.catalog.selectors import complaint_services, service_get
from simpul.catalog.services import service_import_yaml

EXPECTED = {
    "ktp-el-baru", "ktp-el-penggantian", "kk-perubahan", "akta-kelahiran", "akta-kematian", "surat-pindah",
    "izin-reklame", "permintaan-informasi-publik", "pengaduan-infrastruktur", "pengaduan-kependudukan",
    "pengaduan-perizinan", "pengaduan-layanan-internet", "pengaduan-lainnya",
}


def test_demo_catalog_is_complete(demo_catalog):
    assert set(Service.objects.values_list("code", flat=True)) == EXPECTED
    for service in Service.objects.select_related("current_version"):
        assert service.current_version.status == VersionStatus.PUBLISHED


def test_demo_loading_twice_adds_nothing(demo_catalog):
    out = io.StringIO()
    demo.load(stdout=out)
    assert "0 demo services loaded" in out.getvalue()
    assert Service.objects.count() == len(EXPECTED)


def test_dukcapil_services_are_free_and_cite_the_law(demo_catalog):
    for code in ("ktp-el-baru", "ktp-el-penggantian", "kk-perubahan", "akta-kelahiran", "akta-kematian",
                 "surat-pindah"):
        version = service_get(code)
        assert version.fee_rupiah == 0
        assert version.agency.code == "disdukcapil"
        assert "79A" in version.legal_basis
        assert version.sla_working_days > 0
    assert "60" in service_get("akta-kelahiran").description_id


def test_ktp_replacement_needs_police_report_only_when_lost(demo_catalog):
    version = service_get("ktp-el-penggantian")
    lost = {d["code"]: d["required"] for d in document_specs(version, {"reason": "lost"})}
    damaged = {d["code"]: d["required"] for d in document_specs(version, {"reason": "damaged"})}
    assert lost == {"kk": True, "police_report": True}
    assert damaged == {"kk": True, "damaged_card_photo": False}


def test_reklame_is_a_business_permit(demo_catalog):
    version = service_get("izin-reklame")
    assert (version.kind, version.audience, version.requires_account) == ("perizinan", "business", True)
    assert version.agency.code == "dpmptsp"
    assert version.fee_rupiah == 0 and "Perda" in version.fee_note_id
    assert {d["code"] for d in document_specs(version)} == {"design", "location_photo", "owner_consent",
                                                            "ownership_proof"}
    # the owner's consent when the site is rented or public land, proof of ownership when it is one's own
    own = {d["code"] for d in document_specs(version, {"land_status": "own"})}
    rented = {d["code"] for d in document_specs(version, {"land_status": "rented"})}
    assert own == {"design", "location_photo", "ownership_proof"}
    assert rented == {"design", "location_photo", "owner_consent"}


def test_ppid_request_has_ten_days_plus_seven(demo_catalog):
    version = service_get("permintaan-informasi-publik")
    assert (version.kind, version.workflow, version.agency.code) == ("informasi", "information_request", "dinkominfo")
    assert (version.sla_working_days, version.sla_extension_days) == (10, 7)
    assert "14/2008" in version.legal_basis


def test_complaints_are_routed_to_their_office(demo_catalog):
    routing = {v.service.code: v.routing_agency.code for v in complaint_services()}
    assert routing == {
        "pengaduan-infrastruktur": "dinas-pu", "pengaduan-kependudukan": "disdukcapil",
        "pengaduan-perizinan": "dpmptsp", "pengaduan-layanan-internet": "dinkominfo",
        "pengaduan-lainnya": "dinkominfo",
    }
    for version in complaint_services():
        assert version.kind == ServiceKind.PENGADUAN and version.workflow == "complaint"


def test_a_complaint_can_be_validated(demo_catalog):
    version = service_get("pengaduan-infrastruktur")
    cleaned, errors = validate_answers(version, {
        "title": "Jalan berlubang", "description": "Jalan desa berlubang besar sejak bulan lalu, berbahaya.",
        "location_village": "16.06.01.2001", "full_name": "Budi", "phone": "081234567890", "confidential": "no",
    })
    assert errors == {}
    assert cleaned["location_village"] == "16.06.01.2001"


def test_an_installation_with_the_first_complaint_forms_gets_version_2_and_keeps_version_1(personas):
    """Installations loaded before the Open311 fixes hold version 1 of the complaint forms (phone required);
    loading the demo again adds version 2 and publishes it, and leaves version 1 as it was."""
    Agency.objects.get_or_create(code="dinas-pu", defaults={"name": "Dinas Pekerjaan Umum", "short_name": "Dinas PU"})
    path = demo.DATA_DIR / "pengaduan-kependudukan.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    first = {**doc, "versions": [{**doc["versions"][0], "status": "published"}]}
    service_import_yaml(text=yaml.safe_dump(first, allow_unicode=True), actor=None)
    assert service_get("pengaduan-kependudukan").number == 1
    out = io.StringIO()
    demo.load(stdout=out)
    assert "1 given a new version" in out.getvalue() and "skipped" not in out.getvalue()
    current = service_get("pengaduan-kependudukan")
    assert current.number == 2 and current.status == VersionStatus.PUBLISHED
    assert current.service.versions.get(number=1).status == VersionStatus.RETIRED
    _cleaned, errors = validate_answers(current, {
        "complaint_topic": "layanan", "title": "Antrean panjang", "description": "Antrean panjang di kantor kecamatan.",
        "location_village": "16.06.01.2001", "email": "warga@example.id", "anonymous": "no"})
    assert errors == {}  # email alone is a way to reach the reporter in version 2 (version 1 wanted a phone)
    again = io.StringIO()
    demo.load(stdout=again)
    assert "0 given a new version" in again.getvalue() and service_get("pengaduan-kependudukan").number == 2


def test_an_admins_newer_version_is_never_replaced_by_the_demo(demo_catalog):
    service = Service.objects.get(code="pengaduan-kependudukan")
    newest = service.versions.order_by("-number").first()
    newest.pk = None
    newest.number = 9
    newest.status = VersionStatus.DRAFT
    newest.save()
    out = io.StringIO()
    demo.load(stdout=out)
    assert "0 given a new version" in out.getvalue()
    assert service.versions.filter(number=9).exists() and service.versions.count() == 3


def test_a_service_loaded_before_its_file_had_search_words_gets_them_and_an_admins_words_stay(demo_catalog):
    from simpul.catalog.services import service_set_keywords

    Service.objects.filter(code="akta-kelahiran").update(keywords="")
    service_set_keywords(service=Service.objects.get(code="akta-kematian"), keywords=["surat duka"],
                         actor=demo_catalog.admin)
    demo.load(stdout=io.StringIO())
    assert "akte lahir" in Service.objects.get(code="akta-kelahiran").keywords
    assert Service.objects.get(code="akta-kematian").keywords == "surat duka"


def test_the_family_card_service_covers_a_lost_card_with_the_police_report(demo_catalog):
    version = service_get("kk-perubahan")
    assert version.number == 2 and "hilang" in version.name_id
    lost = {d["code"]: d["required"] for d in document_specs(version, {"change_type": "lost"})}
    moving_in = {d["code"] for d in document_specs(version, {"change_type": "add_member"})}
    assert lost == {"police_report": True}
    assert moving_in == {"kk_old", "supporting", "skpwni"}
    assert Service.objects.get(code="kk-perubahan").versions.get(number=1).status == VersionStatus.RETIRED
