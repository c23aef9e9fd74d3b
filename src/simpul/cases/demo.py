"""Demo cases: a few KTP-el replacement applications in different states, so the Dukcapil worklist, the
dashboard and the tracking page have something to show. Idempotent (fixed idempotency keys)."""

from __future__ import annotations

import io
from typing import Any

from simpul.accounts.models import User
from simpul.cases.actions import case_request_revision, case_transition
from simpul.cases.constants import CaseStatus
from simpul.cases.intake import case_submit
from simpul.catalog.models import Service

DEMO_ANSWERS = {
    "nik": "1606014101900001",
    "full_name": "Siti Aminah",
    "kk_number": "1606011503200001",
    "village": "16.06.01.2001",
    "address": "Jl. Merdeka RT 02 RW 01, Dusun I",
    "phone": "081234567890",
    "reason": "damaged",
}


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (60, 40), (230, 230, 230)).save(out, format="PNG")
    return out.getvalue()


class _Upload:
    def __init__(self, name: str, content: bytes) -> None:
        self.name, self.content, self.size = name, content, len(content)

    def read(self) -> bytes:
        return self.content


def load(*, stdout: Any) -> None:
    from django.core.exceptions import ValidationError


    service = Service.objects.filter(code="ktp-el-penggantian").select_related("current_version").first()
    citizen = User.objects.filter(email="warga@simpul.test").first()
    officer = User.objects.filter(email="petugas.dukcapil@simpul.test").first()
    if service is None or service.current_version is None or citizen is None or officer is None:
        stdout.write("cases demo: skipped (needs the catalog and accounts demo data)")
        return
    made = []
    for number in (1, 2, 3):
        try:
            result = case_submit(
                version=service.current_version, answers=dict(DEMO_ANSWERS),
                files={"kk": _Upload("kartu-keluarga.png", _png())}, applicant=citizen,
                idempotency_key=f"demo-case-{number}", idempotency_scope="demo",
            )
        except ValidationError as exc:
            stdout.write(f"cases demo: skipped ({'; '.join(exc.messages)[:200]})")
            return
        case = result.case
        if not result.replayed and number >= 2:
            case_transition(case=case, action="verify", actor=officer)
            if number == 3:
                case_request_revision(case=case, actor=officer, message="Foto Kartu Keluarga kurang jelas, mohon unggah ulang.")
        made.append((case.reference, result.pin, CaseStatus(case.status).label))
    stdout.write("Demo cases (track at /lacak/ with reference + PIN):")
    for reference, pin, _status in made:
        stdout.write(f"  {reference}  PIN {pin}")
    _complaint(stdout)


DEMO_COMPLAINT = {
    "complaint_topic": "pungli", "title": "Diminta uang untuk mencetak KTP-el",
    "description": "Petugas di loket meminta Rp200.000 agar KTP-el saya cepat dicetak, padahal layanannya gratis.",
    "location_village": "16.06.01.2001", "anonymous": "no", "full_name": "Rahmat Pelapor",
    "phone": "081377778888", "confidential": "yes",
}


def _complaint(stdout: Any) -> None:
    """A confidential complaint about a bribe: it goes to the complaint-handling unit (Inspektorat), whose demo
    officer sees the reporter masked until an audited reveal."""
    from django.core.exceptions import ValidationError


    service = Service.objects.filter(code="pengaduan-kependudukan").select_related("current_version").first()
    if service is None or service.current_version is None:
        return
    try:
        result = case_submit(version=service.current_version, answers=dict(DEMO_COMPLAINT),
                             idempotency_key="demo-complaint-1", idempotency_scope="demo")
    except ValidationError as exc:
        stdout.write(f"complaint demo: skipped ({'; '.join(exc.messages)[:200]})")
        return
    stdout.write(f"  {result.case.reference}  PIN {result.pin}  (confidential complaint, at {result.case.agency})")
