"""Reads of the heads' dashboard (/kantor/dasbor/): the figures of one agency for a period.

For the cases of the agency: received (submitted in the period), finished (closed in the period with a result,
i.e. not withdrawn), finished on time (closed on or before the due date, which the SLA code counts in working
days with the kabupaten's calendar, `simpul.core.calendar`), overdue now (open, past due, clock running), and the
median handling time in working days (submission to closing, same calendar). Each figure per service, per
officer (the assigned one) and per kecamatan, and per month for the trend.

The counts are aggregated in the database (one query per table); only the medians need the dates of the
finished cases, read once for all tables.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from simpul.cases.constants import CLOSED_STATUSES, CaseStatus
from simpul.cases.models import Case
from simpul.catalog.models import Service
from simpul.core.calendar import WorkingDays
from simpul.regions.models import Region

# A dimension of the dashboard: the Case column it groups by.
DIMENSIONS = {"service": "service_code", "officer": "assigned_to_id", "kecamatan": "kecamatan_code"}
TREND_MONTHS = 12


@dataclass
class Figures:
    """The figures of one row (a service, an officer, a kecamatan, a month, or the whole agency)."""

    key: Any
    label: str
    received: int = 0
    finished: int = 0
    on_time: int = 0
    overdue: int = 0
    median_working_days: float | None = None
    links: dict[str, str] = field(default_factory=dict)  # the worklist behind each figure (set by the view)

    @property
    def on_time_pct(self) -> int | None:
        """Whole percent of the finished cases that were finished on time; None when none finished."""
        return round(100 * self.on_time / self.finished) if self.finished else None


@dataclass
class Dashboard:
    start: date
    end: date
    total: Figures
    open_now: int
    by_status: list[tuple[str, str, int]]  # (status, label, open cases)
    tables: dict[str, list[Figures]] = field(default_factory=dict)
    months: list[Figures] = field(default_factory=list)


def _day_start(day: date) -> datetime:
    """Midnight at the start of `day` in the kabupaten's time zone: comparing the stored moment with it (not the
    moment's date) lets the database read the (agency, submitted_at) and (status, closed_at) indexes."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _received_q(start: date, end: date) -> Q:
    return Q(submitted_at__gte=_day_start(start), submitted_at__lt=_day_start(end + timedelta(days=1)))


def _finished_q(start: date, end: date) -> Q:
    return (Q(closed_at__gte=_day_start(start), closed_at__lt=_day_start(end + timedelta(days=1)))
            & ~Q(status=CaseStatus.DIBATALKAN))


def _overdue_q(today: date) -> Q:
    return Q(due_date__lt=today, paused_since__isnull=True) & ~Q(status__in=sorted(CLOSED_STATUSES))


def _counts(start: date, end: date, today: date) -> dict[str, Count]:
    finished = _finished_q(start, end)
    return {
        "received": Count("id", filter=_received_q(start, end)),
        "finished": Count("id", filter=finished),
        "on_time": Count("id", filter=finished & Q(closed_at__date__lte=F("due_date"))),
        "overdue": Count("id", filter=_overdue_q(today)),
    }


def _median(values: list[int]) -> float | None:
    return round(float(statistics.median(values)), 1) if values else None


def _labels(dimension: str, keys: Iterable[Any]) -> dict[Any, str]:
    keys = [k for k in keys if k not in (None, "")]
    if dimension == "service":
        services = Service.objects.filter(code__in=keys).select_related("current_version")
        return {s.code: (s.current_version.name if s.current_version else s.code) for s in services}
    if dimension == "officer":
        users = get_user_model().objects.filter(pk__in=keys).only("pk", "full_name", "email")
        return {u.pk: str(u) for u in users}
    return dict(Region.objects.filter(code__in=keys).values_list("code", "name"))


def dashboard_for_agency(*, agency_id: int, start: date, end: date, today: date | None = None) -> Dashboard:
    """The dashboard of one agency for [start, end] (dates inclusive); overdue is counted as of `today`.

    Rows are sorted by name; the row of cases with no officer or no kecamatan has key None and an empty label
    (the template names it). Months: the `TREND_MONTHS` calendar months ending with the month of `end`.
    """
    today = today or timezone.localdate()
    cases: QuerySet[Case] = Case.objects.filter(agency_id=agency_id).order_by()
    counts = _counts(start, end, today)
    relevant = _received_q(start, end) | _finished_q(start, end) | _overdue_q(today)

    total_counts = cases.aggregate(**counts)
    by_status_rows = (cases.exclude(status__in=sorted(CLOSED_STATUSES)).values("status")
                      .annotate(n=Count("id")).values_list("status", "n"))
    by_status = sorted(((s, str(CaseStatus(s).label) if s in CaseStatus.values else s, n) for s, n in by_status_rows),
                       key=lambda row: str(row[1]))

    # The dates of the cases finished in the period, for the medians of every table (one query).
    calendar = WorkingDays()
    durations: dict[str, dict[Any, list[int]]] = {d: defaultdict(list) for d in DIMENSIONS}
    all_durations: list[int] = []
    finished_rows = cases.filter(_finished_q(start, end)).values_list(
        "submitted_at", "closed_at", *DIMENSIONS.values())
    for submitted_at, closed_at, *keys in finished_rows:
        days = calendar.between(timezone.localdate(submitted_at), timezone.localdate(closed_at))
        all_durations.append(days)
        for dimension, key in zip(DIMENSIONS, keys, strict=True):
            durations[dimension][key or None].append(days)

    tables: dict[str, list[Figures]] = {}
    for dimension, column in DIMENSIONS.items():
        grouped = list(cases.filter(relevant).values(column).annotate(**counts))
        labels = _labels(dimension, (row[column] for row in grouped))
        merged: dict[Any, Figures] = {}
        for row in grouped:
            key = row[column] or None  # "" (no kecamatan) and None (nobody assigned) are one row
            figures = merged.setdefault(key, Figures(key=key, label=labels.get(key, "") if key else ""))
            for name in counts:
                setattr(figures, name, getattr(figures, name) + row[name])
        for key, figures in merged.items():
            figures.median_working_days = _median(durations[dimension].get(key, []))
        tables[dimension] = sorted(merged.values(), key=lambda f: (f.key is None, f.label.casefold()))

    return Dashboard(
        start=start, end=end,
        total=Figures(key=None, label="", median_working_days=_median(all_durations), **total_counts),
        open_now=sum(n for _s, _l, n in by_status), by_status=by_status, tables=tables,
        months=_months(cases, end=end),
    )


def _month_starts(end: date, n: int) -> list[date]:
    year, month = end.year, end.month
    starts = []
    for _ in range(n):
        starts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def _months(cases: QuerySet[Case], *, end: date) -> list[Figures]:
    """Received, finished and on time per calendar month (two queries), oldest first."""
    starts = _month_starts(end, TREND_MONTHS)
    first = starts[0]
    tz = timezone.get_current_timezone()
    received = (cases.filter(_received_q(first, end))
                .annotate(month=TruncMonth("submitted_at", tzinfo=tz)).values("month")
                .annotate(n=Count("id")).values_list("month", "n"))
    finished = (cases.filter(_finished_q(first, end)).annotate(month=TruncMonth("closed_at", tzinfo=tz))
                .values("month").annotate(n=Count("id"), on_time=Count("id", filter=Q(
                    closed_at__date__lte=F("due_date")))).values_list("month", "n", "on_time"))
    rows = {start: Figures(key=start, label="") for start in starts}

    def month_of(value: datetime | date) -> date:
        day = timezone.localtime(value, tz).date() if isinstance(value, datetime) else value
        return day.replace(day=1)

    for month, n in received:
        if (row := rows.get(month_of(month))) is not None:
            row.received = n
    for month, n, on_time in finished:
        if (row := rows.get(month_of(month))) is not None:
            row.finished, row.on_time = n, on_time
    return list(rows.values())
