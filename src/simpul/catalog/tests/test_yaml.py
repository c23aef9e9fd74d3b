"""YAML export/import: a round trip keeps every version; bad files name the problem and save nothing."""

from __future__ import annotations

import io

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.utils import translation

from simpul.catalog.models import Service, ServiceVersion, VersionStatus
from simpul.catalog.services import (
    CatalogImportError,
    service_export_yaml,
    service_import_yaml,
    service_version_draft_from,
    service_version_publish,
    service_version_update,
)
from simpul.catalog.tests.factories import make_service
from simpul.core.models import AuditEntry


def _three_versions(personas):
    v1 = make_service(agency=personas.dukcapil)
    v2 = service_version_draft_from(version=v1, actor=personas.admin)
    v2 = service_version_update(version=v2, actor=personas.admin, sla_working_days=5, name_en="KTP-el renewal")
    service_version_publish(version=v2, actor=personas.admin)
    v3 = service_version_draft_from(version=v2, actor=personas.admin)
    service_version_update(version=v3, actor=personas.admin, fee_rupiah=0, description_id="Draf baru")
    return Service.objects.get(code="ktp-el-penggantian")


def _snapshot(service):
    return [
        (v.number, v.status, v.name_id, v.name_en, v.sla_working_days, v.description_id, v.form, v.documents,
         v.agency.code, v.kind, v.workflow)
        for v in service.versions.select_related("agency").order_by("number")
    ]


def test_round_trip_into_an_empty_database_keeps_all_versions(personas):
    service = _three_versions(personas)
    text = service_export_yaml(service=service)
    before = _snapshot(service)
    ServiceVersion.objects.filter(service=service).update(status=VersionStatus.DRAFT)
    Service.objects.filter(pk=service.pk).update(current_version=None)
    service.delete()
    imported = service_import_yaml(text=text, actor=personas.admin)
    assert _snapshot(imported) == before
    assert imported.current_version.number == 2
    assert service_export_yaml(service=imported).replace(
        imported.current_version.published_at.isoformat(), "T") .count("number:") == 3


def test_reimporting_the_same_file_changes_nothing(personas):
    service = _three_versions(personas)
    text = service_export_yaml(service=service)
    before = _snapshot(service)
    service_import_yaml(text=text, actor=personas.admin)
    assert _snapshot(service) == before
    assert AuditEntry.objects.filter(action="catalog.service_import_yaml").count() == 1


def test_changing_a_published_version_in_yaml_is_refused(personas):
    service = _three_versions(personas)
    doc = yaml.safe_load(service_export_yaml(service=service))
    doc["versions"][1]["sla_working_days"] = 99
    with pytest.raises(CatalogImportError) as info:
        service_import_yaml(text=yaml.safe_dump(doc), actor=personas.admin)
    assert "versions[1]" in info.value.messages[0]
    assert service.versions.get(number=2).sla_working_days == 5


def _doc(personas, **version):
    base = yaml.safe_load(service_export_yaml(service=make_service(agency=personas.dukcapil).service))
    base["code"] = "imported"
    base["versions"][0].update(version)
    return base


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"agency": "no-such-office"}, "versions[0].agency: unknown agency code 'no-such-office'"),
        ({"routing_agency": "nowhere"}, "versions[0].routing_agency"),
        ({"form": {"pages": [{"key": "p", "fields": [{"name": "a", "type": "colour", "label_id": "A"}]}]}},
         "versions[0].form.pages[0].fields[0].type"),
        ({"form": {"pages": [{"key": "p", "fields": [{"name": "a", "type": "text", "label_id": "A"},
                                                     {"name": "a", "type": "text", "label_id": "B"}]}]}},
         "versions[0].form.pages[0].fields[1].name: duplicate field name 'a'"),
        ({"form": {"pages": [{"key": "p", "fields": [
            {"name": "a", "type": "text", "label_id": "A", "show_if": {"field": "ghost", "equals": "x"}}]}]},
          "documents": []},
         "versions[0].form.pages[0].fields[0].show_if"),
        ({"colour": "blue"}, "versions[0]: unknown keys colour"),
    ],
)
def test_import_errors_name_the_path_and_save_nothing(personas, change, needle):
    doc = _doc(personas, **change)
    count = ServiceVersion.objects.count()
    with translation.override("en"), pytest.raises(CatalogImportError) as info:
        service_import_yaml(text=yaml.safe_dump(doc), actor=personas.admin)
    assert any(needle in m for m in info.value.messages), info.value.messages
    assert not Service.objects.filter(code="imported").exists()
    assert ServiceVersion.objects.count() == count


def test_model_level_error_rolls_back_the_whole_import(personas):
    doc = _doc(personas)
    second = dict(doc["versions"][0], number=2, status="draft", kind="pengaduan", workflow="application")
    doc["versions"].append(second)
    with pytest.raises(CatalogImportError) as info:
        service_import_yaml(text=yaml.safe_dump(doc), actor=personas.admin)
    assert any(m.startswith("versions[1]") for m in info.value.messages)
    assert not Service.objects.filter(code="imported").exists()


def test_not_yaml_is_refused(personas):
    with pytest.raises(CatalogImportError):
        service_import_yaml(text="code: [unclosed", actor=personas.admin)
    with pytest.raises(CatalogImportError):
        service_import_yaml(text="- just a list", actor=personas.admin)


def test_management_command_export_and_import(personas, tmp_path):
    make_service(agency=personas.dukcapil)
    out = io.StringIO()
    call_command("catalog", "export", "ktp-el-penggantian", stdout=out)
    assert "code: ktp-el-penggantian" in out.getvalue()
    doc = yaml.safe_load(out.getvalue())
    doc["code"] = "copy"
    path = tmp_path / "copy.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    call_command("catalog", "import", str(path), stdout=io.StringIO())
    assert Service.objects.get(code="copy").current_version.number == 1
    doc["versions"][0]["agency"] = "ghost"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("catalog", "import", str(path), stdout=io.StringIO(), stderr=err)
    assert "ghost" in err.getvalue()
    with pytest.raises(CommandError):
        call_command("catalog", "export", "nope", stdout=io.StringIO())


def test_search_words_go_out_and_come_back_with_the_service_and_are_searched(personas):
    from simpul.catalog.selectors import service_list

    service = _three_versions(personas)
    text = service_export_yaml(service=service)
    assert "keywords" not in yaml.safe_load(text)  # none yet: none written
    doc = yaml.safe_load(text)
    doc["keywords"] = ["ganti KTP", "KTP  patah"]
    service = service_import_yaml(text=yaml.safe_dump(doc), actor=personas.admin)
    assert service.keywords == "ganti KTP, KTP patah"
    assert yaml.safe_load(service_export_yaml(service=service))["keywords"] == ["ganti KTP", "KTP patah"]
    # the published version was kept as it was, and still is found by the new words
    assert [v.service.code for v in service_list(query="ktp patah")] == ["ktp-el-penggantian"]


def test_search_words_with_a_comma_inside_are_refused_naming_the_key(personas):
    doc = yaml.safe_load(service_export_yaml(service=_three_versions(personas)))
    doc["keywords"] = ["KTP hilang, rusak"]
    with pytest.raises(CatalogImportError) as refused:
        service_import_yaml(text=yaml.safe_dump(doc), actor=personas.admin)
    assert any(message.startswith("keywords:") for message in refused.value.messages)
