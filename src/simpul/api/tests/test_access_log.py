"""API reads of personal data are logged (UU 27/2022): an agency system reading a case, an Open311 client reading a
request with the reporter's words. Reads that carry no personal data (the case list, a public Open311 read) are
not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from simpul.cases.intake import case_submit
from simpul.cases.tests.factories import VALID_ANSWERS, ktp_service, pdf_upload
from simpul.clients.services import api_client_create, api_key_issue
from simpul.core.models import AccessDoor, PersonalDataAccess

DATA = Path(__file__).resolve().parents[2] / "catalog" / "data" / "musi-banyuasin"
KEY = "test-open311-access-key"


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


@pytest.fixture
def agency_system(personas: Any) -> Any:
    row = api_client_create(name="Sistem Dukcapil", scopes=["cases:read"], agency=personas.dukcapil)
    _key, secret = api_key_issue(client=row)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    api.row = row
    return api


@pytest.fixture
def case(personas: Any) -> Any:
    version = ktp_service(personas.dukcapil)
    return case_submit(version=version, answers=dict(VALID_ANSWERS), files={"kk": pdf_upload()}).case


def test_agency_system_reading_a_case_is_logged_once_as_that_client(agency_system: Any, case: Any) -> None:
    response = agency_system.get(f"/api/v1/agency/cases/{case.reference}/", REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 200 and response.json()["applicant_name"]
    row = PersonalDataAccess.objects.get()
    assert (row.door, row.api_client_id, row.actor_label, row.actor_id, row.reference, row.ip) == (
        AccessDoor.API_READ, agency_system.row.pk, "Sistem Dukcapil", None, case.reference, "198.51.100.4")


def test_the_case_list_without_personal_data_is_not_logged(agency_system: Any, case: Any) -> None:
    response = agency_system.get("/api/v1/agency/cases/")
    assert response.status_code == 200 and response.json()["results"]
    assert not PersonalDataAccess.objects.exists()


def test_a_case_the_client_may_not_see_is_not_logged(personas: Any, case: Any) -> None:
    row = api_client_create(name="Sistem DPMPTSP", scopes=["cases:read"], agency=personas.dpmptsp)
    _key, secret = api_key_issue(client=row)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get(f"/api/v1/agency/cases/{case.reference}/").status_code == 404
    assert not PersonalDataAccess.objects.exists()


@pytest.fixture
def complaint_case(personas: Any, region_tree: Any) -> Any:
    from simpul.cases.models import Case
    from simpul.catalog.selectors import service_get
    from simpul.catalog.services import service_import_yaml

    text = (DATA / "pengaduan-infrastruktur.yaml").read_text().replace("dinas-pu", "disdukcapil")
    service_import_yaml(text=text, actor=None)
    service_get("pengaduan-infrastruktur")
    client = api_client_create(name="Open311 test", scopes=["cases:intake", "cases:read"],
                               allowed_service_kinds=["pengaduan"], rate_limit_per_minute=0)
    api_key_issue(client=client, secret=KEY)
    from django.test import Client

    created = Client().post("/open311/v2/requests.json", {
        "api_key": KEY, "service_code": "pengaduan-infrastruktur", "address_string": "Jl. Merdeka, Sukarami",
        "description": "Jembatan kayu di ujung desa patah dan tidak bisa dilewati motor sejak minggu lalu.",
        "first_name": "Siti", "last_name": "Aminah", "phone": "081234567890", "email": "siti@example.org",
        "attribute[confidential]": "no", "attribute[location_village]": "16.06.01.2001",
    })
    assert created.status_code == 201, created.content
    return Case.objects.get(reference=created.json()[0]["service_request_id"]), client


def test_open311_detail_with_the_reporters_words_is_logged_and_a_public_read_is_not(
    client: Any, complaint_case: Any
) -> None:
    case, open311 = complaint_case
    public = client.get(f"/open311/v2/requests/{case.reference}.json").json()[0]
    assert public["description"] is None
    assert not PersonalDataAccess.objects.exists()
    full = client.get(f"/open311/v2/requests/{case.reference}.json", {"api_key": KEY}).json()[0]
    assert full["description"].startswith("Jembatan kayu")
    row = PersonalDataAccess.objects.get()
    assert (row.door, row.api_client_id, row.reference) == (AccessDoor.API_READ, open311.pk, case.reference)


def test_open311_list_read_with_a_key_logs_each_request_returned_in_one_insert(
    client: Any, complaint_case: Any, django_assert_num_queries: Any
) -> None:
    case, open311 = complaint_case
    assert client.get("/open311/v2/requests.json").json()[0]["description"] is None  # public: nothing to log
    assert not PersonalDataAccess.objects.exists()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        items = client.get("/open311/v2/requests.json", {"api_key": KEY}).json()
    assert [item["service_request_id"] for item in items] == [case.reference] and items[0]["description"]
    assert sum("INSERT" in q["sql"] and "personaldataaccess" in q["sql"] for q in queries.captured_queries) == 1
    row = PersonalDataAccess.objects.get()
    assert (row.door, row.api_client_id, row.reference) == (AccessDoor.API_READ, open311.pk, case.reference)
