"""Shared test fixtures: a small region tree, agencies and one user per persona.

Personas (as in Healthchecks' hc/test.py): `citizen`, `business`, `operator` (village operator of
Sukarami, Sekayu), `officer` (Dinas Dukcapil), `head` (head of Dinas Dukcapil), `other_officer` (DPMPTSP),
`admin` (platform admin at Dinkominfo), `evaluator`, `steward`. Staff logins in HTTP tests go through
`login(client, user)`, which also marks the session as MFA-verified with the user's TOTP device.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.utils import translation

from simpul.accounts.models import Role, User
from simpul.agencies.models import Agency, AgencyKind, Membership, MembershipRole
from simpul.documents.models import Signer
from simpul.regions.models import Region, RegionLevel, VillageKind

PASSWORD = "correct-horse-battery-staple-2026"


@dataclass
class Personas:
    citizen: User
    business: User
    operator: User
    officer: User
    head: User
    other_officer: User
    admin: User
    evaluator: User
    steward: User
    dukcapil: Agency
    dpmptsp: Agency
    dinkominfo: Agency
    desa: Region
    other_desa: Region
    kecamatan: Region


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    """Uploaded files (and audit anchors written by the worker's daily job) of a test go to its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AUDIT_ANCHOR_FILE = tmp_path / "audit-anchors.jsonl"


@pytest.fixture(autouse=True)
def _empty_cache() -> Any:
    """Each test starts with an empty cache: a page cached by one test must not answer in the next, whose
    database (rolled back, so no save signal said so) no longer holds what the page shows."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language() -> Any:
    """Each test starts in the default language (Indonesian): a request to an English page or to the API leaves
    its language active in the thread, and a `reverse()` in the next test would otherwise give an /en/ address."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Argon2 is the production hasher (tests/test_project.py checks that); tests hash cheaply."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _region(code: str, name: str, level: str, kind: str = "", parent: Region | None = None) -> Region:
    region, _ = Region.objects.get_or_create(
        code=code, defaults={"name": name, "level": level, "kind": kind, "parent": parent}
    )
    return region


@pytest.fixture
def region_tree(db: Any) -> dict[str, Region]:
    prov = _region("16", "Sumatera Selatan", RegionLevel.PROVINSI)
    kab = _region("16.06", "Kabupaten Musi Banyuasin", RegionLevel.KABUPATEN, parent=prov)
    sekayu = _region("16.06.01", "Sekayu", RegionLevel.KECAMATAN, parent=kab)
    lais = _region("16.06.02", "Lais", RegionLevel.KECAMATAN, parent=kab)
    return {
        "16": prov,
        "16.06": kab,
        "16.06.01": sekayu,
        "16.06.02": lais,
        "16.06.01.1009": _region("16.06.01.1009", "Kayu Ara", RegionLevel.DESA, VillageKind.KELURAHAN, sekayu),
        "16.06.01.2001": _region("16.06.01.2001", "Sukarami", RegionLevel.DESA, VillageKind.DESA, sekayu),
        "16.06.01.2002": _region("16.06.01.2002", "Lumpatan", RegionLevel.DESA, VillageKind.DESA, sekayu),
        "16.06.02.2001": _region("16.06.02.2001", "Danau Cala", RegionLevel.DESA, VillageKind.DESA, lais),
    }


def _agency(code: str, name: str, short: str, kind: str, region: Region) -> Agency:
    agency, _ = Agency.objects.get_or_create(
        code=code, defaults={"name": name, "short_name": short, "kind": kind, "region": region}
    )
    return agency


def make_user(email: str, role: str, **extra: Any) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=PASSWORD, role=role, **extra)
    return user


@pytest.fixture
def personas(db: Any, region_tree: dict[str, Region]) -> Personas:
    sekayu = region_tree["16.06.01"]
    dukcapil = _agency(
        "disdukcapil", "Dinas Administrasi Kependudukan dan Pencatatan Sipil", "Disdukcapil", AgencyKind.DINAS, sekayu
    )
    dpmptsp = _agency("dpmptsp", "DPMTSP dan ULP", "DPMPTSP", AgencyKind.DINAS, sekayu)
    dinkominfo = _agency("dinkominfo", "Dinas Komunikasi dan Informatika", "Dinkominfo", AgencyKind.DINAS, sekayu)
    officer = make_user("officer@test.simpul", Role.OFFICER, full_name="Petugas Dukcapil")
    head = make_user("head@test.simpul", Role.AGENCY_HEAD, full_name="Kepala Dukcapil")
    other = make_user("other@test.simpul", Role.OFFICER, full_name="Petugas DPMPTSP")
    admin = make_user("admin@test.simpul", Role.PLATFORM_ADMIN, full_name="Admin Dinkominfo", is_staff=True,
                      is_superuser=True)
    Membership.objects.get_or_create(user=officer, agency=dukcapil, defaults={"role": MembershipRole.OFFICER})
    Membership.objects.get_or_create(user=head, agency=dukcapil, defaults={"role": MembershipRole.HEAD})
    Membership.objects.get_or_create(user=other, agency=dpmptsp, defaults={"role": MembershipRole.OFFICER})
    Membership.objects.get_or_create(user=admin, agency=dinkominfo, defaults={"role": MembershipRole.ADMIN})
    # Every approval issues a signed decision letter (simpul.documents): each office that approves has a signer.
    Signer.objects.get_or_create(user=head, agency=dukcapil, defaults={
        "nip": "197001012000031001", "jabatan": "Kepala Dinas Dukcapil", "is_default": True})
    Signer.objects.get_or_create(user=other, agency=dpmptsp, defaults={
        "nip": "198002022005011002", "jabatan": "Kepala DPMPTSP", "is_default": True})
    return Personas(
        citizen=make_user("citizen@test.simpul", Role.CITIZEN, full_name="Siti Warga"),
        business=make_user("business@test.simpul", Role.BUSINESS, full_name="CV Maju Jaya"),
        operator=make_user(
            "operator@test.simpul", Role.VILLAGE_OPERATOR, full_name="Operator Sukarami",
            village=region_tree["16.06.01.2001"],
        ),
        officer=officer,
        head=head,
        other_officer=other,
        admin=admin,
        evaluator=make_user("evaluator@test.simpul", Role.EVALUATOR, full_name="Evaluator"),
        steward=make_user("steward@test.simpul", Role.DATA_STEWARD, full_name="Walidata"),
        dukcapil=dukcapil,
        dpmptsp=dpmptsp,
        dinkominfo=dinkominfo,
        desa=region_tree["16.06.01.2001"],
        other_desa=region_tree["16.06.02.2001"],
        kecamatan=sekayu,
    )


def login(client: Any, user: User) -> None:
    """Log `user` in on a Django test client; staff sessions are marked MFA-verified (TOTP)."""
    client.force_login(user, backend="simpul.accounts.backends.EmailOrPhoneBackend")
    if user.is_staff_role:
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device, _ = TOTPDevice.objects.get_or_create(user=user, name="default", defaults={"confirmed": True})
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
