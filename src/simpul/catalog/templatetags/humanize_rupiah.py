"""`{{ amount|rupiah }}`: "Gratis"/"Free" for 0, otherwise "Rp 150.000" (Indonesian thousands separator)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def rupiah(value: Any) -> str:
    try:
        amount = int(value or 0)
    except (TypeError, ValueError):
        return ""
    if amount == 0:
        return _("Free")
    return "Rp " + f"{amount:,}".replace(",", ".")


@register.filter
def fee_summary(version: Any) -> str:
    """The fee in one short phrase: the note's first sentence when there is one ("Gratis.", "Permohonan tidak
    dipungut biaya."), otherwise the amount."""
    note = str(getattr(version, "fee_note", "") or "").strip()
    if note:
        return note.split(". ", 1)[0].rstrip(".") + "."
    return rupiah(getattr(version, "fee_rupiah", 0))
