import json

import pytest


@pytest.mark.django_db
def test_healthz_reports_ok_with_database_and_queue(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert body["task_queue"]["status"] == "ok"


@pytest.mark.django_db
def test_home_page_is_indonesian_by_default_and_english_under_en(client):
    assert '<html lang="id">' in client.get("/").content.decode()
    assert '<html lang="en">' in client.get("/en/").content.decode()
