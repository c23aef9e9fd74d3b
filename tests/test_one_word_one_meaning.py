"""One English text, one Indonesian text. Django merges every app's catalogue into one, so when two apps translate
the same msgid differently only one of them is shown (the first app in INSTALLED_APPS wins) and the other app's
page silently says something else: the open-data theme "Health" was shown as "Keadaan" (the state of an
application). Where a word means two things, the template or code says which with a context (pgettext)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[1]


def test_no_msgid_is_translated_two_ways_across_apps() -> None:
    seen: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for path in sorted(ROOT.glob("src/simpul/*/locale/id/LC_MESSAGES/django.po")):
        for entry in polib.pofile(str(path)):
            if entry.msgstr and not entry.obsolete:
                seen[(entry.msgctxt or "", entry.msgid)][path.parts[-5]] = entry.msgstr
    clashes = {key: apps for key, apps in seen.items() if len(set(apps.values())) > 1}
    assert clashes == {}


def test_a_health_theme_is_health_and_an_applications_health_is_its_state() -> None:
    from django.utils import translation

    from simpul.opendata.models import Theme

    with translation.override("id"):
        assert str(Theme.HEALTH.label) == "Kesehatan"
        assert translation.pgettext("availability of an application", "Health") == "Keadaan"
