"""Audit actions and change fields in the words an admin reads on a person's or an office's page (never the
action's code, such as `agencies.membership_add`). An action missing here shows its code."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from simpul.accounts.models import Role
from simpul.agencies.models import MembershipRole

ACTION_LABELS: dict[str, Any] = {
    "administration.staff_invited": _("Invited as staff"),
    "administration.staff_invitation_resent": _("Invitation sent again"),
    "administration.staff_changed": _("Name, role or office changed"),
    "administration.staff_deactivated": _("Account deactivated"),
    "accounts.invitation_accepted": _("Password chosen from the invitation"),
    "accounts.totp_device_confirmed": _("Authenticator app set up"),
    "accounts.village_operator_assigned": _("Made village operator"),
    "agencies.membership_add": _("Joined an office"),
    "agencies.membership_remove": _("Left an office"),
    "agencies.agency_create": _("Office created"),
    "agencies.agency_update": _("Office details changed"),
}

FIELD_LABELS: dict[str, Any] = {
    "email": _("Email address"),
    "role": _("Role"),
    "agency": _("Office"),
    "agencies": _("Offices"),
    "village": _("Village"),
    "full_name": _("Full name"),
    "reason": _("Reason"),
    "sessions_ended": _("Sessions ended"),
    "api_keys_revoked": _("API keys revoked"),
    "name": _("Full name"),
    "short_name": _("Short name"),
    "kind": _("Kind"),
    "parent": _("Part of"),
    "is_active": _("Active"),
    "code": _("Code"),
    "address": _("Address"),
    "phone": _("Phone"),
    "website": _("Website"),
    "region": _("Area"),
    "handles_complaints": _("Handles complaints"),
    "device": _("Device"),
}
HIDDEN_FIELDS = frozenset({"user", "before"})
ROLE_LABELS = {**dict(MembershipRole.choices), **dict(Role.choices)}


def _value(value: Any, names: dict[str, str] | None = None) -> str:
    names = names or {}
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list):
        return ", ".join(_value(item, names) for item in value)
    if isinstance(value, dict) and set(value) == {"from", "to"}:
        return f"{_value(value['from'], names)} → {_value(value['to'], names)}"
    if isinstance(value, str) and value in names:
        return names[value]
    if isinstance(value, str) and value in ROLE_LABELS:
        return str(ROLE_LABELS[value])
    return str(value)


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


# Changes whose values are office codes, shown by the office's name.
OFFICE_FIELDS = frozenset({"agency", "agencies"})


def change_lines(changes: dict[str, Any], office_names: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(label, value) pairs of an entry's changes, in the reader's words (offices by name, given their codes)."""
    return [(str(FIELD_LABELS.get(key, key)), _value(value, office_names if key in OFFICE_FIELDS else None))
            for key, value in (changes or {}).items() if key not in HIDDEN_FIELDS]
