from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from simpul.cases.actions import case_withdraw
from simpul.cases.drafts import draft_create, drafts_purge
from simpul.cases.intake import case_submit
from simpul.cases.models import Case
from simpul.cases.tests.factories import VALID_ANSWERS, ktp_service, pdf_upload


@pytest.fixture
def closed_case(personas):
    version = ktp_service(personas.dukcapil, retention_days=30)
    case = case_submit(version=version, answers=dict(VALID_ANSWERS), files={"kk": pdf_upload()},
                       applicant=personas.citizen, idempotency_key="r1").case
    case_withdraw(case=case, actor=personas.citizen)
    return case


def test_dry_run_lists_without_changing(closed_case):
    Case.objects.filter(pk=closed_case.pk).update(closed_at=timezone.now() - timedelta(days=31))
    out = StringIO()
    call_command("cases", "retention", "--dry-run", stdout=out)
    assert closed_case.reference in out.getvalue() and "would be anonymised" in out.getvalue()
    closed_case.refresh_from_db()
    assert closed_case.applicant_name == "Siti Warga"


def test_retention_anonymises_only_cases_past_their_period(closed_case):
    out = StringIO()
    call_command("cases", "retention", stdout=out)
    assert "0 case(s)" in out.getvalue()
    Case.objects.filter(pk=closed_case.pk).update(closed_at=timezone.now() - timedelta(days=31))
    call_command("cases", "retention", stdout=out)
    closed_case.refresh_from_db()
    assert closed_case.anonymised_at is not None and closed_case.applicant_name == ""
    assert closed_case.documents.get().deleted_at is not None


def test_periodic_jobs_are_registered():
    from simpul.cases import schedule  # noqa: F401
    from simpul.core.schedule import _jobs

    assert {"cases.retention", "cases.drafts_purge"} <= set(_jobs)


def test_old_drafts_are_purged(personas):
    version = ktp_service(personas.dukcapil)
    draft = draft_create(version=version)
    from simpul.cases.models import Draft

    Draft.objects.filter(pk=draft.pk).update(updated_at=timezone.now() - timedelta(days=40))
    assert drafts_purge() == 1


def test_a_case_one_day_inside_its_period_is_kept_and_one_day_past_it_is_anonymised(personas):
    """The period is per service and is computed by the database (SQLite and PostgreSQL alike)."""
    from simpul.cases.privacy import cases_due_for_retention, retention_run

    short = ktp_service(personas.dukcapil, code="ktp-short", retention_days=10)
    long = ktp_service(personas.dukcapil, code="ktp-long", retention_days=400)
    now = timezone.now()
    cases = {}
    for name, version, closed_days_ago in (("short_inside", short, 9), ("short_past", short, 11),
                                           ("long_inside", long, 399), ("long_past", long, 401)):
        case = case_submit(version=version, answers=dict(VALID_ANSWERS), files={"kk": pdf_upload()},
                           applicant=personas.citizen, idempotency_key=name).case
        case_withdraw(case=case, actor=personas.citizen)
        Case.objects.filter(pk=case.pk).update(closed_at=now - timedelta(days=closed_days_ago))
        cases[name] = case
    assert {c.reference for c in cases_due_for_retention(now=now)} == {
        cases["short_past"].reference, cases["long_past"].reference}
    assert sorted(retention_run()) == sorted([cases["short_past"].reference, cases["long_past"].reference])
    kept = {name: Case.objects.get(pk=case.pk) for name, case in cases.items()}
    assert [name for name, case in kept.items() if case.anonymised_at is None] == ["short_inside", "long_inside"]
    assert kept["short_inside"].applicant_name == "Siti Warga" and kept["short_past"].applicant_name == ""


def test_retention_selects_in_one_query_however_many_cases_are_closed(closed_case, django_assert_num_queries):
    from simpul.cases.privacy import cases_due_for_retention

    Case.objects.filter(pk=closed_case.pk).update(closed_at=timezone.now() - timedelta(days=31))
    with django_assert_num_queries(1):
        due = list(cases_due_for_retention())
    assert [c.reference for c in due] == [closed_case.reference]


def test_an_open_or_already_anonymised_case_is_never_due(closed_case, personas):
    from simpul.cases.privacy import cases_due_for_retention

    old = timezone.now() - timedelta(days=100)
    Case.objects.filter(pk=closed_case.pk).update(closed_at=old, anonymised_at=old)
    open_case = case_submit(version=closed_case.service_version, answers=dict(VALID_ANSWERS),
                            files={"kk": pdf_upload()}, applicant=personas.citizen, idempotency_key="open").case
    Case.objects.filter(pk=open_case.pk).update(updated_at=old)
    assert list(cases_due_for_retention()) == []
