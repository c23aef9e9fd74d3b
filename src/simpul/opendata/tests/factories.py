"""Opendata test helpers: small published services and cases submitted through `case_submit`."""

from __future__ import annotations

from typing import Any

from simpul.cases.intake import case_submit
from simpul.catalog.models import ServiceKind, Workflow
from simpul.catalog.services import service_create

FORM = {"pages": [{"key": "p", "title_id": "Isian", "title_en": "Form", "fields": [
    {"name": "village", "type": "region", "label_id": "Desa", "label_en": "Village", "required": True},
    {"name": "notes", "type": "textarea", "label_id": "Keterangan", "label_en": "Notes"},
]}]}


def make_service(*, agency: Any, code: str, complaint: bool = False, category: str = "") -> Any:
    return service_create(
        code=code, actor=None, publish=True, name_id=f"Layanan {code}", name_en=f"Service {code}",
        kind=ServiceKind.PENGADUAN if complaint else ServiceKind.PERMOHONAN, agency=agency,
        workflow=Workflow.COMPLAINT if complaint else Workflow.APPLICATION, complaint_category=category,
        form=FORM, documents=[], sla_working_days=5,
    )


def submit(version: Any, desa: str, n: int = 1) -> list[Any]:
    return [case_submit(version=version, answers={"village": desa}).case for _ in range(n)]


# -- a walidata's datasets, through the drafts and the review ---------------------------------------------------------

SD_CSV = b"kode_kecamatan;jumlah_sd\n16.06.01;31\n16.06.02;0012\n"
SD_META = {
    "title_id": "Jumlah sekolah dasar per kecamatan", "title_en": "Primary schools per kecamatan",
    "description_id": "Data sekolah dasar negeri dan swasta.", "theme": "pendidikan", "license": "CC-BY-4.0",
    "update_frequency": "annual", "reference_codes": ["kemendagri-wilayah"], "keywords": ["sekolah", "SD"],
    "temporal_start": "2025-01-01", "temporal_end": "2025-12-31", "spatial_code": "16.06",
    "ms_keg": {"judul": "Pendataan sekolah", "cara_pengumpulan": "Registrasi"},
}
SD_VARIABLES = {"kode_kecamatan": ("Kode Kemendagri", ""), "jumlah_sd": ("Banyaknya SD", "sekolah")}


def second_steward() -> Any:
    from simpul.accounts.models import Role
    from simpul.conftest import make_user

    return make_user("steward2@test.simpul", Role.DATA_STEWARD, full_name="Walidata Kedua")


def prepared_draft(*, steward: Any, producer: Any, slug: str = "sekolah-dasar", name: str = "sd.csv",
                   content: bytes = SD_CSV, meta: dict[str, Any] | None = None,
                   variables: dict[str, tuple[str, str]] | None = None) -> Any:
    """A new dataset's draft with its file, description, columns and activity: ready to send for review."""
    from simpul.opendata.drafts import dataset_draft_start, dataset_draft_update

    draft = dataset_draft_start(actor=steward, upload_name=name, content=content)
    described = variables if variables is not None else SD_VARIABLES
    ms_var = [{**v, "definition": described.get(v["name"], ("", ""))[0], "unit": described.get(v["name"], ("", ""))[1]}
              for v in draft.ms_var]
    return dataset_draft_update(actor=steward, draft=draft, slug=slug, ms_var=ms_var,
                                metadata={**SD_META, **(meta or {}), "producer": producer.pk})


def publish_upload(*, steward: Any, reviewer: Any, producer: Any, **kwargs: Any) -> Any:
    """A walidata's file published the only way there is: prepared, sent for review, published by `reviewer`."""
    from simpul.opendata.drafts import dataset_draft_publish, dataset_draft_submit

    draft = dataset_draft_submit(actor=steward, draft=prepared_draft(steward=steward, producer=producer, **kwargs))
    return dataset_draft_publish(actor=reviewer, draft=draft)
