import re
import uuid

import pytest
from django.urls import reverse
from django.utils import translation

from simpul.assessment import demo, reference
from simpul.assessment.models import Response, Round, RoundStatus
from simpul.assessment.services import invitation_create, round_set_public
from simpul.assessment.tests.factories import open_round
from simpul.conftest import login
from simpul.core.tests.pdfchecks import assert_accessible_pdf, weasyprint_complaints

pytestmark = pytest.mark.django_db


class Out:
    def write(self, s):
        pass


@pytest.fixture
def demo_rounds(personas, settings):
    settings.DEMO_MODE = True
    reference.load(stdout=Out())
    demo.load(stdout=Out())
    return {r.framework.code + str(r.year): r for r in Round.objects.select_related("framework")}


def test_evaluator_pages_need_an_evaluator(client, personas, demo_rounds):
    url = reverse("assessment:index")
    assert client.get(url).status_code == 302  # to the log-in page
    login(client, personas.officer)
    assert client.get(url).status_code == 403
    login(client, personas.evaluator)
    assert client.get(url).status_code == 200


def test_every_evaluator_page_renders_on_the_demo(client, personas, demo_rounds):
    login(client, personas.evaluator)
    for rnd in demo_rounds.values():
        for name in ("round_detail", "round_results", "round_tables", "round_evidence", "round_triangulation",
                     "round_findings", "self_assessment"):
            response = client.get(reverse(f"assessment:{name}", args=[rnd.pk]))
            assert response.status_code == 200, (name, rnd)
    fw = demo_rounds["spbe2026"].framework
    assert client.get(reverse("assessment:framework_detail", args=[fw.code, fw.version])).status_code == 200


def test_the_paper_tables_appear_from_data(client, personas, demo_rounds):
    login(client, personas.evaluator)
    html = client.get(reverse("assessment:round_tables", args=[demo_rounds["paper2020"].pk])).content.decode()
    assert "Seberapa penting konsistensi pemerintah Muba" in html
    assert html.count('<td class="num">5</td>') == 5  # five maturity items at level 5
    assert "Dari pengamatan, semua OPD di Kab. Muba sudah menerapkan" in html
    assert "✓" in html


def test_results_show_ipa_and_spbe_index_with_predicate(client, personas, demo_rounds):
    login(client, personas.evaluator)
    html = client.get(reverse("assessment:round_results", args=[demo_rounds["kebutuhan2026"].pk])).content.decode()
    assert "<svg" in html and "Tk %" in html and "<title>" in html
    assert "<caption>Warga</caption>" in html and "<caption>Pelaku usaha</caption>" in html  # per group
    html = client.get(reverse("assessment:round_results", args=[demo_rounds["spbe2026"].pk])).content.decode()
    from simpul.assessment.selectors import round_results

    res = round_results(round=demo_rounds["spbe2026"])
    assert res.index.index is not None
    assert f"<strong>{res.index.predicate}</strong>" in html
    assert f"{res.index.index:.2f}".replace(".", ",") in html  # the Indonesian decimal comma, as everywhere


def test_exports_and_pdf(client, personas, demo_rounds):
    login(client, personas.evaluator)
    pk = demo_rounds["kebutuhan2026"].pk
    for fmt, magic in (("csv", b"response_id"), ("xlsx", b"PK"), ("sav", b"$FL2"), ("kutipan.csv", b"evidence_id")):
        response = client.get(reverse("assessment:export", args=[pk, fmt]))
        assert response.status_code == 200 and response.content.startswith(magic), fmt
    pdf = client.get(reverse("assessment:report_pdf", args=[pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_pdf_report_is_an_accessible_pdf_in_the_language_of_the_page(client, personas, demo_rounds, language,
                                                                         caplog):
    login(client, personas.evaluator)
    rnd = demo_rounds["kebutuhan2026"]
    with translation.override(language):
        url = reverse("assessment:report_pdf", args=[rnd.pk])
    response = client.get(url)
    assert response.status_code == 200 and weasyprint_complaints(caplog) == []
    facts = assert_accessible_pdf(response.content, title=rnd.name, lang=language)
    assert facts.info["Subject"] == rnd.framework.name
    heading = {"id": "Analisis kepentingan-kinerja (IPA)", "en": "Importance-performance analysis"}[language]
    assert f"{rnd.name} " in facts.text and heading in facts.text


def test_public_questionnaire_works_without_javascript_and_replay_does_not_duplicate(client, personas):
    rnd = open_round(actor=personas.evaluator)
    rnd = round_set_public(round=rnd, enabled=True, actor=personas.evaluator)
    url = reverse("assessment:public", args=[rnd.public_slug])
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and len(page.content) < 50_000
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []  # no inline script (CSP); the form is plain HTML
    assert 'method="post"' in html and 'type="radio"' in html
    rid = str(uuid.uuid4())
    data = {"response_id": rid, "group": "warga"}
    for n in range(1, 11):
        data[f"v_K{n:02d}"] = "5"
        data[f"p_K{n:02d}"] = "2"
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert Response.objects.filter(round=rnd).count() == 1


def test_public_questionnaire_errors_keep_what_was_typed(client, personas):
    rnd = round_set_public(round=open_round(actor=personas.evaluator), enabled=True, actor=personas.evaluator)
    url = reverse("assessment:public", args=[rnd.public_slug])
    response = client.post(url, {"response_id": str(uuid.uuid4()), "v_K01": "5", "desa": "Tidak Ada"})
    html = response.content.decode()
    assert response.status_code == 200 and 'value="Tidak Ada"' in html and "has-error" in html
    assert not Response.objects.exists()


def test_public_questionnaire_with_a_village_name_longer_than_any_is_an_error_not_a_crash(client, personas):
    """Found by tests/security/test_form_fuzz.py: SQLite refused the case-insensitive lookup of a 10k-character
    village name ("LIKE or GLOB pattern too complex") and the page answered 500."""
    rnd = round_set_public(round=open_round(actor=personas.evaluator), enabled=True, actor=personas.evaluator)
    url = reverse("assessment:public", args=[rnd.public_slug])
    response = client.post(url, {"response_id": str(uuid.uuid4()), "v_K01": "5", "kecamatan": "16.06.01",
                                 "desa": "\U0001f600" * 13_000})
    assert response.status_code == 200 and "has-error" in response.content.decode()
    assert not Response.objects.exists()


def test_public_link_is_rate_limited(client, personas, settings):

    rnd = round_set_public(round=open_round(actor=personas.evaluator), enabled=True, actor=personas.evaluator)
    url = reverse("assessment:public", args=[rnd.public_slug])
    statuses = []
    for _n in range(settings.ASSESSMENT_PUBLIC_RATE_PER_HOUR + 1):
        data = {"response_id": str(uuid.uuid4())} | {f"v_K{n:02d}": "4" for n in range(1, 11)} | {
            f"p_K{n:02d}": "4" for n in range(1, 11)}
        statuses.append(client.post(url, data).status_code)
    assert statuses[-1] == 429 and statuses.count(302) == settings.ASSESSMENT_PUBLIC_RATE_PER_HOUR


def test_invitation_link_allows_one_answer(client, personas):
    rnd = open_round(actor=personas.evaluator)
    [token] = invitation_create(round=rnd, count=1, actor=personas.evaluator)
    url = reverse("assessment:invited", args=[token])
    data = {"response_id": str(uuid.uuid4())} | {f"v_K{n:02d}": "3" for n in range(1, 11)} | {
        f"p_K{n:02d}": "3" for n in range(1, 11)}
    assert client.post(url, data).status_code == 302
    assert client.get(url).status_code == 410
    assert client.get(reverse("assessment:invited", args=["nope"])).status_code == 404


def test_invitations_for_a_group_not_in_the_list_are_refused_with_a_message(client, personas):
    """Found by tests/security/test_form_fuzz.py: a group that is not one of the choices (an edited page) reached
    the database, and on PostgreSQL a long one failed the column's length (500)."""
    from simpul.assessment.models import Invitation

    rnd = open_round(actor=personas.evaluator)
    login(client, personas.evaluator)
    url = reverse("assessment:round_detail", args=[rnd.pk])
    response = client.post(url, {"action": "invite", "count": "2", "group": "x" * 30}, follow=True)
    assert response.status_code == 200
    assert "Pilih kelompok responden dari daftar." in response.content.decode()
    assert not Invitation.objects.filter(round=rnd).exists()
    client.post(url, {"action": "invite", "count": "2", "group": "pegawai"})
    assert Invitation.objects.filter(round=rnd, group="pegawai").count() == 2


def test_framework_import_refuses_a_broken_file(client, personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from simpul.assessment.models import Framework

    login(client, personas.evaluator)
    bad = SimpleUploadedFile("bad.yaml", b"code: b\nversion: '1'\nname: B\nindex: {total_weight: '10'}\n"
                             b"scales: {s: {points: [{value: 1}]}}\n"
                             b"sections: [{code: A, name: A, items: [{code: '1', text: t, scale: s, weight: '3'}]}]\n")
    response = client.post(reverse("assessment:framework_import"), {"file": bad}, follow=True)
    assert "item weights sum to 3, declared total 10" in response.content.decode()
    assert not Framework.objects.filter(code="b").exists()


def test_closed_round_status(personas):
    assert RoundStatus.OPEN == "open"


def test_recommendation_owner_due_date_and_status_are_set_on_the_page(client, personas):
    from simpul.assessment.models import Recommendation
    from simpul.assessment.services import recommendation_create

    rnd = open_round(actor=personas.evaluator)
    rec = recommendation_create(round=rnd, title="Perbaiki wifi desa", actor=personas.evaluator)
    login(client, personas.evaluator)
    url = reverse("assessment:round_findings", args=[rnd.pk])
    response = client.post(url, {"action": "status", "rec": rec.pk, "status": "in_progress",
                                 "owner": personas.dinkominfo.pk, "due_date": "2026-12-31"})
    assert response.status_code == 302
    rec = Recommendation.objects.get(pk=rec.pk)
    assert (rec.status, rec.owner, str(rec.due_date)) == ("in_progress", personas.dinkominfo, "2026-12-31")
    response = client.post(url, {"action": "status", "rec": rec.pk, "status": "done", "due_date": "31/12"},
                           follow=True)
    assert Recommendation.objects.get(pk=rec.pk).status == "in_progress"  # bad date: nothing changed


def test_public_link_limit_behind_the_proxy_counts_each_respondent(personas, settings):
    from django.test import Client


    settings.SIMPUL_TRUSTED_PROXIES = ["127.0.0.1/32"]
    rnd = round_set_public(round=open_round(actor=personas.evaluator), enabled=True, actor=personas.evaluator)
    url = reverse("assessment:public", args=[rnd.public_slug])
    behind_nginx = Client(REMOTE_ADDR="127.0.0.1")

    def answer(forwarded_for):
        data = {"response_id": str(uuid.uuid4())} | {f"v_K{n:02d}": "4" for n in range(1, 11)} | {
            f"p_K{n:02d}": "4" for n in range(1, 11)}
        return behind_nginx.post(url, data, HTTP_X_FORWARDED_FOR=forwarded_for).status_code

    statuses = [answer("203.0.113.66") for _n in range(settings.ASSESSMENT_PUBLIC_RATE_PER_HOUR + 1)]
    assert statuses[-1] == 429
    # another villager behind the same nginx still answers
    assert answer("198.51.100.7") == 302


def test_exports_write_hostile_text_as_text_and_answers_as_numbers(client, personas, demo_rounds):
    """Evidence titles, excerpts, item texts and office names beginning with `=` were live formulas in exports."""
    from simpul.assessment.models import Answer, Item
    from simpul.assessment.services import code_create, evidence_add, excerpt_add
    from simpul.core.tests.tabular_checks import CMD, HYPERLINK, csv_cells, xlsx_cells

    rnd = demo_rounds["kebutuhan2026"]
    evidence = evidence_add(round=rnd, kind="observation", title=HYPERLINK, actor=personas.evaluator,
                            text=f"Catatan: {CMD} selesai.")
    excerpt_add(evidence=evidence, code=code_create(round=rnd, name="@SUM(A1)", actor=personas.evaluator),
                coder=personas.evaluator, quote=CMD)
    Item.objects.filter(framework=rnd.framework).update(text="-1+cmd|' /C calc'!A0")
    answered = Answer.objects.filter(round=rnd).select_related("response__kecamatan").first().response.kecamatan
    answered.name = "+HYPERLINK(1)"
    answered.save()
    login(client, personas.evaluator)

    def export(fmt):
        response = client.get(reverse("assessment:export", args=[rnd.pk, fmt]))
        assert response.status_code == 200
        return response.content

    excerpts = csv_cells(export("kutipan.csv"))
    assert [excerpts[-1][1], excerpts[-1][3], excerpts[-1][8]] == ["'" + HYPERLINK, "'@SUM(A1)", "'" + CMD]
    answers = csv_cells(export("csv"))
    assert "'+HYPERLINK(1)" in [row[answers[0].index("kecamatan")] for row in answers]
    cells = xlsx_cells(export("xlsx"))
    assert "'-1+cmd|' /C calc'!A0" in [c.value for c in cells]
    assert "'+HYPERLINK(1)" in [c.value for c in cells]
    first_answer = cells[len(answers[0]) + answers[0].index("I_K01")]
    assert first_answer.data_type == "n" and isinstance(first_answer.value, int | float)
