"""A point (lat/long) locates a case on its own: intake's one rule for every door that has coordinates (Open311,
the JSON API's `location`)."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.test import APIClient

from simpul.cases.intake import IdempotencyConflict, Point, case_submit
from simpul.cases.tests.complaints import COMPLAINT, inspektorat, kependudukan
from simpul.clients.services import api_client_create, api_key_issue

__all__ = ["inspektorat", "kependudukan"]  # fixtures

WITHOUT_VILLAGE = {**{k: v for k, v in COMPLAINT.items() if k != "location_village"},
                   "complaint_topic": "layanan", "email": "warga@example.org"}


def test_a_point_is_kept_to_six_decimals():
    assert Point.parse(" -2.88330149 ", "103.8500126") == Point(Decimal("-2.883301"), Decimal("103.850013"))


@pytest.mark.parametrize(("lat", "lon"), [("north", "103"), ("-91", "103"), ("-2.9", "181"), ("", "103"),
                                          ("nan", "103"), ("-2.9", "inf"), ("1e400", "3")])
def test_a_point_that_is_not_a_place_on_earth_is_refused(lat, lon):
    with pytest.raises(ValidationError) as refused:
        Point.parse(lat, lon)
    assert list(refused.value.message_dict) == ["point"]


@given(st.decimals(allow_nan=False, allow_infinity=False), st.decimals(allow_nan=False, allow_infinity=False))
def test_any_accepted_point_is_within_range(lat, lon):
    try:
        point = Point.parse(str(lat), str(lon))
    except ValidationError:
        return
    assert -90 <= point.latitude <= 90 and -180 <= point.longitude <= 180


def test_with_a_point_the_village_may_be_left_for_the_office(kependudukan):
    with pytest.raises(ValidationError) as refused:
        case_submit(version=kependudukan, answers=WITHOUT_VILLAGE)
    assert list(refused.value.message_dict) == ["location_village"]
    case = case_submit(version=kependudukan, answers=WITHOUT_VILLAGE, point=Point.parse("-2.9", "103.8")).case
    assert (case.desa_id, case.kecamatan_code, case.latitude, case.longitude) == (
        None, "", Decimal("-2.900000"), Decimal("103.800000"))


def test_a_point_and_a_village_are_both_kept(kependudukan):
    case = case_submit(version=kependudukan, answers={**WITHOUT_VILLAGE, "location_village": "16.06.01.2001"},
                       point=Point.parse("-2.9", "103.8")).case
    assert (case.desa_id, str(case.latitude)) == ("16.06.01.2001", "-2.900000")


def test_the_same_key_with_another_point_is_another_payload(kependudukan):
    first = case_submit(version=kependudukan, answers=WITHOUT_VILLAGE, point=Point.parse("-2.9", "103.8"),
                        idempotency_key="p-1", idempotency_scope="client:1")
    again = case_submit(version=kependudukan, answers=WITHOUT_VILLAGE, point=Point.parse("-2.9", "103.8"),
                        idempotency_key="p-1", idempotency_scope="client:1")
    assert again.replayed and again.case.pk == first.case.pk
    with pytest.raises(IdempotencyConflict):
        case_submit(version=kependudukan, answers=WITHOUT_VILLAGE, point=Point.parse("-2.8", "103.8"),
                    idempotency_key="p-1", idempotency_scope="client:1")


def test_the_json_api_takes_a_location_and_refuses_a_bad_one(kependudukan):
    row = api_client_create(name="Aplikasi", scopes=["cases:intake"], rate_limit_per_minute=0)
    api_key_issue(client=row, secret="point-api-key-0123456789")
    api = APIClient()
    api.credentials(HTTP_X_API_KEY="point-api-key-0123456789")

    def post(location):
        body = {"service": "pengaduan-kependudukan", "answers": WITHOUT_VILLAGE, "location": location}
        return api.post("/api/v1/cases/", data=json.dumps(body), content_type="application/json",
                        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))

    refused = post({"latitude": "-95", "longitude": 103.8})
    assert refused.status_code == 400 and list(refused.json()["errors"]) == ["location"]
    created = post({"latitude": -2.883301, "longitude": 103.850012})
    assert created.status_code == 201, created.content
