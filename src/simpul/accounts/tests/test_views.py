"""Pages under /akun/: registration, log-in by email or phone, the staff TOTP step, lockout, MFA enforcement."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from simpul.accounts.models import CitizenProfile, User
from simpul.conftest import PASSWORD, login
from simpul.core.models import AuditEntry

NIK = "1606014107950001"
NEW_PASSWORD = "sungai-musi-mengalir-jauh"


def token_for(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


def citizen_form(**overrides):
    data = {
        "full_name": "Siti Aminah",
        "nik": NIK,
        "domicile": "16.06.01.2001",
        "email": "siti@example.id",
        "phone": "0812 3456 7890",
        "password": NEW_PASSWORD,
        "password_again": NEW_PASSWORD,
    }
    data.update(overrides)
    return data


def test_registration_page_groups_villages_by_kecamatan(client, region_tree):
    response = client.get(reverse("accounts:register_citizen"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<optgroup label="Kecamatan Sekayu">' in html and "Sukarami" in html


def test_citizen_registration_logs_in_and_shows_masked_nik(client, region_tree):
    response = client.post(reverse("accounts:register_citizen"), citizen_form())
    assert response.status_code == 302
    page = client.get(reverse("accounts:my_account")).content.decode()
    assert "1606********0001" in page and NIK not in page
    assert CitizenProfile.objects.get().user.phone == "+6281234567890"


def test_invalid_nik_keeps_the_other_fields_and_says_why_in_indonesian(client, region_tree):
    response = client.post(reverse("accounts:register_citizen"), citizen_form(nik="1606013202950001"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Angka ke-7 dan ke-8 NIK (32) bukan tanggal lahir" in html
    assert 'value="Siti Aminah"' in html and 'value="siti@example.id"' in html
    assert 'value="0812 3456 7890"' in html
    assert '<option value="16.06.01.2001" selected>' in html
    assert NEW_PASSWORD not in html
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("password", "fragment"),
    [("pendek12345", "terlalu pendek"), ("password1234", "terlalu umum"), ("simpul-demo-2026", "demo")],
)
def test_password_rules(client, region_tree, settings, password, fragment):
    settings.DEMO_MODE = False
    response = client.post(
        reverse("accounts:register_citizen"), citizen_form(password=password, password_again=password)
    )
    assert response.status_code == 400
    assert fragment in response.content.decode()
    assert not User.objects.exists()


def test_business_registration(client, region_tree):
    response = client.post(
        reverse("accounts:register_business"),
        {
            "business_name": "CV Maju",
            "nib": "9120001234567",
            "kbli_codes": "47111, 56101",
            "address": "Jl. Merdeka 1",
            "desa": "16.06.01.2001",
            "full_name": "Budi",
            "email": "budi@example.id",
            "phone": "",
            "password": NEW_PASSWORD,
            "password_again": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert User.objects.get(email="budi@example.id").business_profile.nib == "9120001234567"


def test_bad_nib_is_explained(client, region_tree):
    response = client.post(
        reverse("accounts:register_business"), {"nib": "12345", "business_name": "CV Maju"}
    )
    html = response.content.decode()
    assert response.status_code == 400 and "13 angka" in html and 'value="CV Maju"' in html


@pytest.mark.parametrize(
    "username", ["citizen@test.simpul", "CITIZEN@test.simpul", "0812 3456 7890", "+6281234567890"]
)
def test_login_by_email_or_phone(client, personas, username):
    User.objects.filter(pk=personas.citizen.pk).update(phone="+6281234567890")
    response = client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == personas.citizen.pk


def test_wrong_password_keeps_username(client, personas):
    response = client.post(
        reverse("accounts:login"), {"username": "citizen@test.simpul", "password": "wrong-one-x"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'value="citizen@test.simpul"' in html
    assert "tidak cocok" in html


def test_staff_without_device_is_sent_to_setup_then_accepted(client, personas):
    response = client.post(
        reverse("accounts:login"),
        {"username": "officer@test.simpul", "password": PASSWORD, "next": "/kantor/"},
    )
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:otp_setup"))
    page = client.get(response["Location"])
    assert b'src="data:image/svg+xml' in page.content
    device = TOTPDevice.objects.get(user=personas.officer, confirmed=False)
    bad = client.post(reverse("accounts:otp_setup"), {"token": "000000", "next": "/kantor/"})
    assert bad.status_code == 400
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    ok = client.post(reverse("accounts:otp_setup"), {"token": token_for(device), "next": "/kantor/"})
    assert ok.status_code == 302 and ok["Location"] == "/kantor/"
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert AuditEntry.objects.filter(action="accounts.totp_device_confirmed").exists()


def test_staff_with_device_must_verify_before_backoffice_and_admin(client, personas):
    device = TOTPDevice.objects.create(user=personas.admin, name="phone", confirmed=True)
    response = client.post(reverse("accounts:login"), {"username": "admin@test.simpul", "password": PASSWORD})
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    for path in ["/kantor/", "/admin/", "/en/kantor/"]:
        blocked = client.get(path)
        assert blocked.status_code == 302 and blocked["Location"].startswith(
            reverse("accounts:otp_verify")
        ), path
    # a password alone may not add a second device
    assert client.get(reverse("accounts:otp_setup"))["Location"].startswith(reverse("accounts:otp_verify"))
    ok = client.post(reverse("accounts:otp_verify"), {"token": token_for(device), "next": "/admin/"})
    assert ok.status_code == 302 and ok["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_wrong_totp_code_is_refused(client, personas):
    TOTPDevice.objects.create(user=personas.officer, name="phone", confirmed=True)
    client.post(reverse("accounts:login"), {"username": "officer@test.simpul", "password": PASSWORD})
    response = client.post(reverse("accounts:otp_verify"), {"token": "123456"})
    assert response.status_code == 400 and "tidak benar" in response.content.decode()
    assert client.get("/kantor/").status_code == 302


def test_citizen_is_not_asked_for_totp(client, personas):
    response = client.post(
        reverse("accounts:login"), {"username": "citizen@test.simpul", "password": PASSWORD}
    )
    assert response["Location"] == reverse("accounts:my_account")
    assert client.get(reverse("accounts:my_account")).status_code == 200


def test_shared_login_helper_marks_staff_verified(client, personas):
    login(client, personas.officer)
    response = client.get("/kantor/")
    assert not response.get("Location", "").startswith(reverse("accounts:otp_verify"))


def test_admin_login_page_goes_through_simpul_login(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_lockout_after_repeated_failures_shows_wait_in_indonesian(client, personas, settings):
    statuses = []
    for _attempt in range(settings.AXES_FAILURE_LIMIT + 1):
        response = client.post(
            reverse("accounts:login"), {"username": "citizen@test.simpul", "password": "nope-nope-nope"}
        )
        statuses.append(response.status_code)
    assert statuses[-1] == 429
    html = response.content.decode()
    assert "15 menit" in html and "Terlalu banyak" in html
    # even the right password is refused while locked out
    response = client.post(
        reverse("accounts:login"), {"username": "citizen@test.simpul", "password": PASSWORD}
    )
    assert response.status_code == 429 and "_auth_user_id" not in client.session


def test_logout_is_post_only(client, personas):
    login(client, personas.citizen)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_link(client, personas, mailoutbox):
    response = client.post(reverse("accounts:password_reset"), {"email": "citizen@test.simpul"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1 and "/akun/sandi/atur/" in mailoutbox[0].body


def test_profile_edit(client, personas, region_tree):
    client.post(reverse("accounts:register_citizen"), citizen_form())
    response = client.post(
        reverse("accounts:profile_edit"), {"full_name": "Siti A.", "phone": "", "domicile": "16.06.02.2001"}
    )
    assert response.status_code == 302
    assert CitizenProfile.objects.get().domicile_id == "16.06.02.2001"


def test_lockout_counts_one_account_however_it_is_typed(client, personas, settings):
    variants = [
        "Citizen@test.simpul",
        "CITIZEN@TEST.SIMPUL",
        "citizen@test.simpul ",
        "citizen@Test.simpul",
        "citizen@test.SIMPUL",
    ]
    statuses = [
        client.post(reverse("accounts:login"), {"username": name, "password": "nope-nope-nope"}).status_code
        for name in variants[: settings.AXES_FAILURE_LIMIT]
    ]
    assert statuses[-1] == 429


def test_village_operator_session_has_an_idle_timeout(client, personas, settings):
    settings.OPERATOR_IDLE_SECONDS = 600
    login(client, personas.operator)
    client.get(reverse("accounts:my_account"))
    # the session outlives the idle limit by 10 minutes; the operator middleware logs out at the limit
    assert client.session.get_expiry_age() == 600 + 600


def test_logout_tells_the_browser_to_clear_its_cache_and_storage(client, personas):
    login(client, personas.citizen)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302 and response["Clear-Site-Data"] == '"cache", "storage"'


def test_registration_page_queries_do_not_grow_with_villages(
    client, region_tree, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        assert client.get(reverse("accounts:register_citizen")).status_code == 200


def test_data_subject_export_is_complete_and_audited(client, region_tree):
    from simpul.accounts.subject_data import sections

    with sections.override("test_extra", lambda user: {"hello": user.full_name}):
        client.post(reverse("accounts:register_citizen"), citizen_form())
        assert client.get(reverse("accounts:my_data")).status_code == 200
        response = client.post(reverse("accounts:my_data"))
        data = response.json()
    assert response["Content-Disposition"].startswith("attachment")
    assert data["citizen_profile"]["nik"] == NIK and data["account"]["email"] == "siti@example.id"
    assert data["test_extra"] == {"hello": "Siti Aminah"}
    entry = AuditEntry.objects.get(action="pdp.subject_data_exported")
    assert "citizen_profile" in entry.changes["sections"] and NIK not in str(entry.changes)


def test_officer_lands_on_the_worklist_after_totp(client, personas):
    device = TOTPDevice.objects.create(user=personas.officer, name="phone", confirmed=True)
    response = client.post(reverse("accounts:login"), {"username": "officer@test.simpul", "password": PASSWORD})
    assert response["Location"] == reverse("accounts:otp_verify") + "?next=%2Fkantor%2F"
    ok = client.post(response["Location"], {"token": token_for(device)})
    assert ok["Location"] == "/kantor/"
