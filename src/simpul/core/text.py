"""Text a person typed, made safe to show: bidirectional controls removed.

A right-to-left override (U+202E) or an isolate hidden in a name makes "Siti\u202efdp.exe" display as
"Sitiexe.pdf", and a name in a worklist can be made to look like another. Indonesian names never need these
characters, so every door that accepts a person's or an organisation's name (registration, profile, the portal's
forms, the JSON API, Open311, the admin) strips them, through `NameField` on the models and `PlainCharField` in the
forms engine. File names are cleaned the same way in `simpul.core.files.sanitise_name`.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db import models

# LRE RLE PDF LRO RLO, LRI RLI FSI PDI, LRM RLM, the Arabic letter mark.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def normalise_phone(value: str) -> str:
    """One spelling of an Indonesian mobile number: `0812-3456 789`, `+62 812...` and `62812...` all become
    `+62812...` ("" when there is no digit). Everything that keys on a number (log-in by phone, its lockout, the
    status-by-SMS lockout and replies) goes through this function, so one person is one number."""
    digits = "".join(ch for ch in value if ch.isdigit())
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    return "+" + digits if digits else ""


def strip_bidi(value: Any) -> Any:
    """`value` without bidirectional control characters (anything that is not a string is returned as is)."""
    return BIDI_CONTROLS.sub("", value) if isinstance(value, str) else value


class NameField(models.CharField):
    """A CharField for a person's or an organisation's name: bidirectional controls are removed when the value is
    cleaned and again whenever it is saved, so no door can store them. Migrations see a plain CharField."""

    def to_python(self, value: Any) -> Any:
        return strip_bidi(super().to_python(value))

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = strip_bidi(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs


class PlainCharField(forms.CharField):
    """A form CharField whose value has no bidirectional control characters."""

    def to_python(self, value: Any) -> Any:
        return strip_bidi(super().to_python(value))
