"""`simpul probe` against a local server, recorded locally."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from simpul.infrastructure.models import Measurement
from simpul.infrastructure.tests.factories import LinkFactory

pytestmark = pytest.mark.django_db


class _Ok(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server_url() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Ok)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


def test_probe_records_latency_and_availability(region_tree: Any, server_url: str) -> None:
    link = LinkFactory()
    out = io.StringIO()
    call_command("probe", "--target", server_url, "--link-id", str(link.pk), "--local", "--probe-id", "t1",
                 stdout=out)
    m = Measurement.objects.get(link=link)
    assert m.available is True and m.http_status == 204 and m.latency_ms is not None
    assert m.probe_id == "t1" and m.source == "probe"
    assert "up" in out.getvalue()


def test_probe_reports_a_dead_target_as_down(region_tree: Any) -> None:
    link = LinkFactory()
    call_command("probe", "--target", f"{link.pk}=http://127.0.0.1:9/", "--local", "--timeout", "1",
                 stdout=io.StringIO())
    m = Measurement.objects.get(link=link)
    assert m.available is False and m.latency_ms is None


def test_probe_needs_targets_and_a_destination(region_tree: Any, monkeypatch: Any) -> None:
    monkeypatch.delenv("SIMPUL_PROBE_TARGETS", raising=False)
    with pytest.raises(CommandError):
        call_command("probe", "--local", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("probe", "--target", "1=http://127.0.0.1:9/", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("probe", "--target", "ftp://example.invalid/", "--link-id", "1", "--local",
                     stdout=io.StringIO())


def test_probe_pushes_to_the_api_with_a_key(live_server: Any, server_url: str, transactional_db: Any) -> None:
    from simpul.clients.services import api_client_create, api_key_issue
    from simpul.regions.models import Region, RegionLevel

    Region.objects.create(code="16", name="Sumatera Selatan", level=RegionLevel.PROVINSI)
    Region.objects.create(code="16.06", name="Musi Banyuasin", level=RegionLevel.KABUPATEN, parent_id="16")
    Region.objects.create(code="16.06.01", name="Sekayu", level=RegionLevel.KECAMATAN, parent_id="16.06")
    Region.objects.create(code="16.06.01.2001", name="Sukarami", level=RegionLevel.DESA, parent_id="16.06.01")
    link = LinkFactory()
    _key, secret = api_key_issue(client=api_client_create(name="probe", scopes=["infrastructure:write"]))
    out = io.StringIO()
    call_command("probe", "--target", f"{link.pk}={server_url}", "--api-url", f"{live_server.url}/api/v1",
                 "--api-key", secret, "--probe-id", "sekayu-1", stdout=out)
    assert "sent (201)" in out.getvalue()
    m = Measurement.objects.get(link=link)
    assert m.probe_id == "sekayu-1" and m.available is True
    with pytest.raises(CommandError):
        call_command("probe", "--target", f"{link.pk}={server_url}", "--api-url", f"{live_server.url}/api/v1",
                     "--api-key", "wrong-key-0123456789", stdout=io.StringIO())
