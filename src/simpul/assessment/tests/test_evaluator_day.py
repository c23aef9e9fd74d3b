"""The evaluator's and the respondent's pages as people use them (issue 15 §13-§15): questionnaires that label
each point where it is chosen, invitations with QR codes, a CSV and SMS, the publishing checklist, coding by a
forgiving quote, results in one number format, and a report to the Bupati."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from simpul.assessment.models import Invitation, Round, RoundStatus
from simpul.assessment.services import (
    code_create,
    evidence_add,
    excerpt_add,
    invitation_sms_send,
    invitees_parse,
    round_create,
    round_set_public,
)
from simpul.assessment.tests.factories import framework, open_round
from simpul.conftest import login
from simpul.notifications.models import Message

pytestmark = pytest.mark.django_db


def _main(response) -> str:
    html = response.content.decode()
    return html[html.index("<main"):html.index("</main>")]


def test_the_paper_questionnaire_labels_each_point_once_where_it_is_chosen(client, personas):
    rnd = round_set_public(round=open_round("paper-2020", actor=personas.evaluator), enabled=True,
                           actor=personas.evaluator)
    main = _main(client.get(reverse("assessment:public", args=[rnd.public_slug])))
    # no legend line above the questions ("TP = Tidak Penting · KP = ..."), the label sits with its radio
    assert "TP = " not in main
    assert re.search(r'name="v_TK1" value="1"> <span><strong>TP</strong> Tidak Penting</span>', main)
    # a level question shows each level's number and its description from the framework data
    assert "<strong>1</strong> · Proses tidak diimplementasikan" in main


def test_the_self_assessment_lists_each_spbe_level_with_its_description(client, personas):
    rnd = open_round("spbe-2020", actor=personas.evaluator)
    login(client, personas.evaluator)
    main = _main(client.get(reverse("assessment:self_assessment", args=[rnd.pk])))
    assert "<strong>1</strong> · Rintisan: dilaksanakan tanpa perencanaan (ad hoc)" in main
    assert not re.search(r">\s*1 1\s*<", main)


def test_a_new_draft_round_shows_no_publishing_checklist_and_a_closed_one_shows_done_and_to_do(client, personas):
    rnd = round_create(framework=framework("paper-2020"), name="Putaran baru", year=2026, actor=personas.evaluator)
    login(client, personas.evaluator)
    url = reverse("assessment:round_detail", args=[rnd.pk])
    main = _main(client.get(url))
    assert "error-summary" not in main and "Sebelum menerbitkan" not in main
    Round.objects.filter(pk=rnd.pk).update(status=RoundStatus.CLOSED, verification=["member_check"])
    main = _main(client.get(url))
    steps = re.findall(r'<li class="(done|todo)">', main)
    assert steps == ["todo", "done", "todo", "done"]  # last stage not reached; tactic recorded; nobody answered


def test_invitations_for_a_list_of_people_come_with_qr_codes_a_csv_and_sms(client, personas, settings):
    settings.NOTIFICATION_PHONE_CHANNELS = ["sms"]
    rnd = open_round("paper-2020", actor=personas.evaluator)
    login(client, personas.evaluator)
    response = client.post(reverse("assessment:round_detail", args=[rnd.pk]), {
        "action": "invite", "people": "Bappeda, Bidang Perencanaan, 0812-3456-7890\nDinas Kominfo\n",
        "send_sms": "on", "answer_by": "2026-12-31", "count": "10"})
    main = _main(response)
    assert main.count("<svg") == 2  # one QR code per invitation, drawn on the server
    links = re.findall(r'name="token" value="([^"]+)"', main)
    assert len(links) == 2 and Invitation.objects.filter(round=rnd).count() == 2
    sms = Message.objects.get(event="assessment.invitation")
    assert sms.recipient == "+6281234567890" and f"/asesmen/isi/{links[0]}/" in sms.body
    assert "sebelum 31 Desember 2026:" in sms.body
    csv = client.post(reverse("assessment:invitations_csv", args=[rnd.pk]), {"token": [*links, "not-a-token"]})
    rows = csv.content.decode("utf-8-sig").splitlines()
    assert csv["Content-Type"].startswith("text/csv")
    assert rows[0] == "Nama atau unit,Kelompok,Tautan undangan,Sudah menjawab"
    assert rows[1].startswith("\"Bappeda, Bidang Perencanaan\",,http") and rows[1].endswith(f"/asesmen/isi/{links[0]}/,tidak")
    assert rows[2].startswith("Dinas Kominfo,,http") and len(rows) == 3  # the stranger's token is left out


def test_sms_invitations_stop_at_the_hourly_limit_of_a_round(personas, settings):
    settings.NOTIFICATION_PHONE_CHANNELS = ["sms"]
    settings.ASSESSMENT_INVITATION_SMS_PER_HOUR = 2
    rnd = open_round("paper-2020", actor=personas.evaluator)
    from datetime import date

    links = [("+6281234567890", "https://simpul.invalid/asesmen/isi/a/")] * 2
    assert invitation_sms_send(round=rnd, links=links, answer_by=date(2026, 12, 31), actor=personas.evaluator) == 2
    with pytest.raises(ValidationError, match="2"):
        invitation_sms_send(round=rnd, links=links[:1], answer_by=date(2026, 12, 31), actor=personas.evaluator)
    assert Message.objects.count() == 2


def test_a_list_of_people_refuses_a_line_whose_number_is_no_mobile_number():
    assert [(i.label, i.phone) for i in invitees_parse("Camat Sekayu, 0812 3456 789\nBPS")] == [
        ("Camat Sekayu", "+628123456789"), ("BPS", "")]
    with pytest.raises(ValidationError, match="Baris 2: “12345” bukan nomor HP"):
        invitees_parse("BPS\nDinkes, 12345")


def test_a_quote_matches_whatever_its_case_and_line_breaks_and_a_typo_names_the_nearest_passage(personas):
    rnd = open_round("paper-2020", actor=personas.evaluator)
    ev = evidence_add(round=rnd, kind="interview", title="Wawancara", actor=personas.evaluator,
                      informant="Informan A", consent_recorded=True, text="Kami butuh Wifi.\r\nJaringan  di desa\r\nsering putus saat hujan.")
    code = code_create(round=rnd, name="Jaringan", actor=personas.evaluator)
    ex = excerpt_add(evidence=ev, code=code, coder=personas.evaluator, quote="jaringan di desa sering putus")
    assert ev.text[ex.start:ex.end] == "Jaringan  di desa\r\nsering putus"
    with pytest.raises(ValidationError) as caught:
        excerpt_add(evidence=ev, code=code, coder=personas.evaluator, quote="jaringan di desa sering putis")
    assert "Jaringan  di desa\r\nsering putus" in caught.value.message_dict["quote"][0]


def test_the_transcript_is_a_focusable_wrapping_box_with_the_selection_script(client, personas):
    rnd = open_round("paper-2020", actor=personas.evaluator)
    ev = evidence_add(round=rnd, kind="observation", title="Wawancara", actor=personas.evaluator, text="x" * 3000)
    login(client, personas.evaluator)
    html = client.get(reverse("assessment:evidence_detail", args=[rnd.pk, ev.pk])).content.decode()
    assert re.search(r'<pre class="transcript" id="transcript" tabindex="0" aria-label="[^"]+">', html)
    assert re.search(r'<script src="/static/assessment/coding\.js[^"]*" defer></script>', html)
    assert "<script>" not in html


# ---------------------------------------------------------------- results and the report


@pytest.fixture
def spbe_demo(personas, settings):
    from simpul.assessment import demo, reference

    class Out:
        def write(self, s):
            pass

    settings.DEMO_MODE = True
    reference.load(stdout=Out())
    demo.load(stdout=Out())
    return Round.objects.get(framework__code="spbe", year=2026)


def _words_outside_the_page(content: bytes) -> tuple[str, list[str]]:
    """The PDF's words as pdftotext places them, and those that reach past the page's edge."""
    import subprocess
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        path.write_bytes(content)
        layout = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True,
                                check=True, timeout=60).stdout
    outside, words = [], []
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', layout, re.S):
        width, height = float(page.group(1)), float(page.group(2))
        for x0, y0, x1, y1, word in re.findall(
                r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">([^<]*)</word>',
                page.group(3)):
            words.append(word)
            if float(x0) < 0 or float(y0) < 0 or float(x1) > width or float(y1) > height:
                outside.append(word)
    return " ".join(words), outside


def test_spbe_results_use_spbe_words_and_the_indonesian_decimal_comma(client, personas, spbe_demo):
    login(client, personas.evaluator)
    main = _main(client.get(reverse("assessment:round_results", args=[spbe_demo.pk])))
    cells = re.findall(r"<td>(Domain|Aspek|domain|aspect)</td>", main)
    assert cells and set(cells) == {"Domain", "Aspek"}
    numbers = re.findall(r">(\d+[.,]\d\d)<", main)
    assert numbers and all("," in n for n in numbers), numbers  # never "2.00" beside "2,00"
    assert '<td colspan="4">Level</td>' not in main and '<td colspan="4">Tingkat</td>' not in main


def test_the_report_has_a_cover_method_and_annex_and_its_chart_labels_whole_inside_the_page(
        client, personas, spbe_demo, caplog):
    from simpul.assessment.selectors import round_results
    from simpul.core.tests.pdfchecks import assert_accessible_pdf, weasyprint_complaints

    login(client, personas.evaluator)
    response = client.get(reverse("assessment:report_pdf", args=[spbe_demo.pk]))
    assert response.status_code == 200 and weasyprint_complaints(caplog) == []
    facts = assert_accessible_pdf(response.content, title=spbe_demo.name, lang="id")
    for heading in ("Pemerintah Kabupaten Musi Banyuasin", "Tim asesmen", "Ringkasan", "Metode", "Instrumen",
                    "Responden", "Triangulasi", "Hasil", "Temuan dan rekomendasi", "Lampiran"):
        assert heading in facts.text, heading
    assert "Evaluator" in facts.text  # the team: whoever created and ran the round
    text, outside = _words_outside_the_page(response.content)
    assert outside == []
    for section in round_results(round=spbe_demo).sections:  # every bar's label, whole (never cut with "…")
        assert section["name"] in text, section["name"]
    assert "…" not in text
