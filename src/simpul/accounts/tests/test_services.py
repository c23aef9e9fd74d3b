"""Services: registration, profile updates, NIK reveal, village operators, TOTP devices."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from simpul.accounts import selectors, services
from simpul.accounts.models import BusinessProfile, CitizenProfile, Role, User
from simpul.core.models import AuditEntry

NIK = "1606014107950001"
PASSWORD = "sungai-musi-mengalir-jauh"


def register(region_tree, **overrides):
    data = {
        "email": "siti@example.id",
        "phone": "",
        "password": PASSWORD,
        "full_name": "Siti Aminah",
        "nik": NIK,
        "domicile": region_tree["16.06.01.2001"],
    }
    data.update(overrides)
    return services.citizen_register(**data)


def test_citizen_register_encrypts_nik_and_audits_it_masked(region_tree):
    user = register(region_tree)
    profile = user.citizen_profile
    assert user.role == Role.CITIZEN
    assert profile.nik == NIK and profile.sex == "F" and profile.birth_date.isoformat() == "1995-07-01"
    entry = AuditEntry.objects.get(action="accounts.citizen_registered")
    assert entry.changes["nik"] == "1606********0001"
    assert NIK not in str(entry.changes) and "siti@example.id" not in str(entry.changes)
    assert selectors.citizen_profile_by_nik(nik=NIK) == profile


def test_citizen_register_refuses_a_nik_twice(region_tree):
    register(region_tree)
    with pytest.raises(ValidationError) as info:
        register(region_tree, email="other@example.id")
    assert "nik" in info.value.message_dict
    assert CitizenProfile.objects.count() == 1


def test_citizen_register_reports_every_bad_field_at_once(region_tree):
    with pytest.raises(ValidationError) as info:
        register(region_tree, email="", phone="", nik="1606013202950001", password="short", domicile=None)
    assert set(info.value.message_dict) >= {"email", "nik", "password", "domicile"}
    assert User.objects.count() == 0


def test_citizen_register_with_phone_only(region_tree):
    user = register(region_tree, email="", phone="0812-3456-7890")
    assert user.phone == "+6281234567890" and user.email is None


def test_business_register(region_tree):
    user = services.business_register(
        email="usaha@example.id",
        phone="",
        password=PASSWORD,
        full_name="Budi",
        business_name="CV Maju",
        nib="9120001234567",
        kbli_codes="47111, 56101",
        address="Jl. Merdeka 1",
        desa=region_tree["16.06.01.2001"],
    )
    assert user.business_profile.kbli_codes == ["47111", "56101"]
    assert AuditEntry.objects.filter(action="accounts.business_registered").count() == 1
    with pytest.raises(ValidationError) as info:
        services.business_register(
            email="usaha2@example.id",
            phone="",
            password=PASSWORD,
            full_name="Budi",
            business_name="CV Maju",
            nib="9120001234567",
            kbli_codes="4711",
            address="x",
            desa=region_tree["16.06.01"],
        )
    assert {"nib", "kbli_codes", "desa"} <= set(info.value.message_dict)
    assert BusinessProfile.objects.count() == 1


def test_profile_update_by_owner_is_audited_and_nik_only_by_admin(personas, region_tree):
    user = register(region_tree)
    profile = user.citizen_profile
    services.profile_update(
        actor=user, profile=profile, data={"full_name": "Siti A.", "domicile": personas.other_desa}
    )
    entry = AuditEntry.objects.filter(action="accounts.profile_updated").last()
    assert entry.changes["domicile"] == ["16.06.01.2001", "16.06.02.2001"]
    assert User.objects.get(pk=user.pk).full_name == "Siti A."
    with pytest.raises(ValidationError):
        services.profile_update(actor=user, profile=profile, data={"nik": "1606010107950002"})
    with pytest.raises(PermissionDenied):
        services.profile_update(actor=personas.citizen, profile=profile, data={"full_name": "x"})
    services.profile_update(actor=personas.admin, profile=profile, data={"nik": "1606010107950002"})
    profile.refresh_from_db()
    assert profile.nik == "1606010107950002" and profile.sex == "M"
    entry = AuditEntry.objects.filter(action="accounts.profile_updated").last()
    assert entry.changes["nik"] == ["1606********0001", "1606********0002"]


@pytest.mark.parametrize("who", ["officer", "head", "admin"])
def test_nik_reveal_for_staff_is_audited(personas, region_tree, who):
    profile = register(region_tree).citizen_profile
    viewer = getattr(personas, who)
    assert services.nik_reveal(viewer=viewer, profile=profile, purpose="verify KTP") == NIK
    entry = AuditEntry.objects.get(action="pdp.nik_revealed")
    assert entry.actor_id == viewer.pk and entry.changes["nik"] == "1606********0001"


@pytest.mark.parametrize("who", ["citizen", "business", "operator", "evaluator", "steward"])
def test_nik_reveal_refused_for_other_roles(personas, region_tree, who):
    profile = register(region_tree).citizen_profile
    with pytest.raises(PermissionDenied):
        services.nik_reveal(viewer=getattr(personas, who), profile=profile)
    assert not AuditEntry.objects.filter(action="pdp.nik_revealed").exists()
    assert AuditEntry.objects.filter(action="pdp.nik_reveal_refused").exists()


def test_village_operator_needs_one_desa(personas):
    user = personas.evaluator
    with pytest.raises(ValidationError):
        services.village_operator_assign(actor=personas.admin, user=user, village=personas.kecamatan)
    services.village_operator_assign(actor=personas.admin, user=user, village=personas.desa)
    user.refresh_from_db()
    assert user.role == Role.VILLAGE_OPERATOR and user.village == personas.desa
    with pytest.raises(PermissionDenied):
        services.village_operator_assign(actor=personas.officer, user=user, village=personas.other_desa)
