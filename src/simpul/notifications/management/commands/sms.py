"""`simpul sms test "STATUS <reference> <PIN>" --from 0812... [--url http://127.0.0.1:8000]`: send a signed
inbound message as the SMS gateway would, and print Simpul's reply.

Without `--url` the message goes through the webhook in this process (same signature check, lockout and replay
guard as over HTTP); with `--url` it is POSTed to a running server. Signed with the configured secret: in demo
mode (SIMPUL_DEMO_MODE=true) the published demo secret. The reply is also queued to the sender, like any reply.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from simpul.notifications.inbound import inbound_secret, inbound_signed

INBOUND_PATH = "/api/v1/sms/inbound/"


class Command(BaseCommand):
    help = "Status by SMS. `test`: send a signed inbound message (in this process, or to --url) and print the reply."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        test = sub.add_parser("test", help="Send a signed test message and print the reply.")
        test.add_argument("text", help='The message, e.g. "STATUS MUBA-2026-000123 123456".')
        test.add_argument("--from", dest="sender", default="081234567890", help="The sender's number.")
        test.add_argument("--channel", default="sms", choices=["sms", "whatsapp"])
        test.add_argument("--url", default="", help="A running server (e.g. http://127.0.0.1:8000); "
                          "without it, the message is answered in this process.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not inbound_secret():
            raise CommandError("No inbound SMS secret: set SIMPUL_SMS_INBOUND_SECRET (the gateway's secret), or "
                               "SIMPUL_DEMO_MODE=true for the demo's.")
        body, headers = inbound_signed(sender=options["sender"], text=options["text"], channel=options["channel"])
        if options["url"]:
            status, answer = _post_to_server(options["url"], body, headers)
        else:
            status, answer = _post_in_process(body, headers)
        if status != 200:
            raise CommandError(f"HTTP {status}: {answer.get('code', '')} {answer.get('detail', answer)}".strip())
        self.stdout.write(str(answer.get("reply", "")))
        self.stderr.write(f"(reply queued as message {answer.get('message_id')}"
                          f"{', a re-send: no second reply' if answer.get('replayed') else ''})")


def _post_in_process(body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
    from django.test import Client

    hosts = [h.lstrip(".") for h in settings.ALLOWED_HOSTS if h and h != "*"]
    client = Client(HTTP_HOST=hosts[0] if hosts else "localhost")
    extra = {k: v for k, v in headers.items() if k != "Content-Type"}
    response = client.post(INBOUND_PATH, body, content_type=headers["Content-Type"], headers=extra,
                           secure=settings.SECURE_SSL_REDIRECT)
    answer = _json(response.content)
    answer["replayed"] = response.headers.get("Idempotent-Replayed") == "true"
    return response.status_code, answer


def _post_to_server(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
    url = url.rstrip("/")
    if not url.endswith(INBOUND_PATH.rstrip("/")):
        url += INBOUND_PATH.rstrip("/")
    request = urllib.request.Request(url + "/", data=body, method="POST", headers=headers)  # noqa: S310 - the operator's URL
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            answer = _json(response.read(65536))
            answer["replayed"] = response.headers.get("Idempotent-Replayed") == "true"
            return response.status, answer
    except urllib.error.HTTPError as exc:
        return exc.code, _json(exc.read(65536))
    except (urllib.error.URLError, OSError) as exc:
        raise CommandError(f"{url}: not reachable ({exc}). Is the server running (`make run`)?") from exc


def _json(raw: bytes) -> dict[str, Any]:
    try:
        answer = json.loads(raw or b"{}")
    except ValueError:
        return {"detail": raw[:200].decode("utf-8", "replace")}
    return answer if isinstance(answer, dict) else {"detail": str(answer)[:200]}
