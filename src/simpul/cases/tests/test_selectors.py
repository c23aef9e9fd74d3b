from __future__ import annotations

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from simpul.cases import selectors
from simpul.cases.actions import case_forward
from simpul.cases.intake import case_submit
from simpul.cases.tests.factories import VALID_ANSWERS, ktp_service, pdf_upload


@pytest.fixture
def version(personas):
    return ktp_service(personas.dukcapil)


def submit(version, key, **kw):
    return case_submit(version=version, answers=dict(VALID_ANSWERS), files={"kk": pdf_upload()},
                       idempotency_key=key, **kw)


def test_citizen_sees_only_own_cases(personas, version):
    mine = submit(version, "a", applicant=personas.citizen).case
    submit(version, "b", applicant=personas.business)  # someone else's case
    assert list(selectors.cases_for_applicant(personas.citizen)) == [mine]


def test_officer_of_other_agency_gets_404_until_disposed(personas, version):
    case = submit(version, "a").case
    with pytest.raises(Http404):
        selectors.case_get_for_staff(reference=case.reference, user=personas.other_officer)
    assert not selectors.case_list_for_officer(personas.other_officer).exists()
    case_forward(case=case, actor=personas.officer, to_agency=personas.dpmptsp, reason="wewenang")
    assert selectors.case_get_for_staff(reference=case.reference, user=personas.other_officer) == case
    assert list(selectors.case_list_for_officer(personas.other_officer)) == [case]


def test_citizen_is_not_staff(personas, version):
    case = submit(version, "a", applicant=personas.citizen).case
    with pytest.raises(Http404):
        selectors.case_get_for_staff(reference=case.reference, user=personas.citizen)


def test_operator_sees_only_what_they_submitted_in_their_village(personas, version):
    from simpul.accounts.models import Role
    from simpul.conftest import make_user

    mine = submit(version, "a", submitted_by=personas.operator, consent={"given": True}).case
    other_operator = make_user("op2@test.simpul", Role.VILLAGE_OPERATOR, village=personas.other_desa)
    submit(version, "b", applicant=personas.citizen)  # a citizen's own, not the operator's
    assert list(selectors.cases_for_operator(personas.operator)) == [mine]
    assert not selectors.cases_for_operator(other_operator).exists()


def test_worklist_filters(personas, version):
    a = submit(version, "a").case
    b = submit(version, "b").case
    b.due_date = b.due_date.replace(year=2020)
    b.save()
    overdue = selectors.case_list_for_officer(personas.officer, {"due": "overdue"})
    assert list(overdue) == [b]
    assert set(selectors.case_list_for_officer(personas.officer, {"kecamatan": "16.06.01"})) == {a, b}
    assert not selectors.case_list_for_officer(personas.officer, {"kecamatan": "16.06.02"}).exists()
    assert list(selectors.case_list_for_officer(personas.officer, {"q": a.reference.lower()})) == [a]


def test_worklist_query_count(personas, version, django_assert_num_queries):
    for i in range(5):
        submit(version, f"k{i}")
    with django_assert_num_queries(3):  # membership ids + pending dispositions to them + the cases with their joins
        rows = list(selectors.case_list_for_officer(personas.officer, {"sort": "new"}))
        for case in rows:
            _ = (case.service_version.name, case.agency.name, case.desa.name if case.desa else "", case.assigned_to)
    assert len(rows) == 5


def test_dashboard_stats(personas, version):
    from django.utils import timezone

    from simpul.cases.actions import case_withdraw

    submit(version, "a")
    closed = submit(version, "b").case
    case_withdraw(case=closed, actor=None, via_pin=True)
    stats = selectors.dashboard_stats(agency_id=personas.dukcapil.pk, start=timezone.localdate().replace(day=1),
                                      end=timezone.localdate())
    assert stats.open == 1 and stats.overdue == 0


def test_complaint_handling_stats_count_received_closed_and_on_time(personas):
    from simpul.cases.actions import case_transition
    from simpul.cases.intake import case_submit
    from simpul.cases.selectors import complaint_handling_stats
    from simpul.cases.tests.factories import VALID_ANSWERS, ktp_service

    version = ktp_service(personas.dukcapil, code="pengaduan-jalan", kind="pengaduan", workflow="complaint",
                          documents=[])
    cases = [
        case_submit(version=version, answers=dict(VALID_ANSWERS), files={}, applicant=personas.citizen,
                    idempotency_key=f"stat-{n}").case
        for n in range(3)
    ]
    case_transition(case=cases[0], action="verify", actor=personas.officer)
    case_transition(case=cases[0], action="redirect", actor=personas.officer, note="Bukan wewenang")
    today = timezone.localdate()
    stats = complaint_handling_stats(start=today - timedelta(days=1), end=today)
    assert (stats.received, stats.closed, stats.open) == (3, 1, 2)
    assert stats.on_time_rate == 1.0 and stats.median_days is not None
    assert complaint_handling_stats(start=today - timedelta(days=30), end=today - timedelta(days=2)).received == 0


def test_worklist_sees_disposed_cases_through_a_subquery_past_the_list_limit(personas, version, monkeypatch):
    from simpul.cases import permissions

    case = submit(version, "a").case
    own = submit(version, "b").case
    case_forward(case=case, actor=personas.officer, to_agency=personas.dpmptsp, reason="wewenang")
    other_version = ktp_service(personas.dpmptsp, code="izin-lain")
    theirs = submit(other_version, "c").case
    monkeypatch.setattr(permissions, "DISPOSED_AS_LIST", 0)  # the long-inbox form, with one pending disposition
    assert set(selectors.case_list_for_officer(personas.other_officer)) == {case, theirs}
    assert own not in set(selectors.case_list_for_officer(personas.other_officer, {"status": "all"}))
