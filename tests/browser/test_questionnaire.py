"""The paper's own questionnaire answered on a phone (360x740), through the public link, in a real browser."""

from __future__ import annotations

import os
from typing import Any

import pytest

from simpul.assessment.models import Answer, Item, Response
from simpul.assessment.services import round_set_public
from simpul.assessment.tests.factories import open_round

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = os.environ.get("SIMPUL_SHOTS_DIR", "")


def _shot(page: Any, name: str) -> None:
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SHOTS, name), full_page=True)


def test_the_paper_questionnaire_is_answered_on_a_phone(page: Any, site: str, personas: Any) -> None:
    rnd = round_set_public(round=open_round("paper-2020", actor=personas.evaluator), enabled=True,
                           actor=personas.evaluator)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{site}/asesmen/r/{rnd.public_slug}/")
    assert page.locator('input[name="v_TK1"]').count() == 5
    assert page.locator('input[type="radio"][name^="level_M"]').count() == 25  # five questions, levels 1..5
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 360, scroll_width  # nothing wider than the phone
    _shot(page, "questionnaire-paper-360.png")
    page.locator('input[name="v_TK1"][value="5"]').check()
    for n in range(1, 6):
        page.locator(f'input[name="level_M{n}"][value="4"]').check()
    page.get_by_role("button", name="Kirim jawaban saya").click()
    page.wait_for_load_state()
    assert page.url.endswith("/asesmen/terima-kasih/")  # saved: the thank-you page
    _shot(page, "questionnaire-paper-360-sent.png")
    saved = Response.objects.get(round=rnd)
    assert Answer.objects.filter(response=saved).count() == Item.objects.filter(framework=rnd.framework).count()
    assert set(Answer.objects.filter(response=saved, level__isnull=False).values_list("level", flat=True)) == {4}
