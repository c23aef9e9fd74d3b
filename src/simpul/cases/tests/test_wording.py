"""A complaint is a complaint on every screen after it is sent: the confirmation page, the tracking page and the
receipt say "pengaduan" and "nomor pengaduan", never "permohonan" (simpul.cases.wording)."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from simpul.cases.tests.complaints import COMPLAINT, REPORTER, inspektorat, kependudukan, portal_complaint  # noqa: F401
from simpul.core.tests.pdfchecks import pdf_facts

pytestmark = pytest.mark.django_db


def _main(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html.split("<main", 1)[1].split("</main>", 1)[0])


def test_after_a_complaint_every_screen_and_the_receipt_say_complaint(client, kependudukan):  # noqa: F811
    case, pin = portal_complaint(client, kependudukan, first={"complaint_topic": "layanan", **COMPLAINT},
                                 reporter={"anonymous": "no", **REPORTER})
    with translation.override("id"):
        done = _main(render_to_string("cases/apply_done.html", {"case": case, "pin": pin,
                                                                 "version": case.service_version}))
    assert "Nomor pengaduan Anda" in done and "Lacak pengaduan Anda" in done and "Pengaduan Anda sudah terkirim" in done
    client.post(reverse("cases:track"), {"reference": case.reference, "pin": pin})
    page = client.get(reverse("cases:track_detail", kwargs={"reference": case.reference})).content.decode()
    assert f'<h1>Pengaduan <span class="ref">{case.reference}</span></h1>' in page
    tracking = _main(page)
    receipt = client.get(reverse("cases:track_receipt", kwargs={"reference": case.reference}))
    text = pdf_facts(receipt.content).text
    assert "Tanda terima pengaduan" in text and "Lacak pengaduan Anda" in text and "Pelapor" in text
    for shown in (done, tracking, text):
        assert "permohonan" not in shown.lower()


def test_the_receipt_names_the_office_the_documents_in_the_forms_words_and_the_time_zone(client, personas):
    from simpul.cases.intake import case_submit
    from simpul.cases.tests.factories import VALID_ANSWERS, ktp_service, pdf_upload

    result = case_submit(version=ktp_service(personas.dukcapil), answers=dict(VALID_ANSWERS),
                         files={"kk": pdf_upload("kartu-keluarga.pdf")})
    client.post(reverse("cases:track"), {"reference": result.case.reference, "pin": result.pin})
    text = pdf_facts(client.get(reverse("cases:track_receipt", kwargs={"reference": result.case.reference})).content).text
    assert personas.dukcapil.name in text and "PEMERINTAH KABUPATEN MUSI BANYUASIN" in text  # upper case by style
    assert "Dokumen yang diterima" in text and "(kartu-keluarga.pdf)" in text
    assert re.search(r"\d{2}:\d{2} WIB", text)


def test_the_receipt_gives_the_number_to_send_status_to_or_does_not_offer_sms(client, personas, settings):
    from simpul.cases.intake import case_submit
    from simpul.cases.tests.factories import VALID_ANSWERS, ktp_service, pdf_upload

    result = case_submit(version=ktp_service(personas.dukcapil), answers=dict(VALID_ANSWERS),
                         files={"kk": pdf_upload()})
    client.post(reverse("cases:track"), {"reference": result.case.reference, "pin": result.pin})
    url = reverse("cases:track_receipt", kwargs={"reference": result.case.reference})
    settings.SIMPUL_SMS_NUMBER = ""
    assert "SMS" not in pdf_facts(client.get(url).content).text
    settings.SIMPUL_SMS_NUMBER = "0811 7300 1234"
    assert f"kirim SMS ke 0811 7300 1234: STATUS {result.case.reference} lalu PIN Anda" in pdf_facts(
        client.get(url).content).text
