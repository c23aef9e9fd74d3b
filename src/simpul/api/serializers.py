"""Serializer helpers shared by every app's API."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers


class StrictFieldsMixin:
    """Refuse fields the serializer does not declare (400 problem naming each unknown field).

    A typo in an optional field name would otherwise be dropped silently. Use as the first base:
    `class CaseCreateInput(StrictFieldsMixin, serializers.Serializer): ...`
    """

    def to_internal_value(self, data: Any) -> Any:
        if hasattr(data, "keys"):
            known = set(self.fields)  # type: ignore[attr-defined]
            unknown = sorted(str(key) for key in data if key not in known)
            if unknown:
                raise serializers.ValidationError({key: [_("Unknown field.")] for key in unknown})
        return super().to_internal_value(data)  # type: ignore[misc]
