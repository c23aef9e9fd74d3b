"""A complaint located by its point alone (Open311's lat/long): the case screen shows the point and the missing
village, and an officer of the case's office sets the village, which then reaches the public Open311 read."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from simpul.cases.actions import case_set_desa, case_transition
from simpul.cases.constants import CaseAction
from simpul.cases.intake import Point, case_submit
from simpul.cases.tests.complaints import COMPLAINT, inspektorat, kependudukan
from simpul.cases.workflow import TransitionNotAllowed
from simpul.conftest import login
from simpul.core.models import AuditEntry

__all__ = ["inspektorat", "kependudukan"]  # fixtures


@pytest.fixture
def located(kependudukan):
    answers = {k: v for k, v in COMPLAINT.items() if k != "location_village"}
    return case_submit(version=kependudukan, answers={**answers, "complaint_topic": "layanan",
                                                      "email": "warga@example.org"},
                       point=Point.parse("-2.883301", "103.850012"), idempotency_key="point-1").case


def _url(name, case):
    return reverse(f"backoffice:{name}", kwargs={"reference": case.reference})


def test_a_case_located_by_a_point_has_no_village_until_the_office_sets_it(client, personas, located):
    assert located.desa_id is None and str(located.latitude) == "-2.883301"
    login(client, personas.officer)
    page = client.get(_url("case_detail", located)).content.decode()
    assert 'href="geo:-2.883301,103.850012"' in page and "belum ditetapkan" in page
    assert 'action="' + _url("case_set_desa", located) + '"' in page

    response = client.post(_url("case_set_desa", located), {"desa": "16.06.01.2002"})
    assert response.status_code == 302
    located.refresh_from_db()
    assert (located.desa_id, located.kecamatan_code) == ("16.06.01.2002", "16.06.01")
    event = located.events.get(action=CaseAction.SET_DESA)
    assert event.visible_to_applicant is False and event.data == {"from": None, "to": "16.06.01.2002"}
    assert AuditEntry.objects.filter(action="cases.case_set_desa", object_id=str(located.pk)).count() == 1
    assert "Lumpatan" in client.get(_url("case_detail", located)).content.decode()

    item = Client().get(f"/open311/v2/requests/{located.reference}.json").json()[0]
    assert (item["address_id"], item["lat"], item["long"]) == ("16.06.01.2002", -2.883301, 103.850012)


def test_a_village_that_is_not_in_the_list_is_an_error_on_the_case_page(client, personas, located):
    login(client, personas.officer)
    response = client.post(_url("case_set_desa", located), {"desa": "16.06.01"})  # a kecamatan, not a village
    assert response.status_code == 400 and 'id="id_desa_err"' in response.content.decode()
    located.refresh_from_db()
    assert located.desa_id is None


def test_only_the_office_of_the_case_sets_its_village_and_only_while_open(client, personas, located, region_tree):
    login(client, personas.other_officer)
    assert client.post(_url("case_set_desa", located), {"desa": "16.06.01.2002"}).status_code == 404
    with pytest.raises(TransitionNotAllowed):
        case_set_desa(case=located, actor=personas.other_officer, desa=region_tree["16.06.01.2002"])
    case_transition(case=located, action=CaseAction.REDIRECT, actor=personas.officer, note="Bukan wewenang kami.")
    with pytest.raises(TransitionNotAllowed):
        case_set_desa(case=located, actor=personas.officer, desa=region_tree["16.06.01.2002"])
    login(client, personas.officer)
    assert 'name="desa"' not in client.get(_url("case_detail", located)).content.decode()
    located.refresh_from_db()
    assert located.desa_id is None
