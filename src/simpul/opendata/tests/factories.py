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
