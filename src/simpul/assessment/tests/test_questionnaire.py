"""Every shipped framework can be answered by the respondents a round invites: through the public link and the
invitation link, the form shows every item of the framework on its own scale, and a filled-in form is saved.

The form is read as a browser reads it (html.parser: the radio groups, their values, the text areas), filled in
from what the page offers, and posted back; nothing is posted that the page did not show.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.urls import reverse

from simpul.assessment.frameworks import load_framework_file, shipped_framework_files
from simpul.assessment.models import Answer, Item, ItemKind, Response, RoundStatus
from simpul.assessment.services import (
    invitation_create,
    round_advance_stage,
    round_set_public,
    round_set_verification,
    round_transition,
)
from simpul.assessment.tests.factories import open_round
from simpul.conftest import login

pytestmark = pytest.mark.django_db

SHIPPED = sorted(load_framework_file(p).slug for p in shipped_framework_files())


class _FormReader(HTMLParser):
    """The POST form's radio groups (name -> values), text areas (names) and hidden fields (name -> value)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.radios: dict[str, list[str]] = {}
        self.textareas: list[str] = []
        self.hidden: dict[str, str] = {}
        self.selects: dict[str, list[str]] = {}
        self._select = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "input" and a.get("type") == "radio":
            self.radios.setdefault(a["name"], []).append(a["value"])
        elif tag == "input" and a.get("type") == "hidden":
            self.hidden[a["name"]] = a.get("value", "")
        elif tag == "textarea":
            self.textareas.append(a["name"])
        elif tag == "select":
            self._select = a["name"]
            self.selects[self._select] = []
        elif tag == "option" and self._select and a.get("value"):
            self.selects[self._select].append(a["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = ""


def _read(html: str) -> _FormReader:
    reader = _FormReader()
    reader.feed(html)
    return reader


def _filled_in(html: str) -> dict[str, Any]:
    """What a respondent sends: the highest point of every radio group, a sentence in every text area."""
    form = _read(html)
    data: dict[str, Any] = {k: v for k, v in form.hidden.items() if k != "csrfmiddlewaretoken"}
    for name, values in form.radios.items():
        data[name] = values[-1]
    for name in form.textareas:
        data[name] = "Sudah berjalan di semua kecamatan; laporan tahunan ada."
    if "group" in form.selects:
        data["group"] = form.selects["group"][0]
    return data


def _assert_every_item_on_its_scale(html: str, rnd: Any) -> None:
    form = _read(html)
    for item in Item.objects.filter(framework=rnd.framework).select_related("scale"):
        values = [str(v) for v in item.scale.values]
        if item.kind == ItemKind.LEVEL:
            assert form.radios.get(f"level_{item.code}") == values, item.code
            assert f"explanation_{item.code}" in form.textareas, item.code
        else:
            assert form.radios.get(f"v_{item.code}") == values, item.code
            if item.kind == ItemKind.DUAL:
                perf = [str(p["value"]) for p in item.scale.performance_points or item.scale.points]
                assert form.radios.get(f"p_{item.code}") == perf, item.code
        assert f"{item.code}. {item.text}" in html.replace("&quot;", '"').replace("&#x27;", "'"), item.code


@pytest.mark.parametrize("slug", SHIPPED)
def test_every_shipped_framework_is_answered_through_the_public_link(client, personas, slug):
    rnd = round_set_public(round=open_round(slug, actor=personas.evaluator), enabled=True, actor=personas.evaluator)
    url = reverse("assessment:public", args=[rnd.public_slug])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    _assert_every_item_on_its_scale(html, rnd)
    response = client.post(url, _filled_in(html))
    assert response.status_code == 302, response.content.decode()[:3000]
    saved = Response.objects.get(round=rnd)
    assert Answer.objects.filter(response=saved).count() == Item.objects.filter(framework=rnd.framework).count()


@pytest.mark.parametrize("slug", SHIPPED)
def test_every_shipped_framework_is_answered_through_an_invitation_link(client, personas, slug):
    rnd = open_round(slug, actor=personas.evaluator)
    tokens = invitation_create(round=rnd, count=3, actor=personas.evaluator, group="pegawai")
    for token in tokens:
        url = reverse("assessment:invited", args=[token])
        page = client.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        _assert_every_item_on_its_scale(html, rnd)
        response = client.post(url, _filled_in(html))
        assert response.status_code == 302, response.content.decode()[:3000]
    assert Response.objects.filter(round=rnd).count() == 3
    level = Answer.objects.filter(round=rnd, item__kind=ItemKind.LEVEL).first()
    if level is not None:  # a level answer keeps its level and the respondent's reason
        assert level.level == max(level.item.scale.values) and level.explanation.startswith("Sudah berjalan")


def test_the_paper_questionnaire_asks_importance_and_the_five_maturity_questions(client, personas):
    rnd = round_set_public(round=open_round("paper-2020", actor=personas.evaluator), enabled=True,
                           actor=personas.evaluator)
    html = client.get(reverse("assessment:public", args=[rnd.public_slug])).content.decode()
    form = _read(html)
    assert form.radios["v_TK1"] == ["1", "2", "3", "4", "5"]
    assert [f"level_M{n}" for n in range(1, 6)] == [k for k in form.radios if k.startswith("level_")]
    assert "Sangat Penting" in html and "Proses tersebut dievaluasi dan diperbaiki secara terus menerus" in html


def test_a_level_answer_without_the_required_explanation_is_refused_and_kept(client, personas):
    rnd = round_set_public(round=open_round("spbe-2020", actor=personas.evaluator), enabled=True,
                           actor=personas.evaluator)
    url = reverse("assessment:public", args=[rnd.public_slug])
    data = _filled_in(client.get(url).content.decode())
    data["explanation_1"] = ""
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 400 and not Response.objects.exists()
    assert 'href="#q-1"' in html and 'value="5" checked' in html


def _closed_at_conclusion(rnd: Any, actor: Any) -> Any:
    rnd = round_transition(round=rnd, to=RoundStatus.CLOSED, actor=actor)
    round_advance_stage(round=rnd, actor=actor)
    round_advance_stage(round=rnd, actor=actor)
    return round_set_verification(round=rnd, tactics=["triangulating"], actor=actor)


def test_publishing_a_round_without_any_answer_needs_an_explicit_confirmation(client, personas):
    rnd = _closed_at_conclusion(open_round("paper-2020", actor=personas.evaluator), personas.evaluator)
    login(client, personas.evaluator)
    url = reverse("assessment:round_detail", args=[rnd.pk])
    page = client.get(url).content.decode()
    assert "Belum ada satu jawaban pun" in page  # the page warns before anyone presses publish
    response = client.post(url, {"action": RoundStatus.PUBLISHED}, follow=True)
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.CLOSED
    assert "Belum ada satu jawaban pun" in response.content.decode()
    client.post(url, {"action": RoundStatus.PUBLISHED, "confirm_empty": "on"})
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.PUBLISHED
