import hashlib
import hmac
import io
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone

from simpul.core.delivery import outbox_deliver_batch
from simpul.core.models import OutboxMessage, OutboxStatus
from simpul.notifications import reference
from simpul.notifications.gateways import sign, verify_signature
from simpul.notifications.models import Message, MessageStatus, Template, mask_recipient
from simpul.notifications.selectors import messages_for_case
from simpul.notifications.services import RENDER_BACKEND_NAME, notification_queue, notification_send
from simpul.notifications.sms_text import sms_length

CONTEXT = {
    "service_name": "KTP-el penggantian",
    "status": "diproses",
    "due_date": "12 Desember 2026",
    "tracking_url": "https://simpul.mubakab.go.id/lacak/",
    "reason": "Foto KK kurang jelas, mohon unggah ulang.",
    "agency_name": "Disdukcapil",
    "application_name": "SIMPEG",
    "since": "08.15",
    "round_name": "Kebutuhan 2026",
    "survey_url": "https://simpul.mubakab.go.id/asesmen/k/ABC123/",
}


@pytest.fixture
def templates(db):
    reference.load(stdout=io.StringIO())


def test_reference_seeds_every_event_channel_and_language_idempotently(templates):
    assert Template.objects.count() == len(reference.EVENTS) * 2 * 3
    reference.load(stdout=io.StringIO())
    assert Template.objects.count() == len(reference.EVENTS) * 2 * 3
    for event in ("case.submitted", "case.revision_requested", "case.resubmitted", "case.approved",
                  "case.rejected", "case.status_changed", "case.forwarded", "complaint.received",
                  "complaint.resolved", "application.down_alert", "assessment.invitation"):
        assert event in reference.EVENTS


@pytest.mark.parametrize("event", reference.EVENTS)
@pytest.mark.parametrize("language", ["id", "en"])
def test_every_sms_fits_in_one_part_with_ordinary_values_and_no_officers_note(templates, event, language):
    [message] = notification_send(event=event, to_phone="081234567890", language=language,
                                  context={**CONTEXT, "reason": ""}, case_reference="MB-7K3Q-9XPD")
    assert sms_length(message.body).parts == 1, message.body
    assert "{{" not in message.body and "{%" not in message.body
    [with_note] = notification_send(event=event, to_phone="081234567890", language=language,
                                    context=CONTEXT, case_reference="MB-7K3Q-9XPD")
    assert sms_length(with_note.body).parts <= 2, with_note.body


def test_rendering_per_language(templates):
    [email_id] = notification_send(event="case.submitted", to_email="siti@example.org", language="id",
                                   context=CONTEXT, case_reference="MB-7K3Q-9XPD")
    assert email_id.subject == "Permohonan MB-7K3Q-9XPD diterima"
    assert "Perkiraan selesai: 12 Desember 2026" in email_id.body
    [email_en] = notification_send(event="case.submitted", to_email="siti@example.org", language="en",
                                   context=CONTEXT, case_reference="MB-7K3Q-9XPD")
    assert email_en.subject == "Application MB-7K3Q-9XPD received"
    assert "Expected by: 12 December 2026" not in email_en.body  # values are passed through, not translated
    assert "KTP-el penggantian application" in email_en.body


def test_admin_edited_template_is_used_and_html_is_not_escaped(templates):
    Template.objects.filter(event="case.approved", channel="sms", language="id").update(
        body="Selesai: {{ reference }} & {{ service_name }}"
    )
    [sms] = notification_send(event="case.approved", to_phone="0812", context={"service_name": "A<B"},
                              case_reference="R1")
    assert sms.body == "Selesai: R1 & A<B"


def test_defaults_apply_without_reference_data(db):
    [sms] = notification_send(event="complaint.received", to_phone="081234567890", context={},
                              case_reference="MB-1")
    assert sms.body.startswith("Pengaduan Anda diterima. No: MB-1.")
    assert "/lacak/" in sms.body


def test_unknown_event_or_no_recipient_sends_nothing(db):
    assert notification_send(event="no.such.event", to_email="a@example.org", context={}) == []
    assert notification_send(event="case.submitted", context={}) == []
    assert not OutboxMessage.objects.exists()


def test_template_syntax_errors_are_refused(db):
    template = Template(event="x", channel="sms", language="id", body="{% if %}")
    with pytest.raises(ValidationError) as exc:
        template.full_clean()
    assert "body" in exc.value.message_dict


def test_outbox_delivery_through_console_gateway_and_email(templates, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    messages = notification_send(event="case.submitted", to_email="siti@example.org", to_phone="081234567890",
                                 context=CONTEXT, case_reference="MB-7K3Q-9XPD")
    assert [m.channel for m in messages] == ["email", "sms"]
    assert OutboxMessage.objects.filter(backend="notification").count() == 2
    assert outbox_deliver_batch() == 2
    sms = Message.objects.get(channel="sms")
    assert (sms.status, sms.gateway, sms.attempts) == (MessageStatus.SENT, "console", 1)
    assert sms.provider_id == f"console-{sms.uid}"
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == "Permohonan MB-7K3Q-9XPD diterima"
    assert mail.outbox[0].to == ["siti@example.org"]
    log = list(messages_for_case("MB-7K3Q-9XPD"))
    assert [m.attempt_log.all()[0].ok for m in log] == [True, True]


def test_delivery_is_idempotent(templates):
    [sms] = notification_send(event="case.approved", to_phone="081234567890", context=CONTEXT, case_reference="R")
    outbox_deliver_batch()
    from simpul.notifications.outbox import NotificationBackend

    receipt = NotificationBackend().deliver(OutboxMessage.objects.get())
    assert receipt["already_sent"] is True
    sms.refresh_from_db()
    assert sms.attempts == 1


def test_messages_for_case_query_count(templates, django_assert_num_queries):
    for _ in range(3):
        notification_send(event="case.status_changed", to_email="abcd@example.org", to_phone="0812345678",
                          context=CONTEXT, case_reference="MB-Q")
    outbox_deliver_batch()
    with django_assert_num_queries(2):
        rows = [(m.recipient_display, [a.ok for a in m.attempt_log.all()]) for m in messages_for_case("MB-Q")]
    assert len(rows) == 6
    html = render_to_string("notifications/_case_messages.html",
                            {"notification_messages": messages_for_case("MB-Q")})
    assert "abcd@example.org" not in html and "ab***@example.org" in html
    assert "<caption>" in html


def test_recipients_are_masked():
    assert mask_recipient("siti@example.org") == "si***@example.org"
    assert mask_recipient("081234567890") == "0812*****890"
    assert mask_recipient("0812345") == "*******"


class _Receiver(BaseHTTPRequestHandler):
    received: list = []
    fail_next = 0

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        cls = type(self)
        if cls.fail_next:
            cls.fail_next -= 1
            self.send_response(500)
            self.end_headers()
            return
        cls.received.append((dict(self.headers), body))
        self.send_response(202)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps({"id": "prov-1"}).encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    _Receiver.received = []
    _Receiver.fail_next = 0
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sms", _Receiver
    server.shutdown()
    server.server_close()


def _http_gateway(settings, url):
    settings.NOTIFICATION_GATEWAYS = {
        **settings.NOTIFICATION_GATEWAYS, "sms": {"BACKEND": "http", "URL": url, "SECRET": "s3cret"},
    }


def test_http_gateway_signs_timestamp_and_body(templates, settings, receiver):
    url, handler = receiver
    _http_gateway(settings, url)
    [sms] = notification_send(event="complaint.received", to_phone="081234567890", context=CONTEXT,
                              case_reference="MB-9")
    assert outbox_deliver_batch() == 1
    [(headers, body)] = handler.received
    timestamp = headers["X-Simpul-Timestamp"]
    expected = hmac.new(b"s3cret", timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    assert headers["X-Simpul-Signature"] == f"sha256={expected}"
    assert verify_signature(secret="s3cret", timestamp=timestamp, body=body, signature=headers["X-Simpul-Signature"])
    assert not verify_signature(secret="s3cret", timestamp=timestamp, body=body + b" ",
                                signature=headers["X-Simpul-Signature"])
    assert not verify_signature(secret="s3cret", timestamp=str(int(timestamp) - 3600), body=body,
                                signature=sign("s3cret", str(int(timestamp) - 3600), body))
    payload = json.loads(body)
    assert payload["id"] == str(sms.uid) == headers["Idempotency-Key"]
    assert payload["to"] == "081234567890" and payload["reference"] == "MB-9"
    sms.refresh_from_db()
    assert (sms.status, sms.provider_id, sms.gateway) == (MessageStatus.SENT, "prov-1", "http")


def test_failed_delivery_is_retried_then_succeeds(templates, settings, receiver):
    url, handler = receiver
    _http_gateway(settings, url)
    handler.fail_next = 1
    [sms] = notification_send(event="case.approved", to_phone="081234567890", context=CONTEXT, case_reference="R2")
    assert outbox_deliver_batch() == 0
    sms.refresh_from_db()
    outbox = OutboxMessage.objects.get()
    assert (sms.status, sms.attempts, outbox.status) == (MessageStatus.QUEUED, 1, OutboxStatus.PENDING)
    assert "HTTP 500" in sms.last_error
    OutboxMessage.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert outbox_deliver_batch() == 1
    sms.refresh_from_db()
    assert (sms.status, sms.attempts) == (MessageStatus.SENT, 2)
    assert [a.ok for a in sms.attempt_log.all()] == [False, True]
    assert len(handler.received) == 1


def test_message_is_failed_when_the_outbox_gives_up(templates, settings):
    _http_gateway(settings, "http://127.0.0.1:9/unreachable")
    [sms] = notification_send(event="case.approved", to_phone="081234567890", context=CONTEXT, case_reference="R3")
    OutboxMessage.objects.update(max_attempts=2)
    outbox_deliver_batch()
    OutboxMessage.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    outbox_deliver_batch()
    sms.refresh_from_db()
    assert sms.status == MessageStatus.FAILED and sms.attempts == 2
    assert OutboxMessage.objects.get().status == OutboxStatus.DEAD


def test_context_aliases_labels_and_iso_dates(templates):
    context = {"service": "Akta kelahiran", "agency": "DPMPTSP", "status": "perlu_perbaikan",
               "status_label": "Perlu perbaikan", "due_date": "2026-12-12", "note": "Unggah ulang KK."}
    [email] = notification_send(event="case.status_changed", to_email="a@example.org", context=context,
                                case_reference="MB-A")
    assert "Akta kelahiran (MB-A) sekarang: Perlu perbaikan." in email.body
    [sms] = notification_send(event="case.revision_requested", to_phone="081234567890", context=context,
                              case_reference="MB-A")
    assert "Unggah ulang KK." in sms.body
    [id_mail] = notification_send(event="case.submitted", to_email="a@example.org", context=context,
                                  case_reference="MB-A", language="id")
    [en_mail] = notification_send(event="case.submitted", to_email="a@example.org", context=context,
                                  case_reference="MB-A", language="en")
    assert "12 Desember 2026" in id_mail.body and "12 December 2026" in en_mail.body


@pytest.mark.django_db
def test_an_event_queued_in_a_request_is_rendered_by_the_worker_once():
    """`notification_queue` writes one outbox row and no message; the worker renders one message per channel and
    keeps only their ids in the row, so the recipient is not stored twice and a second pass renders nothing."""
    row = notification_queue(event="case.submitted", to_email="siti@example.org", to_phone="081234567890",
                             context={"reference": "MUBA-26-AAAAA-A", "service": "KTP-el", "status": "diajukan",
                                      "due_date": "2026-12-10"},
                             case_reference="MUBA-26-AAAAA-A")
    assert row is not None and row.backend == RENDER_BACKEND_NAME
    assert not Message.objects.exists()
    outbox_deliver_batch()
    messages = list(Message.objects.filter(case_reference="MUBA-26-AAAAA-A").order_by("channel"))
    assert [m.channel for m in messages] == ["email", "sms"]
    assert "MUBA-26-AAAAA-A" in messages[1].body
    row.refresh_from_db()
    assert row.payload == {"message_ids": sorted(m.pk for m in messages)}
    assert "081234567890" not in str(row.payload)
    outbox_deliver_batch()
    assert Message.objects.filter(case_reference="MUBA-26-AAAAA-A").count() == 2


@pytest.mark.django_db
def test_no_recipient_queues_nothing():
    assert notification_queue(event="case.submitted", context={}, case_reference="MUBA-26-AAAAA-A") is None


def test_a_key_like_link_is_sent_but_not_kept_in_the_message_log(templates, settings):
    # An invitation or a resume link opens an account or a draft: the person gets it, the stored copy does not keep it.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    link = "https://simpul.example/akun/undangan/abc123SECRET/"
    notification_send(event="staff.invitation", to_email="rina@example.org", to_phone="081234567890",
                      context={"full_name": "Rina", "agency_name": "Disdukcapil", "invitation_url": link,
                               "valid_days": 3})
    assert outbox_deliver_batch() == 2
    assert link in mail.outbox[0].body
    for message in Message.objects.filter(event="staff.invitation"):
        assert message.status == MessageStatus.SENT
        assert "abc123SECRET" not in message.body and "[…]" in message.body
    notification_send(event="case.submitted", to_email="siti@example.org", context=CONTEXT,
                      case_reference="MB-7K3Q-9XPD")
    outbox_deliver_batch()
    ordinary = Message.objects.get(event="case.submitted")
    assert "MB-7K3Q-9XPD" in ordinary.body and "[…]" not in ordinary.body  # other messages are kept as sent
