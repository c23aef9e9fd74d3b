"""Reads of the regions app. Regions are public reference data: every read is open to everyone."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from simpul.regions.models import CODE_RE, Region, RegionLevel

# The loaded kabupaten/kota and kecamatan codes (a few dozen), kept in the shared cache: every NIK and KK number
# submitted is checked against them. Saving or deleting a region drops the entry; the loader does too.
_AREA_CODES_KEY = "simpul:regions:area-codes"
AREA_CODES_CACHE_SECONDS = 300


def area_codes() -> frozenset[str]:
    """The codes of every kabupaten/kota and kecamatan loaded: from the cache, else one query."""
    codes = cache.get(_AREA_CODES_KEY)
    if codes is None:
        codes = frozenset(
            Region.objects.filter(level__in=[RegionLevel.KABUPATEN, RegionLevel.KECAMATAN]).values_list("code", flat=True)
        )
        cache.set(_AREA_CODES_KEY, codes, AREA_CODES_CACHE_SECONDS)
    return frozenset(codes)


def area_codes_forget() -> None:
    """Drop the cached area codes (after loading regions in bulk)."""
    cache.delete(_AREA_CODES_KEY)


@receiver([post_save, post_delete], sender=Region, dispatch_uid="simpul.regions.area_codes_changed")
def _regions_changed(sender: type[Region], instance: Region, **kwargs: object) -> None:
    if instance.level in (RegionLevel.KABUPATEN, RegionLevel.KECAMATAN):
        area_codes_forget()


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
