"""The events Simpul notifies about, in the words staff read where they see the delivery log (the case page's
notifications table). The templates of each event are `simpul.notifications.reference`."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

EVENT_LABELS: dict[str, Any] = {
    "case.submitted": _("Application received"),
    "case.revision_requested": _("Correction requested"),
    "case.resubmitted": _("Correction received"),
    "case.approved": _("Application approved"),
    "case.rejected": _("Application rejected"),
    "case.status_changed": _("Status changed"),
    "case.forwarded": _("Forwarded to another office"),
    "complaint.received": _("Complaint received"),
    "complaint.resolved": _("Complaint resolved"),
    "application.down_alert": _("Application down"),
    "assessment.invitation": _("Questionnaire invitation"),
    "staff.invitation": _("Staff invitation"),
    "draft.resume_link": _("Link to continue a saved form"),
    "sms.status_reply": _("Reply to a status SMS"),
}
