"""Scenes for the documents tests: a case ready to approve, letterheads and signers."""

from __future__ import annotations

from typing import Any

from simpul.cases.actions import case_transition
from simpul.cases.intake import case_submit
from simpul.cases.tests.factories import VALID_ANSWERS, ktp_service, pdf_upload
from simpul.documents.models import Letterhead, NumberPattern


def letterhead(agency: Any) -> Letterhead:
    obj, _ = Letterhead.objects.get_or_create(agency=agency, defaults={
        "government": "Pemerintah Kabupaten Musi Banyuasin", "office_name": agency.name,
        "address": "Jl. Kolonel Wahid Udin No. 254, Sekayu", "contacts": "Telp. (0714) 321000 · dukcapil@mubakab.go.id",
        "place": "Sekayu", "unit_code": "DISDUKCAPIL"})
    NumberPattern.objects.get_or_create(agency=None, defaults={"default_classification": "400.12"})
    return obj


def case_in_review(personas: Any, key: str = "doc-1", version: Any = None) -> Any:
    """A KTP-el case of Siti Warga, verified by the Dukcapil officer: the next action is approve."""
    version = version or ktp_service(personas.dukcapil)
    case = case_submit(version=version, answers=dict(VALID_ANSWERS), files={"kk": pdf_upload()},
                       idempotency_key=key, applicant=personas.citizen).case
    case_transition(case=case, action="verify", actor=personas.officer)
    case.refresh_from_db()
    return case
