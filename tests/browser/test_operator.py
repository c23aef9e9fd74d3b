"""The village operator's journey in Chromium: apply on a citizen's behalf with the citizen's consent, find the
application in the day's list of the desa, print the receipt; the consent is required."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from simpul.conftest import personas, region_tree  # noqa: F401 - shared fixtures
from tests.browser.conftest import assert_no_axe_violations, ktp_applicant_and_reason

pytestmark = pytest.mark.django_db(transaction=True)

CATALOG = Path(__file__).resolve().parents[2] / "src" / "simpul" / "catalog" / "data" / "musi-banyuasin"


@pytest.fixture
def ktp(personas: Any) -> Any:  # noqa: F811 - the shared fixture
    from simpul.catalog.services import service_import_yaml

    return service_import_yaml(text=(CATALOG / "ktp-el-penggantian.yaml").read_text(), actor=None)


def test_operator_applies_for_a_citizen_with_consent_and_prints_the_receipt(
    browser: Any, live_server: Any, personas: Any, ktp: Any, tmp_path: Path  # noqa: F811
) -> None:
    from django.conf import settings
    from django.test import Client

    from simpul.cases.models import Case
    from simpul.conftest import login
    from simpul.core.models import AuditEntry

    site = str(live_server.url)
    client = Client()
    login(client, personas.operator)
    context = browser.new_context(locale="id-ID")
    context.set_default_timeout(20_000)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": site}])
    page = context.new_page()
    page.goto(f"{site}/kantor/")
    assert page.url.endswith("/kantor/desa/")
    assert_no_axe_violations(page)
    page.goto(f"{site}/layanan/ktp-el-penggantian/ajukan/?baru=1")
    ktp_applicant_and_reason(page)
    out = io.BytesIO()
    Image.new("RGB", (120, 80), (200, 200, 200)).save(out, format="JPEG")
    (tmp_path / "kk.jpg").write_bytes(out.getvalue())
    page.locator("#doc_kk").set_input_files(str(tmp_path / "kk.jpg"))
    page.get_by_role("button", name="Lanjut", exact=True).click()
    assert_no_axe_violations(page)
    # without the citizen's consent nothing is sent
    page.get_by_role("button", name="Kirim permohonan").click()
    assert Case.objects.count() == 0
    page.locator("input[type=checkbox][name*=consent]").check()
    page.get_by_label("Foto formulir persetujuan yang ditandatangani warga").set_input_files(str(tmp_path / "kk.jpg"))
    page.get_by_role("button", name="Kirim permohonan").click()
    reference = page.locator(".big").first.inner_text().strip()
    case = Case.objects.get(reference=reference)
    assert case.submitted_by_id == personas.operator.pk and case.consent.get("given")
    assert case.consent["photo"]["kind"] == "jpg"
    entry = AuditEntry.objects.get(action="cases.case_submit")
    assert entry.actor_id == personas.operator.pk and entry.on_behalf_of

    page.goto(f"{site}/kantor/desa/")
    assert reference in page.locator("main").inner_text()
    for paper in ("a6", "58mm"):
        receipt = page.request.get(f"{site}/kantor/desa/{reference}/tanda-terima.pdf?kertas={paper}")
        assert receipt.status == 200 and receipt.body()[:4] == b"%PDF"
    context.close()
