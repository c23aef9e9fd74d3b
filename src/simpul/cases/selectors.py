"""Reads of the cases app. Access is checked here (with `simpul.cases.permissions`), never in views."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from simpul.cases.constants import CLOSED_STATUSES, CONSENT_DOCUMENT, CaseKind, CaseStatus
from simpul.cases.models import Case, CaseDocument, CaseEvent, Draft
from simpul.cases.permissions import (
    applicant_events_q,
    applicant_note_q,
    can_view_as_staff,
    member_agency_ids,
    person_of,
    staff_visibility_q,
)
from simpul.cases.reference_numbers import normalise_reference

SORTS = {
    "due": ("due_date", "id"),
    "-due": ("-due_date", "-id"),
    "new": ("-submitted_at", "-id"),
    "old": ("submitted_at", "id"),
    "updated": ("-updated_at", "-id"),
}

# The closed statuses in a fixed order: the same SQL every time, matching the partial indexes of open cases.
OPEN_EXCLUDED = sorted(CLOSED_STATUSES)
# Columns the worklist never shows (answers, ciphertext, a service version's form and texts).
WORKLIST_DEFERRED = (
    "form_data", "consent", "nik_encrypted", "pin_hash", "service_version__form", "service_version__documents",
    "service_version__description_id", "service_version__description_en", "service_version__legal_basis",
    "service_version__search_text", "service_version__fee_note_id", "service_version__fee_note_en",
)


def _base() -> QuerySet[Case]:
    return Case.objects.select_related("service_version", "agency", "desa", "assigned_to")


# The worklist's saved filters (its tabs), each a set of filters of `case_list_for_officer`: a tab is a link.
WORKLIST_TABS: dict[str, dict[str, str]] = {
    "all": {},
    "waiting": {"waiting": "me"},
    "mine": {"assigned": "me"},
    "overdue": {"due": "overdue"},
}


def _overdue_q(today: date) -> Q:
    return Q(due_date__lt=today, paused_since__isnull=True)


def _waiting_q(user: Any) -> Q:
    """Open cases whose next step is this officer's: theirs or nobody's yet, not waiting for the applicant (the
    clock stopped) and not forwarded by their office to another one (then it waits for that office)."""
    return ((Q(assigned_to=user) | Q(assigned_to__isnull=True)) & Q(paused_since__isnull=True)
            & ~Q(status=CaseStatus.PERLU_PERBAIKAN)
            & ~Q(status=CaseStatus.DIDISPOSISI, agency_id__in=member_agency_ids(user)))


def worklist_counts(user: Any) -> dict[str, int]:
    """How many open cases each tab of the worklist (`WORKLIST_TABS`) holds for `user`, in one aggregate query
    over the open cases they may see."""
    today = timezone.localdate()
    counted = (Case.objects.filter(staff_visibility_q(user)).exclude(status__in=OPEN_EXCLUDED).aggregate(
        all=Count("id"), waiting=Count("id", filter=_waiting_q(user)),
        mine=Count("id", filter=Q(assigned_to=user)), overdue=Count("id", filter=_overdue_q(today)),
    ))
    return {name: int(counted[name] or 0) for name in WORKLIST_TABS}


def case_list_for_officer(user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Case]:
    """The worklist of an agency member: cases of their agencies or disposed to them, filtered and sorted.

    Filters: `status` (one or a list; "open" = not closed), `service` (code), `kecamatan` (code), `agency`
    (id, one of theirs), `due` ("overdue" | "today" | "week"), `assigned` ("me" | "none"), `waiting` ("me":
    their next step, see `_waiting_q`), `q` (reference), `sort` (due, -due, new, old, updated); for the
    dashboard's links `officer` (assigned user id), `received_from`/`received_to`, `finished_from`/`finished_to`
    (dates) and `on_time` (finished by the due date).
    """
    filters = filters or {}
    # No DISTINCT (the visibility condition has no join) and none of the large columns a list never shows:
    # at a million cases both decide whether PostgreSQL reads 50 rows through an index or the whole table.
    qs = _base().filter(staff_visibility_q(user)).defer(*WORKLIST_DEFERRED)
    status = filters.get("status") or "open"
    if status == "open":
        qs = qs.exclude(status__in=OPEN_EXCLUDED)
    elif status != "all":
        qs = qs.filter(status__in=status if isinstance(status, list | tuple) else [status])
    if filters.get("service"):
        qs = qs.filter(service_code=filters["service"])
    if filters.get("kecamatan"):  # "none": the cases with no kecamatan yet
        qs = qs.filter(kecamatan_code="" if filters["kecamatan"] == "none" else filters["kecamatan"])
    if filters.get("agency"):
        qs = qs.filter(agency_id=filters["agency"])
    today = timezone.localdate()
    due = filters.get("due")
    if due == "overdue":
        qs = qs.filter(_overdue_q(today)).exclude(status__in=OPEN_EXCLUDED)
    elif due == "today":
        qs = qs.filter(due_date=today)
    elif due == "week":
        qs = qs.filter(due_date__gte=today, due_date__lte=today + timedelta(days=7))
    if filters.get("assigned") == "me":
        qs = qs.filter(assigned_to=user)
    elif filters.get("assigned") == "none":
        qs = qs.filter(assigned_to__isnull=True)
    if filters.get("waiting") == "me":
        qs = qs.filter(_waiting_q(user)).exclude(status__in=OPEN_EXCLUDED)
    # The heads' dashboard links here with these (`simpul.backoffice.selectors`): the assigned officer, received
    # (submitted) in a period, finished (closed, not withdrawn) in a period, finished by the due date.
    if filters.get("officer"):
        qs = qs.filter(assigned_to_id=filters["officer"])
    if filters.get("received_from"):
        qs = qs.filter(submitted_at__date__gte=filters["received_from"])
    if filters.get("received_to"):
        qs = qs.filter(submitted_at__date__lte=filters["received_to"])
    if filters.get("finished_from") or filters.get("finished_to"):
        qs = qs.filter(closed_at__isnull=False).exclude(status=CaseStatus.DIBATALKAN)
    if filters.get("finished_from"):
        qs = qs.filter(closed_at__date__gte=filters["finished_from"])
    if filters.get("finished_to"):
        qs = qs.filter(closed_at__date__lte=filters["finished_to"])
    if filters.get("on_time"):
        qs = qs.filter(closed_at__isnull=False, closed_at__date__lte=F("due_date"))
    if filters.get("q"):
        reference = normalise_reference(str(filters["q"]))
        qs = qs.filter(reference=reference) if reference else qs.filter(reference__icontains=str(filters["q"])[:40])
    return qs.order_by(*SORTS.get(filters.get("sort") or "due", SORTS["due"]))


def case_get_for_staff(*, reference: str, user: Any) -> Case:
    """One case for an agency member who may see it; Http404 otherwise (no hint that it exists)."""
    case = _base().select_related("applicant", "submitted_by").filter(reference=reference).first()
    if case is None or not can_view_as_staff(case, user):
        raise Http404
    return case


def cases_for_applicant(user: Any) -> QuerySet[Case]:
    """The cases a logged-in citizen or business applied for, newest first."""
    if person_of(user) is None:
        return Case.objects.none()
    return _base().filter(applicant=user).order_by("-submitted_at")


def cases_for_operator(user: Any) -> QuerySet[Case]:
    """The cases a village operator submitted, only in their own desa."""
    if person_of(user) is None or not getattr(user, "village_id", None):
        return Case.objects.none()
    return _base().filter(submitted_by=user, desa_id=user.village_id).order_by("-submitted_at")


def cases_for_operator_day(*, user: Any, day: date) -> list[Case]:
    """The cases the village operator `user` sent on `day` for their desa, newest first, each with
    `has_consent_photo` (whether the photo of the signed consent form is attached)."""
    consent = CaseDocument.objects.filter(case=OuterRef("pk"), spec_code=CONSENT_DOCUMENT, deleted_at__isnull=True)
    return list(cases_for_operator(user).filter(submitted_at__date=day).defer(*WORKLIST_DEFERRED)
                .select_related("service_version__service").annotate(has_consent_photo=Exists(consent)))


def case_get_for_operator(*, reference: str, user: Any) -> Case:
    """One case the village operator `user` sent for their own desa (`cases_for_operator`); Http404 for any
    other case, without a hint that it exists."""
    canonical = normalise_reference(reference) or reference
    case = cases_for_operator(user).filter(reference=canonical).select_related("service_version__service").first()
    if case is None:
        raise Http404
    return case


def case_public_history(case: Case) -> list[CaseEvent]:
    """Events the applicant may see, each with only its note to the applicant (`public_note`): no internal
    notes, no staff names. The tracking page, the status API and the correction form read this."""
    return list(case.events.filter(applicant_events_q()).order_by("at", "id"))


@dataclass(frozen=True)
class RevisionRequest:
    """What the officer asked in the latest revision request: the message to the applicant, and the answers
    (field names) and documents (codes) to change; both empty means the whole application."""

    note: str
    fields: tuple[str, ...]
    documents: tuple[str, ...]

    @property
    def targeted(self) -> bool:
        return bool(self.fields or self.documents)


def case_revision_request(case: Case) -> RevisionRequest:
    """The latest revision request of the case, as its applicant may read it."""
    event = (case.events.filter(action="request_revision").order_by("-at", "-id")
             .only("public_note", "data").first())
    if event is None:
        return RevisionRequest(note="", fields=(), documents=())
    data = event.data or {}
    return RevisionRequest(note=event.public_note, fields=tuple(data.get("asked_fields") or ()),
                           documents=tuple(data.get("asked_documents") or ()))


def latest_applicant_notes(case_ids: list[int]) -> dict[int, str]:
    """The latest note written to the applicant of each case (Open311 `status_notes`)."""
    notes: dict[int, str] = {}
    events = (CaseEvent.objects.filter(applicant_note_q(), case_id__in=case_ids)
              .order_by("case_id", "-at", "-pk").values_list("case_id", "public_note"))
    for case_id, note in events:
        notes.setdefault(case_id, note)
    return notes


def case_documents(case: Case, *, include_deleted: bool = False) -> list[CaseDocument]:
    qs = case.documents.select_related("uploaded_by").order_by("round", "id")
    if not include_deleted:
        qs = qs.filter(deleted_at__isnull=True)
    return list(qs)


def draft_for_caller(*, token: str, user: Any, session_drafts: Iterable[int]) -> Draft | None:
    """The unsent draft with this token if the caller may attach files to it: a signed-in applicant's own draft,
    or an anonymous draft made in the caller's session (`session_drafts`, see SESSION_DRAFTS in cases.views).
    The token alone is not enough: it travels in page addresses and a chunked upload has no form to check."""
    draft = Draft.objects.filter(token=token, case__isnull=True).first() if token else None
    if draft is None:
        return None
    if draft.owner_id is not None:
        return draft if person_of(user) is not None and user.pk == draft.owner_id else None
    return draft if draft.pk in set(session_drafts) else None


def drafts_for_user(user: Any) -> QuerySet[Draft]:
    if person_of(user) is None:
        return Draft.objects.none()
    return Draft.objects.filter(owner=user).select_related("service_version__service")


@dataclass
class AgencyStats:
    open: int
    overdue: int
    closed_in_period: int
    on_time_rate: float | None
    median_days: float | None
    by_status: dict[str, int]


def dashboard_stats(*, agency_id: int, start: date, end: date) -> AgencyStats:
    """Open and overdue cases now; for cases closed in [start, end]: share closed on time and the median
    handling time in calendar days (submission to closing)."""
    today = timezone.localdate()
    cases = Case.objects.filter(agency_id=agency_id)
    open_qs = cases.exclude(status__in=CLOSED_STATUSES)
    by_status = dict(open_qs.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    overdue = open_qs.filter(due_date__lt=today, paused_since__isnull=True).count()
    closed = list(
        cases.filter(closed_at__date__gte=start, closed_at__date__lte=end)
        .exclude(status=CaseStatus.DIBATALKAN)
        .values_list("submitted_at", "closed_at", "due_date")
    )
    on_time = sum(1 for _s, closed_at, due in closed if timezone.localdate(closed_at) <= due)
    durations = [(closed_at - submitted).total_seconds() / 86400 for submitted, closed_at, _d in closed
                 if closed_at is not None]
    return AgencyStats(
        open=sum(by_status.values()), overdue=overdue, closed_in_period=len(closed),
        on_time_rate=(on_time / len(closed)) if closed else None,
        median_days=round(statistics.median(durations), 1) if durations else None, by_status=by_status,
    )


@dataclass
class ComplaintStats:
    received: int
    closed: int
    open: int
    on_time_rate: float | None
    median_days: float | None


def complaint_handling_stats(*, start: date, end: date) -> ComplaintStats:
    """Complaints (LAPOR!) across every agency: received in [start, end], those of them closed, the share
    closed within their due date and the median handling time in calendar days. Used as SPBE indicator 42
    evidence and by open data."""
    received = list(
        Case.objects.filter(
            kind=CaseKind.COMPLAINT, submitted_at__date__gte=start, submitted_at__date__lte=end
        ).values_list("status", "submitted_at", "closed_at", "due_date")
    )
    closed = [row for row in received if row[0] in CLOSED_STATUSES and row[2] is not None]
    on_time = sum(1 for _s, _sub, closed_at, due in closed if timezone.localdate(closed_at) <= due)
    durations = [(closed_at - submitted).total_seconds() / 86400 for _s, submitted, closed_at, _d in closed
                 if closed_at is not None]
    return ComplaintStats(
        received=len(received),
        closed=len(closed),
        open=len(received) - len(closed),
        on_time_rate=(on_time / len(closed)) if closed else None,
        median_days=round(statistics.median(durations), 1) if durations else None,
    )


def overdue_case_count() -> int:
    """Open cases past their due date with their clock running, in every office (the admin home's health)."""
    return (
        Case.objects.exclude(status__in=CLOSED_STATUSES)
        .filter(due_date__lt=timezone.localdate(), paused_since__isnull=True)
        .count()
    )
