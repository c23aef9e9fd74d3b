"""A real webhook receiver: http.server in a thread on 127.0.0.1, the one behind `simpul webhook_receiver`
(the demo's local receiver, docs/webhooks.md) and the webhook and integration tests.

It verifies each request's signature, de-duplicates by event id (as receivers must), keeps every verified
request's raw headers and body (for parsing with other tools), can call back on each new event, can be stopped
and started again on the same port, and can be told to answer with an error status or to hang.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from simpul.api.webhooks import InvalidSignature, verify_signature


class Receiver:
    def __init__(self, secret: str, *, port: int = 0, host: str = "127.0.0.1",
                 on_event: Callable[[dict[str, Any]], None] | None = None) -> None:
        self.secret = secret
        self.port = port
        self.host = host
        self.on_event = on_event
        self.status = 200
        self.delay = 0.0
        self.delay_after_accept = 0.0  # accept the event, then answer too late (the answer is "lost")
        self.received: list[dict[str, Any]] = []  # every request that verified, duplicates included
        self.accepted: dict[str, dict[str, Any]] = {}  # event id -> event, first copy only
        self.order: list[str] = []  # event ids in the order first accepted
        self.rejected: list[str] = []
        self.raw: list[tuple[dict[str, str], bytes]] = []  # (headers, body) of every verified request
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/hook"

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                if receiver.delay:
                    time.sleep(receiver.delay)
                try:
                    verify_signature(receiver.secret, dict(self.headers.items()), body)
                except InvalidSignature as exc:
                    with receiver._lock:
                        receiver.rejected.append(exc.reason)
                    self._answer(401, {"error": exc.reason})
                    return
                event = json.loads(body)
                new = False
                with receiver._lock:
                    receiver.received.append(event)
                    receiver.raw.append((dict(self.headers.items()), body))
                    if receiver.status >= 300:
                        status = receiver.status
                    else:
                        status = 200
                        if event["id"] not in receiver.accepted:
                            receiver.accepted[event["id"]] = event
                            receiver.order.append(event["id"])
                            new = True
                if new and receiver.on_event is not None:
                    receiver.on_event(event)
                if receiver.delay_after_accept:
                    time.sleep(receiver.delay_after_accept)
                self._answer(status, {"received": event["id"], "ticket": f"T-{len(receiver.order)}"})

            def _answer(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up (timeout test)

        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
