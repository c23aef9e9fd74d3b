"""SMS are never cut mid-word, and say when they take several parts. The revision SMS used to read "Foto Kartu
Keluarga kurang jelas, mohon unggah ul…": the officer's note was cut at 50 characters whatever its length."""

from __future__ import annotations

import io

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from simpul.notifications import reference
from simpul.notifications.models import Template
from simpul.notifications.selectors import messages_for_case
from simpul.notifications.services import notification_send
from simpul.notifications.sms_text import fit_sms, sms_length

URL = "https://simpul.mubakab.go.id/lacak/"
REFERENCE = "MUBA-26-VCXDE-E"


@pytest.fixture
def templates(db):
    reference.load(stdout=io.StringIO())


@pytest.mark.parametrize(("text", "units", "unicode", "parts"), [
    ("a" * 160, 160, False, 1),
    ("a" * 161, 161, False, 2),
    ("a" * 306, 306, False, 2),
    ("a" * 307, 307, False, 3),
    ("€" * 80, 160, False, 1),  # an extension character takes two places
    ("Terima kasih 🙏", 15, True, 1),  # an emoji: UCS-2, and a surrogate pair
    ("x" * 69 + "…", 70, True, 1),
    ("x" * 70 + "…", 71, True, 2),
])
def test_the_length_of_an_sms_is_counted_as_the_network_counts_it(text, units, unicode, parts):
    length = sms_length(text)
    assert (length.units, length.unicode, length.parts) == (units, unicode, parts)


def test_fitting_cuts_at_a_word_and_keeps_the_gsm_alphabet():
    text = "kata " * 100
    fitted = fit_sms(text, max_parts=1)
    assert fitted.endswith("kata...") and sms_length(fitted).parts == 1 and not sms_length(fitted).unicode


def _revision_sms(note: str, language: str = "id") -> str:
    [message] = notification_send(event="case.revision_requested", to_phone="081234567890", language=language,
                                  context={"reason": note, "service_name": "Penggantian KTP-el", "tracking_url": URL},
                                  case_reference=REFERENCE)
    return message.body


def test_an_ordinary_note_reaches_the_citizen_whole(templates):
    note = "Foto Kartu Keluarga kurang jelas, mohon unggah ulang yang lebih terang dan tidak terpotong."
    body = _revision_sms(note)
    assert note in body and body.endswith(URL)
    assert sms_length(body).parts == 2


def test_a_very_long_note_is_shortened_at_a_word_and_the_link_stays(templates, settings):
    settings.SMS_MAX_PARTS = 2
    words = [f"kata{n}" for n in range(120)]
    body = _revision_sms(" ".join(words))
    assert sms_length(body).parts == 2 and body.endswith(URL) and REFERENCE in body
    kept = body.split(": ", 1)[1].split("...", 1)[0].split()
    assert kept == words[: len(kept)] and len(kept) > 10  # whole words, from the start, then "..."


def test_the_approval_sms_carries_the_officers_pickup_instructions(templates):
    [sms] = notification_send(event="case.approved", to_phone="081234567890", language="id", context={
        "note": "Ambil KTP-el di loket 3 Disdukcapil Sekayu, Senin-Jumat 08.00-15.00, bawa KTP lama.",
        "service_name": "Penggantian KTP-el", "tracking_url": URL}, case_reference=REFERENCE)
    assert "Ambil KTP-el di loket 3 Disdukcapil Sekayu, Senin-Jumat 08.00-15.00, bawa KTP lama." in sms.body
    assert sms.body.endswith(URL)


def test_the_message_log_says_when_an_sms_took_several_parts(templates):
    _revision_sms("Foto Kartu Keluarga kurang jelas, mohon unggah ulang yang lebih terang dan tidak terpotong.")
    [message] = messages_for_case(REFERENCE)
    assert message.sms_parts == 2
    with translation.override("id"):
        html = render_to_string("notifications/_case_messages.html", {"notification_messages": [message]})
    assert "dikirim dalam 2 bagian" in html


def test_loading_brings_unedited_sms_texts_up_to_date_and_keeps_edited_ones(templates):
    old_revision = reference.FORMER_SMS_DEFAULTS[("case.revision_requested", "id")][0]
    Template.objects.filter(event="case.revision_requested", channel="sms", language="id").update(body=old_revision)
    Template.objects.filter(event="case.rejected", channel="sms", language="id").update(body="Teks kami sendiri {{ reference }}")
    out = io.StringIO()
    reference.load(stdout=out)
    assert "1 unedited one(s) brought up to date" in out.getvalue()
    revision = Template.objects.get(event="case.revision_requested", channel="sms", language="id")
    assert "truncatechars" not in revision.body
    assert Template.objects.get(event="case.rejected", channel="sms", language="id").body == "Teks kami sendiri {{ reference }}"
