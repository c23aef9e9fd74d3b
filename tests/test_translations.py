"""Every string wrapped for translation reaches its app's Indonesian catalogue.

The core app's test checks that the catalogues have no empty or fuzzy entry; this one checks the other half:
a string added to the code or a template but never extracted (`makemessages`) is shown in English to everyone.
It extracts each app's strings afresh, from a copy of the app, with GNU gettext (`apt-get install gettext`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PACKAGE_DIR = Path(__file__).resolve().parent.parent / "src" / "simpul"

EXTRACT = textwrap.dedent(
    """
    import json, os, shutil, sys, tempfile
    from pathlib import Path
    import django
    django.setup()
    import polib
    from django.core.management import call_command

    package = Path(sys.argv[1])
    missing = {}
    for app in sorted(p.parent for p in package.glob("*/apps.py")):
        work = Path(tempfile.mkdtemp()) / app.name
        shutil.copytree(app, work, ignore=shutil.ignore_patterns("tests", "locale", "__pycache__", "*.mo"))
        (work / "locale").mkdir()
        os.chdir(work)
        call_command("makemessages", locale=["id"], verbosity=0, no_obsolete=True)
        fresh = work / "locale" / "id" / "LC_MESSAGES" / "django.po"
        wanted = {(e.msgctxt, e.msgid) for e in polib.pofile(str(fresh))} if fresh.exists() else set()
        current = app / "locale" / "id" / "LC_MESSAGES" / "django.po"
        have = {(e.msgctxt, e.msgid) for e in polib.pofile(str(current)) if not e.obsolete} if current.exists() else set()
        lost = sorted(msgid for _, msgid in wanted - have)
        if lost:
            missing[app.name] = lost
        shutil.rmtree(work.parent)
    print(json.dumps(missing))
    """
)


@pytest.mark.skipif(shutil.which("xgettext") is None and not os.environ.get("CI"),
                    reason="GNU gettext is not installed (apt-get install gettext): extraction check skipped")
def test_every_translatable_string_is_in_its_apps_indonesian_catalogue() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "simpul.settings", "SIMPUL_TESTING": "true"}
    result = subprocess.run([sys.executable, "-c", EXTRACT, str(PACKAGE_DIR)], env=env, capture_output=True,
                            text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    missing = json.loads(result.stdout.strip().splitlines()[-1])
    report = "\n".join(
        f"- {app} ({len(ids)}): " + "; ".join(repr(i[:60]) for i in ids[:8]) for app, ids in missing.items()
    )
    assert not missing, (
        "strings wrapped for translation but missing from the app's Indonesian catalogue; run makemessages in "
        "the app (docs/translating.md) and translate them:\n" + report
    )
