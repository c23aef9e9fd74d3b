"""Status by SMS: command parsing, the answer through the outbox, throttling of wrong PINs, signature refusal."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simpul.conftest import personas, region_tree  # noqa: F401 - shared fixtures
from simpul.notifications.gateways import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from simpul.notifications.inbound import parse_command

SECRET = "gateway-secret-for-tests"


@pytest.mark.parametrize("text", ["STATUS MUBA-2026-000123 123456", "status   muba-2026-000123   123456 ",
                                  "Cek MUBA-2026-000123 123456", "\tSTATUS\nMUBA-2026-000123 123456"])
def test_commands_are_read_whatever_the_case_and_spacing(text: str) -> None:
    query = parse_command(text)
    assert query is not None and query.pin == "123456"
    assert query.reference.upper() == "MUBA-2026-000123"


@pytest.mark.parametrize("text", ["", "HALO", "STATUS", "STATUS MUBA-2026-000123", "STATUS 123456",
                                  "INFO MUBA-2026-000123 123456"])
def test_other_messages_are_not_commands(text: str) -> None:
    assert parse_command(text) is None


@given(st.text(max_size=200))
def test_parsing_never_crashes(text: str) -> None:
    parse_command(text)


@pytest.fixture
def case(personas: Any, settings: Any) -> Any:  # noqa: F811 - the shared fixture
    from simpul.cases.services import case_submit
    from simpul.cases.tests.factories import VALID_ANSWERS, ktp_service, pdf_upload

    settings.SIMPUL_SMS_INBOUND_SECRET = SECRET
    result = case_submit(version=ktp_service(personas.dukcapil), answers=dict(VALID_ANSWERS),
                         files={"kk": pdf_upload()}, idempotency_key="sms-1", applicant=personas.citizen)
    return result


def _post(client: Any, text: str, *, sender: str = "+6281234567890", secret: str = SECRET) -> Any:
    body = json.dumps({"from": sender, "text": text}).encode()
    stamp = str(int(time.time()))
    return client.post("/api/v1/sms/inbound/", body, content_type="application/json",
                       headers={TIMESTAMP_HEADER: stamp, SIGNATURE_HEADER: sign(secret, stamp, body)})


def test_a_right_pin_gets_the_status_by_the_outbox(client: Any, case: Any) -> None:
    from simpul.core.models import OutboxMessage
    from simpul.notifications.models import Message

    response = _post(client, f"status {case.case.reference.lower()} {case.pin}")
    assert response.status_code == 200
    reply = response.json()["reply"]
    assert case.case.reference in reply and case.case.get_status_display() in reply
    message = Message.objects.get(pk=response.json()["message_id"])
    assert message.recipient == "+6281234567890" and message.body == reply and message.channel == "sms"
    assert OutboxMessage.objects.filter(payload__message_id=message.pk).exists()


def test_wrong_pins_get_a_generic_answer_then_are_throttled(client: Any, case: Any, settings: Any) -> None:
    settings.TRACKING_MAX_FAILURES = 3
    from django.core.cache import cache

    cache.clear()
    replies = [_post(client, f"STATUS {case.case.reference} 000000").json()["reply"] for _ in range(3)]
    assert len(set(replies)) == 1 and case.case.get_status_display() not in replies[0]
    # even the right PIN is refused now, from this number
    blocked = _post(client, f"STATUS {case.case.reference} {case.pin}").json()["reply"]
    assert case.case.get_status_display() not in blocked and blocked != replies[0]
    # another number is not blocked
    other = _post(client, f"STATUS {case.case.reference} {case.pin}", sender="+6289999999999").json()["reply"]
    assert case.case.reference in other
    cache.clear()


def test_an_unknown_message_gets_the_help_text(client: Any, case: Any) -> None:
    assert "STATUS" in _post(client, "halo").json()["reply"]


def test_a_bad_or_missing_signature_is_refused(client: Any, case: Any, settings: Any) -> None:
    from simpul.notifications.models import Message

    assert _post(client, f"STATUS {case.case.reference} {case.pin}", secret="wrong").status_code == 403
    assert client.post("/api/v1/sms/inbound/", "{}", content_type="application/json").status_code == 403
    settings.SIMPUL_SMS_INBOUND_SECRET = ""
    assert _post(client, f"STATUS {case.case.reference} {case.pin}", secret="").status_code == 403
    assert not Message.objects.filter(event="sms.status_reply").exists()


def test_refusals_are_problem_details_with_stable_codes(client: Any, case: Any) -> None:
    unsigned = client.post("/api/v1/sms/inbound/", "{}", content_type="application/json")
    assert unsigned["Content-Type"].startswith("application/problem+json")
    assert unsigned.json()["code"] == "signature_invalid"
    assert unsigned.json()["detail"] == "Tanda tangan tidak ada atau tidak sah."
    body = b'{"text": "STATUS"}'
    stamp = str(int(time.time()))
    invalid = client.post("/api/v1/sms/inbound/", body, content_type="application/json",
                          headers={TIMESTAMP_HEADER: stamp, SIGNATURE_HEADER: sign(SECRET, stamp, body)}).json()
    assert invalid["status"] == 400 and invalid["code"] == "invalid" and set(invalid["errors"]) == {"from"}
    body = b"STATUS MUBA 123456"
    malformed = client.post("/api/v1/sms/inbound/", body, content_type="text/plain",
                            headers={TIMESTAMP_HEADER: stamp, SIGNATURE_HEADER: sign(SECRET, stamp, body)}).json()
    assert malformed["code"] == "malformed_request"


def test_the_signature_is_the_only_authority_not_a_session(case: Any, personas: Any) -> None:  # noqa: F811
    """A gateway has no session: no CSRF token is needed; a logged-in session without the signature gets
    nothing."""
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(personas.citizen)
    assert _post(browser, f"STATUS {case.case.reference} {case.pin}").status_code == 200
    assert browser.post("/api/v1/sms/inbound/", json.dumps({"from": "+62811", "text": "halo"}),
                        content_type="application/json").status_code == 403


def test_a_whatsapp_message_is_answered_on_whatsapp(client: Any, case: Any) -> None:
    from simpul.notifications.models import Message

    body = json.dumps({"from": "+6281234567890", "text": "halo", "channel": "whatsapp"}).encode()
    stamp = str(int(time.time()))
    response = client.post("/api/v1/sms/inbound/", body, content_type="application/json",
                           headers={TIMESTAMP_HEADER: stamp, SIGNATURE_HEADER: sign(SECRET, stamp, body)})
    assert Message.objects.get(pk=response.json()["message_id"]).channel == "whatsapp"
