"""Demo of issued documents: letterheads of the demo's offices, their signers (penandatangan), the KTP-el letter
template, and the regency CA of the local signing backend (made once, quietly, under var/documents-ca/)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from simpul.accounts.models import User
from simpul.agencies.models import Agency
from simpul.catalog.models import Service
from simpul.documents.ca import ca_ensure
from simpul.documents.models import Delegation, Letterhead, LetterTemplate, Signer

GOVERNMENT = "Pemerintah Kabupaten Musi Banyuasin"
# (agency code, office name, address, contacts, unit code)
LETTERHEADS = [
    ("disdukcapil", "Dinas Kependudukan dan Pencatatan Sipil", "Jl. Kolonel Wahid Udin, Kayuara, Sekayu 30711",
     "Telp. (0714) 321102 · disdukcapil@simpul.test", "DISDUKCAPIL"),
    ("dpmptsp", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "Jl. Merdeka No. 1, Sekayu 30711",
     "Telp. (0714) 321200 · dpmptsp@simpul.test", "DPMPTSP"),
]
# (email, agency code, NIP, jabatan, delegation, on behalf of (email), signs by default)
SIGNERS = [
    ("kepala.dukcapil@simpul.test", "disdukcapil", "197203151998031004", "Kepala Dinas Kependudukan dan "
     "Pencatatan Sipil", "", "", True),
    ("petugas.dukcapil@simpul.test", "disdukcapil", "198806222011012009", "Kepala Bidang Pelayanan Pendaftaran "
     "Penduduk", Delegation.AN, "kepala.dukcapil@simpul.test", False),
    ("petugas.dpmptsp@simpul.test", "dpmptsp", "198409102009022003", "Kepala Bidang Pelayanan Perizinan", "", "",
     True),
    ("petugas.inspektorat@simpul.test", "inspektorat", "197911302005011006", "Inspektur Pembantu Wilayah I", "",
     "", True),
]
KTP_TEMPLATE = {
    "subject": "Persetujuan penggantian KTP-el",
    "body": ("Berdasarkan permohonan {nama} dengan nomor registrasi {nomor_registrasi} yang diajukan pada tanggal "
             "{tanggal_pengajuan}, {kantor} menyetujui permohonan {layanan}.\n\n"
             "KTP-el dapat diambil di kantor {kantor} pada hari dan jam kerja dengan membawa surat ini.\n\n{catatan}"),
    "tembusan": "Camat Sekayu\nArsip",
    "classification_code": "400.12.2.2", "security": "Biasa",
    "retention": "2 tahun aktif, 3 tahun inaktif, musnah",
}


@transaction.atomic
def load(*, stdout: Any) -> None:
    agencies = {a.code: a for a in Agency.objects.filter(code__in={row[1] for row in SIGNERS} | {"disdukcapil"})}
    for code, name, address, contacts, unit in LETTERHEADS:
        if code in agencies or Agency.objects.filter(code=code).exists():
            Letterhead.objects.update_or_create(agency=Agency.objects.get(code=code), defaults={
                "government": GOVERNMENT, "office_name": name, "address": address, "contacts": contacts,
                "place": "Sekayu", "unit_code": unit})
    users = {u.email: u for u in User.objects.filter(email__in={row[0] for row in SIGNERS})}
    made: dict[str, Signer] = {}
    for email, code, nip, jabatan, delegation, behalf, default in SIGNERS:
        if email not in users or code not in agencies:
            continue
        made[email], _created = Signer.objects.update_or_create(user=users[email], agency=agencies[code], defaults={
            "nip": nip, "jabatan": jabatan, "delegation": delegation, "on_behalf_of": made.get(behalf),
            "is_default": default, "is_active": True})
    service = Service.objects.filter(code="ktp-el-penggantian").first()
    if service is not None:
        LetterTemplate.objects.update_or_create(service=service, defaults=KTP_TEMPLATE)
    ca_ensure()
