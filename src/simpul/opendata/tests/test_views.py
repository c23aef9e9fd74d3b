"""Public /data/ pages, downloads, the DCAT JSON-LD catalogue, and the walidata's pages: a dataset prepared as a
draft and published by a second person, changed, replaced and withdrawn."""

from __future__ import annotations

import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from simpul.conftest import login
from simpul.opendata.drafts import dataset_draft_start
from simpul.opendata.models import Dataset, DatasetDraft, DraftStatus
from simpul.opendata.services import datasets_refresh_generated
from simpul.opendata.tests.factories import publish_upload


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
    assert "Dinas Komunikasi dan Informatika" in body and "Kode wilayah Kemendagri" in body
    assert "kemendagri-wilayah" not in body and "cara_pengumpulan" not in body  # labels, not stored keys
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


# What the walidata's step 1 sends (the other fields are on the draft's own pages; extra ones are ignored).
UPLOAD = {"title_id": "Jumlah SD"}
DESCRIPTION = {
    "slug": "sekolah-dasar", "title_id": "Jumlah SD", "title_en": "", "description_id": "Sekolah dasar per kecamatan.",
    "description_en": "", "theme": "pendidikan", "keywords": "sekolah, SD", "license": "CC-BY-4.0",
    "update_frequency": "annual", "temporal_start": "2025-01-01", "temporal_end": "2025-12-31",
    "spatial_code": "16.06", "reference_codes": ["kemendagri-wilayah"],
}


def _file(text="kode_kecamatan,jumlah_sd\n16.06.01,31\n", name="sd.csv"):
    upload = io.BytesIO(text.encode())
    upload.name = name
    return upload


def _columns(draft, **definitions):
    data = {"col-TOTAL_FORMS": str(len(draft.columns)), "col-INITIAL_FORMS": str(len(draft.columns))}
    for i, variable in enumerate(draft.ms_var):
        data[f"col-{i}-type"] = variable["type"]
        data[f"col-{i}-definition"] = definitions.get(variable["name"], "")
    return data


ACTIVITY = {"judul": "Pendataan sekolah", "cara_pengumpulan": "Registrasi", "ind-TOTAL_FORMS": "1",
            "ind-INITIAL_FORMS": "0"}


def _prepare(client, personas, file=None, **description):
    """Steps of the walidata's pages, as a browser sends them; returns the draft sent for review."""
    response = client.post(reverse("opendata:upload"), {**UPLOAD, "file": file or _file()})
    assert response.status_code == 302, response.content.decode()[:2000]
    draft = DatasetDraft.objects.get()
    assert response["Location"] == reverse("opendata:draft", kwargs={"token": draft.token})
    response = client.post(reverse("opendata:draft_description", kwargs={"token": draft.token}),
                           {**DESCRIPTION, "producer": personas.dinkominfo.pk, **description})
    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    response = client.post(reverse("opendata:draft_columns", kwargs={"token": draft.token}),
                           _columns(draft, kode_kecamatan="Kode Kemendagri", jumlah_sd="Banyaknya SD"))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert client.post(reverse("opendata:draft_activity", kwargs={"token": draft.token}), ACTIVITY).status_code == 302
    assert client.post(reverse("opendata:draft_submit", kwargs={"token": draft.token})).status_code == 302
    draft.refresh_from_db()
    assert draft.status == DraftStatus.SUBMITTED
    return draft


def _publish(client, personas, **kwargs):
    draft = _prepare(client, personas, **kwargs)
    login(client, personas.admin)
    response = client.post(reverse("opendata:draft_publish", kwargs={"token": draft.token}))
    assert response.status_code == 302, response
    login(client, personas.steward)
    return Dataset.objects.get(slug=kwargs.get("slug", "sekolah-dasar"))


def test_the_walidata_pages_need_a_walidata_or_admin_with_mfa(client, personas):
    for url in (reverse("opendata:upload"), reverse("opendata:manage")):
        anonymous = client.get(url)
        assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("accounts:login"))
        login(client, personas.citizen)
        assert client.get(url).status_code == 403
        login(client, personas.officer)  # staff with a second factor, but not a data steward
        assert client.get(url).status_code == 403
        client.logout()


def test_the_data_list_links_to_the_workspace_for_walidata_only(client, personas):
    assert reverse("opendata:manage") not in client.get(reverse("opendata:list")).content.decode()
    login(client, personas.citizen)
    assert reverse("opendata:manage") not in client.get(reverse("opendata:list")).content.decode()
    login(client, personas.steward)
    assert f'href="{reverse("opendata:manage")}"' in client.get(reverse("opendata:list")).content.decode()
    workspace = client.get(reverse("opendata:manage")).content.decode()
    assert f'href="{reverse("opendata:upload")}"' in workspace


def test_a_mistake_on_the_first_step_keeps_the_chosen_file(client, personas):
    login(client, personas.steward)
    response = client.post(reverse("opendata:upload"), {"title_id": "", "file": _file()})
    body = response.content.decode()
    assert response.status_code == 400 and "error-summary" in body
    draft = DatasetDraft.objects.get()
    assert bytes(draft.file_content) == b"kode_kecamatan,jumlah_sd\n16.06.01,31\n"
    assert f'name="kept" value="{draft.token}"' in body
    assert "Disimpan: sd.csv (1 baris, 2 kolom)" in body
    response = client.post(reverse("opendata:upload"), {"title_id": "Jumlah SD", "kept": draft.token})
    assert response.status_code == 302 and DatasetDraft.objects.count() == 1
    draft.refresh_from_db()
    assert draft.metadata["title_id"] == "Jumlah SD" and draft.slug == "jumlah-sd" and draft.file_name == "sd.csv"


def test_a_bad_file_on_the_first_step_is_named_and_the_title_stays(client, personas):
    login(client, personas.steward)
    response = client.post(reverse("opendata:upload"), {"title_id": "Judul saya", "file": _file("a,a\n1,2\n")})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Nama kolom &quot;a&quot; muncul dua kali." in body and 'value="Judul saya"' in body
    assert not DatasetDraft.objects.exists()


def test_the_columns_page_is_filled_in_from_the_header(client, personas):
    login(client, personas.steward)
    client.post(reverse("opendata:upload"), {**UPLOAD, "file": _file("kode_desa,jumlah_penduduk\n16.06.01.2001,1520\n")})
    draft = DatasetDraft.objects.get()
    body = client.get(reverse("opendata:draft_columns", kwargs={"token": draft.token})).content.decode()
    assert "<legend><code>kode_desa</code></legend>" in body and "<legend><code>jumlah_penduduk</code></legend>" in body
    assert '<option value="integer" selected>Bilangan bulat</option>' in body
    assert "Di berkas: 16.06.01.2001" in body
    assert "|" not in body.split("<main", 1)[1].split("</main>", 1)[0]  # no "name | definition" format to learn


def test_a_keyword_data_portals_refuse_is_named_in_indonesian_and_nothing_typed_is_lost(client, personas):
    login(client, personas.steward)
    client.post(reverse("opendata:upload"), {**UPLOAD, "file": _file()})
    draft = DatasetDraft.objects.get()
    response = client.post(reverse("opendata:draft_description", kwargs={"token": draft.token}), {
        **DESCRIPTION, "producer": personas.dinkominfo.pk, "keywords": "sekolah, LAPOR!, x"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Kata kunci ini memuat karakter atau panjang yang ditolak portal data: LAPOR!, x." in body
    assert 'value="sekolah, LAPOR!, x"' in body and "Sekolah dasar per kecamatan." in body
    draft.refresh_from_db()
    assert draft.has_file


def test_the_walidata_prepares_and_another_person_publishes(client, personas, region_tree):
    login(client, personas.steward)
    draft = _prepare(client, personas)
    page = client.get(reverse("opendata:draft", kwargs={"token": draft.token})).content.decode()
    assert reverse("opendata:draft_publish", kwargs={"token": draft.token}) not in page
    assert client.post(reverse("opendata:draft_publish", kwargs={"token": draft.token})).status_code == 403
    assert client.get(reverse("opendata:detail", kwargs={"slug": "sekolah-dasar"})).status_code == 404
    login(client, personas.admin)
    assert "Jumlah SD" in client.get(reverse("opendata:manage")).content.decode()
    page = client.get(reverse("opendata:draft", kwargs={"token": draft.token})).content.decode()
    assert reverse("opendata:draft_publish", kwargs={"token": draft.token}) in page
    response = client.post(reverse("opendata:draft_publish", kwargs={"token": draft.token}))
    assert response["Location"] == reverse("opendata:detail", kwargs={"slug": "sekolah-dasar"})
    dataset = Dataset.objects.get(slug="sekolah-dasar")
    assert dataset.walidata == personas.steward and dataset.keywords == ["sekolah", "SD"]
    assert dataset.ms_var[1] == {"name": "jumlah_sd", "type": "integer", "definition": "Banyaknya SD"}


def test_the_reviewer_sends_it_back_with_a_note_the_walidata_sees(client, personas, region_tree):
    login(client, personas.steward)
    draft = _prepare(client, personas)
    login(client, personas.admin)
    url = reverse("opendata:draft_return", kwargs={"token": draft.token})
    empty = client.post(url, {"note": ""})
    assert empty.status_code == 400 and "Bidang ini harus diisi." in empty.content.decode()
    assert client.post(url, {"note": "Sebutkan tahun pada judul."}).status_code == 302
    login(client, personas.steward)
    page = client.get(reverse("opendata:draft", kwargs={"token": draft.token})).content.decode()
    assert "Sebutkan tahun pada judul." in page and "Dikembalikan untuk diperbaiki" in page


def test_the_published_page_shows_labels_in_the_pages_language(client, personas, region_tree):
    login(client, personas.steward)
    _publish(client, personas)
    client.logout()
    body = client.get(reverse("opendata:detail", kwargs={"slug": "sekolah-dasar"})).content.decode()
    for raw in ("judul", "cara_pengumpulan", "kemendagri-wilayah", "— – —", "integer"):
        assert raw not in body, raw
    assert "<dt>Nama kegiatan</dt><dd>Pendataan sekolah</dd>" in body
    assert "<dt>Cara pengumpulan data</dt><dd>Registrasi</dd>" in body
    assert "<dt>Periode</dt><dd>1 Januari 2025 – 31 Desember 2025</dd>" in body
    assert "<dt>Kode referensi yang dipakai</dt><dd>Kode wilayah Kemendagri</dd>" in body
    english = client.get("/en" + reverse("opendata:detail", kwargs={"slug": "sekolah-dasar"})).content.decode()
    assert "<dt>Name of the activity</dt>" in english and "<dt>Period</dt><dd>1 January 2025 – 31 December 2025</dd>" \
        in english


def test_a_dataset_without_a_period_shows_no_empty_period(client, personas, region_tree):
    login(client, personas.steward)
    _publish(client, personas, temporal_start="", temporal_end="", spatial_code="", reference_codes=[])
    body = client.get(reverse("opendata:detail", kwargs={"slug": "sekolah-dasar"})).content.decode()
    assert "Periode" not in body and "<dt>Wilayah</dt>" not in body and "—" not in body


def test_replacing_the_file_lists_the_earlier_version_on_the_page(client, personas, region_tree):
    login(client, personas.steward)
    dataset = _publish(client, personas)
    response = client.post(reverse("opendata:change", kwargs={"slug": dataset.slug}))
    draft = DatasetDraft.objects.get(dataset=dataset)
    assert response["Location"] == reverse("opendata:draft", kwargs={"token": draft.token})
    response = client.post(reverse("opendata:draft_file", kwargs={"token": draft.token}), {
        "file": _file("kode_kecamatan,jumlah_sd\n16.06.01,33\n", name="sd-2026.csv"), "change_note": "Data 2026"})
    assert response["Location"] == reverse("opendata:draft_columns", kwargs={"token": draft.token})
    assert client.post(reverse("opendata:draft_submit", kwargs={"token": draft.token})).status_code == 302
    login(client, personas.admin)
    client.post(reverse("opendata:draft_publish", kwargs={"token": draft.token}))
    client.logout()
    body = client.get(reverse("opendata:detail", kwargs={"slug": dataset.slug})).content.decode()
    assert "Versi 2, terbit" in body and "Versi 1, terbit" in body and "Data 2026" in body
    old = client.get(reverse("opendata:version_download", kwargs={"slug": dataset.slug, "number": 1}))
    assert old.status_code == 200 and old.content == b"kode_kecamatan,jumlah_sd\n16.06.01,31\n"
    current = client.get(reverse("opendata:download", kwargs={"slug": dataset.slug, "fmt": "csv"}))
    assert current.content == b"kode_kecamatan,jumlah_sd\n16.06.01,33\n"


def test_a_withdrawn_dataset_says_so_at_its_address_and_leaves_the_catalogue(client, personas, region_tree):
    login(client, personas.steward)
    dataset = _publish(client, personas)
    url = reverse("opendata:withdraw", kwargs={"slug": dataset.slug})
    short = client.post(url, {"reason": "salah"})
    assert short.status_code == 400 and "error-summary" in short.content.decode()
    assert client.post(url, {"reason": "Angka tahun 2025 salah hitung."}).status_code == 302
    client.logout()
    page = client.get(reverse("opendata:detail", kwargs={"slug": dataset.slug}))
    body = page.content.decode()
    assert page.status_code == 410 and "Dataset ini ditarik pada" in body and "Angka tahun 2025 salah hitung." in body
    download = client.get(reverse("opendata:download", kwargs={"slug": dataset.slug, "fmt": "csv"}))
    assert download.status_code == 410
    assert "sekolah-dasar" not in client.get(reverse("opendata:list")).content.decode()
    assert "sekolah-dasar" not in client.get("/data/catalog.jsonld").content.decode()
    assert client.get("/api/v1/datasets/sekolah-dasar/").status_code == 404


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
    _publish(client, personas, file=_file(hostile))

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
    _publish(client, personas, file=buffer, slug="sekolah-dasar-2")
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


def test_the_workspace_reads_the_same_number_of_queries_for_more_drafts_and_datasets(client, personas, region_tree):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("opendata:manage")).status_code == 200
        return len(captured)

    publish_upload(steward=personas.steward, reviewer=personas.admin, producer=personas.dinkominfo)
    dataset_draft_start(actor=personas.steward, upload_name="a.csv", content=b"a,b\n1,2\n")
    login(client, personas.steward)
    few = queries()
    for n in range(3):
        publish_upload(steward=personas.steward, reviewer=personas.admin, producer=personas.dinkominfo,
                       slug=f"sekolah-{n}")
        dataset_draft_start(actor=personas.steward, upload_name=f"b{n}.csv", content=b"a,b\n1,2\n")
    assert queries() == few


@pytest.mark.parametrize("theme", ["bukan-tema", "pemerintahan\x00", "\x00"])
def test_an_unknown_theme_finds_nothing_at_both_doors(client, built, theme):
    from simpul.opendata.selectors import dataset_list

    assert list(dataset_list(theme=theme)) == []
    answer = client.get("/api/v1/datasets/", {"theme": theme})
    assert answer.status_code == 200 and answer.json()["results"] == []
    assert client.get("/data/", {"theme": theme}).status_code == 200
