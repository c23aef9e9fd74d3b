"""Reads of the regions app. Regions are public reference data: every read is open to everyone."""

from __future__ import annotations

from django.db.models import QuerySet

from simpul.regions.models import Region


def region_list(*, parent: str | None = None, ancestor: str | None = None, level: str | None = None) -> QuerySet[Region]:
    """Regions ordered by code; `parent` = direct children of that code, `ancestor` = every descendant."""
    qs = Region.objects.all()
    if parent:
        qs = qs.filter(parent_id=parent)
    if ancestor:
        qs = qs.filter(code__startswith=f"{ancestor}.")
    if level:
        qs = qs.filter(level=level)
    return qs.order_by("code")


def region_get(*, code: str) -> Region:
    """One region by its code; raises Region.DoesNotExist."""
    return Region.objects.get(code=code)


def region_path(*, region: Region) -> list[Region]:
    """The region and its ancestors, top first (one query)."""
    parts = region.code.split(".")
    codes = [".".join(parts[: i + 1]) for i in range(len(parts))]
    by_code = {r.code: r for r in Region.objects.filter(code__in=codes)}
    return [by_code[c] for c in codes if c in by_code]
