"""Every note has an audience, and only notes written to the applicant leave the back office: the tracking
page, the status API and the SMS/email see nothing of a note between offices, and the forward SMS names the
agency the case goes to."""

from __future__ import annotations

import re

from django.urls import reverse

from simpul.cases.intake import case_submit
from simpul.cases.tests.factories import VALID_ANSWERS, ktp_service, pdf_upload
from simpul.conftest import login
from simpul.core.delivery import outbox_deliver_batch
from simpul.notifications.models import Message

NOTE = "Uji penerusan antar-OPD"


def _submitted(personas):
    version = ktp_service(personas.dukcapil)
    result = case_submit(version=version, answers=dict(VALID_ANSWERS), files={"kk": pdf_upload()},
                         idempotency_key="note-audience")
    return result.case, result.pin


def _forward(client, personas, case, **extra):
    login(client, personas.officer)
    response = client.post(reverse("backoffice:case_action", kwargs={"reference": case.reference,
                                                                     "action": "forward"}),
                           {"forward-to_agency": personas.dpmptsp.pk, "forward-note": NOTE, **extra})
    assert response.status_code == 302, response.content.decode()[:3000]


def _as_applicant(case, pin):
    from django.test import Client

    citizen = Client()
    assert citizen.post(reverse("cases:track"), {"reference": case.reference, "pin": pin}).status_code == 302
    page = citizen.get(reverse("cases:track_detail", kwargs={"reference": case.reference})).content.decode()
    api = citizen.get(f"/api/v1/cases/{case.reference}/status", HTTP_X_CASE_PIN=pin)
    assert api.status_code == 200
    return page, api.content.decode()


def test_forward_note_between_offices_never_reaches_the_applicant(client, personas):
    case, pin = _submitted(personas)
    _forward(client, personas, case)
    page, api = _as_applicant(case, pin)
    assert "Diteruskan ke instansi lain" in page  # the step itself is shown, without the note
    assert NOTE not in page and NOTE not in api
    assert not [m for m in Message.objects.filter(case_reference=case.reference) if NOTE in m.body + m.subject]
    officer_view = client.get(reverse("backoffice:case_detail", kwargs={"reference": case.reference}))
    assert f"Catatan internal (hanya petugas): {NOTE}" in officer_view.content.decode()


def test_forward_sms_names_the_agency_it_goes_to(client, personas):
    case, _pin = _submitted(personas)
    _forward(client, personas, case)
    outbox_deliver_batch()  # the worker renders the notification
    sms = Message.objects.get(case_reference=case.reference, event="case.forwarded", channel="sms")
    assert "diteruskan ke DPMPTSP" in sms.body
    assert "Disdukcapil" not in sms.body


def test_note_form_says_who_will_read_the_note(client, personas):
    case, _pin = _submitted(personas)
    login(client, personas.officer)
    page = client.get(reverse("backoffice:case_detail", kwargs={"reference": case.reference})).content.decode()
    assert "Siapa yang akan membaca catatan ini?" in page
    forward_form = page.split(f'action="/kantor/perkara/{case.reference}/aksi/forward/"', 1)[1]
    forward_form = forward_form.split("</form>", 1)[0]
    internal = re.search(r'<input type="radio" name="forward-note_audience" value="internal"[^>]*>', forward_form)
    assert internal and "checked" in internal.group(0)  # internal unless the officer chooses otherwise
    assert "Hanya petugas kantor yang menangani perkara ini" in forward_form


def test_officer_may_address_a_note_to_the_applicant(client, personas):
    case, pin = _submitted(personas)
    _forward(client, personas, case, **{"forward-note_audience": "applicant"})
    page, api = _as_applicant(case, pin)
    assert NOTE in page and NOTE in api
