"""Working-day calendar (hari kerja): Monday to Friday, minus Indonesia's national public holidays (from the
`holidays` library, category "public") and minus the days in the `Holiday` table (cuti bersama and local
holidays that an admin enters; the government's cuti bersama are loaded as reference data, see
`simpul.core.reference`).

SLA deadlines are counted with these functions:

- `is_working_day(day)`
- `add_working_days(start, n)`: the n-th working day after `start` (`start` itself never counts).
- `working_days_between(a, b)`: how many working days lie in (a, b]; negative when b < a.

So `working_days_between(a, add_working_days(a, n)) == n` for every n >= 0. For many calculations in one
request, reuse one `WorkingDays()` (same methods: `is_working_day`, `add`, `between`).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays as holidays_lib
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from simpul.core.models import Holiday


@lru_cache(maxsize=64)
def _national_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays_lib.country_holidays("ID", years=year, categories=("public",)).keys())


# The admin-entered days of a year, kept in the shared cache (every process sees a change at once: saving or
# deleting a Holiday drops its year's entry) and read again at most this often in any case.
HOLIDAYS_CACHE_SECONDS = 300


def _holidays_key(year: int) -> str:
    return f"simpul:holidays:{year}"


def admin_holidays(year: int) -> frozenset[date]:
    """The `Holiday` rows of `year` (cuti bersama, local days): from the cache, else one query."""
    days = cache.get(_holidays_key(year))
    if days is None:
        days = frozenset(Holiday.objects.filter(date__year=year).values_list("date", flat=True))
        cache.set(_holidays_key(year), days, HOLIDAYS_CACHE_SECONDS)
    return frozenset(days)


@receiver([post_save, post_delete], sender=Holiday, dispatch_uid="simpul.core.calendar.holidays_changed")
def _holidays_changed(sender: type[Holiday], instance: Holiday, **kwargs: object) -> None:
    # The year it is in now, and the years around today (a day moved to another year left one of those).
    this_year = timezone.localdate().year
    years = {instance.date.year, *range(this_year - 1, this_year + 3)}
    cache.delete_many([_holidays_key(y) for y in years])
    transaction.on_commit(lambda: cache.delete_many([_holidays_key(y) for y in years]))


class WorkingDays:
    """One calendar for many calculations: holidays from the database are read once per year and kept.

    Use one instance for a list of cases (a page, an export) to avoid a query per row; the module functions
    below make a fresh one per call, so they always see the latest admin-entered days.
    """

    def __init__(self) -> None:
        self._years: dict[int, frozenset[date]] = {}

    def admin_days(self, year: int) -> frozenset[date]:
        if year not in self._years:
            self._years[year] = admin_holidays(year)
        return self._years[year]

    def is_working_day(self, day: date) -> bool:
        return (
            day.weekday() < 5
            and day not in _national_holidays(day.year)
            and day not in self.admin_days(day.year)
        )

    def add(self, start: date, n: int) -> date:
        """The date n working days after `start`; `start` itself does not count, and n == 0 returns `start`."""
        if n < 0:
            raise ValueError("n must be >= 0")
        day = start
        remaining = n
        while remaining > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def between(self, a: date, b: date) -> int:
        """Working days in (a, b]: after `a`, up to and including `b`; negative when b < a."""
        if b < a:
            return -self.between(b, a)
        count = 0
        day = a
        while day < b:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count


def is_working_day(day: date) -> bool:
    """Whether `day` is a working day for government offices (not a weekend, holiday or cuti bersama)."""
    return WorkingDays().is_working_day(day)


def add_working_days(start: date, n: int) -> date:
    """The date n working days after `start`; `start` itself does not count, and n == 0 returns `start`."""
    return WorkingDays().add(start, n)


def working_days_between(a: date, b: date) -> int:
    """Working days in (a, b]: after `a`, up to and including `b`; negative when b < a."""
    return WorkingDays().between(a, b)
