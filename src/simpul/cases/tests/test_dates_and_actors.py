"""One date format per language on the citizen's pages ("4 Desember 2026", "4 December 2026", never ISO), and the
case history's own words for who acted are interface words, shown in the reader's language."""

from __future__ import annotations

import datetime as dt
import re

from django.urls import reverse
from django.utils import translation

from simpul.cases.actions import case_withdraw
from simpul.cases.intake import case_submit
from simpul.cases.models import CaseEvent
from simpul.cases.tests.factories import VALID_ANSWERS, ktp_service, png_upload
from simpul.conftest import login

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _visible_text(html: str) -> str:
    """The page without its tags and attributes (an input's value may be ISO: browsers need it)."""
    body = html.split("<main", 1)[-1]
    return re.sub(r"<[^>]+>", " ", body)


def _case(personas):
    version = ktp_service(personas.dukcapil)
    result = case_submit(version=version, answers=VALID_ANSWERS, files={"kk": png_upload()},
                         applicant=personas.citizen)
    result.case.due_date = dt.date(2026, 12, 4)
    result.case.save(update_fields=["due_date"])
    return result


def test_my_applications_and_tracking_write_dates_one_way_per_language(client, personas):
    result = _case(personas)
    login(client, personas.citizen)
    for language, day in (("id", "4 Desember 2026"), ("en", "4 December 2026")):
        with translation.override(language):
            pages = [reverse("cases:my_cases"), reverse("cases:track_detail", kwargs={"reference": result.case.reference})]
        for url in pages:
            html = client.get(url).content.decode()
            assert day in html, (url, language)
            assert not ISO_DATE.search(_visible_text(html)), (url, ISO_DATE.search(_visible_text(html)))


def test_the_applicant_with_pin_is_named_in_the_readers_language(personas):
    result = case_submit(version=ktp_service(personas.dukcapil), answers=VALID_ANSWERS, files={"kk": png_upload()})
    case_withdraw(case=result.case, actor=None, via_pin=True)
    event = CaseEvent.objects.filter(case=result.case, actor_label__gt="").get()
    assert event.actor_label == "applicant-pin"
    with translation.override("en"):
        assert event.actor_display == "Applicant (with PIN)"
    with translation.override("id"):
        assert event.actor_display == "Pemohon (dengan PIN)"
    event.actor_label = "Pemohon (dengan PIN)"  # as cases sent before stored it
    with translation.override("en"):
        assert event.actor_display == "Applicant (with PIN)"
    event.actor_label = "Budi Santoso"
    assert event.actor_display == "Budi Santoso"
