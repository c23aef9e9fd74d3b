"""No NIK in clear anywhere on disk: every journey that takes a NIK, then the raw files are read.

`nik_journeys.py` runs in its own process against an empty SIMPUL_VAR_DIR with a real SQLite file (WAL mode, as
deployed), with its log written into that folder. While it holds the database open, every file under the folder
is read byte by byte (the database with its -wal and -shm files, media, chunked-upload parts, the log), and again
after it exits (SQLite has checkpointed the WAL into the database by then). The known NIK and KK number must not
appear in clear, nor in UTF-16, nor hex-encoded, nor base64-encoded at any alignment (what a stored raw request
body would hold).

The journeys always run on SQLite, also when the suite runs on PostgreSQL: PostgreSQL's data files belong to the
server and cannot be read here, and the application stores the same values whichever database holds them.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).resolve().parent / "nik_journeys.py"
NIK = "1606015503880007"  # Sekayu, female, born 15 March 1988
KK = "1606011204150003"  # Sekayu, issued 12 April 2015


def encodings(secret: str) -> dict[str, bytes]:
    """The byte patterns of `secret` in the encodings a copy could plausibly be stored in."""
    raw = secret.encode("ascii")
    patterns = {"clear": raw, "utf-16": secret.encode("utf-16-le"), "hex": binascii.hexlify(raw)}
    for offset in range(3):
        for name, encode in (("base64", base64.b64encode), ("base64url", base64.urlsafe_b64encode)):
            encoded = encode(b"\0" * offset + raw)
            # Only the characters that depend on the secret's bytes alone (the first group mixes in what precedes).
            patterns[f"{name}+{offset}"] = encoded[4 if offset else 0:20]
    return patterns


def scan(folder: Path, secrets: dict[str, str]) -> tuple[int, int, list[str], list[str]]:
    """Read every file under `folder`; returns (files, bytes, hits as 'path: secret/encoding', file names)."""
    patterns = {f"{label}/{kind}": pattern for label, value in secrets.items()
                for kind, pattern in encodings(value).items()}
    files = size = 0
    hits: list[str] = []
    names: list[str] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        try:
            content = path.read_bytes()
        except FileNotFoundError:  # the -wal or -shm file went away while we walked
            continue
        files += 1
        size += len(content)
        names.append(path.name)
        hits += [f"{path.relative_to(folder)}: {name}" for name, pattern in patterns.items() if pattern in content]
    return files, size, hits, names


def test_known_nik_is_never_written_in_clear_by_any_journey(tmp_path: Path) -> None:
    var = tmp_path / "var"
    (var / "logs").mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SIMPUL_MEDIA_ROOT", "SIMPUL_VAR_DIR")}
    env.update(SIMPUL_TESTING="true", SIMPUL_VAR_DIR=str(var), JOURNEY_NIK=NIK, JOURNEY_KK=KK,
               PYTHONPATH=str(ROOT / "src"), SIMPUL_LOG_LEVEL="DEBUG")
    secrets = {"NIK": NIK, "KK": KK}
    with (var / "logs" / "journeys.log").open("wb") as log:
        process = subprocess.Popen([sys.executable, str(SCRIPT)], cwd=ROOT, env=env, stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=log)
        try:
            assert process.stdout is not None and process.stdin is not None
            summary = None
            for line in process.stdout:
                log.write(line)
                if line.startswith(b"JOURNEYS DONE "):
                    summary = json.loads(line[len(b"JOURNEYS DONE "):])
                    break
            log.flush()
            assert summary is not None, (var / "logs" / "journeys.log").read_text(errors="replace")[-4000:]
            live = scan(var, secrets)
            process.stdin.write(b"\n")
            process.stdin.close()
            log.write(process.stdout.read())
            assert process.wait(timeout=120) == 0
        finally:
            if process.poll() is None:
                process.kill()
    closed = scan(var, secrets)
    print(f"NIK-in-files scan: open database {live[0]} files, {live[1]} bytes, {len(live[2])} hits; "
          f"after exit {closed[0]} files, {closed[1]} bytes, {len(closed[2])} hits")
    assert {"simpul.sqlite3", "simpul.sqlite3-wal", "journeys.log"} <= set(live[3]), live[3]
    assert live[2] == [] and closed[2] == []
    # Five cases, and the one draft left is the unfinished one: each sent draft went with its case.
    assert len(summary["cases"]) == 5 and summary["drafts_left"] == 1, summary
