"""Reads of the notifications app."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from simpul.notifications.models import Message, MessageAttempt


def messages_for_case(reference: str) -> QuerySet[Message]:
    """The messages sent about a case, oldest first, with their delivery log (2 queries when iterated).

    Callers check first that the viewer may see the case; show `recipient_display`, never `recipient`.
    """
    return (
        Message.objects.filter(case_reference=reference)
        .order_by("created_at", "id")
        .prefetch_related(Prefetch("attempt_log", queryset=MessageAttempt.objects.order_by("id")))
    )
