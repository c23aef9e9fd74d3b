"""scripts/backup.sh + scripts/restore.sh: back up, restore into an empty database, `simpul audit verify` passes.

The SQLite variant runs in the SQLite suite (no DATABASE_URL), the PostgreSQL variant in the PostgreSQL suite
(pg_dump/pg_restore into a freshly created database). Both run the scripts exactly as an operator would.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WRITE_AUDIT = (
    "from simpul.core.services import audit_chain, audit_record\n"
    "for i in range(5):\n"
    "    audit_record(action='ops.backup_test', object_type='test', object_id=str(i), changes={'i': i})\n"
    "audit_chain()\n"
)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SIMPUL_TESTING", "SIMPUL_VAR_DIR")}
    env.update(SIMPUL_DEMO_MODE="true", PYTHON=str(BIN / "python"), SIMPUL=str(BIN / "simpul"), **extra)
    return env


def _run(cmd: list[str], env: dict[str, str]) -> str:
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, (cmd, proc.stdout[-2000:], proc.stderr[-2000:])
    return proc.stdout


def _round_trip(source: dict[str, str], target: dict[str, str], backup: Path) -> str:
    simpul = str(BIN / "simpul")
    _run([simpul, "migrate", "--noinput", "-v", "0"], source)
    _run([simpul, "shell", "-c", WRITE_AUDIT], source)
    media = Path(source["SIMPUL_MEDIA_ROOT"])
    media.mkdir(parents=True, exist_ok=True)
    (media / "kk.pdf").write_bytes(b"%PDF-1.4 test\n")
    _run(["scripts/backup.sh", str(backup)], source)
    out = _run(["scripts/restore.sh", str(backup)], target)
    assert (Path(target["SIMPUL_MEDIA_ROOT"]) / "kk.pdf").read_bytes() == b"%PDF-1.4 test\n"
    return out


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="the SQLite variant runs in the SQLite suite")
def test_sqlite_backup_restores_into_an_empty_var_dir_with_an_intact_audit_chain(tmp_path):
    source = _env(SIMPUL_VAR_DIR=str(tmp_path / "a"), SIMPUL_MEDIA_ROOT=str(tmp_path / "a" / "media"))
    target = _env(SIMPUL_VAR_DIR=str(tmp_path / "b"), SIMPUL_MEDIA_ROOT=str(tmp_path / "b" / "media"))
    out = _round_trip(source, target, tmp_path / "backup")
    assert "audit chain intact" in out
    assert int(out.split("audit chain intact: ")[1].split()[0]) >= 5


@pytest.mark.postgres
@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="needs PostgreSQL (DATABASE_URL)")
@pytest.mark.skipif(shutil.which("pg_dump") is None or shutil.which("psql") is None, reason="needs pg_dump, psql")
def test_postgresql_backup_restores_into_an_empty_database_with_an_intact_audit_chain(tmp_path):
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    names = [f"simpul_backup_{kind}_{uuid.uuid4().hex[:8]}" for kind in ("src", "dst")]
    admin = base + "/postgres"
    for name in names:
        subprocess.run(["psql", "-q", admin, "-c", f"CREATE DATABASE {name}"], check=True)
    try:
        source = _env(DATABASE_URL=f"{base}/{names[0]}", SIMPUL_VAR_DIR=str(tmp_path / "a"),
                      SIMPUL_MEDIA_ROOT=str(tmp_path / "a" / "media"))
        target = _env(DATABASE_URL=f"{base}/{names[1]}", SIMPUL_VAR_DIR=str(tmp_path / "b"),
                      SIMPUL_MEDIA_ROOT=str(tmp_path / "b" / "media"))
        out = _round_trip(source, target, tmp_path / "backup")
        assert "audit chain intact" in out
        assert int(out.split("audit chain intact: ")[1].split()[0]) >= 5
    finally:
        for name in names:
            subprocess.run(["psql", "-q", admin, "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"],
                           check=False)
