import pytest

from simpul.agencies import reference as agencies_reference
from simpul.regions import reference as regions_reference


class _Null:
    def write(self, *_a, **_k):
        pass


@pytest.fixture
def loaded(db):
    regions_reference.load(stdout=_Null())
    agencies_reference.load(stdout=_Null())


def test_agency_list_counts_and_query_count(client, loaded, django_assert_num_queries):
    with django_assert_num_queries(2):
        body = client.get("/api/v1/agencies/").json()
    assert body["count"] == 40
    kecamatan = client.get("/api/v1/agencies/?kind=kecamatan").json()
    assert kecamatan["count"] == 15
    unit = next(a for a in body["results"] if a["code"] == "rumah-dinas-bupati")
    assert unit["parent"] == "sekretariat-daerah"


def test_agency_detail_and_404(client, loaded):
    body = client.get("/api/v1/agencies/kecamatan-16-06-13/").json()
    assert body["name"] == "Kantor Camat Lawang Wetan"
    assert body["region"] == "16.06.13"
    assert client.get("/api/v1/agencies/nope/").status_code == 404


def test_agency_list_rejects_unknown_kind(client, loaded):
    assert client.get("/api/v1/agencies/?kind=castle").status_code == 400
