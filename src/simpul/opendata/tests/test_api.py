"""GET /api/v1/datasets/ and /api/v1/datasets/<slug>/."""

from __future__ import annotations

import pytest

from simpul.opendata.services import datasets_refresh_generated


@pytest.fixture
def built(generated, region_tree):
    datasets_refresh_generated()
    return generated


def test_list_and_detail(client, built, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/datasets/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4
    item = next(d for d in body["results"] if d["slug"] == "kinerja-sla-opd-bulanan")
    assert item["producer"] == "dinkominfo" and item["is_generated"] is True
    assert {d["format"] for d in item["distributions"]} == {"csv", "xlsx", "json"}
    assert item["ms_ind"][0]["name"] == "persen_tepat_waktu"
    detail = client.get("/api/v1/datasets/konektivitas-desa/").json()
    assert detail["columns"][0] == "kode_desa"
    assert detail["distributions"][0]["download_url"].startswith("http://testserver/data/konektivitas-desa/unduh.")


def test_search_and_unknown(client, built):
    assert [d["slug"] for d in client.get("/api/v1/datasets/", {"q": "kategori pengaduan"}).json()["results"]] == [
        "pengaduan-per-kategori-bulanan"]
    response = client.get("/api/v1/datasets/nope/")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/problem+json")
