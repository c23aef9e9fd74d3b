"""Catalog test helpers: a published service with a small two-page form and two documents."""

from __future__ import annotations

import copy
from typing import Any

from simpul.agencies.models import Agency
from simpul.catalog.models import ServiceKind, ServiceVersion, Workflow
from simpul.catalog.services import service_create

SAMPLE_FORM: dict[str, Any] = {
    "pages": [
        {
            "key": "applicant",
            "title_id": "Data pemohon",
            "title_en": "Applicant",
            "fields": [
                {"name": "nik", "type": "nik", "role": "applicant_nik", "label_id": "NIK", "label_en": "NIK",
                 "required": True},
                {"name": "full_name", "type": "text", "role": "applicant_name", "label_id": "Nama lengkap", "label_en": "Full name",
                 "required": True, "min_length": 3, "max_length": 100},
                {"name": "village", "type": "region", "label_id": "Desa/kelurahan", "label_en": "Village",
                 "required": True},
                {"name": "phone", "type": "phone", "role": "applicant_phone", "label_id": "Nomor HP",
                 "label_en": "Mobile number"},
            ],
        },
        {
            "key": "reason",
            "title_id": "Alasan",
            "title_en": "Reason",
            "fields": [
                {"name": "reason", "type": "choice", "label_id": "Alasan", "label_en": "Reason", "required": True,
                 "choices": [
                     {"value": "lost", "label_id": "Hilang", "label_en": "Lost"},
                     {"value": "damaged", "label_id": "Rusak", "label_en": "Damaged"},
                 ]},
                {"name": "lost_date", "type": "date", "label_id": "Tanggal hilang", "label_en": "Date lost",
                 "required": True, "max": "today", "show_if": {"field": "reason", "equals": "lost"}},
                {"name": "notes", "type": "textarea", "label_id": "Keterangan", "label_en": "Notes",
                 "max_length": 500},
            ],
        },
    ]
}

SAMPLE_DOCUMENTS: list[dict[str, Any]] = [
    {"code": "kk", "label_id": "Scan Kartu Keluarga", "label_en": "Family card scan", "required": True,
     "types": ["pdf", "jpg", "png"], "max_bytes": 2 * 1024 * 1024},
    {"code": "police_report", "label_id": "Surat kehilangan dari kepolisian", "label_en": "Police loss report",
     "required": True, "types": ["pdf", "jpg"], "max_bytes": 2 * 1024 * 1024,
     "show_if": {"field": "reason", "equals": "lost"}},
]


def make_service(
    *, agency: Agency, code: str = "ktp-el-penggantian", publish: bool = True, actor: Any = None, **overrides: Any
) -> ServiceVersion:
    """A service with one version (published by default) using the sample form and documents."""
    fields: dict[str, Any] = {
        "name_id": "Penggantian KTP-el",
        "name_en": "KTP-el replacement",
        "description_id": "Mengganti KTP-el yang hilang atau rusak.",
        "description_en": "Replace a lost or damaged KTP-el.",
        "kind": ServiceKind.PERMOHONAN,
        "agency": agency,
        "legal_basis": "UU 24/2013",
        "sla_working_days": 3,
        "workflow": Workflow.APPLICATION,
        "form": copy.deepcopy(SAMPLE_FORM),
        "documents": copy.deepcopy(SAMPLE_DOCUMENTS),
    }
    fields.update(overrides)
    return service_create(code=code, actor=actor, publish=publish, **fields)
