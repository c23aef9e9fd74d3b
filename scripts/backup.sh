#!/usr/bin/env bash
# Back up Simpul's database and uploaded documents into one folder.
#   scripts/backup.sh [DEST_DIR]          (default: backups/simpul-<UTC timestamp>)
# PostgreSQL (DATABASE_URL=postgres://...): `pg_dump --format=custom` (consistent snapshot, restorable with
# pg_restore into an empty database). SQLite (default): the sqlite3 online-backup API, safe while Simpul runs.
# Documents: MEDIA_ROOT (SIMPUL_MEDIA_ROOT, default $SIMPUL_VAR_DIR/media) as a tar.gz.
# Also back up SIMPUL_PDP_KEY separately (NIKs are encrypted with it): without the key the NIKs are unreadable.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
VAR_DIR="${SIMPUL_VAR_DIR:-var}"
MEDIA="${SIMPUL_MEDIA_ROOT:-${VAR_DIR}/media}"
DEST="${1:-backups/simpul-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$DEST"

case "${DATABASE_URL:-}" in
  postgres://*|postgresql://*)
    pg_dump --format=custom --no-owner --file="$DEST/database.pgdump" "$DATABASE_URL"
    echo "postgresql" > "$DEST/KIND"
    ;;
  "")
    "$PY" - "$VAR_DIR/simpul.sqlite3" "$DEST/database.sqlite3" <<'PYEOF'
import sqlite3, sys
source, target = sys.argv[1], sys.argv[2]
src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
dst = sqlite3.connect(target)
with dst:
    src.backup(dst)
dst.close(); src.close()
PYEOF
    echo "sqlite" > "$DEST/KIND"
    ;;
  *) echo "backup.sh: unsupported DATABASE_URL scheme" >&2; exit 2 ;;
esac

if [ -d "$MEDIA" ]; then
  tar -C "$MEDIA" -czf "$DEST/media.tar.gz" .
fi
( cd "$DEST" && sha256sum ./* > SHA256SUMS )
echo "backup written to $DEST"
# The admin home shows the last backup: note this one in the audit log (a backup is not undone when it cannot).
"$PY" -m simpul backup_record "$DEST" >/dev/null || echo "backup.sh: the backup could not be recorded in Simpul" >&2
