"""Template helpers of the accounts pages."""

from __future__ import annotations

from datetime import timedelta

from django import template
from django.utils.translation import ngettext

from simpul.accounts.homes import workspace_url
from simpul.accounts.workspace import NavItem, staff_sections

register = template.Library()


@register.filter
def duration_words(value: timedelta | None) -> str:
    """`timedelta(minutes=15)` → "15 minutes" (translated); hours and minutes, rounded up to a minute."""
    if not value:
        return ""
    minutes = max(1, -(-int(value.total_seconds()) // 60))
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours})
    if minutes:
        parts.append(ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes})
    return " ".join(parts)


@register.simple_tag(takes_context=True)
def workspace_link(context: template.Context) -> str | None:
    """The address of the signed-in staff member's workspace (the home of their role), else None."""
    request = context.get("request")
    return workspace_url(getattr(request, "user", None))


@register.simple_tag(takes_context=True)
def staff_nav(context: template.Context) -> list[NavItem]:
    """The workspace sections the signed-in staff member may open (see `accounts.workspace`)."""
    request = context.get("request")
    return staff_sections(getattr(request, "user", None), getattr(request, "path", ""))
