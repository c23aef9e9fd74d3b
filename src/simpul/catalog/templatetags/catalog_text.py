"""`first_sentence`: what a service is about, for lists, without cutting a sentence in the middle (the complaint
topics all went on with the same SP4N-LAPOR! paragraph, cut off at 30 words with "…")."""

from __future__ import annotations

import re

from django import template

register = template.Library()

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“(])")


@register.filter
def first_sentence(text: str) -> str:
    text = " ".join(str(text or "").split())
    return _SENTENCE_END.split(text, maxsplit=1)[0] if text else ""
