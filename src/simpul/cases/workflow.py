"""Workflow tables: which action moves a case from which status to which, who may do it, and whether a
note is required. One table per workflow code; `transition_find` is the only place that reads them.

`simpul.cases.actions.case_transition` enforces these rows (actor roles come from
`simpul.cases.permissions.actor_roles`) and writes the event and the audit entry.

Each row also says who reads the note written with it (`audience`): the applicant (tracking page, status API,
SMS and email, Open311) or staff only. Notes between offices (forward, accept, return, sending to the
complaint-handling unit) are internal by default; the officer may choose otherwise unless `audience_fixed`
(a revision request or a rejection must reach the applicant; the applicant's own withdrawal reason or
correction message is for staff).
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import TypedDict

from django.utils.translation import gettext_lazy as _

from simpul.cases.constants import ActorRole as R
from simpul.cases.constants import CaseAction as A
from simpul.cases.constants import CaseStatus as S
from simpul.cases.constants import NoteAudience, WorkflowCode


class TransitionNotAllowed(Exception):
    """The action is not allowed for this actor in the case's current status (HTTP 409 in the API)."""

    def __init__(self, message: str = "", *, code: str = "transition_not_allowed") -> None:
        super().__init__(message or str(_("This action is not allowed in the current status.")))
        self.code = code


@dataclass(frozen=True)
class Transition:
    source: str
    action: str
    target: str
    roles: frozenset[str]
    note_required: bool = False
    audience: str = NoteAudience.APPLICANT
    audience_fixed: bool = False


def _t(
    source: str, action: str, target: str, roles: AbstractSet[str], note: bool = False, *,
    audience: str = NoteAudience.APPLICANT, fixed: bool = False,
) -> Transition:
    return Transition(source, action, target, frozenset(roles), note, audience, fixed)


class _NoteOptions(TypedDict, total=False):
    audience: str
    fixed: bool


INTERNAL: _NoteOptions = {"audience": NoteAudience.INTERNAL}
TO_APPLICANT_ONLY: _NoteOptions = {"audience": NoteAudience.APPLICANT, "fixed": True}
FROM_APPLICANT: _NoteOptions = {"audience": NoteAudience.INTERNAL, "fixed": True}


STAFF = {R.OFFICER, R.HEAD}

APPLICATION = (
    _t(S.DIAJUKAN, A.VERIFY, S.VERIFIKASI, STAFF),
    _t(S.DIAJUKAN, A.FORWARD, S.DIDISPOSISI, STAFF, note=True, **INTERNAL),
    _t(S.DIAJUKAN, A.WITHDRAW, S.DIBATALKAN, {R.APPLICANT}, **FROM_APPLICANT),
    _t(S.VERIFIKASI, A.REQUEST_REVISION, S.PERLU_PERBAIKAN, STAFF, note=True, **TO_APPLICANT_ONLY),
    _t(S.VERIFIKASI, A.PROCESS, S.DIPROSES, STAFF),
    _t(S.VERIFIKASI, A.APPROVE, S.SELESAI, STAFF),
    _t(S.VERIFIKASI, A.REJECT, S.DITOLAK, STAFF, note=True, **TO_APPLICANT_ONLY),
    _t(S.VERIFIKASI, A.FORWARD, S.DIDISPOSISI, STAFF, note=True, **INTERNAL),
    _t(S.VERIFIKASI, A.WITHDRAW, S.DIBATALKAN, {R.APPLICANT}, **FROM_APPLICANT),
    _t(S.PERLU_PERBAIKAN, A.RESUBMIT, S.VERIFIKASI, {R.APPLICANT}, **FROM_APPLICANT),
    _t(S.PERLU_PERBAIKAN, A.WITHDRAW, S.DIBATALKAN, {R.APPLICANT}, **FROM_APPLICANT),
    _t(S.DIPROSES, A.REQUEST_REVISION, S.PERLU_PERBAIKAN, STAFF, note=True, **TO_APPLICANT_ONLY),
    _t(S.DIPROSES, A.APPROVE, S.SELESAI, STAFF),
    _t(S.DIPROSES, A.REJECT, S.DITOLAK, STAFF, note=True, **TO_APPLICANT_ONLY),
    _t(S.DIPROSES, A.FORWARD, S.DIDISPOSISI, STAFF, note=True, **INTERNAL),
    _t(S.DIPROSES, A.WITHDRAW, S.DIBATALKAN, {R.APPLICANT}, **FROM_APPLICANT),
    _t(S.DIDISPOSISI, A.ACCEPT_DISPOSITION, S.VERIFIKASI, {R.RECEIVER}, **INTERNAL),
    _t(S.DIDISPOSISI, A.RETURN_DISPOSITION, S.VERIFIKASI, {R.RECEIVER}, note=True, **INTERNAL),
)

COMPLAINT = (
    _t(S.DITERIMA, A.VERIFY, S.TERVERIFIKASI, STAFF),
    _t(S.DITERIMA, A.REDIRECT, S.DIALIHKAN, STAFF, note=True),
    _t(S.DITERIMA, A.POSTPONE, S.DITUNDA, STAFF, note=True),
    _t(S.DITERIMA, A.WITHDRAW, S.DIBATALKAN, {R.APPLICANT}, **FROM_APPLICANT),
    _t(S.TERVERIFIKASI, A.FORWARD, S.DIDISPOSISI, STAFF, note=True, **INTERNAL),
    _t(S.TERVERIFIKASI, A.FOLLOW_UP, S.DITINDAKLANJUTI, STAFF),
    _t(S.TERVERIFIKASI, A.POSTPONE, S.DITUNDA, STAFF, note=True),
    _t(S.TERVERIFIKASI, A.REDIRECT, S.DIALIHKAN, STAFF, note=True),
    _t(S.DIDISPOSISI, A.ACCEPT_DISPOSITION, S.DITINDAKLANJUTI, {R.RECEIVER}, **INTERNAL),
    _t(S.DIDISPOSISI, A.RETURN_DISPOSITION, S.TERVERIFIKASI, {R.RECEIVER}, note=True, **INTERNAL),
    _t(S.DITINDAKLANJUTI, A.RESOLVE, S.SELESAI, STAFF, note=True, **TO_APPLICANT_ONLY),
    _t(S.DITINDAKLANJUTI, A.POSTPONE, S.DITUNDA, STAFF, note=True),
    _t(S.DITUNDA, A.RESUME, S.TERVERIFIKASI, STAFF),
    # Complaints about an office's own staff go to the complaint-handling unit (Inspektorat): any office holding
    # a complaint may send it there; the unit receives it as new (`simpul.cases.actions.case_send_to_complaint_unit`).
    _t(S.DITERIMA, A.TO_COMPLAINT_UNIT, S.DITERIMA, STAFF, note=True, **INTERNAL),
    _t(S.TERVERIFIKASI, A.TO_COMPLAINT_UNIT, S.DITERIMA, STAFF, note=True, **INTERNAL),
    _t(S.DITINDAKLANJUTI, A.TO_COMPLAINT_UNIT, S.DITERIMA, STAFF, note=True, **INTERNAL),
    _t(S.DITUNDA, A.TO_COMPLAINT_UNIT, S.DITERIMA, STAFF, note=True, **INTERNAL),
)

INFORMATION_REQUEST = (
    *APPLICATION,
    _t(S.DIPROSES, A.EXTEND, S.DIPERPANJANG, STAFF, note=True),
    _t(S.DIPERPANJANG, A.APPROVE, S.SELESAI, STAFF),
    _t(S.DIPERPANJANG, A.REJECT, S.DITOLAK, STAFF, note=True, **TO_APPLICANT_ONLY),
    _t(S.DIPERPANJANG, A.WITHDRAW, S.DIBATALKAN, {R.APPLICANT}, **FROM_APPLICANT),
)

TABLES: dict[str, tuple[Transition, ...]] = {
    WorkflowCode.APPLICATION: APPLICATION,
    WorkflowCode.COMPLAINT: COMPLAINT,
    WorkflowCode.INFORMATION_REQUEST: INFORMATION_REQUEST,
}

INITIAL_STATUS: dict[str, str] = {
    WorkflowCode.APPLICATION: S.DIAJUKAN,
    WorkflowCode.COMPLAINT: S.DITERIMA,
    WorkflowCode.INFORMATION_REQUEST: S.DIAJUKAN,
}

# statuses in which the SLA clock stands still (waiting for the applicant, or on hold)
PAUSED_STATUSES = frozenset({S.PERLU_PERBAIKAN, S.DITUNDA})


def table_for(workflow: str) -> tuple[Transition, ...]:
    try:
        return TABLES[workflow]
    except KeyError:
        raise TransitionNotAllowed(str(_("Unknown workflow.")), code="unknown_workflow") from None


def statuses_of(workflow: str) -> list[str]:
    seen: list[str] = []
    for row in table_for(workflow):
        for status in (row.source, row.target):
            if status not in seen:
                seen.append(status)
    return seen


def transitions_from(workflow: str, status: str, roles: set[str] | frozenset[str] | None = None) -> list[Transition]:
    """Rows leaving `status`; when `roles` is given, only those one of the roles may take."""
    rows = [row for row in table_for(workflow) if row.source == status]
    if roles is not None:
        rows = [row for row in rows if row.roles & set(roles)]
    return rows


def transition_find(*, workflow: str, status: str, action: str, roles: set[str] | frozenset[str]) -> Transition:
    """The row for (status, action) that one of `roles` may take, or TransitionNotAllowed."""
    rows = [row for row in table_for(workflow) if row.source == status and row.action == action]
    if not rows:
        raise TransitionNotAllowed(
            str(_("This action is not possible while the case is “{status}”.")).format(status=_status_label(status))
        )
    for row in rows:
        if row.roles & set(roles):
            return row
    raise TransitionNotAllowed(str(_("You may not take this action on this case.")), code="not_permitted")


def _status_label(status: str) -> str:
    try:
        return str(S(status).label)
    except ValueError:
        return status
