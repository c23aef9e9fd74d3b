"""Catalog admin: drafts are edited and published through services; published versions are read-only."""

from __future__ import annotations

import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from simpul.catalog.models import Service, ServiceVersion, VersionStatus
from simpul.catalog.tests.factories import make_service
from simpul.conftest import login
from simpul.core.models import AuditEntry


def test_changelist_and_published_version_is_read_only(client, personas):
    version = make_service(agency=personas.dukcapil)
    login(client, personas.admin)
    assert client.get(reverse("admin:catalog_service_changelist")).status_code == 200
    page = client.get(reverse("admin:catalog_serviceversion_change", args=[version.pk])).content.decode()
    assert 'name="name_id"' not in page  # rendered as text, not as an input
    client.post(reverse("admin:catalog_serviceversion_change", args=[version.pk]), {"name_id": "Lain"})
    assert ServiceVersion.objects.get(pk=version.pk).name_id == "Penggantian KTP-el"


def test_new_draft_and_publish_actions(client, personas):
    version = make_service(agency=personas.dukcapil)
    login(client, personas.admin)
    client.post(reverse("admin:catalog_service_changelist"),
                {"action": "new_draft", "_selected_action": [version.service_id]})
    draft = ServiceVersion.objects.get(service=version.service, number=2)
    assert draft.status == VersionStatus.DRAFT
    client.post(reverse("admin:catalog_serviceversion_changelist"),
                {"action": "publish", "_selected_action": [draft.pk]})
    assert Service.objects.get(pk=version.service_id).current_version_id == draft.pk
    assert AuditEntry.objects.filter(action="catalog.service_version_publish", actor=personas.admin).count() == 1


def test_export_and_import_views(client, personas):
    version = make_service(agency=personas.dukcapil)
    login(client, personas.admin)
    response = client.get(reverse("admin:catalog_service_export", args=[version.service_id]))
    doc = yaml.safe_load(response.content)
    assert doc["code"] == "ktp-el-penggantian"
    doc["code"] = "copy"
    doc["versions"][0]["agency"] = "ghost"
    upload = SimpleUploadedFile("copy.yaml", yaml.safe_dump(doc).encode())
    page = client.post(reverse("admin:catalog_service_import"), {"file": upload}).content.decode()
    assert "ghost" in page and not Service.objects.filter(code="copy").exists()
    doc["versions"][0]["agency"] = "disdukcapil"
    upload = SimpleUploadedFile("copy.yaml", yaml.safe_dump(doc).encode())
    response = client.post(reverse("admin:catalog_service_import"), {"file": upload})
    assert response.status_code == 302
    assert Service.objects.get(code="copy").current_version.number == 1


def test_citizen_cannot_reach_catalog_admin(client, personas):
    version = make_service(agency=personas.dukcapil)
    login(client, personas.citizen)
    response = client.get(reverse("admin:catalog_service_export", args=[version.service_id]))
    assert response.status_code == 302  # to the admin login


def test_search_words_edited_in_the_admin_are_searched_at_once_and_audited(client, personas):
    from simpul.catalog.selectors import service_list

    version = make_service(agency=personas.dukcapil)
    login(client, personas.admin)
    url = reverse("admin:catalog_service_change", args=[version.service_id])
    response = client.post(url, {"code": version.service.code, "is_active": "on", "keywords": "KTP patah",
                                 "versions-TOTAL_FORMS": "1", "versions-INITIAL_FORMS": "1",
                                 "versions-MIN_NUM_FORMS": "0", "versions-MAX_NUM_FORMS": "1000",
                                 "versions-0-id": str(version.pk), "versions-0-service": str(version.service_id)})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert [v.service.code for v in service_list(query="ktp patah")] == [version.service.code]
    assert AuditEntry.objects.filter(action="admin.change", actor=personas.admin).exists()
