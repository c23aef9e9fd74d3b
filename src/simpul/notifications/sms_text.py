"""How long an SMS is, in the parts a phone network bills and joins: one rule for every text message Simpul sends.

An SMS part holds 160 characters of the GSM 03.38 alphabet (153 each when the message is sent in several
parts), or 70 (67) when any character is outside it (an emoji, a curly quote, "é" is inside, "…" is not), and
the GSM extension characters (`{ } [ ] ~ \\ | ^ €`) take two places each. Messages are never cut in the middle
of a word: a text longer than `SIMPUL_SMS_MAX_PARTS` parts is shortened at a word boundary, ending with "..."
(three dots keep the message in the GSM alphabet).
"""

from __future__ import annotations

from dataclasses import dataclass

GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
    "abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = set("^{}\\[~]|€\f")
ELLIPSIS = "..."


@dataclass(frozen=True)
class SmsLength:
    units: int  # characters as the network counts them (an extension character is two)
    unicode: bool  # sent as UCS-2 (70 per part) instead of GSM-7 (160 per part)
    parts: int


def _units(text: str) -> tuple[int, bool]:
    if all(c in GSM_BASIC or c in GSM_EXTENSION for c in text):
        return sum(2 if c in GSM_EXTENSION else 1 for c in text), False
    return sum(2 if ord(c) > 0xFFFF else 1 for c in text), True  # UCS-2: a character outside the BMP is a pair


def sms_length(text: str) -> SmsLength:
    units, unicode = _units(text)
    single, multi = (70, 67) if unicode else (160, 153)
    parts = 1 if units <= single else -(-units // multi)
    return SmsLength(units=units, unicode=unicode, parts=max(parts, 1))


def fit_sms(text: str, *, max_parts: int) -> str:
    """`text` with its spaces tidied, shortened at a word boundary if it needs more than `max_parts` parts."""
    text = " ".join(text.split())
    if sms_length(text).parts <= max_parts:
        return text
    words = text.split(" ")
    while len(words) > 1:
        words.pop()
        candidate = " ".join(words).rstrip(",;:.-") + ELLIPSIS
        if sms_length(candidate).parts <= max_parts:
            return candidate
    return words[0]
