from __future__ import annotations

from typing import Any

from django import template

from simpul.administration.audit_labels import action_label, change_lines

register = template.Library()


@register.filter
def audit_action(action: str) -> str:
    return action_label(action)


@register.filter
def audit_changes(changes: dict[str, Any]) -> list[tuple[str, str]]:
    return change_lines(changes)
