"""A case's history and the applicant's notifications: one event row per step, one notification per event.

Every writer of cases (intake, actions, privacy) records its steps through `event_record` and tells the applicant
through `notify`.
"""

from __future__ import annotations

from typing import Any

from simpul.cases.constants import CaseStatus
from simpul.cases.models import Case, CaseEvent
from simpul.core.actors import Actor
from simpul.notifications.services import notification_queue


def loaded_related(obj: Any, name: str) -> Any:
    """The related object `name` of `obj` if it is already loaded (select_related), else None (no query)."""
    try:
        field = obj._meta.get_field(name)
    except Exception:
        return None
    return field.get_cached_value(obj, default=None) if field.is_cached(obj) else None


def actor_name(actor: Actor | Any) -> str:
    """How the history names `actor` (an `Actor` or a user): "" for nobody signed in (the caller words that)."""
    return Actor.of(actor).label


def notify(case: Case, event: str, context: dict[str, Any] | None = None) -> None:
    """Queue the notification of `event` to the applicant (through the notifications app, or an outbox row)."""
    ctx = {
        "reference": case.reference,
        "service": str(case.service_version.name) if case.service_version_id else case.service_code,
        "status": case.status,
        "status_label": str(CaseStatus(case.status).label) if case.status in CaseStatus.values else case.status,
        "due_date": case.due_date.isoformat() if case.due_date else "",
        "agency": str(case.agency) if case.agency_id else "",
        **(context or {}),
    }
    language = getattr(case.applicant, "preferred_language", "") or "id" if case.applicant_id else "id"
    if not (case.email or case.phone):
        return
    notification_queue(
        event=event, to_email=case.email, to_phone=case.phone, language=language, context=ctx,
        case_reference=case.reference,
    )


def event_record(
    case: Case, *, action: str, actor: Actor | Any, from_status: str = "", to_status: str = "", public_note: str = "",
    internal_note: str = "", visible: bool = True, data: dict[str, Any] | None = None, actor_label: str = "",
) -> CaseEvent:
    who = Actor.of(actor)
    event = CaseEvent(
        case=case, actor=who.account, actor_label=(actor_label or who.label)[:200], action=action, from_status=from_status,
        to_status=to_status, public_note=public_note, internal_note=internal_note, visible_to_applicant=visible,
        data=data or {},
    )
    # The case and the actor are rows this request already holds: their existence checks would be two more
    # queries per event for nothing (the foreign keys still hold in the database).
    event.full_clean(exclude=["case", "actor"])
    event.save()
    return event
