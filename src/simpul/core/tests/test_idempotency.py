"""Idempotency-Key semantics (PERFORMANCE.md): 201 first, 200 replay, 422 other payload, 409 in flight."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from simpul.core.idempotency import idempotency_purge, idempotent, key_is_valid, request_fingerprint
from simpul.core.models import IdempotencyRecord, IdempotencyState

KEY = "9b2c4f1e-4a55-4f0e-9d33-2c7a3f1b8e10"


class Counter:
    def __init__(self, status: int = 201) -> None:
        self.calls = 0
        self.status = status

    def __call__(self) -> tuple[int, dict]:
        self.calls += 1
        return self.status, {"reference": f"REF-{self.calls}"}


def _call(handler, *, key=KEY, fingerprint="f" * 64, scope="api:1"):
    return idempotent(scope=scope, key=key, fingerprint=fingerprint, handler=handler)


def test_fingerprint_depends_on_method_path_and_body_not_on_json_key_order():
    a = request_fingerprint("POST", "/api/v1/cases/", {"a": 1, "b": [1, 2]})
    assert a == request_fingerprint("post", "/api/v1/cases/", {"b": [1, 2], "a": 1})
    assert a != request_fingerprint("POST", "/api/v1/cases/", {"a": 2, "b": [1, 2]})
    assert a != request_fingerprint("PUT", "/api/v1/cases/", {"a": 1, "b": [1, 2]})
    assert a != request_fingerprint("POST", "/api/v1/other/", {"a": 1, "b": [1, 2]})
    raw = request_fingerprint("POST", "/x", b'{"a":1}')
    assert raw == request_fingerprint("POST", "/x", '{"a":1}')
    assert len(raw) == 64 and int(raw, 16) >= 0


@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E, blacklist_characters='"'), min_size=1,
               max_size=200))
def test_printable_keys_up_to_200_characters_are_valid(key):
    assert key_is_valid(key)


@pytest.mark.parametrize("key", ["", "x" * 201, "tab\there", "new\nline", "kunci-é", '"unterminated'])
def test_bad_keys_are_refused_without_running_the_handler(db, key):
    handler = Counter()
    result = _call(handler, key=key)
    assert (result.status, result.outcome) == (400, "invalid_key")
    assert result.body["code"] == "idempotency_key_invalid"
    assert handler.calls == 0


@pytest.mark.django_db
def test_first_call_runs_the_handler_and_replay_returns_the_stored_body_with_200():
    handler = Counter()
    first = _call(handler)
    assert (first.status, first.replayed, first.outcome) == (201, False, "created")
    assert first.body == {"reference": "REF-1"}
    again = _call(handler)
    assert (again.status, again.replayed, again.outcome) == (200, True, "replayed")
    assert again.body == {"reference": "REF-1"}
    assert again.original_status == 201
    assert handler.calls == 1


@pytest.mark.django_db
def test_same_key_with_a_different_payload_is_a_422_conflict():
    handler = Counter()
    _call(handler, fingerprint="a" * 64)
    result = _call(handler, fingerprint="b" * 64)
    assert (result.status, result.outcome) == (422, "conflict")
    assert result.body["code"] == "idempotency_key_reused"
    assert handler.calls == 1


@pytest.mark.django_db
def test_keys_are_scoped_per_client():
    handler = Counter()
    assert _call(handler, scope="api:1").status == 201
    assert _call(handler, scope="api:2").status == 201
    assert handler.calls == 2


@pytest.mark.django_db
def test_a_call_while_the_first_is_in_flight_gets_409():
    seen = {}

    def handler():
        seen["inner"] = _call(Counter())
        return 201, {"ok": True}

    outer = _call(handler)
    assert outer.status == 201
    assert (seen["inner"].status, seen["inner"].outcome) == (409, "in_flight")


@pytest.mark.django_db
def test_handler_exception_removes_the_record_so_the_client_can_retry():
    def broken():
        IdempotencyRecord.objects.create(scope="other", key="k", fingerprint="x", expires_at=timezone.now())
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        _call(broken)
    assert not IdempotencyRecord.objects.exists()  # in-flight row removed, handler's write rolled back
    assert _call(Counter()).status == 201


@pytest.mark.django_db
def test_non_2xx_results_are_not_stored_so_a_corrected_request_may_reuse_the_key():
    invalid = _call(Counter(status=400), fingerprint="a" * 64)
    assert (invalid.status, invalid.replayed) == (400, False)
    assert not IdempotencyRecord.objects.exists()
    fixed = _call(Counter(), fingerprint="b" * 64)
    assert fixed.status == 201


@pytest.mark.django_db
def test_records_expire_after_the_ttl_and_the_key_is_new_again(settings):
    settings.IDEMPOTENCY_TTL_HOURS = 48
    handler = Counter()
    _call(handler)
    record = IdempotencyRecord.objects.get()
    ttl = record.expires_at - record.created_at
    assert timedelta(hours=47, minutes=59) < ttl <= timedelta(hours=48, seconds=1)
    IdempotencyRecord.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _call(handler).status == 201
    assert handler.calls == 2


@pytest.mark.django_db
def test_ttl_is_never_shorter_than_24_hours(settings):
    settings.IDEMPOTENCY_TTL_HOURS = 1
    _call(Counter())
    record = IdempotencyRecord.objects.get()
    assert record.expires_at - record.created_at >= timedelta(hours=23, minutes=59)


@pytest.mark.django_db
def test_purge_deletes_only_expired_records():
    _call(Counter(), key="keep")
    _call(Counter(), key="old")
    IdempotencyRecord.objects.filter(key="old").update(expires_at=timezone.now() - timedelta(minutes=1))
    assert idempotency_purge() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["keep"]


@pytest.mark.django_db
def test_an_abandoned_in_flight_record_is_taken_over(settings):
    settings.IDEMPOTENCY_IN_FLIGHT_SECONDS = 60
    now = timezone.now()
    IdempotencyRecord.objects.create(
        scope="api:1",
        key=KEY,
        fingerprint="f" * 64,
        state=IdempotencyState.IN_FLIGHT,
        locked_at=now - timedelta(minutes=5),
        lock_token="dead-process",
        expires_at=now + timedelta(hours=24),
    )
    handler = Counter()
    result = _call(handler)
    assert (result.status, handler.calls) == (201, 1)
    assert IdempotencyRecord.objects.get().state == IdempotencyState.DONE


@pytest.mark.django_db
def test_a_fresh_in_flight_record_is_not_taken_over():
    now = timezone.now()
    IdempotencyRecord.objects.create(
        scope="api:1",
        key=KEY,
        fingerprint="f" * 64,
        locked_at=now,
        lock_token="alive",
        expires_at=now + timedelta(hours=24),
    )
    handler = Counter()
    assert _call(handler).status == 409
    assert handler.calls == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_requests_with_one_key_run_the_handler_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")
    calls = []
    lock = threading.Lock()
    barrier = threading.Barrier(20)
    results = []
    errors: list[BaseException] = []

    def handler():
        with lock:
            calls.append(1)
        time.sleep(0.3)
        return 201, {"reference": "REF-ONLY"}

    def client():
        try:
            barrier.wait()
            results.append(_call(handler))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(calls) == 1
    statuses = sorted(r.status for r in results)
    assert statuses.count(201) == 1
    assert set(statuses) <= {200, 201, 409}
    assert all(r.body == {"reference": "REF-ONLY"} for r in results if r.status in (200, 201))
    # after the first finished, a retry is a replay
    assert _call(handler).status == 200
    assert len(calls) == 1


def test_form_fingerprint_ignores_csrf_token_and_key_but_not_fields_or_files():
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import RequestFactory

    from simpul.core.idempotency import form_fingerprint, new_key

    factory = RequestFactory()

    def post(data):
        return factory.post("/layanan/ktp/", data)

    base = {"name": "Siti", "csrfmiddlewaretoken": "a", "idempotency_key": new_key()}
    same = {"name": "Siti", "csrfmiddlewaretoken": "b", "idempotency_key": new_key()}
    assert form_fingerprint(post(base)) == form_fingerprint(post(same))
    assert form_fingerprint(post(base)) != form_fingerprint(post({**base, "name": "Sari"}))
    with_file = post({**base, "doc": SimpleUploadedFile("a.pdf", b"%PDF-1 one")})
    other_file = post({**base, "doc": SimpleUploadedFile("a.pdf", b"%PDF-1 two")})
    assert form_fingerprint(with_file) != form_fingerprint(other_file)
    assert with_file.FILES["doc"].read() == b"%PDF-1 one"  # rewound for the view
    assert key_is_valid(new_key())
