"""The case takes the applicant's name, phone and email from the fields declared with those roles, whatever the
fields are called, and a confidential or anonymous reporter's role-declared fields stay hidden."""

from __future__ import annotations

import pytest
from django.urls import reverse

from simpul.cases.drafts import draft_applicant_name, draft_create, draft_update_answers
from simpul.cases.models import Case
from simpul.cases.permissions import masked_answer_names
from simpul.cases.tests.complaints import COMPLAINT, DATA, inspektorat, portal_complaint
from simpul.catalog.selectors import service_get
from simpul.catalog.services import service_import_yaml
from simpul.conftest import login

__all__ = ["inspektorat"]  # fixtures

RENAMED = {"- name: full_name": "- name: nama_warga", "- name: phone": "- name: hp_warga",
           "- name: email": "- name: surel_warga", "required_unless: email": "required_unless: surel_warga"}
REPORTER = {"nama_warga": "Rahmat Pelapor", "hp_warga": "081377778888", "surel_warga": "rahmat.pelapor@example.org"}
SECRETS = ("Rahmat Pelapor", "081377778888", "rahmat.pelapor")


@pytest.fixture
def renamed(personas, inspektorat):
    """The population complaint service with the reporter's fields under other names (their roles unchanged)."""
    text = (DATA / "pengaduan-kependudukan.yaml").read_text()
    for old, new in RENAMED.items():
        assert old in text
        text = text.replace(old, new)
    service_import_yaml(text=text, actor=None)
    return service_get("pengaduan-kependudukan")


def _send(client, version, **reporter):
    return portal_complaint(client, version, first={**COMPLAINT, "complaint_topic": "layanan"},
                            reporter={**REPORTER, "anonymous": "no", **reporter})


def test_the_case_takes_name_phone_and_email_from_the_fields_with_those_roles(client, renamed):
    case, _pin = _send(client, renamed, confidential="no")
    stored = Case.objects.get(pk=case.pk)
    assert (stored.applicant_name, stored.phone, stored.email) == (
        "Rahmat Pelapor", "081377778888", "rahmat.pelapor@example.org")


def test_a_confidential_reporters_role_declared_fields_are_hidden_from_the_office(client, personas, renamed):
    case, _pin = _send(client, renamed, confidential="yes")
    assert {"nama_warga", "hp_warga", "surel_warga"} <= masked_answer_names(case, personas.officer)
    login(client, personas.officer)
    page = client.get(reverse("backoffice:case_detail", kwargs={"reference": case.reference}))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Pelapor dirahasiakan" in body
    for secret in SECRETS:
        assert secret not in body, secret


def test_an_anonymous_reporters_role_declared_name_is_not_kept(client, renamed):
    case, _pin = _send(client, renamed, anonymous="yes", hp_warga="", surel_warga="")
    stored = Case.objects.get(pk=case.pk)
    assert stored.applicant_name == ""
    assert "Rahmat Pelapor" not in str(stored.form_data)


def test_a_draft_names_its_applicant_from_the_field_with_the_name_role(renamed):
    draft = draft_create(version=renamed)
    assert draft_applicant_name(draft) == ""
    draft = draft_update_answers(draft=draft, answers={"nama_warga": "Rahmat Pelapor", "title": "Bukan nama"})
    assert draft_applicant_name(draft) == "Rahmat Pelapor"
