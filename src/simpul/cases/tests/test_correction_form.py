"""The applicant's correction after a revision request, opened with reference + PIN: personal answers are never
sent back in clear, "leave as is" is the default, and the officer's history lists only the answers changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from simpul.cases.actions import case_request_revision, case_transition
from simpul.cases.answers import answers_in_clear
from simpul.cases.intake import case_submit
from simpul.cases.tests.factories import png_upload
from simpul.conftest import login

DATA = Path(__file__).resolve().parents[2] / "catalog" / "data" / "musi-banyuasin"
NIK, KK, PHONE = "1606014101900001", "1606011503200001", "081234567890"
ADDRESS = "Jl. Merdeka RT 02 RW 01, Dusun I"
ANSWERS = {"nik": NIK, "full_name": "Siti Aminah", "kk_number": KK, "village": "16.06.01.2001", "address": ADDRESS,
           "phone": PHONE, "reason": "damaged"}


@pytest.fixture
def awaiting_correction(personas):
    from simpul.catalog.services import service_import_yaml

    version = service_import_yaml(text=(DATA / "ktp-el-penggantian.yaml").read_text(), actor=None)
    version = version.current_version
    result = case_submit(version=version, answers=dict(ANSWERS), files={"kk": png_upload("kk.png")},
                         idempotency_key="correction")
    case_transition(case=result.case, action="verify", actor=personas.officer)
    case_request_revision(case=result.case, actor=personas.officer, message="Foto KK buram, mohon unggah ulang.")
    holder = Client()
    assert holder.post(reverse("cases:track"), {"reference": result.case.reference, "pin": result.pin}).status_code == 302
    return result.case, holder


def _form_data(page_html: str, case) -> dict[str, str]:
    """What the browser would send back: the correction form as rendered, nothing retyped."""
    import html
    import re

    data: dict[str, str] = {}
    for tag in re.findall(r"<input[^>]*>", page_html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or 'type="file"' in tag or name.group(1) == "csrfmiddlewaretoken":
            continue
        if 'type="radio"' in tag and "checked" not in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = html.unescape(value.group(1)) if value else ""
    for name, options in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', page_html, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', options)
        data[name] = chosen.group(1) if chosen else ""
    for name, text in re.findall(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', page_html, re.S):
        data[name] = html.unescape(text.strip())
    return data


def test_correction_form_shows_nik_kk_address_and_phone_masked(awaiting_correction):
    case, holder = awaiting_correction
    page = holder.get(reverse("cases:track_revise", kwargs={"reference": case.reference}))
    assert page.status_code == 200
    body = page.content.decode()
    for clear in (NIK, KK, PHONE, ADDRESS):
        assert clear not in body, clear
    assert "1606********0001" in body and "0812*****890" in body
    assert "Biarkan kosong untuk tetap memakai data sebelumnya" in body


def test_correction_left_as_is_keeps_the_nik_and_lists_no_change(client, personas, awaiting_correction):
    case, holder = awaiting_correction
    url = reverse("cases:track_revise", kwargs={"reference": case.reference})
    data = _form_data(holder.get(url).content.decode(), case)
    response = holder.post(url, {**data, "kk": png_upload("kk-jelas.png")})
    assert response.status_code == 302, response.content.decode()[:3000]
    case.refresh_from_db()
    assert case.status == "verifikasi"
    kept = answers_in_clear(case)
    assert (kept["nik"], kept["kk_number"], kept["address"], kept["phone"]) == (NIK, KK, ADDRESS, PHONE)
    login(client, personas.officer)
    page = client.get(reverse("backoffice:case_detail", kwargs={"reference": case.reference})).content.decode()
    history = page.split('<ol class="history">')[1]  # the revision form above names every field: not a change
    assert "Isian yang diubah" not in history and "kk_number" not in history


def test_correction_lists_only_the_answers_really_changed(client, personas, awaiting_correction):
    case, holder = awaiting_correction
    url = reverse("cases:track_revise", kwargs={"reference": case.reference})
    # the applicant retypes the same NIK and KK in full and changes only the phone
    data = {**_form_data(holder.get(url).content.decode(), case), "pemohon-nik": NIK, "pemohon-kk_number": KK,
            "pemohon-phone": "081299990000"}
    assert holder.post(url, data).status_code == 302
    login(client, personas.officer)
    history = client.get(reverse("backoffice:case_detail", kwargs={"reference": case.reference})).content.decode()
    assert "Isian yang diubah: Nomor HP/WhatsApp" in history  # the form's own label, not the field name
