"""Who may receive webhooks, and that receivers written with other tools read what Simpul sends.

- One rule for a receiver URL at every door (the subscription API, the admin form) and at every delivery.
- The admin shows a new subscription's secret once, like an API key.
- The demo's local receiver (`simpul webhook_receiver`) works on `make run`'s settings.
- Every delivered event parses with the CloudEvents Python SDK, the tool receivers are written with.
"""

from __future__ import annotations

import io
import threading
import time
from datetime import UTC, datetime

import pytest
from cloudevents.core.bindings.http import HTTPMessage, from_http_event
from django.core.cache import cache
from django.core.management import call_command
from rest_framework.test import APIClient

from simpul.api.events import EVENT_TYPES, case_events_relay, publish
from simpul.api.models import EventDelivery, WebhookSubscription
from simpul.api.receiver import Receiver
from simpul.cases.actions import case_transition
from simpul.cases.intake import case_submit
from simpul.cases.tests.factories import VALID_ANSWERS, ktp_service, pdf_upload
from simpul.clients.services import api_client_create, api_key_issue
from simpul.conftest import login
from simpul.core.delivery import outbox_deliver_batch
from simpul.core.models import OutboxMessage, OutboxStatus

SECRET = "whsec_receiver-test"
INWARD = "mengarah ke server ini atau ke jaringan privat"


@pytest.fixture(autouse=True)
def _production_rules(settings):
    """Outside development: https only, no private addresses, no allowed origins."""
    cache.clear()
    settings.DEBUG = False
    settings.WEBHOOK_ALLOW_INSECURE_URLS = False
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = False
    settings.WEBHOOK_ALLOWED_RECEIVERS = []
    settings.WEBHOOK_TIMEOUT_SECONDS = 2
    settings.LANGUAGE_CODE = "id"


@pytest.fixture
def client_row(personas):
    return api_client_create(name="Sistem Dukcapil", scopes=["cases:read", "webhooks:manage"],
                             agency=personas.dukcapil)


@pytest.fixture
def api(client_row):
    _key, secret = api_key_issue(client=client_row)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE="id")
    return api


@pytest.fixture
def receiver():
    r = Receiver(SECRET).start()
    yield r
    r.stop()


def _admin_add(client, client_row, url):
    return client.post("/admin/api/webhooksubscription/add/", {
        "client": client_row.pk, "url": url, "event_types": ["case.submitted"], "description": "SIAK",
        "is_active": "on",
    }, follow=True)


INWARD_URLS = ["https://127.0.0.1/hook", "https://localhost:8443/hook", "https://10.1.2.3/hook",
               "https://[::1]/hook", "https://169.254.169.254/latest/meta-data", "https://app.localhost/hook"]


@pytest.mark.parametrize("url", INWARD_URLS)
def test_the_admin_form_and_the_api_refuse_an_inward_receiver_with_the_same_sentence(
    client, personas, client_row, api, url,
):
    login(client, personas.admin)
    page = _admin_add(client, client_row, url)
    assert page.status_code == 200 and INWARD in page.content.decode()
    answer = api.post("/api/v1/webhooks/subscriptions/", {"url": url, "event_types": ["case.submitted"]},
                      format="json")
    assert answer.status_code == 400
    [message] = answer.json()["errors"]["url"]
    assert INWARD in message
    assert WebhookSubscription.objects.count() == 0


def test_plain_http_is_refused_at_both_doors_outside_development(client, personas, client_row, api):
    login(client, personas.admin)
    page = _admin_add(client, client_row, "http://siak.example.go.id/hook")
    assert "harus diawali https://" in page.content.decode()
    answer = api.post("/api/v1/webhooks/subscriptions/",
                      {"url": "http://siak.example.go.id/hook", "event_types": ["case.submitted"]}, format="json")
    assert answer.json()["errors"]["url"] == ["Alamat URL penerima harus diawali https://."]
    assert WebhookSubscription.objects.count() == 0


def test_credentials_in_the_receiver_url_are_refused(api):
    answer = api.post("/api/v1/webhooks/subscriptions/",
                      {"url": "https://user:pw@siak.example.go.id/hook", "event_types": ["case.submitted"]},
                      format="json")
    assert answer.status_code == 400 and list(answer.json()["errors"]) == ["url"]


def test_the_admin_shows_a_new_subscriptions_secret_once(client, personas, client_row):
    login(client, personas.admin)
    page = _admin_add(client, client_row, "https://siak.example.go.id/hook").content.decode()
    subscription = WebhookSubscription.objects.get()
    assert subscription.secret.startswith("whsec_") and subscription.secret in page
    assert subscription.event_types == ["case.submitted"]
    change = client.get(f"/admin/api/webhooksubscription/{subscription.pk}/change/").content.decode()
    assert subscription.secret not in change
    listing = client.get("/admin/api/webhooksubscription/").content.decode()
    assert subscription.secret not in listing
    saved = client.post(f"/admin/api/webhooksubscription/{subscription.pk}/change/", {
        "client": client_row.pk, "url": "https://siak.example.go.id/hook2", "event_types": ["case.submitted"],
        "description": "SIAK", "is_active": "on",
    }, follow=True).content.decode()
    subscription.refresh_from_db()
    assert subscription.url.endswith("/hook2") and subscription.secret not in saved


def test_the_admin_can_draw_a_new_secret_and_sees_it_once(client, personas, client_row):
    subscription = WebhookSubscription.objects.create(client=client_row, url="https://siak.example.go.id/hook",
                                                      event_types=["case.submitted"], secret="whsec_old")
    login(client, personas.admin)
    page = client.post("/admin/api/webhooksubscription/", {
        "action": "new_secret", "_selected_action": [subscription.pk]}, follow=True).content.decode()
    subscription.refresh_from_db()
    assert subscription.secret != "whsec_old" and subscription.secret in page


def test_the_admin_form_checks_event_type_scopes_like_the_api(client, personas):
    reader = api_client_create(name="Tanpa cakupan", scopes=["webhooks:manage"], agency=personas.dukcapil)
    login(client, personas.admin)
    page = client.post("/admin/api/webhooksubscription/add/", {
        "client": reader.pk, "url": "https://siak.example.go.id/hook", "event_types": ["case.submitted"],
        "is_active": "on"}).content.decode()
    assert "cases:read" in page and WebhookSubscription.objects.count() == 0


def test_a_subscription_made_while_allowed_is_still_refused_at_delivery_when_it_points_inward(
    personas, client_row, receiver,
):
    WebhookSubscription.objects.create(client=client_row, url=receiver.url, event_types=["case.status_changed"],
                                       secret=SECRET)
    [delivery] = publish("case.status_changed", subject="MUBA-1", data={"reference": "MUBA-1"},
                         agency_ids=[personas.dukcapil.pk], ordering_key="MUBA-1")
    outbox_deliver_batch()
    delivery.message.refresh_from_db()
    assert "private address" in delivery.message.last_error and receiver.received == []


def test_an_allowed_receiver_origin_is_accepted_and_delivered_to_without_opening_the_rest(
    settings, personas, api, receiver,
):
    settings.WEBHOOK_ALLOWED_RECEIVERS = [f"http://127.0.0.1:{receiver.port}"]
    created = api.post("/api/v1/webhooks/subscriptions/", {"url": receiver.url,
                                                           "event_types": ["case.status_changed"]}, format="json")
    assert created.status_code == 201, created.content
    other_port = api.post("/api/v1/webhooks/subscriptions/",
                          {"url": f"http://127.0.0.1:{receiver.port + 1}/hook", "event_types": ["case.submitted"]},
                          format="json")
    assert other_port.status_code == 400
    receiver.secret = created.json()["secret"]
    publish("case.status_changed", subject="MUBA-2", data={"reference": "MUBA-2"},
            agency_ids=[personas.dukcapil.pk], ordering_key="MUBA-2")
    assert outbox_deliver_batch() == 1
    assert [e["subject"] for e in receiver.accepted.values()] == ["MUBA-2"]


def test_the_demo_receiver_command_prints_each_verified_event_once(settings, personas, client_row):
    probe = Receiver(SECRET).start()
    port = probe.port
    probe.stop()
    settings.WEBHOOK_ALLOWED_RECEIVERS = [f"http://127.0.0.1:{port}"]
    WebhookSubscription.objects.create(client=client_row, url=f"http://127.0.0.1:{port}/hook",
                                       event_types=["case.status_changed"], secret=SECRET)
    out = io.StringIO()
    worker = threading.Thread(target=call_command, args=["webhook_receiver"],
                              kwargs={"secret": SECRET, "port": port, "seconds": 3, "stdout": out})
    worker.start()
    deadline = time.monotonic() + 2
    while "Listening" not in out.getvalue() and time.monotonic() < deadline:
        time.sleep(0.05)
    publish("case.status_changed", subject="MUBA-3", data={"reference": "MUBA-3", "status": "verifikasi"},
            agency_ids=[personas.dukcapil.pk], ordering_key="MUBA-3", event_id="e-3")
    assert outbox_deliver_batch() == 1
    worker.join(timeout=10)
    lines = out.getvalue().splitlines()
    assert lines[0] == f"Listening on http://127.0.0.1:{port}/hook (signatures checked; Ctrl-C stops)"
    assert lines[1] == ('{"data": {"reference": "MUBA-3", "status": "verifikasi"}, "id": "e-3", '
                        '"subject": "MUBA-3", "type": "case.status_changed"}')
    assert lines[2] == "Stopped: 1 events received, 0 refused (bad signature)."


# -- the CloudEvents SDK ------------------------------------------------------------------------------------------


def test_every_delivered_event_parses_with_the_cloudevents_sdk(settings, personas, client_row, receiver):
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = True
    settings.WEBHOOK_ALLOW_INSECURE_URLS = True
    WebhookSubscription.objects.create(client=client_row, url=receiver.url, event_types=["*"], secret=SECRET)
    # real case events, from a submission and a transition, through the relay
    version = ktp_service(personas.dukcapil)
    case = case_submit(version=version, answers=dict(VALID_ANSWERS), files={"kk": pdf_upload()}).case
    case_transition(case=case, action="verify", actor=personas.officer)
    case_events_relay()
    # and one of every other type, as the exchange API and open data publish them
    for code in EVENT_TYPES:
        if code not in ("case.submitted", "case.status_changed"):
            agencies = [] if code == "dataset.updated" else [personas.dukcapil.pk]
            publish(code, subject=f"S-{code}", data={"reference": f"S-{code}", "note": "Catatan: é ✓"},
                    agency_ids=agencies, ordering_key=code)
    for _ in range(5):
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING).update(next_attempt_at=datetime.now(UTC))
        if not outbox_deliver_batch():
            break
    expected = EventDelivery.objects.count()
    assert expected == len(EVENT_TYPES) and len(receiver.raw) == expected  # submitted, verified, 5 others
    seen = set()
    for headers, body in receiver.raw:
        event = from_http_event(HTTPMessage(headers=headers, body=body))
        sent = receiver.accepted[event.get_id()]
        assert event.get_specversion() == "1.0"
        assert event.get_type() == sent["type"] == headers["Simpul-Event-Type"]
        assert event.get_source() == settings.SIMPUL_EVENT_SOURCE
        assert event.get_subject() == sent["subject"]
        assert event.get_datacontenttype() == "application/json"
        assert event.get_time() is not None and event.get_time().tzinfo is not None
        assert event.get_data() == sent["data"]
        seen.add(event.get_type())
    assert seen == set(EVENT_TYPES)
