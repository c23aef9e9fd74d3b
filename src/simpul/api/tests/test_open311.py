"""Open311 GeoReport v2 conformance: every endpoint in JSON and XML, shaped like the spec's examples."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from simpul.cases.actions import case_transition
from simpul.cases.constants import CaseAction
from simpul.cases.models import Case
from simpul.catalog.services import service_import_yaml
from simpul.clients.services import api_client_create, api_key_issue

DATA = Path(__file__).resolve().parents[2] / "catalog" / "data" / "musi-banyuasin"
BASE = "/open311/v2/"
KEY = "test-open311-key"

REQUEST_KEYS = {
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
    "address", "address_id", "zipcode", "lat", "long", "media_url",
}


@pytest.fixture
def complaint(personas):
    from simpul.catalog.services import service_import_yaml

    text = (DATA / "pengaduan-infrastruktur.yaml").read_text().replace("dinas-pu", "disdukcapil")
    service_import_yaml(text=text, actor=None)
    from simpul.catalog.selectors import service_get

    return service_get("pengaduan-infrastruktur")


@pytest.fixture
def open311_client(db):
    client = api_client_create(name="Open311 test", scopes=["cases:intake"],
                               allowed_service_kinds=["pengaduan"], rate_limit_per_minute=0)
    api_key_issue(client=client, secret=KEY)
    return client


def post_request(client, fmt="json", **overrides):
    data = {
        "api_key": KEY, "service_code": "pengaduan-infrastruktur", "lat": "-2.8833", "long": "103.85",
        "address_string": "Jl. Merdeka dekat jembatan, Sukarami",
        "description": "Jembatan kayu di ujung desa patah dan tidak bisa dilewati motor sejak minggu lalu.",
        "media_url": "https://example.org/foto/jembatan.jpg", "first_name": "Siti", "last_name": "Aminah",
        "phone": "081234567890", "email": "siti@example.org", "attribute[confidential]": "no",
        "attribute[location_village]": "16.06.01.2001",
    }
    data.update(overrides)
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(f"{BASE}requests.{fmt}", data)


def xml(response):
    assert response["Content-Type"].startswith("text/xml")
    return ET.fromstring(response.content)  # noqa: S314 - our own response in a test


# -- discovery and services ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_discovery_json_and_xml(client):
    body = client.get(f"{BASE}discovery.json").json()
    assert {"changeset", "contact", "key_service", "endpoints"} <= set(body)
    endpoint = body["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2") and endpoint["type"] == "production"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    root = xml(client.get(f"{BASE}discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == ["text/xml", "application/json"]


def test_services_list_only_published_complaints(client, complaint, personas):
    from simpul.catalog.tests.factories import make_service

    make_service(agency=personas.dukcapil)  # an application service: not an Open311 category
    body = client.get(f"{BASE}services.json").json()
    assert [s["service_code"] for s in body] == ["pengaduan-infrastruktur"]
    service = body[0]
    assert set(service) == {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
    assert service["metadata"] is True and service["type"] == "realtime"
    assert service["group"] == "infrastruktur"
    root = xml(client.get(f"{BASE}services.xml"))
    assert root.tag == "services"
    assert root.find("service/service_code").text == "pengaduan-infrastruktur"
    assert root.find("service/metadata").text == "true"


def test_service_definition_attributes(client, complaint, region_tree):
    body = client.get(f"{BASE}services/pengaduan-infrastruktur.json").json()
    assert body["service_code"] == "pengaduan-infrastruktur"
    by_code = {a["code"]: a for a in body["attributes"]}
    # Open311's own parameters cover description, name, phone, email, the link and the location detail.
    assert not {"description", "full_name", "phone", "email", "media_url", "location_detail"} & set(by_code)
    village = by_code["location_village"]
    # lat/long locate a request on their own (the office then sets the village): never a required attribute
    assert village["datatype"] == "singlevaluelist" and village["required"] is False
    assert "lat" in village["datatype_description"]
    assert by_code["confidential"]["required"] is False  # not answered means no
    assert {"key": "16.06.01.2001", "name": "Sukarami, Sekayu"} in village["values"]
    assert by_code["incident_date"]["datatype"] == "datetime"
    assert by_code["title"]["required"] is False  # taken from the description when absent
    assert [v["key"] for v in by_code["confidential"]["values"]] == ["yes", "no"]
    assert [a["order"] for a in body["attributes"]] == list(range(1, len(body["attributes"]) + 1))
    for attribute in body["attributes"]:
        assert set(attribute) == {"variable", "code", "datatype", "required", "datatype_description", "order",
                                  "description", "values"}
    root = xml(client.get(f"{BASE}services/pengaduan-infrastruktur.xml"))
    assert root.tag == "service_definition"
    codes = [a.find("code").text for a in root.findall("attributes/attribute")]
    assert codes == list(by_code)
    values = root.findall("attributes/attribute[code='confidential']/values/value")
    assert [(v.find("key").text, v.find("name").text) for v in values] == [("yes", "Ya"), ("no", "Tidak")]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_is_404_in_spec_error_format(client, db, fmt):
    response = client.get(f"{BASE}services/no-such.{fmt}")
    assert response.status_code == 404
    if fmt == "json":
        assert response.json()[0]["code"] == 404 and response.json()[0]["description"]
    else:
        root = xml(response)
        assert root.tag == "errors" and root.find("error/code").text == "404"


# -- POST and read back -------------------------------------------------------------------------------------------


def test_post_then_get_round_trip_json(client, complaint, open311_client, region_tree):
    response = post_request(client)
    assert response.status_code == 201, response.content
    created = response.json()
    assert len(created) == 1 and set(created[0]) == {"service_request_id", "token", "service_notice", "account_id"}
    assert created[0]["account_id"] is None
    case = Case.objects.get(reference=created[0]["service_request_id"])
    assert case.channel == "api" and case.status == "diterima" and case.desa_id == "16.06.01.2001"
    assert case.applicant_name == "Siti Aminah" and case.form_data["title"].startswith("Jembatan kayu")
    assert case.form_data["location_detail"] == "Jl. Merdeka dekat jembatan, Sukarami"
    assert (str(case.latitude), str(case.longitude)) == ("-2.883300", "103.850000")
    assert case.form_data["media_url"] == "https://example.org/foto/jembatan.jpg"

    public = client.get(f"{BASE}requests/{case.reference}.json").json()
    assert len(public) == 1 and set(public[0]) == REQUEST_KEYS
    item = public[0]
    assert item["status"] == "open" and item["service_code"] == "pengaduan-infrastruktur"
    assert item["description"] is None and item["media_url"] is None  # reporter's text only with a key
    assert item["address_id"] == "16.06.01.2001" and item["address"] == "Sukarami, Sekayu"
    assert (item["lat"], item["long"]) == (-2.8833, 103.85)
    assert item["requested_datetime"].endswith("+07:00") and item["updated_datetime"].endswith("+07:00")
    assert item["agency_responsible"] == case.agency.name

    with_key = client.get(f"{BASE}requests/{case.reference}.json", {"api_key": KEY}).json()[0]
    assert with_key["description"].startswith("Jembatan kayu")
    assert with_key["media_url"] == "https://example.org/foto/jembatan.jpg"

    token = client.get(f"{BASE}tokens/{created[0]['token']}.json").json()
    assert token == [{"service_request_id": case.reference, "token": case.reference}]


def test_post_and_get_in_xml(client, complaint, open311_client, region_tree):
    response = post_request(client, fmt="xml")
    assert response.status_code == 201
    root = xml(response)
    assert root.tag == "service_requests"
    reference = root.find("request/service_request_id").text
    assert root.find("request/account_id").text is None
    got = xml(client.get(f"{BASE}requests/{reference}.xml"))
    assert got.find("request/status").text == "open"
    assert {child.tag for child in got.find("request")} == REQUEST_KEYS
    listed = xml(client.get(f"{BASE}requests.xml"))
    assert [r.find("service_request_id").text for r in listed.findall("request")] == [reference]
    token = xml(client.get(f"{BASE}tokens/{reference}.xml"))
    assert token.find("request/token").text == reference


def test_status_closed_with_latest_public_note(client, complaint, open311_client, personas, region_tree):
    reference = post_request(client).json()[0]["service_request_id"]
    case = Case.objects.get(reference=reference)
    case_transition(case=case, action=CaseAction.REDIRECT, actor=personas.officer,
                    note="Ini wewenang Balai Besar Wilayah Sungai; sudah kami teruskan.")
    item = client.get(f"{BASE}requests/{reference}.json").json()[0]
    assert item["status"] == "closed"
    assert item["status_notes"] == "Ini wewenang Balai Besar Wilayah Sungai; sudah kami teruskan."
    assert client.get(f"{BASE}requests.json", {"status": "closed"}).json()[0]["service_request_id"] == reference
    assert client.get(f"{BASE}requests.json", {"status": "open"}).json() == []


def test_get_requests_filters(client, complaint, open311_client, region_tree):
    first = post_request(client).json()[0]["service_request_id"]
    second = post_request(client, description="Drainase tersumbat sampah sehingga jalan desa tergenang air.").json()
    second = second[0]["service_request_id"]
    listed = [r["service_request_id"] for r in client.get(f"{BASE}requests.json").json()]
    assert set(listed) == {first, second}
    only = client.get(f"{BASE}requests.json", {"service_request_id": first}).json()
    assert [r["service_request_id"] for r in only] == [first]
    assert client.get(f"{BASE}requests.json", {"service_code": "other"}).json() == []
    Case.objects.filter(reference=first).update(submitted_at="2020-01-05T10:00:00+07:00")
    recent = [r["service_request_id"] for r in client.get(f"{BASE}requests.json").json()]
    assert recent == [second]  # default window: the last 90 days
    old = client.get(f"{BASE}requests.json", {"start_date": "2020-01-01T00:00:00+07:00",
                                              "end_date": "2020-02-01T00:00:00+07:00"}).json()
    assert [r["service_request_id"] for r in old] == [first]


@pytest.mark.parametrize("params", [{"start_date": "yesterday"}, {"status": "pending"},
                                    {"start_date": "2026-02-01", "end_date": "2026-01-01"}])
def test_bad_filters_are_400(client, db, params):
    response = client.get(f"{BASE}requests.json", params)
    assert response.status_code == 400 and response.json()[0]["code"] == 400


def test_list_does_not_query_per_request(client, complaint, open311_client, region_tree, django_assert_max_num_queries):
    for _ in range(3):
        post_request(client)
    with django_assert_max_num_queries(3):
        assert len(client.get(f"{BASE}requests.json").json()) == 3


# -- bad input -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_api_key_is_403(client, complaint, open311_client, fmt):
    response = post_request(client, fmt=fmt, api_key="wrong")
    assert response.status_code == 403
    if fmt == "json":
        assert response.json()[0]["code"] == 403
    else:
        assert xml(response).find("error/code").text == "403"
    assert not Case.objects.exists()


def test_missing_key_and_key_without_scope_are_403(client, complaint, open311_client):
    assert post_request(client, api_key=None).status_code == 403
    reader = api_client_create(name="reader", scopes=["cases:read"], rate_limit_per_minute=0)
    api_key_issue(client=reader, secret="reader-key-0123456789")
    assert post_request(client, api_key="reader-key-0123456789").status_code == 403


def test_client_restricted_to_other_kinds_is_403(client, complaint):
    other = api_client_create(name="dukcapil", scopes=["cases:intake"], allowed_service_kinds=["permohonan"],
                              rate_limit_per_minute=0)
    api_key_issue(client=other, secret="other-key-0123456789")
    assert post_request(client, api_key="other-key-0123456789").status_code == 403


def test_unknown_service_code_on_post(client, complaint, open311_client):
    response = post_request(client, service_code="no-such")
    assert response.status_code == 404 and "no-such" in response.json()[0]["description"]
    assert post_request(client, service_code="").status_code == 400


def test_missing_location_and_invalid_fields_named(client, complaint, open311_client, region_tree):
    response = post_request(client, lat=None, long=None, address_string=None,
                            **{"attribute[location_village]": None})
    assert response.status_code == 400 and "lat" in response.json()[0]["description"]
    assert post_request(client, lat="north", long="103").status_code == 400
    response = post_request(client, description="pendek", phone="12")
    assert response.status_code == 400
    described = " ".join(e["description"] for e in response.json())
    assert "description:" in described and "phone:" in described
    assert not Case.objects.exists()


def test_village_from_address_string_or_desa_attribute(client, complaint, open311_client, region_tree):
    by_address = post_request(client, lat=None, long=None, address_string="Dusun 2, Desa Lumpatan",
                              **{"attribute[location_village]": None})
    assert by_address.status_code == 201, by_address.content
    assert Case.objects.get(reference=by_address.json()[0]["service_request_id"]).desa_id == "16.06.01.2002"
    by_code = post_request(client, **{"attribute[location_village]": None, "attribute[desa]": "16.06.02.2001"})
    assert Case.objects.get(reference=by_code.json()[0]["service_request_id"]).desa_id == "16.06.02.2001"


def test_idempotency_key_replays(client, complaint, open311_client, region_tree):
    first = client.post(f"{BASE}requests.json", _params(), HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post(f"{BASE}requests.json", _params(), HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()[0]["service_request_id"] == again.json()[0]["service_request_id"]
    assert Case.objects.count() == 1


def _params():
    return {"api_key": KEY, "service_code": "pengaduan-infrastruktur", "attribute[desa]": "16.06.01.2001",
            "description": "Lampu jalan di depan balai desa mati sejak tiga minggu yang lalu.",
            "first_name": "Budi", "phone": "081234567891", "attribute[confidential]": "yes"}


@pytest.mark.django_db
def test_unknown_request_token_and_method(client):
    assert client.get(f"{BASE}requests/NOPE.json").status_code == 404
    assert xml(client.get(f"{BASE}tokens/NOPE.xml")).find("error/code").text == "404"
    response = client.delete(f"{BASE}requests.json")
    assert response.status_code == 405 and json.loads(response.content)[0]["code"] == 405


def test_xml_escapes_text(client, complaint, open311_client, region_tree):
    reference = post_request(client, description="Jalan <rusak> & berlubang \"parah\" di dekat sekolah dasar.",
                             ).json()[0]["service_request_id"]
    root = xml(client.get(f"{BASE}requests/{reference}.xml", {"api_key": KEY}))
    assert root.find("request/description").text == "Jalan <rusak> & berlubang \"parah\" di dekat sekolah dasar."


def test_open311_fills_the_fields_declared_with_the_applicant_roles_whatever_their_names(
        client, personas, open311_client, region_tree):
    text = (DATA / "pengaduan-infrastruktur.yaml").read_text().replace("dinas-pu", "disdukcapil")
    for old, new in (("full_name", "nama_warga"), ("phone", "hp_warga"), ("email", "surel_warga")):
        text = text.replace(f"- name: {old}\n", f"- name: {new}\n")
    text = text.replace("required_unless: email\n", "required_unless: surel_warga\n")
    service_import_yaml(text=text, actor=None)
    attributes = client.get(f"{BASE}services/pengaduan-infrastruktur.json").json()["attributes"]
    assert not {"nama_warga", "hp_warga", "surel_warga"} & {a["code"] for a in attributes}
    response = post_request(client)
    assert response.status_code == 201, response.content
    case = Case.objects.get(reference=response.json()[0]["service_request_id"])
    assert (case.applicant_name, case.phone, case.email) == ("Siti Aminah", "081234567890", "siti@example.org")
    assert case.form_data["nama_warga"] == "Siti Aminah"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_errors_speak_the_locale_parameter_before_accept_language(client, complaint, open311_client, region_tree,
                                                                 fmt):
    def description(response):
        if fmt == "json":
            return response.json()[0]["description"]
        return xml(response).find("error/description").text

    indonesian = post_request(client, fmt=fmt, media_url="javascript:alert(1)")
    english = post_request(client, fmt=fmt, media_url="javascript:alert(1)", locale="en-US")
    assert indonesian.status_code == english.status_code == 400
    assert description(indonesian) == "media_url: Berikan tautan web lengkap yang diawali http:// atau https://."
    assert description(english) == "media_url: Give a full web link that starts with http:// or https://."
    assert english["Content-Language"] == "en"
    missing = client.get(f"{BASE}services/no-such.{fmt}", {"locale": "en"}, HTTP_ACCEPT_LANGUAGE="id")
    assert description(missing) == "There is no complaint service with the code no-such."
    assert not Case.objects.exists()
