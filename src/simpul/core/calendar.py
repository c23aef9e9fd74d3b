"""Working-day calendar: Indonesian public holidays (`holidays`) plus admin-entered cuti bersama."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays as holidays_lib


@lru_cache(maxsize=64)
def _national_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays_lib.country_holidays("ID", years=year).keys())


def _extra_holidays(start: date, end: date) -> set[date]:
    from simpul.core.models import Holiday

    return set(Holiday.objects.filter(date__gte=start, date__lte=end).values_list("date", flat=True))


def is_working_day(day: date, extra: set[date] | None = None) -> bool:
    if day.weekday() >= 5:
        return False
    if day in _national_holidays(day.year):
        return False
    if extra is None:
        extra = _extra_holidays(day, day)
    return day not in extra


def add_working_days(start: date, n: int) -> date:
    """The date n working days after `start` (n >= 0); `start` itself does not count."""
    if n < 0:
        raise ValueError("n must be >= 0")
    extra = _extra_holidays(start, start + timedelta(days=n * 3 + 60))
    day = start
    remaining = n
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day, extra):
            remaining -= 1
    return day


def working_days_between(a: date, b: date) -> int:
    """Working days in (a, b]: how many working days after `a` up to and including `b`; negative if b < a."""
    if b < a:
        return -working_days_between(b, a)
    extra = _extra_holidays(a, b)
    count = 0
    day = a
    while day < b:
        day += timedelta(days=1)
        if is_working_day(day, extra):
            count += 1
    return count
