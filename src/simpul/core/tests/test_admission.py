"""Load shedding: the admission limit per process, exercised with real threads."""

from __future__ import annotations

import json
import logging
import threading

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from simpul.core.admission import AdmissionMiddleware


def _middleware(settings, *, limit: int, wait_ms: int = 50):
    settings.SIMPUL_MAX_INFLIGHT = limit
    settings.SIMPUL_ADMISSION_WAIT_MS = wait_ms
    settings.SIMPUL_ADMISSION_RETRY_AFTER = 7
    release = threading.Event()
    entered = threading.Semaphore(0)

    def slow_view(request):
        entered.release()
        release.wait(10)
        return HttpResponse("ok")

    return AdmissionMiddleware(slow_view), release, entered


def _occupy(middleware, n: int, entered, path: str = "/layanan/") -> list[threading.Thread]:
    threads = [threading.Thread(target=middleware, args=(RequestFactory().get(path),)) for _ in range(n)]
    for t in threads:
        t.start()
    for _ in range(n):
        assert entered.acquire(timeout=10)
    return threads


def test_requests_over_the_limit_get_503_with_retry_after(settings):
    middleware, release, entered = _middleware(settings, limit=2)
    busy = _occupy(middleware, 2, entered)
    try:
        response = middleware(RequestFactory().get("/layanan/", HTTP_ACCEPT_LANGUAGE="id"))
        assert response.status_code == 503
        assert response["Retry-After"] == "7"
        assert response["Content-Type"].startswith("text/html")
        assert "Simpul sedang sangat sibuk" in response.content.decode()
        assert middleware.shed_count == 1
    finally:
        release.set()
        for t in busy:
            t.join()


def test_api_requests_are_shed_with_problem_json(settings):
    middleware, release, entered = _middleware(settings, limit=1)
    busy = _occupy(middleware, 1, entered)
    try:
        response = middleware(RequestFactory().post("/api/v1/cases/"))
        assert response.status_code == 503
        assert response["Content-Type"] == "application/problem+json"
        body = json.loads(response.content)
        assert body["status"] == 503
        assert body["code"] == "overloaded"
    finally:
        release.set()
        for t in busy:
            t.join()


def test_a_waiting_request_is_admitted_when_a_slot_frees(settings):
    middleware, release, entered = _middleware(settings, limit=1, wait_ms=5000)
    busy = _occupy(middleware, 1, entered)
    results = []
    waiter = threading.Thread(target=lambda: results.append(middleware(RequestFactory().get("/layanan/"))))
    waiter.start()
    release.set()  # the first request finishes; the waiting one takes its slot
    waiter.join(10)
    for t in busy:
        t.join()
    assert results[0].status_code == 200
    assert middleware.shed_count == 0


def test_healthz_is_never_shed(settings):
    middleware, release, entered = _middleware(settings, limit=1)
    busy = _occupy(middleware, 1, entered)
    try:
        release.set()  # healthz must not wait for a slot even while one is taken: it runs the view directly
        assert middleware(RequestFactory().get("/healthz")).status_code == 200
    finally:
        for t in busy:
            t.join()


def test_slots_are_returned_after_errors(settings):
    settings.SIMPUL_MAX_INFLIGHT = 1
    settings.SIMPUL_ADMISSION_WAIT_MS = 0

    def failing(request):
        raise RuntimeError("boom")

    middleware = AdmissionMiddleware(failing)
    for _ in range(3):
        with pytest.raises(RuntimeError):
            middleware(RequestFactory().get("/"))
    assert middleware.slots.acquire(timeout=0)


def test_limit_zero_turns_admission_off(settings):
    settings.SIMPUL_MAX_INFLIGHT = 0
    middleware = AdmissionMiddleware(lambda request: HttpResponse("ok"))
    assert middleware.slots is None
    assert middleware(RequestFactory().get("/")).status_code == 200


def test_the_middleware_is_installed_near_the_top(settings):
    names = list(settings.MIDDLEWARE)
    assert names.index("simpul.core.admission.AdmissionMiddleware") < names.index(
        "django.contrib.sessions.middleware.SessionMiddleware")


def test_shedding_is_reported_as_one_warning_not_an_error_per_request(settings, caplog):
    from django.utils.log import log_response

    middleware, release, entered = _middleware(settings, limit=1, wait_ms=0)
    busy = _occupy(middleware, 1, entered)
    try:
        with caplog.at_level(logging.INFO):
            shed = [middleware(RequestFactory().get("/layanan/")) for _ in range(5)]
            for response in shed:  # what Django's handler does with every 4xx/5xx response
                log_response("%s: %s", response.reason_phrase, "/layanan/", response=response)
    finally:
        release.set()
        for t in busy:
            t.join()
    assert [r.status_code for r in shed] == [503] * 5
    assert not [r for r in caplog.records if r.name == "django.request"]
    warnings = [r for r in caplog.records if r.name == "simpul.core.admission"]
    assert len(warnings) == 1
    assert warnings[0].levelno == logging.WARNING
    assert "load shedding" in warnings[0].getMessage()


def test_time_queued_in_the_server_counts_against_the_wait(settings):
    from simpul.core.admission import set_queue_seconds

    middleware, release, _entered = _middleware(settings, limit=2, wait_ms=500)
    release.set()  # the view answers at once: every slot is free
    try:
        set_queue_seconds(0.6)  # waited longer than the whole budget in gunicorn's queue: shed, without waiting
        assert middleware(RequestFactory().get("/layanan/")).status_code == 503
        set_queue_seconds(0.1)
        assert middleware(RequestFactory().get("/layanan/")).status_code == 200
    finally:
        set_queue_seconds(0.0)
