"""`simpul webhook_receiver`: a local receiver for trying webhooks on `make run` (docs/webhooks.md).

It listens on 127.0.0.1 (port 8765 by default, the origin `make run` allows as a receiver), checks every
delivery's signature with the subscription's secret, acknowledges it, and prints each new event once.
"""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from simpul.api.receiver import Receiver


class Command(BaseCommand):
    help = "Receive webhook deliveries on 127.0.0.1 and print each verified event (for trying webhooks locally)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--secret", required=True,
                            help="The subscription's secret (whsec_..., shown once when it was created).")
        parser.add_argument("--port", type=int, default=8765, help="Port on 127.0.0.1 (default 8765).")
        parser.add_argument("--seconds", type=float, default=0,
                            help="Stop after this many seconds (default: run until Ctrl-C).")

    def handle(self, *args: Any, **options: Any) -> None:
        secret = options["secret"].strip()
        if not secret.startswith("whsec_"):
            raise CommandError("--secret must be the subscription's secret (it starts with whsec_).")

        def show(event: dict[str, Any]) -> None:
            self.stdout.write(json.dumps({"id": event.get("id"), "type": event.get("type"),
                                          "subject": event.get("subject"), "data": event.get("data")},
                                         ensure_ascii=False, sort_keys=True))
            self.stdout.flush()

        receiver = Receiver(secret, port=options["port"], on_event=show)
        try:
            receiver.start()
        except OSError as exc:
            raise CommandError(f"cannot listen on 127.0.0.1:{options['port']}: {exc}") from None
        self.stdout.write(f"Listening on {receiver.url} (signatures checked; Ctrl-C stops)")
        self.stdout.flush()
        try:
            deadline = time.monotonic() + options["seconds"] if options["seconds"] else None
            while deadline is None or time.monotonic() < deadline:
                time.sleep(0.2)
        except KeyboardInterrupt:
            pass
        finally:
            receiver.stop()
            rejected = len(receiver.rejected)
            self.stdout.write(f"Stopped: {len(receiver.order)} events received, {rejected} refused (bad signature).")
