"""Demo cases: a few KTP-el replacement applications in different states, so the Dukcapil worklist, the
dashboard and the tracking page have something to show. Idempotent (fixed idempotency keys)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.conf import settings

from simpul.accounts.models import User
from simpul.cases.actions import case_request_revision, case_transition
from simpul.cases.constants import CaseStatus
from simpul.cases.intake import case_submit
from simpul.cases.models import Case
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
        made.append((case.reference, result.pin, str(CaseStatus(case.status).label)))
    complaint = _complaint(stdout)
    if complaint:
        made.append(complaint)
    _remember(made)
    stdout.write(f"cases demo: {len(made)} sample cases (`simpul run` lists them with their PINs)")


def _samples_file() -> Path:
    return Path(settings.VAR_DIR) / "demo-cases.tsv"


def _remember(made: list[tuple[str, str, str]]) -> None:
    """Keep the sample cases' PINs beside the demo database (PINs are stored only hashed; a replayed demo load
    has none to give), so `simpul run` can list them. Demo data only: these PINs are public anyway."""
    known = {row[0]: row for row in demo_samples()}
    for reference, pin, note in made:
        if pin:
            known[reference] = (reference, pin, note)
    present = set(Case.objects.filter(reference__in=list(known)).values_list("reference", flat=True))
    known = {reference: row for reference, row in known.items() if reference in present}
    _samples_file().write_text("".join(f"{r}\t{p}\t{n}\n" for r, p, n in known.values()), encoding="utf-8")


def demo_samples() -> list[tuple[str, str, str]]:
    """The demo's sample cases (reference, PIN, what it is) as `simpul run` lists them (a hook of
    `simpul.core.loaders.demo_hook`); empty before the demo is loaded."""
    try:
        lines = _samples_file().read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    rows = [tuple(line.split("\t", 2)) for line in lines if line.count("\t") == 2]
    return [(r[0], r[1], r[2]) for r in rows]


DEMO_COMPLAINT = {
    "complaint_topic": "pungli", "title": "Diminta uang untuk mencetak KTP-el",
    "description": "Petugas di loket meminta Rp200.000 agar KTP-el saya cepat dicetak, padahal layanannya gratis.",
    "location_village": "16.06.01.2001", "anonymous": "no", "full_name": "Rahmat Pelapor",
    "phone": "081377778888", "confidential": "yes",
}


def _complaint(stdout: Any) -> tuple[str, str, str] | None:
    """A confidential complaint about a bribe: it goes to the complaint-handling unit (Inspektorat), whose demo
    officer sees the reporter masked until an audited reveal."""
    from django.core.exceptions import ValidationError


    service = Service.objects.filter(code="pengaduan-kependudukan").select_related("current_version").first()
    if service is None or service.current_version is None:
        return None
    try:
        result = case_submit(version=service.current_version, answers=dict(DEMO_COMPLAINT),
                             idempotency_key="demo-complaint-1", idempotency_scope="demo")
    except ValidationError as exc:
        stdout.write(f"complaint demo: skipped ({'; '.join(exc.messages)[:200]})")
        return None
    return (result.case.reference, result.pin, f"confidential complaint, at {result.case.agency}")
