"""The walidata's journey in Chromium, with JavaScript on and off: from /data/ to the workspace, a new dataset
prepared on a 360×740 phone (its forms also seen at a 1366×768 desk; a mistake on the first step keeps the file; the columns come described from the
header), sent for review, published by the platform admin at a 1366×768 desk, read by a citizen on a phone in the
page's language; then its file replaced (the old version stays listed) and the dataset withdrawn with a reason,
which its address then shows. axe-core runs on every page; `shot()` keeps full-page screenshots in $SIMPUL_SHOTS.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from simpul.conftest import personas, region_tree  # noqa: F401 - shared fixtures
from tests.browser.conftest import DESK, assert_no_axe_violations, shot

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 360, "height": 740}
FIRST = "kode_kecamatan,nama_kecamatan,jumlah_sd,tanggal_data\n16.06.01,Sekayu,31,2025-12-31\n16.06.02,Lais,18,2025-12-31\n"
SECOND = ("kode_kecamatan,nama_kecamatan,jumlah_sd,jumlah_guru,tanggal_data\n"
          "16.06.01,Sekayu,33,412,2026-06-30\n16.06.02,Lais,18,240,2026-06-30\n")
RAW = ("judul", "cara_pengumpulan", "kemendagri-wilayah", "— – —", "integer", "string")


def _signed_in(browser: Any, site: str, user: Any, *, javascript: bool, viewport: dict[str, int]) -> Any:
    from django.conf import settings
    from django.test import Client

    from simpul.conftest import login

    client = Client()
    login(client, user)
    context = browser.new_context(locale="id-ID", viewport=viewport, java_script_enabled=javascript)
    context.set_default_timeout(20_000)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": site}])
    return context.new_page()


def _anonymous(browser: Any, *, javascript: bool) -> Any:
    context = browser.new_context(locale="id-ID", viewport=PHONE, java_script_enabled=javascript)
    context.set_default_timeout(20_000)
    return context.new_page()


class Look:
    """axe-core on the page as it is, then a full-page screenshot named after the step."""

    def __init__(self, mode: str) -> None:
        self.mode, self.n = mode, 0

    def __call__(self, page: Any, name: str) -> None:
        assert_no_axe_violations(page)
        self.n += 1
        shot(page, f"walidata-{self.mode}-{self.n:02d}-{name}")


def _main(page: Any) -> str:
    return str(page.locator("main").inner_text())


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_a_walidata_prepares_a_dataset_another_person_publishes_it_and_it_is_replaced_then_withdrawn(
    browser: Any, live_server: Any, personas: Any, region_tree: Any, tmp_path: Path, javascript: bool,  # noqa: F811
) -> None:
    from simpul.opendata.models import Dataset, DatasetDraft

    site = str(live_server.url)
    look = Look("js" if javascript else "nojs")
    first = tmp_path / "sekolah-dasar-2025.csv"
    first.write_text(FIRST)
    second = tmp_path / "sekolah-dasar-2026.csv"
    second.write_text(SECOND)

    # The walidata, on a phone: /data/ leads to the workspace and on to a new dataset.
    steward = _signed_in(browser, site, personas.steward, javascript=javascript, viewport=PHONE)
    steward.goto(f"{site}/data/")
    look(steward, "data-list")
    steward.get_by_role("link", name="Ruang kerja walidata").click()
    look(steward, "workspace")
    steward.get_by_role("link", name="Terbitkan dataset baru").click()
    steward.get_by_label("Berkas data (CSV atau XLSX)").set_input_files(str(first))
    steward.get_by_role("button", name="Simpan dan lanjut").click()  # no title yet: refused, the file is kept
    assert "Disimpan: sekolah-dasar-2025.csv (2 baris, 4 kolom)" in _main(steward)
    assert "Judul (bahasa Indonesia): Bidang ini harus diisi." in _main(steward)
    look(steward, "new-title-missing-file-kept")
    steward.get_by_label("Judul (bahasa Indonesia)").fill("Jumlah sekolah dasar per kecamatan")
    steward.get_by_role("button", name="Simpan dan lanjut").click()
    assert DatasetDraft.objects.get().file_name == "sekolah-dasar-2025.csv"
    look(steward, "draft")

    steward.get_by_role("link", name="Ubah keterangan").click()
    steward.get_by_label("Uraian (bahasa Indonesia)").fill("Banyaknya sekolah dasar negeri dan swasta per kecamatan.")
    steward.get_by_label("Produsen data (OPD)").select_option(str(personas.dinkominfo.pk))
    steward.get_by_label("Tema").select_option("pendidikan")
    steward.get_by_label("Kata kunci").fill("sekolah, SD!")
    steward.get_by_label("Periode dari").fill("2025-01-01")
    steward.get_by_label("Periode sampai").fill("2025-12-31")
    steward.get_by_label("Kode wilayah (Kemendagri)").fill("16.06")
    steward.get_by_label("Kode wilayah Kemendagri", exact=True).check()
    steward.get_by_role("button", name="Simpan").click()
    assert "Kata kunci: Kata kunci ini memuat karakter" in _main(steward)  # refused, nothing typed is lost
    assert steward.get_by_label("Uraian (bahasa Indonesia)").input_value().startswith("Banyaknya sekolah dasar")
    look(steward, "description-keyword-refused")
    steward.set_viewport_size(DESK)
    look(steward, "description-desk")
    steward.set_viewport_size(PHONE)
    steward.get_by_label("Kata kunci").fill("sekolah, SD")
    steward.get_by_role("button", name="Simpan").click()

    steward.get_by_role("link", name="Jelaskan kolom").click()
    assert steward.locator("#id_col-0-type").input_value() == "string"   # 16.06.01 is a code
    assert steward.locator("#id_col-2-type").input_value() == "integer"
    assert steward.locator("#id_col-3-type").input_value() == "date"
    for i, text in enumerate(["Kode kecamatan Kemendagri.", "Nama kecamatan.", "Banyaknya sekolah dasar.",
                              "Tanggal keadaan data."]):
        steward.locator(f"#id_col-{i}-definition").fill(text)
    steward.locator("#id_col-0-reference").select_option("kemendagri-wilayah")
    steward.locator("#id_col-2-unit").fill("sekolah")
    look(steward, "columns-from-the-header")
    steward.set_viewport_size(DESK)  # the same page at the office desk
    look(steward, "columns-desk")
    steward.set_viewport_size(PHONE)
    steward.get_by_role("button", name="Simpan").click()

    steward.get_by_role("link", name="Jelaskan kegiatan dan indikator").click()
    steward.get_by_label("Nama kegiatan").fill("Pendataan sekolah tahunan")
    steward.get_by_label("Cara pengumpulan data").fill("Data administrasi Dinas Pendidikan")
    look(steward, "activity")
    steward.get_by_role("button", name="Simpan").click()
    look(steward, "draft-complete")
    steward.get_by_role("button", name="Kirim untuk diperiksa").click()
    assert "Menunggu diperiksa" in _main(steward)
    look(steward, "sent-for-review")
    steward.goto(steward.url.split("/data/")[0] + f"/data/kelola/draf/{DatasetDraft.objects.get().token}/")
    assert steward.get_by_role("button", name="Terbitkan").count() == 0  # nobody publishes their own draft

    # The platform admin, at a desk, reviews and publishes it.
    admin = _signed_in(browser, site, personas.admin, javascript=javascript, viewport=DESK)
    admin.goto(f"{site}/data/kelola/")
    look(admin, "admin-workspace-desk")
    admin.get_by_role("link", name="Jumlah sekolah dasar per kecamatan").first.click()
    look(admin, "admin-review-desk")
    admin.get_by_role("button", name="Terbitkan").click()
    assert "Dataset sudah diterbitkan." in _main(admin)
    look(admin, "admin-published-desk")
    dataset = Dataset.objects.get()
    assert (dataset.slug, dataset.walidata, dataset.version) == ("jumlah-sekolah-dasar-per-kecamatan",
                                                                 personas.steward, 1)

    # A citizen on a phone reads it in the page's language.
    citizen = _anonymous(browser, javascript=javascript)
    citizen.goto(f"{site}/data/{dataset.slug}/")
    text = _main(citizen)
    assert all(raw not in text for raw in RAW), [raw for raw in RAW if raw in text]
    assert "Nama kegiatan\nPendataan sekolah tahunan" in text and "1 Januari 2025 – 31 Desember 2025" in text
    assert "Ruang kerja walidata" not in citizen.content()
    look(citizen, "citizen-dataset")

    # The walidata replaces the file: the columns keep their description, the new one is to be described.
    steward.goto(f"{site}/data/kelola/")
    steward.locator(f"#data-{dataset.slug}").get_by_role("button", name="Ubah atau ganti berkas").click()
    assert "Berkas yang sudah terbit (versi 1) tetap seperti sekarang." in _main(steward)
    look(steward, "change-draft")
    steward.get_by_role("link", name="Pilih berkas lain").click()
    steward.get_by_label("Berkas data (CSV atau XLSX)").set_input_files(str(second))
    steward.get_by_label("Apa yang berubah di berkas ini").fill("Data Juni 2026, dengan jumlah guru")
    look(steward, "replace-file")
    steward.get_by_role("button", name="Simpan berkas ini").click()
    assert steward.locator("#id_col-2-definition").input_value() == "Banyaknya sekolah dasar."
    assert steward.locator("#id_col-3-definition").input_value() == ""
    steward.locator("#id_col-3-definition").fill("Banyaknya guru sekolah dasar.")
    look(steward, "replace-columns")
    steward.get_by_role("button", name="Simpan").click()
    steward.get_by_role("button", name="Kirim untuk diperiksa").click()
    admin.goto(f"{site}/data/kelola/")
    admin.get_by_role("link", name="Jumlah sekolah dasar per kecamatan").first.click()
    admin.get_by_role("button", name="Terbitkan").click()
    citizen.goto(f"{site}/data/{dataset.slug}/")
    assert "Versi 2, terbit" in _main(citizen) and "Versi 1, terbit" in _main(citizen)
    look(citizen, "citizen-two-versions")

    # The walidata withdraws it; its address says so, the list no longer has it.
    steward.goto(f"{site}/data/kelola/")
    steward.locator(f"#data-{dataset.slug}").get_by_role("link", name="Tarik").click()
    steward.get_by_label("Mengapa ditarik?").fill("Angka Lais salah hitung; data yang benar terbit minggu depan.")
    look(steward, "withdraw")
    steward.get_by_role("button", name="Tarik dataset").click()
    look(steward, "withdrawn-in-workspace")
    response = citizen.goto(f"{site}/data/{dataset.slug}/")
    assert response is not None and response.status == 410
    assert "Angka Lais salah hitung" in _main(citizen)
    look(citizen, "citizen-withdrawn")
    citizen.goto(f"{site}/data/")
    assert "Jumlah sekolah dasar per kecamatan" not in _main(citizen)
    for page in (steward, admin, citizen):
        page.context.close()
