import pytest
from django.core.exceptions import ValidationError

from simpul.agencies.models import Agency, Membership, MembershipRole
from simpul.agencies.selectors import agencies_for_user, agency_list, user_is_member
from simpul.agencies.services import agency_create, agency_update, membership_add, membership_remove
from simpul.core.models import AuditEntry


def test_agency_create_and_update_are_audited(personas):
    agency = agency_create(code="dinas-baru", name="Dinas Baru", actor=personas.admin, region=personas.kecamatan)
    assert AuditEntry.objects.filter(action="agencies.agency_create", object_id=str(agency.pk)).exists()
    agency_update(agency=agency, name="Dinas Baru Sekali", actor=personas.admin)
    agency.refresh_from_db()
    assert agency.name == "Dinas Baru Sekali"
    entry = AuditEntry.objects.get(action="agencies.agency_update")
    assert entry.changes["name"] == {"from": "Dinas Baru", "to": "Dinas Baru Sekali"}
    agency_update(agency=agency, name="Dinas Baru Sekali", actor=personas.admin)
    assert AuditEntry.objects.filter(action="agencies.agency_update").count() == 1


def test_agency_create_rejects_bad_code_and_duplicates(personas):
    with pytest.raises(ValidationError):
        agency_create(code="bad code!", name="X")
    with pytest.raises(ValidationError):
        agency_create(code="disdukcapil", name="Again")


def test_agency_update_rejects_unknown_fields(personas):
    with pytest.raises(TypeError):
        agency_update(agency=personas.dukcapil, code="other")


def test_membership_roles(personas):
    user = personas.other_officer
    assert not user_is_member(user, personas.dukcapil)
    membership_add(user=user, agency=personas.dukcapil, role=MembershipRole.HEAD, actor=personas.admin)
    assert user_is_member(user, personas.dukcapil)
    assert user_is_member(user, personas.dukcapil, roles=[MembershipRole.HEAD])
    assert not user_is_member(user, personas.dukcapil, roles=[MembershipRole.ADMIN])
    assert set(agencies_for_user(user)) == {personas.dukcapil, personas.dpmptsp}
    assert list(agencies_for_user(user, roles=[MembershipRole.HEAD])) == [personas.dukcapil]
    membership_add(user=user, agency=personas.dukcapil, role=MembershipRole.OFFICER, actor=personas.admin)
    assert Membership.objects.get(user=user, agency=personas.dukcapil).role == MembershipRole.OFFICER
    assert membership_remove(user=user, agency=personas.dukcapil, actor=personas.admin)
    assert not user_is_member(user, personas.dukcapil)
    assert not membership_remove(user=user, agency=personas.dukcapil, actor=personas.admin)
    actions = list(AuditEntry.objects.filter(action__startswith="agencies.membership").values_list("action", flat=True))
    assert actions == ["agencies.membership_add", "agencies.membership_add", "agencies.membership_remove"]


def test_membership_add_rejects_unknown_role(personas):
    with pytest.raises(ValidationError):
        membership_add(user=personas.citizen, agency=personas.dukcapil, role="boss")


def test_inactive_membership_and_anonymous_are_not_members(personas):
    from django.contrib.auth.models import AnonymousUser

    Membership.objects.filter(user=personas.officer).update(is_active=False)
    assert not user_is_member(personas.officer, personas.dukcapil)
    assert not user_is_member(AnonymousUser(), personas.dukcapil)
    assert list(agencies_for_user(AnonymousUser())) == []


def test_agency_list_filters(personas):
    Agency.objects.filter(code="dpmptsp").update(is_active=False)
    codes = [a.code for a in agency_list()]
    assert "dpmptsp" not in codes and "disdukcapil" in codes
    assert [a.code for a in agency_list(region="16.06.02")] == []
    assert "disdukcapil" in [a.code for a in agency_list(region="16.06")]


def test_admin_inline_membership_changes_are_audited(client, personas):
    from simpul.conftest import login

    login(client, personas.admin)
    agency = personas.dpmptsp
    membership = Membership.objects.get(user=personas.other_officer, agency=agency)
    data = {
        "code": agency.code, "name": agency.name, "short_name": agency.short_name, "kind": agency.kind,
        "region": agency.region_id or "", "parent": "", "address": "", "phone": "", "email": "", "website": "",
        "is_active": "on",
        "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "1", "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-id": membership.pk, "memberships-0-agency": agency.pk,
        "memberships-0-user": personas.other_officer.pk, "memberships-0-role": "head",
        "memberships-0-is_active": "on",
    }
    response = client.post(f"/admin/agencies/agency/{agency.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    membership.refresh_from_db()
    assert membership.role == "head"
    entry = AuditEntry.objects.get(object_type="agencies.membership", object_id=str(membership.pk))
    assert entry.action == "admin.change" and entry.actor_id == personas.admin.pk
    assert "role" in entry.changes
