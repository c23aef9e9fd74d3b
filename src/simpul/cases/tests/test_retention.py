from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from simpul.cases.drafts import draft_create, drafts_purge
from simpul.cases.intake import case_submit
from simpul.cases.models import Case
from simpul.cases.services import case_withdraw
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
