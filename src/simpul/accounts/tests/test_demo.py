"""The demo accounts: idempotent, right roles and memberships, TOTP codes for staff."""

from __future__ import annotations

import io

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from simpul.accounts import demo
from simpul.accounts.models import CitizenProfile, Role, User
from simpul.agencies.models import Membership


@pytest.fixture
def demo_world(personas, settings):
    settings.DEMO_MODE = True
    return personas


def test_demo_is_idempotent_and_complete(demo_world):
    out = io.StringIO()
    demo.load(stdout=out)
    counts = (User.objects.count(), Membership.objects.count(), TOTPDevice.objects.count())
    demo.load(stdout=io.StringIO())
    assert (User.objects.count(), Membership.objects.count(), TOTPDevice.objects.count()) == counts
    assert out.getvalue().strip() == "demo accounts: 10 logins (`simpul run` lists them)"
    logins, password = demo.demo_logins()
    assert ("warga@simpul.test", "Warga") in logins and password == "simpul-demo-2026"
    citizen = User.objects.get(email="warga@simpul.test")
    assert citizen.check_password("simpul-demo-2026")
    assert CitizenProfile.objects.get(user=citizen).domicile_id == "16.06.01.2001"
    operator = User.objects.get(email="operator.sekayu@simpul.test")
    assert operator.role == Role.VILLAGE_OPERATOR and operator.village_id == "16.06.01.2001"
    head = User.objects.get(email="kepala.dukcapil@simpul.test")
    assert head.memberships.get().agency.code == "disdukcapil" and head.memberships.get().role == "head"
    admin = User.objects.get(email="admin@simpul.test")
    assert admin.is_superuser and admin.is_staff
    assert not TOTPDevice.objects.filter(user=citizen).exists()


def test_totp_code_is_accepted_by_the_device(demo_world):
    demo.load(stdout=io.StringIO())
    code = demo.totp_code(email="petugas.dukcapil@simpul.test")
    assert len(code) == 6 and code.isdigit()
    assert TOTPDevice.objects.get(user__email="petugas.dukcapil@simpul.test").verify_token(code)


def test_demo_refuses_to_run_outside_demo_mode(personas, settings):
    settings.DEMO_MODE = False
    with pytest.raises(RuntimeError):
        demo.load(stdout=io.StringIO())


def test_totp_code_for_an_unknown_account_is_a_clear_command_error(demo_world):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="no TOTP device"):
        demo.totp_code(email="nobody@simpul.test")
