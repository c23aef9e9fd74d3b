"""A walidata's dataset from draft to publication by a second person; changing, replacing and withdrawing it."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from simpul.core.models import AuditEntry
from simpul.opendata import selectors
from simpul.opendata.drafts import (
    dataset_draft_discard,
    dataset_draft_for_change,
    dataset_draft_keep_file,
    dataset_draft_publish,
    dataset_draft_return,
    dataset_draft_start,
    dataset_draft_submit,
    dataset_draft_update,
    draft_problems,
)
from simpul.opendata.models import Dataset, DatasetDraft, DatasetVersion, DraftStatus
from simpul.opendata.services import dataset_withdraw
from simpul.opendata.tests.factories import prepared_draft, publish_upload, second_steward

pytestmark = pytest.mark.django_db


def test_a_new_draft_describes_each_column_of_the_header_with_the_kind_its_values_suggest(personas):
    content = (b"kode_desa,nama_desa,jumlah_penduduk,luas_km2,tanggal_data,terhubung,telepon\n"
               b"16.06.01.2001,Sukarami,1520,12.5,2025-06-30,ya,0812345\n"
               b"16.06.01.2002,Lumpatan,980,8,2025-06-30,tidak,0813111\n")
    draft = dataset_draft_start(actor=personas.steward, upload_name="Penduduk Desa 2025.csv", content=content)
    assert [(v["name"], v["type"], v["definition"]) for v in draft.ms_var] == [
        ("kode_desa", "string", ""), ("nama_desa", "string", ""), ("jumlah_penduduk", "integer", ""),
        ("luas_km2", "decimal", ""), ("tanggal_data", "date", ""), ("terhubung", "boolean", ""),
        ("telepon", "string", "")]
    assert draft.slug == "penduduk-desa-2025" and draft.row_count == 2 and draft.file_name == "Penduduk Desa 2025.csv"
    assert bytes(draft.file_content) == content and draft.prepared_by == personas.steward
    assert AuditEntry.objects.filter(action="opendata.draft_create", object_id=str(draft.pk)).count() == 1


def test_a_draft_is_published_by_a_second_person_never_by_the_one_who_prepared_it(personas, region_tree):
    draft = dataset_draft_submit(actor=personas.steward,
                                 draft=prepared_draft(steward=personas.steward, producer=personas.dinkominfo))
    assert not selectors.dataset_list().exists()  # nothing public before the review
    with pytest.raises(PermissionDenied):
        dataset_draft_publish(actor=personas.steward, draft=draft)
    with pytest.raises(PermissionDenied):
        dataset_draft_publish(actor=personas.officer, draft=draft)
    colleague = second_steward()
    dataset = dataset_draft_publish(actor=colleague, draft=draft)
    assert list(selectors.dataset_list()) == [dataset]
    assert dataset.walidata == personas.steward and dataset.version == 1
    assert dataset.spatial_label == "Kabupaten Musi Banyuasin"
    assert not DatasetDraft.objects.exists()
    [version] = DatasetVersion.objects.all()
    assert (version.number, version.prepared_by, version.published_by) == (1, personas.steward, colleague)
    entry = AuditEntry.objects.get(action="opendata.dataset_publish")
    assert entry.actor_id == colleague.pk and entry.changes["prepared_by"] == personas.steward.pk


def test_a_platform_admin_may_review_too(personas, region_tree):
    dataset = publish_upload(steward=personas.steward, reviewer=personas.admin, producer=personas.dinkominfo)
    assert dataset.versions.get().published_by == personas.admin


def test_an_unfinished_draft_is_not_sent_and_says_what_is_missing(personas):
    draft = dataset_draft_start(actor=personas.steward, upload_name="sd.csv",
                                content=b"kode_kecamatan,jumlah_sd\n16.06.01,31\n")
    with pytest.raises(ValidationError) as caught:
        dataset_draft_submit(actor=personas.steward, draft=draft)
    assert caught.value.message_dict == {
        "description": ["Isi judul, uraian, dan kantor produsen data."],
        "columns": ["Jelaskan kolom kode_kecamatan, jumlah_sd."],
        "activity": ["Sebutkan kegiatan statistik asal data ini (MS-Keg)."],
    }
    assert DatasetDraft.objects.get().status == DraftStatus.DRAFT


def test_the_reviewer_sends_a_draft_back_with_a_note_and_only_its_walidata_changes_it(personas, region_tree):
    draft = dataset_draft_submit(actor=personas.steward,
                                 draft=prepared_draft(steward=personas.steward, producer=personas.dinkominfo))
    with pytest.raises(PermissionDenied):  # sent for review: locked, even for its walidata
        dataset_draft_update(actor=personas.steward, draft=draft, metadata={"title_en": "x"})
    with pytest.raises(ValidationError):
        dataset_draft_return(actor=personas.admin, draft=draft, note="")
    draft = dataset_draft_return(actor=personas.admin, draft=draft, note="Tahun data belum disebut di judul.")
    assert draft.status == DraftStatus.RETURNED and draft.reviewed_by == personas.admin
    with pytest.raises(PermissionDenied):
        dataset_draft_update(actor=second_steward(), draft=draft, metadata={"title_en": "x"})
    draft = dataset_draft_update(actor=personas.steward, draft=draft,
                                 metadata={"title_id": "Jumlah sekolah dasar per kecamatan 2025"})
    assert draft.status == DraftStatus.DRAFT
    draft = dataset_draft_submit(actor=personas.steward, draft=draft)
    assert dataset_draft_publish(actor=personas.admin, draft=draft).title_id.endswith("2025")


def test_another_file_keeps_the_descriptions_of_columns_with_the_same_name(personas, region_tree):
    draft = prepared_draft(steward=personas.steward, producer=personas.dinkominfo)
    draft = dataset_draft_keep_file(actor=personas.steward, draft=draft, upload_name="sd2.csv",
                                    content=b"kode_kecamatan,jumlah_sd,jumlah_guru\n16.06.01,31,200\n")
    assert [(v["name"], v["definition"], v["type"]) for v in draft.ms_var] == [
        ("kode_kecamatan", "Kode Kemendagri", "string"), ("jumlah_sd", "Banyaknya SD", "string"),
        ("jumlah_guru", "", "integer")]  # "0012" in the first file made jumlah_sd text: a kept column keeps that
    assert draft_problems(draft) == {"columns": ["Jelaskan kolom jumlah_guru."]}
    with pytest.raises(ValidationError):  # a file that cannot be read leaves the kept one in place
        dataset_draft_keep_file(actor=personas.steward, draft=draft, upload_name="x.csv", content=b"a,a\n1,2\n")
    draft.refresh_from_db()
    assert draft.file_name == "sd2.csv" and draft.columns == ["kode_kecamatan", "jumlah_sd", "jumlah_guru"]


def test_replacing_the_file_publishes_a_new_version_and_keeps_the_old_one(personas, region_tree):
    dataset = publish_upload(steward=personas.steward, reviewer=personas.admin, producer=personas.dinkominfo)
    first_csv = bytes(dataset.distributions.get(format="csv").content)
    draft = dataset_draft_for_change(actor=personas.steward, dataset=dataset)
    assert draft.metadata["title_id"] == dataset.title_id and draft.slug == dataset.slug and not draft.has_file
    assert dataset_draft_for_change(actor=personas.steward, dataset=dataset) == draft  # one open change per person
    draft = dataset_draft_keep_file(actor=personas.steward, draft=draft, upload_name="sd-2026.csv",
                                    content=b"kode_kecamatan,jumlah_sd\n16.06.01,33\n16.06.02,14\n",
                                    change_note="Data 2026")
    dataset = dataset_draft_publish(actor=personas.admin,
                                    draft=dataset_draft_submit(actor=personas.steward, draft=draft))
    assert dataset.version == 2
    old, new = DatasetVersion.objects.filter(dataset=dataset).order_by("number")
    assert bytes(old.content) == first_csv and old.replaced_at is not None and new.replaced_at is None
    assert new.change_note == "Data 2026" and new.file_name == "sd-2026.csv"
    rows = json.loads(bytes(dataset.distributions.get(format="json").content))["rows"]
    assert rows == [{"kode_kecamatan": "16.06.01", "jumlah_sd": "33"}, {"kode_kecamatan": "16.06.02",
                                                                         "jumlah_sd": "14"}]
    assert selectors.version_get(slug=dataset.slug, number=1) == old


def test_a_change_of_the_description_alone_keeps_the_file_and_its_version(personas, region_tree):
    dataset = publish_upload(steward=personas.steward, reviewer=personas.admin, producer=personas.dinkominfo)
    draft = dataset_draft_for_change(actor=personas.steward, dataset=dataset)
    with pytest.raises(ValidationError):
        dataset_draft_update(actor=personas.steward, draft=draft, slug="nama-baru")
    draft = dataset_draft_update(actor=personas.steward, draft=draft,
                                 metadata={"description_id": "Sekolah dasar negeri dan swasta, per 31 Desember."})
    dataset = dataset_draft_publish(actor=second_steward(),
                                    draft=dataset_draft_submit(actor=personas.steward, draft=draft))
    assert dataset.description_id.endswith("31 Desember.") and dataset.version == 1
    assert dataset.versions.count() == 1 and dataset.row_count == 2


def test_withdrawing_needs_a_reason_and_takes_the_dataset_out_of_every_list(personas, region_tree):
    from simpul.api.models import EventDelivery, WebhookSubscription
    from simpul.clients.services import api_client_create

    client = api_client_create(name="portal data nasional", scopes=["opendata:read"])
    WebhookSubscription.objects.create(client=client, url="https://example.org/hook",
                                       event_types=["dataset.updated"], secret="s" * 40)
    dataset = publish_upload(steward=personas.steward, reviewer=personas.admin, producer=personas.dinkominfo)
    with pytest.raises(ValidationError):
        dataset_withdraw(actor=personas.steward, dataset=dataset, reason="salah")
    with pytest.raises(PermissionDenied):
        dataset_withdraw(actor=personas.officer, dataset=dataset, reason="Angka tahun 2025 salah hitung.")
    dataset = dataset_withdraw(actor=personas.steward, dataset=dataset, reason="Angka tahun 2025 salah hitung.")
    assert dataset.is_withdrawn and not dataset.is_published and dataset.withdrawn_by == personas.steward
    assert not selectors.dataset_list().exists()
    assert selectors.dataset_page_get(dataset.slug) == dataset  # its page stays, to say so
    with pytest.raises(ValidationError):
        dataset_withdraw(actor=personas.steward, dataset=dataset, reason="Angka tahun 2025 salah hitung.")
    with pytest.raises(ValidationError):
        dataset_draft_for_change(actor=personas.steward, dataset=dataset)
    events = [d.message.payload["event"]["data"] for d in
              EventDelivery.objects.filter(event_type="dataset.updated").order_by("pk").select_related("message")]
    assert [e.get("withdrawn", False) for e in events] == [False, True]  # published, then withdrawn
    assert events[1]["reason"] == "Angka tahun 2025 salah hitung."
    assert AuditEntry.objects.get(action="opendata.dataset_withdraw").changes == {
        "reason": "Angka tahun 2025 salah hitung."}


def test_only_its_walidata_discards_a_draft(personas):
    draft = dataset_draft_start(actor=personas.steward, upload_name="sd.csv", content=b"a,b\n1,2\n")
    with pytest.raises(PermissionDenied):
        dataset_draft_discard(actor=personas.admin, draft=draft)
    dataset_draft_discard(actor=personas.steward, draft=draft)
    assert not DatasetDraft.objects.exists() and not Dataset.objects.exists()
