"""A village operator applying for a citizen: the form says so on every page and starts with the operator's
village, the check page asks for the citizen's consent and offers the consent form to print, and the
confirmation speaks to the operator (what to hand over, what to print, the next citizen)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from simpul.cases.models import Case, Draft
from simpul.cases.tests.factories import VALID_ANSWERS, ktp_service, png_upload
from simpul.conftest import login, make_user
from simpul.core.tests.pdfchecks import assert_accessible_pdf

BANNER = "Anda mengajukan permohonan untuk warga Sukarami."


@pytest.fixture
def version(personas: Any) -> Any:
    return ktp_service(personas.dukcapil)


def _start(client: Client, version: Any) -> tuple[Draft, str]:
    response = client.get(reverse("cases:apply_start", kwargs={"code": version.service.code}) + "?baru=1")
    assert response.status_code == 302
    return Draft.objects.latest("id"), response["Location"]


def _url(name: str, version: Any, draft: Draft, **kwargs: Any) -> str:
    return reverse(f"cases:{name}", kwargs={"code": version.service.code, "token": draft.token, **kwargs})


def _fill(client: Client, version: Any, draft: Draft) -> None:
    applicant = {k: VALID_ANSWERS[k] for k in ("nik", "full_name", "village", "phone")}
    assert client.post(_url("apply_page", version, draft, page="applicant"),
                       {**applicant, "idempotency_key": draft.idempotency_key}).status_code == 302
    assert client.post(_url("apply_page", version, draft, page="reason"),
                       {"reason": "damaged", "idempotency_key": draft.idempotency_key}).status_code == 302
    assert client.post(_url("apply_documents", version, draft),
                       {"kk": png_upload(), "idempotency_key": draft.idempotency_key}).status_code == 302


def _selected(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None
    return re.findall(r'<option value="([^"]+)"[^>]*\bselected\b', select.group(1))


def test_every_page_of_the_form_says_it_is_for_a_citizen_of_the_operators_village(
    client: Client, personas: Any, version: Any
) -> None:
    login(client, personas.operator)
    draft, first = _start(client, version)
    page = client.get(first).content.decode()
    assert BANNER in page and 'href="/kantor/desa/">Kembali ke daftar hari ini</a>' in page
    _fill(client, version, draft)
    for url in (_url("apply_page", version, draft, page="reason"), _url("apply_documents", version, draft),
                _url("apply_review", version, draft)):
        assert BANNER in client.get(url).content.decode(), url


def test_a_citizen_applying_for_themselves_sees_no_operator_banner_and_no_preset_village(
    client: Client, personas: Any, version: Any
) -> None:
    login(client, personas.citizen)
    _draft, first = _start(client, version)
    page = client.get(first).content.decode()
    assert "untuk warga" not in page and "Kembali ke daftar hari ini" not in page
    assert _selected(page, "village") == []


def test_the_form_starts_with_the_operators_village_without_counting_it_as_answered(
    client: Client, personas: Any, version: Any
) -> None:
    login(client, personas.operator)
    draft, first = _start(client, version)
    assert _selected(client.get(first).content.decode(), "village") == ["16.06.01.2001"]
    assert Draft.objects.get(pk=draft.pk).answers == {}
    resumed = client.get(_url("apply_resume", version, draft))  # still the first page to answer
    assert resumed["Location"] == _url("apply_page", version, draft, page="applicant")


def test_the_check_page_asks_for_consent_and_offers_the_consent_form_of_the_draft(
    client: Client, personas: Any, version: Any
) -> None:
    login(client, personas.operator)
    draft, _ = _start(client, version)
    _fill(client, version, draft)
    page = client.get(_url("apply_review", version, draft)).content.decode()
    assert "Persetujuan warga" in page
    assert f'href="{_url("apply_consent_form", version, draft)}"' in page
    pdf = client.get(_url("apply_consent_form", version, draft))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    facts = assert_accessible_pdf(pdf.content, title="Formulir persetujuan: Penggantian KTP-el", lang="id")
    assert "Siti Warga" in facts.text and "1606********0001" in facts.text and "Sukarami" in facts.text
    assert "diberikan saat permohonan dikirim" in facts.text and VALID_ANSWERS["nik"] not in facts.text


def test_only_the_operator_whose_draft_it_is_gets_its_consent_form(
    client: Client, personas: Any, version: Any
) -> None:
    from simpul.accounts.models import Role

    login(client, personas.operator)
    draft, _ = _start(client, version)
    _fill(client, version, draft)
    colleague = make_user("operator3@test.simpul", Role.VILLAGE_OPERATOR, full_name="Operator Kedua",
                          village=personas.desa)
    login(client, colleague)
    assert client.get(_url("apply_consent_form", version, draft)).status_code == 404
    citizen = Client()
    login(citizen, personas.citizen)
    own, _ = _start(citizen, version)  # a citizen's own draft has no consent form: nobody applies for them
    assert citizen.get(_url("apply_consent_form", version, own)).status_code == 404


def test_the_confirmation_speaks_to_the_operator_and_leads_to_the_next_citizen(
    client: Client, personas: Any, version: Any
) -> None:
    login(client, personas.operator)
    draft, _ = _start(client, version)
    _fill(client, version, draft)
    response = client.post(_url("apply_review", version, draft),
                           {"idempotency_key": draft.idempotency_key, "consent": "on"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    case = Case.objects.get()
    pin = client.session["cases_pins"][case.reference]
    assert "<h1>Permohonan Siti Warga sudah terkirim</h1>" in page
    assert "Nomor permohonan warga" in page and "PIN warga" in page and pin in page
    assert "PIN Anda" not in page and "Nomor permohonan Anda" not in page
    assert f'href="/kantor/desa/{case.reference}/tanda-terima.pdf">Cetak tanda terima (A6)</a>' in page
    assert f'href="/kantor/desa/{case.reference}/persetujuan.pdf"' in page
    assert f'action="/kantor/desa/{case.reference}/persetujuan/"' in page
    assert 'href="/kantor/desa/ajukan/">Warga berikutnya</a>' in page
    assert 'href="/kantor/desa/">Kembali ke daftar hari ini</a>' in page


def test_a_citizens_own_confirmation_is_unchanged(client: Client, personas: Any, version: Any) -> None:
    login(client, personas.citizen)
    draft, _ = _start(client, version)
    _fill(client, version, draft)
    response = client.post(_url("apply_review", version, draft), {"idempotency_key": draft.idempotency_key})
    page = client.get(response["Location"]).content.decode()
    assert "PIN Anda" in page and "Warga berikutnya" not in page and "/kantor/" not in page
