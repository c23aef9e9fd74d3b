"""The saved form's page: true words for each person, the link by SMS (rate limited per form and per number), a
WhatsApp link and the link as selectable text."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from django.test import Client
from django.urls import reverse

from simpul.cases.models import Draft
from simpul.cases.tests.factories import ktp_service
from simpul.conftest import login
from simpul.notifications.models import Message
from simpul.notifications.sms_text import sms_length

ANYONE = "siapa pun"  # "Anyone with the link can see your answers"


@pytest.fixture
def version(personas):
    return ktp_service(personas.dukcapil)


def _saved(client, version):
    client.get(reverse("cases:apply_start", kwargs={"code": version.service.code}) + "?baru=1")
    draft = Draft.objects.order_by("-pk").first()
    return draft, reverse("cases:apply_saved", kwargs={"code": version.service.code, "token": draft.token})


def test_logged_in_citizen_is_not_told_that_anyone_with_the_link_sees_her_answers(client, personas, version):
    login(client, personas.citizen)
    _draft, url = _saved(client, version)
    body = client.get(url).content.decode()
    assert ANYONE not in body.lower()
    assert "Permohonan saya" in body or reverse("cases:my_cases") in body


def test_anonymous_visitor_is_warned_and_offered_sms_whatsapp_and_the_link(client, version):
    draft, url = _saved(client, version)
    body = client.get(url).content.decode()
    assert ANYONE in body.lower()
    resume = "http://testserver" + reverse("cases:apply_resume", kwargs={"code": version.service.code,
                                                                       "token": draft.token})
    assert f'readonly value="{resume}"' in body  # selectable without JavaScript
    assert 'href="https://wa.me/?text=' in body
    wa = body.split('href="https://wa.me/?text=')[1].split('"')[0]
    assert resume in unquote(wa)
    assert 'name="phone"' in body and "Kirim tautannya lewat SMS" in body
    assert "cases/saved.js" in body and "<script>" not in body


def test_link_by_sms_goes_through_the_notifications_service_and_fits(client, version):
    draft, url = _saved(client, version)
    response = client.post(url, {"phone": "0812-3456-7890"})
    assert response.status_code == 302
    [message] = Message.objects.filter(event="draft.resume_link")
    assert message.channel == "sms" and message.recipient == "+6281234567890"
    assert draft.token in message.body and message.body.endswith(f"/{draft.token}/lanjut/")
    assert sms_length(message.body).parts <= 2
    assert "0812*****890" in client.get(url).content.decode() or "lewat SMS" in client.get(url).content.decode()


def test_link_by_sms_is_limited_per_form(client, version):
    _draft, url = _saved(client, version)
    for number in ("081200000001", "081200000002", "081200000003"):
        assert client.post(url, {"phone": number}).status_code == 302
    refused = client.post(url, {"phone": "081200000004"})
    assert refused.status_code == 429
    assert "terlalu sering" in refused.content.decode()
    assert Message.objects.filter(event="draft.resume_link").count() == 3


def test_link_by_sms_is_limited_per_number(version):
    for _ in range(3):
        client = Client()
        _draft, url = _saved(client, version)
        assert client.post(url, {"phone": "081299998888"}).status_code == 302
    client = Client()
    _draft, url = _saved(client, version)
    assert client.post(url, {"phone": "+62 812 9999 8888"}).status_code == 429
    assert Message.objects.filter(event="draft.resume_link").count() == 3


def test_a_wrong_number_is_said_in_the_error_summary(client, version):
    _draft, url = _saved(client, version)
    response = client.post(url, {"phone": "12345"})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'class="error-summary"' in body and "Isi nomor HP seperti" in body
    assert not Message.objects.exists()
