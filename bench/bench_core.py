"""Core write-path benchmark: what the audit chain, the outbox and idempotency cost per submission.

Each figure is a ratio against a baseline measured in the same run on the same database (no assertions):

1. `audit_record` (hash-chained, serialised on the chain head) vs a plain one-row insert of a similar row.
2. `outbox_enqueue` vs the same plain insert.
3. `idempotent(...)` around a handler doing one plain insert vs calling that handler directly
   (the idempotency overhead of a case submission: in-flight row, then the stored response).
4. `outbox_deliver_batch` through the "log" backend: messages delivered per second (absolute, indicative).

    .venv/bin/python bench/bench_core.py [--n 2000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/simpul_bench .venv/bin/python bench/bench_core.py

Without DATABASE_URL it uses a fresh SQLite file in a temporary folder (migrated first). With DATABASE_URL the
database must exist and is migrated; the benchmark's rows are deleted at the end. Absolute times are
indicative only on a shared machine; the ratios are the comparable figures.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))


def _rate(n: int, fn: Callable[[int], object]) -> float:
    start = time.perf_counter()
    for i in range(n):
        fn(i)
    return n / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="operations per measurement")
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        os.environ["SIMPUL_VAR_DIR"] = tempfile.mkdtemp(prefix="simpul-bench-core-")
    os.environ.setdefault("SIMPUL_TESTING", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "simpul.settings")
    os.environ.setdefault("SIMPUL_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from simpul.core.delivery import outbox_deliver_batch
    from simpul.core.idempotency import idempotent
    from simpul.core.models import AuditEntry, Holiday, IdempotencyRecord, OutboxMessage
    from simpul.core.services import audit_record, outbox_enqueue

    call_command("migrate", verbosity=0)
    n = args.n
    run = uuid.uuid4().hex[:8]

    def plain_insert(i: int) -> None:
        # a similar-sized single-row insert in its own transaction, through the ORM
        with transaction.atomic():
            Holiday.objects.create(date=date(3000, 1, 1) + timedelta(days=i), name=f"bench {run} {i}")
            Holiday.objects.filter(name=f"bench {run} {i}").delete()

    def audited(i: int) -> None:
        audit_record(action="bench.thing_change", object_type="bench.thing", object_id=str(i), changes={"i": i})

    def enqueued(i: int) -> None:
        with transaction.atomic():
            outbox_enqueue(backend="log", payload={"i": i}, topic="bench")

    def one_insert_handler(i: int) -> tuple[int, dict]:
        with transaction.atomic():
            Holiday.objects.create(date=date(5000, 1, 1) + timedelta(days=i), name=f"bench {run} h{i}")
        return 201, {"i": i}

    def with_key(i: int) -> None:
        idempotent(scope=f"bench:{run}", key=f"k-{i}", fingerprint="f" * 64, handler=lambda: one_insert_handler(i))

    plain = _rate(n, plain_insert)
    audit = _rate(n, audited)
    outbox = _rate(n, enqueued)
    direct = _rate(n, lambda i: one_insert_handler(n + i))
    Holiday.objects.filter(name__startswith=f"bench {run} h").delete()
    keyed = _rate(n, with_key)
    start = time.perf_counter()
    delivered = outbox_deliver_batch(limit=200, max_rounds=10_000)
    deliver_rate = delivered / (time.perf_counter() - start)

    print(f"database: {connection.vendor}, n={n}")
    print(f"plain insert (+delete) txn/s : {plain:8.0f}")
    print(f"audit_record appends/s      : {audit:8.0f}  ratio to plain {audit / plain:5.2f}")
    print(f"outbox_enqueue txn/s        : {outbox:8.0f}  ratio to plain {outbox / plain:5.2f}")
    print(f"handler alone calls/s       : {direct:8.0f}")
    print(f"idempotent(handler) calls/s : {keyed:8.0f}  ratio to handler alone {keyed / direct:5.2f}")
    print(f"outbox delivered/s (log)    : {deliver_rate:8.0f}  ({delivered} messages)")

    # leave nothing behind in a shared database (the audit chain itself is append-only and stays)
    Holiday.objects.filter(name__startswith=f"bench {run}").delete()
    IdempotencyRecord.objects.filter(scope=f"bench:{run}").delete()
    OutboxMessage.objects.filter(topic="bench").delete()
    print(f"audit entries now: {AuditEntry.objects.count()} (append-only: bench entries stay)")


if __name__ == "__main__":
    main()
