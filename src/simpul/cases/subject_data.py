"""The cases' part of the data-subject export (UU 27/2022): who opened the personal data of the person's cases.

Each read of a case's personal data is in the access log (`simpul.core.models.PersonalDataAccess`). The export
names the office that read it and when, through which door, never the staff member: the right of access is to
know which controller's unit processed the data, and a name would expose the officer to the person they decide
on. The office is the reader's agency that had the case (the agency holding it, or one it was forwarded to),
else any agency the reader belongs to; a village operator is their village office; an API client is named as
the system it is. Only the person's own cases (`Case.applicant`) are listed; a search is not tied to a case.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from simpul.accounts.models import Role
from simpul.accounts.subject_data import register_subject_data
from simpul.agencies.models import Membership
from simpul.cases.models import Case, Disposition
from simpul.core.models import AccessDoor, PersonalDataAccess


def _offices(accesses: list[Any], cases: dict[int, Any]) -> dict[int, str]:
    """The office name of each access, by access id (three queries, whatever the number of rows)."""
    from django.contrib.auth import get_user_model


    actor_ids = {a.actor_id for a in accesses if a.actor_id}
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=actor_ids).select_related("village")}
    agencies: dict[int, dict[int, str]] = {}
    for user_id, agency_id, name in (Membership.objects.filter(user_id__in=actor_ids)
                                     .values_list("user_id", "agency_id", "agency__name")):
        agencies.setdefault(user_id, {})[agency_id] = name
    involved: dict[int, set[int]] = {pk: {case.agency_id} for pk, case in cases.items()}
    for case_id, from_id, to_id in (Disposition.objects.filter(case_id__in=list(cases))
                                    .values_list("case_id", "from_agency_id", "to_agency_id")):
        involved[case_id] |= {from_id, to_id}
    offices: dict[int, str] = {}
    for access in accesses:
        user = users.get(access.actor_id) if access.actor_id else None
        if access.api_client_id is not None:
            offices[access.pk] = _("{system} (system, through the API)").format(system=access.actor_label)
        elif user is not None and user.role == Role.VILLAGE_OPERATOR and user.village is not None:
            offices[access.pk] = _("Village office of {village}").format(village=user.village.name)
        else:
            mine = agencies.get(access.actor_id or 0, {})
            names = [name for pk, name in mine.items() if pk in involved.get(access.case_id or 0, set())]
            names = names or sorted(mine.values())
            offices[access.pk] = ", ".join(sorted(names)) or _("Regency administration")
    return offices


@register_subject_data("case_access")
def case_access(user: Any) -> list[dict[str, Any]]:
    """Each read of the personal data of `user`'s cases: the case, when, through which door, by which office."""

    cases = {case.pk: case for case in Case.objects.filter(applicant=user).only("pk", "reference", "agency_id")}
    if not cases:
        return []
    accesses = list(PersonalDataAccess.objects.filter(case_id__in=list(cases)).order_by("at", "id"))
    offices = _offices(accesses, cases)
    return [{
        "reference": cases[access.case_id].reference,
        "at": access.at.isoformat(),
        "door": str(AccessDoor(access.door).label) if access.door in AccessDoor.values else access.door,
        "office": offices[access.pk],
    } for access in accesses]
