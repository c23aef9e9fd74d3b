import uuid

import pytest

from simpul.assessment.models import Channel
from simpul.assessment.selectors import coding_agreement, item_deltas, round_results
from simpul.assessment.services import (
    code_create,
    evidence_add,
    excerpt_add,
    response_submit,
    round_create,
    round_transition,
)
from simpul.assessment.tests.factories import dual_answers, open_round

pytestmark = pytest.mark.django_db


def test_item_deltas_compare_with_the_previous_round_by_item_code(personas):
    first = open_round(actor=personas.evaluator)
    response_submit(round=first, response_id=uuid.uuid4(), channel=Channel.PUBLIC, answers=dual_answers(value=3))
    second = round_create(framework=first.framework, name="2027", year=2027, previous=first, actor=personas.evaluator)
    second = round_transition(round=second, to="open", actor=personas.evaluator)
    response_submit(round=second, response_id=uuid.uuid4(), channel=Channel.PUBLIC, answers=dual_answers(value=5))
    deltas = item_deltas(round=second)
    assert deltas["K01"] == {"now": 5.0, "previous": 3.0, "delta": 2.0}
    assert item_deltas(round=first) == {}


def test_coder_agreement_per_code_matches_a_hand_value(personas):
    rnd = open_round(actor=personas.evaluator)
    ev = evidence_add(round=rnd, kind="interview", title="W", text="abcd", informant="X", consent_recorded=True,
                      actor=personas.evaluator)
    code = code_create(round=rnd, name="C", actor=personas.evaluator)
    excerpt_add(evidence=ev, code=code, coder=personas.evaluator, start=0, end=2)  # 1 1 0 0
    excerpt_add(evidence=ev, code=code, coder=personas.admin, start=0, end=1)  # 1 0 0 0
    per_code, overall, verdict = coding_agreement(round=rnd)
    assert per_code[0].alpha == pytest.approx(1 - 14 / 30)  # same table as the hand-computed alpha
    assert per_code[0].kappa == pytest.approx(0.5)  # p_o = .75, p_e = .5*.25 + .5*.75 = .5
    assert overall == pytest.approx(1 - 14 / 30) and verdict == "reject"


def test_results_use_counts_and_bands(personas):
    rnd = open_round(actor=personas.evaluator)
    for v in (5, 5, 4, 1):
        response_submit(round=rnd, response_id=uuid.uuid4(), channel=Channel.PUBLIC, answers=dual_answers(value=v))
    res = round_results(round=rnd)
    k01 = next(r for r in res.items if r.item.code == "K01")
    assert k01.summary.n == 4 and k01.summary.mean == 3.75 and k01.band == "P" and k01.summary.top2 == 75.0


def test_assessor_agreement_uses_quadratic_weighted_kappa(personas):
    from simpul.assessment.selectors import assessor_agreement

    rnd = open_round("paper-2020", actor=personas.evaluator)
    for levels in ((1, 2, 3), (1, 3, 3)):
        answers = {f"M{n}": {"level": lv} for n, lv in enumerate(levels, start=1)}
        response_submit(round=rnd, response_id=uuid.uuid4(), channel=Channel.STAFF, answers=answers, partial=True,
                        user=personas.evaluator)
    agreement = assessor_agreement(round=rnd)
    assert agreement.assessors == 2 and agreement.items == 3
    assert agreement.weighted_kappa == pytest.approx(0.8)  # the hand-computed table in test_stats
