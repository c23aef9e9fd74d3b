"""Public /data/ pages, downloads, the DCAT JSON-LD catalogue and the walidata's upload page."""

from __future__ import annotations

import io
import json

import pytest
from django.urls import reverse

from simpul.conftest import login
from simpul.opendata.models import Dataset
from simpul.opendata.services import datasets_refresh_generated


@pytest.fixture
def built(generated, region_tree):
    datasets_refresh_generated()
    return generated


def test_list_and_search(client, built, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        page = client.get(reverse("opendata:list"))
    body = page.content.decode()
    assert page.status_code == 200 and body.count("<h1") == 1
    assert "Konektivitas internet per desa/kelurahan" in body and "Jumlah pengaduan per kategori" in body
    found = client.get(reverse("opendata:list"), {"q": "konektivitas"}).content.decode()
    assert "Konektivitas internet" in found and "Jumlah pengaduan per kategori" not in found
    themed = client.get(reverse("opendata:list"), {"theme": "tik"}).content.decode()
    assert "Konektivitas internet" in themed and "Kinerja waktu layanan" not in themed


def test_detail_shows_metadata_preview_and_downloads(client, built):
    page = client.get(reverse("opendata:detail", kwargs={"slug": "konektivitas-desa"}))
    body = page.content.decode()
    assert page.status_code == 200
    assert "<caption>" in body and "Sukarami" in body  # preview table
    assert "unduh.csv" in body and "unduh.xlsx" in body and "unduh.json" in body
    assert "Dinas Komunikasi dan Informatika" in body and "kemendagri-wilayah" in body
    assert "MS-Var" in body
    assert client.get(reverse("opendata:detail", kwargs={"slug": "nope"})).status_code == 404


def test_download_formats(client, built):
    for fmt, media in (("csv", "text/csv"), ("json", "application/json"),
                       ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")):
        response = client.get(reverse("opendata:download", kwargs={"slug": "konektivitas-desa", "fmt": fmt}))
        assert response.status_code == 200 and response["Content-Type"] == media
        assert f'filename="konektivitas-desa.{fmt}"' in response["Content-Disposition"]
    assert client.get("/data/konektivitas-desa/unduh.pdf").status_code == 404


def test_dcat_catalog(client, built):
    response = client.get("/data/catalog.jsonld")
    assert response.status_code == 200 and response["Content-Type"] == "application/ld+json; charset=utf-8"
    doc = json.loads(response.content)
    assert doc["@type"] == "dcat:Catalog" and doc["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"
    datasets = {d["dct:identifier"]: d for d in doc["dcat:dataset"]}
    assert len(datasets) == 4
    node = datasets["pengaduan-per-kategori-bulanan"]
    assert node["@type"] == "dcat:Dataset"
    assert node["dct:publisher"]["foaf:name"] == "Dinas Komunikasi dan Informatika"
    assert node["dcat:contactPoint"]["@type"] == ["vcard:Kind", "vcard:Organization"]
    assert node["dct:license"]["@id"] == "https://creativecommons.org/licenses/by/4.0/"
    assert node["dct:accrualPeriodicity"]["@id"].endswith("/frequency/DAILY")
    assert node["dcat:theme"]["@id"] == "http://publications.europa.eu/resource/authority/data-theme/GOVE"
    assert node["dct:subject"]["@id"].endswith("/data/?theme=pemerintahan")
    assert [k["@value"] for k in node["dcat:keyword"]] == ["pengaduan", "SP4N-LAPOR"]
    assert {"@value": "Jumlah pengaduan per kategori per bulan", "@language": "id"} in node["dct:title"]
    formats = {d["dct:format"]["@id"].rsplit("/", 1)[1]: d for d in node["dcat:distribution"]}
    assert set(formats) == {"CSV", "XLSX", "JSON"}
    csv_dist = formats["CSV"]
    assert csv_dist["@type"] == "dcat:Distribution"
    assert csv_dist["dcat:mediaType"]["@id"] == "https://www.iana.org/assignments/media-types/text/csv"
    assert csv_dist["dcat:downloadURL"]["@id"].endswith("/data/pengaduan-per-kategori-bulanan/unduh.csv")
    assert csv_dist["dcat:byteSize"]["@type"] == "xsd:nonNegativeInteger"
    checksum = csv_dist["spdx:checksum"]["spdx:checksumValue"]
    assert checksum["@type"] == "xsd:hexBinary" and len(checksum["@value"]) == 64
    assert datasets["konektivitas-desa"]["dct:spatial"]["skos:notation"] == "16.06"
    assert all("dct:temporal" in d for d in datasets.values())


UPLOAD = {
    "slug": "sekolah-dasar", "title_id": "Jumlah SD", "title_en": "", "description_id": "Sekolah dasar per kecamatan.",
    "description_en": "", "theme": "pendidikan", "keywords": "sekolah, SD", "license": "CC-BY-4.0",
    "update_frequency": "annual", "temporal_start": "2025-01-01", "temporal_end": "2025-12-31",
    "spatial_code": "16.06", "reference_codes": ["kemendagri-wilayah"], "activity": "Pendataan sekolah",
    "collection_method": "Registrasi", "variables": "kode_kecamatan | Kode Kemendagri\njumlah_sd | Banyaknya SD | sekolah",
    "indicators": "",
}


def _file(text="kode_kecamatan,jumlah_sd\n16.06.01,31\n", name="sd.csv"):
    upload = io.BytesIO(text.encode())
    upload.name = name
    return upload


def test_upload_needs_a_steward_with_mfa(client, personas):
    url = reverse("opendata:upload")
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("accounts:login"))
    login(client, personas.citizen)
    assert client.get(url).status_code == 403
    login(client, personas.officer)  # staff with a second factor, but not a data steward
    assert client.get(url).status_code == 403


def test_steward_uploads_a_dataset(client, personas, region_tree):
    login(client, personas.steward)
    url = reverse("opendata:upload")
    assert client.get(url).status_code == 200
    response = client.post(url, {**UPLOAD, "producer": personas.dinkominfo.pk, "file": _file()})
    assert response.status_code == 302, response.content.decode()[:2000]
    dataset = Dataset.objects.get(slug="sekolah-dasar")
    assert dataset.walidata == personas.steward and dataset.keywords == ["sekolah", "SD"]
    assert dataset.spatial_label == "Kabupaten Musi Banyuasin"
    assert dataset.ms_var[1] == {"name": "jumlah_sd", "definition": "Banyaknya SD", "unit": "sekolah"}
    assert client.get(reverse("opendata:detail", kwargs={"slug": "sekolah-dasar"})).status_code == 200


def test_bad_upload_keeps_what_was_typed(client, personas):
    login(client, personas.steward)
    response = client.post(reverse("opendata:upload"), {
        **UPLOAD, "producer": personas.dinkominfo.pk, "file": _file("a,a\n1,2\n"), "title_id": "Judul saya"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Judul saya" in body and "error-summary" in body
    assert not Dataset.objects.exists()


def test_a_keyword_data_portals_refuse_is_named_in_indonesian_and_nothing_typed_is_lost(client, personas):
    login(client, personas.steward)
    response = client.post(reverse("opendata:upload"), {
        **UPLOAD, "producer": personas.dinkominfo.pk, "file": _file(), "keywords": "sekolah, LAPOR!, x"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Kata kunci ini memuat karakter atau panjang yang ditolak portal data: LAPOR!, x." in body
    assert 'value="sekolah, LAPOR!, x"' in body
    assert not Dataset.objects.exists()


def test_pages_in_english_and_small(client, built):
    page = client.get("/en/data/")
    assert page.status_code == 200 and "Open data" in page.content.decode()
    detail = client.get("/en/data/kinerja-sla-opd-bulanan/")
    assert detail.status_code == 200 and "Service time performance per agency per month" in detail.content.decode()
    assert len(client.get("/data/konektivitas-desa/").content) < 50_000


def test_uploaded_formulas_are_downloaded_as_text_and_numbers_stay_numbers(client, personas, region_tree):
    """A walidata CSV holding `=HYPERLINK(...)` came out unchanged in the CSV and as a live formula in the XLSX."""
    from openpyxl import Workbook

    from simpul.core.tests.tabular_checks import CMD, HYPERLINK, csv_cells, xlsx_cells

    login(client, personas.steward)
    hostile = f'kode_kecamatan,jumlah_sd\n"{HYPERLINK.replace(chr(34), chr(34) * 2)}",-3.5\n"{CMD}",12\n@SUM(A1),+7\n'
    response = client.post(reverse("opendata:upload"), {**UPLOAD, "producer": personas.dinkominfo.pk,
                                                        "file": _file(hostile)})
    assert response.status_code == 302, response.content.decode()[:2000]

    def download(slug, fmt):
        return client.get(reverse("opendata:download", kwargs={"slug": slug, "fmt": fmt})).content

    rows = csv_cells(download("sekolah-dasar", "csv"))
    assert rows[1:] == [["'" + HYPERLINK, "-3.5"], ["'" + CMD, "12"], ["'@SUM(A1)", "+7"]]
    cells = xlsx_cells(download("sekolah-dasar", "xlsx"))
    assert [c.value for c in cells[2:]] == ["'" + HYPERLINK, "-3.5", "'" + CMD, "12", "'@SUM(A1)", "+7"]

    book = Workbook()
    book.active.append(["kode_kecamatan", "jumlah_sd"])
    book.active.append([CMD, -3.5])
    book.active["A2"].data_type = "s"  # text that looks like a formula, as a spreadsheet keeps a typed "'=..."
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "sd.xlsx"
    response = client.post(reverse("opendata:upload"), {**UPLOAD, "slug": "sekolah-dasar-2",
                                                        "producer": personas.dinkominfo.pk, "file": buffer})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert csv_cells(download("sekolah-dasar-2", "csv"))[1] == ["'" + CMD, "-3.5"]
    number = xlsx_cells(download("sekolah-dasar-2", "xlsx"))[3]
    assert number.value == -3.5 and number.data_type == "n"


def test_generated_downloads_hold_no_formula(client, built):
    from simpul.core.tests.tabular_checks import csv_cells, xlsx_cells

    for dataset in Dataset.objects.all():
        for fmt, check in (("csv", csv_cells), ("xlsx", xlsx_cells)):
            response = client.get(reverse("opendata:download", kwargs={"slug": dataset.slug, "fmt": fmt}))
            assert response.status_code == 200
            check(response.content)
