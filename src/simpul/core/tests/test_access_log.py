"""The personal-data access log: one INSERT per read, purged daily after SIMPUL_ACCESS_LOG_RETENTION_DAYS."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from simpul.core import schedule
from simpul.core.models import AccessDoor, JobStatus, PersonalDataAccess, ScheduledJobRun
from simpul.core.services import personal_data_access_record


@pytest.mark.django_db
def test_the_daily_purge_removes_rows_older_than_the_retention(settings):
    settings.ACCESS_LOG_RETENTION_DAYS = 365
    (old,) = personal_data_access_record(door=AccessDoor.CASE_VIEW)
    (kept,) = personal_data_access_record(door=AccessDoor.SEARCH, term="Siti Aminah")
    PersonalDataAccess.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=366))
    PersonalDataAccess.objects.filter(pk=kept.pk).update(at=timezone.now() - timedelta(days=364))
    assert "core.access_log_purge" in schedule.jobs()
    assert schedule.jobs()["core.access_log_purge"].every == timedelta(days=1)
    schedule.run_due(only=["core.access_log_purge"])
    assert ScheduledJobRun.objects.get(name="core.access_log_purge").last_status == JobStatus.OK
    assert list(PersonalDataAccess.objects.values_list("pk", flat=True)) == [kept.pk]


@pytest.mark.django_db
def test_recording_a_read_is_one_insert_and_nothing_else(django_assert_num_queries):
    with django_assert_num_queries(1):
        personal_data_access_record(door=AccessDoor.SEARCH, term="Siti Aminah")


@pytest.mark.django_db
def test_a_list_read_of_several_cases_is_one_insert(django_assert_num_queries):
    from types import SimpleNamespace

    cases = [SimpleNamespace(pk=n, reference=f"MUBA-26-AAAA{n}") for n in range(1, 4)]
    with django_assert_num_queries(1):
        personal_data_access_record(door=AccessDoor.API_READ, cases=cases)
    assert sorted(PersonalDataAccess.objects.values_list("case_id", "reference")) == [
        (n, f"MUBA-26-AAAA{n}") for n in range(1, 4)]
