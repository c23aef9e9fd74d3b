"""A case's and a draft's answers as stored: the form's protected fields (NIK, KK number) encrypted.

The one rule for every place that keeps answers (`answers_protect`) and the one way back (`answers_reveal`).
"""

from __future__ import annotations

from typing import Any

from simpul.cases.models import Case
from simpul.catalog.forms_engine import all_fields, protected_fields
from simpul.core.pdp import decrypt_text, encrypt_text

ENCRYPTED_PREFIX = "enc:"


def field_types(version: Any) -> dict[str, str]:
        return {f["name"]: f.get("type", "text") for f in all_fields(version)}


def answers_protect(*, version: Any, answers: dict[str, Any]) -> dict[str, Any]:
    """`answers` as they may be stored: the answers of the form's protected fields (NIK, KK number; decided by
    the form definition, `simpul.catalog.forms_engine.protected_fields`) encrypted, everything else as given.

    The one rule for every place that keeps answers: a case's form data and an application draft alike. A value
    that is already encrypted is kept as it is."""
    protected = protected_fields(version)
    stored: dict[str, Any] = {}
    for name, value in answers.items():
        if name in protected and value and not (isinstance(value, str) and value.startswith(ENCRYPTED_PREFIX)):
            stored[name] = ENCRYPTED_PREFIX + encrypt_text(str(value))
        else:
            stored[name] = value
    return stored


def answers_reveal(stored: dict[str, Any]) -> dict[str, Any]:
    """Stored answers with the encrypted ones decrypted (an undecryptable value becomes empty)."""
    out = {}
    for name, value in (stored or {}).items():
        if isinstance(value, str) and value.startswith(ENCRYPTED_PREFIX):
            try:
                value = decrypt_text(value[len(ENCRYPTED_PREFIX):])
            except Exception:
                value = ""
        out[name] = value
    return out


def answers_in_clear(case: Case) -> dict[str, Any]:
    """The case's answers with NIK fields decrypted (for pre-filling a revision form by the applicant)."""
    return answers_reveal(case.form_data or {})
