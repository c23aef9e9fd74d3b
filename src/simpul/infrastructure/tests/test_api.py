"""The infrastructure API: public coverage, scoped reads, idempotent measurement posting, refusals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from simpul.clients.services import api_client_create, api_key_issue
from simpul.conftest import login
from simpul.infrastructure.api.serializers import MeasurementInputSerializer
from simpul.infrastructure.models import Measurement
from simpul.infrastructure.tests.factories import ApplicationFactory, LinkFactory, SiteFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/measurements/"


def _client_with(scopes: list[str]) -> APIClient:
    api_client = api_client_create(name=f"probe {'-'.join(scopes) or 'none'}", scopes=scopes)
    _key, secret = api_key_issue(client=api_client)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def _body(link_id: int, **extra: Any) -> dict[str, Any]:
    return {"link": link_id, "probe_id": "probe-sekayu", "measured_at": "2026-03-01T08:00:00+07:00",
            "latency_ms": "612.5", "available": True, **extra}


def test_posting_a_measurement_twice_returns_the_same_row(region_tree: Any) -> None:
    link = LinkFactory()
    client = _client_with(["infrastructure:write"])
    first = client.post(URL, _body(link.pk), format="json")
    again = client.post(URL, _body(link.pk), format="json")
    assert first.status_code == 201, first.content
    assert again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert Measurement.objects.count() == 1
    assert Measurement.objects.get().source == "probe"


def test_measurement_without_scope_is_refused_with_reason(region_tree: Any) -> None:
    link = LinkFactory()
    response = _client_with(["infrastructure:read"]).post(URL, _body(link.pk), format="json")
    assert response.status_code == 403
    assert "infrastructure:write" in response.content.decode()
    assert APIClient().post(URL, _body(link.pk), format="json").status_code in (401, 403)
    assert not Measurement.objects.exists()


def test_measurement_for_unknown_link_is_refused(region_tree: Any) -> None:
    response = _client_with(["infrastructure:write"]).post(URL, _body(999999), format="json")
    assert response.status_code == 400
    assert "link" in response.content.decode()


@pytest.mark.parametrize("mbps", ["-1", "100001", "1e9"])
def test_negative_or_absurd_bandwidth_is_refused(region_tree: Any, mbps: str) -> None:
    link = LinkFactory()
    response = _client_with(["infrastructure:write"]).post(URL, _body(link.pk, download_mbps=mbps), format="json")
    assert response.status_code == 400
    assert "download_mbps" in response.content.decode()
    assert not Measurement.objects.exists()


def test_measurement_from_the_future_is_refused(region_tree: Any) -> None:
    link = LinkFactory()
    response = _client_with(["infrastructure:write"]).post(
        URL, _body(link.pk, measured_at="2999-01-01T00:00:00Z"), format="json")
    assert response.status_code == 400
    assert "measured_at" in response.content.decode()


def test_coverage_is_public(region_tree: Any) -> None:
    LinkFactory(site=SiteFactory(region=region_tree["16.06.01.2001"]), download_mbps=Decimal("5"))
    response = APIClient().get("/api/v1/infrastructure/coverage/", {"kecamatan": "16.06.01"})
    assert response.status_code == 200
    rows = {r["code"]: r for r in response.json()}
    assert rows["16.06.01.2001"]["connected_sites"] == 1
    assert rows["16.06.01.2002"]["connected_sites"] == 0


def test_registry_reads_need_staff_or_read_scope(region_tree: Any, personas: Any,
                                                 django_assert_max_num_queries: Any) -> None:
    for i in range(5):
        LinkFactory(site=SiteFactory(code=f"s{i}"))
    ApplicationFactory()
    anonymous = APIClient()
    assert anonymous.get("/api/v1/infrastructure/sites/").status_code in (401, 403)
    citizen = APIClient()
    citizen.force_login(personas.citizen, backend="simpul.accounts.backends.EmailOrPhoneBackend")
    assert citizen.get("/api/v1/infrastructure/sites/").status_code == 403
    reader = _client_with(["infrastructure:read"])
    with django_assert_max_num_queries(12):
        response = reader.get("/api/v1/infrastructure/links/")
    assert response.status_code == 200
    assert response.json()["count"] == 5
    assert reader.get("/api/v1/infrastructure/applications/").status_code == 200
    assert reader.get(URL).status_code == 200
    staff = APIClient()
    login(staff, personas.admin)
    assert staff.get("/api/v1/infrastructure/sites/").json()["count"] == 5


def test_schema_documents_the_endpoints(db: Any) -> None:
    schema = APIClient().get("/api/v1/schema/", {"format": "json"})
    assert schema.status_code == 200
    text = schema.content.decode()
    for path in ["/api/v1/measurements/", "/api/v1/infrastructure/sites/", "/api/v1/infrastructure/coverage/",
                 "/api/v1/infrastructure/applications/", "/api/v1/infrastructure/links/"]:
        assert path in text


@settings(max_examples=80, deadline=None)
@given(st.decimals(min_value=Decimal("-1e7"), max_value=Decimal("1e7"), places=3, allow_nan=False,
                   allow_infinity=False))
def test_bandwidth_bounds_of_measurement_input(mbps: Decimal) -> None:
    data = MeasurementInputSerializer(data={"link": 1, "probe_id": "p", "measured_at": "2026-03-01T08:00:00Z",
                                            "download_mbps": str(mbps)})
    assert data.is_valid() == (Decimal("0") <= mbps <= Decimal("100000"))


@pytest.mark.parametrize("path", ["/api/v1/measurements/", "/api/v1/infrastructure/measurements/"])
def test_an_id_beyond_64_bits_is_a_400_naming_the_field(path, client):
    reader = api_client_create(name="Pembaca infrastruktur", scopes=["infrastructure:read", "infrastructure:write"])
    _key, secret = api_key_issue(client=reader)
    response = client.get(path, {"link": "219163624154997821330685952"}, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 400
    assert "link" in response.content.decode()


def test_coverage_with_a_period_that_ends_before_it_starts_is_a_400_naming_the_field(region_tree: Any) -> None:
    client = APIClient()
    url = "/api/v1/infrastructure/coverage/"
    same = client.get(url, {"since": "2026-03-01T08:00:00Z", "until": "2026-03-01T08:00:00Z"})
    assert same.status_code == 400 and list(same.json()["errors"]) == ["until"]
    future = client.get(url, {"since": "2999-01-01T00:00:00Z"})  # without `until` the period ends now
    assert future.status_code == 400 and list(future.json()["errors"]) == ["since"]
    ancient = client.get(url, {"until": "0001-01-15T00:12:01+03:17"})  # its default start would be before year 1
    assert ancient.status_code == 400 and list(ancient.json()["errors"]) == ["until"]
    assert client.get(url, {"since": "2026-01-01T00:00:00Z", "until": "2026-02-01T00:00:00Z"}).status_code == 200


@pytest.mark.parametrize("extra", [
    {"available": 0}, {"available": "yes"}, {"probe_id": 7}, {"link": "1"}, {"download_mbps": "1e3"},
    {"download_mbps": " 5 "}, {"download_mbps": -1}, {"download_mbps": 100001}, {"loss_pct": "100.5"},
    {"measured_at": "1999-12-31T23:59:59Z"},
])
def test_measurement_values_of_the_wrong_json_type_or_range_are_refused_by_field(region_tree: Any,
                                                                                  extra: dict[str, Any]) -> None:
    link = LinkFactory()
    response = _client_with(["infrastructure:write"]).post(URL, {**_body(link.pk), **extra}, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == list(extra)
    assert not Measurement.objects.exists()


def test_measurement_numbers_come_as_json_numbers_or_digits_and_are_rounded_to_the_field(region_tree: Any) -> None:
    link = LinkFactory()
    response = _client_with(["infrastructure:write"]).post(
        URL, _body(link.pk, download_mbps=12.34567, upload_mbps="99999.9", latency_ms=600000, loss_pct=""),
        format="json")
    assert response.status_code == 201, response.content
    row = Measurement.objects.get()
    assert (row.download_mbps, row.upload_mbps, row.latency_ms, row.loss_pct) == (
        Decimal("12.346"), Decimal("99999.900"), Decimal("600000.00"), None)
