"""The issued-document journey in Chromium: the Dukcapil officer approves in the back office, the letter is signed,
the citizen downloads it from "Dokumen saya", an anonymous visitor follows the QR path (JavaScript off) and sees
"Sah", the officer revokes it with a reason, and the visitor's page says "Dicabut"."""

from __future__ import annotations

from typing import Any

import pytest

from simpul.conftest import personas, region_tree  # noqa: F401 - shared fixtures
from tests.browser.conftest import CHROMIUM, PageLog, assert_no_axe_violations, shot, staff_page

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 360, "height": 740}


def _citizen_page(browser: Any, site: str, user: Any) -> Any:
    from django.conf import settings
    from django.test import Client

    from simpul.conftest import login

    client = Client()
    login(client, user)
    context = browser.new_context(locale="id-ID", viewport=PHONE, accept_downloads=True)
    context.set_default_timeout(20_000)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": site}])
    return context.new_page()


def test_approve_sign_download_verify_revoke(browser: Any, live_server: Any, personas: Any) -> None:  # noqa: F811
    if CHROMIUM is None:
        pytest.skip("chromium missing")
    from simpul.documents.models import Document
    from simpul.documents.tests.factories import case_in_review, letterhead

    site = live_server.url
    letterhead(personas.dukcapil)
    case = case_in_review(personas)

    # 1. the officer approves in the back office: the letter is issued and signed
    officer = staff_page(browser, site, personas.officer)
    officer.goto(f"{site}/kantor/perkara/{case.reference}/")
    # Approving is the next likely action; the signed decision letter is issued by itself.
    officer.locator("section.next-action").get_by_role("button", name="Setujui", exact=True).click()
    assert "Selesai" in officer.locator("main").inner_text()
    shot(officer, "documents-1-officer-approved")
    document = Document.objects.get(case=case)

    # 2. the citizen finds it in "Dokumen saya" and downloads the signed PDF
    citizen = _citizen_page(browser, site, personas.citizen)
    citizen.goto(f"{site}/akun/dokumen/")
    assert document.number in citizen.locator("main").inner_text()
    assert_no_axe_violations(citizen)
    shot(citizen, "documents-2-dokumen-saya")
    with citizen.expect_download() as download:
        citizen.get_by_role("link", name="Unduh (PDF)").click()
    assert open(download.value.path(), "rb").read() == bytes(document.content)  # noqa: SIM115

    # 3. anyone follows the QR code's path, without JavaScript, and sees "Sah"
    visitor_context = browser.new_context(java_script_enabled=False, locale="id-ID", viewport=PHONE)
    visitor = visitor_context.new_page()
    log = PageLog.attach(visitor)
    visitor.goto(f"{site}/verifikasi/{document.code}/")
    print(f"verification page: {log.total_bytes / 1024:.1f} KB in {len(log.responses)} requests")
    assert log.total_bytes < 50 * 1024 and len(log.responses) <= 5
    text = visitor.locator("main").inner_text()
    assert "Sah" in text and document.number in text and "Siti Warga" not in text
    assert_no_axe_violations(visitor)
    shot(visitor, "documents-3-verification-valid")
    visitor.get_by_label("Berkas PDF yang Anda terima").set_input_files(download.value.path())
    visitor.get_by_role("button", name="Periksa berkas").click()
    assert "Berkas sama" in visitor.locator("main").inner_text()
    assert "Tanda tangan sah" in visitor.locator("main").inner_text()
    shot(visitor, "documents-4-upload-checked")

    # 4. the officer revokes it on the same page, with a reason
    officer.goto(f"{site}/verifikasi/{document.code}/")
    officer.locator("summary", has_text="Cabut dokumen ini").click()
    officer.get_by_label("Alasan pencabutan").fill("Nama pada surat salah; surat diterbitkan ulang.")
    officer.get_by_role("button", name="Cabut", exact=True).click()
    assert "Dokumen telah dicabut" in officer.locator("main").inner_text()
    shot(officer, "documents-5-officer-revoked")

    # 5. the visitor's page says "Dicabut" at once
    visitor.goto(f"{site}/verifikasi/{document.code}/")
    text = visitor.locator("main").inner_text()
    assert "Dicabut" in text and "Nama pada surat salah" in text
    assert_no_axe_violations(visitor)
    shot(visitor, "documents-6-verification-revoked")
    for page in (officer, citizen):
        page.context.close()
    visitor_context.close()


def test_signed_receipt_then_reissue_supersedes(browser: Any, live_server: Any, personas: Any) -> None:  # noqa: F811
    """A service that signs receipts: the citizen's receipt is a signed document the verification page knows. The
    officer then reissues the decision after the name was corrected: the old page says "Diganti" and points to
    the new letter, which is "Sah"."""
    if CHROMIUM is None:
        pytest.skip("chromium missing")
    from simpul.documents.models import Document, DocumentKind
    from simpul.documents.tests.factories import case_in_review, letterhead

    site = live_server.url
    letterhead(personas.dukcapil)
    case = case_in_review(personas)
    service = case.service_version.service
    service.signs_receipt = True
    service.save(update_fields=["signs_receipt"])

    citizen = _citizen_page(browser, site, personas.citizen)
    response = citizen.request.get(f"{site}/lacak/{case.reference}/tanda-terima.pdf")
    receipt = Document.objects.get(case=case, kind=DocumentKind.RECEIPT)  # its signature: test_receipts_reissue.py
    assert response.status == 200 and response.body() == bytes(receipt.content)
    citizen.goto(f"{site}/akun/dokumen/")
    assert receipt.number in citizen.locator("main").inner_text()
    shot(citizen, "documents-7-dokumen-saya-with-receipt")

    # (signing runs in the server's thread: this thread holds Playwright's event loop)
    officer = staff_page(browser, site, personas.officer)
    officer.goto(f"{site}/kantor/perkara/{case.reference}/")
    officer.locator("section.next-action").get_by_role("button", name="Setujui", exact=True).click()
    old = Document.objects.get(case=case, kind=DocumentKind.DECISION)
    case.applicant_name = "Siti Warga Ningsih"
    case.save(update_fields=["applicant_name"])
    officer.goto(f"{site}/verifikasi/{old.code}/")
    officer.locator("summary", has_text="Terbitkan ulang dokumen ini").click()
    officer.get_by_label("Alasan penerbitan ulang").fill("Nama pemohon diperbaiki.")
    shot(officer, "documents-8-officer-reissue-form")
    officer.get_by_role("button", name="Terbitkan ulang", exact=True).click()
    new = Document.objects.get(case=case, kind=DocumentKind.DECISION, status="valid")
    assert new.code in officer.url and "Sah" in officer.locator("main").inner_text()
    shot(officer, "documents-9-officer-reissued")

    visitor_context = browser.new_context(java_script_enabled=False, locale="id-ID", viewport=PHONE)
    visitor = visitor_context.new_page()
    visitor.goto(f"{site}/verifikasi/{old.code}/")
    text = visitor.locator("main").inner_text()
    assert "Diganti" in text and "Nama pemohon diperbaiki." in text
    assert_no_axe_violations(visitor)
    shot(visitor, "documents-10-verification-superseded")
    visitor.get_by_role("link", name="Periksa dokumen penggantinya").click()
    assert new.number in visitor.locator("main").inner_text() and "Sah" in visitor.locator("main").inner_text()
    for page in (officer, citizen):
        page.context.close()
    visitor_context.close()
