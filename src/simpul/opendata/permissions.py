"""Who may prepare, review and withdraw open datasets: decided here, asked by every page and service.

- Walidata (data stewards) and platform admins manage open data: they prepare drafts and withdraw datasets.
- A draft is changed only by the person who prepared it, while it is being prepared or after it was sent back.
- A draft sent for review is published (or sent back) by a second person: another walidata or a platform admin,
  never the one who prepared it. Regional walidata work in a unit of Dinas Kominfo, and Perpres 39/2019 has the
  walidata check the data before it is disseminated, so a colleague is the natural reviewer; the platform admin
  of Dinas Kominfo may review too, so that a regency with one walidata can still publish.
"""

from __future__ import annotations

from typing import Any

from simpul.accounts.models import Role
from simpul.opendata.models import DatasetDraft, DraftStatus

MANAGE_ROLES = frozenset({Role.DATA_STEWARD, Role.PLATFORM_ADMIN})
EDITABLE = frozenset({DraftStatus.DRAFT, DraftStatus.RETURNED})


def may_manage(user: Any) -> bool:
    """A walidata or a platform admin (signed in; the pages also ask for the second factor)."""
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "role", "") in MANAGE_ROLES
                and getattr(user, "is_active", False))


def may_edit_draft(user: Any, draft: DatasetDraft) -> bool:
    return may_manage(user) and draft.prepared_by_id == user.pk and draft.status in EDITABLE


def may_review_draft(user: Any, draft: DatasetDraft) -> bool:
    """A second person: a manager who did not prepare the draft, once it is sent for review."""
    return (may_manage(user) and draft.status == DraftStatus.SUBMITTED
            and draft.prepared_by_id is not None and draft.prepared_by_id != user.pk)
