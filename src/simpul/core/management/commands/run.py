"""`simpul run`: the web server (gunicorn) and the task worker side by side, for a first run or one machine.

Both run as child processes. Ctrl-C or SIGTERM is passed on to both and the command waits for them; when
either child dies on its own, the other is stopped and the command exits non-zero, so a supervisor (systemd,
a container runtime, `make run`) sees the failure instead of a half-running Simpul.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from simpul.core.loaders import demo_hook
from simpul.core.sizing import cpu_count, web_sizing
from simpul.startup import refuse_insecure_secret_key

STOP_GRACE_SECONDS = 20.0


def demo_logins() -> tuple[list[tuple[str, str]], str]:
    """The demo accounts (email, what it is) and their password, from the app whose demo makes them (its demo
    module's `demo_logins`; `simpul.core.loaders.demo_hook`). None without such an app."""
    hook = demo_hook("demo_logins")
    return hook() if hook is not None else ([], "")


def demo_samples() -> list[tuple[str, str, str]]:
    """The demo's sample cases (reference, PIN, what it is), from the app whose demo makes them."""
    hook = demo_hook("demo_samples")
    return hook() if hook is not None else []


class Command(BaseCommand):
    help = "Start the web server (gunicorn) and the task worker together; Ctrl-C stops both."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--no-worker", action="store_true", help="Start only the web server.")
        parser.add_argument("--workers", type=int, default=0, help="Gunicorn processes (default: 2-4 by CPUs).")

    def handle(self, *args: Any, **options: Any) -> None:
        refuse_insecure_secret_key()
        host, port = options["host"], options["port"]
        workers, threads = web_sizing(cpu_count())
        if options["workers"]:
            workers = options["workers"]
        web_cmd = [
            sys.executable, "-m", "gunicorn", "simpul.wsgi:application",
            "--bind", f"{host}:{port}",
            # gthread, telling admission control how long each request queued for a thread (core.admission)
            "--worker-class", "simpul.core.gunicorn_worker.QueueTimedThreadWorker",
            "--workers", str(workers),
            "--threads", str(threads),
            "--timeout", "60",
            "--graceful-timeout", "15",
            "--log-level", "warning",
        ]  # fmt: skip
        children: dict[str, subprocess.Popen[bytes]] = {}
        stop_requested = False
        if not os.environ.get("SIMPUL_SITE_URL"):
            # Links the server and the worker build (SMS, e-mail, the DCAT catalogue) point at the port it serves.
            shown_host = "127.0.0.1" if host in ("0.0.0.0", "") else host  # noqa: S104 - only an address to show
            os.environ["SIMPUL_SITE_URL"] = f"http://{shown_host}:{port}"

        def request_stop(signum: int, frame: FrameType | None) -> None:
            nonlocal stop_requested
            stop_requested = True

        old_int = signal.signal(signal.SIGINT, request_stop)
        old_term = signal.signal(signal.SIGTERM, request_stop)
        try:
            children["web"] = subprocess.Popen(web_cmd)  # noqa: S603 - fixed argv, no shell
            if not options["no_worker"]:
                children["worker"] = subprocess.Popen([sys.executable, "-m", "simpul", "worker"])
            self._announce(host, port, with_worker=not options["no_worker"])
            died = ""
            while not stop_requested and not died:
                for name, proc in children.items():
                    if proc.poll() is not None:
                        died = name
                        break
                else:
                    time.sleep(0.3)
            self._stop_all(children)
        finally:
            signal.signal(signal.SIGINT, old_int)
            signal.signal(signal.SIGTERM, old_term)
            for proc in children.values():
                if proc.poll() is None:
                    proc.kill()
        if died:
            code = children[died].returncode
            raise CommandError(
                f"the {died} process stopped unexpectedly (exit code {code}); the others were stopped too",
                returncode=code or 1,
            )
        self.stdout.write("Simpul stopped.")

    def _stop_all(self, children: dict[str, subprocess.Popen[bytes]]) -> None:
        """SIGTERM to every live child, wait, SIGKILL whatever has not stopped after the grace period."""
        for proc in children.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for proc in children.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def _announce(self, host: str, port: int, *, with_worker: bool) -> None:
        shown_host = "127.0.0.1" if host in ("0.0.0.0", "") else host  # noqa: S104 - only a display choice
        lines = [
            "",
            f"Simpul is starting at http://{shown_host}:{port}/  (English: http://{shown_host}:{port}/en/)",
            f"Health check: http://{shown_host}:{port}/healthz",
            "Task worker: " + ("running" if with_worker else "not started (--no-worker)"),
        ]
        manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
        if "Manifest" in settings.STORAGES["staticfiles"]["BACKEND"] and not manifest.exists():
            lines.append(f"WARNING: no static files in {settings.STATIC_ROOT}: run `simpul collectstatic` first.")
        if settings.DEMO_MODE:
            accounts, password = demo_logins()
            if accounts:
                lines += ["", f"Demo logins (password {password} for all):"]
                width = max(len(email) for email, _ in accounts)
                lines += [f"  {email.ljust(width)}  {label}".rstrip() for email, label in accounts]
                lines.append("  Staff also enter a code from `.venv/bin/simpul demo totp EMAIL`.")
            samples = demo_samples()
            if samples:
                lines += ["", f"Sample cases (http://{shown_host}:{port}/lacak/, reference + PIN):"]
                lines += [f"  {reference}  PIN {pin}  {note}".rstrip() for reference, pin, note in samples]
            if settings.EMAIL_BACKEND.endswith("filebased.EmailBackend"):
                lines.append(f"E-mails the demo sends: {settings.EMAIL_FILE_PATH}/ (SMS and WhatsApp: logged below)")
            lines.append(f'Status by SMS: .venv/bin/simpul sms test "STATUS <reference> <PIN>" --from 0812... '
                         f"--url http://{shown_host}:{port}")
        lines += ["", "Press Ctrl-C to stop.", ""]
        self.stdout.write("\n".join(lines))
        self.stdout.flush()
