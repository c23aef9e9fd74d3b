"""Catalog services: versions are immutable once published; drafts copy; all writes audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from simpul.catalog.models import Service, ServiceVersion, VersionStatus
from simpul.catalog.services import (
    service_version_draft_from,
    service_version_publish,
    service_version_update,
)
from simpul.catalog.tests.factories import make_service
from simpul.core.models import AuditEntry


def test_publish_sets_current_version_and_audits(personas):
    draft = make_service(agency=personas.dukcapil, publish=False, actor=personas.admin)
    assert draft.status == VersionStatus.DRAFT
    published = service_version_publish(version=draft, actor=personas.admin)
    assert published.status == VersionStatus.PUBLISHED and published.published_at
    assert Service.objects.get(code="ktp-el-penggantian").current_version == published
    assert AuditEntry.objects.filter(action="catalog.service_version_publish").count() == 1


def test_published_version_cannot_be_edited(personas):
    version = make_service(agency=personas.dukcapil)
    with pytest.raises(ValidationError):
        service_version_update(version=version, actor=personas.admin, name_id="Lain")
    version.refresh_from_db()
    version.fee_rupiah = 1000
    with pytest.raises(ValidationError):
        version.save()
    with pytest.raises(ValidationError):
        version.full_clean()
    assert ServiceVersion.objects.get(pk=version.pk).fee_rupiah == 0


def test_publishing_twice_is_refused(personas):
    version = make_service(agency=personas.dukcapil)
    with pytest.raises(ValidationError):
        service_version_publish(version=version, actor=personas.admin)


def test_draft_from_copies_and_publish_retires_previous(personas):
    v1 = make_service(agency=personas.dukcapil)
    v2 = service_version_draft_from(version=v1, actor=personas.admin)
    assert (v2.number, v2.status, v2.form, v2.documents) == (2, VersionStatus.DRAFT, v1.form, v1.documents)
    v2 = service_version_update(version=v2, actor=personas.admin, sla_working_days=7)
    with pytest.raises(ValidationError):
        service_version_draft_from(version=v1, actor=personas.admin)  # one draft at a time
    service_version_publish(version=v2, actor=personas.admin)
    v1.refresh_from_db()
    assert v1.status == VersionStatus.RETIRED
    assert v1.sla_working_days == 3  # the old version, which cases keep, is unchanged
    assert Service.objects.get(pk=v1.service_id).current_version.number == 2


def test_complaint_service_must_use_complaint_workflow(personas):
    with pytest.raises(ValidationError):
        make_service(agency=personas.dukcapil, code="pengaduan-x", kind="pengaduan", workflow="application")


def test_bad_form_definition_is_refused(personas):
    form = {"pages": [{"key": "p", "fields": [{"name": "a", "type": "colour", "label_id": "A"}]}]}
    with pytest.raises(ValidationError) as info:
        make_service(agency=personas.dukcapil, code="bad", form=form, documents=[])
    assert "form.pages[0].fields[0].type" in str(info.value)
    assert not Service.objects.filter(code="bad").exists()


def test_search_text_is_normalised(personas):
    version = make_service(agency=personas.dukcapil, name_id="Perizínan KTP-el")
    assert "perizinan ktp el" in version.search_text
    assert "disdukcapil" in version.search_text


def test_reindexing_rebuilds_only_the_search_text_that_is_out_of_date(personas):
    from simpul.catalog.services import service_search_reindex

    version = make_service(agency=personas.dukcapil)
    assert service_search_reindex() == 0
    ServiceVersion.objects.filter(pk=version.pk).update(search_text="usang")  # as saved by older code
    assert service_search_reindex() == 1
    version.refresh_from_db()
    assert version.search_text == version.build_search_text() and "ktp" in version.search_text
    assert service_search_reindex() == 0
