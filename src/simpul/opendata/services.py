"""Writes of the opendata app: (re)build generated datasets, withdraw a dataset. A walidata's datasets are
prepared, reviewed and published in `simpul.opendata.drafts`.

- `dataset_generated_ensure(*, slug, producer)`: create the row of a generated dataset with its metadata.
- `dataset_refresh(*, slug)`: rebuild a generated dataset's table and its CSV/XLSX/JSON distributions.
- `datasets_refresh_generated()`: refresh all (the periodic job).
- `dataset_withdraw(*, actor, dataset, reason)`: stop publishing a dataset, saying why.
- `write_table(dataset, table, uploaded=...)`: the distributions of a table, used by the refresh and by publishing
  a walidata's draft (`simpul.opendata.drafts`): every format, the uploaded one too, is written from the checked
  table through `simpul.core.tabular` (cells that would start a spreadsheet formula are neutralised).

Each change is audited and emits `dataset.updated` (a refresh that changes nothing emits nothing) through `simpul.core.events.event_announce` (a public event).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from simpul.catalog.models import normalize_search
from simpul.core.events import event_announce
from simpul.core.services import audit_record
from simpul.opendata.generators import GENERATED, RULE_ID
from simpul.opendata.models import Dataset, Distribution, Format
from simpul.opendata.permissions import may_manage
from simpul.opendata.tables import PREVIEW_ROWS, RENDERERS, Table
from simpul.regions.models import Region

CASE_DATASETS = {"kasus-per-layanan-kecamatan-bulanan", "kinerja-sla-opd-bulanan", "pengaduan-per-kategori-bulanan"}


def search_text_of(dataset: Dataset) -> str:
    parts = [dataset.slug, dataset.title_id, dataset.title_en, dataset.description_id, dataset.description_en,
             " ".join(dataset.keywords or []), dataset.producer.name, dataset.producer.short_name]
    return normalize_search(" ".join(p for p in parts if p))


def write_table(dataset: Dataset, table: Table, *, uploaded: tuple[str, str, bytes] | None = None) -> bool:
    """Write the distributions; False (and nothing written but the refresh time) when the table is unchanged."""
    now = timezone.now()
    csv_sum = hashlib.sha256(RENDERERS["csv"](table)).hexdigest()
    current = dataset.pk and Distribution.objects.filter(dataset=dataset, format=Format.CSV, is_uploaded=False) \
        .values_list("checksum_sha256", flat=True).first()
    if uploaded is None and current == csv_sum:
        dataset.last_refreshed = now
        dataset.save(update_fields=["last_refreshed"])
        return False
    for fmt in Format.values:
        # Every format is written from the checked table, the uploaded one too: the walidata's own bytes could
        # carry live spreadsheet formulas (or macros) to every citizen who downloads them.
        content = RENDERERS[fmt](table) if fmt != "xlsx" else RENDERERS[fmt](table, title=dataset.slug)
        if uploaded is not None and uploaded[0] == fmt:
            name, is_uploaded = uploaded[1], True
        else:
            name, is_uploaded = "", False
        Distribution.objects.update_or_create(
            dataset=dataset, format=fmt,
            defaults={"content": content, "byte_size": len(content), "is_uploaded": is_uploaded,
                      "original_name": name[:200], "checksum_sha256": hashlib.sha256(content).hexdigest(),
                      "modified": now},
        )
    dataset.columns = table.columns
    dataset.row_count = len(table.rows)
    dataset.preview = [{c: table.rows[i].get(c) for c in table.columns} for i in range(min(PREVIEW_ROWS,
                                                                                            len(table.rows)))]
    dataset.last_refreshed = now
    dataset.search_text = search_text_of(dataset)
    dataset.full_clean()
    dataset.save()
    return True


def announce_updated(dataset: Dataset) -> None:
    event_announce(
        "dataset.updated", subject=dataset.slug, agency_ids=[], ordering_key=f"dataset:{dataset.slug}",
        data={"slug": dataset.slug, "title": dataset.title_id, "rows": dataset.row_count,
              "modified": dataset.last_refreshed.isoformat() if dataset.last_refreshed else None},
    )


@transaction.atomic
def dataset_generated_ensure(*, slug: str, producer: Any, walidata: Any = None) -> Dataset:
    """The row of the generated dataset `slug` with its metadata (kept in step with `GENERATED`)."""
    spec = GENERATED[slug]
    fields = {k: v for k, v in spec.metadata.items()}
    fields["suppression_rule"] = RULE_ID if slug in CASE_DATASETS else ""
    fields["generator"] = slug
    dataset = Dataset.objects.filter(slug=slug).first()
    if dataset is None:
        kabupaten = Region.objects.filter(code=settings.SIMPUL_KABUPATEN_CODE).first()
        dataset = Dataset(slug=slug, producer=producer, walidata=walidata,
                          spatial_code=settings.SIMPUL_KABUPATEN_CODE,
                          spatial_label=kabupaten.name if kabupaten else "")
        for key, value in fields.items():
            setattr(dataset, key, value)
        dataset.search_text = search_text_of(dataset)
        dataset.full_clean()
        dataset.save()
        audit_record(actor=None, actor_label="system", action="opendata.dataset_create", obj=dataset,
                     changes={"slug": slug, "generated": True})
        return dataset
    changed = [k for k, v in fields.items() if getattr(dataset, k) != v]
    if walidata is not None and dataset.walidata_id is None:
        dataset.walidata = walidata
        changed.append("walidata")
    if changed:
        for key in changed:
            if key != "walidata":
                setattr(dataset, key, fields[key])
        dataset.search_text = search_text_of(dataset)
        dataset.save()
    return dataset


@transaction.atomic
def dataset_refresh(*, slug: str) -> Dataset:
    """Rebuild the generated dataset `slug` (safe to run twice: the second run writes the same tables)."""
    dataset = Dataset.objects.select_for_update().get(slug=slug)
    if not dataset.generator:
        raise ValidationError({"slug": ["not a generated dataset"]})
    table = GENERATED[dataset.generator].build()
    period = GENERATED[dataset.generator].period(table)
    if (dataset.temporal_start, dataset.temporal_end) != period:  # the period moves on even when the rows do not
        dataset.temporal_start, dataset.temporal_end = period
        dataset.save(update_fields=["temporal_start", "temporal_end"])
    if not write_table(dataset, table):
        return dataset
    audit_record(actor=None, actor_label="system", action="opendata.dataset_refresh", obj=dataset,
                 changes={"rows": dataset.row_count})
    announce_updated(dataset)
    return dataset


def datasets_refresh_generated() -> list[str]:
    """Refresh every generated dataset that has a row; returns their slugs."""
    done = []
    for slug in Dataset.objects.exclude(generator="").values_list("slug", flat=True):
        if slug in GENERATED:
            dataset_refresh(slug=slug)
            done.append(slug)
    return done


@transaction.atomic
def dataset_withdraw(*, actor: Any, dataset: Dataset, reason: str) -> Dataset:
    """Stop publishing `dataset`: the list, the catalogue, the API and the downloads drop it, and its page says
    that it was withdrawn, when and why. The row, its versions and its audit trail stay."""
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    if not may_manage(actor):
        raise PermissionDenied
    reason = " ".join((reason or "").split())
    if len(reason) < 10:
        raise ValidationError({"reason": [_("Say in a sentence why the dataset is withdrawn; readers see it.")]})
    if dataset.is_withdrawn:
        raise ValidationError({"reason": [_("This dataset is already withdrawn.")]})
    dataset.is_published = False
    dataset.withdrawn_at = timezone.now()
    dataset.withdrawn_by = actor
    dataset.withdrawn_reason = reason[:1000]
    dataset.full_clean()
    dataset.save(update_fields=["is_published", "withdrawn_at", "withdrawn_by", "withdrawn_reason", "updated_at"])
    audit_record(actor=actor, action="opendata.dataset_withdraw", obj=dataset, changes={"reason": dataset.withdrawn_reason})
    event_announce(
        "dataset.updated", subject=dataset.slug, agency_ids=[], ordering_key=f"dataset:{dataset.slug}",
        data={"slug": dataset.slug, "title": dataset.title_id, "withdrawn": True, "reason": dataset.withdrawn_reason,
              "modified": dataset.withdrawn_at.isoformat()},
    )
    return dataset
