"""Working days: weekends, national holidays, cuti bersama (reference data and admin-entered)."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simpul.core import reference
from simpul.core.calendar import add_working_days, is_working_day, working_days_between
from simpul.core.models import Holiday

pytestmark = pytest.mark.django_db

HYPOTHESIS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
dates = st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31))


@pytest.fixture
def cuti_bersama():
    reference.load(stdout=StringIO())


def test_weekends_and_national_holidays_are_not_working_days():
    assert is_working_day(date(2026, 3, 17))  # Tuesday
    assert not is_working_day(date(2026, 3, 14))  # Saturday
    assert not is_working_day(date(2026, 8, 17))  # Independence Day, Monday
    assert not is_working_day(date(2026, 3, 19))  # Nyepi, Thursday


def test_cuti_bersama_only_counts_once_loaded():
    assert is_working_day(date(2026, 3, 23))
    reference.load(stdout=StringIO())
    assert not is_working_day(date(2026, 3, 23))


def test_across_idul_fitri_2026_with_cuti_bersama(cuti_bersama):
    # Tue 17 Mar 2026; 18 cuti (Nyepi), 19 Nyepi, 20 cuti, 21-22 Idul Fitri (weekend), 23-24 cuti.
    assert add_working_days(date(2026, 3, 17), 1) == date(2026, 3, 25)
    assert add_working_days(date(2026, 3, 17), 5) == date(2026, 3, 31)
    assert working_days_between(date(2026, 3, 17), date(2026, 3, 31)) == 5
    assert working_days_between(date(2026, 3, 31), date(2026, 3, 17)) == -5


def test_an_admin_entered_holiday_moves_the_deadline(cuti_bersama):
    Holiday.objects.create(date=date(2026, 3, 25), name="Libur daerah", kind=Holiday.Kind.LOCAL)
    assert add_working_days(date(2026, 3, 17), 1) == date(2026, 3, 26)


def test_zero_days_is_the_start_and_negative_is_refused():
    assert add_working_days(date(2026, 3, 14), 0) == date(2026, 3, 14)
    with pytest.raises(ValueError):
        add_working_days(date(2026, 3, 14), -1)


def test_reference_load_is_idempotent_and_keeps_admin_edits():
    reference.load(stdout=StringIO())
    count = Holiday.objects.count()
    assert count == len(reference.cuti_bersama_rows())
    Holiday.objects.filter(date=date(2026, 3, 23)).update(name="Diubah admin")
    reference.load(stdout=StringIO())
    assert Holiday.objects.count() == count
    assert Holiday.objects.get(date=date(2026, 3, 23)).name == "Diubah admin"


def test_shipped_cuti_bersama_are_weekdays_of_2025_and_2026_and_not_national_holidays():
    import holidays

    national = holidays.country_holidays("ID", years=[2025, 2026], categories=("public",))
    rows = reference.cuti_bersama_rows()
    assert {row["date"].year for row in rows} == {2025, 2026}
    for row in rows:
        assert row["date"].weekday() < 5, row
        assert row["date"] not in national, row


@HYPOTHESIS
@given(start=dates, n=st.integers(min_value=1, max_value=400))
def test_result_is_a_working_day_and_counting_back_gives_n(cuti_bersama, start, n):
    end = add_working_days(start, n)
    assert is_working_day(end)
    assert end > start
    assert working_days_between(start, end) == n
    # the day before the result still has one working day to go
    assert working_days_between(start, end - timedelta(days=1)) == n - 1


@HYPOTHESIS
@given(start=dates, a=st.integers(min_value=0, max_value=200), b=st.integers(min_value=0, max_value=200))
def test_add_working_days_is_monotonic(cuti_bersama, start, a, b):
    low, high = sorted((a, b))
    assert add_working_days(start, low) <= add_working_days(start, high)
    if low < high:
        assert add_working_days(start, low) < add_working_days(start, high)


@HYPOTHESIS
@given(a=dates, b=dates)
def test_working_days_between_is_antisymmetric_and_bounded(cuti_bersama, a, b):
    forward = working_days_between(a, b)
    assert forward == -working_days_between(b, a)
    assert abs(forward) <= abs((b - a).days)


def test_one_working_days_instance_reads_each_year_once(cuti_bersama, django_assert_num_queries):
    from simpul.core.calendar import WorkingDays

    days = WorkingDays()
    with django_assert_num_queries(1):
        for offset in range(0, 200, 7):
            start = date(2026, 1, 5) + timedelta(days=offset)
            assert days.between(start, days.add(start, 10)) == 10
            if days.add(start, 10).year != 2026:
                break


@pytest.mark.django_db
def test_admin_days_are_read_once_and_a_new_holiday_is_seen_at_once(django_assert_num_queries):
    monday = date(2031, 3, 3)
    add_working_days(monday, 1)  # fills the cache for 2031
    with django_assert_num_queries(0):
        assert add_working_days(monday, 1) == date(2031, 3, 4)
    Holiday.objects.create(date=date(2031, 3, 4), name="Cuti bersama")
    assert add_working_days(monday, 1) == date(2031, 3, 5)
    Holiday.objects.filter(date=date(2031, 3, 4)).first().delete()
    assert add_working_days(monday, 1) == date(2031, 3, 4)
