"""Status by SMS: command parsing, the answer through the outbox, throttling of wrong PINs, signature refusal."""

from __future__ import annotations

import itertools
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
    from simpul.cases.intake import case_submit
    from simpul.cases.tests.factories import VALID_ANSWERS, ktp_service, pdf_upload

    settings.SIMPUL_SMS_INBOUND_SECRET = SECRET
    result = case_submit(version=ktp_service(personas.dukcapil), answers=dict(VALID_ANSWERS),
                         files={"kk": pdf_upload()}, idempotency_key="sms-1", applicant=personas.citizen)
    return result


_SENT = itertools.count()


def _post(client: Any, text: str, *, sender: str = "+6281234567890", secret: str = SECRET) -> Any:
    """One new message: each gets its own second (within the 5 minutes allowed), so two messages with the same
    words are two messages, not a re-send of one. The stamps rise with the counter: a stamp that fell with it
    (now - n) repeated itself whenever a call took a second, which made the next message a re-send."""
    body = json.dumps({"from": sender, "text": text}).encode()
    stamp = str(int(time.time()) - 250 + next(_SENT) % 250)
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
    body = b'{"from": "   ", "text": "STATUS"}'
    blank = client.post("/api/v1/sms/inbound/", body, content_type="application/json",
                        headers={TIMESTAMP_HEADER: stamp, SIGNATURE_HEADER: sign(SECRET, stamp, body)}).json()
    assert blank["code"] == "invalid" and set(blank["errors"]) == {"from"}
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


# --- the demo, one number however written, no replays, the case's delivery log -------------------------------


def _signed(text: str, *, sender: str, stamp: int | None = None, secret: str = SECRET) -> tuple[bytes, dict[str, str]]:
    body = json.dumps({"from": sender, "text": text}).encode()
    timestamp = str(int(time.time()) if stamp is None else stamp)
    return body, {TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: sign(secret, timestamp, body)}


def _replies() -> Any:
    from simpul.notifications.models import Message

    return Message.objects.filter(event="sms.status_reply")


def test_the_three_spellings_of_a_number_share_one_lockout(client: Any, case: Any, settings: Any) -> None:
    settings.TRACKING_MAX_FAILURES = 3
    reference = case.case.reference
    for sender in ("081234567890", "6281234567890", "+6281234567890"):
        assert _post(client, f"STATUS {reference} 000000", sender=sender).json()["reply"] == \
            "Nomor permohonan dan PIN tidak cocok."
    # the right PIN is refused now, however the number is written
    for sender in ("0812-3456-7890", "+62 812 3456 7890"):
        blocked = _post(client, f"STATUS {reference} {case.pin}", sender=sender).json()["reply"]
        assert blocked.startswith("Terlalu banyak percobaan salah"), blocked
    # and every reply went to one number, in one delivery order
    assert set(_replies().values_list("recipient", flat=True)) == {"+6281234567890"}
    assert _post(client, f"STATUS {reference} {case.pin}", sender="081299999999").json()["reply"].startswith(
        f"Permohonan {reference}:")


def test_an_exact_resend_within_five_minutes_sends_no_second_reply(client: Any, case: Any) -> None:
    from simpul.core.delivery import outbox_deliver_batch
    from simpul.core.models import OutboxMessage
    from simpul.notifications.models import MessageAttempt

    body, headers = _signed(f"STATUS {case.case.reference} {case.pin}", sender="081234567890",
                            stamp=int(time.time()) - 240)
    first = client.post("/api/v1/sms/inbound/", body, content_type="application/json", headers=headers)
    again = client.post("/api/v1/sms/inbound/", body, content_type="application/json", headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert _replies().count() == 1
    assert OutboxMessage.objects.filter(topic="sms.status_reply").count() == 1
    outbox_deliver_batch()
    assert MessageAttempt.objects.filter(message__event="sms.status_reply").count() == 1
    # a new message (another timestamp) with the same words is a new question: it gets its own reply
    body, headers = _signed(f"STATUS {case.case.reference} {case.pin}", sender="081234567890")
    assert client.post("/api/v1/sms/inbound/", body, content_type="application/json",
                       headers=headers).json()["message_id"] != first.json()["message_id"]
    assert _replies().count() == 2


def test_the_reply_is_in_the_cases_delivery_log(client: Any, case: Any, personas: Any) -> None:  # noqa: F811
    import re

    from django.urls import reverse

    from simpul.conftest import login
    from simpul.core.delivery import outbox_deliver_batch

    assert _post(client, f"STATUS {case.case.reference} {case.pin}", sender="081234567890").status_code == 200
    _post(client, "STATUS MUBA-2099-999999 000000", sender="081234567890")  # about no case: not in its log
    outbox_deliver_batch()
    login(client, personas.officer)
    page = client.get(reverse("backoffice:case_detail", kwargs={"reference": case.case.reference}))
    assert page.status_code == 200
    rows = [row for row in re.findall(r"<tr>(.*?)</tr>", page.content.decode(), flags=re.S)
            if "Balasan SMS status" in row]
    assert len(rows) == 1
    cells = [re.sub(r"\s+", " ", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", rows[0], flags=re.S)]
    assert cells[1:] == ["Balasan SMS status", "SMS", "+628*******890", "Terkirim", "1"]


def test_sms_test_command_answers_on_the_demo(case: Any, settings: Any) -> None:
    import io

    from django.core.management import call_command

    settings.DEMO_MODE = True
    settings.SIMPUL_SMS_INBOUND_SECRET = ""
    out, err = io.StringIO(), io.StringIO()
    call_command("sms", "test", f"STATUS {case.case.reference} {case.pin}", "--from", "081234567890",
                 stdout=out, stderr=err)
    assert out.getvalue().strip().startswith(f"Permohonan {case.case.reference}: ")
    assert _replies().get().recipient == "+6281234567890"


def test_the_demo_secret_works_only_in_demo_mode_and_the_deploy_check_refuses_it(
        client: Any, case: Any, settings: Any) -> None:
    from django.core.checks import run_checks

    from simpul.notifications.inbound import DEMO_SECRET

    def deploy_errors() -> set[str]:
        return {m.id for m in run_checks(include_deployment_checks=True) if m.id and m.id.startswith("simpul.E")}

    settings.DEMO_MODE = False
    settings.SIMPUL_SMS_INBOUND_SECRET = DEMO_SECRET
    assert "simpul.E002" in deploy_errors()
    assert _post(client, "halo", secret=DEMO_SECRET).status_code == 403
    settings.SIMPUL_SMS_INBOUND_SECRET = ""
    settings.DEMO_MODE = True
    assert "simpul.E002" in deploy_errors()
    assert _post(client, "halo", secret=DEMO_SECRET).status_code == 200
    settings.DEMO_MODE = False
    settings.SIMPUL_SMS_INBOUND_SECRET = SECRET
    assert "simpul.E002" not in deploy_errors()
