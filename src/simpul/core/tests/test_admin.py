"""Admin: every change audited (AuditedModelAdmin via the Holiday admin), read-only audit log, outbox re-send."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib import admin
from django.forms import modelform_factory
from django.test import RequestFactory
from django_otp.plugins.otp_totp.models import TOTPDevice

from simpul.conftest import login
from simpul.core.admin import AuditedModelAdmin, is_secret_field, mask_changes
from simpul.core.models import AuditEntry, Holiday, OutboxMessage, OutboxStatus
from simpul.core.services import audit_record, outbox_enqueue

HOLIDAY_URL = "/admin/core/holiday/"


@pytest.mark.django_db
def test_adding_a_holiday_in_the_admin_is_audited(client, admin_user):
    login(client, admin_user)
    response = client.post(
        f"{HOLIDAY_URL}add/",
        {"date": "2026-03-25", "name": "Cuti bersama tambahan", "kind": "cuti_bersama", "legal_basis": "SKB"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    holiday = Holiday.objects.get(date=date(2026, 3, 25))
    entry = AuditEntry.objects.get(action="admin.add")
    assert entry.actor_id == admin_user.pk
    assert entry.object_type == "core.holiday"
    assert entry.object_id == str(holiday.pk)
    assert entry.changes["name"] == {"old": None, "new": "Cuti bersama tambahan"}
    assert entry.changes["date"] == {"old": None, "new": "2026-03-25"}


@pytest.mark.django_db
def test_changing_a_holiday_records_old_and_new_values_of_changed_fields_only(client, admin_user):
    holiday = Holiday.objects.create(date=date(2026, 3, 25), name="Lama", kind="local")
    login(client, admin_user)
    response = client.post(
        f"{HOLIDAY_URL}{holiday.pk}/change/",
        {"date": "2026-03-25", "name": "Baru", "kind": "local", "legal_basis": ""},
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="admin.change")
    assert entry.changes == {"name": {"old": "Lama", "new": "Baru"}}


@pytest.mark.django_db
def test_deleting_a_holiday_is_audited_also_in_bulk(client, admin_user):
    one = Holiday.objects.create(date=date(2026, 3, 25), name="Satu")
    two = Holiday.objects.create(date=date(2026, 3, 26), name="Dua")
    login(client, admin_user)
    assert client.post(f"{HOLIDAY_URL}{one.pk}/delete/", {"post": "yes"}).status_code == 302
    response = client.post(
        HOLIDAY_URL, {"action": "delete_selected", "_selected_action": [two.pk], "post": "yes"}
    )
    assert response.status_code == 302
    assert not Holiday.objects.exists()
    deleted = set(AuditEntry.objects.filter(action="admin.delete").values_list("object_id", flat=True))
    assert deleted == {str(one.pk), str(two.pk)}


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("nik", True),
        ("nik_hash", True),
        ("pin", True),
        ("api_key", True),
        ("key", True),
        ("password", True),
        ("client_secret", True),
        ("access_token", True),
        ("teknik", False),
        ("keyword", False),
        ("name", False),
        ("shipping", False),
    ],
)
def test_secret_looking_field_names(name, secret):
    assert is_secret_field(name) is secret


def test_mask_changes_hides_values_but_keeps_the_field_name():
    masked = mask_changes({"pin": {"old": "1234", "new": "9999"}, "name": {"old": "a", "new": "b"}})
    assert masked == {"pin": {"old": "***", "new": "***"}, "name": {"old": "a", "new": "b"}}


@pytest.mark.django_db
def test_audited_admin_masks_secret_fields_of_any_model(admin_user):
    device = TOTPDevice.objects.create(user=admin_user, name="phone", key="a" * 40)
    form_class = modelform_factory(TOTPDevice, fields=["name", "key"])
    form = form_class(data={"name": "phone 2", "key": "b" * 40}, instance=device)
    assert form.is_valid(), form.errors
    request = RequestFactory().post("/")
    request.user = admin_user
    AuditedModelAdmin(TOTPDevice, admin.site).save_model(request, form.instance, form, change=True)
    entry = AuditEntry.objects.get(action="admin.change")
    assert entry.changes["key"] == {"old": "***", "new": "***"}
    assert entry.changes["name"] == {"old": "phone", "new": "phone 2"}
    assert "a" * 40 not in str(entry.changes) and "b" * 40 not in str(entry.changes)


@pytest.mark.django_db
def test_audit_log_admin_is_read_only_and_filterable(client, admin_user):
    audit_record(action="test.alpha", object_type="test.thing", object_id="1", object_repr="ALPHA-ROW")
    entry = audit_record(action="test.beta", object_type="test.thing", object_id="2", object_repr="BETA-ROW")
    login(client, admin_user)
    page = client.get("/admin/core/auditentry/", {"action": "test.beta"}).content.decode()
    assert "BETA-ROW" in page and "ALPHA-ROW" not in page
    assert client.get("/admin/core/auditentry/add/").status_code == 403
    assert client.get(f"/admin/core/auditentry/{entry.pk}/change/").status_code == 200  # view only
    response = client.post(f"/admin/core/auditentry/{entry.pk}/change/", {"action": "test.forged"})
    assert response.status_code == 403
    assert client.post(f"/admin/core/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.beta"


@pytest.mark.django_db
def test_audit_log_admin_is_hidden_from_staff_who_are_not_platform_admins(client, staff_user):
    login(client, staff_user)
    assert client.get("/admin/core/auditentry/").status_code == 403


@pytest.mark.django_db
def test_admin_resend_action_requeues_dead_messages_and_audits(client, admin_user):
    dead = outbox_enqueue(backend="log", payload={"n": 1})
    delivered = outbox_enqueue(backend="log", payload={"n": 2})
    OutboxMessage.objects.filter(pk=dead.pk).update(status=OutboxStatus.DEAD, attempts=12)
    OutboxMessage.objects.filter(pk=delivered.pk).update(status=OutboxStatus.DELIVERED, attempts=1)
    login(client, admin_user)
    response = client.post(
        "/admin/core/outboxmessage/", {"action": "resend", "_selected_action": [dead.pk, delivered.pk]}
    )
    assert response.status_code == 302
    dead.refresh_from_db()
    delivered.refresh_from_db()
    assert (dead.status, dead.attempts) == (OutboxStatus.PENDING, 0)
    assert (delivered.status, delivered.attempts) == (OutboxStatus.DELIVERED, 1)
    entry = AuditEntry.objects.get(action="core.outbox_resend")
    assert entry.object_id == str(dead.pk)
    assert entry.actor_id == admin_user.pk


@pytest.mark.django_db
def test_inline_rows_are_audited_one_entry_each(admin_user):
    from django.forms import inlineformset_factory

    from simpul.accounts.models import User

    kept = TOTPDevice.objects.create(user=admin_user, name="old name", key="c" * 40)
    gone = TOTPDevice.objects.create(user=admin_user, name="lost phone", key="d" * 40)
    formset_class = inlineformset_factory(User, TOTPDevice, fields=["name", "key"], extra=1, can_delete=True)
    prefix = formset_class(instance=admin_user).prefix
    data = {
        f"{prefix}-TOTAL_FORMS": "3",
        f"{prefix}-INITIAL_FORMS": "2",
        f"{prefix}-0-id": str(kept.pk),
        f"{prefix}-0-name": "new name",
        f"{prefix}-0-key": "c" * 40,
        f"{prefix}-1-id": str(gone.pk),
        f"{prefix}-1-name": "lost phone",
        f"{prefix}-1-key": "d" * 40,
        f"{prefix}-1-DELETE": "on",
        f"{prefix}-2-name": "tablet",
        f"{prefix}-2-key": "e" * 40,
    }
    formset = formset_class(data, instance=admin_user)
    assert formset.is_valid(), formset.errors
    request = RequestFactory().post("/")
    request.user = admin_user
    AuditedModelAdmin(User, admin.site).save_formset(request, None, formset, change=True)

    entries = {e.action: e for e in AuditEntry.objects.all()}
    assert set(entries) == {"admin.change", "admin.delete", "admin.add"}
    assert entries["admin.change"].changes["name"] == {"old": "old name", "new": "new name"}
    assert "c" * 40 not in str(entries["admin.change"].changes)
    assert entries["admin.delete"].object_id == str(gone.pk)
    assert entries["admin.add"].changes["key"] == {"old": "***", "new": "***"}
    assert not TOTPDevice.objects.filter(pk=gone.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/admin/core/outboxmessage/?q=abc",
        "/admin/core/outboxmessage/?status__exact=dead",
        "/admin/core/auditentry/?q=abc",
        "/admin/core/idempotencyrecord/?q=x",
        "/admin/core/scheduledjobrun/",
        "/admin/core/holiday/?q=idul",
    ],
)
def test_core_admin_pages_open_for_a_platform_admin(client, admin_user, url):
    login(client, admin_user)
    assert client.get(url).status_code == 200
