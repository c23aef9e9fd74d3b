"""The scopes an API client may hold. Data, not code: add a scope here with its description."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

SCOPES = {
    "cases:intake": _("Submit cases (complaints, applications) and read back only the cases this client submitted."),
    "cases:read": _("Read cases assigned to the client's agencies (status, history, documents)."),
    "cases:write": _("Work cases of the client's agencies: apply workflow actions, add documents and dispositions."),
    "opendata:read": _("Read open datasets and their distributions."),
    "infrastructure:read": _("Read the ICT infrastructure registry (sites, links, measurements)."),
    "infrastructure:write": _("Report link measurements and update infrastructure records."),
    "assessment:read": _("Read assessment rounds, indices and published findings."),
    "documents:read": _("Read issued documents (signed decision letters) by their number, with the signed PDF."),
    "webhooks:manage": _("Manage the client's own webhook subscriptions."),
}

# An intake channel (Open311, a kiosk, a partner portal) gets INTAKE_SCOPES only; an agency's own system, which
# works the cases its agency holds, gets AGENCY_CASE_SCOPES (plus intake when it also submits cases).
INTAKE_SCOPES = ("cases:intake",)
AGENCY_CASE_SCOPES = ("cases:read", "cases:write")
CASE_SCOPES = (*INTAKE_SCOPES, *AGENCY_CASE_SCOPES)


def scope_choices() -> list[tuple[str, str]]:
    return [(code, f"{code} — {description}") for code, description in SCOPES.items()]
