"""An evaluator with a respondent, in Chromium: the evaluator logs in (password, then the code of her
authenticator app), opens a round of the paper's instruments, invites a respondent (a QR code, the CSV of the
links, an SMS); the respondent opens the link on a phone (360x740) and answers the paper's questionnaire; the
evaluator codes a passage of an interview by selecting it (JavaScript on) and by its offsets (JavaScript off),
reads the results and downloads the report.

Every page is checked with axe-core and, on the phone, for nothing wider than the screen; with SIMPUL_SHOTS set,
each step is a full-page screenshot (evaluator-NN-*.png at 360x740, evaluator-desk-NN-*.png at 1366x768)."""

from __future__ import annotations

import csv
import io
import time
from typing import Any

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from simpul.assessment.models import Answer, Excerpt, Response
from simpul.assessment.services import code_create, evidence_add
from simpul.assessment.tests.factories import open_round
from simpul.conftest import PASSWORD, personas, region_tree  # noqa: F401 - shared fixtures
from simpul.notifications.models import Message
from tests.browser.conftest import DESK, assert_no_axe_violations, shot

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 360, "height": 740}
TRANSCRIPT = ("Pewawancara: Bagaimana jaringan internet di kantor desa?\n"
              "Informan: Jaringan  di desa sering putus saat hujan, jadi berkas dikirim lewat kecamatan.\n"
              "Pewawancara: Apa yang paling dibutuhkan?\n"
              "Informan: Pelatihan operator desa dan jaringan yang stabil.")


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


def _fits(page: Any) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], (page.url, width)


class Look:
    """axe-core on the page, a full-page screenshot at the phone's size and, for the evaluator, at a desk's."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self, page: Any, name: str, *, desk: bool = True) -> None:
        self.n += 1
        page.set_viewport_size(PHONE)
        assert_no_axe_violations(page)
        _fits(page)
        shot(page, f"evaluator-{self.n:02d}-{name}")
        if desk:
            page.set_viewport_size(DESK)
            shot(page, f"evaluator-desk-{self.n:02d}-{name}")
            page.set_viewport_size(PHONE)


def _select(page: Any, passage: str) -> None:
    """Select `passage` in the transcript as a person does with the mouse (a range, then the mouse let go)."""
    page.evaluate("""(passage) => {
        const box = document.getElementById('transcript');
        const node = box.firstChild;
        const at = node.textContent.indexOf(passage);
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + passage.length);
        const sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
        box.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
    }""", passage)


def test_an_evaluator_invites_a_respondent_codes_an_interview_and_downloads_the_report(
    browser: Any, live_server: Any, personas: Any, settings: Any,  # noqa: F811 - the shared fixture
) -> None:
    settings.NOTIFICATION_PHONE_CHANNELS = ["sms"]
    site = str(live_server.url)
    look = Look()
    rnd = open_round("paper-2020", actor=personas.evaluator, name="Kebutuhan layanan digital 2026")
    interview = evidence_add(round=rnd, kind="interview", title="Wawancara kepala desa Sukarami",
                             actor=personas.evaluator, text=TRANSCRIPT, informant="Informan A",
                             informant_role="Kepala desa", consent_recorded=True)
    code_create(round=rnd, name="Jaringan tidak stabil", actor=personas.evaluator)
    code_create(round=rnd, name="Kebutuhan pelatihan", actor=personas.evaluator)
    device = TOTPDevice.objects.create(user=personas.evaluator, name="phone", confirmed=True)

    # 1. the evaluator logs in: password, then the code of her authenticator app
    context = browser.new_context(locale="id-ID", viewport=PHONE, accept_downloads=True)
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto(f"{site}/akun/masuk/")
    page.get_by_label("Alamat email atau nomor HP").fill(personas.evaluator.email)
    page.get_by_label("Sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.get_by_label("Kode 6 angka dari aplikasi autentikator").fill(_code(device))
    page.get_by_role("button", name="Lanjut").click()
    page.goto(f"{site}/asesmen/")
    look(page, "rounds")

    # 2. the round: no red "publishing is blocked" box on an open round; she invites a respondent by SMS
    page.get_by_role("link", name="Kebutuhan layanan digital 2026").click()
    main = page.locator("main")
    assert "Penerbitan" not in main.inner_text() and main.locator(".error-summary").count() == 0
    look(page, "round")
    page.get_by_label("Orang yang diundang, satu per baris").fill("Bappeda, Bidang Perencanaan, 081234567890")
    page.get_by_label("Kirim setiap tautan lewat SMS ke nomor di barisnya").check()
    page.get_by_role("button", name="Buat undangan").click()
    assert "1 undangan dikirim lewat SMS." in main.inner_text()
    assert main.locator(".invitations svg").count() == 1  # the invitation's QR code
    link = main.locator(".invitations code").inner_text().strip()
    assert Message.objects.get(event="assessment.invitation").body.endswith(link)
    look(page, "invitation")
    with page.expect_download() as download:
        page.get_by_role("button", name="Unduh daftarnya (CSV)").click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    assert rows == [["Nama atau unit", "Kelompok", "Tautan undangan", "Sudah menjawab"],
                    ["Bappeda, Bidang Perencanaan", "", link, "tidak"]]

    # 3. the respondent opens the link on her phone and answers the paper's questionnaire
    respondent = browser.new_context(locale="id-ID", viewport=PHONE).new_page()
    respondent.goto(link)
    assert respondent.locator("main").get_by_text("TP = ").count() == 0  # no legend line before the questions
    box = respondent.locator('label:has(input[name="v_TK1"][value="5"])').bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 300  # a large target, one per row
    look(respondent, "questionnaire", desk=False)
    respondent.get_by_text("Sangat Penting").first.click()
    for n in range(1, 6):
        respondent.locator(f'label:has(input[name="level_M{n}"][value="4"])').click()
    respondent.get_by_role("button", name="Kirim jawaban saya").click()
    assert respondent.url.endswith("/asesmen/terima-kasih/")
    look(respondent, "thanks", desk=False)
    respondent.context.close()
    answered = Response.objects.get(round=rnd)
    assert set(Answer.objects.filter(response=answered, level__isnull=False).values_list("level", flat=True)) == {4}

    # 4. she codes a passage by selecting it in the interview (JavaScript on)
    page.goto(f"{site}/asesmen/putaran/{rnd.pk}/bukti/{interview.pk}/")
    look(page, "interview")
    _select(page, "Jaringan  di desa sering putus saat hujan")
    assert page.get_by_label("Bagian teks (huruf besar-kecil dan pindah baris boleh berbeda)").input_value() == (
        "Jaringan  di desa sering putus saat hujan")
    assert "Dipilih: “Jaringan  di desa sering putus saat hujan” (kemunculan nomor 1 dalam teks)" in page.locator(
        "#x-selected").text_content()
    page.get_by_label("Kode", exact=True).select_option(label="Jaringan tidak stabil")
    look(page, "interview-selected")
    page.get_by_role("button", name="Beri kode").click()
    first = Excerpt.objects.get()
    assert first.text == "Jaringan  di desa sering putus saat hujan" and first.code.name == "Jaringan tidak stabil"

    # 5. and one by its offsets, with JavaScript off
    start = TRANSCRIPT.index("Pelatihan operator desa")
    no_js = browser.new_context(locale="id-ID", viewport=PHONE, java_script_enabled=False)
    no_js.add_cookies(context.cookies())
    plain = no_js.new_page()
    plain.goto(f"{site}/asesmen/putaran/{rnd.pk}/bukti/{interview.pk}/")
    plain.get_by_label("Kode", exact=True).select_option(label="Kebutuhan pelatihan")
    plain.get_by_label("Awal").fill(str(start))
    plain.get_by_label("Akhir").fill(str(start + len("Pelatihan operator desa")))
    plain.get_by_role("button", name="Beri kode").click()
    assert Excerpt.objects.get(code__name="Kebutuhan pelatihan").text == "Pelatihan operator desa"
    look(plain, "interview-coded-without-javascript")
    no_js.close()

    # 6. the results, then the report
    page.goto(f"{site}/asesmen/putaran/{rnd.pk}/hasil/")
    assert "1 jawaban." in page.locator("main").inner_text()
    look(page, "results")
    page.goto(f"{site}/asesmen/putaran/{rnd.pk}/penilaian-mandiri/")
    assert "1 · Proses tidak diimplementasikan" in page.locator("main").inner_text()  # levels with their meaning
    look(page, "self-assessment")

    # 7. she closes the round: what is left before publishing is a checklist, done and to do
    page.goto(f"{site}/asesmen/putaran/{rnd.pk}/")
    page.get_by_role("button", name="Tutup").click()
    steps = page.locator(".checklist li")
    assert [li.get_attribute("class") for li in steps.all()] == ["todo", "todo", "done", "done"]
    look(page, "closed-round-checklist")
    with page.expect_download() as download:
        page.get_by_role("link", name="Laporan PDF").click()
    assert download.value.path().read_bytes()[:5] == b"%PDF-"
    context.close()
