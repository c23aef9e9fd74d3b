"""The application flow against the real KTP-el replacement service shipped in the catalog data."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from simpul.cases.models import Case, Draft
from simpul.cases.tests.factories import png_upload

DATA = Path(__file__).resolve().parents[2] / "catalog" / "data" / "musi-banyuasin"


@pytest.fixture
def ktp(personas):
    from simpul.catalog.services import service_import_yaml

    return service_import_yaml(text=(DATA / "ktp-el-penggantian.yaml").read_text(), actor=None)


def test_citizen_applies_for_real_ktp_replacement_and_officer_sees_it(client, personas, ktp):
    from simpul.conftest import login

    response = client.get(reverse("cases:apply_start", kwargs={"code": "ktp-el-penggantian"}))
    draft = Draft.objects.get()
    assert response["Location"].endswith("/pemohon/")
    page = client.post(response["Location"], {
        "nik": "1606014101900001", "full_name": "Siti Aminah", "kk_number": "1606011503200001",
        "village": "16.06.01.2001", "address": "Jl. Merdeka RT 02", "phone": "081234567890", "email": "",
        "idempotency_key": draft.idempotency_key,
    })
    assert page.status_code == 302, page.content.decode()[:3000]
    page = client.post(page["Location"], {"reason": "lost", "idempotency_key": draft.idempotency_key})
    assert page.status_code == 400  # the date of loss is required when the card was lost
    assert 'value="lost"' in page.content.decode()
    page = client.post(reverse("cases:apply_page", kwargs={"code": "ktp-el-penggantian", "token": draft.token,
                                                          "page": "alasan"}),
                       {"reason": "lost", "lost_date": "2026-01-05", "idempotency_key": draft.idempotency_key})
    assert page.status_code == 302
    documents_url = page["Location"]
    page = client.post(documents_url, {"kk": png_upload()})
    assert page.status_code == 400 and "kepolisian" in page.content.decode().lower()
    page = client.post(documents_url, {"police_report": png_upload("polisi.png")})
    assert page.status_code == 302
    review = client.get(page["Location"])
    assert "Siti Aminah" in review.content.decode()
    done = client.post(page["Location"], {"idempotency_key": draft.idempotency_key})
    assert done.status_code == 302
    case = Case.objects.get()
    assert case.documents.count() == 2 and "1606011503200001" not in str(case.form_data)
    login(client, personas.officer)
    detail = client.get(reverse("backoffice:case_detail", kwargs={"reference": case.reference}))
    assert detail.status_code == 200 and "Siti Aminah" in detail.content.decode()
