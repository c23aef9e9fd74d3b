"""Public catalog API: list (searchable, constant queries) and one service with form and documents."""

from __future__ import annotations


def test_list(client, demo_catalog, django_assert_num_queries):
    with django_assert_num_queries(2):  # count + page
        response = client.get("/api/v1/services/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 13
    item = next(i for i in body["results"] if i["code"] == "ktp-el-penggantian")
    assert item["agency"]["code"] == "disdukcapil"
    assert item["fee_rupiah"] == 0 and item["sla_working_days"] == 3
    assert item["url"].endswith("/api/v1/services/ktp-el-penggantian/")


def test_list_search_and_filters(client, demo_catalog):
    assert [i["code"] for i in client.get("/api/v1/services/", {"q": "akta kelahiran"}).json()["results"]] == [
        "akta-kelahiran"]
    assert client.get("/api/v1/services/", {"audience": "business"}).json()["count"] == 1
    assert client.get("/api/v1/services/", {"kind": "bogus"}).status_code == 400


def test_detail_has_form_and_documents(client, demo_catalog):
    body = client.get("/api/v1/services/ktp-el-penggantian/").json()
    assert body["version"] == 2  # version 2 of the demo catalogue: plainer words for citizens
    assert body["form"]["pages"][0]["key"] == "pemohon"
    assert {d["code"] for d in body["documents"]} >= {"kk", "police_report"}
    assert body["workflow"] == "application"


def test_detail_unknown_is_404(client, demo_catalog):
    assert client.get("/api/v1/services/nope/").status_code == 404


def test_schema_documents_the_catalog(client, db):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/services/" in schema and "services_retrieve" in schema
