"""Demo catalog of Kabupaten Musi Banyuasin, read from `data/musi-banyuasin/*.yaml`.

Dukcapil (KTP-el baru and penggantian, perubahan KK, akta kelahiran and kematian, surat pindah), DPMPTSP
(izin reklame), PPID (permintaan informasi publik) and five complaint categories routed to OPDs. The YAML
files are the requirements as data: an admin reads and changes them without touching code. Loading is
idempotent: a service that already exists is left as it is (an admin may have published newer versions).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from simpul.catalog.models import Service
from simpul.catalog.services import CatalogImportError, service_import_yaml

CODE_LINE = re.compile(r"^code:\s*(\S+)\s*$", re.MULTILINE)
DATA_DIR = Path(__file__).resolve().parent / "data" / "musi-banyuasin"


def demo_files() -> list[Path]:
    return sorted(DATA_DIR.glob("*.yaml"))


def load(*, stdout: Any) -> None:
    existing = set(Service.objects.values_list("code", flat=True))
    created = 0
    for path in demo_files():
        text = path.read_text(encoding="utf-8")
        match = CODE_LINE.search(text)
        code = match.group(1).strip() if match else None
        if code in existing:
            continue
        try:
            service_import_yaml(text=text, actor=None)
        except CatalogImportError as failed:
            stdout.write(f"catalog: {path.name} skipped: {'; '.join(failed.messages)}\n")
            continue
        created += 1
    stdout.write(f"catalog: {created} demo services loaded, {len(existing)} already present\n")
