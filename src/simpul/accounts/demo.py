"""Demo accounts, one per persona (only in demo mode; run after the regions and agencies reference data).

All use the password `simpul-demo-2026`, which the password validators refuse outside demo mode; the demo
sets it directly, bypassing the validators. Staff accounts get a confirmed TOTP device with a fixed key so
`simpul demo totp EMAIL` can print the current code for a newcomer without an authenticator app.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.db import transaction

from simpul.accounts.models import BusinessProfile, CitizenProfile, Role, User
from simpul.accounts.validators import DEMO_PASSWORD, validate_nik
from simpul.agencies.models import Agency, Membership
from simpul.core.pdp import nik_hash
from simpul.regions.models import Region

DEMO_DESA = "16.06.01.2001"  # Sukarami, Kecamatan Sekayu
DEMO_NIK = "1606014107950001"  # registered in Sekayu (16.06.01), female, born 1 July 1995, serial 0001
DEMO_PHONE = "+6281234567001"  # the demo citizen's mobile number (her forms start with it, like her NIK)
DEMO_NIB = "9120001234567"
DEMO_KBLI = ["47111", "56101"]


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: str
    full_name: str
    agency: str = ""
    membership: str = ""
    village: str = ""
    is_admin: bool = False


ACCOUNTS = [
    DemoAccount("warga@simpul.test", Role.CITIZEN, "Siti Aminah"),
    DemoAccount("usaha@simpul.test", Role.BUSINESS, "Budi Santoso"),
    DemoAccount(
        "operator.sekayu@simpul.test", Role.VILLAGE_OPERATOR, "Operator Desa Sukarami", village=DEMO_DESA
    ),
    DemoAccount(
        "petugas.dukcapil@simpul.test", Role.OFFICER, "Rina Petugas Dukcapil", "disdukcapil", "officer"
    ),
    DemoAccount(
        "kepala.dukcapil@simpul.test", Role.AGENCY_HEAD, "Hendra Kepala Dukcapil", "disdukcapil", "head"
    ),
    DemoAccount("petugas.dpmptsp@simpul.test", Role.OFFICER, "Dewi Petugas DPMPTSP", "dpmptsp", "officer"),
    # The complaint-handling unit (agencies data: `handles_complaints`): confidential reporters, staff misconduct.
    DemoAccount(
        "petugas.inspektorat@simpul.test", Role.OFFICER, "Yusuf Petugas Inspektorat", "inspektorat", "officer"
    ),
    DemoAccount(
        "admin@simpul.test", Role.PLATFORM_ADMIN, "Admin Dinkominfo", "dinkominfo", "admin", is_admin=True
    ),
    DemoAccount("evaluator@simpul.test", Role.EVALUATOR, "Evaluator Simpul"),
    DemoAccount("walidata@simpul.test", Role.DATA_STEWARD, "Walidata Simpul"),
]


# Agencies a demo account may miss without failing the demo (a kabupaten's data need not have an Inspektorat).
OPTIONAL_AGENCIES = frozenset({"inspektorat"})


def _demo_key_hex(email: str) -> str:
    """A fixed TOTP key per demo account (demo only: anyone can compute it)."""
    return hashlib.sha256(f"simpul-demo-totp:{email}".encode()).hexdigest()[:40]


def _require_demo_mode() -> None:
    if not settings.DEMO_MODE:
        raise RuntimeError("The demo accounts need demo mode (SIMPUL_DEMO_MODE=true).")


def _user(account: DemoAccount, village: Any) -> User:
    user = User.objects.filter(email=account.email).first()
    if user is None:
        user = User(email=account.email)
    user.full_name = account.full_name
    user.role = account.role
    user.village = village if account.role == Role.VILLAGE_OPERATOR else None
    user.is_staff = account.is_admin
    user.is_superuser = account.is_admin
    user.is_active = True
    user.set_password(DEMO_PASSWORD)  # bypasses the validators on purpose
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def load(*, stdout: Any) -> None:
    """Create or refresh the demo accounts (idempotent) and print the logins table."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    _require_demo_mode()
    desa = Region.objects.filter(code=DEMO_DESA).first()
    if desa is None:
        raise RuntimeError(f"Region {DEMO_DESA} is missing: load the regions reference data first.")
    validate_nik(DEMO_NIK)
    for account in ACCOUNTS:
        user = _user(account, desa)
        if account.role == Role.CITIZEN:
            CitizenProfile.objects.update_or_create(
                user=user,
                defaults={
                    "nik": DEMO_NIK,
                    "nik_hash": nik_hash(DEMO_NIK),
                    "full_name": account.full_name,
                    "birth_date": validate_nik(DEMO_NIK).birth_date,
                    "sex": validate_nik(DEMO_NIK).sex,
                    "domicile": desa,
                    "phone": DEMO_PHONE,
                },
            )
        if account.role == Role.BUSINESS:
            BusinessProfile.objects.update_or_create(
                user=user,
                defaults={
                    "business_name": "CV Maju Bersama Sekayu",
                    "nib": DEMO_NIB,
                    "kbli_codes": DEMO_KBLI,
                    "address": "Jl. Merdeka No. 10, Sekayu",
                    "desa": desa,
                },
            )
        agency = Agency.objects.filter(code=account.agency).first() if account.agency else None
        if account.agency and agency is None and account.agency not in OPTIONAL_AGENCIES:
            raise Agency.DoesNotExist(f"agency {account.agency!r} is not loaded (simpul reference agencies)")
        if agency is not None:
            Membership.objects.update_or_create(
                user=user, agency=agency, defaults={"role": account.membership, "is_active": True}
            )
        if user.is_staff_role:
            TOTPDevice.objects.update_or_create(
                user=user, name="demo", defaults={"key": _demo_key_hex(account.email), "confirmed": True}
            )
    _print_logins(stdout)


def _print_logins(stdout: Any) -> None:
    stdout.write(f"demo accounts: {len(ACCOUNTS)} logins (`simpul run` lists them)")


def demo_logins() -> tuple[list[tuple[str, str]], str]:
    """The demo accounts as `simpul run` lists them (email, "role (agency)") and their one password
    (a hook of `simpul.core.loaders.demo_hook`)."""
    logins = []
    for account in ACCOUNTS:
        role = str(Role(account.role).label)
        logins.append((account.email, f"{role} ({account.agency})" if account.agency else role))
    return logins, DEMO_PASSWORD


def totp_code(*, email: str) -> str:
    """The current TOTP code of a demo staff account (demo mode only)."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    _require_demo_mode()
    device = TOTPDevice.objects.filter(user__email__iexact=email, confirmed=True).order_by("id").first()
    if device is None:
        raise CommandError(
            f"{email} has no TOTP device: is it a demo staff account, and was `simpul demo` run?"
        )
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"
