from __future__ import annotations

import json
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from simpul.agencies.models import Agency
from simpul.api.events import EVENT_TYPES, cloud_event, publish, webhook_max_attempts
from simpul.api.models import EventDelivery, WebhookSubscription
from simpul.api.receiver import Receiver
from simpul.api.webhooks import (
    InvalidSignature,
    compute_signature,
    event_body,
    signature_header,
    signed_headers,
    verify_signature,
)
from simpul.clients.services import api_client_create, api_key_issue
from simpul.core.delivery import outbox_deliver_batch
from simpul.core.models import OutboxMessage, OutboxStatus

SECRET = "whsec_test-secret"


@pytest.fixture(autouse=True)
def _webhook_settings(settings):
    cache.clear()
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = True
    settings.WEBHOOK_ALLOW_INSECURE_URLS = True
    settings.WEBHOOK_TIMEOUT_SECONDS = 2


@pytest.fixture
def agencies(db):
    return SimpleNamespace(
        dukcapil=Agency.objects.create(code="disdukcapil", name="Dinas Dukcapil"),
        dpmptsp=Agency.objects.create(code="dpmptsp", name="DPMPTSP"),
    )


def _api(client_row):
    _key, secret = api_key_issue(client=client_row)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return api


@pytest.fixture
def dukcapil(agencies):
    row = api_client_create(name="Sistem Dukcapil", scopes=["cases:read", "cases:write", "webhooks:manage"],
                            agency=agencies.dukcapil)
    return SimpleNamespace(row=row, api=_api(row))


@pytest.fixture
def receiver():
    r = Receiver(SECRET).start()
    yield r
    r.stop()


def _subscribe(client_row, url, types=("case.status_changed",), secret=SECRET):
    return WebhookSubscription.objects.create(client=client_row, url=url, event_types=list(types), secret=secret)


def _publish(agency, subject="MUBA-1", event_type="case.status_changed", event_id=""):
    return publish(event_type, subject=subject, data={"reference": subject, "status": "verifikasi"},
                   agency_ids=[agency.pk], ordering_key=subject, event_id=event_id)


def _make_due():
    OutboxMessage.objects.filter(status=OutboxStatus.PENDING).update(next_attempt_at=timezone.now())


# -- signature ----------------------------------------------------------------------------------------------------


def _signed(body=b'{"id":"e1"}', secret=SECRET, timestamp=None):
    return {"Simpul-Signature": signature_header(secret, body, timestamp=timestamp)}, body


def test_good_signature_verifies_and_returns_its_timestamp():
    now = 1_800_000_000
    headers, body = _signed(timestamp=now)
    assert verify_signature(SECRET, headers, body, now=now + 10) == now


def test_header_names_are_case_insensitive_and_django_meta_works():
    headers, body = _signed()
    assert verify_signature(SECRET, {"simpul-signature": headers["Simpul-Signature"]}, body)
    assert verify_signature(SECRET, {"HTTP_SIMPUL_SIGNATURE": headers["Simpul-Signature"]}, body)


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda h, b: (h, b + b" "), "mismatch"),  # tampered body
        (lambda h, b: (h, b.replace(b"e1", b"e2")), "mismatch"),
        (lambda h, b: ({"Simpul-Signature": h["Simpul-Signature"].replace("v1=", "v1=0")}, b), "mismatch"),
        (lambda h, b: ({}, b), "missing"),
        (lambda h, b: ({"Simpul-Signature": "v1=abc"}, b), "malformed"),
        (lambda h, b: ({"Simpul-Signature": "t=soon,v1=abc"}, b), "malformed"),
    ],
)
def test_tampered_missing_or_malformed_signature_is_rejected(mutate, reason):
    headers, body = mutate(*_signed())
    with pytest.raises(InvalidSignature) as info:
        verify_signature(SECRET, headers, body)
    assert info.value.reason == reason


def test_other_secret_is_rejected():
    headers, body = _signed(secret="whsec_someone-else")
    with pytest.raises(InvalidSignature, match="does not match"):
        verify_signature(SECRET, headers, body)


def test_stale_or_future_timestamp_is_rejected_as_replay():
    now = 1_800_000_000
    headers, body = _signed(timestamp=now - 301)
    with pytest.raises(InvalidSignature) as info:
        verify_signature(SECRET, headers, body, now=now)
    assert info.value.reason == "stale"
    headers, body = _signed(timestamp=now + 301)
    with pytest.raises(InvalidSignature):
        verify_signature(SECRET, headers, body, now=now)
    headers, body = _signed(timestamp=now - 299)
    assert verify_signature(SECRET, headers, body, now=now) == now - 299
    assert verify_signature(SECRET, headers, body, now=now + 1000, tolerance_seconds=2000)


def test_any_of_several_v1_values_may_match_during_secret_rotation():
    body = b"{}"
    ts = int(time.time())
    value = f"t={ts},v1={compute_signature('old', ts, body)},v1={compute_signature(SECRET, ts, body)}"
    assert verify_signature(SECRET, {"Simpul-Signature": value}, body) == ts


@hyp_settings(max_examples=60, deadline=None)
@given(secret=st.text(min_size=1, max_size=40), body=st.binary(max_size=300), flip=st.integers(min_value=0))
def test_property_signed_bodies_verify_and_any_changed_byte_does_not(secret, body, flip):
    headers = {"Simpul-Signature": signature_header(secret, body)}
    verify_signature(secret, headers, body)
    if body:
        index = flip % len(body)
        changed = body[:index] + bytes([(body[index] + 1) % 256]) + body[index + 1:]
        with pytest.raises(InvalidSignature):
            verify_signature(secret, headers, changed)


def test_signed_headers_carry_event_id_type_and_cloudevents_content_type():
    event = cloud_event("case.submitted", subject="MUBA-1", data={}, event_id="case-event-7")
    headers = signed_headers(SECRET, event_body(event), event)
    assert headers["Simpul-Event-Id"] == headers["Idempotency-Key"] == "case-event-7"
    assert headers["Simpul-Event-Type"] == "case.submitted"
    assert headers["Content-Type"].startswith("application/cloudevents+json")
    assert event["specversion"] == "1.0" and event["datacontenttype"] == "application/json"
    assert event["time"].endswith("Z")


# -- delivery -----------------------------------------------------------------------------------------------------


def test_event_reaches_the_receiver_signed_as_a_cloudevent(dukcapil, agencies, receiver):
    subscription = _subscribe(dukcapil.row, receiver.url)
    [delivery] = _publish(agencies.dukcapil, event_id="case-event-1")
    assert outbox_deliver_batch() == 1
    assert receiver.order == ["case-event-1"]
    event = receiver.accepted["case-event-1"]
    assert {"specversion", "id", "source", "type", "subject", "time", "datacontenttype", "data"} <= set(event)
    assert event["subject"] == "MUBA-1" and event["type"] == "case.status_changed"
    delivery.refresh_from_db()
    assert delivery.subscription == subscription and delivery.last_response_status == 200
    assert delivery.message.status == OutboxStatus.DELIVERED
    assert delivery.message.receipt["ack"]["received"] == "case-event-1"


def test_only_matching_subscriptions_get_the_event(dukcapil, agencies, receiver):
    _subscribe(dukcapil.row, receiver.url, types=("case.submitted",))
    other_agency_client = api_client_create(name="DPMPTSP", scopes=["cases:read"], agency=agencies.dpmptsp)
    _subscribe(other_agency_client, receiver.url)
    no_scope = api_client_create(name="Tanpa scope", scopes=["webhooks:manage"], agency=agencies.dukcapil)
    _subscribe(no_scope, receiver.url)
    inactive = _subscribe(dukcapil.row, receiver.url)
    inactive.is_active = False
    inactive.save()
    assert _publish(agencies.dukcapil) == []
    everything = _subscribe(dukcapil.row, receiver.url, types=("*",))
    assert [d.subscription for d in _publish(agencies.dukcapil)] == [everything]


def test_receiver_answering_500_is_retried_with_backoff_for_a_day_then_dead_lettered(dukcapil, agencies, receiver):
    receiver.status = 500
    _subscribe(dukcapil.row, receiver.url)
    [delivery] = _publish(agencies.dukcapil)
    message = delivery.message
    assert message.max_attempts == webhook_max_attempts()
    waited = timedelta()
    for attempt in range(1, message.max_attempts + 1):
        _make_due()
        assert outbox_deliver_batch() == 0
        message.refresh_from_db()
        assert message.attempts == attempt
        if message.status == OutboxStatus.PENDING:
            waited += message.next_attempt_at - timezone.now()
    assert message.status == OutboxStatus.DEAD
    assert "HTTP 500" in message.last_error
    assert waited >= timedelta(hours=24) - timedelta(minutes=1)
    assert len(receiver.received) == message.max_attempts
    assert message.attempt_log.count() == message.max_attempts
    delivery.refresh_from_db()
    assert delivery.last_response_status == 500


def test_a_failing_or_hanging_receiver_never_holds_up_other_deliveries(dukcapil, agencies, receiver, settings):
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.3
    slow = Receiver(SECRET).start()
    slow.delay = 1.0
    broken = Receiver(SECRET).start()
    broken.status = 503
    try:
        _subscribe(dukcapil.row, slow.url)
        _subscribe(dukcapil.row, broken.url)
        _subscribe(dukcapil.row, receiver.url)
        _publish(agencies.dukcapil, subject="MUBA-1", event_id="e1")
        _publish(agencies.dukcapil, subject="MUBA-2", event_id="e2")
        assert outbox_deliver_batch() == 2
        assert sorted(receiver.order) == ["e1", "e2"]
        waiting = OutboxMessage.objects.filter(status=OutboxStatus.PENDING)
        assert waiting.count() == 4
        assert all(m.attempts == 1 and m.next_attempt_at > timezone.now() for m in waiting)
        errors = sorted("HTTP 503" if "HTTP 503" in m.last_error else "timed out" in m.last_error and "timeout"
                        for m in waiting)
        assert errors == ["HTTP 503", "HTTP 503", "timeout", "timeout"]
    finally:
        slow.stop()
        broken.stop()


def test_events_of_one_case_wait_for_the_earlier_one(dukcapil, agencies, receiver):
    _subscribe(dukcapil.row, receiver.url)
    receiver.status = 500
    _publish(agencies.dukcapil, subject="MUBA-1", event_id="a1")
    _publish(agencies.dukcapil, subject="MUBA-1", event_id="a2")
    outbox_deliver_batch()
    assert [m.attempts for m in OutboxMessage.objects.order_by("id")] == [1, 0]
    receiver.status = 200
    _make_due()
    assert outbox_deliver_batch() == 2
    assert receiver.order == ["a1", "a2"]


def test_removed_subscription_skips_its_waiting_deliveries(dukcapil, agencies, receiver):
    subscription = _subscribe(dukcapil.row, receiver.url)
    [delivery] = _publish(agencies.dukcapil)
    subscription.is_active = False
    subscription.save()
    outbox_deliver_batch()
    delivery.message.refresh_from_db()
    assert delivery.message.status == OutboxStatus.DELIVERED
    assert delivery.message.receipt == {"skipped": "subscription removed"}
    assert receiver.received == []


def test_private_receiver_addresses_are_refused_unless_allowed(dukcapil, agencies, receiver, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = False
    _subscribe(dukcapil.row, receiver.url)
    [delivery] = _publish(agencies.dukcapil)
    outbox_deliver_batch()
    delivery.message.refresh_from_db()
    assert "private address" in delivery.message.last_error
    assert receiver.received == []


def test_retry_window_follows_the_setting(settings):
    settings.WEBHOOK_RETRY_HOURS = 48
    longer = webhook_max_attempts()
    settings.WEBHOOK_RETRY_HOURS = 24
    assert longer > webhook_max_attempts() >= settings.OUTBOX_MAX_ATTEMPTS


# -- management API -----------------------------------------------------------------------------------------------


def test_subscription_api_create_shows_secret_once_then_list_read_delete(dukcapil, receiver):
    created = dukcapil.api.post("/api/v1/webhooks/subscriptions/", {
        "url": receiver.url, "event_types": ["case.submitted", "case.status_changed"], "agencies": ["disdukcapil"],
    }, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["secret"].startswith("whsec_") and body["agencies"] == ["disdukcapil"]
    listed = dukcapil.api.get("/api/v1/webhooks/subscriptions/").json()
    assert [row["id"] for row in listed] == [body["id"]] and "secret" not in listed[0]
    assert "secret" not in dukcapil.api.get(f"/api/v1/webhooks/subscriptions/{body['id']}/").json()
    assert dukcapil.api.delete(f"/api/v1/webhooks/subscriptions/{body['id']}/").status_code == 204
    assert dukcapil.api.get("/api/v1/webhooks/subscriptions/").json() == []
    assert not WebhookSubscription.objects.get().is_active


def test_subscription_api_refuses_bad_input_by_field(dukcapil, agencies, settings):
    api = dukcapil.api
    bad = api.post("/api/v1/webhooks/subscriptions/", {"url": "https://x.example/h", "event_types": ["case.eaten"]},
                   format="json")
    assert bad.status_code == 400 and list(bad.json()["errors"]) == ["event_types.0"]  # the first item
    bad = api.post("/api/v1/webhooks/subscriptions/",
                   {"url": "https://x.example/h", "event_types": ["case.submitted"], "secret": "mine"}, format="json")
    assert bad.status_code == 400 and "secret" in bad.json()["errors"]
    bad = api.post("/api/v1/webhooks/subscriptions/",
                   {"url": "https://x.example/h", "event_types": ["case.submitted"], "agencies": ["dpmptsp"]},
                   format="json")
    assert bad.status_code == 400 and "agencies" in bad.json()["errors"]
    settings.WEBHOOK_ALLOW_INSECURE_URLS = False
    bad = api.post("/api/v1/webhooks/subscriptions/", {"url": "http://x.example/h", "event_types": ["case.submitted"]},
                   format="json")
    assert bad.status_code == 400 and "url" in bad.json()["errors"]
    assert bad["Content-Type"] == "application/problem+json"
    assert WebhookSubscription.objects.count() == 0


def test_subscription_api_needs_the_scope_and_shows_only_own_subscriptions(dukcapil, agencies, receiver):
    reader = api_client_create(name="Pembaca", scopes=["cases:read"], agency=agencies.dukcapil)
    response = _api(reader).get("/api/v1/webhooks/subscriptions/")
    assert response.status_code == 403 and response.json()["code"] == "scope_missing"
    other = api_client_create(name="Lain", scopes=["webhooks:manage", "cases:read"], agency=agencies.dpmptsp)
    theirs = _subscribe(other, receiver.url)
    assert dukcapil.api.get(f"/api/v1/webhooks/subscriptions/{theirs.pk}/").status_code == 404
    assert dukcapil.api.delete(f"/api/v1/webhooks/subscriptions/{theirs.pk}/").status_code == 404
    assert Client().get("/api/v1/webhooks/subscriptions/").status_code == 401


def test_event_types_are_listed(dukcapil):
    rows = dukcapil.api.get("/api/v1/webhooks/event-types/").json()
    assert {row["type"] for row in rows} == set(EVENT_TYPES)


def test_delivery_log_and_resend_through_the_api(dukcapil, agencies, receiver):
    receiver.status = 500
    subscription = _subscribe(dukcapil.row, receiver.url)
    [delivery] = _publish(agencies.dukcapil)
    OutboxMessage.objects.filter(pk=delivery.message_id).update(max_attempts=2)
    for _ in range(2):
        _make_due()
        outbox_deliver_batch()
    log = dukcapil.api.get(f"/api/v1/webhooks/subscriptions/{subscription.pk}/deliveries/").json()["results"]
    assert log[0]["status"] == "dead" and log[0]["attempts"] == 2 and log[0]["last_response_status"] == 500
    assert len(log[0]["attempt_log"]) == 2 and not log[0]["attempt_log"][0]["ok"]
    receiver.status = 200
    resent = dukcapil.api.post(f"/api/v1/webhooks/deliveries/{delivery.pk}/resend/")
    assert resent.status_code == 200, resent.content
    assert resent.json()["status"] == "pending" and resent.json()["attempts"] == 0
    assert outbox_deliver_batch() == 1
    assert receiver.order == [delivery.event_id]
    again = dukcapil.api.post(f"/api/v1/webhooks/deliveries/{delivery.pk}/resend/")
    assert again.status_code == 409 and again.json()["code"] == "not_resendable"


def test_resend_of_another_clients_delivery_is_404(dukcapil, agencies, receiver):
    other = api_client_create(name="Lain", scopes=["webhooks:manage", "cases:read"], agency=agencies.dukcapil)
    _subscribe(other, receiver.url)
    [delivery] = _publish(agencies.dukcapil)
    assert dukcapil.api.post(f"/api/v1/webhooks/deliveries/{delivery.pk}/resend/").status_code == 404


def test_admin_resends_a_dead_delivery(dukcapil, agencies, receiver, client, settings):
    from django.contrib.auth import get_user_model

    from simpul.conftest import login

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    admin_user = get_user_model().objects.create_superuser("admin@simpul.test", "x-Pass-1234567")
    login(client, admin_user)
    admin_client = client
    receiver.status = 500
    _subscribe(dukcapil.row, receiver.url)
    [delivery] = _publish(agencies.dukcapil)
    OutboxMessage.objects.filter(pk=delivery.message_id).update(max_attempts=1)
    outbox_deliver_batch()
    delivery.message.refresh_from_db()
    assert delivery.message.status == OutboxStatus.DEAD
    assert admin_client.get("/admin/api/eventdelivery/").status_code == 200
    response = admin_client.post("/admin/api/eventdelivery/", {
        "action": "resend", "_selected_action": [delivery.pk],
    })
    assert response.status_code == 302
    delivery.message.refresh_from_db()
    assert delivery.message.status == OutboxStatus.PENDING
    receiver.status = 200
    assert outbox_deliver_batch() == 1
    assert EventDelivery.objects.get().last_response_status == 200
    assert json.dumps(receiver.order) == json.dumps([delivery.event_id])


def test_the_receiver_example_in_the_docs_verifies_our_signatures():
    from pathlib import Path

    import simpul

    doc = (Path(simpul.__file__).resolve().parents[2] / "docs" / "webhooks.md").read_text()
    code = doc.split("### Copy-paste receiver", 1)[1].split("```python", 1)[1].split("```", 1)[0]
    namespace: dict = {"__name__": "docs_example"}
    exec(compile(code, "docs/webhooks.md", "exec"), namespace)  # noqa: S102 - our own documentation
    verify = namespace["verify"]
    body = event_body(cloud_event("case.submitted", subject="MUBA-1", data={}))
    header = signature_header(SECRET, body)
    assert verify(SECRET, header, body)
    assert not verify(SECRET, header, body + b" ")
    assert not verify(SECRET, header, body, now=time.time() + 301)
    assert not verify(SECRET, "", body)


def test_public_dataset_event_reaches_every_subscriber_of_the_type(dukcapil, agencies, receiver):
    other = api_client_create(name="Portal data", scopes=["webhooks:manage"], agency=agencies.dpmptsp)
    mine = _subscribe(dukcapil.row, receiver.url, types=("dataset.updated",))
    theirs = _subscribe(other, receiver.url, types=("dataset.updated",))
    rows = publish("dataset.updated", subject="kasus-per-layanan", data={"dataset": "kasus-per-layanan"},
                   agency_ids=[], ordering_key="kasus-per-layanan")
    assert {r.subscription for r in rows} == {mine, theirs}
    with pytest.raises(ValueError, match="unknown event type"):
        publish("dataset.deleted", subject="x", data={}, agency_ids=[], ordering_key="x")
