"""Writes of the administration screens: invite a staff member, change their role or office, deactivate them.

One screen replaces three admin screens (user, membership, TOTP device): `staff_invite` creates the account
without a password, its office membership, and e-mails a one-time link (`simpul.accounts.invitations`) through
the notifications service; the person chooses a password and enrols their authenticator app on first log-in.
Every service checks the actor (`permissions.may_administer`), is atomic and writes an audit entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from simpul.accounts.invitations import invitation_days, invitation_token
from simpul.accounts.models import STAFF_ROLES, Role, User
from simpul.administration.permissions import may_administer
from simpul.agencies.models import Agency, Membership, MembershipRole
from simpul.agencies.services import membership_add
from simpul.clients.models import ApiKey
from simpul.core.http.urls import absolute_url
from simpul.core.pdp import mask_email
from simpul.core.services import audit_record
from simpul.notifications.services import notification_send
from simpul.regions.models import Region, RegionLevel

# The office membership each staff role has; roles not listed here work without an office (an office is optional).
MEMBERSHIP_OF_ROLE: dict[str, str] = {
    Role.OFFICER: MembershipRole.OFFICER,
    Role.AGENCY_HEAD: MembershipRole.HEAD,
    Role.PLATFORM_ADMIN: MembershipRole.ADMIN,
}
INVITATION_EVENT = "staff.invitation"


def _require_admin(actor: Any) -> None:
    if not may_administer(actor):
        raise PermissionDenied(_("Only platform admins may manage staff."))


def _check_placement(*, role: str, agency: Agency | None, village: Region | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if role not in STAFF_ROLES:
        errors["role"] = _("Choose one of the staff roles.")
    if role in MEMBERSHIP_OF_ROLE and agency is None:
        errors["agency"] = _("Choose the office this person works in.")
    if role == Role.VILLAGE_OPERATOR:
        if village is None:
            errors["village"] = _("A village operator must be assigned to one village.")
        elif village.level != RegionLevel.DESA:
            errors["village"] = _("Choose a village (desa or kelurahan), not a larger region.")
    elif village is not None:
        errors["village"] = _("Only village operators work for a village: leave the village empty.")
    return errors


def _who(user: User) -> str:
    return mask_email(user.email) or str(user.pk)


def _send_invitation(user: User, agency: Agency | None) -> None:
    url = absolute_url(reverse("accounts:invitation_accept", kwargs={"token": invitation_token(user)}))
    notification_send(
        event=INVITATION_EVENT,
        to_email=user.email or "",
        language=user.preferred_language,
        context={"full_name": user.full_name, "agency_name": agency.name if agency else "Simpul",
                 "invitation_url": url, "valid_days": invitation_days()},
    )


@transaction.atomic
def staff_invite(
    *,
    actor: Any,
    full_name: str,
    email: str,
    role: str,
    agency: Agency | None = None,
    village: Region | None = None,
) -> User:
    """Create a staff account (no password yet), its office membership, and e-mail the invitation. Audited.

    Raises PermissionDenied for an actor who is not a platform admin, ValidationError keyed by field."""
    _require_admin(actor)
    email = (email or "").strip().lower()
    errors = _check_placement(role=role, agency=agency, village=village)
    if not full_name.strip():
        errors["full_name"] = _("Enter the person's full name.")
    if not email:
        errors["email"] = _("Enter the person's e-mail address: the invitation is sent there.")
    elif User.objects.filter(email__iexact=email).exists():
        errors["email"] = _("An account with this email address already exists.")
    if errors:
        raise ValidationError(errors)
    user = User(email=email, full_name=full_name.strip(), role=role, village=village)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    if agency is not None:
        membership_add(user=user, agency=agency, role=MEMBERSHIP_OF_ROLE.get(role, MembershipRole.OFFICER),
                       actor=actor)
    audit_record(
        actor=actor, action="administration.staff_invited", obj=user, object_repr=_who(user),
        changes={"email": mask_email(email), "role": role, "agency": agency.code if agency else None,
                 "village": village.code if village else None},
    )
    _send_invitation(user, agency)
    return user


@transaction.atomic
def staff_invitation_resend(*, actor: Any, user: User) -> None:
    """Send a new invitation link to a person who has not chosen a password yet. Audited."""
    _require_admin(actor)
    if not user.is_active or user.has_usable_password():
        raise ValidationError(_("This person has already accepted the invitation, or the account is closed."))
    membership = user.memberships.select_related("agency").filter(is_active=True).first()
    audit_record(actor=actor, action="administration.staff_invitation_resent", obj=user, object_repr=_who(user),
                 changes={"email": mask_email(user.email)})
    _send_invitation(user, membership.agency if membership else None)


@transaction.atomic
def staff_update(
    *, actor: Any, user: User, full_name: str, role: str, agency: Agency | None = None, village: Region | None = None
) -> User:
    """Change a staff member's name, role, office or village. Their other office memberships end. Audited."""
    _require_admin(actor)
    errors = _check_placement(role=role, agency=agency, village=village)
    if not full_name.strip():
        errors["full_name"] = _("Enter the person's full name.")
    if errors:
        raise ValidationError(errors)
    old_agencies = sorted(user.memberships.filter(is_active=True).values_list("agency__code", flat=True))
    before = {"full_name": user.full_name, "role": user.role, "village": user.village_id, "agencies": old_agencies}
    user.full_name, user.role, user.village = full_name.strip(), role, village
    user.full_clean(exclude=["password"])
    user.save(update_fields=["full_name", "role", "village"])
    ended = user.memberships.filter(is_active=True)
    if agency is not None:
        ended = ended.exclude(agency=agency)
    ended.update(is_active=False, updated_at=timezone.now())
    if agency is not None:
        membership_add(user=user, agency=agency, role=MEMBERSHIP_OF_ROLE.get(role, MembershipRole.OFFICER),
                       actor=actor)
    after = {"full_name": user.full_name, "role": role, "village": village.code if village else None,
             "agencies": [agency.code] if agency else []}
    changed = {key: {"from": before[key], "to": after[key]} for key in after if before[key] != after[key]}
    if changed:
        audit_record(actor=actor, action="administration.staff_changed", obj=user, object_repr=_who(user),
                     changes=changed)
    return user


@dataclass(frozen=True)
class Deactivation:
    sessions_ended: int
    api_keys_revoked: int
    memberships_ended: int


def _end_sessions(user: User) -> int:
    """Delete every live session of `user` (database sessions; each is decoded, as Django keeps no index)."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended


@transaction.atomic
def staff_deactivate(*, actor: Any, user: User, reason: str = "") -> Deactivation:
    """Close a staff account: no more log-ins, every session ended, the API keys they made revoked (they saw
    the secrets), office memberships ended. Audited. A platform admin cannot close their own account."""
    _require_admin(actor)
    if getattr(actor, "pk", None) == user.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    if not user.is_active:
        return Deactivation(0, 0, 0)
    user.is_active = False
    user.save(update_fields=["is_active"])
    now = timezone.now()
    keys = ApiKey.objects.filter(created_by=user, revoked_at__isnull=True)
    key_prefixes = sorted(keys.values_list("prefix", flat=True))
    revoked = keys.update(revoked_at=now)
    memberships = Membership.objects.filter(user=user, is_active=True)
    agencies = sorted(memberships.values_list("agency__code", flat=True))
    ended_memberships = memberships.update(is_active=False, updated_at=now)
    sessions = _end_sessions(user)
    audit_record(
        actor=actor, action="administration.staff_deactivated", obj=user, object_repr=_who(user),
        changes={"reason": reason.strip()[:500], "sessions_ended": sessions, "api_keys_revoked": key_prefixes,
                 "agencies": agencies},
    )
    return Deactivation(sessions_ended=sessions, api_keys_revoked=revoked, memberships_ended=ended_memberships)
