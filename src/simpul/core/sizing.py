"""How big to make things on this machine, from its CPU count: one place for the web server's processes and
threads (`simpul run`) and the admission limits (`simpul.core.admission`), so nobody documents 2-core values by
hand. No Django imports: `settings.py` reads it."""

from __future__ import annotations

import os


def cpu_count() -> int:
    """The CPUs this process may run on (a container's or taskset's limit, not the host's), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not Linux
        return max(1, os.cpu_count() or 1)


def web_sizing(cpus: int | None) -> tuple[int, int]:
    """Gunicorn processes and threads for this machine: 2 to 4 processes, 4 threads each."""
    return max(2, min(4, cpus or 2)), 4


def default_max_inflight(cpus: int) -> int:
    """Requests one process runs at once: two per CPU, so a request waiting on the database leaves the CPU to
    another, while more would only queue inside the process (measured on 2 cores: 4 keeps the load test's p95 of
    admitted requests under 2 s at three times capacity, 8 does not; README, "Measured")."""
    return max(2, 2 * cpus)


def default_admission_wait_ms(cpus: int) -> int:
    """How long a request may wait for a slot: 250 ms per CPU, 500 ms to 1 s (a small machine clears its queue
    more slowly, so it must shed sooner to keep the wait of those it admits short)."""
    return max(500, min(1000, 250 * cpus))
