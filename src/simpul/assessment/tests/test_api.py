import pytest

from simpul.assessment import demo, reference
from simpul.assessment.models import Round
from simpul.conftest import login

pytestmark = pytest.mark.django_db


class Out:
    def write(self, s):
        pass


def test_api_frameworks_rounds_and_results(client, personas, settings, django_assert_max_num_queries):
    settings.DEMO_MODE = True
    reference.load(stdout=Out())
    demo.load(stdout=Out())
    with django_assert_max_num_queries(3):
        body = client.get("/api/v1/assessment/frameworks/").json()
    assert {f["slug"] for f in body["results"]} >= {"spbe-2020", "paper-2020", "pemdi-2026-draft"}
    spbe = client.get("/api/v1/assessment/frameworks/spbe/2020/").json()
    assert spbe["predicate_bands"][0] == {"label": "Memuaskan", "label_en": "Satisfying", "min": "4.2"}
    public = client.get("/api/v1/assessment/rounds/").json()
    assert [r["year"] for r in public["results"]] == [2020]  # only the published paper round
    paper = Round.objects.get(year=2020)
    res = client.get(f"/api/v1/assessment/rounds/{paper.pk}/results/").json()
    assert [i["level_mean"] for i in res["items"] if i["code"].startswith("M")] == [5.0] * 5
    hidden = Round.objects.get(framework__code="spbe", year=2026)
    assert client.get(f"/api/v1/assessment/rounds/{hidden.pk}/results/").status_code == 404
    login(client, personas.evaluator)
    res = client.get(f"/api/v1/assessment/rounds/{hidden.pk}/results/").json()
    assert res["predicate"] in {"Memuaskan", "Sangat Baik", "Baik", "Cukup", "Kurang"} and res["index"]
    needs = Round.objects.get(framework__code="kebutuhan")
    res = client.get(f"/api/v1/assessment/rounds/{needs.pk}/results/").json()
    assert len(res["ipa"]) == 10 and res["ipa_crosshair"]["kind"] == "data"


def test_schema_lists_assessment_endpoints(client, db):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/assessment/rounds/{id}/results/" in schema and "/api/v1/assessment/frameworks/" in schema


def test_api_key_caller_sees_published_rounds_only(client, personas, settings):
    """An API-key principal has no role: it must get the public view, never a server error."""
    from simpul.clients.services import api_client_create, api_key_issue

    settings.DEMO_MODE = True
    reference.load(stdout=Out())
    demo.load(stdout=Out())
    api_client = api_client_create(name="Dashboard", scopes=["assessment:read"])
    _key, secret = api_key_issue(client=api_client)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    rounds = client.get("/api/v1/assessment/rounds/", **headers)
    assert rounds.status_code == 200
    assert [r["year"] for r in rounds.json()["results"]] == [2020]
    hidden = Round.objects.get(framework__code="spbe", year=2026)
    assert client.get(f"/api/v1/assessment/rounds/{hidden.pk}/results/", **headers).status_code == 404
