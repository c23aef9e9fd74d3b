"""The administration screens through HTTP: who may open them (the right refusal for each persona), the admin
home's health, one screen to invite a staff member, the invitation accepted, deactivation, offices; every write
audited."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from simpul.accounts.models import Role, User
from simpul.accounts.tests.test_views import token_for
from simpul.agencies.models import Agency, Membership
from simpul.clients.models import ApiClient, ApiKey
from simpul.conftest import PASSWORD, login
from simpul.core.delivery import outbox_deliver_batch
from simpul.core.models import AuditEntry, OutboxMessage, OutboxStatus

pytestmark = pytest.mark.django_db

ADMIN_ONLY = ["administration:home", "administration:staff_new", "administration:office_list",
              "administration:office_new"]


def _client(user: Any) -> Client:
    client = Client()
    login(client, user)
    return client


def _invite(client: Client, personas: Any, **overrides: Any) -> Any:
    data = {"full_name": "Ani Petugas Baru", "email": "ani@example.id", "role": Role.OFFICER,
            "agency": personas.dukcapil.code, "village": ""}
    data.update(overrides)
    return client.post(reverse("administration:staff_new"), data)


@pytest.mark.parametrize("name", ADMIN_ONLY)
def test_admin_screens_refuse_an_officer_a_head_and_a_citizen_and_send_visitors_to_log_in(
    personas: Any, name: str
) -> None:
    url = reverse(name)
    for persona in (personas.officer, personas.head, personas.citizen, personas.operator):
        assert _client(persona).get(url).status_code == 403, persona
    response = Client().get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert _client(personas.admin).get(url).status_code == 200


def test_a_platform_admin_who_is_not_a_superuser_may_use_them_too(personas: Any) -> None:
    personas.admin.is_superuser = personas.admin.is_staff = False
    personas.admin.save()
    page = _client(personas.admin).get(reverse("administration:home")).content.decode()
    assert "Kesehatan platform" in page
    assert "Admin Django" not in page and 'href="/admin/' not in page  # the Django admin is for superusers only


def test_the_admin_home_shows_health_honestly(personas: Any) -> None:
    OutboxMessage.objects.create(backend="webhook", status=OutboxStatus.DEAD, next_attempt_at="2026-01-01T00:00Z")
    page = _client(personas.admin).get(reverse("administration:home")).content.decode()
    assert "Belum ada cadangan yang tercatat." in page
    assert "Belum pernah diperiksa." in page
    assert re.search(r'class="ws-bad"><span class="ws-figure">1</span> pesan gagal terkirim', page)
    for name in ("administration:office_list", "administration:staff_list", "infrastructure:dashboard",
                 "assessment:index"):
        assert f'href="{reverse(name)}"' in page


def test_backups_and_audit_checks_are_shown_once_recorded(
    personas: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core.management import call_command

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    call_command("backup_record", "backups/simpul-20261204T010000Z")
    client = _client(personas.admin)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("administration:audit_verify")).status_code == 302
    page = client.get(reverse("administration:home")).content.decode()
    assert "Belum ada cadangan yang tercatat." not in page
    assert '<span class="tag ok">utuh</span>' in page
    assert "diperiksa" in page
    assert not AuditEntry.objects.filter(action__startswith="core.audit").exists()  # a check leaves the chain as it was


def test_one_screen_invites_a_staff_member_who_sets_a_password_and_enrols_totp(
    personas: Any, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    admin = _client(personas.admin)
    response = _invite(admin, personas)
    user = User.objects.get(email="ani@example.id")
    assert response.status_code == 302 and response["Location"] == reverse("administration:staff_detail",
                                                                            args=[user.pk])
    assert user.role == Role.OFFICER and not user.has_usable_password()
    assert Membership.objects.get(user=user).agency == personas.dukcapil
    assert AuditEntry.objects.filter(action="administration.staff_invited", object_id=str(user.pk),
                                     actor=personas.admin).exists()
    outbox_deliver_batch()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ani@example.id"]
    link = re.search(r"https?://\S+/akun/undangan/\S+/", mail.outbox[0].body).group(0)
    path = "/" + link.split("/", 3)[3]

    newcomer = Client()
    assert newcomer.get(path).status_code == 200
    response = newcomer.post(path, {"new_password1": "sungai-musi-mengalir-jauh", "new_password2":
                                    "sungai-musi-mengalir-jauh"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:otp_setup"))
    setup = newcomer.get(response["Location"])
    assert 'src="data:image/svg+xml' in setup.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = newcomer.post(response["Location"], {"token": token_for(device)})
    assert response.status_code == 302 and response["Location"] == reverse("backoffice:worklist")
    assert AuditEntry.objects.filter(action="accounts.invitation_accepted", object_id=str(user.pk)).exists()
    # the link worked once
    assert Client().get(path).status_code == 410


def test_the_village_is_required_exactly_for_village_operators(personas: Any) -> None:
    admin = _client(personas.admin)
    response = _invite(admin, personas, role=Role.VILLAGE_OPERATOR, agency="")
    assert response.status_code == 400 and "Operator desa harus ditugaskan ke satu desa." in response.content.decode()
    response = _invite(admin, personas, village=personas.desa.code)
    assert response.status_code == 400 and "Hanya operator desa" in response.content.decode()
    response = _invite(admin, personas, role=Role.VILLAGE_OPERATOR, agency="", village=personas.desa.code)
    assert response.status_code == 302
    assert User.objects.get(email="ani@example.id").village == personas.desa
    assert not User.objects.filter(email="ani@example.id", memberships__isnull=False).exists()


def test_an_officer_needs_an_office_and_an_address_is_used_once(personas: Any) -> None:
    admin = _client(personas.admin)
    assert "Pilih kantor tempat orang ini bekerja." in _invite(admin, personas, agency="").content.decode()
    response = _invite(admin, personas, email=personas.officer.email)
    assert response.status_code == 400 and "Sudah ada akun dengan alamat email ini." in response.content.decode()


def test_deactivation_ends_sessions_revokes_api_keys_and_is_audited(personas: Any) -> None:
    officer = _client(personas.officer)
    assert officer.get(reverse("backoffice:worklist")).status_code == 200
    client = ApiClient.objects.create(name="SIAK Dukcapil")
    key = ApiKey.objects.create(client=client, prefix="abcd1234", secret_hash="x" * 64, created_by=personas.officer)
    admin = _client(personas.admin)
    assert admin.get(reverse("administration:staff_deactivate", args=[personas.officer.pk])).status_code == 200
    response = admin.post(reverse("administration:staff_deactivate", args=[personas.officer.pk]),
                          {"reason": "Pindah tugas"})
    assert response.status_code == 302
    personas.officer.refresh_from_db()
    key.refresh_from_db()
    assert not personas.officer.is_active and key.revoked_at is not None
    assert not any(s.get_decoded().get("_auth_user_id") == str(personas.officer.pk) for s in Session.objects.all())
    assert officer.get(reverse("backoffice:worklist")).status_code == 302  # the old session is gone
    entry = AuditEntry.objects.get(action="administration.staff_deactivated")
    assert entry.actor == personas.admin and entry.changes["sessions_ended"] == 1
    assert entry.changes["api_keys_revoked"] == ["abcd1234"]
    assert Client().post(reverse("accounts:login"), {"username": personas.officer.email,
                                                      "password": PASSWORD}).status_code == 200  # refused


def test_an_admin_cannot_deactivate_themselves(personas: Any) -> None:
    response = _client(personas.admin).post(reverse("administration:staff_deactivate", args=[personas.admin.pk]))
    assert response.status_code == 400
    personas.admin.refresh_from_db()
    assert personas.admin.is_active


def test_a_head_reads_only_the_staff_of_their_own_office_and_changes_nothing(personas: Any) -> None:
    head = _client(personas.head)
    page = head.get(reverse("administration:staff_list")).content.decode()
    assert personas.officer.full_name in page and personas.other_officer.full_name not in page
    assert head.get(reverse("administration:staff_detail", args=[personas.officer.pk])).status_code == 200
    assert head.get(reverse("administration:staff_detail", args=[personas.other_officer.pk])).status_code == 404
    assert head.get(reverse("administration:office_detail", args=[personas.dukcapil.code])).status_code == 200
    assert head.get(reverse("administration:office_detail", args=[personas.dpmptsp.code])).status_code == 403
    for name in ("administration:staff_edit", "administration:staff_deactivate"):
        assert head.post(reverse(name, args=[personas.officer.pk])).status_code == 403
    officer = _client(personas.officer)
    assert officer.get(reverse("administration:staff_list")).status_code == 403
    assert _client(personas.citizen).get(reverse("administration:staff_list")).status_code == 403


def test_changing_role_and_office_is_audited_and_shown_on_the_person_page(personas: Any) -> None:
    admin = _client(personas.admin)
    response = admin.post(reverse("administration:staff_edit", args=[personas.officer.pk]), {
        "full_name": "Petugas Dukcapil", "role": Role.AGENCY_HEAD, "agency": personas.dpmptsp.code, "village": ""})
    assert response.status_code == 302
    membership = Membership.objects.get(user=personas.officer, is_active=True)
    assert membership.agency == personas.dpmptsp and membership.role == "head"
    assert not Membership.objects.get(user=personas.officer, agency=personas.dukcapil).is_active
    page = admin.get(reverse("administration:staff_detail", args=[personas.officer.pk])).content.decode()
    assert "Nama, peran, atau kantor diubah" in page
    assert "Peran: Petugas OPD → Kepala OPD" in page
    assert "Kantor: Dinas Administrasi Kependudukan dan Pencatatan Sipil → DPMTSP dan ULP" in page


def test_offices_and_units_are_created_and_edited_in_the_workspace_with_their_audit_trail(personas: Any) -> None:
    admin = _client(personas.admin)
    response = admin.post(reverse("administration:office_new"), {
        "code": "dukcapil-pelayanan", "name": "Bidang Pelayanan Pendaftaran Penduduk", "kind": "unit",
        "parent": personas.dukcapil.code, "is_active": "on"})
    assert response.status_code == 302
    unit = Agency.objects.get(code="dukcapil-pelayanan")
    assert unit.parent == personas.dukcapil
    response = admin.post(reverse("administration:office_edit", args=[unit.code]), {
        "name": "Bidang Pelayanan", "short_name": "Pelayanan", "kind": "unit", "parent": personas.dukcapil.code,
        "is_active": "on"})
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.name == "Bidang Pelayanan"
    page = admin.get(reverse("administration:office_detail", args=[unit.code])).content.decode()
    assert "Kantor dibuat" in page and "Data kantor diubah" in page
    parent = admin.get(reverse("administration:office_detail", args=[personas.dukcapil.code])).content.decode()
    assert "Bidang Pelayanan" in parent
    assert AuditEntry.objects.filter(action__startswith="agencies.agency_", actor=personas.admin).count() == 2


def test_the_office_list_takes_a_fixed_number_of_queries(personas: Any, django_assert_max_num_queries: Any
                                                         ) -> None:
    admin = _client(personas.admin)
    with django_assert_max_num_queries(12):
        assert admin.get(reverse("administration:office_list")).status_code == 200
    with django_assert_max_num_queries(12):
        assert admin.get(reverse("administration:staff_list")).status_code == 200


def test_an_invitation_link_expires_and_a_forged_or_closed_one_never_works(personas: Any, settings: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone
    from freezegun import freeze_time

    from simpul.accounts.invitations import invitation_token
    from simpul.administration.services import staff_deactivate, staff_invite

    settings.STAFF_INVITATION_DAYS = 3
    user = staff_invite(actor=personas.admin, full_name="Budi Baru", email="budi@example.id", role=Role.EVALUATOR)
    url = reverse("accounts:invitation_accept", args=[invitation_token(user)])
    assert Client().get(url).status_code == 200
    with freeze_time(timezone.now() + timedelta(days=3, minutes=1)):
        page = Client().get(url)
        assert page.status_code == 410 and "Minta undangan baru" in page.content.decode()
    assert Client().get(url[:-3] + "xx/").status_code == 410
    staff_deactivate(actor=personas.admin, user=user)
    assert Client().get(url).status_code == 410


def test_sending_the_invitation_again_is_audited_and_refused_once_accepted(personas: Any) -> None:
    admin = _client(personas.admin)
    _invite(admin, personas)
    user = User.objects.get(email="ani@example.id")
    response = admin.post(reverse("administration:staff_resend", args=[user.pk]))
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="administration.staff_invitation_resent", actor=personas.admin).exists()
    response = admin.post(reverse("administration:staff_resend", args=[personas.officer.pk]), follow=True)
    assert "Orang ini sudah menerima undangan" in response.content.decode()
