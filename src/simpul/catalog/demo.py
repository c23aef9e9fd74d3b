"""Demo catalog of Kabupaten Musi Banyuasin, read from `data/musi-banyuasin/*.yaml`.

Dukcapil (KTP-el baru and penggantian, perubahan KK, akta kelahiran and kematian, surat pindah), DPMPTSP
(izin reklame), PPID (permintaan informasi publik) and five complaint categories routed to OPDs. The YAML
files are the requirements as data: an admin reads and changes them without touching code. Loading is
idempotent. A service that already exists gets the file's new versions only when the file's newest version
number is above every stored one (a corrected form shipped as version 2); otherwise it is left as it is (an admin
may have published newer versions of their own), except that a service without search words gets the file's. A
stored published version is never changed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from django.db.models import Max

from simpul.catalog.models import Service
from simpul.catalog.services import CatalogImportError, service_import_yaml, service_set_keywords

CODE_LINE = re.compile(r"^code:\s*(\S+)\s*$", re.MULTILINE)
DATA_DIR = Path(__file__).resolve().parent / "data" / "musi-banyuasin"


def demo_files() -> list[Path]:
    return sorted(DATA_DIR.glob("*.yaml"))


def _newest_number(doc: dict[str, Any]) -> int:
    versions = doc.get("versions") or []
    return max((int(v.get("number", i + 1)) for i, v in enumerate(versions)), default=0)


def load(*, stdout: Any) -> None:
    stored = dict(Service.objects.annotate(newest=Max("versions__number")).values_list("code", "newest"))
    created = updated = 0
    for path in demo_files():
        text = path.read_text(encoding="utf-8")
        match = CODE_LINE.search(text)
        code = match.group(1).strip() if match else None
        doc = yaml.safe_load(text) or {}
        if code in stored and _newest_number(doc) <= (stored[code] or 0):
            _add_search_words(code, doc)
            continue
        try:
            service_import_yaml(text=text, actor=None)
        except CatalogImportError as failed:
            stdout.write(f"catalog: {path.name} skipped: {'; '.join(failed.messages)}\n")
            continue
        if code in stored:
            updated += 1
        else:
            created += 1
    stdout.write(f"catalog: {created} demo services loaded, {updated} given a new version, "
                 f"{len(stored) - updated} already present\n")


def _add_search_words(code: str | None, doc: dict[str, Any]) -> None:
    """A service loaded before its file had search words gets them; words an admin set are left as they are."""
    service = Service.objects.filter(code=code, keywords="").first()
    if service is not None and doc.get("keywords"):
        service_set_keywords(service=service, keywords=list(doc["keywords"]), actor=None)
