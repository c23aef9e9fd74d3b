"""Reference data of issued documents for every installation: the kabupaten's letter-number pattern (editable in
the admin; an office may get its own). The default classification code 000 is the "Umum" (general) class of the
archive classification (Permendagri 83/2022); each service's letter template sets its own."""

from __future__ import annotations

from typing import Any

from simpul.documents.models import DEFAULT_PATTERN, NumberPattern


def load(*, stdout: Any) -> None:
    _pattern, created = NumberPattern.objects.get_or_create(
        agency=None, defaults={"pattern": DEFAULT_PATTERN, "default_classification": "000"})
    if created:
        stdout.write("documents: the kabupaten's letter-number pattern")
