"""GET /healthz: the public contract {"status", "database", "task_queue"}; 503 when not ok."""

from __future__ import annotations

import json

import pytest
from django.db import DatabaseError

from simpul.core import views
from simpul.core.schedule import run_due


def _get(client):
    response = client.get("/healthz")
    return response, json.loads(response.content)


@pytest.mark.django_db
def test_healthz_is_ok_without_a_worker_and_says_so(client):
    response, body = _get(client)
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert body["task_queue"]["status"] == "ok"
    assert body["task_queue"]["worker_last_seen"] is None
    assert body["task_queue"]["worker_seen_recently"] is False
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_healthz_reports_a_recent_worker(client):
    run_due(only=["core.idempotency_purge"])
    _response, body = _get(client)
    assert body["task_queue"]["worker_seen_recently"] is True
    assert body["task_queue"]["worker_last_seen"]


@pytest.mark.django_db
def test_healthz_counts_pending_and_dead_outbox_messages(client):
    from simpul.core.models import OutboxMessage, OutboxStatus
    from simpul.core.services import outbox_enqueue

    outbox_enqueue(backend="log", payload={})
    dead = outbox_enqueue(backend="log", payload={})
    OutboxMessage.objects.filter(pk=dead.pk).update(status=OutboxStatus.DEAD)
    _response, body = _get(client)
    assert (body["task_queue"]["outbox_pending"], body["task_queue"]["outbox_dead"]) == (1, 1)


@pytest.mark.django_db
def test_healthz_is_503_when_the_task_queue_fails(client, monkeypatch):
    monkeypatch.setattr(views, "task_queue_state", lambda: {"status": "error", "error": "ConnectionError"})
    response, body = _get(client)
    assert response.status_code == 503
    assert body["status"] == "error"
    assert body["task_queue"]["status"] == "error"


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_fails(client, monkeypatch):
    class BrokenConnection:
        vendor = "broken"

        def cursor(self):
            raise DatabaseError("down")

    monkeypatch.setattr(views, "connection", BrokenConnection())
    response, body = _get(client)
    assert response.status_code == 503
    assert body["status"] == "error"
    assert body["database"] == {"status": "error", "error": "DatabaseError"}


def test_healthz_refuses_post(client):
    assert client.post("/healthz").status_code == 405
