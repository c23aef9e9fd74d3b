"""An Open311 complaint located by lat/long only, on the officer's case screen in Chromium: the point is shown
(a geo: link a phone opens in its map app), the village is marked as not set, and the officer picks it from the
list of villages grouped by kecamatan. Screenshots go to $SIMPUL_SHOTS when set."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from simpul.cases.models import Case
from simpul.cases.tests.complaints import COMPLAINT, inspektorat, kependudukan  # noqa: F401 - fixtures
from simpul.clients.services import api_client_create, api_key_issue
from simpul.conftest import personas, region_tree  # noqa: F401 - shared fixtures
from tests.browser.conftest import assert_no_axe_violations, shot, staff_page

pytestmark = pytest.mark.django_db(transaction=True)
KEY = "browser-open311-point-key"


def test_officer_sets_the_village_of_a_complaint_located_by_its_point(
    browser: Any, live_server: Any, personas: Any, kependudukan: Any,  # noqa: F811
) -> None:
    row = api_client_create(name="Aplikasi warga", scopes=["cases:intake"], rate_limit_per_minute=0)
    api_key_issue(client=row, secret=KEY)
    posted = Client().post("/open311/v2/requests.json", {
        "api_key": KEY, "service_code": "pengaduan-kependudukan", "lat": "-2.883301", "long": "103.850012",
        "description": COMPLAINT["description"], "email": "warga@example.org",
    })
    assert posted.status_code == 201, posted.content.decode()
    reference = posted.json()[0]["service_request_id"]

    page = staff_page(browser, str(live_server.url), personas.officer)
    page.goto(f"{live_server.url}/kantor/perkara/{reference}/")
    summary = page.locator("dl.summary-list").first
    assert "belum ditetapkan" in summary.inner_text()
    assert page.get_by_role("link", name="-2.883301, 103.850012").get_attribute("href") == "geo:-2.883301,103.850012"
    assert_no_axe_violations(page)
    shot(page, "desk-case-point-without-village")

    page.locator("select[name=desa]").select_option("16.06.01.2002")
    page.get_by_role("button", name="Simpan desa/kelurahan").click()
    assert "Desa/kelurahan sudah ditetapkan." in page.locator("main").inner_text()
    assert "Lumpatan" in page.locator("dl.summary-list").first.inner_text()
    shot(page, "desk-case-point-village-set")
    assert Case.objects.get(reference=reference).desa_id == "16.06.01.2002"
