"""Serializer helpers shared by every app's API: `StrictFieldsMixin` now lives in `simpul.core.http.serializers`
(every layer may use it); imported here for the modules that name it from the api app."""

from __future__ import annotations

from simpul.core.http.serializers import StrictFieldsMixin

__all__ = ["StrictFieldsMixin"]
