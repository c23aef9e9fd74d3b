"""Once only: a logged-in citizen's forms start with what her profile says, shown and editable; changes go back to
her profile only when she asks; nobody else's form is filled from a profile."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from simpul.accounts.models import CitizenProfile
from simpul.accounts.tests.factories import CitizenProfileFactory
from simpul.cases.models import Case, Draft
from simpul.cases.tests.factories import png_upload
from simpul.conftest import login
from simpul.core.models import AuditEntry

DATA = Path(__file__).resolve().parents[2] / "catalog" / "data" / "musi-banyuasin"
NIK = "1606014101900001"
FROM_PROFILE = "Dari profil Anda"


def _import(name):
    from simpul.catalog.services import service_import_yaml

    return service_import_yaml(text=(DATA / name).read_text(), actor=None)


@pytest.fixture
def kk(personas):
    return _import("kk-perubahan.yaml")


@pytest.fixture
def profile(personas):
    personas.citizen.phone = "+6281234567890"
    personas.citizen.save(update_fields=["phone"])
    return CitizenProfileFactory(user=personas.citizen, nik=NIK, full_name="Siti Aminah", phone="+6281234567890",
                                 domicile_id="16.06.01.2001")


def _first_page(client, code="kk-perubahan"):
    start = client.get(reverse("cases:apply_start", kwargs={"code": code}) + "?baru=1")
    assert start.status_code == 302
    return start["Location"], client.get(start["Location"]).content.decode()


def test_citizen_form_starts_with_her_profile_marked_as_such(client, personas, kk, profile):
    login(client, personas.citizen)
    _url, body = _first_page(client)
    assert f'value="{NIK}"' in body
    assert 'value="Siti Aminah"' in body
    assert 'value="081234567890"' in body  # written the way people type it
    assert 'value="citizen@test.simpul"' in body
    assert '<option value="16.06.01.2001" selected>' in body
    assert body.count(FROM_PROFILE) == 5  # NIK, name, village, phone, e-mail
    # shown, not answered: nothing of the profile is kept in the draft before the page is sent
    assert Draft.objects.get().answers == {}


def test_a_changed_answer_is_no_longer_marked_from_the_profile(client, personas, kk, profile):
    login(client, personas.citizen)
    url, _body = _first_page(client)
    draft = Draft.objects.get()
    client.post(url, {"nik": NIK, "full_name": "Siti Aminah Putri", "kk_number": "1606011503200001",
                      "village": "16.06.01.2001", "address": "Jl. Merdeka", "phone": "081234567890",
                      "email": "", "idempotency_key": draft.idempotency_key})
    body = client.get(url).content.decode()
    assert 'value="Siti Aminah Putri"' in body
    assert body.count(FROM_PROFILE) == 3  # NIK, village, phone; name changed, e-mail emptied
    draft.refresh_from_db()
    assert draft.answers["nik"].startswith("enc:")  # the NIK stays encrypted in the draft, as it was


def test_complaint_fills_the_reporter_but_not_where_the_problem_is(client, personas, profile):
    _import("pengaduan-kependudukan.yaml")
    login(client, personas.citizen)
    url, body = _first_page(client, "pengaduan-kependudukan")
    assert FROM_PROFILE not in body  # the first page asks where the problem is: not her home village
    assert '<option value="16.06.01.2001" selected>' not in body
    reporter = client.get(url.replace("/pengaduan/", "/pelapor/")).content.decode()
    assert 'value="Siti Aminah"' in reporter and 'value="081234567890"' in reporter
    assert reporter.count(FROM_PROFILE) == 3


def test_nobody_else_gets_a_profile_prefill(client, personas, kk, profile):
    _url, anonymous = _first_page(client)
    assert FROM_PROFILE not in anonymous and NIK not in anonymous
    CitizenProfileFactory(user=personas.operator, nik="1606014101900002", full_name="Operator Desa")
    login(client, personas.operator)
    _url, assisted = _first_page(client)
    assert FROM_PROFILE not in assisted and "1606014101900002" not in assisted and "Operator Desa" not in assisted


def _apply_changed(client, personas, *, save):
    login(client, personas.citizen)
    url, _body = _first_page(client)
    draft = Draft.objects.get()
    token, key = draft.token, draft.idempotency_key
    client.post(url, {"nik": NIK, "full_name": "Siti Aminah Putri", "kk_number": "1606011503200001",
                      "village": "16.06.01.2001", "address": "Jl. Merdeka", "phone": "0812 9999 0000",
                      "email": "", "idempotency_key": key})
    client.post(reverse("cases:apply_page", kwargs={"code": "kk-perubahan", "token": token, "page": "perubahan"}),
                {"change_type": "data_change", "details": "Ganti pekerjaan", "idempotency_key": key})
    client.post(reverse("cases:apply_documents", kwargs={"code": "kk-perubahan", "token": token}),
                {"kk_old": png_upload("kk.png"), "supporting": png_upload("akta.png"), "idempotency_key": key})
    review_url = reverse("cases:apply_review", kwargs={"code": "kk-perubahan", "token": token})
    review = client.get(review_url).content.decode()
    data = {"idempotency_key": key, **({"save_to_profile": "1"} if save else {})}
    sent = client.post(review_url, data)
    assert sent.status_code == 302, sent.content.decode()[:2000]
    return review


def test_review_offers_to_save_changes_off_by_default_and_keeps_the_profile(client, personas, kk, profile):
    review = _apply_changed(client, personas, save=False)
    assert "Simpan perubahan ini ke profil saya" in review
    assert 'name="save_to_profile" value="1">' in review  # not checked
    assert "Siti Aminah Putri" in review
    profile.refresh_from_db()
    assert (profile.full_name, profile.phone) == ("Siti Aminah", "+6281234567890")
    assert Case.objects.get().form_data["full_name"] == "Siti Aminah Putri"


def test_saving_changes_goes_through_the_accounts_service(client, personas, kk, profile):
    _apply_changed(client, personas, save=True)
    profile = CitizenProfile.objects.get(user=personas.citizen)
    assert (profile.full_name, profile.phone) == ("Siti Aminah Putri", "+6281299990000")
    assert AuditEntry.objects.filter(action="accounts.profile_updated").count() == 1


def test_no_offer_when_nothing_changed(client, personas, kk, profile):
    login(client, personas.citizen)
    url, _body = _first_page(client)
    draft = Draft.objects.get()
    client.post(url, {"nik": NIK, "full_name": "Siti Aminah", "kk_number": "1606011503200001",
                      "village": "16.06.01.2001", "address": "Jl. Merdeka", "phone": "+6281234567890",
                      "email": "citizen@test.simpul", "idempotency_key": draft.idempotency_key})
    review = client.get(reverse("cases:apply_review", kwargs={"code": "kk-perubahan", "token": draft.token}))
    assert "save_to_profile" not in review.content.decode()


def test_a_declared_village_role_is_the_village_wherever_it_is_asked():
    # A form (e.g. made in the service designer) that names the applicant's village by its role gets that field,
    # even on another page; without the role, the village question on the applicant's page is taken.
    from types import SimpleNamespace

    from simpul.cases.prefill import _fields

    applicant = {"name": "nama", "type": "text", "role": "applicant_name"}
    problem = {"name": "lokasi", "type": "region"}
    home = {"name": "desa_rumah", "type": "region", "role": "applicant_village"}
    declared = SimpleNamespace(form={"pages": [{"fields": [applicant, problem]}, {"fields": [home]}]})
    assert [(f["name"], a) for f, a in _fields(declared)] == [("nama", "full_name"), ("desa_rumah", "domicile")]
    guessed = SimpleNamespace(form={"pages": [{"fields": [applicant, problem]}]})
    assert [(f["name"], a) for f, a in _fields(guessed)] == [("nama", "full_name"), ("lokasi", "domicile")]
