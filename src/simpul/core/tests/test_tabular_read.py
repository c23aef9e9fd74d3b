"""The one table reader (`simpul.core.tabular.read_upload`), seen through both doors that take tables: the open
data upload page and the infrastructure registry's import page give the same translated reason for the same
bad file, and both read semicolon CSVs and XLSX with the lines people see in their spreadsheet."""

from __future__ import annotations

import html
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from simpul.conftest import login
from simpul.core.tabular import TableError, read_upload
from simpul.infrastructure.models import Site
from simpul.infrastructure.transfer import infrastructure_import
from simpul.opendata.models import Dataset
from simpul.opendata.tests.test_views import UPLOAD

pytestmark = pytest.mark.django_db

BAD_FILES = [
    ("latin1.csv", "kode,nama\n1,Jalan Merdéka\n".encode("latin-1"),
     "Berkas CSV bukan teks UTF-8. Simpan sebagai \"CSV UTF-8\" lalu unggah lagi."),
    ("twice.csv", b"code,code\n1,2\n", "Nama kolom \"code\" muncul dua kali."),
    ("fake.xlsx", b"PK\x03\x04 not really a workbook", "Ini bukan berkas XLSX (Excel), atau berkasnya rusak."),
    ("notes.txt", b"code\n1\n", "Unggah berkas CSV atau XLSX."),
    ("header-only.csv", b"code,name,kind,region_code\n", "Berkas berisi nama kolom tetapi tidak ada baris data."),
]


def _xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(("name", "content", "reason"), BAD_FILES)
def test_the_same_bad_file_gets_the_same_indonesian_reason_at_both_doors(
    client: Any, personas: Any, name: str, content: bytes, reason: str
) -> None:
    with pytest.raises(TableError) as direct:
        read_upload(name, content)
    login(client, personas.steward)
    page = client.post(reverse("opendata:upload"), {
        **UPLOAD, "producer": personas.dinkominfo.pk, "file": SimpleUploadedFile(name, content)})
    assert page.status_code == 400 and html.escape(reason) in page.content.decode()
    assert not Dataset.objects.exists()
    login(client, personas.admin)
    page = client.post("/infrastruktur/impor/", {"kind": "sites", "file": SimpleUploadedFile(name, content)})
    assert html.escape(reason) in page.content.decode()
    assert not Site.objects.exists()
    assert str(direct.value) == reason  # the reader itself speaks the active language (Indonesian by default)


def test_a_semicolon_csv_from_a_spreadsheet_imports_sites_with_its_line_numbers(personas: Any) -> None:
    data = (b"code;name;kind;region_code\n"
            b"desa-a;Kantor Desa A;village_office;16.06.01.2001\n"
            b"\n"
            b"desa-b;Kantor Desa B;village_office;16.06.99.9999\n")
    report = infrastructure_import(actor=personas.admin, kind="sites", data=data, filename="s.csv")
    assert [(p.line, p.column) for p in report.problems] == [(4, "region_code")]


def test_xlsx_lines_count_the_blank_rows_people_see(personas: Any) -> None:
    data = _xlsx([["code", "name", "kind", "region_code"], [None, None, None, None],
                  ["desa-c", "Kantor Desa C", "hut", "16.06.01.2002"]])
    report = infrastructure_import(actor=personas.admin, kind="sites", data=data, filename="s.xlsx")
    assert [(p.line, p.column) for p in report.problems] == [(3, "kind")]


def test_a_file_over_the_limit_is_refused_before_it_is_read(client: Any, personas: Any, settings: Any) -> None:
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    login(client, personas.admin)
    big = SimpleUploadedFile("big.csv", b"code\n" + b"x\n" * 600_000)
    page = client.post("/infrastruktur/impor/", {"kind": "sites", "file": big})
    assert "Berkas lebih besar dari 1 MB." in page.content.decode()
