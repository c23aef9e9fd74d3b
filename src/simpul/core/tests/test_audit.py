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
from simpul.core.services import GENESIS_HASH, audit_chain, audit_record


def _entries(n: int) -> list[AuditEntry]:
    """`n` entries written and then linked by the chainer, as the worker does after their commit."""
    written = [
        audit_record(action="test.thing_change", object_type="test.thing", object_id=str(i), changes={"i": i})
        for i in range(1, n + 1)
    ]
    audit_chain()
    return list(AuditEntry.objects.filter(pk__in=[e.pk for e in written]).order_by("seq"))


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
    from simpul.core.services import _content_fields, audit_content_mac, entry_digest

    _entries(4)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET action = %s WHERE seq = %s", ["test.forged", 2])
    forged = AuditEntry.objects.get(seq=2)
    forged.content_mac = audit_content_mac(**_content_fields(forged))
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditentry SET content_mac = %s, entry_hash = %s WHERE seq = %s",
            [forged.content_mac, entry_digest(forged), 2],
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
def test_a_new_entry_waits_pending_until_the_chainer_links_it():
    entry = audit_record(action="test.thing_change", object_type="test.thing", object_id="1")
    assert (entry.seq, entry.entry_hash, entry.prev_hash) == (None, None, "")
    assert len(entry.content_mac or "") == 64
    assert _verify() == "audit chain intact: 0 entries verified; 1 newer entries intact, waiting for the chainer\n"
    out = StringIO()
    call_command("audit", "chain", stdout=out)
    assert out.getvalue() == "audit chain: 1 pending entries linked\n"
    entry.refresh_from_db()
    assert entry.seq == 1 and entry.prev_hash == GENESIS_HASH
    assert _verify() == "audit chain intact: 1 entries verified\n"
    assert audit_chain() == 0  # nothing left: a second chainer finds no work


@pytest.mark.django_db
def test_a_pending_entry_edited_before_it_is_chained_is_detected():
    entry = audit_record(action="test.thing_change", object_type="test.thing", object_id="1")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET object_id = %s WHERE id = %s", ["2", entry.pk])
    assert _broken() == (f"audit chain BROKEN at a pending entry (edited): pending entry id {entry.pk} (not yet chained) "
                         "was edited or forged: its content does not match its keyed hash; 0 entries before it "
                         "are intact")
    audit_chain()  # linked as it stands: the chain records what is there, and verify still names it
    assert _broken().startswith("audit chain BROKEN at seq 1 (edited)")


@pytest.mark.django_db
def test_reordering_two_chained_entries_is_detected():
    entries = _entries(3)
    with connection.cursor() as cursor:  # swap the places of entries 1 and 2, links and all
        cursor.execute("UPDATE core_auditentry SET seq = -1 WHERE seq = 1")
        cursor.execute("UPDATE core_auditentry SET seq = 1, prev_hash = %s WHERE seq = 2", [GENESIS_HASH])
        cursor.execute("UPDATE core_auditentry SET seq = 2, prev_hash = %s WHERE seq = -1",
                       [entries[1].entry_hash])
    assert _broken().startswith("audit chain BROKEN at seq 1 (edited)")


@pytest.mark.django_db
def test_the_worker_links_pending_entries_on_every_pass():
    from simpul.core.worker import SimpulWorker

    audit_record(action="test.a")
    audit_record(action="test.b")
    SimpulWorker(interval=0).run_periodic()
    assert list(AuditEntry.objects.values_list("action", "seq")) == [("test.a", 1), ("test.b", 2)]


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
                if t < 2:  # two of the threads also chain as they go, as two workers would
                    audit_chain()
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
    while audit_chain():
        pass
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


# --- the keyed chain, the cut-over and anchors ------------------------------------------------------------


def _rewrite_without(seq: int, digest) -> None:
    """What an attacker with database write access does: delete entry `seq`, renumber and relink the later
    entries, recompute their hashes with `digest(entry)` and fix the chain head."""
    from simpul.core.models import AuditChainHead

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE seq = %s", [seq])
        later = list(AuditEntry.objects.filter(seq__gt=seq).order_by("seq").values_list("seq", flat=True))
        prev_hash = AuditEntry.objects.get(seq=seq - 1).entry_hash if seq > 1 else GENESIS_HASH
        for old in later:
            cursor.execute("UPDATE core_auditentry SET seq = %s, prev_hash = %s WHERE seq = %s",
                           [old - 1, prev_hash, old])
            prev_hash = digest(AuditEntry.objects.get(seq=old - 1))
            cursor.execute("UPDATE core_auditentry SET entry_hash = %s WHERE seq = %s", [prev_hash, old - 1])
        cursor.execute("UPDATE core_auditchainhead SET seq = seq - 1, last_hash = %s WHERE id = 1", [prev_hash])
    assert AuditChainHead.objects.get().seq == len(later) + seq - 1


def _broken(*args: str) -> str:
    with pytest.raises(CommandError) as excinfo:
        call_command("audit", "verify", *args, stdout=StringIO())
    assert excinfo.value.returncode == 1
    return str(excinfo.value)


@pytest.mark.django_db
def test_deleting_an_entry_and_rehashing_the_rest_with_the_unkeyed_function_is_reported():
    """Before the chain was keyed, this rewrite (Simpul's own SHA-256 function) made `audit verify` say intact."""
    from simpul.core.services import entry_digest

    _entries(5)
    _rewrite_without(3, lambda entry: entry_digest(entry, keyed=False))
    message = _broken()
    assert message.startswith("audit chain BROKEN at seq 3 (edited)") and "2 entries before it are intact" in message


@pytest.mark.django_db
def test_a_rewrite_with_hmacs_under_a_guessed_key_is_reported():
    import hashlib
    import hmac

    from simpul.core.services import _entry_body

    def guessed(entry: AuditEntry) -> str:
        body = _entry_body(seq=entry.seq, created_at=entry.created_at, actor_id=entry.actor_id,
                           actor_label=entry.actor_label, on_behalf_of=entry.on_behalf_of, action=entry.action,
                           object_type=entry.object_type, object_id=entry.object_id,
                           object_repr=entry.object_repr, changes=entry.changes, prev_hash=entry.prev_hash)
        return hmac.new(b"django-insecure-guess", body, hashlib.sha256).hexdigest()

    _entries(5)
    _rewrite_without(2, guessed)
    assert _broken().startswith("audit chain BROKEN at seq 2 (edited)")


@pytest.mark.django_db
def test_a_rewrite_made_with_the_key_after_an_anchor_is_reported_by_anchors(tmp_path, settings, caplog):
    from simpul.core.services import entry_digest

    settings.AUDIT_ANCHOR_FILE = tmp_path / "anchors.jsonl"
    _entries(4)
    out = StringIO()
    with caplog.at_level("INFO", logger="simpul.audit"):
        call_command("audit", "anchor", stdout=out)
    assert "head 4" in out.getvalue() and "audit chain anchor" in caplog.text
    _entries(2)
    call_command("audit", "anchor", stdout=StringIO())
    anchors = str(settings.AUDIT_ANCHOR_FILE)
    assert "6 entries verified; 2 anchored heads found" in _verify_with("--anchors", anchors)

    _rewrite_without(3, entry_digest)  # with the key: the chain alone looks intact
    assert "5 entries verified" in _verify()
    message = _broken("--anchors", anchors)
    assert message.startswith("audit chain BROKEN at seq 4 (rewritten): the anchored head 4")


@pytest.mark.django_db
def test_a_made_up_anchor_line_is_reported(tmp_path):
    import json

    _entries(2)
    forged = tmp_path / "anchors.jsonl"
    forged.write_text(json.dumps({"seq": 2, "hash": "ab" * 32, "at": "2026-12-01T00:00:00+00:00",
                                  "hmac": "00" * 32}) + "\n")
    assert "(anchor_forged)" in _broken("--anchors", str(forged))


def _verify_with(*args: str) -> str:
    out = StringIO()
    call_command("audit", "verify", *args, stdout=out)
    return out.getvalue()


def _legacy_chain(n: int) -> None:
    """Entries as written before the key existed (unkeyed SHA-256), sealed at the cut-over as migration 0005 does."""
    from django.utils import timezone

    from simpul.core.models import AuditChainHead
    from simpul.core.services import audit_cutover_mac, audit_entry_digest

    prev_hash = GENESIS_HASH
    for seq in range(1, n + 1):
        fields = {"seq": seq, "created_at": timezone.now(), "actor_id": None, "actor_label": "system",
                  "on_behalf_of": "", "action": "test.legacy", "object_type": "test.thing",
                  "object_id": str(seq), "object_repr": "", "changes": {"i": seq}, "prev_hash": prev_hash}
        prev_hash = audit_entry_digest(**fields)
        AuditEntry.objects.create(entry_hash=prev_hash, **fields)
    AuditChainHead.objects.create(pk=1, seq=n, last_hash=prev_hash, keyed_from=n + 1,
                                  keyed_from_mac=audit_cutover_mac(keyed_from=n + 1, legacy_head_hash=prev_hash))


@pytest.mark.django_db
def test_entries_written_before_the_key_still_verify_and_new_ones_are_keyed():
    from simpul.core.services import entry_digest

    _legacy_chain(3)
    new = _entries(2)
    assert new[0].prev_hash == AuditEntry.objects.get(seq=3).entry_hash
    assert new[0].entry_hash == entry_digest(new[0]) != entry_digest(new[0], keyed=False)
    assert "5 entries verified" in _verify()


@pytest.mark.django_db
def test_moving_the_cut_over_to_pass_a_rewrite_off_as_unkeyed_is_reported():
    """Marking every entry 'written before the key' so the unkeyed function would do: the seal breaks."""
    from simpul.core.services import entry_digest

    _legacy_chain(2)
    _entries(3)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditchainhead SET keyed_from = 100 WHERE id = 1")
    _rewrite_without(4, lambda entry: entry_digest(entry, keyed=False))
    assert _broken().startswith("audit chain BROKEN at seq 100 (cutover)")


@pytest.mark.django_db
def test_editing_an_entry_before_the_cut_over_is_reported():
    _legacy_chain(3)
    _entries(1)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET object_id = %s WHERE seq = %s", ["999", 2])
    assert _broken().startswith("audit chain BROKEN at seq 2 (edited)")


def test_the_daily_anchor_job_is_registered():
    from simpul.core import schedule

    schedule.discover()
    assert schedule._jobs["core.audit_anchor"].every.days == 1


@pytest.mark.django_db
def test_the_upgrade_migration_seals_the_unkeyed_entries_already_written():
    import importlib

    from django.apps import apps

    from simpul.core.models import AuditChainHead

    _legacy_chain(3)
    AuditChainHead.objects.filter(pk=1).update(keyed_from=1, keyed_from_mac="")  # as before the migration
    assert "(edited)" in _broken()
    importlib.import_module("simpul.core.migrations.0006_audit_chain_keyed_cutover").seal_cutover(apps, None)
    _entries(1)
    assert "4 entries verified" in _verify()
