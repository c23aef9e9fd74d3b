"""The append-only, hash-chained audit log and `simpul audit verify`."""

from __future__ import annotations

import threading
from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, models

from simpul.core.models import AppendOnlyError, AuditEntry
from simpul.core.selectors import audit_chain_verify
from simpul.core.services import GENESIS_HASH, audit_record


def _entries(n: int) -> list[AuditEntry]:
    return [
        audit_record(action="test.thing_change", object_type="test.thing", object_id=str(i), changes={"i": i})
        for i in range(1, n + 1)
    ]


def _verify() -> str:
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_entries_form_a_chain_and_verify_passes():
    entries = _entries(4)
    assert [e.seq for e in entries] == [1, 2, 3, 4]
    assert entries[0].prev_hash == GENESIS_HASH
    assert all(later.prev_hash == earlier.entry_hash for earlier, later in pairwise(entries))
    assert "4 entries verified" in _verify()


@pytest.mark.django_db
def test_actor_is_recorded_with_a_label(staff_user):
    entry = audit_record(actor=staff_user, action="test.thing_view", obj=staff_user)
    assert entry.actor_id == staff_user.pk
    assert entry.actor_label == "officer@core.test"
    assert entry.object_type == "accounts.user"
    assert entry.object_id == str(staff_user.pk)
    assert audit_chain_verify().ok


@pytest.mark.django_db
def test_long_fields_are_cut_before_hashing_so_the_chain_still_verifies():
    audit_record(action="test.long", object_repr="x" * 500, actor_label="y" * 500, object_id="9" * 300)
    assert audit_chain_verify().ok


@pytest.mark.django_db
def test_orm_refuses_to_change_or_delete_entries():
    entry = _entries(1)[0]
    entry.action = "test.forged"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="test.forged")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.thing_change"


def test_deleting_an_actor_does_not_rewrite_entries():
    """SET_NULL/CASCADE would make Django UPDATE/DELETE entries when a user is deleted, breaking the chain."""
    field = AuditEntry._meta.get_field("actor")
    assert field.remote_field.on_delete is models.DO_NOTHING
    assert field.db_constraint is False


@pytest.mark.django_db
def test_raw_sql_edit_of_an_entry_is_detected():
    _entries(5)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET object_id = %s WHERE seq = %s", ["999", 3])
    with pytest.raises(CommandError) as excinfo:
        _verify()
    message = str(excinfo.value)
    assert "seq 3" in message
    assert "edited" in message
    assert excinfo.value.returncode == 1


@pytest.mark.django_db
def test_raw_sql_delete_of_a_middle_entry_is_detected():
    _entries(5)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE seq = %s", [3])
    with pytest.raises(CommandError) as excinfo:
        _verify()
    assert "seq 3" in str(excinfo.value)
    assert "missing" in str(excinfo.value)


@pytest.mark.django_db
def test_rehashed_forgery_still_breaks_the_next_link():
    """An attacker who edits an entry and recomputes its hash breaks the link of the entry after it."""
    from simpul.core.services import entry_digest

    _entries(4)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET action = %s WHERE seq = %s", ["test.forged", 2])
    forged = AuditEntry.objects.get(seq=2)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditentry SET entry_hash = %s WHERE seq = %s", [entry_digest(forged), 2]
        )
    result = audit_chain_verify()
    assert not result.ok
    assert result.seq == 3
    assert result.problem == "prev_link"


@pytest.mark.django_db
def test_deleting_the_last_entries_is_detected_by_the_chain_head():
    _entries(4)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE seq >= %s", [3])
    result = audit_chain_verify()
    assert not result.ok
    assert result.problem == "head"
    assert result.seq == 3


@pytest.mark.django_db
def test_empty_log_verifies():
    assert "0 entries verified" in _verify()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_on_postgresql_form_one_linear_chain():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")
    threads_n, per_thread = 8, 25
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads_n)

    def writer(t: int) -> None:
        try:
            barrier.wait()
            for i in range(per_thread):
                audit_record(action="test.concurrent", object_id=f"{t}-{i}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(t,)) for t in range(threads_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    entries = list(AuditEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == list(range(1, threads_n * per_thread + 1))
    prev_hashes = [e.prev_hash for e in entries]
    assert len(set(prev_hashes)) == len(prev_hashes)  # no two entries share a parent: no fork
    result = audit_chain_verify()
    assert result.ok, result.detail
    assert result.count == threads_n * per_thread


@pytest.mark.django_db
def test_entries_for_one_object_newest_first(staff_user, admin_user):
    from simpul.core.selectors import audit_entry_list_for_object

    first = audit_record(action="test.a", obj=staff_user)
    audit_record(action="test.b", obj=admin_user)
    last = audit_record(action="test.c", obj=staff_user)
    assert audit_entry_list_for_object(obj=staff_user) == [last, first]
    assert audit_entry_list_for_object(obj=staff_user, limit=1) == [last]


@pytest.mark.django_db
def test_changes_of_any_json_shape_round_trip_and_verify():
    from datetime import date
    from decimal import Decimal

    audit_record(
        action="test.shapes",
        changes={
            "float": 0.1,
            "huge": 1e20,
            "nan": float("nan"),
            "when": date(2026, 3, 20),
            "money": Decimal("12.50"),
            "nested": {"b": [1, 2.5, None, True], "a": "é — ✓"},
        },
    )
    entry = AuditEntry.objects.get(action="test.shapes")
    assert entry.changes["money"] == "12.50"
    assert entry.changes["nan"] == "nan"
    assert audit_chain_verify().ok
