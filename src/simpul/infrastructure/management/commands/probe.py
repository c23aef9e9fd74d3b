"""`simpul probe`: measure latency (TCP connect time) and HTTP availability of targets and report them.

Targets come from `--target` (repeatable) or SIMPUL_PROBE_TARGETS (comma-separated). A target is `URL` (reported
for `--link-id`) or `LINK_ID=URL`. Results go to the API (`--api-url`, `--api-key` or SIMPUL_PROBE_API_URL /
SIMPUL_PROBE_API_KEY) as `POST /api/v1/measurements/`, or straight into the database with `--local`.
Each result carries `--probe-id` and the measurement time, so sending it twice records it once.
"""

from __future__ import annotations

import json
import os
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from simpul.infrastructure.models import Link, MeasurementSource
from simpul.infrastructure.services import http_check, measurement_record


@dataclass
class ProbeResult:
    link_id: int
    url: str
    measured_at: datetime
    latency_ms: Decimal | None
    available: bool
    http_status: int | None
    error: str


def tcp_connect_ms(url: str, *, timeout: float) -> float | None:
    """Milliseconds to open a TCP connection to the URL's host and port (None if it fails)."""
    parts = urlsplit(url)
    if not parts.hostname:
        return None
    port = parts.port or (443 if parts.scheme == "https" else 80)
    started = time.monotonic()
    try:
        with socket.create_connection((parts.hostname, port), timeout=timeout):
            pass
    except OSError:
        return None
    return (time.monotonic() - started) * 1000


def parse_targets(raw: list[str], default_link: int | None) -> list[tuple[int, str]]:
    targets = []
    for item in raw:
        item = item.strip()
        if not item:
            continue
        link_part, sep, url = item.partition("=")
        if sep and link_part.isdigit():
            targets.append((int(link_part), url))
        elif default_link is not None:
            targets.append((default_link, item))
        else:
            raise CommandError(f"target {item!r} names no link: use LINK_ID=URL or --link-id")
        if urlsplit(targets[-1][1]).scheme not in ("http", "https"):
            raise CommandError(f"target {item!r} is not an http(s) address")
    return targets


def probe_once(link_id: int, url: str, *, timeout: float) -> ProbeResult:
    at = timezone.now().replace(microsecond=0)
    latency = tcp_connect_ms(url, timeout=timeout)
    ok, status, _ms, error = http_check(url, timeout=timeout)
    return ProbeResult(
        link_id=link_id, url=url, measured_at=at,
        latency_ms=Decimal(f"{latency:.2f}") if latency is not None else None,
        available=ok, http_status=status, error=error,
    )


def push(result: ProbeResult, *, api_url: str, api_key: str, probe_id: str, timeout: float) -> int:
    body = json.dumps({
        "link": result.link_id, "probe_id": probe_id, "measured_at": result.measured_at.isoformat(),
        "latency_ms": str(result.latency_ms) if result.latency_ms is not None else None,
        "available": result.available, "http_status": result.http_status,
    }).encode()
    request = urllib.request.Request(  # noqa: S310 (operator-given API address)
        api_url.rstrip("/") + "/measurements/", data=body, method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {api_key}", "X-API-Key": api_key},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:  # noqa: S310
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        detail = exc.read()[:300].decode("utf-8", "replace")
        raise CommandError(f"the API refused the measurement ({exc.code}): {detail}") from None
    except urllib.error.URLError as exc:
        raise CommandError(f"cannot reach the API: {exc.reason}") from None


class Command(BaseCommand):
    help = "Measure latency and HTTP availability of targets and report them (API or --local)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--target", action="append", default=[], help="URL or LINK_ID=URL (repeatable)")
        parser.add_argument("--link-id", type=int, help="link the plain-URL targets belong to")
        parser.add_argument("--probe-id", default=os.environ.get("SIMPUL_PROBE_ID", socket.gethostname()))
        parser.add_argument("--api-url", default=os.environ.get("SIMPUL_PROBE_API_URL", ""))
        parser.add_argument("--api-key", default=os.environ.get("SIMPUL_PROBE_API_KEY", ""))
        parser.add_argument("--local", action="store_true", help="write into this installation's database")
        parser.add_argument("--timeout", type=float, default=10.0)

    def handle(self, *args: Any, **options: Any) -> None:
        raw = options["target"] or os.environ.get("SIMPUL_PROBE_TARGETS", "").split(",")
        targets = parse_targets(raw, options["link_id"])
        if not targets:
            raise CommandError("no targets: use --target or SIMPUL_PROBE_TARGETS")
        if not options["local"] and not (options["api_url"] and options["api_key"]):
            raise CommandError("give --api-url and --api-key (or SIMPUL_PROBE_API_URL/_KEY), or use --local")
        for link_id, url in targets:
            result = probe_once(link_id, url, timeout=options["timeout"])
            if options["local"]:
                link = Link.objects.filter(pk=link_id).first()
                if link is None:
                    raise CommandError(f"unknown link {link_id}")
                _m, created = measurement_record(
                    link=link, measured_at=result.measured_at, source=MeasurementSource.PROBE,
                    probe_id=options["probe_id"], actor_label=f"probe:{options['probe_id']}",
                    latency_ms=result.latency_ms, available=result.available, http_status=result.http_status,
                )
                outcome = "recorded" if created else "already recorded"
            else:
                code = push(result, api_url=options["api_url"], api_key=options["api_key"],
                            probe_id=options["probe_id"], timeout=options["timeout"])
                outcome = f"sent ({code})"
            state = "up" if result.available else f"down {result.error}".strip()
            latency = f"{result.latency_ms} ms" if result.latency_ms is not None else "no connection"
            self.stdout.write(f"link {link_id} {url}: {state}, {latency}, HTTP {result.http_status}: {outcome}")
