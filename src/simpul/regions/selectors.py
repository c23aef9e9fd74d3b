"""Reads of the regions app. Regions are public reference data: every read is open to everyone."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from simpul.regions.models import CODE_RE, Region


def in_region(code: str, *, field: str = "region") -> Q:
    """A filter for rows whose `field` (a foreign key to Region) is the region with this code or any region below
    it. A string that is not a region code (a hand-typed or hostile address) matches nothing, rather than reaching
    the database as a LIKE pattern."""
    if not CODE_RE.match(code):
        return Q(pk__in=[])
    return Q(**{f"{field}_id": code}) | Q(**{f"{field}__code__startswith": f"{code}."})


def region_list(*, parent: str | None = None, ancestor: str | None = None, level: str | None = None) -> QuerySet[Region]:
    """Regions ordered by code; `parent` = direct children of that code, `ancestor` = every descendant."""
    qs = Region.objects.all()
    if parent:
        qs = qs.filter(parent_id=parent)
    if ancestor:
        qs = qs.filter(code__startswith=f"{ancestor}.") if CODE_RE.match(ancestor) else qs.none()
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
