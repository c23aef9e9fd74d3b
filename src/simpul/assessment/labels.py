"""What a person reads for a point of a scale: its label in the page's language (the framework data holds an
Indonesian and often an English one), and for a level item each level's number with its description."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import get_language

from simpul.assessment.models import Item


def _field(point: Any, name: str) -> Any:
    return point.get(name) if isinstance(point, Mapping) else getattr(point, name, None)


def point_label(point: Mapping[str, Any] | Any) -> str:
    """The label of a scale point (a stored point or a framework spec's) in the active language, else the
    Indonesian one, else its code."""
    if (get_language() or "id").startswith("en") and _field(point, "label_en"):
        return str(_field(point, "label_en"))
    return str(_field(point, "label_id") or _field(point, "code") or _field(point, "value") or "")


def level_options(item: Item) -> list[dict[str, Any]]:
    """Each level of a level item: its number and what it means (the item's own criteria when the framework
    gives them, else the scale's description of the level)."""
    points = item.scale.points if item.scale else []
    return [{"value": p["value"],
             "label": (item.level_criteria or {}).get(str(p["value"])) or point_label(p)} for p in points]
