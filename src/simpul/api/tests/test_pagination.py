"""Every paginated API list answers a `limit` or `offset` it cannot use with a 400 problem naming the parameter.

The lists are found in the OpenAPI schema (every GET operation with a `limit` parameter), so a list added later
is covered without editing this test. The tables hold rows (the shipped frameworks, the generated datasets, the
regions, agencies and services of the test world), so that each list really reaches the database.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from rest_framework.test import APIClient

from simpul.conftest import login

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"


@pytest.fixture
def lists(client: Any, personas: Any) -> list[str]:
    from simpul.assessment import reference as assessment_reference
    from simpul.cases.tests.factories import ktp_service
    from simpul.opendata import reference as opendata_reference
    from simpul.opendata.services import datasets_refresh_generated

    assessment_reference.load(stdout=io.StringIO())
    opendata_reference.load(stdout=io.StringIO())
    datasets_refresh_generated()
    ktp_service(personas.dukcapil)
    schema = client.get("/api/v1/schema/?format=json").json()
    return sorted(path for path, operations in schema["paths"].items() if "{" not in path
                  and any(p["name"] == "limit" for p in operations.get("get", {}).get("parameters", [])))


def _clients(personas: Any) -> dict[str, Any]:
    anonymous = APIClient()
    admin = APIClient()
    login(admin, personas.admin)
    return {"anonymous": anonymous, "admin": admin}


def test_the_lists_found_include_the_assessment_and_dataset_lists(lists: list[str]) -> None:
    assert {"/api/v1/assessment/frameworks/", "/api/v1/assessment/rounds/", "/api/v1/datasets/",
            "/api/v1/services/", "/api/v1/regions/", "/api/v1/agencies/"} <= set(lists)


BAD = [
    (f"limit={HUGE}", "limit"), (f"offset={HUGE}", "offset"), (f"limit=5&offset={HUGE}", "offset"),
    ("limit=abc", "limit"), ("limit=-1", "limit"), ("limit=0", "limit"), ("offset=-3", "offset"),
    ("limit=1e3", "limit"), ("limit=%D9%A1", "limit"), ("limit=" + "9" * 5000, "limit"),
]


def test_a_limit_or_offset_out_of_range_is_a_400_naming_it(lists: list[str], personas: Any) -> None:
    failures = []
    for who, api in _clients(personas).items():
        for path in lists:
            for query, name in BAD:
                response = api.get(f"{path}?{query}")
                if response.status_code in (401, 403):  # a list this caller may not read at all
                    continue
                if (response.status_code != 400 or not response["Content-Type"].startswith("application/problem")
                        or list(response.json().get("errors", {})) != [name]):
                    failures.append((who, path, query[:40], response.status_code, response.content[:200]))
    assert failures == []


def test_a_limit_within_range_still_pages(lists: list[str], personas: Any) -> None:
    api = _clients(personas)["anonymous"]
    first = api.get("/api/v1/assessment/frameworks/?limit=1").json()
    second = api.get("/api/v1/assessment/frameworks/?limit=1&offset=1").json()
    assert first["count"] == 4 and len(first["results"]) == 1 and first["results"] != second["results"]
    assert api.get("/api/v1/datasets/?limit=&offset=").status_code == 200  # empty: the defaults
