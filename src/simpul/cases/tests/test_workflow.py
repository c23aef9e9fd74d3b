from __future__ import annotations

import pytest

from simpul.cases.constants import ActorRole, CaseAction, CaseStatus
from simpul.cases.workflow import TABLES, TransitionNotAllowed, statuses_of, transition_find

ALL_ROLES = set(ActorRole.values)


@pytest.mark.parametrize("workflow", list(TABLES))
@pytest.mark.parametrize("status", CaseStatus.values)
@pytest.mark.parametrize("action", CaseAction.values)
def test_every_pair_not_in_the_table_is_refused(workflow, status, action):
    allowed = {(row.source, row.action) for row in TABLES[workflow]}
    if (status, action) in allowed:
        row = transition_find(workflow=workflow, status=status, action=action, roles=ALL_ROLES)
        assert row.source == status
    else:
        with pytest.raises(TransitionNotAllowed):
            transition_find(workflow=workflow, status=status, action=action, roles=ALL_ROLES)


@pytest.mark.parametrize("workflow", list(TABLES))
def test_rows_refuse_roles_they_do_not_name(workflow):
    for row in TABLES[workflow]:
        others = ALL_ROLES - set(row.roles)
        if others:
            with pytest.raises(TransitionNotAllowed) as info:
                transition_find(workflow=workflow, status=row.source, action=row.action, roles=others)
            assert info.value.code == "not_permitted"


def test_closed_statuses_have_no_way_out():
    for workflow, rows in TABLES.items():
        for closed in (CaseStatus.SELESAI, CaseStatus.DITOLAK, CaseStatus.DIBATALKAN, CaseStatus.DIALIHKAN):
            assert not [r for r in rows if r.source == closed], workflow


def test_complaint_follows_lapor_lifecycle():
    statuses = statuses_of("complaint")
    for status in ("diterima", "terverifikasi", "didisposisi", "ditindaklanjuti", "selesai", "ditunda", "dialihkan"):
        assert status in statuses


def test_applicant_cannot_approve_and_officer_cannot_resubmit():
    with pytest.raises(TransitionNotAllowed):
        transition_find(workflow="application", status="diproses", action="approve", roles={"applicant"})
    with pytest.raises(TransitionNotAllowed):
        transition_find(workflow="application", status="perlu_perbaikan", action="resubmit", roles={"officer"})
