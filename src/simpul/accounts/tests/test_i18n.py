"""The Indonesian catalogue of accounts is complete, compiled, and used by default."""

from __future__ import annotations

from pathlib import Path

import polib
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[1] / "locale" / "id" / "LC_MESSAGES"


def test_indonesian_catalogue_has_no_empty_or_fuzzy_entry():
    po = polib.pofile(str(LOCALE / "django.po"))
    assert not po.metadata_is_fuzzy
    bad = [e.msgid for e in po if not e.obsolete and ("fuzzy" in e.flags or not e.translated())]
    assert bad == []
    mo = polib.mofile(str(LOCALE / "django.mo"))
    assert {e.msgid for e in mo} >= {e.msgid for e in po if not e.obsolete}


def test_validator_messages_are_indonesian_by_default():
    with translation.override("id"):
        assert translation.gettext("The NIB must be exactly 13 digits, as printed by OSS.").startswith(
            "NIB harus"
        )
