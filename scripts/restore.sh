#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an EMPTY database, then verify the audit chain.
#   scripts/restore.sh BACKUP_DIR
# PostgreSQL: DATABASE_URL must point at an existing, empty database (createdb first); pg_restore loads it.
# SQLite: SIMPUL_VAR_DIR/simpul.sqlite3 must not exist yet; the backup is copied in with the sqlite3 backup API.
# Documents go back into MEDIA_ROOT. Finally `simpul migrate` (a newer version's migrations, if any) and
# `simpul audit verify`, which exits non-zero when the restored audit chain is broken.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
SIMPUL="${SIMPUL:-.venv/bin/simpul}"
SRC="${1:?usage: scripts/restore.sh BACKUP_DIR}"
VAR_DIR="${SIMPUL_VAR_DIR:-var}"
MEDIA="${SIMPUL_MEDIA_ROOT:-${VAR_DIR}/media}"

( cd "$SRC" && sha256sum --quiet -c SHA256SUMS )
kind="$(cat "$SRC/KIND")"
case "$kind" in
  postgresql)
    [ -n "${DATABASE_URL:-}" ] || { echo "restore.sh: set DATABASE_URL to the empty target database" >&2; exit 2; }
    pg_restore --no-owner --exit-on-error --dbname="$DATABASE_URL" "$SRC/database.pgdump"
    ;;
  sqlite)
    [ -z "${DATABASE_URL:-}" ] || { echo "restore.sh: a SQLite backup restores into SIMPUL_VAR_DIR; unset DATABASE_URL" >&2; exit 2; }
    target="$VAR_DIR/simpul.sqlite3"
    [ ! -e "$target" ] || { echo "restore.sh: $target exists; restore into an empty SIMPUL_VAR_DIR" >&2; exit 2; }
    mkdir -p "$VAR_DIR"
    "$PY" - "$SRC/database.sqlite3" "$target" <<'PYEOF'
import sqlite3, sys
src = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
dst = sqlite3.connect(sys.argv[2])
with dst:
    src.backup(dst)
dst.execute("PRAGMA journal_mode=WAL")
dst.close(); src.close()
PYEOF
    ;;
  *) echo "restore.sh: unknown backup kind '$kind'" >&2; exit 2 ;;
esac

if [ -f "$SRC/media.tar.gz" ]; then
  mkdir -p "$MEDIA"
  tar -C "$MEDIA" -xzf "$SRC/media.tar.gz"
fi
"$SIMPUL" migrate --noinput -v 0
"$SIMPUL" audit verify
echo "restored from $SRC"
