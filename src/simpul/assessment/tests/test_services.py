import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from simpul.assessment import reference
from simpul.assessment.frameworks import FrameworkError, parse_framework, shipped_framework
from simpul.assessment.models import (
    Answer,
    Channel,
    Framework,
    Item,
    Method,
    Recommendation,
    RecommendationStatus,
    Response,
    RoundStatus,
    Stance,
)
from simpul.assessment.services import (
    AnswerErrors,
    ResponseConflict,
    RoundError,
    TokenUsed,
    code_create,
    evidence_add,
    excerpt_add,
    framework_load,
    invitation_create,
    recommendation_set_status,
    recommendations_generate,
    response_submit,
    round_advance_stage,
    round_create,
    round_transition,
    triangulation_row_save,
)
from simpul.assessment.tests.factories import dual_answers, framework, open_round
from simpul.core.models import AuditEntry

pytestmark = pytest.mark.django_db


class Out:
    def __init__(self):
        self.lines = []

    def write(self, s):
        self.lines.append(s)


def test_reference_loads_every_framework_once_and_is_idempotent():
    out = Out()
    reference.load(stdout=out)
    assert Framework.objects.count() == 4
    assert Item.objects.filter(framework__code="spbe").count() == 47
    assert any("UNVERIFIED" in line for line in out.lines)
    reference.load(stdout=out)
    assert Framework.objects.count() == 4 and out.lines[-1].endswith("unchanged")


def test_a_broken_framework_saves_nothing(monkeypatch, tmp_path):
    (tmp_path / "broken.yaml").write_text(
        "code: broken\nversion: '1'\nname: B\nscales: {s: {points: [{value: 1}]}}\n"
        "sections: [{code: A, name: A, items: [{code: '1', text: t, scale: nope}]}]\n", encoding="utf-8")
    monkeypatch.setattr(reference, "shipped_framework_files", lambda: [tmp_path / "broken.yaml"])
    with pytest.raises(FrameworkError, match="unknown scale"):
        reference.load(stdout=Out())
    assert not Framework.objects.exists()


def test_a_used_framework_version_cannot_change(personas):
    rnd = open_round(actor=personas.evaluator)
    data = shipped_framework("kebutuhan-2026").raw | {"name": "Changed"}
    with pytest.raises(FrameworkError, match="already used"):
        framework_load(spec=parse_framework(data))
    assert Framework.objects.get(pk=rnd.framework_id).name != "Changed"


def test_submitting_answers_records_audit_and_replay_never_duplicates(personas):
    rnd = open_round(actor=personas.evaluator)
    rid = uuid.uuid4()
    first = response_submit(round=rnd, response_id=rid, channel=Channel.PUBLIC, answers=dual_answers(),
                            attrs={"group": "warga"})
    again = response_submit(round=rnd, response_id=rid, channel=Channel.PUBLIC, answers=dual_answers(),
                            attrs={"group": "warga"})
    assert first.created and not again.created and first.response.pk == again.response.pk
    assert Response.objects.count() == 1 and Answer.objects.count() == 10
    assert AuditEntry.objects.filter(action="assessment.response_submitted").count() == 1
    with pytest.raises(ResponseConflict):
        response_submit(round=rnd, response_id=rid, channel=Channel.PUBLIC, answers=dual_answers(value=2))


def test_answers_outside_the_scale_or_half_a_dual_row_are_refused_and_nothing_saved(personas):
    rnd = open_round(actor=personas.evaluator)
    answers = dual_answers()
    answers["K01"] = {"value": 6, "performance": 3}
    answers["K02"] = {"value": 4}
    with pytest.raises(AnswerErrors) as exc:
        response_submit(round=rnd, response_id=uuid.uuid4(), channel=Channel.PUBLIC, answers=answers)
    assert set(exc.value.by_item) == {"K01", "K02"}
    assert not Response.objects.exists()


def test_an_invitation_token_allows_exactly_one_response(personas):
    rnd = open_round(actor=personas.evaluator)
    [token] = invitation_create(round=rnd, count=1, actor=personas.evaluator, group="pegawai",
                                agency=personas.dukcapil)
    out = response_submit(round=rnd, response_id=uuid.uuid4(), channel=Channel.TOKEN, token=token,
                          answers=dual_answers())
    assert out.response.agency == personas.dukcapil and out.response.group == "pegawai"
    with pytest.raises(TokenUsed):
        response_submit(round=rnd, response_id=uuid.uuid4(), channel=Channel.TOKEN, token=token,
                        answers=dual_answers())
    with pytest.raises(TokenUsed):
        response_submit(round=rnd, response_id=uuid.uuid4(), channel=Channel.TOKEN, token="forged",
                        answers=dual_answers())
    assert Response.objects.count() == 1


def test_spbe_level_needs_an_explanation(personas):
    rnd = open_round("spbe-2020", actor=personas.evaluator)
    with pytest.raises(AnswerErrors) as exc:
        response_submit(round=rnd, response_id=uuid.uuid4(), channel=Channel.STAFF, partial=True,
                        answers={"1": {"level": 3}}, user=personas.evaluator)
    assert "1" in exc.value.by_item
    out = response_submit(round=rnd, response_id=uuid.uuid4(), channel=Channel.STAFF, partial=True,
                          answers={"1": {"level": 3, "explanation": "Perbup arsitektur SPBE 2024"}},
                          user=personas.evaluator)
    assert out.response.answers.get().level == 3


def test_closed_round_refuses_answers(personas):
    rnd = open_round(actor=personas.evaluator)
    rnd = round_transition(round=rnd, to=RoundStatus.CLOSED, actor=personas.evaluator)
    with pytest.raises(RoundError):
        response_submit(round=rnd, response_id=uuid.uuid4(), channel=Channel.PUBLIC, answers=dual_answers())


def test_interview_needs_consent_and_pseudonym_document_gets_its_hash(personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    rnd = open_round(actor=personas.evaluator)
    with pytest.raises(ValidationError) as exc:
        evidence_add(round=rnd, kind="interview", title="W1", text="...", actor=personas.evaluator)
    assert {"informant", "consent_recorded"} <= set(exc.value.message_dict)
    from simpul.cases.tests.factories import PDF_BYTES

    doc = evidence_add(round=rnd, kind="document", title="Perbup", actor=personas.evaluator,
                       file=SimpleUploadedFile("perbup.pdf", PDF_BYTES))
    import hashlib

    assert doc.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    with pytest.raises(ValidationError) as exc:
        evidence_add(round=rnd, kind="document", title="x", actor=personas.evaluator,
                     file=SimpleUploadedFile("virus.pdf", b"MZ\x90\x00\x03\x00binary"))
    assert "file" in exc.value.message_dict


def test_excerpts_by_offsets_or_quote_and_bad_offsets_refused(personas):
    rnd = open_round(actor=personas.evaluator)
    ev = evidence_add(round=rnd, kind="interview", title="W1", text="Wifi sering putus. Wifi bagus.",
                      informant="Informan A", consent_recorded=True, actor=personas.evaluator)
    code = code_create(round=rnd, name="Jaringan", actor=personas.evaluator)
    a = excerpt_add(evidence=ev, code=code, coder=personas.evaluator, start=0, end=4)
    b = excerpt_add(evidence=ev, code=code, coder=personas.evaluator, quote="Wifi", occurrence=2)
    assert (a.text, b.start) == ("Wifi", 19)
    with pytest.raises(ValidationError):
        excerpt_add(evidence=ev, code=code, coder=personas.evaluator, start=10, end=500)


@pytest.fixture
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


def test_publishing_is_blocked_by_dissonance_without_note_and_low_agreement(personas, english):
    rnd = open_round(actor=personas.evaluator)
    ev = evidence_add(round=rnd, kind="interview", title="W", text="a" * 100, informant="X",
                      consent_recorded=True, actor=personas.evaluator)
    code = code_create(round=rnd, name="Tema", actor=personas.evaluator)
    excerpt_add(evidence=ev, code=code, coder=personas.evaluator, start=0, end=50)
    excerpt_add(evidence=ev, code=code, coder=personas.admin, start=50, end=100)  # disjoint: alpha < 0.667
    row = triangulation_row_save(round=rnd, statement="S", actor=personas.evaluator,
                                 cells={Method.INTERVIEW: ("yes", Stance.SUPPORTS),
                                        Method.OBSERVATION: ("no", Stance.CONTRADICTS)})
    rnd = round_transition(round=rnd, to=RoundStatus.CLOSED, actor=personas.evaluator)
    with pytest.raises(RoundError, match="conclusion"):
        round_transition(round=rnd, to=RoundStatus.PUBLISHED, actor=personas.evaluator)
    round_advance_stage(round=rnd, actor=personas.evaluator)
    round_advance_stage(round=rnd, actor=personas.evaluator)
    with pytest.raises(RoundError) as exc:
        round_transition(round=rnd, to=RoundStatus.PUBLISHED, actor=personas.evaluator)
    text = " ".join(exc.value.messages)
    assert "Tema" in text and "reconciliation" in text
    triangulation_row_save(round=rnd, row=row, statement="S", note="Observed in one kecamatan only",
                           actor=personas.evaluator, cells={Method.INTERVIEW: ("yes", Stance.SUPPORTS),
                                                            Method.OBSERVATION: ("no", Stance.CONTRADICTS)})
    from simpul.assessment.services import code_resolve_disagreement

    code_resolve_disagreement(code=code, note="Coders agreed on a narrower definition", actor=personas.evaluator)
    with pytest.raises(RoundError, match="verification tactic"):
        round_transition(round=rnd, to=RoundStatus.PUBLISHED, actor=personas.evaluator)
    from simpul.assessment.services import round_set_verification

    round_set_verification(round=rnd, tactics=["triangulating", "member_check"], actor=personas.evaluator)
    with pytest.raises(RoundError, match="No one has answered"):  # interviews only: no questionnaire answer
        round_transition(round=rnd, to=RoundStatus.PUBLISHED, actor=personas.evaluator)
    rnd = round_transition(round=rnd, to=RoundStatus.PUBLISHED, actor=personas.evaluator, confirm_empty=True)
    assert rnd.status == RoundStatus.PUBLISHED and rnd.published_at


def test_recommendations_from_ipa_quadrant_one_are_carried_into_the_next_round(personas):
    rnd = open_round(actor=personas.evaluator)
    for _ in range(4):
        answers = dual_answers(value=4, performance=4)
        answers["K01"] = {"value": 5, "performance": 1}  # high importance, low performance
        outcome = response_submit(round=rnd, response_id=uuid.uuid4(), channel=Channel.PUBLIC, answers=answers,
                                  attrs={"group": "warga"})
        assert outcome.created
    assert Response.objects.filter(round=rnd).count() == 4
    created = recommendations_generate(round=rnd, actor=personas.evaluator)
    assert [r.item_code for r in created] == ["K01"]
    # written in both languages, whichever the evaluator's page is in
    assert created[0].title.startswith("Perbaiki “") and created[0].title_en.startswith("Improve “")
    assert recommendations_generate(round=rnd, actor=personas.evaluator) == []
    nxt = round_create(framework=rnd.framework, name="Next", year=2027, previous=rnd, actor=personas.evaluator)
    carried = Recommendation.objects.get(round=nxt)
    assert carried.carried_from == created[0] and carried.item_code == "K01"
    assert carried.title_en == created[0].title_en
    recommendation_set_status(recommendation=carried, status=RecommendationStatus.DONE, actor=personas.evaluator)
    created[0].refresh_from_db()
    assert created[0].status == RecommendationStatus.DONE


def test_spbe_round_results_use_the_same_index_as_the_command(personas):
    from simpul.assessment.selectors import round_results

    rnd = open_round("spbe-2020", actor=personas.evaluator)
    answers = {str(n): {"level": 4, "explanation": "ok"} for n in range(1, 48)}
    answers.update({str(n): {"level": 5, "explanation": "ok"} for n in range(11, 19)})
    response_submit(round=rnd, response_id=uuid.uuid4(), channel=Channel.STAFF, answers=answers,
                    user=personas.evaluator)
    res = round_results(round=rnd)
    assert res.index.index == Decimal("4.2") and res.index.predicate == "Memuaskan"


def test_paper_round_is_reproduced_by_the_demo(personas, settings):
    from simpul.assessment import demo
    from simpul.assessment.models import Round
    from simpul.assessment.selectors import round_results, triangulation_for_round

    settings.DEMO_MODE = True
    reference.load(stdout=Out())
    demo.load(stdout=Out())
    demo.load(stdout=Out())  # idempotent
    rnd = Round.objects.get(year=2020)
    assert Round.objects.filter(year=2020).count() == 1 and rnd.status == RoundStatus.PUBLISHED
    res = round_results(round=rnd, with_answers=True)
    by_code = {r.item.code: r for r in res.items}
    assert by_code["TK1"].summary.distribution == {1: 0, 2: 0, 3: 0, 4: 0, 5: 1}  # SP
    assert [by_code[f"M{n}"].levels for n in range(1, 6)] == [[5]] * 5
    assert by_code["M2"].answers[0].answer_text.startswith("Ya, Pemerintah Muba sudah memberikan fasilitas wifi")
    rows = triangulation_for_round(round=rnd)
    assert len(rows) == 2 and all(v.status == "agreement" and v.confirmed for _r, v, _c in rows)
    needs = Round.objects.get(year=2026, framework__code="kebutuhan")
    assert needs.responses.count() == 240 and round_results(round=needs).ipa.rows


def test_framework_fixture():
    assert framework is not None


def test_tallies_kept_by_submit_match_a_scan_of_the_answers(personas):
    from django.db.models import Count

    from simpul.assessment.models import AnswerTally

    rnd = open_round(actor=personas.evaluator)
    for n in range(6):
        response_submit(round=rnd, response_id=uuid.uuid4(), channel=Channel.PUBLIC,
                        answers=dual_answers(value=1 + n % 5, performance=5 - n % 3),
                        attrs={"group": "warga" if n % 2 else "pegawai", "agency": personas.dukcapil if n < 3 else None})
    scanned = {
        (r["item_id"], r["agency_id"] or 0, r["group"], r["value"], r["performance"]): r["n"]
        for r in Answer.objects.filter(round=rnd).values("item_id", "agency_id", "group", "value", "performance")
        .annotate(n=Count("id")).order_by()
    }
    tallied = {(t.item_id, t.agency_key, t.group, t.value, t.performance): t.n
               for t in AnswerTally.objects.filter(round=rnd)}
    assert tallied == scanned and sum(tallied.values()) == 60
