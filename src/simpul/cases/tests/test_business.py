"""A business applies for the reklame permit: the form, the check page, the confirmation, the receipt and the
officer's case screen name the company and its NIB, and the check page and the officer see the tax estimate
when the kabupaten's tariff is data (none without a tariff)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from simpul.accounts.models import BusinessProfile
from simpul.cases.models import Case, Draft
from simpul.cases.tests.factories import pdf_upload, png_upload
from simpul.catalog import tariffs
from simpul.catalog.services import service_import_yaml
from simpul.conftest import login
from simpul.core.tests.pdfchecks import pdf_facts

CATALOG = Path(__file__).resolve().parents[2] / "catalog" / "data" / "musi-banyuasin"


@pytest.fixture
def reklame(personas):
    return service_import_yaml(text=(CATALOG / "izin-reklame.yaml").read_text(), actor=None)


@pytest.fixture
def company(personas):
    return BusinessProfile.objects.create(
        user=personas.business, business_name="CV Maju Jaya", nib="9120001234567", kbli_codes=["73100"],
        address="Jl. Merdeka 1, Sekayu", desa=personas.desa,
    )


@pytest.fixture
def demo_tariff(settings):
    settings.DEMO_MODE = True  # the example tariff of the demo (no kabupaten file ships with figures)
    settings.SIMPUL_KABUPATEN_CODE = "16.06"


def _apply(client, *, size="7,5"):
    response = client.get(reverse("cases:apply_start", kwargs={"code": "izin-reklame"}))
    assert response.status_code == 302
    draft = Draft.objects.latest("id")
    first = client.get(response["Location"])
    page = reverse("cases:apply_page", kwargs={"code": "izin-reklame", "token": draft.token, "page": "reklame"})
    response = client.post(page, {"billboard_type": "billboard", "size_m2": size, "faces": "1",
                                  "content": "Toko Maju Jaya", "idempotency_key": draft.idempotency_key})
    assert response.status_code == 302, response.content.decode()[:2000]
    page = reverse("cases:apply_page", kwargs={"code": "izin-reklame", "token": draft.token, "page": "lokasi"})
    response = client.post(page, {"location_village": "16.06.01.2001", "location_address": "Jl. Merdeka 1",
                                  "land_status": "own", "duration": "3m", "start_date": "2099-01-02"})
    assert response.status_code == 302, response.content.decode()[:2000]
    documents = reverse("cases:apply_documents", kwargs={"code": "izin-reklame", "token": draft.token})
    response = client.post(documents, {"design": pdf_upload("desain.pdf"), "location_photo": png_upload("lokasi.png"),
                                       "ownership_proof": pdf_upload("sertifikat.pdf")})
    assert response.status_code == 302, response.content.decode()[:3000]
    return draft, first


def test_business_sees_company_and_estimate_and_officer_sees_them(client, personas, reklame, company, demo_tariff):
    login(client, personas.business)
    draft, first = _apply(client)
    assert "Mengajukan sebagai <strong>CV Maju Jaya</strong> (NIB 9120001234567)." in first.content.decode()
    review = client.get(reverse("cases:apply_review", kwargs={"code": "izin-reklame", "token": draft.token}))
    text = review.content.decode()
    assert "<strong>CV Maju Jaya</strong> (NIB 9120001234567)" in text
    assert "7,5" in text  # the size as typed, with the Indonesian decimal comma
    # 7,5 m² x 1 face x Rp 20.000 (Sekayu, class A) x 3 months = Rp 450.000 rental value; 25% of it
    assert "Perkiraan pajak reklame" in text and "Rp 112.500" in text and "Rp 450.000" in text
    response = client.post(reverse("cases:apply_review", kwargs={"code": "izin-reklame", "token": draft.token}),
                           {"idempotency_key": draft.idempotency_key})
    assert response.status_code == 302
    done = client.get(response["Location"]).content.decode()
    assert "CV Maju Jaya · NIB 9120001234567" in done
    case = Case.objects.get()
    assert case.business_nib == "9120001234567" and case.form_data["size_m2"] == 7.5
    receipt = client.get(reverse("cases:track_receipt", kwargs={"reference": case.reference}))
    assert "Pelaku usaha CV Maju Jaya · NIB 9120001234567" in pdf_facts(receipt.getvalue()).text

    login(client, personas.other_officer)  # DPMPTSP handles reklame
    screen = client.get(reverse("backoffice:case_detail", kwargs={"reference": case.reference})).content.decode()
    assert "<strong>CV Maju Jaya</strong> · NIB 9120001234567" in screen
    assert "Rp 112.500" in screen


def test_no_tariff_means_no_estimate(client, personas, reklame, company, settings, monkeypatch, tmp_path):
    settings.DEMO_MODE = False  # outside the demo, with no tariff file of the kabupaten's own
    monkeypatch.setattr(tariffs, "DATA_DIR", tmp_path)
    login(client, personas.business)
    draft, _ = _apply(client, size="7.5")
    review = client.get(reverse("cases:apply_review", kwargs={"code": "izin-reklame", "token": draft.token}))
    text = review.content.decode()
    assert "CV Maju Jaya" in text and "7,5" in text
    assert "Perkiraan" not in text and "Rp " not in text


def test_size_is_shown_with_a_point_in_english(client, personas, reklame, company, demo_tariff):
    login(client, personas.business)
    draft, _ = _apply(client)
    with translation.override("en"):
        url = reverse("cases:apply_review", kwargs={"code": "izin-reklame", "token": draft.token})
    with_english = client.get(url)
    text = with_english.content.decode()
    assert "7.5" in text and "7,5" not in text
    assert "Estimated advertisement tax" in text and "Rp 112.500" in text
