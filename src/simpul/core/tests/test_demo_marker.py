"""The demo-mode marker `make run` leaves: `.venv/bin/simpul demo totp EMAIL` works on that installation as the
README says, and the marker never turns a configured (production-like) installation into a demo."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = "import django; django.setup(); from django.conf import settings; print(settings.DEMO_MODE)"


def _demo_mode(var_dir: Path, **extra: str) -> str:
    env = {k: v for k, v in os.environ.items()
           if k not in ("SIMPUL_TESTING", "SIMPUL_DEMO_MODE", "SIMPUL_SECRET_KEY", "DATABASE_URL")}
    env.update({"DJANGO_SETTINGS_MODULE": "simpul.settings", "SIMPUL_VAR_DIR": str(var_dir), **extra})
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120,
                          cwd=var_dir)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


@pytest.fixture
def marked(tmp_path: Path) -> Path:
    (tmp_path / "demo-mode").touch()
    return tmp_path


def test_without_the_marker_there_is_no_demo_mode(tmp_path):
    assert _demo_mode(tmp_path) == "False"


def test_the_marker_turns_demo_mode_on_for_the_out_of_the_box_installation(marked):
    assert _demo_mode(marked) == "True"


@pytest.mark.parametrize("setting", [{"SIMPUL_SECRET_KEY": "a-real-key-" + "x" * 50},
                                     {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/simpul"},
                                     {"SIMPUL_DEMO_MODE": "false"}, {"SIMPUL_TESTING": "true"}])
def test_the_marker_is_ignored_once_the_installation_is_configured(marked, setting):
    assert _demo_mode(marked, **setting) == "False"
