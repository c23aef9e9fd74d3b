import pytest

from simpul.regions.reference import load


class _Null:
    def write(self, *_a, **_k):
        pass


@pytest.fixture
def musi_banyuasin(db):
    load(stdout=_Null())


def test_parent_lists_the_15_kecamatan(client, musi_banyuasin, django_assert_num_queries):
    with django_assert_num_queries(2):
        response = client.get("/api/v1/regions/?parent=16.06")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 15
    assert {r["level"] for r in body["results"]} == {"kecamatan"}
    assert body["results"][0] == {"code": "16.06.01", "name": "Sekayu", "level": "kecamatan", "kind": "",
                                  "parent": "16.06"}


def test_ancestor_and_level_list_the_242_villages(client, musi_banyuasin, django_assert_num_queries):
    with django_assert_num_queries(2):
        response = client.get("/api/v1/regions/?ancestor=16.06&level=desa_kelurahan")
    body = response.json()
    assert body["count"] == 242
    assert len(body["results"]) == 242


def test_villages_of_one_kecamatan(client, musi_banyuasin):
    body = client.get("/api/v1/regions/?parent=16.06.01").json()
    assert body["count"] > 0
    assert all(r["parent"] == "16.06.01" for r in body["results"])


def test_detail_and_not_found(client, musi_banyuasin):
    assert client.get("/api/v1/regions/16.06.13/").json()["name"] == "Lawan Wetan"
    assert client.get("/api/v1/regions/99.99/").status_code == 404


def test_bad_filter_is_400(client, musi_banyuasin):
    response = client.get("/api/v1/regions/?level=dusun")
    assert response.status_code == 400
    response = client.get("/api/v1/regions/?parent=abc")
    assert response.status_code == 400
