"""Outbox delivery: retries with exponential backoff, dead letter, re-send, leases and order per key."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, ClassVar

import pytest
from django.utils import timezone

from simpul.core import delivery
from simpul.core.delivery import backoff_seconds, outbox_deliver_batch, outbox_deliver_one
from simpul.core.models import AuditEntry, OutboxMessage, OutboxStatus
from simpul.core.outbox import OutboxBackend, registry
from simpul.core.services import OutboxResendError, outbox_enqueue, outbox_resend


class FlakyBackend(OutboxBackend):
    """Fails the first `failures` attempts of each message, then succeeds; records what it delivered."""

    name = "test-flaky"
    failures: ClassVar[int] = 0
    calls: ClassVar[list[int]] = []
    delivered: ClassVar[list[Any]] = []

    def deliver(self, message: Any) -> dict[str, Any]:
        FlakyBackend.calls.append(message.pk)
        if FlakyBackend.calls.count(message.pk) <= FlakyBackend.failures:
            raise ConnectionError("receiver down")
        FlakyBackend.delivered.append(message.payload.get("n"))
        return {"ok": True}


@pytest.fixture
def flaky(settings):
    settings.OUTBOX_BACKOFF_BASE_SECONDS = 30
    settings.OUTBOX_BACKOFF_MAX_SECONDS = 3600
    FlakyBackend.failures = 0
    FlakyBackend.calls = []
    FlakyBackend.delivered = []
    with registry.override(FlakyBackend.name, FlakyBackend):
        yield FlakyBackend


def _make_due(message: OutboxMessage) -> None:
    """Advance time for one message: its next attempt is now."""
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def test_backoff_doubles_each_attempt_and_is_capped(settings):
    settings.OUTBOX_BACKOFF_BASE_SECONDS = 30
    settings.OUTBOX_BACKOFF_MAX_SECONDS = 600
    for attempts, expected in [(1, 30), (2, 60), (3, 120), (4, 240), (5, 480), (6, 600), (20, 600)]:
        value = backoff_seconds(attempts)
        assert expected * 0.9 - 1 <= value <= expected * 1.1, (attempts, value)


@pytest.mark.django_db
def test_unknown_backend_fails_at_enqueue_time():
    with pytest.raises(LookupError):
        outbox_enqueue(backend="no-such-backend", payload={})


@pytest.mark.django_db
def test_failing_backend_is_retried_with_growing_backoff_then_delivered(flaky):
    flaky.failures = 2
    message = outbox_enqueue(backend=flaky.name, payload={"n": 1})

    before = timezone.now()
    assert outbox_deliver_batch() == 0
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 1)
    first_wait = (message.next_attempt_at - before).total_seconds()
    assert 26 <= first_wait <= 34
    assert "receiver down" in message.last_error

    assert outbox_deliver_batch() == 0  # not due yet: nothing is tried
    assert flaky.calls == [message.pk]

    _make_due(message)
    before = timezone.now()
    assert outbox_deliver_batch() == 0
    message.refresh_from_db()
    second_wait = (message.next_attempt_at - before).total_seconds()
    assert 53 <= second_wait <= 67

    _make_due(message)
    assert outbox_deliver_batch() == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.DELIVERED
    assert message.attempts == 3
    assert message.receipt == {"ok": True}
    assert [a.ok for a in message.attempt_log.all()] == [False, False, True]


@pytest.mark.django_db
def test_message_becomes_dead_letter_after_max_attempts(flaky, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    flaky.failures = 99
    message = outbox_enqueue(backend=flaky.name, payload={"n": 1})
    for _ in range(5):
        _make_due(message)
        outbox_deliver_batch()
    message.refresh_from_db()
    assert message.status == OutboxStatus.DEAD
    assert message.attempts == 3
    assert len(flaky.calls) == 3  # nothing is tried after the dead letter


@pytest.mark.django_db
def test_resend_puts_a_dead_letter_back_and_it_is_delivered(flaky, settings, admin_user):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    flaky.failures = 2
    message = outbox_enqueue(backend=flaky.name, payload={"n": 7})
    for _ in range(2):
        _make_due(message)
        outbox_deliver_batch()
    message.refresh_from_db()
    assert message.status == OutboxStatus.DEAD

    outbox_resend(message_id=message.pk, actor=admin_user)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 0)
    assert AuditEntry.objects.filter(action="core.outbox_resend", object_id=str(message.pk)).exists()

    assert outbox_deliver_batch() == 1
    assert flaky.delivered == [7]


@pytest.mark.django_db
def test_a_delivered_message_is_never_resent_nor_delivered_again(flaky, admin_user):
    message = outbox_enqueue(backend=flaky.name, payload={"n": 1})
    assert outbox_deliver_batch() == 1
    with pytest.raises(OutboxResendError):
        outbox_resend(message_id=message.pk, actor=admin_user)
    _make_due(message)
    assert outbox_deliver_one(message.pk) is False
    assert outbox_deliver_batch() == 0
    assert flaky.delivered == [1]


@pytest.mark.django_db
def test_a_leased_message_is_not_delivered_by_a_second_worker(flaky, admin_user):
    message = outbox_enqueue(backend=flaky.name, payload={"n": 1})
    token = delivery._lease(message.pk)
    assert token is not None
    assert delivery._lease(message.pk) is None  # the second worker does not get it
    assert outbox_deliver_one(message.pk) is False
    assert outbox_deliver_batch() == 0
    assert flaky.calls == []
    with pytest.raises(OutboxResendError):
        outbox_resend(message_id=message.pk, actor=admin_user)


@pytest.mark.django_db
def test_an_expired_lease_frees_the_message(flaky):
    message = outbox_enqueue(backend=flaky.name, payload={"n": 1})
    assert delivery._lease(message.pk) is not None  # a worker took it, then died
    OutboxMessage.objects.filter(pk=message.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    assert outbox_deliver_batch() == 1
    assert flaky.delivered == [1]


@pytest.mark.django_db
def test_late_outcome_from_a_worker_that_lost_its_lease_is_ignored(flaky):
    message = outbox_enqueue(backend=flaky.name, payload={"n": 1})
    old_token = delivery._lease(message.pk)
    OutboxMessage.objects.filter(pk=message.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    assert outbox_deliver_one(message.pk) is True  # a second worker took over and delivered
    assert delivery._record(message, old_token, ok=False, detail="late failure") is False
    message.refresh_from_db()
    assert message.status == OutboxStatus.DELIVERED
    assert message.attempts == 1


@pytest.mark.django_db
def test_messages_with_one_ordering_key_are_delivered_in_order(flaky):
    flaky.failures = 1
    first = outbox_enqueue(backend=flaky.name, payload={"n": 1}, ordering_key="CASE-1")
    second = outbox_enqueue(backend=flaky.name, payload={"n": 2}, ordering_key="CASE-1")
    other = outbox_enqueue(backend=flaky.name, payload={"n": 3}, ordering_key="CASE-2")
    outbox_deliver_batch()
    # first failed once and waits; second must wait behind it; the other key is not held up
    assert second.pk not in flaky.calls
    assert flaky.calls.count(other.pk) == 1
    _make_due(other)
    outbox_deliver_batch()
    assert flaky.delivered == [3]
    _make_due(first)
    _make_due(second)
    outbox_deliver_batch()
    _make_due(second)
    outbox_deliver_batch()
    assert flaky.delivered == [3, 1, 2]
    assert OutboxMessage.objects.filter(status=OutboxStatus.DELIVERED).count() == 3


@pytest.mark.django_db
def test_a_dead_letter_does_not_block_its_key_forever(flaky, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    flaky.failures = 1
    first = outbox_enqueue(backend=flaky.name, payload={"n": 1}, ordering_key="K")
    outbox_enqueue(backend=flaky.name, payload={"n": 2}, ordering_key="K")
    outbox_deliver_batch()
    first.refresh_from_db()
    assert first.status == OutboxStatus.DEAD
    flaky.failures = 0
    outbox_deliver_batch()
    assert flaky.delivered == [2]


@pytest.mark.django_db
def test_same_ordering_key_on_another_backend_is_independent(flaky):
    flaky.failures = 1
    outbox_enqueue(backend=flaky.name, payload={"n": 1}, ordering_key="K")
    logged = outbox_enqueue(backend="log", payload={"n": 2}, ordering_key="K")
    outbox_deliver_batch()
    logged.refresh_from_db()
    assert logged.status == OutboxStatus.DELIVERED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_deliver_each_message_once_and_in_order_per_key(flaky):
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")
    for n in range(60):
        outbox_enqueue(backend=flaky.name, payload={"n": n}, ordering_key=f"K{n % 3}")
    barrier = threading.Barrier(6)

    def worker() -> None:
        try:
            barrier.wait()
            for _ in range(30):
                outbox_deliver_batch(limit=5)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    outbox_deliver_batch()
    assert sorted(flaky.delivered) == list(range(60))  # every message once, none twice
    for key in range(3):
        of_key = [n for n in flaky.delivered if n % 3 == key]
        assert of_key == sorted(of_key)


@pytest.mark.django_db
def test_purge_deletes_only_old_delivered_messages(settings):
    from simpul.core.delivery import outbox_purge_delivered

    settings.OUTBOX_RETENTION_DAYS = 30
    old = outbox_enqueue(backend="log", payload={"n": 1})
    recent = outbox_enqueue(backend="log", payload={"n": 2})
    dead = outbox_enqueue(backend="log", payload={"n": 3})
    outbox_deliver_batch()
    long_ago = timezone.now() - timedelta(days=31)
    OutboxMessage.objects.filter(pk=old.pk).update(delivered_at=long_ago)
    OutboxMessage.objects.filter(pk=dead.pk).update(status=OutboxStatus.DEAD, delivered_at=None, updated_at=long_ago)
    assert outbox_purge_delivered() == 2  # the message and its attempt log
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {recent.pk, dead.pk}


@pytest.mark.django_db
def test_a_batch_lease_is_renewed_so_no_other_worker_takes_waiting_messages(flaky):
    first = outbox_enqueue(backend=flaky.name, payload={"n": 1})
    second = outbox_enqueue(backend=flaky.name, payload={"n": 2})
    token, messages = delivery._lease_many([first.pk, second.pk])
    assert [m.pk for m in messages] == [first.pk, second.pk]
    assert delivery._lease_many([first.pk, second.pk])[1] == []  # a second worker gets nothing
    OutboxMessage.objects.update(locked_until=timezone.now() + timedelta(seconds=1))
    delivery._renew(token)
    for message in OutboxMessage.objects.all():
        assert message.locked_until > timezone.now() + timedelta(seconds=delivery.LEASE_SECONDS - 10)
