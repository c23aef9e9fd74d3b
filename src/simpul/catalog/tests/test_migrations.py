"""The data migration that gives the forms saved before field roles existed their roles."""

from __future__ import annotations

import copy
import importlib

from django.db import connection
from django.db.migrations.loader import MigrationLoader

from simpul.catalog.models import ServiceVersion
from simpul.catalog.tests.factories import SAMPLE_FORM, make_service

MIGRATION = "0003_serviceversion_form_field_roles"


def _old_style_form():
    """The sample form as it was saved before roles: no field declares one, and a second NIK, phone and name-like
    field follow the first ones."""
    form = copy.deepcopy(SAMPLE_FORM)
    for field in form["pages"][0]["fields"]:
        field.pop("role", None)
    form["pages"][1]["fields"] += [
        {"name": "nama", "type": "text", "label_id": "Nama lain"},
        {"name": "mother_nik", "type": "nik", "label_id": "NIK ibu"},
        {"name": "other_phone", "type": "phone", "label_id": "HP lain"},
        {"name": "email", "type": "email", "label_id": "Email"},
        {"name": "name", "type": "textarea", "label_id": "Bukan nama"},
    ]
    return form


def _roles(version):
    version.refresh_from_db()
    return {f["name"]: f.get("role") for page in version.form["pages"] for f in page["fields"] if f.get("role")}


def _migrate():
    migration = importlib.import_module(f"simpul.catalog.migrations.{MIGRATION}")
    apps = MigrationLoader(connection).project_state(("catalog", MIGRATION)).apps
    migration.declare_roles(apps, None)


def test_old_style_forms_get_each_role_on_the_first_fitting_field(personas):
    version = make_service(agency=personas.dukcapil, form=_old_style_form())
    _migrate()
    assert _roles(version) == {"nik": "applicant_nik", "full_name": "applicant_name", "phone": "applicant_phone",
                               "email": "applicant_email"}


def test_declared_roles_are_kept_and_running_again_changes_nothing(personas):
    form = _old_style_form()
    form["pages"][1]["fields"][3]["role"] = "applicant_name"  # "nama", declared by the form's author
    version = make_service(agency=personas.dukcapil, form=form)
    _migrate()
    first = ServiceVersion.objects.get(pk=version.pk).form
    _migrate()
    assert ServiceVersion.objects.get(pk=version.pk).form == first
    assert _roles(version) == {"nik": "applicant_nik", "nama": "applicant_name", "phone": "applicant_phone",
                               "email": "applicant_email"}
