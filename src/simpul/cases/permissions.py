"""Who may see and act on a case: the one place that decides (selectors and services call it).

- A citizen or business sees only the cases they applied for (``applicant``).
- A village operator sees only the cases they submitted themselves, and only for their own desa.
- An officer (any active member) of the responsible agency sees its cases; a member of an agency a case is
  disposed to (pending disposition) sees it too.
- Anyone holding the reference + PIN sees the public view of one case (tracking page and status API).

What each persona sees of a case, field by field (every page, export, notification to staff and API asks here):

- The reporter of a confidential or anonymous complaint (`Case.identity`): name, phone, email, NIK and KK are
  masked for every office (`identity_masked`, `reporter_display`, `masked_answer_names`). An anonymous
  complaint keeps none of them. Only members of the complaint-handling unit may reveal a confidential
  reporter (`may_reveal_identity`), and every reveal is audited (`simpul.cases.privacy.case_identity_reveal`).
  A confidential complaint is never shown publicly (`publicly_listed_q`).
- Notes: the applicant, and anyone holding the PIN, sees only notes written to the applicant (the event's
  `public_note` on an event visible to the applicant); internal notes never leave the back office
  (`applicant_events_q`, used by `simpul.cases.selectors.case_public_history` and `latest_applicant_notes`).
- Personal answers shown to whoever holds the PIN (the correction form) are masked too (`PERSONAL_FIELD_TYPES`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from simpul.agencies.models import Membership, MembershipRole
from simpul.cases.constants import ActorRole, DispositionStatus, IdentityProtection
from simpul.cases.models import Disposition
from simpul.catalog.forms_engine import FieldRole, all_fields, fields_with_role, role_field_names
from simpul.core.actors import Actor, ActorKind
from simpul.core.pdp import mask_email, mask_phone


def person_of(who: Any) -> Any:
    """The signed-in, active person behind `who` (an `Actor` or a user), else None: the one test of "is this
    someone signed in" for the checks below (an API client, a PIN holder and the system are nobody's account)."""
    actor = Actor.of(who)
    return actor.user if actor.is_person else None


def member_agency_ids(user: Any, *, roles: list[str] | None = None) -> list[int]:
    user = person_of(user)
    if user is None:
        return []
    qs = Membership.objects.filter(user=user, is_active=True, agency__is_active=True)
    if roles:
        qs = qs.filter(role__in=roles)
    return list(qs.values_list("agency_id", flat=True))


# Up to this many pending dispositions enter the visibility condition as a list of case ids; a longer inbox as a
# subquery (a list of thousands of literals costs more to send and plan than the rows it finds).
DISPOSED_AS_LIST = 100


def staff_visibility_q(user: Any) -> Q:
    """Cases an agency member may see: of their agencies, or disposed (pending) to them.

    The pending dispositions are looked up first (a short inbox, read through its index) and enter the condition
    as case ids, not as a join: an OR across a join needs DISTINCT over every row and keeps PostgreSQL from reading
    a million-case table through its indexes (docs/operations.md, "Worklist at scale"). Without pending
    dispositions the condition is the agency alone, which the indexes that start with the agency serve.
    """
    agency_ids = member_agency_ids(user)
    if not agency_ids:
        return Q(pk__in=[])
    visible = Q(agency_id__in=agency_ids)
    pending = (Disposition.objects.filter(to_agency_id__in=agency_ids, status=DispositionStatus.PENDING)
               .order_by().values_list("case_id", flat=True))
    disposed = sorted(set(pending[: DISPOSED_AS_LIST + 1]))
    if not disposed:
        return visible
    return visible | Q(pk__in=disposed if len(disposed) <= DISPOSED_AS_LIST else pending)


def is_applicant(case: Any, user: Any) -> bool:
    user = person_of(user)
    if user is None:
        return False
    if case.applicant_id is not None and case.applicant_id == user.pk:
        return True
    # a village operator acts for the citizens whose cases they submitted at the village hall
    return case.submitted_by_id is not None and case.submitted_by_id == user.pk


def actor_roles(case: Any, actor: Any, *, via_pin: bool = False) -> set[str]:
    """The workflow roles `actor` (an `Actor`, or a user) holds on `case` (see `simpul.cases.workflow`).

    A person: applicant of their own case (or whoever holds its PIN), officer or head of its agency, receiver
    when it is forwarded (pending) to one of their agencies. An API client: officer when it may act for the
    case's agency, receiver when the case is forwarded to an agency it may act for."""
    who = Actor.of(actor)
    if who.kind is ActorKind.API_CLIENT:
        return _client_roles(case, who)
    roles: set[str] = set()
    if via_pin or who.kind is ActorKind.PIN_HOLDER or is_applicant(case, who):
        roles.add(ActorRole.APPLICANT)
    user = person_of(who)
    if user is None:
        return roles
    memberships = Membership.objects.filter(user=user, is_active=True, agency__is_active=True)
    for agency_id, role in memberships.values_list("agency_id", "role"):
        if agency_id == case.agency_id:
            roles.add(ActorRole.OFFICER)
            if role == MembershipRole.HEAD:
                roles.add(ActorRole.HEAD)
    pending = case.dispositions.filter(status=DispositionStatus.PENDING).values_list("to_agency_id", flat=True)
    if set(pending) & {agency_id for agency_id, _role in memberships.values_list("agency_id", "role")}:
        roles.add(ActorRole.RECEIVER)
    return roles


def _client_roles(case: Any, client: Actor) -> set[str]:
    allowed = client.agency_ids  # empty: any agency
    roles: set[str] = set()
    if not allowed or case.agency_id in allowed:
        roles.add(ActorRole.OFFICER)
    pending = case.dispositions.filter(status=DispositionStatus.PENDING).values_list("to_agency_id", flat=True)
    if any(not allowed or agency_id in allowed for agency_id in pending):
        roles.add(ActorRole.RECEIVER)
    return roles


def can_view_as_staff(case: Any, user: Any) -> bool:
    roles = actor_roles(case, user)
    return bool(roles & {ActorRole.OFFICER, ActorRole.HEAD, ActorRole.RECEIVER})


# -- the reporter's identity --------------------------------------------------------------------------------------

# Answer types that identify a person; with the fields declared with a role (the applicant's name, NIK, phone,
# email and address: `simpul.catalog.forms_engine.FieldRole`) they are the reporter's identity.
IDENTITY_FIELD_TYPES = frozenset({"nik", "kk", "phone", "email"})
# Answer types and names masked when shown to whoever holds the reference + PIN (the correction form).
PERSONAL_FIELD_TYPES = frozenset({"nik", "kk", "phone", "email"})
ADDRESS_FIELDS = ("address", "alamat", "address_detail", "alamat_lengkap")
HIDDEN = _("(hidden)")


def identity_masked(case: Any, user: Any = None) -> bool:
    """Whether the reporter's identity is masked for `user`: for everyone on a confidential or anonymous case
    (the complaint-handling unit too, until it reveals it with `simpul.cases.privacy.case_identity_reveal`)."""
    return getattr(case, "identity", IdentityProtection.OPEN) != IdentityProtection.OPEN


def is_complaint_unit_member(user: Any) -> bool:
    """An officer or head of the complaint-handling unit (an agency marked `handles_complaints`)."""
    user = person_of(user)
    if user is None:
        return False
    return Membership.objects.filter(
        user=user, is_active=True, agency__is_active=True, agency__handles_complaints=True,
        role__in=[MembershipRole.OFFICER, MembershipRole.HEAD],
    ).exists()


def may_reveal_identity(case: Any, user: Any) -> bool:
    """Only the complaint-handling unit may reveal a confidential reporter; nobody an anonymous one (nothing is
    kept), and the office complained about never."""
    return getattr(case, "identity", "") == IdentityProtection.CONFIDENTIAL and is_complaint_unit_member(user)


def reporter_display(case: Any, user: Any = None) -> str:
    """The reporter's name as `user` may see it in lists, case pages, exports and notifications to staff."""
    identity = getattr(case, "identity", IdentityProtection.OPEN)
    if identity == IdentityProtection.ANONYMOUS:
        return str(_("Anonymous reporter"))
    if identity == IdentityProtection.CONFIDENTIAL:
        return str(_("Confidential reporter"))
    return str(case.applicant_name or "")


def contact_display(case: Any, user: Any = None) -> dict[str, str]:
    """Name, phone and email of the applicant as `user` may see them: `HIDDEN` in place of each value a
    protected reporter gave, else the name and the phone and email partly masked (as everywhere for staff)."""
    if identity_masked(case, user):
        return {"name": reporter_display(case, user), "phone": str(HIDDEN) if case.phone else "",
                "email": str(HIDDEN) if case.email else ""}
    return {"name": str(case.applicant_name or ""), "phone": mask_phone(case.phone), "email": mask_email(case.email)}


def identity_answer_names(version: Any) -> set[str]:
    """Names of the form fields that identify the reporter: every NIK, KK, phone and email answer, and the fields
    declared with a role (the applicant's name, address...)."""
    by_type = {f["name"] for f in all_fields(version) if f.get("type") in IDENTITY_FIELD_TYPES}
    return by_type | role_field_names(version)


def masked_answer_names(case: Any, user: Any = None) -> set[str]:
    """Answers `user` may not read on this case: the identity fields of a protected reporter."""
    if not identity_masked(case, user):
        return set()
    return identity_answer_names(case.service_version)


def personal_answer_names(version: Any) -> set[str]:
    """Answers shown masked to whoever holds the reference + PIN: NIK, KK, phone, email and the address (the
    field declared as the applicant's address, or one with a usual address name)."""
    address = {f["name"] for f in fields_with_role(version, FieldRole.APPLICANT_ADDRESS)}
    return address | {f["name"] for f in all_fields(version)
                      if f.get("type") in PERSONAL_FIELD_TYPES or f["name"] in ADDRESS_FIELDS}


def publicly_listed_q() -> Q:
    """Cases that public reads (Open311 without a key, open data) may list: never a confidential one."""
    return ~Q(identity=IdentityProtection.CONFIDENTIAL)


# -- note audiences -----------------------------------------------------------------------------------------------


def applicant_events_q() -> Q:
    """History entries the applicant (or whoever holds the PIN) may see. Their note is `public_note`, written
    only when the note's audience is the applicant (`simpul.cases.workflow`); `internal_note` never shows."""
    return Q(visible_to_applicant=True)


def applicant_note_q() -> Q:
    """Entries that carry a note written to the applicant."""
    return applicant_events_q() & ~Q(public_note="")
