"""A walidata's datasets, prepared as drafts and published by a second person (who may: `permissions.py`).

- `dataset_draft_start(*, actor, upload_name, content)`: a new draft holding the chosen CSV/XLSX file, its columns
  described from the header row (name, the type the values suggest: `tables.infer_type`).
- `dataset_draft_for_change(*, actor, dataset)`: a draft to change a published dataset (its metadata, its file or
  both), filled in from it; the walidata's open draft of it when there is one.
- `dataset_draft_keep_file(*, actor, draft, upload_name, content, change_note)`: keep another file in the draft;
  columns with the same name keep their description.
- `dataset_draft_update(*, actor, draft, slug, metadata, ms_var, ms_ind)`: what a page of the draft changed;
  `suggested_slug(title)` proposes a free identifier.
- `draft_problems(draft)`: what is still missing before the draft can be sent for review (field -> messages).
- `dataset_draft_submit` / `dataset_draft_take_back`: send for review / take back to change it.
- `dataset_draft_return(*, actor, draft, note)`: the reviewer sends it back with a note.
- `dataset_draft_publish(*, actor, draft)`: the reviewer publishes it: the dataset is created or changed, a new
  file becomes a new `DatasetVersion` (the one it replaces keeps its own), `dataset.updated` is announced and
  the draft is removed.
- `dataset_draft_discard(*, actor, draft)`: the walidata drops a draft.

A draft is checked with the same rules as the dataset it becomes (`draft_dataset` builds that dataset unsaved:
the review page shows it, and publishing saves it). Every write is audited; the file's SHA-256 is in the entries.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from simpul.agencies.models import Agency
from simpul.core.services import audit_record
from simpul.opendata.models import Dataset, DatasetDraft, DatasetVersion, DraftStatus, Format
from simpul.opendata.permissions import may_edit_draft, may_manage, may_review_draft
from simpul.opendata.services import announce_updated, search_text_of, write_table
from simpul.opendata.tables import PREVIEW_ROWS, Table, TableError, column_types, read_upload
from simpul.regions.models import Region

# The dataset fields a draft's `metadata` holds (the producer as its id, the dates as ISO text).
METADATA_FIELDS = (
    "title_id", "title_en", "description_id", "description_en", "producer", "theme", "keywords", "license",
    "update_frequency", "temporal_start", "temporal_end", "spatial_code", "reference_codes", "ms_keg",
)
VARIABLE_KEYS = ("name", "type", "definition", "unit", "reference")
INDICATOR_KEYS = ("name", "definition", "formula", "unit")
# Path words of /data/ that a dataset's identifier would hide.
RESERVED_SLUGS = frozenset({"kelola", "unggah", "catalog", "ns"})


def _read(upload_name: str, content: bytes) -> tuple[str, Table]:
    try:
        return read_upload(upload_name, content)
    except TableError as exc:
        raise ValidationError({"file": [str(exc)]}) from None


def _keep(draft: DatasetDraft, upload_name: str, content: bytes) -> None:
    """Put the file in the draft and describe its columns: same-named columns keep what was written."""
    fmt, table = _read(upload_name, content)
    types = column_types(table)
    described = {v.get("name"): v for v in draft.ms_var or []}
    draft.ms_var = [described.get(c) or {"name": c, "type": types[c], "definition": "", "unit": "", "reference": ""}
                    for c in table.columns]
    draft.file_name = upload_name[:200]
    draft.file_content = content
    draft.file_format = fmt
    draft.file_sha256 = hashlib.sha256(content).hexdigest()
    draft.columns = table.columns
    draft.row_count = len(table.rows)
    draft.preview = [{c: row.get(c) for c in table.columns} for row in table.rows[:PREVIEW_ROWS]]


def suggested_slug(text: str, *, draft: DatasetDraft | None = None) -> str:
    """An identifier made from a title or a file name that no other dataset has (the draft's own when the
    text gives none)."""
    base = slugify(text)[:90].strip("-")
    if not base:
        return draft.slug if draft is not None else "data"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or Dataset.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def dataset_draft_start(*, actor: Any, upload_name: str, content: bytes) -> DatasetDraft:
    """A new draft holding the file (ValidationError on "file" with the reader's reason when it is unusable)."""
    if not may_manage(actor):
        raise PermissionDenied
    draft = DatasetDraft(prepared_by=actor, slug=suggested_slug(upload_name.rsplit(".", 1)[0]))
    _keep(draft, upload_name, content)
    draft.full_clean()
    draft.save()
    audit_record(actor=actor, action="opendata.draft_create", obj=draft,
                 changes={"file": draft.file_name, "sha256": draft.file_sha256, "rows": draft.row_count})
    return draft


def _metadata_of(dataset: Dataset) -> dict[str, Any]:
    return {
        "title_id": dataset.title_id, "title_en": dataset.title_en, "description_id": dataset.description_id,
        "description_en": dataset.description_en, "producer": dataset.producer_id, "theme": dataset.theme,
        "keywords": list(dataset.keywords or []), "license": dataset.license,
        "update_frequency": dataset.update_frequency,
        "temporal_start": dataset.temporal_start.isoformat() if dataset.temporal_start else "",
        "temporal_end": dataset.temporal_end.isoformat() if dataset.temporal_end else "",
        "spatial_code": dataset.spatial_code, "reference_codes": list(dataset.reference_codes or []),
        "ms_keg": dict(dataset.ms_keg or {}),
    }


@transaction.atomic
def dataset_draft_for_change(*, actor: Any, dataset: Dataset) -> DatasetDraft:
    """The walidata's open draft changing `dataset`, or a new one filled in from it (its file stays unless
    another is chosen). A generated dataset is changed in its generator, not here."""
    if not may_manage(actor):
        raise PermissionDenied
    if dataset.generator:
        raise ValidationError(_("This dataset is computed by Simpul; its description is changed in the code."))
    if dataset.is_withdrawn:
        raise ValidationError(_("This dataset is withdrawn; it cannot be changed."))
    mine = DatasetDraft.objects.filter(dataset=dataset, prepared_by=actor).order_by("-updated_at").first()
    if mine is not None:
        return mine
    described = {v.get("name"): v for v in dataset.ms_var or []}
    draft = DatasetDraft(
        dataset=dataset, prepared_by=actor, slug=dataset.slug, metadata=_metadata_of(dataset),
        ms_var=[{**{"name": c, "type": "string", "definition": "", "unit": "", "reference": ""}, **described.get(c, {})}
                for c in dataset.columns],
        ms_ind=[dict(i) for i in dataset.ms_ind or []], columns=list(dataset.columns), row_count=dataset.row_count,
        preview=list(dataset.preview or []),
    )
    draft.full_clean()
    draft.save()
    audit_record(actor=actor, action="opendata.draft_create", obj=draft, changes={"dataset": dataset.slug})
    return draft


def _editable(actor: Any, draft: DatasetDraft) -> DatasetDraft:
    locked = DatasetDraft.objects.select_for_update().get(pk=draft.pk)
    if not may_edit_draft(actor, locked):
        raise PermissionDenied
    return locked


@transaction.atomic
def dataset_draft_keep_file(*, actor: Any, draft: DatasetDraft, upload_name: str, content: bytes,
                            change_note: str = "") -> DatasetDraft:
    """Keep another file in the draft (the one it held is dropped; a published file is replaced only when the
    draft is published)."""
    draft = _editable(actor, draft)
    _keep(draft, upload_name, content)
    draft.change_note = " ".join(change_note.split())[:300]
    draft.full_clean()
    draft.save()
    audit_record(actor=actor, action="opendata.draft_file", obj=draft,
                 changes={"file": draft.file_name, "sha256": draft.file_sha256, "rows": draft.row_count})
    return draft


def _slug_problem(draft: DatasetDraft, slug: str) -> str:
    try:
        validate_slug(slug)
    except ValidationError:
        return _("Use lowercase letters, digits and dashes only.")
    if slug in RESERVED_SLUGS:
        return _("This identifier is a word of the site's addresses; choose another.")
    others = Dataset.objects.filter(slug=slug)
    if draft.dataset_id is not None:
        others = others.exclude(pk=draft.dataset_id)
    taken = others.first()
    if taken is not None:
        if taken.generator:
            return _("This identifier belongs to a generated dataset; choose another.")
        return _("Another dataset has this identifier; choose another.")
    return ""


def _clean_list(items: list[dict[str, Any]], keys: tuple[str, ...]) -> list[dict[str, str]]:
    cleaned = []
    for item in items:
        entry = {k: " ".join(str(item.get(k) or "").split()) for k in keys}
        if entry.get("name"):
            cleaned.append(entry)
    return cleaned


@transaction.atomic
def dataset_draft_update(*, actor: Any, draft: DatasetDraft, slug: str | None = None,
                         metadata: dict[str, Any] | None = None, ms_var: list[dict[str, Any]] | None = None,
                         ms_ind: list[dict[str, Any]] | None = None) -> DatasetDraft:
    """Save what one page of the draft changed (what is not given stays). `ms_var` is one entry per column of the
    draft, in their order (the names are the columns', whatever a form sent)."""
    draft = _editable(actor, draft)
    changed: list[str] = []
    if slug is not None and slug != draft.slug:
        if draft.dataset_id is not None:
            raise ValidationError({"slug": [_("A published dataset keeps its identifier: its address is in use.")]})
        problem = _slug_problem(draft, slug)
        if problem:
            raise ValidationError({"slug": [problem]})
        draft.slug = slug
        changed.append("slug")
    if metadata is not None:
        unknown = set(metadata) - set(METADATA_FIELDS)
        if unknown:
            raise ValueError(f"unknown metadata {sorted(unknown)}")
        producer = metadata.get("producer")
        if producer is not None and not Agency.objects.filter(pk=producer, is_active=True).exists():
            raise ValidationError({"producer": [_("Choose an office from the list.")]})
        spatial = metadata.get("spatial_code")
        if spatial and not Region.objects.filter(code=spatial).exists():
            raise ValidationError({"spatial_code": [_("No region has this Kemendagri code.")]})
        changed += [k for k, v in metadata.items() if draft.metadata.get(k) != v]
        draft.metadata = {**draft.metadata, **metadata}
    if ms_var is not None:
        if len(ms_var) != len(draft.columns):
            raise ValidationError({"variables": [_("The columns of the file changed; open the page again.")]})
        draft.ms_var = [{**{k: " ".join(str(v.get(k) or "").split()) for k in VARIABLE_KEYS}, "name": column}
                        for column, v in zip(draft.columns, ms_var, strict=True)]
        changed.append("ms_var")
    if ms_ind is not None:
        draft.ms_ind = _clean_list(ms_ind, INDICATOR_KEYS)
        changed.append("ms_ind")
    if draft.status == DraftStatus.RETURNED:
        draft.status = DraftStatus.DRAFT
    draft.full_clean()
    draft.save()
    if changed:
        audit_record(actor=actor, action="opendata.draft_update", obj=draft, changes={"fields": sorted(set(changed))})
    return draft


def _date(text: Any) -> date | None:
    return date.fromisoformat(text) if text else None


def draft_dataset(draft: DatasetDraft) -> Dataset:
    """The dataset the draft becomes, unsaved: the published one changed by the draft, or a new one."""
    meta = draft.metadata or {}
    if draft.dataset_id is not None:
        dataset = Dataset.objects.select_related("producer").get(pk=draft.dataset_id)
    else:
        dataset = Dataset(slug=draft.slug)
    for key in ("title_id", "title_en", "description_id", "description_en", "theme", "license", "update_frequency",
                "spatial_code"):
        if key in meta:
            setattr(dataset, key, meta[key] or "")
    if meta.get("producer"):
        dataset.producer = Agency.objects.filter(pk=meta["producer"]).first()  # type: ignore[assignment]
    dataset.keywords = list(meta.get("keywords") or [])
    dataset.reference_codes = list(meta.get("reference_codes") or [])
    dataset.ms_keg = {k: v for k, v in (meta.get("ms_keg") or {}).items() if v}
    dataset.temporal_start, dataset.temporal_end = _date(meta.get("temporal_start")), _date(meta.get("temporal_end"))
    code = dataset.spatial_code
    dataset.spatial_label = (Region.objects.filter(code=code).values_list("name", flat=True).first() or "") if code \
        else ""
    dataset.ms_var = [{k: v for k, v in var.items() if v} for var in draft.ms_var or []]
    dataset.ms_ind = [{k: v for k, v in ind.items() if v} for ind in draft.ms_ind or []]
    dataset.columns = list(draft.columns)
    dataset.row_count = draft.row_count
    dataset.preview = list(draft.preview or [])
    dataset.walidata = draft.prepared_by
    return dataset


def draft_problems(draft: DatasetDraft) -> dict[str, list[str]]:
    """What must still be done before the draft is sent for review or published, by the page that does it:
    "file", "description", "columns", "activity"."""
    problems: dict[str, list[str]] = {}
    meta = draft.metadata or {}
    if draft.dataset_id is None and not draft.has_file:
        problems["file"] = [_("Choose the data file.")]
    if not meta.get("title_id") or not meta.get("description_id") or not meta.get("producer"):
        problems["description"] = [_("Give the title, the description and the producing office.")]
    elif draft.dataset_id is None and _slug_problem(draft, draft.slug):
        problems["description"] = [_slug_problem(draft, draft.slug)]
    missing = [v["name"] for v in draft.ms_var or [] if not v.get("definition")]
    if missing:
        problems["columns"] = [ngettext("Describe the column {columns}.", "Describe the columns {columns}.",
                                        len(missing)).format(columns=", ".join(missing))]
    if not (meta.get("ms_keg") or {}).get("judul"):
        problems["activity"] = [_("Name the statistical activity the data comes from (MS-Keg).")]
    return problems


@transaction.atomic
def dataset_draft_submit(*, actor: Any, draft: DatasetDraft) -> DatasetDraft:
    """Send the draft for review (ValidationError listing what is missing)."""
    draft = _editable(actor, draft)
    problems = draft_problems(draft)
    if problems:
        raise ValidationError(problems)
    draft.status = DraftStatus.SUBMITTED
    draft.submitted_at = timezone.now()
    draft.review_note = ""
    draft.save(update_fields=["status", "submitted_at", "review_note", "updated_at"])
    audit_record(actor=actor, action="opendata.draft_submit", obj=draft, changes={"sha256": draft.file_sha256})
    return draft


@transaction.atomic
def dataset_draft_take_back(*, actor: Any, draft: DatasetDraft) -> DatasetDraft:
    """The walidata takes a draft back from review to change it."""
    draft = DatasetDraft.objects.select_for_update().get(pk=draft.pk)
    if not (may_manage(actor) and draft.prepared_by_id == actor.pk and draft.status == DraftStatus.SUBMITTED):
        raise PermissionDenied
    draft.status = DraftStatus.DRAFT
    draft.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="opendata.draft_take_back", obj=draft)
    return draft


def _reviewable(actor: Any, draft: DatasetDraft) -> DatasetDraft:
    locked = DatasetDraft.objects.select_for_update().get(pk=draft.pk)
    if not may_review_draft(actor, locked):
        raise PermissionDenied
    return locked


@transaction.atomic
def dataset_draft_return(*, actor: Any, draft: DatasetDraft, note: str) -> DatasetDraft:
    """The reviewer sends the draft back to the walidata who prepared it, saying what to change."""
    draft = _reviewable(actor, draft)
    note = (note or "").strip()
    if len(note) < 5:
        raise ValidationError({"note": [_("Say what should be changed.")]})
    draft.status = DraftStatus.RETURNED
    draft.review_note = note[:2000]
    draft.reviewed_by = actor
    draft.save(update_fields=["status", "review_note", "reviewed_by", "updated_at"])
    audit_record(actor=actor, action="opendata.draft_return", obj=draft, changes={"note": draft.review_note})
    return draft


def _new_version(dataset: Dataset, draft: DatasetDraft, actor: Any) -> DatasetVersion:
    now = timezone.now()
    DatasetVersion.objects.filter(dataset=dataset, replaced_at=None).update(replaced_at=now)
    table = dataset.distributions.get(format=Format.CSV)
    content = bytes(table.content)
    version = DatasetVersion(
        dataset=dataset, number=dataset.version + 1, file_name=draft.file_name, upload_sha256=draft.file_sha256,
        content=content, byte_size=len(content), checksum_sha256=table.checksum_sha256,
        row_count=dataset.row_count, columns=list(dataset.columns), change_note=draft.change_note,
        prepared_by=draft.prepared_by, published_by=actor, published_at=now,
    )
    version.full_clean()
    version.save()
    dataset.version = version.number
    dataset.save(update_fields=["version"])
    return version


@transaction.atomic
def dataset_draft_publish(*, actor: Any, draft: DatasetDraft) -> Dataset:
    """Publish the draft (only a second person may: `may_review_draft`); ValidationError when something is
    missing or the identifier was taken meanwhile."""
    draft = _reviewable(actor, draft)
    problems = draft_problems(draft)
    if problems:
        raise ValidationError(problems)
    created = draft.dataset_id is None
    if draft.dataset_id is not None:
        current = Dataset.objects.select_for_update().get(pk=draft.dataset_id)
        if current.is_withdrawn:
            raise ValidationError(_("This dataset was withdrawn meanwhile; it cannot be changed."))
    dataset = draft_dataset(draft)
    if draft.has_file:
        fmt, table = _read(draft.file_name, bytes(draft.file_content or b""))
        dataset.columns = table.columns
    dataset.search_text = search_text_of(dataset)
    dataset.full_clean(exclude=["search_text"])
    dataset.save()
    version = None
    if draft.has_file:
        write_table(dataset, table, uploaded=(fmt, draft.file_name, bytes(draft.file_content or b"")))
        version = _new_version(dataset, draft, actor)
    audit_record(actor=actor, action="opendata.dataset_publish", obj=dataset, changes={
        "created": created, "prepared_by": draft.prepared_by_id, "version": version.number if version else None,
        "sha256": draft.file_sha256 or None, "rows": dataset.row_count})
    announce_updated(dataset)
    draft.delete()
    return dataset


@transaction.atomic
def dataset_draft_discard(*, actor: Any, draft: DatasetDraft) -> None:
    """The walidata who prepared the draft drops it (in whatever state; nothing published changes)."""
    draft = DatasetDraft.objects.select_for_update().get(pk=draft.pk)
    if not (may_manage(actor) and draft.prepared_by_id == actor.pk):
        raise PermissionDenied
    audit_record(actor=actor, action="opendata.draft_discard", obj=draft, changes={"sha256": draft.file_sha256})
    draft.delete()
