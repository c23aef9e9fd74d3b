"""Store-and-forward to an agency's own system over a link that goes down, and the case-event relay."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from simpul.api.events import RELAY_NAME, case_events_relay
from simpul.api.models import AgencyIntegration, EventDelivery, PublishedCaseEvent, RelayCursor
from simpul.api.receiver import Receiver
from simpul.cases.actions import case_transition
from simpul.cases.intake import case_submit
from simpul.cases.models import CaseEvent
from simpul.cases.tests.factories import VALID_ANSWERS, ktp_service, pdf_upload
from simpul.core.delivery import outbox_deliver_batch
from simpul.core.models import OutboxMessage, OutboxStatus

SECRET = "integration-secret"


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.5


@pytest.fixture
def version(personas):
    return ktp_service(personas.dukcapil)


def submit(version):
    return case_submit(version=version, answers=dict(VALID_ANSWERS), files={"kk": pdf_upload()}).case


def _make_due():
    OutboxMessage.objects.filter(status=OutboxStatus.PENDING).update(next_attempt_at=timezone.now())


def _mine():
    return OutboxMessage.objects.filter(backend="agency-integration")


def _pending():
    return _mine().filter(status=OutboxStatus.PENDING).count()


def test_events_made_while_the_receiver_is_down_arrive_exactly_once_in_order_per_case(personas, version):
    down = Receiver(SECRET).start()
    port = down.port
    down.stop()  # the agency's server is down from the start
    integration = AgencyIntegration.objects.create(
        agency=personas.dukcapil, name="SIAK Dukcapil", backend="http-json",
        endpoint_url=f"http://127.0.0.1:{port}/hook", secret=SECRET,
    )
    officer = personas.officer
    cases = [submit(version) for _ in range(3)]
    case_events_relay()
    for case in cases:
        case_transition(case=case, action="verify", actor=officer)
    case_events_relay()
    outbox_deliver_batch()  # refused connections: only the first message of each case is tried
    assert not _mine().filter(status=OutboxStatus.DELIVERED).exists()
    tried = _mine().filter(attempts=1)
    assert tried.count() == 3 and {m.ordering_key for m in tried} == {f"i{integration.pk}:{c.reference}" for c in cases}
    assert all("not reachable" in m.last_error for m in tried)
    # more work happens while the link is still down; a retry fails again and backs off
    for case in cases[:2]:
        case_transition(case=case, action="process", actor=officer)
    case_events_relay()
    _make_due()
    outbox_deliver_batch()
    assert _mine().filter(attempts=2).count() == 3 and _mine().filter(attempts=0).count() == 5
    assert all(m.next_attempt_at > timezone.now() for m in _mine().filter(attempts=2))

    receiver = Receiver(SECRET, port=port).start()  # the server is back
    receiver.delay_after_accept = 1.0  # ... but its first answer is too slow: Simpul will send that event again
    try:
        _make_due()
        first = _mine().order_by("id").first()
        from simpul.core.delivery import outbox_deliver_one

        outbox_deliver_one(first.pk)
        assert len(receiver.accepted) == 1 and _pending() == 8
        receiver.delay_after_accept = 0
        for _round in range(10):
            if not _pending():
                break
            _make_due()
            outbox_deliver_batch()
    finally:
        receiver.stop()

    assert _pending() == 0
    expected = {case.reference: [f"case-event-{pk}" for pk in CaseEvent.objects.filter(case=case).order_by("id")
                                 .values_list("pk", flat=True)] for case in cases}
    assert sum(len(ids) for ids in expected.values()) == 8
    # exactly once in effect: one duplicate arrived (the slow answer), the receiver kept the first copy only
    assert len(receiver.received) == 9 and len(receiver.accepted) == 8
    assert set(receiver.accepted) == {eid for ids in expected.values() for eid in ids}
    for reference, ids in expected.items():
        assert [eid for eid in receiver.order if receiver.accepted[eid]["subject"] == reference] == ids
    # the receiver's acknowledgement is the receipt
    for delivery in EventDelivery.objects.select_related("message"):
        assert delivery.message.status == OutboxStatus.DELIVERED
        assert delivery.message.receipt["status"] == 200
        assert delivery.message.receipt["ack"]["received"] == delivery.event_id


def test_log_backend_is_the_local_default(personas, version):
    AgencyIntegration.objects.create(agency=personas.dukcapil, name="Lokal")
    submit(version)
    case_events_relay()
    outbox_deliver_batch()
    assert OutboxMessage.objects.get(backend="agency-integration").receipt == {"delivered_to": "log"}


def test_integration_of_another_agency_gets_nothing_and_event_filter_applies(personas, version):
    AgencyIntegration.objects.create(agency=personas.dpmptsp, name="Lain")
    AgencyIntegration.objects.create(agency=personas.dukcapil, name="Hanya status",
                                     event_types=["case.status_changed"])
    case = submit(version)
    case_transition(case=case, action="verify", actor=personas.officer)
    case_events_relay()
    assert list(EventDelivery.objects.values_list("event_type", "integration__name")) == [
        ("case.status_changed", "Hanya status")]


def test_disposition_events_reach_both_agencies(personas, version):
    from simpul.cases.actions import case_forward, disposition_accept

    AgencyIntegration.objects.create(agency=personas.dukcapil, name="Dukcapil")
    AgencyIntegration.objects.create(agency=personas.dpmptsp, name="DPMPTSP")
    case = submit(version)
    case_events_relay()
    case_forward(case=case, actor=personas.officer, to_agency=personas.dpmptsp, reason="Salah alamat.")
    disposition_accept(case=case, actor=personas.other_officer)
    case_events_relay()
    rows = set(EventDelivery.objects.values_list("event_type", "integration__name"))
    assert rows == {("case.submitted", "Dukcapil"), ("case.disposed", "Dukcapil"), ("case.disposed", "DPMPTSP"),
                    ("disposition.accepted", "Dukcapil"), ("disposition.accepted", "DPMPTSP")}


def test_relay_publishes_each_case_event_once_and_its_cursor_only_passes_old_entries(personas, version):
    AgencyIntegration.objects.create(agency=personas.dukcapil, name="Lokal")
    case = submit(version)
    assert case_events_relay() == 1
    assert case_events_relay() == 0
    assert EventDelivery.objects.count() == 1
    cursor = RelayCursor.objects.get(name=RELAY_NAME)
    assert cursor.last_id == 0  # the entry is younger than the safety window: the cursor waits
    CaseEvent.objects.filter(case=case).update(at=timezone.now() - timedelta(hours=1))
    case_events_relay()
    cursor.refresh_from_db()
    assert cursor.last_id == CaseEvent.objects.get(case=case).pk
    assert PublishedCaseEvent.objects.count() == 0  # marks behind the cursor are no longer needed
    assert case_events_relay() == 0 and EventDelivery.objects.count() == 1


def test_relay_job_is_registered():
    from simpul.api import schedule  # noqa: F401 - registers the jobs
    from simpul.core.schedule import jobs

    assert "api.case_events_relay" in jobs()


def test_admin_pages_of_integrations_subscriptions_and_deliveries_render(client, personas, version):
    from simpul.conftest import login

    integration = AgencyIntegration.objects.create(agency=personas.dukcapil, name="SIAK", backend="http-json",
                                                   endpoint_url="http://10.0.0.5/hook", secret="s")
    submit(version)
    case_events_relay()
    login(client, personas.admin)
    for url in ["/admin/api/agencyintegration/", "/admin/api/agencyintegration/add/",
                f"/admin/api/agencyintegration/{integration.pk}/change/", "/admin/api/webhooksubscription/",
                "/admin/api/webhooksubscription/add/", "/admin/api/eventdelivery/"]:
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get("/admin/api/agencyintegration/add/").content.decode()
    assert 'value="http-json"' in page and 'value="log"' in page
    login(client, personas.officer)
    refused = client.get("/admin/api/agencyintegration/")  # an officer is not an admin-site user
    assert refused.status_code == 302 and refused["Location"].startswith(reverse("admin:login"))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_relays_publish_each_case_event_once_on_postgresql(personas):
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    version = ktp_service(personas.dukcapil)
    AgencyIntegration.objects.create(agency=personas.dukcapil, name="Lokal")
    cases = [submit(version) for _ in range(6)]
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait(timeout=10)
            case_events_relay()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    ids = list(EventDelivery.objects.values_list("event_id", flat=True))
    assert len(ids) == len(set(ids)) == len(cases)
