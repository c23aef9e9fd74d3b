"""Serializer helpers shared by every app's API (the OpenAPI side is in `simpul.core.http.schema`)."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework import serializers

# Standard base64 with its padding, as `base64.b64decode(validate=True)` takes it; at least one byte.
BASE64_PATTERN = r"\A(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})\Z"


class JsonTypesMixin:
    """In a JSON body, a text field takes a JSON string and a whole-number field a JSON number: DRF's own fields
    also take `0` for a text and `"5"` for a number, which the schema (`type: string`, `type: integer`) does not
    promise. A form or a query string (all text) is read as DRF reads it. Use as the first base, like
    `StrictFieldsMixin` (which includes this)."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict) or isinstance(data, QueryDict):
            return super().to_internal_value(data)  # type: ignore[misc]
        errors: dict[str, Any] = {}
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            if name in data and data[name] is not None and not field.read_only:
                problem = _json_type_problem(field, data[name])
                if problem:
                    errors[name] = [problem]
        if not errors:
            return super().to_internal_value(data)  # type: ignore[misc]
        try:  # the other fields' own errors too, in the same answer
            super().to_internal_value({k: v for k, v in data.items() if k not in errors})  # type: ignore[misc]
        except serializers.ValidationError as exc:
            if isinstance(exc.detail, dict):
                errors = {**exc.detail, **errors}
        raise serializers.ValidationError(errors)


def _json_type_problem(field: serializers.Field, value: Any) -> str:
    if isinstance(field, serializers.ListField) and isinstance(value, list):
        return next((p for p in (_json_type_problem(field.child, item) for item in value if item is not None) if p),
                    "")
    if isinstance(field, serializers.CharField) and not isinstance(value, str):
        return _("Not a valid string.")
    if isinstance(field, serializers.IntegerField) and (isinstance(value, str | bool)):
        return _("A valid integer is required.")
    return ""


class StrictFieldsMixin(JsonTypesMixin):
    """Refuse fields the serializer does not declare (400 problem naming each unknown field), and values of the
    wrong JSON type (`JsonTypesMixin`).

    A typo in an optional field name would otherwise be dropped silently. Use as the first base:
    `class CaseCreateInput(StrictFieldsMixin, serializers.Serializer): ...`. The OpenAPI schema says so too
    (`additionalProperties: false`, `simpul.core.http.schema.StrictFieldsExtension`).
    """

    def to_internal_value(self, data: Any) -> Any:
        if hasattr(data, "keys"):
            known = set(self.fields)  # type: ignore[attr-defined]
            unknown = sorted(str(key) for key in data if key not in known)
            if unknown:
                raise serializers.ValidationError({key: [_("Unknown field.")] for key in unknown})
        return super().to_internal_value(data)


class JsonBooleanField(serializers.BooleanField):
    """A JSON `true` or `false` (or `null` where allowed), nothing else: DRF's BooleanField also takes 0, 1,
    "yes", "on"... which the schema's `boolean` does not promise."""

    def to_internal_value(self, data: Any) -> bool:
        if isinstance(data, bool):
            return data
        self.fail("invalid", input=data)
        raise AssertionError  # unreachable: fail() raises


class BoundedDecimalField(serializers.DecimalField):
    """A decimal from `min_value` (0 or more) to `max_value`, both required: a JSON number in that range, rounded to
    `decimal_places`, or a string of digits with at most as many whole digits as the maximum has, less one (so any
    such string is in range), e.g. "612.5". `null` where allowed; "" counts as `null` (as DRF reads it). The schema
    says exactly this (`simpul.core.http.schema.BoundedDecimalExtension`)."""

    def __init__(self, *, max_digits: int, decimal_places: int, min_value: Decimal, max_value: Decimal,
                 **kwargs: Any) -> None:
        if min_value < 0:
            raise ValueError("BoundedDecimalField takes no negative minimum")
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, min_value=min_value,
                         max_value=max_value, **kwargs)
        self.low, self.high, self.places = min_value, max_value, decimal_places
        whole = max(len(str(int(max_value))) - 1, 1)
        self.string_pattern = f"^[0-9]{{1,{whole}}}(\\.[0-9]+)?$"

    def to_internal_value(self, data: Any) -> Decimal:
        if isinstance(data, str):
            if not re.fullmatch(self.string_pattern[1:-1], data):
                self.fail("invalid")
        elif isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        value = Decimal(str(data))
        if not value.is_finite():
            self.fail("invalid")
        if value > self.high:
            self.fail("max_value", max_value=self.high)
        if value < self.low:
            self.fail("min_value", min_value=self.low)
        return value.quantize(Decimal(1).scaleb(-self.places), rounding=ROUND_HALF_EVEN)
