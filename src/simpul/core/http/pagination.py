"""Limit/offset pagination of every API list, strict about its two numbers.

DRF's `LimitOffsetPagination` quietly falls back to the default page size on a `limit` it cannot read and has no
upper bound unless a view sets one: `?limit=99999999999999999999` reached the database as a LIMIT SQLite cannot
hold (a 500). Here a `limit` that is not a whole number from 1 to `max_limit`, or an `offset` that is not a whole
number from 0 to `max_offset`, is a 400 problem naming the parameter (`errors.limit` / `errors.offset`). An empty
value is the default. Every list view uses this class (settings `DEFAULT_PAGINATION_CLASS`) or a subclass with its
own default and maximum page size.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import LimitOffsetPagination

_WHOLE = re.compile(r"[0-9]{1,18}")


class StrictLimitOffsetPagination(LimitOffsetPagination):
    default_limit = 100
    max_limit = 1000
    max_offset = 10**9

    def _number(self, request: Any, name: str, low: int, high: int, default: int) -> int:
        raw = request.query_params.get(name, "")
        if raw == "":
            return default
        if not _WHOLE.fullmatch(raw) or not low <= int(raw) <= high:
            raise exceptions.ValidationError(
                {name: [_("Use a whole number from {low} to {high}.").format(low=low, high=high)]})
        return int(raw)

    def get_limit(self, request: Any) -> int:
        return self._number(request, self.limit_query_param, 1, self.max_limit, self.default_limit)

    def get_offset(self, request: Any) -> int:
        return self._number(request, self.offset_query_param, 0, self.max_offset, 0)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.limit_query_param:
                parameter["schema"].update({"minimum": 1, "maximum": self.max_limit})
            elif parameter["name"] == self.offset_query_param:
                parameter["schema"].update({"minimum": 0, "maximum": self.max_offset})
        return parameters
