"""Template filters for the one date format of staff pages (`simpul.cases.display`): `{{ d|day }}`,
`{{ t|moment }}`."""

from __future__ import annotations

from typing import Any

from django import template

from simpul.cases.display import date_display, datetime_display

register = template.Library()


@register.filter
def day(value: Any) -> str:
    return date_display(value)


@register.filter
def moment(value: Any) -> str:
    return datetime_display(value)
