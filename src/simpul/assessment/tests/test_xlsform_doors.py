"""XLSForm both ways through the services and the pages: import (no-op on the same version, never verified),
verification by a platform admin, export of every framework, and the ODK/Kobo submissions export back into a
round."""

import uuid
import warnings

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from pyxform.xls2xform import convert

from simpul.assessment import demo, reference, selectors, services
from simpul.assessment.models import Answer, Framework, Item, Response, Round
from simpul.assessment.tests.test_xlsform import LIKERT, q, workbook
from simpul.assessment.xlsform import xlsform_to_definition
from simpul.conftest import login
from simpul.core.models import AuditEntry

pytestmark = pytest.mark.django_db


class Out:
    def write(self, s):
        pass


def survey_form(version="1"):
    return workbook([
        q("select_one imp", "k01", "Internet di desa", required="yes"),
        q("select_one yn", "punya_hp", "Punya HP?", required="yes"),
        q("text", "merek", "Merek HP", relevant="${punya_hp} = 'ya'", required="yes"),
        q("begin_group", "profil", "Profil"),
        q("integer", "umur", "Umur"),
        q("end_group"),
    ], [*LIKERT, ("yn", "ya", "Ya"), ("yn", "tidak", "Tidak")],
        {"form_title": "Survei HP", "form_id": "survei_hp", "version": version})


def test_an_upload_is_an_unverified_draft_and_the_same_version_again_changes_nothing(personas):
    first = services.framework_upload(filename="survei.xlsx", content=survey_form(), actor=personas.evaluator)
    assert first.state == "created"
    assert (first.framework.slug, first.framework.verified, first.framework.status) == ("survei_hp-1", False,
                                                                                        "draft")
    again = services.framework_upload(filename="lagi.xlsx", content=survey_form(), actor=personas.evaluator)
    assert again.state == "unchanged" and again.framework == first.framework
    assert Framework.objects.filter(code="survei_hp").count() == 1
    newer = services.framework_upload(filename="survei.xlsx", content=survey_form("2"), actor=personas.evaluator)
    assert newer.state == "created"
    assert list(Framework.objects.filter(code="survei_hp").values_list("version", flat=True)) == ["1", "2"]


def test_a_framework_file_that_says_verified_is_still_an_unverified_upload(personas):
    content = b"code: x\nversion: '1'\nname: X\nverified: true\nscales: {s: {points: [{value: 1}, {value: 2}]}}\n" \
              b"sections: [{code: a, name: A, items: [{code: i1, text: T, scale: s}]}]\n"
    outcome = services.framework_upload(filename="x.yaml", content=content, actor=personas.evaluator)
    assert outcome.state == "created" and outcome.framework.verified is False


def test_only_a_platform_admin_verifies_a_framework_and_it_is_audited(personas):
    fw = services.framework_upload(filename="s.xlsx", content=survey_form(), actor=personas.evaluator).framework
    with pytest.raises(PermissionDenied):
        services.framework_verify(framework=fw, actor=personas.evaluator)
    fw.refresh_from_db()
    assert fw.verified is False
    services.framework_verify(framework=fw, actor=personas.admin)
    fw.refresh_from_db()
    assert fw.verified is True
    assert AuditEntry.objects.filter(action="assessment.framework_verified", object_id=str(fw.pk)).count() == 1


def test_the_import_page_reports_every_row_in_indonesian(client, personas):
    login(client, personas.evaluator)
    url = reverse("assessment:framework_import")
    assert client.get(url).status_code == 200
    page = client.post(url, {"file": _upload("survei.xlsx", survey_form())}).content.decode()
    assert "Berhasil diimpor" in page and "belum diverifikasi" in page
    assert "butir berskor pada skala “imp”" in page and "hanya ditanyakan jika “punya_hp” adalah Ya" in page
    again = client.post(url, {"file": _upload("survei.xlsx", survey_form())}).content.decode()
    assert "Versi 1 dari survei_hp sudah diimpor: tidak ada yang diubah." in again
    refused = client.post(url, {"file": _upload("rusak.xlsx", workbook([q("calculate", "c")]))})
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "Lembar “survey”, baris 2: baris calculate perlu rumus di kolom calculation." in text
    assert "Missing calculation" not in text and "no scales defined" not in text


def test_every_framework_downloads_as_an_xlsform_that_pyxform_converts_and_imports_back(client, personas, settings):
    settings.DEMO_MODE = True
    reference.load(stdout=Out())
    demo.load(stdout=Out())
    services.framework_upload(filename="s.xlsx", content=survey_form(), actor=personas.evaluator)
    login(client, personas.evaluator)
    frameworks = list(Framework.objects.all())
    assert {f.code for f in frameworks} >= {"paper", "kebutuhan", "spbe", "pemdi", "survei_hp"}
    for fw in frameworks:
        response = client.get(reverse("assessment:framework_xlsform", args=[fw.code, fw.version]))
        assert response.status_code == 200
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            xform = convert(xlsform=response.content, file_type=".xlsx").xform
        assert f'id="{fw.code}"' in xform
        spec = selectors.framework_spec(framework=fw)
        back = xlsform_to_definition(response.content, filename="back.xlsx").definition
        kinds = [i["kind"] for s in _walk(back["sections"]) for i in s.get("items", [])]
        assert kinds == [i.kind for i in spec.items], fw.slug


def _walk(sections):
    for s in sections:
        yield s
        yield from _walk(s.get("sections", []))


def _upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


@pytest.fixture
def hp_round(personas):
    fw = services.framework_upload(filename="s.xlsx", content=survey_form(), actor=personas.evaluator).framework
    rnd = services.round_create(framework=fw, name="Survei HP 2026", year=2026, actor=personas.evaluator)
    return services.round_transition(round=rnd, to="open", actor=personas.evaluator)


ODK_CENTRAL = (
    "SubmissionDate,k01,punya_hp,merek,profil-umur,meta-instanceID,KEY\n"
    "2026-03-01,4,ya,Nokia,34,uuid:0b0d3d9a-5e4b-4c55-9a39-9a1f8b2f0001,uuid:0b0d3d9a-5e4b-4c55-9a39-9a1f8b2f0001\n"
    "2026-03-01,2,tidak,,51,uuid:0b0d3d9a-5e4b-4c55-9a39-9a1f8b2f0002,uuid:0b0d3d9a-5e4b-4c55-9a39-9a1f8b2f0002\n"
    "2026-03-02,9,tidak,,40,uuid:0b0d3d9a-5e4b-4c55-9a39-9a1f8b2f0003,uuid:0b0d3d9a-5e4b-4c55-9a39-9a1f8b2f0003\n"
    "2026-03-02,3,ya,,40,uuid:0b0d3d9a-5e4b-4c55-9a39-9a1f8b2f0004,uuid:0b0d3d9a-5e4b-4c55-9a39-9a1f8b2f0004\n"
)


def test_an_odk_central_export_comes_back_as_responses_row_by_row(hp_round, personas):
    outcome = services.round_import_submissions(round=hp_round, filename="hp.csv", content=ODK_CENTRAL.encode(),
                                                actor=personas.evaluator)
    assert outcome.problems == []
    assert [(r.line, r.state) for r in outcome.rows] == [(2, "imported"), (3, "imported"), (4, "refused"),
                                                         (5, "refused")]
    assert "“9” bukan salah satu pilihannya" in outcome.rows[2].message
    assert outcome.rows[3].message == "merek: Tulis jawaban."  # asked (has a phone) and required
    first = Response.objects.get(uuid=uuid.UUID("0b0d3d9a-5e4b-4c55-9a39-9a1f8b2f0001"))
    answers = {a.item.code: (a.value, a.answer_text) for a in Answer.objects.filter(response=first)}
    assert answers == {"k01": (4, ""), "punya_hp": (1, ""), "merek": (None, "Nokia"), "umur": (None, "34")}
    second = Response.objects.get(uuid=uuid.UUID("0b0d3d9a-5e4b-4c55-9a39-9a1f8b2f0002"))
    assert set(Answer.objects.filter(response=second).values_list("item__code", flat=True)) == {"k01", "punya_hp",
                                                                                                 "umur"}
    results = selectors.round_results(round=hp_round)
    phone = next(r for r in results.items if r.item.code == "punya_hp")
    assert phone.choices == [("Ya", 1), ("Tidak", 1)]


def test_a_kobo_export_sent_twice_is_counted_once_and_a_changed_resend_is_refused(hp_round, personas):
    kobo = ("k01;punya_hp;merek;profil/umur;_uuid\n"
            "5;tidak;;22;5a1f0c1e-0000-4000-8000-000000000001\n")
    first = services.round_import_submissions(round=hp_round, filename="kobo.csv", content=kobo.encode(),
                                              actor=personas.evaluator)
    again = services.round_import_submissions(round=hp_round, filename="kobo.csv", content=kobo.encode(),
                                              actor=personas.evaluator)
    changed = services.round_import_submissions(round=hp_round, filename="kobo.csv",
                                                content=kobo.replace("5;tidak", "4;tidak").encode(),
                                                actor=personas.evaluator)
    assert [r.state for r in first.rows + again.rows + changed.rows] == ["imported", "duplicate", "refused"]
    assert changed.rows[0].message == "instanceID ini sudah pernah diimpor dengan jawaban lain"
    assert Response.objects.filter(round=hp_round).count() == 1


def test_a_submissions_file_without_instance_ids_is_refused_whole(hp_round, personas):
    outcome = services.round_import_submissions(round=hp_round, filename="x.csv",
                                                content=b"k01,punya_hp\n4,ya\n", actor=personas.evaluator)
    assert outcome.rows == [] and outcome.problems[0].startswith("Berkas tidak punya kolom instanceID")
    assert Response.objects.filter(round=hp_round).count() == 0


def test_the_round_page_links_the_xlsform_and_the_answers_import(client, personas, hp_round):
    login(client, personas.evaluator)
    page = client.get(reverse("assessment:round_detail", args=[hp_round.pk])).content.decode()
    assert reverse("assessment:framework_xlsform", args=["survei_hp", "1"]) in page
    assert reverse("assessment:round_submissions", args=[hp_round.pk]) in page
    response = client.post(reverse("assessment:round_submissions", args=[hp_round.pk]),
                           {"file": _upload("hp.csv", ODK_CENTRAL.encode())})
    assert "4 baris dibaca: 2 diimpor, 0 sudah ada, 2 ditolak." in response.content.decode()


def test_the_questionnaire_asks_choice_and_context_questions_and_keeps_a_condition(client, personas, hp_round):
    hp_round = services.round_set_public(round=hp_round, enabled=True, actor=personas.evaluator)
    url = reverse("assessment:public", args=[hp_round.public_slug])
    page = client.get(url).content.decode()
    assert 'name="t_merek"' in page and 'type="number"' in page
    assert "Jawab hanya jika jawaban Anda untuk punya_hp adalah Ya." in page
    items = {i.code: i for i in Item.objects.filter(framework=hp_round.framework)}
    yes = next(p["value"] for p in items["punya_hp"].scale.points if p["code"] == "ya")
    no = next(p["value"] for p in items["punya_hp"].scale.points if p["code"] == "tidak")
    missing = client.post(url, {"response_id": str(uuid.uuid4()), "v_k01": "4", "v_punya_hp": str(yes)})
    assert missing.status_code == 400 and "Tulis jawaban." in missing.content.decode()
    sent = client.post(url, {"response_id": str(uuid.uuid4()), "v_k01": "4", "v_punya_hp": str(no),
                             "t_merek": "dibuang", "t_umur": "30"})
    assert sent.status_code == 302
    saved = Response.objects.get(round=hp_round)
    assert set(Answer.objects.filter(response=saved).values_list("item__code", flat=True)) == {"k01", "punya_hp",
                                                                                                "umur"}
    assert Round.objects.get(pk=hp_round.pk).responses.count() == 1
