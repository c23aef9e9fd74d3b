"""A confidential complaint in Chromium, as each persona sees it: the citizen on a phone files a complaint about
a bribe with "keep my identity confidential"; it goes to the Inspektorat, whose officer sees the reporter masked
until an audited reveal; the office complained about, holding an ordinary confidential complaint, sees no name
and is told who will read each note. Screenshots go to $SIMPUL_SHOTS when set."""

from __future__ import annotations

from typing import Any

import pytest

from simpul.cases.tests.complaints import auditor, inspektorat, kependudukan  # noqa: F401 - fixtures
from simpul.conftest import personas, region_tree  # noqa: F401 - shared fixtures
from tests.browser.conftest import assert_no_axe_violations, shot, staff_page

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 360, "height": 740}



def _file_complaint(browser: Any, site: str, topic: str) -> tuple[str, Any]:
    context = browser.new_context(locale="id-ID", viewport=PHONE, is_mobile=True)
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto(f"{site}/layanan/pengaduan-kependudukan/ajukan/?baru=1")
    page.locator(f"input[name=complaint_topic][value={topic}]").check()
    page.get_by_label("Judul singkat").fill("Diminta uang untuk KTP-el")
    page.get_by_label("Ceritakan masalahnya").fill(
        "Petugas di loket meminta uang Rp200.000 agar KTP-el saya cepat dicetak, padahal gratis.")
    page.get_by_label("Desa/kelurahan lokasi masalah").select_option("16.06.01.2001")
    shot(page, f"phone-complaint-page1-{topic}")
    page.get_by_role("button", name="Lanjut", exact=True).click()
    page.locator("input[name=anonymous][value=no]").check()
    page.get_by_label("Nama (tidak wajib)", exact=True).fill("Rahmat Pelapor")  # a phone or an email is enough
    page.get_by_label("Nomor HP/WhatsApp").fill("081377778888")
    page.locator("input[name=confidential][value=yes]").check()
    shot(page, f"phone-complaint-reporter-{topic}")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Lanjut", exact=True).click()
    page.get_by_role("button", name="Lanjut", exact=True).click()
    page.get_by_role("button", name="Kirim").first.click()
    reference = page.locator(".big").first.inner_text().strip()
    done = page.locator("main").inner_text()
    assert "Pengaduan Anda sudah terkirim" in done and "permohonan" not in done.lower()  # a complaint, not an application
    assert "kantor yang Anda adukan tidak melihat nama dan nomor HP Anda" in done
    shot(page, f"phone-complaint-done-{topic}")
    context.close()
    return reference, page


def test_confidential_complaint_about_a_bribe_reaches_only_the_inspektorat(
    browser: Any, live_server: Any, personas: Any, kependudukan: Any, auditor: Any,  # noqa: F811
) -> None:
    from simpul.cases.models import Case

    site = str(live_server.url)
    reference, _page = _file_complaint(browser, site, "pungli")
    case = Case.objects.get(reference=reference)
    assert case.agency.code == "inspektorat" and case.identity == "confidential"

    unit = staff_page(browser, site, auditor)
    unit.goto(f"{site}/kantor/")
    assert reference in unit.locator("main").inner_text() and "Rahmat" not in unit.content()
    shot(unit, "desk-inspektorat-worklist")
    unit.goto(f"{site}/kantor/perkara/{reference}/")
    assert "Rahmat" not in unit.content()
    shot(unit, "desk-inspektorat-case-masked")
    assert_no_axe_violations(unit)
    unit.get_by_role("button", name="Tampilkan pelapor (tercatat)").click()
    assert "Rahmat Pelapor" in unit.locator("main").inner_text()
    assert unit.locator("dt", has_text="Pelapor").count() == 1  # a complaint has a reporter, not an applicant
    shot(unit, "desk-inspektorat-case-revealed")

    office = staff_page(browser, site, personas.officer)
    office.goto(f"{site}/kantor/perkara/{reference}/")
    assert "Rahmat" not in office.content()  # not theirs: 404


def test_office_complained_about_sees_no_reporter_and_who_reads_each_note(
    browser: Any, live_server: Any, personas: Any, kependudukan: Any, auditor: Any,  # noqa: F811
) -> None:
    site = str(live_server.url)
    reference, _page = _file_complaint(browser, site, "layanan")
    office = staff_page(browser, site, personas.officer)
    office.goto(f"{site}/kantor/")
    assert "Pelapor dirahasiakan" in office.locator("main").inner_text()
    shot(office, "desk-dukcapil-worklist")
    office.goto(f"{site}/kantor/perkara/{reference}/")
    for summary in office.locator("details > summary").all():
        summary.click()
    text = office.locator("main").inner_text()
    assert "Rahmat" not in office.content() and "Siapa yang akan membaca catatan ini?" in text
    shot(office, "desk-dukcapil-case-confidential")
    assert_no_axe_violations(office)


def test_correction_form_shows_personal_data_masked_on_a_phone(
    browser: Any, live_server: Any, personas: Any,  # noqa: F811
) -> None:
    from simpul.cases.actions import case_request_revision, case_transition
    from simpul.cases.intake import case_submit
    from simpul.cases.tests.factories import png_upload
    from simpul.cases.tests.test_correction_form import ANSWERS, DATA, NIK
    from simpul.catalog.services import service_import_yaml

    version = service_import_yaml(text=(DATA / "ktp-el-penggantian.yaml").read_text(), actor=None).current_version
    result = case_submit(version=version, answers=dict(ANSWERS), files={"kk": png_upload("kk.png")})
    case_transition(case=result.case, action="verify", actor=personas.officer)
    case_request_revision(case=result.case, actor=personas.officer, message="Foto KK buram, mohon unggah ulang.")
    site = str(live_server.url)
    context = browser.new_context(locale="id-ID", viewport=PHONE, is_mobile=True)
    page = context.new_page()
    page.goto(f"{site}/lacak/")
    page.get_by_label("Nomor permohonan").fill(result.case.reference)
    page.get_by_label("PIN", exact=True).fill(result.pin)
    page.get_by_role("button", name="Tampilkan status").click()
    page.goto(f"{site}/lacak/{result.case.reference}/perbaikan/")
    assert NIK not in page.content() and "1606********0001" in page.content()
    shot(page, "phone-correction-form")
    assert_no_axe_violations(page)
    context.close()
