"""The scopes an API client may hold. Data, not code: add a scope here with its description."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

SCOPES = {
    "cases:read": _("Read cases assigned to the client's agencies (status, history, documents)."),
    "cases:write": _("Create cases, apply workflow actions, add documents and dispositions."),
    "opendata:read": _("Read open datasets and their distributions."),
    "infrastructure:read": _("Read the ICT infrastructure registry (sites, links, measurements)."),
    "infrastructure:write": _("Report link measurements and update infrastructure records."),
    "assessment:read": _("Read assessment rounds, indices and published findings."),
    "webhooks:manage": _("Manage the client's own webhook subscriptions."),
}

CASE_SCOPES = ("cases:read", "cases:write")


def scope_choices() -> list[tuple[str, str]]:
    return [(code, f"{code} — {description}") for code, description in SCOPES.items()]
