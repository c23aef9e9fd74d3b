from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from simpul.assessment.labels import level_options, point_label
from simpul.assessment.models import RespondentGroup

register = template.Library()


@register.filter
def get(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def split(value: str) -> list[str]:
    return value.split()


@register.filter
def dec2(value: Any) -> str:
    """Two decimals in the page's language (Indonesian "2,50", English "2.50"), like `floatformat:2`."""
    if value is None or value == "":
        return ""
    return number_format(Decimal(str(value)), decimal_pos=2)


@register.filter
def section_level(code: str) -> str:
    """What a section is, in the words the framework's own text uses (SPBE: domain and aspect)."""
    labels = {
        "domain": _("Domain"),
        "aspect": _("Aspect"),
        "instrument": _("Questionnaire"),
        "theme": _("Theme"),
        "section": _("Section"),
    }
    return str(labels.get(code, code))


@register.filter
def quadrant(code: str) -> str:
    labels = {
        "I": _("I: concentrate here"),
        "II": _("II: keep up the good work"),
        "III": _("III: low priority"),
        "IV": _("IV: possible overkill"),
    }
    return labels.get(code, code)


@register.filter
def status_label(code: str) -> str:
    labels = {
        "agreement": _("Agreement"),
        "partial_agreement": _("Partial agreement"),
        "silence": _("Silence"),
        "dissonance": _("Dissonance"),
    }
    return labels.get(code, code)


@register.filter
def verdict(code: str) -> str:
    labels = {"reliable": _("reliable"), "tentative": _("tentative only"), "reject": _("rejected")}
    return labels.get(code, code)


@register.filter
def group_label(code: str) -> str:
    try:
        return str(RespondentGroup(code).label)
    except ValueError:
        return code


@register.filter(name="point_label")
def point_label_filter(point: Any) -> str:
    return point_label(point)


@register.filter
def levels(item: Any) -> list[dict[str, Any]]:
    return level_options(item)
